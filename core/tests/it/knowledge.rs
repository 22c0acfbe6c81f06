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

async fn ids(h: &Hotline, q: &str) -> Vec<i64> {
    let agent = staff(Role::Agent, None, None);
    let mut ids: Vec<i64> = h
        .kb_search(Some(&agent), q)
        .await
        .unwrap()
        .iter()
        .map(|hit| hit.id)
        .collect();
    ids.sort();
    ids
}

async fn pinyin_finds_what_the_characters_find_and_old_indexes_are_rebuilt(db: TestDatabase) {
    let h = open(&db).await;
    // 社保 is in the body of some articles only: pinyin finds those too.
    for (chars, pinyin) in [("社保", "shebao"), ("医保", "yibao"), ("供暖", "gongnuan")] {
        let by_chars = ids(&h, chars).await;
        let by_pinyin = ids(&h, pinyin).await;
        assert!(!by_chars.is_empty(), "{chars}");
        assert!(
            by_chars.iter().all(|id| by_pinyin.contains(id)),
            "{pinyin} finds {by_pinyin:?}, {chars} finds {by_chars:?}"
        );
    }
    assert!(
        ids(&h, "社保").await.len() >= 2,
        "more than the title match"
    );
    // An index built by an older version is built again when the server starts.
    let before = ids(&h, "shebao").await;
    h.store
        .kb_replace_index(&[], "kb_index_version", "1", h.now())
        .await
        .unwrap();
    assert!(ids(&h, "shebao").await.is_empty());
    h.prepare().await.unwrap();
    assert_eq!(ids(&h, "shebao").await, before);
    assert_eq!(h.kb_reindex_if_stale().await.unwrap(), None, "once");
    h.store.close().await;
}

async fn citizens_browse_the_public_guide_by_category(db: TestDatabase) {
    let h = open(&db).await;
    let agent = staff(Role::Agent, None, None);
    let theirs = h.kb_browse(None, None).await.unwrap();
    let ours = h.kb_browse(Some(&agent), None).await.unwrap();
    assert!(theirs.articles.is_empty() && theirs.category.is_none());
    assert!(theirs.categories.iter().all(|c| c.articles > 0));
    let count = |b: &hotline_domain::KbBrowse| b.categories.iter().map(|c| c.articles).sum::<i64>();
    assert!(
        count(&ours) > count(&theirs),
        "staff-only articles count for staff only"
    );
    for category in &theirs.categories {
        let listed = h.kb_browse(None, Some(category.id)).await.unwrap();
        assert_eq!(listed.category, Some(category.id));
        assert_eq!(
            listed.articles.len() as i64,
            category.articles,
            "{}",
            category.name
        );
        assert!(listed
            .articles
            .iter()
            .all(|a| a.public && a.category_name == category.name));
    }
    // A category with nothing public is not there for a citizen; an unknown one for nobody.
    if let Some(internal) = ours
        .categories
        .iter()
        .find(|c| !theirs.categories.iter().any(|t| t.id == c.id))
    {
        assert!(matches!(
            h.kb_browse(None, Some(internal.id)).await,
            Err(ServiceError::NotFound)
        ));
    }
    assert!(matches!(
        h.kb_browse(Some(&agent), Some(999_999)).await,
        Err(ServiceError::NotFound)
    ));
    h.store.close().await;
}

hotline_core::on_both_backends!(
    pinyin_finds_what_the_characters_find_and_old_indexes_are_rebuilt,
    citizens_browse_the_public_guide_by_category,
    words_pinyin_and_initials_find_the_same_article,
    citizens_see_public_articles_only,
    editing_reindexes_and_is_checked,
);
