//! Storage of cases: filing a request, the case lists with their filters, scopes and
//! counters, and one case with its history.

use hotline_domain::{
    CaseCounts, CaseDetail, CaseFilter, CaseListItem, CaseStatus, Channel, NewRequest,
    RequestSummary, TrackingNumber,
};

use crate::audit::{NewAuditEntry, Origin};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, Value};
use super::{Dialect, SqlStore, StoreError};

/// The rows of cases a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    All,
    Department(i64),
    Vendor(i64),
}

/// One filing as the filing writer hands it to the store: the validated request, how it
/// came in, and the one reading of the clock its number and timestamps come from.
#[derive(Debug, Clone)]
pub struct NewFiling {
    pub request: NewRequest,
    pub channel: Channel,
    /// The China date the tracking number is drawn for.
    pub local_date: NaiveDate,
    pub at: DateTime<Utc>,
    pub priority: hotline_domain::Priority,
    pub origin: Origin,
    /// The Open311 key it was filed with (SPEC I2).
    pub api_key: Option<i64>,
}

/// The instant the list filters compare with (lights, overdue limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterClock {
    pub now: DateTime<Utc>,
}

/// Bumps a named counter and returns the new value, inside the caller's transaction.
pub(super) const NEXT_COUNTER: &str = "INSERT INTO counters (name, value) VALUES ($1, 1) \
     ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value";

pub(super) const INSERT_CASE: &str =
    "INSERT INTO cases (tracking_number, channel, case_type, status, \
     category_code, content, contact_name, phone, anonymous, district_code, address, lon, lat, \
     created_at, updated_at, priority) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id";

pub(super) const INSERT_CASE_EVENT: &str = "INSERT INTO case_events (case_id, at, actor, kind, \
     from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)";

const SUMMARY_SELECT: &str = "SELECT c.tracking_number, c.channel, c.status, c.category_code, \
     sc.name_zh AS category_zh, sc.name_en AS category_en, c.content, c.contact_name, c.phone, \
     r.name AS district_name, c.address, c.created_at, c.priority \
     FROM cases c \
     JOIN service_categories sc ON sc.code = c.category_code \
     LEFT JOIN regions r ON r.code = c.district_code";

/// Urgent cases still in hand before the rest (W9); the same SQL on both backends.
const URGENT_FIRST: &str = "CASE WHEN c.priority = 'urgent' \
     AND c.status NOT IN ('called_back', 'archived') THEN 0 ELSE 1 END";

/// The `ORDER BY` of a case list page, the same SQL on both backends. Every order ends on
/// the row id, so pages never repeat or skip a row between equal keys.
fn case_order(window: &hotline_domain::CaseWindow) -> String {
    use hotline_domain::{CaseSort, CaseStatus};
    let dir = if window.descending { "DESC" } else { "ASC" };
    match window.sort {
        None => format!(" ORDER BY {URGENT_FIRST}, c.created_at DESC, c.id DESC"),
        Some(CaseSort::Filed) => format!(" ORDER BY c.created_at {dir}, c.id {dir}"),
        Some(CaseSort::Updated) => format!(" ORDER BY c.updated_at {dir}, c.id {dir}"),
        Some(CaseSort::Number) => format!(" ORDER BY c.tracking_number {dir}, c.id {dir}"),
        // The life cycle's order, not the codes' alphabet.
        Some(CaseSort::Status) => {
            let mut order = String::from(" ORDER BY CASE c.status");
            for (i, status) in CaseStatus::ALL.iter().enumerate() {
                order.push_str(&format!(" WHEN '{}' THEN {i}", status.as_code()));
            }
            order.push_str(&format!(" END {dir}, c.created_at DESC, c.id DESC"));
            order
        }
        // The red light's instant is the earliest running limit; cases with none (not in
        // hand) come last either way.
        Some(CaseSort::Due) => format!(" ORDER BY light_red_at {dir} NULLS LAST, c.id {dir}"),
    }
}

pub(super) fn summaries_by_status() -> String {
    format!(
        "{SUMMARY_SELECT} WHERE c.status = $1 \
         ORDER BY {URGENT_FIRST}, c.created_at DESC, c.id DESC LIMIT $2"
    )
}

pub(super) fn summary_by_tracking_number() -> String {
    format!("{SUMMARY_SELECT} WHERE c.tracking_number = $1")
}

#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    tracking_number: String,
    channel: String,
    status: String,
    category_code: String,
    category_zh: String,
    category_en: String,
    content: String,
    contact_name: Option<String>,
    phone: String,
    district_name: Option<String>,
    address: Option<String>,
    created_at: DateTime<Utc>,
    priority: String,
}

impl TryFrom<SummaryRow> for RequestSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<RequestSummary, StoreError> {
        let corrupt = |what: &str, value: &str| {
            StoreError::Corrupt(format!("case {}: {what} {value:?}", row.tracking_number))
        };
        Ok(RequestSummary {
            tracking_number: TrackingNumber::parse(&row.tracking_number)
                .ok_or_else(|| corrupt("tracking number", &row.tracking_number))?,
            channel: Channel::from_code(&row.channel)
                .ok_or_else(|| corrupt("channel", &row.channel))?,
            status: CaseStatus::from_code(&row.status)
                .ok_or_else(|| corrupt("status", &row.status))?,
            category_code: row.category_code,
            category_zh: row.category_zh,
            category_en: row.category_en,
            content: row.content,
            contact_name: row.contact_name,
            phone: row.phone,
            district_name: row.district_name,
            address: row.address,
            created_at: row.created_at,
            priority: hotline_domain::Priority::from_code(&row.priority)
                .ok_or_else(|| corrupt("priority", &row.priority))?,
        })
    }
}

pub(super) fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<RequestSummary>, StoreError> {
    rows.into_iter().map(RequestSummary::try_from).collect()
}

/// `SELECT` of [`CaseRow`]s over `cases c` (`… WHERE 1 = 1`): the light columns are the
/// case's for the centre, the worst of its own open parts' for a department or vendor.
pub(super) fn case_select<'a, DB>(scope: CaseScope) -> sqlx::QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut query = sqlx::QueryBuilder::<DB>::new(
        "SELECT c.id, c.tracking_number, c.channel, c.case_type, \
         c.status, sc.name_zh AS category_zh, sc.name_en AS category_en, c.content, \
         c.contact_name, c.phone, c.district_code, r.name AS district_name, c.address, \
         c.anonymous, c.created_at, c.updated_at, c.dispatched_at, c.handled_at, c.category_code, \
         c.satisfaction, c.callback_due_at, c.remind_at, c.priority, ",
    );
    for (i, column) in ["light_yellow_at", "light_red_at"].into_iter().enumerate() {
        if i > 0 {
            query.push(", ");
        }
        push_light_instant(&mut query, scope, column);
        query.push(format!(" AS {column}"));
    }
    query.push(
        " FROM cases c JOIN service_categories sc ON sc.code = c.category_code \
         LEFT JOIN regions r ON r.code = c.district_code WHERE 1 = 1",
    );
    query
}

/// A light instant of a case as its reader sees it: the case's own column for the centre,
/// the earliest of the reader's open parts' for a department or vendor.
fn push_light_instant<'a, DB>(
    query: &mut sqlx::QueryBuilder<'a, DB>,
    scope: CaseScope,
    column: &str,
) where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if scope == CaseScope::All {
        query.push(format!("c.{column}"));
    } else {
        query.push(format!(
            "(SELECT MIN(a.{column}) FROM case_assignments a WHERE a.case_id = c.id \
             AND NOT a.closed"
        ));
        push_own_parts(query, scope);
        query.push(")");
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CaseRow {
    pub id: i64,
    tracking_number: String,
    channel: String,
    case_type: Option<String>,
    status: String,
    category_zh: String,
    category_en: String,
    content: String,
    contact_name: Option<String>,
    phone: String,
    pub district_code: Option<String>,
    district_name: Option<String>,
    pub address: Option<String>,
    pub anonymous: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    dispatched_at: Option<DateTime<Utc>>,
    handled_at: Option<DateTime<Utc>>,
    pub category_code: String,
    pub satisfaction: Option<String>,
    pub callback_due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
    light_yellow_at: Option<DateTime<Utc>>,
    light_red_at: Option<DateTime<Utc>>,
    priority: String,
}

impl CaseRow {
    /// The list item, with its light at `now` if given.
    pub(super) fn into_item(
        self,
        assigned_to: Vec<String>,
        now: Option<DateTime<Utc>>,
    ) -> Result<CaseListItem, StoreError> {
        use hotline_domain::{CaseType, Channel};
        let corrupt = |what: &str, value: &str| {
            StoreError::Corrupt(format!("case {}: {what} {value:?}", self.tracking_number))
        };
        Ok(CaseListItem {
            tracking_number: TrackingNumber::parse(&self.tracking_number)
                .ok_or_else(|| corrupt("tracking number", &self.tracking_number))?,
            channel: Channel::from_code(&self.channel)
                .ok_or_else(|| corrupt("channel", &self.channel))?,
            case_type: match &self.case_type {
                None => None,
                Some(t) => Some(CaseType::from_code(t).ok_or_else(|| corrupt("case type", t))?),
            },
            status: CaseStatus::from_code(&self.status)
                .ok_or_else(|| corrupt("status", &self.status))?,
            category_zh: self.category_zh,
            category_en: self.category_en,
            content: self.content,
            contact_name: self.contact_name,
            phone: self.phone,
            district_name: self.district_name,
            assigned_to,
            created_at: self.created_at,
            updated_at: self.updated_at,
            dispatched_at: self.dispatched_at,
            handled_at: self.handled_at,
            light: match (now, self.light_yellow_at, self.light_red_at) {
                (Some(now), Some(yellow_at), Some(red_at)) => {
                    Some(hotline_domain::LightTimes { yellow_at, red_at }.at(now))
                }
                _ => None,
            },
            priority: hotline_domain::Priority::from_code(&self.priority)
                .ok_or_else(|| corrupt("priority", &self.priority))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    at: DateTime<Utc>,
    actor: String,
    actor_name: Option<String>,
    kind: String,
    from_status: Option<String>,
    to_status: Option<String>,
    note: Option<String>,
}

impl From<EventRow> for hotline_domain::CaseEventView {
    fn from(r: EventRow) -> Self {
        hotline_domain::CaseEventView {
            at: r.at,
            actor: r.actor,
            actor_name: r.actor_name,
            kind: r.kind,
            from_status: r.from_status.as_deref().and_then(CaseStatus::from_code),
            to_status: r.to_status.as_deref().and_then(CaseStatus::from_code),
            note: r.note,
            classified: None,
        }
    }
}

/// The condition of each list filter, appended to a query over `cases c` (`WHERE 1 = 1 …`).
/// For a department or vendor (`scope`), the lights, overdue kinds and queues go by its own
/// open parts of a case, not by other assignees' parts or the centre's callback.
pub(super) fn push_case_filter<'a, DB>(
    query: &mut sqlx::QueryBuilder<'a, DB>,
    filter: &CaseFilter,
    clock: FilterClock,
    scope: CaseScope,
) where
    DB: sqlx::Database,
    for<'n> &'n str: Bind<'n, DB>,
    String: Value<DB>,
    i64: Value<DB>,
    DateTime<Utc>: Value<DB>,
{
    if let Some(status) = filter.status {
        query.push(" AND c.status = ").push_bind(status.as_code());
    }
    if let Some(t) = filter.case_type {
        query.push(" AND c.case_type = ").push_bind(t.as_code());
    }
    if let Some(light) = filter.light {
        push_light(query, light, clock, scope);
    }
    if let Some(kind) = filter.overdue {
        push_overdue(query, kind, clock, scope);
    }
    if let Some(queue) = filter.queue {
        push_queue(query, queue, scope);
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
}

/// `EXISTS` over the case's open parts (`a`) of the reader (any assignee's for the centre),
/// meeting the condition `condition` pushes.
fn push_open_part<'a, DB>(
    query: &mut sqlx::QueryBuilder<'a, DB>,
    scope: CaseScope,
    condition: impl FnOnce(&mut sqlx::QueryBuilder<'a, DB>),
) where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    query.push(
        " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND NOT a.closed",
    );
    push_own_parts(query, scope);
    query.push(" AND ");
    condition(query);
    query.push(")");
}

/// ` AND a.department_id = …` (or the vendor) for a scoped reader.
fn push_own_parts<'a, DB>(query: &mut sqlx::QueryBuilder<'a, DB>, scope: CaseScope)
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match scope {
        CaseScope::All => {}
        CaseScope::Department(id) => {
            query.push(" AND a.department_id = ").push_bind(id);
        }
        CaseScope::Vendor(id) => {
            query.push(" AND a.vendor_id = ").push_bind(id);
        }
    }
}

/// The light of each case (and part) is stored as the instants it turns yellow and red
/// (NULL: no limit runs); "more than" the limit is red, so a light changes just after its
/// instant. The centre goes by the case's light, a department or vendor by the worst of
/// its own open parts'.
pub(super) fn push_light<'a, DB>(
    query: &mut sqlx::QueryBuilder<'a, DB>,
    light: hotline_domain::Light,
    clock: FilterClock,
    scope: CaseScope,
) where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    use hotline_domain::Light;
    query.push(" AND ");
    match light {
        Light::Red => {
            push_light_instant(query, scope, "light_red_at");
            query.push(" < ").push_bind(clock.now);
        }
        Light::Yellow => {
            push_light_instant(query, scope, "light_yellow_at");
            query.push(" < ").push_bind(clock.now).push(" AND ");
            push_light_instant(query, scope, "light_red_at");
            query.push(" >= ").push_bind(clock.now);
        }
        Light::Green => {
            push_light_instant(query, scope, "light_yellow_at");
            query.push(" >= ").push_bind(clock.now);
        }
    }
}

pub(super) fn push_overdue<'a, DB>(
    query: &mut sqlx::QueryBuilder<'a, DB>,
    kind: hotline_domain::Overdue,
    clock: FilterClock,
    scope: CaseScope,
) where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    use hotline_domain::Overdue;
    match kind {
        Overdue::Confirmation => push_open_part(query, scope, |q| {
            q.push("a.status = 'dispatched' AND a.confirm_due_at < ")
                .push_bind(clock.now);
        }),
        Overdue::Completion => push_open_part(query, scope, |q| {
            q.push("a.status IN ('dispatched', 'confirmed') AND a.due_at < ")
                .push_bind(clock.now);
        }),
        Overdue::Callback => {
            // The centre's own limit: no department's or vendor's.
            if scope != CaseScope::All {
                query.push(" AND 1 = 0");
            }
            query
                .push(" AND c.status IN ('fed_back', 'handled') AND c.callback_due_at < ")
                .push_bind(clock.now);
        }
    }
}

pub(super) fn push_queue<'a, DB>(
    query: &mut sqlx::QueryBuilder<'a, DB>,
    queue: hotline_domain::Queue,
    scope: CaseScope,
) where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    use hotline_domain::Queue;
    match queue {
        Queue::Returns => push_open_part(query, scope, |q| {
            q.push("a.status = 'returned'");
        }),
        Queue::Extensions => push_open_part(query, scope, |q| {
            q.push(
                "a.extension_days IS NOT NULL AND a.extension_approved IS NULL \
                 AND a.extension_withdrawn_at IS NULL",
            );
        }),
        Queue::Callbacks => {
            if scope != CaseScope::All {
                query.push(" AND 1 = 0");
            }
            query.push(" AND c.status IN ('fed_back', 'handled')");
        }
        Queue::Todo => push_open_part(query, scope, |q| {
            q.push("a.status IN ('dispatched', 'confirmed')");
        }),
    }
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores filings, each as a case in `Submitted` state with its first event and audit
    /// entry and the day's next tracking number, in one transaction: one commit, so one
    /// flush to disk for the lot. One the database refuses is left out alone (the group is
    /// then stored again with a savepoint each) without undoing the others. The outer error
    /// means none was stored. Returns them as agents see them.
    async fn insert_requests(
        &self,
        filings: &[NewFiling],
    ) -> Result<Vec<Result<RequestSummary, StoreError>>, StoreError>;
    /// Cases in one state, urgent first, then newest first.
    async fn requests_by_status(
        &self,
        status: CaseStatus,
        limit: u32,
    ) -> Result<Vec<RequestSummary>, StoreError>;
    async fn request(
        &self,
        tracking_number: &TrackingNumber,
    ) -> Result<Option<RequestSummary>, StoreError>;
    /// One page of the cases in the scope, in the window's order (by default urgent first,
    /// then newest filed), phones as stored (the service masks them).
    async fn cases(
        &self,
        scope: CaseScope,
        filter: &hotline_domain::CaseFilter,
        clock: super::FilterClock,
        window: &hotline_domain::CaseWindow,
    ) -> Result<Vec<CaseListItem>, StoreError>;
    /// One case if it is in the scope, with its history.
    async fn case_detail(
        &self,
        scope: CaseScope,
        tracking_number: &TrackingNumber,
    ) -> Result<Option<CaseDetail>, StoreError>;
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
    /// Distinct phones of the oldest cases (the demo marks a few callers).
    async fn case_phones(&self, limit: i64) -> Result<Vec<String>, StoreError>;
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
    /// The names of the departments, vendors and providers with a part of each case, in
    /// the order sent, each once; `parts` is the SQL condition on the part (`a`) that counts.
    pub(super) async fn assignment_names(
        &self,
        case_ids: &[i64],
        parts: &'static str,
    ) -> Result<std::collections::HashMap<i64, Vec<String>>, StoreError> {
        let mut names: std::collections::HashMap<i64, Vec<String>> = Default::default();
        if case_ids.is_empty() {
            return Ok(names);
        }
        let mut query = sqlx::QueryBuilder::<DB>::new(
            "SELECT a.case_id, COALESCE(d.name, v.name, p.name) AS name FROM case_assignments a \
             LEFT JOIN departments d ON d.id = a.department_id \
             LEFT JOIN vendors v ON v.id = a.vendor_id \
             LEFT JOIN providers p ON p.id = a.provider_id \
             WHERE ",
        );
        query.push(parts).push(" AND a.case_id IN (");
        let mut list = query.separated(", ");
        for id in case_ids {
            list.push_bind(*id);
        }
        query.push(") ORDER BY a.case_id, a.assigned_at, a.id");
        let rows: Vec<(i64, Option<String>)> = DB::fetch_all(query, &self.pool).await?;
        for (case_id, name) in rows {
            let list = names.entry(case_id).or_default();
            if let Some(name) = name.filter(|n| !list.contains(n)) {
                list.push(name);
            }
        }
        Ok(names)
    }

    /// One filing inside the caller's transaction: the day's next number, the case, its
    /// first event and the audit entry; the summary as stored.
    async fn insert_filing(
        tx: &mut DB::Connection,
        filing: &NewFiling,
    ) -> Result<RequestSummary, StoreError> {
        let NewFiling {
            request,
            channel,
            local_date,
            at,
            priority,
            origin,
            api_key,
        } = filing;
        let (channel, local_date, at, priority) = (*channel, *local_date, *at, *priority);
        let status = hotline_domain::CaseStatus::Submitted;
        // The counter bump is the transaction's first write, so concurrent filings
        // queue on it and never draw the same number.
        let counter = format!("tracking:{}", local_date.format("%Y%m%d"));
        let sequence: i64 = sqlx::query_scalar(NEXT_COUNTER)
            .bind(&counter)
            .fetch_one(&mut *tx)
            .await?;
        // Six digits a day; a 15-digit number would not parse back as a tracking number.
        let sequence = u32::try_from(sequence)
            .ok()
            .filter(|s| *s <= 999_999)
            .ok_or_else(|| StoreError::Corrupt(format!("counter {counter} exhausted")))?;
        let tracking = hotline_domain::TrackingNumber::new(local_date, sequence);
        let case_id: i64 = sqlx::query_scalar(INSERT_CASE)
            .bind(tracking.as_str())
            .bind(channel.as_code())
            .bind(None::<String>)
            .bind(status.as_code())
            .bind(&request.category)
            .bind(&request.content)
            .bind(&request.contact_name)
            .bind(request.phone.as_str())
            .bind(request.anonymous)
            .bind(&request.district)
            .bind(&request.address)
            .bind(request.location.map(|p| p.lon))
            .bind(request.location.map(|p| p.lat))
            .bind(at)
            .bind(at)
            .bind(priority.as_code())
            .fetch_one(&mut *tx)
            .await?;
        if let Some(key) = api_key {
            sqlx::query("UPDATE cases SET api_key_id = $1 WHERE id = $2")
                .bind(*key)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
                .bind(*key)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        // Every caller is remembered (SPEC R4), in the filing's own transaction.
        let (name, district, address) = super::clients::case_caller_fields(
            request.contact_name.as_deref(),
            request.anonymous,
            request.district.as_deref(),
            request.address.as_deref(),
        );
        sqlx::query(super::clients::REMEMBER_CASE_CALLER)
            .bind(request.phone.as_str())
            .bind(name)
            .bind(district)
            .bind(address)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(crate::store::cases::INSERT_CASE_EVENT)
            .bind(case_id)
            .bind(at)
            .bind(format!("citizen:{}", channel.as_code()))
            .bind("submitted")
            .bind(None::<String>)
            .bind(status.as_code())
            .bind(None::<String>)
            .execute(&mut *tx)
            .await?;
        // A citizen who filed themselves gets the number by SMS too, stored with the filing
        // (sent by the SMS worker). A caller's case is accepted at once, and that step's
        // SMS carries the number.
        if matches!(
            channel,
            hotline_domain::Channel::Web | hotline_domain::Channel::Open311
        ) {
            Self::insert_messages(
                &mut *tx,
                case_id,
                &[crate::store::NewSms {
                    to_phone: request.phone.as_str().to_string(),
                    recipient: "citizen".into(),
                    body: crate::flow::filed_sms(&tracking),
                    purpose: "filed".into(),
                }],
                &[],
                at,
            )
            .await?;
        }
        let after = serde_json::json!({
            "tracking_number": tracking.as_str(),
            "channel": channel.as_code(),
            "status": status.as_code(),
            "category": request.category,
            "content": request.content,
            "contact_name": request.contact_name,
            // Masked: the case row holds the number; the log need not spread it.
            "phone": hotline_domain::mask_phone(request.phone.as_str()),
            "anonymous": request.anonymous,
            "district": request.district,
            "address": request.address,
        });
        Self::insert_audit(
            &mut *tx,
            &NewAuditEntry {
                at,
                origin: origin.clone(),
                action: "create".into(),
                object_type: "case".into(),
                object_id: tracking.to_string(),
                before: None,
                after: Some(after.to_string()),
            },
        )
        .await?;
        let row: SummaryRow = sqlx::query_as(&summary_by_tracking_number())
            .bind(tracking.as_str())
            .fetch_one(&mut *tx)
            .await?;
        // Converted inside the transaction: a filing is reported stored only if it is.
        row.try_into()
    }

    /// Restricts to the reader's rows; with the `todo` queue, to the cases where the
    /// reader's own part is still being worked on.
    /// The cases a department or vendor sees: those with a part of theirs (open or not).
    pub(super) fn push_scope(query: &mut sqlx::QueryBuilder<'_, DB>, scope: CaseScope) {
        let (column, id) = match scope {
            CaseScope::All => return,
            CaseScope::Department(id) => ("department_id", id),
            CaseScope::Vendor(id) => ("vendor_id", id),
        };
        query.push(format!(
            " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.{column} = "
        ));
        query.push_bind(id);
        query.push(")");
    }
}

#[async_trait]
impl<DB> CaseStore for SqlStore<DB>
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
    async fn insert_requests(
        &self,
        filings: &[NewFiling],
    ) -> Result<Vec<Result<RequestSummary, StoreError>>, StoreError> {
        // First all together, without savepoints: one statement fewer per filing each way
        // (on PostgreSQL each is a round trip). Nearly always they all go in.
        let mut tx = self.pool.begin().await?;
        let mut stored = Vec::with_capacity(filings.len());
        let mut refused = None;
        for filing in filings {
            match Self::insert_filing(&mut *tx, filing).await {
                Ok(summary) => stored.push(summary),
                Err(error) => {
                    refused = Some(error);
                    break;
                }
            }
        }
        let Some(error) = refused else {
            tx.commit().await?;
            return Ok(stored.into_iter().map(Ok).collect());
        };
        tx.rollback().await?;
        if let [_] = filings {
            return Ok(vec![Err(error)]);
        }
        // One was refused: the lot again, each under its own savepoint, so the refused one
        // is left out alone and its number is given back.
        let mut tx = self.pool.begin().await?;
        let mut results = Vec::with_capacity(filings.len());
        for filing in filings {
            let mut savepoint = sqlx::Connection::begin(&mut *tx).await?;
            match Self::insert_filing(&mut *savepoint, filing).await {
                Ok(summary) => {
                    savepoint.commit().await?;
                    results.push(Ok(summary));
                }
                Err(error) => {
                    savepoint.rollback().await?;
                    results.push(Err(error));
                }
            }
        }
        tx.commit().await?;
        Ok(results)
    }

    async fn requests_by_status(
        &self,
        status: hotline_domain::CaseStatus,
        limit: u32,
    ) -> Result<Vec<hotline_domain::RequestSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(&summaries_by_status())
            .bind(status.as_code())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        summaries(rows)
    }

    async fn request(
        &self,
        tracking_number: &hotline_domain::TrackingNumber,
    ) -> Result<Option<hotline_domain::RequestSummary>, StoreError> {
        let row: Option<SummaryRow> = sqlx::query_as(&summary_by_tracking_number())
            .bind(tracking_number.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn cases(
        &self,
        scope: crate::store::CaseScope,
        filter: &hotline_domain::CaseFilter,
        clock: crate::store::FilterClock,
        window: &hotline_domain::CaseWindow,
    ) -> Result<Vec<hotline_domain::CaseListItem>, StoreError> {
        let mut query = case_select::<DB>(scope);
        push_case_filter(&mut query, filter, clock, scope);
        Self::push_scope(&mut query, scope);
        query
            .push(case_order(window))
            .push(" LIMIT ")
            .push_bind(i64::from(window.per_page.clamp(1, 1000)))
            .push(" OFFSET ")
            .push_bind(i64::try_from(window.offset()).unwrap_or(i64::MAX));
        let rows: Vec<CaseRow> = DB::fetch_all(query, &self.pool).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut names = self.assignment_names(&ids, "NOT a.closed").await?;
        rows.into_iter()
            .map(|r| {
                let assigned = names.remove(&r.id).unwrap_or_default();
                r.into_item(assigned, Some(clock.now))
            })
            .collect()
    }

    async fn case_detail(
        &self,
        scope: crate::store::CaseScope,
        tracking_number: &hotline_domain::TrackingNumber,
    ) -> Result<Option<hotline_domain::CaseDetail>, StoreError> {
        let mut query = case_select::<DB>(scope);
        query
            .push(" AND c.tracking_number = ")
            .push_bind(tracking_number.as_str());
        Self::push_scope(&mut query, scope);
        let row: Option<CaseRow> = DB::fetch_optional(query, &self.pool).await?;
        let Some(row) = row else { return Ok(None) };
        let parts = {
            let mut conn = self.pool.acquire().await?;
            Self::parts_of(&mut *conn, row.id).await?
        };
        let part_names = {
            let mut names = Vec::with_capacity(parts.len());
            for part in &parts {
                let name = crate::store::FlowStore::assignee_contact(self, part.assignee)
                    .await?
                    .map(|c| c.name)
                    .unwrap_or_else(|| "?".into());
                names.push(hotline_domain::AssignmentView {
                    name,
                    part: part.clone(),
                });
            }
            names
        };
        let satisfaction = row
            .satisfaction
            .as_deref()
            .and_then(hotline_domain::Satisfaction::from_code);
        let category_code = row.category_code.clone();
        let callback_due_at = row.callback_due_at;
        let remind_at = row.remind_at;
        let events: Vec<EventRow> = sqlx::query_as(
            "SELECT e.at, e.actor, u.display_name AS actor_name, e.kind, e.from_status, \
             e.to_status, e.note FROM case_events e \
             LEFT JOIN users u ON e.actor = 'user:' || u.username \
             WHERE e.case_id = $1 ORDER BY e.at, e.id",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await?;
        let mut names = self.assignment_names(&[row.id], "NOT a.closed").await?;
        let assigned = names.remove(&row.id).unwrap_or_default();
        // The case's own point, else its street's (or district's) centre, else the
        // district's above a street without one.
        let place: Option<(Option<f64>, Option<f64>)> = sqlx::query_as(
            "SELECT COALESCE(c.lon, r.lon, p.lon), COALESCE(c.lat, r.lat, p.lat) FROM cases c \
             LEFT JOIN regions r ON r.code = c.district_code \
             LEFT JOIN regions p ON p.code = r.parent_code WHERE c.id = $1",
        )
        .bind(row.id)
        .fetch_optional(&self.pool)
        .await?;
        let position = match place {
            Some((Some(lon), Some(lat))) => hotline_domain::Coordinates::new(lon, lat).ok(),
            _ => None,
        };
        let address = row.address.clone();
        let district_code = row.district_code.clone();
        let anonymous = row.anonymous;
        Ok(Some(hotline_domain::CaseDetail {
            item: row.into_item(assigned, None)?,
            district_code,
            address,
            position,
            anonymous,
            can_reveal_phone: false,
            events: events.into_iter().map(Into::into).collect(),
            assignments: part_names,
            overdue: Vec::new(),
            actions: Vec::new(),
            category_code,
            satisfaction,
            callback_due_at,
            remind_at,
            reminder_plan: None,
            subject: None,
            subject_vendor: None,
            handling_limit: None,
            links: Vec::new(),
            calls: Vec::new(),
        }))
    }

    async fn case_counts(
        &self,
        scope: crate::store::CaseScope,
        clock: crate::store::FilterClock,
    ) -> Result<hotline_domain::CaseCounts, StoreError> {
        use hotline_domain::{CaseFilter, Light, Overdue, Queue};
        let filters: [CaseFilter; 10] = [
            Light::Green.into(),
            Light::Yellow.into(),
            Light::Red.into(),
            Overdue::Confirmation.into(),
            Overdue::Completion.into(),
            Overdue::Callback.into(),
            Queue::Returns.into(),
            Queue::Extensions.into(),
            Queue::Callbacks.into(),
            Queue::Todo.into(),
        ];
        // One pass over the reader's cases: each counter is a sum of its filter's condition.
        let mut query = sqlx::QueryBuilder::<DB>::new("SELECT ");
        for (i, filter) in filters.iter().enumerate() {
            if i > 0 {
                query.push(", ");
            }
            query.push("COALESCE(SUM(CASE WHEN 1 = 1");
            push_case_filter(&mut query, filter, clock, scope);
            query.push(" THEN 1 ELSE 0 END), 0)");
        }
        query.push(" FROM cases c WHERE 1 = 1");
        Self::push_scope(&mut query, scope);
        type Sums = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);
        let n: Sums = DB::fetch_optional(query, &self.pool)
            .await?
            .ok_or_else(|| StoreError::Corrupt("case counts: no row".into()))?;
        Ok(hotline_domain::CaseCounts {
            green: n.0,
            yellow: n.1,
            red: n.2,
            overdue_confirmation: n.3,
            overdue_completion: n.4,
            overdue_callback: n.5,
            returns: n.6,
            extensions: n.7,
            callbacks: n.8,
            todo: n.9,
        })
    }

    async fn count_cases(
        &self,
        scope: crate::store::CaseScope,
        filter: &hotline_domain::CaseFilter,
        clock: crate::store::FilterClock,
    ) -> Result<i64, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new("SELECT COUNT(*) FROM cases c WHERE 1 = 1");
        push_case_filter(&mut query, filter, clock, scope);
        Self::push_scope(&mut query, scope);
        Ok(DB::fetch_scalar(query, &self.pool).await?)
    }

    async fn case_phones(&self, limit: i64) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT phone FROM cases GROUP BY phone ORDER BY MIN(id) LIMIT $1")
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}
