//! Calls from the telephone system (SPEC I3, A1): the events its webhook sends, and the
//! caller card an agent's screen pops when a call rings for them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::views::CaseListItem;
use crate::{FieldErrors, Lang, PhoneNumber, Problem};

/// Longest event or call id taken from the telephone system.
pub const CALL_ID_MAX: usize = 100;
pub const URL_MAX: usize = 500;

coded_enum! {
    /// What happened to a call.
    CallEventKind {
        Ringing = "ringing", "振铃", "Ringing";
        Answered = "answered", "已接听", "Answered";
        Ended = "ended", "已挂断", "Ended";
        Missed = "missed", "未接", "Missed";
        Recording = "recording", "录音", "Recording";
    }
}

/// An event as the telephone system posts it (JSON). `kind` is parsed by serde, so an
/// unknown kind is a 422 on `kind` like any other field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CallEventInput {
    /// Unique per event: a replay of the same id changes nothing.
    pub event_id: String,
    pub kind: String,
    pub call_id: String,
    /// The caller's number; empty or `anonymous` when withheld.
    pub caller: String,
    /// The agent (user name) the call is offered to or answered by.
    pub agent: Option<String>,
    /// When it happened at the telephone system (RFC 3339).
    pub at: String,
    pub recording_url: Option<String>,
}

/// A call event that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallEvent {
    pub event_id: String,
    pub kind: CallEventKind,
    pub call_id: String,
    pub caller: Option<PhoneNumber>,
    pub agent: Option<String>,
    pub at: DateTime<Utc>,
    pub recording_url: Option<String>,
}

fn id_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= CALL_ID_MAX
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// The fields every webhook from the centre's systems (telephone, alarm gateway) carries,
/// checked the same way.
pub(crate) mod webhook {
    use super::*;

    /// An id (event, call, delivery, device): letters, digits, `-_.:`, at most 100. Empty
    /// is `Required` when `required`, else `None`.
    pub(crate) fn id(
        errors: &mut FieldErrors,
        field: &str,
        raw: &str,
        required: bool,
    ) -> Option<String> {
        match raw.trim() {
            "" => {
                if required {
                    errors.add(field, Problem::Required);
                }
                None
            }
            id if id_ok(id) => Some(id.to_string()),
            _ => {
                errors.add(field, Problem::BadCode);
                None
            }
        }
    }

    /// The calling number; empty or `anonymous` when withheld.
    pub(crate) fn caller(errors: &mut FieldErrors, raw: &str) -> Option<PhoneNumber> {
        match raw.trim() {
            "" | "anonymous" => None,
            raw => match PhoneNumber::parse(raw) {
                Ok(p) => Some(p),
                Err(problem) => {
                    errors.add("caller", problem);
                    None
                }
            },
        }
    }

    /// When it happened at the sending system (RFC 3339), required.
    pub(crate) fn time(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<DateTime<Utc>> {
        match DateTime::parse_from_rfc3339(raw.trim()) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) if raw.trim().is_empty() => {
                errors.add(field, Problem::Required);
                None
            }
            Err(_) => {
                errors.add(field, Problem::BadDate);
                None
            }
        }
    }
}

impl CallEventInput {
    pub fn validate(&self) -> Result<CallEvent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let event_id = webhook::id(&mut errors, "event_id", &self.event_id, true);
        let kind = match self.kind.trim() {
            "" => {
                errors.add("kind", Problem::Required);
                None
            }
            code => {
                let kind = CallEventKind::from_code(code);
                if kind.is_none() {
                    errors.add("kind", Problem::Unknown);
                }
                kind
            }
        };
        let call_id = webhook::id(&mut errors, "call_id", &self.call_id, true);
        let caller = webhook::caller(&mut errors, &self.caller);
        let agent = self
            .agent
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string);
        if let Some(a) = &agent {
            if a.len() > 64
                || !a
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                errors.add("agent", Problem::BadUsername);
            }
        }
        let at = webhook::time(&mut errors, "at", &self.at);
        let recording_url = self
            .recording_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string);
        match (&recording_url, kind) {
            (None, Some(CallEventKind::Recording)) => {
                errors.add("recording_url", Problem::Required)
            }
            (Some(u), _)
                if u.len() > URL_MAX
                    || !(u.starts_with("https://") || u.starts_with("http://"))
                    || u.chars().any(|c| c.is_control() || c.is_whitespace()) =>
            {
                errors.add("recording_url", Problem::Unknown)
            }
            _ => {}
        }
        errors.into_result(|| CallEvent {
            event_id: event_id.unwrap_or_default(),
            kind: kind.unwrap_or(CallEventKind::Ringing),
            call_id: call_id.unwrap_or_default(),
            caller,
            agent,
            at: at.unwrap_or_default(),
            recording_url,
        })
    }
}

coded_enum! {
    /// A mark on the caller card (SPEC A1, R4).
    Badge {
        Elderly = "elderly", "老年人", "Elderly";
        OneKey = "one_key", "一键通", "One-key";
        Vip = "vip", "VIP", "VIP";
        Important = "important", "重要客户", "Important";
        Blacklist = "blacklist", "黑名单", "Blacklist";
    }
}

coded_enum! {
    /// Whether an agent takes calls now (SPEC A4). Idle agents get missed calls in turn.
    AgentStatus {
        Idle = "idle", "空闲", "Idle";
        Busy = "busy", "忙碌", "Busy";
        Away = "away", "离开", "Away";
    }
}

/// An agent and their status, for the lead's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentState {
    pub username: String,
    pub status: AgentStatus,
    pub updated_at: DateTime<Utc>,
    /// When the agent's desk (its event stream) last said it was open.
    #[serde(default)]
    pub seen_at: Option<DateTime<Utc>>,
    /// Seen within the presence window: only online idle agents are handed missed calls.
    #[serde(default)]
    pub online: bool,
}

/// A call nobody answered (SPEC A3): whose it is to call back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedCall {
    pub call_id: String,
    /// Masked; the callback is made from the case or the telephone system.
    pub phone: Option<String>,
    pub started_at: DateTime<Utc>,
    pub assigned_to: Option<String>,
    pub assigned_at: Option<DateTime<Utc>>,
}

/// What an agent's screen shows when a call rings for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerCard {
    pub call_id: String,
    /// The caller's number, masked (the agent is talking to them; the full number is an
    /// audited look like everywhere else). `None` when withheld.
    pub phone: Option<String>,
    pub name: Option<String>,
    pub badges: Vec<Badge>,
    pub note: Option<String>,
    /// The registry record, for a registered elderly caller.
    pub elderly_id: Option<i64>,
    /// Earlier cases from this number, newest first.
    pub history: Vec<CaseListItem>,
    pub rang_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CallEventInput {
        CallEventInput {
            event_id: "evt-1".into(),
            kind: "ringing".into(),
            call_id: "call-1".into(),
            caller: "+86 139 1234 5678".into(),
            agent: Some("agent".into()),
            at: "2026-11-23T02:00:00Z".into(),
            recording_url: None,
        }
    }

    #[test]
    fn events_are_checked_by_field() {
        let ok = input().validate().unwrap();
        assert_eq!(ok.caller.unwrap().as_str(), "13912345678");
        assert_eq!(ok.kind, CallEventKind::Ringing);
        let bad = CallEventInput {
            event_id: "a b".into(),
            kind: "dialing".into(),
            call_id: String::new(),
            caller: "12".into(),
            agent: Some("x y".into()),
            at: "yesterday".into(),
            recording_url: Some("ftp://x".into()),
        }
        .validate()
        .unwrap_err();
        for field in [
            "event_id",
            "kind",
            "call_id",
            "caller",
            "agent",
            "at",
            "recording_url",
        ] {
            assert!(bad.get(field).is_some(), "{field}");
        }
        let withheld = CallEventInput {
            caller: "anonymous".into(),
            ..input()
        };
        assert_eq!(withheld.validate().unwrap().caller, None);
        let recording = CallEventInput {
            kind: "recording".into(),
            ..input()
        };
        assert!(recording
            .validate()
            .unwrap_err()
            .get("recording_url")
            .is_some());
    }
}
