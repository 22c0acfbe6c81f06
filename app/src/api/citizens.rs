//! What citizens use without signing in: the form options, filing a request, tracking it;
//! and who is signed in (for the navigation).

// A server function's arguments are its form's fields.
#![allow(clippy::too_many_arguments)]

use hotline_domain::FormOptions;

use super::{FileOutcome, TrackOutcome};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{checked, fail, form, hotline, staff, visitor};

/// The staff forms' choices: the catalogue with its sub-categories.
#[server(prefix = "/api/fn", endpoint = "staff_form_options")]
pub async fn load_staff_form_options() -> Result<FormOptions, ServerFnError> {
    let staff = super::support::staff()?;
    hotline()?
        .staff_form_options(&staff.user)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "form_options")]
pub async fn load_form_options() -> Result<FormOptions, ServerFnError> {
    hotline()?.form_options().await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "file_request")]
pub async fn file_request(
    category: Option<String>,
    content: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    district: Option<String>,
    address: Option<String>,
    anonymous: Option<String>,
) -> Result<FileOutcome, ServerFnError> {
    use hotline_domain::Channel;
    let input = hotline_domain::NewRequestInput {
        category: category.unwrap_or_default(),
        content: content.unwrap_or_default(),
        contact_name: contact_name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        district: district.unwrap_or_default(),
        address: address.unwrap_or_default(),
        anonymous: checked(&anonymous),
    };
    let origin = visitor().citizen(Channel::Web);
    form(hotline()?.file_request(&input, Channel::Web, &origin).await)
}

#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<hotline_domain::StaffUser>, ServerFnError> {
    Ok(staff().ok().map(|staff| staff.user))
}

#[server(prefix = "/api/fn", endpoint = "track_request")]
pub async fn track_request(
    tracking_number: Option<String>,
    phone: Option<String>,
) -> Result<TrackOutcome, ServerFnError> {
    let query = hotline_domain::TrackingQuery {
        tracking_number: tracking_number.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
    };
    form(hotline()?.track_request(&query).await)
}
