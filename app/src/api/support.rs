//! What every server function uses: the platform, who is asking, and the one way a
//! service's answer becomes the server function's answer.

use hotline_core::{Hotline, ServiceError};
use leptos::prelude::*;

use super::request::{ApiError, Staff, Visitor};
use super::{FormOutcome, Saved};
use crate::i18n::request_lang;

pub fn hotline() -> Result<Hotline, ServerFnError> {
    use_context::<Hotline>()
        .ok_or_else(|| ServerFnError::new("platform state missing from the request context"))
}

/// The signed-in staff member of this request (user, audit origin, the page's language).
pub fn staff() -> Result<Staff, ServerFnError> {
    let lang = request_lang();
    use_context::<http::request::Parts>()
        .ok_or(ApiError::Unauthenticated)
        .and_then(|parts| Staff::from_parts(&parts, lang))
        .map_err(|e| e.to_server_fn_error(lang))
}

/// Whoever is asking, signed in or not.
pub fn visitor() -> Visitor {
    let lang = request_lang();
    use_context::<http::request::Parts>()
        .map(|parts| Visitor::from_parts(&parts, lang))
        .unwrap_or(Visitor {
            user: None,
            address: None,
            lang,
        })
}

/// A service error as the page sees it: the one mapping's message in the page's language
/// (internal causes are logged, never shown).
pub fn fail(error: ServiceError) -> ServerFnError {
    ApiError::from(error).to_server_fn_error(request_lang())
}

/// A form's answer: done, or what to fix next to the fields; a refusal (conflict, illegal
/// step) is a message the form shows; anything else is an error.
pub fn form<T>(result: Result<T, ServiceError>) -> Result<FormOutcome<T>, ServerFnError> {
    let lang = request_lang();
    match result.map_err(ApiError::from) {
        Ok(value) => Ok(FormOutcome::Done(value)),
        Err(ApiError::Invalid(errors)) => Ok(FormOutcome::Invalid(errors)),
        Err(e @ (ApiError::Conflict | ApiError::Refused(_) | ApiError::AlarmRefused(_))) => {
            Ok(FormOutcome::Refused(e.text(lang)))
        }
        Err(e) => Err(e.to_server_fn_error(lang)),
    }
}

/// Saved, or what to fix, or why not.
pub fn saved<T>(result: Result<T, ServiceError>) -> Result<Saved, ServerFnError> {
    form(result.map(|_| ()))
}

/// The id of a record a form edits: none for a new one; one that is no number is not found.
pub fn optional_id(raw: &Option<String>) -> Result<Option<i64>, ServerFnError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => raw
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::NotFound.to_server_fn_error(request_lang())),
        None => Ok(None),
    }
}

/// A checkbox: a checked box sends "on"; scripts may send "true". Anything else is "no".
pub fn checked(raw: &Option<String>) -> bool {
    matches!(raw.as_deref(), Some("on" | "true"))
}
