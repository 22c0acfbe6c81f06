//! The test harness shared by the HTTP test files: the real server on a random port over a
//! real database (a fresh SQLite file or PostgreSQL database per test).
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use hotline_core::auth::SecurityPolicy;
use hotline_core::testing::TestDatabase;
use hotline_core::{Clock, Hotline, Origin, SystemClock};
use hotline_domain::{Role, UserInput};
use hotline_server::http::access::WebConfig;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const TEST_PASSWORD: &str = "test password 12345";

pub struct Setup {
    pub clock: Arc<dyn Clock>,
    pub policy: SecurityPolicy,
    pub web: WebConfig,
    /// Load a small demo data set (departments, vendors, elderly, cases, one user per role).
    pub demo: bool,
    /// Serve the site's files from here (the built `target/site` otherwise), with the
    /// hashed names of this hash file (none beside a test binary otherwise).
    pub site_root: Option<std::path::PathBuf>,
    pub hash_file: Option<std::path::PathBuf>,
}

impl Default for Setup {
    fn default() -> Self {
        let mut web = WebConfig::default();
        // Tests file many requests from one address; the rate-limit test sets its own.
        for budget in web.limits.values_mut() {
            budget.0 = 10_000;
        }
        Setup {
            clock: Arc::new(SystemClock),
            policy: SecurityPolicy::default(),
            web,
            demo: false,
            site_root: None,
            hash_file: None,
        }
    }
}

pub struct TestServer {
    pub base: String,
    pub hotline: Hotline,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
    // Declared last: the database is removed after the server has stopped using it.
    _db: Arc<TestDatabase>,
}

impl TestServer {
    pub async fn start(db: Arc<TestDatabase>) -> TestServer {
        TestServer::start_with(db, Setup::default()).await
    }

    pub async fn start_with(db: Arc<TestDatabase>, setup: Setup) -> TestServer {
        let hotline = db.open(setup.clock.clone()).await.with_policy(setup.policy);
        if setup.demo {
            hotline
                .load_demo_if_empty(hotline_core::seed::demo::DemoSize {
                    vendors: 12,
                    providers: 4,
                    elderly: 12,
                    past_cases: 80,
                    waiting_requests: 3,
                })
                .await
                .unwrap();
        }
        let mut options = leptos::config::get_configuration(None)
            .unwrap()
            .leptos_options;
        options.output_name = "hotline".into();
        if let Some(root) = &setup.site_root {
            options.site_root = root.to_string_lossy().as_ref().into();
        }
        if let Some(file) = &setup.hash_file {
            // Joined to the binary's directory, an absolute path stays itself.
            options.hash_file = file.to_string_lossy().as_ref().into();
        }
        // As the server binary does: hashed names only where the build wrote its hashes.
        hotline_server::http::assets::detect_hashed_files(&mut options);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(hotline_server::serve_on(
            listener,
            hotline.clone(),
            options,
            setup.web,
            Duration::from_secs(5),
            async move {
                let _ = stopped.await;
            },
        ));
        TestServer {
            base,
            hotline,
            stop: Some(stop),
            task,
            _db: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client that keeps cookies and does not follow redirects.
    pub fn browser() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            // No exchange in a test may hang it: a server that stops answering fails the
            // test within a minute.
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Signs in over HTTP; the client then carries the session cookie.
    pub async fn sign_in(&self, username: &str, password: &str) -> reqwest::Client {
        let client = TestServer::browser();
        let response = client
            .post(self.url("/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            reqwest::StatusCode::OK,
            "sign-in as {username}"
        );
        client
    }

    /// Makes a user with this role (no department or vendor) and signs in as them.
    pub async fn client_as(&self, username: &str, role: Role) -> reqwest::Client {
        self.add_user(username, role, None, None).await;
        self.sign_in(username, TEST_PASSWORD).await
    }

    pub async fn add_user(
        &self,
        username: &str,
        role: Role,
        department_id: Option<i64>,
        vendor_id: Option<i64>,
    ) -> i64 {
        self.hotline
            .add_user(
                &UserInput {
                    username: username.into(),
                    display_name: format!("测试 {username}"),
                    role: role.as_code().into(),
                    department_id: department_id.map(|d| d.to_string()).unwrap_or_default(),
                    vendor_id: vendor_id.map(|v| v.to_string()).unwrap_or_default(),
                    password: TEST_PASSWORD.into(),
                    active: true,
                },
                &Origin::system(),
            )
            .await
            .unwrap()
    }

    /// Posts a call event as the telephone system does, signed with `secret`, `skew`
    /// seconds in the past: the status and the JSON answer.
    pub async fn post_call_event(
        &self,
        body: &serde_json::Value,
        secret: &str,
        skew: i64,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let body = serde_json::to_vec(body).unwrap();
        let timestamp = chrono::Utc::now().timestamp() - skew;
        let response = TestServer::browser()
            .post(self.url("/api/v1/telephony/events"))
            .header("Content-Type", "application/json")
            .header("X-Hotline-Timestamp", timestamp.to_string())
            .header(
                "X-Hotline-Signature",
                hotline_server::http::telephony::sign(secret, timestamp, &body),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(Duration::from_secs(10), &mut self.task)
            .await
            .expect("server stops within the grace period");
        result.unwrap().unwrap();
        hotline_server::close_store(&self.hotline, Duration::from_secs(10)).await;
    }
}

/// One server-sent event as a test reads it.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub name: String,
    pub id: Option<String>,
    pub data: serde_json::Value,
}

/// Reads the events of an event stream (`GET /api/v1/events`) in order. The buffer is
/// kept between reads, so two events that arrive in one chunk are both seen.
pub struct SseReader<S> {
    stream: S,
    buffer: String,
}

impl<S> SseReader<S>
where
    S: futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
{
    pub fn new(stream: S) -> SseReader<S> {
        SseReader {
            stream,
            buffer: String::new(),
        }
    }

    /// The next event named `name` whose data satisfies `want`; the ones before it are
    /// passed over. Fails the test when nothing fitting comes within 10 s.
    pub async fn next(
        &mut self,
        name: &str,
        want: impl Fn(&serde_json::Value) -> bool,
    ) -> SseEvent {
        use futures::StreamExt;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |key: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(key))
                        .map(str::to_string)
                };
                let Some(event) = field("event: ") else {
                    continue; // a keep-alive comment
                };
                let data = field("data: ")
                    .and_then(|d| serde_json::from_str(&d).ok())
                    .unwrap_or(serde_json::Value::Null);
                if event == name && want(&data) {
                    return SseEvent {
                        name: event,
                        id: field("id: "),
                        data,
                    };
                }
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await
                .unwrap_or_else(|_| panic!("no {name} event in time"))
                .expect("stream open")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}
