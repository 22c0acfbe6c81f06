//! The HTTP surface: the JSON API, server push, health, the language switch, and the
//! Leptos pages and server functions. Handlers are a line or two over `hotline-core`.

pub mod access;
mod alarms;
pub mod assets;
mod clients;
mod desk;
mod error;
mod knowledge;
mod open311;
mod places;
mod portal;
mod providers;
mod registry_files;
mod routes;
mod staff;
pub use staff::local_path;
pub mod telephony;
mod vendors;

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{FromRef, Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use futures::{Stream, StreamExt};
use hotline_app::api::request;
use hotline_core::{Event, Hotline};
use hotline_domain::{
    Channel, FiledRequest, FormOptions, Lang, NewRequestInput, RatingInput, RequestSummary,
    TrackedRequest,
};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use request::{JsonBody, Staff, Visitor};
use tokio::sync::watch;
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::ApiError;
use routes::Routes;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub hotline: Hotline,
    /// Turns true when the server starts shutting down; long-lived streams end on it so the
    /// graceful shutdown is not held open by connected browsers.
    pub shutdown: watch::Receiver<bool>,
    pub web: std::sync::Arc<access::WebConfig>,
    pub limiter: std::sync::Arc<access::RateLimiter>,
    pub assets: std::sync::Arc<assets::Assets>,
}

/// The JSON API and other non-page routes: each declared once, with who may use it
/// (pages and server functions are listed by Leptos itself; their rules are in
/// `access::rules`).
pub(crate) fn api_routes() -> Routes {
    use access::Need::{self, CaseReader, HelpSender, Public, SignedIn};
    use access::{perm, Limit};
    use hotline_domain::Permission::{
        Administer, Alarms, Approve, AuditLog, ContactReveal, Dispatch, ElderlyRegistry, Export,
        Intake, ProviderRegistry,
    };
    Routes::new()
        // Health, language, sign-in.
        .get("/healthz", Public, health)
        .get("/lang/{code}", Public, switch_language)
        .post("/auth/login", Limit::SignIn, staff::sign_in)
        .post("/auth/logout", SignedIn, staff::sign_out)
        .get("/api/v1/me", SignedIn, staff::me)
        // Citizens (SPEC P1, P2, P5).
        .post("/api/v1/requests", Limit::Filing, file_request)
        // The portal's forms posted without JavaScript (the pages themselves are Leptos's).
        .post("/", Limit::Filing, portal::file_request)
        .post("/track", Limit::Tracking, portal::track_request)
        .post("/api/v1/requests/track", Limit::Tracking, staff::track)
        .post("/api/v1/requests/rating", Limit::Tracking, rate_request)
        .get("/api/v1/form-options", Public, form_options)
        // Open311 GeoReport v2 (SPEC I2): reads are public (no personal data); filing
        // needs an API key, checked and budgeted per key by the handler.
        .get("/open311/v2/{file}", Public, open311::get_root)
        .post("/open311/v2/{file}", Public, open311::post_requests)
        .get("/open311/v2/services/{file}", Public, open311::get_service)
        .get("/open311/v2/requests/{file}", Public, open311::get_request)
        .get("/api/v1/requests/new", perm(Intake), new_requests)
        .get("/api/v1/events", SignedIn, events)
        // Cases, by row scope. Each step checks its own permission and the caller's part
        // of the case (the flow).
        .get("/api/v1/cases", CaseReader, staff::cases)
        .get("/api/v1/cases/{tracking_number}", CaseReader, staff::case)
        .get("/api/v1/cases/counts", CaseReader, staff::case_counts)
        .post(
            "/api/v1/cases/{tracking_number}/actions",
            CaseReader,
            staff::case_action,
        )
        .get("/api/v1/notifications", CaseReader, staff::notifications)
        .post(
            "/api/v1/notifications/read",
            CaseReader,
            staff::notifications_read,
        )
        .get("/api/v1/sms-outbox", perm(Administer), staff::sms_outbox)
        .get("/api/v1/api-keys", perm(Administer), open311::api_keys)
        .post("/api/v1/api-keys", perm(Administer), open311::issue_api_key)
        .post(
            "/api/v1/api-keys/{id}/revoke",
            perm(Administer),
            open311::revoke_api_key,
        )
        .get(
            "/api/v1/dispatch-targets",
            perm(Dispatch),
            staff::dispatch_targets,
        )
        .post(
            "/api/v1/cases/{tracking_number}/phone",
            perm(ContactReveal),
            staff::reveal_phone,
        )
        // Who can help near a point (G2).
        .get("/api/v1/providers/nearest", HelpSender, places::nearest)
        // The map's layers (G1); each layer checks its own reader.
        .get("/api/v1/map", SignedIn, places::map)
        .get("/api/v1/map/districts", Public, places::districts)
        // Correcting a position (G3); the layer checks who may.
        .put(
            "/api/v1/map/{layer}/{id}/position",
            SignedIn,
            places::move_place,
        )
        // Vendor registry (R1): read by those who send help, kept by the registry's keepers;
        // a vendor's own account reads and edits its own record (the service decides).
        .get("/api/v1/vendors", Need::VendorReader, vendors::list)
        .get(
            "/api/v1/vendors/export",
            Need::VendorExporter,
            registry_files::export_vendors,
        )
        .post("/api/v1/vendors", perm(ProviderRegistry), vendors::create)
        .get("/api/v1/vendors/{id}", Need::VendorReader, vendors::record)
        .put("/api/v1/vendors/{id}", Need::VendorReader, vendors::update)
        .post(
            "/api/v1/vendors/{id}/staff",
            Need::VendorReader,
            vendors::add_staff,
        )
        .put(
            "/api/v1/vendors/{id}/staff/{staff_id}",
            Need::VendorReader,
            vendors::update_staff,
        )
        .post(
            "/api/v1/vendors/{id}/inspections",
            perm(ProviderRegistry),
            vendors::inspect,
        )
        // Skilled individuals and volunteers (R2): read by those who send help, kept by
        // the registry's keepers.
        .get("/api/v1/providers", Need::ProviderReader, providers::list)
        .get(
            "/api/v1/providers/export",
            Need::VendorExporter,
            registry_files::export_providers,
        )
        .post(
            "/api/v1/providers",
            perm(ProviderRegistry),
            providers::create,
        )
        .get(
            "/api/v1/providers/{id}",
            Need::ProviderReader,
            providers::record,
        )
        .put(
            "/api/v1/providers/{id}",
            perm(ProviderRegistry),
            providers::update,
        )
        // Client register (R4): staff who take calls; marks need their own permission
        // (the service decides).
        .get("/api/v1/clients", perm(Intake), clients::list)
        .post("/api/v1/clients", perm(Intake), clients::create)
        .get("/api/v1/clients/{id}", perm(Intake), clients::record)
        .put("/api/v1/clients/{id}", perm(Intake), clients::update)
        .post(
            "/api/v1/clients/{id}/phone",
            perm(Intake),
            clients::reveal_phone,
        )
        // Elderly registry.
        .get(
            "/api/v1/elderly",
            perm(ElderlyRegistry),
            staff::elderly_list,
        )
        .post(
            "/api/v1/elderly",
            perm(ElderlyRegistry),
            staff::elderly_create,
        )
        .get(
            "/api/v1/elderly/{id}",
            perm(ElderlyRegistry),
            staff::elderly,
        )
        .put(
            "/api/v1/elderly/{id}",
            perm(ElderlyRegistry),
            staff::elderly_update,
        )
        // The registry as a file: export, the import template, imports and their reports.
        .get(
            "/api/v1/elderly/export",
            Need::Both(ElderlyRegistry, Export),
            registry_files::export,
        )
        .get(
            "/api/v1/elderly/template",
            perm(ElderlyRegistry),
            registry_files::template,
        )
        .post_upload(
            "/api/v1/elderly/import",
            perm(ElderlyRegistry),
            registry_files::IMPORT_BODY_MAX,
            registry_files::import,
        )
        .get(
            "/api/v1/elderly/imports/{id}",
            perm(ElderlyRegistry),
            registry_files::report,
        )
        .post_upload(
            "/care/elderly/imports",
            perm(ElderlyRegistry),
            registry_files::IMPORT_BODY_MAX,
            registry_files::import_form,
        )
        // The one-key alarm gateway's webhook (signed like the telephone system's), and the
        // consoles' reads.
        .post("/api/v1/alarms", Public, alarms::receive)
        .get("/api/v1/alarms", perm(Alarms), alarms::open)
        .get("/api/v1/alarms/events", perm(Alarms), alarms::events)
        .get("/api/v1/alarms/figures", perm(Alarms), alarms::figures)
        .get("/api/v1/alarms/{id}", perm(Alarms), alarms::card)
        .post("/api/v1/alarms/{id}/actions", perm(Alarms), alarms::act)
        // The telephone system's webhook: authenticated by its HMAC signature, not a session.
        .post("/api/v1/telephony/events", Public, telephony::event)
        .get(
            "/api/v1/calls/{call_id}/card",
            perm(Intake),
            telephony::card,
        )
        .post(
            "/api/v1/calls/{call_id}/case",
            perm(Intake),
            telephony::register,
        )
        // Agent status (A4) and missed calls (A3).
        .put(
            "/api/v1/agents/me/status",
            perm(Intake),
            telephony::set_status,
        )
        .get("/api/v1/agents", perm(Approve), telephony::agents)
        .get("/api/v1/missed-calls", perm(Intake), telephony::missed)
        .post(
            "/api/v1/missed-calls/{call_id}/assign",
            perm(Approve),
            telephony::assign,
        )
        .post(
            "/api/v1/missed-calls/{call_id}/done",
            perm(Intake),
            telephony::done,
        )
        // Case links (W8) and the shift handover (A5).
        .post(
            "/api/v1/cases/{tracking_number}/links",
            perm(Intake),
            desk::link,
        )
        .delete(
            "/api/v1/cases/{tracking_number}/links/{other}",
            perm(Intake),
            desk::unlink,
        )
        .get("/api/v1/handovers", perm(Approve), desk::handovers)
        .post("/api/v1/handovers", perm(Approve), desk::hand_over)
        .get("/api/v1/handovers/draft", perm(Approve), desk::draft)
        .get("/api/v1/handovers/{id}", perm(Approve), desk::handover)
        .post(
            "/api/v1/handovers/{id}/ack",
            perm(Approve),
            desk::acknowledge,
        )
        // Knowledge base: citizens search the public articles; call takers edit.
        .get("/api/v1/kb/search", Public, knowledge::search)
        .get("/api/v1/kb/categories", Public, knowledge::categories)
        .get("/api/v1/kb/articles/{id}", Public, knowledge::article)
        .post(
            "/api/v1/kb/categories",
            perm(Approve),
            knowledge::create_category,
        )
        .put(
            "/api/v1/kb/categories/{id}",
            perm(Approve),
            knowledge::rename_category,
        )
        .delete(
            "/api/v1/kb/categories/{id}",
            perm(Approve),
            knowledge::delete_category,
        )
        .post("/api/v1/kb/articles", perm(Intake), knowledge::create)
        .put("/api/v1/kb/articles/{id}", perm(Intake), knowledge::update)
        .get(
            "/api/v1/kb/drafts/{tracking_number}",
            perm(Intake),
            knowledge::draft_from_case,
        )
        // Audit log.
        .get("/api/v1/audit", perm(AuditLog), staff::audit)
        .get("/api/v1/audit.csv", perm(AuditLog), staff::audit_csv)
}

/// Every route the server answers (method, path as registered): the API routes, the
/// Leptos pages and the server functions. The authorization matrix test walks this list.
pub fn route_inventory() -> Vec<(Method, String)> {
    let mut all: Vec<(Method, String)> = api_routes()
        .rules()
        .iter()
        .map(|r| (r.method.parse().expect("a method name"), r.path.to_string()))
        .collect();
    for listing in generate_route_list(hotline_app::App) {
        for method in listing.methods() {
            let method = match method {
                leptos_router::Method::Get => Method::GET,
                leptos_router::Method::Post => Method::POST,
                leptos_router::Method::Put => Method::PUT,
                leptos_router::Method::Delete => Method::DELETE,
                leptos_router::Method::Patch => Method::PATCH,
            };
            all.push((method, listing.path().to_string()));
        }
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        all.push((method, path.to_string()));
    }
    all
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(hotline_app::App);
    let hotline = state.hotline.clone();
    let options = state.leptos_options.clone();
    let router = api_routes()
        .into_router()
        .leptos_routes_with_context(
            &state,
            routes,
            move || leptos::context::provide_context(hotline.clone()),
            move || hotline_app::shell(options.clone()),
        )
        // After routing: the declared rule of the matched route (and its rate limit).
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::authorize,
        ))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            hotline_app::shell,
        ))
        // Before routing: cross-site refusal, then who is asking.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::resolve_session,
        ))
        .layer(axum::middleware::from_fn(access::refuse_cross_site))
        // Error answers in the reader's language.
        .layer(axum::middleware::from_fn(error::localise_errors))
        // How long browsers keep what (hashed files a year, pages never).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            assets::cache_control,
        ))
        // Responses made here are compressed on the way out; the front end's files were
        // compressed at build time and are sent as they are (an encoded response is left
        // alone). The default predicate leaves server-sent events uncompressed, so pushes
        // are not held in a buffer.
        .layer(tower_http::compression::CompressionLayer::new())
        // Headers every response carries. Pages set their own nonce-based policy while
        // rendering (`hotline_app::shell`); anything else (JSON, events, files) gets a
        // policy that lets nothing run.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state);
    FIXED_HEADERS.iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ))
    })
}

/// Headers set on every response, whatever produced it.
const FIXED_HEADERS: &[(&str, &str)] = &[
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), payment=(), usb=()",
    ),
];

/// `POST /api/v1/requests`: file an online help request (SPEC P1). 201 with the tracking
/// number, 422 with per-field messages, nothing stored on any error.
async fn file_request(
    State(hotline): State<Hotline>,
    visitor: Visitor,
    JsonBody(input): JsonBody<NewRequestInput>,
) -> Result<(StatusCode, Json<FiledRequest>), ApiError> {
    let origin = visitor.citizen(Channel::Web);
    let filed = hotline.file_request(&input, Channel::Web, &origin).await?;
    Ok((StatusCode::CREATED, Json(filed)))
}

/// `POST /api/v1/requests/rating`: the citizen rates a handled request (SPEC P2):
/// `{"tracking_number", "phone", "satisfaction": "satisfied"|"fair"|"dissatisfied",
/// "comment"}`. 200 with the request as tracked now; 404 for a wrong number or phone; 409
/// when it is not waiting for a rating (not handled yet, or already rated); 422 by field.
async fn rate_request(
    State(hotline): State<Hotline>,
    visitor: Visitor,
    JsonBody(input): JsonBody<RatingInput>,
) -> Result<Json<TrackedRequest>, ApiError> {
    let origin = visitor.citizen(Channel::Web);
    hotline
        .rate_request(&input, &origin)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// `GET /api/v1/requests/new`: requests waiting for an agent, newest first.
async fn new_requests(
    State(hotline): State<Hotline>,
    staff: Staff,
) -> Result<Json<Vec<RequestSummary>>, ApiError> {
    Ok(Json(hotline.new_requests(&staff.user).await?))
}

/// `GET /api/v1/form-options`: the catalogue (levels 1–2) and the districts.
async fn form_options(State(hotline): State<Hotline>) -> Result<Json<FormOptions>, ApiError> {
    Ok(Json(hotline.form_options().await?))
}

/// `GET /api/v1/events`: server-sent events for open agent screens. Each event's name is
/// its kind (`request_filed`) and its data the JSON of what happened.
async fn events(
    State(hotline): State<Hotline>,
    State(shutdown): State<watch::Receiver<bool>>,
    staff: Staff,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    // Each person hears what is theirs: new requests if they take them, case changes if
    // they have a case list, notices addressed to their department, vendor or the centre.
    let user = staff.user;
    // The rule let this stream open; it stays open only while the session lasts (checked
    // on every heartbeat, 30 s).
    let token = access::session_token(&headers).unwrap_or_default();
    let checker = hotline.clone();
    // An agent's open desk is their presence (A3): seen now and on every heartbeat.
    let present = |hotline: Hotline, user: hotline_domain::StaffUser| async move {
        if let Err(e) = hotline.agent_present(&user).await {
            tracing::warn!(error = %e, "event stream: presence not recorded");
        }
    };
    present(hotline.clone(), user.clone()).await;
    let here = user.clone();
    let revoked = async move {
        let beat = Duration::from_secs(hotline_core::calls::PRESENCE_HEARTBEAT_SECONDS);
        loop {
            tokio::time::sleep(beat).await;
            present(checker.clone(), here.clone()).await;
            match checker.resolve_session(&token).await {
                Ok(hotline_core::auth::SessionState::Active(_)) => {}
                Ok(_) => break,
                Err(e) => tracing::warn!(error = %e, "event stream: session check failed"),
            }
        }
    };
    // Subscribed before the missed alarm events are read, so none falls between the two.
    let live = hotline.events.subscribe();
    // A console that reconnects says which alarm event it saw last (`Last-Event-ID`; only
    // alarm events carry ids): it gets every one after it from the durable log first.
    let mut missed = Vec::new();
    let mut replayed_up_to = i64::MIN;
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    if let Some(after) = last_seen.filter(|_| user.can(hotline_domain::Permission::Alarms)) {
        let log = hotline.alarm_events_after(&user, after).await?;
        replayed_up_to = log.last().map_or(after, |e| e.id);
        let more = log.len() >= hotline_core::alarms::EVENTS_MAX as usize;
        missed.extend(log.iter().filter_map(|e| to_sse(&Event::alarm(e))));
        if more {
            // More than one read holds: the console reloads what it shows.
            missed.extend(to_sse(&Event::Resync));
        }
        tracing::info!(after, replayed = log.len(), "event stream resumed");
    }
    let user = std::sync::Arc::new(user);
    let stream = futures::stream::iter(missed)
        .chain(BroadcastStream::new(live).filter_map(move |item| {
            let user = user.clone();
            async move {
                match item {
                    // Already sent from the log.
                    Ok(Event::Alarm { event_id, .. }) if event_id <= replayed_up_to => None,
                    Ok(event) if event.is_for(&user) => to_sse(&event),
                    Ok(_) => None,
                    Err(BroadcastStreamRecvError::Lagged(missed)) => {
                        // A browser too slow to keep up is told to reload what it shows.
                        tracing::warn!(missed, "event stream lagged");
                        to_sse(&Event::Resync)
                    }
                }
            }
        }))
        .map(Ok)
        .take_until(async move {
            let mut shutdown = shutdown;
            tokio::select! {
                _ = shutdown.wait_for(|stopping| *stopping) => {}
                _ = revoked => {}
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn to_sse(event: &Event) -> Option<SseEvent> {
    let data = match event {
        Event::RequestFiled(summary) => serde_json::to_string(summary),
        Event::CaseChanged {
            tracking_number,
            status,
        } => serde_json::to_string(&serde_json::json!({
            "tracking_number": tracking_number,
            "status": status,
        })),
        Event::Notice {
            tracking_number,
            kind,
            message,
            ..
        } => serde_json::to_string(&serde_json::json!({
            "tracking_number": tracking_number,
            "kind": kind,
            "message": message,
        })),
        Event::IncomingCall { call_id, .. } | Event::MissedCall { call_id, .. } => {
            serde_json::to_string(&serde_json::json!({ "call_id": call_id }))
        }
        Event::Alarm {
            event_id,
            alarm_id,
            kind,
        } => serde_json::to_string(&serde_json::json!({
            "event_id": event_id,
            "alarm_id": alarm_id,
            "kind": kind,
        })),
        Event::Resync => Ok(String::new()),
        // Between instances only (`Event::is_for` keeps it from every stream).
        Event::CodesChanged => return None,
    };
    // Alarm events carry their place in the alarm log: a browser's EventSource sends the
    // last one back as `Last-Event-ID` when it reconnects.
    let id = match event {
        Event::Alarm { event_id, .. } => Some(event_id.to_string()),
        _ => None,
    };
    match data {
        Ok(data) => {
            let sse = SseEvent::default().event(event.name()).data(data);
            Some(match id {
                Some(id) => sse.id(id),
                None => sse,
            })
        }
        Err(e) => {
            tracing::error!(error = %e, "event not serialisable");
            None
        }
    }
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn health(State(hotline): State<Hotline>) -> Response {
    match hotline.store.ping().await {
        Ok(()) => Json(serde_json::json!({
            "status": "ok",
            "database": format!("{:?}", hotline.store.backend()).to_lowercase(),
        }))
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

/// `GET /lang/{zh|en}`: remembers the language in a cookie and goes back where the reader was.
async fn switch_language(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::from_tag(&code);
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(url_path)
        .unwrap_or_else(|| "/".to_string());
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The path (and query) of a same-site URL, so the language switch never redirects off-site.
pub fn url_path(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let path = &rest[rest.find('/')?..];
    let off_site = path.starts_with("//") || path.starts_with("/\\");
    (!off_site).then(|| path.to_string())
}
