//! Storage behind one trait, with an SQLite and a PostgreSQL implementation side by side.
//!
//! The rest of the platform sees only [`Store`]. SQL that both dialects accept as written
//! lives in [`sql`]; backend-specific SQL stays inside its module. The conformance tests in
//! `core/tests/conformance.rs` run every operation against both.

mod access;
mod audit;
mod calls;
mod common;
pub(crate) mod desk;
mod dialect;
pub(crate) mod flow;
pub(crate) mod knowledge;
mod postgres;
mod rows;
mod sql;
mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::{
    CaseStatus, Category, Channel, NewRequest, Region, RequestSummary, TrackingNumber,
};

use crate::audit::Origin;
use crate::seed::demo::DemoData;

pub use access::{AccessStore, CaseScope, Credentials, LockoutPolicy, SessionRecord, UserRow};
pub use audit::AuditStore;
pub use calls::{CallRecord, CallStore, ClientRecord};
pub use desk::{DeskStore, LinkChange, NewHandover};
pub use dialect::{Dialect, SqlStore};
pub use flow::{
    AssigneeContact, DueReminder, FilterClock, FlowStore, NewNotification, NewSms, NoticeTarget,
    StepWrite, StoredCase,
};
pub use knowledge::{CategoryRemoval, KnowledgeStore, KB_POSTINGS_MAX};

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

/// A region as loaded from the code table file, with an optional map position.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionSeed {
    pub region: Region,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
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

#[async_trait]
pub trait Store:
    AccessStore
    + AuditStore
    + CallStore
    + DeskStore
    + FlowStore
    + KnowledgeStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Applies the migrations of this backend that have not run yet.
    async fn migrate(&self) -> Result<(), StoreError>;
    async fn ping(&self) -> Result<(), StoreError>;
    async fn close(&self);

    /// Inserts or updates regions (parents before children). Returns rows written.
    async fn load_regions(&self, regions: &[RegionSeed]) -> Result<u64, StoreError>;
    /// Inserts or updates service categories (parents before children). Returns rows written.
    async fn load_categories(&self, categories: &[Category]) -> Result<u64, StoreError>;
    /// The city's districts and counties (level 2), by code.
    async fn districts(&self) -> Result<Vec<Region>, StoreError>;
    async fn region(&self, code: &str) -> Result<Option<Region>, StoreError>;
    /// Every active category, by code (so parents come before their children).
    async fn categories(&self) -> Result<Vec<Category>, StoreError>;
    async fn category(&self, code: &str) -> Result<Option<Category>, StoreError>;

    /// Stores a new request as a case in `Submitted` state with its first event and its
    /// audit entry, allocating the day's next tracking number, all in one transaction.
    /// Returns it as agents see it.
    async fn insert_request(
        &self,
        request: &NewRequest,
        channel: Channel,
        local_date: NaiveDate,
        at: DateTime<Utc>,
        origin: &Origin,
    ) -> Result<RequestSummary, StoreError>;
    /// Cases in one state, newest first.
    async fn requests_by_status(
        &self,
        status: CaseStatus,
        limit: u32,
    ) -> Result<Vec<RequestSummary>, StoreError>;
    async fn request(
        &self,
        tracking_number: &TrackingNumber,
    ) -> Result<Option<RequestSummary>, StoreError>;

    async fn counts(&self) -> Result<Counts, StoreError>;

    /// Loads the generated demo registries and case history in one transaction.
    async fn insert_demo(&self, demo: &DemoData) -> Result<(), StoreError>;
}
