//! One-key alarms through the service and storage, on SQLite and on PostgreSQL (issue 15):
//! a delivery becomes an alarm and a type-C case in one transaction, a retried delivery
//! returns the same alarm and writes nothing (also when the retries race), an unknown
//! number is kept as an unregistered caller, and the alarm log hands a console every event
//! after the last one it saw.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use hotline_core::store::NewElderly;
use hotline_core::testing::{staff, TestDatabase};
use hotline_core::{Event, FixedClock, Hotline, ServiceError};
use hotline_domain::{
    AlarmInput, AlarmKind, AlarmStatus, CaseQuery, CaseStatus, CaseType, Channel, Priority,
    Problem, Role,
};

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
    let h = db.open(clock()).await;
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

    // The type-C case, accepted and urgent, in the centre's case list.
    let lead = staff(Role::ShiftLead, None, None);
    let case = h.case_for(&lead, &alarm.tracking_number).await.unwrap();
    assert_eq!(case.item.case_type, Some(CaseType::OneKeyAlarm));
    assert_eq!(case.item.status, CaseStatus::Accepted);
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

hotline_core::on_both_backends!(
    an_alarm_is_stored_with_its_case_before_anyone_is_answered,
    a_retried_delivery_returns_the_same_alarm_and_writes_nothing,
    an_unknown_number_is_kept_as_an_unregistered_caller,
    the_alarm_log_resumes_after_the_last_event_seen,
);
