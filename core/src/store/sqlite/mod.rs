//! The embedded default: one SQLite file in WAL mode, foreign keys on, full fsync on commit
//! (an acknowledged write survives a power cut). What SQLite says differently lives here.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Database, Executor, FromRow, Pool, QueryBuilder, Sqlite};

use super::places::{service_number, Located, SearchArea};
use super::{Backend, Dialect, SqliteStore, StoreError};

#[async_trait]
impl Dialect for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;
    const RAISE_COUNTER: &'static str = "INSERT INTO counters (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = MAX(counters.value, excluded.value)";
    const BYTE_ORDER: &'static str = "";
    const ANALYZE_KB_TERMS: &'static str = "ANALYZE kb_terms";
    // One writer and no row versions: the triggers' updates stay cheap.
    const BULK_LOAD_BEGIN: Option<&'static str> = None;
    const BULK_LOAD_RECOUNT: Option<&'static str> = None;

    async fn migrate(pool: &Pool<Sqlite>) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/sqlite").run(pool).await?;
        Ok(())
    }

    fn push_within(
        query: &mut QueryBuilder<'_, Sqlite>,
        table: Located,
        alias: &str,
        area: &SearchArea,
        service: Option<&str>,
    ) {
        let b = area.bounds;
        match table.service_column() {
            Some(_) => {
                // Every service when none is asked for (the map).
                let (first, last) = match service {
                    Some(service) => (service_number(service, '0'), service_number(service, '9')),
                    None => (0, 99_999_999),
                };
                // Whole numbers: degrees × 10⁶ as stored by the triggers (rounded), the box
                // widened by one unit each way so that rounding never loses a point.
                let scaled = |degrees: f64, up: bool| -> i64 {
                    let v = degrees * 1e6;
                    if up {
                        v.ceil() as i64 + 1
                    } else {
                        v.floor() as i64 - 1
                    }
                };
                let key = match table {
                    Located::VendorServices => "rowid",
                    _ => "id",
                };
                query
                    .push(format!(
                        "{alias}.{key} IN (SELECT id FROM {}_at WHERE max_lon >= ",
                        table.table()
                    ))
                    .push_bind(scaled(b.west, false))
                    .push(" AND min_lon <= ")
                    .push_bind(scaled(b.east, true))
                    .push(" AND max_lat >= ")
                    .push_bind(scaled(b.south, false))
                    .push(" AND min_lat <= ")
                    .push_bind(scaled(b.north, true))
                    .push(" AND max_service >= ")
                    .push_bind(first)
                    .push(" AND min_service <= ")
                    .push_bind(last)
                    .push(")");
            }
            None => {
                // 32-bit float boxes, rounded outward: a box test never loses a point.
                query
                    .push(format!(
                        "{alias}.id IN (SELECT id FROM {}_at WHERE max_lon >= ",
                        table.table()
                    ))
                    .push_bind(b.west)
                    .push(" AND min_lon <= ")
                    .push_bind(b.east)
                    .push(" AND max_lat >= ")
                    .push_bind(b.south)
                    .push(" AND min_lat <= ")
                    .push_bind(b.north)
                    .push(")");
            }
        }
    }

    async fn fetch_all<'e, T, E>(
        mut query: QueryBuilder<'_, Sqlite>,
        executor: E,
    ) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> FromRow<'r, <Sqlite as Database>::Row> + Send + Unpin,
        E: Executor<'e, Database = Sqlite>,
    {
        Ok(query.build_query_as().fetch_all(executor).await?)
    }

    async fn fetch_optional<'e, T, E>(
        mut query: QueryBuilder<'_, Sqlite>,
        executor: E,
    ) -> Result<Option<T>, StoreError>
    where
        T: for<'r> FromRow<'r, <Sqlite as Database>::Row> + Send + Unpin,
        E: Executor<'e, Database = Sqlite>,
    {
        Ok(query.build_query_as().fetch_optional(executor).await?)
    }

    async fn fetch_scalar<'e, T, E>(
        mut query: QueryBuilder<'_, Sqlite>,
        executor: E,
    ) -> Result<T, StoreError>
    where
        (T,): for<'r> FromRow<'r, <Sqlite as Database>::Row>,
        T: Send + Unpin,
        E: Executor<'e, Database = Sqlite>,
    {
        Ok(query.build_query_scalar().fetch_one(executor).await?)
    }

    async fn execute<'e, E>(
        mut query: QueryBuilder<'_, Sqlite>,
        executor: E,
    ) -> Result<u64, StoreError>
    where
        E: Executor<'e, Database = Sqlite>,
    {
        Ok(query.build().execute(executor).await?.rows_affected())
    }
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool })
    }
}
