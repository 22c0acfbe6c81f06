//! Open311 GeoReport v2 (SPEC I2): the keys other systems file with, what a request looks
//! like to the public, and the checks of the interface's query parameters.
//!
//! The public view of a request carries no personal data: no text, name, phone or street
//! address, only its kind, district, the point it was placed at, its status and who handles
//! it. Anyone may read it, as anyone may read a city's 311 feed.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::{CaseStatus, Category, Coordinates, FieldErrors, Problem, TrackingNumber};

/// The longest a label of a key may be, in characters.
pub const API_KEY_LABEL_MAX: usize = 100;
/// The longest span `start_date`..`end_date` the spec allows.
pub const OPEN311_SPAN_DAYS: i64 = 90;
/// The most requests one `GET requests` answers with (newest first).
pub const OPEN311_REQUESTS_MAX: u32 = 1000;
/// How many ids or service codes one query may list.
pub const OPEN311_LIST_MAX: usize = 100;

/// An issued key as administrators see it (never the key itself after it was issued).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    /// Who uses the key (a partner system, a district's app).
    pub label: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Requests filed with it.
    pub filed: i64,
}

/// A key just issued: the record and, this once, the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedApiKey {
    pub key: ApiKeyView,
    pub secret: String,
}

/// A new key as the administrator typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiKeyInput {
    pub label: String,
}

impl ApiKeyInput {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        let label =
            crate::request::clean_text(&mut errors, "label", &self.label, API_KEY_LABEL_MAX, true);
        match label {
            Some(label) if errors.is_empty() => Ok(label),
            _ => Err(errors),
        }
    }
}

/// Open or closed, as Open311 says it: closed once the work is done (handled, answered,
/// rated or archived), open before.
pub fn is_closed(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::Handled | CaseStatus::FedBack | CaseStatus::CalledBack | CaseStatus::Archived
    )
}

/// The statuses Open311's `open`/`closed` stand for.
pub fn statuses(closed: bool) -> Vec<CaseStatus> {
    CaseStatus::ALL
        .iter()
        .copied()
        .filter(|s| is_closed(*s) == closed)
        .collect()
}

/// The service a category is filed under: its level-2 ancestor (the level the public form
/// and the service list offer), `None` for a top-level code.
pub fn service_code(category: &str) -> Option<&str> {
    (category.len() >= 4 && Category::is_well_formed_code(category)).then(|| &category[..4])
}

/// One request as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicRequest {
    pub tracking_number: TrackingNumber,
    pub status: CaseStatus,
    pub category_code: String,
    /// The service's (level-2 category's) names.
    pub service_zh: String,
    pub service_en: String,
    pub district_name: Option<String>,
    pub location: Option<Coordinates>,
    /// The departments, vendors or providers that have it, by name.
    pub agencies: Vec<String>,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the work is due (the red light's instant) while it is in hand.
    pub expected_at: Option<DateTime<Utc>>,
}

/// A checked `GET requests` query: either the listed ids, or the other filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRequestQuery {
    pub ids: Vec<TrackingNumber>,
    pub service_codes: Vec<String>,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// `Some(true)`: closed only; `Some(false)`: open only.
    pub closed: Option<bool>,
    pub limit: u32,
}

/// `GET requests`'s parameters as they arrive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicRequestParams {
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
}

impl PublicRequestParams {
    /// Checks every parameter, naming each bad one. Without dates the window is the last 90
    /// days before `now`; with one date it is the 90 days from or to it; both may not span
    /// more than 90 days. `service_request_id` overrides every other parameter.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<PublicRequestQuery, FieldErrors> {
        let mut errors = FieldErrors::new();
        let span = Duration::days(OPEN311_SPAN_DAYS);
        let ids = list(self.service_request_id.as_deref());
        if !ids.is_empty() {
            let parsed: Vec<TrackingNumber> = ids
                .iter()
                .filter_map(|i| TrackingNumber::parse(i))
                .collect();
            if parsed.len() != ids.len() {
                errors.add("service_request_id", Problem::BadTrackingNumber);
            } else if ids.len() > OPEN311_LIST_MAX {
                errors.add(
                    "service_request_id",
                    Problem::TooMany {
                        max: OPEN311_LIST_MAX as u64,
                    },
                );
            }
            return errors.into_result(|| PublicRequestQuery {
                ids: parsed,
                service_codes: Vec::new(),
                from: DateTime::<Utc>::MIN_UTC,
                until: DateTime::<Utc>::MAX_UTC,
                closed: None,
                limit: OPEN311_REQUESTS_MAX,
            });
        }
        let service_codes: Vec<String> = list(self.service_code.as_deref())
            .into_iter()
            .map(str::to_string)
            .collect();
        if service_codes
            .iter()
            .any(|c| !Category::is_well_formed_code(c))
        {
            errors.add("service_code", Problem::Unknown);
        } else if service_codes.len() > OPEN311_LIST_MAX {
            errors.add(
                "service_code",
                Problem::TooMany {
                    max: OPEN311_LIST_MAX as u64,
                },
            );
        }
        let mut date = |field: &str, raw: Option<&str>| match raw.map(str::trim) {
            None | Some("") => None,
            Some(raw) => match DateTime::parse_from_rfc3339(raw) {
                Ok(d) => Some(d.with_timezone(&Utc)),
                Err(_) => {
                    errors.add(field, Problem::BadDate);
                    None
                }
            },
        };
        let start = date("start_date", self.start_date.as_deref());
        let end = date("end_date", self.end_date.as_deref());
        let (from, until) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + span),
            (None, Some(e)) => (e - span, e),
            (None, None) => (now - span, now),
        };
        if until < from {
            errors.add("end_date", Problem::NotApplicable);
        } else if until - from > span {
            errors.add(
                "end_date",
                Problem::OutOfRange {
                    min: 0,
                    max: OPEN311_SPAN_DAYS,
                },
            );
        }
        let mut closed = None;
        for s in list(self.status.as_deref()) {
            let wanted = match s.to_ascii_lowercase().as_str() {
                "open" => false,
                "closed" => true,
                _ => {
                    errors.add("status", Problem::Unknown);
                    continue;
                }
            };
            // Both named is the same as neither.
            closed = match closed {
                None => Some(Some(wanted)),
                Some(Some(c)) if c != wanted => Some(None),
                same => same,
            };
        }
        errors.into_result(|| PublicRequestQuery {
            ids: Vec::new(),
            service_codes,
            from,
            until,
            closed: closed.flatten(),
            limit: OPEN311_REQUESTS_MAX,
        })
    }
}

/// The comma-separated values of a parameter, trimmed, empty ones dropped.
fn list(raw: Option<&str>) -> Vec<&str> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 8, 4, 0, 0).unwrap()
    }

    #[test]
    fn without_dates_the_window_is_the_last_ninety_days() {
        let q = PublicRequestParams::default().validate(now()).unwrap();
        assert_eq!(q.until, now());
        assert_eq!(q.from, now() - Duration::days(90));
        assert_eq!(q.closed, None);
        let q = PublicRequestParams {
            start_date: Some("2026-01-01T00:00:00Z".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap();
        assert_eq!(q.until - q.from, Duration::days(90));
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let errors = PublicRequestParams {
            service_code: Some("06x1".into()),
            start_date: Some("yesterday".into()),
            status: Some("open,pending".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap_err();
        assert_eq!(errors.get("service_code"), Some(&Problem::Unknown));
        assert_eq!(errors.get("start_date"), Some(&Problem::BadDate));
        assert_eq!(errors.get("status"), Some(&Problem::Unknown));
        let errors = PublicRequestParams {
            start_date: Some("2026-01-01T00:00:00Z".into()),
            end_date: Some("2026-06-01T00:00:00+08:00".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap_err();
        assert!(matches!(
            errors.get("end_date"),
            Some(Problem::OutOfRange { .. })
        ));
        let errors = PublicRequestParams {
            service_request_id: Some("20261208000001,12".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap_err();
        assert_eq!(
            errors.get("service_request_id"),
            Some(&Problem::BadTrackingNumber)
        );
    }

    #[test]
    fn ids_override_the_other_filters_and_both_statuses_mean_all() {
        let q = PublicRequestParams {
            service_request_id: Some("20261208000001, 20261208000002".into()),
            status: Some("bogus".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap();
        assert_eq!(q.ids.len(), 2);
        let q = PublicRequestParams {
            status: Some("open,closed".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap();
        assert_eq!(q.closed, None);
        let q = PublicRequestParams {
            status: Some("Closed".into()),
            ..Default::default()
        }
        .validate(now())
        .unwrap();
        assert_eq!(q.closed, Some(true));
    }

    #[test]
    fn services_are_level_two_and_closed_means_the_work_is_done() {
        assert_eq!(service_code("060103"), Some("0601"));
        assert_eq!(service_code("0601"), Some("0601"));
        assert_eq!(service_code("06"), None);
        assert!(is_closed(CaseStatus::FedBack));
        assert!(!is_closed(CaseStatus::Returned));
        assert_eq!(
            statuses(true).len() + statuses(false).len(),
            CaseStatus::ALL.len()
        );
    }

    #[test]
    fn a_key_needs_a_label() {
        assert_eq!(
            ApiKeyInput { label: " ".into() }
                .validate()
                .unwrap_err()
                .get("label"),
            Some(&Problem::Required)
        );
        assert_eq!(
            ApiKeyInput {
                label: " 渭城区政务 App ".into()
            }
            .validate()
            .unwrap(),
            "渭城区政务 App"
        );
    }
}
