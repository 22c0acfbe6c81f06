//! The telephone system's webhook over real HTTP (SPEC I3, A1): HMAC signatures, the
//! replay window, idempotent event ids, validation by field, and the caller card the
//! ringing agent's screen pops (badges, history), on both backends.

use crate::support;

use std::sync::Arc;

use hotline_core::seed::demo::DEMO_PASSWORD;
use hotline_core::testing::TestDatabase;
use hotline_server::http::access::WebConfig;
use hotline_server::http::telephony::sign;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{Setup, SseReader, TestServer};

const SECRET: &str = "test-telephony-secret";

async fn post_signed(
    server: &TestServer,
    body: &Value,
    secret: &str,
    skew: i64,
) -> (StatusCode, Value) {
    server.post_call_event(body, secret, skew).await
}

fn ringing(event_id: &str, call_id: &str, caller: &str) -> Value {
    json!({
        "event_id": event_id, "kind": "ringing", "call_id": call_id, "caller": caller,
        "agent": "agent", "at": chrono::Utc::now().to_rfc3339(),
    })
}

/// The next `incoming_call` on an agent's event stream: its call id.
async fn next_call(
    stream: &mut SseReader<impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin>,
) -> String {
    let event = stream.next("incoming_call", |_| true).await;
    event.data["call_id"].as_str().unwrap().to_string()
}

async fn calls_from_the_telephone_system(db: TestDatabase) {
    let server = TestServer::start_with(
        Arc::new(db),
        Setup {
            demo: true,
            web: WebConfig {
                telephony_secret: Some(SECRET.into()),
                ..Setup::default().web
            },
            ..Setup::default()
        },
    )
    .await;
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let stream = agent
        .get(server.url("/api/v1/events"))
        .send()
        .await
        .unwrap()
        .bytes_stream();
    let mut stream = SseReader::new(stream);
    // The demo marks the caller of the oldest case as a VIP.
    let vip = server.hotline.store.case_phones(1).await.unwrap()[0].clone();

    // Unsigned, wrongly signed, or signed too long ago: refused, nothing stored.
    let body = ringing("evt-1", "call-1", &vip);
    let response = TestServer::browser()
        .post(server.url("/api/v1/telephony/events"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = post_signed(&server, &body, "not-the-secret", 0).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post_signed(&server, &body, SECRET, 301).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(server.hotline.store.call("call-1").await.unwrap().is_none());

    // Signed: stored, and the agent's screen is told.
    let (status, answer) = post_signed(&server, &body, SECRET, 0).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "stored");
    assert_eq!(next_call(&mut stream).await, "call-1");

    // The same event again (the telephone system retried): nothing changes, no second pop.
    let (status, answer) = post_signed(&server, &body, SECRET, 0).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["status"], "duplicate");
    let (status, _) =
        post_signed(&server, &ringing("evt-2", "call-2", "anonymous"), SECRET, 0).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        next_call(&mut stream).await,
        "call-2",
        "no second pop for a replay"
    );

    // The caller card: masked number, the VIP badge, earlier cases from this number.
    let card: Value = agent
        .get(server.url("/api/v1/calls/call-1/card"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(card["phone"].as_str().unwrap().contains('*'), "{card}");
    assert_eq!(card["badges"], json!(["vip"]));
    assert!(!card["history"].as_array().unwrap().is_empty());
    let withheld: Value = agent
        .get(server.url("/api/v1/calls/call-2/card"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(withheld["phone"], Value::Null);
    assert_eq!(withheld["history"], json!([]));

    // A one-key phone of the elderly registry is marked as such.
    let mut registered = None;
    for id in 1..200 {
        let Some(e) = server.hotline.store.elderly(id).await.unwrap() else {
            continue;
        };
        if let Some(phone) = e.summary.onekey_phone {
            registered = Some((id, phone));
            break;
        }
    }
    let (elderly_id, onekey) = registered.expect("a demo elder with a one-key phone");
    post_signed(&server, &ringing("evt-3", "call-3", &onekey), SECRET, 0).await;
    let card: Value = agent
        .get(server.url("/api/v1/calls/call-3/card"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(card["badges"], json!(["elderly", "one_key"]), "{card}");
    assert_eq!(card["elderly_id"], elderly_id);

    // The agent registers the call (A2): checked by field first, nothing written on error.
    let history_len = |call: &'static str| {
        let agent = agent.clone();
        let url = server.url(&format!("/api/v1/calls/{call}/card"));
        async move {
            let card: Value = agent.get(url).send().await.unwrap().json().await.unwrap();
            card["history"].as_array().unwrap().len()
        }
    };
    let before = history_len("call-1").await;
    let register = |body: Value, call: &str| {
        agent
            .post(server.url(&format!("/api/v1/calls/{call}/case")))
            .json(&body)
            .send()
    };
    let response = register(json!({"category": "9999", "content": ""}), "call-1")
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    for field in ["case_type", "content"] {
        assert!(answer["fields"][field].is_string(), "{field}: {answer}");
    }
    let response = register(
        json!({"case_type": "G", "category": "9999", "content": "噪音扰民", "district": "610402"}),
        "call-1",
    )
    .await
    .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown category"
    );
    assert_eq!(history_len("call-1").await, before);
    // A complaint: filed on the phone channel with the caller's number, accepted, classified.
    let response = register(
        json!({"case_type": "G", "category": "0601", "content": "工地拖欠工资两个月",
               "contact_name": "周先生", "district": "610402", "address": "人民路 1 号"}),
        "call-1",
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let n = response.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_string();
    let case: Value = agent
        .get(server.url(&format!("/api/v1/cases/{n}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(case["item"]["status"], "classified");
    assert_eq!(case["item"]["channel"], "phone");
    assert_eq!(case["item"]["case_type"], "complaint");
    // A consultation with a reply is answered and closed in one step.
    let response = register(
        json!({"case_type": "A", "category": "0601", "content": "请问失业保险金怎么申领，需要什么材料",
               "district": "610402", "contact_name": "吴女士",
               "reply": "可在人社局网上办事大厅申领。"}),
        "call-1",
    )
    .await
    .unwrap();
    let status = response.status();
    let response = {
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    };
    let n = response["tracking_number"].as_str().unwrap().to_string();
    let case: Value = agent
        .get(server.url(&format!("/api/v1/cases/{n}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(case["item"]["status"], "archived", "{case}");
    // A withheld number needs the callback number the caller gives.
    let response = register(
        json!({"case_type": "G", "category": "0601", "content": "拖欠工资", "district": "610402"}),
        "call-2",
    )
    .await
    .unwrap();
    let answer: Value = response.json().await.unwrap();
    assert!(answer["fields"]["phone"].is_string(), "{answer}");

    // Leads see any card; department staff none; unknown calls are 404.
    let lead = server.sign_in("lead", DEMO_PASSWORD).await;
    let status = |c: &reqwest::Client, path: &str| {
        let c = c.clone();
        let url = server.url(path);
        async move { c.get(url).send().await.unwrap().status() }
    };
    assert_eq!(
        status(&lead, "/api/v1/calls/call-1/card").await,
        StatusCode::OK
    );
    let dept = server.sign_in("dept", DEMO_PASSWORD).await;
    assert_eq!(
        status(&dept, "/api/v1/calls/call-1/card").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(&agent, "/api/v1/calls/nope/card").await,
        StatusCode::NOT_FOUND
    );

    // A call nobody answered is recorded as missed; answered-then-missed is not.
    post_signed(&server, &ringing("evt-4", "call-4", &vip), SECRET, 0).await;
    let missed = json!({"event_id": "evt-5", "kind": "missed", "call_id": "call-4",
        "caller": vip, "at": chrono::Utc::now().to_rfc3339()});
    assert_eq!(
        post_signed(&server, &missed, SECRET, 0).await.0,
        StatusCode::OK
    );
    let call = server.hotline.store.call("call-4").await.unwrap().unwrap();
    assert!(call.missed);
    assert_eq!(call.state, "missed");
    let answered = json!({"event_id": "evt-6", "kind": "answered", "call_id": "call-1",
        "agent": "agent", "at": chrono::Utc::now().to_rfc3339()});
    post_signed(&server, &answered, SECRET, 0).await;
    let ended = json!({"event_id": "evt-7", "kind": "ended", "call_id": "call-1",
        "at": chrono::Utc::now().to_rfc3339()});
    post_signed(&server, &ended, SECRET, 0).await;
    let call = server.hotline.store.call("call-1").await.unwrap().unwrap();
    assert_eq!((call.state.as_str(), call.missed), ("ended", false));

    // Bad fields are named; a body that is not JSON is a 400.
    let (status, answer) = post_signed(
        &server,
        &json!({"event_id": "x y", "kind": "dialing", "call_id": "", "caller": "12", "at": "now"}),
        SECRET,
        0,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["event_id", "kind", "call_id", "caller", "at"] {
        assert!(answer["fields"][field].is_string(), "{field}: {answer}");
    }
    let timestamp = chrono::Utc::now().timestamp();
    let response = TestServer::browser()
        .post(server.url("/api/v1/telephony/events"))
        .header("X-Hotline-Timestamp", timestamp.to_string())
        .header("X-Hotline-Signature", sign(SECRET, timestamp, b"{oops"))
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}

async fn without_a_secret_the_webhook_is_closed(db: TestDatabase) {
    let server = TestServer::start(Arc::new(db)).await;
    let (status, answer) = post_signed(&server, &ringing("e", "c", ""), SECRET, 0).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer["error"], "telephony_not_configured");
    server.shutdown().await;
}

async fn missed_calls_go_in_turn_to_idle_agents(db: TestDatabase) {
    let server = TestServer::start_with(
        Arc::new(db),
        Setup {
            web: WebConfig {
                telephony_secret: Some(SECRET.into()),
                ..Setup::default().web
            },
            ..Setup::default()
        },
    )
    .await;
    let wang = server.client_as("wang", hotline_domain::Role::Agent).await;
    let li = server.client_as("li", hotline_domain::Role::Agent).await;
    let zhao = server.client_as("zhao", hotline_domain::Role::Agent).await;
    let lead = server
        .client_as("chen", hotline_domain::Role::ShiftLead)
        .await;
    let set = |c: &reqwest::Client, status: &str| {
        c.put(server.url("/api/v1/agents/me/status"))
            .json(&json!({ "status": status }))
            .send()
    };
    assert_eq!(set(&wang, "idle").await.unwrap().status(), StatusCode::OK);
    assert_eq!(set(&li, "idle").await.unwrap().status(), StatusCode::OK);
    assert_eq!(set(&zhao, "away").await.unwrap().status(), StatusCode::OK);
    let response = set(&wang, "asleep").await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["status"].is_string());

    let miss = |n: usize| {
        json!({"event_id": format!("miss-{n}"), "kind": "missed", "call_id": format!("m-{n}"),
               "caller": "13912340000", "at": chrono::Utc::now().to_rfc3339()})
    };
    let mine = |c: &reqwest::Client| {
        let c = c.clone();
        let url = server.url("/api/v1/missed-calls");
        async move {
            let list: Value = c.get(url).send().await.unwrap().json().await.unwrap();
            list.as_array()
                .unwrap()
                .iter()
                .map(|m| m["call_id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    // Four misses: in turn to the two idle agents, never to the one away.
    for n in 1..=4 {
        assert_eq!(
            post_signed(&server, &miss(n), SECRET, 0).await.0,
            StatusCode::OK
        );
    }
    let (w, l) = (mine(&wang).await, mine(&li).await);
    assert_eq!(w.len(), 2, "{w:?} {l:?}");
    assert_eq!(l.len(), 2, "{w:?} {l:?}");
    assert!(mine(&zhao).await.is_empty());
    // The lead sees all four, with masked numbers, and sees who is idle or away.
    let all: Value = lead
        .get(server.url("/api/v1/missed-calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 4);
    assert!(all[0]["phone"].as_str().unwrap().contains('*'));
    let agents: Value = lead
        .get(server.url("/api/v1/agents"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(agents.as_array().unwrap().len(), 3, "{agents}");
    assert_eq!(
        wang.get(server.url("/api/v1/agents"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    // On a call an agent is busy and gets none; the call over, idle again.
    let answered = json!({"event_id": "a-1", "kind": "answered", "call_id": "c-1",
        "caller": "13912340001", "agent": "wang", "at": chrono::Utc::now().to_rfc3339()});
    post_signed(&server, &answered, SECRET, 0).await;
    post_signed(&server, &miss(5), SECRET, 0).await;
    assert_eq!(mine(&li).await.len(), 3, "li got the fifth: wang is busy");
    let ended = json!({"event_id": "e-1", "kind": "ended", "call_id": "c-1",
        "agent": "wang", "at": chrono::Utc::now().to_rfc3339()});
    post_signed(&server, &ended, SECRET, 0).await;
    post_signed(&server, &miss(6), SECRET, 0).await;
    assert_eq!(
        mine(&wang).await.len(),
        3,
        "wang idle again and next in turn"
    );

    // The lead gives one of wang's to zhao; an unknown agent is refused by field.
    let first = mine(&wang).await[0].clone();
    let assign = |agent: &str, call: &str| {
        lead.post(server.url(&format!("/api/v1/missed-calls/{call}/assign")))
            .json(&json!({ "agent": agent }))
            .send()
    };
    assert_eq!(
        assign("nobody", &first).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        assign("zhao", &first).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(mine(&zhao).await, vec![first.clone()]);
    assert_eq!(
        assign("zhao", "m-404").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // Called back: gone from the list; another agent's call cannot be closed by wang.
    let done = |c: &reqwest::Client, call: &str| {
        c.post(server.url(&format!("/api/v1/missed-calls/{call}/done")))
            .send()
    };
    let lis = mine(&li).await;
    assert_eq!(
        done(&wang, &lis[0]).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        done(&li, &lis[0]).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(mine(&li).await.len(), lis.len() - 1);
    assert_eq!(
        done(&li, &lis[0]).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    server.shutdown().await;
}

async fn missed_calls_go_only_to_agents_at_their_desk(db: TestDatabase) {
    let start = chrono::Utc::now();
    let clock = Arc::new(hotline_core::FixedClock::new(start));
    let server = TestServer::start_with(
        Arc::new(db),
        Setup {
            clock: clock.clone(),
            web: WebConfig {
                telephony_secret: Some(SECRET.into()),
                ..Setup::default().web
            },
            ..Setup::default()
        },
    )
    .await;
    let wang = server.client_as("wang", hotline_domain::Role::Agent).await;
    let lead = server
        .client_as("chen", hotline_domain::Role::ShiftLead)
        .await;
    let idle = wang
        .put(server.url("/api/v1/agents/me/status"))
        .json(&json!({ "status": "idle" }))
        .send()
        .await
        .unwrap();
    assert_eq!(idle.status(), StatusCode::OK);
    let get = |c: &reqwest::Client, path: &str| {
        let c = c.clone();
        let url = server.url(path);
        async move {
            c.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let online = |board: &Value| board[0]["online"].as_bool().unwrap();
    assert!(online(&get(&lead, "/api/v1/agents").await));
    let miss = |n: usize| {
        json!({"event_id": format!("gone-{n}"), "kind": "missed", "call_id": format!("g-{n}"),
               "caller": "13912340000", "at": chrono::Utc::now().to_rfc3339()})
    };

    // Two minutes later with no desk open: still "idle", but offline, and handed nothing.
    clock.set(start + chrono::Duration::seconds(120));
    assert!(!online(&get(&lead, "/api/v1/agents").await));
    assert_eq!(
        post_signed(&server, &miss(1), SECRET, 0).await.0,
        StatusCode::OK
    );
    assert_eq!(get(&wang, "/api/v1/missed-calls").await, json!([]));
    let all = get(&lead, "/api/v1/missed-calls").await;
    assert_eq!(
        all[0]["assigned_to"],
        Value::Null,
        "it waits for a lead: {all}"
    );

    // The desk opens (its event stream): online again, and the next missed call is theirs.
    let _desk = wang.get(server.url("/api/v1/events")).send().await.unwrap();
    assert!(online(&get(&lead, "/api/v1/agents").await));
    assert_eq!(
        post_signed(&server, &miss(2), SECRET, 0).await.0,
        StatusCode::OK
    );
    let mine = get(&wang, "/api/v1/missed-calls").await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["call_id"], "g-2");
    server.shutdown().await;
}

hotline_core::on_both_backends!(
    missed_calls_go_only_to_agents_at_their_desk,
    missed_calls_go_in_turn_to_idle_agents,
    calls_from_the_telephone_system,
    without_a_secret_the_webhook_is_closed
);
