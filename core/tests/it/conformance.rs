//! The storage conformance suite: every test runs once on SQLite and once on PostgreSQL,
//! through the same `Hotline` service API, and must pass on both.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use hotline_core::audit::AuditFilter;
use hotline_core::seed::demo::DemoSize;
use hotline_core::testing::TestDatabase;
use hotline_core::{Event, FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::{CaseStatus, Channel, NewRequestInput, Problem};

fn at(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().unwrap()
}

fn clock() -> Arc<FixedClock> {
    // 11:00 in Xianyang on 23 November 2026.
    Arc::new(FixedClock::new(at("2026-11-23T03:00:00Z")))
}

fn request(content: &str) -> NewRequestInput {
    NewRequestInput {
        category: "0101".into(),
        content: content.into(),
        contact_name: "王女士".into(),
        phone: "138 1234 5678".into(),
        district: "610402".into(),
        address: "人民路 12 号".into(),
        anonymous: false,
        ..Default::default()
    }
}

fn web() -> Origin {
    Origin::citizen(Channel::Web, Some("203.0.113.7".into()))
}

async fn counts_of_cases(h: &Hotline) -> i64 {
    h.store.counts().await.unwrap().cases
}

// ---- the tests, each written once -------------------------------------------------------

async fn migrations_and_code_tables_are_idempotent(db: TestDatabase) {
    let h = db.open(clock()).await;
    let first = h.store.counts().await.unwrap();
    h.prepare().await.unwrap();
    let second = h.store.counts().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(first.regions, 2531);
    assert!(first.categories >= 220, "{} categories", first.categories);
    h.store.close().await;
}

async fn the_districts_are_the_fourteen_of_xianyang(db: TestDatabase) {
    let h = db.open(clock()).await;
    let districts = h.store.districts().await.unwrap();
    assert_eq!(districts.len(), 14);
    assert_eq!(districts[0].code, "610402");
    assert_eq!(districts[0].name, "秦都区");
    assert!(districts
        .iter()
        .all(|d| d.parent_code.as_deref() == Some("6104")));
    let options = h.form_options().await.unwrap();
    assert_eq!(
        options.categories.iter().filter(|c| c.level == 1).count(),
        20
    );
    assert!(options.categories.iter().all(|c| c.level <= 2));
    h.store.close().await;
}

async fn a_filed_request_gets_the_days_next_tracking_number(db: TestDatabase) {
    let h = db.open(clock()).await;
    let first = h
        .file_request(&request("楼道灯坏了"), Channel::Web, &web())
        .await
        .unwrap();
    let second = h
        .file_request(&request("门口积水"), Channel::Web, &web())
        .await
        .unwrap();
    assert_eq!(first.tracking_number.as_str(), "20261123000001");
    assert_eq!(second.tracking_number.as_str(), "20261123000002");
    assert_eq!(first.status, CaseStatus::Submitted);

    let stored = h
        .store
        .request(&first.tracking_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.content, "楼道灯坏了");
    assert_eq!(
        stored.phone, "13812345678",
        "the phone is stored normalised"
    );
    assert_eq!(stored.district_name.as_deref(), Some("秦都区"));
    assert_eq!(stored.channel, Channel::Web);
    assert_eq!(stored.created_at, at("2026-11-23T03:00:00Z"));

    let waiting = h
        .new_requests(&hotline_core::testing::staff(
            hotline_domain::Role::Agent,
            None,
            None,
        ))
        .await
        .unwrap();
    assert_eq!(waiting.len(), 2);
    assert_eq!(
        waiting[0].tracking_number, second.tracking_number,
        "newest first"
    );
    h.store.close().await;
}

async fn tracking_numbers_restart_at_local_midnight(db: TestDatabase) {
    let clock = clock();
    let h = db.open(clock.clone()).await;
    clock.set(at("2026-11-23T15:59:00Z")); // 23:59 local
    let late = h
        .file_request(&request("夜里噪音"), Channel::Web, &web())
        .await
        .unwrap();
    clock.set(at("2026-11-23T16:01:00Z")); // 00:01 local, next day
    let early = h
        .file_request(&request("夜里噪音"), Channel::Web, &web())
        .await
        .unwrap();
    assert_eq!(late.tracking_number.as_str(), "20261123000001");
    assert_eq!(early.tracking_number.as_str(), "20261124000001");
    h.store.close().await;
}

async fn refused_requests_store_nothing(db: TestDatabase) {
    let h = db.open(clock()).await;
    let cases = |errors: ServiceError| match errors {
        ServiceError::Invalid(fields) => fields,
        other => panic!("expected invalid input, got {other:?}"),
    };

    let mut unknown_category = request("x");
    unknown_category.category = "9999".into();
    let fields = cases(
        h.file_request(&unknown_category, Channel::Web, &web())
            .await
            .unwrap_err(),
    );
    assert_eq!(fields.get("category"), Some(&Problem::Unknown));

    let mut unknown_district = request("x");
    unknown_district.district = "610499".into();
    let fields = cases(
        h.file_request(&unknown_district, Channel::Web, &web())
            .await
            .unwrap_err(),
    );
    assert_eq!(fields.get("district"), Some(&Problem::Unknown));

    let mut county_as_category = request("x");
    county_as_category.category = "0101".into();
    county_as_category.district = "6104".into();
    let fields = cases(
        h.file_request(&county_as_category, Channel::Web, &web())
            .await
            .unwrap_err(),
    );
    assert_eq!(fields.get("district"), Some(&Problem::Unknown));

    let mut street_as_district = request("x");
    street_as_district.district = "610402001".into();
    let fields = cases(
        h.file_request(&street_as_district, Channel::Web, &web())
            .await
            .unwrap_err(),
    );
    assert_eq!(fields.get("district"), Some(&Problem::Unknown));

    let mut empty = request("   ");
    empty.phone = "12345".into();
    let fields = cases(
        h.file_request(&empty, Channel::Web, &web())
            .await
            .unwrap_err(),
    );
    assert_eq!(fields.get("content"), Some(&Problem::Required));
    assert_eq!(fields.get("phone"), Some(&Problem::BadPhone));

    assert_eq!(counts_of_cases(&h).await, 0);
    // A refused filing does not use up a tracking number either.
    let ok = h
        .file_request(&request("ok"), Channel::Web, &web())
        .await
        .unwrap();
    assert_eq!(ok.tracking_number.as_str(), "20261123000001");
    h.store.close().await;
}

/// Files `count` requests at once, each from its own task; their distinct numbers, sorted.
async fn file_at_once(
    h: &Hotline,
    count: usize,
    label: &str,
) -> Vec<hotline_domain::TrackingNumber> {
    let tasks: Vec<_> = (0..count)
        .map(|i| {
            let h = h.clone();
            let content = format!("{label} {i}");
            tokio::spawn(async move {
                h.file_request(&request(&content), Channel::Web, &web())
                    .await
                    .unwrap()
                    .tracking_number
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    numbers.dedup();
    numbers
}

/// Where a request is when the filer chose no district (SPEC P1, I2): the district its map
/// point lies in, else the one its typed address names; a point outside the city is refused.
async fn the_district_comes_from_the_pin_or_the_typed_address(db: TestDatabase) {
    let h = db.open(clock()).await;
    let district_of = |input: NewRequestInput| {
        let h = h.clone();
        async move {
            let filed = h.file_request(&input, Channel::Web, &web()).await?;
            let case = h
                .store
                .case_detail(hotline_core::store::CaseScope::All, &filed.tracking_number)
                .await
                .unwrap()
                .unwrap();
            Ok::<_, ServiceError>((case.district_code, case.position))
        }
    };
    let typed = |address: &str| NewRequestInput {
        district: String::new(),
        address: address.into(),
        ..request("井盖丢了")
    };
    let placed = |lon: f64, lat: f64| NewRequestInput {
        district: String::new(),
        address: String::new(),
        lon: Some(lon),
        lat: Some(lat),
        ..request("路灯不亮")
    };
    // Typed: a district by its name, a street, a community; nothing known stays unknown.
    for (address, district) in [
        ("咸阳市渭城区正阳街道某小区 3 号楼", Some("610404")),
        ("兴平东城路 8 号", Some("610481")),
        ("马泉街道办东边 200 米", Some("610402")),
        ("人民路 12 号", None),
    ] {
        let (found, _) = district_of(typed(address)).await.unwrap();
        assert_eq!(found.as_deref(), district, "{address}");
    }
    // Placed: the district whose outline holds the point, and the point kept.
    let (found, location) = district_of(placed(108.47022, 34.30205)).await.unwrap();
    assert_eq!(found.as_deref(), Some("610481"));
    let location = location.unwrap();
    assert!((location.lon - 108.47022).abs() < 1e-9 && (location.lat - 34.30205).abs() < 1e-9);
    // A district chosen is kept, whatever the point or the address says.
    let chosen = NewRequestInput {
        district: "610402".into(),
        address: "渭城区".into(),
        lon: Some(108.47022),
        lat: Some(34.30205),
        ..request("路灯不亮")
    };
    assert_eq!(
        district_of(chosen).await.unwrap().0.as_deref(),
        Some("610402")
    );
    // Inside the city's rectangle but in no district of it (south-east of the city, in
    // Xi'an): refused by name, nothing stored.
    let before = counts_of_cases(&h).await;
    match district_of(placed(109.15, 34.20)).await {
        Err(ServiceError::Invalid(fields)) => {
            assert_eq!(fields.get("lon"), Some(&Problem::OutsideCity));
            assert_eq!(fields.get("lat"), Some(&Problem::OutsideCity));
        }
        other => panic!("expected the point refused, got {other:?}"),
    }
    assert_eq!(counts_of_cases(&h).await, before);
    h.store.close().await;
}

async fn concurrent_filings_never_share_a_number(db: TestDatabase) {
    let h = db.open(clock()).await;
    let numbers = file_at_once(&h, 24, "并发").await;
    assert_eq!(numbers.len(), 24);
    assert_eq!(numbers.last().unwrap().as_str(), "20261123000024");
    h.store.close().await;
}

/// Filings that arrive together share one commit (issue 13); one that the database refuses
/// is left out whole (no number drawn, no event, no audit entry) and the rest are stored.
async fn a_group_of_filings_commits_together_and_a_bad_one_alone_is_left_out(db: TestDatabase) {
    let h = db.open(clock()).await;
    let filing = |content: &str, category: &str| {
        let mut input = request(content);
        input.category = category.into();
        hotline_core::store::NewFiling {
            request: input.validate().unwrap(),
            channel: Channel::Web,
            local_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            at: at("2026-11-23T03:00:00Z"),
            priority: hotline_domain::Priority::Normal,
            origin: web(),
            api_key: None,
        }
    };
    let audit_before = audit_count(&h).await;
    // The service checks the category first; the store meets a code no table holds only
    // through a bug or a race with the catalogue, and the foreign key refuses it.
    let results = h
        .store
        .insert_requests(&[
            filing("第一件", "0101"),
            filing("目录里没有的类别", "9999"),
            filing("第三件", "0101"),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 3);
    let first = results[0].as_ref().unwrap();
    assert!(results[1].is_err(), "{:?}", results[1]);
    let third = results[2].as_ref().unwrap();
    assert_eq!(first.tracking_number.as_str(), "20261123000001");
    assert_eq!(
        third.tracking_number.as_str(),
        "20261123000002",
        "the refused filing's number was given back"
    );
    assert_eq!(counts_of_cases(&h).await, 2);
    assert_eq!(audit_count(&h).await, audit_before + 2);
    for (summary, content) in [(first, "第一件"), (third, "第三件")] {
        let stored = h.store.request(&summary.tracking_number).await.unwrap();
        assert_eq!(stored.map(|s| s.content).as_deref(), Some(content));
    }

    // A burst through the service (the writer groups what queues up): every filer is
    // answered with its own number, none lost, none shared.
    let numbers = file_at_once(&h, 100, "一起到的").await;
    assert_eq!(numbers.len(), 100);
    assert_eq!(numbers.last().unwrap().as_str(), "20261123000102");
    assert_eq!(counts_of_cases(&h).await, 102);
    h.store.close().await;
}

async fn an_acknowledged_request_survives_a_reopen(db: TestDatabase) {
    let h = db.open(clock()).await;
    let filed = h
        .file_request(&request("重启后还在"), Channel::Web, &web())
        .await
        .unwrap();
    h.store.close().await;
    drop(h);

    let reopened = db.open(clock()).await;
    let stored = reopened
        .store
        .request(&filed.tracking_number)
        .await
        .unwrap();
    assert_eq!(stored.map(|s| s.content).as_deref(), Some("重启后还在"));
    reopened.store.close().await;
}

async fn every_filing_is_announced_to_subscribers(db: TestDatabase) {
    let h = db.open(clock()).await;
    let mut events = h.events.subscribe();
    let filed = h
        .file_request(&request(&"长".repeat(600)), Channel::Web, &web())
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("event within 5 s")
        .expect("event");
    let Event::RequestFiled(summary) = event else {
        panic!("expected the filing, got {event:?}")
    };
    assert_eq!(summary.tracking_number, filed.tracking_number);
    assert!(summary.content.chars().count() <= hotline_core::events::EXCERPT_CHARS + 1);
    h.store.close().await;
}

async fn the_demo_city_loads_once_and_numbering_continues_after_it(db: TestDatabase) {
    let h = db.open(clock()).await;
    let size = DemoSize {
        vendors: 40,
        providers: 20,
        elderly: 60,
        past_cases: 50,
        waiting_requests: 4,
    };
    assert!(h.load_demo_if_empty(size).await.unwrap());
    let counts = h.store.counts().await.unwrap();
    assert_eq!(
        (
            counts.vendors,
            counts.providers,
            counts.elderly,
            counts.cases
        ),
        // 50 past cases, the department's 4 new ones, the vendor's 3 new orders, 4 waiting.
        (40, 20, 60, 50 + 4 + 3 + 4)
    );
    assert!(
        !h.load_demo_if_empty(size).await.unwrap(),
        "loaded only into an empty database"
    );
    assert_eq!(h.store.counts().await.unwrap(), counts);

    let waiting = h
        .new_requests(&hotline_core::testing::staff(
            hotline_domain::Role::Agent,
            None,
            None,
        ))
        .await
        .unwrap();
    assert!(waiting.len() >= 4);
    // Demo requests filed earlier today hold today's first numbers; a new one follows them.
    let today_max = waiting
        .iter()
        .filter_map(|r| r.tracking_number.as_str().strip_prefix("20261123"))
        .map(|seq| seq.parse::<u32>().unwrap())
        .max()
        .expect("demo requests filed today");
    let filed = h
        .file_request(&request("新的"), Channel::Web, &web())
        .await
        .unwrap();
    let seq: u32 = filed.tracking_number.as_str()[8..].parse().unwrap();
    assert!(seq > today_max, "{seq} after {today_max}");
    let stored = h
        .store
        .request(&filed.tracking_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.content, "新的");

    // The demo's ~160 accounts, searched and paged on the server (issue 17).
    use hotline_domain::{Role, UserQuery, USER_PAGE};
    let admin = hotline_core::testing::staff(Role::Admin, None, None);
    let everyone = h.store.users().await.unwrap();
    assert!(everyone.len() > USER_PAGE as usize, "{}", everyone.len());
    let first = h.user_page(&admin, &UserQuery::default()).await.unwrap();
    assert_eq!(first.total, everyone.len() as u64);
    assert_eq!(first.items.len(), USER_PAGE as usize);
    let second = h
        .user_page(
            &admin,
            &UserQuery {
                page: "2".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(second.items[0].username > first.items.last().unwrap().username);
    let agents = h
        .user_page(
            &admin,
            &UserQuery {
                q: "接线员".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let expected = everyone
        .iter()
        .filter(|u| {
            [
                Some(&u.username),
                Some(&u.display_name),
                u.department_name.as_ref(),
                u.vendor_name.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|t| t.contains("接线员"))
        })
        .count();
    assert!(expected >= 20, "{expected}");
    assert_eq!(agents.total, expected as u64);
    assert!(agents
        .items
        .iter()
        .all(|u| u.display_name.contains("接线员")));
    let departments = h
        .user_page(
            &admin,
            &UserQuery {
                role: "department".into(),
                state: "active".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let expected = everyone
        .iter()
        .filter(|u| u.role == Role::Department && u.active)
        .count();
    assert_eq!(departments.total, expected as u64);
    assert!(departments.items.iter().all(|u| u.role == Role::Department));
    // By the department's name too.
    let by_department = &departments.items[0];
    let named = h
        .user_page(
            &admin,
            &UserQuery {
                q: by_department.department_name.clone().unwrap(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(named.items.iter().any(|u| u.id == by_department.id));
    match h
        .user_page(
            &admin,
            &UserQuery {
                state: "asleep".into(),
                page: "x".into(),
                ..Default::default()
            },
        )
        .await
    {
        Err(ServiceError::Invalid(fields)) => {
            assert!(fields.get("state").is_some() && fields.get("page").is_some())
        }
        other => panic!("expected refused, got {other:?}"),
    }
    let agent = hotline_core::testing::staff(Role::Agent, None, None);
    assert!(matches!(
        h.user_page(&agent, &UserQuery::default()).await,
        Err(ServiceError::Forbidden)
    ));
    h.store.close().await;
}

async fn a_filing_leaves_an_audit_entry_in_the_same_transaction(db: TestDatabase) {
    let h = db.open(clock()).await;
    let filed = h
        .file_request(&request("审计"), Channel::Web, &web())
        .await
        .unwrap();
    let entries = h
        .audit_entries(&AuditFilter {
            object_type: Some("case".into()),
            object_id: Some(filed.tracking_number.to_string()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(
        (entry.actor.as_str(), entry.action.as_str()),
        ("citizen:web", "create")
    );
    assert_eq!(entry.address.as_deref(), Some("203.0.113.7"));
    assert_eq!(entry.at, at("2026-11-23T03:00:00Z"));
    let after: serde_json::Value = serde_json::from_str(entry.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["content"], "审计");
    assert_eq!(
        after["phone"], "138****5678",
        "the log keeps the number masked"
    );
    assert!(entry.before.is_none());

    // A refused filing changed nothing, so it writes no audit entry.
    let mut bad = request("x");
    bad.category = "9999".into();
    let before = audit_count(&h).await;
    assert!(h.file_request(&bad, Channel::Web, &web()).await.is_err());
    assert_eq!(audit_count(&h).await, before);

    // Search by actor and period.
    let by_actor = h
        .audit_entries(&AuditFilter {
            actor: Some("system".into()),
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(
        by_actor.iter().any(|e| e.object_type == "regions"),
        "code table loads are audited"
    );
    let later = h
        .audit_entries(&AuditFilter {
            from: Some(at("2026-11-23T03:00:01Z")),
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(later.is_empty());
    h.store.close().await;
}

async fn the_audit_log_refuses_updates_and_deletes(db: TestDatabase) {
    let h = db.open(clock()).await;
    h.file_request(&request("不可篡改"), Channel::Web, &web())
        .await
        .unwrap();
    h.store.close().await;
    // Straight to the database, past the application: the table itself must refuse.
    let tamper = [
        "UPDATE audit_log SET actor = 'someone-else'",
        "DELETE FROM audit_log",
    ];
    for sql in tamper {
        let error = raw_execute(db.url(), sql).await.expect_err(sql);
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    if db.url().starts_with("postgres") {
        let error = raw_execute(db.url(), "TRUNCATE audit_log")
            .await
            .expect_err("truncate");
        assert!(error.contains("append-only"), "{error}");
    }
    let reopened = db.open(clock()).await;
    let entries = reopened
        .audit_entries(&AuditFilter {
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(entries.iter().all(|e| e.actor != "someone-else"));
    assert!(entries.iter().any(|e| e.object_type == "case"));
    reopened.store.close().await;
}

async fn audit_count(h: &Hotline) -> usize {
    let all = AuditFilter {
        limit: 10_000,
        ..AuditFilter::default()
    };
    h.audit_entries(&all).await.unwrap().len()
}

async fn raw_execute(url: &str, sql: &str) -> Result<(), String> {
    use sqlx::Connection;
    let result = if url.starts_with("sqlite") {
        let mut conn = sqlx::SqliteConnection::connect(url)
            .await
            .map_err(|e| e.to_string())?;
        sqlx::query(sql).execute(&mut conn).await.map(|_| ())
    } else {
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .map_err(|e| e.to_string())?;
        sqlx::query(sql).execute(&mut conn).await.map(|_| ())
    };
    result.map_err(|e| e.to_string())
}

/// The code tables every form reads come from memory: a change made behind the service's
/// back (straight into the store) is not seen, one made through it is seen at once, and on
/// PostgreSQL by every other instance as soon as the bus brings the news.
async fn code_tables_are_kept_in_memory_until_a_change_reaches_every_instance(db: TestDatabase) {
    use hotline_core::audit::NewAuditEntry;
    use hotline_domain::{CodeEntry, Role};
    let name_of = |options: &hotline_domain::FormOptions| {
        options
            .categories
            .iter()
            .find(|c| c.code == "0101")
            .map(|c| c.name_zh.clone())
            .unwrap()
    };
    let h = db.open(clock()).await;
    let before = name_of(&h.form_options().await.unwrap());
    let stored = h
        .store
        .all_categories()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == "0101")
        .unwrap();
    let entry = |name: &str| CodeEntry {
        name_zh: name.into(),
        ..stored.clone()
    };
    let audit = NewAuditEntry {
        at: at("2026-11-23T03:00:00Z"),
        origin: Origin::system(),
        action: "update".into(),
        object_type: "category".into(),
        object_id: "0101".into(),
        before: None,
        after: None,
    };
    h.store
        .save_category(&entry("未经服务改名"), &audit)
        .await
        .unwrap();
    assert_eq!(name_of(&h.form_options().await.unwrap()), before);

    // A second instance on the same database (PostgreSQL only: SQLite serves one).
    let other = match h.store.backend() {
        hotline_core::store::Backend::Postgres => Some(db.open(clock()).await),
        hotline_core::store::Backend::Sqlite => None,
    };
    if let Some(other) = &other {
        assert_eq!(
            name_of(&other.form_options().await.unwrap()),
            "未经服务改名"
        );
    }
    let admin = hotline_core::testing::staff(Role::Admin, None, None);
    h.save_category(&admin, &entry("家政保洁（新）"), &Origin::system())
        .await
        .unwrap();
    assert_eq!(name_of(&h.form_options().await.unwrap()), "家政保洁（新）");
    if let Some(other) = other {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while name_of(&other.form_options().await.unwrap()) != "家政保洁（新）" {
            assert!(
                std::time::Instant::now() < deadline,
                "the change never reached"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        other.store.close().await;
    }
    h.store.close().await;
}

// ---- run each test on both backends -----------------------------------------------------

hotline_core::on_both_backends!(
    code_tables_are_kept_in_memory_until_a_change_reaches_every_instance,
    migrations_and_code_tables_are_idempotent,
    the_districts_are_the_fourteen_of_xianyang,
    a_filed_request_gets_the_days_next_tracking_number,
    the_district_comes_from_the_pin_or_the_typed_address,
    tracking_numbers_restart_at_local_midnight,
    refused_requests_store_nothing,
    concurrent_filings_never_share_a_number,
    a_group_of_filings_commits_together_and_a_bad_one_alone_is_left_out,
    an_acknowledged_request_survives_a_reopen,
    every_filing_is_announced_to_subscribers,
    the_demo_city_loads_once_and_numbering_continues_after_it,
    a_filing_leaves_an_audit_entry_in_the_same_transaction,
    the_audit_log_refuses_updates_and_deletes,
);
