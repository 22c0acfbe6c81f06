//! Live events for open browsers (new web requests now; alarms and reminders later).
//!
//! Every server instance keeps a local broadcast channel that its SSE connections read.
//! On SQLite there is one instance, so publishing is a local send. On PostgreSQL several
//! instances may serve the same city: publishing is a `NOTIFY`, and each instance's
//! listener task feeds what it hears into its local channel, its own events included, so
//! every agent sees every event exactly once whichever instance they are connected to.

use hotline_domain::RequestSummary;
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::broadcast;

/// The PostgreSQL channel the instances talk on.
pub const PG_CHANNEL: &str = "hotline_events";

/// Request text in an event is cut to this many characters: NOTIFY payloads are limited to
/// 8000 bytes and the list shows an excerpt anyway.
pub const EXCERPT_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Event {
    /// A citizen filed a request on the web; every online agent should see it at once.
    RequestFiled(Box<RequestSummary>),
    /// A case moved (the lists and the case page showing it should reload).
    CaseChanged {
        tracking_number: String,
        status: hotline_domain::CaseStatus,
    },
    /// An in-app notice (with a sound) for one person, a department, a vendor, or (none of
    /// them) the centre.
    Notice {
        #[serde(default)]
        user_id: Option<i64>,
        department_id: Option<i64>,
        vendor_id: Option<i64>,
        tracking_number: Option<String>,
        kind: String,
        message: String,
    },
    /// A call rings on an agent's extension: their screen pops the caller card (fetched
    /// by call id, so no phone number travels in the event).
    IncomingCall { agent: String, call_id: String },
    /// A missed call was handed to an agent to call back (their list reloads).
    MissedCall { agent: String, call_id: String },
    /// Something happened to a one-key alarm: `event_id` is its place in the durable alarm
    /// log, from which a console that missed it catches up.
    Alarm {
        event_id: i64,
        alarm_id: i64,
        kind: String,
    },
    /// Events may have been missed (the PostgreSQL listener reconnected, or a browser fell
    /// behind): screens should reload what they show.
    Resync,
    /// A code table or the working calendar changed: every instance drops its copies
    /// (`cache`). Not sent to browsers.
    CodesChanged,
}

impl Event {
    /// The SSE event name, so browsers can listen for one kind.
    pub fn name(&self) -> &'static str {
        match self {
            Event::RequestFiled(_) => "request_filed",
            Event::CaseChanged { .. } => "case_changed",
            Event::Notice { .. } => "notice",
            Event::IncomingCall { .. } => "incoming_call",
            Event::MissedCall { .. } => "missed_call",
            Event::Alarm { .. } => "alarm",
            Event::Resync => "resync",
            Event::CodesChanged => "codes_changed",
        }
    }

    pub fn notice(
        n: &crate::store::NewNotification,
        tracking_number: Option<&hotline_domain::TrackingNumber>,
    ) -> Event {
        Event::Notice {
            user_id: n.user_id,
            department_id: n.department_id,
            vendor_id: n.vendor_id,
            tracking_number: tracking_number.map(|t| t.to_string()),
            kind: n.kind.clone(),
            message: n.message.clone(),
        }
    }

    /// Whether a signed-in user's stream carries this event: new requests to those who take
    /// them, case changes to anyone with a case list, notices to their addressee.
    pub fn is_for(&self, user: &hotline_domain::StaffUser) -> bool {
        use hotline_domain::Permission;
        match self {
            Event::RequestFiled(_) => user.can(Permission::Intake),
            Event::CaseChanged { .. } => user.sees_cases(),
            Event::Notice {
                user_id: Some(id), ..
            } => user.id == *id,
            Event::Notice {
                department_id,
                vendor_id,
                ..
            } => match (department_id, vendor_id) {
                (Some(d), _) => {
                    user.can(Permission::CasesDepartment) && user.department_id == Some(*d)
                }
                (None, Some(v)) => user.can(Permission::OrdersOwn) && user.vendor_id == Some(*v),
                (None, None) => user.can(Permission::CasesAll),
            },
            Event::IncomingCall { agent, .. } | Event::MissedCall { agent, .. } => {
                user.can(Permission::Intake) && user.username == *agent
            }
            Event::Alarm { .. } => user.can(Permission::Alarms),
            Event::Resync => true,
            Event::CodesChanged => false,
        }
    }

    pub fn alarm(event: &hotline_domain::AlarmLogEntry) -> Event {
        Event::Alarm {
            event_id: event.id,
            alarm_id: event.alarm_id,
            kind: event.kind.clone(),
        }
    }

    /// The pushed summary: text cut to an excerpt and the phone masked (the full number is
    /// an audited look from the case page).
    pub fn request_filed(mut summary: RequestSummary) -> Event {
        summary.phone = hotline_domain::mask_phone(&summary.phone);
        if summary.content.chars().count() > EXCERPT_CHARS {
            summary.content = summary
                .content
                .chars()
                .take(EXCERPT_CHARS)
                .collect::<String>()
                + "…";
        }
        Event::RequestFiled(Box::new(summary))
    }
}

#[derive(Clone)]
enum Fanout {
    Local,
    Postgres(PgPool),
}

#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<Event>,
    fanout: Fanout,
}

impl EventBus {
    /// An event bus for a single instance (the SQLite default, and tests).
    pub fn local() -> EventBus {
        EventBus {
            local: broadcast::channel(1024).0,
            fanout: Fanout::Local,
        }
    }

    /// An event bus whose events travel through PostgreSQL to every instance.
    ///
    /// The listener has its own connection (`url`), not one of the pool's: a pool cannot
    /// close while a connection it lent out is held forever.
    pub async fn postgres(pool: PgPool, url: &str) -> Result<EventBus, sqlx::Error> {
        let bus = EventBus {
            local: broadcast::channel(1024).0,
            fanout: Fanout::Postgres(pool),
        };
        let mut listener = PgListener::connect(url).await?;
        listener.listen(PG_CHANNEL).await?;
        let local = bus.local.clone();
        tokio::spawn(async move {
            loop {
                // `try_recv` reports a lost connection as `Ok(None)` and reconnects on the
                // next call; notifications sent meanwhile are gone, so screens must resync.
                match listener.try_recv().await {
                    Ok(Some(note)) => match serde_json::from_str::<Event>(note.payload()) {
                        Ok(event) => {
                            let _ = local.send(event);
                        }
                        Err(e) => tracing::warn!(error = %e, "ignoring malformed event payload"),
                    },
                    Ok(None) => {
                        tracing::warn!("event listener reconnecting to PostgreSQL");
                        let _ = local.send(Event::Resync);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener cannot reach PostgreSQL; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(bus)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    /// Publishes after the write it reports has been committed. A failure to publish is
    /// logged, not returned: the write stands, and agents' lists reload on reconnect.
    pub async fn publish(&self, event: Event) {
        match &self.fanout {
            Fanout::Local => {
                let _ = self.local.send(event);
            }
            Fanout::Postgres(pool) => {
                let payload = match serde_json::to_string(&event) {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::error!(error = %e, "event not serialisable");
                        return;
                    }
                };
                if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(PG_CHANNEL)
                    .bind(payload)
                    .execute(pool)
                    .await
                {
                    tracing::error!(error = %e, "NOTIFY failed; event not delivered live");
                }
            }
        }
    }
}
