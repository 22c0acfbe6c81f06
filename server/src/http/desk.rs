//! The JSON API of case links (SPEC W8) and the shift handover (A5).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{Handover, HandoverNote, HandoverReport, LinkInput, LinkedCase};

use super::request::{JsonBody, RecordId, Staff};
use super::ApiError;

/// `POST /api/v1/cases/{tracking_number}/links`: `{"other": "2026…", "note": "…"}` links
/// two cases about the same matter; answers this case's links. Linking again is a no-op.
pub async fn link(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(number): Path<String>,
    JsonBody(input): JsonBody<LinkInput>,
) -> Result<Json<Vec<LinkedCase>>, ApiError> {
    let links = hotline
        .link_cases(&staff.user, &number, &input, &staff.origin)
        .await?;
    Ok(Json(links))
}

/// `DELETE /api/v1/cases/{tracking_number}/links/{other}`: removes a link.
pub async fn unlink(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path((number, other)): Path<(String, String)>,
) -> Result<Json<Vec<LinkedCase>>, ApiError> {
    let links = hotline
        .unlink_cases(&staff.user, &number, &other, &staff.origin)
        .await?;
    Ok(Json(links))
}

/// `GET /api/v1/handovers`: the latest handovers, newest first (leads).
pub async fn handovers(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<Vec<Handover>>, ApiError> {
    Ok(Json(hotline.handovers(&staff.user).await?))
}

/// `GET /api/v1/handovers/draft`: the report of the shift so far.
pub async fn draft(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<HandoverReport>, ApiError> {
    Ok(Json(hotline.handover_draft(&staff.user).await?))
}

/// `POST /api/v1/handovers`: `{"note": "…"}` hands the shift over; 201 with the handover.
pub async fn hand_over(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(note): JsonBody<HandoverNote>,
) -> Result<(StatusCode, Json<Handover>), ApiError> {
    let handover = hotline.hand_over(&staff.user, &note, &staff.origin).await?;
    Ok((StatusCode::CREATED, Json(handover)))
}

/// `GET /api/v1/handovers/{id}`.
pub async fn handover(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<Json<Handover>, ApiError> {
    Ok(Json(hotline.handover(&staff.user, id).await?))
}

/// `POST /api/v1/handovers/{id}/ack`: `{"note": "…"}` (optional) — the next lead takes
/// the shift over. 403 on one's own handover, 409 when it was acknowledged already.
pub async fn acknowledge(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(note): JsonBody<HandoverNote>,
) -> Result<Json<Handover>, ApiError> {
    let handover = hotline
        .acknowledge_handover(&staff.user, id, &note, &staff.origin)
        .await?;
    Ok(Json(handover))
}
