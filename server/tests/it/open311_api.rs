//! Open311 GeoReport v2 over real HTTP (SPEC I2): keys issued and revoked by an
//! administrator, the service list, filing in both formats with every error in the spec's
//! shape, the per-key budget, the public view of requests (no personal data) and its
//! filters. The third-party client's run is in `end2end/tests/open311.test.mjs`.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use hotline_core::seed::demo::DEMO_PASSWORD;
use hotline_core::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{Setup, TestServer};

const BASE: &str = "/open311/v2";

async fn get(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn post_form(
    client: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let response = client.post(url).form(form).send().await.unwrap();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (response.status(), retry, response.text().await.unwrap())
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The descriptions of an Open311 error list, all carrying `code`.
fn error_descriptions(text: &str, code: u16) -> Vec<String> {
    let list = json_of(text);
    list.as_array()
        .unwrap_or_else(|| panic!("not an error list: {text}"))
        .iter()
        .map(|e| {
            assert_eq!(e["code"], json!(code), "{text}");
            e["description"].as_str().unwrap().to_string()
        })
        .collect()
}

async fn open311_over_http(db: TestDatabase) {
    let mut setup = Setup {
        demo: true,
        ..Setup::default()
    };
    // Three filings a key per hour, so the fourth is refused.
    setup.web.limits.insert(
        hotline_server::http::access::Limit::Open311Key,
        (3, Duration::from_secs(3600)),
    );
    let server = TestServer::start_with(Arc::new(db), setup).await;
    let anyone = reqwest::Client::new();
    let admin = server.sign_in("admin", DEMO_PASSWORD).await;
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;

    // Keys: only an administrator issues them; a label is required; the key is shown once.
    let refused = agent
        .post(server.url("/api/v1/api-keys"))
        .json(&json!({"label": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let unlabelled = admin
        .post(server.url("/api/v1/api-keys"))
        .json(&json!({"label": "  "}))
        .send()
        .await
        .unwrap();
    assert_eq!(unlabelled.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(&unlabelled.text().await.unwrap())["fields"]["label"].is_string());
    let issued = admin
        .post(server.url("/api/v1/api-keys"))
        .json(&json!({"label": "秦都区政务 App"}))
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), StatusCode::CREATED);
    let issued = json_of(&issued.text().await.unwrap());
    let key = issued["secret"].as_str().unwrap().to_string();
    let key_id = issued["key"]["id"].as_i64().unwrap();
    assert_eq!(issued["key"]["prefix"].as_str().unwrap(), &key[..8]);
    let listed = json_of(&get(&admin, server.url("/api/v1/api-keys")).await.1);
    assert_eq!(listed[0]["label"], "秦都区政务 App");
    assert!(
        !listed.to_string().contains(&key),
        "the key itself is never listed"
    );

    // Discovery and services, in both formats.
    let (status, text) = get(&anyone, server.url(&format!("{BASE}/discovery.json"))).await;
    assert_eq!(status, StatusCode::OK);
    let discovery = json_of(&text);
    assert!(discovery["endpoints"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/open311/v2"));
    let (status, text) = get(&anyone, server.url(&format!("{BASE}/services.json"))).await;
    assert_eq!(status, StatusCode::OK);
    let services = json_of(&text);
    let lights = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "0101")
        .expect("service 0101 is listed");
    assert_eq!(lights["metadata"], json!(false));
    assert_eq!(lights["type"], "realtime");
    assert!(lights["group"].is_string());
    assert!(services
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["service_code"].as_str().unwrap().len() == 4));
    let (status, xml) = get(&anyone, server.url(&format!("{BASE}/services.xml"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<service><service_code>"));
    let (status, text) = get(&anyone, server.url(&format!("{BASE}/services/0101.json"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json_of(&text)["service_code"], "0101");
    let (status, text) = get(&anyone, server.url(&format!("{BASE}/services/9999.json"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_descriptions(&text, 404).len(), 1);
    let (status, xml) = get(&anyone, server.url(&format!("{BASE}/services/9999.xml"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(xml.contains("<errors><error><code>404</code>"), "{xml}");
    let (status, _) = get(
        &anyone,
        server.url(&format!("{BASE}/services.json?jurisdiction_id=boston.gov")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Filing: no key, an unknown key → 403 (nothing filed).
    let requests = server.url(&format!("{BASE}/requests.json"));
    let form = [
        ("service_code", "0101"),
        ("description", "人民路路灯不亮，晚上很黑"),
        ("first_name", "伟"),
        ("last_name", "王"),
        ("phone", "13912340311"),
        ("lat", "34.3296"),
        ("long", "108.7093"),
    ];
    let (status, _, text) = post_form(&anyone, requests.clone(), &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error_descriptions(&text, 403)[0].contains("api_key"));
    let mut keyed: Vec<(&str, &str)> = form.to_vec();
    keyed.push(("api_key", "not-a-key"));
    let (status, _, _) = post_form(&anyone, requests.clone(), &keyed).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Every bad field named in the interface's own words (first filing of the budget).
    let (status, _, text) = post_form(
        &anyone,
        requests.clone(),
        &[
            ("api_key", &key),
            ("service_code", "0101"),
            ("phone", "123"),
            ("lat", "north"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    let problems = error_descriptions(&text, 400);
    assert!(
        problems.iter().any(|p| p.starts_with("lat:")),
        "{problems:?}"
    );
    let (status, _, text) = post_form(
        &anyone,
        requests.clone(),
        &[
            ("api_key", &key),
            ("service_code", "0101"),
            ("phone", "123"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let problems = error_descriptions(&text, 400);
    for field in ["description:", "phone:", "address_string:"] {
        assert!(
            problems.iter().any(|p| p.starts_with(field)),
            "{field} {problems:?}"
        );
    }
    // A point outside the city is refused by name.
    let (status, _, text) = post_form(
        &anyone,
        requests.clone(),
        &[
            ("api_key", &key),
            ("service_code", "0101"),
            ("description", "路灯不亮"),
            ("phone", "13912340311"),
            ("lat", "39.9"),
            ("long", "116.4"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error_descriptions(&text, 400)
        .iter()
        .any(|p| p.starts_with("long:")));

    // That was the budget: three filings an hour for this key.
    let (status, retry, text) = post_form(&anyone, requests.clone(), &keyed_ok(&form, &key)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{text}");
    assert!(retry.is_some());
    assert_eq!(error_descriptions(&text, 429).len(), 1);

    // A second key has its own budget: JSON, then XML.
    let second = json_of(
        &admin
            .post(server.url("/api/v1/api-keys"))
            .json(&json!({"label": "渭城区网格 App"}))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let key2 = second["secret"].as_str().unwrap().to_string();
    let (status, _, text) = post_form(&anyone, requests.clone(), &keyed_ok(&form, &key2)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let filed = json_of(&text);
    let number = filed[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(filed[0]["service_notice"].is_string());
    let (status, _, xml) = post_form(
        &anyone,
        server.url(&format!("{BASE}/requests.xml")),
        &[
            ("api_key", key2.as_str()),
            ("service_code", "0101"),
            ("description", "Street light out on Renmin Road"),
            ("phone", "13912340312"),
            ("address_string", "秦都区人民路 8 号"),
            ("address_id", "610402"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{xml}");
    assert!(xml.contains("<service_requests><request><service_request_id>"));

    // An ordinary case on the agents' list: channel open311, the district found from the
    // point, the name in Chinese order, the tracking number sent by SMS.
    let new: Value = json_of(&get(&agent, server.url("/api/v1/requests/new")).await.1);
    let ours = new
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["tracking_number"] == number.as_str())
        .expect("the Open311 request waits on the agents' list");
    assert_eq!(ours["channel"], "open311");
    let case = json_of(
        &get(&agent, server.url(&format!("/api/v1/cases/{number}")))
            .await
            .1,
    );
    assert_eq!(case["item"]["contact_name"], "王伟");
    assert!(case["item"]["district_name"].is_string(), "{case}");
    let outbox = json_of(&get(&admin, server.url("/api/v1/sms-outbox")).await.1);
    assert!(outbox
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["body"].as_str().unwrap().contains(&number)));
    let keys = json_of(&get(&admin, server.url("/api/v1/api-keys")).await.1);
    let second_listed = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["label"] == "渭城区网格 App")
        .unwrap();
    assert_eq!(second_listed["filed"], json!(2));
    assert!(second_listed["last_used_at"].is_string());

    // The public view: open, in plain words, placed, and no personal data at all.
    let (status, text) = get(
        &anyone,
        server.url(&format!("{BASE}/requests/{number}.json")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let one = json_of(&text);
    assert_eq!(one[0]["service_request_id"], number.as_str());
    assert_eq!(one[0]["status"], "open");
    assert_eq!(one[0]["service_code"], "0101");
    assert!(one[0]["status_notes"].as_str().unwrap().contains("等待"));
    assert_eq!(one[0]["lat"], json!(34.3296));
    assert_eq!(one[0]["long"], json!(108.7093));
    assert!(one[0]["requested_datetime"]
        .as_str()
        .unwrap()
        .ends_with("+08:00"));
    for private in ["13912340311", "路灯不亮", "王伟"] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    let (status, xml) = get(
        &anyone,
        server.url(&format!("{BASE}/requests/{number}.xml")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains(&format!(
        "<service_request_id>{number}</service_request_id>"
    )));
    let (status, _) = get(&anyone, server.url(&format!("{BASE}/requests/123.json"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(
        &anyone,
        server.url(&format!("{BASE}/requests/20000101000001.json")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The list and its filters.
    let (status, text) = get(&anyone, server.url(&format!("{BASE}/requests.json"))).await;
    assert_eq!(status, StatusCode::OK);
    let all = json_of(&text);
    let all = all.as_array().unwrap();
    assert!(all
        .iter()
        .any(|r| r["service_request_id"] == number.as_str()));
    assert!(!text.contains("13912340312"));
    let requests_where = |query: String| {
        let url = server.url(&format!("{BASE}/requests.json?{query}"));
        let anyone = anyone.clone();
        async move {
            let (status, text) = get(&anyone, url).await;
            assert_eq!(status, StatusCode::OK, "{text}");
            json_of(&text).as_array().unwrap().clone()
        }
    };
    let open = requests_where("status=open".into()).await;
    let closed = requests_where("status=closed".into()).await;
    assert!(open.iter().all(|r| r["status"] == "open"));
    assert!(closed.iter().all(|r| r["status"] == "closed"));
    assert_eq!(open.len() + closed.len(), all.len());
    let lights = requests_where("service_code=0101".into()).await;
    assert!(lights.iter().all(|r| r["service_code"] == "0101"));
    assert!(lights.len() >= 2);
    let ids = requests_where(format!("service_request_id={number}&status=closed")).await;
    assert_eq!(ids.len(), 1, "ids override the status");
    let (status, text) = get(
        &anyone,
        server.url(&format!(
            "{BASE}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z&status=pending"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let problems = error_descriptions(&text, 400);
    assert!(problems.iter().any(|p| p.starts_with("end_date:")));
    assert!(problems.iter().any(|p| p.starts_with("status:")));
    let (status, _) = get(
        &anyone,
        server.url(&format!(
            "{BASE}/requests.json?start_date=2000-01-01T00:00:00Z"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get(&anyone, server.url(&format!("{BASE}/requests"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Revoked: the key files nothing more; revoking again changes nothing.
    let revoked = json_of(
        &admin
            .post(server.url(&format!("/api/v1/api-keys/{key_id}/revoke")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(revoked["revoked_at"].is_string());
    let again = admin
        .post(server.url(&format!("/api/v1/api-keys/{key_id}/revoke")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let (status, _, _) = post_form(&anyone, requests.clone(), &keyed_ok(&form, &key)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let missing = admin
        .post(server.url("/api/v1/api-keys/999999/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    server.shutdown().await;
}

fn keyed_ok<'a>(form: &[(&'a str, &'a str)], key: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut keyed = form.to_vec();
    keyed.push(("api_key", key));
    keyed
}

hotline_core::on_both_backends!(open311_over_http);
