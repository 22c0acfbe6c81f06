//! The production backend: PostgreSQL. Live events across several server instances fan out
//! through LISTEN/NOTIFY (see `events`), which is why the pool is reachable from there.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use super::{
    access::impl_access_store, calls::impl_call_store, common::impl_store, desk::impl_desk_store,
    flow::impl_flow_store, knowledge::impl_knowledge_store, Backend, StoreError,
};

pub struct PgStore {
    pool: PgPool,
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

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn run_migrations(&self) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets a counter to at least `value`.
    async fn raise_counter(
        tx: &mut Transaction<'_, Postgres>,
        name: &str,
        value: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO counters (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, excluded.value)",
        )
        .bind(name)
        .bind(value)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

impl_store!(PgStore, Postgres, Backend::Postgres);
impl_access_store!(PgStore, Postgres);
impl_flow_store!(PgStore, Postgres);
impl_knowledge_store!(PgStore, Postgres);
impl_call_store!(PgStore, Postgres);
impl_desk_store!(PgStore, Postgres);
