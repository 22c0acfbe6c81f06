//! Errors of the service layer. The HTTP layer maps them to status codes; the UI shows
//! `Invalid` next to the fields.

use hotline_domain::{FieldErrors, Problem};

use crate::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input was refused; nothing was stored.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// The signed-in user may not do this.
    #[error("forbidden")]
    Forbidden,
    /// A failure that is ours, not the caller's (its cause goes to the log).
    #[error("internal error: {0}")]
    Internal(String),
    /// The case flow refused the step (illegal in this state, not theirs, or a bad value).
    #[error("{0}")]
    Flow(hotline_domain::FlowError),
    /// The alarm's state does not allow the step (held by someone else, closed, …).
    #[error("{0:?}")]
    AlarmRefused(hotline_domain::AlarmRefusal),
    /// Someone else kept changing the same record; the caller should reload and retry.
    #[error("changed by someone else meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServiceError {
    /// One field refused for one reason.
    pub fn field(field: &str, problem: Problem) -> ServiceError {
        let mut errors = FieldErrors::new();
        errors.add(field, problem);
        ServiceError::Invalid(errors)
    }
}

impl From<hotline_domain::FlowError> for ServiceError {
    fn from(error: hotline_domain::FlowError) -> Self {
        match error {
            hotline_domain::FlowError::Invalid(fields) => ServiceError::Invalid(fields),
            hotline_domain::FlowError::Forbidden => ServiceError::Forbidden,
            other => ServiceError::Flow(other),
        }
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Invalid(errors)
    }
}
