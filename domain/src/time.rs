//! China time: the city's clock is China Standard Time, UTC+8 all year (no daylight saving).
//! Instants are stored and sent in UTC; they become China time only to be shown, to date a
//! tracking number, or to read a date or time someone typed. This is the one place the
//! offset is written.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};

/// UTC+8 in seconds east of Greenwich.
pub const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// China Standard Time as a chrono offset.
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(CHINA_OFFSET_SECONDS).expect("UTC+8 is a valid offset")
}

/// An instant on the China clock.
pub fn to_china(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&china_offset())
}

/// The city's calendar date at an instant (the date turns at midnight China time).
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    to_china(at).date_naive()
}

/// A wall-clock time read in China (a form field, a date typed into a search) as the
/// instant it names. UTC+8 has no gaps or repeats, so every local time names one instant.
pub fn from_china(local: NaiveDateTime) -> DateTime<Utc> {
    (local - chrono::Duration::seconds(i64::from(CHINA_OFFSET_SECONDS))).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_china_date_turns_at_1600_utc() {
        let before: DateTime<Utc> = "2026-11-23T15:59:59Z".parse().unwrap();
        let after: DateTime<Utc> = "2026-11-23T16:00:00Z".parse().unwrap();
        assert_eq!(china_date(before).to_string(), "2026-11-23");
        assert_eq!(china_date(after).to_string(), "2026-11-24");
        assert_eq!(to_china(after).to_rfc3339(), "2026-11-24T00:00:00+08:00");
    }

    #[test]
    fn local_times_read_back_to_the_same_instant() {
        let at: DateTime<Utc> = "2026-11-23T02:15:00Z".parse().unwrap();
        assert_eq!(from_china(to_china(at).naive_local()), at);
        let typed = NaiveDateTime::parse_from_str("2026-11-23T10:15", "%Y-%m-%dT%H:%M").unwrap();
        assert_eq!(from_china(typed), at);
    }
}
