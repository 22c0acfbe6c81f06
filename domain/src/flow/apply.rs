//! The transitions (SPEC W3–W8): [`apply`] checks that the action is legal, then hands it
//! to that action's function (grouped below: intake, dispatch, the assignee's part, the
//! centre's decisions, the end of a case), which changes a draft of the next state and notes what
//! follows (history note, notices, reminders) or refuses values by field.

use chrono::{DateTime, Utc};

use super::reminders::{mark_handled, schedule};
use super::rules::Targets;
use super::{
    Assignee, Assignment, AssignmentStatus, CaseAction, CaseFlow, Extension, FlowContext,
    FlowError, Notice, PartAnswer, PartRating, Recipient, ReminderDraft, ReminderKind,
    ReminderPlan, Satisfaction, Step, Subject, SubjectKind, TypeRules, EXPERT_MAX,
    EXPERT_REPLY_DEFAULT, MAX_EXTENSION_DAYS, MAX_HANDLING_DAYS, MAX_TARGETS, REASON_MAX,
    REPLY_MAX, SCORE_MAX, SUBJECT_NAME_MAX,
};
use crate::request::text_field;
use crate::{
    urgent_by_default, CaseStatus, CaseType, FieldErrors, Limit, LimitUnit, Priority, Problem,
    StaffUser,
};

/// Applies `action` by `user` at `now`; the only way a case changes.
pub fn apply(
    flow: &CaseFlow,
    user: &StaffUser,
    action: &CaseAction,
    now: DateTime<Utc>,
    context: FlowContext,
) -> Result<Step, FlowError> {
    let kind = action.kind();
    flow.check(user, kind, now)?;
    let mut d = Draft::new(flow, now, context, user.actor());
    d.mine = flow.open_assignment_of(user);
    match action {
        CaseAction::Accept => accept(&mut d),
        CaseAction::Classify {
            case_type,
            category_code,
            remind_at,
            priority,
        } => classify(&mut d, *case_type, category_code, *remind_at, *priority),
        CaseAction::Answer { reply } => answer(&mut d, reply),
        CaseAction::Recommend { vendors, note } => recommend(&mut d, vendors, note),
        CaseAction::HandleInCentre { result } => handle_in_centre(&mut d, result),
        CaseAction::Dispatch { to, note, limit } => dispatch(&mut d, to, note, *limit),
        CaseAction::Confirm => confirm(&mut d),
        CaseAction::Return { reason } => return_part(&mut d, reason),
        CaseAction::RequestExtension { days, reason } => request_extension(&mut d, *days, reason),
        CaseAction::Feedback {
            result,
            disposition_code,
        } => feedback(&mut d, result, disposition_code.as_deref()),
        CaseAction::ReviewReturn {
            assignment_id,
            justified,
            note,
        } => review_return(&mut d, *assignment_id, *justified, note),
        CaseAction::DecideExtension {
            assignment_id,
            approve,
            note,
        } => decide_extension(&mut d, *assignment_id, *approve, note),
        CaseAction::GrantExtension {
            assignment_id,
            days,
            reason,
        } => grant_extension(&mut d, *assignment_id, *days, reason),
        CaseAction::Callback {
            satisfaction,
            note,
            parts,
        } => callback(&mut d, *satisfaction, note, parts),
        CaseAction::Archive => d.next.status = CaseStatus::Archived,
        CaseAction::Supplement { text } => d.note = d.text("text", text, REPLY_MAX, true),
        CaseAction::Reclassify {
            case_type,
            category_code,
            priority,
            reason,
        } => reclassify(&mut d, *case_type, category_code, *priority, reason),
        CaseAction::Reassign {
            assignment_id,
            to,
            limit,
            reason,
        } => reassign(&mut d, *assignment_id, *to, *limit, reason),
        CaseAction::AddAssignee { to, limit, reason } => add_assignee(&mut d, *to, *limit, reason),
        CaseAction::ClosePart {
            assignment_id,
            reason,
        } => close_part(&mut d, *assignment_id, reason),
        CaseAction::PlanReminders { every, until, sms } => {
            plan_reminders(&mut d, *every, *until, *sms)
        }
        CaseAction::RecordSubject { subject } => record_subject(&mut d, subject),
        CaseAction::AwaitExpert {
            expert,
            note,
            reply_within,
        } => await_expert(&mut d, expert, note, *reply_within),
    }
    d.finish(kind)
}

/// The next state while an action is being applied, and what follows from it.
struct Draft<'a> {
    flow: &'a CaseFlow,
    now: DateTime<Utc>,
    context: FlowContext<'a>,
    actor: String,
    /// The acting department's or vendor's open part, if any.
    mine: Option<usize>,
    next: CaseFlow,
    errors: FieldErrors,
    note: Option<String>,
    notices: Vec<(Recipient, Notice)>,
    reminders: Vec<ReminderDraft>,
    category_code: Option<String>,
}

impl<'a> Draft<'a> {
    fn new(
        flow: &'a CaseFlow,
        now: DateTime<Utc>,
        context: FlowContext<'a>,
        actor: String,
    ) -> Draft<'a> {
        Draft {
            flow,
            now,
            context,
            actor,
            mine: None,
            next: flow.clone(),
            errors: FieldErrors::new(),
            note: None,
            notices: Vec::new(),
            reminders: Vec::new(),
            category_code: None,
        }
    }

    /// Refuses by field if any value was wrong; otherwise completes the step. Every part
    /// fed back (by the last feedback, or by the review of the last return): the round is
    /// handled and the callback is due.
    fn finish(mut self, kind: super::ActionKind) -> Result<Step, FlowError> {
        if !self.errors.is_empty() {
            return Err(FlowError::Invalid(self.errors));
        }
        if self.next.status == CaseStatus::FedBack && self.flow.status != CaseStatus::FedBack {
            mark_handled(&mut self.next, self.now, self.context, &mut self.reminders);
            self.notices.push((Recipient::Citizen, Notice::Completed));
        }
        Ok(Step {
            lights: self.next.lights(self.context.policy),
            kind,
            from: self.flow.status,
            to: self.next.status,
            flow: self.next,
            note: self.note,
            notices: self.notices,
            reminders: self.reminders,
            category_code: self.category_code,
        })
    }

    fn text(&mut self, field: &str, value: &str, max: usize, required: bool) -> Option<String> {
        text_field(&mut self.errors, field, value, max, required)
    }

    /// The acting assignee's part (the legality check made sure there is one).
    fn my_part(&mut self) -> &mut Assignment {
        &mut self.next.assignments[self.mine.expect("checked")]
    }

    /// Handled by the centre itself (recommendation, alarm desk, pending matter).
    fn handled_in_centre(&mut self) {
        self.next.status = CaseStatus::Handled;
        mark_handled(&mut self.next, self.now, self.context, &mut self.reminders);
    }

    /// When a limit starting now ends, on the city's calendar.
    fn due(&self, limit: Limit) -> DateTime<Utc> {
        self.context.calendar.due(self.now, limit)
    }
}

// ---- the centre takes a case in, and the ways it closes one itself ------------------------

fn accept(d: &mut Draft) {
    d.next.status = CaseStatus::Accepted;
    d.notices.push((Recipient::Citizen, Notice::Accepted));
}

fn classify(
    d: &mut Draft,
    case_type: CaseType,
    code: &str,
    remind_at: Option<DateTime<Utc>>,
    priority: Option<Priority>,
) {
    let code = code.trim();
    d.next.priority = priority.unwrap_or(if urgent_by_default(code, d.context.urgent_categories) {
        Priority::Urgent
    } else {
        d.flow.priority
    });
    if code.is_empty() {
        d.errors.add("category_code", Problem::Required);
    } else if code.len() > 16 || !code.bytes().all(|b| b.is_ascii_digit()) {
        d.errors.add("category_code", Problem::Unknown);
    }
    if case_type == CaseType::Pending {
        match remind_at {
            None => d.errors.add("remind_at", Problem::Required),
            Some(at) if at <= d.now => d.errors.add("remind_at", Problem::BadDate),
            Some(_) => {}
        }
    } else if remind_at.is_some() {
        d.errors.add("remind_at", Problem::NotForRole);
    }
    d.next.case_type = Some(case_type);
    d.next.category_code = code.to_string();
    d.next.remind_at = remind_at;
    d.next.status = CaseStatus::Classified;
    d.category_code = Some(code.to_string());
    d.note = Some(match d.next.priority {
        Priority::Urgent => format!("{} {} {}", case_type.as_code(), code, Priority::Urgent),
        Priority::Normal => format!("{} {}", case_type.as_code(), code),
    });
    if let (CaseType::Pending, Some(at)) = (case_type, remind_at) {
        d.reminders.push(ReminderDraft {
            kind: ReminderKind::Pending,
            assignment: None,
            at,
        });
    }
}

fn answer(d: &mut Draft, reply: &str) {
    d.note = d.text("reply", reply, REPLY_MAX, true);
    d.next.handled_at = Some(d.now);
    d.next.status = CaseStatus::Archived;
    d.notices.push((Recipient::Citizen, Notice::Completed));
}

fn recommend(d: &mut Draft, vendors: &[i64], note: &str) {
    if vendors.is_empty() {
        d.errors.add("vendors", Problem::Required);
    } else if vendors.len() > MAX_TARGETS {
        d.errors
            .add("vendors", Problem::TooLong { max: MAX_TARGETS });
    }
    let text = d.text("note", note, REASON_MAX, false);
    let list: Vec<String> = vendors.iter().map(|v| format!("vendor:{v}")).collect();
    d.note = Some(match text {
        Some(t) => format!("{} {t}", list.join(",")),
        None => list.join(","),
    });
    d.handled_in_centre();
}

fn handle_in_centre(d: &mut Draft, result: &str) {
    d.note = d.text("result", result, REPLY_MAX, true);
    d.handled_in_centre();
    d.notices.push((Recipient::Citizen, Notice::Completed));
}

// ---- dispatch ------------------------------------------------------------------------------

/// Whether `to` may hold parts of a case of this type (departments, one vendor, or one
/// vendor or individual provider).
fn fits(targets: Targets, to: &[Assignee]) -> bool {
    match targets {
        Targets::Departments => to.iter().all(|a| matches!(a, Assignee::Department(_))),
        Targets::OneVendor => to.len() == 1 && matches!(to[0], Assignee::Vendor(_)),
        Targets::OneCarer => {
            to.len() == 1 && matches!(to[0], Assignee::Vendor(_) | Assignee::Provider(_))
        }
        Targets::None => false,
    }
}

/// Sends the case to departments or a vendor: a new round with fresh deadlines.
fn dispatch(d: &mut Draft, to: &[Assignee], note: &str, limit: Option<Limit>) {
    let rules = TypeRules::of(d.flow.case_type.expect("checked"));
    let mut seen = std::collections::HashSet::new();
    if to.is_empty() {
        d.errors.add("to", Problem::Required);
    } else if to.len() > MAX_TARGETS {
        d.errors.add("to", Problem::TooLong { max: MAX_TARGETS });
    } else if to.iter().any(|a| !seen.insert(*a)) {
        d.errors.add("to", Problem::Taken);
    } else if !fits(rules.targets, to) {
        d.errors.add("to", Problem::NotForRole);
    }
    d.note = d.text("note", note, REASON_MAX, false);
    // A re-dispatch starts a new round: the reviewed returns stay as history.
    for a in &mut d.next.assignments {
        a.closed = true;
    }
    for assignee in to {
        d.add_part(*assignee, limit);
    }
    d.notices.push((Recipient::Citizen, Notice::Dispatched));
    d.next.dispatched_at = Some(d.now);
    d.next.handled_at = None;
    d.next.callback_due_at = None;
    d.next.status = derived_status(&d.next);
}

impl Draft<'_> {
    /// A new part for `assignee` from now: the confirmation and handling limits of the
    /// case's priority (or the dispatcher's own handling limit), its reminders, its notice.
    fn add_part(&mut self, assignee: Assignee, limit: Option<Limit>) {
        let urgency = self.next.priority;
        let limit = limit.unwrap_or(self.context.handling_for(urgency));
        let max = match limit.unit {
            LimitUnit::Minutes => MAX_HANDLING_DAYS * 24 * 60,
            LimitUnit::Hours => MAX_HANDLING_DAYS * 24,
            LimitUnit::Days | LimitUnit::WorkingDays => MAX_HANDLING_DAYS,
        };
        if limit.amount == 0 || limit.amount > max {
            self.errors.add(
                "limit",
                Problem::OutOfRange {
                    min: 1,
                    max: max.into(),
                },
            );
        }
        let index = self.next.assignments.len();
        let confirm = needs_confirmation(&self.next);
        let assignment = Assignment {
            id: None,
            assignee,
            status: if confirm {
                AssignmentStatus::Dispatched
            } else {
                AssignmentStatus::Confirmed
            },
            assigned_at: self.now,
            assigned_by: self.actor.clone(),
            confirm_due_at: self.due(self.context.confirm_for(urgency)),
            due_at: self.due(limit),
            handling: Some(limit),
            confirmed_at: (!confirm).then_some(self.now),
            returned_at: None,
            return_reason: None,
            return_justified: None,
            extension: None,
            fed_back_at: None,
            feedback: None,
            disposition_code: None,
            closed: false,
            close_reason: None,
            closed_at: None,
            round: self.next.round,
            rating: None,
        };
        schedule(&mut self.reminders, index, &assignment);
        self.next.assignments.push(assignment);
        self.notices
            .push((Recipient::Assignee(assignee), Notice::Dispatched));
    }
}

// ---- the lead corrects a case in flight ------------------------------------------------------

/// Type, category and priority change; the parts stay, so the new type must take the same
/// kind of assignee.
fn reclassify(
    d: &mut Draft,
    case_type: CaseType,
    code: &str,
    priority: Option<Priority>,
    reason: &str,
) {
    let reason = d.text("reason", reason, REASON_MAX, true);
    let holders: Vec<Assignee> = d
        .flow
        .assignments
        .iter()
        .filter(|a| a.is_open())
        .map(|a| a.assignee)
        .collect();
    let targets = TypeRules::of(case_type).targets;
    if !holders.is_empty() && !fits(targets, &holders) {
        d.errors.add("case_type", Problem::NotForRole);
    }
    let before = (d.flow.case_type, d.flow.category_code.clone());
    let status = d.flow.status;
    classify(d, case_type, code, None, priority);
    d.next.status = status;
    let was = before
        .0
        .map(|t| format!("{} {}", t.as_code(), before.1))
        .unwrap_or(before.1);
    let now = d.note.take().unwrap_or_default();
    d.note = reason.map(|r| format!("{was} → {now}：{r}"));
}

/// The part found by id among the open parts `pick` accepts; a wrong id is refused by
/// field.
fn lead_part(d: &mut Draft, id: i64, pick: fn(&Assignment) -> bool) -> Option<usize> {
    let found = find_open(&d.next, id, pick);
    if found.is_none() {
        d.errors.add("assignment_id", Problem::Unknown);
    }
    found
}

/// Ends a part with the lead's reason (history keeps it).
fn end_part(d: &mut Draft, index: usize, reason: Option<String>) {
    let now = d.now;
    let a = &mut d.next.assignments[index];
    a.closed = true;
    a.close_reason = reason;
    a.closed_at = Some(now);
    withdraw_pending_extension(a, now);
}

fn reassign(d: &mut Draft, id: i64, to: Assignee, limit: Option<Limit>, reason: &str) {
    let reason = d.text("reason", reason, REASON_MAX, true);
    let Some(index) = lead_part(d, id, |a| a.working() || a.return_pending()) else {
        return;
    };
    let targets = TypeRules::of(d.flow.case_type.expect("checked")).targets;
    let others_hold = d
        .next
        .assignments
        .iter()
        .any(|a| a.is_open() && a.assignee == to);
    if others_hold {
        d.errors.add("to", Problem::Taken);
    } else if !fits(targets, &[to]) {
        d.errors.add("to", Problem::NotForRole);
    }
    // Reassigning a returned part is the lead's answer to the return: it was not theirs.
    if d.next.assignments[index].return_pending() {
        d.next.assignments[index].return_justified = Some(true);
    }
    end_part(d, index, reason.clone());
    d.add_part(to, limit.or(d.flow.assignments[index].handling));
    d.note = reason;
    d.next.status = derived_status(&d.next);
}

fn add_assignee(d: &mut Draft, to: Assignee, limit: Option<Limit>, reason: &str) {
    d.note = d.text("reason", reason, REASON_MAX, true);
    if d.next
        .assignments
        .iter()
        .any(|a| a.is_open() && a.assignee == to)
    {
        d.errors.add("to", Problem::Taken);
    } else if !matches!(to, Assignee::Department(_)) {
        d.errors.add("to", Problem::NotForRole);
    } else if d.next.assignments.iter().filter(|a| a.is_open()).count() >= MAX_TARGETS {
        d.errors.add("to", Problem::TooLong { max: MAX_TARGETS });
    }
    d.add_part(to, limit);
    if d.next.dispatched_at.is_none() {
        d.next.dispatched_at = Some(d.now);
    }
    d.next.status = derived_status(&d.next);
}

/// A silent or unneeded part ends; when the others have all fed back, the case is handled
/// (and the callback falls due); when none is left, it waits for a new dispatch.
fn close_part(d: &mut Draft, id: i64, reason: &str) {
    let reason = d.text("reason", reason, REASON_MAX, true);
    let Some(index) = lead_part(d, id, Assignment::working) else {
        return;
    };
    end_part(d, index, reason.clone());
    d.note = reason;
    d.next.status = derived_status(&d.next);
}

// ---- a department or vendor works its part ------------------------------------------------

fn confirm(d: &mut Draft) {
    let now = d.now;
    let a = d.my_part();
    a.status = AssignmentStatus::Confirmed;
    a.confirmed_at = Some(now);
    d.next.status = derived_status(&d.next);
}

fn return_part(d: &mut Draft, reason: &str) {
    let now = d.now;
    d.note = d.text("reason", reason, REASON_MAX, true);
    let note = d.note.clone();
    let a = d.my_part();
    a.status = AssignmentStatus::Returned;
    a.returned_at = Some(now);
    a.return_reason = note;
    withdraw_pending_extension(a, now);
    d.next.status = derived_status(&d.next);
}

/// The case's state does not change while the request waits.
fn request_extension(d: &mut Draft, days: u32, reason: &str) {
    if days == 0 || days > MAX_EXTENSION_DAYS {
        d.errors.add("days", Problem::Unknown);
    }
    let reason = d.text("reason", reason, REASON_MAX, true);
    d.note = reason.as_ref().map(|r| format!("+{days} {r}"));
    let now = d.now;
    d.my_part().extension = Some(Extension {
        days,
        reason: reason.unwrap_or_default(),
        requested_at: now,
        approved: None,
        decided_at: None,
        withdrawn_at: None,
    });
}

fn feedback(d: &mut Draft, result: &str, disposition_code: Option<&str>) {
    let now = d.now;
    d.note = d.text("result", result, REPLY_MAX, true);
    let disposition = disposition_code
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if disposition.as_ref().is_some_and(|c| c.len() > 16) {
        d.errors.add("disposition_code", Problem::Unknown);
    }
    let note = d.note.clone();
    let a = d.my_part();
    a.status = AssignmentStatus::FedBack;
    a.fed_back_at = Some(now);
    a.feedback = note;
    a.disposition_code = disposition;
    withdraw_pending_extension(a, now);
    d.next.status = derived_status(&d.next);
}

/// An undecided extension is moot once the part is returned or done: withdrawn, not refused.
fn withdraw_pending_extension(a: &mut Assignment, now: DateTime<Utc>) {
    if let Some(e) = a.extension.as_mut().filter(|e| e.pending()) {
        e.withdrawn_at = Some(now);
    }
}

// ---- the centre decides what an assignee asked for -----------------------------------------

fn review_return(d: &mut Draft, assignment_id: i64, justified: bool, note: &str) {
    d.note = d.text("note", note, REASON_MAX, false);
    let Some(index) = find_open(&d.next, assignment_id, Assignment::return_pending) else {
        d.errors.add("assignment_id", Problem::Unknown);
        return;
    };
    let confirm_due_at = d.due(d.context.confirm_for(d.flow.priority));
    let confirm = needs_confirmation(&d.next);
    let a = &mut d.next.assignments[index];
    a.return_justified = Some(justified);
    if justified {
        // Not theirs: their part ends; the centre re-dispatches.
        a.closed = true;
    } else {
        // A wrong return: back to them, with a fresh half hour to confirm (a back office
        // works on it again at once).
        a.status = if confirm {
            AssignmentStatus::Dispatched
        } else {
            AssignmentStatus::Confirmed
        };
        a.confirm_due_at = confirm_due_at;
        let reinstated = a.clone();
        schedule(&mut d.reminders, index, &reinstated);
        d.notices
            .push((Recipient::Assignee(reinstated.assignee), Notice::Dispatched));
    }
    d.next.status = derived_status(&d.next);
}

fn decide_extension(d: &mut Draft, assignment_id: i64, approve: bool, note: &str) {
    d.note = d.text("note", note, REASON_MAX, false);
    let Some(index) = find_open(&d.next, assignment_id, Assignment::extension_pending) else {
        d.errors.add("assignment_id", Problem::Unknown);
        return;
    };
    let now = d.now;
    let calendar = d.context.calendar;
    let a = &mut d.next.assignments[index];
    let unit = a.extension_unit();
    let extension = a.extension.as_mut().expect("pending");
    extension.approved = Some(approve);
    extension.decided_at = Some(now);
    if approve {
        let extra = Limit::new(extension.days, unit);
        a.due_at = calendar.due(a.due_at, extra);
    }
}

fn grant_extension(d: &mut Draft, assignment_id: i64, days: u32, reason: &str) {
    if days == 0 || days > MAX_EXTENSION_DAYS {
        d.errors.add("days", Problem::Unknown);
    }
    let reason = d.text("reason", reason, REASON_MAX, true);
    d.note = reason.as_ref().map(|r| format!("+{days} {r}"));
    let Some(index) = find_open(&d.next, assignment_id, |a| {
        a.working() && !a.extension_pending()
    }) else {
        d.errors.add("assignment_id", Problem::Unknown);
        return;
    };
    let now = d.now;
    let calendar = d.context.calendar;
    let a = &mut d.next.assignments[index];
    a.extension = Some(Extension {
        days,
        reason: reason.unwrap_or_default(),
        requested_at: now,
        approved: Some(true),
        decided_at: Some(now),
        withdrawn_at: None,
    });
    a.due_at = calendar.due(a.due_at, Limit::new(days, a.extension_unit()));
}

// ---- the end of a case ---------------------------------------------------------------------

/// The callback: satisfied closes the round (and archives, if the policy says so);
/// dissatisfied reopens the case for a new round, the old round's parts kept closed with
/// their ratings; a call that does not reach the citizen is recorded and the next one
/// falls due, until the policy's number of calls closes it as "could not confirm".
fn callback(d: &mut Draft, satisfaction: Satisfaction, note: &str, parts: &[PartAnswer]) {
    d.note = d.text("note", note, REASON_MAX, false);
    if satisfaction == Satisfaction::Unconfirmed {
        if !parts.is_empty() {
            d.errors.add("parts", Problem::NotApplicable);
            return;
        }
        d.next.callback_attempts += 1;
        let attempt = d.next.callback_attempts;
        let written = d.note.take().unwrap_or_default();
        d.note = Some(
            format!("未接通（第{attempt}次）{written}")
                .trim_end()
                .to_string(),
        );
        if i64::from(attempt) < d.context.policy.callback_attempts {
            d.next.callback_due_at = Some(d.due(d.context.policy.callback_retry));
            return;
        }
    } else {
        rate_parts(d, satisfaction, parts);
    }
    d.next.satisfaction = Some(satisfaction);
    if satisfaction == Satisfaction::Dissatisfied {
        // Reopened: this round is history; the centre classifies and dispatches again.
        for a in &mut d.next.assignments {
            a.closed = true;
        }
        d.next.round += 1;
        d.next.dispatched_at = None;
        d.next.handled_at = None;
        d.next.callback_due_at = None;
        d.next.status = CaseStatus::Classified;
    } else if satisfaction.content() && d.context.policy.archive_when_satisfied {
        d.next.status = CaseStatus::Archived;
    } else {
        d.next.status = CaseStatus::CalledBack;
    }
}

/// The citizen's own rating of a handled case (SPEC P2), given on the tracking page instead
/// of waiting for the callback: legal exactly when the callback is (the case handled, not
/// yet called back), and it has the callback's effect: counted in the same satisfaction
/// figures, each part of the round rated alike, and "dissatisfied" reopens the case for a
/// new round. `actor` says where it came from (`citizen:web`).
pub fn rate(
    flow: &CaseFlow,
    actor: &str,
    satisfaction: Satisfaction,
    comment: &str,
    now: DateTime<Utc>,
    context: FlowContext,
) -> Result<Step, FlowError> {
    flow.check_state(super::ActionKind::Rate, None, now)?;
    let mut d = Draft::new(flow, now, context, actor.to_string());
    if satisfaction == Satisfaction::Unconfirmed {
        // Only a call can fail to reach the citizen.
        d.errors.add("satisfaction", Problem::Unknown);
        return d.finish(super::ActionKind::Rate);
    }
    let comment = d.text("comment", comment, REASON_MAX, false);
    callback(&mut d, satisfaction, "", &[]);
    let verdict = satisfaction.label(crate::Lang::Zh);
    d.note = Some(match comment {
        Some(comment) => format!("{verdict}：{comment}"),
        None => verdict.to_string(),
    });
    d.finish(super::ActionKind::Rate)
}

/// Gives every part fed back this round the citizen's verdict: as the agent entered it, or
/// the case's answer. Errors are keyed `parts.N.field` (N the answer's index).
fn rate_parts(d: &mut Draft, satisfaction: Satisfaction, parts: &[PartAnswer]) {
    let rated = |a: &Assignment| a.is_open() && a.status == AssignmentStatus::FedBack;
    let mut given: Vec<Option<PartRating>> = vec![None; d.next.assignments.len()];
    let verdict = |s: Option<Satisfaction>| s.is_none_or(|s| s != Satisfaction::Unconfirmed);
    for (i, answer) in parts.iter().enumerate() {
        let field = |name: &str| format!("parts.{i}.{name}");
        let Some(index) = d
            .next
            .assignments
            .iter()
            .position(|a| a.id == Some(answer.assignment_id) && rated(a))
            .filter(|index| given[*index].is_none())
        else {
            d.errors.add(&field("assignment_id"), Problem::Unknown);
            continue;
        };
        if !verdict(answer.outcome) {
            d.errors.add(&field("outcome"), Problem::Unknown);
        }
        if !verdict(answer.handler) {
            d.errors.add(&field("handler"), Problem::Unknown);
        }
        if let Some(scores) = answer.vendor {
            if matches!(d.next.assignments[index].assignee, Assignee::Department(_)) {
                d.errors.add(&field("vendor"), Problem::NotApplicable);
            }
            for (name, score) in [
                ("price", scores.price),
                ("punctuality", scores.punctuality),
                ("attitude", scores.attitude),
            ] {
                if !(1..=SCORE_MAX).contains(&score) {
                    d.errors.add(
                        &field(name),
                        Problem::OutOfRange {
                            min: 1,
                            max: SCORE_MAX.into(),
                        },
                    );
                }
            }
        }
        given[index] = Some(PartRating {
            outcome: answer.outcome.unwrap_or(satisfaction),
            handler: answer.handler,
            vendor: answer.vendor,
        });
    }
    for (a, given) in d.next.assignments.iter_mut().zip(given) {
        if rated(a) {
            a.rating = Some(given.unwrap_or(PartRating {
                outcome: satisfaction,
                handler: None,
                vendor: None,
            }));
        }
    }
}

/// The agent's reminder plan for this case: interval within its unit's range (never in
/// working days), an end still ahead; no interval restores the centre's defaults.
fn plan_reminders(d: &mut Draft, every: Option<Limit>, until: Option<DateTime<Utc>>, sms: bool) {
    let Some(every) = every else {
        if until.is_some() {
            d.errors.add("until", Problem::NotApplicable);
        }
        d.next.reminder_plan = None;
        d.note = Some("恢复默认催办".into());
        return;
    };
    match ReminderPlan::range(every.unit) {
        None => d.errors.add("every", Problem::Unknown),
        Some((min, max)) if every.amount < min || every.amount > max => d.errors.add(
            "every",
            Problem::OutOfRange {
                min: min.into(),
                max: max.into(),
            },
        ),
        Some(_) => {}
    }
    if until.is_some_and(|u| u <= d.now) {
        d.errors.add("until", Problem::NotInFuture);
    }
    d.next.reminder_plan = Some(ReminderPlan { every, until, sms });
    let mut note = format!("每{}催办", every.label(crate::Lang::Zh));
    if let Some(u) = until {
        note.push_str(&format!(
            "，至{}",
            crate::time::to_china(u).format("%m月%d日 %H:%M")
        ));
    }
    note.push_str(if sms {
        "，短信及站内"
    } else {
        "，仅站内"
    });
    d.note = Some(note);
}

/// The question is noted and an expert consulted; the reply falls due within the limit,
/// when the agent who took it is reminded.
fn await_expert(d: &mut Draft, expert: &str, note: &str, reply_within: Option<Limit>) {
    let expert = d.text("expert", expert, EXPERT_MAX, true);
    let note = d.text("note", note, REASON_MAX, false);
    let limit = reply_within.unwrap_or(EXPERT_REPLY_DEFAULT);
    limit.check("reply_within", &mut d.errors);
    let due = d.due(limit);
    d.next.remind_at = Some(due);
    d.reminders.push(ReminderDraft {
        kind: ReminderKind::Pending,
        assignment: None,
        at: due,
    });
    let mut said = format!(
        "请教{}，{}内答复",
        expert.unwrap_or_default(),
        limit.label(crate::Lang::Zh)
    );
    if let Some(n) = note {
        said.push_str(&format!("：{n}"));
    }
    d.note = Some(said);
}

/// Whom a praise or complaint is about: a vendor (its id), one of its employees (the vendor
/// and a name) or an agent (a name, no vendor).
fn record_subject(d: &mut Draft, subject: &Subject) {
    let needs_vendor = subject.about != SubjectKind::Agent;
    match (needs_vendor, subject.vendor_id) {
        (true, None) => d.errors.add("subject.vendor_id", Problem::Required),
        (false, Some(_)) => d.errors.add("subject.vendor_id", Problem::NotApplicable),
        _ => {}
    }
    let needs_name = subject.about != SubjectKind::Vendor;
    let name = d
        .text("subject.name", &subject.name, SUBJECT_NAME_MAX, needs_name)
        .unwrap_or_default();
    let verdict = if subject.praise { "表扬" } else { "投诉" };
    let mut note = format!("{verdict}{}", subject.about.label(crate::Lang::Zh));
    if !name.is_empty() {
        note.push_str(&format!("：{name}"));
    }
    d.note = Some(note);
    d.next.subject = Some(Subject {
        name,
        ..subject.clone()
    });
}

/// Whether a part of this case must first be confirmed: not a simple matter's (D), which
/// the centre's back office (执行部) works on at once as a team queue.
fn needs_confirmation(flow: &CaseFlow) -> bool {
    flow.case_type.is_none_or(|t| TypeRules::of(t).confirm)
}

/// The case's state from its open parts: returned when none is left working, fed back when
/// every remaining part has fed back, confirmed when all have confirmed.
fn derived_status(flow: &CaseFlow) -> CaseStatus {
    let open: Vec<&Assignment> = flow.assignments.iter().filter(|a| a.is_open()).collect();
    let live: Vec<&&Assignment> = open
        .iter()
        .filter(|a| a.status != AssignmentStatus::Returned)
        .collect();
    if live.is_empty() {
        return CaseStatus::Returned;
    }
    if live.iter().all(|a| a.status == AssignmentStatus::FedBack) {
        if open.iter().any(|a| a.return_pending()) {
            // Everyone else is done; the return still waits for the centre.
            return CaseStatus::Dispatched;
        }
        return CaseStatus::FedBack;
    }
    if live.iter().all(|a| {
        matches!(
            a.status,
            AssignmentStatus::Confirmed | AssignmentStatus::FedBack
        )
    }) {
        CaseStatus::Confirmed
    } else {
        CaseStatus::Dispatched
    }
}

fn find_open(flow: &CaseFlow, id: i64, pick: fn(&Assignment) -> bool) -> Option<usize> {
    flow.assignments
        .iter()
        .position(|a| a.id == Some(id) && pick(a))
}
