//! The client register (SPEC R4), on SQLite and on PostgreSQL: every number that files a
//! case or rings is remembered with its counts, name and place; staff who take calls find a
//! caller by name or number and read their contact history; marks (VIP, important,
//! blacklist) need a reason and the marking permission, are audited with before and after
//! (numbers masked), and show on the caller card when the number rings.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use hotline_core::audit::AuditFilter;
use hotline_core::testing::{staff, TestDatabase};
use hotline_core::{FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::{
    Badge, CallEventInput, Channel, ClientInput, ClientQuery, ContactKind, NewRequestInput,
    Problem, Role,
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

fn request(content: &str, phone: &str, anonymous: bool) -> NewRequestInput {
    NewRequestInput {
        category: "0101".into(),
        content: content.into(),
        contact_name: "王秀兰".into(),
        phone: phone.into(),
        district: "610402".into(),
        address: "人民路 12 号".into(),
        anonymous,
        ..Default::default()
    }
}

async fn ring(h: &Hotline, id: &str, call: &str, caller: &str, agent: &str, kind: &str) {
    let input = CallEventInput {
        event_id: id.into(),
        kind: kind.into(),
        call_id: call.into(),
        caller: caller.into(),
        agent: Some(agent.into()),
        at: "2026-12-07T01:30:00Z".into(),
        recording_url: None,
    };
    h.telephony_event(&input, "{}").await.unwrap();
}

async fn find(h: &Hotline, q: &str, mark: &str) -> Vec<(i64, Option<String>, String)> {
    let agent = staff(Role::Agent, None, None);
    let query = ClientQuery {
        q: q.into(),
        mark: mark.into(),
        ..ClientQuery::default()
    };
    h.clients_for(&agent, &query)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| (c.id, c.name, c.phone))
        .collect()
}

async fn every_caller_is_remembered_and_found(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let agent = staff(Role::Agent, None, None);
    let web = Origin::citizen(Channel::Web, Some("203.0.113.7".into()));
    h.file_request(
        &request("楼道灯坏了", "138 1234 5678", false),
        Channel::Web,
        &web,
    )
    .await
    .unwrap();
    h.file_request(
        &request("门口积水", "13812345678", false),
        Channel::Web,
        &web,
    )
    .await
    .unwrap();
    h.file_request(
        &request("夜里噪音", "13900001111", true),
        Channel::Web,
        &web,
    )
    .await
    .unwrap();
    // One call is one contact, however many events it sends; a replayed event none.
    ring(&h, "e1", "c1", "13812345678", &agent.username, "ringing").await;
    ring(&h, "e2", "c1", "13812345678", &agent.username, "answered").await;
    ring(&h, "e2", "c1", "13812345678", &agent.username, "answered").await;
    ring(&h, "e3", "c2", "02933123456", &agent.username, "ringing").await;

    let all = h
        .clients_for(&agent, &ClientQuery::default())
        .await
        .unwrap();
    assert_eq!(all.total, 3);
    let found = find(&h, "+86 138-1234-5678", "").await;
    assert_eq!(found.len(), 1);
    let (id, name, phone) = found[0].clone();
    assert_eq!(name.as_deref(), Some("王秀兰"));
    assert_eq!(phone, "138****5678", "numbers are masked in the register");
    let record = h.client_record(&agent, id).await.unwrap();
    assert_eq!((record.case_count, record.call_count), (2, 1));
    assert_eq!(record.district_name.as_deref(), Some("秦都区"));
    assert_eq!(record.address.as_deref(), Some("人民路 12 号"));
    assert!(!record.may_mark, "agents do not mark callers");
    let kinds: Vec<ContactKind> = record.history.iter().map(|c| c.kind).collect();
    assert_eq!(kinds.len(), 3);
    assert!(kinds.contains(&ContactKind::Call));
    assert!(record.history.windows(2).all(|w| w[0].at >= w[1].at));
    let case = record
        .history
        .iter()
        .find(|c| c.kind == ContactKind::Case)
        .unwrap();
    assert!(case.tracking_number.is_some() && case.status.as_deref() == Some("submitted"));

    // An anonymous filer is remembered by number, never by name.
    let anonymous = find(&h, "13900001111", "").await;
    assert_eq!(anonymous[0].1, None);
    // A name finds its owner; a number nobody used finds nobody.
    assert_eq!(find(&h, "秀兰", "").await.len(), 1);
    assert!(find(&h, "13700000000", "").await.is_empty());
    // Bad searches are named by field.
    let bad = h
        .clients_for(
            &agent,
            &ClientQuery {
                mark: "gold".into(),
                ..ClientQuery::default()
            },
        )
        .await;
    assert!(matches!(bad, Err(ServiceError::Invalid(e)) if e.get("mark").is_some()));
    // Only staff who take calls read the register.
    let dept = staff(Role::Department, Some(1), None);
    assert!(matches!(
        h.clients_for(&dept, &ClientQuery::default()).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        h.client_record(&dept, id).await,
        Err(ServiceError::Forbidden)
    ));

    // The whole number, for calling back: for readers who may reveal contacts, audited.
    assert!(record.may_reveal);
    assert_eq!(
        h.reveal_client_phone(&agent, id, &origin("user:agent"))
            .await
            .unwrap(),
        "13812345678"
    );
    let mut reader = staff(Role::Agent, None, None);
    reader.permissions = vec![hotline_domain::Permission::Intake];
    assert!(!h.client_record(&reader, id).await.unwrap().may_reveal);
    assert!(matches!(
        h.reveal_client_phone(&reader, id, &origin("user:reader"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        h.reveal_client_phone(&agent, 999_999, &origin("user:agent"))
            .await,
        Err(ServiceError::NotFound)
    ));
    let looks = h
        .audit_entries(&AuditFilter {
            object_type: Some("client".into()),
            object_id: Some(id.to_string()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        looks
            .iter()
            .map(|e| (e.action.as_str(), e.actor.as_str()))
            .collect::<Vec<_>>(),
        [("view_phone", "user:agent")]
    );
}

async fn marks_need_a_reason_and_the_permission_and_are_audited(db: TestDatabase) {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let agent = staff(Role::Agent, None, None);
    let lead = staff(Role::ShiftLead, None, None);

    // An agent registers a caller; a mark needs a lead.
    let plain = ClientInput {
        phone: "139 1234 5678".into(),
        name: "李建华".into(),
        district: "610404".into(),
        ..ClientInput::default()
    };
    let marked = ClientInput {
        vip: Some("on".into()),
        vip_reason: "市人大代表".into(),
        ..plain.clone()
    };
    assert!(matches!(
        h.create_client(&agent, &marked, &origin("user:agent"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    let id = h
        .create_client(&agent, &plain, &origin("user:agent"))
        .await
        .unwrap();
    // The same number twice, an unknown district: named by field.
    let again = h.create_client(&lead, &plain, &origin("user:lead")).await;
    assert!(
        matches!(&again, Err(ServiceError::Invalid(e)) if e.get("phone") == Some(&Problem::Taken)),
        "{again:?}"
    );
    let nowhere = ClientInput {
        phone: "13911112222".into(),
        district: "610499".into(),
        ..plain.clone()
    };
    let nowhere = h.create_client(&lead, &nowhere, &origin("user:lead")).await;
    assert!(matches!(&nowhere, Err(ServiceError::Invalid(e)) if e.get("district").is_some()));

    // A lead blacklists: without a reason it is refused by field, with one it is kept.
    let record = h.client_record(&lead, id).await.unwrap();
    assert!(record.may_mark);
    let mut form = ClientInput::from_detail(&record);
    form.blacklist = Some("on".into());
    let refused = h
        .update_client(&lead, id, &form, &origin("user:lead"))
        .await;
    assert!(
        matches!(&refused, Err(ServiceError::Invalid(e)) if e.get("blacklist_reason").is_some())
    );
    form.blacklist_reason = "多次辱骂坐席".into();
    h.update_client(&lead, id, &form, &origin("user:lead"))
        .await
        .unwrap();
    let record = h.client_record(&agent, id).await.unwrap();
    assert_eq!(record.marks.blacklist.as_deref(), Some("多次辱骂坐席"));
    assert_eq!(
        record.marks_changed_by.as_deref(),
        Some("user:test.shift_lead")
    );

    // The form read before that edit is stale now.
    let stale = ClientInput {
        version: "1".into(),
        ..form.clone()
    };
    assert!(matches!(
        h.update_client(&lead, id, &stale, &origin("user:lead"))
            .await,
        Err(ServiceError::Conflict)
    ));

    // An agent keeps the name and note; the marks stay, and giving one is refused.
    let mut own = ClientInput::from_detail(&record);
    own.blacklist = None;
    own.blacklist_reason.clear();
    own.note = "来电请先核实身份".into();
    h.update_client(&agent, id, &own, &origin("user:agent"))
        .await
        .unwrap();
    let record = h.client_record(&agent, id).await.unwrap();
    assert_eq!(record.note.as_deref(), Some("来电请先核实身份"));
    assert_eq!(record.marks.blacklist.as_deref(), Some("多次辱骂坐席"));
    let mut vip = ClientInput::from_detail(&record);
    vip.vip = Some("on".into());
    vip.vip_reason = "想当VIP".into();
    assert!(matches!(
        h.update_client(&agent, id, &vip, &origin("user:agent"))
            .await,
        Err(ServiceError::Forbidden)
    ));

    // The list filters by mark.
    assert_eq!(find(&h, "", "blacklist").await.len(), 1);
    assert_eq!(find(&h, "", "marked").await.len(), 1);
    assert!(find(&h, "", "vip").await.is_empty());

    // The caller card shows the mark and why, when the number rings for an agent.
    ring(&h, "e1", "c1", "13912345678", &agent.username, "ringing").await;
    let card = h.caller_card(&agent, "c1").await.unwrap();
    assert!(card.badges.contains(&Badge::Blacklist));
    let note = card.note.unwrap();
    assert!(
        note.contains("多次辱骂坐席") && note.contains("来电请先核实身份"),
        "{note}"
    );
    assert_eq!(card.name.as_deref(), Some("李建华"));

    // Every write is in the audit log with before and after, the number masked.
    let entries = h
        .audit_entries(&AuditFilter {
            object_type: Some("client".into()),
            object_id: Some(id.to_string()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "update").count(), 2);
    assert_eq!(actions.iter().filter(|a| **a == "create").count(), 1);
    for e in &entries {
        let text = format!("{:?}{:?}", e.before, e.after);
        assert!(!text.contains("13912345678"), "{text}");
        assert!(text.contains("139****5678"), "{text}");
    }
    let has = |v: &Option<String>| v.as_deref().is_some_and(|t| t.contains("多次辱骂坐席"));
    assert!(
        entries.iter().any(|e| !has(&e.before) && has(&e.after)),
        "the blacklisting is logged with the record before and after"
    );
}

hotline_core::on_both_backends!(
    every_caller_is_remembered_and_found,
    marks_need_a_reason_and_the_permission_and_are_audited,
);
