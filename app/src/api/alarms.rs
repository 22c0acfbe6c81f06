//! The one-key alarm console (SPEC E2–E6): the open alarms, one alarm's card, the steps a
//! coordinator takes on it, and how fast alarms were answered.

// A server function's arguments are its form's fields.
#![allow(clippy::too_many_arguments)]

use hotline_domain::{Alarm, AlarmCard, AlarmHolder};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{fail, form, hotline, staff};
use super::FormOutcome;

/// The answer to a step on an alarm: the alarm as it now stands.
pub type AlarmStepOutcome = FormOutcome<Alarm>;

/// Alarms not closed: waiting first, then oldest first.
#[server(prefix = "/api/fn", endpoint = "open_alarms")]
pub async fn open_alarms() -> Result<Vec<Alarm>, ServerFnError> {
    let staff = staff()?;
    hotline()?.open_alarms(&staff.user).await.map_err(fail)
}

/// Tells the platform these alarms are on this console (the first console records it).
#[server(prefix = "/api/fn", endpoint = "alarms_shown")]
pub async fn alarms_shown(ids: Vec<i64>) -> Result<(), ServerFnError> {
    let staff = staff()?;
    hotline()?
        .alarms_shown(&staff.user, &ids)
        .await
        .map_err(fail)
}

/// One alarm's card; `None` when there is no such alarm.
#[server(prefix = "/api/fn", endpoint = "alarm_card")]
pub async fn load_alarm_card(id: i64) -> Result<Option<AlarmCard>, ServerFnError> {
    let staff = staff()?;
    match hotline()?.alarm_card(&staff.user, id, &staff.origin).await {
        Ok(card) => Ok(Some(card)),
        Err(hotline_core::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

/// Whom an alarm can be handed over to.
#[server(prefix = "/api/fn", endpoint = "alarm_holders")]
pub async fn alarm_holders() -> Result<Vec<AlarmHolder>, ServerFnError> {
    let staff = staff()?;
    hotline()?.alarm_holders(&staff.user).await.map_err(fail)
}

/// One step on an alarm (the fields of `AlarmActionInput`): the alarm as it now stands,
/// what to fix, or why not (someone else holds it, it is closed, a silent alarm).
#[server(prefix = "/api/fn", endpoint = "alarm_step")]
pub async fn alarm_step(
    id: i64,
    action: String,
    rung: Option<String>,
    name: Option<String>,
    outcome: Option<String>,
    service: Option<String>,
    to: Option<String>,
    disposition: Option<String>,
    note: Option<String>,
) -> Result<AlarmStepOutcome, ServerFnError> {
    let staff = staff()?;
    let input = hotline_domain::AlarmActionInput {
        action,
        rung: rung.unwrap_or_default(),
        name: name.unwrap_or_default(),
        outcome: outcome.unwrap_or_default(),
        service: service.unwrap_or_default(),
        to: to.unwrap_or_default(),
        disposition: disposition.unwrap_or_default(),
        note: note.unwrap_or_default(),
    };
    form(
        hotline()?
            .alarm_act(&staff.user, id, &input, &staff.origin)
            .await,
    )
}

/// How fast alarms were answered over the last `days` (E5).
#[server(prefix = "/api/fn", endpoint = "alarm_report")]
pub async fn load_alarm_report(days: u32) -> Result<hotline_domain::AlarmReport, ServerFnError> {
    let staff = staff()?;
    hotline()?
        .alarm_report(&staff.user, days)
        .await
        .map_err(fail)
}
