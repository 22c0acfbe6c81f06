//! The code tables every form and every step reads (the active categories, the districts,
//! the categories urgent by default, the working calendar), kept in memory and dropped when
//! they change (issue 13): the portal's form and each filing no longer query them.
//!
//! A change is announced on the event bus ([`Event::CodesChanged`]), so with PostgreSQL
//! every instance drops its copy, not only the one that made the change; a lost
//! notification (`Resync`) or a reader that fell behind the bus drops it too. Each read
//! first takes what the bus has said since the last read, so no timer or task is needed.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{Duration, NaiveDate};
use hotline_domain::{Category, PlaceNames, Region, WorkCalendar};
use tokio::sync::broadcast::{self, error::TryRecvError};

use crate::{Event, Hotline, StoreError};

/// How far back and ahead of today a step reads the calendar: enough for the longest
/// handling limit plus extensions.
const CALENDAR_BEHIND_DAYS: i64 = 7;
const CALENDAR_AHEAD_DAYS: i64 = 800;

/// The code tables as the forms and the rules read them.
#[derive(Debug)]
pub(crate) struct CodeTables {
    /// Every active category, parents before their children.
    pub categories: Vec<Category>,
    pub districts: Vec<Region>,
    pub urgent: BTreeSet<String>,
    /// The registry's place names, for the district of a typed address.
    pub places: PlaceNames,
}

pub(crate) struct CodeCache {
    state: Mutex<State>,
}

struct State {
    /// Bumped whenever the copies are dropped: a load that began before keeps its result
    /// to itself.
    generation: u64,
    tables: Option<Arc<CodeTables>>,
    /// The calendar around a China date.
    calendar: Option<(NaiveDate, Arc<WorkCalendar>)>,
    changes: broadcast::Receiver<Event>,
}

impl CodeCache {
    pub(crate) fn new(changes: broadcast::Receiver<Event>) -> CodeCache {
        CodeCache {
            state: Mutex::new(State {
                generation: 0,
                tables: None,
                calendar: None,
                changes,
            }),
        }
    }

    /// The state, after what the bus said since the last look.
    fn current(&self) -> MutexGuard<'_, State> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match state.changes.try_recv() {
                Ok(Event::CodesChanged | Event::Resync) | Err(TryRecvError::Lagged(_)) => {
                    state.drop_copies();
                }
                Ok(_) => {}
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        state
    }

    pub(crate) fn invalidate(&self) {
        self.current().drop_copies();
    }
}

impl State {
    fn drop_copies(&mut self) {
        self.generation += 1;
        self.tables = None;
        self.calendar = None;
    }
}

impl Hotline {
    /// The code tables, from memory unless they changed since they were read.
    pub(crate) async fn code_tables_now(&self) -> Result<Arc<CodeTables>, StoreError> {
        let generation = {
            let state = self.codes.current();
            if let Some(tables) = &state.tables {
                return Ok(tables.clone());
            }
            state.generation
        };
        let tables = Arc::new(CodeTables {
            categories: self.store.categories().await?,
            districts: self.store.districts().await?,
            urgent: self.store.urgent_categories().await?,
            places: PlaceNames::new(&self.store.places().await?),
        });
        let mut state = self.codes.current();
        if state.generation == generation {
            state.tables = Some(tables.clone());
        }
        Ok(tables)
    }

    /// The working calendar around today, as the state machine counts deadlines on it.
    pub(crate) async fn work_calendar(&self) -> Result<Arc<WorkCalendar>, StoreError> {
        let today = hotline_domain::time::china_date(self.now());
        let generation = {
            let state = self.codes.current();
            if let Some((day, calendar)) = &state.calendar {
                if *day == today {
                    return Ok(calendar.clone());
                }
            }
            state.generation
        };
        let days = self
            .store
            .calendar_days(
                today - Duration::days(CALENDAR_BEHIND_DAYS),
                today + Duration::days(CALENDAR_AHEAD_DAYS),
            )
            .await?;
        let calendar = Arc::new(WorkCalendar::new(&days));
        let mut state = self.codes.current();
        if state.generation == generation {
            state.calendar = Some((today, calendar.clone()));
        }
        Ok(calendar)
    }

    /// After a committed change of a code table or the calendar: this instance's copies go
    /// at once, every other instance's when the bus brings the news.
    pub(crate) async fn code_tables_changed(&self) {
        self.codes.invalidate();
        self.events.publish(Event::CodesChanged).await;
    }
}
