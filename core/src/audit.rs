//! The audit log (SPEC X2): who, when (UTC), from where, what object, what changed.
//!
//! A change made on someone's behalf (a filing) writes its entry in the same transaction,
//! so it is never stored without its trace. Bulk loads by the platform itself (code tables,
//! demo data) are recorded right after they commit. The table is append-only in the
//! database itself (triggers refuse UPDATE and DELETE on both backends); no code path
//! edits or removes an entry.

use chrono::{DateTime, Utc};
use hotline_domain::Channel;
use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

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
