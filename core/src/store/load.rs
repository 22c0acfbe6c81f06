//! A bulk load: many rows of several concepts written in one transaction (the demo data
//! set). Whoever loads keeps its own references: each insert returns the row's id, and rows
//! that refer to others (a case's parts, a user's department) carry those ids.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::flow::ReminderDraft;
use hotline_domain::{CaseFlow, CaseStatus, Channel, Department, TrackingNumber};
use sqlx::{ColumnIndex, Database, Executor, IntoArguments, Transaction};

use super::cases::{INSERT_CASE, INSERT_CASE_EVENT};
use super::dialect::{Bind, Value};
use super::registry::{
    bind_elderly, INSERT_ELDERLY, INSERT_PROVIDER, INSERT_VENDOR, INSERT_VENDOR_SERVICE,
};
use super::{Dialect, NewElderly, NewProvider, NewVendor, SqlStore, StoreError, UserRow};

/// A case to load as it stands, with its history. The parts of `flow` name stored
/// departments and vendors (ids returned earlier in the same load) and have no ids yet.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub tracking_number: &'a TrackingNumber,
    pub channel: Channel,
    pub flow: &'a CaseFlow,
    pub content: &'a str,
    pub contact_name: Option<&'a str>,
    pub phone: &'a str,
    pub anonymous: bool,
    pub district_code: Option<&'a str>,
    pub address: Option<&'a str>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub events: &'a [NewCaseEvent],
    /// Reminders still chasing something, by part index.
    pub reminders: &'a [ReminderDraft],
    /// When its lights turn yellow and red (`CaseFlow::lights`).
    pub lights: &'a hotline_domain::CaseLights,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCaseEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub from: Option<CaseStatus>,
    pub to: Option<CaseStatus>,
    pub note: Option<String>,
}

/// An open bulk load ([`super::Store::begin_load`]). Nothing is visible to others until
/// [`BulkLoad::commit`]; dropped without it, nothing is stored.
#[async_trait]
pub trait BulkLoad: Send {
    /// Returns the department's id.
    async fn insert_department(
        &mut self,
        department: &Department,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Returns the vendor's id.
    async fn insert_vendor(&mut self, vendor: &NewVendor) -> Result<i64, StoreError>;
    /// Returns the provider's id.
    async fn insert_provider(&mut self, provider: &NewProvider) -> Result<i64, StoreError>;
    async fn insert_elderly(&mut self, elderly: &NewElderly) -> Result<(), StoreError>;
    /// The case row, its history, its flow (parts and reminders).
    async fn insert_case(&mut self, case: &NewCase<'_>) -> Result<(), StoreError>;
    /// A one-key alarm as it stands, with its log, recorded by the case already loaded as
    /// `tracking_number`; its person found by the terminal's id.
    async fn insert_alarm(
        &mut self,
        tracking_number: &TrackingNumber,
        alarm: &crate::seed::demo::DemoAlarm,
    ) -> Result<(), StoreError>;
    /// A user, unless the user name is taken (then nothing).
    async fn insert_user(&mut self, user: &UserRow, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Sets a counter to at least `value`.
    async fn raise_counter(&mut self, name: &str, value: i64) -> Result<(), StoreError>;
    /// Keeps the map's per-row counts as rows come (a small load into a large table, where
    /// recounting a whole layer at commit would cost more). Before the first insert.
    fn count_each_row(&mut self);
    /// An import's report and its audit entry, in the load's transaction. Returns the
    /// report's id.
    async fn insert_import(
        &mut self,
        report: &hotline_domain::ImportReport,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<i64, StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// The bulk load of an [`SqlStore`]: one open transaction.
pub(super) struct SqlLoad<DB: Database> {
    pub(super) tx: Transaction<'static, DB>,
    /// The map layers written (`vendors`, `skilled`, `volunteers`, `elderly`), recounted
    /// at commit where the backend asks for it ([`Dialect::BULK_LOAD_RECOUNT`]).
    pub(super) layers: std::collections::BTreeSet<&'static str>,
    /// Whether the map's counts stand aside for the load ([`BulkLoad::count_each_row`]).
    pub(super) bulk: bool,
}

/// Notes that a load writes a map layer; before the first such row, tells the backend a
/// bulk load is under way ([`Dialect::BULK_LOAD_BEGIN`]). A macro, not a method: the
/// statement must run inside the `BulkLoad` methods' own futures.
macro_rules! writes_layer {
    ($load:expr, $layer:expr) => {
        if $load.bulk && $load.layers.is_empty() {
            if let Some(sql) = DB::BULK_LOAD_BEGIN {
                sqlx::query(sql).execute(&mut *$load.tx).await?;
            }
        }
        $load.layers.insert($layer);
    };
}

#[async_trait]
impl<DB> BulkLoad for SqlLoad<DB>
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
    async fn insert_department(
        &mut self,
        d: &Department,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO departments (code, name, phone, active, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(&d.code)
        .bind(&d.name)
        .bind(&d.phone)
        .bind(d.active)
        .bind(at)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    async fn insert_vendor(&mut self, v: &NewVendor) -> Result<i64, StoreError> {
        writes_layer!(self, "vendors");
        let id: i64 = sqlx::query_scalar(INSERT_VENDOR)
            .bind(&v.name)
            .bind(&v.kind)
            .bind(&v.district_code)
            .bind(&v.street_code)
            .bind(&v.address)
            .bind(&v.phone)
            .bind(&v.contact_name)
            .bind(&v.hotline)
            .bind(&v.status)
            .bind(&v.credit_grade)
            .bind(&v.franchise_type)
            .bind(v.staff_count)
            .bind(v.registered_capital)
            .bind(v.home_care)
            .bind(v.volunteer)
            .bind(v.lon)
            .bind(v.lat)
            .bind(v.created_at)
            .fetch_one(&mut *self.tx)
            .await?;
        for code in &v.services {
            sqlx::query(INSERT_VENDOR_SERVICE)
                .bind(id)
                .bind(code)
                .bind(v.lon)
                .bind(v.lat)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(id)
    }

    async fn insert_provider(&mut self, p: &NewProvider) -> Result<i64, StoreError> {
        writes_layer!(
            self,
            if p.kind == "volunteer" {
                "volunteers"
            } else {
                "skilled"
            }
        );
        let id: i64 = sqlx::query_scalar(INSERT_PROVIDER)
            .bind(&p.name)
            .bind(&p.kind)
            .bind(&p.service_mode)
            .bind(&p.support_system)
            .bind(&p.district_code)
            .bind(&p.phone)
            .bind(&p.skill_code)
            .bind(p.lon)
            .bind(p.lat)
            .bind(p.created_at)
            .bind(&p.status)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(id)
    }

    async fn insert_elderly(&mut self, e: &NewElderly) -> Result<(), StoreError> {
        writes_layer!(self, "elderly");
        bind_elderly(sqlx::query(INSERT_ELDERLY), e)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn insert_case(&mut self, c: &NewCase<'_>) -> Result<(), StoreError> {
        let case_id: i64 = sqlx::query_scalar(INSERT_CASE)
            .bind(c.tracking_number.as_str())
            .bind(c.channel.as_code())
            .bind(c.flow.case_type.map(|t| t.as_code()))
            .bind(c.flow.status.as_code())
            .bind(&c.flow.category_code)
            .bind(c.content)
            .bind(c.contact_name)
            .bind(c.phone)
            .bind(c.anonymous)
            .bind(c.district_code)
            .bind(c.address)
            .bind(c.lon)
            .bind(c.lat)
            .bind(c.created_at)
            .bind(c.updated_at)
            .bind(c.flow.priority.as_code())
            .fetch_one(&mut *self.tx)
            .await?;
        if !c.phone.is_empty() && c.channel != hotline_domain::Channel::OneKey {
            let (name, district, address) = super::clients::case_caller_fields(
                c.contact_name,
                c.anonymous,
                c.district_code,
                c.address,
            );
            sqlx::query(super::clients::REMEMBER_CASE_CALLER)
                .bind(c.phone)
                .bind(name)
                .bind(district)
                .bind(address)
                .bind(c.created_at)
                .execute(&mut *self.tx)
                .await?;
        }
        for e in c.events {
            sqlx::query(INSERT_CASE_EVENT)
                .bind(case_id)
                .bind(e.at)
                .bind(&e.actor)
                .bind(&e.kind)
                .bind(e.from.map(|s| s.as_code()))
                .bind(e.to.map(|s| s.as_code()))
                .bind(&e.note)
                .execute(&mut *self.tx)
                .await?;
        }
        let conn = &mut *self.tx;
        SqlStore::<DB>::write_flow_columns(
            &mut *conn,
            case_id,
            c.flow,
            c.lights.case,
            c.updated_at,
            // A case just inserted is at the column's default version.
            0,
        )
        .await?;
        let ids = SqlStore::<DB>::write_parts(&mut *conn, case_id, &[], c.flow).await?;
        SqlStore::<DB>::write_part_lights(&mut *conn, &ids, &c.lights.parts).await?;
        SqlStore::<DB>::insert_reminders(
            &mut *conn,
            case_id,
            &ids,
            c.reminders,
            None,
            c.updated_at,
        )
        .await?;
        Ok(())
    }

    async fn insert_user(&mut self, u: &UserRow, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO users (username, display_name, role, department_id, \
             vendor_id, password_hash, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
             ON CONFLICT (username) DO NOTHING",
        )
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(u.role.as_code())
        .bind(u.department_id)
        .bind(u.vendor_id)
        .bind(&u.password_hash)
        .bind(u.active)
        .bind(at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn raise_counter(&mut self, name: &str, value: i64) -> Result<(), StoreError> {
        sqlx::query(DB::RAISE_COUNTER)
            .bind(name)
            .bind(value)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn insert_alarm(
        &mut self,
        tracking_number: &TrackingNumber,
        a: &crate::seed::demo::DemoAlarm,
    ) -> Result<(), StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO alarms (delivery_id, kind, status, caller, device_id, elderly_id, \
             case_id, raised_at, received_at, holder, acknowledged_at, on_site_at, closed_at, \
             disposition, payload) \
             VALUES ($1, $2, $3, $4, $5, (SELECT id FROM elderly WHERE onekey_device = $5), \
             (SELECT id FROM cases WHERE tracking_number = $6), $7, $8, $9, $10, $11, $12, \
             $13, '{\"demo\":true}') RETURNING id",
        )
        .bind(&a.delivery_id)
        .bind(a.kind.as_code())
        .bind(a.status.as_code())
        .bind(&a.caller)
        .bind(&a.device_id)
        .bind(tracking_number.as_str())
        .bind(a.raised_at)
        .bind(a.received_at)
        .bind(&a.holder)
        .bind(a.acknowledged_at)
        .bind(a.on_site_at)
        .bind(a.closed_at)
        .bind(a.disposition.map(|d| d.as_code()))
        .fetch_one(&mut *self.tx)
        .await?;
        for (at, actor, kind, note) in &a.events {
            SqlStore::<DB>::insert_alarm_event(&mut self.tx, id, *at, actor, kind, note.as_deref())
                .await?;
        }
        Ok(())
    }

    fn count_each_row(&mut self) {
        self.bulk = false;
    }

    async fn insert_import(
        &mut self,
        report: &hotline_domain::ImportReport,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let json = serde_json::to_string(report)
            .map_err(|e| StoreError::Corrupt(format!("import report: {e}")))?;
        let id: i64 = sqlx::query_scalar(super::registry::INSERT_IMPORT)
            .bind(&report.registry)
            .bind(&report.file_name)
            .bind(&report.actor)
            .bind(report.at)
            .bind(i32::try_from(report.rows).unwrap_or(i32::MAX))
            .bind(i32::try_from(report.imported).unwrap_or(i32::MAX))
            .bind(report.committed)
            .bind(json)
            .fetch_one(&mut *self.tx)
            .await?;
        let mut audit = audit.clone();
        audit.object_id = id.to_string();
        SqlStore::<DB>::insert_audit(&mut *self.tx, &audit).await?;
        Ok(id)
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        if let (true, Some(sql)) = (self.bulk, DB::BULK_LOAD_RECOUNT) {
            for layer in &self.layers {
                sqlx::query(sql).bind(*layer).execute(&mut *self.tx).await?;
            }
        }
        self.tx.commit().await?;
        Ok(())
    }
}
