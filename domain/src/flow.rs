//! The case life cycle (SPEC W2–W7) as one explicit state machine.
//!
//! Every change to a case is a [`CaseAction`] applied by [`apply`] to the case's current
//! [`CaseFlow`]: the function either returns the next state with what follows from it (the
//! history event, the SMS notices, the reminders to schedule) or refuses with a
//! [`FlowError`] that says why. Nothing else in the platform decides what may happen to a
//! case; storage only writes what `apply` returned, and the demo data is produced by
//! playing actions through it.
//!
//! The flow (W3): accept → classify → dispatch → the department confirms (within 30
//! minutes) → handles and feeds back → the centre calls back → archive. Per type (W2):
//! a consultation may be answered at once and closed; a household service is either
//! recommended (several vendors named to the caller) or dispatched to one vendor; one-key
//! alarms, praise/complaints and pending matters may be handled by the centre itself.
//! Departments may return a case (W4) or ask for more days (W5); a dissatisfied callback
//! reopens the case.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::request::text_field;
use crate::{CaseStatus, CaseType, FieldErrors, Lang, Permission, Problem, StaffUser};

coded_enum! {
    /// Where one department's or vendor's part of a case stands.
    AssignmentStatus {
        Dispatched = "dispatched", "待确认", "Awaiting confirmation";
        Confirmed = "confirmed", "办理中", "Being handled";
        Returned = "returned", "已退单", "Returned";
        FedBack = "fed_back", "已反馈", "Feedback given";
    }
}

coded_enum! {
    /// The citizen's answer at the callback (回访).
    Satisfaction {
        Satisfied = "satisfied", "满意", "Satisfied";
        Dissatisfied = "dissatisfied", "不满意", "Dissatisfied";
        Unconfirmed = "unconfirmed", "无法确认", "Could not confirm";
    }
}

coded_enum! {
    /// Traffic light of a dispatched case (W7).
    Light {
        Green = "green", "绿灯", "Green";
        Yellow = "yellow", "黄灯", "Yellow";
        Red = "red", "红灯", "Red";
    }
}

coded_enum! {
    /// The three overdue counters of W7.
    Overdue {
        Confirmation = "confirmation", "超时确认", "Confirmation overdue";
        Completion = "completion", "超时办结", "Completion overdue";
        Callback = "callback", "超时回访", "Callback overdue";
    }
}

coded_enum! {
    /// The work queues of the centre and of a department's inbox.
    Queue {
        Returns = "returns", "退单待审", "Returns to review";
        Extensions = "extensions", "延期待批", "Extensions to decide";
        Callbacks = "callbacks", "待回访", "Callbacks due";
        Todo = "todo", "待办理", "To handle";
    }
}

coded_enum! {
    /// What a stored reminder chases (W6).
    ReminderKind {
        Confirm = "confirm", "催确认", "Confirm the case";
        Feedback = "feedback", "催办结", "Give feedback";
        Callback = "callback", "催回访", "Call the citizen back";
        Pending = "pending", "待办提醒", "Pending matter due";
    }
}

/// Who a case (or part of it) was sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Assignee {
    Department(i64),
    Vendor(i64),
}

/// A department's request for more days (W5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub days: u32,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    /// `None` while the centre has not decided.
    pub approved: Option<bool>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// One department's or vendor's part of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Storage id; `None` until stored.
    pub id: Option<i64>,
    pub assignee: Assignee,
    pub status: AssignmentStatus,
    pub assigned_at: DateTime<Utc>,
    pub assigned_by: String,
    pub confirm_due_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
    /// The centre's review of a return: `Some(true)` the case was not theirs,
    /// `Some(false)` a wrong return (the department must handle it after all).
    pub return_justified: Option<bool>,
    pub extension: Option<Extension>,
    pub fed_back_at: Option<DateTime<Utc>>,
    pub feedback: Option<String>,
    pub disposition_code: Option<String>,
    /// History only: a reviewed return or a part of a round that a dissatisfied callback
    /// reopened. Closed parts take no more actions.
    pub closed: bool,
}

impl Assignment {
    pub fn is_open(&self) -> bool {
        !self.closed
    }

    /// Returned and not yet reviewed by the centre.
    pub fn return_pending(&self) -> bool {
        !self.closed && self.status == AssignmentStatus::Returned
    }

    pub fn extension_pending(&self) -> bool {
        !self.closed
            && self
                .extension
                .as_ref()
                .is_some_and(|e| e.approved.is_none())
    }

    /// Still working on it (not returned, not fed back).
    pub fn working(&self) -> bool {
        !self.closed
            && matches!(
                self.status,
                AssignmentStatus::Dispatched | AssignmentStatus::Confirmed
            )
    }
}

/// What the state machine knows of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFlow {
    pub case_type: Option<CaseType>,
    pub category_code: String,
    pub status: CaseStatus,
    pub created_at: DateTime<Utc>,
    /// When the current round was dispatched (the traffic light counts from here).
    pub dispatched_at: Option<DateTime<Utc>>,
    /// When the current round was handled (all feedback in, or handled by the centre).
    pub handled_at: Option<DateTime<Utc>>,
    pub callback_due_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
    /// For pending matters (J): when to remind the agent.
    pub remind_at: Option<DateTime<Utc>>,
    pub assignments: Vec<Assignment>,
}

impl CaseFlow {
    /// A case as filed on the web (waiting for an agent) or registered by an agent on a
    /// call (already accepted).
    pub fn new(category_code: &str, status: CaseStatus, at: DateTime<Utc>) -> CaseFlow {
        CaseFlow {
            case_type: None,
            category_code: category_code.to_string(),
            status,
            created_at: at,
            dispatched_at: None,
            handled_at: None,
            callback_due_at: None,
            satisfaction: None,
            remind_at: None,
            assignments: Vec::new(),
        }
    }

    fn open_assignment_of(&self, user: &StaffUser) -> Option<usize> {
        self.assignments
            .iter()
            .position(|a| a.is_open() && holds(user, a.assignee))
    }

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
            ReminderKind::Pending => {
                if self.status == CaseStatus::Classified
                    && self.case_type == Some(CaseType::Pending)
                {
                    self.remind_at
                } else {
                    None
                }
            }
        }
    }

    /// The actions `user` may take on this case now (for the buttons a page shows; `apply`
    /// checks again).
    pub fn available_actions(&self, user: &StaffUser, now: DateTime<Utc>) -> Vec<ActionKind> {
        ActionKind::ALL
            .iter()
            .copied()
            .filter(|kind| self.check(user, *kind, now).is_ok())
            .collect()
    }

    /// Whether an action of this kind is legal in this state for this user, apart from the
    /// values it carries.
    fn check(
        &self,
        user: &StaffUser,
        kind: ActionKind,
        now: DateTime<Utc>,
    ) -> Result<(), FlowError> {
        use ActionKind as K;
        use CaseStatus as S;
        let illegal = |reason: Refusal| FlowError::Illegal {
            action: kind,
            status: self.status,
            reason,
        };
        // Who: the centre's functions by permission, the departments' by holding an open
        // part of the case.
        match kind.performer() {
            Performer::Centre(permission) => {
                if !user.can(permission) {
                    return Err(FlowError::Forbidden);
                }
            }
            Performer::Assignee => {
                if self.open_assignment_of(user).is_none() {
                    return Err(FlowError::Forbidden);
                }
            }
        }
        let case_type = self.case_type;
        let rules = case_type.map(TypeRules::of);
        match kind {
            K::Accept => (self.status == S::Submitted)
                .then_some(())
                .ok_or(illegal(Refusal::WrongStatus)),
            K::Classify => matches!(self.status, S::Accepted | S::Classified)
                .then_some(())
                .ok_or(illegal(Refusal::WrongStatus)),
            K::Answer | K::Recommend | K::HandleInCentre => {
                if self.status != S::Classified {
                    return Err(illegal(Refusal::WrongStatus));
                }
                let rules = rules.ok_or(illegal(Refusal::NotClassified))?;
                let allowed = match kind {
                    K::Answer => rules.answer_at_once,
                    K::Recommend => rules.recommend,
                    _ => rules.centre_handles,
                };
                allowed.then_some(()).ok_or(illegal(Refusal::NotForType))
            }
            K::Dispatch => {
                let from_here = self.status == S::Classified
                    || (self.status == S::Returned
                        && !self.assignments.iter().any(Assignment::return_pending));
                if !from_here {
                    return Err(illegal(if self.status == S::Returned {
                        Refusal::ReturnNotReviewed
                    } else {
                        Refusal::WrongStatus
                    }));
                }
                let rules = rules.ok_or(illegal(Refusal::NotClassified))?;
                (rules.targets != Targets::None)
                    .then_some(())
                    .ok_or(illegal(Refusal::NotForType))
            }
            K::Confirm => {
                let a = &self.assignments[self.open_assignment_of(user).expect("checked")];
                (a.status == AssignmentStatus::Dispatched)
                    .then_some(())
                    .ok_or(illegal(Refusal::AssignmentState(a.status)))
            }
            K::Return => {
                let a = &self.assignments[self.open_assignment_of(user).expect("checked")];
                a.working()
                    .then_some(())
                    .ok_or(illegal(Refusal::AssignmentState(a.status)))
            }
            K::RequestExtension => {
                let a = &self.assignments[self.open_assignment_of(user).expect("checked")];
                if a.status != AssignmentStatus::Confirmed {
                    return Err(illegal(Refusal::AssignmentState(a.status)));
                }
                (!a.extension_pending())
                    .then_some(())
                    .ok_or(illegal(Refusal::ExtensionPending))
            }
            K::Feedback => {
                let a = &self.assignments[self.open_assignment_of(user).expect("checked")];
                (a.status == AssignmentStatus::Confirmed)
                    .then_some(())
                    .ok_or(illegal(Refusal::AssignmentState(a.status)))
            }
            K::ReviewReturn => self
                .assignments
                .iter()
                .any(Assignment::return_pending)
                .then_some(())
                .ok_or(illegal(Refusal::NothingToDecide)),
            K::DecideExtension => self
                .assignments
                .iter()
                .any(Assignment::extension_pending)
                .then_some(())
                .ok_or(illegal(Refusal::NothingToDecide)),
            K::Callback => matches!(self.status, S::FedBack | S::Handled)
                .then_some(())
                .ok_or(illegal(Refusal::WrongStatus)),
            K::Archive => (self.status == S::CalledBack)
                .then_some(())
                .ok_or(illegal(Refusal::WrongStatus)),
            K::Supplement => {
                if self.status == S::Submitted {
                    return Err(illegal(Refusal::WrongStatus));
                }
                (now - self.created_at >= Duration::days(SUPPLEMENT_AFTER_DAYS))
                    .then_some(())
                    .ok_or(illegal(Refusal::TooEarlyToSupplement))
            }
        }
    }
}

/// Supplements (补填, W8) open seven days after a case was filed.
pub const SUPPLEMENT_AFTER_DAYS: i64 = 7;
pub const REPLY_MAX: usize = 2000;
pub const REASON_MAX: usize = 500;
pub const MAX_EXTENSION_DAYS: u32 = 30;
pub const MAX_HANDLING_DAYS: u32 = 60;
pub const MAX_TARGETS: usize = 10;

fn holds(user: &StaffUser, assignee: Assignee) -> bool {
    match assignee {
        Assignee::Department(id) => {
            user.can(Permission::CasesDepartment) && user.department_id == Some(id)
        }
        Assignee::Vendor(id) => user.can(Permission::OrdersOwn) && user.vendor_id == Some(id),
    }
}

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

/// Who performs an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Performer {
    /// Centre staff holding this permission.
    Centre(Permission),
    /// The department or vendor holding an open part of the case.
    Assignee,
}

coded_enum! {
    /// The kinds of [`CaseAction`]; their codes are the history events' kinds.
    ActionKind {
        Accept = "accept", "受理", "Accept";
        Classify = "classify", "分理", "Classify";
        Answer = "answer", "当即答复并结案", "Answer and close";
        Recommend = "recommend", "推荐企业", "Recommend vendors";
        HandleInCentre = "handle", "中心办结", "Handle in the centre";
        Dispatch = "dispatch", "派单", "Dispatch";
        Confirm = "confirm", "确认接单", "Confirm";
        Return = "return", "退单", "Return";
        RequestExtension = "request_extension", "申请延期", "Request an extension";
        Feedback = "feedback", "办结反馈", "Give feedback";
        ReviewReturn = "review_return", "退单审核", "Review a return";
        DecideExtension = "decide_extension", "延期审批", "Decide an extension";
        Callback = "callback", "回访", "Call back";
        Archive = "archive", "归档", "Archive";
        Supplement = "supplement", "补填", "Supplement";
    }
}

impl ActionKind {
    pub fn performer(self) -> Performer {
        use ActionKind as K;
        match self {
            K::Accept
            | K::Classify
            | K::Answer
            | K::Recommend
            | K::HandleInCentre
            | K::Callback
            | K::Archive
            | K::Supplement => Performer::Centre(Permission::Intake),
            K::Dispatch => Performer::Centre(Permission::Dispatch),
            K::ReviewReturn | K::DecideExtension => Performer::Centre(Permission::Approve),
            K::Confirm | K::Return | K::RequestExtension | K::Feedback => Performer::Assignee,
        }
    }
}

/// Where a type's cases may be dispatched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// Not dispatched (handled by the centre or the alarm desk).
    None,
    /// One or more government departments.
    Departments,
    /// Exactly one vendor (派单 of household and home-care services).
    OneVendor,
}

/// The flow of one case type (W2), in one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRules {
    pub answer_at_once: bool,
    pub recommend: bool,
    pub centre_handles: bool,
    pub targets: Targets,
}

impl TypeRules {
    pub fn of(case_type: CaseType) -> TypeRules {
        use CaseType as T;
        let rules = |answer_at_once, recommend, centre_handles, targets| TypeRules {
            answer_at_once,
            recommend,
            centre_handles,
            targets,
        };
        match case_type {
            // Answered from the knowledge base, or handed to a department and called back.
            T::Consultation => rules(true, false, false, Targets::Departments),
            // Recommend vendors, or dispatch to one vendor; always called back.
            T::Household => rules(false, true, false, Targets::OneVendor),
            // Answered on the alarm desk; the outcome is recorded and called back.
            T::OneKeyAlarm => rules(false, false, true, Targets::None),
            // Handed to the back office, result fed back.
            T::SimpleMatter => rules(false, false, false, Targets::Departments),
            T::HomeCare => rules(false, false, false, Targets::OneVendor),
            T::Enterprise | T::Complaint | T::PublicAffairs => {
                rules(false, false, false, Targets::Departments)
            }
            // About a vendor or an agent: the centre settles it, or a department does.
            T::Praise => rules(false, false, true, Targets::Departments),
            // Kept by the centre with a reminder time.
            T::Pending => rules(false, false, true, Targets::None),
        }
    }
}

/// A change someone asks for. Text fields are checked by [`apply`] (trimmed, length,
/// control characters) and refused by field name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CaseAction {
    Accept,
    Classify {
        case_type: CaseType,
        category_code: String,
        /// Pending matters (J) only: when to remind.
        #[serde(default)]
        remind_at: Option<DateTime<Utc>>,
    },
    Answer {
        reply: String,
    },
    Recommend {
        vendors: Vec<i64>,
        note: String,
    },
    #[serde(rename = "handle")]
    HandleInCentre {
        result: String,
    },
    Dispatch {
        to: Vec<Assignee>,
        #[serde(default)]
        note: String,
        /// Handling days; the policy's default when absent.
        #[serde(default)]
        days: Option<u32>,
    },
    Confirm,
    Return {
        reason: String,
    },
    RequestExtension {
        days: u32,
        reason: String,
    },
    Feedback {
        result: String,
        #[serde(default)]
        disposition_code: Option<String>,
    },
    ReviewReturn {
        assignment_id: i64,
        justified: bool,
        #[serde(default)]
        note: String,
    },
    DecideExtension {
        assignment_id: i64,
        approve: bool,
        #[serde(default)]
        note: String,
    },
    Callback {
        satisfaction: Satisfaction,
        #[serde(default)]
        note: String,
    },
    Archive,
    Supplement {
        text: String,
    },
}

impl CaseAction {
    pub fn kind(&self) -> ActionKind {
        use ActionKind as K;
        match self {
            CaseAction::Accept => K::Accept,
            CaseAction::Classify { .. } => K::Classify,
            CaseAction::Answer { .. } => K::Answer,
            CaseAction::Recommend { .. } => K::Recommend,
            CaseAction::HandleInCentre { .. } => K::HandleInCentre,
            CaseAction::Dispatch { .. } => K::Dispatch,
            CaseAction::Confirm => K::Confirm,
            CaseAction::Return { .. } => K::Return,
            CaseAction::RequestExtension { .. } => K::RequestExtension,
            CaseAction::Feedback { .. } => K::Feedback,
            CaseAction::ReviewReturn { .. } => K::ReviewReturn,
            CaseAction::DecideExtension { .. } => K::DecideExtension,
            CaseAction::Callback { .. } => K::Callback,
            CaseAction::Archive => K::Archive,
            CaseAction::Supplement { .. } => K::Supplement,
        }
    }
}

/// Why an action cannot be taken now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "status", rename_all = "snake_case")]
pub enum Refusal {
    /// Not in this state of the case.
    WrongStatus,
    /// The case has no type yet.
    NotClassified,
    /// Not part of this case type's flow.
    NotForType,
    /// The department's own part is not in a state that allows it.
    AssignmentState(AssignmentStatus),
    /// A return waits for the centre's review first.
    ReturnNotReviewed,
    /// An earlier extension request is still undecided.
    ExtensionPending,
    /// Nothing of that kind is waiting for a decision.
    NothingToDecide,
    /// Supplements open seven days after filing.
    TooEarlyToSupplement,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FlowError {
    /// The user may not take this action on this case.
    #[error("not allowed")]
    Forbidden,
    /// The action is not legal in the case's state.
    #[error("{action:?} is not possible while the case is {status:?}: {reason:?}")]
    Illegal {
        action: ActionKind,
        status: CaseStatus,
        reason: Refusal,
    },
    /// A value the action carries is wrong (by field).
    #[error("{0}")]
    Invalid(FieldErrors),
}

impl FlowError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FlowError::Forbidden => match lang {
                Lang::Zh => "无权进行此操作".into(),
                Lang::En => "You may not do this".into(),
            },
            FlowError::Invalid(errors) => errors
                .0
                .iter()
                .map(|(f, p)| format!("{f}: {}", p.message(lang)))
                .collect::<Vec<_>>()
                .join("; "),
            FlowError::Illegal {
                action,
                status,
                reason,
            } => {
                let why = match (reason, lang) {
                    (Refusal::WrongStatus, Lang::Zh) => String::new(),
                    (Refusal::WrongStatus, Lang::En) => String::new(),
                    (Refusal::NotClassified, Lang::Zh) => "（请先分理）".into(),
                    (Refusal::NotClassified, Lang::En) => " (classify it first)".into(),
                    (Refusal::NotForType, Lang::Zh) => "（该案件类型不适用）".into(),
                    (Refusal::NotForType, Lang::En) => " (not for this case type)".into(),
                    (Refusal::AssignmentState(s), Lang::Zh) => {
                        format!("（本单位办理状态为「{}」）", s.label(lang))
                    }
                    (Refusal::AssignmentState(s), Lang::En) => {
                        format!(" (your part is {})", s.label(lang))
                    }
                    (Refusal::ReturnNotReviewed, Lang::Zh) => "（请先审核退单）".into(),
                    (Refusal::ReturnNotReviewed, Lang::En) => " (review the return first)".into(),
                    (Refusal::ExtensionPending, Lang::Zh) => "（已有延期申请待审批）".into(),
                    (Refusal::ExtensionPending, Lang::En) => {
                        " (an extension request is waiting for a decision)".into()
                    }
                    (Refusal::NothingToDecide, Lang::Zh) => "（没有待审批的申请）".into(),
                    (Refusal::NothingToDecide, Lang::En) => " (nothing is waiting)".into(),
                    (Refusal::TooEarlyToSupplement, Lang::Zh) => {
                        format!("（补填在受理 {SUPPLEMENT_AFTER_DAYS} 天后开放）")
                    }
                    (Refusal::TooEarlyToSupplement, Lang::En) => {
                        format!(" (supplements open {SUPPLEMENT_AFTER_DAYS} days after filing)")
                    }
                };
                match lang {
                    Lang::Zh => format!(
                        "案件处于「{}」状态，不能「{}」{why}",
                        status.label(lang),
                        action.label(lang)
                    ),
                    Lang::En => format!(
                        "Cannot {} a case that is {}{why}",
                        action.label(lang).to_lowercase(),
                        status.label(lang).to_lowercase()
                    ),
                }
            }
        }
    }
}

/// Who an SMS notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recipient {
    Citizen,
    Assignee(Assignee),
}

/// A message that follows from a step (SPEC N1: acceptance, dispatch and completion to the
/// citizen; dispatch to departments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    Accepted,
    Dispatched,
    Completed,
}

/// A reminder to store: it fires at `at`, and re-reads the case each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderDraft {
    pub kind: ReminderKind,
    /// Index into [`CaseFlow::assignments`] for confirm and feedback reminders.
    pub assignment: Option<usize>,
    pub at: DateTime<Utc>,
}

/// What applying an action produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub flow: CaseFlow,
    pub kind: ActionKind,
    pub from: CaseStatus,
    pub to: CaseStatus,
    /// The history event's note (reply, reason, result...).
    pub note: Option<String>,
    pub notices: Vec<(Recipient, Notice)>,
    pub reminders: Vec<ReminderDraft>,
    /// Set by `Classify`: the new category.
    pub category_code: Option<String>,
}

/// Applies `action` by `user` at `now`; the only way a case changes.
pub fn apply(
    flow: &CaseFlow,
    user: &StaffUser,
    action: &CaseAction,
    now: DateTime<Utc>,
    policy: &FlowPolicy,
) -> Result<Step, FlowError> {
    let kind = action.kind();
    flow.check(user, kind, now)?;
    let mut next = flow.clone();
    let mut errors = FieldErrors::new();
    let mut note = None;
    let mut notices = Vec::new();
    let mut reminders = Vec::new();
    let mut category_code = None;
    let actor = user.actor();
    let mine = flow.open_assignment_of(user);

    match action {
        CaseAction::Accept => {
            next.status = CaseStatus::Accepted;
            notices.push((Recipient::Citizen, Notice::Accepted));
        }
        CaseAction::Classify {
            case_type,
            category_code: code,
            remind_at,
        } => {
            let code = code.trim();
            if code.is_empty() {
                errors.add("category_code", Problem::Required);
            } else if code.len() > 16 || !code.bytes().all(|b| b.is_ascii_digit()) {
                errors.add("category_code", Problem::Unknown);
            }
            if *case_type == CaseType::Pending {
                match remind_at {
                    None => errors.add("remind_at", Problem::Required),
                    Some(at) if *at <= now => errors.add("remind_at", Problem::BadDate),
                    Some(_) => {}
                }
            } else if remind_at.is_some() {
                errors.add("remind_at", Problem::NotForRole);
            }
            next.case_type = Some(*case_type);
            next.category_code = code.to_string();
            next.remind_at = *remind_at;
            next.status = CaseStatus::Classified;
            category_code = Some(code.to_string());
            note = Some(format!("{} {}", case_type.as_code(), code));
            if let (CaseType::Pending, Some(at)) = (case_type, remind_at) {
                reminders.push(ReminderDraft {
                    kind: ReminderKind::Pending,
                    assignment: None,
                    at: *at,
                });
            }
        }
        CaseAction::Answer { reply } => {
            note = text_field(&mut errors, "reply", reply, REPLY_MAX, true);
            next.handled_at = Some(now);
            next.status = CaseStatus::Archived;
            notices.push((Recipient::Citizen, Notice::Completed));
        }
        CaseAction::Recommend {
            vendors,
            note: text,
        } => {
            if vendors.is_empty() {
                errors.add("vendors", Problem::Required);
            } else if vendors.len() > MAX_TARGETS {
                errors.add("vendors", Problem::TooLong { max: MAX_TARGETS });
            }
            let text = text_field(&mut errors, "note", text, REASON_MAX, false);
            let list: Vec<String> = vendors.iter().map(|v| format!("vendor:{v}")).collect();
            note = Some(match text {
                Some(t) => format!("{} {t}", list.join(",")),
                None => list.join(","),
            });
            handled(&mut next, now, policy, &mut reminders);
        }
        CaseAction::HandleInCentre { result } => {
            note = text_field(&mut errors, "result", result, REPLY_MAX, true);
            handled(&mut next, now, policy, &mut reminders);
            notices.push((Recipient::Citizen, Notice::Completed));
        }
        CaseAction::Dispatch {
            to,
            note: text,
            days,
        } => {
            let rules = TypeRules::of(flow.case_type.expect("checked"));
            let mut seen = std::collections::HashSet::new();
            if to.is_empty() {
                errors.add("to", Problem::Required);
            } else if to.len() > MAX_TARGETS {
                errors.add("to", Problem::TooLong { max: MAX_TARGETS });
            } else if to.iter().any(|a| !seen.insert(*a)) {
                errors.add("to", Problem::Taken);
            } else {
                let fits = match rules.targets {
                    Targets::Departments => to.iter().all(|a| matches!(a, Assignee::Department(_))),
                    Targets::OneVendor => to.len() == 1 && matches!(to[0], Assignee::Vendor(_)),
                    Targets::None => false,
                };
                if !fits {
                    errors.add("to", Problem::NotForRole);
                }
            }
            let days = days.map(i64::from).unwrap_or(policy.handling_days);
            if !(1..=i64::from(MAX_HANDLING_DAYS)).contains(&days) {
                errors.add("days", Problem::Unknown);
            }
            note = text_field(&mut errors, "note", text, REASON_MAX, false);
            // A re-dispatch starts a new round: the reviewed returns stay as history.
            for a in &mut next.assignments {
                a.closed = true;
            }
            for assignee in to {
                let index = next.assignments.len();
                let assignment = Assignment {
                    id: None,
                    assignee: *assignee,
                    status: AssignmentStatus::Dispatched,
                    assigned_at: now,
                    assigned_by: actor.clone(),
                    confirm_due_at: now + Duration::minutes(policy.confirm_minutes),
                    due_at: now + Duration::days(days),
                    confirmed_at: None,
                    returned_at: None,
                    return_reason: None,
                    return_justified: None,
                    extension: None,
                    fed_back_at: None,
                    feedback: None,
                    disposition_code: None,
                    closed: false,
                };
                schedule(&mut reminders, index, &assignment);
                next.assignments.push(assignment);
                notices.push((Recipient::Assignee(*assignee), Notice::Dispatched));
            }
            notices.push((Recipient::Citizen, Notice::Dispatched));
            next.dispatched_at = Some(now);
            next.handled_at = None;
            next.callback_due_at = None;
            next.status = CaseStatus::Dispatched;
        }
        CaseAction::Confirm => {
            let a = &mut next.assignments[mine.expect("checked")];
            a.status = AssignmentStatus::Confirmed;
            a.confirmed_at = Some(now);
            next.status = derived_status(&next);
        }
        CaseAction::Return { reason } => {
            note = text_field(&mut errors, "reason", reason, REASON_MAX, true);
            let a = &mut next.assignments[mine.expect("checked")];
            a.status = AssignmentStatus::Returned;
            a.returned_at = Some(now);
            a.return_reason = note.clone();
            next.status = derived_status(&next);
        }
        CaseAction::RequestExtension { days, reason } => {
            if *days == 0 || *days > MAX_EXTENSION_DAYS {
                errors.add("days", Problem::Unknown);
            }
            let reason = text_field(&mut errors, "reason", reason, REASON_MAX, true);
            note = reason.as_ref().map(|r| format!("+{days} {r}"));
            next.assignments[mine.expect("checked")].extension = Some(Extension {
                days: *days,
                reason: reason.unwrap_or_default(),
                requested_at: now,
                approved: None,
                decided_at: None,
            });
        }
        CaseAction::Feedback {
            result,
            disposition_code,
        } => {
            note = text_field(&mut errors, "result", result, REPLY_MAX, true);
            let disposition = disposition_code
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            if disposition.as_ref().is_some_and(|c| c.len() > 16) {
                errors.add("disposition_code", Problem::Unknown);
            }
            let a = &mut next.assignments[mine.expect("checked")];
            a.status = AssignmentStatus::FedBack;
            a.fed_back_at = Some(now);
            a.feedback = note.clone();
            a.disposition_code = disposition;
            // An undecided extension is moot once the work is done.
            if let Some(e) = a.extension.as_mut().filter(|e| e.approved.is_none()) {
                e.approved = Some(false);
                e.decided_at = Some(now);
            }
            next.status = derived_status(&next);
        }
        CaseAction::ReviewReturn {
            assignment_id,
            justified,
            note: text,
        } => {
            note = text_field(&mut errors, "note", text, REASON_MAX, false);
            match find_open(&next, *assignment_id, Assignment::return_pending) {
                None => errors.add("assignment_id", Problem::Unknown),
                Some(index) => {
                    let a = &mut next.assignments[index];
                    a.return_justified = Some(*justified);
                    if *justified {
                        // Not theirs: their part ends; the centre re-dispatches.
                        a.closed = true;
                    } else {
                        // A wrong return: back to them, with a fresh half hour to confirm.
                        a.status = AssignmentStatus::Dispatched;
                        a.confirm_due_at = now + Duration::minutes(policy.confirm_minutes);
                        let reinstated = a.clone();
                        schedule(&mut reminders, index, &reinstated);
                        notices
                            .push((Recipient::Assignee(reinstated.assignee), Notice::Dispatched));
                    }
                    next.status = derived_status(&next);
                }
            }
        }
        CaseAction::DecideExtension {
            assignment_id,
            approve,
            note: text,
        } => {
            note = text_field(&mut errors, "note", text, REASON_MAX, false);
            match find_open(&next, *assignment_id, Assignment::extension_pending) {
                None => errors.add("assignment_id", Problem::Unknown),
                Some(index) => {
                    let a = &mut next.assignments[index];
                    let extension = a.extension.as_mut().expect("pending");
                    extension.approved = Some(*approve);
                    extension.decided_at = Some(now);
                    if *approve {
                        a.due_at += Duration::days(i64::from(extension.days));
                    }
                }
            }
        }
        CaseAction::Callback {
            satisfaction,
            note: text,
        } => {
            note = text_field(&mut errors, "note", text, REASON_MAX, false);
            next.satisfaction = Some(*satisfaction);
            if *satisfaction == Satisfaction::Dissatisfied {
                // Reopened: this round is history; the centre classifies and dispatches
                // again.
                for a in &mut next.assignments {
                    a.closed = true;
                }
                next.dispatched_at = None;
                next.handled_at = None;
                next.callback_due_at = None;
                next.status = CaseStatus::Classified;
            } else {
                next.status = CaseStatus::CalledBack;
            }
        }
        CaseAction::Archive => {
            next.status = CaseStatus::Archived;
        }
        CaseAction::Supplement { text } => {
            note = text_field(&mut errors, "text", text, REPLY_MAX, true);
        }
    }

    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    // Every part fed back (by the last feedback, or by the review of the last return):
    // the round is handled and the callback is due.
    if next.status == CaseStatus::FedBack && flow.status != CaseStatus::FedBack {
        mark_handled(&mut next, now, policy, &mut reminders);
        notices.push((Recipient::Citizen, Notice::Completed));
    }
    Ok(Step {
        kind,
        from: flow.status,
        to: next.status,
        flow: next,
        note,
        notices,
        reminders,
        category_code,
    })
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

/// Handled by the centre itself (recommendation, alarm desk, pending matter).
fn handled(
    next: &mut CaseFlow,
    now: DateTime<Utc>,
    policy: &FlowPolicy,
    reminders: &mut Vec<ReminderDraft>,
) {
    next.status = CaseStatus::Handled;
    mark_handled(next, now, policy, reminders);
}

fn mark_handled(
    next: &mut CaseFlow,
    now: DateTime<Utc>,
    policy: &FlowPolicy,
    reminders: &mut Vec<ReminderDraft>,
) {
    next.handled_at = Some(now);
    let due = now + Duration::hours(policy.callback_hours);
    next.callback_due_at = Some(due);
    reminders.push(ReminderDraft {
        kind: ReminderKind::Callback,
        assignment: None,
        at: due,
    });
}

fn schedule(reminders: &mut Vec<ReminderDraft>, index: usize, a: &Assignment) {
    reminders.push(ReminderDraft {
        kind: ReminderKind::Confirm,
        assignment: Some(index),
        at: a.confirm_due_at,
    });
    reminders.push(ReminderDraft {
        kind: ReminderKind::Feedback,
        assignment: Some(index),
        at: a.due_at,
    });
}

fn find_open(flow: &CaseFlow, id: i64, pick: fn(&Assignment) -> bool) -> Option<usize> {
    flow.assignments
        .iter()
        .position(|a| a.id == Some(id) && pick(a))
}
