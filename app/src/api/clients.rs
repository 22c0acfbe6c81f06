//! The client register (SPEC R4): the list, a client's record with the districts the form
//! chooses from, and saving a record.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{fail, form, hotline, staff};
use super::FormOutcome;

/// A page of the client list (`Invalid` names the wrong filter field).
pub type ClientListOutcome = FormOutcome<hotline_domain::ClientPage>;

#[server(prefix = "/api/fn", endpoint = "list_clients")]
pub async fn list_clients(
    query: hotline_domain::ClientQuery,
) -> Result<ClientListOutcome, ServerFnError> {
    let staff = staff()?;
    form(hotline()?.clients_for(&staff.user, &query).await)
}

/// The record when `id` names one (`None` for an unknown id), and the city's districts.
#[server(prefix = "/api/fn", endpoint = "get_client")]
pub async fn get_client(
    id: Option<i64>,
) -> Result<
    (
        Option<hotline_domain::ClientDetail>,
        Vec<hotline_domain::Region>,
    ),
    ServerFnError,
> {
    let staff = staff()?;
    let hotline = hotline()?;
    let record = match id {
        Some(id) => match hotline.client_record(&staff.user, id).await {
            Ok(record) => Some(record),
            Err(hotline_core::ServiceError::NotFound) => None,
            Err(e) => return Err(fail(e)),
        },
        None => None,
    };
    let districts = hotline.form_options().await.map_err(fail)?.districts;
    Ok((record, districts))
}

/// Saves a record: a new client (`id` empty; answers its id) or an edit.
#[server(prefix = "/api/fn", endpoint = "save_client")]
pub async fn save_client(
    id: Option<String>,
    input: hotline_domain::ClientInput,
) -> Result<FormOutcome<i64>, ServerFnError> {
    let staff = staff()?;
    let hotline = hotline()?;
    form(match super::support::optional_id(&id)? {
        None => {
            hotline
                .create_client(&staff.user, &input, &staff.origin)
                .await
        }
        Some(id) => hotline
            .update_client(&staff.user, id, &input, &staff.origin)
            .await
            .map(|()| id),
    })
}

/// A client's whole number (readers with the contact-reveal permission); audited.
#[server(prefix = "/api/fn", endpoint = "reveal_client_phone")]
pub async fn reveal_client_phone(id: i64) -> Result<String, ServerFnError> {
    let staff = staff()?;
    hotline()?
        .reveal_client_phone(&staff.user, id, &staff.origin)
        .await
        .map_err(fail)
}
