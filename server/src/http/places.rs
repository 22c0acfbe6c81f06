//! The map's layers (SPEC G1) and who can help near a point (G2).

use axum::extract::State;
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{MapView, NearbyProvider, NearestInput, ViewportInput};

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

/// `GET /api/v1/map?layer=&bbox=west,south,east,north&zoom=`: one layer of the map in one
/// view: counts per grid square below zoom 15, points from it on. Vendors, skilled people
/// and volunteers for staff who send help and administrators; the elderly for those who
/// keep their registry (`403` otherwise).
pub async fn map(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(input): QueryParams<ViewportInput>,
) -> Result<Json<MapView>, ApiError> {
    Ok(Json(hotline.map_view(&staff.user, &input).await?))
}
