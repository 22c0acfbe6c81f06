//! The elderly registry as a file (SPEC R3), on SQLite and on PostgreSQL: an import with bad
//! rows stores nothing and names each row's column and reason; asked to skip them it stores
//! the rest; an exported file reads back with every column; both are audited, and only
//! those who keep the registry (and may export) can.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hotline_core::audit::AuditFilter;
use hotline_core::tabular::{read_sheet, write_csv};
use hotline_core::testing::{sample_elderly, staff, TestDatabase};
use hotline_core::{FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::{ElderlyQuery, FileFormat, IdNumber, ImportMode, ImportReport, Problem, Role};

fn now() -> DateTime<Utc> {
    "2026-12-07T02:00:00Z".parse().unwrap()
}

fn origin() -> Origin {
    Origin {
        actor: "user:care".into(),
        address: Some("10.0.0.9".into()),
    }
}

/// A valid ID number of someone born on `born` (`YYYYMMDD`), the `n`th of that day.
fn id_number(born: &str, n: u32) -> String {
    let body = format!("610402{born}{:03}", n % 1000);
    format!("{body}{}", IdNumber::check_digit(&body))
}

const HEADER: &[&str] = &[
    "姓名",
    "身份证号",
    "身份类别",
    "服务卡号",
    "区县",
    "街道乡镇",
    "社区村",
    "详细地址",
    "本人电话",
    "一键通终端号",
    "紧急联系人",
    "联系人关系",
    "联系人电话",
    "健康状况",
];

fn row(name: &str, id: &str, card: &str, device: &str) -> Vec<String> {
    [
        name,
        id,
        "独居",
        card,
        "秦都区",
        "人民路街道",
        "乐育北路社区居委会",
        "乐育北路 3 号",
        "029-33123456",
        device,
        "王强",
        "儿子",
        "13912345678",
        "高血压",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

async fn people_count(h: &Hotline) -> u64 {
    let care = staff(Role::Coordinator, None, None);
    h.elderly_for(&care, &ElderlyQuery::default())
        .await
        .unwrap()
        .total
}

async fn audit_actions(h: &Hotline, object_type: &str) -> Vec<String> {
    h.audit_entries(&AuditFilter {
        object_type: Some(object_type.into()),
        limit: 100,
        ..AuditFilter::default()
    })
    .await
    .unwrap()
    .into_iter()
    .map(|e| e.action)
    .collect()
}

fn issue_at(report: &ImportReport, row: u32, column: &str) -> Option<Problem> {
    report
        .issues
        .iter()
        .find(|i| i.row == row && i.column.as_deref() == Some(column))
        .map(|i| i.problem.clone())
}

async fn bad_rows_are_named_and_nothing_is_half_imported(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    // One person is already registered, with service card XY90000001.
    let mut load = h.store.begin_load().await.unwrap();
    let mut stored = sample_elderly(
        "刘德福",
        1,
        hotline_domain::Coordinates {
            lon: 108.7,
            lat: 34.33,
        },
    );
    stored.service_card_no = "XY90000001".into();
    load.insert_elderly(&stored).await.unwrap();
    load.commit().await.unwrap();
    let care = staff(Role::Coordinator, None, None);

    let rows = vec![
        row("张秀英", &id_number("19500301", 2), "XY10000001", "YJT001"),
        row("王建国", &id_number("19480712", 1), "XY10000002", ""),
        // Row 4: a wrong check character.
        row("李华", "610402194807120010", "XY10000003", ""),
        // Row 5: the ID number of row 2 again, and a terminal row 2 has.
        row("张秀英", &id_number("19500301", 2), "XY10000004", "YJT001"),
        // Row 6: a service card already stored (in another case).
        row("赵淑珍", &id_number("19400105", 4), "xy90000001", ""),
        // Row 7: fifty-six years old.
        row("孙丽", &id_number("19700101", 6), "XY10000006", ""),
        // Row 8: a district that is not Xianyang's.
        {
            let mut r = row("周伟", &id_number("19400106", 8), "XY10000008", "");
            r[4] = "海淀区".into();
            r
        },
    ];
    let file = write_csv(HEADER, &rows).unwrap();
    let before = people_count(&h).await;

    let refused = h
        .import_elderly(
            &care,
            "C:\\导入\\老人.csv",
            &file,
            ImportMode::All,
            &origin(),
        )
        .await
        .unwrap();
    assert!(!refused.committed);
    assert_eq!(refused.file_name, "老人.csv");
    assert_eq!(
        (refused.rows, refused.imported, refused.rejected),
        (7, 0, 5)
    );
    assert_eq!(
        issue_at(&refused, 4, "id_number"),
        Some(Problem::BadIdNumber)
    );
    assert_eq!(
        issue_at(&refused, 5, "id_number"),
        Some(Problem::Duplicate { row: 2 })
    );
    assert_eq!(
        issue_at(&refused, 5, "onekey_device"),
        Some(Problem::Duplicate { row: 2 })
    );
    assert_eq!(
        issue_at(&refused, 6, "service_card_no"),
        Some(Problem::Taken)
    );
    assert_eq!(issue_at(&refused, 8, "district"), Some(Problem::Unknown));
    assert_eq!(
        issue_at(&refused, 7, "id_number"),
        Some(Problem::OutOfRange { min: 60, max: 150 })
    );
    assert_eq!(people_count(&h).await, before, "nothing half-imported");

    let skipped = h
        .import_elderly(&care, "老人.csv", &file, ImportMode::SkipBadRows, &origin())
        .await
        .unwrap();
    assert!(skipped.committed);
    assert_eq!((skipped.imported, skipped.rejected), (2, 5));
    assert_eq!(skipped.placed_at_region, 2);
    assert_eq!(people_count(&h).await, before + 2);
    let found = h
        .elderly_for(
            &care,
            &ElderlyQuery {
                q: "029 3312 3456".into(),
                ..ElderlyQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.total, 2, "phones stored normalised");

    // The same file again clashes with what it stored.
    let again = h
        .import_elderly(&care, "老人.csv", &file, ImportMode::All, &origin())
        .await
        .unwrap();
    assert_eq!(issue_at(&again, 2, "id_number"), Some(Problem::Taken));
    assert_eq!(issue_at(&again, 2, "onekey_device"), Some(Problem::Taken));

    // Reports are kept, newest first, and each attempt is audited.
    let shown = h.import_report(&care, skipped.id).await.unwrap();
    assert_eq!(shown, skipped);
    let latest = h.elderly_imports(&care, 10).await.unwrap();
    assert_eq!(
        latest.iter().map(|r| r.id).collect::<Vec<_>>(),
        [again.id, skipped.id, refused.id]
    );
    assert_eq!(
        audit_actions(&h, "elderly_import").await,
        ["import_refused", "import", "import_refused"]
    );
}

async fn files_that_cannot_be_read_are_reported_whole(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let care = staff(Role::Coordinator, None, None);
    let import = |bytes: Vec<u8>| {
        let h = h.clone();
        let care = care.clone();
        async move {
            h.import_elderly(&care, "x.xlsx", &bytes, ImportMode::All, &origin())
                .await
                .unwrap()
        }
    };
    let zip = import(b"PK\x03\x04 not a workbook".to_vec()).await;
    assert_eq!(zip.issues[0].row, 0);
    assert_eq!(zip.issues[0].problem, Problem::Unreadable);
    let header = import("姓名,年龄\n张三,70\n".as_bytes().to_vec()).await;
    assert!(header
        .issues
        .iter()
        .any(|i| i.row == 1 && i.column.as_deref() == Some("年龄")));
    assert!(header
        .issues
        .iter()
        .any(|i| i.column.as_deref() == Some("id_number") && i.problem == Problem::MissingColumn));
    let empty = import(write_csv(HEADER, &[]).unwrap()).await;
    assert_eq!(empty.issues[0].problem, Problem::Required);
    for role in [Role::Agent, Role::Vendor, Role::Admin] {
        let refused = h
            .import_elderly(
                &staff(role, None, None),
                "x.csv",
                b"a",
                ImportMode::All,
                &origin(),
            )
            .await;
        assert!(matches!(refused, Err(ServiceError::Forbidden)), "{role:?}");
    }
}

async fn an_export_reads_back_column_for_column(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let care = staff(Role::Coordinator, None, None);
    let rows: Vec<Vec<String>> = (0..30)
        .map(|i| {
            let mut r = row(
                if i % 2 == 0 { "张桂兰" } else { "王秀兰" },
                &id_number("19450101", i),
                &format!("XY2{i:07}"),
                "",
            );
            r[13] = format!("=cmd|' /C calc'!A{i}");
            r
        })
        .collect();
    let imported = h
        .import_elderly(
            &care,
            "a.csv",
            &write_csv(HEADER, &rows).unwrap(),
            ImportMode::All,
            &origin(),
        )
        .await
        .unwrap();
    assert_eq!(imported.imported, 30, "{:?}", imported.issues);

    let search = ElderlyQuery {
        q: "张".into(),
        ..ElderlyQuery::default()
    };
    for format in [FileFormat::Csv, FileFormat::Xlsx] {
        let file = h
            .export_elderly(&care, &search, format, &origin())
            .await
            .unwrap();
        assert_eq!(file.rows, 15, "every page of the search, not one");
        let (read_as, sheet) = read_sheet(&file.bytes, 1000).unwrap();
        assert_eq!(read_as, format);
        assert_eq!(sheet.header[0], "档案编号");
        assert_eq!(sheet.rows.len(), 15);
        let first = &sheet.rows[0].1;
        assert_eq!(first[1], "张桂兰");
        assert_eq!(first[2], "女");
        assert_eq!(
            first[4],
            id_number("19450101", 0),
            "ID in full for the ID permission"
        );
        assert_eq!(first[17], "=cmd|' /C calc'!A0", "read back as written");
        // Imported again, every row reads and only clashes with itself.
        let back = h
            .import_elderly(&care, "back", &file.bytes, ImportMode::All, &origin())
            .await
            .unwrap();
        assert_eq!(back.rejected, 15);
        assert!(
            back.issues.iter().all(|i| i.problem == Problem::Taken),
            "{:?}",
            back.issues
        );
    }
    {
        let file = h
            .export_elderly(&care, &search, FileFormat::Csv, &origin())
            .await
            .unwrap();
        let text = String::from_utf8(file.bytes).unwrap();
        assert!(text.contains("'=cmd"), "formulas are quoted in CSV");
    }

    // Without the ID and health permissions, numbers are masked and health left out.
    let mut clerk = staff(Role::Coordinator, None, None);
    clerk.permissions.retain(|p| {
        !matches!(
            p,
            hotline_domain::Permission::IdReveal | hotline_domain::Permission::HealthRecords
        )
    });
    let masked = h
        .export_elderly(&clerk, &search, FileFormat::Csv, &origin())
        .await
        .unwrap();
    let (_, sheet) = read_sheet(&masked.bytes, 1000).unwrap();
    assert!(sheet.rows[0].1[4].contains('*'));
    assert!(sheet.rows[0].1[11].contains('*'));
    assert_eq!(sheet.rows[0].1[17], "");

    // Exporting is a permission of its own; exports are audited with the search.
    let mut reader = staff(Role::Coordinator, None, None);
    reader
        .permissions
        .retain(|p| *p != hotline_domain::Permission::Export);
    assert!(matches!(
        h.export_elderly(&reader, &search, FileFormat::Csv, &origin())
            .await,
        Err(ServiceError::Forbidden)
    ));
    let exports = h
        .audit_entries(&AuditFilter {
            object_type: Some("elderly".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(exports.len(), 4);
    assert!(exports.iter().all(|e| e.action == "export"));
    assert!(exports[0].after.as_deref().unwrap().contains("\"masked\""));
}

async fn a_large_import_is_stored_in_parts_and_whole(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let care = staff(Role::Coordinator, None, None);
    let rows: Vec<Vec<String>> = (0..2_500)
        .map(|i| {
            row(
                "钱淑华",
                &id_number(&format!("194{}0101", i % 10), i / 10),
                &format!("XY3{i:07}"),
                &if i % 2 == 0 {
                    format!("YJT9{i:06}")
                } else {
                    String::new()
                },
            )
        })
        .collect();
    let report = h
        .import_elderly(
            &care,
            "big.csv",
            &write_csv(HEADER, &rows).unwrap(),
            ImportMode::All,
            &origin(),
        )
        .await
        .unwrap();
    assert_eq!(
        (report.imported, report.rejected),
        (2_500, 0),
        "{:?}",
        report.issues
    );
    assert_eq!(people_count(&h).await, 2_500);
    assert_eq!(audit_actions(&h, "elderly_import").await, ["import"]);
    // The map counts every one of them.
    let view = h
        .map_view(
            &care,
            &hotline_domain::ViewportInput {
                layer: "elderly".into(),
                bbox: "107.6,34.1,109.3,35.6".into(),
                zoom: "8".into(),
            },
        )
        .await
        .unwrap();
    let counted: u64 = view.cells.iter().map(|c| u64::from(c.count)).sum();
    assert_eq!(counted, 2_500);
}

hotline_core::on_both_backends!(
    a_large_import_is_stored_in_parts_and_whole,
    bad_rows_are_named_and_nothing_is_half_imported,
    files_that_cannot_be_read_are_reported_whole,
    an_export_reads_back_column_for_column,
);
