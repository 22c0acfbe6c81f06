//! The vendor registry (加盟企业, SPEC R1): the list and a vendor's record for staff who
//! send help and for those who keep the registry; creating and editing records, the staff
//! list and inspections. Every write is audited with the record before and after, in the
//! same transaction. A vendor's own account reads and edits its own record only: its
//! contact details and its staff (`VendorDraft::keep_centre_fields`).

use hotline_domain::registry_io::RegionIndex;
use hotline_domain::vendors::{
    exports_vendors, own_vendor, reads_vendors, VendorChoices, VendorStaffDraft,
    VENDOR_EXPORT_HEADINGS,
};
use hotline_domain::{
    Coordinates, FieldErrors, FileFormat, InspectionInput, Lang, Permission, Problem, StaffUser,
    VendorDetail, VendorDraft, VendorEdit, VendorInput, VendorKind, VendorPage, VendorQuery,
    VendorStaffInput, VendorStatus,
};

use crate::audit::Origin;
use crate::clock::local_date_of;
use crate::registry_io::{within_a_file, ExportKind, RegistryFile, EXPORT_ASK};
use crate::scope::require;
use crate::{Hotline, ServiceError};

impl Hotline {
    /// A page of the vendor list. A vendor's own account sees only itself.
    pub async fn vendors_for(
        &self,
        user: &StaffUser,
        query: &VendorQuery,
    ) -> Result<VendorPage, ServiceError> {
        if !reads_vendors(user) {
            return Err(ServiceError::Forbidden);
        }
        let mut filter = query.validate().map_err(ServiceError::Invalid)?;
        if !user.sends_help() && !user.can(Permission::ProviderRegistry) {
            filter.only = own_vendor(user);
        }
        let (total, items) = self.store.vendor_list(&filter).await?;
        Ok(VendorPage {
            total,
            page: filter.page,
            per_page: filter.per_page,
            items,
        })
    }

    /// One vendor's whole record, with what the reader may change.
    pub async fn vendor_record(
        &self,
        user: &StaffUser,
        id: i64,
    ) -> Result<VendorDetail, ServiceError> {
        let may_read = user.sends_help()
            || user.can(Permission::ProviderRegistry)
            || own_vendor(user) == Some(id);
        if !may_read {
            return Err(if reads_vendors(user) {
                ServiceError::NotFound
            } else {
                ServiceError::Forbidden
            });
        }
        let mut detail = self.store.vendor(id).await?.ok_or(ServiceError::NotFound)?;
        detail.editable = VendorEdit::of(user, id);
        Ok(detail)
    }

    /// Checks a draft against the code tables: the district, the street under it, services
    /// that exist below the top level; and where it is (as given, else kept, else the
    /// street's or district's centre).
    async fn place_vendor(
        &self,
        draft: &VendorDraft,
        kept: Option<Coordinates>,
    ) -> Result<Coordinates, ServiceError> {
        let mut errors = FieldErrors::new();
        let codes = self.code_tables_now().await?;
        for code in &draft.services {
            let known = codes
                .categories
                .iter()
                .any(|c| &c.code == code && c.level >= 2);
            if !known {
                errors.add("services", Problem::Unknown);
            }
        }
        let regions = RegionIndex::new(self.store.placed_regions().await?);
        let district_ok = regions
            .region(&draft.district_code)
            .is_some_and(|r| r.level == 2);
        if !district_ok {
            errors.add("district", Problem::Unknown);
        }
        if let Some(street) = &draft.street_code {
            let ok = regions.region(street).is_some_and(|r| r.level == 3)
                && regions.is_under(street, &draft.district_code);
            if !ok {
                errors.add("street", Problem::Unknown);
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let centre = draft
            .street_code
            .as_deref()
            .and_then(|s| regions.position(s))
            .or_else(|| regions.position(&draft.district_code));
        draft
            .position
            .or(kept)
            .or(centre)
            .ok_or_else(|| ServiceError::field("lon", Problem::Required))
    }

    /// A new vendor (the registry's keepers). Returns its id.
    pub async fn create_vendor(
        &self,
        user: &StaffUser,
        input: &VendorInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        require(user, Permission::ProviderRegistry)?;
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        let position = self.place_vendor(&draft, None).await?;
        let after = VendorDraft {
            position: Some(position),
            ..draft
        };
        let audit = self.audit_entry(origin, "create", "vendor", "", None, Some(snapshot(&after)));
        Ok(self
            .store
            .insert_vendor(&after, position, self.now(), &audit)
            .await?)
    }

    /// Changes a vendor's record: all of it for the registry's keepers, the contact details
    /// for the vendor's own account. `input.version` must be the version the form showed;
    /// an edit made meanwhile by someone else is a [`ServiceError::Conflict`].
    pub async fn update_vendor(
        &self,
        user: &StaffUser,
        id: i64,
        input: &VendorInput,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        let edit = VendorEdit::of(user, id);
        if edit == VendorEdit::Nothing {
            return Err(ServiceError::Forbidden);
        }
        let version: i64 = input
            .version
            .trim()
            .parse()
            .map_err(|_| ServiceError::field("version", Problem::Required))?;
        let before = self.store.vendor(id).await?.ok_or(ServiceError::NotFound)?;
        let stored = before.draft();
        let draft = match edit {
            VendorEdit::All => input.validate().map_err(ServiceError::Invalid)?,
            _ => {
                // The centre's fields are not the vendor's to send: only its own are checked.
                let mut own = VendorInput::from_detail(&before);
                own.address = input.address.clone();
                own.phone = input.phone.clone();
                own.contact_name = input.contact_name.clone();
                own.hotline = input.hotline.clone();
                own.website = input.website.clone();
                own.qualification = input.qualification.clone();
                own.service_area = input.service_area.clone();
                own.staff_count = input.staff_count.clone();
                own.validate()
                    .map_err(ServiceError::Invalid)?
                    .keep_centre_fields(&stored)
            }
        };
        let position = self.place_vendor(&draft, Some(before.position)).await?;
        let after = VendorDraft {
            position: Some(position),
            ..draft
        };
        let audit = self.audit_entry(
            origin,
            "update",
            "vendor",
            &id.to_string(),
            Some(snapshot(&stored)),
            Some(snapshot(&after)),
        );
        if self
            .store
            .update_vendor(id, version, &after, position, self.now(), &audit)
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::Conflict)
        }
    }

    /// Adds a member to a vendor's staff, or changes one (`staff_id`): the registry's
    /// keepers and the vendor's own account.
    pub async fn save_vendor_staff(
        &self,
        user: &StaffUser,
        vendor_id: i64,
        staff_id: Option<i64>,
        input: &VendorStaffInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        if VendorEdit::of(user, vendor_id) == VendorEdit::Nothing {
            return Err(ServiceError::Forbidden);
        }
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        let vendor = self
            .store
            .vendor(vendor_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let before = staff_id
            .map(|sid| {
                vendor
                    .staff
                    .iter()
                    .find(|s| s.id == sid)
                    .map(|s| VendorStaffDraft {
                        name: s.name.clone(),
                        phone: s.phone.clone(),
                        job: s.job.clone(),
                        active: s.active,
                    })
                    .ok_or(ServiceError::NotFound)
            })
            .transpose()?;
        let audit = self.audit_entry(
            origin,
            if staff_id.is_some() {
                "update_staff"
            } else {
                "add_staff"
            },
            "vendor",
            "",
            before.as_ref().map(snapshot),
            Some(snapshot(&draft)),
        );
        self.store
            .save_vendor_staff(vendor_id, staff_id, &draft, self.now(), &audit)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Records an inspection of a vendor (the registry's keepers). Its result does not
    /// change the vendor's status by itself: suspending a vendor is a decision of its own.
    pub async fn record_inspection(
        &self,
        user: &StaffUser,
        vendor_id: i64,
        input: &InspectionInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        require(user, Permission::ProviderRegistry)?;
        let draft = input
            .validate(local_date_of(self.now()))
            .map_err(ServiceError::Invalid)?;
        if self.store.vendor(vendor_id).await?.is_none() {
            return Err(ServiceError::NotFound);
        }
        let audit = self.audit_entry(
            origin,
            "inspection",
            "vendor",
            &vendor_id.to_string(),
            None,
            Some(snapshot(&draft)),
        );
        Ok(self
            .store
            .insert_inspection(vendor_id, &draft, &origin.actor, self.now(), &audit)
            .await?)
    }
}

impl Hotline {
    pub async fn vendor_choices(&self, user: &StaffUser) -> Result<VendorChoices, ServiceError> {
        if !reads_vendors(user) {
            return Err(ServiceError::Forbidden);
        }
        let codes = self.code_tables_now().await?;
        Ok(VendorChoices {
            categories: codes.categories.clone(),
            regions: self.form_regions().await?,
        })
    }

    /// The districts and streets a registry form chooses from, by code.
    pub(crate) async fn form_regions(
        &self,
    ) -> Result<Vec<hotline_domain::Region>, crate::StoreError> {
        let mut regions: Vec<_> = self
            .store
            .placed_regions()
            .await?
            .into_iter()
            .map(|(r, _)| r)
            .filter(|r| r.level == 2 || r.level == 3)
            .collect();
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(regions)
    }
}

impl Hotline {
    /// Every vendor the search finds (not only one page), as a CSV or XLSX file, at most
    /// [`hotline_domain::REGISTRY_FILE_MAX_ROWS`]; audited with its search.
    pub async fn export_vendors(
        &self,
        user: &StaffUser,
        query: &VendorQuery,
        format: FileFormat,
        origin: &Origin,
    ) -> Result<RegistryFile, ServiceError> {
        if !exports_vendors(user) {
            return Err(ServiceError::Forbidden);
        }
        let filter = query.validate().map_err(ServiceError::Invalid)?;
        let rows = self.store.vendor_export(&filter, EXPORT_ASK).await?;
        within_a_file(rows.len())?;
        let yes = |b: bool| if b { "是" } else { "" }.to_string();
        let text = |o: &Option<String>| o.clone().unwrap_or_default();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.id.to_string(),
                    r.name.clone(),
                    VendorKind::from_code(&r.kind)
                        .map_or(r.kind.clone(), |k| k.label(Lang::Zh).into()),
                    r.franchise_type.clone(),
                    r.district_name.clone(),
                    text(&r.street_name),
                    r.address.clone(),
                    r.contact_name.clone(),
                    r.phone.clone(),
                    text(&r.hotline),
                    text(&r.website),
                    text(&r.qualification),
                    text(&r.service_area),
                    r.services.join("、"),
                    r.staff_count.to_string(),
                    r.registered_capital.to_string(),
                    yes(r.home_care),
                    yes(r.volunteer),
                    VendorStatus::from_code(&r.status)
                        .map_or(r.status.clone(), |s| s.label(Lang::Zh).into()),
                    r.credit_grade.clone(),
                    yes(r.special_recommend),
                    yes(r.special_issue),
                    text(&r.special_prompt),
                    text(&r.centre_opinion),
                    format!("{:.6}", r.lon),
                    format!("{:.6}", r.lat),
                    r.rated.to_string(),
                    if r.rated > 0 {
                        format!(
                            "{:.2}",
                            r.score_sum.unwrap_or(0) as f64 / (3.0 * r.rated as f64)
                        )
                    } else {
                        String::new()
                    },
                    r.open_orders.to_string(),
                    local_date_of(r.created_at).to_string(),
                ]
            })
            .collect();
        let kind = ExportKind {
            sheet: "加盟企业",
            object_type: "vendor",
            file_prefix: "vendors",
        };
        let audit = serde_json::json!({ "search": query });
        self.registry_file(origin, &kind, format, VENDOR_EXPORT_HEADINGS, &cells, audit)
            .await
    }
}

fn snapshot<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
