//! Field-level validation errors: which field, and what is wrong with it.
//!
//! A `Problem` is data, not text, so the same mistake renders in the reader's language
//! in the browser, in the JSON API (`fields: {name: message}`) and in logs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Lang;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// Nothing (or only white space) was given.
    Required,
    /// Longer than allowed, counted in characters (not bytes).
    TooLong { max: usize },
    /// Not a phone number we can call back.
    BadPhone,
    /// Not one of the known codes (a category, a district...).
    Unknown,
    /// Neither a district nor an address: we would not know where to send help.
    NoLocation,
    /// The value has characters that cannot be stored (control characters).
    BadCharacters,
    /// Shorter than allowed, counted in characters.
    TooShort { min: usize },
    /// A user name may hold letters, digits, `.`, `_` and `-`, and starts with a letter or digit.
    BadUsername,
    /// A code of letters and digits only.
    BadCode,
    /// Given, but the chosen role does not belong to one.
    NotForRole,
    /// A password of one repeated character.
    WeakPassword,
    /// Already taken by another record.
    Taken,
    /// Not allowed on one's own account (deactivating oneself, dropping one's own role).
    NotForSelf,
    /// Not a tracking number (14 digits starting with a date).
    BadTrackingNumber,
    /// Not a date (`YYYY-MM-DD`).
    BadDate,
    /// A case named where another one is needed (linking a case to itself).
    SameCase,
    /// Still used by other records (a category that still has articles).
    InUse,
    /// A number outside what is allowed.
    OutOfRange { min: i64, max: i64 },
    /// A make-up working day (调休上班) is a Saturday or Sunday; a weekday already is one.
    NotAWeekend,
    /// Given where it does not apply (vendor scores on a department's part, ratings for a
    /// call that did not reach the citizen).
    NotApplicable,
    /// A time that has already passed where one ahead is needed.
    NotInFuture,
    /// A position outside the city the platform serves.
    OutsideCity,
    /// Not a resident ID number (GB 11643: 18 characters, a date, the check character).
    BadIdNumber,
    /// Disagrees with another field of the same record (a sex or birth date the ID number
    /// says otherwise).
    Mismatch,
    /// A file's column heading that names no column.
    UnknownColumn,
    /// A column the file must have.
    MissingColumn,
    /// The same value as an earlier row of the file (its spreadsheet row).
    Duplicate { row: u32 },
    /// More rows than one file may hold.
    TooMany { max: u64 },
    /// Not a file of the kind asked for (CSV in UTF-8 or GB18030, or XLSX).
    Unreadable,
    /// Not a web address (`http://` or `https://` and a host name).
    BadWebAddress,
    /// A day still to come where one that has passed is needed.
    InFuture,
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Required, Lang::Zh) => "此项必填".into(),
            (Problem::Required, Lang::En) => "This field is required".into(),
            (Problem::TooLong { max }, Lang::Zh) => format!("不能超过 {max} 个字"),
            (Problem::TooLong { max }, Lang::En) => format!("At most {max} characters"),
            (Problem::BadPhone, Lang::Zh) => {
                "请填写 11 位手机号或带区号的固定电话，如 029-33212345".into()
            }
            (Problem::BadPhone, Lang::En) => {
                "Enter an 11-digit mobile number or a landline with area code, e.g. 029-33212345"
                    .into()
            }
            (Problem::Unknown, Lang::Zh) => "请从列表中选择".into(),
            (Problem::Unknown, Lang::En) => "Choose one from the list".into(),
            (Problem::NoLocation, Lang::Zh) => "请选择区县、填写详细地址或在地图上标出位置".into(),
            (Problem::NoLocation, Lang::En) => {
                "Choose a district, type an address or place it on the map".into()
            }
            (Problem::BadCharacters, Lang::Zh) => "含有无法识别的字符".into(),
            (Problem::BadCharacters, Lang::En) => "Contains characters that are not allowed".into(),
            (Problem::TooShort { min }, Lang::Zh) => format!("至少 {min} 个字符"),
            (Problem::TooShort { min }, Lang::En) => format!("At least {min} characters"),
            (Problem::BadUsername, Lang::Zh) => {
                "只能使用字母、数字和 . _ -，并以字母或数字开头".into()
            }
            (Problem::BadUsername, Lang::En) => {
                "Use letters, digits and . _ - only, starting with a letter or digit".into()
            }
            (Problem::BadCode, Lang::Zh) => "只能使用字母和数字，最多 16 位".into(),
            (Problem::BadCode, Lang::En) => "Letters and digits only, at most 16".into(),
            (Problem::NotForRole, Lang::Zh) => "该角色不属于部门或企业，请留空".into(),
            (Problem::NotForRole, Lang::En) => "This role has none; leave it empty".into(),
            (Problem::WeakPassword, Lang::Zh) => "密码过于简单".into(),
            (Problem::WeakPassword, Lang::En) => "This password is too easy to guess".into(),
            (Problem::Taken, Lang::Zh) => "已被使用".into(),
            (Problem::Taken, Lang::En) => "Already in use".into(),
            (Problem::NotForSelf, Lang::Zh) => "不能对自己的账户这样操作".into(),
            (Problem::NotForSelf, Lang::En) => "Not allowed on your own account".into(),
            (Problem::BadTrackingNumber, Lang::Zh) => {
                "流水号为 14 位数字，如 20261123000042".into()
            }
            (Problem::BadDate, Lang::Zh) => "日期格式为 2026-11-23".into(),
            (Problem::BadDate, Lang::En) => "Dates look like 2026-11-23".into(),
            (Problem::SameCase, Lang::Zh) => "不能与本案件自身关联".into(),
            (Problem::SameCase, Lang::En) => "A case cannot be linked to itself".into(),
            (Problem::InUse, Lang::Zh) => "仍在使用中，不能删除".into(),
            (Problem::InUse, Lang::En) => "Still in use; it cannot be removed".into(),
            (Problem::OutOfRange { min, max }, Lang::Zh) => format!("应在 {min} 到 {max} 之间"),
            (Problem::OutOfRange { min, max }, Lang::En) => format!("Between {min} and {max}"),
            (Problem::NotAWeekend, Lang::Zh) => "调休上班日应为周六或周日".into(),
            (Problem::NotAWeekend, Lang::En) => {
                "A make-up working day falls on a Saturday or Sunday".into()
            }
            (Problem::NotInFuture, Lang::Zh) => "应晚于现在".into(),
            (Problem::NotInFuture, Lang::En) => "Must be later than now".into(),
            (Problem::OutsideCity, Lang::Zh) => "位置不在咸阳市范围内".into(),
            (Problem::OutsideCity, Lang::En) => "This position is outside Xianyang".into(),
            (Problem::NotApplicable, Lang::Zh) => "此项不适用，请留空".into(),
            (Problem::NotApplicable, Lang::En) => "Does not apply here; leave it empty".into(),
            (Problem::BadIdNumber, Lang::Zh) => "身份证号应为 18 位，出生日期和校验位正确".into(),
            (Problem::BadIdNumber, Lang::En) => {
                "An ID number has 18 characters with a valid date and check character".into()
            }
            (Problem::Mismatch, Lang::Zh) => "与身份证号不符".into(),
            (Problem::Mismatch, Lang::En) => "Does not agree with the ID number".into(),
            (Problem::UnknownColumn, Lang::Zh) => "无法识别的列名".into(),
            (Problem::UnknownColumn, Lang::En) => "No such column".into(),
            (Problem::MissingColumn, Lang::Zh) => "缺少此列".into(),
            (Problem::MissingColumn, Lang::En) => "This column is missing".into(),
            (Problem::Duplicate { row }, Lang::Zh) => format!("与第 {row} 行重复"),
            (Problem::Duplicate { row }, Lang::En) => format!("Same as row {row}"),
            (Problem::TooMany { max }, Lang::Zh) => format!("最多 {max} 行，请缩小范围或分批"),
            (Problem::TooMany { max }, Lang::En) => {
                format!("At most {max} rows; narrow the search or split the file")
            }
            (Problem::Unreadable, Lang::Zh) => {
                "无法读取：请上传 CSV（UTF-8 或 GBK）或 XLSX 文件".into()
            }
            (Problem::Unreadable, Lang::En) => {
                "Cannot read it: upload a CSV (UTF-8 or GBK) or XLSX file".into()
            }
            (Problem::BadWebAddress, Lang::Zh) => "网址应以 http:// 或 https:// 开头".into(),
            (Problem::BadWebAddress, Lang::En) => {
                "A web address starts with http:// or https://".into()
            }
            (Problem::InFuture, Lang::Zh) => "不能晚于今天".into(),
            (Problem::InFuture, Lang::En) => "Cannot be later than today".into(),
            (Problem::BadTrackingNumber, Lang::En) => {
                "A tracking number has 14 digits, e.g. 20261123000042".into()
            }
        }
    }
}

/// Problems keyed by field name (the `name` of the form input and the JSON key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, Problem>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, problem: Problem) {
        // The first problem found for a field is the one the user must fix first.
        self.0.entry(field.to_string()).or_insert(problem);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&Problem> {
        self.0.get(field)
    }

    /// `{field: message}` in one language, for the JSON error body.
    pub fn messages(&self, lang: Lang) -> BTreeMap<String, String> {
        self.0
            .iter()
            .map(|(field, problem)| (field.clone(), problem.message(lang)))
            .collect()
    }

    /// `Ok(value)` when no problem was recorded.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(field, problem)| format!("{field}: {}", problem.message(Lang::En)))
            .collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}
