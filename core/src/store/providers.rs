//! Storage of the registry of skilled individuals and volunteers kept by hand (SPEC R2):
//! the list with its search, one person's record with the orders they were given and how
//! callbacks rated them, and the edits, each written with its audit entry in one
//! transaction. The spatial indexes follow the table by trigger (SQLite) or by generated
//! column (PostgreSQL), so a new or moved person is found by the nearest lookup at once.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::vendors::VendorOrder;
use hotline_domain::{
    Coordinates, PersonKind, ProviderDetail, ProviderDraft, ProviderFilter, ProviderStatus,
    ProviderSummary, ServiceMode, SupportSystem,
};
use sqlx::{ColumnIndex, Executor, IntoArguments, QueryBuilder};

use super::dialect::{Bind, RowsAffected, Value};
use super::vendors::VENDOR_ORDERS_SHOWN;
use super::{Dialect, SqlStore, StoreError};
use crate::audit::NewAuditEntry;

/// The per-person figures of the list and the record: rated orders and their score sum,
/// open orders, all orders.
const STANDING: &str = "(SELECT SUM(a.price_score + a.punctuality_score + a.attitude_score) \
     FROM case_assignments a WHERE a.provider_id = p.id AND a.price_score IS NOT NULL) \
     AS score_sum, \
     (SELECT COUNT(*) FROM case_assignments a WHERE a.provider_id = p.id \
     AND a.price_score IS NOT NULL) AS rated, \
     (SELECT COUNT(*) FROM case_assignments a WHERE a.provider_id = p.id \
     AND NOT a.closed AND a.status IN ('dispatched', 'confirmed')) AS open_orders, \
     (SELECT COUNT(*) FROM case_assignments a WHERE a.provider_id = p.id) AS orders_total";

const FROM: &str = "FROM providers p JOIN regions d ON d.code = p.district_code \
     LEFT JOIN regions s ON s.code = p.street_code \
     JOIN service_categories c ON c.code = p.skill_code";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    service_mode: String,
    support_system: String,
    district_code: String,
    district_name: String,
    street_code: Option<String>,
    street_name: Option<String>,
    address: Option<String>,
    phone: String,
    skill_code: String,
    skill_name: String,
    status: String,
    note: Option<String>,
    lon: f64,
    lat: f64,
    created_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
    version: i64,
    score_sum: Option<i64>,
    rated: i64,
    open_orders: i64,
    orders_total: i64,
}

const SELECT: &str = "SELECT p.id, p.name, p.kind, p.service_mode, p.support_system, \
     p.district_code, d.name AS district_name, p.street_code, s.name AS street_name, \
     p.address, p.phone, p.skill_code, c.name_zh AS skill_name, p.status, p.note, p.lon, \
     p.lat, p.created_at, p.updated_at, p.version";

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Row {
    fn coded(
        &self,
    ) -> Result<(PersonKind, ServiceMode, SupportSystem, ProviderStatus), StoreError> {
        let corrupt =
            |what: &str, v: &str| StoreError::Corrupt(format!("provider {} {what} {v}", self.id));
        Ok((
            PersonKind::from_code(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
            ServiceMode::from_code(&self.service_mode)
                .ok_or_else(|| corrupt("service mode", &self.service_mode))?,
            SupportSystem::from_code(&self.support_system)
                .ok_or_else(|| corrupt("support system", &self.support_system))?,
            ProviderStatus::from_code(&self.status)
                .ok_or_else(|| corrupt("status", &self.status))?,
        ))
    }

    fn rating(&self) -> Option<f32> {
        (self.rated > 0).then(|| self.score_sum.unwrap_or(0) as f32 / (3.0 * self.rated as f32))
    }

    fn summary(self) -> Result<ProviderSummary, StoreError> {
        let (kind, service_mode, support_system, status) = self.coded()?;
        Ok(ProviderSummary {
            rating: self.rating(),
            id: self.id,
            name: self.name,
            kind,
            district_name: self.district_name,
            street_name: self.street_name,
            phone: self.phone,
            skill_name: self.skill_name,
            service_mode,
            support_system,
            status,
            rated: count(self.rated),
            open_orders: count(self.open_orders),
        })
    }

    fn detail(self, orders: Vec<VendorOrder>) -> Result<ProviderDetail, StoreError> {
        let (kind, service_mode, support_system, status) = self.coded()?;
        Ok(ProviderDetail {
            rating: self.rating(),
            id: self.id,
            name: self.name,
            kind,
            service_mode,
            support_system,
            district_code: self.district_code,
            district_name: self.district_name,
            street_code: self.street_code,
            street_name: self.street_name,
            address: self.address,
            phone: self.phone,
            skill_code: self.skill_code,
            skill_name: self.skill_name,
            status,
            note: self.note,
            position: Coordinates {
                lon: self.lon,
                lat: self.lat,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
            rated: count(self.rated),
            orders_total: count(self.orders_total),
            open_orders: count(self.open_orders),
            orders,
            editable: false,
        })
    }
}

/// Appends the filter's conditions (`WHERE …`).
fn push_filter<'a, DB: Dialect>(query: &mut QueryBuilder<'a, DB>, filter: &'a ProviderFilter)
where
    for<'n> &'n str: Bind<'n, DB>,
    String: Value<DB>,
{
    query.push(" WHERE 1 = 1");
    if let Some(name) = &filter.name {
        query
            .push(" AND p.name LIKE ")
            .push_bind(super::contains_pattern(name))
            .push(" ESCAPE '\\'");
    }
    if let Some(phone) = &filter.phone {
        query.push(" AND p.phone = ").push_bind(phone.as_str());
    }
    if let Some(kind) = filter.kind {
        query.push(" AND p.kind = ").push_bind(kind.as_code());
    }
    if let Some(district) = &filter.district {
        query
            .push(" AND p.district_code = ")
            .push_bind(district.as_str());
    }
    if let Some(category) = &filter.category {
        query
            .push(" AND p.skill_code LIKE ")
            .push_bind(format!("{category}%"));
    }
    if let Some(mode) = filter.service_mode {
        query
            .push(" AND p.service_mode = ")
            .push_bind(mode.as_code());
    }
    if let Some(system) = filter.support_system {
        query
            .push(" AND p.support_system = ")
            .push_bind(system.as_code());
    }
    if let Some(status) = filter.status {
        query.push(" AND p.status = ").push_bind(status.as_code());
    }
}

#[async_trait]
pub trait ProviderStore: Send + Sync {
    /// Everyone the filter matches (the count) and its page of them, by id.
    async fn provider_list(
        &self,
        filter: &ProviderFilter,
    ) -> Result<(u64, Vec<ProviderSummary>), StoreError>;
    /// One person's whole record (`editable` false: the service sets it).
    async fn provider_record(&self, id: i64) -> Result<Option<ProviderDetail>, StoreError>;
    /// Everyone the filter matches (its page ignored), by id, at most `limit`, as records
    /// without their orders.
    async fn provider_export(
        &self,
        filter: &ProviderFilter,
        limit: u32,
    ) -> Result<Vec<ProviderDetail>, StoreError>;
    /// Stores a new person at `position`; returns the id.
    async fn insert_provider(
        &self,
        draft: &ProviderDraft,
        position: Coordinates,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    /// Replaces a record if it is still at `version`; `false` if someone changed it
    /// meanwhile (nothing written).
    async fn update_provider(
        &self,
        id: i64,
        version: i64,
        draft: &ProviderDraft,
        position: Coordinates,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
impl<DB> ProviderStore for SqlStore<DB>
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
    Option<NaiveDate>: Value<DB>,
{
    async fn provider_list(
        &self,
        filter: &ProviderFilter,
    ) -> Result<(u64, Vec<ProviderSummary>), StoreError> {
        let mut count_q = QueryBuilder::<DB>::new("SELECT COUNT(*) FROM providers p");
        push_filter(&mut count_q, filter);
        let total: i64 = DB::fetch_scalar(count_q, &self.pool).await?;
        if total == 0 {
            return Ok((0, Vec::new()));
        }
        let mut query = QueryBuilder::<DB>::new(format!("{SELECT}, {STANDING} {FROM}"));
        push_filter(&mut query, filter);
        query
            .push(" ORDER BY p.id LIMIT ")
            .push_bind(i64::from(filter.per_page.clamp(1, 1000)))
            .push(" OFFSET ")
            .push_bind(i64::try_from(filter.offset()).unwrap_or(i64::MAX));
        let rows: Vec<Row> = DB::fetch_all(query, &self.pool).await?;
        let items = rows
            .into_iter()
            .map(Row::summary)
            .collect::<Result<_, _>>()?;
        Ok((u64::try_from(total).unwrap_or(0), items))
    }

    async fn provider_export(
        &self,
        filter: &ProviderFilter,
        limit: u32,
    ) -> Result<Vec<ProviderDetail>, StoreError> {
        let mut query = QueryBuilder::<DB>::new(format!("{SELECT}, {STANDING} {FROM}"));
        push_filter(&mut query, filter);
        query
            .push(" ORDER BY p.id LIMIT ")
            .push_bind(i64::from(limit));
        let rows: Vec<Row> = DB::fetch_all(query, &self.pool).await?;
        rows.into_iter().map(|r| r.detail(Vec::new())).collect()
    }

    async fn provider_record(&self, id: i64) -> Result<Option<ProviderDetail>, StoreError> {
        let row: Option<Row> =
            sqlx::query_as(&format!("{SELECT}, {STANDING} {FROM} WHERE p.id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        #[allow(clippy::type_complexity)]
        let orders: Vec<(
            String,
            String,
            DateTime<Utc>,
            String,
            bool,
            Option<i32>,
            Option<i32>,
            Option<i32>,
        )> = sqlx::query_as(
            "SELECT c.tracking_number, sc.name_zh, a.assigned_at, a.status, a.closed, \
             a.price_score, a.punctuality_score, a.attitude_score \
             FROM case_assignments a JOIN cases c ON c.id = a.case_id \
             JOIN service_categories sc ON sc.code = c.category_code \
             WHERE a.provider_id = $1 ORDER BY a.assigned_at DESC, a.id DESC LIMIT $2",
        )
        .bind(id)
        .bind(VENDOR_ORDERS_SHOWN)
        .fetch_all(&self.pool)
        .await?;
        let orders = orders
            .into_iter()
            .map(
                |(tracking_number, category_name, assigned_at, status, closed, p, t, a)| {
                    VendorOrder {
                        tracking_number,
                        category_name,
                        assigned_at,
                        status,
                        closed,
                        scores: p.zip(t).zip(a).map(|((p, t), a)| (p, t, a)),
                    }
                },
            )
            .collect();
        Ok(Some(row.detail(orders)?))
    }

    async fn insert_provider(
        &self,
        d: &ProviderDraft,
        position: Coordinates,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO providers (name, kind, service_mode, support_system, district_code, \
             street_code, address, phone, skill_code, status, note, lon, lat, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(&d.name)
        .bind(d.kind.as_code())
        .bind(d.service_mode.as_code())
        .bind(d.support_system.as_code())
        .bind(&d.district_code)
        .bind(&d.street_code)
        .bind(&d.address)
        .bind(&d.phone)
        .bind(&d.skill_code)
        .bind(d.status.as_code())
        .bind(&d.note)
        .bind(position.lon)
        .bind(position.lat)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        Self::insert_audit_of(&mut *tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_provider(
        &self,
        id: i64,
        version: i64,
        d: &ProviderDraft,
        position: Coordinates,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE providers SET name = $3, kind = $4, service_mode = $5, \
             support_system = $6, district_code = $7, street_code = $8, address = $9, \
             phone = $10, skill_code = $11, status = $12, note = $13, lon = $14, lat = $15, \
             updated_at = $16, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(&d.name)
        .bind(d.kind.as_code())
        .bind(d.service_mode.as_code())
        .bind(d.support_system.as_code())
        .bind(&d.district_code)
        .bind(&d.street_code)
        .bind(&d.address)
        .bind(&d.phone)
        .bind(&d.skill_code)
        .bind(d.status.as_code())
        .bind(&d.note)
        .bind(position.lon)
        .bind(position.lat)
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
