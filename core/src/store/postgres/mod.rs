//! The production backend: PostgreSQL. Live events across several server instances fan out
//! through LISTEN/NOTIFY (see `events`), which is why the pool is reachable from there.
//! What PostgreSQL says differently lives here.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Database, Executor, FromRow, Pool, Postgres, QueryBuilder};

use super::places::{Located, SearchArea};
use super::{Backend, Dialect, PgStore, StoreError};

#[async_trait]
impl Dialect for Postgres {
    const BACKEND: Backend = Backend::Postgres;
    const RAISE_COUNTER: &'static str = "INSERT INTO counters (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, excluded.value)";
    // Also refreshes the visibility map that lets search read the index alone.
    const BYTE_ORDER: &'static str = " COLLATE \"C\"";
    const ANALYZE_KB_TERMS: &'static str = "VACUUM (ANALYZE) kb_terms";
    // Migration 0026.
    const BULK_LOAD_BEGIN: Option<&'static str> = Some("SET LOCAL hotline.bulk_load = 'on'");
    const BULK_LOAD_RECOUNT: Option<&'static str> = Some("SELECT map_cells_recount($1)");

    async fn migrate(pool: &Pool<Postgres>) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/postgres").run(pool).await?;
        Ok(())
    }

    fn push_within(
        query: &mut QueryBuilder<'_, Postgres>,
        _table: Located,
        alias: &str,
        area: &SearchArea,
        _service: Option<&str>,
    ) {
        // On the sphere (`false`), as the service measures; `place` is generated from
        // lon/lat and GiST-indexed in every located table, after the service where the
        // table has one (the caller's range on that column reaches the same index).
        query
            .push(format!(
                "ST_DWithin({alias}.place, ST_SetSRID(ST_MakePoint("
            ))
            .push_bind(area.center.lon)
            .push(", ")
            .push_bind(area.center.lat)
            .push("), 4326)::geography, ")
            .push_bind(area.radius_m)
            .push(", false)");
    }

    async fn fetch_all<'e, T, E>(
        mut query: QueryBuilder<'_, Postgres>,
        executor: E,
    ) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> FromRow<'r, <Postgres as Database>::Row> + Send + Unpin,
        E: Executor<'e, Database = Postgres>,
    {
        Ok(query.build_query_as().fetch_all(executor).await?)
    }

    async fn fetch_optional<'e, T, E>(
        mut query: QueryBuilder<'_, Postgres>,
        executor: E,
    ) -> Result<Option<T>, StoreError>
    where
        T: for<'r> FromRow<'r, <Postgres as Database>::Row> + Send + Unpin,
        E: Executor<'e, Database = Postgres>,
    {
        Ok(query.build_query_as().fetch_optional(executor).await?)
    }

    async fn fetch_scalar<'e, T, E>(
        mut query: QueryBuilder<'_, Postgres>,
        executor: E,
    ) -> Result<T, StoreError>
    where
        (T,): for<'r> FromRow<'r, <Postgres as Database>::Row>,
        T: Send + Unpin,
        E: Executor<'e, Database = Postgres>,
    {
        Ok(query.build_query_scalar().fetch_one(executor).await?)
    }

    async fn execute<'e, E>(
        mut query: QueryBuilder<'_, Postgres>,
        executor: E,
    ) -> Result<u64, StoreError>
    where
        E: Executor<'e, Database = Postgres>,
    {
        Ok(query.build().execute(executor).await?.rows_affected())
    }
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        // A request that waits on a row lock for half a minute, or a transaction left open
        // for a minute, is a fault: it fails with an error instead of holding the others.
        let options = PgConnectOptions::from_str(url)?.options([
            ("lock_timeout", "30s"),
            ("idle_in_transaction_session_timeout", "60s"),
        ]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(PgStore { pool })
    }
}
