//! Storage of accounts, sessions, permissions, departments, code-table edits and the
//! role-scoped reads of cases and the elderly registry. Same pattern as `common.rs`: the
//! bodies are written once and expanded for each backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hotline_domain::{
    CaseDetail, CaseListItem, CaseStatus, CodeEntry, Department, ElderlyDetail, ElderlySummary,
    Permission, Role, StaffUser, TrackingNumber, UserRecord,
};

use super::StoreError;
use crate::audit::NewAuditEntry;

/// What signing in needs to know about a user name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: String,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A session as stored (the token itself never is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A user row to write. `password_hash: None` on an update keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub vendor_id: Option<i64>,
    pub password_hash: Option<String>,
    pub active: bool,
}

/// The rows of cases a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    All,
    Department(i64),
    Vendor(i64),
}

/// What happens on a failed sign-in, decided by the caller's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: i64,
    pub lock_for: chrono::Duration,
}

#[async_trait]
pub trait AccessStore: Send + Sync {
    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError>;
    /// Counts a failed sign-in; at the policy's limit locks the account and starts counting
    /// again. Both outcomes are audited in the same transaction. Returns the lock's end if
    /// this failure locked the account.
    async fn record_sign_in_failure(
        &self,
        user_id: i64,
        policy: LockoutPolicy,
        audit: &NewAuditEntry,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// Clears the failure count, stamps the sign-in and stores the new session, unless the
    /// account is locked or inactive at this moment (then nothing is written: `false`).
    async fn record_sign_in(
        &self,
        user_id: i64,
        token_hash: &str,
        session: &SessionRecord,
        address: Option<&str>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Removes sessions past their end; returns how many.
    async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
    /// The active user with their role's permissions, or `None` if missing or deactivated.
    async fn staff_user(&self, user_id: i64) -> Result<Option<StaffUser>, StoreError>;

    async fn users(&self) -> Result<Vec<UserRecord>, StoreError>;
    async fn user(&self, id: i64) -> Result<Option<UserRecord>, StoreError>;
    /// Inserts a user and its audit entry; `Conflict` if the user name is taken.
    async fn insert_user(
        &self,
        user: &UserRow,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    /// Updates a user; a deactivated user or a new password ends their sessions.
    async fn update_user(
        &self,
        id: i64,
        user: &UserRow,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    async fn unlock_user(&self, id: i64, audit: &NewAuditEntry) -> Result<(), StoreError>;

    async fn role_permissions(&self) -> Result<Vec<(Role, Permission)>, StoreError>;
    /// Replaces one role's permissions.
    async fn set_role_permissions(
        &self,
        role: Role,
        permissions: &[Permission],
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    /// Gives every role its default permissions if the table is empty. Returns rows written.
    async fn seed_role_permissions(&self) -> Result<u64, StoreError>;

    async fn departments(&self) -> Result<Vec<Department>, StoreError>;
    async fn department(&self, id: i64) -> Result<Option<Department>, StoreError>;
    async fn save_department(
        &self,
        id: Option<i64>,
        department: &Department,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<i64, StoreError>;
    /// `(id, name)` of every vendor, for the user form.
    async fn vendor_names(&self) -> Result<Vec<(i64, String)>, StoreError>;

    /// Every category, active or not, for the code-table page.
    async fn all_categories(&self) -> Result<Vec<CodeEntry>, StoreError>;
    async fn save_category(
        &self,
        entry: &CodeEntry,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    async fn dispositions(&self) -> Result<Vec<CodeEntry>, StoreError>;
    async fn save_disposition(
        &self,
        entry: &CodeEntry,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;
    /// Renames a region.
    async fn rename_region(
        &self,
        code: &str,
        name: &str,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;

    /// Cases in the scope, newest first, phones as stored (the service masks them).
    async fn cases(
        &self,
        scope: CaseScope,
        filter: &hotline_domain::CaseFilter,
        clock: super::FilterClock,
        limit: u32,
    ) -> Result<Vec<CaseListItem>, StoreError>;
    /// One case if it is in the scope, with its history.
    async fn case_detail(
        &self,
        scope: CaseScope,
        tracking_number: &TrackingNumber,
    ) -> Result<Option<CaseDetail>, StoreError>;

    async fn elderly_list(
        &self,
        district: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ElderlySummary>, StoreError>;
    async fn elderly(&self, id: i64) -> Result<Option<ElderlyDetail>, StoreError>;
}

pub(super) const USER_SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, \
     u.department_id, d.name AS department_name, u.vendor_id, v.name AS vendor_name, u.active, \
     u.failed_attempts, u.locked_until, u.last_sign_in_at \
     FROM users u LEFT JOIN departments d ON d.id = u.department_id \
     LEFT JOIN vendors v ON v.id = u.vendor_id";

pub(super) const CASE_SELECT: &str = "SELECT c.id, c.tracking_number, c.channel, c.case_type, \
     c.status, sc.name_zh AS category_zh, sc.name_en AS category_en, c.content, c.contact_name, \
     c.phone, r.name AS district_name, c.address, c.anonymous, c.created_at, c.updated_at, \
     c.dispatched_at, c.handled_at, c.category_code, c.satisfaction, c.callback_due_at, \
     c.remind_at FROM cases c JOIN service_categories sc ON sc.code = c.category_code \
     LEFT JOIN regions r ON r.code = c.district_code WHERE 1 = 1";

pub(super) const ELDERLY_SELECT: &str = "SELECT e.id, e.name, e.gender, e.birth_date, \
     e.id_number, e.identity_category, r.name AS district_name, e.address, e.onekey_phone, \
     e.service_card_no, e.phone, e.contact_name, e.contact_relation, e.contact_phone, \
     e.health_notes, e.medications \
     FROM elderly e JOIN regions r ON r.code = e.district_code";

#[derive(sqlx::FromRow)]
pub(super) struct UserRecordRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    department_id: Option<i64>,
    department_name: Option<String>,
    vendor_id: Option<i64>,
    vendor_name: Option<String>,
    active: bool,
    failed_attempts: i64,
    locked_until: Option<DateTime<Utc>>,
    last_sign_in_at: Option<DateTime<Utc>>,
}

impl TryFrom<UserRecordRow> for UserRecord {
    type Error = StoreError;
    fn try_from(r: UserRecordRow) -> Result<UserRecord, StoreError> {
        Ok(UserRecord {
            role: Role::from_code(&r.role)
                .ok_or_else(|| StoreError::Corrupt(format!("user {}: role {:?}", r.id, r.role)))?,
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            department_id: r.department_id,
            department_name: r.department_name,
            vendor_id: r.vendor_id,
            vendor_name: r.vendor_name,
            active: r.active,
            failed_attempts: r.failed_attempts,
            locked_until: r.locked_until,
            last_sign_in_at: r.last_sign_in_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CaseRow {
    pub id: i64,
    tracking_number: String,
    channel: String,
    case_type: Option<String>,
    status: String,
    category_zh: String,
    category_en: String,
    content: String,
    contact_name: Option<String>,
    phone: String,
    district_name: Option<String>,
    pub address: Option<String>,
    pub anonymous: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    dispatched_at: Option<DateTime<Utc>>,
    handled_at: Option<DateTime<Utc>>,
    pub category_code: String,
    pub satisfaction: Option<String>,
    pub callback_due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
}

impl CaseRow {
    pub(super) fn into_item(self, assigned_to: Vec<String>) -> Result<CaseListItem, StoreError> {
        use hotline_domain::{CaseType, Channel};
        let corrupt = |what: &str, value: &str| {
            StoreError::Corrupt(format!("case {}: {what} {value:?}", self.tracking_number))
        };
        Ok(CaseListItem {
            tracking_number: TrackingNumber::parse(&self.tracking_number)
                .ok_or_else(|| corrupt("tracking number", &self.tracking_number))?,
            channel: Channel::from_code(&self.channel)
                .ok_or_else(|| corrupt("channel", &self.channel))?,
            case_type: match &self.case_type {
                None => None,
                Some(t) => Some(CaseType::from_code(t).ok_or_else(|| corrupt("case type", t))?),
            },
            status: CaseStatus::from_code(&self.status)
                .ok_or_else(|| corrupt("status", &self.status))?,
            category_zh: self.category_zh,
            category_en: self.category_en,
            content: self.content,
            contact_name: self.contact_name,
            phone: self.phone,
            district_name: self.district_name,
            assigned_to,
            created_at: self.created_at,
            updated_at: self.updated_at,
            dispatched_at: self.dispatched_at,
            handled_at: self.handled_at,
            light: None,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    at: DateTime<Utc>,
    actor: String,
    kind: String,
    from_status: Option<String>,
    to_status: Option<String>,
    note: Option<String>,
}

impl From<EventRow> for hotline_domain::CaseEventView {
    fn from(r: EventRow) -> Self {
        hotline_domain::CaseEventView {
            at: r.at,
            actor: r.actor,
            kind: r.kind,
            from_status: r.from_status.as_deref().and_then(CaseStatus::from_code),
            to_status: r.to_status.as_deref().and_then(CaseStatus::from_code),
            note: r.note,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ElderlyRow {
    id: i64,
    name: String,
    gender: String,
    birth_date: chrono::NaiveDate,
    id_number: String,
    identity_category: String,
    district_name: String,
    address: String,
    onekey_phone: Option<String>,
    service_card_no: String,
    phone: Option<String>,
    contact_name: String,
    contact_relation: String,
    contact_phone: String,
    health_notes: Option<String>,
    medications: Option<String>,
}

impl ElderlyRow {
    pub(super) fn summary(&self) -> ElderlySummary {
        ElderlySummary {
            id: self.id,
            name: self.name.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date,
            id_number: self.id_number.clone(),
            identity_category: self.identity_category.clone(),
            district_name: self.district_name.clone(),
            address: self.address.clone(),
            onekey_phone: self.onekey_phone.clone(),
        }
    }

    pub(super) fn detail(self) -> ElderlyDetail {
        ElderlyDetail {
            summary: self.summary(),
            service_card_no: self.service_card_no,
            phone: self.phone,
            contact_name: self.contact_name,
            contact_relation: self.contact_relation,
            contact_phone: self.contact_phone,
            health_notes: self.health_notes,
            medications: self.medications,
            id_revealed: true,
            health_shown: true,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CodeRow {
    code: String,
    parent_code: Option<String>,
    level: i32,
    name_zh: String,
    name_en: String,
    active: bool,
}

impl From<CodeRow> for CodeEntry {
    fn from(r: CodeRow) -> CodeEntry {
        CodeEntry {
            code: r.code,
            parent_code: r.parent_code,
            level: r.level as u8,
            name_zh: r.name_zh,
            name_en: r.name_en,
            active: r.active,
        }
    }
}

/// A unique-key violation becomes `Conflict(field)`; anything else stays a database error.
pub(super) fn conflict_on(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(field),
        _ => StoreError::Database(e),
    }
}

macro_rules! impl_access_store {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn assignment_names(
                &self,
                case_ids: &[i64],
            ) -> Result<std::collections::HashMap<i64, Vec<String>>, $crate::store::StoreError>
            {
                let mut names: std::collections::HashMap<i64, Vec<String>> = Default::default();
                if case_ids.is_empty() {
                    return Ok(names);
                }
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "SELECT a.case_id, COALESCE(d.name, v.name) AS name FROM case_assignments a \
                     LEFT JOIN departments d ON d.id = a.department_id \
                     LEFT JOIN vendors v ON v.id = a.vendor_id WHERE NOT a.closed AND a.case_id IN (",
                );
                let mut list = query.separated(", ");
                for id in case_ids {
                    list.push_bind(*id);
                }
                query.push(") ORDER BY a.case_id, a.assigned_at, a.id");
                let rows: Vec<(i64, Option<String>)> =
                    query.build_query_as().fetch_all(&self.pool).await?;
                for (case_id, name) in rows {
                    names.entry(case_id).or_default().extend(name);
                }
                Ok(names)
            }

            /// Restricts to the reader's rows; with the `todo` queue, to the cases where the
            /// reader's own part is still being worked on.
            fn push_scope_for(
                query: &mut sqlx::QueryBuilder<'_, $db>,
                scope: $crate::store::CaseScope,
                queue: Option<hotline_domain::Queue>,
            ) {
                let column = match scope {
                    $crate::store::CaseScope::All => return,
                    $crate::store::CaseScope::Department(_) => "department_id",
                    $crate::store::CaseScope::Vendor(_) => "vendor_id",
                };
                let id = match scope {
                    $crate::store::CaseScope::Department(id)
                    | $crate::store::CaseScope::Vendor(id) => id,
                    $crate::store::CaseScope::All => unreachable!(),
                };
                query.push(format!(
                    " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.{column} = "
                ));
                query.push_bind(id);
                if queue == Some(hotline_domain::Queue::Todo) {
                    query.push(" AND a.status IN ('dispatched', 'confirmed') AND NOT a.closed");
                }
                query.push(")");
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::AccessStore for $store {
            async fn credentials(
                &self,
                username: &str,
            ) -> Result<Option<$crate::store::Credentials>, $crate::store::StoreError> {
                let row: Option<(i64, String, bool, Option<chrono::DateTime<chrono::Utc>>)> =
                    sqlx::query_as(
                        "SELECT id, password_hash, active, locked_until FROM users \
                         WHERE username = $1",
                    )
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(user_id, password_hash, active, locked_until)| {
                    $crate::store::Credentials {
                        user_id,
                        password_hash,
                        active,
                        locked_until,
                    }
                }))
            }

            async fn record_sign_in_failure(
                &self,
                user_id: i64,
                policy: $crate::store::LockoutPolicy,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<Option<chrono::DateTime<chrono::Utc>>, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let attempts: i64 = sqlx::query_scalar(
                    "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = $1 \
                     RETURNING failed_attempts",
                )
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
                Self::insert_audit(&mut *tx, audit).await?;
                let mut locked = None;
                if attempts >= policy.max_failures {
                    let until = audit.at + policy.lock_for;
                    sqlx::query(
                        "UPDATE users SET failed_attempts = 0, locked_until = $2 WHERE id = $1",
                    )
                    .bind(user_id)
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
                    let lock = $crate::audit::NewAuditEntry {
                        action: "lock".into(),
                        before: None,
                        after: Some(
                            serde_json::json!({ "failures": attempts, "locked_until": until })
                                .to_string(),
                        ),
                        ..audit.clone()
                    };
                    Self::insert_audit(&mut *tx, &lock).await?;
                    locked = Some(until);
                }
                tx.commit().await?;
                Ok(locked)
            }

            async fn record_sign_in(
                &self,
                user_id: i64,
                token_hash: &str,
                session: &$crate::store::SessionRecord,
                address: Option<&str>,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let updated = sqlx::query(
                    "UPDATE users SET failed_attempts = 0, locked_until = NULL, \
                     last_sign_in_at = $2 WHERE id = $1 AND active = $3 \
                     AND (locked_until IS NULL OR locked_until <= $2)",
                )
                .bind(user_id)
                .bind(session.created_at)
                .bind(true)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, \
                     expires_at, address) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token_hash)
                .bind(user_id)
                .bind(session.created_at)
                .bind(session.last_seen_at)
                .bind(session.expires_at)
                .bind(address)
                .execute(&mut *tx)
                .await?;
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn session(
                &self,
                token_hash: &str,
            ) -> Result<Option<$crate::store::SessionRecord>, $crate::store::StoreError> {
                let row: Option<(
                    i64,
                    chrono::DateTime<chrono::Utc>,
                    chrono::DateTime<chrono::Utc>,
                    chrono::DateTime<chrono::Utc>,
                )> = sqlx::query_as(
                    "SELECT user_id, created_at, last_seen_at, expires_at FROM sessions \
                     WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(user_id, created_at, last_seen_at, expires_at)| {
                    $crate::store::SessionRecord {
                        user_id,
                        created_at,
                        last_seen_at,
                        expires_at,
                    }
                }))
            }

            async fn touch_session(
                &self,
                token_hash: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), $crate::store::StoreError> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn purge_sessions(
                &self,
                idle_before: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, $crate::store::StoreError> {
                Ok(
                    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR expires_at <= $2")
                        .bind(idle_before)
                        .bind(now)
                        .execute(&self.pool)
                        .await?
                        .rows_affected(),
                )
            }

            async fn staff_user(
                &self,
                user_id: i64,
            ) -> Result<Option<hotline_domain::StaffUser>, $crate::store::StoreError> {
                let row: Option<$crate::store::access::UserRecordRow> = sqlx::query_as(&format!(
                    "{} WHERE u.id = $1 AND u.active = $2",
                    $crate::store::access::USER_SELECT
                ))
                .bind(user_id)
                .bind(true)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let user = hotline_domain::UserRecord::try_from(row)?;
                let codes: Vec<String> = sqlx::query_scalar(
                    "SELECT permission FROM role_permissions WHERE role = $1 ORDER BY permission",
                )
                .bind(user.role.as_code())
                .fetch_all(&self.pool)
                .await?;
                let permissions = codes
                    .iter()
                    .filter_map(|c| hotline_domain::Permission::from_code(c))
                    .collect();
                Ok(Some(hotline_domain::StaffUser {
                    id: user.id,
                    username: user.username,
                    display_name: user.display_name,
                    role: user.role,
                    department_id: user.department_id,
                    department_name: user.department_name,
                    vendor_id: user.vendor_id,
                    vendor_name: user.vendor_name,
                    permissions,
                }))
            }

            async fn users(
                &self,
            ) -> Result<Vec<hotline_domain::UserRecord>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::access::UserRecordRow> = sqlx::query_as(&format!(
                    "{} ORDER BY u.username",
                    $crate::store::access::USER_SELECT
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryFrom::try_from).collect()
            }

            async fn user(
                &self,
                id: i64,
            ) -> Result<Option<hotline_domain::UserRecord>, $crate::store::StoreError> {
                let row: Option<$crate::store::access::UserRecordRow> = sqlx::query_as(&format!(
                    "{} WHERE u.id = $1",
                    $crate::store::access::USER_SELECT
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                row.map(TryFrom::try_from).transpose()
            }

            async fn insert_user(
                &self,
                user: &$crate::store::UserRow,
                at: chrono::DateTime<chrono::Utc>,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<i64, $crate::store::StoreError> {
                let hash = user.password_hash.as_deref().ok_or_else(|| {
                    $crate::store::StoreError::Corrupt("new user without a password".into())
                })?;
                let mut tx = self.pool.begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (username, display_name, role, department_id, vendor_id, \
                     password_hash, active, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                )
                .bind(&user.username)
                .bind(&user.display_name)
                .bind(user.role.as_code())
                .bind(user.department_id)
                .bind(user.vendor_id)
                .bind(hash)
                .bind(user.active)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::access::conflict_on("username"))?;
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn update_user(
                &self,
                id: i64,
                user: &$crate::store::UserRow,
                at: chrono::DateTime<chrono::Utc>,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "UPDATE users SET display_name = $2, role = $3, department_id = $4, \
                     vendor_id = $5, active = $6, updated_at = $7, \
                     password_hash = COALESCE($8, password_hash) WHERE id = $1",
                )
                .bind(id)
                .bind(&user.display_name)
                .bind(user.role.as_code())
                .bind(user.department_id)
                .bind(user.vendor_id)
                .bind(user.active)
                .bind(at)
                .bind(&user.password_hash)
                .execute(&mut *tx)
                .await?;
                if !user.active || user.password_hash.is_some() {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn unlock_user(
                &self,
                id: i64,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn role_permissions(
                &self,
            ) -> Result<
                Vec<(hotline_domain::Role, hotline_domain::Permission)>,
                $crate::store::StoreError,
            > {
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT role, permission FROM role_permissions ORDER BY role, permission",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(r, p)| {
                        Some((
                            hotline_domain::Role::from_code(&r)?,
                            hotline_domain::Permission::from_code(&p)?,
                        ))
                    })
                    .collect())
            }

            async fn set_role_permissions(
                &self,
                role: hotline_domain::Role,
                permissions: &[hotline_domain::Permission],
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM role_permissions WHERE role = $1")
                    .bind(role.as_code())
                    .execute(&mut *tx)
                    .await?;
                for p in permissions {
                    sqlx::query(
                        "INSERT INTO role_permissions (role, permission) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(role.as_code())
                    .bind(p.as_code())
                    .execute(&mut *tx)
                    .await?;
                }
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn seed_role_permissions(&self) -> Result<u64, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM role_permissions")
                    .fetch_one(&mut *tx)
                    .await?;
                if existing > 0 {
                    return Ok(0);
                }
                let mut written = 0;
                for role in hotline_domain::Role::ALL {
                    for p in role.default_permissions() {
                        written += sqlx::query(
                            "INSERT INTO role_permissions (role, permission) VALUES ($1, $2)",
                        )
                        .bind(role.as_code())
                        .bind(p.as_code())
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    }
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn departments(
                &self,
            ) -> Result<Vec<hotline_domain::Department>, $crate::store::StoreError> {
                let rows: Vec<(i64, String, String, Option<String>, bool)> = sqlx::query_as(
                    "SELECT id, code, name, phone, active FROM departments ORDER BY code",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, code, name, phone, active)| hotline_domain::Department {
                        id,
                        code,
                        name,
                        phone,
                        active,
                    })
                    .collect())
            }

            async fn department(
                &self,
                id: i64,
            ) -> Result<Option<hotline_domain::Department>, $crate::store::StoreError> {
                let row: Option<(i64, String, String, Option<String>, bool)> = sqlx::query_as(
                    "SELECT id, code, name, phone, active FROM departments WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(id, code, name, phone, active)| hotline_domain::Department {
                    id,
                    code,
                    name,
                    phone,
                    active,
                }))
            }

            async fn save_department(
                &self,
                id: Option<i64>,
                d: &hotline_domain::Department,
                at: chrono::DateTime<chrono::Utc>,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<i64, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let id = match id {
                    None => sqlx::query_scalar(
                        "INSERT INTO departments (code, name, phone, active, created_at, \
                         updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                    )
                    .bind(&d.code)
                    .bind(&d.name)
                    .bind(&d.phone)
                    .bind(d.active)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err($crate::store::access::conflict_on("code"))?,
                    Some(id) => {
                        sqlx::query(
                            "UPDATE departments SET code = $2, name = $3, phone = $4, \
                             active = $5, updated_at = $6 WHERE id = $1",
                        )
                        .bind(id)
                        .bind(&d.code)
                        .bind(&d.name)
                        .bind(&d.phone)
                        .bind(d.active)
                        .bind(at)
                        .execute(&mut *tx)
                        .await
                        .map_err($crate::store::access::conflict_on("code"))?;
                        id
                    }
                };
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn vendor_names(&self) -> Result<Vec<(i64, String)>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT id, name FROM vendors ORDER BY name")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn all_categories(
                &self,
            ) -> Result<Vec<hotline_domain::CodeEntry>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::access::CodeRow> = sqlx::query_as(
                    "SELECT code, parent_code, level, name_zh, name_en, active \
                     FROM service_categories ORDER BY code",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn save_category(
                &self,
                e: &hotline_domain::CodeEntry,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO service_categories (code, parent_code, level, name_zh, name_en, \
                     active) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE SET \
                     name_zh = excluded.name_zh, name_en = excluded.name_en, \
                     active = excluded.active",
                )
                .bind(&e.code)
                .bind(&e.parent_code)
                .bind(i32::from(e.level))
                .bind(&e.name_zh)
                .bind(&e.name_en)
                .bind(e.active)
                .execute(&mut *tx)
                .await?;
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn dispositions(
                &self,
            ) -> Result<Vec<hotline_domain::CodeEntry>, $crate::store::StoreError> {
                let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
                    "SELECT code, name_zh, name_en, active FROM dispositions ORDER BY code",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(code, name_zh, name_en, active)| hotline_domain::CodeEntry {
                        code,
                        parent_code: None,
                        level: 1,
                        name_zh,
                        name_en,
                        active,
                    })
                    .collect())
            }

            async fn save_disposition(
                &self,
                e: &hotline_domain::CodeEntry,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO dispositions (code, name_zh, name_en, active) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO UPDATE SET \
                     name_zh = excluded.name_zh, name_en = excluded.name_en, \
                     active = excluded.active",
                )
                .bind(&e.code)
                .bind(&e.name_zh)
                .bind(&e.name_en)
                .bind(e.active)
                .execute(&mut *tx)
                .await?;
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn rename_region(
                &self,
                code: &str,
                name: &str,
                audit: &$crate::audit::NewAuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE regions SET name = $2 WHERE code = $1")
                    .bind(code)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                Self::insert_audit(&mut *tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn cases(
                &self,
                scope: $crate::store::CaseScope,
                filter: &hotline_domain::CaseFilter,
                clock: $crate::store::FilterClock,
                limit: u32,
            ) -> Result<Vec<hotline_domain::CaseListItem>, $crate::store::StoreError> {
                let mut query =
                    sqlx::QueryBuilder::<$db>::new($crate::store::access::CASE_SELECT);
                $crate::store::flow::push_case_filter!(&mut query, filter, clock);
                Self::push_scope_for(&mut query, scope, filter.queue);
                query
                    .push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
                    .push_bind(i64::from(limit.clamp(1, 1000)));
                let rows: Vec<$crate::store::access::CaseRow> =
                    query.build_query_as().fetch_all(&self.pool).await?;
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let mut names = self.assignment_names(&ids).await?;
                rows.into_iter()
                    .map(|r| {
                        let assigned = names.remove(&r.id).unwrap_or_default();
                        r.into_item(assigned)
                    })
                    .collect()
            }

            async fn case_detail(
                &self,
                scope: $crate::store::CaseScope,
                tracking_number: &hotline_domain::TrackingNumber,
            ) -> Result<Option<hotline_domain::CaseDetail>, $crate::store::StoreError> {
                let mut query =
                    sqlx::QueryBuilder::<$db>::new($crate::store::access::CASE_SELECT);
                query
                    .push(" AND c.tracking_number = ")
                    .push_bind(tracking_number.as_str());
                Self::push_scope_for(&mut query, scope, None);
                let row: Option<$crate::store::access::CaseRow> =
                    query.build_query_as().fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let parts = {
                    let mut conn = self.pool.acquire().await?;
                    Self::parts_of(&mut *conn, row.id).await?
                };
                let part_names = {
                    let mut names = Vec::with_capacity(parts.len());
                    for part in &parts {
                        let name = $crate::store::FlowStore::assignee_contact(self, part.assignee)
                            .await?
                            .map(|c| c.name)
                            .unwrap_or_else(|| "?".into());
                        names.push(hotline_domain::AssignmentView {
                            name,
                            part: part.clone(),
                        });
                    }
                    names
                };
                let satisfaction = row
                    .satisfaction
                    .as_deref()
                    .and_then(hotline_domain::Satisfaction::from_code);
                let category_code = row.category_code.clone();
                let callback_due_at = row.callback_due_at;
                let remind_at = row.remind_at;
                let events: Vec<$crate::store::access::EventRow> = sqlx::query_as(
                    "SELECT at, actor, kind, from_status, to_status, note FROM case_events \
                     WHERE case_id = $1 ORDER BY at, id",
                )
                .bind(row.id)
                .fetch_all(&self.pool)
                .await?;
                let mut names = self.assignment_names(&[row.id]).await?;
                let assigned = names.remove(&row.id).unwrap_or_default();
                let address = row.address.clone();
                let anonymous = row.anonymous;
                Ok(Some(hotline_domain::CaseDetail {
                    item: row.into_item(assigned)?,
                    address,
                    anonymous,
                    can_reveal_phone: false,
                    events: events.into_iter().map(Into::into).collect(),
                    assignments: part_names,
                    overdue: Vec::new(),
                    actions: Vec::new(),
                    category_code,
                    satisfaction,
                    callback_due_at,
                    remind_at,
                    links: Vec::new(),
                    calls: Vec::new(),
                }))
            }

            async fn elderly_list(
                &self,
                district: Option<&str>,
                limit: u32,
            ) -> Result<Vec<hotline_domain::ElderlySummary>, $crate::store::StoreError> {
                let mut query =
                    sqlx::QueryBuilder::<$db>::new($crate::store::access::ELDERLY_SELECT);
                if let Some(district) = district {
                    query
                        .push(" WHERE e.district_code = ")
                        .push_bind(district.to_string());
                }
                query
                    .push(" ORDER BY e.id LIMIT ")
                    .push_bind(i64::from(limit.clamp(1, 1000)));
                let rows: Vec<$crate::store::access::ElderlyRow> =
                    query.build_query_as().fetch_all(&self.pool).await?;
                Ok(rows.iter().map(|r| r.summary()).collect())
            }

            async fn elderly(
                &self,
                id: i64,
            ) -> Result<Option<hotline_domain::ElderlyDetail>, $crate::store::StoreError> {
                let row: Option<$crate::store::access::ElderlyRow> = sqlx::query_as(&format!(
                    "{} WHERE e.id = $1",
                    $crate::store::access::ELDERLY_SELECT
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| r.detail()))
            }
        }
    };
}

pub(super) use impl_access_store;
