//! Server functions: one or two lines each, calling the service layer in `hotline-core`.

use hotline_domain::{FieldErrors, FiledRequest, FormOptions, RequestSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The answer to a filing: the tracking number, or what to fix. Validation problems are a
/// normal answer (not a server error), so the form can show them next to the fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FileOutcome {
    Filed(FiledRequest),
    Invalid(FieldErrors),
}

#[cfg(feature = "ssr")]
fn hotline() -> Result<hotline_core::Hotline, ServerFnError> {
    use_context::<hotline_core::Hotline>()
        .ok_or_else(|| ServerFnError::new("platform state missing from the request context"))
}

/// Logs the real cause and gives the browser a message that reveals nothing internal.
#[cfg(feature = "ssr")]
fn internal(error: hotline_core::ServiceError) -> ServerFnError {
    tracing::error!(%error, "server function failed");
    ServerFnError::new("internal error")
}

#[server(prefix = "/api/fn", endpoint = "form_options")]
pub async fn load_form_options() -> Result<FormOptions, ServerFnError> {
    hotline()?.form_options().await.map_err(internal)
}

#[allow(clippy::too_many_arguments)]
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
    use hotline_core::ServiceError;
    let input = hotline_domain::NewRequestInput {
        category: category.unwrap_or_default(),
        content: content.unwrap_or_default(),
        contact_name: contact_name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        district: district.unwrap_or_default(),
        address: address.unwrap_or_default(),
        // A checked box sends "on"; scripts may send "true". Anything else is "no".
        anonymous: matches!(anonymous.as_deref(), Some("on" | "true")),
    };
    let address = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|info| info.0.ip().to_string());
    let origin = hotline_core::Origin::citizen(hotline_domain::Channel::Web, address);
    match hotline()?
        .file_request(&input, hotline_domain::Channel::Web, &origin)
        .await
    {
        Ok(filed) => Ok(FileOutcome::Filed(filed)),
        Err(ServiceError::Invalid(errors)) => Ok(FileOutcome::Invalid(errors)),
        Err(other) => Err(internal(other)),
    }
}

#[server(prefix = "/api/fn", endpoint = "new_requests")]
pub async fn new_requests() -> Result<Vec<RequestSummary>, ServerFnError> {
    hotline()?.new_requests().await.map_err(internal)
}
