//! The registry of skilled individuals and volunteers over HTTP (SPEC R2): read by staff
//! who send help, kept by the registry's keepers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{ProviderDetail, ProviderInput, ProviderPage, ProviderQuery};

use super::request::{JsonBody, QueryParams, RecordId, Staff};
use super::ApiError;

/// `GET /api/v1/providers?q=&kind=&district=&category=&service_mode=&support_system=&status=`
/// (and `page`, `per_page`).
pub async fn list(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(query): QueryParams<ProviderQuery>,
) -> Result<Json<ProviderPage>, ApiError> {
    Ok(Json(hotline.providers_for(&staff.user, &query).await?))
}

/// `GET /api/v1/providers/{id}`: the whole record with the latest orders.
pub async fn record(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<Json<ProviderDetail>, ApiError> {
    Ok(Json(hotline.provider_record(&staff.user, id).await?))
}

/// `POST /api/v1/providers`: a new person; 201 with the record.
pub async fn create(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(input): JsonBody<ProviderInput>,
) -> Result<(StatusCode, Json<ProviderDetail>), ApiError> {
    let id = hotline
        .create_provider(&staff.user, &input, &staff.origin)
        .await?;
    let record = hotline.provider_record(&staff.user, id).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// `PUT /api/v1/providers/{id}`: the record as edited, with the `version` it was read at;
/// 409 if someone changed it meanwhile.
pub async fn update(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<ProviderInput>,
) -> Result<Json<ProviderDetail>, ApiError> {
    hotline
        .update_provider(&staff.user, id, &input, &staff.origin)
        .await?;
    Ok(Json(hotline.provider_record(&staff.user, id).await?))
}
