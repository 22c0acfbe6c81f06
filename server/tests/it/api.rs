//! HTTP-level tests: the real server on a random port over a real database (a fresh SQLite
//! file or a fresh PostgreSQL database per test), spoken to with a real HTTP client.

use crate::support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use hotline_core::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::TestServer;

fn valid_request() -> Value {
    json!({
        "category": "0101",
        "content": "小区东门路灯坏了一个月，晚上很黑。",
        "contact_name": "李先生",
        "phone": "13912345678",
        "district": "610404",
        "address": "渭阳西路 8 号",
        "anonymous": false
    })
}

/// Files `valid_request()` and returns the 201 body.
async fn file_valid_request(client: &reqwest::Client, server: &TestServer) -> Value {
    let response = client
        .post(server.url("/api/v1/requests"))
        .json(&valid_request())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// The audit entry of a case's creation.
async fn creation_audit(
    server: &TestServer,
    tracking_number: &str,
) -> hotline_core::audit::AuditEntry {
    let entries = server
        .hotline
        .audit_entries(&hotline_core::audit::AuditFilter {
            object_type: Some("case".into()),
            object_id: Some(tracking_number.into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries.into_iter().next().unwrap()
}

async fn waiting_count(client: &reqwest::Client, server: &TestServer) -> usize {
    let list: Vec<Value> = client
        .get(server.url("/api/v1/requests/new"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.len()
}

/// Reads a server-sent event stream until an event of `name` arrives; returns its data.
async fn next_event(
    stream: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    buffer: &mut String,
    name: &str,
) -> String {
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut event = "message";
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    event = v.trim();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if event == name {
                return data;
            }
        }
        let chunk = stream.next().await.expect("stream open").expect("chunk");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

// ---- the tests ----------------------------------------------------------------------------

async fn filing_returns_201_with_a_tracking_number(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let client = reqwest::Client::new();
    let body = file_valid_request(&client, &server).await;
    let number = body["tracking_number"].as_str().unwrap().to_string();
    assert_eq!(number.len(), 14);
    assert_eq!(body["status"], "submitted");

    let agent = server.client_as("agent", hotline_domain::Role::Agent).await;
    let list: Vec<Value> = agent
        .get(server.url("/api/v1/requests/new"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["tracking_number"], number.as_str());
    assert_eq!(list[0]["district_name"], "渭城区");
    assert_eq!(list[0]["phone"], "139****5678", "lists mask phone numbers");
    let audit = creation_audit(&server, &number).await;
    assert_eq!(audit.actor, "citizen:web");
    assert_eq!(audit.address.as_deref(), Some("127.0.0.1"));
    server.shutdown().await;
}

async fn invalid_requests_get_422_naming_each_field_and_store_nothing(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let client = reqwest::Client::new();
    let agent = server.client_as("agent", hotline_domain::Role::Agent).await;
    let before = waiting_count(&agent, &server).await;

    let cases = [
        ("content", json!("   "), "此项必填"),
        ("content", json!("字".repeat(2001)), "不能超过 2000 个字"),
        ("phone", json!("12345"), "请填写 11 位手机号"),
        ("category", json!("9999"), "请从列表中选择"),
        ("category", json!("01"), "请从列表中选择"),
        ("district", json!("610499"), "请从列表中选择"),
    ];
    for (field, value, message) in cases {
        let mut body = valid_request();
        body[field] = value;
        let response = client
            .post(server.url("/api/v1/requests"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "invalid");
        let text = error["fields"][field].as_str().unwrap_or_default();
        assert!(text.contains(message), "{field}: {text:?}");
        assert_eq!(error["fields"].as_object().unwrap().len(), 1, "{error}");
    }
    assert_eq!(waiting_count(&agent, &server).await, before);
    server.shutdown().await;
}

async fn messages_follow_accept_language(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let mut body = valid_request();
    body["phone"] = json!("");
    let error: Value = reqwest::Client::new()
        .post(server.url("/api/v1/requests"))
        .header("Accept-Language", "en-GB,en;q=0.8")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(error["fields"]["phone"], "This field is required");
    server.shutdown().await;
}

async fn malformed_json_gets_400_in_the_error_format(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/requests"))
        .header("Content-Type", "application/json")
        .body("{\"content\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"], "bad_request");
    server.shutdown().await;
}

async fn a_filed_request_is_pushed_to_open_agent_streams(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let client = reqwest::Client::new();
    let agent = server.client_as("agent", hotline_domain::Role::Agent).await;
    let response = agent
        .get(server.url("/api/v1/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut stream = response.bytes_stream();

    let sent = Instant::now();
    let filed = file_valid_request(&client, &server).await;
    let mut buffer = String::new();
    let data = tokio::time::timeout(
        Duration::from_secs(5),
        next_event(&mut stream, &mut buffer, "request_filed"),
    )
    .await
    .expect("pushed within 5 s");
    let pushed: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(pushed["tracking_number"], filed["tracking_number"]);
    assert_eq!(
        pushed["category_zh"].as_str().map(|s| !s.is_empty()),
        Some(true)
    );
    eprintln!("push latency: {:?}", sent.elapsed());
    drop(stream);
    server.shutdown().await;
}

async fn the_portal_renders_the_form_in_chinese(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let response = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("lang=\"zh-CN\""));
    assert!(html.contains("网上求助"));
    assert!(html.contains("name=\"category\""));
    assert!(html.contains("秦都区"));
    assert!(html.contains("/pkg/hotline.js"), "hydration script linked");
    server.shutdown().await;
}

async fn the_language_cookie_switches_pages_to_english(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let switch = client
        .get(server.url("/lang/en"))
        .header("Referer", server.url("/agent/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(switch.headers()["location"], "/agent/requests");
    let cookie = switch.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("lang=en;"));

    let html = client
        .get(server.url("/"))
        .header("Cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("lang=\"en\""));
    assert!(html.contains("Ask for help online"));
    server.shutdown().await;
}

async fn the_agent_page_lists_waiting_requests(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let client = reqwest::Client::new();
    let filed = file_valid_request(&client, &server).await;
    let agent = server.client_as("agent", hotline_domain::Role::Agent).await;
    let html = agent
        .get(server.url("/agent/requests"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(filed["tracking_number"].as_str().unwrap()));
    assert!(html.contains("小区东门路灯坏了一个月"));
    server.shutdown().await;
}

async fn the_form_server_function_refuses_what_the_api_refuses(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let client = reqwest::Client::new();
    let response = client
        .post(server.url("/api/fn/file_request"))
        .header("Accept", "application/json")
        .form(&[
            ("category", "0101"),
            ("content", "有事"),
            ("phone", "abc"),
            ("district", "610402"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(
        outcome["Invalid"]["phone"]["kind"], "bad_phone",
        "{outcome}"
    );
    assert_eq!(
        outcome["Invalid"]["contact_name"]["kind"], "required",
        "{outcome}"
    );
    let agent = server.client_as("agent", hotline_domain::Role::Agent).await;
    assert_eq!(waiting_count(&agent, &server).await, 0);

    let response = client
        .post(server.url("/api/fn/file_request"))
        .header("Accept", "application/json")
        .form(&[
            ("category", "0101"),
            ("content", "有事"),
            ("phone", "13800000000"),
            ("district", "610402"),
            ("anonymous", "on"),
        ])
        .send()
        .await
        .unwrap();
    let outcome: Value = response.json().await.unwrap();
    let number = outcome["Done"]["tracking_number"]
        .as_str()
        .expect("filed")
        .to_string();
    let audit = creation_audit(&server, &number).await;
    assert_eq!(
        audit.address.as_deref(),
        Some("127.0.0.1"),
        "the form's filing is audited too"
    );
    let after: Value = serde_json::from_str(audit.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["anonymous"], true);
    assert_eq!(after["contact_name"], Value::Null);
    server.shutdown().await;
}

async fn health_and_unknown_pages(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let health: Value = reqwest::get(server.url("/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert!(health["database"] == "sqlite" || health["database"] == "postgres");
    let missing = reqwest::get(server.url("/no/such/page")).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    server.shutdown().await;
}

async fn pages_are_gzipped_but_live_events_are_not(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let client = reqwest::Client::new();
    let page = client
        .get(server.url("/"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["content-encoding"], "gzip");
    let agent = server.client_as("agent", hotline_domain::Role::Agent).await;
    let events = agent
        .get(server.url("/api/v1/events"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(
        events.headers().get("content-encoding").is_none(),
        "a compressed stream would buffer pushes"
    );
    drop(events);
    server.shutdown().await;
}

async fn pages_carry_a_nonce_policy_and_everything_carries_security_headers(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let page = reqwest::get(server.url("/")).await.unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_string();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );

    // Every response gets a new nonce.
    let again = reqwest::get(server.url("/")).await.unwrap();
    assert_ne!(
        again.headers()["content-security-policy"].to_str().unwrap(),
        csp
    );

    let api = reqwest::get(server.url("/api/v1/form-options"))
        .await
        .unwrap();
    assert_eq!(
        api.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    server.shutdown().await;
}

async fn shutdown_ends_open_event_streams_and_finishes(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let response = reqwest::get(server.url("/api/v1/events")).await.unwrap();
    let mut stream = response.bytes_stream();
    let started = Instant::now();
    // `shutdown` asserts the server task ends well inside its grace period even though a
    // browser is still connected to the live stream.
    server.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(5));
    while let Some(chunk) = stream.next().await {
        if chunk.is_err() {
            break;
        }
    }
}

/// `GET /api/v1/providers/nearest` (G2): staff who send help get the nearest working
/// providers as JSON; a bad question is refused by field, others are refused. And
/// `GET /api/v1/map` (G1): a layer's counts and points, each layer to its readers.
async fn the_nearest_providers_and_the_map_over_http(db: TestDatabase) {
    use hotline_core::seed::demo::DEMO_PASSWORD;
    use hotline_core::store::NewVendor;
    let server = TestServer::start_with(
        Arc::new(db),
        support::Setup {
            demo: true,
            ..support::Setup::default()
        },
    )
    .await;
    // A vendor of our own at a known spot, offering a sub-category of 01.
    let mut load = server.hotline.store.begin_load().await.unwrap();
    let id = load
        .insert_vendor(&NewVendor {
            name: "咸阳市测试开锁服务部".into(),
            phone: "13900000077".into(),
            ..hotline_core::testing::sample_vendor(
                "",
                hotline_domain::Coordinates {
                    lon: 109.4,
                    lat: 35.2,
                },
                "active",
                &["0101".into()],
            )
        })
        .await
        .unwrap();
    load.commit().await.unwrap();
    let url = |query: &str| server.url(&format!("/api/v1/providers/nearest?{query}"));
    let near = "lon=109.401&lat=35.2&category=01&radius_m=5000";

    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let response = agent.get(url(near)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let found: Vec<Value> = response.json().await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["kind"], "vendor");
    assert_eq!(found[0]["id"], id);
    assert_eq!(found[0]["name"], "咸阳市测试开锁服务部");
    assert_eq!(found[0]["phone"], "13900000077");
    assert_eq!(found[0]["position"], json!({"lon": 109.4, "lat": 35.2}));
    // 0.001° of longitude at 35.2° N.
    assert_eq!(found[0]["distance_m"], 91);
    assert_eq!(found[0]["open_orders"], 0);
    assert_eq!(found[0]["rating"], Value::Null);
    // Only volunteers: none there.
    let none: Vec<Value> = agent
        .get(url(&format!("{near}&kinds=volunteer")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(none.is_empty());

    // A bad question names every field at fault.
    let response = agent
        .get(url("lon=east&lat=34.3&category=01&radius_m=0&kinds=robot"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = response.json().await.unwrap();
    for field in ["lon", "radius_m", "kinds"] {
        assert!(error["fields"][field].is_string(), "{field}: {error}");
    }
    assert!(error["fields"]["lat"].is_null(), "{error}");

    // The care coordinator sends help too; a department does not; nobody signed out.
    let care = server.sign_in("care", DEMO_PASSWORD).await;
    assert_eq!(
        care.get(url(near)).send().await.unwrap().status(),
        StatusCode::OK
    );
    let dept = server.sign_in("dept", DEMO_PASSWORD).await;
    assert_eq!(
        dept.get(url(near)).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let anyone = TestServer::browser();
    assert_eq!(
        anyone.get(url(near)).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // The map's layers: counts zoomed out, points up close; the elderly for the registry's
    // keepers only; a bad view by field.
    let map = |query: &str| server.url(&format!("/api/v1/map?{query}"));
    let view: Value = agent
        .get(map("layer=vendors&bbox=108.9,34.9,109.9,35.5&zoom=9"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["level"], 3);
    let ours = view["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["position"] == json!({"lon": 109.4, "lat": 35.2}))
        .expect("our vendor's square, alone in it");
    assert_eq!(ours["count"], 1);
    let view: Value = agent
        .get(map("layer=vendors&bbox=109.39,35.19,109.41,35.21&zoom=16"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["points"][0]["id"], id);
    assert_eq!(view["points"][0]["status"], "active");
    let elderly = "layer=elderly&bbox=107.0,33.5,110.0,36.0&zoom=9";
    assert_eq!(
        agent.get(map(elderly)).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let response = care.get(map(elderly)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let view: Value = response.json().await.unwrap();
    let people: u64 = view["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(people, 12, "the small demo's elderly: {view}");
    let response = care
        .get(map("layer=elderly&bbox=109,34&zoom=99"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = response.json().await.unwrap();
    assert!(error["fields"]["bbox"].is_string() && error["fields"]["zoom"].is_string());

    // Correcting where our vendor is (G3): the lead may (audited), an agent may not; a bad
    // position is refused by field and moves nothing.
    let place = server.url(&format!("/api/v1/map/vendors/{id}/position"));
    let there = json!({"lon": 109.15, "lat": 35.1});
    let lead = server.sign_in("lead", DEMO_PASSWORD).await;
    assert_eq!(
        agent
            .put(&place)
            .json(&there)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        anyone
            .put(&place)
            .json(&there)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let response = lead
        .put(&place)
        .json(&json!({"lon": 116.4}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = response.json().await.unwrap();
    assert!(error["fields"]["lon"].is_string() && error["fields"]["lat"].is_string());
    let response = lead
        .put(server.url("/api/v1/map/vendors/99999999/position"))
        .json(&there)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = lead.put(&place).json(&there).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let point: Value = response.json().await.unwrap();
    assert_eq!(
        (&point["id"], &point["name"], &point["position"]),
        (&json!(id), &json!("咸阳市测试开锁服务部"), &there)
    );
    let view: Value = agent
        .get(map("layer=vendors&bbox=109.14,35.09,109.16,35.11&zoom=16"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["points"][0]["id"], id);
    let log = server
        .hotline
        .audit_entries(&hotline_core::audit::AuditFilter {
            object_type: Some("vendor".into()),
            object_id: Some(id.to_string()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        log.iter()
            .map(|e| (e.action.as_str(), e.actor.as_str()))
            .collect::<Vec<_>>(),
        [("position.move", "user:lead")]
    );

    // The base layer, for anyone: the 14 districts with a code, a name and a label point;
    // a browser that has it gets 304.
    let response = anyone
        .get(server.url("/api/v1/map/districts"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/geo+json");
    let etag = response.headers()["etag"].clone();
    let outlines: Value = response.json().await.unwrap();
    let features = outlines["features"].as_array().unwrap();
    assert_eq!(features.len(), 14);
    assert!(features
        .iter()
        .any(|f| f["properties"]["code"] == "610402" && f["properties"]["name"] == "秦都区"));
    assert!(features
        .iter()
        .all(|f| f["properties"]["center"].is_array()));
    let again = anyone
        .get(server.url("/api/v1/map/districts"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    server.shutdown().await;
}

/// The vendor registry's JSON API (R1): a lead creates a vendor (flags as JSON booleans,
/// 201 with the record), a bad record is 422 naming each field, an edit from a stale
/// version is 409; the demo vendor's account lists only itself, cannot read another
/// vendor nor create one.
async fn the_registries_kept_by_hand_over_http(db: TestDatabase) {
    use hotline_core::seed::demo::DEMO_PASSWORD;
    let server = TestServer::start_with(
        Arc::new(db),
        support::Setup {
            demo: true,
            ..support::Setup::default()
        },
    )
    .await;
    let lead = server.sign_in("lead", DEMO_PASSWORD).await;
    let vendor = server.sign_in("vendor", DEMO_PASSWORD).await;
    let record = json!({
        "name": "咸阳市秦都区放心家政服务有限公司",
        "kind": "company",
        "franchise_type": "合作企业",
        "district": "610402",
        "street": "610402002",
        "address": "西兰路 8 号",
        "phone": "13800000088",
        "contact_name": "赵敏",
        "services": ["0101"],
        "staff_count": "6",
        "registered_capital": "300000",
        "home_care": true,
        "special_issue": false,
        "status": "active",
        "credit_grade": "A"
    });
    let response = lead
        .post(server.url("/api/v1/vendors"))
        .json(&record)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["home_care"], true);
    assert_eq!(created["special_issue"], false);
    assert_eq!(created["street_name"], "西兰路街道");
    assert_eq!(created["editable"], "All");

    let mut bad = record.clone();
    bad["name"] = json!("");
    bad["phone"] = json!("12345");
    bad["status"] = json!("closed");
    let response = lead
        .post(server.url("/api/v1/vendors"))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = response.json().await.unwrap();
    for field in ["name", "phone", "status"] {
        assert!(error["fields"][field].is_string(), "{field}: {error}");
    }

    let url = server.url(&format!("/api/v1/vendors/{id}"));
    let mut edit = record.clone();
    edit["version"] = json!("1");
    edit["credit_grade"] = json!("AA");
    let response = lead.put(&url).json(&edit).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let edited: Value = response.json().await.unwrap();
    assert_eq!(
        (&edited["credit_grade"], &edited["version"]),
        (&json!("AA"), &json!(2))
    );
    let response = lead.put(&url).json(&edit).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);

    let mine: Value = vendor
        .get(server.url("/api/v1/vendors"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["total"], 1, "{mine}");
    assert_ne!(mine["items"][0]["id"], json!(id));
    assert_eq!(
        vendor.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        vendor
            .post(server.url("/api/v1/vendors"))
            .json(&record)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    // The client register (R4), on the same demo: the demo's marked callers, masked.
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let dept = server.sign_in("dept", DEMO_PASSWORD).await;
    let marked: Value = agent
        .get(server.url("/api/v1/clients?mark=marked"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(marked["total"], 3, "{marked}");
    assert!(marked["items"][0]["phone"].as_str().unwrap().contains('*'));
    let response = agent
        .get(server.url("/api/v1/clients?mark=gold&page=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = response.json().await.unwrap();
    assert!(error["fields"]["mark"].is_string() && error["fields"]["page"].is_string());
    let client = json!({"phone": "13922223333", "name": "周先生", "vip": true, "vip_reason": ""});
    let response = lead
        .post(server.url("/api/v1/clients"))
        .json(&client)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = response.json().await.unwrap();
    assert!(error["fields"]["vip_reason"].is_string(), "{error}");
    let mut client = client;
    client["vip_reason"] = json!("全国劳动模范");
    let response = lead
        .post(server.url("/api/v1/clients"))
        .json(&client)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["marks"]["vip"], "全国劳动模范");
    assert_eq!(created["phone"], "139****3333");
    let url = server.url(&format!("/api/v1/clients/{}", created["id"]));
    let edit = json!({"name": "周建平", "vip": true, "vip_reason": "全国劳动模范",
        "important": true, "important_reason": "想加", "version": "1"});
    assert_eq!(
        agent.put(&url).json(&edit).send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "an agent does not mark"
    );
    let edit = json!({"name": "周建平", "note": "耳背，说话请大声", "version": "1"});
    let response = agent.put(&url).json(&edit).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let edited: Value = response.json().await.unwrap();
    assert_eq!(
        (&edited["name"], &edited["marks"]["vip"], &edited["version"]),
        (&json!("周建平"), &json!("全国劳动模范"), &json!(2))
    );
    assert_eq!(
        agent.put(&url).json(&edit).send().await.unwrap().status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        dept.get(server.url("/api/v1/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    // Skilled individuals and volunteers (R2): the demo's, and one the lead adds.
    let volunteers: Value = agent
        .get(server.url("/api/v1/providers?kind=volunteer&per_page=5"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(volunteers["total"].as_u64().unwrap() >= 1, "{volunteers}");
    assert!(volunteers["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["kind"] == "volunteer" && p["service_mode"] == "free"));
    let person = json!({"name": "钱师傅", "kind": "skilled", "service_mode": "paid",
        "support_system": "market", "district": "610402", "phone": "13955550000",
        "skill": "0101", "status": "active"});
    assert_eq!(
        agent
            .post(server.url("/api/v1/providers"))
            .json(&person)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let mut bad = person.clone();
    bad["kind"] = json!("volunteer");
    bad["skill"] = json!("");
    let response = lead
        .post(server.url("/api/v1/providers"))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = response.json().await.unwrap();
    assert!(error["fields"]["service_mode"].is_string() && error["fields"]["skill"].is_string());
    let response = lead
        .post(server.url("/api/v1/providers"))
        .json(&person)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        (&created["version"], &created["editable"]),
        (&json!(1), &json!(true))
    );
    let url = server.url(&format!("/api/v1/providers/{}", created["id"]));
    let mut edit = person.clone();
    edit["status"] = json!("left");
    edit["version"] = json!("1");
    let response = lead.put(&url).json(&edit).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "left");
    assert_eq!(
        lead.put(&url).json(&edit).send().await.unwrap().status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        dept.get(&url).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    server.shutdown().await;
}

hotline_core::on_both_backends!(
    the_registries_kept_by_hand_over_http,
    the_nearest_providers_and_the_map_over_http,
    filing_returns_201_with_a_tracking_number,
    invalid_requests_get_422_naming_each_field_and_store_nothing,
    messages_follow_accept_language,
    malformed_json_gets_400_in_the_error_format,
    a_filed_request_is_pushed_to_open_agent_streams,
    the_portal_renders_the_form_in_chinese,
    the_language_cookie_switches_pages_to_english,
    the_agent_page_lists_waiting_requests,
    the_form_server_function_refuses_what_the_api_refuses,
    health_and_unknown_pages,
    pages_are_gzipped_but_live_events_are_not,
    pages_carry_a_nonce_policy_and_everything_carries_security_headers,
    shutdown_ends_open_event_streams_and_finishes,
);

/// Several server instances on one PostgreSQL database: a request filed through one
/// instance reaches agents connected to another (LISTEN/NOTIFY fan-out).
#[test]
fn postgres_events_fan_out_across_instances() {
    hotline_core::testing::Watchdog::run(
        "postgres_events_fan_out_across_instances",
        events_fan_out_across_instances(),
    );
}

async fn events_fan_out_across_instances() {
    let db = Arc::new(TestDatabase::postgres().await);
    let a = TestServer::start(db.clone()).await;
    let b = TestServer::start(db.clone()).await;
    let client = reqwest::Client::new();
    // Sessions live in the shared database: one sign-in is valid on both instances.
    let agent = a.client_as("agent", hotline_domain::Role::Agent).await;
    let mut stream_a = agent
        .get(a.url("/api/v1/events"))
        .send()
        .await
        .unwrap()
        .bytes_stream();
    let mut stream_b = agent
        .get(b.url("/api/v1/events"))
        .send()
        .await
        .unwrap()
        .bytes_stream();

    let filed = file_valid_request(&client, &b).await;
    for stream in [&mut stream_a, &mut stream_b] {
        let mut buffer = String::new();
        let data = tokio::time::timeout(
            Duration::from_secs(5),
            next_event(stream, &mut buffer, "request_filed"),
        )
        .await
        .expect("event reaches every instance");
        let pushed: Value = serde_json::from_str(&data).unwrap();
        assert_eq!(pushed["tracking_number"], filed["tracking_number"]);
    }
    drop((stream_a, stream_b));
    a.shutdown().await;
    b.shutdown().await;
}

/// The front end as a release build leaves it: hashed names, and a brotli and a gzip copy of
/// each file written at build time. The copies are sent as they are (the bytes of the `.br`
/// file, not a fresh compression), hashed files are kept a year, pages never.
#[test]
fn sqlite_the_front_end_is_served_precompressed_and_kept_a_year() {
    hotline_core::testing::Watchdog::run(
        "sqlite_the_front_end_is_served_precompressed_and_kept_a_year",
        the_front_end_is_served_precompressed_and_kept_a_year(),
    );
}

async fn the_front_end_is_served_precompressed_and_kept_a_year() {
    use hotline_server::http::assets as assets_cache;
    use support::Setup;
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm = "hotline.0f1e2d3c4b5a6978.wasm";
    let plain = [b"\0asm\x01\0\0\0".as_slice(), &[7u8; 4096]].concat();
    std::fs::write(pkg.join(wasm), &plain).unwrap();
    // Stand-ins for the build's copies: if the server compressed on the fly, the bodies
    // would differ from these.
    std::fs::write(pkg.join(format!("{wasm}.br")), b"brotli copy").unwrap();
    std::fs::write(pkg.join(format!("{wasm}.gz")), b"gzip copy").unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg/>").unwrap();
    // As cargo-leptos writes it beside the server binary.
    let hash_file = site.path().join("hash.txt");
    std::fs::write(
        &hash_file,
        "js: 1a2b3c4d5e6f7081\nwasm: 0f1e2d3c4b5a6978\ncss: 99aa88bb77cc66dd\n",
    )
    .unwrap();
    let server = TestServer::start_with(
        Arc::new(TestDatabase::sqlite()),
        Setup {
            site_root: Some(site.path().to_path_buf()),
            hash_file: Some(hash_file),
            ..Setup::default()
        },
    )
    .await;
    let client = reqwest::Client::new();
    let get = |path: String, encoding: Option<&'static str>| {
        let mut request = client.get(server.url(&path));
        if let Some(encoding) = encoding {
            request = request.header("Accept-Encoding", encoding);
        }
        request.send()
    };
    for (accept, encoding, body) in [
        (Some("br, gzip"), Some("br"), b"brotli copy".to_vec()),
        (Some("gzip"), Some("gzip"), b"gzip copy".to_vec()),
        (None, None, plain.clone()),
    ] {
        let response = get(format!("/pkg/{wasm}"), accept).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{accept:?}");
        let headers = response.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(headers["cache-control"], assets_cache::IMMUTABLE);
        assert_eq!(response.bytes().await.unwrap().as_ref(), body.as_slice());
    }
    let missing = get("/pkg/hotline.0000.js".into(), Some("gzip"))
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_ne!(
        missing
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some(assets_cache::IMMUTABLE)
    );
    let icon = get("/favicon.svg".into(), None).await.unwrap();
    assert_eq!(icon.headers()["cache-control"], assets_cache::OTHER_FILE);
    // Pages change with every step and carry the reader's data: never kept. They link the
    // hashed files.
    let page = get("/".into(), None).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], assets_cache::PAGE);
    let html = page.text().await.unwrap();
    for linked in [
        "/pkg/hotline.99aa88bb77cc66dd.css",
        "/pkg/hotline.1a2b3c4d5e6f7081.js",
        "/pkg/hotline.0f1e2d3c4b5a6978.wasm",
    ] {
        assert!(html.contains(linked), "{linked}");
    }
    server.shutdown().await;
}
