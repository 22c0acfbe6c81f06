//! Storage of the case life cycle: a case's flow state (its row and its parts), the atomic
//! write of one step of the state machine, stored reminders, the SMS outbox and in-app
//! notifications.

use hotline_domain::flow::{Extension, Step};
use hotline_domain::{
    Assignee, Assignment, AssignmentStatus, CaseFlow, CaseStatus, CaseType, Notification,
    ReminderKind, Satisfaction, SmsMessage, TrackingNumber,
};

use crate::audit::NewAuditEntry;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};

/// A case as the state machine and the messages about it need it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCase {
    pub id: i64,
    pub version: i64,
    pub tracking_number: TrackingNumber,
    pub phone: String,
    pub category_zh: String,
    pub flow: CaseFlow,
    /// The category's own limits, each falling back to its parents'.
    pub limits: hotline_domain::CategoryLimits,
}

/// An SMS to queue in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSms {
    pub to_phone: String,
    /// `citizen`, `department:ID`, `vendor:ID`.
    pub recipient: String,
    pub body: String,
    /// `accepted`, `dispatched`, `completed`, `reminder:confirm`…
    pub purpose: String,
}

/// An in-app notice to store: to a department, a vendor, or (neither) the centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub department_id: Option<i64>,
    pub vendor_id: Option<i64>,
    /// One person's notice (a pending matter's owner); the department's, the vendor's or
    /// (all three `None`) the centre's otherwise.
    pub user_id: Option<i64>,
    pub kind: String,
    pub message: String,
}

/// Everything one step writes, in one transaction.
#[derive(Debug, Clone)]
pub struct StepWrite<'a> {
    pub case: &'a StoredCase,
    pub step: &'a Step,
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    /// The acting staff member: a pending matter's reminder goes back to them.
    pub user_id: Option<i64>,
    pub sms: &'a [NewSms],
    pub notifications: &'a [NewNotification],
    pub audit: &'a NewAuditEntry,
}

/// A reminder whose time has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub id: i64,
    pub case_id: i64,
    pub assignment_id: Option<i64>,
    pub kind: ReminderKind,
    pub next_at: DateTime<Utc>,
    pub attempts: i32,
    /// Whom a pending matter's reminder goes to (the agent who owns the case).
    pub user_id: Option<i64>,
}

/// Whose in-app notices to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeTarget {
    Centre,
    Department(i64),
    Vendor(i64),
}

/// A department's or vendor's name and SMS number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssigneeContact {
    pub name: String,
    pub phone: Option<String>,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
pub(super) struct FlowRow {
    pub id: i64,
    pub version: i64,
    tracking_number: String,
    phone: String,
    category_zh: String,
    case_type: Option<String>,
    category_code: String,
    status: String,
    created_at: DateTime<Utc>,
    dispatched_at: Option<DateTime<Utc>>,
    handled_at: Option<DateTime<Utc>>,
    callback_due_at: Option<DateTime<Utc>>,
    callback_attempts: i32,
    satisfaction: Option<String>,
    remind_at: Option<DateTime<Utc>>,
    priority: String,
    round_number: i32,
    reminder_every_amount: Option<i32>,
    reminder_every_unit: Option<String>,
    reminder_until: Option<DateTime<Utc>>,
    reminder_sms: Option<bool>,
    subject_about: Option<String>,
    subject_praise: Option<bool>,
    subject_vendor_id: Option<i64>,
    subject_name: Option<String>,
    confirm_limit: Option<String>,
    handling_limit: Option<String>,
    callback_limit: Option<String>,
}

pub(super) const FLOW_SELECT: &str = "SELECT c.id, c.version, c.tracking_number, c.phone, \
     s.name_zh AS category_zh, c.case_type, c.category_code, c.status, c.created_at, \
     c.dispatched_at, c.handled_at, c.callback_due_at, c.callback_attempts, c.satisfaction, \
     c.remind_at, c.priority, c.round_number, c.reminder_every_amount, \
     c.reminder_every_unit, c.reminder_until, c.reminder_sms, c.subject_about, \
     c.subject_praise, c.subject_vendor_id, c.subject_name, \
     COALESCE(s.confirm_limit, p.confirm_limit, g.confirm_limit, gg.confirm_limit) AS confirm_limit, \
     COALESCE(s.handling_limit, p.handling_limit, g.handling_limit, gg.handling_limit) \
     AS handling_limit, \
     COALESCE(s.callback_limit, p.callback_limit, g.callback_limit, gg.callback_limit) \
     AS callback_limit \
     FROM cases c JOIN service_categories s ON s.code = c.category_code \
     LEFT JOIN service_categories p ON p.code = s.parent_code \
     LEFT JOIN service_categories g ON g.code = p.parent_code \
     LEFT JOIN service_categories gg ON gg.code = g.parent_code";

#[derive(sqlx::FromRow)]
pub(super) struct AssignmentRow {
    pub id: i64,
    department_id: Option<i64>,
    vendor_id: Option<i64>,
    provider_id: Option<i64>,
    status: String,
    assigned_at: DateTime<Utc>,
    assigned_by: String,
    confirm_due_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    confirmed_at: Option<DateTime<Utc>>,
    returned_at: Option<DateTime<Utc>>,
    return_reason: Option<String>,
    return_justified: Option<bool>,
    extension_days: Option<i32>,
    extension_reason: Option<String>,
    extension_requested_at: Option<DateTime<Utc>>,
    extension_approved: Option<bool>,
    extension_decided_at: Option<DateTime<Utc>>,
    extension_withdrawn_at: Option<DateTime<Utc>>,
    fed_back_at: Option<DateTime<Utc>>,
    feedback: Option<String>,
    disposition_code: Option<String>,
    closed: bool,
    handling_amount: Option<i32>,
    handling_unit: Option<String>,
    closed_at: Option<DateTime<Utc>>,
    close_reason: Option<String>,
    round_number: i32,
    outcome: Option<String>,
    handler_satisfaction: Option<String>,
    price_score: Option<i32>,
    punctuality_score: Option<i32>,
    attitude_score: Option<i32>,
}

pub(super) const ASSIGNMENT_SELECT: &str =
    "SELECT id, department_id, vendor_id, provider_id, status, \
     assigned_at, assigned_by, confirm_due_at, due_at, confirmed_at, returned_at, \
     return_reason, return_justified, extension_days, extension_reason, \
     extension_requested_at, extension_approved, extension_decided_at, \
     extension_withdrawn_at, fed_back_at, feedback, disposition_code, closed, \
     handling_amount, handling_unit, closed_at, close_reason, round_number, outcome, \
     handler_satisfaction, price_score, punctuality_score, attitude_score \
     FROM case_assignments";

impl AssignmentRow {
    pub(super) fn into_assignment(self) -> Result<Assignment, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("assignment {}: {what}", self.id));
        let assignee = match (self.department_id, self.vendor_id, self.provider_id) {
            (Some(d), None, None) => Assignee::Department(d),
            (None, Some(v), None) => Assignee::Vendor(v),
            (None, None, Some(p)) => Assignee::Provider(p),
            _ => return Err(corrupt("not held by one department, vendor or provider")),
        };
        let status = AssignmentStatus::from_code(&self.status).ok_or_else(|| corrupt("status"))?;
        let extension = match (self.extension_days, self.extension_requested_at) {
            (Some(days), Some(requested_at)) => Some(Extension {
                days: u32::try_from(days).map_err(|_| corrupt("extension days"))?,
                reason: self.extension_reason.clone().unwrap_or_default(),
                requested_at,
                approved: self.extension_approved,
                decided_at: self.extension_decided_at,
                withdrawn_at: self.extension_withdrawn_at,
            }),
            _ => None,
        };
        let handling = match (self.handling_amount, self.handling_unit.as_deref()) {
            (Some(amount), Some(unit)) => Some(hotline_domain::Limit::new(
                u32::try_from(amount).map_err(|_| corrupt("handling amount"))?,
                hotline_domain::LimitUnit::from_code(unit)
                    .ok_or_else(|| corrupt("handling unit"))?,
            )),
            _ => None,
        };
        let satisfaction = |code: &Option<String>, what: &str| match code {
            None => Ok(None),
            Some(c) => Satisfaction::from_code(c)
                .map(Some)
                .ok_or_else(|| corrupt(what)),
        };
        let score = |n: i32| u8::try_from(n).map_err(|_| corrupt("score"));
        let vendor = match (
            self.price_score,
            self.punctuality_score,
            self.attitude_score,
        ) {
            (Some(p), Some(u), Some(a)) => Some(hotline_domain::VendorScores {
                price: score(p)?,
                punctuality: score(u)?,
                attitude: score(a)?,
            }),
            _ => None,
        };
        let rating = match satisfaction(&self.outcome, "outcome")? {
            Some(outcome) => Some(hotline_domain::PartRating {
                outcome,
                handler: satisfaction(&self.handler_satisfaction, "handler")?,
                vendor,
            }),
            None => None,
        };
        Ok(Assignment {
            id: Some(self.id),
            assignee,
            status,
            assigned_at: self.assigned_at,
            assigned_by: self.assigned_by,
            confirm_due_at: self.confirm_due_at.unwrap_or(self.assigned_at),
            due_at: self.due_at.unwrap_or(self.assigned_at),
            handling,
            confirmed_at: self.confirmed_at,
            returned_at: self.returned_at,
            return_reason: self.return_reason,
            return_justified: self.return_justified,
            extension,
            fed_back_at: self.fed_back_at,
            feedback: self.feedback,
            disposition_code: self.disposition_code,
            closed: self.closed,
            close_reason: self.close_reason,
            closed_at: self.closed_at,
            round: u32::try_from(self.round_number).map_err(|_| corrupt("round"))?,
            rating,
        })
    }
}

impl FlowRow {
    pub(super) fn into_stored(self, parts: Vec<Assignment>) -> Result<StoredCase, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("case {}: {what}", self.tracking_number));
        Ok(StoredCase {
            id: self.id,
            version: self.version,
            tracking_number: TrackingNumber::parse(&self.tracking_number)
                .ok_or_else(|| corrupt("tracking number"))?,
            phone: self.phone,
            category_zh: self.category_zh,
            limits: hotline_domain::CategoryLimits {
                confirm: super::codes::stored_limit(self.confirm_limit.as_deref()),
                handling: super::codes::stored_limit(self.handling_limit.as_deref()),
                callback: super::codes::stored_limit(self.callback_limit.as_deref()),
            },
            flow: CaseFlow {
                case_type: match &self.case_type {
                    None => None,
                    Some(t) => Some(CaseType::from_code(t).ok_or_else(|| corrupt("case type"))?),
                },
                category_code: self.category_code,
                status: CaseStatus::from_code(&self.status).ok_or_else(|| corrupt("status"))?,
                priority: hotline_domain::Priority::from_code(&self.priority)
                    .ok_or_else(|| corrupt("priority"))?,
                created_at: self.created_at,
                dispatched_at: self.dispatched_at,
                handled_at: self.handled_at,
                callback_due_at: self.callback_due_at,
                callback_attempts: u32::try_from(self.callback_attempts)
                    .map_err(|_| corrupt("callback attempts"))?,
                satisfaction: match &self.satisfaction {
                    None => None,
                    Some(s) => {
                        Some(Satisfaction::from_code(s).ok_or_else(|| corrupt("satisfaction"))?)
                    }
                },
                remind_at: self.remind_at,
                round: u32::try_from(self.round_number).map_err(|_| corrupt("round"))?,
                reminder_plan: match (self.reminder_every_amount, &self.reminder_every_unit) {
                    (Some(amount), Some(unit)) => Some(hotline_domain::ReminderPlan {
                        every: hotline_domain::Limit::new(
                            u32::try_from(amount).map_err(|_| corrupt("reminder interval"))?,
                            hotline_domain::LimitUnit::from_code(unit)
                                .ok_or_else(|| corrupt("reminder unit"))?,
                        ),
                        until: self.reminder_until,
                        sms: self.reminder_sms.unwrap_or(true),
                    }),
                    _ => None,
                },
                subject: match &self.subject_about {
                    None => None,
                    Some(about) => Some(hotline_domain::Subject {
                        about: hotline_domain::SubjectKind::from_code(about)
                            .ok_or_else(|| corrupt("subject"))?,
                        praise: self.subject_praise.unwrap_or(false),
                        vendor_id: self.subject_vendor_id,
                        name: self.subject_name.clone().unwrap_or_default(),
                    }),
                },
                assignments: parts,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ReminderRow {
    id: i64,
    case_id: i64,
    assignment_id: Option<i64>,
    kind: String,
    next_at: DateTime<Utc>,
    attempts: i32,
    user_id: Option<i64>,
}

impl ReminderRow {
    pub(super) fn into_due(self) -> Result<DueReminder, StoreError> {
        Ok(DueReminder {
            id: self.id,
            case_id: self.case_id,
            assignment_id: self.assignment_id,
            kind: ReminderKind::from_code(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("reminder {}: kind", self.id)))?,
            next_at: self.next_at,
            attempts: self.attempts,
            user_id: self.user_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SmsRow {
    id: i64,
    to_phone: String,
    recipient: String,
    body: String,
    purpose: String,
    tracking_number: Option<String>,
    status: String,
    attempts: i32,
    provider: Option<String>,
    error: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

impl From<SmsRow> for SmsMessage {
    fn from(r: SmsRow) -> SmsMessage {
        SmsMessage {
            id: r.id,
            to_phone: r.to_phone,
            recipient: r.recipient,
            body: r.body,
            purpose: r.purpose,
            tracking_number: r.tracking_number,
            status: r.status,
            attempts: r.attempts,
            provider: r.provider,
            error: r.error,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

pub(super) const SMS_SELECT: &str = "SELECT m.id, m.to_phone, m.recipient, m.body, m.purpose, \
     c.tracking_number, m.status, m.attempts, m.provider, m.error, m.created_at, m.sent_at \
     FROM sms_outbox m LEFT JOIN cases c ON c.id = m.case_id";

#[async_trait]
pub trait FlowStore: Send + Sync {
    async fn stored_case(
        &self,
        tracking_number: &TrackingNumber,
    ) -> Result<Option<StoredCase>, StoreError>;
    async fn stored_case_by_id(&self, id: i64) -> Result<Option<StoredCase>, StoreError>;
    /// The cases a light may run on (every one not archived), by id.
    async fn unarchived_case_ids(&self) -> Result<Vec<i64>, StoreError>;
    /// Stores when a case's lights turn yellow and red, the case's and each part's (`None`:
    /// no light), unless the case has changed since it was read (its step wrote them then).
    async fn write_lights(
        &self,
        case: &StoredCase,
        lights: &hotline_domain::CaseLights,
    ) -> Result<(), StoreError>;
    /// Writes a step if the case is still at `case.version` (then returns the storage ids of
    /// its parts, in order); `None` if someone else changed the case meanwhile.
    async fn write_step(&self, write: &StepWrite<'_>) -> Result<Option<Vec<i64>>, StoreError>;
    /// Open reminders whose time is past (strictly before `now`, as "overdue" is), oldest
    /// first.
    async fn due_reminders(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueReminder>, StoreError>;
    /// Records a sent reminder with its messages, moving it to `next_at` (closing it when
    /// `None`: the last round), if nobody else
    /// has fired it meanwhile (else writes nothing: `false`).
    async fn fire_reminder(
        &self,
        reminder: &DueReminder,
        next_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
        sms: &[NewSms],
        notifications: &[NewNotification],
    ) -> Result<bool, StoreError>;
    /// Moves a reminder whose deadline moved (an approved extension).
    async fn move_reminder(
        &self,
        reminder: &DueReminder,
        next_at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn close_reminder(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Queued SMS, oldest first.
    async fn queued_sms(&self, limit: u32) -> Result<Vec<SmsMessage>, StoreError>;
    async fn record_sms_result(
        &self,
        id: i64,
        provider: &str,
        result: Result<Option<String>, String>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The outbox, newest first.
    async fn sms_outbox(&self, limit: u32) -> Result<Vec<SmsMessage>, StoreError>;
    /// The notices of `target` and those addressed to `user_id`, newest first, each marked
    /// unread if newer than what that person last read.
    async fn notifications(
        &self,
        target: NoticeTarget,
        user_id: i64,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError>;
    /// Marks a person's notices read up to `up_to` (never back); false (and nothing
    /// stored) if `up_to` is not a notice they see.
    async fn mark_notices_read(
        &self,
        target: NoticeTarget,
        user_id: i64,
        up_to: i64,
    ) -> Result<bool, StoreError>;
    async fn assignee_contact(
        &self,
        assignee: Assignee,
    ) -> Result<Option<AssigneeContact>, StoreError>;
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'n> &'n str: ColumnIndex<DB::Row> + Bind<'n, DB>,
    for<'n> Option<&'n str>: Bind<'n, DB>,
    String: Value<DB>,
    Option<String>: Value<DB>,
    i64: Value<DB>,
    Option<i64>: Value<DB>,
    i32: Value<DB>,
    Option<i32>: Value<DB>,
    bool: Value<DB>,
    Option<bool>: Value<DB>,
    f64: Value<DB>,
    Option<f64>: Value<DB>,
    DateTime<Utc>: Value<DB>,
    Option<DateTime<Utc>>: Value<DB>,
    NaiveDate: Value<DB>,
{
    pub(super) async fn parts_of(
        conn: &mut DB::Connection,
        case_id: i64,
    ) -> Result<Vec<hotline_domain::Assignment>, StoreError> {
        let rows: Vec<AssignmentRow> = sqlx::query_as(&format!(
            "{} WHERE case_id = $1 ORDER BY id",
            ASSIGNMENT_SELECT
        ))
        .bind(case_id)
        .fetch_all(conn)
        .await?;
        rows.into_iter().map(|r| r.into_assignment()).collect()
    }

    pub(super) async fn load_stored(
        &self,
        column: &str,
        value: &str,
        id: i64,
    ) -> Result<Option<crate::store::StoredCase>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!("{} WHERE c.{column} = $1", FLOW_SELECT);
        let query = sqlx::query_as::<_, FlowRow>(&sql);
        let row = if column == "id" {
            query.bind(id).fetch_optional(&mut *conn).await?
        } else {
            query.bind(value).fetch_optional(&mut *conn).await?
        };
        let Some(row) = row else { return Ok(None) };
        let parts = Self::parts_of(&mut *conn, row.id).await?;
        Ok(Some(row.into_stored(parts)?))
    }

    /// Inserts a part of a case; returns its id.
    pub(super) async fn insert_part(
        conn: &mut DB::Connection,
        case_id: i64,
        a: &hotline_domain::Assignment,
    ) -> Result<i64, StoreError> {
        let (department, vendor, provider) = match a.assignee {
            hotline_domain::Assignee::Department(d) => (Some(d), None, None),
            hotline_domain::Assignee::Vendor(v) => (None, Some(v), None),
            hotline_domain::Assignee::Provider(p) => (None, None, Some(p)),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO case_assignments (case_id, department_id, vendor_id, provider_id, \
             assigned_at, assigned_by, status, confirm_due_at, due_at, handling_amount, \
             handling_unit, round_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12) RETURNING id",
        )
        .bind(case_id)
        .bind(department)
        .bind(vendor)
        .bind(provider)
        .bind(a.assigned_at)
        .bind(&a.assigned_by)
        .bind(a.status.as_code())
        .bind(a.confirm_due_at)
        .bind(a.due_at)
        .bind(
            a.handling
                .map(|l| i32::try_from(l.amount).unwrap_or(i32::MAX)),
        )
        .bind(a.handling.map(|l| l.unit.as_code()))
        .bind(i32::try_from(a.round).unwrap_or(i32::MAX))
        .fetch_one(&mut *conn)
        .await?;
        Self::update_part(conn, case_id, id, a).await?;
        Ok(id)
    }

    pub(super) async fn update_part(
        conn: &mut DB::Connection,
        case_id: i64,
        id: i64,
        a: &hotline_domain::Assignment,
    ) -> Result<(), StoreError> {
        let e = a.extension.as_ref();
        let r = a.rating.as_ref();
        let v = r.and_then(|r| r.vendor);
        sqlx::query(
            "UPDATE case_assignments SET status = $1, confirm_due_at = $2, due_at = $3, \
             confirmed_at = $4, returned_at = $5, return_reason = $6, \
             return_justified = $7, extension_days = $8, extension_reason = $9, \
             extension_requested_at = $10, extension_approved = $11, \
             extension_decided_at = $12, fed_back_at = $13, feedback = $14, \
             disposition_code = $15, closed = $16, extension_withdrawn_at = $17, \
             closed_at = $18, close_reason = $19, outcome = $20, handler_satisfaction = $21, \
             price_score = $22, punctuality_score = $23, attitude_score = $24 \
             WHERE id = $25 AND case_id = $26",
        )
        .bind(a.status.as_code())
        .bind(a.confirm_due_at)
        .bind(a.due_at)
        .bind(a.confirmed_at)
        .bind(a.returned_at)
        .bind(&a.return_reason)
        .bind(a.return_justified)
        .bind(e.map(|e| i32::try_from(e.days).unwrap_or(i32::MAX)))
        .bind(e.map(|e| e.reason.clone()))
        .bind(e.map(|e| e.requested_at))
        .bind(e.and_then(|e| e.approved))
        .bind(e.and_then(|e| e.decided_at))
        .bind(a.fed_back_at)
        .bind(&a.feedback)
        .bind(&a.disposition_code)
        .bind(a.closed)
        .bind(e.and_then(|e| e.withdrawn_at))
        .bind(a.closed_at)
        .bind(&a.close_reason)
        .bind(r.map(|r| r.outcome.as_code()))
        .bind(r.and_then(|r| r.handler).map(|h| h.as_code()))
        .bind(v.map(|v| i32::from(v.price)))
        .bind(v.map(|v| i32::from(v.punctuality)))
        .bind(v.map(|v| i32::from(v.attitude)))
        .bind(id)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Writes a case's flow columns and its light times if the case is still at `version`
    /// (returns the rows written: 0 if someone else moved it meanwhile).
    pub(super) async fn write_flow_columns(
        conn: &mut DB::Connection,
        case_id: i64,
        flow: &hotline_domain::CaseFlow,
        lights: Option<hotline_domain::LightTimes>,
        at: DateTime<Utc>,
        version: i64,
    ) -> Result<u64, StoreError> {
        let plan = flow.reminder_plan.as_ref();
        let subject = flow.subject.as_ref();
        Ok(sqlx::query(
            "UPDATE cases SET status = $1, case_type = $2, category_code = $3, \
             dispatched_at = $4, handled_at = $5, callback_due_at = $6, satisfaction = $7, \
             remind_at = $8, light_yellow_at = $9, light_red_at = $10, \
             callback_attempts = $11, updated_at = $12, priority = $13, round_number = $14, \
             reminder_every_amount = $15, reminder_every_unit = $16, reminder_until = $17, \
             reminder_sms = $18, subject_about = $19, subject_praise = $20, \
             subject_vendor_id = $21, subject_name = $22, version = version + 1 \
             WHERE id = $23 AND version = $24",
        )
        .bind(flow.status.as_code())
        .bind(flow.case_type.map(|t| t.as_code()))
        .bind(&flow.category_code)
        .bind(flow.dispatched_at)
        .bind(flow.handled_at)
        .bind(flow.callback_due_at)
        .bind(flow.satisfaction.map(|s| s.as_code()))
        .bind(flow.remind_at)
        .bind(lights.map(|l| l.yellow_at))
        .bind(lights.map(|l| l.red_at))
        .bind(i32::try_from(flow.callback_attempts).unwrap_or(i32::MAX))
        .bind(at)
        .bind(flow.priority.as_code())
        .bind(i32::try_from(flow.round).unwrap_or(i32::MAX))
        .bind(plan.map(|p| i32::try_from(p.every.amount).unwrap_or(i32::MAX)))
        .bind(plan.map(|p| p.every.unit.as_code()))
        .bind(plan.and_then(|p| p.until))
        .bind(plan.map(|p| p.sms))
        .bind(subject.map(|s| s.about.as_code()))
        .bind(subject.map(|s| s.praise))
        .bind(subject.and_then(|s| s.vendor_id))
        .bind(subject.map(|s| s.name.clone()))
        .bind(case_id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected())
    }

    /// Stores each part's light times (`parts` in the order of `ids`).
    pub(super) async fn write_part_lights(
        conn: &mut DB::Connection,
        ids: &[i64],
        parts: &[Option<hotline_domain::LightTimes>],
    ) -> Result<(), StoreError> {
        for (id, lights) in ids.iter().zip(parts) {
            sqlx::query(
                "UPDATE case_assignments SET light_yellow_at = $1, light_red_at = $2 WHERE id = $3",
            )
            .bind(lights.map(|l| l.yellow_at))
            .bind(lights.map(|l| l.red_at))
            .bind(*id)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Writes every part of `flow` that differs from `before` (new ones inserted);
    /// returns the ids in order.
    pub(super) async fn write_parts(
        conn: &mut DB::Connection,
        case_id: i64,
        before: &[hotline_domain::Assignment],
        flow: &hotline_domain::CaseFlow,
    ) -> Result<Vec<i64>, StoreError> {
        let mut ids = Vec::with_capacity(flow.assignments.len());
        for a in &flow.assignments {
            match a.id {
                Some(id) => {
                    if before.iter().find(|b| b.id == Some(id)) != Some(a) {
                        Self::update_part(&mut *conn, case_id, id, a).await?;
                    }
                    ids.push(id);
                }
                None => ids.push(Self::insert_part(&mut *conn, case_id, a).await?),
            }
        }
        Ok(ids)
    }

    pub(super) async fn insert_reminders(
        conn: &mut DB::Connection,
        case_id: i64,
        ids: &[i64],
        reminders: &[hotline_domain::flow::ReminderDraft],
        owner: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for r in reminders {
            // A pending matter's reminder goes back to the agent who set it.
            let owner = owner.filter(|_| r.kind == ReminderKind::Pending);
            let assignment = r.assignment.and_then(|i| ids.get(i).copied());
            // One open reminder per part and kind: a new one supersedes the old.
            sqlx::query(
                "UPDATE reminders SET done_at = $1 WHERE case_id = $2 AND kind = $3 \
                 AND COALESCE(assignment_id, 0) = $4 AND done_at IS NULL",
            )
            .bind(at)
            .bind(case_id)
            .bind(r.kind.as_code())
            .bind(assignment.unwrap_or(0))
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO reminders (case_id, assignment_id, kind, next_at, \
                 attempts, created_at, user_id) VALUES ($1, $2, $3, $4, 0, $5, $6)",
            )
            .bind(case_id)
            .bind(assignment)
            .bind(r.kind.as_code())
            .bind(r.at)
            .bind(at)
            .bind(owner)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    pub(super) async fn insert_messages(
        conn: &mut DB::Connection,
        case_id: i64,
        sms: &[crate::store::NewSms],
        notifications: &[crate::store::NewNotification],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for m in sms {
            sqlx::query(
                "INSERT INTO sms_outbox (to_phone, recipient, body, purpose, case_id, \
                 status, attempts, created_at) VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6)",
            )
            .bind(&m.to_phone)
            .bind(&m.recipient)
            .bind(&m.body)
            .bind(&m.purpose)
            .bind(case_id)
            .bind(at)
            .execute(&mut *conn)
            .await?;
        }
        for n in notifications {
            sqlx::query(
                "INSERT INTO notifications (department_id, vendor_id, case_id, kind, \
                 message, created_at, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(n.department_id)
            .bind(n.vendor_id)
            .bind(case_id)
            .bind(&n.kind)
            .bind(&n.message)
            .bind(at)
            .bind(n.user_id)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl<DB> FlowStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'n> &'n str: ColumnIndex<DB::Row> + Bind<'n, DB>,
    for<'n> Option<&'n str>: Bind<'n, DB>,
    String: Value<DB>,
    Option<String>: Value<DB>,
    i64: Value<DB>,
    Option<i64>: Value<DB>,
    i32: Value<DB>,
    Option<i32>: Value<DB>,
    bool: Value<DB>,
    Option<bool>: Value<DB>,
    f64: Value<DB>,
    Option<f64>: Value<DB>,
    DateTime<Utc>: Value<DB>,
    Option<DateTime<Utc>>: Value<DB>,
    NaiveDate: Value<DB>,
{
    async fn stored_case(
        &self,
        tracking_number: &hotline_domain::TrackingNumber,
    ) -> Result<Option<crate::store::StoredCase>, StoreError> {
        self.load_stored("tracking_number", tracking_number.as_str(), 0)
            .await
    }

    async fn stored_case_by_id(
        &self,
        id: i64,
    ) -> Result<Option<crate::store::StoredCase>, StoreError> {
        self.load_stored("id", "", id).await
    }

    async fn unarchived_case_ids(&self) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM cases WHERE status <> 'archived' ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn write_lights(
        &self,
        case: &crate::store::StoredCase,
        lights: &hotline_domain::CaseLights,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE cases SET light_yellow_at = $1, light_red_at = $2 \
             WHERE id = $3 AND version = $4",
        )
        .bind(lights.case.map(|l| l.yellow_at))
        .bind(lights.case.map(|l| l.red_at))
        .bind(case.id)
        .bind(case.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 1 {
            let ids: Vec<i64> = case.flow.assignments.iter().filter_map(|a| a.id).collect();
            Self::write_part_lights(&mut *tx, &ids, &lights.parts).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn write_step(
        &self,
        w: &crate::store::StepWrite<'_>,
    ) -> Result<Option<Vec<i64>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let flow = &w.step.flow;
        let lights = &w.step.lights;
        let updated =
            Self::write_flow_columns(&mut *tx, w.case.id, flow, lights.case, w.at, w.case.version)
                .await?;
        if updated == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let ids = Self::write_parts(&mut *tx, w.case.id, &w.case.flow.assignments, flow).await?;
        Self::write_part_lights(&mut *tx, &ids, &lights.parts).await?;
        sqlx::query(crate::store::cases::INSERT_CASE_EVENT)
            .bind(w.case.id)
            .bind(w.at)
            .bind(w.actor)
            .bind(w.step.kind.as_code())
            .bind(Some(w.step.from.as_code()))
            .bind(Some(w.step.to.as_code()))
            .bind(&w.step.note)
            .execute(&mut *tx)
            .await?;
        Self::insert_reminders(
            &mut *tx,
            w.case.id,
            &ids,
            &w.step.reminders,
            w.user_id,
            w.at,
        )
        .await?;
        Self::insert_messages(&mut *tx, w.case.id, w.sms, w.notifications, w.at).await?;
        Self::insert_audit(&mut *tx, w.audit).await?;
        tx.commit().await?;
        Ok(Some(ids))
    }

    async fn due_reminders(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<crate::store::DueReminder>, StoreError> {
        let rows: Vec<ReminderRow> = sqlx::query_as(
            "SELECT id, case_id, assignment_id, kind, next_at, attempts, user_id FROM reminders \
             WHERE done_at IS NULL AND next_at < $1 ORDER BY next_at, id LIMIT $2",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| r.into_due()).collect()
    }

    async fn fire_reminder(
        &self,
        r: &crate::store::DueReminder,
        next_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
        sms: &[crate::store::NewSms],
        notifications: &[crate::store::NewNotification],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The last round closes the reminder: it never repeats for ever.
        let claimed = match next_at {
            Some(next_at) => sqlx::query(
                "UPDATE reminders SET next_at = $1, attempts = attempts + 1, \
                 last_sent_at = $2 WHERE id = $3 AND next_at = $4 AND done_at IS NULL",
            )
            .bind(next_at),
            None => sqlx::query(
                "UPDATE reminders SET done_at = $1, attempts = attempts + 1, \
                 last_sent_at = $2 WHERE id = $3 AND next_at = $4 AND done_at IS NULL",
            )
            .bind(at),
        }
        .bind(at)
        .bind(r.id)
        .bind(r.next_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        Self::insert_messages(&mut *tx, r.case_id, sms, notifications, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn move_reminder(
        &self,
        r: &crate::store::DueReminder,
        next_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE reminders SET next_at = $1 WHERE id = $2 AND next_at = $3 \
             AND done_at IS NULL",
        )
        .bind(next_at)
        .bind(r.id)
        .bind(r.next_at)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    async fn close_reminder(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE reminders SET done_at = $1 WHERE id = $2 AND done_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn queued_sms(&self, limit: u32) -> Result<Vec<hotline_domain::SmsMessage>, StoreError> {
        let rows: Vec<crate::store::flow::SmsRow> = sqlx::query_as(&format!(
            "{} WHERE m.status = 'queued' ORDER BY m.id LIMIT $1",
            SMS_SELECT
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn record_sms_result(
        &self,
        id: i64,
        provider: &str,
        result: Result<Option<String>, String>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (status, reference, error, sent_at) = match result {
            Ok(reference) => ("sent", reference, None, Some(at)),
            Err(error) => ("failed", None, Some(error), None),
        };
        sqlx::query(
            "UPDATE sms_outbox SET status = $1, provider = $2, provider_ref = $3, \
             error = $4, sent_at = $5, attempts = attempts + 1 WHERE id = $6",
        )
        .bind(status)
        .bind(provider)
        .bind(reference)
        .bind(error)
        .bind(sent_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn sms_outbox(&self, limit: u32) -> Result<Vec<hotline_domain::SmsMessage>, StoreError> {
        let rows: Vec<crate::store::flow::SmsRow> =
            sqlx::query_as(&format!("{} ORDER BY m.id DESC LIMIT $1", SMS_SELECT))
                .bind(i64::from(limit.clamp(1, 1000)))
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn notifications(
        &self,
        target: crate::store::NoticeTarget,
        user_id: i64,
        limit: u32,
    ) -> Result<Vec<hotline_domain::Notification>, StoreError> {
        let (condition, id) = notice_condition(target);
        let rows: Vec<(i64, Option<String>, String, String, DateTime<Utc>, bool)> =
            sqlx::query_as(&format!(
                "SELECT n.id, c.tracking_number, n.kind, n.message, n.created_at, \
                 n.id > COALESCE((SELECT r.seen_id FROM notice_reads r WHERE r.user_id = $2), 0) \
                 FROM notifications n LEFT JOIN cases c ON c.id = n.case_id \
                 WHERE ({condition}) OR n.user_id = $2 ORDER BY n.id DESC LIMIT $3"
            ))
            .bind(id)
            .bind(user_id)
            .bind(i64::from(limit.clamp(1, 500)))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, tracking_number, kind, message, created_at, unread)| {
                hotline_domain::Notification {
                    id,
                    tracking_number,
                    kind,
                    message,
                    created_at,
                    unread,
                }
            })
            .collect())
    }

    async fn mark_notices_read(
        &self,
        target: crate::store::NoticeTarget,
        user_id: i64,
        up_to: i64,
    ) -> Result<bool, StoreError> {
        // One statement: the mark is stored only if `up_to` is a notice the reader sees.
        let (condition, id) = notice_condition(target);
        let done = sqlx::query(&format!(
            "INSERT INTO notice_reads (user_id, seen_id) SELECT $2, n.id FROM notifications n \
             WHERE n.id = $3 AND (({condition}) OR n.user_id = $2) \
             ON CONFLICT (user_id) DO UPDATE SET seen_id = CASE \
             WHEN excluded.seen_id > notice_reads.seen_id THEN excluded.seen_id \
             ELSE notice_reads.seen_id END"
        ))
        .bind(id)
        .bind(user_id)
        .bind(up_to)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn assignee_contact(
        &self,
        assignee: hotline_domain::Assignee,
    ) -> Result<Option<crate::store::AssigneeContact>, StoreError> {
        let row: Option<(String, Option<String>, bool)> = match assignee {
            hotline_domain::Assignee::Department(id) => {
                sqlx::query_as("SELECT name, phone, active FROM departments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
            }
            hotline_domain::Assignee::Vendor(id) => {
                sqlx::query_as("SELECT name, phone, status = 'active' FROM vendors WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
            }
            // A registered volunteer or skilled person is always reachable.
            hotline_domain::Assignee::Provider(id) => {
                sqlx::query_as("SELECT name, phone, 1 = 1 FROM providers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
            }
        };
        Ok(
            row.map(|(name, phone, active)| crate::store::AssigneeContact {
                name,
                phone,
                active,
            }),
        )
    }
}

/// Which notices a reader sees besides their own (`n.user_id`): the SQL condition over
/// `notifications n`, with `$1` bound to the returned id.
fn notice_condition(target: crate::store::NoticeTarget) -> (&'static str, i64) {
    match target {
        crate::store::NoticeTarget::Centre => (
            "n.department_id IS NULL AND n.vendor_id IS NULL AND n.user_id IS NULL AND $1 = 0",
            0,
        ),
        crate::store::NoticeTarget::Department(id) => ("n.department_id = $1", id),
        crate::store::NoticeTarget::Vendor(id) => ("n.vendor_id = $1", id),
    }
}
