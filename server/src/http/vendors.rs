//! The vendor registry over HTTP (SPEC R1): the list and a vendor's record for staff who
//! send help, the registry's keepers and a vendor's own account; creating and editing
//! records, staff and inspections (the service decides who may change what).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{
    InspectionInput, VendorDetail, VendorInput, VendorPage, VendorQuery, VendorStaffInput,
};

use super::request::{JsonBody, QueryParams, RecordId, Staff};
use super::ApiError;

/// `GET /api/v1/vendors?q=&district=&street=&category=&status=&page=&per_page=`.
pub async fn list(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(query): QueryParams<VendorQuery>,
) -> Result<Json<VendorPage>, ApiError> {
    Ok(Json(hotline.vendors_for(&staff.user, &query).await?))
}

/// `GET /api/v1/vendors/{id}`: the whole record, with `editable` saying what the reader may
/// change.
pub async fn record(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<Json<VendorDetail>, ApiError> {
    Ok(Json(hotline.vendor_record(&staff.user, id).await?))
}

/// `POST /api/v1/vendors`: a new vendor; 201 with its record.
pub async fn create(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(input): JsonBody<VendorInput>,
) -> Result<(StatusCode, Json<VendorDetail>), ApiError> {
    let id = hotline
        .create_vendor(&staff.user, &input, &staff.origin)
        .await?;
    let record = hotline.vendor_record(&staff.user, id).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// `PUT /api/v1/vendors/{id}`: the record as edited, with the `version` it was read at;
/// 409 if someone changed it meanwhile.
pub async fn update(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<VendorInput>,
) -> Result<Json<VendorDetail>, ApiError> {
    hotline
        .update_vendor(&staff.user, id, &input, &staff.origin)
        .await?;
    Ok(Json(hotline.vendor_record(&staff.user, id).await?))
}

/// `POST /api/v1/vendors/{id}/staff`: a new member of its staff; 201 with the record.
pub async fn add_staff(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<VendorStaffInput>,
) -> Result<(StatusCode, Json<VendorDetail>), ApiError> {
    hotline
        .save_vendor_staff(&staff.user, id, None, &input, &staff.origin)
        .await?;
    let record = hotline.vendor_record(&staff.user, id).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// `PUT /api/v1/vendors/{id}/staff/{staff_id}`: a member changed (or marked as gone).
pub async fn update_staff(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(ids): Path<Vec<String>>,
    JsonBody(input): JsonBody<VendorStaffInput>,
) -> Result<Json<VendorDetail>, ApiError> {
    let ids: Vec<i64> = ids.iter().filter_map(|v| v.parse().ok()).collect();
    let [id, staff_id] = ids[..] else {
        return Err(ApiError::NotFound);
    };
    hotline
        .save_vendor_staff(&staff.user, id, Some(staff_id), &input, &staff.origin)
        .await?;
    Ok(Json(hotline.vendor_record(&staff.user, id).await?))
}

/// `POST /api/v1/vendors/{id}/inspections`: an inspection recorded; 201 with the record.
pub async fn inspect(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<InspectionInput>,
) -> Result<(StatusCode, Json<VendorDetail>), ApiError> {
    hotline
        .record_inspection(&staff.user, id, &input, &staff.origin)
        .await?;
    let record = hotline.vendor_record(&staff.user, id).await?;
    Ok((StatusCode::CREATED, Json(record)))
}
