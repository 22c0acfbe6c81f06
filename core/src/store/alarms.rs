//! Storage of one-key alarms (SPEC E1–E6): each alarm with the type-C case it is recorded
//! as, kept by the gateway's delivery id (a retried delivery finds the alarm and writes
//! nothing), and the ordered log of what happened to alarms, which consoles resume from.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::{Alarm, AlarmKind, AlarmLogEntry, AlarmStatus, Coordinates, NewAlarm};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};
use crate::audit::{NewAuditEntry, Origin};

/// The counter `alarm_events` ids are drawn from (see the migration: commit order).
const EVENT_COUNTER: &str = "alarm_events";

/// An alarm to store: the checked gateway input, what it said verbatim, and when it came.
#[derive(Debug, Clone)]
pub struct AlarmDelivery {
    pub alarm: NewAlarm,
    pub payload: String,
    pub received_at: DateTime<Utc>,
    /// The centre's calendar day it came on (the case's tracking number).
    pub local_date: NaiveDate,
}

/// One step on an alarm, written only if the alarm still stands as it was read.
#[derive(Debug, Clone)]
pub struct AlarmStepWrite {
    pub alarm_id: i64,
    /// The status and holder the step was decided on.
    pub seen_status: AlarmStatus,
    pub seen_holder: Option<String>,
    pub status: AlarmStatus,
    pub holder: Option<String>,
    pub disposition: Option<String>,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub note: Option<String>,
    pub audit: NewAuditEntry,
}

/// What storing a delivery did.
#[derive(Debug, Clone)]
pub struct Received {
    /// The alarm as stored (raw caller number; the service masks it).
    pub alarm: Alarm,
    /// `false`: the delivery id was seen before and nothing was written.
    pub fresh: bool,
    /// The `received` event, when fresh.
    pub event: Option<AlarmLogEntry>,
}

#[async_trait]
pub trait AlarmStore: Send + Sync {
    /// Stores a delivery in one transaction: the type-C case (accepted, with its first
    /// event and audit entry), the alarm, and its `received` event. The person is found by
    /// the one-key line, then by their own phone, then by the terminal's id; none found, it
    /// is stored as an unregistered caller. A delivery id seen before returns that alarm.
    async fn receive_alarm(&self, delivery: &AlarmDelivery) -> Result<Received, StoreError>;
    /// Applies a step in one transaction: the alarm's row (only if its status and holder
    /// are still those seen: two coordinators acknowledging at once get one holder), its
    /// event and audit entry. `None`: it changed meanwhile and nothing was written.
    async fn alarm_step(&self, step: &AlarmStepWrite) -> Result<Option<AlarmLogEntry>, StoreError>;
    /// One alarm, caller number as stored.
    async fn alarm(&self, id: i64) -> Result<Option<Alarm>, StoreError>;
    /// Alarms not closed: waiting first, then oldest first.
    async fn open_alarms(&self) -> Result<Vec<Alarm>, StoreError>;
    /// A registered person's alarms received before `before` (an alarm id), newest first.
    async fn alarms_of_person(
        &self,
        elderly_id: i64,
        before: i64,
        limit: u32,
    ) -> Result<Vec<Alarm>, StoreError>;
    /// Records that the alarm was on a console for the first time (its `shown` event);
    /// `None` if a console had shown it already, and then nothing is written.
    async fn alarm_shown(
        &self,
        alarm_id: i64,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<AlarmLogEntry>, StoreError>;
    /// Alarms nobody acknowledged whose next alert to the lead is due: none sent and
    /// received by `first_due`, or the last sent by `repeat_due`. `(id, alerts sent)`.
    async fn alarms_to_escalate(
        &self,
        first_due: DateTime<Utc>,
        repeat_due: DateTime<Utc>,
    ) -> Result<Vec<(i64, i64)>, StoreError>;
    /// Records one alert for an alarm still waiting with `seen` alerts sent, with its
    /// messages and its log event, in one transaction; `None` if it was acknowledged or
    /// alerted meanwhile (by another instance), and then nothing is written.
    async fn escalate_alarm(
        &self,
        alarm_id: i64,
        seen: i64,
        at: DateTime<Utc>,
        note: &str,
        sms: &[super::NewSms],
        notifications: &[super::NewNotification],
    ) -> Result<Option<AlarmLogEntry>, StoreError>;
    /// The times of every alarm received since `since` (at most 100,000), oldest first.
    async fn alarm_timings(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<hotline_domain::AlarmTiming>, StoreError>;
    /// One alarm's events, in order.
    async fn alarm_events_of(&self, alarm_id: i64) -> Result<Vec<AlarmLogEntry>, StoreError>;
    /// Alarm events after `after`, in order, at most `limit`.
    async fn alarm_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AlarmLogEntry>, StoreError>;
}

const ALARM_SELECT: &str = "SELECT a.id, a.delivery_id, a.kind, a.status, a.caller, a.device_id, \
     a.elderly_id, e.name AS elderly_name, r.name AS district_name, \
     COALESCE(a.lon, e.lon) AS lon, COALESCE(a.lat, e.lat) AS lat, c.tracking_number, \
     a.raised_at, a.received_at, a.holder, a.acknowledged_at, a.on_site_at, a.closed_at \
     FROM alarms a \
     JOIN cases c ON c.id = a.case_id \
     LEFT JOIN elderly e ON e.id = a.elderly_id \
     LEFT JOIN regions r ON r.code = COALESCE(e.district_code, c.district_code)";

#[derive(sqlx::FromRow)]
struct AlarmRow {
    id: i64,
    delivery_id: String,
    kind: String,
    status: String,
    caller: Option<String>,
    device_id: Option<String>,
    elderly_id: Option<i64>,
    elderly_name: Option<String>,
    district_name: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    tracking_number: String,
    raised_at: DateTime<Utc>,
    received_at: DateTime<Utc>,
    holder: Option<String>,
    acknowledged_at: Option<DateTime<Utc>>,
    on_site_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
}

impl TryFrom<AlarmRow> for Alarm {
    type Error = StoreError;

    fn try_from(row: AlarmRow) -> Result<Alarm, StoreError> {
        let corrupt = |what: &str, value: &str| {
            StoreError::Corrupt(format!("alarm {}: unknown {what} {value:?}", row.id))
        };
        Ok(Alarm {
            id: row.id,
            kind: AlarmKind::from_code(&row.kind).ok_or_else(|| corrupt("kind", &row.kind))?,
            status: AlarmStatus::from_code(&row.status)
                .ok_or_else(|| corrupt("status", &row.status))?,
            delivery_id: row.delivery_id,
            caller: row.caller,
            device_id: row.device_id,
            elderly_id: row.elderly_id,
            elderly_name: row.elderly_name,
            district_name: row.district_name,
            position: Coordinates::from_columns(row.lon, row.lat),
            tracking_number: row.tracking_number,
            raised_at: row.raised_at,
            received_at: row.received_at,
            holder: row.holder,
            acknowledged_at: row.acknowledged_at,
            on_site_at: row.on_site_at,
            closed_at: row.closed_at,
        })
    }
}

/// The registered person an alarm is from, as the case needs them.
#[derive(sqlx::FromRow)]
struct Person {
    id: i64,
    name: String,
    district_code: String,
    address: String,
}

#[async_trait]
impl<DB> AlarmStore for SqlStore<DB>
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
    async fn receive_alarm(&self, delivery: &AlarmDelivery) -> Result<Received, StoreError> {
        let AlarmDelivery {
            alarm,
            payload,
            received_at,
            local_date,
        } = delivery;
        // A retry (the common duplicate) is answered without writing.
        if let Some(existing) = self.alarm_by_delivery(&alarm.delivery_id).await? {
            return Ok(Received {
                alarm: existing,
                fresh: false,
                event: None,
            });
        }
        let mut tx = self.pool.begin().await?;
        // The tracking counter's bump is the transaction's first write: on SQLite a
        // transaction that read first could not take the write lock from a concurrent one
        // (SQLITE_BUSY); on PostgreSQL concurrent deliveries queue on the counter's row.
        let counter = format!("tracking:{}", local_date.format("%Y%m%d"));
        let sequence: i64 = sqlx::query_scalar(super::cases::NEXT_COUNTER)
            .bind(&counter)
            .fetch_one(&mut *tx)
            .await?;
        let sequence = u32::try_from(sequence)
            .ok()
            .filter(|s| *s <= 999_999)
            .ok_or_else(|| StoreError::Corrupt(format!("counter {counter} exhausted")))?;
        let caller = alarm.caller.as_ref().map(|p| p.as_str());
        let person: Option<Person> = sqlx::query_as(
            "SELECT id, name, district_code, address FROM elderly \
             WHERE ($1 IS NOT NULL AND (onekey_phone = $1 OR phone = $1)) \
             OR ($2 IS NOT NULL AND onekey_device = $2) \
             ORDER BY CASE WHEN onekey_phone = $1 THEN 0 WHEN phone = $1 THEN 1 ELSE 2 END, id \
             LIMIT 1",
        )
        .bind(caller)
        .bind(alarm.device_id.as_deref())
        .fetch_optional(&mut *tx)
        .await?;

        // The case, urgent unless it is about the device.
        let tracking = hotline_domain::TrackingNumber::new(*local_date, sequence);
        // Classified at once: its type and category are known, so the alarm desk can handle
        // it (and the follow-up call back is scheduled) when the alarm closes.
        let status = hotline_domain::CaseStatus::Classified;
        let priority = match alarm.kind {
            AlarmKind::LowBattery | AlarmKind::Test => hotline_domain::Priority::Normal,
            _ => hotline_domain::Priority::Urgent,
        };
        let who = person.as_ref().map_or("未登记来电", |p| p.name.as_str());
        // The number stays in the case's phone field (masked in lists), not in its text.
        let content = format!(
            "一键通报警（{}）：{who}{}",
            alarm.kind.label(hotline_domain::Lang::Zh),
            alarm
                .device_id
                .as_deref()
                .map(|d| format!("，终端 {d}"))
                .unwrap_or_default(),
        );
        let case_id: i64 = sqlx::query_scalar(super::cases::INSERT_CASE)
            .bind(tracking.as_str())
            .bind(hotline_domain::Channel::OneKey.as_code())
            .bind(Some(hotline_domain::CaseType::OneKeyAlarm.as_code()))
            .bind(status.as_code())
            .bind(alarm.kind.category_code())
            .bind(&content)
            .bind(person.as_ref().map(|p| p.name.clone()))
            .bind(caller.unwrap_or(""))
            .bind(false)
            .bind(person.as_ref().map(|p| p.district_code.clone()))
            .bind(person.as_ref().map(|p| p.address.clone()))
            .bind(alarm.position.map(|p| p.lon))
            .bind(alarm.position.map(|p| p.lat))
            .bind(*received_at)
            .bind(*received_at)
            .bind(priority.as_code())
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(super::cases::INSERT_CASE_EVENT)
            .bind(case_id)
            .bind(*received_at)
            .bind("alarm:gateway")
            .bind("submitted")
            .bind(None::<String>)
            .bind(status.as_code())
            .bind(Some(format!(
                "{} · {}",
                alarm.kind.label(hotline_domain::Lang::Zh),
                alarm.delivery_id
            )))
            .execute(&mut *tx)
            .await?;
        let alarm_id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO alarms (delivery_id, kind, status, caller, device_id, elderly_id, \
             case_id, lon, lat, raised_at, received_at, payload) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (delivery_id) DO NOTHING RETURNING id",
        )
        .bind(&alarm.delivery_id)
        .bind(alarm.kind.as_code())
        .bind(AlarmStatus::Open.as_code())
        .bind(caller)
        .bind(alarm.device_id.as_deref())
        .bind(person.as_ref().map(|p| p.id))
        .bind(case_id)
        .bind(alarm.position.map(|p| p.lon))
        .bind(alarm.position.map(|p| p.lat))
        .bind(alarm.raised_at)
        .bind(*received_at)
        .bind(payload.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(alarm_id) = alarm_id else {
            // The same delivery committed meanwhile (a retry racing the first try): its
            // alarm stands, and this attempt's case and number are given back.
            tx.rollback().await?;
            let existing = self
                .alarm_by_delivery(&alarm.delivery_id)
                .await?
                .ok_or_else(|| StoreError::Corrupt("a conflicting alarm vanished".into()))?;
            return Ok(Received {
                alarm: existing,
                fresh: false,
                event: None,
            });
        };
        Self::insert_audit(
            &mut *tx,
            &NewAuditEntry {
                at: *received_at,
                origin: Origin {
                    actor: "alarm:gateway".into(),
                    address: None,
                },
                action: "create".into(),
                object_type: "alarm".into(),
                object_id: alarm_id.to_string(),
                before: None,
                after: Some(
                    serde_json::json!({
                        "delivery_id": alarm.delivery_id,
                        "kind": alarm.kind.as_code(),
                        "caller": caller.map(hotline_domain::mask_phone),
                        "device_id": alarm.device_id,
                        "elderly_id": person.as_ref().map(|p| p.id),
                        "tracking_number": tracking.as_str(),
                    })
                    .to_string(),
                ),
            },
        )
        .await?;
        let event = Self::insert_alarm_event(
            &mut *tx,
            alarm_id,
            *received_at,
            "alarm:gateway",
            "received",
            None,
        )
        .await?;
        tx.commit().await?;
        let stored = self
            .alarm(alarm_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("alarm {alarm_id} vanished")))?;
        Ok(Received {
            alarm: stored,
            fresh: true,
            event: Some(event),
        })
    }

    async fn alarm_step(&self, step: &AlarmStepWrite) -> Result<Option<AlarmLogEntry>, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The guarded update is the transaction's first write (SQLite takes its write lock
        // here; PostgreSQL locks the row).
        let changed = sqlx::query(
            "UPDATE alarms SET status = $1, holder = $2, \
             acknowledged_at = CASE WHEN acknowledged_at IS NULL AND $2 IS NOT NULL \
               THEN $3 ELSE acknowledged_at END, \
             on_site_at = CASE WHEN $1 = 'on_site' AND on_site_at IS NULL \
               THEN $3 ELSE on_site_at END, \
             closed_at = CASE WHEN $1 = 'closed' THEN $3 ELSE closed_at END, \
             disposition = COALESCE($4, disposition) \
             WHERE id = $5 AND status = $6 AND COALESCE(holder, '') = $7",
        )
        .bind(step.status.as_code())
        .bind(step.holder.as_deref())
        .bind(step.at)
        .bind(step.disposition.as_deref())
        .bind(step.alarm_id)
        .bind(step.seen_status.as_code())
        .bind(step.seen_holder.as_deref().unwrap_or(""))
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        Self::insert_audit(&mut *tx, &step.audit).await?;
        let event = Self::insert_alarm_event(
            &mut *tx,
            step.alarm_id,
            step.at,
            &step.audit.origin.actor,
            &step.kind,
            step.note.as_deref(),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    async fn alarm(&self, id: i64) -> Result<Option<Alarm>, StoreError> {
        let row: Option<AlarmRow> = sqlx::query_as(&format!("{ALARM_SELECT} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn open_alarms(&self) -> Result<Vec<Alarm>, StoreError> {
        let rows: Vec<AlarmRow> = sqlx::query_as(&format!(
            "{ALARM_SELECT} WHERE a.status <> 'closed' \
             ORDER BY CASE WHEN a.status = 'open' THEN 0 ELSE 1 END, a.received_at, a.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn alarms_of_person(
        &self,
        elderly_id: i64,
        before: i64,
        limit: u32,
    ) -> Result<Vec<Alarm>, StoreError> {
        let rows: Vec<AlarmRow> = sqlx::query_as(&format!(
            "{ALARM_SELECT} WHERE a.elderly_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3"
        ))
        .bind(elderly_id)
        .bind(before)
        .bind(i64::from(limit.clamp(1, 100)))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn alarm_shown(
        &self,
        alarm_id: i64,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<AlarmLogEntry>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed =
            sqlx::query("UPDATE alarms SET shown_at = $1 WHERE id = $2 AND shown_at IS NULL")
                .bind(at)
                .bind(alarm_id)
                .execute(&mut *tx)
                .await?;
        if changed.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let event = Self::insert_alarm_event(&mut *tx, alarm_id, at, actor, "shown", None).await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    async fn alarms_to_escalate(
        &self,
        first_due: DateTime<Utc>,
        repeat_due: DateTime<Utc>,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, escalations FROM alarms WHERE status = 'open' \
             AND ((escalations = 0 AND received_at <= $1) \
               OR (escalations > 0 AND escalated_at <= $2)) \
             ORDER BY received_at, id LIMIT 200",
        )
        .bind(first_due)
        .bind(repeat_due)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn escalate_alarm(
        &self,
        alarm_id: i64,
        seen: i64,
        at: DateTime<Utc>,
        note: &str,
        sms: &[super::NewSms],
        notifications: &[super::NewNotification],
    ) -> Result<Option<AlarmLogEntry>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE alarms SET escalations = escalations + 1, escalated_at = $1 \
             WHERE id = $2 AND status = 'open' AND escalations = $3",
        )
        .bind(at)
        .bind(alarm_id)
        .bind(seen)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let case_id: i64 = sqlx::query_scalar("SELECT case_id FROM alarms WHERE id = $1")
            .bind(alarm_id)
            .fetch_one(&mut *tx)
            .await?;
        Self::insert_messages(&mut *tx, case_id, sms, notifications, at).await?;
        let event =
            Self::insert_alarm_event(&mut *tx, alarm_id, at, "system", "escalated", Some(note))
                .await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    async fn alarm_timings(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<hotline_domain::AlarmTiming>, StoreError> {
        let rows: Vec<(
            DateTime<Utc>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
            Option<String>,
        )> = sqlx::query_as(
            "SELECT a.received_at, a.acknowledged_at, a.on_site_at, \
                 (SELECT e.actor FROM alarm_events e WHERE e.alarm_id = a.id \
                  AND e.kind = 'acknowledged' ORDER BY e.id LIMIT 1) \
                 FROM alarms a WHERE a.received_at >= $1 ORDER BY a.received_at LIMIT 100000",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(received_at, acknowledged_at, on_site_at, actor)| hotline_domain::AlarmTiming {
                    received_at,
                    acknowledged_at,
                    on_site_at,
                    acknowledged_by: actor
                        .map(|a| a.strip_prefix("user:").map(str::to_string).unwrap_or(a)),
                },
            )
            .collect())
    }

    async fn alarm_events_of(&self, alarm_id: i64) -> Result<Vec<AlarmLogEntry>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, alarm_id, at, actor, kind, note FROM alarm_events \
             WHERE alarm_id = $1 ORDER BY id",
        )
        .bind(alarm_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn alarm_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AlarmLogEntry>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, alarm_id, at, actor, kind, note FROM alarm_events \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit.clamp(1, 10_000)))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    alarm_id: i64,
    at: DateTime<Utc>,
    actor: String,
    kind: String,
    note: Option<String>,
}

impl From<EventRow> for AlarmLogEntry {
    fn from(r: EventRow) -> AlarmLogEntry {
        AlarmLogEntry {
            id: r.id,
            alarm_id: r.alarm_id,
            at: r.at,
            actor: r.actor,
            kind: r.kind,
            note: r.note,
        }
    }
}

impl<DB> SqlStore<DB>
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
    async fn alarm_by_delivery(&self, delivery_id: &str) -> Result<Option<Alarm>, StoreError> {
        let row: Option<AlarmRow> =
            sqlx::query_as(&format!("{ALARM_SELECT} WHERE a.delivery_id = $1"))
                .bind(delivery_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// Appends to the alarm log on the caller's transaction. The id comes from a counter
    /// row, which the transaction then holds until it commits: ids are visible in order.
    pub(super) async fn insert_alarm_event(
        conn: &mut DB::Connection,
        alarm_id: i64,
        at: DateTime<Utc>,
        actor: &str,
        kind: &str,
        note: Option<&str>,
    ) -> Result<AlarmLogEntry, StoreError> {
        let id: i64 = sqlx::query_scalar(super::cases::NEXT_COUNTER)
            .bind(EVENT_COUNTER)
            .fetch_one(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO alarm_events (id, alarm_id, at, actor, kind, note) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(alarm_id)
        .bind(at)
        .bind(actor)
        .bind(kind)
        .bind(note)
        .execute(&mut *conn)
        .await?;
        Ok(AlarmLogEntry {
            id,
            alarm_id,
            at,
            actor: actor.to_string(),
            kind: kind.to_string(),
            note: note.map(str::to_string),
        })
    }
}
