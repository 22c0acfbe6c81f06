//! The map's layers (SPEC G1) and who can help near a point (G2).

use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{
    MapPoint, MapView, NearbyProvider, NearestInput, PositionInput, ViewportInput,
};

use super::request::{JsonBody, QueryParams, Staff};
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

/// `PUT /api/v1/map/{layer}/{id}/position` with `{"lon": …, "lat": …}`: where a vendor,
/// skilled person, volunteer or elderly person really is (SPEC G3), audited with the old and
/// the new position → `200` the point. The elderly for those who keep their registry, the
/// others for those who keep the providers' (`403` otherwise); `404` no such record in the
/// layer; `422` on `layer`, `lon`, `lat` (inside Xianyang).
pub async fn move_place(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path((layer, id)): Path<(String, String)>,
    JsonBody(input): JsonBody<PositionInput>,
) -> Result<Json<MapPoint>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(
        hotline
            .move_place(&staff.user, &staff.origin, &layer, id, &input)
            .await?,
    ))
}

/// `GET /api/v1/map/districts`: the outlines of Xianyang's districts and counties, the map's
/// base layer (no tile server needed), as shipped in `data/regions`. Public: the citizens'
/// location picker draws them too. Cached by browsers for a day and revalidated by ETag.
pub async fn districts(headers: HeaderMap) -> Response {
    static ETAG: OnceLock<HeaderValue> = OnceLock::new();
    let body = hotline_core::seed::district_outlines();
    let etag = ETAG.get_or_init(|| {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(body.as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
    });
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    if headers.get(header::IF_NONE_MATCH) == Some(etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag.clone()), cache],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/geo+json"),
            ),
            (header::ETAG, etag.clone()),
            cache,
        ],
        body,
    )
        .into_response()
}
