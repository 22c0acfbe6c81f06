//! Resident identity card numbers (居民身份证号码, GB 11643-1999).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::account::mask_id_number;

/// An 18-character citizen ID number: 6-digit area code, 8-digit birth date, 3-digit order
/// (odd for men, even for women) and the ISO 7064 MOD 11-2 check character (`0`–`9` or `X`).
/// Serialized as the plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

/// Why a string is not an ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("an ID number has 18 characters")]
    Length,
    #[error("the first 17 characters of an ID number are digits, the last a digit or X")]
    Characters,
    #[error("the birth date in the ID number is not a date")]
    BirthDate,
    #[error("the check character of the ID number does not match")]
    CheckDigit,
}

impl IdNumber {
    /// The check character of the first 17 digits (ISO 7064 MOD 11-2 as GB 11643 uses it).
    /// `first17` must be 17 ASCII digits; anything else gives a meaningless character.
    pub fn check_digit(first17: &str) -> char {
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const CHECK: &[u8; 11] = b"10X98765432";
        let sum: u32 = first17
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w)
            .sum();
        CHECK[(sum % 11) as usize] as char
    }

    /// Checks length, characters, the birth date and the check character. Spaces around it
    /// are dropped and a lower-case `x` is read as `X`.
    pub fn parse(raw: &str) -> Result<IdNumber, IdNumberError> {
        let id = raw.trim().to_ascii_uppercase();
        if id.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        let (body, last) = id.split_at(17);
        if !body.bytes().all(|b| b.is_ascii_digit())
            || !last.bytes().all(|b| b.is_ascii_digit() || b == b'X')
        {
            return Err(IdNumberError::Characters);
        }
        if chrono::NaiveDate::parse_from_str(&body[6..14], "%Y%m%d").is_err() {
            return Err(IdNumberError::BirthDate);
        }
        if !last.starts_with(IdNumber::check_digit(body)) {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(IdNumber(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date it carries.
    pub fn birth_date(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("checked by parse")
    }

    /// `610402********1234`, as [`mask_id_number`] shows every ID number.
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(raw: String) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse(&raw)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.0
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_digit_follows_gb_11643() {
        // The standard's worked example.
        assert_eq!(IdNumber::check_digit("11010519491231002"), 'X');
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date().to_string(), "1949-12-31");
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn wrong_numbers_are_refused_by_reason() {
        assert_eq!(
            IdNumber::parse("1101051949123100"),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            IdNumber::parse("1101051949123100AX"),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse("110105194913310021"),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::CheckDigit)
        );
    }

    #[test]
    fn serialized_as_the_plain_string() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, r#""11010519491231002X""#);
        assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
        assert!(serde_json::from_str::<IdNumber>(r#""110105194912310021""#).is_err());
    }
}
