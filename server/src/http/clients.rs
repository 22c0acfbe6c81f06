//! The client register over HTTP (SPEC R4): staff who take calls find callers and keep
//! their records; marking needs its own permission (the service decides).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{ClientDetail, ClientInput, ClientPage, ClientQuery};

use super::request::{JsonBody, QueryParams, RecordId, Staff};
use super::ApiError;

/// `GET /api/v1/clients?q=&mark=&district=&page=&per_page=`.
pub async fn list(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(query): QueryParams<ClientQuery>,
) -> Result<Json<ClientPage>, ApiError> {
    Ok(Json(hotline.clients_for(&staff.user, &query).await?))
}

/// `GET /api/v1/clients/{id}`: the record with the latest contacts.
pub async fn record(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<Json<ClientDetail>, ApiError> {
    Ok(Json(hotline.client_record(&staff.user, id).await?))
}

/// `POST /api/v1/clients`: registers a caller by hand; 201 with the record.
pub async fn create(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(input): JsonBody<ClientInput>,
) -> Result<(StatusCode, Json<ClientDetail>), ApiError> {
    let id = hotline
        .create_client(&staff.user, &input, &staff.origin)
        .await?;
    let record = hotline.client_record(&staff.user, id).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// `PUT /api/v1/clients/{id}`: the record as edited, with the `version` it was read at;
/// 409 if someone changed it meanwhile.
pub async fn update(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<ClientInput>,
) -> Result<Json<ClientDetail>, ApiError> {
    hotline
        .update_client(&staff.user, id, &input, &staff.origin)
        .await?;
    Ok(Json(hotline.client_record(&staff.user, id).await?))
}

/// `POST /api/v1/clients/{id}/phone`: the whole number, for calling back (readers with
/// *contact reveal*); audited.
pub async fn reveal_phone(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<Json<serde_json::Value>, ApiError> {
    let phone = hotline
        .reveal_client_phone(&staff.user, id, &staff.origin)
        .await?;
    Ok(Json(serde_json::json!({ "phone": phone })))
}
