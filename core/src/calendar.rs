//! The working calendar (SPEC W7): public holidays and make-up working days (调休) kept by
//! administrators, read by every step that sets a deadline. A deadline is fixed when it is
//! set (the department was told the date by SMS); a later change of the calendar moves only
//! deadlines set after it.

use chrono::{Datelike, NaiveDate};
use hotline_domain::calendar::official_days_2026;
use hotline_domain::calendar::CalendarYear;
use hotline_domain::{CalendarDay, Permission, Problem, StaffUser};

use crate::audit::{NewAuditEntry, Origin};
use crate::scope::require;
use crate::{Hotline, ServiceError, StoreError};

fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

impl Hotline {
    /// Loads the official schedule into a database that has never had it (once: a date an
    /// administrator removes stays removed). Returns the dates written.
    pub(crate) async fn load_official_calendar(&self) -> Result<Option<u64>, StoreError> {
        let days = official_days_2026();
        let audit = NewAuditEntry {
            at: self.now(),
            origin: Origin::system(),
            action: "load".into(),
            object_type: "calendar".into(),
            object_id: "2026".into(),
            before: None,
            after: Some(serde_json::json!({ "days": days.len(), "source": "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）" }).to_string()),
        };
        self.store
            .load_calendar_once("calendar_seed_2026", &days, self.now(), &audit)
            .await
    }

    /// A year of the calendar (administrators).
    pub async fn calendar_year(
        &self,
        user: &StaffUser,
        year: i32,
    ) -> Result<CalendarYear, ServiceError> {
        require(user, Permission::Administer)?;
        let ((from, until), (next_from, next_until)) = year_bounds(year)
            .zip(year_bounds(year + 1))
            .filter(|_| (2000..=2100).contains(&year))
            .ok_or_else(|| {
                ServiceError::field(
                    "year",
                    Problem::OutOfRange {
                        min: 2000,
                        max: 2100,
                    },
                )
            })?;
        let days = self.store.calendar_days(from, until).await?;
        let next = self.store.calendar_days(next_from, next_until).await?;
        Ok(CalendarYear {
            year,
            days,
            next_year_empty: next.is_empty(),
        })
    }

    /// Enters or changes one date (a holiday, or a weekend worked in its place).
    pub async fn put_calendar_day(
        &self,
        user: &StaffUser,
        day: &CalendarDay,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::Administer)?;
        let day = CalendarDay {
            name: day.name.trim().to_string(),
            ..day.clone()
        };
        day.validate()?;
        let before = self.store.calendar_days(day.date, day.date).await?;
        let audit = self.audit_entry(
            origin,
            if before.is_empty() {
                "create"
            } else {
                "update"
            },
            "calendar",
            &day.date.to_string(),
            before.first().and_then(|d| serde_json::to_string(d).ok()),
            serde_json::to_string(&day).ok(),
        );
        self.store
            .put_calendar_day(&day, self.now(), &audit)
            .await?;
        self.code_tables_changed().await;
        Ok(())
    }

    /// Removes one date's entry: it is an ordinary day again.
    pub async fn remove_calendar_day(
        &self,
        user: &StaffUser,
        date: NaiveDate,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::Administer)?;
        let before = self.store.calendar_days(date, date).await?;
        let Some(old) = before.first() else {
            return Err(ServiceError::NotFound);
        };
        let audit = self.audit_entry(
            origin,
            "delete",
            "calendar",
            &date.to_string(),
            serde_json::to_string(old).ok(),
            None,
        );
        if !self.store.remove_calendar_day(date, &audit).await? {
            return Err(ServiceError::NotFound);
        }
        self.code_tables_changed().await;
        Ok(())
    }

    /// This year by the city's clock (the admin page opens on it).
    pub fn current_year(&self) -> i32 {
        hotline_domain::time::china_date(self.now()).year()
    }
}
