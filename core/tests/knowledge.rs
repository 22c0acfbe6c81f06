//! The knowledge base on SQLite and on PostgreSQL: exact, fuzzy and pinyin search with
//! highlights, public and staff-only articles, editing re-indexes, validation.

use std::sync::Arc;

use hotline_core::testing::{staff, TestDatabase};
use hotline_core::{FixedClock, Hotline, Origin, ServiceError};
use hotline_domain::{ArticleInput, Role, SearchHit};

async fn open(db: &TestDatabase) -> Hotline {
    let h = db
        .open(Arc::new(FixedClock::new(
            "2026-11-23T03:00:00Z".parse().unwrap(),
        )))
        .await;
    h.load_demo_if_empty(hotline_core::seed::demo::DemoSize {
        vendors: 0,
        providers: 0,
        elderly: 0,
        past_cases: 5,
        waiting_requests: 0,
    })
    .await
    .unwrap();
    h
}

fn title(hit: &SearchHit) -> String {
    hit.title.iter().map(|s| s.text.as_str()).collect()
}

fn marked(hit: &SearchHit) -> String {
    hit.title
        .iter()
        .filter(|s| s.hit)
        .map(|s| s.text.as_str())
        .collect()
}

async fn first(h: &Hotline, q: &str) -> Option<SearchHit> {
    let agent = staff(Role::Agent, None, None);
    h.kb_search(Some(&agent), q)
        .await
        .unwrap()
        .into_iter()
        .next()
}

async fn words_pinyin_and_initials_find_the_same_article(db: TestDatabase) {
    let h = open(&db).await;
    for q in [
        "社保卡",
        "社保",
        "shebao",
        "sb",
        "shebaoka",
        "sbk",
        "SheBao",
    ] {
        let hit = first(&h, q)
            .await
            .unwrap_or_else(|| panic!("nothing for {q}"));
        assert_eq!(title(&hit), "社保卡丢失如何补办", "{q}");
        assert!(marked(&hit).starts_with("社保"), "{q}: {:?}", hit.title);
    }
    // A keyword finds it too, and the excerpt marks the words in the body.
    let agent = staff(Role::Agent, None, None);
    let hits = h.kb_search(Some(&agent), "挂失").await.unwrap();
    let hit = hits
        .iter()
        .find(|hit| title(hit) == "社保卡丢失如何补办")
        .expect("found by its keyword");
    assert!(
        hit.excerpt.iter().any(|s| s.hit && s.text == "挂失"),
        "{:?}",
        hit.excerpt
    );
    // Fuzzy: not one of the titles has all of 社保卡补办 in a row; the closest comes first.
    let hit = first(&h, "社保卡补办").await.unwrap();
    assert_eq!(title(&hit), "社保卡丢失如何补办");
    // Same sound, other characters: pinyin still finds it.
    let hit = first(&h, "yibao").await.unwrap();
    assert!(title(&hit).contains("医保"), "{}", title(&hit));
    let hit = first(&h, "12345").await.unwrap();
    assert!(title(&hit).contains("12345"));
    assert!(first(&h, "量子计算").await.is_none());
    assert!(first(&h, "   ").await.is_none());
    h.store.close().await;
}

async fn citizens_see_public_articles_only(db: TestDatabase) {
    let h = open(&db).await;
    let agent = staff(Role::Agent, None, None);
    let internal = h.kb_search(Some(&agent), "督办").await.unwrap();
    assert_eq!(internal.len(), 1);
    assert!(!internal[0].public);
    assert!(h.kb_search(None, "督办").await.unwrap().is_empty());
    assert!(matches!(
        h.kb_article(None, internal[0].id).await,
        Err(ServiceError::NotFound)
    ));
    assert!(h.kb_article(Some(&agent), internal[0].id).await.is_ok());
    h.store.close().await;
}

async fn editing_reindexes_and_is_checked(db: TestDatabase) {
    let h = open(&db).await;
    let agent = staff(Role::Agent, None, None);
    let origin = Origin {
        actor: agent.actor(),
        address: None,
    };
    let category = h.kb_categories().await.unwrap()[0].id;
    let input = ArticleInput {
        category_id: category.to_string(),
        title: "燃气灶打不着火".into(),
        keywords: "煤气 天然气".into(),
        body: "先检查燃气表是否有气、阀门是否打开。".into(),
        public: true,
        source_case: None,
    };
    let id = h.save_article(&agent, None, &input, &origin).await.unwrap();
    assert_eq!(title(&first(&h, "ranqi").await.unwrap()), "燃气灶打不着火");
    // Renamed: the old words no longer find it, the new ones do.
    let renamed = ArticleInput {
        title: "天然气灶无法点火".into(),
        keywords: String::new(),
        ..input.clone()
    };
    h.save_article(&agent, Some(id), &renamed, &origin)
        .await
        .unwrap();
    assert!(h
        .kb_search(Some(&agent), "打不着火")
        .await
        .unwrap()
        .iter()
        .all(|hit| hit.id != id));
    assert_eq!(first(&h, "dianhuo").await.unwrap().id, id);
    // Checked by field; coordinators and admins do not edit it.
    let bad = ArticleInput {
        category_id: "999999".into(),
        ..input.clone()
    };
    assert!(matches!(
        h.save_article(&agent, None, &bad, &origin).await,
        Err(ServiceError::Invalid(ref f)) if f.get("category_id").is_some()
    ));
    let empty = ArticleInput {
        title: String::new(),
        ..input.clone()
    };
    assert!(matches!(
        h.save_article(&agent, None, &empty, &origin).await,
        Err(ServiceError::Invalid(ref f)) if f.get("title").is_some()
    ));
    let care = staff(Role::Coordinator, None, None);
    assert!(matches!(
        h.save_article(&care, None, &input, &origin).await,
        Err(ServiceError::Forbidden)
    ));
    // Audited.
    let audit = h
        .audit_entries(&hotline_core::audit::AuditFilter {
            object_type: Some("kb_article".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 2);
    h.store.close().await;
}

hotline_core::on_both_backends!(
    words_pinyin_and_initials_find_the_same_article,
    citizens_see_public_articles_only,
    editing_reindexes_and_is_checked,
);
