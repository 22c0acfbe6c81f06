//! Who may reach which route: one declared table ([`RULES`]) for every API route, page and
//! server function, enforced by one middleware after routing. A route without a rule is
//! refused (and the authorization matrix test fails), so nothing is open by accident.
//!
//! Also here: the session cookie (who is asking), cross-site request refusal for every
//! state-changing request, and per-address rate limits on the public endpoints.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hotline_core::auth::SessionState;
use hotline_core::Hotline;
use hotline_domain::{Permission, StaffUser};

use super::ApiError;

/// The signed-in staff member of this request, if any (a request extension; server
/// functions read it from the request parts).
pub use hotline_core::auth::{ClientAddress, CurrentUser};

pub const SESSION_COOKIE: &str = "hotline_session";

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in staff member.
    SignedIn,
    /// A signed-in staff member with this permission.
    Permission(Permission),
    /// A signed-in staff member with a case list (whole centre, department or vendor).
    CaseReader,
}

/// Which per-address budget a public route draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    Filing,
    Tracking,
    SignIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub method: &'static str,
    /// The route as registered (axum syntax, `{param}`).
    pub path: &'static str,
    pub need: Need,
    pub limit: Option<Limit>,
}

const fn rule(method: &'static str, path: &'static str, need: Need) -> Rule {
    Rule {
        method,
        path,
        need,
        limit: None,
    }
}

const fn limited(method: &'static str, path: &'static str, limit: Limit) -> Rule {
    Rule {
        method,
        path,
        need: Need::Public,
        limit: Some(limit),
    }
}

use Need::{CaseReader, Public, SignedIn};
const fn perm(p: Permission) -> Need {
    Need::Permission(p)
}

/// Every route of the platform and who may use it.
pub const RULES: &[Rule] = &[
    // Health, language, sign-in.
    rule("GET", "/healthz", Public),
    rule("GET", "/lang/{code}", Public),
    limited("POST", "/auth/login", Limit::SignIn),
    rule("POST", "/auth/logout", SignedIn),
    rule("GET", "/api/v1/me", SignedIn),
    // Citizens (SPEC P1, P2, P5).
    limited("POST", "/api/v1/requests", Limit::Filing),
    limited("POST", "/api/v1/requests/track", Limit::Tracking),
    rule("GET", "/api/v1/form-options", Public),
    rule("GET", "/api/v1/requests/new", perm(Permission::Intake)),
    rule("GET", "/api/v1/events", SignedIn),
    // Cases, by row scope.
    rule("GET", "/api/v1/cases", CaseReader),
    rule("GET", "/api/v1/cases/{tracking_number}", CaseReader),
    rule("GET", "/api/v1/cases/counts", CaseReader),
    // Each step checks its own permission and the caller's part of the case (the flow).
    rule(
        "POST",
        "/api/v1/cases/{tracking_number}/actions",
        CaseReader,
    ),
    rule("GET", "/api/v1/notifications", CaseReader),
    rule("GET", "/api/v1/sms-outbox", perm(Permission::Administer)),
    rule(
        "GET",
        "/api/v1/dispatch-targets",
        perm(Permission::Dispatch),
    ),
    rule(
        "POST",
        "/api/v1/cases/{tracking_number}/phone",
        perm(Permission::ContactReveal),
    ),
    // Elderly registry.
    rule("GET", "/api/v1/elderly", perm(Permission::ElderlyRegistry)),
    rule(
        "GET",
        "/api/v1/elderly/{id}",
        perm(Permission::ElderlyRegistry),
    ),
    // The telephone system's webhook: authenticated by its HMAC signature, not a session.
    rule("POST", "/api/v1/telephony/events", Public),
    rule(
        "GET",
        "/api/v1/calls/{call_id}/card",
        perm(Permission::Intake),
    ),
    rule(
        "POST",
        "/api/v1/calls/{call_id}/case",
        perm(Permission::Intake),
    ),
    // Agent status (A4) and missed calls (A3).
    rule("PUT", "/api/v1/agents/me/status", perm(Permission::Intake)),
    rule("GET", "/api/v1/agents", perm(Permission::Approve)),
    rule("GET", "/api/v1/missed-calls", perm(Permission::Intake)),
    rule(
        "POST",
        "/api/v1/missed-calls/{call_id}/assign",
        perm(Permission::Approve),
    ),
    rule(
        "POST",
        "/api/v1/missed-calls/{call_id}/done",
        perm(Permission::Intake),
    ),
    // Case links (W8) and the shift handover (A5).
    rule(
        "POST",
        "/api/v1/cases/{tracking_number}/links",
        perm(Permission::Intake),
    ),
    rule(
        "DELETE",
        "/api/v1/cases/{tracking_number}/links/{other}",
        perm(Permission::Intake),
    ),
    rule("GET", "/api/v1/handovers", perm(Permission::Approve)),
    rule("POST", "/api/v1/handovers", perm(Permission::Approve)),
    rule("GET", "/api/v1/handovers/draft", perm(Permission::Approve)),
    rule("GET", "/api/v1/handovers/{id}", perm(Permission::Approve)),
    rule(
        "POST",
        "/api/v1/handovers/{id}/ack",
        perm(Permission::Approve),
    ),
    // Knowledge base: citizens search the public articles; call takers edit.
    rule("GET", "/api/v1/kb/search", Public),
    rule("GET", "/api/v1/kb/categories", Public),
    rule("GET", "/api/v1/kb/articles/{id}", Public),
    rule("POST", "/api/v1/kb/categories", perm(Permission::Approve)),
    rule(
        "PUT",
        "/api/v1/kb/categories/{id}",
        perm(Permission::Approve),
    ),
    rule(
        "DELETE",
        "/api/v1/kb/categories/{id}",
        perm(Permission::Approve),
    ),
    rule("POST", "/api/v1/kb/articles", perm(Permission::Intake)),
    rule("PUT", "/api/v1/kb/articles/{id}", perm(Permission::Intake)),
    rule(
        "GET",
        "/api/v1/kb/drafts/{tracking_number}",
        perm(Permission::Intake),
    ),
    // Audit log.
    rule("GET", "/api/v1/audit", perm(Permission::AuditLog)),
    rule("GET", "/api/v1/audit.csv", perm(Permission::AuditLog)),
    // Pages.
    rule("GET", "/", Public),
    rule("GET", "/track", Public),
    rule("GET", "/login", Public),
    rule("GET", "/agent/requests", perm(Permission::Intake)),
    rule("GET", "/cases", CaseReader),
    rule("GET", "/cases/{tracking_number}", CaseReader),
    rule("GET", "/care/elderly", perm(Permission::ElderlyRegistry)),
    rule(
        "GET",
        "/care/elderly/{id}",
        perm(Permission::ElderlyRegistry),
    ),
    rule("GET", "/admin/users", perm(Permission::Administer)),
    rule("GET", "/admin/roles", perm(Permission::Administer)),
    rule("GET", "/admin/departments", perm(Permission::Administer)),
    rule("GET", "/admin/codes", perm(Permission::Administer)),
    rule("GET", "/admin/audit", perm(Permission::AuditLog)),
    rule("GET", "/admin/sms", perm(Permission::Administer)),
    rule("GET", "/knowledge", Public),
    rule("GET", "/handover", perm(Permission::Approve)),
    rule("GET", "/knowledge/write", perm(Permission::Intake)),
    rule("GET", "/knowledge/{id}", Public),
    // Server functions.
    rule("POST", "/api/fn/form_options", Public),
    limited("POST", "/api/fn/file_request", Limit::Filing),
    limited("POST", "/api/fn/track_request", Limit::Tracking),
    rule("POST", "/api/fn/current_user", Public),
    rule("POST", "/api/fn/new_requests", perm(Permission::Intake)),
    rule("POST", "/api/fn/list_cases", CaseReader),
    rule("POST", "/api/fn/case_counts", CaseReader),
    rule("POST", "/api/fn/case_action", CaseReader),
    rule(
        "POST",
        "/api/fn/dispatch_targets",
        perm(Permission::Dispatch),
    ),
    rule("POST", "/api/fn/my_notifications", CaseReader),
    rule("POST", "/api/fn/sms_outbox", perm(Permission::Administer)),
    rule("POST", "/api/fn/get_case", CaseReader),
    rule(
        "POST",
        "/api/fn/reveal_phone",
        perm(Permission::ContactReveal),
    ),
    rule(
        "POST",
        "/api/fn/list_elderly",
        perm(Permission::ElderlyRegistry),
    ),
    rule(
        "POST",
        "/api/fn/get_elderly",
        perm(Permission::ElderlyRegistry),
    ),
    rule("POST", "/api/fn/caller_card", perm(Permission::Intake)),
    rule("POST", "/api/fn/register_call", perm(Permission::Intake)),
    rule("POST", "/api/fn/set_my_status", perm(Permission::Intake)),
    rule("POST", "/api/fn/my_status", perm(Permission::Intake)),
    rule("POST", "/api/fn/my_missed_calls", perm(Permission::Intake)),
    rule("POST", "/api/fn/missed_call_done", perm(Permission::Intake)),
    rule("POST", "/api/fn/link_case", perm(Permission::Intake)),
    rule("POST", "/api/fn/unlink_case", perm(Permission::Intake)),
    rule("POST", "/api/fn/handover_desk", perm(Permission::Approve)),
    rule("POST", "/api/fn/hand_over", perm(Permission::Approve)),
    rule(
        "POST",
        "/api/fn/acknowledge_handover",
        perm(Permission::Approve),
    ),
    rule("POST", "/api/fn/agent_board", perm(Permission::Approve)),
    rule(
        "POST",
        "/api/fn/reassign_missed_call",
        perm(Permission::Approve),
    ),
    rule("POST", "/api/fn/kb_search", Public),
    rule("POST", "/api/fn/kb_article", Public),
    rule("POST", "/api/fn/kb_categories", Public),
    rule("POST", "/api/fn/kb_editor", perm(Permission::Intake)),
    rule(
        "POST",
        "/api/fn/save_kb_category",
        perm(Permission::Approve),
    ),
    rule(
        "POST",
        "/api/fn/delete_kb_category",
        perm(Permission::Approve),
    ),
    rule("POST", "/api/fn/save_article", perm(Permission::Intake)),
    rule("POST", "/api/fn/search_audit", perm(Permission::AuditLog)),
    rule("POST", "/api/fn/admin_users", perm(Permission::Administer)),
    rule("POST", "/api/fn/save_user", perm(Permission::Administer)),
    rule("POST", "/api/fn/unlock_user", perm(Permission::Administer)),
    rule("POST", "/api/fn/admin_roles", perm(Permission::Administer)),
    rule("POST", "/api/fn/save_role", perm(Permission::Administer)),
    rule(
        "POST",
        "/api/fn/admin_departments",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/save_department",
        perm(Permission::Administer),
    ),
    rule("POST", "/api/fn/admin_codes", perm(Permission::Administer)),
    rule(
        "POST",
        "/api/fn/save_category",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/save_disposition",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/rename_region",
        perm(Permission::Administer),
    ),
];

pub fn rule_for(method: &Method, path: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.path == path && r.method == method.as_str())
}

impl Need {
    pub fn allows(self, user: Option<&StaffUser>) -> bool {
        match (self, user) {
            (Need::Public, _) => true,
            (_, None) => false,
            (Need::SignedIn, Some(_)) => true,
            (Need::Permission(p), Some(u)) => u.can(p),
            (Need::CaseReader, Some(u)) => u.sees_cases(),
        }
    }
}

/// How the HTTP layer protects itself; set from the command line.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// `(requests, per window)` for each public budget.
    pub limits: HashMap<Limit, (u32, Duration)>,
    pub cookie_secure: CookieSecure,
    /// Take the client address from the last `X-Forwarded-For` hop (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Shared secret of the telephone system's webhook; unset, the webhook answers 503.
    pub telephony_secret: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CookieSecure {
    /// `Secure` when the request came over HTTPS (`X-Forwarded-Proto: https` from the proxy).
    Auto,
    Always,
    Never,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            limits: HashMap::from([
                (Limit::Filing, (20, Duration::from_secs(600))),
                (Limit::Tracking, (30, Duration::from_secs(60))),
                (Limit::SignIn, (10, Duration::from_secs(60))),
            ]),
            cookie_secure: CookieSecure::Auto,
            trust_proxy: false,
            telephony_secret: None,
        }
    }
}

/// Parses `N/SECONDS` (e.g. `20/600`: twenty requests per ten minutes).
pub fn parse_limit(raw: &str) -> Result<(u32, Duration), String> {
    let (n, secs) = raw
        .split_once('/')
        .ok_or_else(|| format!("expected N/SECONDS, got {raw:?}"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("bad count in {raw:?}"))?;
    let secs: u64 = secs
        .trim()
        .parse()
        .map_err(|_| format!("bad seconds in {raw:?}"))?;
    if n == 0 || secs == 0 {
        return Err(format!("{raw:?}: both numbers must be positive"));
    }
    Ok((n, Duration::from_secs(secs)))
}

/// Fixed-window counters per (budget, address), in memory. Each server instance counts on
/// its own, so behind a balancer of k instances an address gets at most k times the budget.
/// IPv6 clients are counted per /64 (one household or host usually holds a whole /64).
#[derive(Debug, Default)]
pub struct RateLimiter {
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    /// (budget, address) → (window start, requests, window length).
    windows: HashMap<(Limit, IpAddr), (Instant, u32, Duration)>,
    last_sweep: Option<Instant>,
}

/// The key an address is counted under: itself for IPv4, its /64 for IPv6.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(std::net::Ipv6Addr::from(segments))
        }
    }
}

impl RateLimiter {
    /// `Ok` if the request fits the budget, else how long until it would.
    pub fn check(
        &self,
        limit: Limit,
        ip: IpAddr,
        (max, window): (u32, Duration),
    ) -> Result<(), Duration> {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // Expired windows are swept at most every ten seconds, each by its own length.
        if state
            .last_sweep
            .is_none_or(|t| now.duration_since(t) > Duration::from_secs(10))
        {
            state
                .windows
                .retain(|_, (start, _, len)| now.duration_since(*start) < *len);
            state.last_sweep = Some(now);
        }
        let entry = state
            .windows
            .entry((limit, bucket(ip)))
            .or_insert((now, 0, window));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0, window);
        }
        if entry.1 >= max {
            return Err(window.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The client's address: the socket peer, or the proxy's last `X-Forwarded-For` hop.
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|p| p.ip())
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE).map(str::to_string)
}

/// `Set-Cookie` for a session: HttpOnly, SameSite=Lax, `Secure` on HTTPS; no Max-Age, so it
/// ends with the browser (the server ends it earlier when idle or too old).
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).expect("hex token is a valid header")
}

pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    let value = format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).expect("static cookie")
}

pub fn is_https(headers: &HeaderMap, mode: CookieSecure) -> bool {
    match mode {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https")),
    }
}

/// First layer: finds the signed-in user from the session cookie. An expired or unknown
/// session's cookie is cleared on the way out.
pub async fn resolve_session(
    State(hotline): State<Hotline>,
    State(web): State<Arc<WebConfig>>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = session_token(request.headers());
    let mut stale = false;
    let user = match &token {
        None => None,
        Some(token) => match hotline.resolve_session(token).await {
            Ok(SessionState::Active(user)) => Some(user),
            Ok(SessionState::Invalid) => {
                stale = true;
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "session store unavailable")
                    .into_response();
            }
        },
    };
    let secure = is_https(request.headers(), web.cookie_secure);
    let signed_in = user.is_some();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let address = client_ip(request.headers(), peer, web.trust_proxy).map(|ip| ip.to_string());
    request.extensions_mut().insert(ClientAddress(address));
    request.extensions_mut().insert(CurrentUser(user));
    let mut response = next.run(request).await;
    // What a signed-in person sees is theirs alone: no cache keeps a copy.
    if signed_in && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if stale && !response.headers().contains_key(header::SET_COOKIE) {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, clear_session_cookie(secure));
    }
    response
}

/// Refuses state-changing requests that a browser says come from another site (Fetch
/// Metadata), or whose `Origin` is not this host. Requests with neither header are not
/// from a browser page and cannot carry a victim's cookies by forgery.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // The JSON API is read by this site's pages and by programs, never by a page of
    // another site: such reads (which may be audited views or exports) are refused too.
    let api_read_from_elsewhere = safe
        && request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|site| matches!(site, "cross-site" | "same-site"));
    if (safe && !api_read_from_elsewhere) || (!safe && same_site(request.headers())) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        problem(
            StatusCode::FORBIDDEN,
            "cross_site",
            "跨站请求已被拒绝 / Cross-site request refused",
        )
    }
}

pub fn same_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// Route layer: the declared rule of the matched route, then its rate limit.
pub async fn authorize(
    State(web): State<Arc<WebConfig>>,
    State(limiter): State<Arc<RateLimiter>>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let path = matched.as_ref().map(|m| m.as_str()).unwrap_or("");
    let Some(rule) = rule_for(request.method(), path) else {
        tracing::error!(method = %request.method(), path, "route has no access rule; refused");
        return problem(
            StatusCode::FORBIDDEN,
            "forbidden",
            "no access rule for this route",
        );
    };
    let user = request
        .extensions()
        .get::<CurrentUser>()
        .and_then(|c| c.0.as_ref());
    if !rule.need.allows(user) {
        let page = request.method() == Method::GET
            && !path.starts_with("/api/")
            && wants_html(request.headers());
        return match (user, page) {
            (None, true) => {
                let next = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let to = format!("/login?next={}", percent_encode(next));
                (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
            }
            (None, false) => ApiError::Unauthenticated.into_response(),
            (Some(_), true) => forbidden_page(),
            (Some(_), false) => ApiError::Forbidden.into_response(),
        };
    }
    if let Some(limit) = rule.limit {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        if let (Some(ip), Some(budget)) = (
            client_ip(request.headers(), peer, web.trust_proxy),
            web.limits.get(&limit),
        ) {
            if let Err(wait) = limiter.check(limit, ip, *budget) {
                tracing::warn!(%ip, ?limit, "rate limit reached");
                let secs = wait.as_secs().max(1);
                let mut response = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    &format!(
                        "请求过于频繁，请 {secs} 秒后再试 / Too many requests; try again in {secs} s"
                    ),
                );
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return response;
            }
        }
    }
    next.run(request).await
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

pub fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": code, "message": message })),
    )
        .into_response()
}

fn forbidden_page() -> Response {
    let body = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <title>无权访问 · 12345</title><link rel=\"stylesheet\" href=\"/pkg/hotline.css\"></head>\
        <body><main id=\"main\"><section class=\"panel\"><h1>无权访问 / Not allowed</h1>\
        <p>您的角色不能使用此页面。Your role cannot use this page.</p>\
        <p><a href=\"/\">返回首页 / Home</a></p></section></main></body></html>";
    let mut response = (StatusCode::FORBIDDEN, axum::response::Html(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'self'; frame-ancestors 'none'"),
    );
    response
}

pub fn percent_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_unique_per_method_and_path() {
        for (i, a) in RULES.iter().enumerate() {
            for b in &RULES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "two rules for {} {}",
                    a.method,
                    a.path
                );
            }
        }
    }

    #[test]
    fn the_window_refuses_past_its_budget_and_says_how_long_to_wait() {
        let limiter = RateLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let budget = (3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(limiter.check(Limit::SignIn, ip, budget).is_ok());
        }
        let wait = limiter.check(Limit::SignIn, ip, budget).unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        // One IPv6 /64 is one client.
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::ffff:2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(Limit::SignIn, a, budget).is_ok());
        }
        assert!(limiter.check(Limit::SignIn, b, budget).is_err());
        // Another address and another budget are counted apart.
        assert!(limiter
            .check(Limit::SignIn, "192.0.2.2".parse().unwrap(), budget)
            .is_ok());
        assert!(limiter.check(Limit::Filing, ip, budget).is_ok());
    }

    #[test]
    fn origin_must_be_this_host_unless_fetch_metadata_says_so() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(same_site(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:3000"),
        );
        assert!(same_site(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_site(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_site(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_site(&h));
    }

    #[test]
    fn limits_parse_as_count_per_seconds() {
        assert_eq!(parse_limit("20/600"), Ok((20, Duration::from_secs(600))));
        assert!(parse_limit("0/60").is_err());
        assert!(parse_limit("20").is_err());
    }
}
