//! Phone numbers a callback can reach: Chinese mobiles and landlines with area code.

use serde::{Deserialize, Serialize};

use crate::Problem;

/// A normalised phone number: digits only, landlines as `area-local` (e.g. `029-33212345`).
///
/// Citizens type numbers with spaces, dashes and a `+86` prefix; the number stored and
/// compared is always the normalised form, so the tracking lookup (number + phone) matches
/// however the phone was typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<PhoneNumber, Problem> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Problem::Required);
        }
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'))
        {
            return Err(Problem::BadPhone);
        }
        let mut digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        if trimmed.starts_with('+') {
            digits = digits
                .strip_prefix("86")
                .ok_or(Problem::BadPhone)?
                .to_string();
        } else if digits.len() == 13 && digits.starts_with("86") && digits[2..].starts_with('1') {
            digits = digits[2..].to_string();
        }
        let bytes = digits.as_bytes();
        // Mobile: 1[3-9] and nine more digits.
        if bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]) {
            return Ok(PhoneNumber(digits));
        }
        // Landline: 0 + 2 or 3 digit area code, 7 or 8 digit local number.
        if bytes.first() == Some(&b'0') {
            let area_len = if matches!(bytes.get(1), Some(b'1') | Some(b'2')) {
                3
            } else {
                4
            };
            let local = bytes.len().saturating_sub(area_len);
            if (7..=8).contains(&local) && bytes.get(area_len) != Some(&b'0') {
                return Ok(PhoneNumber(format!(
                    "{}-{}",
                    &digits[..area_len],
                    &digits[area_len..]
                )));
            }
        }
        Err(Problem::BadPhone)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`: what a screen shows to someone who does not need the whole number.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 7 {
            return "*".repeat(chars.len());
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PhoneNumber::parse(&value).map_err(|p| p.message(crate::Lang::En))
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_are_accepted_however_they_are_typed() {
        for raw in [
            "13812345678",
            "138 1234 5678",
            "+86 138-1234-5678",
            "8613812345678",
        ] {
            assert_eq!(
                PhoneNumber::parse(raw).unwrap().as_str(),
                "13812345678",
                "{raw}"
            );
        }
    }

    #[test]
    fn landlines_keep_their_area_code() {
        assert_eq!(
            PhoneNumber::parse("029-33212345").unwrap().as_str(),
            "029-33212345"
        );
        assert_eq!(
            PhoneNumber::parse("02933212345").unwrap().as_str(),
            "029-33212345"
        );
        assert_eq!(
            PhoneNumber::parse("0910 3212345").unwrap().as_str(),
            "0910-3212345"
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        assert_eq!(PhoneNumber::parse("  "), Err(Problem::Required));
        for raw in [
            "12345",
            "12812345678",
            "1381234567",
            "138123456789",
            "abc",
            "+1 212 555 0100",
            "029-0123456",
        ] {
            assert_eq!(PhoneNumber::parse(raw), Err(Problem::BadPhone), "{raw}");
        }
    }

    #[test]
    fn masking_hides_the_middle_digits() {
        assert_eq!(
            PhoneNumber::parse("13812345678").unwrap().masked(),
            "138****5678"
        );
    }
}
