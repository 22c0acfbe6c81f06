//! The case flow over real HTTP: steps as JSON, their status codes (200, 409 for an
//! illegal step, 422 by field, 401/403/404), cross-site refusal, counters, the SMS outbox and
//! the live notice a department receives.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use hotline_core::seed::demo::DEMO_PASSWORD;
use hotline_core::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{Setup, TestServer};

async fn step(
    client: &reqwest::Client,
    server: &TestServer,
    number: &str,
    body: Value,
) -> (StatusCode, Value) {
    let response = client
        .post(server.url(&format!("/api/v1/cases/{number}/actions")))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_complaint_over_http(db: TestDatabase) {
    let server = TestServer::start_with(
        Arc::new(db),
        Setup {
            demo: true,
            ..Setup::default()
        },
    )
    .await;
    let citizen = TestServer::browser();
    let filed: Value = citizen
        .post(server.url("/api/v1/requests"))
        .json(&json!({
            "category": "0101", "content": "楼道灯坏了", "contact_name": "李先生",
            "phone": "13912345678", "district": "610404", "address": "渭阳西路 8 号",
            "anonymous": false
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let n = filed["tracking_number"].as_str().unwrap().to_string();

    // Nobody signed in: 401. A coordinator has no case list: 403.
    let (status, _) = step(&citizen, &server, &n, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let care = server.sign_in("care", DEMO_PASSWORD).await;
    let (status, _) = step(&care, &server, &n, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let dept = server.sign_in("dept", DEMO_PASSWORD).await;
    let me: Value = dept
        .get(server.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let department = me["department_id"].as_i64().unwrap();
    // The department listens for its notices.
    let mut events = dept
        .get(server.url("/api/v1/events"))
        .send()
        .await
        .unwrap()
        .bytes_stream();

    let (status, body) = step(&agent, &server, &n, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["item"]["status"], "accepted");
    // Malformed and illegal steps.
    let (status, _) = step(&agent, &server, &n, json!({"action": "teleport"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = step(&agent, &server, &n, json!({"action": "archive"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], "conflict");
    assert!(
        body["message"].as_str().unwrap().contains("不能「归档」"),
        "{body}"
    );
    let (status, body) = step(
        &agent,
        &server,
        &n,
        json!({"action": "classify", "case_type": "complaint", "category_code": "abc"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["category_code"].is_string(), "{body}");
    let (status, _) = step(
        &agent,
        &server,
        &n,
        json!({"action": "classify", "case_type": "complaint", "category_code": "0101"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A step from another site's page is refused and changes nothing.
    let response = agent
        .post(server.url(&format!("/api/v1/cases/{n}/actions")))
        .header("Sec-Fetch-Site", "cross-site")
        .json(&json!({"action": "dispatch", "to": [{"kind": "department", "id": department}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, body) = step(
        &agent,
        &server,
        &n,
        json!({"action": "dispatch", "to": [{"kind": "department", "id": department}],
               "limit": {"amount": 3, "unit": "working_days"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["assignments"][0]["part"]["handling"],
        json!({"amount": 3, "unit": "working_days"})
    );
    assert_eq!(body["item"]["status"], "dispatched");
    assert_eq!(body["item"]["light"], "green");

    // The department hears of it at once.
    let notice = tokio::time::timeout(Duration::from_secs(5), async {
        let mut seen = String::new();
        while let Some(chunk) = events.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if seen.contains("event: notice") && seen.contains(&n) {
                return seen;
            }
        }
        seen
    })
    .await
    .expect("a notice within 5 s");
    assert!(notice.contains("新派单"), "{notice}");

    let (status, body) = step(&dept, &server, &n, json!({"action": "confirm"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = step(&dept, &server, &n, json!({"action": "confirm"})).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a second confirmation is refused"
    );
    let (status, body) = step(
        &dept,
        &server,
        &n,
        json!({"action": "feedback", "result": "  "}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["result"].is_string());
    let (status, body) = step(
        &dept,
        &server,
        &n,
        json!({"action": "feedback", "result": "已更换灯泡", "disposition_code": "01"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let part = body["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["part"]["status"] == "fed_back" && a["part"]["closed"] == false)
        .map(|a| a["part"]["id"].clone())
        .unwrap();
    // A verdict on a part that is not this case's is refused by field.
    let (status, body) = step(
        &agent,
        &server,
        &n,
        json!({"action": "callback", "satisfaction": "satisfied",
               "parts": [{"assignment_id": 999999, "handler": "satisfied"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["parts.0.assignment_id"].is_string(),
        "{body}"
    );
    // Satisfied: archived at once, with the verdict on the handler kept on the part.
    let (status, body) = step(
        &agent,
        &server,
        &n,
        json!({"action": "callback", "satisfaction": "satisfied",
               "parts": [{"assignment_id": part, "handler": "dissatisfied"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["item"]["status"], "archived");
    let rated = body["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["part"]["id"] == part)
        .unwrap();
    assert_eq!(
        rated["part"]["rating"],
        json!({"outcome": "satisfied", "handler": "dissatisfied", "vendor": null})
    );

    // Counters and the outbox.
    let counts: Value = agent
        .get(server.url("/api/v1/cases/counts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(counts["green"].as_i64().is_some() && counts["todo"].as_i64().is_some());
    let admin = server.sign_in("admin", DEMO_PASSWORD).await;
    let outbox: Vec<Value> = admin
        .get(server.url("/api/v1/sms-outbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ours: Vec<&str> = outbox
        .iter()
        .filter(|m| m["tracking_number"] == n.as_str())
        .map(|m| m["purpose"].as_str().unwrap())
        .collect();
    assert_eq!(
        ours,
        ["completed", "dispatched", "dispatched", "accepted", "filed"]
    );
    let forbidden = agent
        .get(server.url("/api/v1/sms-outbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    // The agent's notices: the callback due, unread until marked read.
    let notices = |client: reqwest::Client| {
        let url = server.url("/api/v1/notifications");
        async move {
            let list: Vec<Value> = client.get(url).send().await.unwrap().json().await.unwrap();
            list
        }
    };
    let list = notices(agent.clone()).await;
    let ours = list
        .iter()
        .find(|m| m["tracking_number"] == n.as_str() && m["kind"] == "callback")
        .unwrap();
    assert_eq!(ours["unread"], true);
    let newest = list[0]["id"].as_i64().unwrap();
    let read = |body: Value| {
        agent
            .post(server.url("/api/v1/notifications/read"))
            .json(&body)
            .send()
    };
    let bad = read(json!({"up_to": "latest"})).await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = read(json!({"up_to": newest + 1000})).await.unwrap();
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = unknown.json().await.unwrap();
    assert!(body["fields"]["up_to"].is_string(), "{body}");
    let ok = read(json!({"up_to": newest})).await.unwrap();
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert!(notices(agent.clone())
        .await
        .iter()
        .all(|m| m["unread"] == false));
    // The citizen's tracking shows each step once.
    let tracked: Value = citizen
        .post(server.url("/api/v1/requests/track"))
        .json(&json!({"tracking_number": n, "phone": "13912345678"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<&str> = tracked["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "submitted",
            "accepted",
            "classified",
            "dispatched",
            "confirmed",
            "fed_back",
            "archived"
        ]
    );
    // What the department answered, and the verdict taken at the callback.
    assert!(tracked["replies"][0]["by"].is_string(), "{tracked}");
    assert!(tracked["replies"][0]["text"].is_string(), "{tracked}");
    assert_eq!(tracked["satisfaction"], "satisfied");
    assert_eq!(tracked["can_rate"], false);
    // The citizen's own rating: called back already (409), a wrong phone (404), no verdict
    // (422 by field).
    let rate = |body: Value| {
        citizen
            .post(server.url("/api/v1/requests/rating"))
            .json(&body)
            .send()
    };
    let done = rate(json!({"tracking_number": n, "phone": "13912345678",
                           "satisfaction": "dissatisfied"}))
    .await
    .unwrap();
    assert_eq!(done.status(), StatusCode::CONFLICT);
    let stranger = rate(json!({"tracking_number": n, "phone": "13900000000",
                               "satisfaction": "satisfied"}))
    .await
    .unwrap();
    assert_eq!(stranger.status(), StatusCode::NOT_FOUND);
    let blank = rate(json!({"tracking_number": n, "phone": "13912345678"}))
        .await
        .unwrap();
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = blank.json().await.unwrap();
    assert!(body["fields"]["satisfaction"].is_string(), "{body}");
    server.shutdown().await;
}

hotline_core::on_both_backends!(a_complaint_over_http);
