//! The centre's desk work over real HTTP, on both backends: linking cases about one matter
//! (SPEC W8), the calls and recording on a case registered from a call (I3), and the shift
//! handover from one lead to the next (A5).

use crate::support;

use std::sync::Arc;

use hotline_core::audit::AuditFilter;
use hotline_core::seed::demo::DEMO_PASSWORD;
use hotline_core::testing::TestDatabase;
use hotline_domain::Role;
use hotline_server::http::access::WebConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{Setup, TestServer};

const SECRET: &str = "desk-test-secret";

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(client: &reqwest::Client, server: &TestServer, path: &str) -> Value {
    let (status, body) = send(client.get(server.url(path))).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn audit_actions(server: &TestServer, object_type: &str, object_id: &str) -> Vec<String> {
    server
        .hotline
        .audit_entries(&AuditFilter {
            object_type: Some(object_type.into()),
            object_id: Some(object_id.into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn demo_server(db: TestDatabase) -> TestServer {
    TestServer::start_with(
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
    .await
}

async fn linking_cases_about_one_matter(db: TestDatabase) {
    let server = demo_server(db).await;
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let cases = get(&agent, &server, "/api/v1/cases?limit=3").await;
    let number = |i: usize| cases[i]["tracking_number"].as_str().unwrap().to_string();
    let (a, b, c) = (number(0), number(1), number(2));
    let link = |this: &str, body: Value| {
        agent
            .post(server.url(&format!("/api/v1/cases/{this}/links")))
            .json(&body)
    };

    // Bad input is refused by field and stores nothing.
    for (body, problem) in [
        (json!({"other": ""}), "required"),
        (json!({"other": "2026"}), "tracking number"),
        (json!({"other": a}), "itself"),
        (json!({"other": "20000101999999"}), "unknown"),
    ] {
        let (status, answer) = send(link(&a, body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert!(answer["fields"]["other"].is_string(), "{problem}: {answer}");
    }
    let (status, _) = send(link("20000101999999", json!({"other": b}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let detail = get(&agent, &server, &format!("/api/v1/cases/{a}")).await;
    assert_eq!(detail["links"], json!([]));

    // Linked: seen from both sides, with the note, an event on each, audited once.
    let (status, links) = send(link(&a, json!({"other": b, "note": "同一工地，重复来电"}))).await;
    assert_eq!(status, StatusCode::OK, "{links}");
    assert_eq!(links.as_array().unwrap().len(), 1);
    assert_eq!(links[0]["tracking_number"], b.as_str());
    assert_eq!(links[0]["note"], "同一工地，重复来电");
    assert_eq!(links[0]["linked_by"], "user:agent");
    let from_b = get(&agent, &server, &format!("/api/v1/cases/{b}")).await;
    assert_eq!(from_b["links"][0]["tracking_number"], a.as_str());
    let events = |detail: &Value, kind: &str| {
        detail["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == kind)
            .count()
    };
    assert_eq!(events(&from_b, "link"), 1);
    // Again, or from the other side: nothing changes.
    let (status, links) = send(link(&b, json!({"other": a}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(links.as_array().unwrap().len(), 1);
    let from_a = get(&agent, &server, &format!("/api/v1/cases/{a}")).await;
    assert_eq!(events(&from_a, "link"), 1, "a repeat link adds no event");
    let audited = audit_actions(&server, "case", &a).await;
    assert_eq!(audited.iter().filter(|a| *a == "case_link").count(), 1);
    // A case may have several links.
    let (_, links) = send(link(&a, json!({"other": c}))).await;
    assert_eq!(links.as_array().unwrap().len(), 2);

    // Department staff neither link nor see the links; a coordinator has no case desk.
    let dept = server.sign_in("dept", DEMO_PASSWORD).await;
    let (status, _) = send(
        dept.post(server.url(&format!("/api/v1/cases/{a}/links")))
            .json(&json!({"other": b})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Unlinked: gone from both sides, once.
    let unlink = |this: &str, other: &str| {
        agent.delete(server.url(&format!("/api/v1/cases/{this}/links/{other}")))
    };
    let (status, links) = send(unlink(&b, &a)).await;
    assert_eq!(status, StatusCode::OK, "{links}");
    assert_eq!(links, json!([]));
    let from_a = get(&agent, &server, &format!("/api/v1/cases/{a}")).await;
    assert_eq!(from_a["links"].as_array().unwrap().len(), 1);
    assert_eq!(from_a["links"][0]["tracking_number"], c.as_str());
    assert_eq!(events(&from_a, "unlink"), 1);
    let (status, _) = send(unlink(&b, &a)).await;
    assert_eq!(status, StatusCode::OK, "unlinking twice changes nothing");
    let from_a = get(&agent, &server, &format!("/api/v1/cases/{a}")).await;
    assert_eq!(events(&from_a, "unlink"), 1);
    let (status, _) = send(unlink(&a, "garbage")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.shutdown().await;
}

async fn post_event(server: &TestServer, body: Value) {
    let (status, answer) = server.post_call_event(&body, SECRET, 0).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn a_case_from_a_call_keeps_the_call_and_its_link(db: TestDatabase) {
    let server = demo_server(db).await;
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let earlier = get(&agent, &server, "/api/v1/cases?limit=1").await[0]["tracking_number"]
        .as_str()
        .unwrap()
        .to_string();
    let now = || chrono::Utc::now().to_rfc3339();
    post_event(
        &server,
        json!({"event_id": "r1", "kind": "ringing", "call_id": "call-9",
        "caller": "13700001111", "agent": "agent", "at": now()}),
    )
    .await;
    post_event(
        &server,
        json!({"event_id": "a1", "kind": "answered", "call_id": "call-9",
        "agent": "agent", "at": now()}),
    )
    .await;

    let register = |body: Value| {
        agent
            .post(server.url("/api/v1/calls/call-9/case"))
            .json(&body)
    };
    let base = json!({"case_type": "G", "category": "0601", "content": "又来反映工地拖欠工资",
        "contact_name": "周先生", "district": "610402"});
    // The earlier case must exist; nothing is filed otherwise.
    for bad in ["12", "20000101999999"] {
        let mut body = base.clone();
        body["link_to"] = json!(bad);
        let (status, answer) = send(register(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["fields"]["link_to"].is_string(), "{answer}");
    }
    let mut body = base.clone();
    body["link_to"] = json!(earlier);
    let (status, answer) = send(register(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let n = answer["tracking_number"].as_str().unwrap().to_string();

    post_event(
        &server,
        json!({"event_id": "e1", "kind": "ended", "call_id": "call-9",
        "at": now()}),
    )
    .await;
    post_event(
        &server,
        json!({"event_id": "rec1", "kind": "recording", "call_id": "call-9",
        "at": now(), "recording_url": "https://pbx.example.cn/rec/call-9.wav"}),
    )
    .await;
    let detail = get(&agent, &server, &format!("/api/v1/cases/{n}")).await;
    assert_eq!(detail["links"][0]["tracking_number"], earlier.as_str());
    let calls = detail["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "{detail}");
    assert_eq!(calls[0]["call_id"], "call-9");
    assert_eq!(calls[0]["agent"], "agent");
    assert_eq!(
        calls[0]["recording_url"],
        "https://pbx.example.cn/rec/call-9.wav"
    );
    assert!(calls[0]["ended_at"].is_string());
    let history = get(&agent, &server, "/api/v1/calls/call-9/card").await;
    let from_this_call = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["content"] == "又来反映工地拖欠工资")
        .count();
    assert_eq!(from_this_call, 1, "the refused registrations filed nothing");
    server.shutdown().await;
}

async fn a_lead_hands_the_shift_to_the_next(db: TestDatabase) {
    let server = demo_server(db).await;
    let lead = server.sign_in("lead", DEMO_PASSWORD).await;
    let next = server.client_as("chen", Role::ShiftLead).await;
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;

    // Agents do not hand over; a lead's draft lists the open items once each.
    let (status, _) = send(agent.get(server.url("/api/v1/handovers/draft"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let draft = get(&lead, &server, "/api/v1/handovers/draft").await;
    let items = draft["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the demo has open work: {draft}");
    let numbers: Vec<&str> = items
        .iter()
        .filter_map(|i| i["tracking_number"].as_str())
        .collect();
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        numbers.len(),
        "each case once, with all its reasons"
    );
    let red: Vec<&Value> = items
        .iter()
        .filter(|i| i["reasons"].as_array().unwrap().contains(&json!("red")))
        .collect();
    assert!(
        !red.is_empty(),
        "the demo has cases in hand past the red limit"
    );
    assert_eq!(red.len() as i64, draft["red_open"].as_i64().unwrap());
    // Done cases have no running limit, so no light: nobody's open item any more. A red
    // case is one still in hand: with a department, or awaiting its callback.
    for item in items {
        let status = item["status"].as_str().unwrap_or("missed call");
        assert!(!matches!(status, "archived" | "called_back"), "{item}");
    }
    for item in &red {
        assert!(
            matches!(
                item["status"].as_str().unwrap(),
                "dispatched" | "confirmed" | "returned" | "fed_back" | "handled" | "classified"
            ),
            "{item}"
        );
    }
    assert!(draft["shift_start"].is_string() && draft["received"].is_i64());

    // The note is required.
    let (status, answer) = send(
        lead.post(server.url("/api/v1/handovers"))
            .json(&json!({"note": "  "})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["fields"]["note"].is_string());
    assert_eq!(get(&lead, &server, "/api/v1/handovers").await, json!([]));

    let (status, handover) = send(
        lead.post(server.url("/api/v1/handovers"))
            .json(&json!({"note": "秦都区两件红灯案件已电话督办，早班请跟进回访。"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{handover}");
    let id = handover["id"].as_i64().unwrap();
    assert_eq!(handover["created_by"], "lead");
    assert_eq!(handover["acknowledged_at"], Value::Null);
    assert_eq!(
        handover["report"]["items"].as_array().unwrap().len(),
        items.len()
    );
    // The next shift starts at the handover.
    let draft = get(&next, &server, "/api/v1/handovers/draft").await;
    assert_eq!(draft["shift_start"], handover["created_at"]);

    // The lead cannot acknowledge their own; the next lead does, once.
    let ack = |c: &reqwest::Client, body: Value| {
        c.post(server.url(&format!("/api/v1/handovers/{id}/ack")))
            .json(&body)
    };
    assert_eq!(send(ack(&lead, json!({}))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(send(ack(&agent, json!({}))).await.0, StatusCode::FORBIDDEN);
    let (status, acked) = send(ack(&next, json!({"note": "收到，已核对。"}))).await;
    assert_eq!(status, StatusCode::OK, "{acked}");
    assert_eq!(acked["acknowledged_by"], "chen");
    assert_eq!(acked["ack_note"], "收到，已核对。");
    let third = server.client_as("zhou", Role::ShiftLead).await;
    let (status, answer) = send(ack(&third, json!({}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(
        get(&lead, &server, &format!("/api/v1/handovers/{id}")).await["acknowledged_by"],
        "chen"
    );
    let (status, _) = send(next.get(server.url("/api/v1/handovers/999999"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(ack(&next, json!({"note": 5}))).await;
    assert!(status.is_client_error());

    let list = get(&next, &server, "/api/v1/handovers").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        audit_actions(&server, "handover", &id.to_string()).await,
        vec!["handover_acknowledge", "handover"]
    );
    server.shutdown().await;
}

hotline_core::on_both_backends!(
    linking_cases_about_one_matter,
    a_case_from_a_call_keeps_the_call_and_its_link,
    a_lead_hands_the_shift_to_the_next
);
