//! Storage of the registries: vendors (加盟企业), skilled providers and volunteers, the
//! elderly, and the clients (callers) the caller card marks; plus the rows a bulk load
//! writes into them (`NewVendor`, `NewProvider`, `NewElderly`).

use hotline_domain::{
    Coordinates, ElderlyDetail, ElderlySearch, ElderlySummary, ImportReport, Region,
};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};
use crate::audit::NewAuditEntry;

/// What the centre knows of a caller (R4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientRecord {
    pub phone: String,
    pub name: Option<String>,
    /// Each mark given, with its reason.
    pub marks: hotline_domain::ClientMarks,
    pub note: Option<String>,
}

pub(super) const ELDERLY_SELECT: &str = "SELECT e.id, e.name, e.gender, e.birth_date, \
     e.id_number, e.identity_category, r.name AS district_name, e.address, e.onekey_phone, \
     e.service_card_no, e.phone, e.contact_name, e.contact_relation, e.contact_phone, \
     e.health_notes, e.medications, e.created_at, e.district_code, e.street_code, \
     s.name AS street_name, e.village_code, v.name AS village_name, e.onekey_device, e.lon, \
     e.lat, e.version \
     FROM elderly e JOIN regions r ON r.code = e.district_code \
     LEFT JOIN regions s ON s.code = e.street_code \
     LEFT JOIN regions v ON v.code = e.village_code";

#[derive(sqlx::FromRow)]
pub(super) struct ElderlyRow {
    id: i64,
    name: String,
    gender: String,
    birth_date: chrono::NaiveDate,
    id_number: String,
    identity_category: String,
    district_name: String,
    address: String,
    onekey_phone: Option<String>,
    service_card_no: String,
    phone: Option<String>,
    contact_name: String,
    contact_relation: String,
    contact_phone: String,
    health_notes: Option<String>,
    medications: Option<String>,
    created_at: DateTime<Utc>,
    district_code: String,
    street_code: Option<String>,
    street_name: Option<String>,
    village_code: Option<String>,
    village_name: Option<String>,
    onekey_device: Option<String>,
    lon: f64,
    lat: f64,
    version: i64,
}

impl ElderlyRow {
    pub(super) fn summary(&self) -> ElderlySummary {
        ElderlySummary {
            id: self.id,
            name: self.name.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date,
            id_number: self.id_number.clone(),
            identity_category: self.identity_category.clone(),
            district_name: self.district_name.clone(),
            address: self.address.clone(),
            onekey_phone: self.onekey_phone.clone(),
            joined_on: crate::clock::local_date_of(self.created_at),
        }
    }

    pub(super) fn detail(self) -> ElderlyDetail {
        ElderlyDetail {
            summary: self.summary(),
            service_card_no: self.service_card_no,
            district_code: self.district_code,
            street_code: self.street_code,
            street_name: self.street_name,
            village_code: self.village_code,
            village_name: self.village_name,
            onekey_device: self.onekey_device,
            position: Coordinates {
                lon: self.lon,
                lat: self.lat,
            },
            version: self.version,
            phone: self.phone,
            contact_name: self.contact_name,
            contact_relation: self.contact_relation,
            contact_phone: self.contact_phone,
            health_notes: self.health_notes,
            medications: self.medications,
            id_revealed: true,
            health_shown: true,
        }
    }
}

pub(super) const INSERT_VENDOR: &str =
    "INSERT INTO vendors (name, kind, district_code, street_code, \
     address, phone, contact_name, hotline, status, credit_grade, franchise_type, staff_count, \
     registered_capital, home_care, volunteer, lon, lat, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
     RETURNING id";

pub(super) const INSERT_VENDOR_SERVICE: &str =
    "INSERT INTO vendor_services (vendor_id, category_code, lon, lat) VALUES ($1, $2, $3, $4)";

pub(super) const INSERT_PROVIDER: &str = "INSERT INTO providers (name, kind, service_mode, \
     support_system, district_code, phone, skill_code, lon, lat, created_at, status) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";

pub(super) const INSERT_ELDERLY: &str =
    "INSERT INTO elderly (name, gender, birth_date, id_number, \
     identity_category, service_card_no, district_code, street_code, village_code, address, \
     phone, onekey_phone, health_notes, medications, contact_name, contact_relation, \
     contact_phone, lon, lat, created_at, onekey_device) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     $19, $20, $21)";

/// Binds a person's columns in [`INSERT_ELDERLY`] order (`$1` to `$21`).
pub(super) fn bind_elderly<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    e: &'q NewElderly,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    String: Value<DB>,
    Option<String>: Value<DB>,
    f64: Value<DB>,
    NaiveDate: Value<DB>,
    DateTime<Utc>: Value<DB>,
{
    query
        .bind(&e.name)
        .bind(&e.gender)
        .bind(e.birth_date)
        .bind(&e.id_number)
        .bind(&e.identity_category)
        .bind(&e.service_card_no)
        .bind(&e.district_code)
        .bind(&e.street_code)
        .bind(&e.village_code)
        .bind(&e.address)
        .bind(&e.phone)
        .bind(&e.onekey_phone)
        .bind(&e.health_notes)
        .bind(&e.medications)
        .bind(&e.contact_name)
        .bind(&e.contact_relation)
        .bind(&e.contact_phone)
        .bind(e.lon)
        .bind(e.lat)
        .bind(e.created_at)
        .bind(&e.onekey_device)
}

/// The export of the elderly registry: every column of a person, regions by name.
pub(super) const ELDERLY_EXPORT_SELECT: &str = "SELECT e.id, e.name, e.gender, e.birth_date, \
     e.id_number, e.identity_category, e.service_card_no, d.name AS district_name, \
     s.name AS street_name, v.name AS village_name, e.address, e.phone, e.onekey_phone, \
     e.onekey_device, e.contact_name, e.contact_relation, e.contact_phone, e.health_notes, \
     e.medications, e.lon, e.lat, e.created_at \
     FROM elderly e JOIN regions d ON d.code = e.district_code \
     LEFT JOIN regions s ON s.code = e.street_code \
     LEFT JOIN regions v ON v.code = e.village_code";

/// A person as the registry export writes them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ElderlyExportRow {
    pub id: i64,
    pub name: String,
    pub gender: String,
    pub birth_date: NaiveDate,
    pub id_number: String,
    pub identity_category: String,
    pub service_card_no: String,
    pub district_name: String,
    pub street_name: Option<String>,
    pub village_name: Option<String>,
    pub address: String,
    pub phone: Option<String>,
    pub onekey_phone: Option<String>,
    pub onekey_device: Option<String>,
    pub contact_name: String,
    pub contact_relation: String,
    pub contact_phone: String,
    pub health_notes: Option<String>,
    pub medications: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub created_at: DateTime<Utc>,
}

/// The columns of the elderly registry no two people share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElderlyUnique {
    IdNumber,
    ServiceCard,
    OnekeyDevice,
}

impl ElderlyUnique {
    fn column(self) -> &'static str {
        match self {
            ElderlyUnique::IdNumber => "id_number",
            ElderlyUnique::ServiceCard => "service_card_no",
            ElderlyUnique::OnekeyDevice => "onekey_device",
        }
    }
}

pub(super) const INSERT_IMPORT: &str = "INSERT INTO registry_imports (registry, file_name, \
     actor, at, rows, imported, committed, report) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     RETURNING id";

/// A vendor to load, with the service categories it offers.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVendor {
    pub name: String,
    pub kind: String,
    pub district_code: String,
    pub street_code: Option<String>,
    pub address: String,
    pub phone: String,
    pub contact_name: String,
    pub hotline: Option<String>,
    pub status: String,
    pub credit_grade: String,
    pub franchise_type: String,
    pub staff_count: i32,
    pub registered_capital: i64,
    pub home_care: bool,
    pub volunteer: bool,
    pub lon: f64,
    pub lat: f64,
    pub created_at: DateTime<Utc>,
    pub services: Vec<String>,
}

/// A skilled individual or volunteer to load.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProvider {
    pub name: String,
    pub kind: String,
    pub service_mode: String,
    pub support_system: String,
    pub district_code: String,
    pub phone: String,
    pub skill_code: String,
    pub lon: f64,
    pub lat: f64,
    pub created_at: DateTime<Utc>,
    /// `active`, `paused` (not taking work for now) or `left`.
    pub status: String,
}

/// A registered elderly person to load.
#[derive(Debug, Clone, PartialEq)]
pub struct NewElderly {
    pub name: String,
    pub gender: String,
    pub birth_date: NaiveDate,
    pub id_number: String,
    pub identity_category: String,
    pub service_card_no: String,
    pub district_code: String,
    pub street_code: Option<String>,
    pub village_code: Option<String>,
    pub address: String,
    pub phone: Option<String>,
    pub onekey_phone: Option<String>,
    /// The one-key terminal's id, when they have one.
    pub onekey_device: Option<String>,
    pub health_notes: Option<String>,
    pub medications: Option<String>,
    pub contact_name: String,
    pub contact_relation: String,
    pub contact_phone: String,
    pub lon: f64,
    pub lat: f64,
    pub created_at: DateTime<Utc>,
}

/// Which registered elderly people to list (SPEC R3), checked and turned into the stored
/// columns' terms: birth dates for ages, instants for join dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElderlyListing {
    pub search: Option<ElderlySearch>,
    pub district: Option<String>,
    pub category: Option<String>,
    /// Born on or after / on or before.
    pub born_from: Option<NaiveDate>,
    pub born_to: Option<NaiveDate>,
    /// Joined at or after / before.
    pub joined_from: Option<DateTime<Utc>>,
    pub joined_before: Option<DateTime<Utc>>,
    pub offset: u64,
    pub limit: u32,
}

impl ElderlyListing {
    /// Appends ` WHERE …` for the listing's conditions on `elderly e` (nothing when none).
    fn push_conditions<'a, DB>(&'a self, query: &mut sqlx::QueryBuilder<'a, DB>)
    where
        DB: Dialect,
        for<'n> &'n str: Bind<'n, DB>,
        String: Value<DB>,
        NaiveDate: Value<DB>,
        DateTime<Utc>: Value<DB>,
    {
        let mut first = true;
        let mut and = |query: &mut sqlx::QueryBuilder<'a, DB>| {
            query.push(if first { " WHERE " } else { " AND " });
            first = false;
        };
        match &self.search {
            None => {}
            Some(ElderlySearch::Number { text, phone }) => {
                and(query);
                query
                    .push("(e.id_number = ")
                    .push_bind(text.as_str())
                    .push(" OR e.service_card_no = ")
                    .push_bind(text.as_str());
                if let Some(phone) = phone {
                    query
                        .push(" OR e.phone = ")
                        .push_bind(phone.as_str())
                        .push(" OR e.onekey_phone = ")
                        .push_bind(phone.as_str());
                }
                query.push(")");
            }
            Some(ElderlySearch::Name(start)) => {
                // Every name starting with `start` lies in [start, start + the last code
                // point) in byte order, the name index's order.
                and(query);
                query
                    .push(format!("e.name{} >= ", DB::BYTE_ORDER))
                    .push_bind(start.as_str())
                    .push(format!(" AND e.name{} < ", DB::BYTE_ORDER))
                    .push_bind(format!("{start}\u{10FFFF}"));
            }
        }
        if let Some(district) = &self.district {
            and(query);
            query
                .push("e.district_code = ")
                .push_bind(district.as_str());
        }
        if let Some(category) = &self.category {
            and(query);
            query
                .push("e.identity_category = ")
                .push_bind(category.as_str());
        }
        if let Some(from) = self.born_from {
            and(query);
            query.push("e.birth_date >= ").push_bind(from);
        }
        if let Some(to) = self.born_to {
            and(query);
            query.push("e.birth_date <= ").push_bind(to);
        }
        if let Some(from) = self.joined_from {
            and(query);
            query.push("e.created_at >= ").push_bind(from);
        }
        if let Some(before) = self.joined_before {
            and(query);
            query.push("e.created_at < ").push_bind(before);
        }
    }
}

#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// `(id, name)` of every vendor, for the user form.
    async fn vendor_names(&self) -> Result<Vec<(i64, String)>, StoreError>;
    /// Every vendor's id, name and district's name, by name (the administrator's picker).
    async fn vendor_choices(&self) -> Result<Vec<(i64, String, Option<String>)>, StoreError>;
    /// Volunteers and skilled people, those of the district `near` (a district code, or
    /// any region code under one) first, then by district and name.
    async fn provider_choices(
        &self,
        near: Option<&str>,
        limit: u32,
    ) -> Result<Vec<hotline_domain::ProviderChoice>, StoreError>;
    /// Everyone the listing matches (the count) and its page of them, in join order.
    async fn elderly_list(
        &self,
        listing: &ElderlyListing,
    ) -> Result<(u64, Vec<ElderlySummary>), StoreError>;
    async fn elderly(&self, id: i64) -> Result<Option<ElderlyDetail>, StoreError>;
    async fn client(&self, phone: &str) -> Result<Option<ClientRecord>, StoreError>;
    async fn save_client(&self, client: &ClientRecord, at: DateTime<Utc>)
        -> Result<(), StoreError>;
    /// Stores a person typed in by a keeper of the registry, with the audit entry (its
    /// object id filled in) in the same transaction; returns the id.
    async fn insert_elderly_record(
        &self,
        person: &NewElderly,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    /// Replaces a person's record if it is still at `version`, with the audit entry;
    /// `false` if someone changed it meanwhile (nothing written). The join time is kept:
    /// `person.created_at` is taken as the time of the edit.
    async fn update_elderly(
        &self,
        id: i64,
        version: i64,
        person: &NewElderly,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    /// Registered elderly whose own or one-key phone is this number: (id, one-key match).
    async fn elderly_by_phone(&self, phone: &str) -> Result<Vec<(i64, bool)>, StoreError>;
    /// Everyone the listing matches (its offset and limit ignored), in join order, at most
    /// `limit`.
    async fn elderly_export(
        &self,
        listing: &ElderlyListing,
        limit: u32,
    ) -> Result<Vec<ElderlyExportRow>, StoreError>;
    /// Removes the people with these ID numbers (an import undoing the parts it stored).
    /// Returns how many were removed.
    async fn delete_elderly_by_id_number(&self, id_numbers: &[String]) -> Result<u64, StoreError>;
    /// Which of `values` a stored person already has in the column.
    async fn elderly_taken(
        &self,
        column: ElderlyUnique,
        values: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError>;
    /// Every region with its stored position, if any.
    async fn placed_regions(&self) -> Result<Vec<(Region, Option<Coordinates>)>, StoreError>;
    /// One import's report.
    async fn import_report(&self, id: i64) -> Result<Option<ImportReport>, StoreError>;
    /// The latest imports into a registry, newest first.
    async fn import_reports(
        &self,
        registry: &str,
        limit: u32,
    ) -> Result<Vec<ImportReport>, StoreError>;
}

/// A stored import report: its row id is its id.
fn stored_report((id, json): (i64, String)) -> Result<ImportReport, StoreError> {
    let mut report: ImportReport = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("import {id}: {e}")))?;
    report.id = id;
    Ok(report)
}

#[async_trait]
impl<DB> RegistryStore for SqlStore<DB>
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
    async fn vendor_names(&self) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as("SELECT id, name FROM vendors ORDER BY name")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn vendor_choices(&self) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT v.id, v.name, d.name FROM vendors v \
             LEFT JOIN regions d ON d.code = v.district_code ORDER BY v.name, v.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn provider_choices(
        &self,
        near: Option<&str>,
        limit: u32,
    ) -> Result<Vec<hotline_domain::ProviderChoice>, StoreError> {
        let near: String = near.unwrap_or_default().chars().take(6).collect();
        let rows: Vec<(i64, String, String, String, String, bool)> = sqlx::query_as(
            "SELECT p.id, p.name, p.kind, s.name_zh, r.name, p.district_code = $1 AS near \
             FROM providers p JOIN service_categories s ON s.code = p.skill_code \
             JOIN regions r ON r.code = p.district_code \
             ORDER BY CASE WHEN p.district_code = $1 THEN 0 ELSE 1 END, p.district_code, \
             p.name, p.id LIMIT $2",
        )
        .bind(near)
        .bind(i64::from(limit.clamp(1, 1000)))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, kind, skill, district, near)| hotline_domain::ProviderChoice {
                    id,
                    name,
                    volunteer: kind == "volunteer",
                    skill,
                    district,
                    near,
                },
            )
            .collect())
    }

    async fn elderly_list(
        &self,
        listing: &ElderlyListing,
    ) -> Result<(u64, Vec<hotline_domain::ElderlySummary>), StoreError> {
        let mut count = sqlx::QueryBuilder::<DB>::new("SELECT COUNT(*) FROM elderly e");
        listing.push_conditions(&mut count);
        let total: i64 = DB::fetch_scalar(count, &self.pool).await?;
        if total == 0 {
            return Ok((0, Vec::new()));
        }
        let mut query = sqlx::QueryBuilder::<DB>::new(ELDERLY_SELECT);
        listing.push_conditions(&mut query);
        query
            .push(" ORDER BY e.id LIMIT ")
            .push_bind(i64::from(listing.limit.clamp(1, 1000)))
            .push(" OFFSET ")
            .push_bind(i64::try_from(listing.offset).unwrap_or(i64::MAX));
        let rows: Vec<ElderlyRow> = DB::fetch_all(query, &self.pool).await?;
        Ok((
            u64::try_from(total).unwrap_or(0),
            rows.iter().map(|r| r.summary()).collect(),
        ))
    }

    async fn elderly(&self, id: i64) -> Result<Option<hotline_domain::ElderlyDetail>, StoreError> {
        let row: Option<ElderlyRow> =
            sqlx::query_as(&format!("{} WHERE e.id = $1", ELDERLY_SELECT))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.detail()))
    }

    async fn client(&self, phone: &str) -> Result<Option<crate::store::ClientRecord>, StoreError> {
        #[allow(clippy::type_complexity)]
        let row: Option<(
            String,
            Option<String>,
            bool,
            Option<String>,
            bool,
            Option<String>,
            bool,
            Option<String>,
            Option<String>,
        )> = sqlx::query_as(
            "SELECT phone, name, vip, vip_reason, important, important_reason, blacklisted, \
             blacklist_reason, note FROM clients WHERE phone = $1",
        )
        .bind(phone)
        .fetch_optional(&self.pool)
        .await?;
        let mark = |given: bool, reason: Option<String>| given.then(|| reason.unwrap_or_default());
        Ok(row.map(
            |(phone, name, vip, vip_r, important, important_r, black, black_r, note)| {
                crate::store::ClientRecord {
                    phone,
                    name,
                    marks: hotline_domain::ClientMarks {
                        vip: mark(vip, vip_r),
                        important: mark(important, important_r),
                        blacklist: mark(black, black_r),
                    },
                    note,
                }
            },
        ))
    }

    async fn save_client(
        &self,
        client: &crate::store::ClientRecord,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let m = &client.marks;
        sqlx::query(
            "INSERT INTO clients (phone, name, vip, vip_reason, important, important_reason, \
             blacklisted, blacklist_reason, note, marks_changed_by, marks_changed_at, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'system', \
             $10, $10, $10) \
             ON CONFLICT (phone) DO UPDATE SET name = excluded.name, \
             vip = excluded.vip, vip_reason = excluded.vip_reason, \
             important = excluded.important, important_reason = excluded.important_reason, \
             blacklisted = excluded.blacklisted, blacklist_reason = excluded.blacklist_reason, \
             note = excluded.note, marks_changed_by = excluded.marks_changed_by, \
             marks_changed_at = excluded.marks_changed_at, updated_at = excluded.updated_at, \
             version = clients.version + 1",
        )
        .bind(&client.phone)
        .bind(&client.name)
        .bind(m.vip.is_some())
        .bind(&m.vip)
        .bind(m.important.is_some())
        .bind(&m.important)
        .bind(m.blacklist.is_some())
        .bind(&m.blacklist)
        .bind(&client.note)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn elderly_export(
        &self,
        listing: &ElderlyListing,
        limit: u32,
    ) -> Result<Vec<ElderlyExportRow>, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new(ELDERLY_EXPORT_SELECT);
        listing.push_conditions(&mut query);
        query
            .push(" ORDER BY e.id LIMIT ")
            .push_bind(i64::from(limit));
        DB::fetch_all(query, &self.pool).await
    }

    async fn delete_elderly_by_id_number(&self, id_numbers: &[String]) -> Result<u64, StoreError> {
        let mut removed = 0;
        for chunk in id_numbers.chunks(500) {
            let mut query =
                sqlx::QueryBuilder::<DB>::new("DELETE FROM elderly WHERE id_number IN (");
            let mut list = query.separated(", ");
            for value in chunk {
                list.push_bind(value.as_str());
            }
            query.push(")");
            removed += DB::execute(query, &self.pool).await?;
        }
        Ok(removed)
    }

    async fn insert_elderly_record(
        &self,
        e: &NewElderly,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let sql = format!("{INSERT_ELDERLY} RETURNING id");
        let row = bind_elderly(sqlx::query(&sql), e)
            .fetch_one(&mut *tx)
            .await?;
        let id: i64 = sqlx::Row::try_get(&row, 0usize)?;
        Self::insert_audit_of(&mut *tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_elderly(
        &self,
        id: i64,
        version: i64,
        e: &NewElderly,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The columns in `INSERT_ELDERLY` order; `$20`, a new person's join time, is the
        // edit's time here.
        let sql = "UPDATE elderly SET name = $1, gender = $2, birth_date = $3, id_number = $4, \
             identity_category = $5, service_card_no = $6, district_code = $7, \
             street_code = $8, village_code = $9, address = $10, phone = $11, \
             onekey_phone = $12, health_notes = $13, medications = $14, contact_name = $15, \
             contact_relation = $16, contact_phone = $17, lon = $18, lat = $19, \
             updated_at = $20, onekey_device = $21, version = version + 1 \
             WHERE id = $22 AND version = $23";
        let changed = bind_elderly(sqlx::query(sql), e)
            .bind(id)
            .bind(version)
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

    async fn elderly_taken(
        &self,
        column: ElderlyUnique,
        values: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut taken = std::collections::HashSet::new();
        for chunk in values.chunks(500) {
            let mut query = sqlx::QueryBuilder::<DB>::new(format!(
                "SELECT {0} FROM elderly WHERE {0} IN (",
                column.column()
            ));
            let mut list = query.separated(", ");
            for value in chunk {
                list.push_bind(value.as_str());
            }
            query.push(")");
            let found: Vec<(String,)> = DB::fetch_all(query, &self.pool).await?;
            taken.extend(found.into_iter().map(|(v,)| v));
        }
        Ok(taken)
    }

    async fn placed_regions(&self) -> Result<Vec<(Region, Option<Coordinates>)>, StoreError> {
        let rows: Vec<(
            String,
            Option<String>,
            i32,
            String,
            Option<f64>,
            Option<f64>,
        )> = sqlx::query_as("SELECT code, parent_code, level, name, lon, lat FROM regions")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(code, parent_code, level, name, lon, lat)| {
                (
                    Region {
                        code,
                        parent_code,
                        level: u8::try_from(level).unwrap_or(0),
                        name,
                    },
                    lon.zip(lat).map(|(lon, lat)| Coordinates { lon, lat }),
                )
            })
            .collect())
    }

    async fn import_report(&self, id: i64) -> Result<Option<ImportReport>, StoreError> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT id, report FROM registry_imports WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(stored_report).transpose()
    }

    async fn import_reports(
        &self,
        registry: &str,
        limit: u32,
    ) -> Result<Vec<ImportReport>, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, report FROM registry_imports WHERE registry = $1 \
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(registry)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(stored_report).collect()
    }

    async fn elderly_by_phone(&self, phone: &str) -> Result<Vec<(i64, bool)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, (onekey_phone IS NOT NULL AND onekey_phone = $1) FROM elderly \
             WHERE phone = $1 OR onekey_phone = $1 ORDER BY id LIMIT 5",
        )
        .bind(phone)
        .fetch_all(&self.pool)
        .await?)
    }
}
