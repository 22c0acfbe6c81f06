//! One error type for the JSON API, and its one mapping to HTTP:
//! `{ "error": code, "message": text, "fields": {name: message} }`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotline_core::ServiceError;
use hotline_domain::{FieldErrors, Lang};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input")]
    Invalid(FieldErrors, Lang),
    /// The body could not be read as JSON: 400, or 413 / 415 as the rejection says.
    #[error("malformed request body: {1}")]
    BadBody(StatusCode, String),
    #[error("not found")]
    NotFound,
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// Not possible in the record's present state (an illegal case step, or a change made
    /// by someone else meanwhile): 409 with the reason in the reader's language.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Serialize)]
struct Body {
    error: &'static str,
    message: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<String, String>,
}

impl ApiError {
    pub fn from_service(error: ServiceError, lang: Lang) -> ApiError {
        match error {
            ServiceError::Invalid(fields) => ApiError::Invalid(fields, lang),
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Forbidden => ApiError::Forbidden,
            ServiceError::Internal(e) => ApiError::Internal(e),
            ServiceError::Store(e) => ApiError::Internal(e.to_string()),
            ServiceError::Flow(e) => ApiError::Conflict(e.message(lang)),
            ServiceError::Conflict => ApiError::Conflict(
                lang.pick(
                    "刚被他人修改或处理，请刷新后重试",
                    "This was just changed by someone else; reload and try again",
                )
                .to_string(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::Invalid(fields, lang) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Body {
                    error: "invalid",
                    message: lang
                        .pick("提交的内容有误", "Some fields are invalid")
                        .to_string(),
                    fields: fields.messages(lang),
                },
            ),
            ApiError::BadBody(status, detail) => (
                status,
                Body {
                    error: "bad_request",
                    message: detail,
                    fields: BTreeMap::new(),
                },
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                Body {
                    error: "not_found",
                    message: "not found".into(),
                    fields: BTreeMap::new(),
                },
            ),
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                Body {
                    error: "unauthenticated",
                    message: "请先登录 / Sign in first".into(),
                    fields: BTreeMap::new(),
                },
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                Body {
                    error: "forbidden",
                    message: "无权访问 / Not allowed for your role".into(),
                    fields: BTreeMap::new(),
                },
            ),
            ApiError::Conflict(message) => (
                StatusCode::CONFLICT,
                Body {
                    error: "conflict",
                    message,
                    fields: BTreeMap::new(),
                },
            ),
            ApiError::Internal(detail) => {
                // The cause goes to the log; the client learns only that it was our fault.
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Body {
                        error: "internal",
                        message: "internal error".into(),
                        fields: BTreeMap::new(),
                    },
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
