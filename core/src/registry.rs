//! The registries staff read (SPEC E1, X3): the elderly, with their ID numbers, phones and
//! health notes shown only as far as the reader's permissions go (each look at sensitive
//! data audited first), and the vendor list the user form picks from. The callers' client
//! records (VIP, blacklist) are kept with the caller card in `calls.rs`.

use hotline_domain::{
    mask_id_number, mask_phone, ElderlyDetail, ElderlyFilter, ElderlyPage, ElderlyQuery,
    ElderlySummary, Permission, StaffUser,
};

use crate::audit::Origin;
use crate::clock::{local_date_of, local_midnight};
use crate::scope::require;
use crate::store::ElderlyListing;
use crate::{Hotline, ServiceError};

impl Hotline {
    /// A page of the elderly registry (SPEC R3) found by name or number and filtered, ID
    /// numbers and one-key phones masked; with how many match in all.
    pub async fn elderly_for(
        &self,
        user: &StaffUser,
        query: &ElderlyQuery,
    ) -> Result<ElderlyPage, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        let filter = query.validate().map_err(ServiceError::Invalid)?;
        let listing = self.elderly_listing(&filter);
        let (total, mut items) = self.store.elderly_list(&listing).await?;
        for e in &mut items {
            mask_summary(e);
        }
        Ok(ElderlyPage {
            total,
            page: filter.page,
            per_page: filter.per_page,
            items,
        })
    }

    /// A checked search in the stored columns' terms: ages as birth dates on today's date,
    /// join days as instants (China time).
    pub(crate) fn elderly_listing(&self, filter: &ElderlyFilter) -> ElderlyListing {
        let today = local_date_of(self.clock.now());
        let (born_from, born_to) = filter.born_between(today);
        ElderlyListing {
            search: filter.search.clone(),
            district: filter.district.clone(),
            category: filter.category.clone(),
            born_from,
            born_to,
            joined_from: filter.joined_from.map(local_midnight),
            joined_before: filter
                .joined_to
                .and_then(|d| d.succ_opt())
                .map(local_midnight),
            offset: filter.offset(),
            limit: filter.per_page,
        }
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
