//! Storage of accounts: users, sign-in and sessions, role permissions, and the
//! departments department staff belong to.

use hotline_domain::{Department, Permission, Role, StaffUser, UserRecord};

use crate::audit::NewAuditEntry;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::dialect::{Bind, RowsAffected, Value};
use super::{Dialect, SqlStore, StoreError};

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

/// What happens on a failed sign-in, decided by the caller's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: i64,
    pub lock_for: chrono::Duration,
}

pub(super) const USER_SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, \
     u.department_id, d.name AS department_name, u.vendor_id, v.name AS vendor_name, u.active, \
     u.failed_attempts, u.locked_until, u.last_sign_in_at \
     FROM users u LEFT JOIN departments d ON d.id = u.department_id \
     LEFT JOIN vendors v ON v.id = u.vendor_id";

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

#[async_trait]
pub trait AccountStore: Send + Sync {
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
    /// One page of the accounts a search finds, by user name, and how many it finds;
    /// `now` decides who is locked.
    async fn user_page(
        &self,
        filter: &hotline_domain::UserFilter,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<UserRecord>), StoreError>;
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
}

#[async_trait]
impl<DB> AccountStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'n> &'n str: ColumnIndex<DB::Row> + Bind<'n, DB>,
    for<'n> Option<&'n str>: Bind<'n, DB>,
    String: Value<DB>,
    Option<String>: Value<DB>,
    i64: Value<DB>,
    Option<i64>: Value<DB>,
    i32: Value<DB>,
    Option<i32>: Value<DB>,
    bool: Value<DB>,
    Option<bool>: Value<DB>,
    f64: Value<DB>,
    Option<f64>: Value<DB>,
    DateTime<Utc>: Value<DB>,
    Option<DateTime<Utc>>: Value<DB>,
    NaiveDate: Value<DB>,
{
    async fn credentials(
        &self,
        username: &str,
    ) -> Result<Option<crate::store::Credentials>, StoreError> {
        let row: Option<(i64, String, bool, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT id, password_hash, active, locked_until FROM users \
                 WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(user_id, password_hash, active, locked_until)| crate::store::Credentials {
                user_id,
                password_hash,
                active,
                locked_until,
            },
        ))
    }

    async fn record_sign_in_failure(
        &self,
        user_id: i64,
        policy: crate::store::LockoutPolicy,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
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
            sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = $2 WHERE id = $1")
                .bind(user_id)
                .bind(until)
                .execute(&mut *tx)
                .await?;
            let lock = crate::audit::NewAuditEntry {
                action: "lock".into(),
                before: None,
                after: Some(
                    serde_json::json!({ "failures": attempts, "locked_until": until }).to_string(),
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
        session: &crate::store::SessionRecord,
        address: Option<&str>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<bool, StoreError> {
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
    ) -> Result<Option<crate::store::SessionRecord>, StoreError> {
        let row: Option<(i64, DateTime<Utc>, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
            "SELECT user_id, created_at, last_seen_at, expires_at FROM sessions \
             WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(user_id, created_at, last_seen_at, expires_at)| crate::store::SessionRecord {
                user_id,
                created_at,
                last_seen_at,
                expires_at,
            },
        ))
    }

    async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
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
    ) -> Result<Option<hotline_domain::StaffUser>, StoreError> {
        let row: Option<UserRecordRow> = sqlx::query_as(&format!(
            "{} WHERE u.id = $1 AND u.active = $2",
            USER_SELECT
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

    async fn users(&self) -> Result<Vec<hotline_domain::UserRecord>, StoreError> {
        let rows: Vec<UserRecordRow> =
            sqlx::query_as(&format!("{} ORDER BY u.username", USER_SELECT))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(TryFrom::try_from).collect()
    }

    async fn user_page(
        &self,
        filter: &hotline_domain::UserFilter,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<hotline_domain::UserRecord>), StoreError> {
        let conditions = |query: &mut sqlx::QueryBuilder<'_, DB>| {
            query.push(" WHERE 1 = 1");
            if let Some(text) = &filter.text {
                let pattern = super::contains_pattern(text);
                query.push(" AND (");
                for (i, column) in ["u.username", "u.display_name", "d.name", "v.name"]
                    .iter()
                    .enumerate()
                {
                    if i > 0 {
                        query.push(" OR ");
                    }
                    query
                        .push(format!("{column} LIKE "))
                        .push_bind(pattern.clone())
                        .push(" ESCAPE '\\'");
                }
                query.push(")");
            }
            if let Some(role) = filter.role {
                query.push(" AND u.role = ").push_bind(role.as_code());
            }
            match filter.state {
                None => {}
                Some(hotline_domain::UserState::Inactive) => {
                    query.push(" AND u.active = ").push_bind(false);
                }
                Some(hotline_domain::UserState::Locked) => {
                    query
                        .push(" AND u.active = ")
                        .push_bind(true)
                        .push(" AND u.locked_until > ")
                        .push_bind(now);
                }
                Some(hotline_domain::UserState::Active) => {
                    query
                        .push(" AND u.active = ")
                        .push_bind(true)
                        .push(" AND (u.locked_until IS NULL OR u.locked_until <= ")
                        .push_bind(now)
                        .push(")");
                }
            }
        };
        let mut count = sqlx::QueryBuilder::<DB>::new(
            "SELECT COUNT(*) FROM users u LEFT JOIN departments d ON d.id = u.department_id \
             LEFT JOIN vendors v ON v.id = u.vendor_id",
        );
        conditions(&mut count);
        let total: i64 = DB::fetch_scalar(count, &self.pool).await?;
        let mut query = sqlx::QueryBuilder::<DB>::new(USER_SELECT);
        conditions(&mut query);
        query
            .push(" ORDER BY u.username LIMIT ")
            .push_bind(i64::from(hotline_domain::USER_PAGE))
            .push(" OFFSET ")
            .push_bind(i64::try_from(filter.offset()).unwrap_or(i64::MAX));
        let rows: Vec<UserRecordRow> = DB::fetch_all(query, &self.pool).await?;
        let items = rows
            .into_iter()
            .map(TryFrom::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((u64::try_from(total).unwrap_or(0), items))
    }

    async fn user(&self, id: i64) -> Result<Option<hotline_domain::UserRecord>, StoreError> {
        let row: Option<UserRecordRow> =
            sqlx::query_as(&format!("{} WHERE u.id = $1", USER_SELECT))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(TryFrom::try_from).transpose()
    }

    async fn insert_user(
        &self,
        user: &crate::store::UserRow,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<i64, StoreError> {
        let hash = user
            .password_hash
            .as_deref()
            .ok_or_else(|| StoreError::Corrupt("new user without a password".into()))?;
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
        .map_err(crate::store::conflict_on("username"))?;
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_user(
        &self,
        id: i64,
        user: &crate::store::UserRow,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<(), StoreError> {
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
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn role_permissions(
        &self,
    ) -> Result<Vec<(hotline_domain::Role, hotline_domain::Permission)>, StoreError> {
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
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<(), StoreError> {
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

    async fn seed_role_permissions(&self) -> Result<u64, StoreError> {
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
                written +=
                    sqlx::query("INSERT INTO role_permissions (role, permission) VALUES ($1, $2)")
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

    async fn departments(&self) -> Result<Vec<hotline_domain::Department>, StoreError> {
        let rows: Vec<(i64, String, String, Option<String>, bool)> =
            sqlx::query_as("SELECT id, code, name, phone, active FROM departments ORDER BY code")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, code, name, phone, active)| hotline_domain::Department {
                    id,
                    code,
                    name,
                    phone,
                    active,
                },
            )
            .collect())
    }

    async fn department(&self, id: i64) -> Result<Option<hotline_domain::Department>, StoreError> {
        let row: Option<(i64, String, String, Option<String>, bool)> =
            sqlx::query_as("SELECT id, code, name, phone, active FROM departments WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(
            |(id, code, name, phone, active)| hotline_domain::Department {
                id,
                code,
                name,
                phone,
                active,
            },
        ))
    }

    async fn save_department(
        &self,
        id: Option<i64>,
        d: &hotline_domain::Department,
        at: DateTime<Utc>,
        audit: &crate::audit::NewAuditEntry,
    ) -> Result<i64, StoreError> {
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
            .map_err(crate::store::conflict_on("code"))?,
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
                .map_err(crate::store::conflict_on("code"))?;
                id
            }
        };
        Self::insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }
}
