//! The embedded default: one SQLite file in WAL mode, foreign keys on, full fsync on commit
//! (an acknowledged write survives a power cut).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::{
    access::impl_access_store, calls::impl_call_store, common::impl_store, desk::impl_desk_store,
    flow::impl_flow_store, knowledge::impl_knowledge_store, Backend, StoreError,
};

pub struct SqliteStore {
    pool: SqlitePool,
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

    async fn run_migrations(&self) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/sqlite")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets a counter to at least `value`.
    async fn raise_counter(
        tx: &mut Transaction<'_, Sqlite>,
        name: &str,
        value: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO counters (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = MAX(counters.value, excluded.value)",
        )
        .bind(name)
        .bind(value)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

impl_store!(SqliteStore, Sqlite, Backend::Sqlite);
impl_access_store!(SqliteStore, Sqlite);
impl_flow_store!(SqliteStore, Sqlite);
impl_knowledge_store!(SqliteStore, Sqlite);
impl_call_store!(SqliteStore, Sqlite);
impl_desk_store!(SqliteStore, Sqlite);
