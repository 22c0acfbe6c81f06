//! Storage of the client register (SPEC R4): the list with its search, one client's record
//! with their latest calls and cases, hand edits (each written with its audit entry in one
//! transaction), and the contact counters the filing and telephony transactions keep.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hotline_domain::clients::CLIENT_HISTORY_SHOWN;
use hotline_domain::{
    ClientContact, ClientDetail, ClientDraft, ClientFilter, ClientMark, ClientMarks, ClientSummary,
    ContactKind, MarkFilter,
};
use sqlx::{ColumnIndex, Executor, IntoArguments, QueryBuilder};

use super::dialect::{Bind, RowsAffected, Value};
use super::{conflict_on, Dialect, SqlStore, StoreError};
use crate::audit::NewAuditEntry;

/// Remembers the caller of a new case, inside the filing's transaction: `$1` phone, `$2`
/// name (none for an anonymous filing), `$3` district, `$4` address, `$5` when. What staff
/// typed into the record is kept; an empty field is filled from the case.
pub(super) const REMEMBER_CASE_CALLER: &str = "INSERT INTO clients (phone, name, \
     district_code, address, case_count, first_contact_at, last_contact_at, created_at, \
     updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5, $5, $5) \
     ON CONFLICT (phone) DO UPDATE SET case_count = clients.case_count + 1, \
     first_contact_at = CASE WHEN clients.first_contact_at IS NULL \
     OR excluded.first_contact_at < clients.first_contact_at \
     THEN excluded.first_contact_at ELSE clients.first_contact_at END, \
     last_contact_at = CASE WHEN clients.last_contact_at IS NULL \
     OR excluded.last_contact_at > clients.last_contact_at \
     THEN excluded.last_contact_at ELSE clients.last_contact_at END, \
     name = COALESCE(clients.name, excluded.name), \
     district_code = COALESCE(clients.district_code, excluded.district_code), \
     address = COALESCE(clients.address, excluded.address)";

/// Remembers a number that rang, inside the telephony event's transaction: `$1` phone,
/// `$2` when.
pub(super) const REMEMBER_CALLER: &str = "INSERT INTO clients (phone, call_count, \
     first_contact_at, last_contact_at, created_at, updated_at) \
     VALUES ($1, 1, $2, $2, $2, $2) \
     ON CONFLICT (phone) DO UPDATE SET call_count = clients.call_count + 1, \
     first_contact_at = CASE WHEN clients.first_contact_at IS NULL \
     OR excluded.first_contact_at < clients.first_contact_at \
     THEN excluded.first_contact_at ELSE clients.first_contact_at END, \
     last_contact_at = CASE WHEN clients.last_contact_at IS NULL \
     OR excluded.last_contact_at > clients.last_contact_at \
     THEN excluded.last_contact_at ELSE clients.last_contact_at END";

/// The name, place and address a case gives its caller's record: none from an anonymous
/// filing or an empty field.
pub(super) fn case_caller_fields<'a>(
    contact_name: Option<&'a str>,
    anonymous: bool,
    district: Option<&'a str>,
    address: Option<&'a str>,
) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
    let given = |v: Option<&'a str>| v.map(str::trim).filter(|v| !v.is_empty());
    (
        given(contact_name).filter(|_| !anonymous),
        given(district),
        given(address),
    )
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    name: Option<String>,
    phone: String,
    district_name: Option<String>,
    vip: bool,
    important: bool,
    blacklisted: bool,
    case_count: i64,
    call_count: i64,
    last_contact_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: i64,
    phone: String,
    name: Option<String>,
    district_code: Option<String>,
    district_name: Option<String>,
    address: Option<String>,
    note: Option<String>,
    vip: bool,
    vip_reason: Option<String>,
    important: bool,
    important_reason: Option<String>,
    blacklisted: bool,
    blacklist_reason: Option<String>,
    marks_changed_by: Option<String>,
    marks_changed_at: Option<DateTime<Utc>>,
    case_count: i64,
    call_count: i64,
    first_contact_at: Option<DateTime<Utc>>,
    last_contact_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    version: i64,
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A mark as stored: the flag, and its reason (a mark given before reasons were kept
/// shows an empty one).
fn mark(given: bool, reason: Option<String>) -> Option<String> {
    given.then(|| reason.unwrap_or_default())
}

/// Appends the filter's conditions (`WHERE …` or nothing).
fn push_filter<'a, DB: Dialect>(query: &mut QueryBuilder<'a, DB>, filter: &'a ClientFilter)
where
    for<'n> &'n str: Bind<'n, DB>,
    String: Value<DB>,
{
    query.push(" WHERE 1 = 1");
    if let Some(name) = &filter.name {
        query
            .push(" AND k.name LIKE ")
            .push_bind(super::contains_pattern(name))
            .push(" ESCAPE '\\'");
    }
    if let Some(phone) = &filter.phone {
        query.push(" AND k.phone = ").push_bind(phone.as_str());
    }
    if let Some(district) = &filter.district {
        query
            .push(" AND k.district_code = ")
            .push_bind(district.as_str());
    }
    match filter.mark {
        None => {}
        Some(MarkFilter::Any) => {
            query.push(" AND (k.vip OR k.important OR k.blacklisted)");
        }
        Some(MarkFilter::One(ClientMark::Vip)) => {
            query.push(" AND k.vip");
        }
        Some(MarkFilter::One(ClientMark::Important)) => {
            query.push(" AND k.important");
        }
        Some(MarkFilter::One(ClientMark::Blacklist)) => {
            query.push(" AND k.blacklisted");
        }
    }
}

#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Everyone the filter matches (the count) and its page, most recently heard first.
    /// Phone numbers in full: the service masks them.
    async fn client_list(
        &self,
        filter: &ClientFilter,
    ) -> Result<(u64, Vec<ClientSummary>), StoreError>;
    /// One client's record with their latest calls and cases (phone in full, `may_mark`
    /// false: the service sets both).
    async fn client_record(&self, id: i64) -> Result<Option<ClientDetail>, StoreError>;
    /// The id of the client with this (normalised) number.
    async fn client_id(&self, phone: &str) -> Result<Option<i64>, StoreError>;
    /// Registers a client by hand; `Conflict("phone")` if the number is known already.
    async fn insert_client(
        &self,
        phone: &str,
        draft: &ClientDraft,
        marked_by: Option<&str>,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    /// Replaces the hand-kept fields if the record is still at `version` (`marked_by`:
    /// the marks changed, by whom); `false` if someone changed it meanwhile.
    async fn update_client(
        &self,
        id: i64,
        version: i64,
        draft: &ClientDraft,
        marked_by: Option<&str>,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
impl<DB> ClientStore for SqlStore<DB>
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
    chrono::NaiveDate: Value<DB>,
    Option<chrono::NaiveDate>: Value<DB>,
{
    async fn client_list(
        &self,
        filter: &ClientFilter,
    ) -> Result<(u64, Vec<ClientSummary>), StoreError> {
        let mut count_q = QueryBuilder::<DB>::new("SELECT COUNT(*) FROM clients k");
        push_filter(&mut count_q, filter);
        let total: i64 = DB::fetch_scalar(count_q, &self.pool).await?;
        if total == 0 {
            return Ok((0, Vec::new()));
        }
        let mut query = QueryBuilder::<DB>::new(
            "SELECT k.id, k.name, k.phone, d.name AS district_name, k.vip, k.important, \
             k.blacklisted, k.case_count, k.call_count, k.last_contact_at \
             FROM clients k LEFT JOIN regions d ON d.code = k.district_code",
        );
        push_filter(&mut query, filter);
        query
            .push(
                " ORDER BY CASE WHEN k.last_contact_at IS NULL THEN 1 ELSE 0 END, \
                 k.last_contact_at DESC, k.id DESC LIMIT ",
            )
            .push_bind(i64::from(filter.per_page.clamp(1, 1000)))
            .push(" OFFSET ")
            .push_bind(i64::try_from(filter.offset()).unwrap_or(i64::MAX));
        let rows: Vec<SummaryRow> = DB::fetch_all(query, &self.pool).await?;
        let items = rows
            .into_iter()
            .map(|r| ClientSummary {
                id: r.id,
                name: r.name,
                phone: r.phone,
                district_name: r.district_name,
                vip: r.vip,
                important: r.important,
                blacklist: r.blacklisted,
                case_count: count(r.case_count),
                call_count: count(r.call_count),
                last_contact_at: r.last_contact_at,
            })
            .collect();
        Ok((u64::try_from(total).unwrap_or(0), items))
    }

    async fn client_record(&self, id: i64) -> Result<Option<ClientDetail>, StoreError> {
        let row: Option<DetailRow> = sqlx::query_as(
            "SELECT k.id, k.phone, k.name, k.district_code, d.name AS district_name, \
             k.address, k.note, k.vip, k.vip_reason, k.important, k.important_reason, \
             k.blacklisted, k.blacklist_reason, k.marks_changed_by, k.marks_changed_at, \
             k.case_count, k.call_count, k.first_contact_at, k.last_contact_at, \
             k.created_at, k.version \
             FROM clients k LEFT JOIN regions d ON d.code = k.district_code WHERE k.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let shown = i64::from(CLIENT_HISTORY_SHOWN);
        #[allow(clippy::type_complexity)]
        let cases: Vec<(DateTime<Utc>, String, String, String, String, String)> = sqlx::query_as(
            "SELECT c.created_at, c.tracking_number, c.channel, sc.name_zh, c.status, \
                 c.content FROM cases c JOIN service_categories sc ON sc.code = c.category_code \
                 WHERE c.phone = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $2",
        )
        .bind(&r.phone)
        .bind(shown)
        .fetch_all(&self.pool)
        .await?;
        let calls: Vec<(DateTime<Utc>, String, Option<String>)> = sqlx::query_as(
            "SELECT started_at, state, agent FROM calls WHERE caller = $1 \
             ORDER BY started_at DESC LIMIT $2",
        )
        .bind(&r.phone)
        .bind(shown)
        .fetch_all(&self.pool)
        .await?;
        let mut history: Vec<ClientContact> = cases
            .into_iter()
            .map(|(at, number, channel, category, status, content)| {
                let text: String = content.chars().take(80).collect();
                ClientContact {
                    at,
                    kind: ContactKind::Case,
                    tracking_number: Some(number),
                    channel,
                    what: Some(category),
                    status: Some(status),
                    text: Some(text),
                }
            })
            .chain(calls.into_iter().map(|(at, state, agent)| ClientContact {
                at,
                kind: ContactKind::Call,
                tracking_number: None,
                channel: state,
                what: agent,
                status: None,
                text: None,
            }))
            .collect();
        history.sort_by_key(|c| std::cmp::Reverse(c.at));
        history.truncate(CLIENT_HISTORY_SHOWN as usize);
        Ok(Some(ClientDetail {
            id: r.id,
            phone: r.phone,
            name: r.name,
            district_code: r.district_code,
            district_name: r.district_name,
            address: r.address,
            note: r.note,
            marks: ClientMarks {
                vip: mark(r.vip, r.vip_reason),
                important: mark(r.important, r.important_reason),
                blacklist: mark(r.blacklisted, r.blacklist_reason),
            },
            marks_changed_by: r.marks_changed_by,
            marks_changed_at: r.marks_changed_at,
            case_count: count(r.case_count),
            call_count: count(r.call_count),
            first_contact_at: r.first_contact_at,
            last_contact_at: r.last_contact_at,
            created_at: r.created_at,
            version: r.version,
            history,
            may_mark: false,
            may_reveal: false,
        }))
    }

    async fn client_id(&self, phone: &str) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM clients WHERE phone = $1")
                .bind(phone)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn insert_client(
        &self,
        phone: &str,
        d: &ClientDraft,
        marked_by: Option<&str>,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO clients (phone, name, district_code, address, note, vip, vip_reason, \
             important, important_reason, blacklisted, blacklist_reason, marks_changed_by, \
             marks_changed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        )
        .bind(phone)
        .bind(&d.name)
        .bind(&d.district_code)
        .bind(&d.address)
        .bind(&d.note)
        .bind(d.marks.vip.is_some())
        .bind(&d.marks.vip)
        .bind(d.marks.important.is_some())
        .bind(&d.marks.important)
        .bind(d.marks.blacklist.is_some())
        .bind(&d.marks.blacklist)
        .bind(marked_by)
        .bind(marked_by.map(|_| at))
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(conflict_on("phone"))?;
        Self::insert_audit_of(&mut *tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_client(
        &self,
        id: i64,
        version: i64,
        d: &ClientDraft,
        marked_by: Option<&str>,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE clients SET name = $3, district_code = $4, address = $5, note = $6, \
             vip = $7, vip_reason = $8, important = $9, important_reason = $10, \
             blacklisted = $11, blacklist_reason = $12, \
             marks_changed_by = COALESCE($13, marks_changed_by), \
             marks_changed_at = CASE WHEN $13 IS NULL THEN marks_changed_at ELSE $14 END, \
             updated_at = $14, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(&d.name)
        .bind(&d.district_code)
        .bind(&d.address)
        .bind(&d.note)
        .bind(d.marks.vip.is_some())
        .bind(&d.marks.vip)
        .bind(d.marks.important.is_some())
        .bind(&d.marks.important)
        .bind(d.marks.blacklist.is_some())
        .bind(&d.marks.blacklist)
        .bind(marked_by)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
