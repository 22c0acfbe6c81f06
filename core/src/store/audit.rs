//! Storage of the audit log: one entry appended (usually inside the transaction of the
//! change it records, through [`SqlStore::insert_audit`]) and the search.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, Value};
use super::{Dialect, SqlStore, StoreError};
use crate::audit::{AuditEntry, AuditFilter, NewAuditEntry};

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends one entry to the audit log.
    async fn append_audit(&self, entry: &NewAuditEntry) -> Result<(), StoreError>;
    /// Audit entries matching every criterion of `filter`, newest first.
    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;
}

const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, actor, address, action, object_type, \
     object_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// The start of an audit search; conditions are appended with `AND …`.
const AUDIT_SELECT: &str = "SELECT a.id, a.at, a.actor, u.display_name AS actor_name, \
     a.address, a.action, a.object_type, a.object_id, a.before, a.after FROM audit_log a \
     LEFT JOIN users u ON a.actor = 'user:' || u.username WHERE 1 = 1";

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    actor_name: Option<String>,
    address: Option<String>,
    action: String,
    object_type: String,
    object_id: String,
    before: Option<String>,
    after: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        AuditEntry {
            id: row.id,
            at: row.at,
            actor: row.actor,
            actor_name: row.actor_name,
            address: row.address,
            action: row.action,
            object_type: row.object_type,
            object_id: row.object_id,
            before: row.before,
            after: row.after,
        }
    }
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
    /// Writes an audit entry on the caller's connection (inside its transaction).
    pub(super) async fn insert_audit(
        conn: &mut DB::Connection,
        entry: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        sqlx::query(INSERT_AUDIT)
            .bind(entry.at)
            .bind(&entry.origin.actor)
            .bind(&entry.origin.address)
            .bind(&entry.action)
            .bind(&entry.object_type)
            .bind(&entry.object_id)
            .bind(&entry.before)
            .bind(&entry.after)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Writes the audit entry of a record just created, as the record `id` (the entry was
    /// made before the id was known).
    pub(super) async fn insert_audit_of(
        conn: &mut DB::Connection,
        entry: &NewAuditEntry,
        id: i64,
    ) -> Result<(), StoreError> {
        let entry = NewAuditEntry {
            object_id: id.to_string(),
            ..entry.clone()
        };
        Self::insert_audit(conn, &entry).await
    }
}

#[async_trait]
impl<DB> AuditStore for SqlStore<DB>
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
    async fn append_audit(&self, entry: &NewAuditEntry) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::insert_audit(&mut *conn, entry).await
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new(AUDIT_SELECT);
        if let Some(actor) = &filter.actor {
            query.push(" AND a.actor = ").push_bind(actor.clone());
        }
        if let Some(object_type) = &filter.object_type {
            query
                .push(" AND a.object_type = ")
                .push_bind(object_type.clone());
        }
        if let Some(object_id) = &filter.object_id {
            query
                .push(" AND a.object_id = ")
                .push_bind(object_id.clone());
        }
        if let Some(from) = filter.from {
            query.push(" AND a.at >= ").push_bind(from);
        }
        if let Some(until) = filter.until {
            query.push(" AND a.at < ").push_bind(until);
        }
        query
            .push(" ORDER BY a.at DESC, a.id DESC LIMIT ")
            .push_bind(i64::from(filter.limit.clamp(1, 100_000)));
        let rows: Vec<AuditRow> = DB::fetch_all(query, &self.pool).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
