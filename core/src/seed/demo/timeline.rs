//! Plays the steps of one demo case through the state machine.

use chrono::{DateTime, Duration, Utc};
use hotline_domain::flow::apply;
use hotline_domain::{Assignee, CaseAction, FlowPolicy, Role, StaffUser, WorkCalendar};

/// The categories a new database marks urgent.
static URGENT: std::sync::LazyLock<std::collections::BTreeSet<String>> =
    std::sync::LazyLock::new(|| {
        crate::seed::URGENT_CATEGORIES
            .iter()
            .map(|c| c.to_string())
            .collect()
    });

/// The demo is played on the calendar a new database is given.
static OFFICIAL: std::sync::LazyLock<WorkCalendar> =
    std::sync::LazyLock::new(|| WorkCalendar::new(&hotline_domain::calendar::official_days_2026()));

use super::{demo_department, DemoCase};
use crate::store::NewCaseEvent;

pub(super) fn demo_staff(
    username: &str,
    role: Role,
    department_id: Option<i64>,
    vendor_id: Option<i64>,
) -> StaffUser {
    StaffUser {
        id: 0,
        username: username.to_string(),
        display_name: username.to_string(),
        role,
        department_id,
        department_name: None,
        vendor_id,
        vendor_name: None,
        permissions: role.default_permissions().to_vec(),
    }
}

pub(super) fn demo_assignee_user(assignee: Assignee) -> StaffUser {
    match assignee {
        Assignee::Department(id) => demo_staff(
            &format!("dept.{}", demo_department(id).unwrap_or("?").to_lowercase()),
            Role::Department,
            Some(id),
            None,
        ),
        Assignee::Vendor(id) => demo_staff(&format!("vendor.{id}"), Role::Vendor, None, Some(id)),
        // A volunteer phones the centre; an agent records their steps.
        Assignee::Provider(_) => demo_staff("agent1001", Role::Agent, None, None),
    }
}

/// Plays steps on one case, stopping for good at the first step that would lie in the
/// future.
pub(super) struct Player {
    pub(super) case: DemoCase,
    pub(super) t: DateTime<Utc>,
    pub(super) now: DateTime<Utc>,
    pub(super) stopped: bool,
}

impl Player {
    pub(super) fn new(case: DemoCase, now: DateTime<Utc>) -> Player {
        Player {
            t: case.created_at,
            case,
            now,
            stopped: false,
        }
    }

    /// The assignee confirms its part, unless it needs none (a simple matter's back office
    /// works on it at once).
    pub(super) fn confirm(&mut self, delay: Duration, who: &StaffUser) {
        let waiting = self.case.flow.assignments.iter().any(|a| {
            a.is_open()
                && a.status == hotline_domain::AssignmentStatus::Dispatched
                && hotline_domain::flow::holds(who, a.assignee)
        });
        if waiting {
            self.step(delay, who, CaseAction::Confirm);
        }
    }

    pub(super) fn step(&mut self, delay: Duration, who: &StaffUser, action: CaseAction) {
        if self.stopped {
            return;
        }
        let at = crate::clock::storable(self.t + delay);
        if at > self.now {
            self.stopped = true;
            return;
        }
        let policy = FlowPolicy::default();
        let context = hotline_domain::flow::FlowContext {
            policy: &policy,
            calendar: &OFFICIAL,
            urgent_categories: &URGENT,
            limits: Default::default(),
        };
        let step = match apply(&self.case.flow, who, &action, at, context) {
            Ok(step) => step,
            Err(e) => {
                // A demo script that breaks the rules is a bug in this file; the test
                // `played_cases_follow_the_rules` catches it.
                self.case.refused.push(format!("{action:?}: {e:?}"));
                self.stopped = true;
                return;
            }
        };
        self.case.events.push(NewCaseEvent {
            at,
            actor: who.actor(),
            kind: step.kind.as_code().into(),
            from: Some(step.from),
            to: Some(step.to),
            note: step.note.clone(),
        });
        self.case.reminders.extend(step.reminders.iter().copied());
        self.case.flow = step.flow;
        // Give new parts ids so later steps can name them (the loader stores them anew).
        for (i, a) in self.case.flow.assignments.iter_mut().enumerate() {
            a.id.get_or_insert(i as i64 + 1);
        }
        self.case.updated_at = at;
        self.t = at;
    }

    pub(super) fn last_part_id(&self) -> Option<i64> {
        self.case.flow.assignments.last().and_then(|a| a.id)
    }

    pub(super) fn part_id_of(&self, assignee: Assignee) -> Option<i64> {
        self.case
            .flow
            .assignments
            .iter()
            .rev()
            .find(|a| a.is_open() && a.assignee == assignee)
            .and_then(|a| a.id)
    }

    /// The case as it stands, with only the reminders that still chase something.
    pub(super) fn finish(mut self) -> DemoCase {
        let flow = &self.case.flow;
        self.case
            .reminders
            .retain(|r| flow.reminder_due(r.kind, r.assignment).is_some());
        self.case
    }
}
