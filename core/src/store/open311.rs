//! Storage of the Open311 interface (SPEC I2): the issued keys (digests only) and the
//! public view of requests.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::{ApiKeyView, CaseStatus, Coordinates, PublicRequest, PublicRequestQuery};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};
use crate::audit::NewAuditEntry;

#[async_trait]
pub trait Open311Store: Send + Sync {
    /// Every key ever issued, newest first, with how many requests each filed.
    async fn api_keys(&self) -> Result<Vec<ApiKeyView>, StoreError>;
    async fn api_key(&self, id: i64) -> Result<Option<ApiKeyView>, StoreError>;
    /// Stores a new key's digest, with the audit entry of its issue (its id filled in).
    async fn insert_api_key(
        &self,
        label: &str,
        key_hash: &str,
        key_prefix: &str,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    /// Revokes a key not yet revoked; `false` when there is no such key or it already was.
    async fn revoke_api_key(&self, id: i64, audit: &NewAuditEntry) -> Result<bool, StoreError>;
    /// The id of the unrevoked key with this digest (a read: a filing marks its key used,
    /// in its own transaction).
    async fn active_api_key(&self, key_hash: &str) -> Result<Option<i64>, StoreError>;
    /// Requests as the public sees them, newest first (one-key alarms are never listed).
    async fn public_requests(
        &self,
        query: &PublicRequestQuery,
    ) -> Result<Vec<PublicRequest>, StoreError>;
}

const KEY_SELECT: &str = "SELECT k.id, k.label, k.key_prefix, k.created_by, k.created_at, \
     k.revoked_by, k.revoked_at, k.last_used_at, \
     (SELECT COUNT(*) FROM cases c WHERE c.api_key_id = k.id) AS filed \
     FROM api_keys k";

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: i64,
    label: String,
    key_prefix: String,
    created_by: String,
    created_at: DateTime<Utc>,
    revoked_by: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    filed: i64,
}

impl From<KeyRow> for ApiKeyView {
    fn from(r: KeyRow) -> ApiKeyView {
        ApiKeyView {
            id: r.id,
            label: r.label,
            prefix: r.key_prefix,
            created_by: r.created_by,
            created_at: r.created_at,
            revoked_by: r.revoked_by,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
            filed: r.filed,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PublicRow {
    id: i64,
    tracking_number: String,
    status: String,
    category_code: String,
    service_zh: Option<String>,
    service_en: Option<String>,
    district_name: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    light_red_at: Option<DateTime<Utc>>,
}

#[async_trait]
impl<DB> Open311Store for SqlStore<DB>
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
    async fn api_keys(&self) -> Result<Vec<ApiKeyView>, StoreError> {
        let query = sqlx::QueryBuilder::<DB>::new(format!(
            "{KEY_SELECT} ORDER BY k.created_at DESC, k.id DESC"
        ));
        let rows: Vec<KeyRow> = DB::fetch_all(query, &self.pool).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn api_key(&self, id: i64) -> Result<Option<ApiKeyView>, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new(format!("{KEY_SELECT} WHERE k.id = "));
        query.push_bind(id);
        let row: Option<KeyRow> = DB::fetch_optional(query, &self.pool).await?;
        Ok(row.map(Into::into))
    }

    async fn insert_api_key(
        &self,
        label: &str,
        key_hash: &str,
        key_prefix: &str,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_keys (label, key_hash, key_prefix, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(label)
        .bind(key_hash)
        .bind(key_prefix)
        .bind(&audit.origin.actor)
        .bind(audit.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(super::conflict_on("key"))?;
        Self::insert_audit_of(&mut *tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn revoke_api_key(&self, id: i64, audit: &NewAuditEntry) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE api_keys SET revoked_by = $2, revoked_at = $3 \
             WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(&audit.origin.actor)
        .bind(audit.at)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn active_api_key(&self, key_hash: &str) -> Result<Option<i64>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id)
    }

    async fn public_requests(
        &self,
        q: &PublicRequestQuery,
    ) -> Result<Vec<PublicRequest>, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new(
            "SELECT c.id, c.tracking_number, c.status, c.category_code, \
             sc.name_zh AS service_zh, sc.name_en AS service_en, r.name AS district_name, \
             c.lon, c.lat, c.created_at, c.updated_at, c.light_red_at \
             FROM cases c \
             LEFT JOIN service_categories sc ON sc.code = substr(c.category_code, 1, 4) \
             LEFT JOIN regions r ON r.code = c.district_code \
             WHERE c.channel <> 'one_key' AND (c.case_type IS NULL OR c.case_type <> 'C')",
        );
        if !q.ids.is_empty() {
            query.push(" AND c.tracking_number IN (");
            let mut list = query.separated(", ");
            for id in &q.ids {
                list.push_bind(id.as_str().to_string());
            }
            query.push(")");
        } else {
            query
                .push(" AND c.created_at >= ")
                .push_bind(q.from)
                .push(" AND c.created_at <= ")
                .push_bind(q.until);
            if !q.service_codes.is_empty() {
                query.push(" AND (");
                for (i, code) in q.service_codes.iter().enumerate() {
                    if i > 0 {
                        query.push(" OR ");
                    }
                    // Codes are digits only (checked), so the pattern needs no escaping.
                    query
                        .push("c.category_code LIKE ")
                        .push_bind(format!("{code}%"));
                }
                query.push(")");
            }
            if let Some(closed) = q.closed {
                query.push(" AND c.status IN (");
                let mut list = query.separated(", ");
                for status in hotline_domain::open311::statuses(closed) {
                    list.push_bind(status.as_code());
                }
                query.push(")");
            }
        }
        query
            .push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
            .push_bind(i64::from(q.limit));
        let rows: Vec<PublicRow> = DB::fetch_all(query, &self.pool).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        // Who has or had each case: its parts not returned.
        let mut agencies = self
            .assignment_names(&ids, "a.status <> 'returned'")
            .await?;
        rows.into_iter()
            .map(|r| {
                let status = CaseStatus::from_code(&r.status)
                    .ok_or_else(|| StoreError::Corrupt(format!("case status {:?}", r.status)))?;
                let tracking_number = hotline_domain::TrackingNumber::parse(&r.tracking_number)
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("tracking number {:?}", r.tracking_number))
                    })?;
                Ok(PublicRequest {
                    tracking_number,
                    status,
                    category_code: r.category_code,
                    service_zh: r.service_zh.unwrap_or_default(),
                    service_en: r.service_en.unwrap_or_default(),
                    district_name: r.district_name,
                    location: Coordinates::from_columns(r.lon, r.lat),
                    agencies: agencies.remove(&r.id).unwrap_or_default(),
                    requested_at: r.created_at,
                    updated_at: r.updated_at,
                    expected_at: r
                        .light_red_at
                        .filter(|_| !hotline_domain::open311::is_closed(status)),
                })
            })
            .collect()
    }
}
