//! The one generic SQL store both backends share, and what truly differs between them.
//!
//! [`SqlStore<DB>`] holds a pool; every concept's storage (`accounts.rs`, `cases.rs`, …) is
//! one `impl<DB> XStore for SqlStore<DB>` written once, whose `where` clause lists the
//! database types its queries bind and read ([`Dialect`] plus the sqlx bounds). The
//! compiler checks the bodies once, generically, and again for each backend when
//! `Hotline` takes a `SqliteStore` or a `PgStore` as `Arc<dyn Store>`: the two cannot drift.
//!
//! What differs (connection options, migrations, `MAX` vs `GREATEST`, `ANALYZE`, the spatial
//! index a search goes through) is the
//! [`Dialect`] impl of each backend, in `sqlite/` and `postgres/`.

use async_trait::async_trait;
use sqlx::{Database, Decode, Encode, Executor, FromRow, Pool, QueryBuilder, Type};

use super::places::{Located, SearchArea};
use super::{Backend, StoreError};

/// The few things the backends say differently. Implemented by `sqlx::Sqlite` and
/// `sqlx::Postgres` in `store/sqlite/` and `store/postgres/`.
#[async_trait]
pub trait Dialect: Database<QueryResult: RowsAffected> {
    const BACKEND: Backend;
    /// Sets the counter `$1` to at least `$2`.
    const RAISE_COUNTER: &'static str;
    /// Said after a text column to compare it in byte (code point) order, the order of its
    /// prefix index: nothing for SQLite (BINARY is its default), `COLLATE "C"` for PostgreSQL.
    const BYTE_ORDER: &'static str;
    /// Refreshes the planner's statistics of the knowledge index after a large load.
    const ANALYZE_KB_TERMS: &'static str;
    /// Said first in a bulk load's transaction: the map's per-row count triggers stand
    /// aside for it (PostgreSQL, where a million updates of the same few count rows leave a
    /// million row versions behind). `None`: the triggers count as rows come.
    const BULK_LOAD_BEGIN: Option<&'static str>;
    /// Said before a bulk load commits, once per map layer it wrote (`$1`): counts the
    /// layer afresh. Paired with [`Dialect::BULK_LOAD_BEGIN`].
    const BULK_LOAD_RECOUNT: Option<&'static str>;

    /// Applies this backend's migrations that have not run yet.
    async fn migrate(pool: &Pool<Self>) -> Result<(), StoreError>;

    /// Appends the condition "row `alias` of `table` may lie within `area` (and offer
    /// `service` or one under it)" over the table's spatial index: true for every such row
    /// inside the circle and perhaps a few others. SQLite: the R*Tree `<table>_at` over the
    /// bounding box and the service's number range; PostgreSQL: PostGIS `ST_DWithin` on the
    /// sphere over `place`, whose GiST index leads with the service (the caller's own
    /// condition on the service column is what it uses). The caller keeps the exact ones.
    fn push_within(
        query: &mut QueryBuilder<'_, Self>,
        table: Located,
        alias: &str,
        area: &SearchArea,
        service: Option<&str>,
    );

    // Running a `QueryBuilder`. Generic code cannot: the builder's arguments are a generic
    // associated type, so the borrow `build()` needs would outlive the builder; each backend
    // runs it with its concrete (covariant) arguments type instead. Same SQL, same binds.

    /// The rows of a built query.
    async fn fetch_all<'e, T, E>(
        query: QueryBuilder<'_, Self>,
        executor: E,
    ) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> FromRow<'r, Self::Row> + Send + Unpin,
        E: Executor<'e, Database = Self>;
    /// The row of a built query, if any.
    async fn fetch_optional<'e, T, E>(
        query: QueryBuilder<'_, Self>,
        executor: E,
    ) -> Result<Option<T>, StoreError>
    where
        T: for<'r> FromRow<'r, Self::Row> + Send + Unpin,
        E: Executor<'e, Database = Self>;
    /// The single value of a built query.
    async fn fetch_scalar<'e, T, E>(
        query: QueryBuilder<'_, Self>,
        executor: E,
    ) -> Result<T, StoreError>
    where
        (T,): for<'r> FromRow<'r, Self::Row>,
        T: Send + Unpin,
        E: Executor<'e, Database = Self>;
    /// Runs a built statement; returns the rows it affected.
    async fn execute<'e, E>(query: QueryBuilder<'_, Self>, executor: E) -> Result<u64, StoreError>
    where
        E: Executor<'e, Database = Self>;
}

/// A store over one connection pool; see the module documentation.
pub struct SqlStore<DB: Database> {
    pub(super) pool: Pool<DB>,
}

impl<DB: Database> SqlStore<DB> {
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

/// A column type both ways: bound into queries and read from rows. Listed in the `where`
/// clause of each concept's impl (`i64: Value<DB>`), which then implies the three sqlx
/// traits for it. `Option<T>` is a type of its own to sqlx, so it is listed too.
pub trait Value<DB: Database>:
    for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send + Sync
{
}

impl<DB: Database, T> Value<DB> for T where
    T: for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send + Sync
{
}

/// A borrowed value bound into a query (`&str`, `Option<&str>`).
pub trait Bind<'q, DB: Database>: Encode<'q, DB> + Type<DB> + Send + 'q {}

impl<'q, DB: Database, T> Bind<'q, DB> for T where T: Encode<'q, DB> + Type<DB> + Send + 'q {}

/// How many rows a statement changed (each backend's query result has this as an inherent
/// method, which generic code cannot see).
pub trait RowsAffected {
    fn rows_affected(&self) -> u64;
}

impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn rows_affected(&self) -> u64 {
        self.rows_affected()
    }
}

impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn rows_affected(&self) -> u64 {
        self.rows_affected()
    }
}
