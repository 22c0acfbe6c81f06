//! One-key alarms of the demo city (issue 15): a month of closed ones, worked by the care
//! coordinator through acknowledgement, calls, a helper and a close, and two still being
//! worked, so the console, the timelines and the figures are not empty on first start.
//! Each is also its type-C case, played through the real state machine.

use chrono::{DateTime, Duration, Utc};
use hotline_domain::{
    AlarmKind, AlarmStatus, CaseAction, CaseFlow, CaseStatus, CaseType, Channel, ContactOutcome,
    ContactRung, Disposition, Permission, Priority, Role, Satisfaction,
};

use super::timeline::{demo_staff, Player};
use super::{DemoCase, Generator};
use crate::store::{NewCaseEvent, NewElderly};

/// An alarm as the demo stores it, beside its case.
#[derive(Debug, Clone)]
pub struct DemoAlarm {
    pub delivery_id: String,
    pub kind: AlarmKind,
    pub status: AlarmStatus,
    pub caller: Option<String>,
    pub device_id: Option<String>,
    pub raised_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub holder: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub on_site_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub disposition: Option<Disposition>,
    /// The log: when, who, what, note.
    pub events: Vec<(DateTime<Utc>, String, String, Option<String>)>,
}

/// The coordinator who works the demo's alarms.
const COORDINATOR: &str = "care";

impl Generator<'_> {
    /// `closed` alarms over the last 30 days and `open` ones still being worked, from the
    /// registered people who have a one-key terminal.
    pub(super) fn alarm_cases(
        &mut self,
        elderly: &[NewElderly],
        closed: usize,
        open: usize,
    ) -> Vec<DemoCase> {
        let holders: Vec<&NewElderly> = elderly
            .iter()
            .filter(|e| e.onekey_device.is_some())
            .collect();
        if holders.is_empty() {
            return Vec::new();
        }
        let mut cases = Vec::with_capacity(closed + open);
        for n in 0..closed + open {
            let person = *self.rng.pick(&holders);
            let still_open = n >= closed;
            let at = if still_open {
                self.now - Duration::minutes(self.rng.range(8, 40))
            } else {
                self.days_ago(30)
            };
            cases.push(self.alarm_case(n, person, at, still_open));
        }
        cases
    }

    fn alarm_case(
        &mut self,
        n: usize,
        person: &NewElderly,
        at: DateTime<Utc>,
        still_open: bool,
    ) -> DemoCase {
        let at = crate::clock::storable(at);
        let kind = if still_open {
            *self.rng.pick(&[AlarmKind::Fall, AlarmKind::Help])
        } else {
            *self.rng.pick(&[
                AlarmKind::Help,
                AlarmKind::Help,
                AlarmKind::Help,
                AlarmKind::Fall,
                AlarmKind::Fall,
                AlarmKind::Inactivity,
                AlarmKind::Smoke,
                AlarmKind::LowBattery,
                AlarmKind::Test,
                AlarmKind::Silent,
            ])
        };
        let device = person.onekey_device.clone();
        let mut alarm = DemoAlarm {
            delivery_id: format!("demo-{n:04}"),
            kind,
            status: AlarmStatus::Open,
            caller: person.onekey_phone.clone(),
            device_id: device.clone(),
            raised_at: at - Duration::seconds(2),
            received_at: at,
            holder: None,
            acknowledged_at: None,
            on_site_at: None,
            closed_at: None,
            disposition: None,
            events: vec![(at, "alarm:gateway".into(), "received".into(), None)],
        };
        let by = format!("user:{COORDINATOR}");
        let log = |alarm: &mut DemoAlarm, t: DateTime<Utc>, what: &str, note: Option<String>| {
            alarm.events.push((t, by.clone(), what.to_string(), note));
        };
        // Most are answered within the minute; some wait longer (a busy evening).
        let answered = if self.rng.chance(0.88) {
            self.rng.range(8, 58)
        } else {
            self.rng.range(61, 200)
        };
        let mut t = at + Duration::seconds(answered);
        alarm.status = AlarmStatus::Acknowledged;
        alarm.holder = Some(COORDINATOR.into());
        alarm.acknowledged_at = Some(t);
        log(&mut alarm, t, "acknowledged", None);
        let quiet = matches!(kind, AlarmKind::LowBattery | AlarmKind::Test);
        let disposition = match kind {
            AlarmKind::Test => Disposition::Test,
            AlarmKind::LowBattery => Disposition::DeviceFault,
            _ => *self.rng.pick(&[
                Disposition::FalseAlarm,
                Disposition::ByPhone,
                Disposition::ByPhone,
                Disposition::HelperOnSite,
                Disposition::HelperOnSite,
                Disposition::Hospital,
            ]),
        };
        if !quiet {
            t += Duration::seconds(self.rng.range(20, 90));
            let (rung, note) = if kind.may_call_back() {
                (ContactRung::Person, "老人本人")
            } else {
                (ContactRung::Family, "家属")
            };
            let name = if rung == ContactRung::Person {
                person.name.clone()
            } else {
                person.contact_name.clone()
            };
            let outcome = if self.rng.chance(0.7) {
                ContactOutcome::Reached
            } else {
                ContactOutcome::NoAnswer
            };
            log(
                &mut alarm,
                t,
                "contact",
                Some(format!(
                    "{} {name} · {}（{note}）",
                    rung.label(hotline_domain::Lang::Zh),
                    outcome.label(hotline_domain::Lang::Zh)
                )),
            );
            if outcome == ContactOutcome::NoAnswer || rung == ContactRung::Family {
                t += Duration::seconds(self.rng.range(30, 120));
                log(
                    &mut alarm,
                    t,
                    "contact",
                    Some(format!(
                        "{} {} · 已接通",
                        person.contact_relation, person.contact_name
                    )),
                );
            }
        }
        let sends_helper = matches!(
            disposition,
            Disposition::HelperOnSite | Disposition::Hospital
        ) || (still_open && !quiet);
        if sends_helper {
            t += Duration::seconds(self.rng.range(60, 240));
            log(
                &mut alarm,
                t,
                "dispatched",
                Some("派出 社区助老服务队".into()),
            );
            if disposition == Disposition::Hospital {
                log(&mut alarm, t, "escalated", Some("120 急救".into()));
            }
            let arrives = t + Duration::minutes(self.rng.range(12, 45));
            if !still_open || (arrives <= self.now && self.rng.chance(0.5)) {
                t = arrives;
                alarm.status = AlarmStatus::OnSite;
                alarm.on_site_at = Some(t);
                log(&mut alarm, t, "on_site", None);
            }
        }
        // The case, as the alarm desk keeps it.
        let mut case = self.new_case(at);
        case.channel = Channel::OneKey;
        case.flow = CaseFlow::new(kind.category_code(), CaseStatus::Submitted, at);
        case.content = format!(
            "一键通报警（{}）：{}{}",
            kind.label(hotline_domain::Lang::Zh),
            person.name,
            device.map(|d| format!("，终端 {d}")).unwrap_or_default()
        );
        case.contact_name = Some(person.name.clone());
        case.phone = person.onekey_phone.clone().unwrap_or_default();
        case.anonymous = false;
        case.district_code = Some(person.district_code.clone());
        case.address = Some(person.address.clone());
        case.lon = Some(person.lon);
        case.lat = Some(person.lat);
        case.events = vec![NewCaseEvent {
            at,
            actor: "alarm:gateway".into(),
            kind: "submitted".into(),
            from: None,
            to: Some(CaseStatus::Submitted),
            note: Some(format!(
                "{} · {}",
                kind.label(hotline_domain::Lang::Zh),
                alarm.delivery_id
            )),
        }];
        let mut desk = demo_staff(COORDINATOR, Role::Coordinator, None, None);
        desk.permissions = vec![Permission::Intake, Permission::CasesAll];
        let mut p = Player::new(case, self.now);
        p.step(Duration::zero(), &desk, CaseAction::Accept);
        p.step(
            Duration::zero(),
            &desk,
            CaseAction::Classify {
                case_type: CaseType::OneKeyAlarm,
                category_code: kind.category_code().into(),
                remind_at: None,
                priority: (!quiet).then_some(Priority::Urgent),
            },
        );
        if !still_open {
            t += Duration::minutes(self.rng.range(2, 20));
            alarm.status = AlarmStatus::Closed;
            alarm.closed_at = Some(t);
            alarm.disposition = Some(disposition);
            log(
                &mut alarm,
                t,
                "closed",
                Some(disposition.label(hotline_domain::Lang::Zh).to_string()),
            );
            p.step(
                t - p.t,
                &desk,
                CaseAction::HandleInCentre {
                    result: disposition.label(hotline_domain::Lang::Zh).to_string(),
                },
            );
            // The follow-up call (回访), within two hours.
            p.step(
                Duration::minutes(self.rng.range(20, 110)),
                &desk,
                CaseAction::Callback {
                    satisfaction: Satisfaction::Satisfied,
                    note: "回访：老人情况稳定".into(),
                    parts: Vec::new(),
                },
            );
        }
        let mut case = p.finish();
        case.alarm = Some(alarm);
        case
    }
}
