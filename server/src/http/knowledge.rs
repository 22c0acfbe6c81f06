//! The knowledge base over HTTP (SPEC K1–K2, P3): type-ahead search and articles for
//! everyone (citizens see the public ones), editing for the staff who take calls.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use hotline_core::{Hotline, Origin};
use hotline_domain::{
    Article, ArticleInput, FieldErrors, KbCategory, KbCategoryInput, Problem, SearchHit,
};
use serde::Deserialize;

use super::access::{ClientAddress, CurrentUser};
use super::{lang, ApiError};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchParams {
    q: String,
}

/// `GET /api/v1/kb/search?q=…`: up to 10 hits with their matched parts marked. Exact words,
/// then any of them, then pinyin ("shebao") and initials ("sb").
pub async fn search(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<Vec<SearchHit>>, ApiError> {
    let lang = lang(&headers);
    let Query(params) =
        params.map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.body_text()))?;
    if params.q.chars().count() > hotline_domain::knowledge::QUERY_MAX {
        let mut errors = FieldErrors::new();
        errors.add(
            "q",
            Problem::TooLong {
                max: hotline_domain::knowledge::QUERY_MAX,
            },
        );
        return Err(ApiError::Invalid(errors, lang));
    }
    let hits = hotline
        .kb_search(current.0.as_ref(), &params.q)
        .await
        .map_err(|e| ApiError::from_service(e, lang))?;
    Ok(Json(hits))
}

/// `GET /api/v1/kb/categories`.
pub async fn categories(
    State(hotline): State<Hotline>,
    headers: HeaderMap,
) -> Result<Json<Vec<KbCategory>>, ApiError> {
    let list = hotline
        .kb_categories()
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(list))
}

/// `GET /api/v1/kb/articles/{id}`: staff-only articles are 404 for citizens.
pub async fn article(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Article>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let article = hotline
        .kb_article(current.0.as_ref(), id)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(article))
}

/// `POST /api/v1/kb/articles`: a new article; 201 with it.
pub async fn create(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    body: Result<Json<ArticleInput>, JsonRejection>,
) -> Result<(StatusCode, Json<Article>), ApiError> {
    let article = save(&hotline, &current, &address, &headers, None, body).await?;
    Ok((StatusCode::CREATED, Json(article)))
}

/// `PUT /api/v1/kb/articles/{id}`: replaces an article's text; re-indexed at once.
pub async fn update(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<ArticleInput>, JsonRejection>,
) -> Result<Json<Article>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let article = save(&hotline, &current, &address, &headers, Some(id), body).await?;
    Ok(Json(article))
}

async fn save(
    hotline: &Hotline,
    current: &CurrentUser,
    address: &ClientAddress,
    headers: &HeaderMap,
    id: Option<i64>,
    body: Result<Json<ArticleInput>, JsonRejection>,
) -> Result<Article, ApiError> {
    let lang = lang(headers);
    let Json(input) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let (user, origin) = staff_origin(current, address)?;
    let id = hotline
        .save_article(user, id, &input, &origin)
        .await
        .map_err(|e| ApiError::from_service(e, lang))?;
    hotline
        .kb_article(Some(user), id)
        .await
        .map_err(|e| ApiError::from_service(e, lang))
}

/// `GET /api/v1/kb/drafts/{tracking_number}`: an article drafted from a handled case.
pub async fn draft_from_case(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ArticleInput>, ApiError> {
    let user = super::staff::staff(&current)?;
    let draft = hotline
        .article_draft_from_case(user, &number)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(draft))
}

fn staff_origin<'a>(
    current: &'a CurrentUser,
    address: &ClientAddress,
) -> Result<(&'a hotline_domain::StaffUser, Origin), ApiError> {
    let user = super::staff::staff(current)?;
    let origin = Origin {
        actor: user.actor(),
        address: address.0.clone(),
    };
    Ok((user, origin))
}

/// `POST /api/v1/kb/categories`: `{"name": "…"}` adds a category (leads); 201 with it,
/// `422` on `name` when empty, too long or taken.
pub async fn create_category(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    body: Result<Json<KbCategoryInput>, JsonRejection>,
) -> Result<(StatusCode, Json<KbCategory>), ApiError> {
    let Json(input) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let (user, origin) = staff_origin(&current, &address)?;
    let category = hotline
        .save_kb_category(user, None, &input, &origin)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok((StatusCode::CREATED, Json(category)))
}

/// `PUT /api/v1/kb/categories/{id}`: renames a category.
pub async fn rename_category(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<KbCategoryInput>, JsonRejection>,
) -> Result<Json<KbCategory>, ApiError> {
    let Json(input) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let (user, origin) = staff_origin(&current, &address)?;
    let category = hotline
        .save_kb_category(user, Some(id), &input, &origin)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(category))
}

/// `DELETE /api/v1/kb/categories/{id}`: removes an empty category; `204`, or `422` on
/// `id` while it holds articles.
pub async fn delete_category(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let (user, origin) = staff_origin(&current, &address)?;
    hotline
        .delete_kb_category(user, id, &origin)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(StatusCode::NO_CONTENT)
}
