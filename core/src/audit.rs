//! The audit log (SPEC X2): who, when (UTC), from where, what object, what changed.
//!
//! A change made on someone's behalf (a filing) writes its entry in the same transaction,
//! so it is never stored without its trace. Bulk loads by the platform itself (code tables,
//! demo data) are recorded right after they commit. The table is append-only in the
//! database itself (triggers refuse UPDATE and DELETE on both backends); no code path
//! edits or removes an entry.

use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::Channel;
use hotline_domain::{FieldErrors, Problem};

use hotline_domain::{Permission, StaffUser};

use crate::scope::require;
use crate::{Hotline, ServiceError};

/// Who acts and from which network address. Until accounts exist, actors are citizens by
/// channel (`citizen:web`) and the platform itself (`system`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub actor: String,
    pub address: Option<String>,
}

impl Origin {
    pub fn citizen(channel: Channel, address: Option<String>) -> Origin {
        Origin {
            actor: format!("citizen:{}", channel.as_code()),
            address,
        }
    }

    /// The platform acting on its own: migrations, seeding, background work.
    pub fn system() -> Origin {
        Origin {
            actor: "system".into(),
            address: None,
        }
    }
}

/// An entry to append. `before`/`after` are JSON snapshots of the object (absent for a
/// creation's `before` and a view's `after`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: DateTime<Utc>,
    pub origin: Origin,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub use hotline_domain::AuditEntry;

/// A search of the log; every given criterion must match. Newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: u32,
}

impl Hotline {
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        Ok(self.store.audit_entries(filter).await?)
    }

    /// An entry for a change or a look made by `origin` now.
    pub(crate) fn audit_entry(
        &self,
        origin: &Origin,
        action: &str,
        object_type: &str,
        object_id: &str,
        before: Option<String>,
        after: Option<String>,
    ) -> NewAuditEntry {
        NewAuditEntry {
            at: self.now(),
            origin: origin.clone(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.into(),
            before,
            after,
        }
    }

    /// The log as staff search it (the audit permission).
    pub async fn audit_search(
        &self,
        user: &StaffUser,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        require(user, Permission::AuditLog)?;
        Ok(self.store.audit_entries(filter).await?)
    }

    /// An export is itself audited (who took which slice of the log).
    pub async fn audit_export(
        &self,
        user: &StaffUser,
        filter: &AuditFilter,
        origin: &Origin,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        require(user, Permission::AuditLog)?;
        require(user, Permission::Export)?;
        let entries = self.store.audit_entries(filter).await?;
        self.store
            .append_audit(
                &self.audit_entry(
                    origin,
                    "export",
                    "audit_log",
                    "csv",
                    None,
                    Some(
                        serde_json::json!({
                            "rows": entries.len(),
                            "actor": filter.actor,
                            "object_type": filter.object_type,
                            "object_id": filter.object_id,
                            "from": filter.from,
                            "until": filter.until,
                        })
                        .to_string(),
                    ),
                ),
            )
            .await?;
        Ok(entries)
    }

    /// Records a bulk write by the platform itself (code tables, demo data).
    pub(crate) async fn audit_system_write(
        &self,
        object_type: &str,
        object_id: &str,
        after: serde_json::Value,
    ) -> Result<(), crate::StoreError> {
        self.store
            .append_audit(&NewAuditEntry {
                at: self.now(),
                origin: Origin::system(),
                action: "load".into(),
                object_type: object_type.into(),
                object_id: object_id.into(),
                before: None,
                after: Some(after.to_string()),
            })
            .await
    }
}

/// The audit search as a query string: `actor`, `object_type`, `object_id`, `from`, `until`
/// (dates `YYYY-MM-DD`, China time, `until` inclusive, or RFC 3339 instants), `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub actor: String,
    pub object_type: String,
    pub object_id: String,
    pub from: String,
    pub until: String,
    pub limit: Option<u32>,
}

impl AuditQuery {
    pub fn to_filter(&self, max: u32) -> Result<AuditFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let from = parse_instant(&mut errors, "from", &self.from, false);
        let until = parse_instant(&mut errors, "until", &self.until, true);
        errors.into_result(|| AuditFilter {
            actor: text(&self.actor),
            object_type: text(&self.object_type),
            object_id: text(&self.object_id),
            from,
            until,
            limit: self.limit.unwrap_or(max).clamp(1, max),
        })
    }
}

fn parse_instant(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    end_of_day: bool,
) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) => {
            let date = if end_of_day { date.succ_opt()? } else { date };
            Some(hotline_domain::time::from_china(date.and_hms_opt(0, 0, 0)?))
        }
        Err(_) => {
            errors.add(field, Problem::BadDate);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_dates_are_china_days_with_until_inclusive() {
        let q = AuditQuery {
            from: "2026-11-23".into(),
            until: "2026-11-23".into(),
            ..Default::default()
        };
        let f = q.to_filter(10).unwrap();
        assert_eq!(f.from.unwrap().to_rfc3339(), "2026-11-22T16:00:00+00:00");
        assert_eq!(f.until.unwrap().to_rfc3339(), "2026-11-23T16:00:00+00:00");
        let bad = AuditQuery {
            from: "yesterday".into(),
            ..Default::default()
        };
        assert_eq!(
            bad.to_filter(10).unwrap_err().get("from"),
            Some(&Problem::BadDate)
        );
    }
}
