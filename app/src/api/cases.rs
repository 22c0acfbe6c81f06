//! Cases: the agents' new requests, case lists and counters, one case, its steps, the
//! numbers behind masks, notices; and the elderly registry.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{fail, form, hotline, staff};
use super::{ElderlyOutcome, FormOutcome};

/// The answer to a case step: the case as it now stands, what to fix, or why the step is
/// not possible now.
pub type ActOutcome = FormOutcome<Box<hotline_domain::CaseDetail>>;

#[server(prefix = "/api/fn", endpoint = "new_requests")]
pub async fn new_requests() -> Result<Vec<hotline_domain::RequestSummary>, ServerFnError> {
    let staff = staff()?;
    hotline()?.new_requests(&staff.user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "list_cases", input = leptos::server_fn::codec::Json)]
pub async fn list_cases(
    query: hotline_domain::CaseQuery,
) -> Result<FormOutcome<hotline_domain::CasePage>, ServerFnError> {
    let staff = staff()?;
    form(hotline()?.case_page(&staff.user, &query).await)
}

#[server(prefix = "/api/fn", endpoint = "case_counts")]
pub async fn case_counts() -> Result<hotline_domain::CaseCounts, ServerFnError> {
    let staff = staff()?;
    hotline()?.case_counts(&staff.user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "case_action", input = leptos::server_fn::codec::Json)]
pub async fn case_action(
    tracking_number: String,
    action: hotline_domain::CaseAction,
) -> Result<ActOutcome, ServerFnError> {
    let staff = staff()?;
    let result = hotline()?
        .act(&staff.user, &tracking_number, &action, &staff.origin)
        .await;
    form(result.map(Box::new))
}

#[server(prefix = "/api/fn", endpoint = "dispatch_targets")]
pub async fn dispatch_targets() -> Result<hotline_domain::DispatchTargets, ServerFnError> {
    let staff = staff()?;
    hotline()?.dispatch_targets(&staff.user).await.map_err(fail)
}

/// The volunteers and skilled people a home-care case may go to, those of the case's
/// district first.
#[server(prefix = "/api/fn", endpoint = "provider_choices")]
pub async fn provider_choices(
    district: Option<String>,
) -> Result<Vec<hotline_domain::ProviderChoice>, ServerFnError> {
    let staff = staff()?;
    hotline()?
        .provider_choices(&staff.user, district.as_deref())
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<Vec<hotline_domain::Notification>, ServerFnError> {
    let staff = staff()?;
    hotline()?
        .notifications_for(&staff.user)
        .await
        .map_err(fail)
}

/// The caller has seen their notices up to `up_to` (the newest they were shown).
#[server(prefix = "/api/fn", endpoint = "mark_notices_read")]
pub async fn mark_notices_read(up_to: i64) -> Result<(), ServerFnError> {
    let staff = staff()?;
    hotline()?
        .mark_notices_read(&staff.user, up_to)
        .await
        .map_err(fail)
}

/// One case in the caller's scope (`None` when missing or out of scope).
#[server(prefix = "/api/fn", endpoint = "get_case")]
pub async fn get_case(
    tracking_number: String,
) -> Result<Option<hotline_domain::CaseDetail>, ServerFnError> {
    let staff = staff()?;
    match hotline()?.case_for(&staff.user, &tracking_number).await {
        Ok(detail) => Ok(Some(detail)),
        Err(hotline_core::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

/// The full phone number of a case; the look is audited.
#[server(prefix = "/api/fn", endpoint = "reveal_phone")]
pub async fn reveal_phone(tracking_number: String) -> Result<String, ServerFnError> {
    let staff = staff()?;
    hotline()?
        .reveal_case_phone(&staff.user, &tracking_number, &staff.origin)
        .await
        .map_err(fail)
}

/// A page of the elderly registry (`Invalid` names the wrong filter field).
#[server(prefix = "/api/fn", endpoint = "list_elderly")]
pub async fn list_elderly(
    query: hotline_domain::ElderlyQuery,
) -> Result<ElderlyOutcome, ServerFnError> {
    let staff = staff()?;
    form(hotline()?.elderly_for(&staff.user, &query).await)
}

/// One import into the elderly registry (`None` when there is no such import), and the
/// latest imports before it (without their issues).
#[server(prefix = "/api/fn", endpoint = "elderly_imports")]
pub async fn elderly_imports(
    id: Option<i64>,
) -> Result<
    (
        Option<hotline_domain::ImportReport>,
        Vec<hotline_domain::ImportReport>,
    ),
    ServerFnError,
> {
    let staff = staff()?;
    let hotline = hotline()?;
    let shown = match id {
        None => None,
        Some(id) => match hotline.import_report(&staff.user, id).await {
            Ok(report) => Some(report),
            Err(hotline_core::ServiceError::NotFound) => None,
            Err(e) => return Err(fail(e)),
        },
    };
    let latest = hotline
        .elderly_imports(&staff.user, 5)
        .await
        .map_err(fail)?;
    Ok((shown, latest))
}

/// The districts and streets a person's form chooses from.
#[server(prefix = "/api/fn", endpoint = "elderly_regions")]
pub async fn elderly_regions() -> Result<Vec<hotline_domain::Region>, ServerFnError> {
    let staff = staff()?;
    hotline()?.elderly_regions(&staff.user).await.map_err(fail)
}

/// Saves a person: a new one (`id` empty; answers the id) or an edit.
#[server(prefix = "/api/fn", endpoint = "save_elderly")]
pub async fn save_elderly(
    id: Option<String>,
    input: hotline_domain::ElderlyInput,
) -> Result<super::FormOutcome<i64>, ServerFnError> {
    let staff = staff()?;
    let hotline = hotline()?;
    form(match super::support::optional_id(&id)? {
        None => {
            hotline
                .create_elderly(&staff.user, &input, &staff.origin)
                .await
        }
        Some(id) => hotline
            .update_elderly(&staff.user, id, &input, &staff.origin)
            .await
            .map(|()| id),
    })
}

/// One elderly record (`None` when missing); the look is audited.
#[server(prefix = "/api/fn", endpoint = "get_elderly")]
pub async fn get_elderly(id: i64) -> Result<Option<hotline_domain::ElderlyDetail>, ServerFnError> {
    let staff = staff()?;
    match hotline()?
        .elderly_record(&staff.user, id, &staff.origin)
        .await
    {
        Ok(detail) => Ok(Some(detail)),
        Err(hotline_core::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}
