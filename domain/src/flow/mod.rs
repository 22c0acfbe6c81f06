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
//!
//! Layout: this module holds the vocabulary (states, parts, actions, errors, what a step
//! produces); `rules` what is legal when and per case type; `apply` the transitions, a
//! dispatcher over one small function per action; `deadline` the time limits, lights and
//! overdue kinds; `reminders` when each reminder fires.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    CaseStatus, CaseType, FieldErrors, Lang, Limit, LimitUnit, Permission, Priority, StaffUser,
    WorkCalendar,
};

mod apply;
mod deadline;
mod reminders;
mod rules;

pub use apply::{apply, rate};

/// What the state machine needs besides the case: the configured limits and the city's
/// working calendar (every deadline is counted on it).
#[derive(Debug, Clone, Copy)]
pub struct FlowContext<'a> {
    pub policy: &'a FlowPolicy,
    pub calendar: &'a WorkCalendar,
    /// Categories whose cases are urgent unless the agent says otherwise (gas leaks, live
    /// wires...; an administrator's setting), by code.
    pub urgent_categories: &'a std::collections::BTreeSet<String>,
    /// The case's category's own limits (already falling back to its parents').
    pub limits: crate::CategoryLimits,
}

impl FlowContext<'_> {
    /// The half hour to confirm, or the category's own; urgent cases keep the urgent one.
    pub fn confirm_for(&self, priority: Priority) -> Limit {
        match priority {
            Priority::Normal => self.limits.confirm.unwrap_or(self.policy.confirm),
            Priority::Urgent => self.policy.urgent_confirm,
        }
    }

    /// The handling limit a dispatch gets unless the dispatcher gives another.
    pub fn handling_for(&self, priority: Priority) -> Limit {
        match priority {
            Priority::Normal => self.limits.handling.unwrap_or(self.policy.handling),
            Priority::Urgent => self.policy.urgent_handling,
        }
    }

    /// The callback of a handled case: a one-key alarm's follow-up is short; otherwise
    /// the category's own, else the centre's.
    pub fn callback_for(&self, case_type: Option<crate::CaseType>) -> Limit {
        match case_type {
            Some(crate::CaseType::OneKeyAlarm) => self.policy.one_key_follow_up,
            _ => self.limits.callback.unwrap_or(self.policy.callback),
        }
    }
}
pub use deadline::{CaseLights, FlowPolicy, LightTimes};
pub use rules::{Targets, TypeRules};

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
        Fair = "fair", "基本满意", "Fairly satisfied";
        Dissatisfied = "dissatisfied", "不满意", "Dissatisfied";
        Unconfirmed = "unconfirmed", "无法确认", "Could not confirm";
    }
}

impl Satisfaction {
    /// Satisfied or fairly satisfied: the round is closed as done (and counts as satisfied
    /// in the satisfaction rate, as 12345 centres count it).
    pub fn content(self) -> bool {
        matches!(self, Satisfaction::Satisfied | Satisfaction::Fair)
    }
}

/// The citizen's verdict on one department's or vendor's part, taken at the callback (W3):
/// the outcome, and separately the handler (经办人) who dealt with them, so a department's
/// results and its staff's manner are counted apart; a vendor's or provider's work is also
/// scored for price, punctuality and attitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRating {
    /// Satisfied or dissatisfied (never "could not confirm": that call rates nothing).
    pub outcome: Satisfaction,
    #[serde(default)]
    pub handler: Option<Satisfaction>,
    #[serde(default)]
    pub vendor: Option<VendorScores>,
}

/// A vendor's or individual provider's work as the citizen scores it, each from 1 (poor)
/// to [`SCORE_MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorScores {
    pub price: u8,
    pub punctuality: u8,
    pub attitude: u8,
}

pub const SCORE_MAX: u8 = 5;

/// What the agent enters for one part at the callback; the outcome defaults to the
/// case's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartAnswer {
    pub assignment_id: i64,
    #[serde(default)]
    pub outcome: Option<Satisfaction>,
    #[serde(default)]
    pub handler: Option<Satisfaction>,
    #[serde(default)]
    pub vendor: Option<VendorScores>,
}

/// How the agent wants a case chased (seed: 坐席人员可以设置催办形式、时间间隔、期限): how
/// often an unanswered reminder repeats, until when, and whether by SMS as well as in-app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPlan {
    /// Minutes (10 to 1,440), hours (1 to 168) or days (1 to 7).
    pub every: Limit,
    /// No reminder goes out after this instant.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// Departments and vendors are also reminded by SMS (else in-app only).
    pub sms: bool,
}

impl ReminderPlan {
    /// The allowed range of `every` in its unit; `None` for working days (a repeat runs on
    /// the clock).
    pub fn range(unit: LimitUnit) -> Option<(u32, u32)> {
        match unit {
            LimitUnit::Minutes => Some((10, 1_440)),
            LimitUnit::Hours => Some((1, 168)),
            LimitUnit::Days => Some((1, 7)),
            LimitUnit::WorkingDays => None,
        }
    }

    pub fn interval(&self) -> chrono::Duration {
        let n = i64::from(self.every.amount);
        match self.every.unit {
            LimitUnit::Minutes => chrono::Duration::minutes(n),
            LimitUnit::Hours => chrono::Duration::hours(n),
            LimitUnit::Days | LimitUnit::WorkingDays => chrono::Duration::days(n),
        }
    }
}

coded_enum! {
    /// Whom a praise or complaint (I) is about.
    SubjectKind {
        Vendor = "vendor", "加盟企业", "A vendor";
        VendorEmployee = "vendor_employee", "企业员工", "A vendor's employee";
        Agent = "agent", "座席人员", "An agent";
    }
}

/// Whom a praise or complaint (I) is about, so the reports can count it per vendor, employee
/// and agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub about: SubjectKind,
    /// Praise (表扬) or, `false`, a complaint (投诉).
    pub praise: bool,
    /// The vendor (for a vendor or its employee).
    #[serde(default)]
    pub vendor_id: Option<i64>,
    /// The employee's or agent's name (or job number).
    #[serde(default)]
    pub name: String,
}

pub const SUBJECT_NAME_MAX: usize = 50;

fn first_round() -> u32 {
    1
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
    /// An individual from the providers registry (R2): a volunteer or a skilled person. They
    /// have no account; the centre records their steps for them (see [`holds`]).
    Provider(i64),
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
    /// Set when the request became moot before a decision: the part was returned, or fed
    /// back. A withdrawn request is neither approved nor refused.
    #[serde(default)]
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Extension {
    /// Waiting for the centre's decision.
    pub fn pending(&self) -> bool {
        self.approved.is_none() && self.withdrawn_at.is_none()
    }
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
    /// The handling limit the part was given ("15个工作日"); `None` on parts stored before
    /// limits had units.
    #[serde(default)]
    pub handling: Option<Limit>,
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
    /// Why the lead ended the part (withdrawn or reassigned), and when.
    #[serde(default)]
    pub close_reason: Option<String>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// The case's round this part belongs to (a dissatisfied callback starts the next).
    #[serde(default = "first_round")]
    pub round: u32,
    /// What the citizen said of this part at the round's callback.
    #[serde(default)]
    pub rating: Option<PartRating>,
}

impl Assignment {
    /// Fed back after its deadline (the deadline with any approved extension).
    pub fn late(&self) -> bool {
        self.fed_back_at.is_some_and(|t| t > self.due_at)
    }

    pub fn is_open(&self) -> bool {
        !self.closed
    }

    /// Returned and not yet reviewed by the centre.
    pub fn return_pending(&self) -> bool {
        !self.closed && self.status == AssignmentStatus::Returned
    }

    pub fn extension_pending(&self) -> bool {
        !self.closed && self.extension.as_ref().is_some_and(Extension::pending)
    }

    /// What extra days are counted in: working days when the part's limit is, else
    /// calendar days.
    pub fn extension_unit(&self) -> LimitUnit {
        match self.handling {
            Some(Limit {
                unit: LimitUnit::WorkingDays,
                ..
            }) => LimitUnit::WorkingDays,
            _ => LimitUnit::Days,
        }
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
    /// Normal or urgent (W9): set at intake or classification.
    #[serde(default)]
    pub priority: Priority,
    pub created_at: DateTime<Utc>,
    /// When the current round was dispatched (the traffic light counts from here).
    pub dispatched_at: Option<DateTime<Utc>>,
    /// When the current round was handled (all feedback in, or handled by the centre).
    pub handled_at: Option<DateTime<Utc>>,
    pub callback_due_at: Option<DateTime<Utc>>,
    /// Calls back this round that did not reach the citizen (W3).
    #[serde(default)]
    pub callback_attempts: u32,
    pub satisfaction: Option<Satisfaction>,
    /// Rounds of handling: 1, then one more for each dissatisfied callback. Earlier rounds'
    /// parts stay, closed, with their times and ratings.
    #[serde(default = "first_round")]
    pub round: u32,
    /// For pending matters (J): when to remind the agent.
    pub remind_at: Option<DateTime<Utc>>,
    /// The agent's own reminder interval, end and form; the policy's when `None`.
    #[serde(default)]
    pub reminder_plan: Option<ReminderPlan>,
    /// For praise and complaints (I): whom it is about.
    #[serde(default)]
    pub subject: Option<Subject>,
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
            priority: Priority::Normal,
            created_at: at,
            dispatched_at: None,
            handled_at: None,
            callback_due_at: None,
            callback_attempts: 0,
            satisfaction: None,
            round: 1,
            remind_at: None,
            reminder_plan: None,
            subject: None,
            assignments: Vec::new(),
        }
    }

    pub(super) fn open_assignment_of(&self, user: &StaffUser) -> Option<usize> {
        self.assignments
            .iter()
            .position(|a| a.is_open() && holds(user, a.assignee))
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
}

/// Supplements (补填, W8) open seven days after a case was filed.
pub const SUPPLEMENT_AFTER_DAYS: i64 = 7;
pub const REPLY_MAX: usize = 2000;
pub const REASON_MAX: usize = 500;
pub const MAX_EXTENSION_DAYS: u32 = 30;
pub const MAX_HANDLING_DAYS: u32 = 60;
pub const MAX_TARGETS: usize = 10;

/// Whether `user` acts for `assignee`: its department's staff, or its vendor. An individual
/// provider (a volunteer) answers by phone, so the centre's dispatchers record their
/// confirmation, return and feedback; the feedback is the agent's check of the service done
/// (服务后接线人员需要对实际的服务消费情况进行核实).
pub fn holds(user: &StaffUser, assignee: Assignee) -> bool {
    match assignee {
        Assignee::Department(id) => {
            user.can(Permission::CasesDepartment) && user.department_id == Some(id)
        }
        Assignee::Vendor(id) => user.can(Permission::OrdersOwn) && user.vendor_id == Some(id),
        Assignee::Provider(_) => user.can(Permission::Dispatch),
    }
}

/// Who performs an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Performer {
    /// Centre staff holding this permission.
    Centre(Permission),
    /// The department or vendor holding an open part of the case.
    Assignee,
    /// The citizen who filed it, known by tracking number and phone (never a staff member:
    /// their answer is the callback).
    Citizen,
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
        GrantExtension = "grant_extension", "中心延期", "Extend a deadline";
        Callback = "callback", "回访", "Call back";
        Archive = "archive", "归档", "Archive";
        Supplement = "supplement", "补填", "Supplement";
        Reclassify = "reclassify", "改分类", "Re-classify";
        Reassign = "reassign", "改派", "Reassign a part";
        AddAssignee = "add_assignee", "增派", "Add a department";
        ClosePart = "close_part", "撤回承办", "Withdraw a part";
        PlanReminders = "plan_reminders", "催办设置", "Set reminders";
        RecordSubject = "record_subject", "记录对象", "Record whom it is about";
        AwaitExpert = "await_expert", "待专家答复", "Wait for an expert";
        Rate = "rate", "市民评价", "Citizen's rating";
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
            | K::Supplement
            | K::PlanReminders
            | K::RecordSubject
            | K::AwaitExpert => Performer::Centre(Permission::Intake),
            K::Dispatch => Performer::Centre(Permission::Dispatch),
            K::ReviewReturn
            | K::DecideExtension
            | K::GrantExtension
            | K::Reclassify
            | K::Reassign
            | K::AddAssignee
            | K::ClosePart => Performer::Centre(Permission::Approve),
            K::Confirm | K::Return | K::RequestExtension | K::Feedback => Performer::Assignee,
            K::Rate => Performer::Citizen,
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
        /// Normal or urgent; when absent, urgent if the category is urgent by default,
        /// else as it was.
        #[serde(default)]
        priority: Option<Priority>,
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
        /// The handling limit; the policy's default when absent.
        #[serde(default)]
        limit: Option<Limit>,
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
    /// The centre gives a part more days itself: the way once its deadline has passed, when
    /// the department may no longer ask.
    GrantExtension {
        assignment_id: i64,
        days: u32,
        reason: String,
    },
    Callback {
        satisfaction: Satisfaction,
        #[serde(default)]
        note: String,
        /// The citizen's verdict per part fed back this round; a part not named takes the
        /// case's answer as its outcome.
        #[serde(default)]
        parts: Vec<PartAnswer>,
    },
    Archive,
    Supplement {
        text: String,
    },
    /// The lead corrects a misfiled case in flight: type, category, priority; the parts
    /// stay with whoever holds them.
    Reclassify {
        case_type: CaseType,
        category_code: String,
        #[serde(default)]
        priority: Option<Priority>,
        reason: String,
    },
    /// The lead takes a part from one department (or vendor) and gives it to another,
    /// with fresh deadlines.
    Reassign {
        assignment_id: i64,
        to: Assignee,
        #[serde(default)]
        limit: Option<Limit>,
        reason: String,
    },
    /// The lead adds a department to a case in flight.
    AddAssignee {
        to: Assignee,
        #[serde(default)]
        limit: Option<Limit>,
        reason: String,
    },
    /// The lead ends a part that is not needed, or whose department stays silent.
    ClosePart {
        assignment_id: i64,
        reason: String,
    },
    /// The agent sets how this case is chased: every so often, until when, by SMS or not.
    /// No `every`: back to the centre's defaults.
    PlanReminders {
        #[serde(default)]
        every: Option<Limit>,
        #[serde(default)]
        until: Option<DateTime<Utc>>,
        #[serde(default = "yes")]
        sms: bool,
    },
    /// Whom a praise or complaint (I) is about.
    RecordSubject {
        subject: Subject,
    },
    /// A consultation (A) nobody can answer on the line: the question is noted, an expert of
    /// the department concerned is consulted, and the agent replies (`answer`) within the
    /// limit (default [`EXPERT_REPLY_DEFAULT`]); the agent is reminded when it runs out.
    AwaitExpert {
        expert: String,
        #[serde(default)]
        note: String,
        #[serde(default)]
        reply_within: Option<Limit>,
    },
}

/// How long an agent has to reply to a consultation after asking an expert.
pub const EXPERT_REPLY_DEFAULT: Limit = Limit::working_days(1);
pub const EXPERT_MAX: usize = 100;

fn yes() -> bool {
    true
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
            CaseAction::GrantExtension { .. } => K::GrantExtension,
            CaseAction::Callback { .. } => K::Callback,
            CaseAction::Archive => K::Archive,
            CaseAction::Supplement { .. } => K::Supplement,
            CaseAction::Reclassify { .. } => K::Reclassify,
            CaseAction::Reassign { .. } => K::Reassign,
            CaseAction::AddAssignee { .. } => K::AddAssignee,
            CaseAction::ClosePart { .. } => K::ClosePart,
            CaseAction::PlanReminders { .. } => K::PlanReminders,
            CaseAction::RecordSubject { .. } => K::RecordSubject,
            CaseAction::AwaitExpert { .. } => K::AwaitExpert,
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
    /// The part's deadline has passed: only the centre may give more days now.
    DeadlinePassed,
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
            // Said to the citizen who rates, in their words.
            FlowError::Illegal {
                action: ActionKind::Rate,
                status,
                ..
            } => match lang {
                Lang::Zh => format!("这件求助现在不能评价（{}）", status.for_citizen(lang)),
                Lang::En => format!(
                    "This request cannot be rated now ({})",
                    status.for_citizen(lang).to_lowercase()
                ),
            },
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
                    (Refusal::DeadlinePassed, Lang::Zh) => {
                        "（办理期限已过，只能由中心延期）".into()
                    }
                    (Refusal::DeadlinePassed, Lang::En) => {
                        " (the deadline has passed: only the centre can extend it now)".into()
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
    /// When the next state's lights turn yellow and red (stored with the case and parts).
    pub lights: CaseLights,
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
