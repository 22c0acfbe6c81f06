//! Access to the HTTP surface: who may reach which route ([`rules`], enforced by
//! [`authorize`] after routing; a route without a rule is refused, so nothing is open by
//! accident), who is asking ([`session`]), cross-site refusal ([`cross_site`]) and per-address
//! rate limits ([`rate_limit`]).

mod cross_site;
mod rate_limit;
mod rules;
mod session;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;

pub use cross_site::{refuse_cross_site, same_site};
pub use rate_limit::{parse_limit, RateLimiter};
pub use rules::{perm, rule_for, Guard, Limit, Need, Rule, RuleTable, RULES};
pub use session::{
    clear_session_cookie, client_ip, is_https, resolve_session, session_cookie, session_token,
    ClientAddress, CurrentUser, SESSION_COOKIE,
};

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
    /// Shared secret of the one-key alarm gateway (same signature scheme); unset, its
    /// webhook answers 503.
    pub alarm_secret: Option<String>,
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
                (Limit::Open311Key, (120, Duration::from_secs(60))),
            ]),
            cookie_secure: CookieSecure::Auto,
            trust_proxy: false,
            telephony_secret: None,
            alarm_secret: None,
        }
    }
}

/// Route layer: the declared rule of the matched route, then its rate limit.
pub async fn authorize(
    State(web): State<Arc<WebConfig>>,
    State(limiter): State<Arc<RateLimiter>>,
    State(assets): State<Arc<super::assets::Assets>>,
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
            (Some(_), true) => forbidden_page(&assets.stylesheet),
            (Some(_), false) => ApiError::Forbidden.into_response(),
        };
    }
    if let Some(limit) = rule.limit {
        // The address `resolve_session` resolved (proxy-aware), the one the audit log records.
        let ip = request
            .extensions()
            .get::<ClientAddress>()
            .and_then(|a| a.0.as_deref())
            .and_then(|a| a.parse::<IpAddr>().ok());
        if let (Some(ip), Some(budget)) = (ip, web.limits.get(&limit)) {
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

fn forbidden_page(stylesheet: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <title>无权访问 · 12345</title><link rel=\"stylesheet\" href=\"{stylesheet}\"></head>\
        <body><main id=\"main\"><section class=\"panel\"><h1>无权访问 / Not allowed</h1>\
        <p>您的角色不能使用此页面。Your role cannot use this page.</p>\
        <p><a href=\"/\">返回首页 / Home</a></p></section></main></body></html>"
    );
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
