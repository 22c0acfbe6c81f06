//! Storage of the vendor registry kept by hand (SPEC R1): the list with its search, one
//! vendor's whole record (services, staff, inspections, what callbacks rated, the latest
//! orders), and the edits, each written with its audit entry in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::vendors::{
    InspectionDraft, VendorInspection, VendorOrder, VendorRatings, VendorStaffDraft,
};
use hotline_domain::{
    Coordinates, CreditGrade, InspectionResult, VendorDetail, VendorDraft, VendorEdit,
    VendorFilter, VendorKind, VendorStaff, VendorStatus, VendorSummary,
};
use sqlx::{ColumnIndex, Executor, IntoArguments, QueryBuilder};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};
use crate::audit::NewAuditEntry;

/// How many of a vendor's latest orders its record shows.
pub const VENDOR_ORDERS_SHOWN: i64 = 20;

/// The per-vendor figures of the list and the record: rated orders and their score sum,
/// open orders.
const STANDING: &str = "(SELECT SUM(a.price_score + a.punctuality_score + a.attitude_score) \
     FROM case_assignments a WHERE a.vendor_id = v.id AND a.price_score IS NOT NULL) \
     AS score_sum, \
     (SELECT COUNT(*) FROM case_assignments a WHERE a.vendor_id = v.id \
     AND a.price_score IS NOT NULL) AS rated, \
     (SELECT COUNT(*) FROM case_assignments a WHERE a.vendor_id = v.id \
     AND NOT a.closed AND a.status IN ('dispatched', 'confirmed')) AS open_orders";

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    district_name: String,
    street_name: Option<String>,
    phone: String,
    contact_name: String,
    status: String,
    credit_grade: String,
    special_recommend: bool,
    special_issue: bool,
    score_sum: Option<i64>,
    rated: i64,
    open_orders: i64,
}

fn status_of(id: i64, code: &str) -> Result<VendorStatus, StoreError> {
    VendorStatus::from_code(code)
        .ok_or_else(|| StoreError::Corrupt(format!("vendor {id} status {code}")))
}

fn grade_of(id: i64, code: &str) -> Result<CreditGrade, StoreError> {
    CreditGrade::from_code(code)
        .ok_or_else(|| StoreError::Corrupt(format!("vendor {id} credit grade {code}")))
}

impl SummaryRow {
    fn summary(self) -> Result<VendorSummary, StoreError> {
        Ok(VendorSummary {
            status: status_of(self.id, &self.status)?,
            credit_grade: grade_of(self.id, &self.credit_grade)?,
            id: self.id,
            name: self.name,
            district_name: self.district_name,
            street_name: self.street_name,
            phone: self.phone,
            contact_name: self.contact_name,
            special_recommend: self.special_recommend,
            special_issue: self.special_issue,
            rating: (self.rated > 0)
                .then(|| self.score_sum.unwrap_or(0) as f32 / (3.0 * self.rated as f32)),
            rated: u32::try_from(self.rated).unwrap_or(u32::MAX),
            open_orders: u32::try_from(self.open_orders).unwrap_or(u32::MAX),
        })
    }
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: i64,
    name: String,
    kind: String,
    franchise_type: String,
    district_code: String,
    district_name: String,
    street_code: Option<String>,
    street_name: Option<String>,
    address: String,
    phone: String,
    contact_name: String,
    hotline: Option<String>,
    website: Option<String>,
    qualification: Option<String>,
    service_area: Option<String>,
    staff_count: i32,
    registered_capital: i64,
    home_care: bool,
    volunteer: bool,
    status: String,
    credit_grade: String,
    special_recommend: bool,
    special_issue: bool,
    special_prompt: Option<String>,
    centre_opinion: Option<String>,
    lon: f64,
    lat: f64,
    created_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
    version: i64,
}

/// Appends the filter's conditions (`WHERE …` or nothing).
fn push_filter<'a, DB: Dialect>(query: &mut QueryBuilder<'a, DB>, filter: &'a VendorFilter)
where
    for<'n> &'n str: Bind<'n, DB>,
    String: Value<DB>,
    i64: Value<DB>,
{
    let mut first = true;
    let mut and = |q: &mut QueryBuilder<'a, DB>| {
        q.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    if let Some(name) = &filter.name {
        and(query);
        query
            .push("v.name LIKE ")
            .push_bind(super::contains_pattern(name))
            .push(" ESCAPE '\\'");
    }
    if let Some(phone) = &filter.phone {
        and(query);
        query
            .push("(v.phone = ")
            .push_bind(phone.as_str())
            .push(" OR v.hotline = ")
            .push_bind(phone.as_str())
            .push(")");
    }
    if let Some(district) = &filter.district {
        and(query);
        query
            .push("v.district_code = ")
            .push_bind(district.as_str());
    }
    if let Some(street) = &filter.street {
        and(query);
        query.push("v.street_code = ").push_bind(street.as_str());
    }
    if let Some(category) = &filter.category {
        and(query);
        query
            .push(
                "EXISTS (SELECT 1 FROM vendor_services s WHERE s.vendor_id = v.id \
                 AND s.category_code LIKE ",
            )
            .push_bind(format!("{category}%"))
            .push(")");
    }
    if let Some(only) = filter.only {
        and(query);
        query.push("v.id = ").push_bind(only);
    }
    if let Some(status) = filter.status {
        and(query);
        query.push("v.status = ").push_bind(status.as_code());
    }
}

/// A vendor as the registry export writes it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VendorExportRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub franchise_type: String,
    pub district_name: String,
    pub street_name: Option<String>,
    pub address: String,
    pub contact_name: String,
    pub phone: String,
    pub hotline: Option<String>,
    pub website: Option<String>,
    pub qualification: Option<String>,
    pub service_area: Option<String>,
    pub staff_count: i32,
    pub registered_capital: i64,
    pub home_care: bool,
    pub volunteer: bool,
    pub status: String,
    pub credit_grade: String,
    pub special_recommend: bool,
    pub special_issue: bool,
    pub special_prompt: Option<String>,
    pub centre_opinion: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub created_at: DateTime<Utc>,
    pub score_sum: Option<i64>,
    pub rated: i64,
    pub open_orders: i64,
    /// The names of its services, filled in after the read.
    #[sqlx(skip)]
    pub services: Vec<String>,
}

#[async_trait]
pub trait VendorStore: Send + Sync {
    /// Every vendor the filter matches (its page ignored), by id, at most `limit`, with
    /// their services' names.
    async fn vendor_export(
        &self,
        filter: &VendorFilter,
        limit: u32,
    ) -> Result<Vec<VendorExportRow>, StoreError>;
    /// Everyone the filter matches (the count) and its page of them, by id.
    async fn vendor_list(
        &self,
        filter: &VendorFilter,
    ) -> Result<(u64, Vec<VendorSummary>), StoreError>;
    /// One vendor's whole record (`editable` is `Nothing`: the service sets it).
    async fn vendor(&self, id: i64) -> Result<Option<VendorDetail>, StoreError>;
    /// Stores a new vendor at `position` with its services; returns its id.
    async fn insert_vendor(
        &self,
        draft: &VendorDraft,
        position: Coordinates,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    /// Replaces a vendor's record and services if it is still at `version`; `false` if
    /// someone changed it meanwhile (nothing written).
    async fn update_vendor(
        &self,
        id: i64,
        version: i64,
        draft: &VendorDraft,
        position: Coordinates,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    /// Adds (`staff_id` `None`) or changes a member of a vendor's staff; `None` when the
    /// member is not that vendor's.
    async fn save_vendor_staff(
        &self,
        vendor_id: i64,
        staff_id: Option<i64>,
        staff: &VendorStaffDraft,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<Option<i64>, StoreError>;
    async fn insert_inspection(
        &self,
        vendor_id: i64,
        inspection: &InspectionDraft,
        recorded_by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
}

#[async_trait]
impl<DB> VendorStore for SqlStore<DB>
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
    async fn vendor_list(
        &self,
        filter: &VendorFilter,
    ) -> Result<(u64, Vec<VendorSummary>), StoreError> {
        let mut count = QueryBuilder::<DB>::new("SELECT COUNT(*) FROM vendors v");
        push_filter(&mut count, filter);
        let total: i64 = DB::fetch_scalar(count, &self.pool).await?;
        if total == 0 {
            return Ok((0, Vec::new()));
        }
        let mut query = QueryBuilder::<DB>::new(format!(
            "SELECT v.id, v.name, d.name AS district_name, s.name AS street_name, v.phone, \
             v.contact_name, v.status, v.credit_grade, v.special_recommend, v.special_issue, \
             {STANDING} FROM vendors v JOIN regions d ON d.code = v.district_code \
             LEFT JOIN regions s ON s.code = v.street_code"
        ));
        push_filter(&mut query, filter);
        query
            .push(" ORDER BY v.id LIMIT ")
            .push_bind(i64::from(filter.per_page.clamp(1, 1000)))
            .push(" OFFSET ")
            .push_bind(i64::try_from(filter.offset()).unwrap_or(i64::MAX));
        let rows: Vec<SummaryRow> = DB::fetch_all(query, &self.pool).await?;
        let items = rows
            .into_iter()
            .map(SummaryRow::summary)
            .collect::<Result<_, _>>()?;
        Ok((u64::try_from(total).unwrap_or(0), items))
    }

    async fn vendor_export(
        &self,
        filter: &VendorFilter,
        limit: u32,
    ) -> Result<Vec<VendorExportRow>, StoreError> {
        let mut query = QueryBuilder::<DB>::new(format!(
            "SELECT v.id, v.name, v.kind, v.franchise_type, d.name AS district_name, \
             s.name AS street_name, v.address, v.contact_name, v.phone, v.hotline, v.website, \
             v.qualification, v.service_area, v.staff_count, v.registered_capital, \
             v.home_care, v.volunteer, v.status, v.credit_grade, v.special_recommend, \
             v.special_issue, v.special_prompt, v.centre_opinion, v.lon, v.lat, v.created_at, \
             {STANDING} FROM vendors v JOIN regions d ON d.code = v.district_code \
             LEFT JOIN regions s ON s.code = v.street_code"
        ));
        push_filter(&mut query, filter);
        query
            .push(" ORDER BY v.id LIMIT ")
            .push_bind(i64::from(limit));
        let mut rows: Vec<VendorExportRow> = DB::fetch_all(query, &self.pool).await?;
        if rows.is_empty() {
            return Ok(rows);
        }
        // The services of the same vendors (the same search), matched back by id.
        let mut services = QueryBuilder::<DB>::new(
            "SELECT s.vendor_id, c.name_zh FROM vendor_services s \
             JOIN service_categories c ON c.code = s.category_code \
             WHERE s.vendor_id IN (SELECT v.id FROM vendors v",
        );
        push_filter(&mut services, filter);
        services
            .push(" ORDER BY v.id LIMIT ")
            .push_bind(i64::from(limit))
            .push(") ORDER BY s.vendor_id, c.code");
        let services: Vec<(i64, String)> = DB::fetch_all(services, &self.pool).await?;
        let mut by_vendor: std::collections::HashMap<i64, Vec<String>> =
            std::collections::HashMap::new();
        for (id, name) in services {
            by_vendor.entry(id).or_default().push(name);
        }
        for row in &mut rows {
            row.services = by_vendor.remove(&row.id).unwrap_or_default();
        }
        Ok(rows)
    }

    async fn vendor(&self, id: i64) -> Result<Option<VendorDetail>, StoreError> {
        let row: Option<DetailRow> = sqlx::query_as(
            "SELECT v.id, v.name, v.kind, v.franchise_type, v.district_code, \
             d.name AS district_name, v.street_code, s.name AS street_name, v.address, \
             v.phone, v.contact_name, v.hotline, v.website, v.qualification, v.service_area, \
             v.staff_count, v.registered_capital, v.home_care, v.volunteer, v.status, \
             v.credit_grade, v.special_recommend, v.special_issue, v.special_prompt, \
             v.centre_opinion, v.lon, v.lat, v.created_at, v.updated_at, v.version \
             FROM vendors v JOIN regions d ON d.code = v.district_code \
             LEFT JOIN regions s ON s.code = v.street_code WHERE v.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let services: Vec<(String, String)> = sqlx::query_as(
            "SELECT c.code, c.name_zh FROM vendor_services s \
             JOIN service_categories c ON c.code = s.category_code \
             WHERE s.vendor_id = $1 ORDER BY c.code",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let staff: Vec<(i64, String, String, String, bool)> = sqlx::query_as(
            "SELECT id, name, phone, job, active FROM vendor_staff WHERE vendor_id = $1 \
             ORDER BY active DESC, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        #[allow(clippy::type_complexity)]
        let inspections: Vec<(
            i64,
            NaiveDate,
            String,
            String,
            Option<String>,
            Option<NaiveDate>,
            String,
            DateTime<Utc>,
        )> = sqlx::query_as(
            "SELECT id, inspected_on, result, inspector, note, next_due, recorded_by, \
             recorded_at FROM vendor_inspections WHERE vendor_id = $1 \
             ORDER BY inspected_on DESC, id DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        #[allow(clippy::type_complexity)]
        let ratings: (i64, Option<f64>, Option<f64>, Option<f64>, i64, i64) = sqlx::query_as(
            "SELECT COUNT(a.price_score), AVG(CAST(a.price_score AS DOUBLE PRECISION)), \
             AVG(CAST(a.punctuality_score AS DOUBLE PRECISION)), \
             AVG(CAST(a.attitude_score AS DOUBLE PRECISION)), COUNT(*), \
             COALESCE(SUM(CASE WHEN NOT a.closed AND a.status IN ('dispatched', 'confirmed') \
             THEN 1 ELSE 0 END), 0) \
             FROM case_assignments a WHERE a.vendor_id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
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
             WHERE a.vendor_id = $1 ORDER BY a.assigned_at DESC, a.id DESC LIMIT $2",
        )
        .bind(id)
        .bind(VENDOR_ORDERS_SHOWN)
        .fetch_all(&self.pool)
        .await?;

        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        let inspections = inspections
            .into_iter()
            .map(
                |(iid, inspected_on, result, inspector, note, next_due, by, at)| {
                    Ok(VendorInspection {
                        id: iid,
                        inspected_on,
                        result: InspectionResult::from_code(&result).ok_or_else(|| {
                            StoreError::Corrupt(format!("inspection {iid} result {result}"))
                        })?,
                        inspector,
                        note,
                        next_due,
                        recorded_by: by,
                        recorded_at: at,
                    })
                },
            )
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(VendorDetail {
            kind: VendorKind::from_code(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("vendor {id} kind {}", r.kind)))?,
            status: status_of(id, &r.status)?,
            credit_grade: grade_of(id, &r.credit_grade)?,
            id: r.id,
            name: r.name,
            franchise_type: r.franchise_type,
            district_code: r.district_code,
            district_name: r.district_name,
            street_code: r.street_code,
            street_name: r.street_name,
            address: r.address,
            phone: r.phone,
            contact_name: r.contact_name,
            hotline: r.hotline,
            website: r.website,
            qualification: r.qualification,
            service_area: r.service_area,
            services,
            staff_count: r.staff_count,
            registered_capital: r.registered_capital,
            home_care: r.home_care,
            volunteer: r.volunteer,
            special_recommend: r.special_recommend,
            special_issue: r.special_issue,
            special_prompt: r.special_prompt,
            centre_opinion: r.centre_opinion,
            position: Coordinates {
                lon: r.lon,
                lat: r.lat,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            staff: staff
                .into_iter()
                .map(|(id, name, phone, job, active)| VendorStaff {
                    id,
                    name,
                    phone,
                    job,
                    active,
                })
                .collect(),
            inspections,
            ratings: VendorRatings {
                rated: count(ratings.0),
                price: ratings.1.map(|v| v as f32),
                punctuality: ratings.2.map(|v| v as f32),
                attitude: ratings.3.map(|v| v as f32),
                orders: count(ratings.4),
                open_orders: count(ratings.5),
            },
            orders: orders
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
                .collect(),
            editable: VendorEdit::Nothing,
        }))
    }

    async fn insert_vendor(
        &self,
        d: &VendorDraft,
        position: Coordinates,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO vendors (name, kind, franchise_type, district_code, street_code, \
             address, phone, contact_name, hotline, website, qualification, service_area, \
             staff_count, registered_capital, home_care, volunteer, status, credit_grade, \
             special_recommend, special_issue, special_prompt, centre_opinion, lon, lat, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) RETURNING id",
        )
        .bind(&d.name)
        .bind(d.kind.as_code())
        .bind(&d.franchise_type)
        .bind(&d.district_code)
        .bind(&d.street_code)
        .bind(&d.address)
        .bind(&d.phone)
        .bind(&d.contact_name)
        .bind(&d.hotline)
        .bind(&d.website)
        .bind(&d.qualification)
        .bind(&d.service_area)
        .bind(d.staff_count)
        .bind(d.registered_capital)
        .bind(d.home_care)
        .bind(d.volunteer)
        .bind(d.status.as_code())
        .bind(d.credit_grade.as_code())
        .bind(d.special_recommend)
        .bind(d.special_issue)
        .bind(&d.special_prompt)
        .bind(&d.centre_opinion)
        .bind(position.lon)
        .bind(position.lat)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for code in &d.services {
            sqlx::query(super::registry::INSERT_VENDOR_SERVICE)
                .bind(id)
                .bind(code)
                .bind(position.lon)
                .bind(position.lat)
                .execute(&mut *tx)
                .await?;
        }
        Self::insert_audit_of(&mut *tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_vendor(
        &self,
        id: i64,
        version: i64,
        d: &VendorDraft,
        position: Coordinates,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE vendors SET name = $3, kind = $4, franchise_type = $5, district_code = $6, \
             street_code = $7, address = $8, phone = $9, contact_name = $10, hotline = $11, \
             website = $12, qualification = $13, service_area = $14, staff_count = $15, \
             registered_capital = $16, home_care = $17, volunteer = $18, status = $19, \
             credit_grade = $20, special_recommend = $21, special_issue = $22, \
             special_prompt = $23, centre_opinion = $24, lon = $25, lat = $26, \
             updated_at = $27, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(&d.name)
        .bind(d.kind.as_code())
        .bind(&d.franchise_type)
        .bind(&d.district_code)
        .bind(&d.street_code)
        .bind(&d.address)
        .bind(&d.phone)
        .bind(&d.contact_name)
        .bind(&d.hotline)
        .bind(&d.website)
        .bind(&d.qualification)
        .bind(&d.service_area)
        .bind(d.staff_count)
        .bind(d.registered_capital)
        .bind(d.home_care)
        .bind(d.volunteer)
        .bind(d.status.as_code())
        .bind(d.credit_grade.as_code())
        .bind(d.special_recommend)
        .bind(d.special_issue)
        .bind(&d.special_prompt)
        .bind(&d.centre_opinion)
        .bind(position.lon)
        .bind(position.lat)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT category_code FROM vendor_services WHERE vendor_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        for code in stored.iter().filter(|c| !d.services.contains(c)) {
            sqlx::query("DELETE FROM vendor_services WHERE vendor_id = $1 AND category_code = $2")
                .bind(id)
                .bind(code)
                .execute(&mut *tx)
                .await?;
        }
        for code in d.services.iter().filter(|c| !stored.contains(c)) {
            sqlx::query(super::registry::INSERT_VENDOR_SERVICE)
                .bind(id)
                .bind(code)
                .bind(position.lon)
                .bind(position.lat)
                .execute(&mut *tx)
                .await?;
        }
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn save_vendor_staff(
        &self,
        vendor_id: i64,
        staff_id: Option<i64>,
        s: &VendorStaffDraft,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = match staff_id {
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO vendor_staff (vendor_id, name, phone, job, active, created_at, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(vendor_id)
                .bind(&s.name)
                .bind(&s.phone)
                .bind(&s.job)
                .bind(s.active)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                id
            }
            Some(staff_id) => {
                let changed = sqlx::query(
                    "UPDATE vendor_staff SET name = $3, phone = $4, job = $5, active = $6, \
                     updated_at = $7 WHERE id = $1 AND vendor_id = $2",
                )
                .bind(staff_id)
                .bind(vendor_id)
                .bind(&s.name)
                .bind(&s.phone)
                .bind(&s.job)
                .bind(s.active)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Ok(None);
                }
                staff_id
            }
        };
        let audit = NewAuditEntry {
            object_id: format!("{vendor_id}/{id}"),
            ..audit.clone()
        };
        Self::insert_audit(&mut *tx, &audit).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn insert_inspection(
        &self,
        vendor_id: i64,
        i: &InspectionDraft,
        recorded_by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO vendor_inspections (vendor_id, inspected_on, result, inspector, note, \
             next_due, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id",
        )
        .bind(vendor_id)
        .bind(i.inspected_on)
        .bind(i.result.as_code())
        .bind(&i.inspector)
        .bind(&i.note)
        .bind(i.next_due)
        .bind(recorded_by)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }
}
