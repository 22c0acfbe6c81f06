//! The knowledge base over real HTTP: citizens search public articles only, staff see all;
//! pinyin and initials type-ahead with marked hits; call takers create and edit (re-indexed
//! at once), others are refused; bad input is refused by field and nothing is half-written.

use crate::support;

use std::sync::Arc;

use hotline_core::seed::demo::DEMO_PASSWORD;
use hotline_core::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{Setup, TestServer};

async fn search(client: &reqwest::Client, server: &TestServer, q: &str) -> (StatusCode, Value) {
    let response = client
        .get(server.url("/api/v1/kb/search"))
        .query(&[("q", q)])
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn titles(hits: &Value) -> Vec<String> {
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            h["title"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["text"].as_str().unwrap())
                .collect()
        })
        .collect()
}

fn marked(hit: &Value) -> String {
    hit["title"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["hit"].as_bool().unwrap())
        .map(|s| s["text"].as_str().unwrap())
        .collect()
}

async fn knowledge_over_http(db: TestDatabase) {
    let server = TestServer::start_with(
        Arc::new(db),
        Setup {
            demo: true,
            ..Setup::default()
        },
    )
    .await;
    let citizen = TestServer::browser();
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let dept = server.sign_in("dept", DEMO_PASSWORD).await;

    // Pinyin and initials find the same article as the characters, with 社保 marked.
    for (q, mark) in [("社保卡", "社保卡"), ("shebao", "社保"), ("sb", "社保")] {
        let (status, hits) = search(&citizen, &server, q).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert!(
            titles(&hits).iter().any(|t| t == "社保卡丢失如何补办"),
            "{q}: {hits}"
        );
        let hit = hits
            .as_array()
            .unwrap()
            .iter()
            .find(|h| {
                h["title"][0]["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("社保"))
            })
            .unwrap();
        assert_eq!(marked(hit), mark, "{q}");
    }

    // The staff-only article: agents find it, citizens neither find nor open it.
    let (_, staff_hits) = search(&agent, &server, "督办").await;
    let internal = staff_hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| !h["public"].as_bool().unwrap())
        .expect("staff see the internal article")
        .clone();
    let (_, public_hits) = search(&citizen, &server, "督办").await;
    assert!(public_hits
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["public"].as_bool().unwrap()));
    let url = server.url(&format!("/api/v1/kb/articles/{}", internal["id"]));
    assert_eq!(
        citizen.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        citizen
            .get(server.url("/api/v1/kb/articles/abc"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // A query longer than type-ahead takes is refused by name.
    let (status, body) = search(&citizen, &server, &"社".repeat(51)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["q"].is_string(), "{body}");

    let categories: Value = citizen
        .get(server.url("/api/v1/kb/categories"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let category = categories
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "交通出行")
        .unwrap()["id"]
        .to_string();

    // Only call takers write; nobody signed in is 401, a department 403.
    let article = json!({
        "category_id": category, "title": "公交卡退卡办理", "keywords": "交通卡 退费",
        "body": "持卡人可到公交卡服务网点办理退卡，押金和余额当场退还。", "public": true
    });
    let create = |client: &reqwest::Client, body: &Value| {
        client
            .post(server.url("/api/v1/kb/articles"))
            .json(body)
            .send()
    };
    assert_eq!(
        create(&citizen, &article).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        create(&dept, &article).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // Field errors name the field; nothing is stored.
    let mut bad = article.clone();
    bad["title"] = json!("  ");
    bad["category_id"] = json!("999999");
    let response = create(&agent, &bad).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["title"].is_string(), "{body}");
    let mut unknown = article.clone();
    unknown["category_id"] = json!("999999");
    let body: Value = create(&agent, &unknown)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["fields"]["category_id"].is_string(), "{body}");
    let (_, none) = search(&agent, &server, "gongjiaoka").await;
    assert!(titles(&none).iter().all(|t| t != "公交卡退卡办理"));
    let response = agent
        .post(server.url("/api/v1/kb/articles"))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Created: searchable at once, by pinyin too.
    let response = create(&agent, &article).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["updated_by"], "user:agent");
    let (_, hits) = search(&citizen, &server, "gongjiaoka").await;
    assert_eq!(
        titles(&hits).first().map(String::as_str),
        Some("公交卡退卡办理")
    );

    // Edited: the old words no longer find it, the new ones do; made staff-only, citizens
    // lose it.
    let mut edited = article.clone();
    edited["title"] = json!("地铁票退款办理");
    edited["keywords"] = json!("地铁 退票");
    edited["body"] = json!("未使用的地铁单程票可在购票当日到车站客服中心办理退款。");
    edited["public"] = json!(false);
    let response = agent
        .put(server.url(&format!("/api/v1/kb/articles/{id}")))
        .json(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, hits) = search(&agent, &server, "公交").await;
    assert!(hits.as_array().unwrap().iter().all(|h| h["id"] != id));
    let (_, hits) = search(&agent, &server, "ditie").await;
    assert_eq!(hits[0]["id"], id);
    let (_, hits) = search(&citizen, &server, "ditie").await;
    assert!(hits.as_array().unwrap().iter().all(|h| h["id"] != id));
    let response = agent
        .put(server.url("/api/v1/kb/articles/999999"))
        .json(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // Both writes are in the audit log under the agent's name.
    let admin = server.sign_in("admin", DEMO_PASSWORD).await;
    let audit: Value = admin
        .get(server.url("/api/v1/audit"))
        .query(&[("object_type", "kb_article")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "user:agent")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"create") && actions.contains(&"update"),
        "{audit}"
    );
    server.shutdown().await;
}

async fn leads_keep_the_categories(db: TestDatabase) {
    let server = TestServer::start_with(
        Arc::new(db),
        Setup {
            demo: true,
            ..Setup::default()
        },
    )
    .await;
    let lead = server.sign_in("lead", DEMO_PASSWORD).await;
    let agent = server.sign_in("agent", DEMO_PASSWORD).await;
    let categories = |c: &reqwest::Client| {
        let c = c.clone();
        let url = server.url("/api/v1/kb/categories");
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
    let before = categories(&lead).await;
    let used = before
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["articles"].as_i64().unwrap() > 0)
        .expect("a demo category with articles")
        .clone();
    let add = |c: &reqwest::Client, name: &str| {
        c.post(server.url("/api/v1/kb/categories"))
            .json(&json!({ "name": name }))
            .send()
    };

    // Agents write articles but do not rearrange the base.
    assert_eq!(
        add(&agent, "冬季供暖").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // Empty, too long, or the name of another: refused on `name`, nothing added.
    for name in ["  ", &"暖".repeat(31), used["name"].as_str().unwrap()] {
        let response = add(&lead, name).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}"
        );
        let body: Value = response.json().await.unwrap();
        assert!(body["fields"]["name"].is_string(), "{body}");
    }
    assert_eq!(categories(&lead).await, before);

    let response = add(&lead, "冬季供暖").await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let heating: Value = response.json().await.unwrap();
    assert_eq!(heating["articles"], 0);
    let list = categories(&agent).await;
    assert_eq!(list.as_array().unwrap().last().unwrap()["name"], "冬季供暖");
    let id = heating["id"].as_i64().unwrap();

    // Renamed; an article can be filed in it, and then it cannot be removed.
    let response = lead
        .put(server.url(&format!("/api/v1/kb/categories/{id}")))
        .json(&json!({"name": "供暖与燃气"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = agent
        .post(server.url("/api/v1/kb/articles"))
        .json(
            &json!({"category_id": id.to_string(), "title": "供暖不热找谁",
            "keywords": "暖气", "body": "请联系所在小区的供热公司。", "public": true}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let article: Value = response.json().await.unwrap();
    assert_eq!(article["category_name"], "供暖与燃气");
    let remove = |id: i64| {
        lead.delete(server.url(&format!("/api/v1/kb/categories/{id}")))
            .send()
    };
    let response = remove(id).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["id"].is_string(), "{body}");

    // An empty one goes; twice is a 404. Every change is in the audit log.
    let spare: Value = add(&lead, "临时分类").await.unwrap().json().await.unwrap();
    let spare = spare["id"].as_i64().unwrap();
    assert_eq!(
        remove(spare).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(remove(spare).await.unwrap().status(), StatusCode::NOT_FOUND);
    let audited = server
        .hotline
        .audit_entries(&hotline_core::audit::AuditFilter {
            object_type: Some("kb_category".into()),
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = audited
        .iter()
        .rev()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("create", "user:lead"),
            ("update", "user:lead"),
            ("create", "user:lead"),
            ("delete", "user:lead")
        ]
    );
    server.shutdown().await;
}

hotline_core::on_both_backends!(knowledge_over_http, leads_keep_the_categories);
