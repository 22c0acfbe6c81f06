//! The JSON API of case links (SPEC W8) and the shift handover (A5).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};
use hotline_core::{Hotline, Origin};
use hotline_domain::{Handover, HandoverNote, HandoverReport, LinkInput, LinkedCase};

use super::access::{ClientAddress, CurrentUser};
use super::staff::staff;
use super::{lang, ApiError};

fn origin(user: &hotline_domain::StaffUser, address: &ClientAddress) -> Origin {
    Origin {
        actor: user.actor(),
        address: address.0.clone(),
    }
}

/// `POST /api/v1/cases/{tracking_number}/links`: `{"other": "2026…", "note": "…"}` links
/// two cases about the same matter; answers this case's links. Linking again is a no-op.
pub async fn link(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Result<Json<LinkInput>, JsonRejection>,
) -> Result<Json<Vec<LinkedCase>>, ApiError> {
    let Json(input) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let user = staff(&current)?;
    let links = hotline
        .link_cases(user, &number, &input, &origin(user, &address))
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(links))
}

/// `DELETE /api/v1/cases/{tracking_number}/links/{other}`: removes a link.
pub async fn unlink(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    Path((number, other)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Vec<LinkedCase>>, ApiError> {
    let user = staff(&current)?;
    let links = hotline
        .unlink_cases(user, &number, &other, &origin(user, &address))
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(links))
}

/// `GET /api/v1/handovers`: the latest handovers, newest first (leads).
pub async fn handovers(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Json<Vec<Handover>>, ApiError> {
    let list = hotline
        .handovers(staff(&current)?)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(list))
}

/// `GET /api/v1/handovers/draft`: the report of the shift so far.
pub async fn draft(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Json<HandoverReport>, ApiError> {
    let report = hotline
        .handover_draft(staff(&current)?)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(report))
}

/// `POST /api/v1/handovers`: `{"note": "…"}` hands the shift over; 201 with the handover.
pub async fn hand_over(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    body: Result<Json<HandoverNote>, JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<Handover>), ApiError> {
    let Json(note) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let user = staff(&current)?;
    let handover = hotline
        .hand_over(user, &note, &origin(user, &address))
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok((axum::http::StatusCode::CREATED, Json(handover)))
}

/// `GET /api/v1/handovers/{id}`.
pub async fn handover(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Handover>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let handover = hotline
        .handover(staff(&current)?, id)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(handover))
}

/// `POST /api/v1/handovers/{id}/ack`: `{"note": "…"}` (optional) — the next lead takes
/// the shift over. 403 on one's own handover, 409 when it was acknowledged already.
pub async fn acknowledge(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<HandoverNote>, JsonRejection>,
) -> Result<Json<Handover>, ApiError> {
    let Json(note) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let user = staff(&current)?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let handover = hotline
        .acknowledge_handover(user, id, &note, &origin(user, &address))
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(handover))
}
