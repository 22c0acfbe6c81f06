//! Storage of the case life cycle: a case's flow state (its row and its parts), the atomic
//! write of one step of the state machine, stored reminders, the SMS outbox and in-app
//! notifications. Same pattern as `common.rs`: bodies written once, expanded per backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hotline_domain::flow::{Extension, Step};
use hotline_domain::{
    Assignee, Assignment, AssignmentStatus, CaseCounts, CaseFlow, CaseStatus, CaseType,
    Notification, ReminderKind, Satisfaction, SmsMessage, TrackingNumber,
};

use super::{CaseScope, StoreError};
use crate::audit::NewAuditEntry;

/// A case as the state machine and the messages about it need it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCase {
    pub id: i64,
    pub version: i64,
    pub tracking_number: TrackingNumber,
    pub phone: String,
    pub category_zh: String,
    pub flow: CaseFlow,
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

/// Instants the list filters compare with (the light thresholds turned into cut-offs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterClock {
    pub now: DateTime<Utc>,
    pub yellow_micros: i64,
    pub red_micros: i64,
}

impl FilterClock {
    pub fn yellow_cutoff(&self) -> DateTime<Utc> {
        self.now - chrono::Duration::microseconds(self.yellow_micros)
    }
    pub fn red_cutoff(&self) -> DateTime<Utc> {
        self.now - chrono::Duration::microseconds(self.red_micros)
    }
}

#[async_trait]
pub trait FlowStore: Send + Sync {
    async fn stored_case(
        &self,
        tracking_number: &TrackingNumber,
    ) -> Result<Option<StoredCase>, StoreError>;
    async fn stored_case_by_id(&self, id: i64) -> Result<Option<StoredCase>, StoreError>;
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
    /// Records a sent reminder with its messages, moving it to `next_at`, if nobody else
    /// has fired it meanwhile (else writes nothing: `false`).
    async fn fire_reminder(
        &self,
        reminder: &DueReminder,
        next_at: DateTime<Utc>,
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
    async fn notifications(
        &self,
        target: NoticeTarget,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError>;

    async fn assignee_contact(
        &self,
        assignee: Assignee,
    ) -> Result<Option<AssigneeContact>, StoreError>;
    async fn case_counts(
        &self,
        scope: CaseScope,
        clock: FilterClock,
    ) -> Result<CaseCounts, StoreError>;
    /// How many cases in the scope match the filter (the case list's filter, uncapped).
    async fn count_cases(
        &self,
        scope: CaseScope,
        filter: &hotline_domain::CaseFilter,
        clock: FilterClock,
    ) -> Result<i64, StoreError>;
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
    satisfaction: Option<String>,
    remind_at: Option<DateTime<Utc>>,
}

pub(super) const FLOW_SELECT: &str = "SELECT c.id, c.version, c.tracking_number, c.phone, \
     s.name_zh AS category_zh, c.case_type, c.category_code, c.status, c.created_at, \
     c.dispatched_at, c.handled_at, c.callback_due_at, c.satisfaction, c.remind_at \
     FROM cases c JOIN service_categories s ON s.code = c.category_code";

#[derive(sqlx::FromRow)]
pub(super) struct AssignmentRow {
    pub id: i64,
    department_id: Option<i64>,
    vendor_id: Option<i64>,
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
    fed_back_at: Option<DateTime<Utc>>,
    feedback: Option<String>,
    disposition_code: Option<String>,
    closed: bool,
}

pub(super) const ASSIGNMENT_SELECT: &str = "SELECT id, department_id, vendor_id, status, \
     assigned_at, assigned_by, confirm_due_at, due_at, confirmed_at, returned_at, \
     return_reason, return_justified, extension_days, extension_reason, \
     extension_requested_at, extension_approved, extension_decided_at, fed_back_at, feedback, \
     disposition_code, closed FROM case_assignments";

impl AssignmentRow {
    pub(super) fn into_assignment(self) -> Result<Assignment, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("assignment {}: {what}", self.id));
        let assignee = match (self.department_id, self.vendor_id) {
            (Some(d), None) => Assignee::Department(d),
            (None, Some(v)) => Assignee::Vendor(v),
            _ => return Err(corrupt("neither one department nor one vendor")),
        };
        let status = AssignmentStatus::from_code(&self.status).ok_or_else(|| corrupt("status"))?;
        let extension = match (self.extension_days, self.extension_requested_at) {
            (Some(days), Some(requested_at)) => Some(Extension {
                days: u32::try_from(days).map_err(|_| corrupt("extension days"))?,
                reason: self.extension_reason.clone().unwrap_or_default(),
                requested_at,
                approved: self.extension_approved,
                decided_at: self.extension_decided_at,
            }),
            _ => None,
        };
        Ok(Assignment {
            id: Some(self.id),
            assignee,
            status,
            assigned_at: self.assigned_at,
            assigned_by: self.assigned_by,
            confirm_due_at: self.confirm_due_at.unwrap_or(self.assigned_at),
            due_at: self.due_at.unwrap_or(self.assigned_at),
            confirmed_at: self.confirmed_at,
            returned_at: self.returned_at,
            return_reason: self.return_reason,
            return_justified: self.return_justified,
            extension,
            fed_back_at: self.fed_back_at,
            feedback: self.feedback,
            disposition_code: self.disposition_code,
            closed: self.closed,
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
            flow: CaseFlow {
                case_type: match &self.case_type {
                    None => None,
                    Some(t) => Some(CaseType::from_code(t).ok_or_else(|| corrupt("case type"))?),
                },
                category_code: self.category_code,
                status: CaseStatus::from_code(&self.status).ok_or_else(|| corrupt("status"))?,
                created_at: self.created_at,
                dispatched_at: self.dispatched_at,
                handled_at: self.handled_at,
                callback_due_at: self.callback_due_at,
                satisfaction: match &self.satisfaction {
                    None => None,
                    Some(s) => {
                        Some(Satisfaction::from_code(s).ok_or_else(|| corrupt("satisfaction"))?)
                    }
                },
                remind_at: self.remind_at,
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

/// The condition of each list filter, appended to a query over `cases c` (`WHERE TRUE …`).
macro_rules! push_case_filter {
    ($query:expr, $filter:expr, $clock:expr) => {{
        let query = $query;
        let filter: &hotline_domain::CaseFilter = $filter;
        let clock: $crate::store::FilterClock = $clock;
        if let Some(status) = filter.status {
            query.push(" AND c.status = ").push_bind(status.as_code());
        }
        if let Some(t) = filter.case_type {
            query.push(" AND c.case_type = ").push_bind(t.as_code());
        }
        if let Some(light) = filter.light {
            $crate::store::flow::push_light(query, light, clock);
        }
        if let Some(kind) = filter.overdue {
            $crate::store::flow::push_overdue(query, kind, clock);
        }
        if let Some(queue) = filter.queue {
            $crate::store::flow::push_queue(query, queue);
        }
        if let Some(phone) = &filter.phone {
            query.push(" AND c.phone = ").push_bind(phone.clone());
        }
        if let Some(text) = &filter.text {
            let like = format!(
                "%{}%",
                text.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            query
                .push(" AND (c.tracking_number = ")
                .push_bind(text.clone())
                .push(" OR c.content LIKE ")
                .push_bind(like.clone())
                .push(" ESCAPE '\\' OR c.contact_name LIKE ")
                .push_bind(like.clone())
                .push(" ESCAPE '\\' OR c.address LIKE ")
                .push_bind(like.clone())
                .push(" ESCAPE '\\' OR c.phone LIKE ")
                .push_bind(like)
                .push(" ESCAPE '\\')");
        }
    }};
}
pub(super) use push_case_filter;

/// Generic over the two backends through `QueryBuilder`'s bounds.
pub(super) fn push_light<'a, DB>(
    query: &mut sqlx::QueryBuilder<'a, DB>,
    light: hotline_domain::Light,
    clock: FilterClock,
) where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    use hotline_domain::Light;
    query.push(" AND c.dispatched_at IS NOT NULL AND ((c.handling_micros IS NOT NULL AND ");
    match light {
        Light::Red => {
            query
                .push("c.handling_micros > ")
                .push_bind(clock.red_micros)
                .push(") OR (c.handling_micros IS NULL AND c.dispatched_at < ")
                .push_bind(clock.red_cutoff())
                .push("))");
        }
        Light::Yellow => {
            query
                .push("c.handling_micros > ")
                .push_bind(clock.yellow_micros)
                .push(" AND c.handling_micros <= ")
                .push_bind(clock.red_micros)
                .push(") OR (c.handling_micros IS NULL AND c.dispatched_at < ")
                .push_bind(clock.yellow_cutoff())
                .push(" AND c.dispatched_at >= ")
                .push_bind(clock.red_cutoff())
                .push("))");
        }
        Light::Green => {
            query
                .push("c.handling_micros <= ")
                .push_bind(clock.yellow_micros)
                .push(") OR (c.handling_micros IS NULL AND c.dispatched_at >= ")
                .push_bind(clock.yellow_cutoff())
                .push("))");
        }
    }
}

pub(super) fn push_overdue<'a, DB>(
    query: &mut sqlx::QueryBuilder<'a, DB>,
    kind: hotline_domain::Overdue,
    clock: FilterClock,
) where
    DB: sqlx::Database,
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    use hotline_domain::Overdue;
    match kind {
        Overdue::Confirmation => {
            query
                .push(
                    " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id \
                     AND a.status = 'dispatched' AND NOT a.closed AND a.confirm_due_at < ",
                )
                .push_bind(clock.now)
                .push(")");
        }
        Overdue::Completion => {
            query
                .push(
                    " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id \
                     AND a.status IN ('dispatched', 'confirmed') AND NOT a.closed AND a.due_at < ",
                )
                .push_bind(clock.now)
                .push(")");
        }
        Overdue::Callback => {
            query
                .push(" AND c.status IN ('fed_back', 'handled') AND c.callback_due_at < ")
                .push_bind(clock.now);
        }
    }
}

pub(super) fn push_queue<DB: sqlx::Database>(
    query: &mut sqlx::QueryBuilder<'_, DB>,
    queue: hotline_domain::Queue,
) {
    use hotline_domain::Queue;
    match queue {
        Queue::Returns => {
            query.push(
                " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id \
                     AND a.status = 'returned' AND NOT a.closed)",
            );
        }
        Queue::Extensions => {
            query.push(
                " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id \
                     AND a.extension_days IS NOT NULL AND a.extension_approved IS NULL \
                     AND NOT a.closed)",
            );
        }
        Queue::Callbacks => {
            query.push(" AND c.status IN ('fed_back', 'handled')");
        }
        Queue::Todo => {
            query.push(
                " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id \
                     AND a.status IN ('dispatched', 'confirmed') AND NOT a.closed)",
            );
        }
    }
}

macro_rules! impl_flow_store {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn parts_of(
                conn: &mut <$db as sqlx::Database>::Connection,
                case_id: i64,
            ) -> Result<Vec<hotline_domain::Assignment>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::flow::AssignmentRow> = sqlx::query_as(&format!(
                    "{} WHERE case_id = $1 ORDER BY id",
                    $crate::store::flow::ASSIGNMENT_SELECT
                ))
                .bind(case_id)
                .fetch_all(conn)
                .await?;
                rows.into_iter().map(|r| r.into_assignment()).collect()
            }

            async fn load_stored(
                &self,
                column: &str,
                value: &str,
                id: i64,
            ) -> Result<Option<$crate::store::StoredCase>, $crate::store::StoreError> {
                let mut conn = self.pool.acquire().await?;
                let sql = format!("{} WHERE c.{column} = $1", $crate::store::flow::FLOW_SELECT);
                let query = sqlx::query_as::<_, $crate::store::flow::FlowRow>(&sql);
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
            async fn insert_part(
                conn: &mut <$db as sqlx::Database>::Connection,
                case_id: i64,
                a: &hotline_domain::Assignment,
            ) -> Result<i64, $crate::store::StoreError> {
                let (department, vendor) = match a.assignee {
                    hotline_domain::Assignee::Department(d) => (Some(d), None),
                    hotline_domain::Assignee::Vendor(v) => (None, Some(v)),
                };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO case_assignments (case_id, department_id, vendor_id, \
                     assigned_at, assigned_by, status, confirm_due_at, due_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(case_id)
                .bind(department)
                .bind(vendor)
                .bind(a.assigned_at)
                .bind(&a.assigned_by)
                .bind(a.status.as_code())
                .bind(a.confirm_due_at)
                .bind(a.due_at)
                .fetch_one(&mut *conn)
                .await?;
                Self::update_part(conn, case_id, id, a).await?;
                Ok(id)
            }

            async fn update_part(
                conn: &mut <$db as sqlx::Database>::Connection,
                case_id: i64,
                id: i64,
                a: &hotline_domain::Assignment,
            ) -> Result<(), $crate::store::StoreError> {
                let e = a.extension.as_ref();
                sqlx::query(
                    "UPDATE case_assignments SET status = $1, confirm_due_at = $2, due_at = $3, \
                     confirmed_at = $4, returned_at = $5, return_reason = $6, \
                     return_justified = $7, extension_days = $8, extension_reason = $9, \
                     extension_requested_at = $10, extension_approved = $11, \
                     extension_decided_at = $12, fed_back_at = $13, feedback = $14, \
                     disposition_code = $15, closed = $16 WHERE id = $17 AND case_id = $18",
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
                .bind(id)
                .bind(case_id)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Writes a case's flow columns (no version check; the caller holds the row).
            async fn write_flow_columns(
                conn: &mut <$db as sqlx::Database>::Connection,
                case_id: i64,
                flow: &hotline_domain::CaseFlow,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, $crate::store::StoreError> {
                let handling = match (flow.dispatched_at, flow.handled_at) {
                    (Some(d), Some(h)) => (h - d).num_microseconds(),
                    _ => None,
                };
                Ok(sqlx::query(
                    "UPDATE cases SET status = $1, case_type = $2, category_code = $3, \
                     dispatched_at = $4, handled_at = $5, handling_micros = $6, \
                     callback_due_at = $7, satisfaction = $8, remind_at = $9, \
                     updated_at = $10, version = version + 1 WHERE id = $11",
                )
                .bind(flow.status.as_code())
                .bind(flow.case_type.map(|t| t.as_code()))
                .bind(&flow.category_code)
                .bind(flow.dispatched_at)
                .bind(flow.handled_at)
                .bind(handling)
                .bind(flow.callback_due_at)
                .bind(flow.satisfaction.map(|s| s.as_code()))
                .bind(flow.remind_at)
                .bind(at)
                .bind(case_id)
                .execute(&mut *conn)
                .await?
                .rows_affected())
            }

            /// Writes every part of `flow` that differs from `before` (new ones inserted);
            /// returns the ids in order.
            async fn write_parts(
                conn: &mut <$db as sqlx::Database>::Connection,
                case_id: i64,
                before: &[hotline_domain::Assignment],
                flow: &hotline_domain::CaseFlow,
            ) -> Result<Vec<i64>, $crate::store::StoreError> {
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

            async fn insert_reminders(
                conn: &mut <$db as sqlx::Database>::Connection,
                case_id: i64,
                ids: &[i64],
                reminders: &[hotline_domain::flow::ReminderDraft],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                for r in reminders {
                    sqlx::query(
                        "INSERT INTO reminders (case_id, assignment_id, kind, next_at, \
                         attempts, created_at) VALUES ($1, $2, $3, $4, 0, $5)",
                    )
                    .bind(case_id)
                    .bind(r.assignment.and_then(|i| ids.get(i).copied()))
                    .bind(r.kind.as_code())
                    .bind(r.at)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            }

            async fn insert_messages(
                conn: &mut <$db as sqlx::Database>::Connection,
                case_id: i64,
                sms: &[$crate::store::NewSms],
                notifications: &[$crate::store::NewNotification],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
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
                         message, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(n.department_id)
                    .bind(n.vendor_id)
                    .bind(case_id)
                    .bind(&n.kind)
                    .bind(&n.message)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::FlowStore for $store {
            async fn stored_case(
                &self,
                tracking_number: &hotline_domain::TrackingNumber,
            ) -> Result<Option<$crate::store::StoredCase>, $crate::store::StoreError> {
                self.load_stored("tracking_number", tracking_number.as_str(), 0)
                    .await
            }

            async fn stored_case_by_id(
                &self,
                id: i64,
            ) -> Result<Option<$crate::store::StoredCase>, $crate::store::StoreError> {
                self.load_stored("id", "", id).await
            }

            async fn write_step(
                &self,
                w: &$crate::store::StepWrite<'_>,
            ) -> Result<Option<Vec<i64>>, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let handling = match (w.step.flow.dispatched_at, w.step.flow.handled_at) {
                    (Some(d), Some(h)) => (h - d).num_microseconds(),
                    _ => None,
                };
                let flow = &w.step.flow;
                let updated = sqlx::query(
                    "UPDATE cases SET status = $1, case_type = $2, category_code = $3, \
                     dispatched_at = $4, handled_at = $5, handling_micros = $6, \
                     callback_due_at = $7, satisfaction = $8, remind_at = $9, \
                     updated_at = $10, version = version + 1 WHERE id = $11 AND version = $12",
                )
                .bind(flow.status.as_code())
                .bind(flow.case_type.map(|t| t.as_code()))
                .bind(&flow.category_code)
                .bind(flow.dispatched_at)
                .bind(flow.handled_at)
                .bind(handling)
                .bind(flow.callback_due_at)
                .bind(flow.satisfaction.map(|s| s.as_code()))
                .bind(flow.remind_at)
                .bind(w.at)
                .bind(w.case.id)
                .bind(w.case.version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    tx.rollback().await?;
                    return Ok(None);
                }
                let ids =
                    Self::write_parts(&mut *tx, w.case.id, &w.case.flow.assignments, flow).await?;
                sqlx::query($crate::store::sql::INSERT_CASE_EVENT)
                    .bind(w.case.id)
                    .bind(w.at)
                    .bind(w.actor)
                    .bind(w.step.kind.as_code())
                    .bind(Some(w.step.from.as_code()))
                    .bind(Some(w.step.to.as_code()))
                    .bind(&w.step.note)
                    .execute(&mut *tx)
                    .await?;
                Self::insert_reminders(&mut *tx, w.case.id, &ids, &w.step.reminders, w.at).await?;
                Self::insert_messages(&mut *tx, w.case.id, w.sms, w.notifications, w.at).await?;
                Self::insert_audit(&mut *tx, w.audit).await?;
                tx.commit().await?;
                Ok(Some(ids))
            }

            async fn due_reminders(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: u32,
            ) -> Result<Vec<$crate::store::DueReminder>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::flow::ReminderRow> = sqlx::query_as(
                    "SELECT id, case_id, assignment_id, kind, next_at, attempts FROM reminders \
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
                r: &$crate::store::DueReminder,
                next_at: chrono::DateTime<chrono::Utc>,
                at: chrono::DateTime<chrono::Utc>,
                sms: &[$crate::store::NewSms],
                notifications: &[$crate::store::NewNotification],
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let claimed = sqlx::query(
                    "UPDATE reminders SET next_at = $1, attempts = attempts + 1, \
                     last_sent_at = $2 WHERE id = $3 AND next_at = $4 AND done_at IS NULL",
                )
                .bind(next_at)
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
                r: &$crate::store::DueReminder,
                next_at: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, $crate::store::StoreError> {
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

            async fn close_reminder(
                &self,
                id: i64,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("UPDATE reminders SET done_at = $1 WHERE id = $2 AND done_at IS NULL")
                    .bind(at)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn queued_sms(
                &self,
                limit: u32,
            ) -> Result<Vec<hotline_domain::SmsMessage>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::flow::SmsRow> = sqlx::query_as(&format!(
                    "{} WHERE m.status = 'queued' ORDER BY m.id LIMIT $1",
                    $crate::store::flow::SMS_SELECT
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
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
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

            async fn sms_outbox(
                &self,
                limit: u32,
            ) -> Result<Vec<hotline_domain::SmsMessage>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::flow::SmsRow> = sqlx::query_as(&format!(
                    "{} ORDER BY m.id DESC LIMIT $1",
                    $crate::store::flow::SMS_SELECT
                ))
                .bind(i64::from(limit.clamp(1, 1000)))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn notifications(
                &self,
                target: $crate::store::NoticeTarget,
                limit: u32,
            ) -> Result<Vec<hotline_domain::Notification>, $crate::store::StoreError> {
                let (condition, id) = match target {
                    $crate::store::NoticeTarget::Centre => {
                        ("n.department_id IS NULL AND n.vendor_id IS NULL AND $1 = 0", 0)
                    }
                    $crate::store::NoticeTarget::Department(id) => ("n.department_id = $1", id),
                    $crate::store::NoticeTarget::Vendor(id) => ("n.vendor_id = $1", id),
                };
                let rows: Vec<(i64, Option<String>, String, String, chrono::DateTime<chrono::Utc>)> =
                    sqlx::query_as(&format!(
                        "SELECT n.id, c.tracking_number, n.kind, n.message, n.created_at \
                         FROM notifications n LEFT JOIN cases c ON c.id = n.case_id \
                         WHERE {condition} ORDER BY n.id DESC LIMIT $2"
                    ))
                    .bind(id)
                    .bind(i64::from(limit.clamp(1, 500)))
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, tracking_number, kind, message, created_at)| {
                        hotline_domain::Notification {
                            id,
                            tracking_number,
                            kind,
                            message,
                            created_at,
                        }
                    })
                    .collect())
            }

            async fn assignee_contact(
                &self,
                assignee: hotline_domain::Assignee,
            ) -> Result<Option<$crate::store::AssigneeContact>, $crate::store::StoreError> {
                let row: Option<(String, Option<String>, bool)> = match assignee {
                    hotline_domain::Assignee::Department(id) => {
                        sqlx::query_as("SELECT name, phone, active FROM departments WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&self.pool)
                            .await?
                    }
                    hotline_domain::Assignee::Vendor(id) => {
                        sqlx::query_as(
                            "SELECT name, phone, status = 'active' FROM vendors WHERE id = $1",
                        )
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                    }
                };
                Ok(row.map(|(name, phone, active)| $crate::store::AssigneeContact {
                    name,
                    phone,
                    active,
                }))
            }

            async fn case_counts(
                &self,
                scope: $crate::store::CaseScope,
                clock: $crate::store::FilterClock,
            ) -> Result<hotline_domain::CaseCounts, $crate::store::StoreError> {
                use hotline_domain::{CaseFilter, Light, Overdue, Queue};
                let filters: [CaseFilter; 10] = [
                    CaseFilter { light: Some(Light::Green), ..Default::default() },
                    CaseFilter { light: Some(Light::Yellow), ..Default::default() },
                    CaseFilter { light: Some(Light::Red), ..Default::default() },
                    CaseFilter { overdue: Some(Overdue::Confirmation), ..Default::default() },
                    CaseFilter { overdue: Some(Overdue::Completion), ..Default::default() },
                    CaseFilter { overdue: Some(Overdue::Callback), ..Default::default() },
                    CaseFilter { queue: Some(Queue::Returns), ..Default::default() },
                    CaseFilter { queue: Some(Queue::Extensions), ..Default::default() },
                    CaseFilter { queue: Some(Queue::Callbacks), ..Default::default() },
                    CaseFilter { queue: Some(Queue::Todo), ..Default::default() },
                ];
                let mut n = [0i64; 10];
                for (i, filter) in filters.iter().enumerate() {
                    n[i] = self.count_cases(scope, filter, clock).await?;
                }
                Ok(hotline_domain::CaseCounts {
                    green: n[0],
                    yellow: n[1],
                    red: n[2],
                    overdue_confirmation: n[3],
                    overdue_completion: n[4],
                    overdue_callback: n[5],
                    returns: n[6],
                    extensions: n[7],
                    callbacks: n[8],
                    todo: n[9],
                })
            }

            async fn count_cases(
                &self,
                scope: $crate::store::CaseScope,
                filter: &hotline_domain::CaseFilter,
                clock: $crate::store::FilterClock,
            ) -> Result<i64, $crate::store::StoreError> {
                let mut query =
                    sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM cases c WHERE 1 = 1");
                $crate::store::flow::push_case_filter!(&mut query, filter, clock);
                Self::push_scope_for(&mut query, scope, filter.queue);
                Ok(query.build_query_scalar().fetch_one(&self.pool).await?)
            }
        }
    };
}
pub(super) use impl_flow_store;
