//! Storage of calls (SPEC I3, A1, R4): webhook events kept by id (a replay changes
//! nothing), the calls they describe, and the clients the caller card marks. Same pattern
//! as `common.rs`: bodies written once, expanded per backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hotline_domain::CallEvent;

use super::StoreError;

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

/// What the centre knows of a caller (R4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientRecord {
    pub phone: String,
    pub name: Option<String>,
    pub vip: bool,
    pub important: bool,
    pub blacklisted: bool,
    pub note: Option<String>,
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
    async fn client(&self, phone: &str) -> Result<Option<ClientRecord>, StoreError>;
    async fn save_client(&self, client: &ClientRecord, at: DateTime<Utc>)
        -> Result<(), StoreError>;
    /// Registered elderly whose own or one-key phone is this number: (id, one-key match).
    async fn elderly_by_phone(&self, phone: &str) -> Result<Vec<(i64, bool)>, StoreError>;
    /// Distinct phones of the oldest cases (the demo marks a few callers).
    async fn case_phones(&self, limit: i64) -> Result<Vec<String>, StoreError>;
}

macro_rules! impl_call_store {
    ($store:ty, $db:ident) => {
        #[async_trait::async_trait]
        impl $crate::store::CallStore for $store {
            async fn record_call_event(
                &self,
                event: &hotline_domain::CallEvent,
                payload: &str,
                received_at: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, $crate::store::StoreError> {
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
                sqlx::query(
                    "INSERT INTO calls (call_id, caller, agent, state, started_at) \
                     VALUES ($1, $2, $3, 'ringing', $4) ON CONFLICT (call_id) DO NOTHING",
                )
                .bind(&event.call_id)
                .bind(&caller)
                .bind(&event.agent)
                .bind(event.at)
                .execute(&mut *tx)
                .await?;
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

            async fn call(
                &self,
                call_id: &str,
            ) -> Result<Option<$crate::store::CallRecord>, $crate::store::StoreError> {
                let row: Option<(
                    String,
                    Option<String>,
                    Option<String>,
                    String,
                    chrono::DateTime<chrono::Utc>,
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
                        $crate::store::CallRecord {
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

            async fn client(
                &self,
                phone: &str,
            ) -> Result<Option<$crate::store::ClientRecord>, $crate::store::StoreError> {
                let row: Option<(String, Option<String>, bool, bool, bool, Option<String>)> =
                    sqlx::query_as(
                        "SELECT phone, name, vip, important, blacklisted, note FROM clients \
                         WHERE phone = $1",
                    )
                    .bind(phone)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(phone, name, vip, important, blacklisted, note)| {
                    $crate::store::ClientRecord {
                        phone,
                        name,
                        vip,
                        important,
                        blacklisted,
                        note,
                    }
                }))
            }

            async fn save_client(
                &self,
                client: &$crate::store::ClientRecord,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO clients (phone, name, vip, important, blacklisted, note, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (phone) DO UPDATE SET name = excluded.name, \
                     vip = excluded.vip, important = excluded.important, \
                     blacklisted = excluded.blacklisted, note = excluded.note, \
                     updated_at = excluded.updated_at",
                )
                .bind(&client.phone)
                .bind(&client.name)
                .bind(client.vip)
                .bind(client.important)
                .bind(client.blacklisted)
                .bind(&client.note)
                .bind(at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn elderly_by_phone(
                &self,
                phone: &str,
            ) -> Result<Vec<(i64, bool)>, $crate::store::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, (onekey_phone IS NOT NULL AND onekey_phone = $1) FROM elderly \
                     WHERE phone = $1 OR onekey_phone = $1 ORDER BY id LIMIT 5",
                )
                .bind(phone)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn case_phones(
                &self,
                limit: i64,
            ) -> Result<Vec<String>, $crate::store::StoreError> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT phone FROM cases GROUP BY phone ORDER BY MIN(id) LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|r| r.0).collect())
            }
        }
    };
}
pub(super) use impl_call_store;
