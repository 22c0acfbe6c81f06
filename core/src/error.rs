//! Errors of the service layer. The HTTP layer maps them to status codes; the UI shows
//! `Invalid` next to the fields.

use hotline_domain::FieldErrors;

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
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Invalid(errors)
    }
}
