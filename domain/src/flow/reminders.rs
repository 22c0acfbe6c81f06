//! When reminders fire (SPEC W6): the drafts a step schedules, and the due time a stored
//! reminder reads from the case each time it comes up.

use chrono::{DateTime, Utc};

use super::{Assignment, AssignmentStatus, CaseFlow, FlowContext, ReminderDraft, ReminderKind};
use crate::{CaseStatus, CaseType};

impl CaseFlow {
    /// When the reminder of `kind` (for assignment `index`) should fire, or `None` if what
    /// it chases has been done. Reminders read the current state every time, so an approved
    /// extension moves the feedback reminder and a confirmation ends the confirm reminder.
    pub fn reminder_due(&self, kind: ReminderKind, index: Option<usize>) -> Option<DateTime<Utc>> {
        match kind {
            ReminderKind::Confirm => {
                let a = self.assignments.get(index?)?;
                (a.is_open() && a.status == AssignmentStatus::Dispatched)
                    .then_some(a.confirm_due_at)
            }
            ReminderKind::Feedback => {
                let a = self.assignments.get(index?)?;
                a.working().then_some(a.due_at)
            }
            ReminderKind::Callback => {
                if matches!(self.status, CaseStatus::FedBack | CaseStatus::Handled) {
                    self.callback_due_at
                } else {
                    None
                }
            }
            // A pending matter (J), or a consultation waiting for an expert's answer (A).
            ReminderKind::Pending => {
                if self.status == CaseStatus::Classified
                    && matches!(
                        self.case_type,
                        Some(CaseType::Pending | CaseType::Consultation)
                    )
                {
                    self.remind_at
                } else {
                    None
                }
            }
        }
    }
}

/// The round is handled now: the callback falls due, with its reminder.
pub(super) fn mark_handled(
    next: &mut CaseFlow,
    now: DateTime<Utc>,
    context: FlowContext,
    reminders: &mut Vec<ReminderDraft>,
) {
    next.handled_at = Some(now);
    next.callback_attempts = 0;
    let due = context
        .calendar
        .due(now, context.callback_for(next.case_type));
    next.callback_due_at = Some(due);
    reminders.push(ReminderDraft {
        kind: ReminderKind::Callback,
        assignment: None,
        at: due,
    });
}

/// The confirm and feedback reminders of a (re)dispatched part.
pub(super) fn schedule(reminders: &mut Vec<ReminderDraft>, index: usize, a: &Assignment) {
    if a.status == AssignmentStatus::Dispatched {
        reminders.push(ReminderDraft {
            kind: ReminderKind::Confirm,
            assignment: Some(index),
            at: a.confirm_due_at,
        });
    }
    reminders.push(ReminderDraft {
        kind: ReminderKind::Feedback,
        assignment: Some(index),
        at: a.due_at,
    });
}
