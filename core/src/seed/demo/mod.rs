//! A deterministic demo data set: vendors, skilled individuals and volunteers, elderly
//! people and two months of past cases, placed inside the real Xianyang districts.
//!
//! Same seed and same day give the same data, so a screenshot or a bug report made on one
//! machine can be reproduced on another. The people are invented; the places are real.

mod alarms;
mod basics;
mod cases;
mod elderly;
mod registry;
pub mod rng;
mod text;
mod timeline;
mod users;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::flow::ReminderDraft;
use hotline_domain::{Assignee, CaseFlow, Category, Channel, TrackingNumber};

pub use alarms::DemoAlarm;
pub use elderly::id_number;
pub use users::{DemoUser, DEMO_PASSWORD};

use super::{DistrictShape, SeedError};
use crate::store::{
    NewCase, NewCaseEvent, NewElderly, NewProvider, NewVendor, RegionSeed, Store, StoreError,
    UserRow,
};
use cases::number_cases;
use rng::Rng;
use users::demo_users;

/// How big the demo city is. The defaults fill every list and the map without making the
/// first start slow.
#[derive(Debug, Clone, Copy)]
pub struct DemoSize {
    pub vendors: usize,
    pub providers: usize,
    pub elderly: usize,
    pub past_cases: usize,
    /// Web requests still waiting for an agent, so the agents' list is not empty.
    pub waiting_requests: usize,
}

impl Default for DemoSize {
    fn default() -> Self {
        DemoSize {
            vendors: 420,
            providers: 260,
            elderly: 1800,
            past_cases: 900,
            waiting_requests: 6,
        }
    }
}

/// The government departments (联动部门) cases are sent to, with the catalogue code
/// prefixes each handles: a longer prefix wins (燃气 `0803` goes to the gas company, not to
/// the water bureau under 市政公用 `08`); `20` (其他事项) marks the district governments,
/// which take what no one else does.
pub const DEPARTMENTS: &[(&str, &str, &str, &[&str])] = &[
    (
        "D01",
        "咸阳市人力资源和社会保障局",
        "029-33211601",
        &["05", "06"],
    ),
    ("D02", "咸阳市住房和城乡建设局", "029-33211602", &["10"]),
    (
        "D03",
        "咸阳市城市管理执法局",
        "029-33211603",
        &["07", "0806", "0807"],
    ),
    ("D04", "咸阳市市场监督管理局", "029-33211604", &["14"]),
    ("D05", "咸阳市交通运输局", "029-33211605", &["09"]),
    ("D06", "咸阳市生态环境局", "029-33211606", &["13"]),
    ("D07", "咸阳市公安局", "029-33211607", &["12"]),
    ("D08", "咸阳市教育局", "029-33211608", &["11"]),
    ("D09", "咸阳市卫生健康委员会", "029-33211609", &["04"]),
    ("D10", "咸阳市民政局", "029-33211610", &["03", "15"]),
    (
        "D11",
        "咸阳市水务局",
        "029-33211611",
        &["0801", "0805", "0811"],
    ),
    ("D12", "国网咸阳供电公司", "029-33211612", &["0802"]),
    ("D13", "咸阳市农业农村局", "029-33211613", &["18"]),
    ("D14", "咸阳市文化和旅游局", "029-33211614", &["19"]),
    ("D15", "咸阳市行政审批服务局", "029-33211615", &["16"]),
    ("D16", "咸阳市司法局", "029-33211616", &["17"]),
    ("D17", "秦都区人民政府", "029-33211617", &["20"]),
    ("D18", "渭城区人民政府", "029-33211618", &["20"]),
    ("D19", "咸阳市天然气有限公司", "029-33211619", &["0803"]),
    ("D20", "咸阳市热力有限公司", "029-33211620", &["0804"]),
];

#[derive(Debug, Clone)]
pub struct DemoCase {
    pub tracking_number: TrackingNumber,
    pub channel: Channel,
    /// Where the case stands (status, type, category, parts with synthetic ids).
    pub flow: CaseFlow,
    pub content: String,
    pub contact_name: Option<String>,
    pub phone: String,
    pub anonymous: bool,
    pub district_code: Option<String>,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub events: Vec<NewCaseEvent>,
    /// Reminders still chasing something, by part index.
    pub reminders: Vec<ReminderDraft>,
    /// Steps the state machine refused while generating (always empty unless this file
    /// has a bug).
    pub refused: Vec<String>,
    /// The one-key alarm this case records (type C).
    pub alarm: Option<DemoAlarm>,
}

#[derive(Debug, Clone, Default)]
pub struct DemoData {
    pub vendors: Vec<NewVendor>,
    pub providers: Vec<NewProvider>,
    pub elderly: Vec<NewElderly>,
    pub cases: Vec<DemoCase>,
    pub users: Vec<DemoUser>,
}

impl DemoData {
    /// The highest tracking-number sequence used per day, so that requests filed after the
    /// demo is loaded continue the numbering instead of colliding with it.
    pub fn counters(&self) -> Vec<(String, i64)> {
        let mut max: BTreeMap<String, i64> = BTreeMap::new();
        for c in &self.cases {
            let (date, seq) = c.tracking_number.as_str().split_at(8);
            let seq: i64 = seq.parse().unwrap_or(0);
            let entry = max.entry(format!("tracking:{date}")).or_default();
            *entry = (*entry).max(seq);
        }
        max.into_iter().collect()
    }
}

pub struct Generator<'a> {
    rng: Rng,
    districts: Vec<&'a DistrictShape>,
    /// District code → its streets; street code → its villages.
    children: BTreeMap<&'a str, Vec<&'a RegionSeed>>,
    minors: Vec<&'a Category>,
    now: DateTime<Utc>,
    /// Sequence numbers used per (district, birth date): ID numbers must be unique.
    id_sequences: BTreeMap<(String, NaiveDate), u32>,
    /// The categories each generated vendor offers, by vendor index.
    vendor_services: Vec<Vec<String>>,
    /// Each generated provider's (volunteer's or skilled person's) skill, by index.
    provider_skills: Vec<String>,
    /// The case being played is one of those kept slow on purpose, so every demo (however
    /// small, whatever the day) has work in hand past its limit.
    keep_slow: bool,
    /// The case being played is for the demo department's desk: one of its categories, a
    /// complaint, so signing in as `dept` shows new, overdue and finished work. `Some(true)`:
    /// held once dispatched (new, not yet confirmed).
    for_desk: Option<bool>,
    /// The case being played is a new order for this vendor (index): one of its services,
    /// a household job, held once dispatched.
    for_vendor: Option<usize>,
    /// One-key terminals handed out so far: the n-th is `YJT` + (10000000 + n), so the
    /// alarm simulator can address the demo's registered people without reading the
    /// database.
    terminals: u32,
}

/// The id of the demo's n-th one-key terminal (from 0); the demo hands out a few hundred.
pub fn demo_terminal(n: u32) -> String {
    format!("YJT{}", 10_000_000 + u64::from(n))
}

impl<'a> Generator<'a> {
    pub fn new(
        seed: u64,
        now: DateTime<Utc>,
        regions: &'a [RegionSeed],
        shapes: &'a [DistrictShape],
        catalogue: &'a [Category],
    ) -> Generator<'a> {
        let mut children: BTreeMap<&str, Vec<&RegionSeed>> = BTreeMap::new();
        for r in regions {
            if let Some(p) = &r.region.parent_code {
                children.entry(p.as_str()).or_default().push(r);
            }
        }
        Generator {
            rng: Rng(seed),
            districts: shapes.iter().collect(),
            children,
            minors: catalogue.iter().filter(|c| c.level == 2).collect(),
            now,
            id_sequences: BTreeMap::new(),
            vendor_services: Vec::new(),
            provider_skills: Vec::new(),
            keep_slow: false,
            for_desk: None,
            for_vendor: None,
            terminals: 0,
        }
    }

    pub fn generate(mut self, size: DemoSize) -> Result<DemoData, SeedError> {
        if self.districts.is_empty() || self.minors.is_empty() {
            return Err(SeedError::Malformed {
                file: "demo",
                line: 0,
                message: "no districts or no categories to generate demo data from".into(),
            });
        }
        let vendors: Vec<NewVendor> = (0..size.vendors).map(|i| self.vendor(i)).collect();
        self.vendor_services = vendors.iter().map(|v| v.services.clone()).collect();
        let providers: Vec<NewProvider> = (0..size.providers).map(|i| self.provider(i)).collect();
        self.provider_skills = providers.iter().map(|p| p.skill_code.clone()).collect();
        let elderly: Vec<NewElderly> = (0..size.elderly).map(|i| self.elderly(i)).collect();
        let mut cases = self.past_cases(size.past_cases);
        cases.extend(self.desk_cases());
        // The demo vendor account's company (the one with the most orders) has new orders
        // to take.
        if let Some(vendor) = users::busiest_vendor(&cases) {
            cases.extend(self.vendor_orders(vendor));
        }
        cases.extend(self.waiting_requests(size.waiting_requests));
        // The full demo city's alarms (a month's history, two being worked); the small
        // data sets of the tests have none, so their consoles start empty.
        if size.elderly >= 500 {
            let alarms = self.alarm_cases(&elderly, size.elderly / 45, 2);
            cases.extend(alarms);
        }
        number_cases(&mut cases);
        let users = demo_users(&cases, &vendors);
        Ok(DemoData {
            vendors,
            providers,
            elderly,
            cases,
            users,
        })
    }
}

/// While generating, departments are numbered by their place in [`DEPARTMENTS`] (from 1)
/// and vendors by their place in [`DemoData::vendors`] (from 1); the loader maps these to
/// the stored ids.
pub fn demo_department(id: i64) -> Option<&'static str> {
    usize::try_from(id - 1)
        .ok()
        .and_then(|i| DEPARTMENTS.get(i))
        .map(|d| d.0)
}

/// Generates the demo data set for the day of `now`.
pub fn generate(seed: u64, now: DateTime<Utc>, size: DemoSize) -> Result<DemoData, SeedError> {
    let regions = super::regions()?;
    let shapes = super::district_shapes()?;
    let catalogue = super::catalogue()?;
    Generator::new(seed, now, &regions, &shapes, &catalogue).generate(size)
}

/// Writes the demo data set through the store's bulk load, in one transaction. The
/// generator numbers departments and vendors itself (see [`demo_department`]); the parts
/// and users are stored with the ids the rows were given.
pub async fn load(
    store: &dyn Store,
    demo: &DemoData,
    policy: &hotline_domain::FlowPolicy,
) -> Result<(), StoreError> {
    let now = demo
        .cases
        .iter()
        .map(|c| c.updated_at)
        .max()
        .unwrap_or_else(Utc::now);
    let mut load = store.begin_load().await?;
    let mut department_ids = std::collections::HashMap::new();
    for (code, name, phone, _) in DEPARTMENTS {
        let department = hotline_domain::Department {
            id: 0,
            code: code.to_string(),
            name: name.to_string(),
            phone: Some(phone.to_string()),
            active: true,
        };
        department_ids.insert(*code, load.insert_department(&department, now).await?);
    }
    let mut vendor_ids = Vec::with_capacity(demo.vendors.len());
    for v in &demo.vendors {
        vendor_ids.push(load.insert_vendor(v).await?);
    }
    let mut provider_ids = Vec::with_capacity(demo.providers.len());
    for p in &demo.providers {
        provider_ids.push(load.insert_provider(p).await?);
    }
    for e in &demo.elderly {
        load.insert_elderly(e).await?;
    }
    // The generator numbers vendors and providers from 1, in the order they were stored.
    let stored = |ids: &[i64], n: i64, what: &str| {
        usize::try_from(n - 1)
            .ok()
            .and_then(|i| ids.get(i).copied())
            .ok_or_else(|| StoreError::Corrupt(format!("demo {what} {n}")))
    };
    for c in &demo.cases {
        let mut flow = c.flow.clone();
        for a in &mut flow.assignments {
            a.id = None;
            a.assignee = match a.assignee {
                Assignee::Department(n) => {
                    let code = demo_department(n)
                        .ok_or_else(|| StoreError::Corrupt(format!("demo department {n}")))?;
                    Assignee::Department(department_ids[code])
                }
                Assignee::Vendor(n) => Assignee::Vendor(stored(&vendor_ids, n, "vendor")?),
                Assignee::Provider(n) => Assignee::Provider(stored(&provider_ids, n, "provider")?),
            };
        }
        if let Some(id) = flow.subject.as_mut().and_then(|s| s.vendor_id.as_mut()) {
            *id = stored(&vendor_ids, *id, "vendor")?;
        }
        load.insert_case(&NewCase {
            tracking_number: &c.tracking_number,
            channel: c.channel,
            flow: &flow,
            content: &c.content,
            contact_name: c.contact_name.as_deref(),
            phone: &c.phone,
            anonymous: c.anonymous,
            district_code: c.district_code.as_deref(),
            address: c.address.as_deref(),
            lon: c.lon,
            lat: c.lat,
            created_at: c.created_at,
            updated_at: c.updated_at,
            events: &c.events,
            reminders: &c.reminders,
            lights: &flow.lights(policy),
        })
        .await?;
        if let Some(alarm) = &c.alarm {
            load.insert_alarm(&c.tracking_number, alarm).await?;
        }
    }
    for u in &demo.users {
        let user = UserRow {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            department_id: u
                .department_code
                .and_then(|c| department_ids.get(c).copied()),
            vendor_id: u.vendor_index.and_then(|i| vendor_ids.get(i).copied()),
            password_hash: Some(u.password_hash.clone()),
            active: true,
        };
        load.insert_user(&user, now).await?;
    }
    for (name, value) in demo.counters() {
        load.raise_counter(&name, value).await?;
    }
    load.commit().await
}

/// The seed used by `seed-demo` and the first start.
pub const DEMO_SEED: u64 = 12345;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Point;
    use hotline_domain::FlowPolicy;
    use hotline_domain::IdNumber;

    fn now() -> DateTime<Utc> {
        "2026-11-23T03:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_same_seed_and_day_give_the_same_city() {
        let size = DemoSize {
            vendors: 30,
            providers: 20,
            elderly: 50,
            past_cases: 40,
            waiting_requests: 3,
        };
        let a = generate(7, now(), size).unwrap();
        let b = generate(7, now(), size).unwrap();
        assert_eq!(
            a.vendors.iter().map(|v| &v.name).collect::<Vec<_>>(),
            b.vendors.iter().map(|v| &v.name).collect::<Vec<_>>()
        );
        assert_eq!(
            a.elderly.iter().map(|e| &e.id_number).collect::<Vec<_>>(),
            b.elderly.iter().map(|e| &e.id_number).collect::<Vec<_>>()
        );
        // The past cases, the department's four new ones, the vendor's three new orders,
        // the waiting requests.
        assert_eq!(a.cases.len(), 40 + 4 + 3 + 3);
    }

    #[test]
    fn everyone_is_placed_inside_their_own_district() {
        let shapes = crate::seed::district_shapes().unwrap();
        let demo = generate(
            1,
            now(),
            DemoSize {
                vendors: 60,
                providers: 0,
                elderly: 60,
                past_cases: 0,
                waiting_requests: 0,
            },
        )
        .unwrap();
        let inside = |code: &str, lon, lat| {
            shapes
                .iter()
                .find(|s| s.code == code)
                .unwrap()
                .contains(Point { lon, lat })
        };
        assert!(demo
            .vendors
            .iter()
            .all(|v| inside(&v.district_code, v.lon, v.lat)));
        assert!(demo
            .elderly
            .iter()
            .all(|e| inside(&e.district_code, e.lon, e.lat)));
    }

    #[test]
    fn elderly_are_sixty_or_older_with_valid_id_numbers() {
        let demo = generate(
            3,
            now(),
            DemoSize {
                vendors: 0,
                providers: 0,
                elderly: 3000,
                past_cases: 0,
                waiting_requests: 0,
            },
        )
        .unwrap();
        let today = now().date_naive();
        let ids: std::collections::HashSet<_> = demo.elderly.iter().map(|e| &e.id_number).collect();
        assert_eq!(ids.len(), demo.elderly.len(), "ID numbers are unique");
        for e in &demo.elderly {
            assert!(
                today.years_since(e.birth_date).unwrap() >= 60,
                "{}",
                e.birth_date
            );
            assert_eq!(e.id_number.len(), 18);
            assert!(e.id_number.starts_with("6104"));
        }
    }

    #[test]
    fn the_id_check_digit_follows_gb_11643() {
        // The standard's worked example: 11010519491231002X.
        assert_eq!(IdNumber::check_digit("11010519491231002"), 'X');
        let birth = NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
        let id = id_number("110105", birth, 0, true);
        assert_eq!(IdNumber::check_digit(&id[..17]), id.chars().last().unwrap());
        assert!(IdNumber::parse(&id).is_ok(), "{id} is a valid ID number");
    }

    #[test]
    fn played_cases_follow_the_rules() {
        let demo = generate(
            7,
            now(),
            DemoSize {
                vendors: 40,
                providers: 0,
                elderly: 0,
                past_cases: 400,
                waiting_requests: 3,
            },
        )
        .unwrap();
        let mut statuses = std::collections::BTreeSet::new();
        for c in &demo.cases {
            assert!(
                c.refused.is_empty(),
                "{}: {:?}",
                c.tracking_number,
                c.refused
            );
            statuses.insert(c.flow.status.as_code());
            for r in &c.reminders {
                assert!(c.flow.reminder_due(r.kind, r.assignment).is_some());
            }
        }
        // The data set shows every stage a centre works with.
        for expected in [
            "submitted",
            "dispatched",
            "confirmed",
            "fed_back",
            "archived",
        ] {
            assert!(
                statuses.contains(expected),
                "no {expected} case in {statuses:?}"
            );
        }
        let lights: std::collections::BTreeSet<_> = demo
            .cases
            .iter()
            .filter_map(|c| c.flow.light(now(), &FlowPolicy::default()))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|l| l.as_code())
            .collect();
        assert_eq!(lights.len(), 3, "green, yellow and red cases: {lights:?}");
    }

    #[test]
    fn cases_say_what_their_category_is_and_go_to_the_department_that_handles_it() {
        let demo = generate(DEMO_SEED, now(), DemoSize::default()).unwrap();
        let gas = cases::handling_departments("080301");
        assert_eq!(gas.len(), 1);
        assert_eq!(DEPARTMENTS[gas[0]].1, "咸阳市天然气有限公司");
        let mut misrouted = 0;
        for case in &demo.cases {
            for part in &case.flow.assignments {
                let Assignee::Department(id) = part.assignee else {
                    continue;
                };
                // A district government may share any case; any other department that
                // does not handle the category returned it, and the return was accepted.
                let handles = cases::handling_departments(&case.flow.category_code)
                    .contains(&(id as usize - 1))
                    || DEPARTMENTS[id as usize - 1].3.contains(&"20");
                if !handles {
                    assert_eq!(part.return_justified, Some(true), "{}", case.content);
                    misrouted += 1;
                }
            }
        }
        assert!(
            misrouted > 0,
            "the demo shows a misrouted case being returned"
        );
        // The texts and their categories agree.
        for (content, words) in [("燃气味", "燃气"), ("年报", "个体工商户"), ("停水", "供水")]
        {
            let case = demo
                .cases
                .iter()
                .find(|c| c.content.contains(content))
                .unwrap();
            let category = super::super::catalogue()
                .unwrap()
                .into_iter()
                .find(|c| c.code == case.flow.category_code[..4])
                .unwrap();
            assert!(
                category.name_zh.contains(words),
                "{content}: {}",
                category.name_zh
            );
        }
    }

    #[test]
    fn the_demo_department_and_vendor_have_work_waiting() {
        let now = now();
        let demo = generate(DEMO_SEED, now, DemoSize::default()).unwrap();
        let (mut new, mut overdue, mut finished) = (0, 0, 0);
        for part in demo
            .cases
            .iter()
            .flat_map(|c| &c.flow.assignments)
            .filter(|p| p.assignee == Assignee::Department(1) && !p.closed)
        {
            if part.fed_back_at.is_some() {
                finished += 1;
            } else {
                new += usize::from(part.confirmed_at.is_none());
                overdue += usize::from(part.due_at < now);
            }
        }
        assert!(new >= 4, "{new} new");
        assert!(overdue >= 3, "{overdue} overdue");
        assert!(finished >= 20, "{finished} finished");
        // The demo vendor account's company has new orders to take.
        let vendor = demo
            .users
            .iter()
            .find(|u| u.username == "vendor")
            .and_then(|u| u.vendor_index)
            .unwrap();
        let orders = demo
            .cases
            .iter()
            .flat_map(|c| &c.flow.assignments)
            .filter(|p| p.assignee == Assignee::Vendor(vendor as i64 + 1) && !p.closed)
            .filter(|p| p.confirmed_at.is_none())
            .count();
        assert!(orders >= 2, "{orders} new orders");
    }

    #[test]
    fn everyone_a_played_case_names_has_an_account() {
        let demo = generate(DEMO_SEED, now(), DemoSize::default()).unwrap();
        let accounts: BTreeMap<&str, &DemoUser> = demo
            .users
            .iter()
            .map(|u| (u.username.as_str(), u))
            .collect();
        let mut named = 0;
        for case in &demo.cases {
            for event in &case.events {
                if let Some(username) = event.actor.strip_prefix("user:") {
                    let account = accounts.get(username);
                    assert!(account.is_some(), "no account for {username}");
                    assert_ne!(account.unwrap().display_name, username);
                    named += 1;
                }
            }
        }
        assert!(named > 1000, "{named} steps by staff");
        let agents = demo
            .users
            .iter()
            .filter(|u| u.role == hotline_domain::Role::Agent)
            .count();
        let vendors = demo
            .users
            .iter()
            .filter(|u| u.role == hotline_domain::Role::Vendor)
            .count();
        assert!((20..=28).contains(&agents), "{agents} agents");
        assert!(vendors < 250, "{vendors} vendor desks");
        let d03 = accounts["dept.d03"];
        assert_eq!(
            (d03.display_name.as_str(), d03.department_code),
            ("咸阳市城市管理执法局 办理员", Some("D03"))
        );
    }

    #[test]
    fn the_demo_city_has_a_month_of_alarms_and_two_being_worked() {
        let demo = generate(
            3,
            now(),
            DemoSize {
                vendors: 0,
                providers: 0,
                elderly: 900,
                past_cases: 0,
                waiting_requests: 0,
            },
        )
        .unwrap();
        let alarms: Vec<(&DemoCase, &DemoAlarm)> = demo
            .cases
            .iter()
            .filter_map(|c| c.alarm.as_ref().map(|a| (c, a)))
            .collect();
        assert_eq!(alarms.len(), 900 / 45 + 2);
        let open: Vec<_> = alarms
            .iter()
            .filter(|(_, a)| a.status != hotline_domain::AlarmStatus::Closed)
            .collect();
        assert_eq!(open.len(), 2);
        for (case, alarm) in &alarms {
            assert!(case.refused.is_empty(), "{:?}", case.refused);
            assert_eq!(
                case.flow.case_type,
                Some(hotline_domain::CaseType::OneKeyAlarm)
            );
            assert_eq!(case.channel, hotline_domain::Channel::OneKey);
            // Every alarm came from a registered terminal, and its log runs forward.
            assert!(alarm.device_id.is_some());
            assert!(alarm.events.windows(2).all(|w| w[0].0 <= w[1].0));
            assert!(alarm.acknowledged_at.unwrap() > alarm.received_at);
            assert!(alarm.events.last().unwrap().0 <= now());
            if alarm.status == hotline_domain::AlarmStatus::Closed {
                assert!(alarm.disposition.is_some());
                // Handled on the desk and followed up: archived.
                assert_eq!(
                    case.flow.status,
                    hotline_domain::CaseStatus::Archived,
                    "{:?}",
                    case.events
                );
            } else {
                assert_eq!(case.flow.status, hotline_domain::CaseStatus::Classified);
                assert_eq!(alarm.holder.as_deref(), Some("care"));
            }
        }
    }

    #[test]
    fn case_timelines_move_forward_and_end_in_the_case_state() {
        let demo = generate(
            5,
            now(),
            DemoSize {
                vendors: 0,
                providers: 0,
                elderly: 0,
                past_cases: 80,
                waiting_requests: 2,
            },
        )
        .unwrap();
        for c in &demo.cases {
            assert!(c.refused.is_empty(), "{:?}", c.refused);
            assert!(c.events.windows(2).all(|w| w[0].at <= w[1].at));
            assert_eq!(c.events.last().unwrap().to, Some(c.flow.status));
            assert!(c.updated_at <= now());
        }
        let counters = demo.counters();
        assert!(counters
            .iter()
            .all(|(name, v)| name.starts_with("tracking:") && *v > 0));
    }
}
