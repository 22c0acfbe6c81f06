//! Storage of the code tables: regions, service categories and dispositions, as loaded
//! from the shipped files and as administrators edit them.

use hotline_domain::{CalendarDay, Category, CodeEntry, DayKind, Region};

use crate::audit::NewAuditEntry;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};

/// A region as loaded from the code table file, with an optional map position.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionSeed {
    pub region: Region,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

pub(super) const UPSERT_REGION: &str =
    "INSERT INTO regions (code, parent_code, level, name, lon, lat) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, level = excluded.level, \
     name = excluded.name, lon = excluded.lon, lat = excluded.lat";

pub(super) const UPSERT_CATEGORY: &str =
    "INSERT INTO service_categories (code, parent_code, level, name_zh, name_en, urgent) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, level = excluded.level, \
     name_zh = excluded.name_zh, name_en = excluded.name_en, urgent = excluded.urgent";

pub(super) const DISTRICTS: &str =
    "SELECT code, parent_code, level, name FROM regions WHERE level = 2 ORDER BY code";

pub(super) const PLACES: &str = "SELECT code, parent_code, level, name FROM regions \
     WHERE level >= 2 AND level <= 4 ORDER BY code";

pub(super) const REGION: &str =
    "SELECT code, parent_code, level, name FROM regions WHERE code = $1";

pub(super) const CATEGORIES: &str = "SELECT code, parent_code, level, name_zh, name_en, urgent \
     FROM service_categories WHERE active = $1 ORDER BY code";

#[derive(sqlx::FromRow)]
pub(super) struct RegionRow {
    code: String,
    parent_code: Option<String>,
    level: i32,
    name: String,
}

impl From<RegionRow> for Region {
    fn from(row: RegionRow) -> Region {
        Region {
            code: row.code,
            parent_code: row.parent_code,
            level: row.level as u8,
            name: row.name,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CategoryRow {
    code: String,
    parent_code: Option<String>,
    level: i32,
    name_zh: String,
    name_en: String,
    urgent: bool,
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Category {
        Category {
            code: row.code,
            parent_code: row.parent_code,
            level: row.level as u8,
            name_zh: row.name_zh,
            name_en: row.name_en,
            urgent: row.urgent,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CodeRow {
    code: String,
    parent_code: Option<String>,
    level: i32,
    name_zh: String,
    name_en: String,
    active: bool,
    urgent: bool,
    #[sqlx(default)]
    confirm_limit: Option<String>,
    #[sqlx(default)]
    handling_limit: Option<String>,
    #[sqlx(default)]
    callback_limit: Option<String>,
}

/// A stored limit ("15 working_days"); one that no longer reads is treated as unset.
pub(super) fn stored_limit(text: Option<&str>) -> Option<hotline_domain::Limit> {
    text.and_then(|t| t.parse().ok())
}

impl From<CodeRow> for CodeEntry {
    fn from(r: CodeRow) -> CodeEntry {
        CodeEntry {
            code: r.code,
            parent_code: r.parent_code,
            level: r.level as u8,
            name_zh: r.name_zh,
            name_en: r.name_en,
            active: r.active,
            urgent: r.urgent,
            limits: hotline_domain::CategoryLimits {
                confirm: stored_limit(r.confirm_limit.as_deref()),
                handling: stored_limit(r.handling_limit.as_deref()),
                callback: stored_limit(r.callback_limit.as_deref()),
            },
        }
    }
}

#[async_trait]
pub trait CodeStore: Send + Sync {
    /// A setting the platform keeps about itself.
    async fn setting(&self, name: &str) -> Result<Option<String>, StoreError>;
    async fn put_setting(
        &self,
        name: &str,
        value: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Inserts or updates regions (parents before children). Returns rows written.
    async fn load_regions(&self, regions: &[RegionSeed]) -> Result<u64, StoreError>;
    /// Inserts or updates service categories (parents before children). Returns rows written.
    async fn load_categories(&self, categories: &[Category]) -> Result<u64, StoreError>;
    /// The city's districts and counties (level 2), by code.
    async fn districts(&self) -> Result<Vec<Region>, StoreError>;
    /// Every district, street and village (levels 2–4), by code: the names a typed address
    /// is resolved against.
    async fn places(&self) -> Result<Vec<Region>, StoreError>;
    async fn region(&self, code: &str) -> Result<Option<Region>, StoreError>;
    /// Every active category, by code (so parents come before their children).
    async fn categories(&self) -> Result<Vec<Category>, StoreError>;
    /// The codes of the categories whose cases are urgent by default (W9).
    async fn urgent_categories(&self) -> Result<std::collections::BTreeSet<String>, StoreError>;
    /// Every category, active or not, for the code-table page.
    async fn all_categories(&self) -> Result<Vec<CodeEntry>, StoreError>;
    async fn save_category(
        &self,
        entry: &CodeEntry,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    async fn dispositions(&self) -> Result<Vec<CodeEntry>, StoreError>;
    async fn save_disposition(
        &self,
        entry: &CodeEntry,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    /// Renames a region.
    async fn rename_region(
        &self,
        code: &str,
        name: &str,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    /// The working calendar's entries from `from` to `until` (both included), by date.
    async fn calendar_days(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<CalendarDay>, StoreError>;
    /// Enters or changes one date of the calendar.
    async fn put_calendar_day(
        &self,
        day: &CalendarDay,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    /// Removes one date (it becomes an ordinary day again); false if it had no entry.
    async fn remove_calendar_day(
        &self,
        date: NaiveDate,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    /// Loads a published schedule once, with the setting that says so, in one transaction:
    /// dates already entered are kept. Returns the dates written, or `None` if the setting
    /// was already there.
    async fn load_calendar_once(
        &self,
        setting: &str,
        days: &[CalendarDay],
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<Option<u64>, StoreError>;
}

const PUT_CALENDAR_DAY: &str = "INSERT INTO calendar_days (day, kind, name, updated_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, \
     name = excluded.name, updated_at = excluded.updated_at";

#[async_trait]
impl<DB> CodeStore for SqlStore<DB>
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
    async fn calendar_days(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<CalendarDay>, StoreError> {
        let rows: Vec<(NaiveDate, String, String)> = sqlx::query_as(
            "SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day <= $2 \
             ORDER BY day",
        )
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(date, kind, name)| {
                Ok(CalendarDay {
                    date,
                    kind: DayKind::from_code(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("calendar day kind {kind}")))?,
                    name,
                })
            })
            .collect()
    }

    async fn put_calendar_day(
        &self,
        day: &CalendarDay,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(PUT_CALENDAR_DAY)
            .bind(day.date)
            .bind(day.kind.as_code())
            .bind(&day.name)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove_calendar_day(
        &self,
        date: NaiveDate,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let removed = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
            .bind(date)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if removed {
            Self::insert_audit(&mut *tx, audit).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    async fn load_calendar_once(
        &self,
        setting: &str,
        days: &[CalendarDay],
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<Option<u64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let marked = sqlx::query(
            "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(setting)
        .bind("loaded")
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 0 {
            return Ok(None);
        }
        let mut written = 0;
        for day in days {
            written += sqlx::query(
                "INSERT INTO calendar_days (day, kind, name, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (day) DO NOTHING",
            )
            .bind(day.date)
            .bind(day.kind.as_code())
            .bind(&day.name)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(Some(written))
    }

    async fn urgent_categories(&self) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT code FROM service_categories WHERE urgent = $1")
                .bind(true)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    async fn put_setting(
        &self,
        name: &str,
        value: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(value)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn load_regions(&self, regions: &[crate::store::RegionSeed]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut written = 0;
        for seed in regions {
            let r = &seed.region;
            written += sqlx::query(UPSERT_REGION)
                .bind(&r.code)
                .bind(&r.parent_code)
                .bind(r.level as i32)
                .bind(&r.name)
                .bind(seed.lon)
                .bind(seed.lat)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(written)
    }

    async fn load_categories(
        &self,
        categories: &[hotline_domain::Category],
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut written = 0;
        for c in categories {
            written += sqlx::query(UPSERT_CATEGORY)
                .bind(&c.code)
                .bind(&c.parent_code)
                .bind(c.level as i32)
                .bind(&c.name_zh)
                .bind(&c.name_en)
                .bind(c.urgent)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(written)
    }

    async fn districts(&self) -> Result<Vec<hotline_domain::Region>, StoreError> {
        let rows: Vec<RegionRow> = sqlx::query_as(DISTRICTS).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn places(&self) -> Result<Vec<hotline_domain::Region>, StoreError> {
        let rows: Vec<RegionRow> = sqlx::query_as(PLACES).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn region(&self, code: &str) -> Result<Option<hotline_domain::Region>, StoreError> {
        let row: Option<RegionRow> = sqlx::query_as(REGION)
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(Into::into))
    }

    async fn categories(&self) -> Result<Vec<hotline_domain::Category>, StoreError> {
        let rows: Vec<CategoryRow> = sqlx::query_as(CATEGORIES)
            .bind(true)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn all_categories(&self) -> Result<Vec<hotline_domain::CodeEntry>, StoreError> {
        let rows: Vec<CodeRow> = sqlx::query_as(
            "SELECT code, parent_code, level, name_zh, name_en, active, urgent, \
             confirm_limit, handling_limit, callback_limit \
             FROM service_categories ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn save_category(
        &self,
        e: &hotline_domain::CodeEntry,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO service_categories (code, parent_code, level, name_zh, name_en, \
             active, urgent, confirm_limit, handling_limit, callback_limit) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (code) DO UPDATE \
             SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
             active = excluded.active, urgent = excluded.urgent, \
             confirm_limit = excluded.confirm_limit, handling_limit = excluded.handling_limit, \
             callback_limit = excluded.callback_limit",
        )
        .bind(&e.code)
        .bind(&e.parent_code)
        .bind(i32::from(e.level))
        .bind(&e.name_zh)
        .bind(&e.name_en)
        .bind(e.active)
        .bind(e.urgent)
        .bind(e.limits.confirm.map(|l| l.to_string()))
        .bind(e.limits.handling.map(|l| l.to_string()))
        .bind(e.limits.callback.map(|l| l.to_string()))
        .execute(&mut *tx)
        .await?;
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn dispositions(&self) -> Result<Vec<hotline_domain::CodeEntry>, StoreError> {
        let rows: Vec<(String, String, String, bool)> =
            sqlx::query_as("SELECT code, name_zh, name_en, active FROM dispositions ORDER BY code")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(
                |(code, name_zh, name_en, active)| hotline_domain::CodeEntry {
                    limits: Default::default(),
                    code,
                    parent_code: None,
                    level: 1,
                    name_zh,
                    name_en,
                    active,
                    urgent: false,
                },
            )
            .collect())
    }

    async fn save_disposition(
        &self,
        e: &hotline_domain::CodeEntry,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO dispositions (code, name_zh, name_en, active) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO UPDATE SET \
             name_zh = excluded.name_zh, name_en = excluded.name_en, \
             active = excluded.active",
        )
        .bind(&e.code)
        .bind(&e.name_zh)
        .bind(&e.name_en)
        .bind(e.active)
        .bind(e.urgent)
        .execute(&mut *tx)
        .await?;
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn rename_region(
        &self,
        code: &str,
        name: &str,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE regions SET name = $2 WHERE code = $1")
            .bind(code)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }
}
