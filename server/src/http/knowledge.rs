//! The knowledge base over HTTP (SPEC K1–K2, P3): type-ahead search and articles for
//! everyone (citizens see the public ones), editing for the staff who take calls.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{Article, ArticleInput, KbCategory, KbCategoryInput, Problem, SearchHit};
use serde::Deserialize;

use super::request::{JsonBody, QueryParams, RecordId, Staff, Visitor};
use super::ApiError;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchParams {
    q: String,
}

/// `GET /api/v1/kb/search?q=…`: up to 10 hits with their matched parts marked. Exact words,
/// then any of them, then pinyin ("shebao") and initials ("sb").
pub async fn search(
    State(hotline): State<Hotline>,
    visitor: Visitor,
    QueryParams(params): QueryParams<SearchParams>,
) -> Result<Json<Vec<SearchHit>>, ApiError> {
    let max = hotline_domain::knowledge::QUERY_MAX;
    if params.q.chars().count() > max {
        return Err(ApiError::invalid("q", Problem::TooLong { max }));
    }
    Ok(Json(
        hotline.kb_search(visitor.user.as_ref(), &params.q).await?,
    ))
}

/// `GET /api/v1/kb/categories`.
pub async fn categories(State(hotline): State<Hotline>) -> Result<Json<Vec<KbCategory>>, ApiError> {
    Ok(Json(hotline.kb_categories().await?))
}

/// `GET /api/v1/kb/articles/{id}`: staff-only articles are 404 for citizens.
pub async fn article(
    State(hotline): State<Hotline>,
    visitor: Visitor,
    RecordId(id): RecordId,
) -> Result<Json<Article>, ApiError> {
    Ok(Json(hotline.kb_article(visitor.user.as_ref(), id).await?))
}

/// `POST /api/v1/kb/articles`: a new article; 201 with it.
pub async fn create(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(input): JsonBody<ArticleInput>,
) -> Result<(StatusCode, Json<Article>), ApiError> {
    let article = save(&hotline, &staff, None, &input).await?;
    Ok((StatusCode::CREATED, Json(article)))
}

/// `PUT /api/v1/kb/articles/{id}`: replaces an article's text; re-indexed at once.
pub async fn update(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<ArticleInput>,
) -> Result<Json<Article>, ApiError> {
    Ok(Json(save(&hotline, &staff, Some(id), &input).await?))
}

async fn save(
    hotline: &Hotline,
    staff: &Staff,
    id: Option<i64>,
    input: &ArticleInput,
) -> Result<Article, ApiError> {
    let id = hotline
        .save_article(&staff.user, id, input, &staff.origin)
        .await?;
    Ok(hotline.kb_article(Some(&staff.user), id).await?)
}

/// `GET /api/v1/kb/drafts/{tracking_number}`: an article drafted from a handled case.
pub async fn draft_from_case(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<ArticleInput>, ApiError> {
    Ok(Json(
        hotline
            .article_draft_from_case(&staff.user, &number)
            .await?,
    ))
}

/// `POST /api/v1/kb/categories`: `{"name": "…"}` adds a category (leads); 201 with it,
/// `422` on `name` when empty, too long or taken.
pub async fn create_category(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(input): JsonBody<KbCategoryInput>,
) -> Result<(StatusCode, Json<KbCategory>), ApiError> {
    let category = hotline
        .save_kb_category(&staff.user, None, &input, &staff.origin)
        .await?;
    Ok((StatusCode::CREATED, Json(category)))
}

/// `PUT /api/v1/kb/categories/{id}`: renames a category.
pub async fn rename_category(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<KbCategoryInput>,
) -> Result<Json<KbCategory>, ApiError> {
    let category = hotline
        .save_kb_category(&staff.user, Some(id), &input, &staff.origin)
        .await?;
    Ok(Json(category))
}

/// `DELETE /api/v1/kb/categories/{id}`: removes an empty category; `204`, or `422` on
/// `id` while it holds articles.
pub async fn delete_category(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    hotline
        .delete_kb_category(&staff.user, id, &staff.origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
