//! What the back-office pages and the JSON API show: cases as each role may see them, the
//! elderly registry, a citizen's view of their request, the audit log. Phone and ID numbers
//! arrive here already masked unless the reader may see them in full.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::flow::{ActionKind, Assignment, Light, Overdue, Queue, Satisfaction};
use crate::Lang;
use crate::{CaseStatus, CaseType, Channel, Coordinates, TrackingNumber};

/// One line of a case list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseListItem {
    pub tracking_number: TrackingNumber,
    pub channel: Channel,
    pub case_type: Option<CaseType>,
    pub status: CaseStatus,
    pub category_zh: String,
    pub category_en: String,
    pub content: String,
    pub contact_name: Option<String>,
    /// Always masked in lists.
    pub phone: String,
    pub district_name: Option<String>,
    /// Departments, vendors and individual providers the case is with, by name.
    pub assigned_to: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub handled_at: Option<DateTime<Utc>>,
    /// Traffic light of a dispatched case (W7).
    pub light: Option<Light>,
    /// Urgent cases are marked and listed first (W9).
    #[serde(default)]
    pub priority: crate::Priority,
}

/// One department's or vendor's part of a case, with its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentView {
    pub name: String,
    pub part: Assignment,
}

/// A step of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEventView {
    pub at: DateTime<Utc>,
    /// Who, as the audit log records it (`user:agent`, `citizen:web`, `system`).
    pub actor: String,
    /// The person's name when the actor is a staff account.
    #[serde(default)]
    pub actor_name: Option<String>,
    pub kind: String,
    pub from_status: Option<CaseStatus>,
    pub to_status: Option<CaseStatus>,
    pub note: Option<String>,
    /// A classification step in words (its stored note holds codes: `A 0803 urgent`).
    #[serde(default)]
    pub classified: Option<ClassifiedAs>,
}

/// What a case was classified as, in words: its type, its category's path, urgent or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassifiedAs {
    pub case_type: CaseType,
    /// Each level's name from the top (`城市管理 › 市政设施 › 路灯`).
    pub category_zh: String,
    pub category_en: String,
    pub urgent: bool,
}

impl ClassifiedAs {
    /// The codes in a classification step's stored note: type, category code, and whether
    /// it was marked urgent.
    pub fn codes(note: &str) -> Option<(CaseType, &str, bool)> {
        let mut words = note.split_whitespace();
        let case_type = CaseType::from_code(words.next()?)?;
        let category = words.next()?;
        let urgent = words.next() == Some(crate::Priority::Urgent.as_code());
        Some((case_type, category, urgent))
    }

    /// Reads a classification step's note against the catalogue; `None` if the note is not
    /// one, or names a category no longer in it.
    pub fn from_note(note: &str, categories: &[crate::Category]) -> Option<ClassifiedAs> {
        let (case_type, code, urgent) = ClassifiedAs::codes(note)?;
        let (category_zh, category_en) = crate::catalogue::category_path(categories, code)?;
        Some(ClassifiedAs {
            case_type,
            category_zh,
            category_en,
            urgent,
        })
    }

    pub fn label(&self, lang: Lang) -> String {
        let mut words = vec![
            self.case_type.label(lang).to_string(),
            lang.pick(&self.category_zh, &self.category_en).to_string(),
        ];
        if self.urgent {
            words.push(crate::Priority::Urgent.label(lang).to_string());
        }
        words.join(" · ")
    }
}

impl CaseEventView {
    /// Who took the step, in words: the staff member's name, the citizen and the channel
    /// they used, the system; the recorded actor when it is none of these.
    pub fn actor_label(&self, lang: Lang) -> String {
        actor_label(&self.actor, self.actor_name.as_deref(), lang)
    }
}

/// Who acted, in words, from the recorded actor (`user:agent`, `citizen:web`, `system`…)
/// and the account's name if it is a staff account's.
pub fn actor_label(actor: &str, name: Option<&str>, lang: Lang) -> String {
    if let Some(name) = name {
        return name.to_string();
    }
    match actor.split_once(':') {
        Some(("citizen", channel)) => {
            let channel = Channel::from_code(channel).map_or(channel, |c| c.label(lang));
            match lang {
                Lang::Zh => format!("市民（{channel}）"),
                Lang::En => format!("Citizen ({channel})"),
            }
        }
        Some(("alarm", _)) => lang.pick("一键通终端", "One-key terminal").to_string(),
        Some(("user", username)) => username.to_string(),
        None if actor == "system" => lang.pick("系统", "System").to_string(),
        _ => actor.to_string(),
    }
}

/// A whole case, for the people allowed to see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub item: CaseListItem,
    /// Where the matter is (a district or a street under one), for choosing a provider near.
    #[serde(default)]
    pub district_code: Option<String>,
    pub address: Option<String>,
    /// Where the matter is on the map: the case's own point when it has one, else the
    /// centre of its street or district (where the nearest providers are looked for).
    #[serde(default)]
    pub position: Option<crate::Coordinates>,
    pub anonymous: bool,
    /// Whether this reader may ask for the full phone number (an audited view).
    pub can_reveal_phone: bool,
    pub events: Vec<CaseEventView>,
    /// Every part, the closed ones (history of returns and reopened rounds) included.
    pub assignments: Vec<AssignmentView>,
    pub overdue: Vec<Overdue>,
    /// What this reader may do to the case now.
    pub actions: Vec<ActionKind>,
    pub category_code: String,
    pub satisfaction: Option<Satisfaction>,
    pub callback_due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
    /// The agent's own reminder interval, end and form, if set.
    #[serde(default)]
    pub reminder_plan: Option<crate::ReminderPlan>,
    /// For praise and complaints (I): whom it is about, and the vendor's name if one.
    #[serde(default)]
    pub subject: Option<crate::Subject>,
    #[serde(default)]
    pub subject_vendor: Option<String>,
    /// The handling limit a dispatch of this case gets by default: its category's own
    /// (`None`: the centre's).
    #[serde(default)]
    pub handling_limit: Option<crate::Limit>,
    /// Cases about the same matter (W8); shown to the centre's staff.
    #[serde(default)]
    pub links: Vec<crate::desk::LinkedCase>,
    /// The calls the case was registered from, with their recordings (centre staff).
    #[serde(default)]
    pub calls: Vec<crate::desk::CaseCall>,
}

/// Which cases a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseQuery {
    pub status: Option<String>,
    pub limit: Option<u32>,
    /// Case type code (`A`…`J`).
    pub case_type: Option<String>,
    pub light: Option<String>,
    pub overdue: Option<String>,
    pub queue: Option<String>,
    /// Words to find in the tracking number, content, name, phone or address.
    pub q: Option<String>,
    /// Which page of `limit` rows (from 1).
    pub page: Option<String>,
    /// A [`CaseSort`] code; none: urgent cases first, then the newest filed.
    pub sort: Option<String>,
    /// `asc` or `desc`; none: the sort's own usual direction ([`CaseSort::descending`]).
    pub order: Option<String>,
}

coded_enum! {
    /// What a case list can be sorted by, besides its default (urgent first, newest filed).
    CaseSort {
        Filed = "filed", "受理时间", "Filed";
        Updated = "updated", "最近办理", "Last step";
        Number = "number", "编号", "Number";
        Status = "status", "状态", "Status";
        Due = "due", "时限", "Due";
    }
}

impl CaseSort {
    /// The direction a sort usually runs: the latest first for times and numbers, the
    /// earliest deadline and the first status of the life cycle first otherwise.
    pub fn descending(self) -> bool {
        matches!(self, CaseSort::Filed | CaseSort::Updated | CaseSort::Number)
    }
}

/// Which rows of a filtered case list to give, in which order (the checked paging and
/// sorting half of a [`CaseQuery`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseWindow {
    /// `None`: urgent first, then the newest filed.
    pub sort: Option<CaseSort>,
    pub descending: bool,
    pub page: u32,
    pub per_page: u32,
}

impl CaseWindow {
    /// The first `n` rows in the default order.
    pub fn first(n: u32) -> CaseWindow {
        CaseWindow {
            sort: None,
            descending: true,
            page: 1,
            per_page: n,
        }
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

/// One page of a case list, with how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CasePage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<CaseListItem>,
}

impl CasePage {
    pub fn pages(&self) -> u32 {
        crate::page_count(self.total, self.per_page)
    }
}

/// The validated form of a [`CaseQuery`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub case_type: Option<CaseType>,
    pub light: Option<Light>,
    pub overdue: Option<Overdue>,
    pub queue: Option<Queue>,
    pub text: Option<String>,
    /// Exactly this (normalised) phone number: a caller's history.
    pub phone: Option<String>,
}

impl From<Light> for CaseFilter {
    fn from(light: Light) -> CaseFilter {
        CaseFilter {
            light: Some(light),
            ..CaseFilter::default()
        }
    }
}

impl From<Overdue> for CaseFilter {
    fn from(overdue: Overdue) -> CaseFilter {
        CaseFilter {
            overdue: Some(overdue),
            ..CaseFilter::default()
        }
    }
}

impl From<Queue> for CaseFilter {
    fn from(queue: Queue) -> CaseFilter {
        CaseFilter {
            queue: Some(queue),
            ..CaseFilter::default()
        }
    }
}

/// How many cases a reader's lists hold per light, overdue kind and queue (W7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCounts {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    pub overdue_confirmation: i64,
    pub overdue_completion: i64,
    pub overdue_callback: i64,
    pub returns: i64,
    pub extensions: i64,
    pub callbacks: i64,
    pub todo: i64,
}

/// An SMS as the outbox holds it (SPEC N1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMessage {
    pub id: i64,
    pub to_phone: String,
    pub recipient: String,
    pub body: String,
    pub purpose: String,
    pub tracking_number: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub provider: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

coded_enum! {
    /// Why an SMS was written ([`SmsMessage::purpose`]).
    SmsPurpose {
        Filed = "filed", "收到求助确认", "Request received";
        Accepted = "accepted", "受理通知", "Accepted";
        Dispatched = "dispatched", "派单通知", "Dispatched";
        Completed = "completed", "办结通知", "Handled";
        ReminderConfirm = "reminder_confirm", "督办：请确认接单", "Reminder: confirm";
        ReminderFeedback = "reminder_feedback", "督办：请按期办结", "Reminder: finish";
        Escalation = "escalation", "升级督办", "Escalation";
        AlarmEscalation = "alarm_escalation", "一键通警情升级", "Alarm escalation";
    }
}

coded_enum! {
    /// Where an SMS is ([`SmsMessage::status`]).
    SmsStatus {
        Queued = "queued", "待发送", "Waiting to be sent";
        Sent = "sent", "已发送", "Sent";
        Failed = "failed", "发送失败", "Failed";
    }
}

impl SmsMessage {
    /// Who the message is for, in words: the citizen, the lead on duty, or the kind of
    /// assignee (`department:3` is a department).
    pub fn recipient_label(&self, lang: Lang) -> &'static str {
        let kind = self.recipient.split(':').next().unwrap_or_default();
        match kind {
            "citizen" => lang.pick("市民", "Citizen"),
            "duty_lead" => lang.pick("值班长", "Lead on duty"),
            "department" => lang.pick("承办部门", "Department"),
            "vendor" => lang.pick("加盟企业", "Vendor"),
            "provider" => lang.pick("服务人员", "Provider"),
            _ => lang.pick("其他", "Other"),
        }
    }
}

/// An in-app notice (SPEC N2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub tracking_number: Option<String>,
    /// A [`NoticeKind`] code.
    pub kind: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    /// Newer than what the reader last marked read.
    #[serde(default)]
    pub unread: bool,
}

coded_enum! {
    /// What an in-app notice is about.
    NoticeKind {
        Dispatched = "dispatched", "新派单", "New case";
        Return = "return", "退单待审", "Return to review";
        Extension = "extension", "延期待批", "Extension to decide";
        Callback = "callback", "待回访", "Callback due";
        ReminderConfirm = "reminder_confirm", "督办确认", "Confirm reminder";
        ReminderFeedback = "reminder_feedback", "督办办结", "Feedback reminder";
        ReminderCallback = "reminder_callback", "回访提醒", "Callback reminder";
        ReminderPending = "reminder_pending", "待办提醒", "Pending matter";
        Escalation = "escalation", "升级督办", "Escalation";
        Reopened = "reopened", "不满意重开", "Reopened by the citizen";
    }
}

impl NoticeKind {
    /// Rung loudly in the browser (the insistent sound, not the chime): the lead must act.
    pub fn loud(self) -> bool {
        self == NoticeKind::Escalation
    }
}

/// What a citizen sees of their own request (SPEC P2): no staff names, no other data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackedRequest {
    pub tracking_number: TrackingNumber,
    pub status: CaseStatus,
    pub category_zh: String,
    pub category_en: String,
    pub created_at: DateTime<Utc>,
    pub timeline: Vec<TrackedStep>,
    /// What the departments, vendors or the centre answered, in the order given.
    #[serde(default)]
    pub replies: Vec<TrackedReply>,
    /// The latest round's verdict, the citizen's own or taken at the callback.
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    /// Whether the citizen may rate it now (handled, not yet called back).
    #[serde(default)]
    pub can_rate: bool,
}

/// An answer to the citizen: by a department or vendor (its name), or by the centre
/// itself (`by` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackedReply {
    pub by: Option<String>,
    pub at: DateTime<Utc>,
    pub text: String,
}

/// A citizen's rating of their handled request (SPEC P2): the same number and phone as to
/// track it, the verdict's code (`satisfied`, `fair`, `dissatisfied`), a comment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RatingInput {
    pub tracking_number: String,
    pub phone: String,
    pub satisfaction: String,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackedStep {
    pub at: DateTime<Utc>,
    pub status: CaseStatus,
}

/// The tracking form: both fields must match the same request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrackingQuery {
    pub tracking_number: String,
    pub phone: String,
}

/// An individual provider a home-care case may be sent to (R2, H2): a volunteer (义工) or a
/// skilled person (一技之长者), with the skill and district to choose by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderChoice {
    pub id: i64,
    pub name: String,
    pub volunteer: bool,
    pub skill: String,
    pub district: String,
    /// In the case's own district (listed first).
    pub near: bool,
}

/// One registered elderly person in the registry list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElderlySummary {
    pub id: i64,
    pub name: String,
    pub gender: String,
    pub birth_date: NaiveDate,
    /// Masked.
    pub id_number: String,
    pub identity_category: String,
    pub district_name: String,
    pub address: String,
    /// Masked.
    pub onekey_phone: Option<String>,
    /// The day they joined the registry (China time).
    pub joined_on: NaiveDate,
}

/// One elderly person's record. Health fields are present only for readers with the health
/// permission, and every such view is in the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElderlyDetail {
    pub summary: ElderlySummary,
    pub service_card_no: String,
    pub district_code: String,
    pub street_code: Option<String>,
    pub street_name: Option<String>,
    pub village_code: Option<String>,
    pub village_name: Option<String>,
    /// The one-key terminal's id, when they have one.
    pub onekey_device: Option<String>,
    pub position: Coordinates,
    /// Changes with every edit; an edit names the version it started from.
    pub version: i64,
    pub phone: Option<String>,
    pub contact_name: String,
    pub contact_relation: String,
    pub contact_phone: String,
    pub health_notes: Option<String>,
    pub medications: Option<String>,
    pub id_revealed: bool,
    pub health_shown: bool,
}

/// An audit log entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// The person's name when the actor is a staff account.
    #[serde(default)]
    pub actor_name: Option<String>,
    pub address: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// An entry of a simple code table (dispositions), or a category, as administrators edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry {
    pub code: String,
    pub parent_code: Option<String>,
    pub level: u8,
    pub name_zh: String,
    pub name_en: String,
    pub active: bool,
    /// Categories only: its cases are urgent by default (W9).
    #[serde(default)]
    pub urgent: bool,
    /// Categories only: its own time limits (W7).
    #[serde(default)]
    pub limits: crate::CategoryLimits,
}

/// What the dispatch and feedback forms offer: active departments and vendors by id and
/// name, and the dispositions by code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispatchTargets {
    pub departments: Vec<(i64, String)>,
    pub vendors: Vec<(i64, String)>,
    pub dispositions: Vec<(String, String)>,
    /// The handling limit a dispatch gets unless the dispatcher gives another.
    pub default_limit: crate::Limit,
}

impl Default for DispatchTargets {
    fn default() -> Self {
        DispatchTargets {
            departments: Vec::new(),
            vendors: Vec::new(),
            dispositions: Vec::new(),
            default_limit: crate::FlowPolicy::default().handling,
        }
    }
}
