//! Skilled individuals and volunteers (SPEC R2): the list, a person's record with what the
//! form chooses from (districts, streets, services), and saving a record.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{fail, form, hotline, staff};
use super::FormOutcome;

/// A page of the list (`Invalid` names the wrong filter field).
pub type ProviderListOutcome = FormOutcome<hotline_domain::ProviderPage>;

#[server(prefix = "/api/fn", endpoint = "list_providers")]
pub async fn list_providers(
    query: hotline_domain::ProviderQuery,
) -> Result<ProviderListOutcome, ServerFnError> {
    let staff = staff()?;
    form(hotline()?.providers_for(&staff.user, &query).await)
}

/// The form's choices, and the record when `id` names one (`None` for an unknown id).
#[server(prefix = "/api/fn", endpoint = "get_provider")]
pub async fn get_provider(
    id: Option<i64>,
) -> Result<
    (
        Option<hotline_domain::ProviderDetail>,
        hotline_domain::vendors::VendorChoices,
    ),
    ServerFnError,
> {
    let staff = staff()?;
    let hotline = hotline()?;
    let record = match id {
        Some(id) => match hotline.provider_record(&staff.user, id).await {
            Ok(record) => Some(record),
            Err(hotline_core::ServiceError::NotFound) => None,
            Err(e) => return Err(fail(e)),
        },
        None => None,
    };
    let choices = hotline.vendor_choices(&staff.user).await.map_err(fail)?;
    Ok((record, choices))
}

/// Saves a record: a new person (`id` empty; answers the id) or an edit.
#[server(prefix = "/api/fn", endpoint = "save_provider")]
pub async fn save_provider(
    id: Option<String>,
    input: hotline_domain::ProviderInput,
) -> Result<FormOutcome<i64>, ServerFnError> {
    let staff = staff()?;
    let hotline = hotline()?;
    form(match super::support::optional_id(&id)? {
        None => {
            hotline
                .create_provider(&staff.user, &input, &staff.origin)
                .await
        }
        Some(id) => hotline
            .update_provider(&staff.user, id, &input, &staff.origin)
            .await
            .map(|()| id),
    })
}
