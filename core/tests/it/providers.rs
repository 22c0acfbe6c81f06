//! The registry of skilled individuals and volunteers (SPEC R2), on SQLite and on
//! PostgreSQL: the registry's keepers create and edit records (audited with before and
//! after; an edit made meanwhile refused), those who send help read them, the list finds
//! people by name, phone, kind, region, service, service mode, support system and status,
//! and a record saved is at once what the nearest lookup answers with.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hotline_core::audit::AuditFilter;
use hotline_core::tabular::read_sheet;
use hotline_core::testing::{staff, TestDatabase};
use hotline_core::{FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::{FileFormat, NearestInput, ProviderInput, ProviderKind, ProviderQuery, Role};

fn now() -> DateTime<Utc> {
    "2026-12-07T02:00:00Z".parse().unwrap()
}

fn origin(actor: &str) -> Origin {
    Origin {
        actor: actor.into(),
        address: Some("10.0.0.9".into()),
    }
}

fn form(name: &str) -> ProviderInput {
    ProviderInput {
        name: name.into(),
        kind: "skilled".into(),
        service_mode: "low_paid".into(),
        support_system: "organisation".into(),
        district: "610402".into(),
        street: "610402001".into(),
        address: "人民路 3 号院".into(),
        phone: "13900002222".into(),
        skill: "0101".into(),
        status: "active".into(),
        lon: "108.7051".into(),
        lat: "34.3312".into(),
        ..ProviderInput::default()
    }
}

async fn names(h: &Hotline, q: ProviderQuery) -> Vec<String> {
    let agent = staff(Role::Agent, None, None);
    h.providers_for(&agent, &q)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.name)
        .collect()
}

async fn nearest_names(h: &Hotline) -> Vec<String> {
    let agent = staff(Role::Agent, None, None);
    let input = NearestInput {
        lon: "108.7050".into(),
        lat: "34.3310".into(),
        category: "01".into(),
        radius_m: "2000".into(),
        ..NearestInput::default()
    };
    h.nearest_providers(&agent, &input)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.kind != ProviderKind::Vendor)
        .map(|p| p.name)
        .collect()
}

async fn keepers_keep_the_registry_and_the_lookup_follows(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let lead = staff(Role::ShiftLead, None, None);
    let agent = staff(Role::Agent, None, None);
    let dept = staff(Role::Department, Some(1), None);

    assert!(matches!(
        h.create_provider(&agent, &form("张师傅"), &origin("user:agent"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    // A street of another district, an unknown skill, a top-level skill: named by field.
    for (street, skill, field) in [
        ("610403001", "0101", "street"),
        ("610402001", "9901", "skill"),
        ("610402001", "01", "skill"),
    ] {
        let wrong = ProviderInput {
            street: street.into(),
            skill: skill.into(),
            ..form("张师傅")
        };
        let refused = h.create_provider(&lead, &wrong, &origin("user:lead")).await;
        assert!(
            matches!(&refused, Err(ServiceError::Invalid(e)) if e.get(field).is_some()),
            "{field}: {refused:?}"
        );
    }
    let id = h
        .create_provider(&lead, &form("张师傅"), &origin("user:lead"))
        .await
        .unwrap();
    let volunteer = ProviderInput {
        kind: "volunteer".into(),
        service_mode: "free".into(),
        support_system: "volunteer".into(),
        phone: "13900003333".into(),
        lon: String::new(),
        lat: String::new(),
        ..form("李阿姨")
    };
    let volunteer_id = h
        .create_provider(&lead, &volunteer, &origin("user:lead"))
        .await
        .unwrap();
    // Without a position the street's centre is taken.
    let placed = h.provider_record(&agent, volunteer_id).await.unwrap();
    assert!(placed.position.lon > 108.0 && placed.position.lat > 34.0);
    assert_eq!(placed.street_name.as_deref(), Some("人民路街道"));
    assert!(!placed.editable, "agents read, keepers edit");

    // The lookup finds the new person at once.
    assert!(nearest_names(&h).await.contains(&"张师傅".to_string()));

    // An edit: paused, they drop out of the lookup; a stale form is refused.
    let record = h.provider_record(&lead, id).await.unwrap();
    assert!(record.editable);
    let mut edit = ProviderInput::from_detail(&record);
    edit.status = "paused".into();
    edit.note = "腿伤，年后恢复接单".into();
    h.update_provider(&lead, id, &edit, &origin("user:lead"))
        .await
        .unwrap();
    assert!(!nearest_names(&h).await.contains(&"张师傅".to_string()));
    let after = h.provider_record(&agent, id).await.unwrap();
    assert_eq!(
        (after.version, after.note.as_deref()),
        (2, Some("腿伤，年后恢复接单"))
    );
    assert_eq!(
        after.position, record.position,
        "no position given keeps the stored one"
    );
    assert!(matches!(
        h.update_provider(&lead, id, &edit, &origin("user:lead"))
            .await,
        Err(ServiceError::Conflict)
    ));

    // The list's search.
    let q = |f: fn(&mut ProviderQuery)| {
        let mut q = ProviderQuery::default();
        f(&mut q);
        q
    };
    assert_eq!(names(&h, q(|q| q.q = "师傅".into())).await, ["张师傅"]);
    assert_eq!(
        names(&h, q(|q| q.q = "139 0000 3333".into())).await,
        ["李阿姨"]
    );
    assert_eq!(
        names(&h, q(|q| q.kind = "volunteer".into())).await,
        ["李阿姨"]
    );
    assert_eq!(
        names(&h, q(|q| q.status = "paused".into())).await,
        ["张师傅"]
    );
    assert_eq!(
        names(&h, q(|q| q.service_mode = "free".into())).await,
        ["李阿姨"]
    );
    assert_eq!(
        names(&h, q(|q| q.support_system = "organisation".into())).await,
        ["张师傅"]
    );
    assert_eq!(names(&h, q(|q| q.category = "01".into())).await.len(), 2);
    assert!(names(&h, q(|q| q.district = "610404".into()))
        .await
        .is_empty());
    let bad = h
        .providers_for(
            &agent,
            &q(|q| {
                q.kind = "robot".into();
                q.page = "0".into();
            }),
        )
        .await;
    assert!(
        matches!(&bad, Err(ServiceError::Invalid(e)) if e.get("kind").is_some() && e.get("page").is_some())
    );
    assert!(matches!(
        h.providers_for(&dept, &ProviderQuery::default()).await,
        Err(ServiceError::Forbidden)
    ));

    // The same search as a file: everyone it finds, in either format; leads may
    // (audited), agents (no export permission) may not.
    let paused = q(|q| q.status = "paused".into());
    for format in [FileFormat::Csv, FileFormat::Xlsx] {
        let file = h
            .export_providers(&lead, &paused, format, &origin("user:lead"))
            .await
            .unwrap();
        let (read_as, sheet) = read_sheet(&file.bytes, 100).unwrap();
        assert_eq!(read_as, format);
        assert_eq!(sheet.header[1], "姓名");
        assert_eq!(sheet.rows.len(), 1);
        let row = &sheet.rows[0].1;
        assert_eq!(
            (row[1].as_str(), row[2].as_str(), row[10].as_str()),
            ("张师傅", "一技之长者", "暂停服务")
        );
        assert_eq!(row[11], "腿伤，年后恢复接单");
    }
    assert!(matches!(
        h.export_providers(&agent, &paused, FileFormat::Csv, &origin("user:agent"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    let exports = h
        .audit_entries(&AuditFilter {
            object_type: Some("provider".into()),
            object_id: Some("registry".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(exports.iter().filter(|e| e.action == "export").count(), 2);

    // Every write is in the audit log with before and after.
    let entries = h
        .audit_entries(&AuditFilter {
            object_type: Some("provider".into()),
            object_id: Some(id.to_string()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let update = entries.iter().find(|e| e.action == "update").unwrap();
    assert!(update.before.as_deref().unwrap().contains("\"active\""));
    assert!(update.after.as_deref().unwrap().contains("\"paused\""));
    assert!(entries.iter().any(|e| e.action == "create"));
}

hotline_core::on_both_backends!(keepers_keep_the_registry_and_the_lookup_follows);
