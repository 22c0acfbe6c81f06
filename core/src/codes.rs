//! The code tables (SPEC X3): case categories (a tree of up to four levels, each code its
//! parent's plus two digits), dispositions and region names. Edits are audited.

use hotline_domain::{CodeEntry, FieldErrors, Permission, Problem, StaffUser};

use crate::audit::Origin;
use crate::scope::require;
use crate::{Hotline, ServiceError};

impl Hotline {
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
                        _ => return Err(ServiceError::field("parent_code", Problem::Unknown)),
                    },
                };
                let prefix = parent_code.clone().unwrap_or_default();
                let well_formed = entry.code.len() == prefix.len() + 2
                    && entry.code.starts_with(&prefix)
                    && entry.code.bytes().all(|b| b.is_ascii_digit());
                if !well_formed {
                    return Err(ServiceError::field("code", Problem::BadCode));
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
        self.code_tables_changed().await;
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
            return Err(ServiceError::field("code", Problem::BadCode));
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
            .ok_or_else(|| ServiceError::field("code", Problem::Unknown))?;
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
        self.code_tables_changed().await;
        Ok(())
    }
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
    input.limits.check(&mut errors);
    Ok(errors.into_result(|| CodeEntry {
        code,
        parent_code: input.parent_code.clone(),
        level: input.level,
        name_zh: name_zh.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        active: input.active,
        urgent: input.urgent,
        limits: input.limits,
    })?)
}
