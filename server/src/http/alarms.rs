//! The one-key alarm gateway's webhook (SPEC E1) and the consoles' reads.
//!
//! The gateway signs each POST as the telephone system does (`X-Hotline-Timestamp`,
//! `X-Hotline-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`), with its
//! own secret (`HOTLINE_ALARM_SECRET`). The alarm is committed before the answer: `201`
//! for a new alarm, `200` with the same alarm for a delivery id seen before (the gateway's
//! retry is safe), `401` for a bad signature, `422` by field, `5xx` means "retry".

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotline_core::Hotline;
use hotline_domain::{Alarm, AlarmInput};

use super::access::{problem, WebConfig};
use super::request::{JsonBody, QueryParams, RecordId, Staff};
use super::ApiError;

/// `POST /api/v1/alarms`: one alarm delivery, signed.
pub async fn receive(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Some(secret) = web.alarm_secret.as_deref() else {
        return Ok(problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "alarms_not_configured",
            "一键通报警接口未配置 / The alarm webhook is not configured",
        ));
    };
    if let Err(reason) =
        super::telephony::verify(secret, &headers, &body, hotline.now().timestamp())
    {
        tracing::warn!(reason, "alarm delivery refused");
        return Ok(problem(StatusCode::UNAUTHORIZED, "bad_signature", reason));
    }
    let input: AlarmInput = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.to_string()))?;
    let receipt = hotline
        .receive_alarm(&input, &String::from_utf8_lossy(&body))
        .await?;
    let status = if receipt.fresh {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(serde_json::json!({
            "alarm_id": receipt.alarm.id,
            "status": if receipt.fresh { "received" } else { "duplicate" },
            "tracking_number": receipt.alarm.tracking_number,
            "registered": receipt.alarm.elderly_id.is_some(),
        })),
    )
        .into_response())
}

/// `GET /api/v1/alarms`: the alarms not closed, waiting first, then oldest first.
pub async fn open(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<Vec<Alarm>>, ApiError> {
    Ok(Json(hotline.open_alarms(&staff.user).await?))
}

/// `GET /api/v1/alarms/{id}`: the alarm and its timeline (every step, in order).
pub async fn card(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<Json<serde_json::Value>, ApiError> {
    let alarm = hotline.alarm_for(&staff.user, id).await?;
    let timeline = hotline.alarm_timeline(&staff.user, id).await?;
    Ok(Json(
        serde_json::json!({ "alarm": alarm, "timeline": timeline }),
    ))
}

/// `POST /api/v1/alarms/{id}/actions`: one step (`{"action": "acknowledge"}`, …) → `200` the
/// alarm as it now stands; `409` with the reason when the alarm does not allow it (held by
/// someone else, closed, a silent alarm's person) or it changed meanwhile; `422` by field.
pub async fn act(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<hotline_domain::AlarmActionInput>,
) -> Result<Json<Alarm>, ApiError> {
    Ok(Json(
        hotline
            .alarm_act(&staff.user, id, &input, &staff.origin)
            .await?,
    ))
}

#[derive(Debug, serde::Deserialize)]
#[serde(default)]
pub struct Days {
    days: u32,
}

impl Default for Days {
    fn default() -> Self {
        Days { days: 30 }
    }
}

/// `GET /api/v1/alarms/figures?days=30`: how fast alarms were answered, overall, per day
/// and per coordinator (E5).
pub async fn figures(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(days): QueryParams<Days>,
) -> Result<Json<hotline_core::alarms::AlarmReport>, ApiError> {
    Ok(Json(hotline.alarm_report(&staff.user, days.days).await?))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct After {
    after: i64,
}

/// `GET /api/v1/alarms/events?after=<event id>`: the alarm log after that event, in order
/// (at most 500; read again from the last one).
pub async fn events(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(after): QueryParams<After>,
) -> Result<Json<Vec<hotline_domain::AlarmLogEntry>>, ApiError> {
    Ok(Json(
        hotline.alarm_events_after(&staff.user, after.after).await?,
    ))
}
