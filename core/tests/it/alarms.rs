//! One-key alarms through the service and storage, on SQLite and on PostgreSQL (issue 15):
//! a delivery becomes an alarm and a type-C case in one transaction, a retried delivery
//! returns the same alarm and writes nothing (also when the retries race), an unknown
//! number is kept as an unregistered caller, and the alarm log hands a console every event
//! after the last one it saw.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use hotline_core::store::NewElderly;
use hotline_core::testing::{staff, TestDatabase};
use hotline_core::{Event, FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::{
    AlarmActionInput, AlarmInput, AlarmKind, AlarmRefusal, AlarmStatus, CaseQuery, CaseStatus,
    CaseType, Channel, Priority, Problem, Role,
};
use serde_json::json;

fn at(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().unwrap()
}

fn clock() -> Arc<FixedClock> {
    // 10:00 in Xianyang on 6 December 2026.
    Arc::new(FixedClock::new(at("2026-12-06T02:00:00Z")))
}

const LINE: &str = "029-33123456";

/// The database (kept alive by the caller: dropping it removes it) with one person.
async fn with_registered_person(db: &TestDatabase) -> Hotline {
    with_registered_person_at(db, clock()).await
}

async fn with_registered_person_at(db: &TestDatabase, clock: Arc<FixedClock>) -> Hotline {
    let h = db.open(clock).await;
    let mut load = h.store.begin_load().await.unwrap();
    load.insert_elderly(&NewElderly {
        name: "张桂兰".into(),
        gender: "F".into(),
        birth_date: NaiveDate::from_ymd_opt(1941, 3, 8).unwrap(),
        id_number: "610402194103080026".into(),
        identity_category: "独居".into(),
        service_card_no: "XY90000001".into(),
        district_code: "610402".into(),
        street_code: None,
        village_code: None,
        address: "人民路 8 号院 3 单元 201".into(),
        phone: Some("13900001111".into()),
        onekey_phone: Some(LINE.into()),
        onekey_device: Some("YJT90000001".into()),
        health_notes: Some("高血压".into()),
        medications: Some("硝苯地平".into()),
        contact_name: "李明".into(),
        contact_relation: "儿子".into(),
        contact_phone: "13800002222".into(),
        lon: 108.71,
        lat: 34.33,
        created_at: at("2025-01-01T00:00:00Z"),
    })
    .await
    .unwrap();
    load.commit().await.unwrap();
    h
}

fn delivery(id: &str, caller: &str, kind: &str) -> AlarmInput {
    AlarmInput {
        delivery_id: id.into(),
        caller: caller.into(),
        device_id: String::new(),
        kind: kind.into(),
        at: "2026-12-06T01:59:58Z".into(),
        lon: None,
        lat: None,
    }
}

async fn an_alarm_is_stored_with_its_case_before_anyone_is_answered(db: TestDatabase) {
    let h = with_registered_person(&db).await;
    let mut events = h.events.subscribe();
    let receipt = h
        .receive_alarm(&delivery("gw-1", LINE, "fall"), "{\"raw\":1}")
        .await
        .unwrap();
    assert!(receipt.fresh);
    let alarm = &receipt.alarm;
    assert_eq!(alarm.kind, AlarmKind::Fall);
    assert_eq!(alarm.status, AlarmStatus::Open);
    assert_eq!(alarm.elderly_name.as_deref(), Some("张桂兰"));
    assert_eq!(alarm.district_name.as_deref(), Some("秦都区"));
    // No position from the device: the registered home.
    assert_eq!(alarm.position.unwrap().to_array(), [108.71, 34.33]);
    assert_eq!(alarm.tracking_number, "20261206000001");
    assert_eq!(alarm.received_at, at("2026-12-06T02:00:00Z"));
    assert_eq!(alarm.raised_at, at("2026-12-06T01:59:58Z"));

    // The type-C case, classified and urgent, in the centre's case list.
    let lead = staff(Role::ShiftLead, None, None);
    let case = h.case_for(&lead, &alarm.tracking_number).await.unwrap();
    assert_eq!(case.item.case_type, Some(CaseType::OneKeyAlarm));
    assert_eq!(case.item.status, CaseStatus::Classified);
    assert_eq!(case.item.channel, Channel::OneKey);
    assert_eq!(case.item.priority, Priority::Urgent);
    assert_eq!(case.category_code, "030101");
    assert!(
        case.item.content.contains("张桂兰"),
        "{}",
        case.item.content
    );

    // The consoles hear of it, with its place in the log.
    let event = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if let Event::Alarm {
                event_id,
                alarm_id,
                kind,
            } = events.recv().await.unwrap()
            {
                break (event_id, alarm_id, kind);
            }
        }
    })
    .await
    .expect("no alarm event");
    assert_eq!(event.1, alarm.id);
    assert_eq!(event.2, "received");
    let care = staff(Role::Coordinator, None, None);
    let log = h.alarm_events_after(&care, 0).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].id, event.0);
    assert_eq!(log[0].kind, "received");

    // The console's list masks the number; an agent has no console.
    let open = h.open_alarms(&care).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].caller.as_deref(), Some("029-****3456"));
    let agent = staff(Role::Agent, None, None);
    assert!(matches!(
        h.open_alarms(&agent).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        h.alarm_events_after(&agent, 0).await,
        Err(ServiceError::Forbidden)
    ));
    h.store.close().await;
}

async fn a_retried_delivery_returns_the_same_alarm_and_writes_nothing(db: TestDatabase) {
    let h = with_registered_person(&db).await;
    let first = h
        .receive_alarm(&delivery("gw-retry", LINE, "help"), "{}")
        .await
        .unwrap();
    let cases = h.store.counts().await.unwrap().cases;
    let again = h
        .receive_alarm(&delivery("gw-retry", LINE, "help"), "{}")
        .await
        .unwrap();
    assert!(!again.fresh);
    assert_eq!(again.alarm.id, first.alarm.id);
    assert_eq!(again.alarm.tracking_number, first.alarm.tracking_number);
    assert_eq!(h.store.counts().await.unwrap().cases, cases);

    // A retry storm: twenty copies of one new delivery at once, one alarm and one case.
    let storm: Vec<_> = (0..20)
        .map(|_| {
            let h = h.clone();
            tokio::spawn(async move {
                h.receive_alarm(&delivery("gw-storm", LINE, "help"), "{}")
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut ids = Vec::new();
    let mut fresh = 0;
    for task in storm {
        let receipt = task.await.unwrap();
        ids.push(receipt.alarm.id);
        fresh += usize::from(receipt.fresh);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one alarm for one delivery: {ids:?}");
    assert_eq!(fresh, 1);
    assert_eq!(h.store.counts().await.unwrap().cases, cases + 1);
    let care = staff(Role::Coordinator, None, None);
    assert_eq!(h.open_alarms(&care).await.unwrap().len(), 2);
    let log = h.alarm_events_after(&care, 0).await.unwrap();
    assert_eq!(log.len(), 2, "one received event per alarm");
    h.store.close().await;
}

async fn an_unknown_number_is_kept_as_an_unregistered_caller(db: TestDatabase) {
    let h = with_registered_person(&db).await;
    let stranger = h
        .receive_alarm(&delivery("gw-unknown", "13700009999", "help"), "{}")
        .await
        .unwrap();
    assert!(stranger.fresh);
    assert_eq!(stranger.alarm.elderly_id, None);
    assert_eq!(stranger.alarm.elderly_name, None);
    assert!(stranger.alarm.position.is_none());
    let lead = staff(Role::ShiftLead, None, None);
    let case = h
        .case_for(&lead, &stranger.alarm.tracking_number)
        .await
        .unwrap();
    assert!(
        case.item.content.contains("未登记来电"),
        "{}",
        case.item.content
    );

    // Only the terminal's id: found by it. Their own mobile also finds them. A device's
    // position is kept over the home's.
    let mut by_device = delivery("gw-device", "", "low_battery");
    by_device.device_id = "YJT90000001".into();
    by_device.lon = Some(108.72);
    by_device.lat = Some(34.34);
    let device = h.receive_alarm(&by_device, "{}").await.unwrap();
    assert_eq!(device.alarm.elderly_name.as_deref(), Some("张桂兰"));
    assert_eq!(device.alarm.position.unwrap().to_array(), [108.72, 34.34]);
    let battery = h
        .case_for(&lead, &device.alarm.tracking_number)
        .await
        .unwrap();
    assert_eq!(battery.item.priority, Priority::Normal);
    assert_eq!(battery.category_code, "030103");
    let mobile = h
        .receive_alarm(&delivery("gw-mobile", "139 0000 1111", "vip"), "{}")
        .await
        .unwrap();
    assert_eq!(mobile.alarm.elderly_name.as_deref(), Some("张桂兰"));

    // Refused by field, nothing stored.
    let cases = h.store.counts().await.unwrap().cases;
    let mut bad = delivery("gw-bad", "12", "panic");
    bad.at = String::new();
    match h.receive_alarm(&bad, "{}").await {
        Err(ServiceError::Invalid(errors)) => {
            assert_eq!(errors.0.get("caller"), Some(&Problem::BadPhone));
            assert_eq!(errors.0.get("kind"), Some(&Problem::Unknown));
            assert_eq!(errors.0.get("at"), Some(&Problem::Required));
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    assert_eq!(h.store.counts().await.unwrap().cases, cases);
    h.store.close().await;
}

async fn the_alarm_log_resumes_after_the_last_event_seen(db: TestDatabase) {
    let h = with_registered_person(&db).await;
    let care = staff(Role::Coordinator, None, None);
    // Alarms arriving together: the log holds each once, in increasing order.
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let h = h.clone();
            tokio::spawn(async move {
                h.receive_alarm(&delivery(&format!("gw-{i}"), LINE, "help"), "{}")
                    .await
                    .unwrap()
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let all = h.alarm_events_after(&care, 0).await.unwrap();
    assert_eq!(all.len(), 30);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let seen = all[11].id;
    let rest = h.alarm_events_after(&care, seen).await.unwrap();
    assert_eq!(rest.len(), 18);
    assert_eq!(rest[0].id, all[12].id);
    let mut alarms: Vec<i64> = all.iter().map(|e| e.alarm_id).collect();
    alarms.sort_unstable();
    alarms.dedup();
    assert_eq!(alarms.len(), 30);
    // The case list finds them as type-C cases.
    let lead = staff(Role::ShiftLead, None, None);
    let query = CaseQuery {
        case_type: Some("C".into()),
        ..CaseQuery::default()
    };
    let page = h.cases_for(&lead, &query).await.unwrap();
    assert_eq!(page.len(), 30);
    h.store.close().await;
}

fn coordinator(name: &str) -> hotline_domain::StaffUser {
    let mut user = staff(Role::Coordinator, None, None);
    user.username = name.into();
    user
}

fn step(json: serde_json::Value) -> AlarmActionInput {
    serde_json::from_value(json).unwrap()
}

fn origin(user: &hotline_domain::StaffUser) -> Origin {
    Origin {
        actor: user.actor(),
        address: None,
    }
}

async fn a_coordinator_works_an_alarm_to_a_close_and_the_follow_up_is_due(db: TestDatabase) {
    let clock = clock();
    let h = with_registered_person_at(&db, clock.clone()).await;
    let alarm = h
        .receive_alarm(&delivery("gw-work", LINE, "fall"), "{}")
        .await
        .unwrap()
        .alarm;
    let liu = coordinator("liu");
    let wang = coordinator("wang");
    let act = |user: &hotline_domain::StaffUser, json: serde_json::Value| {
        let (h, user) = (h.clone(), user.clone());
        async move {
            h.alarm_act(&user, alarm.id, &step(json), &origin(&user))
                .await
        }
    };
    // Before anyone holds it, nothing but acknowledging.
    assert!(matches!(
        act(&liu, json!({"action": "on_site"})).await,
        Err(ServiceError::AlarmRefused(AlarmRefusal::NotAcknowledged))
    ));
    // Two coordinators acknowledge at once: one holder.
    let (a, b) = tokio::join!(
        act(&liu, json!({"action": "acknowledge"})),
        act(&wang, json!({"action": "acknowledge"}))
    );
    let winners = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(winners, 1, "{a:?} / {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(
            loser,
            Err(ServiceError::AlarmRefused(AlarmRefusal::HeldBy { .. }))
                | Err(ServiceError::Conflict)
        ),
        "{loser:?}"
    );
    let held = h.alarm_for(&liu, alarm.id).await.unwrap();
    let holder = held.holder.clone().unwrap();
    assert_eq!(held.status, AlarmStatus::Acknowledged);
    assert_eq!(held.acknowledged_at, Some(at("2026-12-06T02:00:00Z")));
    let (holder_user, other) = if holder == "liu" {
        (&liu, &wang)
    } else {
        (&wang, &liu)
    };
    // The other may not work it.
    assert_eq!(
        act(
            other,
            json!({"action": "close", "disposition": "false_alarm"})
        )
        .await
        .unwrap_err()
        .to_string(),
        ServiceError::AlarmRefused(AlarmRefusal::HeldBy {
            holder: holder.clone()
        })
        .to_string()
    );

    // The ladder: the daughter does not answer, then does; a helper goes; on site; closed.
    clock.set(at("2026-12-06T02:00:40Z"));
    act(
        holder_user,
        json!({"action": "contact", "rung": "family", "name": "李明", "outcome": "no_answer"}),
    )
    .await
    .unwrap();
    act(holder_user, json!({"action": "contact", "rung": "family", "name": "李明", "outcome": "reached", "note": "马上过去"}))
        .await
        .unwrap();
    act(
        holder_user,
        json!({"action": "dispatch", "name": "秦都区助老服务队 王师傅"}),
    )
    .await
    .unwrap();
    clock.set(at("2026-12-06T02:20:40Z"));
    let on_site = act(holder_user, json!({"action": "on_site"}))
        .await
        .unwrap();
    assert_eq!(on_site.status, AlarmStatus::OnSite);
    assert_eq!(on_site.on_site_at, Some(at("2026-12-06T02:20:40Z")));
    clock.set(at("2026-12-06T02:30:40Z"));
    let closed = act(
        holder_user,
        json!({"action": "close", "disposition": "helper_on_site", "note": "扶起，无外伤"}),
    )
    .await
    .unwrap();
    assert_eq!(closed.status, AlarmStatus::Closed);
    assert_eq!(closed.closed_at, Some(at("2026-12-06T02:30:40Z")));
    assert!(matches!(
        act(holder_user, json!({"action": "on_site"})).await,
        Err(ServiceError::AlarmRefused(AlarmRefusal::Closed))
    ));
    assert!(h.open_alarms(&liu).await.unwrap().is_empty());

    // The log holds every step in order, with who and what.
    let log = h.alarm_events_after(&liu, 0).await.unwrap();
    let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "received",
            "acknowledged",
            "contact",
            "contact",
            "dispatched",
            "on_site",
            "closed"
        ]
    );
    assert_eq!(log[2].note.as_deref(), Some("家属 李明 · 无人接听"));
    assert_eq!(log[6].actor, format!("user:{holder}"));
    assert_eq!(log[6].note.as_deref(), Some("上门处置：扶起，无外伤"));

    // Its case is handled by the alarm desk, the follow-up call due within two hours.
    let lead = staff(Role::ShiftLead, None, None);
    let case = h.case_for(&lead, &alarm.tracking_number).await.unwrap();
    assert_eq!(case.item.status, CaseStatus::Handled);
    assert_eq!(
        case.callback_due_at,
        Some(at("2026-12-06T04:30:40Z")),
        "followed up within 2 hours of the close"
    );
    h.store.close().await;
}

async fn a_silent_alarm_is_not_called_back_and_a_hand_over_needs_a_coordinator(db: TestDatabase) {
    let h = with_registered_person(&db).await;
    let alarm = h
        .receive_alarm(&delivery("gw-silent", LINE, "silent"), "{}")
        .await
        .unwrap()
        .alarm;
    let liu = coordinator("liu");
    let act = |user: &hotline_domain::StaffUser, json: serde_json::Value| {
        let (h, user) = (h.clone(), user.clone());
        async move {
            h.alarm_act(&user, alarm.id, &step(json), &origin(&user))
                .await
        }
    };
    act(&liu, json!({"action": "acknowledge"})).await.unwrap();
    assert!(matches!(
        act(
            &liu,
            json!({"action": "contact", "rung": "person", "name": "张桂兰", "outcome": "reached"})
        )
        .await,
        Err(ServiceError::AlarmRefused(AlarmRefusal::Silent))
    ));
    act(
        &liu,
        json!({"action": "escalate", "service": "110", "note": "家属称有陌生人在屋内"}),
    )
    .await
    .unwrap();

    // Hand-over: to an account that answers alarms, and then only the new holder works it.
    for who in ["nobody", "agent1"] {
        match act(&liu, json!({"action": "hand_over", "to": who})).await {
            Err(ServiceError::Invalid(errors)) => {
                assert_eq!(errors.0.get("to"), Some(&Problem::Unknown), "{who}")
            }
            other => panic!("{who}: {other:?}"),
        }
    }
    let admin = staff(Role::Admin, None, None);
    for (name, role) in [("agent1", Role::Agent), ("zhao", Role::Coordinator)] {
        h.create_user(
            &admin,
            &hotline_domain::UserInput {
                username: name.into(),
                display_name: name.into(),
                role: role.as_code().into(),
                password: "a long enough password".into(),
                active: true,
                ..Default::default()
            },
            &Origin::system(),
        )
        .await
        .unwrap();
    }
    let holders: Vec<String> = h
        .alarm_holders(&liu)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert!(holders.contains(&"zhao".to_string()), "{holders:?}");
    assert!(!holders.contains(&"agent1".to_string()), "{holders:?}");
    match act(&liu, json!({"action": "hand_over", "to": "agent1"})).await {
        Err(ServiceError::Invalid(errors)) => {
            assert_eq!(errors.0.get("to"), Some(&Problem::Unknown))
        }
        other => panic!("{other:?}"),
    }
    let handed = act(&liu, json!({"action": "hand_over", "to": "zhao"}))
        .await
        .unwrap();
    assert_eq!(handed.holder.as_deref(), Some("zhao"));
    assert!(matches!(
        act(&liu, json!({"action": "on_site"})).await,
        Err(ServiceError::AlarmRefused(AlarmRefusal::HeldBy { .. }))
    ));
    // A lead may step in on any alarm; an agent has no console.
    let lead = staff(Role::ShiftLead, None, None);
    act(&lead, json!({"action": "close", "disposition": "by_phone"}))
        .await
        .unwrap();
    let agent = staff(Role::Agent, None, None);
    assert!(matches!(
        act(&agent, json!({"action": "acknowledge"})).await,
        Err(ServiceError::Forbidden)
    ));
    h.store.close().await;
}

async fn an_alarm_nobody_acknowledges_goes_to_the_lead_until_someone_does(db: TestDatabase) {
    let clock = clock();
    let h = with_registered_person_at(&db, clock.clone())
        .await
        .with_duty_phone(Some("13900009999".into()));
    let alarm = h
        .receive_alarm(&delivery("gw-wait", LINE, "fall"), "{}")
        .await
        .unwrap()
        .alarm;
    let lead = staff(Role::ShiftLead, None, None);
    let mut events = h.events.subscribe();
    // 59 seconds: not yet; 60: the lead is alerted, in-app and by SMS to the duty phone.
    clock.set(at("2026-12-06T02:00:59Z"));
    assert_eq!(h.process_alarm_escalations().await.unwrap(), 0);
    clock.set(at("2026-12-06T02:01:00Z"));
    assert_eq!(h.process_alarm_escalations().await.unwrap(), 1);
    assert_eq!(alerts(&h).await, (1, 1));
    let notice = h.notifications_for(&lead).await.unwrap().remove(0);
    assert!(notice.message.contains("张桂兰"), "{}", notice.message);
    assert!(notice.message.contains("60秒"), "{}", notice.message);
    // Both announced (on PostgreSQL they come back through LISTEN/NOTIFY, a moment later).
    let (mut notice_heard, mut alarm_heard) = (false, false);
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while !(notice_heard && alarm_heard) {
            match events.recv().await.unwrap() {
                Event::Notice { kind, .. } if kind == "escalation" => notice_heard = true,
                Event::Alarm { kind, .. } if kind == "escalated" => alarm_heard = true,
                _ => {}
            }
        }
    })
    .await
    .expect("the escalation announced in-app and on the consoles");
    // Not again before the interval, then again; a second instance on the same database
    // (or this one after a restart) picks up where the rows say, and sends each alert once.
    assert_eq!(h.process_alarm_escalations().await.unwrap(), 0);
    clock.set(at("2026-12-06T02:02:00Z"));
    let other = db
        .open(clock.clone())
        .await
        .with_duty_phone(Some("13900009999".into()));
    let (a, b) = tokio::join!(
        h.process_alarm_escalations(),
        other.process_alarm_escalations()
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(alerts(&h).await, (2, 2), "each alert once");
    // Acknowledged: no more alerts.
    let liu = coordinator("liu");
    h.alarm_act(
        &liu,
        alarm.id,
        &step(json!({"action": "acknowledge"})),
        &origin(&liu),
    )
    .await
    .unwrap();
    clock.set(at("2026-12-06T02:10:00Z"));
    assert_eq!(h.process_alarm_escalations().await.unwrap(), 0);
    let log = timeline_kinds(&h, &liu, alarm.id).await;
    assert_eq!(log, ["received", "escalated", "escalated", "acknowledged"]);
    other.store.close().await;
    h.store.close().await;
}

async fn the_demo_city_loads_its_alarms_with_their_people_and_timelines(db: TestDatabase) {
    let h = db.open(clock()).await;
    let size = hotline_core::seed::demo::DemoSize {
        vendors: 5,
        providers: 0,
        elderly: 500,
        past_cases: 5,
        waiting_requests: 0,
    };
    assert!(h.load_demo_if_empty(size).await.unwrap());
    let care = coordinator("care");
    let open = h.open_alarms(&care).await.unwrap();
    assert_eq!(open.len(), 2, "two being worked");
    for alarm in &open {
        assert!(alarm.elderly_name.is_some(), "{alarm:?}");
        assert_eq!(alarm.holder.as_deref(), Some("care"));
        assert!(alarm.caller.as_deref().unwrap().contains('*'));
        let kinds = timeline_kinds(&h, &care, alarm.id).await;
        assert_eq!(kinds[..2], ["received", "acknowledged"]);
    }
    // The history: closed alarms whose cases are archived; new alarms number on after it.
    let log = h.alarm_events_after(&care, 0).await.unwrap();
    let closed = log.iter().filter(|e| e.kind == "closed").count();
    assert_eq!(closed, 500 / 45);
    let fresh = h
        .receive_alarm(&delivery("gw-after-demo", "13700001234", "help"), "{}")
        .await
        .unwrap();
    assert!(fresh.fresh);
    let after = h
        .alarm_events_after(&care, log.last().unwrap().id)
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    h.store.close().await;
}

async fn the_figures_show_how_fast_each_coordinator_answered(db: TestDatabase) {
    let clock = clock();
    let h = with_registered_person_at(&db, clock.clone()).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let d = delivery(&format!("gw-kpi-{n}"), LINE, "help");
        ids.push(h.receive_alarm(&d, "{}").await.unwrap().alarm.id);
    }
    let (liu, wang) = (coordinator("liu"), coordinator("wang"));
    let ack = json!({"action": "acknowledge"});
    clock.set(at("2026-12-06T02:00:30Z"));
    h.alarm_act(&liu, ids[0], &step(ack.clone()), &origin(&liu))
        .await
        .unwrap();
    clock.set(at("2026-12-06T02:02:00Z"));
    h.alarm_act(&wang, ids[1], &step(ack), &origin(&wang))
        .await
        .unwrap();
    clock.set(at("2026-12-06T02:20:00Z"));
    h.alarm_act(
        &liu,
        ids[0],
        &step(json!({"action": "on_site"})),
        &origin(&liu),
    )
    .await
    .unwrap();
    let report = h.alarm_report(&liu, 7).await.unwrap();
    let all = &report.overall;
    assert_eq!((all.alarms, all.acknowledged), (3, 2));
    assert!((all.within_60s - 1.0 / 3.0).abs() < 1e-9);
    assert!((all.within_180s - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!((all.ack_p50_s, all.ack_p90_s), (Some(30), Some(120)));
    assert_eq!(all.on_site_p50_s, Some(1200));
    let days: Vec<&str> = report.by_day.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(days, ["2026-12-06"]);
    let people: Vec<(&str, u32)> = report
        .by_coordinator
        .iter()
        .map(|f| (f.key.as_str(), f.alarms))
        .collect();
    assert_eq!(people, [("-", 1), ("liu", 1), ("wang", 1)]);
    assert!(matches!(
        h.alarm_report(&liu, 0).await,
        Err(ServiceError::Invalid(errors)) if errors.0.contains_key("days")
    ));
    h.store.close().await;
}

async fn the_card_shows_the_person_whom_to_call_and_the_earlier_alarms(db: TestDatabase) {
    use hotline_core::audit::AuditFilter;
    use hotline_domain::ContactRung;
    let h = with_registered_person(&db).await;
    let first = h
        .receive_alarm(&delivery("gw-card-1", LINE, "help"), "{}")
        .await
        .unwrap()
        .alarm;
    let second = h
        .receive_alarm(&delivery("gw-card-2", LINE, "fall"), "{}")
        .await
        .unwrap()
        .alarm;
    let (liu, wang) = (coordinator("liu"), coordinator("wang"));

    // The first console to list an alarm records that it was shown; a second one does not.
    let mut events = h.events.subscribe();
    h.alarms_shown(&liu, &[first.id, second.id]).await.unwrap();
    h.alarms_shown(&wang, &[second.id]).await.unwrap();
    let log = h.alarm_timeline(&liu, second.id).await.unwrap();
    let steps: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.kind.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(steps[1], ("shown", "user:liu"));
    assert_eq!(steps.len(), 2, "{steps:?}");
    let announced = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if let Event::Alarm { alarm_id, kind, .. } = events.recv().await.unwrap() {
                if kind == "shown" && alarm_id == second.id {
                    break;
                }
            }
        }
    })
    .await;
    assert!(announced.is_ok(), "the shown step reaches the consoles");

    // The card: the full number to call back, the person's health and medicines, the
    // ladder in order, the timeline and the earlier alarm.
    let card = h.alarm_card(&liu, second.id, &origin(&liu)).await.unwrap();
    assert_eq!(card.caller.as_deref(), Some(LINE));
    assert!(card.alarm.caller.as_deref().unwrap().contains('*'));
    let person = card.person.as_ref().expect("registered");
    assert_eq!(person.health_notes.as_deref(), Some("高血压"));
    assert_eq!(person.medications.as_deref(), Some("硝苯地平"));
    let rungs: Vec<ContactRung> = card.ladder.iter().map(|c| c.rung).collect();
    assert_eq!(
        rungs,
        [
            ContactRung::Person,
            ContactRung::Family,
            ContactRung::Liaison,
            ContactRung::Doctor,
            ContactRung::Neighbour
        ]
    );
    assert_eq!(card.ladder[0].phone.as_deref(), Some("13900001111"));
    assert_eq!(card.ladder[1].name, "李明（儿子）");
    assert_eq!(card.ladder[1].phone.as_deref(), Some("13800002222"));
    assert!(card.ladder.iter().all(|c| c.callable));
    assert_eq!(card.timeline.len(), 2);
    let earlier: Vec<i64> = card.earlier.iter().map(|a| a.id).collect();
    assert_eq!(earlier, [first.id]);
    assert!(h
        .alarm_card(&liu, first.id, &origin(&liu))
        .await
        .unwrap()
        .earlier
        .is_empty());

    // A silent alarm's person is on the card, not to be called; an unregistered caller's
    // number is there in full, and that look is audited.
    let silent = h
        .receive_alarm(&delivery("gw-card-3", LINE, "silent"), "{}")
        .await
        .unwrap()
        .alarm;
    let card = h.alarm_card(&liu, silent.id, &origin(&liu)).await.unwrap();
    assert!(!card.ladder[0].callable);
    assert_eq!(card.earlier.len(), 2);
    let stranger = h
        .receive_alarm(&delivery("gw-card-4", "13700009999", "help"), "{}")
        .await
        .unwrap()
        .alarm;
    let card = h
        .alarm_card(&liu, stranger.id, &origin(&liu))
        .await
        .unwrap();
    assert!(card.person.is_none());
    assert_eq!(card.ladder[0].phone.as_deref(), Some("13700009999"));
    assert!(card.earlier.is_empty());
    let audit = h
        .audit_entries(&AuditFilter {
            actor: Some(liu.actor()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let looks: Vec<(&str, &str)> = audit
        .iter()
        .map(|e| (e.action.as_str(), e.object_type.as_str()))
        .collect();
    assert!(looks.contains(&("view_caller", "alarm")), "{looks:?}");
    assert!(looks.contains(&("view_for_alarm", "elderly")), "{looks:?}");
    // A lead stepping in sees the same record and numbers, the ID number masked.
    let lead = staff(Role::ShiftLead, None, None);
    let card = h
        .alarm_card(&lead, second.id, &origin(&lead))
        .await
        .unwrap();
    let person = card.person.expect("the lead sees whom to call");
    assert_eq!(person.health_notes.as_deref(), Some("高血压"));
    assert!(person.summary.id_number.contains('*'));
    assert_eq!(card.ladder[1].phone.as_deref(), Some("13800002222"));

    // No card without the alarm permission, and none for an alarm that is not there.
    let agent = staff(Role::Agent, None, None);
    assert!(matches!(
        h.alarm_card(&agent, second.id, &origin(&agent)).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        h.alarm_card(&liu, 999_999, &origin(&liu)).await,
        Err(ServiceError::NotFound)
    ));
    h.store.close().await;
}

/// `(escalation notices the lead sees, escalation SMS written)`.
async fn alerts(h: &Hotline) -> (usize, usize) {
    let lead = staff(Role::ShiftLead, None, None);
    let admin = staff(Role::Admin, None, None);
    let notices = h.notifications_for(&lead).await.unwrap();
    let sms = h.sms_outbox(&admin).await.unwrap();
    (
        notices.iter().filter(|n| n.kind == "escalation").count(),
        sms.iter()
            .filter(|m| m.purpose == "alarm_escalation")
            .count(),
    )
}

async fn timeline_kinds(
    h: &Hotline,
    user: &hotline_domain::StaffUser,
    alarm_id: i64,
) -> Vec<String> {
    h.alarm_timeline(user, alarm_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

hotline_core::on_both_backends!(
    the_card_shows_the_person_whom_to_call_and_the_earlier_alarms,
    the_figures_show_how_fast_each_coordinator_answered,
    the_demo_city_loads_its_alarms_with_their_people_and_timelines,
    an_alarm_nobody_acknowledges_goes_to_the_lead_until_someone_does,
    a_coordinator_works_an_alarm_to_a_close_and_the_follow_up_is_due,
    a_silent_alarm_is_not_called_back_and_a_hand_over_needs_a_coordinator,
    an_alarm_is_stored_with_its_case_before_anyone_is_answered,
    a_retried_delivery_returns_the_same_alarm_and_writes_nothing,
    an_unknown_number_is_kept_as_an_unregistered_caller,
    the_alarm_log_resumes_after_the_last_event_seen,
);
