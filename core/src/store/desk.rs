//! Storage of the centre's desk work: case links (SPEC W8), the call a case was registered
//! from, and shift handovers (A5).

use hotline_domain::{CaseCall, Handover, LinkedCase, TrackingNumber};

use crate::audit::NewAuditEntry;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};

/// The answer to a link or unlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkChange {
    Done,
    /// Already so: linked before, or not linked at all. Nothing was written.
    Unchanged,
    /// This case (`true`) or the other one (`false`) does not exist.
    Missing {
        this: bool,
    },
}

/// A handover as the lead hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHandover<'a> {
    pub shift_start: DateTime<Utc>,
    pub at: DateTime<Utc>,
    pub by: &'a str,
    pub by_name: &'a str,
    pub note: &'a str,
    /// The report, as JSON.
    pub report: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct LinkRow {
    tracking_number: String,
    status: String,
    case_type: Option<String>,
    content: String,
    created_at: DateTime<Utc>,
    note: Option<String>,
    created_by: String,
    linked_at: DateTime<Utc>,
}

impl TryFrom<LinkRow> for LinkedCase {
    type Error = StoreError;
    fn try_from(r: LinkRow) -> Result<LinkedCase, StoreError> {
        Ok(LinkedCase {
            status: hotline_domain::CaseStatus::from_code(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("case status {}", r.status)))?,
            case_type: r
                .case_type
                .as_deref()
                .and_then(hotline_domain::CaseType::from_code),
            content: r.content.chars().take(80).collect(),
            tracking_number: r.tracking_number,
            created_at: r.created_at,
            note: r.note,
            linked_by: r.created_by,
            linked_at: r.linked_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CaseCallRow {
    call_id: String,
    agent: Option<String>,
    started_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    recording_url: Option<String>,
}

impl From<CaseCallRow> for CaseCall {
    fn from(r: CaseCallRow) -> CaseCall {
        CaseCall {
            call_id: r.call_id,
            agent: r.agent,
            started_at: r.started_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            recording_url: r.recording_url,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct HandoverRow {
    id: i64,
    shift_start: DateTime<Utc>,
    created_at: DateTime<Utc>,
    created_by: String,
    created_by_name: String,
    note: String,
    report: String,
    acknowledged_at: Option<DateTime<Utc>>,
    acknowledged_by: Option<String>,
    ack_name: Option<String>,
    ack_note: Option<String>,
}

impl TryFrom<HandoverRow> for Handover {
    type Error = StoreError;
    fn try_from(r: HandoverRow) -> Result<Handover, StoreError> {
        Ok(Handover {
            report: serde_json::from_str(&r.report)
                .map_err(|e| StoreError::Corrupt(format!("handover {} report: {e}", r.id)))?,
            id: r.id,
            shift_start: r.shift_start,
            created_at: r.created_at,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            note: r.note,
            acknowledged_at: r.acknowledged_at,
            acknowledged_by: r.acknowledged_by,
            ack_name: r.ack_name,
            ack_note: r.ack_note,
        })
    }
}

pub(super) const HANDOVER_SELECT: &str = "SELECT id, shift_start, created_at, created_by, \
     created_by_name, note, report, acknowledged_at, acknowledged_by, ack_name, ack_note \
     FROM handovers";

#[async_trait]
pub trait DeskStore: Send + Sync {
    /// Links two cases (each pair once) with an event on both and the audit entry, in one
    /// transaction.
    async fn link_cases(
        &self,
        this: &TrackingNumber,
        other: &TrackingNumber,
        note: Option<&str>,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<LinkChange, StoreError>;
    async fn unlink_cases(
        &self,
        this: &TrackingNumber,
        other: &TrackingNumber,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<LinkChange, StoreError>;
    /// The cases linked to this one, oldest first.
    async fn case_links(&self, number: &TrackingNumber) -> Result<Vec<LinkedCase>, StoreError>;
    /// Records that the case was registered from this call.
    async fn attach_call(&self, call_id: &str, number: &TrackingNumber) -> Result<(), StoreError>;
    async fn case_calls(&self, number: &TrackingNumber) -> Result<Vec<CaseCall>, StoreError>;
    /// Cases filed in `[from, to)` and cases archived in it.
    async fn shift_figures(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<(i64, i64), StoreError>;
    async fn insert_handover(
        &self,
        handover: &NewHandover<'_>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    /// Newest first.
    async fn handovers(&self, limit: u32) -> Result<Vec<Handover>, StoreError>;
    async fn handover(&self, id: i64) -> Result<Option<Handover>, StoreError>;
    /// Acknowledges an open handover; `false` if it is not open (or does not exist).
    async fn acknowledge_handover(
        &self,
        id: i64,
        by: &str,
        by_name: &str,
        note: Option<&str>,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
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
    pub(super) async fn case_id_of(
        conn: &mut DB::Connection,
        number: &hotline_domain::TrackingNumber,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM cases WHERE tracking_number = $1")
            .bind(number.as_str())
            .fetch_optional(conn)
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// Both cases' ids, or which one is missing.
    pub(super) async fn link_pair(
        conn: &mut DB::Connection,
        this: &hotline_domain::TrackingNumber,
        other: &hotline_domain::TrackingNumber,
    ) -> Result<Result<(i64, i64), crate::store::LinkChange>, StoreError> {
        let Some(a) = Self::case_id_of(&mut *conn, this).await? else {
            return Ok(Err(crate::store::LinkChange::Missing { this: true }));
        };
        let Some(b) = Self::case_id_of(&mut *conn, other).await? else {
            return Ok(Err(crate::store::LinkChange::Missing { this: false }));
        };
        Ok(Ok((a, b)))
    }

    /// A link change's event on both cases, and its audit entry.
    pub(super) async fn record_link_change(
        conn: &mut DB::Connection,
        (a, b): (i64, i64),
        (this, other): (&str, &str),
        kind: &str,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<(), StoreError> {
        for (case_id, note) in [(a, other), (b, this)] {
            sqlx::query(crate::store::cases::INSERT_CASE_EVENT)
                .bind(case_id)
                .bind(at)
                .bind(&audit.origin.actor)
                .bind(kind)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(Some(note))
                .execute(&mut *conn)
                .await?;
        }
        Self::insert_audit(&mut *conn, audit).await
    }
}

#[async_trait]
impl<DB> DeskStore for SqlStore<DB>
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
    async fn link_cases(
        &self,
        this: &hotline_domain::TrackingNumber,
        other: &hotline_domain::TrackingNumber,
        note: Option<&str>,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<crate::store::LinkChange, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (a, b) = match Self::link_pair(&mut *tx, this, other).await? {
            Ok(pair) => pair,
            Err(missing) => return Ok(missing),
        };
        let inserted = sqlx::query(
            "INSERT INTO case_links (case_id, linked_id, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, linked_id) DO NOTHING",
        )
        .bind(a.min(b))
        .bind(a.max(b))
        .bind(note)
        .bind(&audit.origin.actor)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(crate::store::LinkChange::Unchanged);
        }
        Self::record_link_change(
            &mut *tx,
            (a, b),
            (this.as_str(), other.as_str()),
            "link",
            at,
            audit,
        )
        .await?;
        tx.commit().await?;
        Ok(crate::store::LinkChange::Done)
    }

    async fn unlink_cases(
        &self,
        this: &hotline_domain::TrackingNumber,
        other: &hotline_domain::TrackingNumber,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<crate::store::LinkChange, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (a, b) = match Self::link_pair(&mut *tx, this, other).await? {
            Ok(pair) => pair,
            Err(missing) => return Ok(missing),
        };
        let deleted = sqlx::query("DELETE FROM case_links WHERE case_id = $1 AND linked_id = $2")
            .bind(a.min(b))
            .bind(a.max(b))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Ok(crate::store::LinkChange::Unchanged);
        }
        Self::record_link_change(
            &mut *tx,
            (a, b),
            (this.as_str(), other.as_str()),
            "unlink",
            at,
            audit,
        )
        .await?;
        tx.commit().await?;
        Ok(crate::store::LinkChange::Done)
    }

    async fn case_links(
        &self,
        number: &hotline_domain::TrackingNumber,
    ) -> Result<Vec<hotline_domain::LinkedCase>, StoreError> {
        let rows: Vec<LinkRow> = sqlx::query_as(
            "SELECT o.tracking_number, o.status, o.case_type, o.content, o.created_at, \
             l.note, l.created_by, l.created_at AS linked_at \
             FROM cases c JOIN case_links l ON c.id IN (l.case_id, l.linked_id) \
             JOIN cases o ON o.id = CASE WHEN l.case_id = c.id THEN l.linked_id \
             ELSE l.case_id END \
             WHERE c.tracking_number = $1 ORDER BY o.created_at, o.id",
        )
        .bind(number.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn attach_call(
        &self,
        call_id: &str,
        number: &hotline_domain::TrackingNumber,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE calls SET case_id = (SELECT id FROM cases WHERE tracking_number = $2) \
             WHERE call_id = $1",
        )
        .bind(call_id)
        .bind(number.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn case_calls(
        &self,
        number: &hotline_domain::TrackingNumber,
    ) -> Result<Vec<hotline_domain::CaseCall>, StoreError> {
        let rows: Vec<CaseCallRow> = sqlx::query_as(
            "SELECT k.call_id, k.agent, k.started_at, k.answered_at, k.ended_at, \
             k.recording_url FROM calls k JOIN cases c ON c.id = k.case_id \
             WHERE c.tracking_number = $1 ORDER BY k.started_at",
        )
        .bind(number.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn shift_figures(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<(i64, i64), StoreError> {
        let received: (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM cases WHERE created_at >= $1 AND created_at < $2")
                .bind(from)
                .bind(to)
                .fetch_one(&self.pool)
                .await?;
        let archived: (i64,) = sqlx::query_as(
            "SELECT COUNT(DISTINCT case_id) FROM case_events \
             WHERE to_status = 'archived' AND at >= $1 AND at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        Ok((received.0, archived.0))
    }

    async fn insert_handover(
        &self,
        h: &crate::store::NewHandover<'_>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO handovers (shift_start, created_at, created_by, \
             created_by_name, note, report) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(h.shift_start)
        .bind(h.at)
        .bind(h.by)
        .bind(h.by_name)
        .bind(h.note)
        .bind(&h.report)
        .fetch_one(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        audit.object_id = id.to_string();
        Self::insert_audit(&mut *tx, &audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn handovers(&self, limit: u32) -> Result<Vec<hotline_domain::Handover>, StoreError> {
        let rows: Vec<HandoverRow> =
            sqlx::query_as(&format!("{} ORDER BY id DESC LIMIT $1", HANDOVER_SELECT))
                .bind(i64::from(limit.clamp(1, 500)))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn handover(&self, id: i64) -> Result<Option<hotline_domain::Handover>, StoreError> {
        let row: Option<HandoverRow> =
            sqlx::query_as(&format!("{} WHERE id = $1", HANDOVER_SELECT))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn acknowledge_handover(
        &self,
        id: i64,
        by: &str,
        by_name: &str,
        note: Option<&str>,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE handovers SET acknowledged_at = $2, acknowledged_by = $3, \
             ack_name = $4, ack_note = $5 WHERE id = $1 AND acknowledged_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .bind(by)
        .bind(by_name)
        .bind(note)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
