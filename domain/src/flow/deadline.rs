//! Time limits (SPEC W3, W6, W7): the configurable policy, the traffic light of a
//! dispatched case and the three overdue kinds.
//!
//! The light (W7) is the worst of the limits running on a case: the confirmation of each
//! part still to be confirmed (from its dispatch), the handling of each part still being
//! worked on (counted from the case's first dispatch, so a re-dispatch or a reopened round
//! does not start it green again, and as long as the part's own limit with its approved
//! extensions), and the callback once the case is handled. A limit is green until the
//! policy's share of it has passed (5 of 7 days: `yellow_after_hours` of
//! `red_after_hours`), yellow until it has passed, red after. A case with no running limit
//! (not dispatched yet, or done) has no light.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Assignment, AssignmentStatus, CaseFlow, Light, Overdue};
use crate::{CaseStatus, Limit, Priority};

/// Time limits and light thresholds (W3, W6, W7); configurable, defaults from SPEC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowPolicy {
    /// A department confirms a dispatched case within this (半小时确认).
    pub confirm: Limit,
    /// A department handles a case within this unless the dispatcher sets another.
    pub handling: Limit,
    /// Yellow once this share of a limit has passed: `yellow_after_hours` of
    /// `red_after_hours` (5 of 7 days).
    pub yellow_after_hours: i64,
    /// Red once handling takes longer than this many hours from dispatch.
    pub red_after_hours: i64,
    /// The centre calls back within this of the handling.
    pub callback: Limit,
    /// Unanswered reminders repeat at this interval.
    pub reminder_repeat_minutes: i64,
    /// Calls that do not reach the citizen before the callback closes as "could not
    /// confirm".
    pub callback_attempts: i64,
    /// After a call that did not reach the citizen, the next is due within this.
    pub callback_retry: Limit,
    /// A satisfied callback archives the case at once (the seed's flow); otherwise it
    /// waits for the archive step.
    pub archive_when_satisfied: bool,
    /// An urgent case's part is confirmed within this (W9).
    pub urgent_confirm: Limit,
    /// An urgent case's part is handled within this unless the dispatcher sets another.
    pub urgent_handling: Limit,
    /// Reminders of an urgent case repeat at this interval.
    pub urgent_reminder_repeat_minutes: i64,
    /// The follow-up of a one-key alarm (C) is due within this of its handling, instead
    /// of the general callback.
    pub one_key_follow_up: Limit,
    /// The shift lead hears of a reminder nobody answered after this many rounds...
    pub escalate_after: i64,
    /// ...and of an urgent case's after this many.
    pub urgent_escalate_after: i64,
    /// A reminder stops repeating after this many rounds (the lead has it by then).
    pub reminder_max_rounds: i64,
}

impl Default for FlowPolicy {
    fn default() -> Self {
        FlowPolicy {
            confirm: Limit::minutes(30),
            handling: Limit::days(7),
            yellow_after_hours: 5 * 24,
            red_after_hours: 7 * 24,
            callback: Limit::hours(24),
            reminder_repeat_minutes: 60,
            callback_attempts: 3,
            callback_retry: Limit::hours(4),
            archive_when_satisfied: true,
            urgent_confirm: Limit::minutes(10),
            urgent_handling: Limit::hours(24),
            urgent_reminder_repeat_minutes: 15,
            one_key_follow_up: Limit::hours(2),
            escalate_after: 3,
            urgent_escalate_after: 1,
            reminder_max_rounds: 24,
        }
    }
}

impl FlowPolicy {
    pub fn reminder_repeat_for(&self, priority: Priority) -> Duration {
        Duration::minutes(match priority {
            Priority::Normal => self.reminder_repeat_minutes,
            Priority::Urgent => self.urgent_reminder_repeat_minutes,
        })
    }

    /// The round of a reminder at which the lead is told.
    pub fn escalate_at_round(&self, priority: Priority) -> i64 {
        match priority {
            Priority::Normal => self.escalate_after,
            Priority::Urgent => self.urgent_escalate_after,
        }
    }

    /// When a limit running from `start` to `due` turns yellow: after the same share of it
    /// as `yellow_after_hours` is of `red_after_hours` (exactly 5 days of a 7-day limit).
    pub fn yellow_point(&self, start: DateTime<Utc>, due: DateTime<Utc>) -> DateTime<Utc> {
        let span = (due - start).num_microseconds().unwrap_or(i64::MAX);
        let share = i128::from(span) * i128::from(self.yellow_after_hours)
            / i128::from(self.red_after_hours.max(1));
        start + Duration::microseconds(i64::try_from(share).unwrap_or(i64::MAX))
    }

    /// The light times of the worst of some limits, each (start, due).
    fn worst(&self, limits: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Option<LightTimes> {
        limits
            .into_iter()
            .map(|(start, due)| LightTimes {
                yellow_at: self.yellow_point(start, due),
                red_at: due,
            })
            .reduce(LightTimes::worse)
    }

    /// Refuses settings that cannot work (non-positive limits, yellow after red).
    pub fn validate(&self) -> Result<(), String> {
        let limits = [
            ("confirm", self.confirm),
            ("handling", self.handling),
            ("urgent_confirm", self.urgent_confirm),
            ("urgent_handling", self.urgent_handling),
            ("callback", self.callback),
            ("callback_retry", self.callback_retry),
            ("one_key_follow_up", self.one_key_follow_up),
        ];
        for (name, limit) in limits {
            let max = limit.unit.max_amount();
            if limit.amount == 0 || limit.amount > max {
                return Err(format!(
                    "{name} must be 1 to {max} {} (got {limit})",
                    limit.unit
                ));
            }
        }
        let positive = [
            ("yellow_after_hours", self.yellow_after_hours),
            ("red_after_hours", self.red_after_hours),
            ("reminder_repeat_minutes", self.reminder_repeat_minutes),
            (
                "urgent_reminder_repeat_minutes",
                self.urgent_reminder_repeat_minutes,
            ),
            ("callback_attempts", self.callback_attempts),
            ("escalate_after", self.escalate_after),
            ("urgent_escalate_after", self.urgent_escalate_after),
            ("reminder_max_rounds", self.reminder_max_rounds),
        ];
        for (name, value) in positive {
            if value <= 0 {
                return Err(format!("{name} must be positive (got {value})"));
            }
        }
        if self.yellow_after_hours >= self.red_after_hours {
            return Err("yellow_after_hours must be less than red_after_hours".into());
        }
        if self.escalate_after > self.reminder_max_rounds
            || self.urgent_escalate_after > self.reminder_max_rounds
        {
            return Err("reminders must escalate before reminder_max_rounds".into());
        }
        Ok(())
    }
}

/// When a case's light turns yellow and red if nothing happens to it (the earliest of its
/// running limits'); stored with the case so lists filter and count by light in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LightTimes {
    pub yellow_at: DateTime<Utc>,
    pub red_at: DateTime<Utc>,
}

/// The light times of a case and of each of its parts (in `CaseFlow::assignments` order).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseLights {
    pub case: Option<LightTimes>,
    pub parts: Vec<Option<LightTimes>>,
}

impl LightTimes {
    /// The light of two limits together: yellow at the first one's yellow, red at the
    /// first one's red.
    pub fn worse(self, other: LightTimes) -> LightTimes {
        LightTimes {
            yellow_at: self.yellow_at.min(other.yellow_at),
            red_at: self.red_at.min(other.red_at),
        }
    }

    /// Red once `red_at` has passed, yellow once `yellow_at` has: "more than 7 days" is
    /// red, exactly 7 days is not yet.
    pub fn at(&self, now: DateTime<Utc>) -> Light {
        if now > self.red_at {
            Light::Red
        } else if now > self.yellow_at {
            Light::Yellow
        } else {
            Light::Green
        }
    }
}

impl CaseFlow {
    /// The first dispatch of the case, over every round.
    pub fn first_dispatched_at(&self) -> Option<DateTime<Utc>> {
        self.assignments.iter().map(|a| a.assigned_at).min()
    }

    /// Whether the case is in hand and unhandled, so its handling limit runs.
    fn handling_runs(&self) -> bool {
        self.handled_at.is_none()
            && matches!(
                self.status,
                CaseStatus::Accepted
                    | CaseStatus::Classified
                    | CaseStatus::Dispatched
                    | CaseStatus::Confirmed
                    | CaseStatus::Returned
            )
    }

    /// The limits running on one part, each as (start, due): its confirmation while it is
    /// to be confirmed (from its own dispatch), its handling while it is worked on (from
    /// the case's first dispatch, as long as its own limit with approved extensions).
    fn part_limits(&self, a: &Assignment) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut limits = Vec::new();
        if a.is_open() && a.status == AssignmentStatus::Dispatched {
            limits.push((a.assigned_at, a.confirm_due_at));
        }
        if let (true, true, Some(first)) = (
            a.working(),
            self.handling_runs(),
            self.first_dispatched_at(),
        ) {
            limits.push((first, first + (a.due_at - a.assigned_at)));
        }
        limits
    }

    /// The limits running on the case as a whole: its parts', and
    /// - while no part is worked on but the case is in hand (returned, or reopened and not
    ///   dispatched again), the citizen's wait from the first dispatch against the longest
    ///   limit the case has had;
    /// - once handled, the callback until the centre has called back.
    fn case_limits(&self) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut limits: Vec<_> = self
            .assignments
            .iter()
            .flat_map(|a| self.part_limits(a))
            .collect();
        let working = self.assignments.iter().any(Assignment::working);
        if let (false, true, Some(first)) =
            (working, self.handling_runs(), self.first_dispatched_at())
        {
            if let Some(span) = self
                .assignments
                .iter()
                .map(|a| a.due_at - a.assigned_at)
                .max()
            {
                limits.push((first, first + span));
            }
        }
        if let (CaseStatus::FedBack | CaseStatus::Handled, Some(from), Some(due)) =
            (self.status, self.handled_at, self.callback_due_at)
        {
            limits.push((from, due));
        }
        limits
    }

    /// When the light turns yellow and red (W7); `None` while no limit runs.
    pub fn light_times(&self, policy: &FlowPolicy) -> Option<LightTimes> {
        policy.worst(self.case_limits())
    }

    /// The light times of the case and of each part (in `assignments` order): a
    /// department's or vendor's lists go by its own parts' lights.
    pub fn lights(&self, policy: &FlowPolicy) -> CaseLights {
        CaseLights {
            case: self.light_times(policy),
            parts: self
                .assignments
                .iter()
                .map(|a| policy.worst(self.part_limits(a)))
                .collect(),
        }
    }

    /// The traffic light (W7) at `now`: the worst of the running limits.
    pub fn light(&self, now: DateTime<Utc>, policy: &FlowPolicy) -> Option<Light> {
        self.light_times(policy).map(|t| t.at(now))
    }

    /// Which of the three overdue kinds apply now.
    pub fn overdue(&self, now: DateTime<Utc>) -> Vec<Overdue> {
        let mut kinds = Vec::new();
        let open = || self.assignments.iter().filter(|a| a.is_open());
        if open().any(|a| a.status == AssignmentStatus::Dispatched && a.confirm_due_at < now) {
            kinds.push(Overdue::Confirmation);
        }
        if open().any(|a| a.working() && a.due_at < now) {
            kinds.push(Overdue::Completion);
        }
        if matches!(self.status, CaseStatus::FedBack | CaseStatus::Handled)
            && self.callback_due_at.is_some_and(|due| due < now)
        {
            kinds.push(Overdue::Callback);
        }
        kinds
    }
}
