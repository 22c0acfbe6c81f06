//! Past cases played through the state machine, and web requests still waiting.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use hotline_domain::flow::{Targets, TypeRules};
use hotline_domain::{
    Assignee, CaseAction, CaseFlow, CaseStatus, CaseType, Category, Channel, FlowPolicy, Role,
    Satisfaction, StaffUser, TrackingNumber,
};

use super::text::{CENTRE_RESULTS, FEEDBACK, REPLIES, REQUESTS, RETURN_REASONS, ROADS};
use super::timeline::{demo_assignee_user, demo_staff, Player};
use super::{DemoCase, Generator, DEPARTMENTS};
use crate::clock::china_offset;
use crate::store::NewCaseEvent;

/// What in a caller's words makes the agent mark the case urgent (W9).
const URGENT_WORDS: &[&str] = &["燃气味", "泄漏", "漏气", "电线", "井盖", "积水倒灌"];

impl Generator<'_> {
    /// A request text and a category whose name fits it. Texts whose words match no
    /// category are drawn again, so a complaint about unpaid wages is never filed under
    /// appliance repair.
    pub(super) fn request_text(&mut self) -> (String, String) {
        // A case for the demo department's desk is about one of its categories.
        let desk: &[&str] = if self.for_desk.is_some() {
            DEPARTMENTS[0].3
        } else {
            &[]
        };
        // A new order for a vendor is for one of its services.
        let services: &[String] = match self.for_vendor {
            Some(v) => &self.vendor_services[v],
            None => &[],
        };
        let mut tries = 0;
        let (text, category) = loop {
            let (words, text) = *self.rng.pick(REQUESTS);
            let matching: Vec<&Category> = self
                .minors
                .iter()
                .copied()
                .filter(|c| words.iter().any(|w| c.name_zh.contains(w)))
                .filter(|c| desk.is_empty() || desk.iter().any(|m| c.code.starts_with(m)))
                .filter(|c| services.is_empty() || services.contains(&c.code))
                .collect();
            tries += 1;
            if !matching.is_empty() {
                break (text, self.rng.pick(&matching).code.clone());
            }
            if tries > 500 {
                break (text, self.rng.pick(&self.minors).code.clone());
            }
        };
        let road = self.rng.pick(ROADS);
        (category, text.replace("{road}", road))
    }

    pub(super) fn case_type_for(&mut self, category_code: &str) -> CaseType {
        let name = self
            .minors
            .iter()
            .find(|c| c.code == category_code)
            .map(|c| c.name_zh.as_str())
            .unwrap_or_default();
        if ["保洁", "搬家", "开锁", "疏通", "维修", "保姆", "月嫂"]
            .iter()
            .any(|w| name.contains(w))
        {
            CaseType::Household
        } else if name.contains("表扬") || name.starts_with("投诉") {
            CaseType::Praise
        } else if category_code.starts_with("03") {
            // The 居家养老 branch of the catalogue (not 养老保险, a pension question).
            CaseType::HomeCare
        } else {
            *self.rng.pick(&[
                CaseType::Consultation,
                CaseType::Consultation,
                CaseType::Complaint,
                CaseType::PublicAffairs,
                CaseType::SimpleMatter,
            ])
        }
    }

    pub(super) fn past_cases(&mut self, n: usize) -> Vec<DemoCase> {
        (0..n)
            .map(|i| {
                // Ten of the cases are filed 8 to 11 days ago and kept slow: with the
                // department still, past its limit, however small the demo.
                self.keep_slow = i % 8 == 7 && i < 80;
                // Every other one of them is the demo department's, overdue at its desk.
                self.for_desk = (self.keep_slow && i % 16 == 15).then_some(false);
                let at = if self.keep_slow {
                    self.now - Duration::days(8) - self.minutes((0, 3 * 24 * 60))
                } else {
                    self.days_ago(60)
                };
                let case = self.played_case(at);
                self.keep_slow = false;
                self.for_desk = None;
                case
            })
            .collect()
    }

    /// Three household jobs ordered from `vendor` in the last hours, not yet taken: new
    /// orders for the demo vendor account (none if it offers nothing the demo's requests
    /// ask for).
    pub(super) fn vendor_orders(&mut self, vendor: usize) -> Vec<DemoCase> {
        self.for_vendor = Some(vendor);
        let mut orders = Vec::new();
        for ago in [(3 * 60, 5 * 60), (2 * 60, 3 * 60), (60, 2 * 60)] {
            let at = self.now - self.minutes(ago);
            let order = self.played_case(at);
            let ours = self.vendor_services[vendor].contains(&order.flow.category_code)
                && order
                    .flow
                    .assignments
                    .iter()
                    .any(|a| a.assignee == Assignee::Vendor(vendor as i64 + 1));
            if ours {
                orders.push(order);
            }
        }
        self.for_vendor = None;
        orders
    }

    /// Four complaints sent to the demo department in the last hours and not yet confirmed:
    /// new work at its desk (two of them already past the time to confirm).
    pub(super) fn desk_cases(&mut self) -> Vec<DemoCase> {
        self.for_desk = Some(true);
        let cases = [
            (6 * 60, 8 * 60),
            (5 * 60, 6 * 60),
            (4 * 60, 5 * 60),
            (4 * 60, 5 * 60),
        ]
        .into_iter()
        .map(|ago| {
            let at = self.now - self.minutes(ago);
            self.played_case(at)
        })
        .collect();
        self.for_desk = None;
        cases
    }

    pub(super) fn waiting_requests(&mut self, n: usize) -> Vec<DemoCase> {
        let today = self.now.with_timezone(&china_offset()).date_naive();
        let start = china_offset()
            .from_local_datetime(&today.and_hms_opt(0, 0, 0).expect("midnight"))
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc);
        let minutes = (self.now - start).num_minutes().max(1);
        (0..n)
            .map(|_| {
                let at = start + Duration::minutes(self.rng.range(0, minutes - 1));
                let mut case = self.new_case(at);
                case.channel = Channel::Web;
                case.events[0].actor = "citizen:web".into();
                case
            })
            .collect()
    }

    /// A case as filed at `at`, before anyone took a step.
    pub(super) fn new_case(&mut self, at: DateTime<Utc>) -> DemoCase {
        let (category_code, content) = self.request_text();
        let (district, street, village) = self.place();
        let position = self.point_in(district);
        let anonymous = self.rng.chance(0.08);
        let (name, female) = self.person();
        let contact_name = (!anonymous).then(|| {
            let surname: String = name.chars().take(1).collect();
            format!("{surname}{}", if female { "女士" } else { "先生" })
        });
        let channel = *self.rng.pick(&[
            Channel::Phone,
            Channel::Phone,
            Channel::Phone,
            Channel::Web,
            Channel::Sms,
            Channel::WeChat,
        ]);
        DemoCase {
            tracking_number: TrackingNumber::new(at.with_timezone(&china_offset()).date_naive(), 0),
            channel,
            flow: CaseFlow::new(&category_code, CaseStatus::Submitted, at),
            content,
            contact_name,
            phone: self.mobile(),
            anonymous,
            district_code: Some(district.code.clone()),
            address: Some(self.address(street, village)),
            lon: Some(position.lon),
            lat: Some(position.lat),
            created_at: at,
            updated_at: at,
            events: vec![NewCaseEvent {
                at,
                actor: format!("citizen:{}", channel.as_code()),
                kind: "submitted".into(),
                from: None,
                to: Some(CaseStatus::Submitted),
                note: None,
            }],
            reminders: Vec::new(),
            refused: Vec::new(),
            alarm: None,
        }
    }

    /// A case filed at `at` and taken, step by step through the real state machine, as far
    /// as it would have got by now: older cases are archived, recent ones are still with a
    /// department or waiting for a callback, some took long enough to show yellow or red.
    pub(super) fn played_case(&mut self, at: DateTime<Utc>) -> DemoCase {
        let case = self.new_case(at);
        let case_type = match (self.for_desk, self.for_vendor) {
            (Some(_), _) => CaseType::Complaint,
            (_, Some(_)) => CaseType::Household,
            _ => self.case_type_for(&case.flow.category_code),
        };
        let category_code = case.flow.category_code.clone();
        let agent = demo_staff(
            &format!("agent{}", 1001 + self.rng.below(27)),
            Role::Agent,
            None,
            None,
        );
        let lead = demo_staff("lead", Role::ShiftLead, None, None);
        let mut p = Player::new(case, self.now);
        let first = if p.case.channel == Channel::Phone {
            (0, 3)
        } else {
            (2, 180)
        };
        p.step(self.minutes(first), &agent, CaseAction::Accept);
        let remind_at = (case_type == CaseType::Pending)
            .then(|| p.t + Duration::minutes(self.rng.range(60, 60 * 72)));
        let urgent = URGENT_WORDS.iter().any(|w| p.case.content.contains(w));
        p.step(
            self.minutes((1, 6)),
            &agent,
            CaseAction::Classify {
                case_type,
                category_code,
                remind_at,
                // The agent hears danger in the call (a gas smell in the stairwell) and
                // marks it urgent; urgent categories are urgent by themselves.
                priority: urgent.then_some(hotline_domain::Priority::Urgent),
            },
        );
        if case_type == CaseType::Praise {
            // Whom the caller praises or complains about: mostly a vendor's worker.
            let subject = self.subject();
            p.step(
                self.minutes((1, 4)),
                &agent,
                CaseAction::RecordSubject { subject },
            );
        }
        let rules = TypeRules::of(case_type);
        let satisfaction = *self.rng.pick(&[
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Unconfirmed,
            Satisfaction::Dissatisfied,
        ]);
        let ordered = self.for_vendor.is_some();
        if rules.answer_at_once && !ordered && self.rng.chance(0.7) {
            let reply = self.rng.pick(REPLIES).to_string();
            p.step(self.minutes((2, 12)), &agent, CaseAction::Answer { reply });
        } else if rules.recommend && !ordered && self.rng.chance(0.5) {
            let offering = self.vendors_offering(&p.case.flow.category_code, 3);
            if !offering.is_empty() {
                p.step(
                    self.minutes((3, 15)),
                    &agent,
                    CaseAction::Recommend {
                        vendors: offering,
                        note: "已告知来电人企业电话".into(),
                    },
                );
                self.callback_and_archive(&mut p, &agent, Satisfaction::Satisfied);
            }
        } else if rules.centre_handles
            && !ordered
            && (rules.targets == Targets::None || self.rng.chance(0.6))
        {
            if case_type != CaseType::Pending || self.rng.chance(0.8) {
                let result = self.rng.pick(CENTRE_RESULTS).to_string();
                p.step(
                    self.minutes((10, 60 * 20)),
                    &agent,
                    CaseAction::HandleInCentre { result },
                );
                self.callback_and_archive(&mut p, &agent, Satisfaction::Satisfied);
            }
        } else if rules.targets == Targets::Departments
            || (matches!(rules.targets, Targets::OneVendor | Targets::OneCarer)
                && !self.vendor_services.is_empty())
        {
            let first = self.assignee_for(&p.case.flow.category_code, rules.targets);
            let mut to = vec![first];
            if rules.targets == Targets::Departments && self.rng.chance(0.1) {
                let second = self.assignee_for("2001", Targets::Departments);
                if second != first {
                    to.push(second);
                }
            }
            self.handle_round(&mut p, &agent, &lead, to, rules.targets);
            if satisfaction == Satisfaction::Dissatisfied {
                p.step(
                    self.minutes((60, 60 * 30)),
                    &agent,
                    CaseAction::Callback {
                        satisfaction,
                        note: "来电人表示问题未解决".into(),
                        parts: Vec::new(),
                    },
                );
                let again = vec![p
                    .case
                    .flow
                    .assignments
                    .last()
                    .map(|a| a.assignee)
                    .unwrap_or(first)];
                self.handle_round(&mut p, &agent, &lead, again, rules.targets);
                self.callback_and_archive(&mut p, &agent, Satisfaction::Satisfied);
            } else {
                self.callback_and_archive(&mut p, &agent, satisfaction);
            }
        }
        p.finish()
    }

    pub(super) fn minutes(&mut self, (lo, hi): (i64, i64)) -> Duration {
        Duration::minutes(self.rng.range(lo, hi))
    }

    /// Dispatch to `to`; each confirms, some return or ask for more days, then feed back.
    pub(super) fn handle_round(
        &mut self,
        p: &mut Player,
        agent: &StaffUser,
        lead: &StaffUser,
        mut to: Vec<Assignee>,
        targets: Targets,
    ) {
        // Most take the default limit; some a dispatcher's own, in working days.
        let limit = (self.rng.chance(0.2))
            .then(|| hotline_domain::Limit::working_days(self.rng.range(3, 15) as u32));
        // A wrong department now and then: the case goes first to one that does not handle
        // its category, which returns it; the lead agrees and it goes where it belongs.
        let right = to.clone();
        let misrouted = targets == Targets::Departments
            && self.for_desk.is_none()
            && to.len() == 1
            && self.rng.chance(0.08)
            && self.misroute(&mut to);
        p.step(
            self.minutes((2, 40)),
            agent,
            CaseAction::Dispatch {
                to: to.clone(),
                note: String::new(),
                limit,
            },
        );
        if self.for_desk == Some(true) || self.for_vendor.is_some() {
            // New at the department's or vendor's desk: nobody has confirmed it yet.
            p.stopped = true;
            return;
        }
        if misrouted {
            let wrong = demo_assignee_user(to[0]);
            let delay = self.minutes((5, 25));
            p.confirm(delay, &wrong);
            p.step(
                self.minutes((20, 600)),
                &wrong,
                CaseAction::Return {
                    reason: self.rng.pick(RETURN_REASONS).to_string(),
                },
            );
            let Some(id) = p.last_part_id() else {
                p.stopped = true;
                return;
            };
            p.step(
                self.minutes((10, 240)),
                lead,
                CaseAction::ReviewReturn {
                    assignment_id: id,
                    justified: true,
                    note: String::new(),
                },
            );
            to = right;
            p.step(
                self.minutes((5, 60)),
                lead,
                CaseAction::Dispatch {
                    to: to.clone(),
                    note: String::new(),
                    limit: None,
                },
            );
        }
        // Recently dispatched cases: some departments have not got to them yet (the inbox
        // and the overdue-confirmation counter have something to show).
        if p.t > self.now - Duration::days(2) && self.rng.chance(0.3) {
            p.stopped = true;
            return;
        }
        for assignee in &to {
            let user = demo_assignee_user(*assignee);
            // Most confirm well within the half hour; a few are late.
            let delay = if self.rng.chance(0.85) {
                (2, 28)
            } else {
                (31, 240)
            };
            let delay = self.minutes(delay);
            p.confirm(delay, &user);
        }
        for assignee in &to {
            let user = demo_assignee_user(*assignee);
            // More days are asked for before the deadline (after it only the centre gives
            // them): an urgent part's day is too short for it.
            let room = p
                .case
                .flow
                .assignments
                .iter()
                .rev()
                .find(|a| a.is_open() && a.assignee == *assignee)
                .map_or(0, |a| (a.due_at - p.t).num_minutes() - 10);
            if room > 60 * 24 && self.rng.chance(0.1) {
                p.step(
                    self.minutes((60 * 20, room.min(60 * 96))),
                    &user,
                    CaseAction::RequestExtension {
                        days: self.rng.range(3, 10) as u32,
                        reason: "需协调多个部门现场处置".into(),
                    },
                );
                let Some(id) = p.part_id_of(*assignee) else {
                    p.stopped = true;
                    return;
                };
                let approve = self.rng.chance(0.8);
                p.step(
                    self.minutes((30, 600)),
                    lead,
                    CaseAction::DecideExtension {
                        assignment_id: id,
                        approve,
                        note: String::new(),
                    },
                );
            }
            // Handling time: mostly within five days, some past five, a few past seven.
            // Of the last ten days' cases more are still with the department, so the
            // lists show work in hand under every light.
            let slow = p.t > self.now - Duration::days(10) && self.rng.chance(0.35);
            let hours = match (slow, self.rng.below(20)) {
                _ if self.keep_slow => (24 * 12, 24 * 14),
                (true, _) => (24 * 3, 24 * 9),
                (false, 0) => (24 * 7, 24 * 10),
                (false, 1 | 2) => (24 * 5, 24 * 7),
                _ => (2, 24 * 4),
            };
            let result = self.rng.pick(FEEDBACK).to_string();
            p.step(
                self.minutes((hours.0 * 60, hours.1 * 60)),
                &user,
                CaseAction::Feedback {
                    result,
                    disposition_code: Some(
                        self.rng.pick(&["01", "01", "01", "02", "03"]).to_string(),
                    ),
                },
            );
        }
    }

    pub(super) fn callback_and_archive(
        &mut self,
        p: &mut Player,
        agent: &StaffUser,
        satisfaction: Satisfaction,
    ) {
        let call = |satisfaction, parts| CaseAction::Callback {
            satisfaction,
            note: String::new(),
            parts,
        };
        if satisfaction == Satisfaction::Unconfirmed {
            // Nobody answers: tried again a few hours later each time, until the last
            // attempt closes the callback; then the case is archived by hand.
            let attempts = FlowPolicy::default().callback_attempts;
            p.step(
                self.minutes((60, 60 * 20)),
                agent,
                call(satisfaction, Vec::new()),
            );
            for _ in 1..attempts {
                p.step(
                    self.minutes((60, 60 * 4)),
                    agent,
                    call(satisfaction, Vec::new()),
                );
            }
            p.step(self.minutes((5, 60 * 12)), agent, CaseAction::Archive);
        } else {
            // Satisfied: archived with the callback. The agent asks about the handler too,
            // and has a vendor's work scored.
            let parts = self.part_answers(p);
            p.step(
                self.minutes((60, 60 * 30)),
                agent,
                call(satisfaction, parts),
            );
        }
    }

    /// Whom a praise or complaint is about: a vendor, one of its workers, or an agent.
    fn subject(&mut self) -> hotline_domain::Subject {
        use hotline_domain::{Subject, SubjectKind};
        let praise = self.rng.chance(0.6);
        let vendors = self.vendor_services.len() as i64;
        if vendors == 0 || self.rng.chance(0.2) {
            let name = format!("座席{:03}号", self.rng.range(1, 40));
            return Subject {
                about: SubjectKind::Agent,
                praise,
                vendor_id: None,
                name,
            };
        }
        let vendor_id = Some(self.rng.range(1, vendors));
        if self.rng.chance(0.5) {
            return Subject {
                about: SubjectKind::Vendor,
                praise,
                vendor_id,
                name: String::new(),
            };
        }
        let name = format!(
            "{}师傅",
            self.rng.pick(&["王", "李", "张", "刘", "陈", "杨", "赵"])
        );
        Subject {
            about: SubjectKind::VendorEmployee,
            praise,
            vendor_id,
            name,
        }
    }

    /// What the citizen says of each part fed back this round: mostly pleased with the
    /// handler, now and then not; a vendor scored mostly 4 or 5.
    fn part_answers(&mut self, p: &Player) -> Vec<hotline_domain::PartAnswer> {
        let mut answers = Vec::new();
        for a in &p.case.flow.assignments {
            let Some(id) = a
                .id
                .filter(|_| a.is_open() && a.status == hotline_domain::AssignmentStatus::FedBack)
            else {
                continue;
            };
            let handler = if self.rng.chance(0.1) {
                Satisfaction::Dissatisfied
            } else {
                Satisfaction::Satisfied
            };
            let mut score = || *self.rng.pick(&[3u8, 4, 4, 5, 5, 5]);
            let vendor =
                matches!(a.assignee, Assignee::Vendor(_)).then(|| hotline_domain::VendorScores {
                    price: score(),
                    punctuality: score(),
                    attitude: score(),
                });
            answers.push(hotline_domain::PartAnswer {
                assignment_id: id,
                outcome: None,
                handler: Some(handler),
                vendor,
            });
        }
        answers
    }

    /// Up to `n` vendors offering a service, by synthetic id.
    pub(super) fn vendors_offering(&mut self, category_code: &str, n: usize) -> Vec<i64> {
        let offering: Vec<i64> = (0..self.vendor_services.len())
            .filter(|i| self.vendor_services[*i].iter().any(|c| c == category_code))
            .map(|i| i as i64 + 1)
            .collect();
        let mut picked = Vec::new();
        for _ in 0..n {
            if offering.is_empty() {
                break;
            }
            let v = *self.rng.pick(&offering);
            if !picked.contains(&v) {
                picked.push(v);
            }
        }
        picked
    }

    /// Household work goes to a vendor offering it; home care, a third of the time, to a
    /// volunteer or skilled person (one with the skill if there is one), else to a vendor;
    /// everything else to the department that handles its major category. Synthetic ids
    /// (see [`demo_department`]): 1-based indexes into the generated vendors and providers.
    pub(super) fn assignee_for(&mut self, category_code: &str, targets: Targets) -> Assignee {
        if let Some(vendor) = self.for_vendor {
            return Assignee::Vendor(vendor as i64 + 1);
        }
        if targets == Targets::OneCarer && !self.provider_skills.is_empty() && self.rng.chance(0.35)
        {
            let skilled: Vec<usize> = (0..self.provider_skills.len())
                .filter(|i| self.provider_skills[*i] == category_code)
                .collect();
            let index = if skilled.is_empty() {
                self.rng.below(self.provider_skills.len())
            } else {
                *self.rng.pick(&skilled)
            };
            return Assignee::Provider(index as i64 + 1);
        }
        if matches!(targets, Targets::OneVendor | Targets::OneCarer)
            && !self.vendor_services.is_empty()
        {
            let offering = self.vendors_offering(category_code, 1);
            return Assignee::Vendor(
                offering
                    .first()
                    .copied()
                    .unwrap_or_else(|| 1 + self.rng.below(self.vendor_services.len()) as i64),
            );
        }
        let index = *self.rng.pick(&handling_departments(category_code));
        Assignee::Department(index as i64 + 1)
    }

    /// Points a one-department dispatch at a department that does not handle the case's
    /// category (for a case to be returned); false if every department handles it.
    fn misroute(&mut self, to: &mut [Assignee]) -> bool {
        let Some(category) = to
            .first()
            .and_then(|a| match a {
                Assignee::Department(id) => DEPARTMENTS.get(*id as usize - 1),
                _ => None,
            })
            .map(|d| d.3)
        else {
            return false;
        };
        let others: Vec<usize> = (0..DEPARTMENTS.len())
            .filter(|i| DEPARTMENTS[*i].3 != category && !DEPARTMENTS[*i].3.contains(&"20"))
            .collect();
        if others.is_empty() {
            return false;
        }
        to[0] = Assignee::Department(*self.rng.pick(&others) as i64 + 1);
        true
    }
}

/// Gives cases their tracking numbers in filing order, one sequence per local day, as the
/// live system would have.
pub(super) fn number_cases(cases: &mut [DemoCase]) {
    cases.sort_by_key(|c| c.created_at);
    let mut per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for case in cases {
        let date = case.created_at.with_timezone(&china_offset()).date_naive();
        let seq = per_day.entry(date).or_default();
        *seq += 1;
        case.tracking_number = TrackingNumber::new(date, *seq);
    }
}

/// The departments (indexes into [`DEPARTMENTS`]) that handle a category: those whose
/// longest listed code prefix matches it (燃气 `0803…` goes to the gas company, not to
/// everyone under 市政公用 `08`); none matching, the district governments (其他事项 `20`).
pub(super) fn handling_departments(category_code: &str) -> Vec<usize> {
    let reach = |prefixes: &[&str]| {
        prefixes
            .iter()
            .filter(|p| category_code.starts_with(**p))
            .map(|p| p.len())
            .max()
            .unwrap_or(0)
    };
    let best = DEPARTMENTS.iter().map(|d| reach(d.3)).max().unwrap_or(0);
    let handling: Vec<usize> = (0..DEPARTMENTS.len())
        .filter(|i| best > 0 && reach(DEPARTMENTS[*i].3) == best)
        .collect();
    if handling.is_empty() {
        (0..DEPARTMENTS.len())
            .filter(|i| DEPARTMENTS[*i].3.contains(&"20"))
            .collect()
    } else {
        handling
    }
}
