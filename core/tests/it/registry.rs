//! Finding people in the elderly registry (SPEC R3), on SQLite and on PostgreSQL: every
//! search and filter answers as a scan of the loaded people would (name beginnings, whole
//! numbers in any case, identity, district, ages on their birthdays, join days in China
//! time), pages count everyone, numbers stay masked, and wrong fields are named.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use hotline_core::audit::AuditFilter;
use hotline_core::clock::local_date_of;
use hotline_core::store::NewElderly;
use hotline_core::testing::{sample_elderly, staff, TestDatabase};
use hotline_core::{FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::{
    ElderlyInput, ElderlyQuery, Permission, PhoneNumber, Role, ELDERLY_IDENTITY_CATEGORIES,
};

/// 10:00 in Xianyang on 6 December 2026.
fn now() -> DateTime<Utc> {
    "2026-12-06T02:00:00Z".parse().unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
}

const CENTRE: hotline_domain::Coordinates = hotline_domain::Coordinates {
    lon: 108.71,
    lat: 34.33,
};

const NAMES: &[&str] = &[
    "张桂兰",
    "张秀英",
    "王建国",
    "李张华",
    "张",
    "赵淑珍",
    "王秀兰",
    "刘德福",
];

/// `n` people whose names, numbers, categories, districts, birthdays and join instants
/// vary; among them people turning 70 today and tomorrow, and people who joined on either
/// side of a China-time midnight.
fn people(n: usize) -> Vec<NewElderly> {
    let base_joined: DateTime<Utc> = "2024-03-01T00:00:00Z".parse().unwrap();
    (0..n)
        .map(|i| {
            let birth = match i {
                0 => NaiveDate::from_ymd_opt(1956, 12, 6).unwrap(), // 70 today
                1 => NaiveDate::from_ymd_opt(1956, 12, 7).unwrap(), // 70 tomorrow
                2 => NaiveDate::from_ymd_opt(1946, 12, 7).unwrap(), // 79, 80 tomorrow
                3 => NaiveDate::from_ymd_opt(1946, 12, 6).unwrap(), // 80 today
                _ => NaiveDate::from_ymd_opt(
                    1930 + (i % 36) as i32,
                    1 + (i % 12) as u32,
                    1 + (i % 28) as u32,
                )
                .unwrap(),
            };
            let joined = match i {
                // 2025-06-01 00:00 and 2025-05-31 23:59 in China.
                4 => "2025-05-31T16:00:00Z".parse().unwrap(),
                5 => "2025-05-31T15:59:00Z".parse().unwrap(),
                _ => base_joined + Duration::hours(i as i64 * 61),
            };
            NewElderly {
                gender: if i % 2 == 0 { "F" } else { "M" }.into(),
                birth_date: birth,
                id_number: format!("6104021940{:07}X", 1_000_000 + i),
                identity_category: ELDERLY_IDENTITY_CATEGORIES
                    [i % ELDERLY_IDENTITY_CATEGORIES.len()]
                .into(),
                service_card_no: format!("XY{:08}", 20_000_000 + i),
                district_code: if i % 3 == 0 { "610404" } else { "610402" }.into(),
                address: format!("人民路 {i} 号"),
                phone: (i % 4 != 0).then(|| format!("139{:08}", 10_000_000 + i)),
                onekey_phone: (i % 5 == 0).then(|| format!("029-3{:07}", 3_000_000 + i)),
                created_at: joined,
                ..sample_elderly(NAMES[i % NAMES.len()], i, CENTRE)
            }
        })
        .collect()
}

async fn registry(db: &TestDatabase, people: &[NewElderly]) -> Hotline {
    let h = db.open(Arc::new(FixedClock::new(now()))).await;
    let mut load = h.store.begin_load().await.unwrap();
    for p in people {
        load.insert_elderly(p).await.unwrap();
    }
    load.commit().await.unwrap();
    h
}

fn age(birth: NaiveDate) -> u32 {
    let t = today();
    let mut years = t.year() - birth.year();
    if (t.month(), t.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years as u32
}

/// What a scan of `people` (ids from 1 in load order) finds for `q`, every page.
fn scan(people: &[NewElderly], q: &ElderlyQuery) -> Vec<i64> {
    let text = q.q.trim();
    let number = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" -+()".contains(&b))
        && text.bytes().any(|b| b.is_ascii_digit());
    let upper: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    let phone = PhoneNumber::parse(text)
        .ok()
        .map(|p| p.as_str().to_string());
    let bound = |s: &str| s.parse::<u32>().ok();
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    people
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let found = if text.is_empty() {
                true
            } else if number {
                (phone.is_some() && (p.phone == phone || p.onekey_phone == phone))
                    || p.id_number == upper
                    || p.service_card_no == upper
            } else {
                p.name.starts_with(text)
            };
            let joined = local_date_of(p.created_at);
            found
                && (q.district.is_empty() || p.district_code == q.district)
                && (q.category.is_empty() || p.identity_category == q.category)
                && bound(&q.age_min).is_none_or(|min| age(p.birth_date) >= min)
                && bound(&q.age_max).is_none_or(|max| age(p.birth_date) <= max)
                && date(&q.joined_from).is_none_or(|d| joined >= d)
                && date(&q.joined_to).is_none_or(|d| joined <= d)
        })
        .map(|(i, _)| i as i64 + 1)
        .collect()
}

/// Every id the service finds for `q`, page by page, and the total it states.
async fn find_all(h: &Hotline, q: &ElderlyQuery) -> (u64, Vec<i64>) {
    let care = staff(Role::Coordinator, None, None);
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let mut paged = q.clone();
        paged.page = page.to_string();
        paged.per_page = "7".into();
        let found = h.elderly_for(&care, &paged).await.unwrap();
        assert_eq!(found.page, page);
        for p in &found.items {
            assert!(p.id_number.contains('*'), "unmasked {}", p.id_number);
        }
        ids.extend(found.items.iter().map(|p| p.id));
        if page >= found.pages() {
            return (found.total, ids);
        }
        page += 1;
    }
}

fn query(f: impl FnOnce(&mut ElderlyQuery)) -> ElderlyQuery {
    let mut q = ElderlyQuery::default();
    f(&mut q);
    q
}

async fn every_search_finds_what_a_scan_finds(db: TestDatabase) {
    let people = people(90);
    let h = registry(&db, &people).await;
    let p = &people;
    let queries = [
        query(|_| {}),
        query(|q| q.q = "张".into()),
        query(|q| q.q = "张桂兰".into()),
        query(|q| q.q = "王秀".into()),
        query(|q| q.q = "孙".into()),
        query(|q| q.q = p[7].phone.clone().unwrap()),
        query(|q| q.q = p[10].onekey_phone.clone().unwrap().replace('-', " ")),
        query(|q| q.q = format!("+86 {}", p[9].phone.clone().unwrap())),
        query(|q| q.q = p[12].id_number.to_lowercase()),
        query(|q| q.q = p[13].service_card_no.to_lowercase()),
        query(|q| q.q = "13900000000".into()),
        query(|q| q.category = "独居".into()),
        query(|q| {
            q.q = "张".into();
            q.district = "610404".into();
        }),
        query(|q| {
            q.age_min = "70".into();
            q.age_max = "79".into();
        }),
        query(|q| q.age_min = "80".into()),
        query(|q| q.age_max = "69".into()),
        query(|q| q.joined_from = "2025-06-01".into()),
        query(|q| q.joined_to = "2025-05-31".into()),
        query(|q| {
            q.joined_from = "2024-06-01".into();
            q.joined_to = "2024-09-30".into();
            q.category = "普通".into();
        }),
    ];
    for q in &queries {
        let expected = scan(p, q);
        let (total, ids) = find_all(&h, q).await;
        assert_eq!(ids, expected, "{q:?}");
        assert_eq!(total, expected.len() as u64, "{q:?}");
    }
    // The boundaries the scan decides are the ones meant: 70 today is in 70–79, 70
    // tomorrow is not; joining at China midnight is on the new day.
    let seventies = scan(p, &queries[13]);
    assert!(seventies.contains(&1) && !seventies.contains(&2) && seventies.contains(&3));
    assert!(!seventies.contains(&4));
    let june = scan(p, &queries[16]);
    assert!(june.contains(&5) && !june.contains(&6));
    assert_eq!(scan(p, &queries[8]), [13]);
    assert_eq!(scan(p, &queries[4]), Vec::<i64>::new());

    // A page past the last is empty and still counts everyone.
    let care = staff(Role::Coordinator, None, None);
    let past = h
        .elderly_for(&care, &query(|q| q.page = "99".into()))
        .await
        .unwrap();
    assert_eq!((past.total, past.items.len()), (90, 0));
    // The default page is 50 rows.
    let first = h.elderly_for(&care, &query(|_| {})).await.unwrap();
    assert_eq!((first.items.len(), first.pages()), (50, 2));
}

async fn the_registry_is_the_coordinators_and_wrong_fields_are_named(db: TestDatabase) {
    let h = registry(&db, &people(3)).await;
    for role in [Role::Agent, Role::ShiftLead, Role::Department, Role::Vendor] {
        let found = h
            .elderly_for(&staff(role, None, None), &query(|_| {}))
            .await;
        assert!(matches!(found, Err(ServiceError::Forbidden)), "{role:?}");
    }
    let care = staff(Role::Coordinator, None, None);
    let wrong = h
        .elderly_for(
            &care,
            &query(|q| {
                q.category = "贵宾".into();
                q.age_min = "-1".into();
                q.joined_to = "yesterday".into();
                q.per_page = "1000".into();
            }),
        )
        .await;
    match wrong {
        Err(ServiceError::Invalid(errors)) => {
            let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
            assert_eq!(fields, ["age_min", "category", "joined_to", "per_page"]);
        }
        other => panic!("expected the fields named, got {other:?}"),
    }
}

/// A valid ID number of someone born on `born` (`YYYYMMDD`), the `n`th of that day.
fn id_number(born: &str, n: u32) -> String {
    let body = format!("610402{born}{n:03}");
    format!("{body}{}", hotline_domain::IdNumber::check_digit(&body))
}

fn person(name: &str, id: &str, card: &str) -> ElderlyInput {
    ElderlyInput {
        name: name.into(),
        id_number: id.into(),
        identity_category: "独居".into(),
        service_card_no: card.into(),
        district: "秦都区".into(),
        street: "人民路街道".into(),
        village: "乐育北路社区居委会".into(),
        address: "乐育北路 3 号 2 单元".into(),
        onekey_phone: "029-33123456".into(),
        onekey_device: "YJT-77".into(),
        contact_name: "王强".into(),
        contact_relation: "儿子".into(),
        contact_phone: "13912345678".into(),
        health_notes: "高血压".into(),
        ..ElderlyInput::default()
    }
}

fn origin() -> Origin {
    Origin {
        actor: "user:care".into(),
        address: Some("10.0.0.9".into()),
    }
}

fn fields(result: Result<impl std::fmt::Debug, ServiceError>) -> Vec<String> {
    match result {
        Err(ServiceError::Invalid(errors)) => errors.0.into_keys().collect(),
        other => panic!("expected fields named, got {other:?}"),
    }
}

async fn keepers_type_and_edit_people_audited_and_guarded(db: TestDatabase) {
    let h = registry(&db, &[]).await;
    let care = staff(Role::Coordinator, None, None);
    let zhang = person("张秀英", &id_number("19500301", 2), "XY20000001");

    assert!(matches!(
        h.create_elderly(&staff(Role::Agent, None, None), &zhang, &origin())
            .await,
        Err(ServiceError::Forbidden)
    ));
    let wrong = ElderlyInput {
        contact_phone: "12".into(),
        lon: "108.7".into(),
        identity_category: "贵宾".into(),
        ..zhang.clone()
    };
    assert_eq!(
        fields(h.create_elderly(&care, &wrong, &origin()).await),
        ["contact_phone", "identity_category", "lat"]
    );
    let id = h.create_elderly(&care, &zhang, &origin()).await.unwrap();
    let record = h.elderly_record(&care, id, &origin()).await.unwrap();
    assert_eq!(record.version, 1);
    assert_eq!(
        record.summary.gender, "F",
        "sex and birth day from the ID number"
    );
    assert_eq!(record.village_name.as_deref(), Some("乐育北路社区居委会"));
    assert_eq!(record.street_name.as_deref(), Some("人民路街道"));
    assert!(record.position.lon > 108.0 && record.position.lat > 34.0);
    assert_eq!(record.health_notes.as_deref(), Some("高血压"));

    // Numbers no two people share: another person with Zhang's ID, card or terminal.
    let wang = person("王建国", &id_number("19480712", 1), "XY20000002");
    let same = ElderlyInput {
        id_number: zhang.id_number.clone(),
        service_card_no: "xy20000001".into(),
        ..wang.clone()
    };
    assert_eq!(
        fields(h.create_elderly(&care, &same, &origin()).await),
        ["id_number", "onekey_device", "service_card_no"]
    );
    let wang = ElderlyInput {
        onekey_device: String::new(),
        ..wang
    };
    let wang_id = h.create_elderly(&care, &wang, &origin()).await.unwrap();

    // An edit: a new one-key phone and contact; the person stays where they were.
    let mut edit = ElderlyInput::from_detail(&record);
    edit.onekey_phone = "029-33999888".into();
    edit.contact_name = "王丽".into();
    edit.contact_relation = "女儿".into();
    edit.contact_phone = "13700001111".into();
    edit.health_notes = "高血压，糖尿病".into();
    h.update_elderly(&care, id, &edit, &origin()).await.unwrap();
    let after = h.elderly_record(&care, id, &origin()).await.unwrap();
    assert_eq!(after.version, 2);
    assert_eq!(after.summary.onekey_phone.as_deref(), Some("029-33999888"));
    assert_eq!(after.contact_phone, "13700001111");
    assert_eq!(after.position, record.position);
    assert_eq!(after.health_notes.as_deref(), Some("高血压，糖尿病"));
    // The one-key number finds them at once (as an alarm from it would).
    let found = h
        .elderly_for(&care, &query(|q| q.q = "029 3399 9888".into()))
        .await
        .unwrap();
    assert_eq!(found.items.iter().map(|e| e.id).collect::<Vec<_>>(), [id]);
    // The same form again is stale; another person's card is taken; the version is named.
    assert!(matches!(
        h.update_elderly(&care, id, &edit, &origin()).await,
        Err(ServiceError::Conflict)
    ));
    let mut taken = ElderlyInput::from_detail(&after);
    taken.service_card_no = "XY20000002".into();
    assert_eq!(
        fields(h.update_elderly(&care, id, &taken, &origin()).await),
        ["service_card_no"]
    );
    taken.version = String::new();
    assert_eq!(
        fields(h.update_elderly(&care, id, &taken, &origin()).await),
        ["version"]
    );
    assert!(matches!(
        h.update_elderly(
            &care,
            999_999,
            &ElderlyInput::from_detail(&after),
            &origin()
        )
        .await,
        Err(ServiceError::NotFound)
    ));

    // A keeper who sees neither full numbers nor health keeps them as stored: the masked
    // form they were shown does not overwrite them. Moved to another district without a
    // position, the person is placed at its centre.
    let mut keeper = staff(Role::Coordinator, None, None);
    keeper.permissions = vec![Permission::ElderlyRegistry];
    let shown = h.elderly_record(&keeper, id, &origin()).await.unwrap();
    assert_ne!(shown.summary.id_number, zhang.id_number, "masked");
    let mut moved = ElderlyInput::from_detail(&shown);
    assert!(moved.health_notes.is_empty());
    moved.district = "渭城区".into();
    moved.street = String::new();
    moved.village = String::new();
    moved.address = "文林路 8 号".into();
    h.update_elderly(&keeper, id, &moved, &origin())
        .await
        .unwrap();
    let full = h.elderly_record(&care, id, &origin()).await.unwrap();
    assert_eq!(full.summary.id_number, zhang.id_number);
    assert_eq!(full.contact_phone, "13700001111");
    assert_eq!(full.health_notes.as_deref(), Some("高血压，糖尿病"));
    assert_eq!(full.summary.district_name, "渭城区");
    assert_eq!(full.street_code, None);
    assert_ne!(full.position, record.position);
    assert_eq!(full.version, 3);
    let other = h.elderly_record(&care, wang_id, &origin()).await.unwrap();
    assert_eq!(other.version, 1, "an edit touches one person");

    // The audit log has each write with before and after, numbers masked, health unsaid.
    let entries = h
        .audit_entries(&AuditFilter {
            object_type: Some("elderly".into()),
            object_id: Some(id.to_string()),
            limit: 20,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let writes: Vec<&str> = entries
        .iter()
        .map(|e| e.action.as_str())
        .filter(|a| ["create", "update"].contains(a))
        .collect();
    assert_eq!(writes.len(), 3, "{writes:?}");
    for e in entries.iter().filter(|e| e.action == "update") {
        let text = format!("{:?}{:?}", e.before, e.after);
        assert!(!text.contains(&zhang.id_number), "{text}");
        assert!(
            !text.contains("13700001111") && !text.contains("高血压"),
            "{text}"
        );
        assert!(e.before.is_some());
    }
    assert!(entries.iter().any(|e| e.action == "update"
        && e.after
            .as_deref()
            .unwrap()
            .contains("\"health_changed\":true")));
}

hotline_core::on_both_backends!(
    every_search_finds_what_a_scan_finds,
    the_registry_is_the_coordinators_and_wrong_fields_are_named,
    keepers_type_and_edit_people_audited_and_guarded,
);
