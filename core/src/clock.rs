//! Time is injected: deadlines, tracking-number dates and (later) SLA lights read a clock
//! that tests can set, so no test sleeps to wait for a deadline.

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
pub use hotline_domain::time::china_offset;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The city's calendar date at an instant (China Standard Time, UTC+8, no daylight saving).
pub fn local_date_of(at: DateTime<Utc>) -> NaiveDate {
    hotline_domain::time::china_date(at)
}

/// The instant the city's calendar day `date` begins.
pub fn local_midnight(date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    china_offset()
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .single()
        .expect("a fixed offset has one midnight")
        .with_timezone(&Utc)
}

/// An instant as both backends store it: PostgreSQL keeps microseconds, so SQLite is
/// given no more, and a value reads back the same from either.
pub fn storable(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    at.trunc_subsecs(6)
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved.
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> FixedClock {
        FixedClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_date_turns_at_midnight_in_china_not_in_utc() {
        let clock = FixedClock::new("2026-11-23T15:59:59Z".parse().unwrap());
        assert_eq!(local_date_of(clock.now()).to_string(), "2026-11-23");
        clock.set("2026-11-23T16:00:00Z".parse().unwrap());
        assert_eq!(local_date_of(clock.now()).to_string(), "2026-11-24");
    }
}
