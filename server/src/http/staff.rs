//! Signing in and out, and the JSON API of the back office: cases by row scope, the
//! elderly registry, the audit log (with CSV export), and the citizens' tracking lookup.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotline_core::audit::AuditQuery;
use hotline_core::auth::SignInRefusal;
use hotline_core::Hotline;
use hotline_domain::{
    AuditEntry, CaseAction, CaseCounts, CaseDetail, CaseQuery, DispatchTargets, ElderlyDetail,
    ElderlyInput, ElderlyPage, ElderlyQuery, FieldErrors, Notification, Problem, SmsMessage,
    StaffUser, TrackedRequest, TrackingQuery,
};
use serde::Deserialize;

use super::access::{
    clear_session_cookie, is_https, percent_encode, problem, session_cookie, session_token,
    WebConfig,
};
use super::request::{JsonBody, QueryParams, RecordId, Staff, Visitor};
use super::ApiError;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    username: String,
    password: String,
    next: String,
}

/// A path on this site to go to after signing in; anything else goes to the role's home.
pub fn local_path(next: &str) -> Option<&str> {
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
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let form: SignInForm = if json {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.to_string()))?
    } else {
        serde_urlencoded::from_bytes(&body)
            .map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.to_string()))?
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
            return Err(ApiError::Invalid(errors));
        }
        return Ok(redirect(&format!(
            "/login?failed=missing&user={}&next={}",
            percent_encode(&typed_name(&form.username)),
            percent_encode(&form.next)
        )));
    }
    let secure = is_https(&headers, web.cookie_secure);
    // A session the browser still holds is ended, so a new sign-in always gets a new token.
    if let Some(old) = session_token(&headers) {
        let _ = hotline
            .store
            .delete_session(&hotline_core::auth::token_hash(&old))
            .await;
    }
    let response = match hotline
        .sign_in(&form.username, &form.password, visitor.address.clone())
        .await?
    {
        Ok(session) => {
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
        Err(refusal) => {
            let _: SignInRefusal = refusal;
            if json {
                problem(
                    StatusCode::UNAUTHORIZED,
                    "sign_in_failed",
                    hotline_app::i18n::text(
                        visitor.lang,
                        hotline_app::i18n::keys::errors::sign_in_failed,
                    ),
                )
            } else {
                redirect(&format!(
                    "/login?failed=1&user={}&next={}",
                    percent_encode(&typed_name(&form.username)),
                    percent_encode(local_path(&form.next).unwrap_or(""))
                ))
            }
        }
    };
    Ok(response)
}

/// The user name as it goes back into a refused sign-in's form (bounded: it travels in the
/// address).
fn typed_name(raw: &str) -> String {
    raw.trim().chars().take(64).collect()
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// `POST /auth/logout`: ends the session and clears the cookie.
pub async fn sign_out(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    staff: Staff,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        hotline.sign_out(&token, &staff.origin).await?;
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
pub async fn me(staff: Staff) -> Json<StaffUser> {
    Json(staff.user)
}

/// `GET /api/v1/cases?status=&…&page=&limit=&sort=&order=`: one page of the cases the
/// caller may see (50 a page unless `limit` asks for up to 200); the header
/// `X-Total-Count` says how many match in all.
pub async fn cases(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(query): QueryParams<CaseQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = hotline.case_page(&staff.user, &query).await?;
    Ok((
        [(
            HeaderName::from_static("x-total-count"),
            page.total.to_string(),
        )],
        Json(page.items),
    ))
}

/// `GET /api/v1/cases/{tracking_number}`: one case in the caller's scope, or 404.
pub async fn case(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(hotline.case_for(&staff.user, &number).await?))
}

/// `POST /api/v1/cases/{tracking_number}/phone`: the full number; the look is audited.
pub async fn reveal_phone(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let phone = hotline
        .reveal_case_phone(&staff.user, &number, &staff.origin)
        .await?;
    Ok(Json(serde_json::json!({ "phone": phone })))
}

/// `GET /api/v1/elderly?q=&district=&category=&age_min=&age_max=&joined_from=&joined_to=&page=&per_page=`:
/// a page of the elderly registry, found by the beginning of a name or by a whole phone,
/// one-key, ID or service card number, with `total` matches (`422` names a wrong field).
pub async fn elderly_list(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(query): QueryParams<ElderlyQuery>,
) -> Result<Json<ElderlyPage>, ApiError> {
    Ok(Json(hotline.elderly_for(&staff.user, &query).await?))
}

pub async fn elderly(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
) -> Result<Json<ElderlyDetail>, ApiError> {
    let detail = hotline
        .elderly_record(&staff.user, id, &staff.origin)
        .await?;
    Ok(Json(detail))
}

/// `POST /api/v1/elderly`: a person typed in (the fields of the registry's files, by
/// key); 201 with the record. `422` names each wrong field, a number someone else has
/// included (`taken`).
pub async fn elderly_create(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(input): JsonBody<ElderlyInput>,
) -> Result<(StatusCode, Json<ElderlyDetail>), ApiError> {
    let id = hotline
        .create_elderly(&staff.user, &input, &staff.origin)
        .await?;
    let detail = hotline
        .elderly_record(&staff.user, id, &staff.origin)
        .await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// `PUT /api/v1/elderly/{id}`: the record as edited, with the `version` it was read at;
/// `409` if someone changed it meanwhile. What the reader may not see (full numbers,
/// health) is kept as stored.
pub async fn elderly_update(
    State(hotline): State<Hotline>,
    staff: Staff,
    RecordId(id): RecordId,
    JsonBody(input): JsonBody<ElderlyInput>,
) -> Result<Json<ElderlyDetail>, ApiError> {
    hotline
        .update_elderly(&staff.user, id, &input, &staff.origin)
        .await?;
    let detail = hotline
        .elderly_record(&staff.user, id, &staff.origin)
        .await?;
    Ok(Json(detail))
}

/// `POST /api/v1/requests/track`: a citizen's request by tracking number and phone. A
/// wrong pair is the same 404 as an unknown number.
pub async fn track(
    State(hotline): State<Hotline>,
    JsonBody(query): JsonBody<TrackingQuery>,
) -> Result<Json<TrackedRequest>, ApiError> {
    hotline
        .track_request(&query)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

pub async fn audit(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let filter = query.to_filter(1000).map_err(ApiError::Invalid)?;
    Ok(Json(hotline.audit_search(&staff.user, &filter).await?))
}

/// `GET /api/v1/audit.csv`: the same search as CSV (up to 100,000 rows), itself audited.
pub async fn audit_csv(
    State(hotline): State<Hotline>,
    staff: Staff,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Response, ApiError> {
    let filter = query.to_filter(100_000).map_err(ApiError::Invalid)?;
    let entries = hotline
        .audit_export(&staff.user, &filter, &staff.origin)
        .await?;
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.at.to_rfc3339(),
                e.actor.clone(),
                e.address.clone().unwrap_or_default(),
                e.action.clone(),
                e.object_type.clone(),
                e.object_id.clone(),
                e.before.clone().unwrap_or_default(),
                e.after.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header = [
        "id",
        "at",
        "actor",
        "address",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
    ];
    let body = hotline_core::tabular::write_csv(&header, &rows).map_err(ApiError::Internal)?;
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

/// `POST /api/v1/cases/{tracking_number}/actions`: one step of the case flow, e.g.
/// `{"action":"dispatch","to":[{"kind":"department","id":3}]}`. 200 with the case as the
/// caller now sees it; 409 when the step is not possible in the case's state; 422 by field.
pub async fn case_action(
    State(hotline): State<Hotline>,
    staff: Staff,
    Path(number): Path<String>,
    JsonBody(action): JsonBody<CaseAction>,
) -> Result<Json<CaseDetail>, ApiError> {
    let detail = hotline
        .act(&staff.user, &number, &action, &staff.origin)
        .await?;
    Ok(Json(detail))
}

/// `GET /api/v1/cases/counts`: the caller's cases by light, overdue kind and queue.
pub async fn case_counts(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<CaseCounts>, ApiError> {
    Ok(Json(hotline.case_counts(&staff.user).await?))
}

/// `GET /api/v1/notifications`: the caller's in-app notices, newest first.
pub async fn notifications(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<Vec<Notification>>, ApiError> {
    Ok(Json(hotline.notifications_for(&staff.user).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadUpTo {
    up_to: i64,
}

/// `POST /api/v1/notifications/read` `{"up_to": <notice id>}`: the caller has seen their
/// notices up to that one (204); an id that is not among theirs is refused by field.
pub async fn notifications_read(
    State(hotline): State<Hotline>,
    staff: Staff,
    JsonBody(body): JsonBody<ReadUpTo>,
) -> Result<StatusCode, ApiError> {
    hotline.mark_notices_read(&staff.user, body.up_to).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/sms-outbox`: every SMS the platform wrote, newest first.
pub async fn sms_outbox(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<Vec<SmsMessage>>, ApiError> {
    Ok(Json(hotline.sms_outbox(&staff.user).await?))
}

/// `GET /api/v1/dispatch-targets`: departments, vendors and dispositions for the forms.
pub async fn dispatch_targets(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<DispatchTargets>, ApiError> {
    Ok(Json(hotline.dispatch_targets(&staff.user).await?))
}
