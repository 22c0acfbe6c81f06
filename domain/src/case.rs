//! The vocabulary of cases (SPEC W1–W3): channels, case types, states, tracking numbers.
//!
//! Each enum has a stable storage code (`as_code`/`from_code`) that is what the database
//! holds, so renaming a variant never rewrites stored rows.

use serde::{Deserialize, Serialize};

use crate::Lang;

coded_enum! {
    /// How the contact reached the centre (`open311`: filed by another system through the
    /// Open311 GeoReport v2 interface, SPEC I2).
    Channel {
        Phone = "phone", "电话", "Phone";
        Web = "web", "网上求助", "Web";
        Sms = "sms", "短信", "SMS";
        WeChat = "wechat", "微信", "WeChat";
        OneKey = "one_key", "一键通", "One-key";
        Open311 = "open311", "Open311 接口", "Open311";
    }
}

coded_enum! {
    /// Case types A–J of SPEC W2; each has its own flow (the case life-cycle issue).
    CaseType {
        Consultation = "A", "普通咨询", "Consultation";
        Household = "B", "家政服务", "Household service";
        OneKeyAlarm = "C", "老年人一键通", "One-key alarm";
        SimpleMatter = "D", "简单事务", "Simple matter";
        HomeCare = "E", "居家养老", "Home care";
        Enterprise = "F", "企业服务", "Enterprise service";
        Complaint = "G", "投诉建议", "Complaint / suggestion";
        PublicAffairs = "H", "公共事务", "Public affairs";
        Praise = "I", "表扬投诉", "Praise / complaint about a provider";
        Pending = "J", "待办事务", "Pending";
    }
}

coded_enum! {
    /// Where a case stands in the flow of SPEC W3. A web request starts as `Submitted`
    /// (waiting for an agent to accept it).
    CaseStatus {
        Submitted = "submitted", "待受理", "Awaiting intake";
        Accepted = "accepted", "已受理", "Accepted";
        Classified = "classified", "已分理", "Classified";
        Dispatched = "dispatched", "已派单", "Dispatched";
        Confirmed = "confirmed", "已确认", "Confirmed by department";
        Returned = "returned", "退单待审", "Returned, awaiting review";
        Handled = "handled", "已办结", "Handled";
        FedBack = "fed_back", "已反馈", "Feedback given";
        CalledBack = "called_back", "已回访", "Called back";
        Archived = "archived", "已归档", "Archived";
    }
}

impl CaseStatus {
    /// Where a request stands in the words of the citizen who filed it (the tracking
    /// page): what is happening and who has it, without the centre's terms.
    pub fn for_citizen(self, lang: Lang) -> &'static str {
        use CaseStatus as S;
        match self {
            S::Submitted => lang.pick("已提交，等待坐席受理", "Sent; waiting for an agent"),
            S::Accepted => lang.pick("坐席已受理", "Taken on by an agent"),
            S::Classified => lang.pick("正在安排承办单位", "Finding who will handle it"),
            S::Dispatched => lang.pick("已转交承办单位", "Passed to the department or provider"),
            S::Confirmed => lang.pick("承办单位已接单，正在办理", "Being handled"),
            S::Returned => lang.pick("正在重新安排承办单位", "Being passed to someone else"),
            S::Handled => lang.pick("已办理，等待回访", "Done; waiting for your rating"),
            S::FedBack => lang.pick(
                "承办单位已答复，等待回访",
                "Answered; waiting for your rating",
            ),
            S::CalledBack => lang.pick("已回访", "Rated"),
            S::Archived => lang.pick("已办结", "Closed"),
        }
    }
}

coded_enum! {
    /// How fast a case must move (W9): urgent cases (紧急件) have their own short limits,
    /// are reminded and escalated sooner, and come first in every list.
    Priority {
        Normal = "normal", "普通", "Normal";
        Urgent = "urgent", "紧急", "Urgent";
    }
}

// The enum comes from `coded_enum!`, which cannot mark a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for Priority {
    fn default() -> Self {
        Priority::Normal
    }
}

/// Whether a category is urgent by default: it, or a category it belongs to, is in
/// `urgent` (codes grow by two digits per level, so a parent's code is a prefix).
pub fn urgent_by_default(code: &str, urgent: &std::collections::BTreeSet<String>) -> bool {
    (2..=code.len()).step_by(2).any(|end| {
        code.get(..end)
            .is_some_and(|prefix| urgent.contains(prefix))
    })
}

/// The tracking number (事务流水号) a citizen is given: `YYYYMMDD` + a six-digit daily
/// sequence, e.g. `20261123000042`. Digits only so it can be read out on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

impl TrackingNumber {
    pub fn new(date: chrono::NaiveDate, sequence: u32) -> TrackingNumber {
        TrackingNumber(format!("{}{:06}", date.format("%Y%m%d"), sequence))
    }

    pub fn parse(raw: &str) -> Option<TrackingNumber> {
        let raw = raw.trim();
        let valid = raw.len() == 14
            && raw.bytes().all(|b| b.is_ascii_digit())
            && chrono::NaiveDate::parse_from_str(&raw[..8], "%Y%m%d").is_ok();
        valid.then(|| TrackingNumber(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TrackingNumber {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        TrackingNumber::parse(&value).ok_or_else(|| format!("not a tracking number: {value}"))
    }
}

impl From<TrackingNumber> for String {
    fn from(value: TrackingNumber) -> Self {
        value.0
    }
}

impl std::fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.as_code()), Some(*c));
        }
        for t in CaseType::ALL {
            assert_eq!(CaseType::from_code(t.as_code()), Some(*t));
        }
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::from_code(s.as_code()), Some(*s));
        }
        assert_eq!(CaseType::ALL.len(), 10);
    }

    #[test]
    fn tracking_numbers_are_date_and_sequence() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let n = TrackingNumber::new(date, 42);
        assert_eq!(n.as_str(), "20261123000042");
        assert_eq!(TrackingNumber::parse(" 20261123000042 "), Some(n));
        assert_eq!(TrackingNumber::parse("20261323000042"), None);
        assert_eq!(TrackingNumber::parse("2026112300004"), None);
    }
}
