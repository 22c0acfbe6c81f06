//! Administration (SPEC X1, X3): user accounts, what each role may do, and departments.
//! Every change is audited with before/after snapshots (never a password hash).

use hotline_domain::{
    Department, DepartmentInput, Permission, Problem, Role, StaffUser, UserInput, UserRecord,
};

use crate::audit::Origin;
use crate::scope::require;
use crate::store::{StoreError, UserRow};
use crate::{Hotline, ServiceError};

impl Hotline {
    pub async fn users(&self, user: &StaffUser) -> Result<Vec<UserRecord>, ServiceError> {
        require(user, Permission::Administer)?;
        Ok(self.store.users().await?)
    }

    /// One page of the accounts a search finds (administrators; SPEC X1).
    pub async fn user_page(
        &self,
        user: &StaffUser,
        query: &hotline_domain::UserQuery,
    ) -> Result<hotline_domain::UserPage, ServiceError> {
        require(user, Permission::Administer)?;
        let filter = query.validate()?;
        let (total, items) = self.store.user_page(&filter, self.now()).await?;
        Ok(hotline_domain::UserPage {
            total,
            page: filter.page,
            per_page: hotline_domain::USER_PAGE,
            items,
        })
    }

    /// One account (administrators).
    pub async fn user_record(&self, user: &StaffUser, id: i64) -> Result<UserRecord, ServiceError> {
        require(user, Permission::Administer)?;
        self.store.user(id).await?.ok_or(ServiceError::NotFound)
    }

    pub async fn create_user(
        &self,
        user: &StaffUser,
        input: &UserInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        require(user, Permission::Administer)?;
        self.add_user(input, origin).await
    }

    /// Changes a user (not the user name). A new password or deactivation ends the user's
    /// sessions. Administrators cannot deactivate themselves or drop their own role.
    pub async fn update_user(
        &self,
        user: &StaffUser,
        id: i64,
        input: &UserInput,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::Administer)?;
        let before = self.store.user(id).await?.ok_or(ServiceError::NotFound)?;
        let input = UserInput {
            username: before.username.clone(),
            ..input.clone()
        };
        let valid = input.validate(false)?;
        if id == user.id && !valid.active {
            return Err(ServiceError::field("active", Problem::NotForSelf));
        }
        if id == user.id && valid.role != user.role {
            return Err(ServiceError::field("role", Problem::NotForSelf));
        }
        self.check_user_links(valid.department_id, valid.vendor_id)
            .await?;
        let hash = match valid.password.clone() {
            Some(password) => Some(
                tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
                    .await
                    .map_err(|e| ServiceError::Internal(e.to_string()))??,
            ),
            None => None,
        };
        let row = UserRow {
            username: before.username.clone(),
            display_name: valid.display_name,
            role: valid.role,
            department_id: valid.department_id,
            vendor_id: valid.vendor_id,
            password_hash: hash,
            active: valid.active,
        };
        let before_json = serde_json::json!({
            "username": before.username,
            "display_name": before.display_name,
            "role": before.role.as_code(),
            "department_id": before.department_id,
            "vendor_id": before.vendor_id,
            "active": before.active,
        });
        let audit = self.audit_entry(
            origin,
            "update",
            "user",
            &before.username,
            Some(before_json.to_string()),
            Some(crate::auth::user_snapshot(&row).to_string()),
        );
        self.store.update_user(id, &row, self.now(), &audit).await?;
        Ok(())
    }

    pub async fn unlock_user(
        &self,
        user: &StaffUser,
        id: i64,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::Administer)?;
        let target = self.store.user(id).await?.ok_or(ServiceError::NotFound)?;
        let audit = self.audit_entry(
            origin,
            "unlock",
            "user",
            &target.username,
            Some(serde_json::json!({ "locked_until": target.locked_until }).to_string()),
            None,
        );
        self.store.unlock_user(id, &audit).await?;
        Ok(())
    }

    /// Every role with its permissions, in the order of [`Role::ALL`].
    pub async fn role_permissions(
        &self,
        user: &StaffUser,
    ) -> Result<Vec<(Role, Vec<Permission>)>, ServiceError> {
        require(user, Permission::Administer)?;
        let pairs = self.store.role_permissions().await?;
        Ok(Role::ALL
            .iter()
            .map(|role| {
                let mut ps: Vec<Permission> = pairs
                    .iter()
                    .filter(|(r, _)| r == role)
                    .map(|(_, p)| *p)
                    .collect();
                ps.sort();
                (*role, ps)
            })
            .collect())
    }

    /// Replaces a role's permissions. The administrator role always keeps `administer`, so
    /// nobody can lock the whole installation out of its own settings.
    pub async fn set_role_permissions(
        &self,
        user: &StaffUser,
        role: &str,
        permissions: &[String],
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::Administer)?;
        let role = Role::from_code(role.trim())
            .ok_or_else(|| ServiceError::field("role", Problem::Unknown))?;
        let mut wanted = Vec::new();
        for code in permissions {
            let p = Permission::from_code(code.trim())
                .ok_or_else(|| ServiceError::field("permissions", Problem::Unknown))?;
            if !wanted.contains(&p) {
                wanted.push(p);
            }
        }
        wanted.sort();
        if role == Role::Admin && !wanted.contains(&Permission::Administer) {
            return Err(ServiceError::field("permissions", Problem::NotForSelf));
        }
        let before: Vec<&str> = self
            .store
            .role_permissions()
            .await?
            .into_iter()
            .filter(|(r, _)| *r == role)
            .map(|(_, p)| p.as_code())
            .collect();
        let after: Vec<&str> = wanted.iter().map(|p| p.as_code()).collect();
        let audit = self.audit_entry(
            origin,
            "update",
            "role",
            role.as_code(),
            serde_json::to_string(&before).ok(),
            serde_json::to_string(&after).ok(),
        );
        self.store
            .set_role_permissions(role, &wanted, &audit)
            .await?;
        Ok(())
    }

    /// Departments, for administrators and for anyone choosing where to send a case.
    pub async fn departments(&self, user: &StaffUser) -> Result<Vec<Department>, ServiceError> {
        if !(user.can(Permission::Administer) || user.can(Permission::Dispatch)) {
            return Err(ServiceError::Forbidden);
        }
        Ok(self.store.departments().await?)
    }

    pub async fn save_department(
        &self,
        user: &StaffUser,
        id: Option<i64>,
        input: &DepartmentInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        require(user, Permission::Administer)?;
        let (code, name, phone, active) = input.validate()?;
        let before = match id {
            Some(id) => Some(
                self.store
                    .department(id)
                    .await?
                    .ok_or(ServiceError::NotFound)?,
            ),
            None => None,
        };
        let department = Department {
            id: id.unwrap_or(0),
            code: code.clone(),
            name,
            phone,
            active,
        };
        let audit = self.audit_entry(
            origin,
            if id.is_some() { "update" } else { "create" },
            "department",
            &code,
            before.as_ref().and_then(|b| serde_json::to_string(b).ok()),
            serde_json::to_string(&department).ok(),
        );
        match self
            .store
            .save_department(id, &department, self.now(), &audit)
            .await
        {
            Ok(id) => Ok(id),
            Err(StoreError::Conflict(_)) => Err(ServiceError::field("code", Problem::Taken)),
            Err(e) => Err(e.into()),
        }
    }
}
