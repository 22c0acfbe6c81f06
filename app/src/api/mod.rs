//! Server functions: one or two lines each over the services in `hotline-core`, grouped by
//! concept. Every one is reachable as `crate::api::<name>`; its URL is
//! `/api/fn/<endpoint>` (the route rules in `hotline-server` name each one).
//!
//! `request` is the request handling shared with the JSON API (extractors and the one
//! error mapping); `support` what every server function uses.

use hotline_domain::FieldErrors;
use serde::{Deserialize, Serialize};

mod admin;
mod alarms;
mod cases;
mod citizens;
mod clients;
mod desk;
mod knowledge;
mod places;
mod providers;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
mod support;
mod vendors;

pub use admin::*;
pub use alarms::*;
pub use cases::*;
pub use citizens::*;
pub use clients::*;
pub use desk::*;
pub use knowledge::*;
pub use places::*;
pub use providers::*;
pub use vendors::*;

/// The answer to a form: done (with what it made), what to fix (shown next to the fields),
/// or why it is not possible now (a message in the reader's language). Validation problems
/// and refusals are answers, not server errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FormOutcome<T> {
    Done(T),
    Invalid(FieldErrors),
    Refused(String),
}

/// A portal form posted without JavaScript (a phone still loading the page, or a browser
/// without scripts), answered by rendering its page again: the server's `POST /` and
/// `POST /track` provide this as context, and the page shows what was typed with the answer,
/// so nothing typed is lost and no answer goes missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostedRequest {
    /// The form as typed.
    pub input: hotline_domain::NewRequestInput,
    /// What to fix (empty when the service failed).
    pub errors: FieldErrors,
    /// The request could not be filed for a reason of ours.
    pub failed: bool,
}

/// A tracking lookup posted without JavaScript (see [`PostedRequest`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostedTrack {
    pub tracking_number: String,
    pub phone: String,
    /// The answer; `None` when the lookup failed for a reason of ours.
    pub answer: Option<TrackOutcome>,
    /// The answer to a rating posted from the page (`POST /track`, `intent=rate`).
    #[serde(default)]
    pub rated: Option<Saved>,
    /// The verdict and comment as typed, when the rating was refused: the form shows them
    /// again instead of an empty box.
    #[serde(default)]
    pub rating_typed: Option<(String, String)>,
}

/// The answer to a save.
pub type Saved = FormOutcome<()>;
/// The answer to a citizen's filing: the tracking number.
pub type FileOutcome = FormOutcome<hotline_domain::FiledRequest>;
/// The answer to a citizen's tracking lookup: `Done(None)` when no request has this number
/// and phone (the two cases are not told apart).
pub type TrackOutcome = FormOutcome<Option<hotline_domain::TrackedRequest>>;
/// The answer to registering a call: the new case's number.
pub type RegisterOutcome = FormOutcome<String>;
/// The answer to saving an article: its id.
pub type ArticleSaved = FormOutcome<i64>;
/// A page of the elderly registry (`Invalid` names the wrong filter field).
pub type ElderlyOutcome = FormOutcome<hotline_domain::ElderlyPage>;
/// An audit search: the entries (`Invalid` names the wrong filter field).
pub type AuditOutcome = FormOutcome<Vec<hotline_domain::AuditEntry>>;
