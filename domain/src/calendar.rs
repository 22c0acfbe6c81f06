//! Time limits and the working calendar (SPEC W7): a limit is an amount of minutes, hours,
//! calendar days or working days, and a limit in working days is counted on the city's
//! calendar of public holidays and make-up working days (调休).
//!
//! The rule for working days is the one government offices apply to "N个工作日内": the day
//! the limit starts on does not count; counting begins with the next working day, and the
//! limit ends at midnight (China time) after the Nth working day. A day is a working day
//! when the calendar makes it one (a make-up Saturday or Sunday), else when it is Monday to
//! Friday and not a holiday. Minutes, hours and calendar days run on the clock.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::time::{china_date, from_china, to_china};
use crate::{FieldErrors, Lang, Problem};

coded_enum! {
    /// What a limit is counted in.
    by_code LimitUnit {
        Minutes = "minutes", "分钟", "minutes";
        Hours = "hours", "小时", "hours";
        Days = "days", "天", "days";
        WorkingDays = "working_days", "个工作日", "working days";
    }
}

impl LimitUnit {
    /// The largest amount a limit in this unit may have (a year, in each unit).
    pub fn max_amount(self) -> u32 {
        match self {
            LimitUnit::Minutes => 525_600,
            LimitUnit::Hours => 8_760,
            LimitUnit::Days => 366,
            LimitUnit::WorkingDays => 250,
        }
    }

    /// Counted in days (calendar or working), so more days can be added to it.
    pub fn in_days(self) -> bool {
        matches!(self, LimitUnit::Days | LimitUnit::WorkingDays)
    }
}

/// A time limit: "30 minutes", "24 hours", "7 days", "15 working_days".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Limit {
    pub amount: u32,
    pub unit: LimitUnit,
}

impl Limit {
    pub const fn new(amount: u32, unit: LimitUnit) -> Limit {
        Limit { amount, unit }
    }
    pub const fn minutes(amount: u32) -> Limit {
        Limit::new(amount, LimitUnit::Minutes)
    }
    pub const fn hours(amount: u32) -> Limit {
        Limit::new(amount, LimitUnit::Hours)
    }
    pub const fn days(amount: u32) -> Limit {
        Limit::new(amount, LimitUnit::Days)
    }
    pub const fn working_days(amount: u32) -> Limit {
        Limit::new(amount, LimitUnit::WorkingDays)
    }

    /// Refuses a limit of nothing or of more than a year, by field name.
    pub fn check(&self, field: &str, errors: &mut FieldErrors) {
        if self.amount == 0 || self.amount > self.unit.max_amount() {
            errors.add(
                field,
                Problem::OutOfRange {
                    min: 1,
                    max: self.unit.max_amount().into(),
                },
            );
        }
    }

    /// "15个工作日", "24 hours".
    pub fn label(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}{}", self.amount, self.unit.label(lang)),
            Lang::En => format!("{} {}", self.amount, self.unit.label(lang)),
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.as_code())
    }
}

impl FromStr for Limit {
    type Err = String;

    /// Reads "<amount> <unit>" as written by `Display` ("15 working_days").
    fn from_str(text: &str) -> Result<Limit, String> {
        let mut words = text.split_whitespace();
        let (Some(amount), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "`{text}`: write an amount and a unit, e.g. `30 minutes` or `15 working_days`"
            ));
        };
        let amount: u32 = amount
            .parse()
            .map_err(|_| format!("`{text}`: `{amount}` is not a whole number"))?;
        let unit = LimitUnit::from_code(unit).ok_or_else(|| {
            format!("`{text}`: the unit is one of minutes, hours, days, working_days")
        })?;
        let limit = Limit { amount, unit };
        if amount == 0 || amount > unit.max_amount() {
            return Err(format!(
                "`{text}`: the amount must be 1 to {}",
                unit.max_amount()
            ));
        }
        Ok(limit)
    }
}

coded_enum! {
    /// What the calendar says of a date.
    by_code DayKind {
        Holiday = "holiday", "放假", "Holiday";
        Workday = "workday", "调休上班", "Make-up working day";
    }
}

/// One date of the holiday calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday it belongs to ("春节").
    pub name: String,
}

/// Longest name of a holiday.
pub const HOLIDAY_NAME_MAX: usize = 40;

impl CalendarDay {
    /// Checks a day typed by an administrator: a holiday on a weekend or a make-up working
    /// day on a weekday changes nothing, so it is refused as a likely slip.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add("name", Problem::Required);
        } else if name.chars().count() > HOLIDAY_NAME_MAX {
            errors.add(
                "name",
                Problem::TooLong {
                    max: HOLIDAY_NAME_MAX,
                },
            );
        } else if name.chars().any(char::is_control) {
            errors.add("name", Problem::BadCharacters);
        }
        let weekend = is_weekend(self.date);
        if !(2000..=2100).contains(&self.date.year()) {
            errors.add("date", Problem::BadDate);
        } else if self.kind == DayKind::Workday && !weekend {
            errors.add("date", Problem::NotAWeekend);
        }
        errors.into_result(|| ())
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// One year of the calendar as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYear {
    pub year: i32,
    /// The year's entries; none at all means its limits in working days skip weekends
    /// only (the page warns).
    pub days: Vec<CalendarDay>,
    /// The next year has no entry yet (the page reminds administrators, since the State
    /// Council publishes it each November).
    pub next_year_empty: bool,
}

/// The city's working calendar: the dates that differ from "Monday to Friday".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
}

/// Midnight China time at the start of `date`.
fn start_of(date: NaiveDate) -> DateTime<Utc> {
    from_china(date.and_time(NaiveTime::MIN))
}

impl WorkCalendar {
    pub fn new<'a>(days: impl IntoIterator<Item = &'a CalendarDay>) -> WorkCalendar {
        WorkCalendar {
            days: days.into_iter().map(|d| (d.date, d.kind)).collect(),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(date),
        }
    }

    /// Whether the calendar has any entry in `year` (a year nobody entered counts weekends
    /// only, which the admin page warns of).
    pub fn covers(&self, year: i32) -> bool {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
        let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).expect("valid year");
        self.days.range(first..next).next().is_some()
    }

    /// When a limit that starts at `start` ends. An amount beyond the unit's maximum (a
    /// year) counts as the maximum, so no input can overflow the clock.
    pub fn due(&self, start: DateTime<Utc>, limit: Limit) -> DateTime<Utc> {
        let limit = Limit::new(limit.amount.min(limit.unit.max_amount()), limit.unit);
        let amount = i64::from(limit.amount);
        match limit.unit {
            LimitUnit::Minutes => start + Duration::minutes(amount),
            LimitUnit::Hours => start + Duration::hours(amount),
            LimitUnit::Days => start + Duration::days(amount),
            LimitUnit::WorkingDays => {
                // A limit that starts at midnight starts at the end of the day before: a
                // deadline extended by working days counts from the day it fell at the end
                // of.
                let local = to_china(start);
                let mut day = china_date(start);
                if local.time() == NaiveTime::MIN {
                    day = day.pred_opt().expect("in range");
                }
                let mut counted = 0;
                // Every week has working days unless an administrator marked it all as
                // holidays; the bound keeps a wrong calendar from looping.
                let mut steps = 0;
                while counted < limit.amount && steps < 3_660 {
                    day = day.succ_opt().expect("in range");
                    steps += 1;
                    if self.is_working_day(day) {
                        counted += 1;
                    }
                }
                start_of(day.succ_opt().expect("in range"))
            }
        }
    }
}

/// The official 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04):
/// the holidays and the make-up working days, loaded once into a new database. Later years
/// are entered by an administrator when the State Council publishes them (each November).
pub fn official_days_2026() -> Vec<CalendarDay> {
    let mut days = Vec::new();
    let mut add = |from: (u32, u32), to: (u32, u32), kind: DayKind, name: &str| {
        let mut date = NaiveDate::from_ymd_opt(2026, from.0, from.1).expect("valid date");
        let last = NaiveDate::from_ymd_opt(2026, to.0, to.1).expect("valid date");
        while date <= last {
            days.push(CalendarDay {
                date,
                kind,
                name: name.to_string(),
            });
            date = date.succ_opt().expect("in range");
        }
    };
    use DayKind::{Holiday as H, Workday as W};
    add((1, 1), (1, 3), H, "元旦");
    add((1, 4), (1, 4), W, "元旦");
    add((2, 14), (2, 14), W, "春节");
    add((2, 15), (2, 23), H, "春节");
    add((2, 28), (2, 28), W, "春节");
    add((4, 4), (4, 6), H, "清明节");
    add((5, 1), (5, 5), H, "劳动节");
    add((5, 9), (5, 9), W, "劳动节");
    add((6, 19), (6, 21), H, "端午节");
    add((9, 20), (9, 20), W, "国庆节");
    add((9, 25), (9, 27), H, "中秋节");
    add((10, 1), (10, 7), H, "国庆节");
    add((10, 10), (10, 10), W, "国庆节");
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn official() -> WorkCalendar {
        WorkCalendar::new(&official_days_2026())
    }

    #[test]
    fn limits_read_and_write_the_same_text() {
        for text in ["30 minutes", "24 hours", "7 days", "15 working_days"] {
            assert_eq!(text.parse::<Limit>().unwrap().to_string(), text);
        }
        for bad in [
            "",
            "30",
            "30 weeks",
            "x days",
            "0 days",
            "400 days",
            "1 days extra",
        ] {
            assert!(bad.parse::<Limit>().is_err(), "{bad}");
        }
        assert_eq!(Limit::working_days(15).label(Lang::Zh), "15个工作日");
        assert_eq!(Limit::hours(24).label(Lang::En), "24 hours");
    }

    #[test]
    fn clock_limits_ignore_the_calendar() {
        let start = at("2026-02-13T10:00:00+08:00");
        let c = official();
        assert_eq!(
            c.due(start, Limit::minutes(30)),
            at("2026-02-13T10:30:00+08:00")
        );
        assert_eq!(
            c.due(start, Limit::hours(24)),
            at("2026-02-14T10:00:00+08:00")
        );
        assert_eq!(
            c.due(start, Limit::days(7)),
            at("2026-02-20T10:00:00+08:00")
        );
    }

    #[test]
    fn working_days_skip_weekends_when_no_holiday_is_entered() {
        let c = WorkCalendar::default();
        // Thursday 2026-11-26 at 10:00; Friday is the first working day, Monday the second.
        let start = at("2026-11-26T10:00:00+08:00");
        assert_eq!(
            c.due(start, Limit::working_days(1)),
            at("2026-11-28T00:00:00+08:00")
        );
        assert_eq!(
            c.due(start, Limit::working_days(2)),
            at("2026-12-01T00:00:00+08:00")
        );
        // Started on a Saturday: Monday is the first working day.
        let saturday = at("2026-11-28T09:00:00+08:00");
        assert_eq!(
            c.due(saturday, Limit::working_days(1)),
            at("2026-12-01T00:00:00+08:00")
        );
    }

    #[test]
    fn working_days_skip_the_spring_festival_and_count_its_make_up_saturdays() {
        let c = official();
        assert!(c.is_working_day(NaiveDate::from_ymd_opt(2026, 2, 14).unwrap()));
        assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2026, 2, 16).unwrap()));
        // Friday 13 Feb: Saturday 14th is a make-up working day (1), then 15–23 are the
        // holiday, Tuesday 24th is the second.
        let start = at("2026-02-13T16:00:00+08:00");
        assert_eq!(
            c.due(start, Limit::working_days(1)),
            at("2026-02-15T00:00:00+08:00")
        );
        assert_eq!(
            c.due(start, Limit::working_days(2)),
            at("2026-02-25T00:00:00+08:00")
        );
        // Without the calendar the same limit would end on Tuesday 17th, in the holiday.
        let plain = WorkCalendar::default();
        assert_eq!(
            plain.due(start, Limit::working_days(2)),
            at("2026-02-18T00:00:00+08:00")
        );
        // Five working days from Wednesday 25th: 26, 27, Saturday 28 (make-up), 2 Mar, 3 Mar.
        let after = at("2026-02-25T09:30:00+08:00");
        assert_eq!(
            c.due(after, Limit::working_days(5)),
            at("2026-03-04T00:00:00+08:00")
        );
    }

    #[test]
    fn working_days_added_to_a_deadline_count_from_the_day_it_ends() {
        let c = official();
        // A deadline at the end of Thursday 30 Apr, extended by 2 working days: the May Day
        // holiday (1–5) is skipped, Wednesday 6 May and Thursday 7 May count.
        let due = at("2026-05-01T00:00:00+08:00");
        assert_eq!(
            c.due(due, Limit::working_days(2)),
            at("2026-05-08T00:00:00+08:00")
        );
    }

    #[test]
    fn an_administrators_slip_is_refused_by_field() {
        let day = |date: &str, kind, name: &str| CalendarDay {
            date: date.parse().unwrap(),
            kind,
            name: name.into(),
        };
        assert!(day("2026-02-14", DayKind::Workday, "春节")
            .validate()
            .is_ok());
        assert!(day("2026-10-01", DayKind::Holiday, "国庆节")
            .validate()
            .is_ok());
        let errors = day("2026-02-13", DayKind::Workday, "春节")
            .validate()
            .unwrap_err();
        assert!(errors.0.contains_key("date"));
        let errors = day("2026-10-01", DayKind::Holiday, " ")
            .validate()
            .unwrap_err();
        assert!(errors.0.contains_key("name"));
    }

    #[test]
    fn the_official_schedule_has_its_holidays_and_make_up_days() {
        let days = official_days_2026();
        let holidays = days.iter().filter(|d| d.kind == DayKind::Holiday).count();
        let workdays = days.iter().filter(|d| d.kind == DayKind::Workday).count();
        // 3 + 9 + 3 + 5 + 3 + 3 + 7 days off; 6 make-up days, all on weekends.
        assert_eq!((holidays, workdays), (33, 6));
        assert!(days.iter().all(|d| d.validate().is_ok()));
        assert!(official().covers(2026) && !official().covers(2027));
    }
}
