//! Storage of calls (SPEC I3, A1): webhook events kept by id (a replay changes nothing),
//! the calls they describe, agents' presence and the missed calls handed to them.

use hotline_domain::{AgentState, AgentStatus, CallEvent, MissedCall};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};

/// A call as the events so far describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub call_id: String,
    pub caller: Option<String>,
    pub agent: Option<String>,
    pub state: String,
    pub started_at: DateTime<Utc>,
    pub missed: bool,
    pub recording_url: Option<String>,
}

#[async_trait]
pub trait CallStore: Send + Sync {
    /// Stores the event and applies it to its call, in one transaction. `false` when the
    /// event id was seen before (nothing is changed).
    async fn record_call_event(
        &self,
        event: &CallEvent,
        payload: &str,
        received_at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn call(&self, call_id: &str) -> Result<Option<CallRecord>, StoreError>;
    async fn set_agent_status(
        &self,
        username: &str,
        status: AgentStatus,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn agent_states(&self) -> Result<Vec<AgentState>, StoreError>;
    /// Hands an unassigned missed call to the idle agent whose last one is oldest (never
    /// had one first), in one transaction; returns who got it.
    async fn assign_missed_call(
        &self,
        call_id: &str,
        at: DateTime<Utc>,
        seen_since: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError>;
    /// The agent's desk is open (presence); nothing for one who never set a status.
    async fn agent_seen(&self, username: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Missed calls not yet called back (all, or one agent's), oldest first; raw phones.
    async fn missed_calls(&self, assigned_to: Option<&str>) -> Result<Vec<MissedCall>, StoreError>;
    /// Gives an open missed call to this agent (a lead's decision). `false` if none.
    async fn reassign_missed_call(
        &self,
        call_id: &str,
        agent: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Marks an open missed call called back; `only_for` limits it to that agent's own.
    async fn close_missed_call(
        &self,
        call_id: &str,
        by: &str,
        only_for: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
impl<DB> CallStore for SqlStore<DB>
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
    async fn record_call_event(
        &self,
        event: &hotline_domain::CallEvent,
        payload: &str,
        received_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use hotline_domain::CallEventKind as K;
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO telephony_events (event_id, call_id, kind, occurred_at, \
             received_at, payload) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(&event.event_id)
        .bind(&event.call_id)
        .bind(event.kind.as_code())
        .bind(event.at)
        .bind(received_at)
        .bind(payload)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        let caller = event.caller.as_ref().map(|p| p.as_str().to_string());
        let new_call = sqlx::query(
            "INSERT INTO calls (call_id, caller, agent, state, started_at) \
             VALUES ($1, $2, $3, 'ringing', $4) ON CONFLICT (call_id) DO NOTHING",
        )
        .bind(&event.call_id)
        .bind(&caller)
        .bind(&event.agent)
        .bind(event.at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        // Every number that rings is remembered (SPEC R4), once per call.
        if let (true, Some(phone)) = (new_call, &caller) {
            sqlx::query(super::clients::REMEMBER_CALLER)
                .bind(phone)
                .bind(event.at)
                .execute(&mut *tx)
                .await?;
        }
        // Events may arrive out of order: a late "ringing" never undoes an answer
        // or an end, and the earliest time seen is the start.
        let sql = match event.kind {
            K::Ringing => {
                "UPDATE calls SET agent = COALESCE($2, agent), \
                 caller = COALESCE(caller, $3), \
                 started_at = CASE WHEN $4 < started_at THEN $4 ELSE started_at END \
                 WHERE call_id = $1"
            }
            K::Answered => {
                "UPDATE calls SET agent = COALESCE($2, agent), \
                 caller = COALESCE(caller, $3), answered_at = $4, missed = FALSE, \
                 state = CASE WHEN state IN ('ended', 'missed') THEN state ELSE 'answered' END \
                 WHERE call_id = $1"
            }
            K::Ended => {
                "UPDATE calls SET agent = COALESCE(agent, $2), \
                 caller = COALESCE(caller, $3), ended_at = $4, \
                 state = CASE WHEN state = 'missed' THEN state ELSE 'ended' END \
                 WHERE call_id = $1"
            }
            K::Missed => {
                "UPDATE calls SET agent = COALESCE(agent, $2), \
                 caller = COALESCE(caller, $3), ended_at = $4, \
                 missed = (answered_at IS NULL), \
                 state = CASE WHEN answered_at IS NULL THEN 'missed' ELSE 'ended' END \
                 WHERE call_id = $1"
            }
            K::Recording => {
                "UPDATE calls SET agent = COALESCE(agent, $2), \
                 caller = COALESCE(caller, $3), recording_url = $5, \
                 ended_at = COALESCE(ended_at, $4) WHERE call_id = $1"
            }
        };
        let mut query = sqlx::query(sql)
            .bind(&event.call_id)
            .bind(&event.agent)
            .bind(&caller)
            .bind(event.at);
        if event.kind == K::Recording {
            query = query.bind(&event.recording_url);
        }
        query.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn call(&self, call_id: &str) -> Result<Option<crate::store::CallRecord>, StoreError> {
        let row: Option<(
            String,
            Option<String>,
            Option<String>,
            String,
            DateTime<Utc>,
            bool,
            Option<String>,
        )> = sqlx::query_as(
            "SELECT call_id, caller, agent, state, started_at, missed, recording_url \
             FROM calls WHERE call_id = $1",
        )
        .bind(call_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(call_id, caller, agent, state, started_at, missed, recording_url)| {
                crate::store::CallRecord {
                    call_id,
                    caller,
                    agent,
                    state,
                    started_at,
                    missed,
                    recording_url,
                }
            },
        ))
    }

    async fn set_agent_status(
        &self,
        username: &str,
        status: hotline_domain::AgentStatus,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO agent_status (username, status, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (username) DO UPDATE SET status = excluded.status, \
             updated_at = excluded.updated_at",
        )
        .bind(username)
        .bind(status.as_code())
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn agent_states(&self) -> Result<Vec<hotline_domain::AgentState>, StoreError> {
        type Row = (String, String, DateTime<Utc>, Option<DateTime<Utc>>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT username, status, updated_at, seen_at FROM agent_status \
             ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(username, status, updated_at, seen_at)| {
                let status = hotline_domain::AgentStatus::from_code(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("agent status {status:?}")))?;
                Ok(hotline_domain::AgentState {
                    username,
                    status,
                    updated_at,
                    seen_at,
                    online: false,
                })
            })
            .collect()
    }

    async fn assign_missed_call(
        &self,
        call_id: &str,
        at: DateTime<Utc>,
        seen_since: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let next: Option<(String,)> = sqlx::query_as(
            "SELECT username FROM agent_status WHERE status = 'idle' AND seen_at >= $1 \
             ORDER BY (last_assigned_at IS NOT NULL), last_assigned_at, username LIMIT 1",
        )
        .bind(seen_since)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((agent,)) = next else {
            return Ok(None);
        };
        let taken = sqlx::query(
            "UPDATE calls SET assigned_to = $1, assigned_at = $2 \
             WHERE call_id = $3 AND missed AND assigned_to IS NULL AND handled_at IS NULL",
        )
        .bind(&agent)
        .bind(at)
        .bind(call_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 0 {
            return Ok(None);
        }
        sqlx::query("UPDATE agent_status SET last_assigned_at = $1 WHERE username = $2")
            .bind(at)
            .bind(&agent)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(agent))
    }

    async fn agent_seen(&self, username: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE agent_status SET seen_at = $1 WHERE username = $2")
            .bind(at)
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn missed_calls(
        &self,
        assigned_to: Option<&str>,
    ) -> Result<Vec<hotline_domain::MissedCall>, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new(
            "SELECT call_id, caller, started_at, assigned_to, assigned_at FROM calls \
             WHERE missed AND handled_at IS NULL",
        );
        if let Some(agent) = assigned_to {
            query
                .push(" AND assigned_to = ")
                .push_bind(agent.to_string());
        }
        query.push(" ORDER BY started_at, call_id LIMIT 200");
        let rows: Vec<(
            String,
            Option<String>,
            DateTime<Utc>,
            Option<String>,
            Option<DateTime<Utc>>,
        )> = DB::fetch_all(query, &self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(call_id, phone, started_at, assigned_to, assigned_at)| {
                hotline_domain::MissedCall {
                    call_id,
                    phone,
                    started_at,
                    assigned_to,
                    assigned_at,
                }
            })
            .collect())
    }

    async fn reassign_missed_call(
        &self,
        call_id: &str,
        agent: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE calls SET assigned_to = $1, assigned_at = $2 \
             WHERE call_id = $3 AND missed AND handled_at IS NULL",
        )
        .bind(agent)
        .bind(at)
        .bind(call_id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    async fn close_missed_call(
        &self,
        call_id: &str,
        by: &str,
        only_for: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut query = sqlx::QueryBuilder::<DB>::new("UPDATE calls SET handled_at = ");
        query
            .push_bind(at)
            .push(", handled_by = ")
            .push_bind(by.to_string())
            .push(" WHERE call_id = ")
            .push_bind(call_id.to_string())
            .push(" AND missed AND handled_at IS NULL");
        if let Some(agent) = only_for {
            query
                .push(" AND assigned_to = ")
                .push_bind(agent.to_string());
        }
        Ok(DB::execute(query, &self.pool).await? > 0)
    }
}
