//! The centre's desk work around cases: linking repeated calls about one matter (SPEC W8)
//! and the shift handover a lead leaves for the next one (A5).

use chrono::Duration;
use hotline_domain::{
    CaseQuery, FieldErrors, Handover, HandoverItem, HandoverNote, HandoverReason, HandoverReport,
    LinkInput, LinkedCase, Permission, Problem, StaffUser, TrackingNumber,
};

use crate::audit::{NewAuditEntry, Origin};
use crate::scope::{case_filter, case_scope};
use crate::store::{CaseScope, LinkChange, NewHandover};
use crate::{Hotline, ServiceError};

/// How many open items a handover report lists (the rest are counted).
pub const HANDOVER_ITEMS_MAX: usize = 200;
/// A shift with no handover before it is taken to have started this long ago.
pub const DEFAULT_SHIFT_HOURS: i64 = 12;
/// How many handovers the page lists.
pub const HANDOVER_HISTORY: u32 = 30;

/// Only the centre's own staff link cases and read the links and recordings: a department
/// sees its part of a case, not the other callers about it.
fn centre_staff(user: &StaffUser) -> Result<(), ServiceError> {
    if user.can(Permission::Intake) && case_scope(user) == Some(CaseScope::All) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

fn lead(user: &StaffUser) -> Result<(), ServiceError> {
    if user.can(Permission::Approve) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

impl Hotline {
    /// Links two cases about the same matter (W8): an event on both, audited. Linking a
    /// pair again changes nothing. Returns this case's links.
    pub async fn link_cases(
        &self,
        user: &StaffUser,
        tracking_number: &str,
        input: &LinkInput,
        origin: &Origin,
    ) -> Result<Vec<LinkedCase>, ServiceError> {
        centre_staff(user)?;
        let number = TrackingNumber::parse(tracking_number).ok_or(ServiceError::NotFound)?;
        let link = input.validate(&number)?;
        let audit = self.link_audit(origin, "case_link", &number, &link.other, &link.note);
        let change = self
            .store
            .link_cases(
                &number,
                &link.other,
                link.note.as_deref(),
                self.now(),
                &audit,
            )
            .await?;
        self.link_answer(user, change, &number).await
    }

    /// Removes a link; removing one that is not there changes nothing.
    pub async fn unlink_cases(
        &self,
        user: &StaffUser,
        tracking_number: &str,
        other: &str,
        origin: &Origin,
    ) -> Result<Vec<LinkedCase>, ServiceError> {
        centre_staff(user)?;
        let number = TrackingNumber::parse(tracking_number).ok_or(ServiceError::NotFound)?;
        let other = TrackingNumber::parse(other).ok_or(ServiceError::NotFound)?;
        let audit = self.link_audit(origin, "case_unlink", &number, &other, &None);
        let change = self
            .store
            .unlink_cases(&number, &other, self.now(), &audit)
            .await?;
        self.link_answer(user, change, &number).await
    }

    fn link_audit(
        &self,
        origin: &Origin,
        action: &str,
        number: &TrackingNumber,
        other: &TrackingNumber,
        note: &Option<String>,
    ) -> NewAuditEntry {
        NewAuditEntry {
            at: self.now(),
            origin: origin.clone(),
            action: action.into(),
            object_type: "case".into(),
            object_id: number.to_string(),
            before: None,
            after: Some(serde_json::json!({ "other": other.as_str(), "note": note }).to_string()),
        }
    }

    async fn link_answer(
        &self,
        user: &StaffUser,
        change: LinkChange,
        number: &TrackingNumber,
    ) -> Result<Vec<LinkedCase>, ServiceError> {
        match change {
            LinkChange::Missing { this: true } => Err(ServiceError::NotFound),
            LinkChange::Missing { this: false } => {
                let mut errors = FieldErrors::new();
                errors.add("other", Problem::Unknown);
                Err(ServiceError::Invalid(errors))
            }
            LinkChange::Done | LinkChange::Unchanged => {
                if change == LinkChange::Done {
                    tracing::info!(case = %number, actor = %user.actor(), "case links changed");
                }
                Ok(self.store.case_links(number).await?)
            }
        }
    }

    /// Fills in the links and calls of a case for the centre's staff (nobody else sees them).
    pub(crate) async fn add_desk_details(
        &self,
        user: &StaffUser,
        detail: &mut hotline_domain::CaseDetail,
    ) -> Result<(), ServiceError> {
        if centre_staff(user).is_ok() {
            let number = &detail.item.tracking_number;
            detail.links = self.store.case_links(number).await?;
            detail.calls = self.store.case_calls(number).await?;
        }
        Ok(())
    }

    // ---- shift handover (A5) -------------------------------------------------------------

    /// Where the current shift began: at the last handover, or [`DEFAULT_SHIFT_HOURS`] ago
    /// when there was none in the last day.
    async fn shift_start(&self) -> Result<chrono::DateTime<chrono::Utc>, ServiceError> {
        let now = self.now();
        let fallback = now - Duration::hours(DEFAULT_SHIFT_HOURS);
        let last = self.store.handovers(1).await?.into_iter().next();
        Ok(match last {
            Some(h) if h.created_at > now - Duration::hours(24) => h.created_at,
            _ => fallback,
        })
    }

    /// The report of the shift so far: its figures and every open item the next lead must
    /// look at, most urgent first.
    pub async fn handover_draft(&self, user: &StaffUser) -> Result<HandoverReport, ServiceError> {
        lead(user)?;
        let start = self.shift_start().await?;
        let end = self.now();
        let (received, closed) = self.store.shift_figures(start, end).await?;
        let counts = self.case_counts(user).await?;
        let mut items: Vec<HandoverItem> = Vec::new();
        let mut more = 0_i64;
        // Only cases in hand have a light (a running limit), so the light counters are the
        // red and yellow items in hand. Counted, not listed: the figures hold past the
        // report's 200 items.
        let (red_open, yellow_open) = (counts.red, counts.yellow);
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let filter = case_filter(&query(|q| q.status = Some("submitted".into())))?;
        let waiting = self
            .store
            .count_cases(scope, &filter, self.filter_clock())
            .await?;
        let queries: [(HandoverReason, CaseQuery); 8] = [
            (HandoverReason::Red, query(|q| q.light = Some("red".into()))),
            (
                HandoverReason::OverdueConfirmation,
                query(|q| q.overdue = Some("confirmation".into())),
            ),
            (
                HandoverReason::OverdueCompletion,
                query(|q| q.overdue = Some("completion".into())),
            ),
            (
                HandoverReason::OverdueCallback,
                query(|q| q.overdue = Some("callback".into())),
            ),
            (
                HandoverReason::Returned,
                query(|q| q.queue = Some("returns".into())),
            ),
            (
                HandoverReason::Extension,
                query(|q| q.queue = Some("extensions".into())),
            ),
            (
                HandoverReason::CallbackDue,
                query(|q| q.queue = Some("callbacks".into())),
            ),
            (
                HandoverReason::Waiting,
                query(|q| q.status = Some("submitted".into())),
            ),
        ];
        for (reason, q) in queries {
            let cases = self.cases_for(user, &q).await?;
            for case in cases {
                let number = case.tracking_number.to_string();
                if let Some(item) = items
                    .iter_mut()
                    .find(|i| i.tracking_number.as_deref() == Some(number.as_str()))
                {
                    item.reasons.push(reason);
                } else if items.len() < HANDOVER_ITEMS_MAX {
                    items.push(HandoverItem {
                        tracking_number: Some(number),
                        call_id: None,
                        reasons: vec![reason],
                        summary: case.content.chars().take(60).collect(),
                        status: Some(case.status),
                        at: case.created_at,
                    });
                } else {
                    more += 1;
                }
            }
        }
        let missed = self.missed_calls(user).await?;
        let open_missed_calls = missed.len() as i64;
        for call in missed {
            if items.len() >= HANDOVER_ITEMS_MAX {
                more += 1;
                continue;
            }
            items.push(HandoverItem {
                tracking_number: None,
                call_id: Some(call.call_id),
                reasons: vec![HandoverReason::MissedCall],
                summary: call.phone.unwrap_or_default(),
                status: None,
                at: call.started_at,
            });
        }
        Ok(HandoverReport {
            shift_start: Some(start),
            shift_end: Some(end),
            received,
            closed,
            waiting,
            open_missed_calls,
            red_open,
            yellow_open,
            counts,
            items,
            more,
        })
    }

    /// Hands the shift over: the report as it stands now is kept with the lead's note, for
    /// the next lead to acknowledge.
    pub async fn hand_over(
        &self,
        user: &StaffUser,
        note: &HandoverNote,
        origin: &Origin,
    ) -> Result<Handover, ServiceError> {
        lead(user)?;
        let note = note.validate(true)?.unwrap_or_default();
        let report = self.handover_draft(user).await?;
        let at = self.now();
        let shift_start = report.shift_start.unwrap_or(at);
        let json = serde_json::to_string(&report)
            .map_err(|e| ServiceError::Internal(format!("handover report: {e}")))?;
        let audit = NewAuditEntry {
            at,
            origin: origin.clone(),
            action: "handover".into(),
            object_type: "handover".into(),
            object_id: String::new(),
            before: None,
            after: Some(
                serde_json::json!({ "note": note, "items": report.items.len() }).to_string(),
            ),
        };
        let id = self
            .store
            .insert_handover(
                &NewHandover {
                    shift_start,
                    at,
                    by: &user.username,
                    by_name: &user.display_name,
                    note: &note,
                    report: json,
                },
                &audit,
            )
            .await?;
        tracing::info!(handover = id, lead = %user.username, items = report.items.len(), "shift handed over");
        self.store
            .handover(id)
            .await?
            .ok_or_else(|| ServiceError::Internal("handover vanished".into()))
    }

    /// The latest handovers, newest first.
    pub async fn handovers(&self, user: &StaffUser) -> Result<Vec<Handover>, ServiceError> {
        lead(user)?;
        Ok(self.store.handovers(HANDOVER_HISTORY).await?)
    }

    pub async fn handover(&self, user: &StaffUser, id: i64) -> Result<Handover, ServiceError> {
        lead(user)?;
        self.store.handover(id).await?.ok_or(ServiceError::NotFound)
    }

    /// The next lead acknowledges a handover (not their own), once.
    pub async fn acknowledge_handover(
        &self,
        user: &StaffUser,
        id: i64,
        note: &HandoverNote,
        origin: &Origin,
    ) -> Result<Handover, ServiceError> {
        lead(user)?;
        let note = note.validate(false)?;
        let handover = self
            .store
            .handover(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if handover.created_by == user.username {
            return Err(ServiceError::Forbidden);
        }
        if handover.acknowledged_at.is_some() {
            return Err(ServiceError::Conflict);
        }
        let at = self.now();
        let audit = NewAuditEntry {
            at,
            origin: origin.clone(),
            action: "handover_acknowledge".into(),
            object_type: "handover".into(),
            object_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "note": note }).to_string()),
        };
        if !self
            .store
            .acknowledge_handover(
                id,
                &user.username,
                &user.display_name,
                note.as_deref(),
                at,
                &audit,
            )
            .await?
        {
            // Someone else acknowledged it between the read and the write.
            return Err(ServiceError::Conflict);
        }
        self.store.handover(id).await?.ok_or(ServiceError::NotFound)
    }
}

fn query(set: impl FnOnce(&mut CaseQuery)) -> CaseQuery {
    let mut q = CaseQuery {
        limit: Some(HANDOVER_ITEMS_MAX as u32),
        ..CaseQuery::default()
    };
    set(&mut q);
    q
}
