//! The vendor registry (SPEC R1): the list, a vendor's record and what its forms choose
//! from; saving a record, a member of staff, an inspection.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{fail, form, hotline, staff};
use super::FormOutcome;

/// A page of the vendor list (`Invalid` names the wrong filter field).
pub type VendorListOutcome = FormOutcome<hotline_domain::VendorPage>;

#[server(prefix = "/api/fn", endpoint = "list_vendors")]
pub async fn list_vendors(
    query: hotline_domain::VendorQuery,
) -> Result<VendorListOutcome, ServerFnError> {
    let staff = staff()?;
    form(hotline()?.vendors_for(&staff.user, &query).await)
}

/// The form's choices, and the record when `id` names one.
#[server(prefix = "/api/fn", endpoint = "get_vendor")]
pub async fn get_vendor(
    id: Option<i64>,
) -> Result<
    (
        Option<hotline_domain::VendorDetail>,
        hotline_domain::vendors::VendorChoices,
    ),
    ServerFnError,
> {
    let staff = staff()?;
    let hotline = hotline()?;
    let record = match id {
        Some(id) => match hotline.vendor_record(&staff.user, id).await {
            Ok(record) => Some(record),
            Err(hotline_core::ServiceError::NotFound) => None,
            Err(e) => return Err(fail(e)),
        },
        None => None,
    };
    let choices = hotline.vendor_choices(&staff.user).await.map_err(fail)?;
    Ok((record, choices))
}

/// Saves a record: a new one (`id` empty; answers its id) or an edit.
#[server(prefix = "/api/fn", endpoint = "save_vendor")]
pub async fn save_vendor(
    id: Option<String>,
    input: hotline_domain::VendorInput,
) -> Result<FormOutcome<i64>, ServerFnError> {
    let staff = staff()?;
    let hotline = hotline()?;
    form(match super::support::optional_id(&id)? {
        None => {
            hotline
                .create_vendor(&staff.user, &input, &staff.origin)
                .await
        }
        Some(id) => hotline
            .update_vendor(&staff.user, id, &input, &staff.origin)
            .await
            .map(|()| id),
    })
}

/// Adds a member of a vendor's staff (`staff_id` empty) or changes one.
#[server(prefix = "/api/fn", endpoint = "save_vendor_staff")]
pub async fn save_vendor_staff(
    vendor_id: i64,
    staff_id: Option<String>,
    input: hotline_domain::VendorStaffInput,
) -> Result<FormOutcome<i64>, ServerFnError> {
    let staff = staff()?;
    let staff_id = super::support::optional_id(&staff_id)?;
    form(
        hotline()?
            .save_vendor_staff(&staff.user, vendor_id, staff_id, &input, &staff.origin)
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "record_inspection")]
pub async fn record_inspection(
    vendor_id: i64,
    input: hotline_domain::InspectionInput,
) -> Result<FormOutcome<i64>, ServerFnError> {
    let staff = staff()?;
    form(
        hotline()?
            .record_inspection(&staff.user, vendor_id, &input, &staff.origin)
            .await,
    )
}
