//! Who can help near a point (SPEC G2).

use axum::extract::State;
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{NearbyProvider, NearestInput};

use super::request::{QueryParams, Staff};
use super::ApiError;

/// `GET /api/v1/providers/nearest?lon=&lat=&category=&radius_m=&limit=&kinds=`: the nearest
/// working vendors, skilled people and volunteers offering the category (or one under it)
/// within the radius, nearest first.
pub async fn nearest(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(input): QueryParams<NearestInput>,
) -> Result<Json<Vec<NearbyProvider>>, ApiError> {
    Ok(Json(hotline.nearest_providers(&staff.user, &input).await?))
}
