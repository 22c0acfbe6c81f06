//! The knowledge base: search and articles for everyone (citizens see the public ones),
//! categories for leads, the article editor for call takers.

// A server function's arguments are its form's fields.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::support::{checked, fail, form, hotline, optional_id, saved, staff, visitor};
use super::{ArticleSaved, Saved};

/// Type-ahead search of the knowledge base: citizens see public articles, staff all.
#[server(prefix = "/api/fn", endpoint = "kb_search")]
pub async fn kb_search(q: String) -> Result<Vec<hotline_domain::SearchHit>, ServerFnError> {
    let visitor = visitor();
    hotline()?
        .kb_search(visitor.user.as_ref(), &q)
        .await
        .map_err(fail)
}

/// One article (`None` when missing or staff-only for a citizen).
#[server(prefix = "/api/fn", endpoint = "kb_article")]
pub async fn kb_article(id: i64) -> Result<Option<hotline_domain::Article>, ServerFnError> {
    let visitor = visitor();
    match hotline()?.kb_article(visitor.user.as_ref(), id).await {
        Ok(article) => Ok(Some(article)),
        Err(hotline_core::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

/// The base by category (`None` when the category is unknown, or holds nothing a citizen
/// may read).
#[server(prefix = "/api/fn", endpoint = "kb_browse")]
pub async fn kb_browse(
    category: Option<i64>,
) -> Result<Option<hotline_domain::KbBrowse>, ServerFnError> {
    let visitor = visitor();
    match hotline()?.kb_browse(visitor.user.as_ref(), category).await {
        Ok(browse) => Ok(Some(browse)),
        Err(hotline_core::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

#[server(prefix = "/api/fn", endpoint = "kb_categories")]
pub async fn kb_categories() -> Result<Vec<hotline_domain::KbCategory>, ServerFnError> {
    hotline()?.kb_categories().await.map_err(fail)
}

/// Adds (no `id`) or renames a knowledge category (leads).
#[server(prefix = "/api/fn", endpoint = "save_kb_category")]
pub async fn save_kb_category(
    id: Option<String>,
    name: Option<String>,
) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    let id = optional_id(&id)?;
    let input = hotline_domain::KbCategoryInput {
        name: name.unwrap_or_default(),
    };
    saved(
        hotline()?
            .save_kb_category(&staff.user, id, &input, &staff.origin)
            .await,
    )
}

/// Removes an empty knowledge category (leads).
#[server(prefix = "/api/fn", endpoint = "delete_kb_category")]
pub async fn delete_kb_category(id: i64) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    saved(
        hotline()?
            .delete_kb_category(&staff.user, id, &staff.origin)
            .await,
    )
}

/// What the article editor starts from: an article being edited, a draft from a handled
/// case, or an empty form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleEditor {
    pub id: Option<i64>,
    pub input: hotline_domain::ArticleInput,
    pub categories: Vec<hotline_domain::KbCategory>,
}

#[server(prefix = "/api/fn", endpoint = "kb_editor")]
pub async fn kb_editor(
    id: Option<i64>,
    case: Option<String>,
) -> Result<Option<ArticleEditor>, ServerFnError> {
    use hotline_core::ServiceError;
    let staff = staff()?;
    let hotline = hotline()?;
    let categories = hotline.kb_categories().await.map_err(fail)?;
    let input = match (id, case.filter(|c| !c.trim().is_empty())) {
        (Some(id), _) => match hotline.kb_article(Some(&staff.user), id).await {
            Ok(a) => hotline_domain::ArticleInput {
                category_id: a.category_id.to_string(),
                title: a.title,
                keywords: a.keywords,
                body: a.body,
                public: a.public,
                source_case: a.source_case,
            },
            Err(ServiceError::NotFound) => return Ok(None),
            Err(e) => return Err(fail(e)),
        },
        (None, Some(number)) => match hotline.article_draft_from_case(&staff.user, &number).await {
            Ok(draft) => draft,
            Err(ServiceError::NotFound) => return Ok(None),
            Err(e) => return Err(fail(e)),
        },
        (None, None) => hotline_domain::ArticleInput::default(),
    };
    Ok(Some(ArticleEditor {
        id,
        input,
        categories,
    }))
}

#[server(prefix = "/api/fn", endpoint = "save_article")]
pub async fn save_article(
    id: Option<String>,
    category_id: Option<String>,
    title: Option<String>,
    keywords: Option<String>,
    body: Option<String>,
    public: Option<String>,
    source_case: Option<String>,
) -> Result<ArticleSaved, ServerFnError> {
    let staff = staff()?;
    let id = optional_id(&id)?;
    let input = hotline_domain::ArticleInput {
        category_id: category_id.unwrap_or_default(),
        title: title.unwrap_or_default(),
        keywords: keywords.unwrap_or_default(),
        body: body.unwrap_or_default(),
        public: checked(&public),
        source_case: source_case.filter(|s| !s.trim().is_empty()),
    };
    form(
        hotline()?
            .save_article(&staff.user, id, &input, &staff.origin)
            .await,
    )
}
