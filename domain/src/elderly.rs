//! Finding a person in the elderly registry (SPEC R3): one search box that takes a name or
//! any of the numbers a coordinator has at hand (phone, one-key number, ID number, service
//! card number), filters by district, identity category, age and join date, and pages.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::views::{ElderlyDetail, ElderlySummary};
use crate::{FieldErrors, PhoneNumber, Problem};

/// The identity categories (身份类别) of the registry, in the order forms list them.
pub const ELDERLY_IDENTITY_CATEGORIES: &[&str] = &[
    "普通",
    "低保",
    "空巢",
    "独居",
    "失能",
    "高龄",
    "优抚对象",
    "五保",
];

/// Rows per page when none is asked for, and the most one page holds.
pub const ELDERLY_PAGE_DEFAULT: u32 = 50;
pub const ELDERLY_PAGE_MAX: u32 = 200;
/// The longest search text, in characters.
pub const ELDERLY_SEARCH_MAX: usize = 40;

/// A registry search as typed (query string or form): every field text, empty for "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElderlyQuery {
    /// A name (its beginning), or a phone, one-key, ID or service card number (whole).
    pub q: String,
    /// A district code (6 digits).
    pub district: String,
    /// One of [`ELDERLY_IDENTITY_CATEGORIES`].
    pub category: String,
    /// Age in whole years, inclusive bounds.
    pub age_min: String,
    pub age_max: String,
    /// Joined the registry on or after / on or before (`YYYY-MM-DD`, China time).
    pub joined_from: String,
    pub joined_to: String,
    /// 1-based.
    pub page: String,
    pub per_page: String,
}

/// A person as the record's form (and the JSON body of `POST`/`PUT /api/v1/elderly`) has
/// them: one text field per column of the registry's files, named by the column's key, so
/// a typed person is checked by the same rules as an imported one. Regions by code or name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElderlyInput {
    pub name: String,
    /// `M`/`F` (or 男/女); empty takes it from the ID number.
    pub gender: String,
    /// Empty takes it from the ID number.
    pub birth_date: String,
    pub id_number: String,
    pub identity_category: String,
    pub service_card_no: String,
    pub district: String,
    pub street: String,
    pub village: String,
    pub address: String,
    pub phone: String,
    pub onekey_phone: String,
    pub onekey_device: String,
    pub contact_name: String,
    pub contact_relation: String,
    pub contact_phone: String,
    pub health_notes: String,
    pub medications: String,
    /// Both or neither; neither keeps the stored position where the person stays in the
    /// same place (else: the village's, street's or district's centre).
    pub lon: String,
    pub lat: String,
    /// The version the edit form showed; empty for a new person.
    pub version: String,
}

impl ElderlyInput {
    /// The field of a registry column's key (`""` for a key that is not one).
    pub fn field(&self, key: &str) -> &str {
        match key {
            "name" => &self.name,
            "gender" => &self.gender,
            "birth_date" => &self.birth_date,
            "id_number" => &self.id_number,
            "identity_category" => &self.identity_category,
            "service_card_no" => &self.service_card_no,
            "district" => &self.district,
            "street" => &self.street,
            "village" => &self.village,
            "address" => &self.address,
            "phone" => &self.phone,
            "onekey_phone" => &self.onekey_phone,
            "onekey_device" => &self.onekey_device,
            "contact_name" => &self.contact_name,
            "contact_relation" => &self.contact_relation,
            "contact_phone" => &self.contact_phone,
            "health_notes" => &self.health_notes,
            "medications" => &self.medications,
            "lon" => &self.lon,
            "lat" => &self.lat,
            _ => "",
        }
    }

    /// The form filled from a record as the reader sees it (the position left empty: kept).
    pub fn from_detail(d: &ElderlyDetail) -> ElderlyInput {
        ElderlyInput {
            name: d.summary.name.clone(),
            gender: d.summary.gender.clone(),
            birth_date: d.summary.birth_date.to_string(),
            id_number: d.summary.id_number.clone(),
            identity_category: d.summary.identity_category.clone(),
            service_card_no: d.service_card_no.clone(),
            district: d.district_code.clone(),
            street: d.street_code.clone().unwrap_or_default(),
            village: d.village_code.clone().unwrap_or_default(),
            address: d.summary.address.clone(),
            phone: d.phone.clone().unwrap_or_default(),
            onekey_phone: d.summary.onekey_phone.clone().unwrap_or_default(),
            onekey_device: d.onekey_device.clone().unwrap_or_default(),
            contact_name: d.contact_name.clone(),
            contact_relation: d.contact_relation.clone(),
            contact_phone: d.contact_phone.clone(),
            health_notes: d.health_notes.clone().unwrap_or_default(),
            medications: d.medications.clone().unwrap_or_default(),
            lon: String::new(),
            lat: String::new(),
            version: d.version.to_string(),
        }
    }
}

/// What the search box holds, told apart by its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElderlySearch {
    /// Names starting with this.
    Name(String),
    /// An ID or service card number equal to `text` (letters upper-cased, spaces and
    /// dashes dropped), or a phone or one-key number equal to `phone` (normalised, when the
    /// text is a phone number at all).
    Number { text: String, phone: Option<String> },
}

/// A checked [`ElderlyQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElderlyFilter {
    pub search: Option<ElderlySearch>,
    pub district: Option<String>,
    pub category: Option<String>,
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    pub joined_from: Option<NaiveDate>,
    pub joined_to: Option<NaiveDate>,
    pub page: u32,
    pub per_page: u32,
}

/// One page of the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElderlyPage {
    /// Everyone who matches, on every page.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<ElderlySummary>,
}

impl ElderlyPage {
    pub fn pages(&self) -> u32 {
        crate::page_count(self.total, self.per_page)
    }
}

impl ElderlyQuery {
    /// Checks every field; each wrong one is named.
    pub fn validate(&self) -> Result<ElderlyFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let search = {
            let q = self.q.trim();
            if q.chars().count() > ELDERLY_SEARCH_MAX {
                errors.add(
                    "q",
                    Problem::TooLong {
                        max: ELDERLY_SEARCH_MAX,
                    },
                );
                None
            } else if q.chars().any(char::is_control) {
                errors.add("q", Problem::BadCharacters);
                None
            } else if q.is_empty() {
                None
            } else if q
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" -+()".contains(&b))
                && q.bytes().any(|b| b.is_ascii_digit())
            {
                Some(ElderlySearch::Number {
                    text: q
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect::<String>()
                        .to_ascii_uppercase(),
                    phone: PhoneNumber::parse(q).ok().map(|p| p.as_str().to_string()),
                })
            } else {
                Some(ElderlySearch::Name(q.to_string()))
            }
        };
        let district = match self.district.trim() {
            "" => None,
            d if d.len() == 6 && d.bytes().all(|b| b.is_ascii_digit()) => Some(d.to_string()),
            _ => {
                errors.add("district", Problem::Unknown);
                None
            }
        };
        let category = match self.category.trim() {
            "" => None,
            c if ELDERLY_IDENTITY_CATEGORIES.contains(&c) => Some(c.to_string()),
            _ => {
                errors.add("category", Problem::Unknown);
                None
            }
        };
        let mut whole = |field: &str, text: &str, min: u32, max: u32| -> Option<u32> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            match text.parse::<u32>() {
                Ok(v) if (min..=max).contains(&v) => Some(v),
                _ => {
                    errors.add(
                        field,
                        Problem::OutOfRange {
                            min: i64::from(min),
                            max: i64::from(max),
                        },
                    );
                    None
                }
            }
        };
        let age_min = whole("age_min", &self.age_min, 0, 150);
        let age_max = whole("age_max", &self.age_max, 0, 150);
        let page = whole("page", &self.page, 1, 1_000_000).unwrap_or(1);
        let per_page =
            whole("per_page", &self.per_page, 1, ELDERLY_PAGE_MAX).unwrap_or(ELDERLY_PAGE_DEFAULT);
        if let (Some(lo), Some(hi)) = (age_min, age_max) {
            if lo > hi {
                errors.add(
                    "age_max",
                    Problem::OutOfRange {
                        min: i64::from(lo),
                        max: 150,
                    },
                );
            }
        }
        let mut date = |field: &str, text: &str| -> Option<NaiveDate> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(field, Problem::BadDate);
                    None
                }
            }
        };
        let joined_from = date("joined_from", &self.joined_from);
        let joined_to = date("joined_to", &self.joined_to);
        if let (Some(from), Some(to)) = (joined_from, joined_to) {
            if from > to {
                errors.add("joined_to", Problem::BadDate);
            }
        }
        errors.into_result(|| ElderlyFilter {
            search,
            district,
            category,
            age_min,
            age_max,
            joined_from,
            joined_to,
            page,
            per_page,
        })
    }
}

impl ElderlyFilter {
    /// The birth dates of the asked ages on `today`, inclusive: someone is `age_min` or
    /// older when born on or before `today` less `age_min` years, and at most `age_max`
    /// when born after `today` less `age_max + 1` years.
    pub fn born_between(&self, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let years_before = |years: u32| {
            today
                .checked_sub_months(chrono::Months::new(years * 12))
                .unwrap_or(NaiveDate::MIN)
        };
        let latest = self.age_min.map(years_before);
        let earliest = self
            .age_max
            .map(|max| years_before(max + 1).succ_opt().unwrap_or(NaiveDate::MIN));
        (earliest, latest)
    }

    /// The offset of the page's first row.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(f: impl FnOnce(&mut ElderlyQuery)) -> ElderlyQuery {
        let mut q = ElderlyQuery::default();
        f(&mut q);
        q
    }

    #[test]
    fn the_search_box_tells_names_from_numbers() {
        let search = |text: &str| query(|q| q.q = text.into()).validate().unwrap().search;
        assert_eq!(search("  "), None);
        assert_eq!(search("张"), Some(ElderlySearch::Name("张".into())));
        assert_eq!(
            search("张 秀英"),
            Some(ElderlySearch::Name("张 秀英".into()))
        );
        let number = |text: &str, phone: Option<&str>| {
            Some(ElderlySearch::Number {
                text: text.into(),
                phone: phone.map(Into::into),
            })
        };
        assert_eq!(
            search("61040219400101123x"),
            number("61040219400101123X", None)
        );
        assert_eq!(search("xy10000012"), number("XY10000012", None));
        assert_eq!(
            search("029 3312 3456"),
            number("02933123456", Some("029-33123456"))
        );
        assert_eq!(
            search("+86 139-0000-1111"),
            number("8613900001111", Some("13900001111"))
        );
        assert_eq!(search("Wang"), Some(ElderlySearch::Name("Wang".into())));
    }

    #[test]
    fn every_wrong_field_is_named() {
        let errors = query(|q| {
            q.q = "张".repeat(41);
            q.district = "6104".into();
            q.category = "贵宾".into();
            q.age_min = "ninety".into();
            q.age_max = "200".into();
            q.joined_from = "2024-13-01".into();
            q.page = "0".into();
            q.per_page = "500".into();
        })
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        for field in [
            "q",
            "district",
            "category",
            "age_min",
            "age_max",
            "joined_from",
            "page",
            "per_page",
        ] {
            assert!(fields.contains(&field), "{field} not named in {fields:?}");
        }
        let crossed = query(|q| {
            q.age_min = "80".into();
            q.age_max = "70".into();
            q.joined_from = "2025-02-01".into();
            q.joined_to = "2025-01-01".into();
        })
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = crossed.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["age_max", "joined_to"]);
    }

    #[test]
    fn ages_become_birth_dates_on_the_day() {
        let filter = query(|q| {
            q.age_min = "70".into();
            q.age_max = "79".into();
        })
        .validate()
        .unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let (earliest, latest) = filter.born_between(today);
        // 70 today: born 1956-12-06 or before; still 79: born after 1946-12-06.
        assert_eq!(latest, NaiveDate::from_ymd_opt(1956, 12, 6));
        assert_eq!(earliest, NaiveDate::from_ymd_opt(1946, 12, 7));
        assert_eq!(filter.page, 1);
        assert_eq!(filter.per_page, ELDERLY_PAGE_DEFAULT);
        assert_eq!(filter.offset(), 0);
    }

    #[test]
    fn pages_round_up() {
        let page = |total| ElderlyPage {
            total,
            page: 1,
            per_page: 50,
            items: Vec::new(),
        };
        assert_eq!(page(0).pages(), 1);
        assert_eq!(page(50).pages(), 1);
        assert_eq!(page(51).pages(), 2);
        assert_eq!(page(1800).pages(), 36);
    }
}
