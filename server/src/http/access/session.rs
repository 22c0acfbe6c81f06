//! Who is asking: the session cookie, resolved to the signed-in staff member, and the
//! client's address, both put in the request for handlers and server functions.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hotline_core::auth::SessionState;
use hotline_core::Hotline;

use super::{CookieSecure, WebConfig};

/// The signed-in staff member of this request, if any, and the client's address (request
/// extensions; `hotline_app::api::request::Staff` reads them).
pub use hotline_core::auth::{ClientAddress, CurrentUser};

pub const SESSION_COOKIE: &str = "hotline_session";

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
