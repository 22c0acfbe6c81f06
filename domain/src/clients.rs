//! The client register (客户管理, SPEC R4): every caller the centre has heard from, found by
//! name or number, with their place, a note for the agents, the VIP / important / blacklist
//! marks (each with the reason it was given) and their contact history. The caller card
//! (SPEC A1) shows the marks when the number rings.
//!
//! Agents keep the everyday fields; marking a caller is a permission of its own
//! ([`Permission::ClientMarks`], shift leads by default). Phone numbers are masked
//! everywhere in the register: a record is addressed by its id, never by its number.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::request::text_field;
use crate::vendors::{digits_code, flag, page_number, phone_field, ticked};
use crate::{FieldErrors, Lang, Permission, PhoneNumber, Problem, StaffUser};

/// Rows on a page of the client list unless asked otherwise, and at most.
pub const CLIENT_PAGE_DEFAULT: u32 = 30;
pub const CLIENT_PAGE_MAX: u32 = 200;
/// How many of a client's latest calls and cases the record shows.
pub const CLIENT_HISTORY_SHOWN: u32 = 50;

coded_enum! {
    /// A mark on a caller (SPEC R4); the list filters by it.
    ClientMark {
        Vip = "vip", "VIP客户", "VIP";
        Important = "important", "重要客户", "Important";
        Blacklist = "blacklist", "黑名单", "Blacklist";
    }
}

/// Who reads the register: staff who take calls.
pub fn reads_clients(user: &StaffUser) -> bool {
    user.can(Permission::Intake)
}

/// Who may give or take away a mark.
pub fn marks_clients(user: &StaffUser) -> bool {
    user.can(Permission::Intake) && user.can(Permission::ClientMarks)
}

/// A client list search as typed (query string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientQuery {
    /// Part of a name, or a whole phone number (any spelling).
    pub q: String,
    /// `vip`, `important`, `blacklist`, or `marked` for any of them.
    pub mark: String,
    pub district: String,
    pub page: String,
    pub per_page: String,
}

/// Which marks a list search asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkFilter {
    One(ClientMark),
    Any,
}

/// A checked [`ClientQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFilter {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub mark: Option<MarkFilter>,
    pub district: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

impl ClientFilter {
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

impl ClientQuery {
    /// Checks every field; each wrong one is named.
    pub fn validate(&self) -> Result<ClientFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let q = text_field(&mut errors, "q", &self.q, 40, false);
        let (name, phone) = match q {
            None => (None, None),
            Some(q) if q.bytes().any(|b| b.is_ascii_digit()) => match PhoneNumber::parse(&q) {
                Ok(p) => (None, Some(p.as_str().to_string())),
                Err(problem) => {
                    errors.add("q", problem);
                    (None, None)
                }
            },
            Some(q) => (Some(q), None),
        };
        let mark = match self.mark.trim() {
            "" => None,
            "marked" => Some(MarkFilter::Any),
            m => match ClientMark::from_code(m) {
                Some(m) => Some(MarkFilter::One(m)),
                None => {
                    errors.add("mark", Problem::Unknown);
                    None
                }
            },
        };
        let district = digits_code(&mut errors, "district", &self.district, 6);
        let page = page_number(&mut errors, "page", &self.page, 1, 100_000);
        let per_page = page_number(
            &mut errors,
            "per_page",
            &self.per_page,
            CLIENT_PAGE_DEFAULT,
            CLIENT_PAGE_MAX,
        );
        errors.into_result(|| ClientFilter {
            name,
            phone,
            mark,
            district,
            page,
            per_page,
        })
    }
}

/// A client as the form sends it. `phone` is read only when registering a new client;
/// a mark is `Some` when ticked, and a ticked mark needs its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientInput {
    pub phone: String,
    pub name: String,
    pub district: String,
    pub address: String,
    pub note: String,
    #[serde(deserialize_with = "flag")]
    pub vip: Option<String>,
    pub vip_reason: String,
    #[serde(deserialize_with = "flag")]
    pub important: Option<String>,
    pub important_reason: String,
    #[serde(deserialize_with = "flag")]
    pub blacklist: Option<String>,
    pub blacklist_reason: String,
    /// The version the edit form showed; empty for a new client.
    pub version: String,
}

/// The marks of a client: the reason of each mark given, `None` where there is none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientMarks {
    pub vip: Option<String>,
    pub important: Option<String>,
    pub blacklist: Option<String>,
}

impl ClientMarks {
    pub fn any(&self) -> bool {
        self.vip.is_some() || self.important.is_some() || self.blacklist.is_some()
    }

    /// The marks given, in the caller card's order.
    pub fn given(&self) -> Vec<(ClientMark, &str)> {
        [
            (ClientMark::Vip, &self.vip),
            (ClientMark::Important, &self.important),
            (ClientMark::Blacklist, &self.blacklist),
        ]
        .into_iter()
        .filter_map(|(m, r)| r.as_deref().map(|r| (m, r)))
        .collect()
    }
}

/// A checked [`ClientInput`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientDraft {
    /// Normalised; only a new client's is used.
    pub phone: Option<String>,
    pub name: Option<String>,
    pub district_code: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    pub marks: ClientMarks,
}

impl ClientInput {
    /// Checks every field; `new` asks for the phone number too.
    pub fn validate(&self, new: bool) -> Result<ClientDraft, FieldErrors> {
        let mut e = FieldErrors::new();
        let phone = if new {
            phone_field(&mut e, "phone", &self.phone, true)
        } else {
            None
        };
        let name = text_field(&mut e, "name", &self.name, 30, false);
        let district_code = digits_code(&mut e, "district", &self.district, 6);
        let address = text_field(&mut e, "address", &self.address, 100, false);
        let note = text_field(&mut e, "note", &self.note, 500, false);
        let mut mark = |given: &Option<String>, field: &str, reason: &str| -> Option<String> {
            if !ticked(given) {
                return None;
            }
            text_field(&mut e, field, reason, 200, true)
        };
        let marks = ClientMarks {
            vip: mark(&self.vip, "vip_reason", &self.vip_reason),
            important: mark(&self.important, "important_reason", &self.important_reason),
            blacklist: mark(&self.blacklist, "blacklist_reason", &self.blacklist_reason),
        };
        e.into_result(|| ClientDraft {
            phone,
            name,
            district_code,
            address,
            note,
            marks,
        })
    }

    /// The form of a stored client, for an edit that starts from what is stored.
    pub fn from_detail(d: &ClientDetail) -> ClientInput {
        let on = |r: &Option<String>| r.as_ref().map(|_| "on".to_string());
        ClientInput {
            phone: String::new(),
            name: d.name.clone().unwrap_or_default(),
            district: d.district_code.clone().unwrap_or_default(),
            address: d.address.clone().unwrap_or_default(),
            note: d.note.clone().unwrap_or_default(),
            vip: on(&d.marks.vip),
            vip_reason: d.marks.vip.clone().unwrap_or_default(),
            important: on(&d.marks.important),
            important_reason: d.marks.important.clone().unwrap_or_default(),
            blacklist: on(&d.marks.blacklist),
            blacklist_reason: d.marks.blacklist.clone().unwrap_or_default(),
            version: d.version.to_string(),
        }
    }
}

/// One row of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub id: i64,
    pub name: Option<String>,
    /// Masked.
    pub phone: String,
    pub district_name: Option<String>,
    pub vip: bool,
    pub important: bool,
    pub blacklist: bool,
    pub case_count: u32,
    pub call_count: u32,
    pub last_contact_at: Option<DateTime<Utc>>,
}

/// One page of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<ClientSummary>,
}

impl ClientPage {
    pub fn pages(&self) -> u32 {
        crate::page_count(self.total, self.per_page)
    }
}

coded_enum! {
    /// How a contact reached the centre, on the client's history.
    ContactKind {
        Call = "call", "来电", "Call";
        Case = "case", "诉求", "Case";
    }
}

/// One contact of a client: a call (answered or missed) or a case (any channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientContact {
    pub at: DateTime<Utc>,
    pub kind: ContactKind,
    /// A case's tracking number.
    pub tracking_number: Option<String>,
    /// A case's channel code; a call's state (`answered`, `missed`, `ended`, …).
    pub channel: String,
    /// A case's category; a call's agent.
    pub what: Option<String>,
    /// A case's status code.
    pub status: Option<String>,
    /// A case's text, cut to 80 characters.
    pub text: Option<String>,
}

/// A client's whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientDetail {
    pub id: i64,
    /// Masked.
    pub phone: String,
    pub name: Option<String>,
    pub district_code: Option<String>,
    pub district_name: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    pub marks: ClientMarks,
    /// Who changed the marks last, and when.
    pub marks_changed_by: Option<String>,
    pub marks_changed_at: Option<DateTime<Utc>>,
    pub case_count: u32,
    pub call_count: u32,
    pub first_contact_at: Option<DateTime<Utc>>,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    /// Newest first, at most [`CLIENT_HISTORY_SHOWN`].
    pub history: Vec<ClientContact>,
    /// Whether the reader may change the marks (set by the service).
    pub may_mark: bool,
    /// Whether the reader may see the whole number (set by the service; each look is
    /// audited).
    #[serde(default)]
    pub may_reveal: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ClientInput {
        ClientInput {
            phone: "139 1234 5678".into(),
            name: "王建国".into(),
            ..ClientInput::default()
        }
    }

    #[test]
    fn a_ticked_mark_needs_its_reason_and_an_unticked_one_drops_it() {
        let mut input = form();
        input.vip = Some("on".into());
        input.blacklist_reason = "left over".into();
        let errors = input.validate(true).unwrap_err();
        assert!(errors.get("vip_reason").is_some(), "{errors:?}");
        input.vip_reason = "人大代表".into();
        let draft = input.validate(true).unwrap();
        assert_eq!(draft.marks.vip.as_deref(), Some("人大代表"));
        assert_eq!(draft.marks.blacklist, None);
        assert_eq!(draft.phone.as_deref(), Some("13912345678"));
    }

    #[test]
    fn the_phone_is_asked_for_only_when_registering() {
        let mut input = form();
        input.phone = "12".into();
        assert!(input.validate(true).unwrap_err().get("phone").is_some());
        assert_eq!(input.validate(false).unwrap().phone, None);
        input.phone.clear();
        assert!(input.validate(true).unwrap_err().get("phone").is_some());
    }

    #[test]
    fn the_search_tells_a_number_from_a_name() {
        let by_phone = ClientQuery {
            q: "+86 139-1234-5678".into(),
            ..ClientQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(by_phone.phone.as_deref(), Some("13912345678"));
        assert_eq!(by_phone.name, None);
        let by_name = ClientQuery {
            q: "王".into(),
            mark: "marked".into(),
            ..ClientQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(by_name.name.as_deref(), Some("王"));
        assert_eq!(by_name.mark, Some(MarkFilter::Any));
        let bad = ClientQuery {
            q: "139".into(),
            mark: "gold".into(),
            page: "0".into(),
            ..ClientQuery::default()
        }
        .validate()
        .unwrap_err();
        assert!(
            ["q", "mark", "page"].iter().all(|f| bad.get(f).is_some()),
            "{bad:?}"
        );
    }
}
