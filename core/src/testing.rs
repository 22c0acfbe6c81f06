//! Throwaway databases for tests: a fresh SQLite file, or a fresh PostgreSQL database on
//! the server named by `HOTLINE_TEST_PG_URL` (default: the local server). Each is removed
//! when dropped, even if the test panicked.
//!
//! PostgreSQL tests are never skipped: an unreachable server fails them. The README's test
//! command starts a private cluster when none is running.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use sqlx::{Connection, PgConnection};

use crate::{Clock, Hotline, StoreError};

pub const DEFAULT_PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

pub fn pg_admin_url() -> String {
    std::env::var("HOTLINE_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_ADMIN_URL.to_string())
}

pub enum TestDatabase {
    Sqlite {
        dir: PathBuf,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDatabase {
    pub fn sqlite() -> TestDatabase {
        let dir = std::env::temp_dir().join(format!("hotline_test_{}", unique_suffix()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let url = format!("sqlite://{}", dir.join("hotline.db").display());
        TestDatabase::Sqlite { dir, url }
    }

    pub async fn postgres() -> TestDatabase {
        let admin_url = pg_admin_url();
        let name = format!("hotline_test_{}", unique_suffix());
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {admin_url} ({e}). Start it or set \
                 HOTLINE_TEST_PG_URL; the README's test command does this for you."
            )
        });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let url = match admin_url.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("HOTLINE_TEST_PG_URL must end with /database"),
        };
        TestDatabase::Postgres {
            admin_url,
            name,
            url,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url, .. } | TestDatabase::Postgres { url, .. } => url,
        }
    }

    /// Opens the platform on this database, migrated and with code tables loaded.
    pub async fn open(&self, clock: Arc<dyn Clock>) -> Hotline {
        let hotline = self
            .open_unprepared(clock)
            .await
            .expect("open test database");
        hotline.prepare().await.expect("prepare test database");
        hotline
    }

    pub async fn open_unprepared(&self, clock: Arc<dyn Clock>) -> Result<Hotline, StoreError> {
        crate::open(self.url(), clock).await
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            TestDatabase::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            TestDatabase::Postgres {
                admin_url, name, ..
            } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime, which cannot be blocked on; a thread
                // with its own small runtime removes the database.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&mut admin)
                            .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Ends the whole test run, naming the test, if one test has not finished in
/// [`Watchdog::LIMIT`]: a hung test (a lost wake-up, a lock never released, a runtime that
/// cannot shut down) is reported in minutes instead of holding CI until its time is up.
/// A plain thread, so it fires even when the test's own runtime is stuck.
pub struct Watchdog {
    // Dropped when the test is over, passed or failed: the thread then stands down.
    _over: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    pub const LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

    fn new(test: &'static str) -> Watchdog {
        let (over, finished) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                finished.recv_timeout(Watchdog::LIMIT)
            {
                eprintln!(
                    "\n{test} has not finished in {} s; stopping the test run",
                    Watchdog::LIMIT.as_secs()
                );
                std::process::abort();
            }
        });
        Watchdog { _over: over }
    }

    /// Runs a test on its own two-thread runtime under a watchdog that also covers the
    /// runtime's shutdown (which waits for every worker thread).
    pub fn run<F: std::future::Future<Output = ()>>(test: &'static str, body: F) {
        let _watch = Watchdog::new(test);
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test runtime")
            .block_on(body);
    }
}

/// Runs each named test function (`async fn(TestDatabase)`) twice: in a module `sqlite`
/// on a fresh SQLite file and in a module `postgres` on a fresh PostgreSQL database, each
/// under a [`Watchdog`].
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    $crate::testing::Watchdog::run(concat!("sqlite::", stringify!($test)), async {
                        super::$test($crate::testing::TestDatabase::sqlite()).await
                    });
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    $crate::testing::Watchdog::run(concat!("postgres::", stringify!($test)), async {
                        super::$test($crate::testing::TestDatabase::postgres().await).await
                    });
                }
            )+
        }
    };
}

/// A signed-in staff member with a role's default permissions, for service-level tests.
pub fn staff(
    role: hotline_domain::Role,
    department_id: Option<i64>,
    vendor_id: Option<i64>,
) -> hotline_domain::StaffUser {
    hotline_domain::StaffUser {
        id: 0,
        username: format!("test.{}", role.as_code()),
        display_name: role.as_code().to_string(),
        role,
        department_id,
        department_name: None,
        vendor_id,
        vendor_name: None,
        permissions: role.default_permissions().to_vec(),
    }
}

/// A vendor to load in a test or benchmark: a company in Qindu district (610402) at `at`,
/// with this status and these services; the rest plausible and fixed.
pub fn sample_vendor(
    name: &str,
    at: hotline_domain::Coordinates,
    status: &str,
    services: &[String],
) -> crate::store::NewVendor {
    crate::store::NewVendor {
        name: name.into(),
        kind: "company".into(),
        district_code: "610402".into(),
        street_code: None,
        address: "人民路 1 号".into(),
        phone: "13900000000".into(),
        contact_name: "王经理".into(),
        hotline: None,
        status: status.into(),
        credit_grade: "A".into(),
        franchise_type: "加盟企业".into(),
        staff_count: 5,
        registered_capital: 100_000,
        home_care: true,
        volunteer: false,
        lon: at.lon,
        lat: at.lat,
        created_at: "2025-01-01T00:00:00Z".parse().unwrap(),
        services: services.to_vec(),
    }
}

/// A skilled person or volunteer to load in a test or benchmark, in Weicheng district
/// (610404) at `at`.
pub fn sample_provider(
    name: &str,
    kind: hotline_domain::ProviderKind,
    at: hotline_domain::Coordinates,
    status: &str,
    skill: &str,
) -> crate::store::NewProvider {
    crate::store::NewProvider {
        name: name.into(),
        kind: kind.as_code().into(),
        service_mode: "free".into(),
        support_system: "volunteer".into(),
        district_code: "610404".into(),
        phone: "13900000001".into(),
        skill_code: skill.into(),
        lon: at.lon,
        lat: at.lat,
        created_at: "2025-01-01T00:00:00Z".parse().unwrap(),
        status: status.into(),
    }
}

/// A registered elderly person to load in a test or benchmark: in Qindu district (610402)
/// at `at`, born in 1945, living alone; the numbers unique to `n`, the rest plausible and
/// fixed. Tests change the fields they look at with struct update syntax.
pub fn sample_elderly(
    name: &str,
    n: usize,
    at: hotline_domain::Coordinates,
) -> crate::store::NewElderly {
    crate::store::NewElderly {
        name: name.into(),
        gender: "F".into(),
        birth_date: chrono::NaiveDate::from_ymd_opt(1945, 1, 1).unwrap(),
        id_number: format!("6104{n:014}"),
        identity_category: "独居".into(),
        service_card_no: format!("XY{n:010}"),
        district_code: "610402".into(),
        street_code: None,
        village_code: None,
        address: "人民路 8 号".into(),
        phone: None,
        onekey_phone: None,
        onekey_device: None,
        health_notes: None,
        medications: None,
        contact_name: "李明".into(),
        contact_relation: "儿子".into(),
        contact_phone: "13800002222".into(),
        lon: at.lon,
        lat: at.lat,
        created_at: "2025-01-01T00:00:00Z".parse().unwrap(),
    }
}
