//! The registries staff read (SPEC E1, X3): the elderly, with their ID numbers, phones and
//! health notes shown only as far as the reader's permissions go (each look at sensitive
//! data audited first), and the vendor list the user form picks from. The callers' client
//! records (VIP, blacklist) are kept with the caller card in `calls.rs`.

use hotline_domain::{
    mask_id_number, mask_phone, ElderlyDetail, ElderlySummary, Permission, Problem, StaffUser,
};

use crate::audit::Origin;
use crate::scope::require;
use crate::{Hotline, ServiceError};

pub const ELDERLY_LIST_LIMIT: u32 = 300;

impl Hotline {
    pub async fn elderly_for(
        &self,
        user: &StaffUser,
        district: Option<&str>,
    ) -> Result<Vec<ElderlySummary>, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        let district = district.map(str::trim).filter(|d| !d.is_empty());
        if let Some(d) = district {
            if !(d.len() == 6 && d.bytes().all(|b| b.is_ascii_digit())) {
                return Err(ServiceError::field("district", Problem::Unknown));
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

    /// The volunteers and skilled people a home-care case may be sent to, those of the
    /// district `near` first (dispatchers and intake agents).
    pub async fn provider_choices(
        &self,
        user: &StaffUser,
        near: Option<&str>,
    ) -> Result<Vec<hotline_domain::ProviderChoice>, ServiceError> {
        if !user.can(Permission::Dispatch) && !user.can(Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        Ok(self.store.provider_choices(near, 500).await?)
    }

    /// Vendors by id and name (administrators, for linking vendor accounts).
    pub async fn vendor_names(&self, user: &StaffUser) -> Result<Vec<(i64, String)>, ServiceError> {
        require(user, Permission::Administer)?;
        Ok(self.store.vendor_names().await?)
    }
}

fn mask_summary(e: &mut ElderlySummary) {
    e.id_number = mask_id_number(&e.id_number);
    e.onekey_phone = e.onekey_phone.as_deref().map(mask_phone);
}
