//! Signing in and out, and the JSON API of the back office: cases by row scope, the
//! elderly registry, the audit log (with CSV export), and the citizens' tracking lookup.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hotline_core::audit::AuditQuery;
use hotline_core::auth::SignInRefusal;
use hotline_core::{Hotline, Origin};
use hotline_domain::{
    CaseAction, CaseCounts, CaseDetail, CaseListItem, CaseQuery, DispatchTargets, ElderlyDetail,
    ElderlySummary, FieldErrors, Notification, Problem, SmsMessage, StaffUser, TrackedRequest,
    TrackingQuery,
};
use serde::Deserialize;

use super::access::{
    clear_session_cookie, client_ip, is_https, problem, session_cookie, session_token,
    ClientAddress, CurrentUser, WebConfig,
};
use super::{lang, ApiError};

/// The staff member a rule already let through (the rule table guarantees one is there).
pub(super) fn staff(current: &CurrentUser) -> Result<&StaffUser, ApiError> {
    current.0.as_ref().ok_or(ApiError::Unauthenticated)
}

fn origin_of(user: &StaffUser, headers: &HeaderMap, peer: SocketAddr, web: &WebConfig) -> Origin {
    Origin {
        actor: user.actor(),
        address: client_ip(headers, Some(peer), web.trust_proxy).map(|ip| ip.to_string()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    username: String,
    password: String,
    next: String,
}

/// A path on this site to go to after signing in; anything else goes to the role's home.
fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/auth/")
        && !next.chars().any(|c| c.is_control());
    ok.then_some(next)
}

/// `POST /auth/login`: a form post (redirects) or JSON (answers JSON). One answer for every
/// refusal, whatever the cause.
pub async fn sign_in(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let form: SignInForm = if json {
        match serde_json::from_slice(&body) {
            Ok(f) => f,
            Err(e) => {
                return ApiError::BadBody(StatusCode::BAD_REQUEST, e.to_string()).into_response()
            }
        }
    } else {
        match serde_urlencoded::from_bytes(&body) {
            Ok(f) => f,
            Err(e) => {
                return ApiError::BadBody(StatusCode::BAD_REQUEST, e.to_string()).into_response()
            }
        }
    };
    if form.username.trim().is_empty() || form.password.is_empty() {
        let mut errors = FieldErrors::new();
        if form.username.trim().is_empty() {
            errors.add("username", Problem::Required);
        }
        if form.password.is_empty() {
            errors.add("password", Problem::Required);
        }
        if json {
            return ApiError::Invalid(errors, lang(&headers)).into_response();
        }
        return redirect(&format!(
            "/login?failed=missing&next={}",
            super::access::percent_encode(&form.next)
        ));
    }
    let address = client_ip(&headers, Some(peer), web.trust_proxy).map(|ip| ip.to_string());
    let secure = is_https(&headers, web.cookie_secure);
    // A session the browser still holds is ended, so a new sign-in always gets a new token.
    if let Some(old) = session_token(&headers) {
        let _ = hotline
            .store
            .delete_session(&hotline_core::auth::token_hash(&old))
            .await;
    }
    match hotline
        .sign_in(&form.username, &form.password, address)
        .await
    {
        Ok(Ok(session)) => {
            let target = local_path(&form.next)
                .map(str::to_string)
                .unwrap_or_else(|| session.user.home_path().to_string());
            let mut response = if json {
                Json(serde_json::json!({ "user": session.user, "expires_at": session.expires_at }))
                    .into_response()
            } else {
                redirect(&target)
            };
            response
                .headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&session.token, secure));
            response
        }
        Ok(Err(refusal)) => {
            let _: SignInRefusal = refusal;
            if json {
                problem(
                    StatusCode::UNAUTHORIZED,
                    "sign_in_failed",
                    lang(&headers).pick(
                        "用户名或密码错误，或账户因多次失败已被暂时锁定",
                        "Wrong user name or password, or the account is locked for a while after repeated failures",
                    ),
                )
            } else {
                redirect(&format!(
                    "/login?failed=1&next={}",
                    super::access::percent_encode(local_path(&form.next).unwrap_or(""))
                ))
            }
        }
        Err(e) => ApiError::from_service(e, lang(&headers)).into_response(),
    }
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// `POST /auth/logout`: ends the session and clears the cookie.
pub async fn sign_out(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    Extension(current): Extension<CurrentUser>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let user = staff(&current)?;
    if let Some(token) = session_token(&headers) {
        hotline
            .sign_out(&token, &origin_of(user, &headers, peer, &web))
            .await
            .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    }
    let secure = is_https(&headers, web.cookie_secure);
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let mut response = if wants_json {
        StatusCode::NO_CONTENT.into_response()
    } else {
        redirect("/login")
    };
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_session_cookie(secure));
    Ok(response)
}

/// `GET /api/v1/me`: who is signed in, with their permissions.
pub async fn me(Extension(current): Extension<CurrentUser>) -> Result<Json<StaffUser>, ApiError> {
    Ok(Json(staff(&current)?.clone()))
}

/// `GET /api/v1/cases?status=`: the cases the caller may see.
pub async fn cases(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
    query: Result<Query<CaseQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<CaseListItem>>, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.body_text()))?;
    let list = hotline
        .cases_for(staff(&current)?, &query)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(list))
}

/// `GET /api/v1/cases/{tracking_number}`: one case in the caller's scope, or 404.
pub async fn case(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CaseDetail>, ApiError> {
    let detail = hotline
        .case_for(staff(&current)?, &number)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(detail))
}

/// `POST /api/v1/cases/{tracking_number}/phone`: the full number; the look is audited.
pub async fn reveal_phone(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    Extension(current): Extension<CurrentUser>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let user = staff(&current)?;
    let phone = hotline
        .reveal_case_phone(user, &number, &origin_of(user, &headers, peer, &web))
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(serde_json::json!({ "phone": phone })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ElderlyQuery {
    district: Option<String>,
}

pub async fn elderly_list(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
    query: Result<Query<ElderlyQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<ElderlySummary>>, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.body_text()))?;
    let list = hotline
        .elderly_for(staff(&current)?, query.district.as_deref())
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(list))
}

pub async fn elderly(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    Extension(current): Extension<CurrentUser>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ElderlyDetail>, ApiError> {
    let user = staff(&current)?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let detail = hotline
        .elderly_record(user, id, &origin_of(user, &headers, peer, &web))
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(detail))
}

/// `POST /api/v1/requests/track`: a citizen's request by tracking number and phone. A
/// wrong pair is the same 404 as an unknown number.
pub async fn track(
    State(hotline): State<Hotline>,
    headers: HeaderMap,
    body: Result<Json<TrackingQuery>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<TrackedRequest>, ApiError> {
    let Json(query) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    hotline
        .track_request(&query)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

pub async fn audit(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<hotline_domain::AuditEntry>>, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.body_text()))?;
    let filter = query
        .to_filter(1000)
        .map_err(|e| ApiError::Invalid(e, lang(&headers)))?;
    let entries = hotline
        .audit_search(staff(&current)?, &filter)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(entries))
}

/// `GET /api/v1/audit.csv`: the same search as CSV (up to 100,000 rows), itself audited.
pub async fn audit_csv(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    Extension(current): Extension<CurrentUser>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.body_text()))?;
    let filter = query
        .to_filter(100_000)
        .map_err(|e| ApiError::Invalid(e, lang(&headers)))?;
    let user = staff(&current)?;
    let entries = hotline
        .audit_export(user, &filter, &origin_of(user, &headers, peer, &web))
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>| -> Result<(), csv::Error> {
        out.write_record([
            "id",
            "at",
            "actor",
            "address",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
        ])?;
        for e in &entries {
            out.write_record([
                e.id.to_string(),
                e.at.to_rfc3339(),
                csv_safe(&e.actor),
                csv_safe(e.address.as_deref().unwrap_or("")),
                csv_safe(&e.action),
                csv_safe(&e.object_type),
                csv_safe(&e.object_id),
                csv_safe(e.before.as_deref().unwrap_or("")),
                csv_safe(e.after.as_deref().unwrap_or("")),
            ])?;
        }
        Ok(())
    };
    write(&mut out).map_err(|e| ApiError::Internal(e.to_string()))?;
    let bytes = out
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    // A UTF-8 byte order mark, so spreadsheet programs read the Chinese text right.
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(bytes);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// Cells starting with `= + - @` are prefixed with `'` so a spreadsheet never runs them as
/// formulas (CSV injection).
fn csv_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

fn origin_from(user: &StaffUser, address: &ClientAddress) -> Origin {
    Origin {
        actor: user.actor(),
        address: address.0.clone(),
    }
}

/// `POST /api/v1/cases/{tracking_number}/actions`: one step of the case flow, e.g.
/// `{"action":"dispatch","to":[{"kind":"department","id":3}]}`. 200 with the case as the
/// caller now sees it; 409 when the step is not possible in the case's state; 422 by field.
pub async fn case_action(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    Extension(address): Extension<ClientAddress>,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Result<Json<CaseAction>, JsonRejection>,
) -> Result<Json<CaseDetail>, ApiError> {
    let Json(action) = body.map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
    let user = staff(&current)?;
    let detail = hotline
        .act(user, &number, &action, &origin_from(user, &address))
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(detail))
}

/// `GET /api/v1/cases/counts`: the caller's cases by light, overdue kind and queue.
pub async fn case_counts(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Json<CaseCounts>, ApiError> {
    let counts = hotline
        .case_counts(staff(&current)?)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(counts))
}

/// `GET /api/v1/notifications`: the caller's in-app notices, newest first.
pub async fn notifications(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Json<Vec<Notification>>, ApiError> {
    let list = hotline
        .notifications_for(staff(&current)?)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(list))
}

/// `GET /api/v1/sms-outbox`: every SMS the platform wrote, newest first.
pub async fn sms_outbox(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Json<Vec<SmsMessage>>, ApiError> {
    let list = hotline
        .sms_outbox(staff(&current)?)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(list))
}

/// `GET /api/v1/dispatch-targets`: departments, vendors and dispositions for the forms.
pub async fn dispatch_targets(
    State(hotline): State<Hotline>,
    Extension(current): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Json<DispatchTargets>, ApiError> {
    let targets = hotline
        .dispatch_targets(staff(&current)?)
        .await
        .map_err(|e| ApiError::from_service(e, lang(&headers)))?;
    Ok(Json(targets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local_path("/cases?x=1"), Some("/cases?x=1"));
        assert_eq!(local_path("//evil.example"), None);
        assert_eq!(local_path("https://evil.example"), None);
        assert_eq!(local_path("/auth/logout"), None);
    }

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(csv_safe("=1+1"), "'=1+1");
        assert_eq!(csv_safe("user:admin"), "user:admin");
    }
}
