//! Signing in and out, sessions, passwords (SPEC X1; ASVS level 2 chapters 2 and 3).
//!
//! - Passwords are hashed with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes),
//!   on a blocking thread so a sign-in never stalls the async workers.
//! - A session is a 256-bit random token in an HttpOnly cookie; the database keeps only its
//!   SHA-256, so a copy of the sessions table signs nobody in. Sessions live in the database:
//!   a restart signs nobody out, and several server instances share them.
//! - A session ends after `idle` without requests or `absolute` after sign-in, whichever
//!   comes first (defaults 30 minutes and 12 hours).
//! - `max_failures` wrong passwords in a row lock the account for `lock_for`; failures and
//!   locks are audited. The answer to a failed sign-in never says which part was wrong or
//!   whether the account exists or is locked.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use hotline_domain::{FieldErrors, Problem, StaffUser, UserInput};
use sha2::{Digest, Sha256};

use crate::audit::{NewAuditEntry, Origin};
use crate::store::{LockoutPolicy, SessionRecord, UserRow};
use crate::{Hotline, ServiceError, StoreError};

/// How long sessions last and when accounts lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityPolicy {
    pub idle: Duration,
    pub absolute: Duration,
    pub max_failures: i64,
    pub lock_for: Duration,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        SecurityPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
            max_failures: 5,
            lock_for: Duration::minutes(15),
        }
    }
}

/// The signed-in staff member of a request, if any: put in the request's extensions by the
/// HTTP layer, read by handlers and server functions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrentUser(pub Option<StaffUser>);

/// The client's network address as the HTTP layer resolved it (a request extension).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientAddress(pub Option<String>);

/// A new session: the token goes into the cookie and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub token: String,
    pub user: StaffUser,
    pub expires_at: DateTime<Utc>,
}

/// Why a sign-in was refused. Callers show one message for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    WrongCredentials,
    Locked,
    Inactive,
}

/// A session token looked up: the user, and whether `last_seen_at` needs writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    Active(StaffUser),
    /// Unknown, expired (idle or absolute) or its user deactivated.
    Invalid,
}

pub fn hash_password(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServiceError::Internal(format!("blocking task failed: {e}")))
}

/// A hash that never verifies, so an unknown user name costs as much time as a known one.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"decoy password that nobody has", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// The token's digest as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Hotline {
    /// Checks a user name and password; on success stores and returns a new session.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        address: Option<String>,
    ) -> Result<Result<NewSession, SignInRefusal>, ServiceError> {
        let username = username.trim().to_lowercase();
        let origin = Origin {
            actor: format!("user:{username}"),
            address: address.clone(),
        };
        let now = self.now();
        let credentials = if username.is_empty() || username.chars().count() > 64 {
            None
        } else {
            self.store.credentials(&username).await?
        };
        let Some(credentials) = credentials else {
            let password = password.to_string();
            blocking(move || verify_password(&password, decoy_hash())).await?;
            // Recorded like a wrong password (a write too, so timing does not tell them
            // apart); the typed name is cut short in case a password was typed into it.
            let typed: String = username.chars().take(32).collect();
            self.store
                .append_audit(&NewAuditEntry {
                    at: now,
                    origin: Origin {
                        actor: "anonymous".into(),
                        address: address.clone(),
                    },
                    action: "sign_in_failed_unknown_user".into(),
                    object_type: "user".into(),
                    object_id: typed,
                    before: None,
                    after: None,
                })
                .await?;
            tracing::warn!(
                address = address.as_deref().unwrap_or("-"),
                "sign-in failed: unknown user"
            );
            return Ok(Err(SignInRefusal::WrongCredentials));
        };
        let hash = credentials.password_hash.clone();
        let candidate = password.to_string();
        let matches = blocking(move || verify_password(&candidate, &hash)).await?;
        let audit = |action: &str| NewAuditEntry {
            at: now,
            origin: origin.clone(),
            action: action.into(),
            object_type: "user".into(),
            object_id: username.clone(),
            before: None,
            after: None,
        };

        if let Some(until) = credentials.locked_until.filter(|until| *until > now) {
            // Still locked: the attempt is recorded but does not extend the lock.
            self.store
                .append_audit(&audit("sign_in_refused_locked"))
                .await?;
            tracing::warn!(%username, %until, "sign-in refused: account locked");
            return Ok(Err(SignInRefusal::Locked));
        }
        if !matches {
            let policy = LockoutPolicy {
                max_failures: self.policy.max_failures,
                lock_for: self.policy.lock_for,
            };
            let locked = self
                .store
                .record_sign_in_failure(credentials.user_id, policy, &audit("sign_in_failed"))
                .await?;
            match locked {
                Some(until) => {
                    tracing::warn!(%username, %until, "account locked after repeated sign-in failures")
                }
                None => tracing::warn!(%username, "sign-in failed: wrong password"),
            }
            return Ok(Err(SignInRefusal::WrongCredentials));
        }
        if !credentials.active {
            self.store
                .append_audit(&audit("sign_in_refused_inactive"))
                .await?;
            return Ok(Err(SignInRefusal::Inactive));
        }
        let Some(user) = self.store.staff_user(credentials.user_id).await? else {
            return Ok(Err(SignInRefusal::Inactive));
        };
        let token = new_token();
        let session = SessionRecord {
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.policy.absolute,
        };
        // The sign-in only stands if no concurrent failure locked the account meanwhile.
        let signed_in = self
            .store
            .record_sign_in(
                user.id,
                &token_hash(&token),
                &session,
                address.as_deref(),
                &audit("sign_in"),
            )
            .await?;
        if !signed_in {
            self.store
                .append_audit(&audit("sign_in_refused_locked"))
                .await?;
            return Ok(Err(SignInRefusal::Locked));
        }
        tracing::info!(%username, role = user.role.as_code(), "signed in");
        Ok(Ok(NewSession {
            token,
            user,
            expires_at: session.expires_at,
        }))
    }

    /// The signed-in user behind a session token, if the session is still valid. Records
    /// the activity at most once a minute.
    pub async fn resolve_session(&self, token: &str) -> Result<SessionState, ServiceError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(SessionState::Invalid);
        }
        let hash = token_hash(token);
        let Some(session) = self.store.session(&hash).await? else {
            return Ok(SessionState::Invalid);
        };
        let now = self.now();
        if now >= session.expires_at || now - session.last_seen_at >= self.policy.idle {
            self.store.delete_session(&hash).await?;
            return Ok(SessionState::Invalid);
        }
        let Some(user) = self.store.staff_user(session.user_id).await? else {
            self.store.delete_session(&hash).await?;
            return Ok(SessionState::Invalid);
        };
        if now - session.last_seen_at >= Duration::minutes(1) {
            self.store.touch_session(&hash, now).await?;
        }
        Ok(SessionState::Active(user))
    }

    pub async fn sign_out(&self, token: &str, origin: &Origin) -> Result<(), ServiceError> {
        let hash = token_hash(token);
        if self.store.session(&hash).await?.is_some() {
            self.store.delete_session(&hash).await?;
            self.store
                .append_audit(&NewAuditEntry {
                    at: self.now(),
                    origin: origin.clone(),
                    action: "sign_out".into(),
                    object_type: "user".into(),
                    object_id: origin.actor.trim_start_matches("user:").to_string(),
                    before: None,
                    after: None,
                })
                .await?;
        }
        Ok(())
    }

    /// Removes expired sessions (run now and then by the server).
    pub async fn purge_sessions(&self) -> Result<u64, ServiceError> {
        let now = self.now();
        Ok(self
            .store
            .purge_sessions(now - self.policy.idle, now)
            .await?)
    }

    /// Makes an administrator from the command line (`hotline create-admin`): the way the
    /// first account of a new installation comes to be.
    pub async fn create_admin(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
    ) -> Result<i64, ServiceError> {
        let input = UserInput {
            username: username.into(),
            display_name: display_name.into(),
            role: "admin".into(),
            password: password.into(),
            active: true,
            ..Default::default()
        };
        self.add_user(&input, &Origin::system()).await
    }

    /// Validates and stores a new user. No permission check: for the command line, the
    /// demo loader and tests; the administration pages go through `create_user`.
    pub async fn add_user(&self, input: &UserInput, origin: &Origin) -> Result<i64, ServiceError> {
        let valid = input.validate(true)?;
        self.check_user_links(valid.department_id, valid.vendor_id)
            .await?;
        let password = valid.password.clone().unwrap_or_default();
        let hash = blocking(move || hash_password(&password)).await??;
        let row = UserRow {
            username: valid.username.clone(),
            display_name: valid.display_name.clone(),
            role: valid.role,
            department_id: valid.department_id,
            vendor_id: valid.vendor_id,
            password_hash: Some(hash),
            active: valid.active,
        };
        let now = self.now();
        let audit = NewAuditEntry {
            at: now,
            origin: origin.clone(),
            action: "create".into(),
            object_type: "user".into(),
            object_id: valid.username.clone(),
            before: None,
            after: Some(user_snapshot(&row).to_string()),
        };
        match self.store.insert_user(&row, now, &audit).await {
            Ok(id) => Ok(id),
            Err(StoreError::Conflict(_)) => {
                let mut errors = FieldErrors::new();
                errors.add("username", Problem::Taken);
                Err(errors.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The department and vendor a user is linked to must exist.
    pub(crate) async fn check_user_links(
        &self,
        department_id: Option<i64>,
        vendor_id: Option<i64>,
    ) -> Result<(), ServiceError> {
        let mut errors = FieldErrors::new();
        if let Some(id) = department_id {
            if self.store.department(id).await?.is_none() {
                errors.add("department_id", Problem::Unknown);
            }
        }
        if let Some(id) = vendor_id {
            if !self
                .store
                .vendor_names()
                .await?
                .iter()
                .any(|(vid, _)| *vid == id)
            {
                errors.add("vendor_id", Problem::Unknown);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.into())
        }
    }
}

/// What the audit log keeps of a user: never the password or its hash.
pub(crate) fn user_snapshot(row: &UserRow) -> serde_json::Value {
    serde_json::json!({
        "username": row.username,
        "display_name": row.display_name,
        "role": row.role.as_code(),
        "department_id": row.department_id,
        "vendor_id": row.vendor_id,
        "active": row.active,
        "password_changed": row.password_hash.is_some(),
    })
}
