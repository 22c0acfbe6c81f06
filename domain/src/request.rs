//! Online help requests (SPEC P1): what a citizen types, what is accepted, what the agent sees.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    CaseStatus, Category, Channel, Coordinates, FieldErrors, PhoneNumber, PositionInput, Problem,
    Region, TrackingNumber,
};

pub const CONTENT_MAX: usize = 2000;
pub const NAME_MAX: usize = 50;
pub const ADDRESS_MAX: usize = 200;

/// The request as typed, from the portal form or the JSON API. Nothing here is trusted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewRequestInput {
    pub category: String,
    pub content: String,
    pub contact_name: String,
    pub phone: String,
    pub district: String,
    pub address: String,
    pub anonymous: bool,
    /// Where the problem is, when the filer placed it (a map pin, a 311 client's
    /// `lat`/`long`): both numbers inside the city, or neither.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// A request that passed every check that needs no database. Whether the category and the
/// district exist is checked by the service against the code tables.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub category: String,
    pub content: String,
    /// `None` when the caller asked to stay anonymous and gave no name.
    pub contact_name: Option<String>,
    pub phone: PhoneNumber,
    pub district: Option<String>,
    pub address: Option<String>,
    pub anonymous: bool,
    /// The point given; without a district the service finds the district it lies in.
    pub location: Option<Coordinates>,
}

impl NewRequestInput {
    pub fn validate(&self) -> Result<NewRequest, FieldErrors> {
        let mut errors = FieldErrors::new();

        let category = self.category.trim();
        if category.is_empty() {
            errors.add("category", Problem::Required);
        } else if !Category::is_well_formed_code(category) || category.len() < 4 {
            // Only minor categories (level 2 and below) describe a request precisely enough.
            errors.add("category", Problem::Unknown);
        }

        let content = text_field(&mut errors, "content", &self.content, CONTENT_MAX, true);
        // An anonymous caller's name is not kept at all, even if one was typed.
        let contact_name = if self.anonymous {
            None
        } else {
            text_field(
                &mut errors,
                "contact_name",
                &self.contact_name,
                NAME_MAX,
                true,
            )
        };

        let phone = match PhoneNumber::parse(&self.phone) {
            Ok(phone) => Some(phone),
            Err(problem) => {
                errors.add("phone", problem);
                None
            }
        };

        let district = self.district.trim();
        let district_code_shape =
            district.len() == 6 && district.bytes().all(|b| b.is_ascii_digit());
        if !district.is_empty() && !district_code_shape {
            errors.add("district", Problem::Unknown);
        }
        let address = text_field(&mut errors, "address", &self.address, ADDRESS_MAX, false);
        let location = match (self.lon, self.lat) {
            (None, None) => None,
            (lon, lat) => match (PositionInput { lon, lat }).validate() {
                Ok(point) => Some(point),
                Err(problems) => {
                    for (field, problem) in problems.0 {
                        errors.add(&field, problem);
                    }
                    None
                }
            },
        };
        let placed = self.lon.is_some() || self.lat.is_some();
        if district.is_empty() && self.address.trim().is_empty() && !placed {
            errors.add("address", Problem::NoLocation);
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewRequest {
            category: category.to_string(),
            content: content.unwrap_or_default(),
            contact_name,
            phone: phone.expect("phone checked above"),
            district: (!district.is_empty()).then(|| district.to_string()),
            address,
            anonymous: self.anonymous,
            location,
        })
    }
}

/// A coordinate from a form field: empty is none; text that is not a number becomes NaN,
/// which [`NewRequestInput::validate`] refuses by the field's name.
pub fn coordinate_field(raw: &str) -> Option<f64> {
    match raw.trim() {
        "" => None,
        text => Some(text.parse().unwrap_or(f64::NAN)),
    }
}

/// The text check of every form, for services that validate their own fields.
pub fn clean_text(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    max: usize,
    required: bool,
) -> Option<String> {
    text_field(errors, field, raw, max, required)
}

/// Trims, checks length in characters and refuses control characters (other than line
/// breaks and tabs in long text). Returns `None` for an empty optional field.
pub(crate) fn text_field(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    max: usize,
    required: bool,
) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() {
        if required {
            errors.add(field, Problem::Required);
        }
        return None;
    }
    if value.chars().count() > max {
        errors.add(field, Problem::TooLong { max });
        return None;
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(field, Problem::BadCharacters);
        return None;
    }
    Some(value.to_string())
}

/// What the request form offers to choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormOptions {
    /// Levels 1 and 2 of the catalogue: majors as groups, minors as choices.
    pub categories: Vec<Category>,
    pub districts: Vec<Region>,
}

/// What the citizen gets back: the number to track the request with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledRequest {
    pub tracking_number: TrackingNumber,
    pub status: CaseStatus,
    pub created_at: DateTime<Utc>,
}

/// One line in the agents' "new requests" list, and the payload of the live push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub tracking_number: TrackingNumber,
    pub channel: Channel,
    pub status: CaseStatus,
    pub category_code: String,
    pub category_zh: String,
    pub category_en: String,
    pub content: String,
    /// `None` for anonymous requests.
    pub contact_name: Option<String>,
    pub phone: String,
    pub district_name: Option<String>,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Urgent requests (a gas leak) come first in the agents' queue (W9).
    #[serde(default)]
    pub priority: crate::Priority,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewRequestInput {
        NewRequestInput {
            category: "0101".into(),
            content: "楼道灯坏了三天，晚上老人上下楼很危险。".into(),
            contact_name: "王女士".into(),
            phone: "13812345678".into(),
            district: "610402".into(),
            address: "人民路 12 号".into(),
            anonymous: false,
            ..NewRequestInput::default()
        }
    }

    #[test]
    fn a_placed_request_needs_both_numbers_inside_the_city() {
        let mut input = valid();
        input.district.clear();
        input.address.clear();
        input.lon = Some(108.7093);
        input.lat = Some(34.3296);
        let ok = input.validate().unwrap();
        assert_eq!(
            ok.location,
            Some(Coordinates {
                lon: 108.7093,
                lat: 34.3296
            })
        );
        input.lat = None;
        assert_eq!(
            input.validate().unwrap_err().get("lat"),
            Some(&Problem::Required)
        );
        input.lat = Some(39.9);
        assert_eq!(
            input.validate().unwrap_err().get("lat"),
            Some(&Problem::OutsideCity)
        );
        input.lon = None;
        input.lat = None;
        assert_eq!(
            input.validate().unwrap_err().get("address"),
            Some(&Problem::NoLocation)
        );
    }

    #[test]
    fn a_complete_request_is_accepted() {
        let ok = valid().validate().unwrap();
        assert_eq!(ok.phone.as_str(), "13812345678");
        assert_eq!(ok.district.as_deref(), Some("610402"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let input = NewRequestInput {
            category: "".into(),
            content: "   ".into(),
            contact_name: "".into(),
            phone: "12345".into(),
            district: "".into(),
            address: "".into(),
            anonymous: false,
            ..NewRequestInput::default()
        };
        let errors = input.validate().unwrap_err();
        assert_eq!(errors.get("category"), Some(&Problem::Required));
        assert_eq!(errors.get("content"), Some(&Problem::Required));
        assert_eq!(errors.get("contact_name"), Some(&Problem::Required));
        assert_eq!(errors.get("phone"), Some(&Problem::BadPhone));
        assert_eq!(errors.get("address"), Some(&Problem::NoLocation));
    }

    #[test]
    fn oversize_text_is_refused_by_character_count() {
        let mut input = valid();
        input.content = "字".repeat(CONTENT_MAX);
        assert!(input.validate().is_ok());
        input.content = "字".repeat(CONTENT_MAX + 1);
        assert_eq!(
            input.validate().unwrap_err().get("content"),
            Some(&Problem::TooLong { max: CONTENT_MAX })
        );
    }

    #[test]
    fn anonymous_requests_need_no_name_but_still_a_phone() {
        let mut input = valid();
        input.anonymous = true;
        assert_eq!(
            input.validate().unwrap().contact_name,
            None,
            "a typed name is dropped"
        );
        input.contact_name.clear();
        assert_eq!(input.validate().unwrap().contact_name, None);
        input.phone.clear();
        assert_eq!(
            input.validate().unwrap_err().get("phone"),
            Some(&Problem::Required)
        );
    }

    #[test]
    fn a_major_category_or_malformed_code_is_not_a_choice() {
        let mut input = valid();
        input.category = "01".into();
        assert_eq!(
            input.validate().unwrap_err().get("category"),
            Some(&Problem::Unknown)
        );
        input.category = "01x1".into();
        assert_eq!(
            input.validate().unwrap_err().get("category"),
            Some(&Problem::Unknown)
        );
    }

    #[test]
    fn control_characters_are_refused() {
        let mut input = valid();
        input.content = "hello\u{0}world".into();
        assert_eq!(
            input.validate().unwrap_err().get("content"),
            Some(&Problem::BadCharacters)
        );
        input.content = "第一行\n第二行".into();
        assert!(input.validate().is_ok());
    }
}
