//! The telephone system's webhook (SPEC I3) and the caller card (A1).
//!
//! The telephone system signs each POST: `X-Hotline-Timestamp` (Unix seconds) and
//! `X-Hotline-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` with the
//! shared secret (`HOTLINE_TELEPHONY_SECRET`). A wrong or missing signature is a 401; a
//! timestamp more than five minutes off is a 401 (an old capture cannot be replayed); an
//! event id seen before is a 200 that changes nothing (the telephone system may retry).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{Hmac, Mac};
use hotline_core::Hotline;
use hotline_domain::{AgentState, AgentStatus, CallEventInput, CallerCard, MissedCall, Problem};
use sha2::Sha256;

use super::access::{problem, WebConfig};
use super::request::{JsonBody, Staff};
use super::ApiError;

/// How far the signed timestamp may be from the server's clock.
pub const SIGNATURE_WINDOW_SECS: i64 = 300;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature the telephone system sends for `body` at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

pub(crate) fn verify(
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<(), &'static str> {
    let timestamp: i64 = headers
        .get("x-hotline-timestamp")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or("missing or malformed X-Hotline-Timestamp")?;
    let given = headers
        .get("x-hotline-signature")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("sha256="))
        .and_then(|v| hex::decode(v).ok())
        .ok_or("missing or malformed X-Hotline-Signature")?;
    // Constant-time comparison.
    mac(secret, timestamp, body)
        .verify_slice(&given)
        .map_err(|_| "signature does not match")?;
    if (now - timestamp).abs() > SIGNATURE_WINDOW_SECS {
        return Err("timestamp outside the allowed window");
    }
    Ok(())
}

/// `POST /api/v1/telephony/events`: one call event, signed. `200 {"status":"stored"}`, or
/// `{"status":"duplicate"}` for an event id seen before; `422` by field.
pub async fn event(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Some(secret) = web.telephony_secret.as_deref() else {
        return Ok(problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "telephony_not_configured",
            "电话系统接口未配置 / The telephony webhook is not configured",
        ));
    };
    if let Err(reason) = verify(secret, &headers, &body, hotline.now().timestamp()) {
        tracing::warn!(reason, "telephony event refused");
        return Ok(problem(StatusCode::UNAUTHORIZED, "bad_signature", reason));
    }
    // The signature covers the raw bytes, so the body is read as JSON only now.
    let input: CallEventInput = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.to_string()))?;
    let payload = String::from_utf8_lossy(&body);
    let status = match hotline.telephony_event(&input, &payload).await? {
        true => "stored",
        false => "duplicate",
    };
    Ok(Json(serde_json::json!({ "status": status })).into_response())
}

/// `GET /api/v1/calls/{call_id}/card`: the caller card, for the agent the call rang for
/// (or a lead): badges, name, note, earlier cases.
pub async fn card(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(call_id): Path<String>,
) -> Result<Json<CallerCard>, ApiError> {
    Ok(Json(hotline.caller_card(&staff.user, &call_id).await?))
}

/// `POST /api/v1/calls/{call_id}/case`: registers the call as a case (SPEC A2) from
/// `{case_type, category, content, contact_name, phone?, district, address, reply?}`;
/// `201 {tracking_number}`; `422` by field (nothing is written).
pub async fn register(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(call_id): Path<String>,
    JsonBody(intake): JsonBody<hotline_core::calls::CallIntake>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let number = hotline
        .register_call(&staff.user, &call_id, &intake, &staff.origin)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "tracking_number": number.to_string() })),
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StatusBody {
    status: String,
}

/// `PUT /api/v1/agents/me/status`: `{"status": "idle" | "busy" | "away"}` (SPEC A4).
pub async fn set_status(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(body): JsonBody<StatusBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let code = body.status.trim();
    let status = AgentStatus::from_code(code).ok_or_else(|| {
        let problem = if code.is_empty() {
            Problem::Required
        } else {
            Problem::Unknown
        };
        ApiError::invalid("status", problem)
    })?;
    hotline.set_my_status(&staff.user, status).await?;
    Ok(Json(serde_json::json!({ "status": status.as_code() })))
}

/// `GET /api/v1/agents`: every agent's status (leads).
pub async fn agents(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<Vec<AgentState>>, ApiError> {
    Ok(Json(hotline.agent_states(&staff.user).await?))
}

/// `GET /api/v1/missed-calls`: open missed calls: the agent's own, every one for a lead.
pub async fn missed(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<Vec<MissedCall>>, ApiError> {
    Ok(Json(hotline.missed_calls(&staff.user).await?))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AssignBody {
    agent: String,
}

/// `POST /api/v1/missed-calls/{call_id}/assign`: `{"agent": "username"}` (leads).
pub async fn assign(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(call_id): Path<String>,
    JsonBody(body): JsonBody<AssignBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let agent = body.agent.trim();
    if agent.is_empty() {
        return Err(ApiError::invalid("agent", Problem::Required));
    }
    hotline
        .reassign_missed_call(&staff.user, &call_id, agent)
        .await?;
    Ok(Json(serde_json::json!({ "assigned_to": agent })))
}

/// `POST /api/v1/missed-calls/{call_id}/done`: the caller was called back.
pub async fn done(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(call_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    hotline.close_missed_call(&staff.user, &call_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
