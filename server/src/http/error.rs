//! One error type for the JSON API and the server functions (`hotline_app::api::request`):
//! `{ "error": code, "message": text, "fields": {name: message} }`, written in the
//! reader's language by [`localise_errors`], the one layer that knows who asked.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

pub use hotline_app::api::request::{reader_lang, ApiError};

/// Rewrites an error answer in the language of the request (`Accept-Language`).
pub async fn localise_errors(request: Request, next: Next) -> Response {
    let lang = reader_lang(request.headers());
    ApiError::localise(next.run(request).await, lang)
}
