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
use axum::{Extension, Json};
use hmac::{Hmac, Mac};
use hotline_core::Hotline;
use hotline_domain::{CallEventInput, CallerCard};
use sha2::Sha256;

use super::access::{problem, CurrentUser, WebConfig};
use super::{lang, ApiError};

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

fn verify(secret: &str, headers: &HeaderMap, body: &[u8], now: i64) -> Result<(), &'static str> {
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
) -> Response {
    let Some(secret) = web.telephony_secret.as_deref() else {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "telephony_not_configured",
            "电话系统接口未配置 / The telephony webhook is not configured",
        );
    };
    if let Err(reason) = verify(secret, &headers, &body, hotline.now().timestamp()) {
        tracing::warn!(reason, "telephony event refused");
        return problem(StatusCode::UNAUTHORIZED, "bad_signature", reason);
    }
    let input: CallEventInput = match serde_json::from_slice(&body) {
        Ok(input) => input,
        Err(e) => return ApiError::BadBody(StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let payload = String::from_utf8_lossy(&body);
    match hotline.telephony_event(&input, &payload).await {
        Ok(true) => Json(serde_json::json!({ "status": "stored" })).into_response(),
        Ok(false) => Json(serde_json::json!({ "status": "duplicate" })).into_response(),
        Err(e) => ApiError::from_service(e, lang(&headers)).into_response(),
    }
}

/// `GET /api/v1/calls/{call_id}/card`: the caller card, for the agent the call rang for
/// (or a lead): badges, name, note, earlier cases.
pub async fn card(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Path(call_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CallerCard>, ApiError> {
    let user = super::staff::staff(&current)?;
    let card = hotline
        .caller_card(user, &call_id)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(card))
}

/// `POST /api/v1/calls/{call_id}/case`: registers the call as a case (SPEC A2) from
/// `{case_type, category, content, contact_name, phone?, district, address, reply?}`;
/// `201 {tracking_number}`; `422` by field (nothing is written).
pub async fn register(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<super::access::ClientAddress>,
    Path(call_id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<hotline_core::calls::CallIntake>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let Json(intake) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let user = super::staff::staff(&current)?;
    let origin = hotline_core::Origin {
        actor: user.actor(),
        address: address.0.clone(),
    };
    let number = hotline
        .register_call(user, &call_id, &intake, &origin)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
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

fn invalid(field: &str, problem: hotline_domain::Problem, headers: &HeaderMap) -> ApiError {
    let mut errors = hotline_domain::FieldErrors::new();
    errors.add(field, problem);
    ApiError::Invalid(errors, lang(headers))
}

/// `PUT /api/v1/agents/me/status`: `{"status": "idle" | "busy" | "away"}` (SPEC A4).
pub async fn set_status(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
    body: Result<Json<StatusBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let user = super::staff::staff(&current)?;
    let status = hotline_domain::AgentStatus::from_code(body.status.trim()).ok_or_else(|| {
        let problem = if body.status.trim().is_empty() {
            hotline_domain::Problem::Required
        } else {
            hotline_domain::Problem::Unknown
        };
        invalid("status", problem, &headers)
    })?;
    hotline
        .set_my_status(user, status)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(serde_json::json!({ "status": status.as_code() })))
}

/// `GET /api/v1/agents`: every agent's status (leads).
pub async fn agents(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Json<Vec<hotline_domain::AgentState>>, ApiError> {
    let user = super::staff::staff(&current)?;
    let list = hotline
        .agent_states(user)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(list))
}

/// `GET /api/v1/missed-calls`: open missed calls: the agent's own, every one for a lead.
pub async fn missed(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Json<Vec<hotline_domain::MissedCall>>, ApiError> {
    let user = super::staff::staff(&current)?;
    let list = hotline
        .missed_calls(user)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(list))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AssignBody {
    agent: String,
}

/// `POST /api/v1/missed-calls/{call_id}/assign`: `{"agent": "username"}` (leads).
pub async fn assign(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Path(call_id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<AssignBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let user = super::staff::staff(&current)?;
    if body.agent.trim().is_empty() {
        return Err(invalid(
            "agent",
            hotline_domain::Problem::Required,
            &headers,
        ));
    }
    hotline
        .reassign_missed_call(user, &call_id, body.agent.trim())
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(
        serde_json::json!({ "assigned_to": body.agent.trim() }),
    ))
}

/// `POST /api/v1/missed-calls/{call_id}/done`: the caller was called back.
pub async fn done(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Path(call_id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let user = super::staff::staff(&current)?;
    hotline
        .close_missed_call(user, &call_id)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(StatusCode::NO_CONTENT)
}
