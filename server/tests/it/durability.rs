//! An acknowledged filing or alarm is never lost (issues 13 and 15): the real `hotline`
//! binary takes a burst from many connections and is killed with SIGKILL in the middle of
//! it; everything it had answered must then be in the database, on SQLite
//! (`synchronous=FULL`) and on PostgreSQL. Alarms are then retried as the gateway would
//! (every delivery it sent): none is stored twice.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hotline_core::testing::TestDatabase;
use hotline_core::SystemClock;
use hotline_domain::TrackingNumber;
use serde_json::{json, Value};
use support::SseReader;

use crate::support;

/// Filers sending at once, and the acknowledgements after which the server is killed.
const FILERS: usize = 32;
const KILL_AFTER_ACKS: usize = 300;
const ALARM_SECRET: &str = "durability-alarm-secret";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server binary over `url`, no demo data, the filing limit out of the way.
fn start_server(url: &str, port: u16, data_dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hotline"))
        .arg("serve")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", url)
        .env("HOTLINE_DATA_DIR", data_dir)
        .env("HOTLINE_ADDR", format!("127.0.0.1:{port}"))
        .env("HOTLINE_DEMO", "false")
        .env("HOTLINE_RATE_FILING", "1000000/60")
        .env("HOTLINE_ALARM_SECRET", ALARM_SECRET)
        // API only: no site files are needed, so none are looked for.
        .env_remove("LEPTOS_HASH_FILES")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the hotline binary")
}

async fn wait_until_up(client: &reqwest::Client, base: &str, server: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        if let Some(status) = server.try_wait().unwrap() {
            panic!("the server exited before answering: {status}");
        }
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn acknowledged_filings_survive_a_kill(db: TestDatabase) {
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(FILERS)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut server = start_server(db.url(), port, data_dir.path());
    wait_until_up(&client, &base, &mut server).await;

    // Each filer files until its connection fails, noting what was acknowledged: the
    // tracking number and the content that was sent with it.
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let filers: Vec<_> = (0..FILERS)
        .map(|filer| {
            let (client, base, acked) = (client.clone(), base.clone(), acked.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let content = format!("断电前的第 {filer}-{n} 件：楼下路灯不亮");
                    let body = json!({
                        "category": "0101",
                        "content": content,
                        "contact_name": "赵先生",
                        "phone": "13912345678",
                        "district": "610404",
                        "address": "渭阳西路 8 号",
                        "anonymous": false
                    });
                    let Ok(response) = client
                        .post(format!("{base}/api/v1/requests"))
                        .json(&body)
                        .send()
                        .await
                    else {
                        return;
                    };
                    if response.status() != reqwest::StatusCode::CREATED {
                        return;
                    }
                    let Ok(filed) = response.json::<Value>().await else {
                        return;
                    };
                    let number = filed["tracking_number"].as_str().unwrap().to_string();
                    acked.lock().unwrap().push((number, content));
                }
            })
        })
        .collect();

    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().unwrap().len() < KILL_AFTER_ACKS {
        assert!(Instant::now() < deadline, "the burst did not get going");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.wait().unwrap();
    for filer in filers {
        filer.await.unwrap();
    }

    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= KILL_AFTER_ACKS);
    let hotline = db.open(Arc::new(SystemClock)).await;
    let stored = hotline.store.counts().await.unwrap().cases;
    for (number, content) in &acked {
        let number = TrackingNumber::parse(number).unwrap();
        let found = hotline.store.request(&number).await.unwrap();
        assert_eq!(
            found.map(|s| s.content).as_deref(),
            Some(content.as_str()),
            "{number} was acknowledged, then lost ({} acknowledged, {stored} stored)",
            acked.len()
        );
    }
    assert!(stored >= acked.len() as i64);
    eprintln!(
        "{} filings acknowledged before the kill, {stored} stored",
        acked.len()
    );
    hotline.store.close().await;
}

async fn acknowledged_alarms_survive_a_kill_and_a_retry_stores_none_twice(db: TestDatabase) {
    use hotline_server::alarm_sim::{alarm_body, deliver};
    const SENDERS: usize = 16;
    const KILL_AFTER: usize = 150;
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(SENDERS)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut server = start_server(db.url(), port, data_dir.path());
    wait_until_up(&client, &base, &mut server).await;

    // Every delivery sent (the gateway keeps them until acknowledged), and the alarm id of
    // each one acknowledged.
    let sent: Arc<Mutex<Vec<String>>> = Arc::default();
    let acked: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (client, base) = (client.clone(), base.clone());
            let (sent, acked) = (sent.clone(), acked.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let id = format!("kill-{s}-{n}");
                    sent.lock().unwrap().push(id.clone());
                    let body = alarm_body(&id, &format!("1370000{s:02}{:02}", n % 100), "", "fall");
                    let Ok(answer) = deliver(&client, &base, ALARM_SECRET, &body).await else {
                        return;
                    };
                    if answer.status != 201 {
                        return;
                    }
                    acked
                        .lock()
                        .unwrap()
                        .push((id, answer.body["alarm_id"].as_i64().unwrap()));
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().unwrap().len() < KILL_AFTER {
        assert!(Instant::now() < deadline, "the burst did not get going");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for sender in senders {
        sender.await.unwrap();
    }

    // Back up; the gateway sends again everything it sent. An acknowledged one comes back
    // as the same alarm; one cut off in flight is stored now or was already.
    let mut server = start_server(db.url(), port, data_dir.path());
    wait_until_up(&client, &base, &mut server).await;
    let acked: std::collections::HashMap<String, i64> =
        acked.lock().unwrap().iter().cloned().collect();
    let sent = sent.lock().unwrap().clone();
    let mut alarm_ids = std::collections::HashSet::new();
    for id in &sent {
        let body = alarm_body(id, "13700000000", "", "fall");
        let answer = deliver(&client, &base, ALARM_SECRET, &body).await.unwrap();
        assert!(
            matches!(answer.status, 200 | 201),
            "{id}: {}",
            answer.status
        );
        let alarm_id = answer.body["alarm_id"].as_i64().unwrap();
        if let Some(first) = acked.get(id) {
            assert_eq!(answer.status, 200, "{id} was acknowledged, then lost");
            assert_eq!(alarm_id, *first, "{id} came back as another alarm");
        }
        assert!(alarm_ids.insert(alarm_id), "{id}: alarm {alarm_id} twice");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let hotline = db.open(Arc::new(SystemClock)).await;
    let lead = hotline_core::testing::staff(hotline_domain::Role::ShiftLead, None, None);
    let stored = hotline.open_alarms(&lead).await.unwrap().len();
    assert_eq!(stored, sent.len(), "one alarm per delivery");
    eprintln!(
        "{} alarms acknowledged before the kill, {} deliveries sent, {stored} alarms stored",
        acked.len(),
        sent.len()
    );
    hotline.store.close().await;
}

/// The next alarm event of `kind` on a console's stream: its data.
async fn alarm_event(
    stream: &mut SseReader<impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin>,
    kind: &str,
) -> Value {
    stream.next("alarm", |d| d["kind"] == kind).await.data
}

async fn sign_in(base: &str, username: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let response = client
        .post(format!("{base}/auth/login"))
        .json(&json!({ "username": username, "password": STAFF_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{username}: {}",
        response.status()
    );
    client
}

const STAFF_PASSWORD: &str = "two instances 2026";

/// Two server processes on one PostgreSQL (issue 15): an alarm posted to one reaches a
/// console connected to the other through LISTEN/NOTIFY, and two coordinators
/// acknowledging it at once on the two instances get one holder, which both see.
#[test]
fn alarms_reach_consoles_on_another_instance_and_one_claim_wins() {
    hotline_core::testing::Watchdog::run("postgres::alarms_on_two_instances", async {
        use hotline_server::alarm_sim::{alarm_body, deliver};
        let db = TestDatabase::postgres().await;
        let setup = db.open(Arc::new(SystemClock)).await;
        let admin = hotline_core::testing::staff(hotline_domain::Role::Admin, None, None);
        for name in ["liu", "wang"] {
            setup
                .create_user(
                    &admin,
                    &hotline_domain::UserInput {
                        username: name.into(),
                        display_name: name.into(),
                        role: "coordinator".into(),
                        password: STAFF_PASSWORD.into(),
                        active: true,
                        ..Default::default()
                    },
                    &hotline_core::Origin::system(),
                )
                .await
                .unwrap();
        }
        setup.store.close().await;
        let data_dir = tempfile::tempdir().unwrap();
        let (port_a, port_b) = (free_port(), free_port());
        let (a, b) = (
            format!("http://127.0.0.1:{port_a}"),
            format!("http://127.0.0.1:{port_b}"),
        );
        let probe = reqwest::Client::new();
        let mut server_a = start_server(db.url(), port_a, data_dir.path());
        let mut server_b = start_server(db.url(), port_b, data_dir.path());
        wait_until_up(&probe, &a, &mut server_a).await;
        wait_until_up(&probe, &b, &mut server_b).await;

        let liu = sign_in(&b, "liu").await;
        let wang = sign_in(&a, "wang").await;
        let mut on_b = SseReader::new(
            liu.get(format!("{b}/api/v1/events"))
                .send()
                .await
                .unwrap()
                .bytes_stream(),
        );
        let mut on_a = SseReader::new(
            wang.get(format!("{a}/api/v1/events"))
                .send()
                .await
                .unwrap()
                .bytes_stream(),
        );
        let posted = deliver(
            &probe,
            &a,
            ALARM_SECRET,
            &alarm_body("two-1", "13700002222", "", "fall"),
        )
        .await
        .unwrap();
        assert_eq!(posted.status, 201);
        let alarm_id = posted.body["alarm_id"].clone();
        assert_eq!(
            alarm_event(&mut on_b, "received").await["alarm_id"],
            alarm_id
        );
        assert_eq!(
            alarm_event(&mut on_a, "received").await["alarm_id"],
            alarm_id
        );

        let claim = |client: &reqwest::Client, base: &str| {
            client
                .post(format!("{base}/api/v1/alarms/{alarm_id}/actions"))
                .json(&json!({ "action": "acknowledge" }))
                .send()
        };
        let (by_liu, by_wang) = tokio::join!(claim(&liu, &b), claim(&wang, &a));
        let statuses = [by_liu.unwrap().status(), by_wang.unwrap().status()];
        assert_eq!(
            statuses.iter().filter(|s| s.is_success()).count(),
            1,
            "one holder: {statuses:?}"
        );
        assert!(
            statuses.contains(&reqwest::StatusCode::CONFLICT),
            "{statuses:?}"
        );
        // Both consoles hear who took it, whichever instance it was taken on.
        assert_eq!(
            alarm_event(&mut on_b, "acknowledged").await["alarm_id"],
            alarm_id
        );
        assert_eq!(
            alarm_event(&mut on_a, "acknowledged").await["alarm_id"],
            alarm_id
        );
        let holder = |client: reqwest::Client, base: String| {
            let alarm_id = alarm_id.clone();
            async move {
                let card: Value = client
                    .get(format!("{base}/api/v1/alarms/{alarm_id}"))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                card["alarm"]["holder"].clone()
            }
        };
        let (seen_b, seen_a) = (
            holder(liu.clone(), b.clone()).await,
            holder(wang.clone(), a.clone()).await,
        );
        assert_eq!(seen_a, seen_b);
        let winner = if statuses[0].is_success() {
            "liu"
        } else {
            "wang"
        };
        assert_eq!(seen_a, winner);
        for server in [&mut server_a, &mut server_b] {
            server.kill().unwrap();
            server.wait().unwrap();
        }
    });
}

hotline_core::on_both_backends!(
    acknowledged_filings_survive_a_kill,
    acknowledged_alarms_survive_a_kill_and_a_retry_stores_none_twice,
);
