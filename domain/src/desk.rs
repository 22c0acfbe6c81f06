//! The centre's desk work around cases: linking repeated calls about one matter (SPEC W8),
//! the calls a case was registered from (with their recordings), and the shift handover
//! report a lead leaves for the next one (A5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{FieldErrors, Problem};
use crate::request::text_field;
use crate::views::CaseCounts;
use crate::{CaseStatus, CaseType, Lang, TrackingNumber};

/// Longest note on a link.
pub const LINK_NOTE_MAX: usize = 200;
/// Longest handover note (and acknowledgement note).
pub const HANDOVER_NOTE_MAX: usize = 2_000;

/// A request to link this case with another one (W8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkInput {
    /// The other case's tracking number.
    pub other: String,
    pub note: String,
}

/// A checked [`LinkInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidLink {
    pub other: TrackingNumber,
    pub note: Option<String>,
}

impl LinkInput {
    pub fn validate(&self, this: &TrackingNumber) -> Result<ValidLink, FieldErrors> {
        let mut errors = FieldErrors::new();
        let other = match self.other.trim() {
            "" => {
                errors.add("other", Problem::Required);
                None
            }
            raw => match TrackingNumber::parse(raw) {
                None => {
                    errors.add("other", Problem::BadTrackingNumber);
                    None
                }
                Some(n) if n == *this => {
                    errors.add("other", Problem::SameCase);
                    None
                }
                Some(n) => Some(n),
            },
        };
        let note = text_field(&mut errors, "note", &self.note, LINK_NOTE_MAX, false);
        errors.into_result(|| ValidLink {
            other: other.expect("checked"),
            note,
        })
    }
}

/// A case linked to the one being read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedCase {
    pub tracking_number: String,
    pub status: CaseStatus,
    pub case_type: Option<CaseType>,
    /// The start of its content.
    pub content: String,
    pub created_at: DateTime<Utc>,
    pub note: Option<String>,
    pub linked_by: String,
    pub linked_at: DateTime<Utc>,
}

/// A call a case was registered from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCall {
    pub call_id: String,
    pub agent: Option<String>,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Where the telephone system keeps the recording.
    pub recording_url: Option<String>,
}

impl CaseCall {
    /// Talk time in whole seconds, once the call has ended.
    pub fn talk_seconds(&self) -> Option<i64> {
        match (self.answered_at, self.ended_at) {
            (Some(a), Some(e)) if e >= a => Some((e - a).num_seconds()),
            _ => None,
        }
    }
}

coded_enum! {
    /// What the next lead must look at (A5).
    HandoverReason {
        Red = "red", "红灯", "Red light";
        OverdueConfirmation = "overdue_confirmation", "超时确认", "Confirmation overdue";
        OverdueCompletion = "overdue_completion", "超时办结", "Completion overdue";
        OverdueCallback = "overdue_callback", "超时回访", "Callback overdue";
        Returned = "returned", "退单待审", "Return to review";
        Extension = "extension", "延期待批", "Extension to decide";
        CallbackDue = "callback_due", "待回访", "Callback due";
        Waiting = "waiting", "待受理", "Awaiting intake";
        MissedCall = "missed_call", "未接来电", "Missed call";
    }
}

/// One open item on a handover report: a case (by number) or a missed call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverItem {
    pub tracking_number: Option<String>,
    pub call_id: Option<String>,
    pub reasons: Vec<HandoverReason>,
    /// The case's content, or the (masked) number of a missed call.
    pub summary: String,
    pub status: Option<CaseStatus>,
    pub at: DateTime<Utc>,
}

/// The shift's figures and open items, as they stood when the report was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverReport {
    pub shift_start: Option<DateTime<Utc>>,
    pub shift_end: Option<DateTime<Utc>>,
    /// Cases filed during the shift.
    pub received: i64,
    /// Cases closed or archived during the shift.
    pub closed: i64,
    /// Cases waiting for an agent to accept them now.
    pub waiting: i64,
    pub open_missed_calls: i64,
    /// Cases still with a department whose light is red (yellow) now. The case list's
    /// `counts` also count cases handled late, whose light stays as it ended.
    #[serde(default)]
    pub red_open: i64,
    #[serde(default)]
    pub yellow_open: i64,
    pub counts: CaseCounts,
    /// The open items, most urgent first.
    pub items: Vec<HandoverItem>,
    /// Items beyond the report's limit, counted but not listed.
    pub more: i64,
}

/// A stored handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub id: i64,
    pub shift_start: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub created_by_name: String,
    pub note: String,
    pub report: HandoverReport,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub ack_name: Option<String>,
    pub ack_note: Option<String>,
}

/// What a lead writes when handing over or acknowledging.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandoverNote {
    pub note: String,
}

impl HandoverNote {
    /// The handover's own note is required (what the next lead must know); an
    /// acknowledgement's is optional.
    pub fn validate(&self, required: bool) -> Result<Option<String>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let note = text_field(&mut errors, "note", &self.note, HANDOVER_NOTE_MAX, required);
        errors.into_result(|| note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(s: &str) -> TrackingNumber {
        TrackingNumber::parse(s).unwrap()
    }

    #[test]
    fn a_link_needs_another_real_tracking_number() {
        let this = number("20261123000001");
        let check = |other: &str| {
            LinkInput {
                other: other.into(),
                note: String::new(),
            }
            .validate(&this)
            .err()
            .and_then(|e| e.0.get("other").cloned())
        };
        assert_eq!(check(""), Some(Problem::Required));
        assert_eq!(check("2026"), Some(Problem::BadTrackingNumber));
        assert_eq!(check("20261123000001"), Some(Problem::SameCase));
        assert_eq!(check(" 20261123000002 "), None);
    }

    #[test]
    fn a_handover_note_is_required_an_acknowledgement_note_is_not() {
        let empty = HandoverNote { note: "  ".into() };
        assert!(empty.validate(true).is_err());
        assert_eq!(empty.validate(false), Ok(None));
        let long = HandoverNote {
            note: "交".repeat(HANDOVER_NOTE_MAX + 1),
        };
        assert!(long.validate(false).is_err());
    }

    #[test]
    fn talk_time_is_counted_from_the_answer_to_the_end() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let call = CaseCall {
            call_id: "c".into(),
            agent: None,
            started_at: at("2026-11-23T08:00:00Z"),
            answered_at: Some(at("2026-11-23T08:00:10Z")),
            ended_at: Some(at("2026-11-23T08:03:40Z")),
            recording_url: None,
        };
        assert_eq!(call.talk_seconds(), Some(210));
    }
}
