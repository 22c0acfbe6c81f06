//! Cross-site request refusal (Fetch Metadata, else `Origin`) for every state-changing
//! request, and for reads of the JSON API from another site's page.

use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::problem;

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
