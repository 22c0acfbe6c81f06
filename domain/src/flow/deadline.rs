//! Time limits (SPEC W3, W6, W7): the configurable policy, the traffic light of a
//! dispatched case and the three overdue kinds.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{AssignmentStatus, CaseFlow, Light, Overdue};
use crate::CaseStatus;

/// Time limits and light thresholds (W3, W6, W7); configurable, defaults from SPEC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowPolicy {
    /// A department confirms a dispatched case within this many minutes (半小时确认).
    pub confirm_minutes: i64,
    /// Days a department has to handle a case unless the dispatcher sets others.
    pub handling_days: i64,
    /// Yellow once handling takes longer than this many hours from dispatch.
    pub yellow_after_hours: i64,
    /// Red once handling takes longer than this many hours from dispatch.
    pub red_after_hours: i64,
    /// The centre calls back within this many hours of the handling.
    pub callback_hours: i64,
    /// Unanswered reminders repeat at this interval.
    pub reminder_repeat_minutes: i64,
}

impl Default for FlowPolicy {
    fn default() -> Self {
        FlowPolicy {
            confirm_minutes: 30,
            handling_days: 7,
            yellow_after_hours: 5 * 24,
            red_after_hours: 7 * 24,
            callback_hours: 24,
            reminder_repeat_minutes: 60,
        }
    }
}

impl FlowPolicy {
    pub fn yellow_after(&self) -> Duration {
        Duration::hours(self.yellow_after_hours)
    }

    pub fn red_after(&self) -> Duration {
        Duration::hours(self.red_after_hours)
    }

    /// "More than 7 days" is red; exactly 7 days is not yet.
    pub fn light_for(&self, elapsed: Duration) -> Light {
        if elapsed > self.red_after() {
            Light::Red
        } else if elapsed > self.yellow_after() {
            Light::Yellow
        } else {
            Light::Green
        }
    }

    /// Refuses settings that cannot work (non-positive limits, yellow after red).
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("confirm_minutes", self.confirm_minutes),
            ("handling_days", self.handling_days),
            ("yellow_after_hours", self.yellow_after_hours),
            ("red_after_hours", self.red_after_hours),
            ("callback_hours", self.callback_hours),
            ("reminder_repeat_minutes", self.reminder_repeat_minutes),
        ];
        for (name, value) in positive {
            if value <= 0 {
                return Err(format!("{name} must be positive (got {value})"));
            }
        }
        if self.yellow_after_hours >= self.red_after_hours {
            return Err("yellow_after_hours must be less than red_after_hours".into());
        }
        Ok(())
    }
}

impl CaseFlow {
    /// The traffic light (W7), counted from the dispatch of the current round to its
    /// handling, or to `now` while unhandled.
    pub fn light(&self, now: DateTime<Utc>, policy: &FlowPolicy) -> Option<Light> {
        let start = self.dispatched_at?;
        let end = self.handled_at.unwrap_or(now);
        Some(policy.light_for(end - start))
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
