//! The agent's desk around calls and cases: the caller card, registering a call, agent
//! status, missed calls, case links, and the shift handover.

// A server function's arguments are its form's fields.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::support::{fail, form, hotline, saved, staff};
use super::{RegisterOutcome, Saved};
#[cfg(feature = "ssr")]
use crate::i18n::tr;

/// The caller card of a call ringing for this agent (SPEC A1).
#[server(prefix = "/api/fn", endpoint = "caller_card")]
pub async fn caller_card(call_id: String) -> Result<hotline_domain::CallerCard, ServerFnError> {
    let staff = staff()?;
    hotline()?
        .caller_card(&staff.user, &call_id)
        .await
        .map_err(fail)
}

/// Registers the ringing call as a case (SPEC A2); a consultation with a reply is closed.
#[server(prefix = "/api/fn", endpoint = "register_call")]
pub async fn register_call(
    call_id: String,
    case_type: Option<String>,
    category: Option<String>,
    content: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    district: Option<String>,
    address: Option<String>,
    reply: Option<String>,
    link_to: Option<String>,
    priority: Option<String>,
) -> Result<RegisterOutcome, ServerFnError> {
    let staff = staff()?;
    let intake = hotline_core::calls::CallIntake {
        case_type: case_type.unwrap_or_default(),
        category: category.unwrap_or_default(),
        content: content.unwrap_or_default(),
        contact_name: contact_name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        district: district.unwrap_or_default(),
        address: address.unwrap_or_default(),
        reply: reply.unwrap_or_default(),
        link_to: link_to.unwrap_or_default(),
        priority: priority.unwrap_or_default(),
    };
    form(
        hotline()?
            .register_call(&staff.user, &call_id, &intake, &staff.origin)
            .await
            .map(|number| number.to_string()),
    )
}

/// The agent sets their status (SPEC A4): `idle`, `busy` or `away`.
#[server(prefix = "/api/fn", endpoint = "set_my_status")]
pub async fn set_my_status(status: String) -> Result<(), ServerFnError> {
    let staff = staff()?;
    let status = hotline_domain::AgentStatus::from_code(status.trim()).ok_or_else(|| {
        let problem = if status.trim().is_empty() {
            hotline_domain::Problem::Required
        } else {
            hotline_domain::Problem::Unknown
        };
        super::request::ApiError::invalid("status", problem).to_server_fn_error(staff.lang)
    })?;
    hotline()?
        .set_my_status(&staff.user, status)
        .await
        .map_err(fail)
}

/// Missed calls to call back (SPEC A3): the agent's own, every open one for a lead.
#[server(prefix = "/api/fn", endpoint = "my_missed_calls")]
pub async fn my_missed_calls() -> Result<Vec<hotline_domain::MissedCall>, ServerFnError> {
    let staff = staff()?;
    hotline()?.missed_calls(&staff.user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "missed_call_done")]
pub async fn missed_call_done(call_id: String) -> Result<(), ServerFnError> {
    let staff = staff()?;
    hotline()?
        .close_missed_call(&staff.user, &call_id)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "my_status")]
pub async fn my_status() -> Result<Option<hotline_domain::AgentStatus>, ServerFnError> {
    let staff = staff()?;
    hotline()?.my_status(&staff.user).await.map_err(fail)
}

/// Every agent's status, for a lead (SPEC A4).
#[server(prefix = "/api/fn", endpoint = "agent_board")]
pub async fn agent_board() -> Result<Vec<hotline_domain::AgentState>, ServerFnError> {
    let staff = staff()?;
    hotline()?.agent_states(&staff.user).await.map_err(fail)
}

/// A lead gives a missed call to another agent (SPEC A3).
#[server(prefix = "/api/fn", endpoint = "reassign_missed_call")]
pub async fn reassign_missed_call(call_id: String, agent: String) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    saved(
        hotline()?
            .reassign_missed_call(&staff.user, &call_id, agent.trim())
            .await,
    )
}

/// Links this case with another about the same matter (SPEC W8).
#[server(prefix = "/api/fn", endpoint = "link_case")]
pub async fn link_case(
    tracking_number: String,
    other: Option<String>,
    note: Option<String>,
) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    let input = hotline_domain::LinkInput {
        other: other.unwrap_or_default(),
        note: note.unwrap_or_default(),
    };
    saved(
        hotline()?
            .link_cases(&staff.user, &tracking_number, &input, &staff.origin)
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "unlink_case")]
pub async fn unlink_case(tracking_number: String, other: String) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    saved(
        hotline()?
            .unlink_cases(&staff.user, &tracking_number, &other, &staff.origin)
            .await,
    )
}

/// What the handover page shows: the shift so far, and the latest handovers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverData {
    pub me: String,
    pub draft: hotline_domain::HandoverReport,
    pub history: Vec<hotline_domain::Handover>,
}

#[server(prefix = "/api/fn", endpoint = "handover_desk")]
pub async fn handover_desk() -> Result<HandoverData, ServerFnError> {
    let staff = staff()?;
    let hotline = hotline()?;
    Ok(HandoverData {
        draft: hotline.handover_draft(&staff.user).await.map_err(fail)?,
        history: hotline.handovers(&staff.user).await.map_err(fail)?,
        me: staff.user.username,
    })
}

/// The lead hands the shift over with a note (SPEC A5).
#[server(prefix = "/api/fn", endpoint = "hand_over")]
pub async fn hand_over(note: Option<String>) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    let note = hotline_domain::HandoverNote {
        note: note.unwrap_or_default(),
    };
    saved(
        hotline()?
            .hand_over(&staff.user, &note, &staff.origin)
            .await,
    )
}

/// The next lead acknowledges a handover; a second acknowledgement is refused with its
/// own message.
#[server(prefix = "/api/fn", endpoint = "acknowledge_handover")]
pub async fn acknowledge_handover(id: i64, note: Option<String>) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    let note = hotline_domain::HandoverNote {
        note: note.unwrap_or_default(),
    };
    match hotline()?
        .acknowledge_handover(&staff.user, id, &note, &staff.origin)
        .await
    {
        Err(hotline_core::ServiceError::Conflict) => Ok(Saved::Refused(
            tr!(staff.lang, desk.handover_already_acknowledged).into(),
        )),
        other => saved(other),
    }
}
