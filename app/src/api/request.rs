//! One way to handle a request, shared by the JSON API (`hotline-server`) and the server
//! functions: who is asking ([`Staff`], [`Visitor`]), the body ([`JsonBody`], [`QueryParams`],
//! [`RecordId`]), and one error ([`ApiError`]) with one mapping to an HTTP status, an error
//! code and a message in the reader's language.
//!
//! The JSON API reads the reader's language from `Accept-Language`; pages and their server
//! functions from the `lang` cookie (`crate::i18n::request_lang`), as the page is rendered.

use std::collections::BTreeMap;
use std::convert::Infallible;

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hotline_core::auth::{ClientAddress, CurrentUser};
use hotline_core::{Origin, ServiceError};
use hotline_domain::{Channel, FieldErrors, FlowError, Lang, Problem, StaffUser};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::i18n::tr;

/// The reader's language for API answers, from `Accept-Language` (Chinese by default).
pub fn reader_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(Lang::from_tag)
        .unwrap_or_default()
}

/// The client's address as the HTTP layer resolved it (`resolve_session`: the socket peer,
/// or the trusted proxy's `X-Forwarded-For` hop).
fn client_address(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ClientAddress>()
        .and_then(|a| a.0.clone())
}

fn current_user(parts: &Parts) -> Option<StaffUser> {
    parts
        .extensions
        .get::<CurrentUser>()
        .and_then(|c| c.0.clone())
}

/// A signed-in staff request: who, the audit origin of what they do (`user:<name>` and
/// their address), and the language answers are written in. The route rules already
/// refused anyone not allowed; the services check the permission again.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: StaffUser,
    pub origin: Origin,
    pub lang: Lang,
}

impl Staff {
    pub fn from_parts(parts: &Parts, lang: Lang) -> Result<Staff, ApiError> {
        let user = current_user(parts).ok_or(ApiError::Unauthenticated)?;
        let origin = Origin {
            actor: user.actor(),
            address: client_address(parts),
        };
        Ok(Staff { user, origin, lang })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Staff::from_parts(parts, reader_lang(&parts.headers))
    }
}

/// Anyone (a public route): the staff member if signed in, the address, the language.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub user: Option<StaffUser>,
    pub address: Option<String>,
    pub lang: Lang,
}

impl Visitor {
    pub fn from_parts(parts: &Parts, lang: Lang) -> Visitor {
        Visitor {
            user: current_user(parts),
            address: client_address(parts),
            lang,
        }
    }

    /// The audit origin of a citizen on this channel (`citizen:web`, their address).
    pub fn citizen(&self, channel: Channel) -> Origin {
        Origin::citizen(channel, self.address.clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Visitor::from_parts(parts, reader_lang(&parts.headers)))
    }
}

/// A JSON body; one that cannot be read is answered in the API's error shape (400, or 413
/// / 415 as axum's rejection says).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(value)| JsonBody(value))
            .map_err(|e| ApiError::BadBody(e.status(), e.body_text()))
    }
}

/// Query parameters; unreadable ones are a 400 in the API's error shape.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| QueryParams(value))
            .map_err(|e| ApiError::BadBody(StatusCode::BAD_REQUEST, e.body_text()))
    }
}

/// The numeric id that is a route's last parameter (`/api/v1/handovers/{id}`); an id that
/// is no number names no record: 404.
pub struct RecordId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::BadBody(e.status(), e.body_text()))?;
        params
            .last()
            .and_then(|id| id.parse().ok())
            .map(RecordId)
            .ok_or(ApiError::NotFound)
    }
}

/// Why a request was not done. Built from a [`ServiceError`] (`?` converts) or by the
/// HTTP layer; put into words only when answered, in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 422 with a message per field.
    Invalid(FieldErrors),
    /// The body or query could not be read: 400, or 413 / 415 as the rejection says.
    BadBody(StatusCode, String),
    NotFound,
    Unauthenticated,
    Forbidden,
    /// Someone else changed the record meanwhile: 409.
    Conflict,
    /// The case flow refused the step (illegal in this state, or not theirs): 409 with the
    /// reason.
    Refused(FlowError),
    /// The alarm's state does not allow the step: 409 with the reason (who holds it).
    AlarmRefused(hotline_domain::AlarmRefusal),
    /// Our fault; the cause goes to the log, never to the client.
    Internal(String),
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(fields) => ApiError::Invalid(fields),
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Forbidden => ApiError::Forbidden,
            ServiceError::Internal(e) => ApiError::Internal(e),
            ServiceError::Store(e) => ApiError::Internal(e.to_string()),
            ServiceError::Flow(e) => ApiError::Refused(e),
            ServiceError::Conflict => ApiError::Conflict,
            ServiceError::AlarmRefused(r) => ApiError::AlarmRefused(r),
        }
    }
}

/// The error body of every API answer: `{ "error": code, "message": text, "fields": {…} }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemBody {
    pub error: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl ApiError {
    /// A 422 on one field.
    pub fn invalid(field: &str, problem: Problem) -> ApiError {
        let mut errors = FieldErrors::new();
        errors.add(field, problem);
        ApiError::Invalid(errors)
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadBody(status, _) => *status,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::Conflict | ApiError::Refused(_) | ApiError::AlarmRefused(_) => {
                StatusCode::CONFLICT
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The one mapping to words: error code, message and field messages in `lang`.
    pub fn body(&self, lang: Lang) -> ProblemBody {
        let (error, message) = match self {
            ApiError::Invalid(_) => ("invalid", tr!(lang, errors.invalid).into()),
            ApiError::BadBody(_, detail) => ("bad_request", detail.clone()),
            ApiError::NotFound => ("not_found", tr!(lang, errors.not_found).into()),
            ApiError::Unauthenticated => {
                ("unauthenticated", tr!(lang, errors.unauthenticated).into())
            }
            ApiError::Forbidden => ("forbidden", tr!(lang, errors.forbidden).into()),
            ApiError::Conflict => ("conflict", tr!(lang, errors.conflict).into()),
            ApiError::Refused(e) => ("conflict", e.message(lang)),
            ApiError::AlarmRefused(r) => ("conflict", r.message(lang)),
            ApiError::Internal(_) => ("internal", tr!(lang, errors.internal).into()),
        };
        let fields = match self {
            ApiError::Invalid(fields) => fields.messages(lang),
            _ => BTreeMap::new(),
        };
        ProblemBody {
            error,
            message,
            fields,
        }
    }

    /// The message with its field messages, for answers that carry text only (a server
    /// function's error).
    pub fn text(&self, lang: Lang) -> String {
        let body = self.body(lang);
        if body.fields.is_empty() {
            return body.message;
        }
        let fields: Vec<String> = body
            .fields
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect();
        format!("{}（{}）", body.message, fields.join("; "))
    }

    fn log(&self) {
        if let ApiError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }

    /// This error as a server function's error, logged if it is ours.
    pub fn to_server_fn_error(&self, lang: Lang) -> leptos::prelude::ServerFnError {
        self.log();
        leptos::prelude::ServerFnError::new(self.text(lang))
    }

    fn respond(&self, lang: Lang) -> Response {
        let mut response = (self.status(), axum::Json(self.body(lang))).into_response();
        response.extensions_mut().insert(self.clone());
        response
    }

    /// Writes an error answer again in the reader's language. Answers are first written in
    /// the default language (an error does not know who asked); the HTTP layer calls this
    /// once per request, with the language of the request.
    pub fn localise(response: Response, lang: Lang) -> Response {
        if lang == Lang::default() {
            return response;
        }
        let Some(error) = response.extensions().get::<ApiError>().cloned() else {
            return response;
        };
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        let body = serde_json::to_vec(&error.body(lang)).unwrap_or_default();
        Response::from_parts(parts, axum::body::Body::from(body))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Invalid(fields) => write!(f, "invalid input: {fields}"),
            ApiError::BadBody(status, detail) => {
                write!(f, "unreadable request ({status}): {detail}")
            }
            ApiError::Internal(detail) => write!(f, "internal error: {detail}"),
            other => write!(f, "{}", other.body(Lang::En).message),
        }
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        self.respond(Lang::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_written_in_the_readers_language() {
        let error = ApiError::invalid("phone", Problem::Required);
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = error.body(Lang::En);
        assert_eq!(body.error, "invalid");
        assert_eq!(body.fields["phone"], Problem::Required.message(Lang::En));
        assert_eq!(
            ApiError::from(ServiceError::Conflict).body(Lang::Zh).error,
            "conflict"
        );
        assert!(error.text(Lang::Zh).contains("phone"));
    }
}
