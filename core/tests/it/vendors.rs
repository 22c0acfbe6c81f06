//! The vendor registry kept by hand (SPEC R1), on SQLite and on PostgreSQL: a lead creates
//! and edits records (each write audited with before and after, an edit made meanwhile by
//! someone else refused), the list finds vendors by name, phone, region, service and
//! status; a vendor's own account sees and edits only its own contact details and staff;
//! inspections are recorded by the registry's keepers only.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hotline_core::audit::AuditFilter;
use hotline_core::tabular::read_sheet;
use hotline_core::testing::{sample_vendor, staff, TestDatabase};
use hotline_core::{FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::{
    Coordinates, FileFormat, InspectionInput, Problem, Role, VendorEdit, VendorInput, VendorQuery,
    VendorStaffInput, VendorStatus,
};

fn now() -> DateTime<Utc> {
    "2026-12-07T02:00:00Z".parse().unwrap()
}

fn origin(actor: &str) -> Origin {
    Origin {
        actor: actor.into(),
        address: Some("10.0.0.9".into()),
    }
}

fn form() -> VendorInput {
    VendorInput {
        name: "咸阳市秦都区好帮手家政服务有限公司".into(),
        kind: "company".into(),
        franchise_type: "加盟企业".into(),
        district: "610402".into(),
        street: "610402001".into(),
        address: "人民路 12 号".into(),
        phone: "13800000001".into(),
        contact_name: "王丽".into(),
        website: "https://hbs.example.cn".into(),
        service_area: "人民路 西兰路 吴家堡".into(),
        services: vec!["0101".into(), "010201".into()],
        staff_count: "12".into(),
        registered_capital: "500000".into(),
        home_care: Some("on".into()),
        status: "active".into(),
        credit_grade: "AA".into(),
        special_recommend: Some("on".into()),
        special_prompt: "只接受白天的订单".into(),
        ..VendorInput::default()
    }
}

async fn list(h: &Hotline, q: VendorQuery) -> Vec<String> {
    let lead = staff(Role::ShiftLead, None, None);
    h.vendors_for(&lead, &q)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|v| v.name)
        .collect()
}

async fn a_lead_keeps_the_registry_and_every_write_is_audited(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let lead = staff(Role::ShiftLead, None, None);
    let agent = staff(Role::Agent, None, None);

    // Agents read the registry but do not keep it.
    assert!(matches!(
        h.create_vendor(&agent, &form(), &origin("user:agent"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    // A street of another district and an unknown service are named.
    let wrong = VendorInput {
        street: "610402999".into(),
        services: vec!["0101".into(), "9999".into()],
        ..form()
    };
    match h.create_vendor(&lead, &wrong, &origin("user:lead")).await {
        Err(ServiceError::Invalid(e)) => {
            assert_eq!(e.get("street"), Some(&Problem::Unknown));
            assert_eq!(e.get("services"), Some(&Problem::Unknown));
        }
        other => panic!("{other:?}"),
    }

    let id = h
        .create_vendor(&lead, &form(), &origin("user:lead"))
        .await
        .unwrap();
    let v = h.vendor_record(&agent, id).await.unwrap();
    assert_eq!(v.street_name.as_deref(), Some("人民路街道"));
    assert_eq!(
        v.services
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>(),
        ["0101", "010201"]
    );
    assert!(v.special_recommend && v.home_care && !v.volunteer);
    assert_eq!(v.editable, VendorEdit::Nothing);
    assert_eq!(v.version, 1);
    // Placed at its street's centre for want of a position, inside the city.
    assert!((108.0..110.0).contains(&v.position.lon));

    // An edit names the version it started from; a second edit from the same form is
    // refused and changes nothing.
    let mut edit = VendorInput::from_detail(&v);
    edit.status = "suspended".into();
    edit.services = vec!["0101".into()];
    edit.centre_opinion = "投诉较多，暂停派单".into();
    h.update_vendor(&lead, id, &edit, &origin("user:lead"))
        .await
        .unwrap();
    edit.credit_grade = "C".into();
    assert!(matches!(
        h.update_vendor(&lead, id, &edit, &origin("user:lead2"))
            .await,
        Err(ServiceError::Conflict)
    ));
    let v = h.vendor_record(&lead, id).await.unwrap();
    assert_eq!(v.status, VendorStatus::Suspended);
    assert_eq!(v.credit_grade.as_code(), "AA");
    assert_eq!(v.services.len(), 1);
    assert_eq!(v.version, 2);
    assert_eq!(v.editable, VendorEdit::All);

    let entries = h
        .audit_entries(&AuditFilter {
            object_type: Some("vendor".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.object_id.as_str()))
        .collect();
    let id_text = id.to_string();
    assert!(
        actions.contains(&("create", id_text.as_str())),
        "{actions:?}"
    );
    let update = entries.iter().find(|e| e.action == "update").unwrap();
    assert!(update.before.as_deref().unwrap().contains("\"active\""));
    assert!(update.after.as_deref().unwrap().contains("\"suspended\""));
    assert_eq!(entries.iter().filter(|e| e.action == "update").count(), 1);

    // Inspections: keepers only, dated on or before today.
    let inspection = InspectionInput {
        inspected_on: "2026-12-01".into(),
        result: "rectify".into(),
        inspector: "李明".into(),
        note: "消防通道堆放杂物".into(),
        next_due: "2027-01-01".into(),
    };
    assert!(matches!(
        h.record_inspection(&agent, id, &inspection, &origin("user:agent"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    h.record_inspection(&lead, id, &inspection, &origin("user:lead"))
        .await
        .unwrap();
    let v = h.vendor_record(&lead, id).await.unwrap();
    assert_eq!(v.inspections.len(), 1);
    assert_eq!(v.inspections[0].recorded_by, "user:lead");
    assert_eq!(v.inspections[0].next_due.unwrap().to_string(), "2027-01-01");
}

async fn a_vendor_account_edits_only_its_own_contact_details_and_staff(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let lead = staff(Role::ShiftLead, None, None);
    let ours = h
        .create_vendor(&lead, &form(), &origin("user:lead"))
        .await
        .unwrap();
    let theirs = h
        .create_vendor(
            &lead,
            &VendorInput {
                name: "咸阳市渭城区便民维修服务部".into(),
                phone: "13800000002".into(),
                ..form()
            },
            &origin("user:lead"),
        )
        .await
        .unwrap();
    let vendor = staff(Role::Vendor, None, Some(ours));

    // Its list is itself; another vendor's record is not found.
    let page = h
        .vendors_for(&vendor, &VendorQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id, ours);
    assert!(matches!(
        h.vendor_record(&vendor, theirs).await,
        Err(ServiceError::NotFound)
    ));

    // It changes its phone; the name and credit grade it sends are not taken.
    let v = h.vendor_record(&vendor, ours).await.unwrap();
    assert_eq!(v.editable, VendorEdit::Own);
    let mut edit = VendorInput::from_detail(&v);
    edit.phone = "029-33212345".into();
    edit.name = "改名".into();
    edit.credit_grade = "AAA".into();
    edit.status = "active".into();
    h.update_vendor(&vendor, ours, &edit, &origin("user:vendor"))
        .await
        .unwrap();
    let v = h.vendor_record(&vendor, ours).await.unwrap();
    assert_eq!(v.phone, "029-33212345");
    assert_eq!(v.name, form().name);
    assert_eq!(v.credit_grade.as_code(), "AA");
    // A bad phone of its own is named.
    edit.phone = "123".into();
    edit.version = v.version.to_string();
    match h
        .update_vendor(&vendor, ours, &edit, &origin("user:vendor"))
        .await
    {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.get("phone"), Some(&Problem::BadPhone)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        h.update_vendor(&vendor, theirs, &edit, &origin("user:vendor"))
            .await,
        Err(ServiceError::Forbidden)
    ));

    // Staff: added and changed by the vendor, not on another vendor's record.
    let member = VendorStaffInput {
        name: "张秀兰".into(),
        phone: "13700000003".into(),
        job: "保洁员".into(),
        active: Some("on".into()),
    };
    let sid = h
        .save_vendor_staff(&vendor, ours, None, &member, &origin("user:vendor"))
        .await
        .unwrap();
    h.save_vendor_staff(
        &vendor,
        ours,
        Some(sid),
        &VendorStaffInput {
            active: None,
            ..member.clone()
        },
        &origin("user:vendor"),
    )
    .await
    .unwrap();
    assert!(matches!(
        h.save_vendor_staff(&vendor, theirs, None, &member, &origin("user:vendor"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    let other_sid = h
        .save_vendor_staff(&lead, theirs, None, &member, &origin("user:lead"))
        .await
        .unwrap();
    // A member of another vendor cannot be changed through this vendor's record.
    assert!(matches!(
        h.save_vendor_staff(
            &vendor,
            ours,
            Some(other_sid),
            &member,
            &origin("user:vendor")
        )
        .await,
        Err(ServiceError::NotFound)
    ));
    let v = h.vendor_record(&vendor, ours).await.unwrap();
    assert_eq!(v.staff.len(), 1);
    assert!(!v.staff[0].active);
    // Inspections are not the vendor's to record.
    assert!(matches!(
        h.record_inspection(
            &vendor,
            ours,
            &InspectionInput {
                inspected_on: "2026-12-01".into(),
                result: "passed".into(),
                inspector: "自己".into(),
                ..InspectionInput::default()
            },
            &origin("user:vendor")
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    // Roles without the registry do not read it.
    let care = staff(Role::Coordinator, None, None);
    let care_list = h.vendors_for(&care, &VendorQuery::default()).await;
    assert!(
        care_list.is_ok(),
        "coordinators send help to alarms: {care_list:?}"
    );
    let dept = staff(Role::Department, Some(1), None);
    assert!(matches!(
        h.vendors_for(&dept, &VendorQuery::default()).await,
        Err(ServiceError::Forbidden)
    ));
}

async fn the_list_finds_vendors_by_name_phone_region_service_and_status(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let at = Coordinates {
        lon: 108.7,
        lat: 34.34,
    };
    let mut load = h.store.begin_load().await.unwrap();
    let mut rows = vec![
        sample_vendor("秦都家政_100%", at, "active", &["0101".into()]),
        sample_vendor("秦都维修部", at, "suspended", &["0201".into()]),
        sample_vendor("渭城家政", at, "active", &["010201".into()]),
    ];
    rows[1].phone = "13911112222".into();
    rows[2].district_code = "610404".into();
    for v in &rows {
        load.insert_vendor(v).await.unwrap();
    }
    load.commit().await.unwrap();

    let all = list(&h, VendorQuery::default()).await;
    assert_eq!(all.len(), 3);
    let q = |f: fn(&mut VendorQuery)| {
        let mut query = VendorQuery::default();
        f(&mut query);
        query
    };
    assert_eq!(
        list(&h, q(|q| q.q = "家政".into())).await,
        ["秦都家政_100%", "渭城家政"]
    );
    // % and _ are letters of the name, not patterns.
    assert_eq!(
        list(&h, q(|q| q.q = "_100%".into())).await,
        ["秦都家政_100%"]
    );
    assert_eq!(list(&h, q(|q| q.q = "%".into())).await, ["秦都家政_100%"]);
    assert_eq!(
        list(&h, q(|q| q.q = "139 1111 2222".into())).await,
        ["秦都维修部"]
    );
    assert_eq!(
        list(&h, q(|q| q.district = "610404".into())).await,
        ["渭城家政"]
    );
    // A service finds the vendors of the services under it.
    assert_eq!(
        list(&h, q(|q| q.category = "01".into())).await,
        ["秦都家政_100%", "渭城家政"]
    );
    assert_eq!(
        list(&h, q(|q| q.status = "suspended".into())).await,
        ["秦都维修部"]
    );
    // Paging: the count is of everyone found.
    let lead = staff(Role::ShiftLead, None, None);
    let page = h
        .vendors_for(
            &lead,
            &VendorQuery {
                per_page: "2".into(),
                page: "2".into(),
                ..VendorQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len(), page.pages()), (3, 1, 2));
    match h
        .vendors_for(
            &lead,
            &VendorQuery {
                status: "closed".into(),
                ..VendorQuery::default()
            },
        )
        .await
    {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.get("status"), Some(&Problem::Unknown)),
        other => panic!("{other:?}"),
    }

    // The same search as a file: every vendor it finds with its services, in either
    // format; leads may (audited), agents (no export permission) may not.
    let household = VendorQuery {
        category: "01".into(),
        ..VendorQuery::default()
    };
    for format in [FileFormat::Csv, FileFormat::Xlsx] {
        let file = h
            .export_vendors(&lead, &household, format, &origin("user:lead"))
            .await
            .unwrap();
        let (read_as, sheet) = read_sheet(&file.bytes, 100).unwrap();
        assert_eq!(read_as, format);
        assert_eq!(sheet.header[1], "企业名称");
        let names: Vec<&str> = sheet.rows.iter().map(|(_, r)| r[1].as_str()).collect();
        assert_eq!(names, ["秦都家政_100%", "渭城家政"]);
        let services = sheet.header.iter().position(|h| h == "服务项目").unwrap();
        assert_eq!(sheet.rows[0].1[services], "日常保洁");
        assert_eq!(sheet.rows[1].1[services], "住家保姆");
    }
    let agent = staff(Role::Agent, None, None);
    assert!(matches!(
        h.export_vendors(&agent, &household, FileFormat::Csv, &origin("user:agent"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    let exports = h
        .audit_entries(&AuditFilter {
            object_type: Some("vendor".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(exports.iter().filter(|e| e.action == "export").count(), 2);
}

hotline_core::on_both_backends!(
    a_lead_keeps_the_registry_and_every_write_is_audited,
    a_vendor_account_edits_only_its_own_contact_details_and_staff,
    the_list_finds_vendors_by_name_phone_region_service_and_status,
);
