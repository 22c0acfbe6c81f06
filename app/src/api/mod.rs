//! Server functions: one or two lines each over the services in `hotline-core`, grouped by
//! concept. Every one is reachable as `crate::api::<name>`; its URL is
//! `/api/fn/<endpoint>` (the route rules in `hotline-server` name each one).
//!
//! `request` is the request handling shared with the JSON API (extractors and the one
//! error mapping); `support` what every server function uses.

use hotline_domain::FieldErrors;
use serde::{Deserialize, Serialize};

mod admin;
mod cases;
mod citizens;
mod desk;
mod knowledge;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
mod support;

pub use admin::*;
pub use cases::*;
pub use citizens::*;
pub use desk::*;
pub use knowledge::*;

/// The answer to a form: done (with what it made), what to fix (shown next to the fields),
/// or why it is not possible now (a message in the reader's language). Validation problems
/// and refusals are answers, not server errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FormOutcome<T> {
    Done(T),
    Invalid(FieldErrors),
    Refused(String),
}

/// The answer to a save: done, or what to fix (shown next to the fields).
///
/// Pages match on `Saved::Done`; it becomes `FormOutcome<()>` when they match on
/// `Done(())` (and the other answer types below likewise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Saved {
    Done,
    Invalid(FieldErrors),
}
