//! The one-key alarm gateway's webhook over real HTTP (issue 15, SPEC E1), on both
//! backends: signatures, the answer only after the alarm is stored, a retried delivery
//! answered with the same alarm, refusals by field, the consoles' live event and their
//! reads, and the simulator the demo and the benchmark use.

use crate::support;

use std::sync::Arc;

use hotline_core::seed::demo::{demo_terminal, DEMO_PASSWORD};
use hotline_core::testing::TestDatabase;
use hotline_server::alarm_sim::{alarm_body, deliver};
use hotline_server::http::access::WebConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{Setup, SseReader, TestServer};

const SECRET: &str = "test-alarm-secret";

/// The next `alarm` event on a console's stream: its data.
async fn next_alarm(
    stream: &mut SseReader<impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin>,
) -> Value {
    stream.next("alarm", |_| true).await.data
}

async fn alarms_from_the_gateway(db: TestDatabase) {
    let server = TestServer::start_with(
        Arc::new(db),
        Setup {
            demo: true,
            web: WebConfig {
                alarm_secret: Some(SECRET.into()),
                ..Setup::default().web
            },
            ..Setup::default()
        },
    )
    .await;
    let care = server.sign_in("care", DEMO_PASSWORD).await;
    let mut stream = SseReader::new(
        care.get(server.url("/api/v1/events"))
            .send()
            .await
            .unwrap()
            .bytes_stream(),
    );
    let open = || async {
        let response = care.get(server.url("/api/v1/alarms")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<Vec<Value>>().await.unwrap()
    };
    assert!(open().await.is_empty());
    let client = TestServer::browser();
    let body = alarm_body("gw-100", "", &demo_terminal(0), "fall");

    // Unsigned or wrongly signed: refused, nothing stored.
    let response = client
        .post(server.url("/api/v1/alarms"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let wrong = deliver(&client, &server.base, "not-the-secret", &body)
        .await
        .unwrap();
    assert_eq!(wrong.status, 401);
    assert!(open().await.is_empty());

    // Signed: 201 once stored, and the open console hears of it.
    let first = deliver(&client, &server.base, SECRET, &body).await.unwrap();
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["status"], "received");
    assert_eq!(first.body["registered"], true);
    let alarm_id = first.body["alarm_id"].as_i64().unwrap();
    let event = next_alarm(&mut stream).await;
    assert_eq!(event["alarm_id"], alarm_id);
    assert_eq!(event["kind"], "received");
    let listed = open().await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], alarm_id);
    assert_eq!(listed[0]["kind"], "fall");
    assert_eq!(listed[0]["status"], "open");
    assert!(listed[0]["elderly_name"].is_string(), "{}", listed[0]);
    assert_eq!(listed[0]["tracking_number"], first.body["tracking_number"]);

    // The gateway retries: the same alarm, 200, nothing new.
    let again = deliver(&client, &server.base, SECRET, &body).await.unwrap();
    assert_eq!(again.status, 200);
    assert_eq!(again.body["status"], "duplicate");
    assert_eq!(again.body["alarm_id"], alarm_id);
    assert_eq!(open().await.len(), 1);

    // An unknown number: stored as an unregistered caller.
    let stranger = deliver(
        &client,
        &server.base,
        SECRET,
        &alarm_body("gw-101", "137 0000 9999", "", "help"),
    )
    .await
    .unwrap();
    assert_eq!(stranger.status, 201);
    assert_eq!(stranger.body["registered"], false);
    assert_eq!(
        next_alarm(&mut stream).await["alarm_id"],
        stranger.body["alarm_id"],
        "no second event for the retry"
    );
    let listed = open().await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["caller"], "137****9999", "masked: {}", listed[1]);
    assert_eq!(listed[1]["elderly_name"], Value::Null);

    // Refused by field, or unreadable: nothing stored.
    let bad = deliver(
        &client,
        &server.base,
        SECRET,
        &json!({"delivery_id": "gw-102", "caller": "12", "kind": "panic", "at": ""}),
    )
    .await
    .unwrap();
    assert_eq!(bad.status, 422, "{}", bad.body);
    for field in ["caller", "kind", "at"] {
        assert!(
            bad.body["fields"][field].is_string(),
            "{field}: {}",
            bad.body
        );
    }
    let unreadable = deliver(&client, &server.base, SECRET, &json!([1, 2]))
        .await
        .unwrap();
    assert_eq!(unreadable.status, 400);
    assert_eq!(open().await.len(), 2);

    // The alarm log, from the start and after the first event.
    let log: Vec<Value> = care
        .get(server.url("/api/v1/alarms/events?after=0"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["id"], event["event_id"]);
    let after = log[0]["id"].as_i64().unwrap();
    let rest: Vec<Value> = care
        .get(server.url(&format!("/api/v1/alarms/events?after={after}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["alarm_id"], stranger.body["alarm_id"]);
    let response = care
        .get(server.url("/api/v1/alarms/events?after=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // The coordinator takes the first alarm; a lead trying too is told who has it.
    let act = |client: &reqwest::Client, body: Value| {
        client
            .post(server.url(&format!("/api/v1/alarms/{alarm_id}/actions")))
            .json(&body)
            .send()
    };
    let response = act(&care, json!({"action": "acknowledge"})).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let taken: Value = response.json().await.unwrap();
    assert_eq!(taken["holder"], "care");
    assert_eq!(taken["status"], "acknowledged");
    let seen = next_alarm(&mut stream).await;
    assert_eq!(seen["kind"], "acknowledged");
    let lead = server.sign_in("lead", DEMO_PASSWORD).await;
    let response = act(&lead, json!({"action": "acknowledge"})).await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let refused: Value = response.json().await.unwrap();
    assert!(
        refused["message"].as_str().unwrap().contains("care"),
        "{refused}"
    );
    let response = act(&care, json!({"action": "contact", "rung": "cousin"}))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let invalid: Value = response.json().await.unwrap();
    for field in ["rung", "outcome", "name"] {
        assert!(invalid["fields"][field].is_string(), "{field}: {invalid}");
    }
    let card: Value = care
        .get(server.url(&format!("/api/v1/alarms/{alarm_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(card["alarm"]["holder"], "care");
    let kinds: Vec<&str> = card["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["received", "acknowledged"]);

    // The figures: two alarms today, one acknowledged (by the coordinator) within a minute.
    let figures: Value = care
        .get(server.url("/api/v1/alarms/figures?days=7"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(figures["overall"]["alarms"], 2, "{figures}");
    assert_eq!(figures["overall"]["acknowledged"], 1);
    assert_eq!(figures["by_coordinator"][1]["key"], "care", "{figures}");
    let response = care
        .get(server.url("/api/v1/alarms/figures?days=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Agents have no console.
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let response = agent
        .get(server.url("/api/v1/alarms"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    server.shutdown().await;
}

/// The next `n` alarm events on a console's stream: `(SSE id, data)`.
async fn alarm_events(
    stream: &mut SseReader<impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin>,
    n: usize,
) -> Vec<(String, Value)> {
    let mut found = Vec::with_capacity(n);
    for _ in 0..n {
        let event = stream.next("alarm", |_| true).await;
        found.push((event.id.expect("an alarm event has an id"), event.data));
    }
    found
}

async fn a_console_that_reconnects_gets_every_alarm_event_it_missed(db: TestDatabase) {
    let server = TestServer::start_with(
        Arc::new(db),
        Setup {
            web: WebConfig {
                alarm_secret: Some(SECRET.into()),
                ..Setup::default().web
            },
            ..Setup::default()
        },
    )
    .await;
    let console = server
        .client_as("liu", hotline_domain::Role::Coordinator)
        .await;
    let client = TestServer::browser();
    let send = |id: &str| {
        let body = alarm_body(id, "13700001111", "", "help");
        let (client, base) = (client.clone(), server.base.clone());
        async move { deliver(&client, &base, SECRET, &body).await.unwrap() }
    };
    let mut first = SseReader::new(
        console
            .get(server.url("/api/v1/events"))
            .send()
            .await
            .unwrap()
            .bytes_stream(),
    );
    let one = send("gw-r1").await;
    let seen = alarm_events(&mut first, 1).await;
    assert_eq!(seen[0].1["alarm_id"], one.body["alarm_id"]);
    assert_eq!(seen[0].0, seen[0].1["event_id"].to_string());
    // The connection drops; two alarms come in meanwhile.
    drop(first);
    let two = send("gw-r2").await;
    let three = send("gw-r3").await;
    // Reconnecting with the last id seen: both, in order, then live ones, none twice.
    let mut again = SseReader::new(
        console
            .get(server.url("/api/v1/events"))
            .header("Last-Event-ID", seen[0].0.clone())
            .send()
            .await
            .unwrap()
            .bytes_stream(),
    );
    let four = send("gw-r4").await;
    let caught_up = alarm_events(&mut again, 3).await;
    let alarms: Vec<&Value> = caught_up.iter().map(|(_, d)| &d["alarm_id"]).collect();
    assert_eq!(
        alarms,
        [
            &two.body["alarm_id"],
            &three.body["alarm_id"],
            &four.body["alarm_id"]
        ]
    );
    let ids: Vec<i64> = caught_up
        .iter()
        .map(|(id, _)| id.parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    server.shutdown().await;
}

async fn without_a_secret_the_alarm_webhook_is_closed(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let closed = deliver(
        &TestServer::browser(),
        &server.base,
        SECRET,
        &alarm_body("gw-1", "029-33123456", "", "help"),
    )
    .await
    .unwrap();
    assert_eq!(closed.status, 503);
    assert_eq!(closed.body["error"], "alarms_not_configured");
    server.shutdown().await;
}

hotline_core::on_both_backends!(
    alarms_from_the_gateway,
    a_console_that_reconnects_gets_every_alarm_event_it_missed,
    without_a_secret_the_alarm_webhook_is_closed,
);
