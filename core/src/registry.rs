//! The registries staff read (SPEC E1, X3): the elderly, with their ID numbers, phones and
//! health notes shown only as far as the reader's permissions go (each look at sensitive
//! data audited first), and the vendor list the user form picks from. The callers' client
//! records (VIP, blacklist) are kept with the caller card in `calls.rs`.

use hotline_domain::registry_io::{check_elderly_input, ElderlyDraft, RegionIndex};
use hotline_domain::{
    mask_id_number, mask_phone, Coordinates, ElderlyDetail, ElderlyFilter, ElderlyInput,
    ElderlyPage, ElderlyQuery, ElderlySummary, FieldErrors, Permission, Problem, StaffUser,
};

use crate::audit::Origin;
use crate::clock::{local_date_of, local_midnight};
use crate::scope::require;
use crate::store::{ElderlyListing, ElderlyUnique};
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

    /// The districts and streets a person's form chooses from (keepers of the registry).
    pub async fn elderly_regions(
        &self,
        user: &StaffUser,
    ) -> Result<Vec<hotline_domain::Region>, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        Ok(self.form_regions().await?)
    }

    /// A person typed in by a keeper of the registry (SPEC R3), checked by the rules of an
    /// imported row and placed at the village's, street's or district's centre when no
    /// position is given; audited (numbers masked, health only as "recorded"). Health notes
    /// are taken only from a keeper allowed to read them. Returns the id.
    pub async fn create_elderly(
        &self,
        user: &StaffUser,
        input: &ElderlyInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        let mut input = input.clone();
        if !user.can(Permission::HealthRecords) {
            input.health_notes.clear();
            input.medications.clear();
        }
        let draft = self.check_elderly(&input).await?;
        self.elderly_numbers_free(&draft, None).await?;
        let mut after = audit_snapshot(&input_of(&draft), draft.position);
        after["health_recorded"] =
            (draft.health_notes.is_some() || draft.medications.is_some()).into();
        let audit = self.audit_entry(
            origin,
            "create",
            "elderly",
            "",
            None,
            Some(after.to_string()),
        );
        let person = crate::registry_io::new_elderly(draft, self.now());
        Ok(self.store.insert_elderly_record(&person, &audit).await?)
    }

    /// Changes a person's record (keepers of the registry). `input.version` must be the
    /// version the form showed; an edit made meanwhile is a [`ServiceError::Conflict`].
    /// What the keeper may not see is kept as stored whatever the input says: the ID
    /// number, sex, birth date and phones without the ID permission, health notes and
    /// medications without the health permission. Without a position typed, a person who
    /// stays in the same village, street and district keeps theirs. Audited before/after.
    pub async fn update_elderly(
        &self,
        user: &StaffUser,
        id: i64,
        input: &ElderlyInput,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::ElderlyRegistry)?;
        let version: i64 = input
            .version
            .trim()
            .parse()
            .map_err(|_| ServiceError::field("version", Problem::Required))?;
        let stored = self
            .store
            .elderly(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let kept = ElderlyInput::from_detail(&stored);
        let mut input = input.clone();
        if !user.can(Permission::IdReveal) {
            input.id_number = kept.id_number.clone();
            input.gender = kept.gender.clone();
            input.birth_date = kept.birth_date.clone();
            input.phone = kept.phone.clone();
            input.onekey_phone = kept.onekey_phone.clone();
            input.contact_phone = kept.contact_phone.clone();
        }
        if !user.can(Permission::HealthRecords) {
            input.health_notes = kept.health_notes.clone();
            input.medications = kept.medications.clone();
        }
        let mut draft = self.check_elderly(&input).await?;
        let same_place = draft.district_code == stored.district_code
            && draft.street_code == stored.street_code
            && draft.village_code == stored.village_code;
        if draft.placed_at_region && same_place {
            draft.position = stored.position;
            draft.placed_at_region = false;
        }
        self.elderly_numbers_free(&draft, Some(&stored)).await?;
        let before = audit_snapshot(&kept, stored.position);
        let mut after = audit_snapshot(&input_of(&draft), draft.position);
        after["health_changed"] = (draft.health_notes != stored.health_notes
            || draft.medications != stored.medications)
            .into();
        let audit = self.audit_entry(
            origin,
            "update",
            "elderly",
            &id.to_string(),
            Some(before.to_string()),
            Some(after.to_string()),
        );
        // The update keeps the join time: `created_at` is the edit's time here.
        let person = crate::registry_io::new_elderly(draft, self.now());
        if self
            .store
            .update_elderly(id, version, &person, &audit)
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::Conflict)
        }
    }

    /// A typed person checked against the rules and the stored regions, on today's date.
    async fn check_elderly(&self, input: &ElderlyInput) -> Result<ElderlyDraft, ServiceError> {
        let regions = RegionIndex::new(self.store.placed_regions().await?);
        check_elderly_input(input, &regions, local_date_of(self.now()))
            .map_err(ServiceError::Invalid)
    }

    /// The ID, service card and terminal numbers no one else has (`stored`: the person's
    /// own record, whose numbers are theirs to keep).
    async fn elderly_numbers_free(
        &self,
        draft: &ElderlyDraft,
        stored: Option<&ElderlyDetail>,
    ) -> Result<(), ServiceError> {
        let mut errors = FieldErrors::new();
        let numbers = [
            (
                ElderlyUnique::IdNumber,
                "id_number",
                Some(draft.id_number.clone()),
                stored.map(|s| s.summary.id_number.clone()),
            ),
            (
                ElderlyUnique::ServiceCard,
                "service_card_no",
                Some(draft.service_card_no.clone()),
                stored.map(|s| s.service_card_no.clone()),
            ),
            (
                ElderlyUnique::OnekeyDevice,
                "onekey_device",
                draft.onekey_device.clone(),
                stored.and_then(|s| s.onekey_device.clone()),
            ),
        ];
        for (unique, field, value, own) in numbers {
            let Some(value) = value else { continue };
            if own.as_ref() == Some(&value) {
                continue;
            }
            let taken = self
                .store
                .elderly_taken(unique, std::slice::from_ref(&value))
                .await?;
            if taken.contains(&value) {
                errors.add(field, Problem::Taken);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(errors))
        }
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
    /// The vendors an account can belong to, for the administrator's picker: each told
    /// apart from others of the same name by its district and id (`惠民家政（秦都区 · #12）`).
    pub async fn vendor_names(&self, user: &StaffUser) -> Result<Vec<(i64, String)>, ServiceError> {
        require(user, Permission::Administer)?;
        Ok(self
            .store
            .vendor_choices()
            .await?
            .into_iter()
            .map(|(id, name, district)| {
                let label = match district {
                    Some(d) => format!("{name}（{d} · #{id}）"),
                    None => format!("{name}（#{id}）"),
                };
                (id, label)
            })
            .collect())
    }
}

fn mask_summary(e: &mut ElderlySummary) {
    e.id_number = mask_id_number(&e.id_number);
    e.onekey_phone = e.onekey_phone.as_deref().map(mask_phone);
}

/// A checked person in the form's terms (regions by code), for the audit entry.
fn input_of(d: &ElderlyDraft) -> ElderlyInput {
    ElderlyInput {
        name: d.name.clone(),
        gender: d.gender.clone(),
        birth_date: d.birth_date.to_string(),
        id_number: d.id_number.clone(),
        identity_category: d.identity_category.clone(),
        service_card_no: d.service_card_no.clone(),
        district: d.district_code.clone(),
        street: d.street_code.clone().unwrap_or_default(),
        village: d.village_code.clone().unwrap_or_default(),
        address: d.address.clone(),
        phone: d.phone.clone().unwrap_or_default(),
        onekey_phone: d.onekey_phone.clone().unwrap_or_default(),
        onekey_device: d.onekey_device.clone().unwrap_or_default(),
        contact_name: d.contact_name.clone(),
        contact_relation: d.contact_relation.clone(),
        contact_phone: d.contact_phone.clone(),
        health_notes: d.health_notes.clone().unwrap_or_default(),
        medications: d.medications.clone().unwrap_or_default(),
        lon: String::new(),
        lat: String::new(),
        version: String::new(),
    }
}

/// A person as the audit log keeps them: the ID number and phones masked, health left out
/// (the entry says whether it was recorded or changed, never what it says).
fn audit_snapshot(i: &ElderlyInput, at: Coordinates) -> serde_json::Value {
    let phone = |p: &str| {
        if p.is_empty() {
            String::new()
        } else {
            mask_phone(p)
        }
    };
    serde_json::json!({
        "name": i.name,
        "gender": i.gender,
        "birth_date": i.birth_date,
        "id_number": mask_id_number(&i.id_number),
        "identity_category": i.identity_category,
        "service_card_no": i.service_card_no,
        "district": i.district,
        "street": i.street,
        "village": i.village,
        "address": i.address,
        "phone": phone(&i.phone),
        "onekey_phone": phone(&i.onekey_phone),
        "onekey_device": i.onekey_device,
        "contact_name": i.contact_name,
        "contact_relation": i.contact_relation,
        "contact_phone": phone(&i.contact_phone),
        "lon": at.lon,
        "lat": at.lat,
    })
}
