//! Storage behind one trait, with an SQLite and a PostgreSQL backend side by side.
//!
//! The rest of the platform sees only [`Store`], the object-safe sum of one trait per
//! concept: accounts and sessions (`accounts.rs`), one-key alarms (`alarms.rs`), cases (`cases.rs`), their life cycle
//! (`flow.rs`), the registries (`registry.rs`), where providers are (`places.rs`), the code tables (`codes.rs`), the knowledge
//! base (`knowledge.rs`), calls (`calls.rs`), the desk (`desk.rs`), the audit log
//! (`audit.rs`) and bulk loads (`load.rs`). Each is implemented once, generically, for
//! [`SqlStore<DB>`]; what the backends say differently is their [`Dialect`] (`sqlite/`,
//! `postgres/`). The conformance tests in `core/tests/it/conformance.rs` run every operation
//! against both.

mod accounts;
mod alarms;
mod audit;
mod calls;
mod cases;
mod clients;
mod codes;
mod desk;
mod dialect;
mod flow;
mod knowledge;
mod load;
mod open311;
mod places;
mod postgres;
mod providers;
mod registry;
mod sqlite;
mod vendors;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use dialect::{Bind, Value};

pub use accounts::{AccountStore, Credentials, LockoutPolicy, SessionRecord, UserRow};
pub use alarms::{AlarmDelivery, AlarmStepWrite, AlarmStore, Received};
pub use audit::AuditStore;
pub use calls::{CallRecord, CallStore};
pub use cases::{CaseScope, CaseStore, FilterClock, NewFiling};
pub use clients::ClientStore;
pub use codes::{CodeStore, RegionSeed};
pub use desk::{DeskStore, LinkChange, NewHandover};
pub use dialect::{Dialect, SqlStore};
pub use flow::{
    AssigneeContact, DueReminder, FlowStore, NewNotification, NewSms, NoticeTarget, StepWrite,
    StoredCase,
};
pub use knowledge::{CategoryRemoval, KnowledgeStore, KB_POSTINGS_MAX};
pub use load::{BulkLoad, NewCase, NewCaseEvent};
pub use open311::Open311Store;
pub use places::{
    Located, PlaceCandidate, PlaceStore, ProviderStanding, SearchArea, VENDOR_WORKING,
};
pub use providers::ProviderStore;
pub use registry::{
    ClientRecord, ElderlyExportRow, ElderlyListing, ElderlyUnique, NewElderly, NewProvider,
    NewVendor, RegistryStore,
};
pub use vendors::{VendorExportRow, VendorStore, VENDOR_ORDERS_SHOWN};

/// The embedded default backend.
pub type SqliteStore = SqlStore<sqlx::Sqlite>;
/// The production backend.
pub type PgStore = SqlStore<sqlx::Postgres>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// A unique key is taken (the field that holds it).
    #[error("{0} already in use")]
    Conflict(&'static str),
    #[error("unsupported database URL (use sqlite://… or postgres://…): {0}")]
    UnsupportedUrl(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How much the database holds, for the health endpoint, logs and the demo loader.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub regions: i64,
    pub categories: i64,
    pub cases: i64,
    pub vendors: i64,
    pub providers: i64,
    pub elderly: i64,
}

/// Everything the platform stores, as one object-safe trait (`Hotline` holds an
/// `Arc<dyn Store>`); the methods live in the concept traits.
#[async_trait]
pub trait Store:
    AccountStore
    + AlarmStore
    + AuditStore
    + CallStore
    + CaseStore
    + CodeStore
    + DeskStore
    + FlowStore
    + KnowledgeStore
    + Open311Store
    + PlaceStore
    + RegistryStore
    + VendorStore
    + ClientStore
    + ProviderStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Applies the migrations of this backend that have not run yet.
    async fn migrate(&self) -> Result<(), StoreError>;
    async fn ping(&self) -> Result<(), StoreError>;
    async fn close(&self);

    async fn counts(&self) -> Result<Counts, StoreError>;

    /// Opens a bulk load: one transaction for many rows (see [`BulkLoad`]).
    async fn begin_load(&self) -> Result<Box<dyn BulkLoad>, StoreError>;
}

const COUNTS: &str = "SELECT \
     (SELECT COUNT(*) FROM regions) AS regions, \
     (SELECT COUNT(*) FROM service_categories) AS categories, \
     (SELECT COUNT(*) FROM cases) AS cases, \
     (SELECT COUNT(*) FROM vendors) AS vendors, \
     (SELECT COUNT(*) FROM providers) AS providers, \
     (SELECT COUNT(*) FROM elderly) AS elderly";

#[derive(sqlx::FromRow)]
struct CountsRow {
    pub regions: i64,
    pub categories: i64,
    pub cases: i64,
    pub vendors: i64,
    pub providers: i64,
    pub elderly: i64,
}

impl From<CountsRow> for Counts {
    fn from(row: CountsRow) -> Counts {
        Counts {
            regions: row.regions,
            categories: row.categories,
            cases: row.cases,
            vendors: row.vendors,
            providers: row.providers,
            elderly: row.elderly,
        }
    }
}

/// A `LIKE … ESCAPE` pattern (the escape character is the backslash) matching text that
/// contains `part` as typed: its `%`, `_` and backslashes taken literally.
pub(super) fn contains_pattern(part: &str) -> String {
    let escaped = part
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A unique-key violation becomes `Conflict(field)`; anything else stays a database error.
pub(super) fn conflict_on(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(field),
        _ => StoreError::Database(e),
    }
}

#[async_trait]
impl<DB> Store for SqlStore<DB>
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
    fn backend(&self) -> Backend {
        DB::BACKEND
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        DB::migrate(&self.pool).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn counts(&self) -> Result<crate::store::Counts, StoreError> {
        let row: CountsRow = sqlx::query_as(COUNTS).fetch_one(&self.pool).await?;
        Ok(row.into())
    }

    async fn begin_load(&self) -> Result<Box<dyn BulkLoad>, StoreError> {
        Ok(Box::new(load::SqlLoad {
            tx: self.pool.begin().await?,
            layers: Default::default(),
            bulk: true,
        }))
    }
}
