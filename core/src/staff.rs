//! What signed-in staff may read and change, each function checking the caller's
//! permissions and row scope itself (SPEC X1–X3): cases by department or vendor, the
//! elderly registry, the audit log, users, roles, departments and the code tables.
//!
//! The HTTP layer refuses a route early by its declared rule; these checks are the ones
//! that hold whichever door a call comes in by. Views of sensitive data are audited before
//! the data is returned: if the audit entry cannot be written, nothing is shown.

use hotline_domain::{
    mask_id_number, mask_phone, CaseDetail, CaseListItem, CaseQuery, CodeEntry, Department,
    DepartmentInput, ElderlyDetail, ElderlySummary, FieldErrors, Permission, PhoneNumber, Problem,
    Role, StaffUser, TrackedRequest, TrackedStep, TrackingNumber, TrackingQuery, UserInput,
    UserRecord,
};

use crate::audit::{AuditEntry, AuditFilter, NewAuditEntry, Origin};
use crate::store::{CaseScope, StoreError, UserRow};
use crate::{Hotline, ServiceError};

pub const CASE_LIST_LIMIT: u32 = 200;
pub const ELDERLY_LIST_LIMIT: u32 = 300;

fn require(user: &StaffUser, permission: Permission) -> Result<(), ServiceError> {
    if user.can(permission) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// The cases a user may see, or `None` if no case list is theirs.
pub fn case_scope(user: &StaffUser) -> Option<CaseScope> {
    if user.can(Permission::CasesAll) {
        Some(CaseScope::All)
    } else if let (true, Some(id)) = (user.can(Permission::CasesDepartment), user.department_id) {
        Some(CaseScope::Department(id))
    } else if let (true, Some(id)) = (user.can(Permission::OrdersOwn), user.vendor_id) {
        Some(CaseScope::Vendor(id))
    } else {
        None
    }
}

fn invalid(field: &str, problem: Problem) -> ServiceError {
    let mut errors = FieldErrors::new();
    errors.add(field, problem);
    ServiceError::Invalid(errors)
}

impl Hotline {
    fn audit_entry(
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

    // ---- cases -------------------------------------------------------------------------

    /// Cases the user may see (whole centre, their department's, or their orders), newest
    /// first, with phone numbers masked.
    pub async fn cases_for(
        &self,
        user: &StaffUser,
        query: &CaseQuery,
    ) -> Result<Vec<CaseListItem>, ServiceError> {
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let filter = crate::flow::case_filter(query)?;
        let limit = query
            .limit
            .unwrap_or(CASE_LIST_LIMIT)
            .clamp(1, CASE_LIST_LIMIT);
        let clock = self.filter_clock();
        let mut list = self.store.cases(scope, &filter, clock, limit).await?;
        self.present_list(&mut list, clock.now);
        Ok(list)
    }

    /// What every case list shows: phones masked, lights as of `now`.
    pub(crate) fn present_list(
        &self,
        list: &mut [CaseListItem],
        now: chrono::DateTime<chrono::Utc>,
    ) {
        for item in list {
            item.phone = mask_phone(&item.phone);
            item.light = item
                .dispatched_at
                .map(|start| self.flow.light_for(item.handled_at.unwrap_or(now) - start));
        }
    }

    /// One case, if the user may see it (`NotFound` otherwise: a case outside someone's
    /// scope does not exist for them). The phone number is masked.
    pub async fn case_for(
        &self,
        user: &StaffUser,
        tracking_number: &str,
    ) -> Result<CaseDetail, ServiceError> {
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let number = TrackingNumber::parse(tracking_number).ok_or(ServiceError::NotFound)?;
        let mut detail = self
            .store
            .case_detail(scope, &number)
            .await?
            .ok_or(ServiceError::NotFound)?;
        detail.can_reveal_phone = may_reveal(user, &detail);
        detail.item.phone = mask_phone(&detail.item.phone);
        if let Some(stored) = self.store.stored_case(&number).await? {
            let now = self.now();
            detail.item.light = stored.flow.light(now, &self.flow);
            detail.overdue = stored.flow.overdue(now);
            detail.actions = stored.flow.available_actions(user, now);
        }
        self.add_desk_details(user, &mut detail).await?;
        Ok(detail)
    }

    /// The full phone number of a case the user may see; the look is audited first.
    pub async fn reveal_case_phone(
        &self,
        user: &StaffUser,
        tracking_number: &str,
        origin: &Origin,
    ) -> Result<String, ServiceError> {
        require(user, Permission::ContactReveal)?;
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let number = TrackingNumber::parse(tracking_number).ok_or(ServiceError::NotFound)?;
        let detail = self
            .store
            .case_detail(scope, &number)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !may_reveal(user, &detail) {
            return Err(ServiceError::Forbidden);
        }
        self.store
            .append_audit(&self.audit_entry(
                origin,
                "view_phone",
                "case",
                number.as_str(),
                None,
                None,
            ))
            .await?;
        Ok(detail.item.phone)
    }

    /// A citizen's look at their own request (SPEC P2): the tracking number and the phone it
    /// was filed with must both match; any mismatch is `None`, the same as no such request.
    pub async fn track_request(
        &self,
        query: &TrackingQuery,
    ) -> Result<Option<TrackedRequest>, ServiceError> {
        let mut errors = FieldErrors::new();
        let number = if query.tracking_number.trim().is_empty() {
            errors.add("tracking_number", Problem::Required);
            None
        } else {
            let n = TrackingNumber::parse(&query.tracking_number);
            if n.is_none() {
                errors.add("tracking_number", Problem::BadTrackingNumber);
            }
            n
        };
        let phone = match PhoneNumber::parse(&query.phone) {
            Ok(p) => Some(p),
            Err(problem) => {
                errors.add("phone", problem);
                None
            }
        };
        let (Some(number), Some(phone)) = (number, phone) else {
            return Err(errors.into());
        };
        let Some(detail) = self.store.case_detail(CaseScope::All, &number).await? else {
            return Ok(None);
        };
        let same_phone = PhoneNumber::parse(&detail.item.phone)
            .map(|stored| stored.as_str() == phone.as_str())
            .unwrap_or(false);
        if !same_phone {
            return Ok(None);
        }
        let timeline = detail
            .events
            .iter()
            .filter(|e| e.to_status != e.from_status)
            .filter_map(|e| e.to_status.map(|status| TrackedStep { at: e.at, status }))
            .collect();
        Ok(Some(TrackedRequest {
            tracking_number: detail.item.tracking_number,
            status: detail.item.status,
            category_zh: detail.item.category_zh,
            category_en: detail.item.category_en,
            created_at: detail.item.created_at,
            timeline,
        }))
    }

    // ---- elderly registry ----------------------------------------------------------------

    pub async fn elderly_for(
        &self,
        user: &StaffUser,
        district: Option<&str>,
    ) -> Result<Vec<ElderlySummary>, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        let district = district.map(str::trim).filter(|d| !d.is_empty());
        if let Some(d) = district {
            if !(d.len() == 6 && d.bytes().all(|b| b.is_ascii_digit())) {
                return Err(invalid("district", Problem::Unknown));
            }
        }
        let mut list = self
            .store
            .elderly_list(district, ELDERLY_LIST_LIMIT)
            .await?;
        for e in &mut list {
            mask_summary(e);
        }
        Ok(list)
    }

    /// One person's record. Health notes and medications only with the health permission,
    /// the full ID number only with the ID permission; either look is audited first.
    pub async fn elderly_record(
        &self,
        user: &StaffUser,
        id: i64,
        origin: &Origin,
    ) -> Result<ElderlyDetail, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        let mut detail = self
            .store
            .elderly(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let health = user.can(Permission::HealthRecords);
        let full_id = user.can(Permission::IdReveal);
        if !health {
            detail.health_notes = None;
            detail.medications = None;
        }
        if !full_id {
            mask_summary(&mut detail.summary);
            detail.phone = detail.phone.as_deref().map(mask_phone);
            detail.contact_phone = mask_phone(&detail.contact_phone);
        }
        detail.health_shown = health;
        detail.id_revealed = full_id;
        let action = match (health, full_id) {
            (true, true) => Some("view_health_and_id"),
            (true, false) => Some("view_health"),
            (false, true) => Some("view_id"),
            (false, false) => None,
        };
        if let Some(action) = action {
            self.store
                .append_audit(&self.audit_entry(
                    origin,
                    action,
                    "elderly",
                    &id.to_string(),
                    None,
                    None,
                ))
                .await?;
        }
        Ok(detail)
    }

    // ---- audit log ----------------------------------------------------------------------

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

    // ---- users and roles ----------------------------------------------------------------

    pub async fn users(&self, user: &StaffUser) -> Result<Vec<UserRecord>, ServiceError> {
        require(user, Permission::Administer)?;
        Ok(self.store.users().await?)
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
            return Err(invalid("active", Problem::NotForSelf));
        }
        if id == user.id && valid.role != user.role {
            return Err(invalid("role", Problem::NotForSelf));
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
        let role = Role::from_code(role.trim()).ok_or_else(|| invalid("role", Problem::Unknown))?;
        let mut wanted = Vec::new();
        for code in permissions {
            let p = Permission::from_code(code.trim())
                .ok_or_else(|| invalid("permissions", Problem::Unknown))?;
            if !wanted.contains(&p) {
                wanted.push(p);
            }
        }
        wanted.sort();
        if role == Role::Admin && !wanted.contains(&Permission::Administer) {
            return Err(invalid("permissions", Problem::NotForSelf));
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

    // ---- departments --------------------------------------------------------------------

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
            Err(StoreError::Conflict(_)) => Err(invalid("code", Problem::Taken)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn vendor_names(&self, user: &StaffUser) -> Result<Vec<(i64, String)>, ServiceError> {
        require(user, Permission::Administer)?;
        Ok(self.store.vendor_names().await?)
    }

    // ---- code tables --------------------------------------------------------------------

    pub async fn code_tables(
        &self,
        user: &StaffUser,
    ) -> Result<(Vec<CodeEntry>, Vec<CodeEntry>), ServiceError> {
        require(user, Permission::Administer)?;
        Ok((
            self.store.all_categories().await?,
            self.store.dispositions().await?,
        ))
    }

    /// Adds a category under an existing parent (code = parent code + two digits), or
    /// renames / (de)activates an existing one.
    pub async fn save_category(
        &self,
        user: &StaffUser,
        input: &CodeEntry,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::Administer)?;
        let entry = validate_code_names(input)?;
        let all = self.store.all_categories().await?;
        let existing = all.iter().find(|c| c.code == entry.code);
        let entry = match existing {
            Some(old) => CodeEntry {
                parent_code: old.parent_code.clone(),
                level: old.level,
                ..entry
            },
            None => {
                let parent_code = entry.parent_code.clone().filter(|p| !p.trim().is_empty());
                let level = match &parent_code {
                    None => 1,
                    Some(p) => match all.iter().find(|c| &c.code == p) {
                        Some(parent) if parent.level < 4 => parent.level + 1,
                        _ => return Err(invalid("parent_code", Problem::Unknown)),
                    },
                };
                let prefix = parent_code.clone().unwrap_or_default();
                let well_formed = entry.code.len() == prefix.len() + 2
                    && entry.code.starts_with(&prefix)
                    && entry.code.bytes().all(|b| b.is_ascii_digit());
                if !well_formed {
                    return Err(invalid("code", Problem::BadCode));
                }
                CodeEntry {
                    parent_code,
                    level,
                    ..entry
                }
            }
        };
        let audit = self.audit_entry(
            origin,
            if existing.is_some() {
                "update"
            } else {
                "create"
            },
            "category",
            &entry.code,
            existing.and_then(|e| serde_json::to_string(e).ok()),
            serde_json::to_string(&entry).ok(),
        );
        self.store.save_category(&entry, &audit).await?;
        Ok(())
    }

    pub async fn save_disposition(
        &self,
        user: &StaffUser,
        input: &CodeEntry,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::Administer)?;
        let entry = validate_code_names(input)?;
        if entry.code.len() > 16 || !entry.code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid("code", Problem::BadCode));
        }
        let all = self.store.dispositions().await?;
        let existing = all.iter().find(|c| c.code == entry.code);
        let entry = CodeEntry {
            parent_code: None,
            level: 1,
            ..entry
        };
        let audit = self.audit_entry(
            origin,
            if existing.is_some() {
                "update"
            } else {
                "create"
            },
            "disposition",
            &entry.code,
            existing.and_then(|e| serde_json::to_string(e).ok()),
            serde_json::to_string(&entry).ok(),
        );
        self.store.save_disposition(&entry, &audit).await?;
        Ok(())
    }

    pub async fn rename_region(
        &self,
        user: &StaffUser,
        code: &str,
        name: &str,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::Administer)?;
        let region = self
            .store
            .region(code.trim())
            .await?
            .ok_or_else(|| invalid("code", Problem::Unknown))?;
        let mut errors = FieldErrors::new();
        let name = hotline_domain::request::clean_text(&mut errors, "name", name, 60, true);
        let name = errors.into_result(|| name.unwrap_or_default())?;
        let audit = self.audit_entry(
            origin,
            "update",
            "region",
            &region.code,
            Some(serde_json::json!({ "name": region.name }).to_string()),
            Some(serde_json::json!({ "name": name }).to_string()),
        );
        self.store
            .rename_region(&region.code, &name, &audit)
            .await?;
        Ok(())
    }
}

fn may_reveal(user: &StaffUser, detail: &CaseDetail) -> bool {
    // An anonymous caller's number stays with the centre.
    user.can(Permission::ContactReveal) && (user.can(Permission::CasesAll) || !detail.anonymous)
}

fn mask_summary(e: &mut ElderlySummary) {
    e.id_number = mask_id_number(&e.id_number);
    e.onekey_phone = e.onekey_phone.as_deref().map(mask_phone);
}

fn validate_code_names(input: &CodeEntry) -> Result<CodeEntry, ServiceError> {
    let mut errors = FieldErrors::new();
    let code = input.code.trim().to_string();
    if code.is_empty() {
        errors.add("code", Problem::Required);
    }
    let name_zh =
        hotline_domain::request::clean_text(&mut errors, "name_zh", &input.name_zh, 60, true);
    let name_en =
        hotline_domain::request::clean_text(&mut errors, "name_en", &input.name_en, 100, true);
    Ok(errors.into_result(|| CodeEntry {
        code,
        parent_code: input.parent_code.clone(),
        level: input.level,
        name_zh: name_zh.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        active: input.active,
    })?)
}
