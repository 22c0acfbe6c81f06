//! The platform's back end, without HTTP: services, storage, live events, seed data.
//!
//! The server binary and the server functions of the UI both reach the platform through
//! [`Hotline`], so a rule lives in exactly one place whichever door a request comes in by.

pub mod admin;
pub mod alarms;
pub mod audit;
pub mod auth;
mod cache;
pub mod calendar;
pub mod calls;
pub mod cases;
pub mod clients;
pub mod clock;
pub mod codes;
pub mod desk;
pub mod error;
pub mod events;
mod filing_writer;
pub mod flow;
pub mod knowledge;
pub mod notices;
pub mod open311;
pub mod places;
pub mod providers;
pub mod registry;
pub mod registry_io;
pub mod reminders;
pub mod requests;
pub mod scope;
pub mod seed;
pub mod sms;
pub mod store;
pub mod tabular;
pub mod testing;
pub mod vendors;

use std::sync::Arc;

pub use audit::Origin;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::ServiceError;
pub use events::{Event, EventBus};
pub use store::{Store, StoreError};

/// Everything a request handler needs: storage, the live event bus and the clock.
#[derive(Clone)]
pub struct Hotline {
    pub store: Arc<dyn Store>,
    pub events: EventBus,
    pub clock: Arc<dyn Clock>,
    /// Session lifetimes and account lockout.
    pub policy: auth::SecurityPolicy,
    /// Case time limits, light thresholds and reminder repetition.
    pub flow: hotline_domain::FlowPolicy,
    /// The shift lead's duty phone: escalated reminders are also sent there by SMS.
    pub duty_phone: Option<String>,
    /// When unacknowledged alarms are taken to the lead.
    pub alarm_policy: hotline_domain::AlarmPolicy,
    /// The code tables and the calendar, in memory until they change.
    codes: Arc<cache::CodeCache>,
    /// Stores filings in groups, one commit each (issue 13).
    filings: Arc<filing_writer::FilingWriter>,
}

impl Hotline {
    pub fn new(store: Arc<dyn Store>, events: EventBus, clock: Arc<dyn Clock>) -> Hotline {
        Hotline {
            codes: Arc::new(cache::CodeCache::new(events.subscribe())),
            filings: Arc::new(filing_writer::FilingWriter::new(
                store.clone(),
                events.clone(),
            )),
            store,
            events,
            clock,
            policy: auth::SecurityPolicy::default(),
            flow: hotline_domain::FlowPolicy::default(),
            duty_phone: None,
            alarm_policy: hotline_domain::AlarmPolicy::default(),
        }
    }

    pub fn with_duty_phone(mut self, phone: Option<String>) -> Hotline {
        self.duty_phone = phone;
        self
    }

    pub fn with_alarm_policy(mut self, policy: hotline_domain::AlarmPolicy) -> Hotline {
        self.alarm_policy = policy;
        self
    }

    pub fn with_flow_policy(mut self, flow: hotline_domain::FlowPolicy) -> Hotline {
        self.flow = flow;
        self
    }

    pub fn with_policy(mut self, policy: auth::SecurityPolicy) -> Hotline {
        self.policy = policy;
        self
    }
}

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`) with the event bus
/// that fits it: local for SQLite, LISTEN/NOTIFY for PostgreSQL.
pub async fn open(url: &str, clock: Arc<dyn Clock>) -> Result<Hotline, StoreError> {
    if url.starts_with("sqlite:") {
        let store = store::SqliteStore::connect(url).await?;
        Ok(Hotline::new(Arc::new(store), EventBus::local(), clock))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = store::PgStore::connect(url).await?;
        let events = EventBus::postgres(store.pool().clone(), url).await?;
        Ok(Hotline::new(Arc::new(store), events, clock))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

impl Hotline {
    /// The current instant as it will be stored (see [`clock::storable`]). Read once per
    /// operation, so every timestamp and date an operation writes agrees.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        clock::storable(self.clock.now())
    }

    /// Brings the database up to date: migrations, then the code tables if they are empty.
    pub async fn prepare(&self) -> Result<(), seed::SeedError> {
        self.store.migrate().await?;
        // The map's counts are kept by the database in squares of the sizes this build
        // draws with; were they different, every count would sit in the wrong square.
        if self.store.map_levels().await? != hotline_domain::places::MAP_CELL_SIZES {
            return Err(seed::SeedError::Malformed {
                file: "map_levels",
                line: 0,
                message: "the database's map grid sizes differ from this build's".into(),
            });
        }
        let permissions = self.store.seed_role_permissions().await?;
        if permissions > 0 {
            self.audit_system_write(
                "role_permissions",
                "defaults",
                serde_json::json!({ "rows": permissions }),
            )
            .await?;
        }
        for (table, written) in seed::load_code_tables(self.store.as_ref(), self.now()).await? {
            self.audit_system_write(table, "seed", serde_json::json!({ "rows": written }))
                .await?;
        }
        if let Some(days) = self.load_official_calendar().await? {
            tracing::info!(days, "official holiday schedule of 2026 loaded");
        }
        if let Some(articles) = self.kb_reindex_if_stale().await? {
            tracing::info!(articles, "knowledge base search index built");
        }
        self.refresh_lights().await?;
        // Whatever was read before the tables were loaded is gone.
        self.codes.invalidate();
        Ok(())
    }

    /// The demo knowledge base articles (one transaction).
    async fn load_demo_articles(&self) -> Result<(), seed::SeedError> {
        let categories = self.store.kb_categories().await?;
        let articles: Vec<hotline_domain::knowledge::ValidArticle> = seed::knowledge::DEMO_ARTICLES
            .iter()
            .filter_map(|(category, title, keywords, body, public)| {
                let category_id = categories.iter().find(|c| c.name == *category)?.id;
                Some(hotline_domain::knowledge::ValidArticle {
                    category_id,
                    title: title.to_string(),
                    keywords: keywords.to_string(),
                    body: body.to_string(),
                    public: *public,
                    source_case: None,
                })
            })
            .collect();
        let indexed: Vec<_> = articles
            .iter()
            .map(|a| (a, knowledge::index_terms(&a.title, &a.keywords, &a.body)))
            .collect();
        self.store
            .kb_bulk_insert(&indexed, "system", self.now())
            .await?;
        Ok(())
    }

    /// Loads the demo data set unless the database already holds cases or registries.
    /// Returns whether it loaded anything.
    pub async fn load_demo_if_empty(
        &self,
        size: seed::demo::DemoSize,
    ) -> Result<bool, seed::SeedError> {
        let counts = self.store.counts().await?;
        if counts.cases > 0 || counts.vendors > 0 || counts.elderly > 0 {
            return Ok(false);
        }
        let mut demo = seed::demo::generate(seed::demo::DEMO_SEED, self.clock.now(), size)?;
        // Every demo account has the same password: hashed once (with its own salt), the
        // hash shared.
        let hash = tokio::task::spawn_blocking(|| auth::hash_password(seed::demo::DEMO_PASSWORD))
            .await
            .map_err(|e| seed::SeedError::Hash(e.to_string()))?
            .map_err(|e| seed::SeedError::Hash(e.to_string()))?;
        for user in &mut demo.users {
            user.password_hash = hash.clone();
        }
        seed::demo::load(self.store.as_ref(), &demo, &self.flow).await?;
        if self.store.kb_count().await? == 0 {
            self.load_demo_articles().await?;
        }
        // Three callers with earlier cases are marked, so the caller card shows its badges.
        let phones = self.store.case_phones(3).await?;
        for (i, phone) in phones.into_iter().enumerate() {
            let reason = |n: usize, text: &str| (i == n).then(|| text.to_string());
            let client = store::ClientRecord {
                phone,
                name: None,
                marks: hotline_domain::ClientMarks {
                    vip: reason(0, "市人大代表，来电优先接听并由值班长跟进"),
                    important: reason(1, "独居老人的监护人，多次反映供暖问题"),
                    blacklist: reason(2, "多次恶意骚扰坐席（见往期录音）"),
                },
                note: (i == 2).then(|| "礼貌告知后可结束通话".to_string()),
            };
            self.store.save_client(&client, self.now()).await?;
        }
        self.audit_system_write(
            "demo",
            &seed::demo::DEMO_SEED.to_string(),
            serde_json::json!({
                "vendors": demo.vendors.len(),
                "providers": demo.providers.len(),
                "elderly": demo.elderly.len(),
                "cases": demo.cases.len(),
                "departments": seed::demo::DEPARTMENTS.len(),
                "users": demo.users.len(),
            }),
        )
        .await?;
        tracing::info!(
            vendors = demo.vendors.len(),
            providers = demo.providers.len(),
            elderly = demo.elderly.len(),
            cases = demo.cases.len(),
            "demo data loaded"
        );
        Ok(true)
    }
}
