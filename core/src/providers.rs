//! The registry of skilled individuals and volunteers (一技之长者/义工, SPEC R2): the list
//! and a person's record for staff who send help and for the registry's keepers; creating
//! and editing records (keepers only). Every write is audited with the record before and
//! after, in the same transaction.

use hotline_domain::providers::{exports_providers, reads_providers, PROVIDER_EXPORT_HEADINGS};
use hotline_domain::registry_io::RegionIndex;
use hotline_domain::{
    Coordinates, FieldErrors, FileFormat, Lang, Permission, Problem, ProviderDetail, ProviderDraft,
    ProviderInput, ProviderPage, ProviderQuery, StaffUser,
};

use crate::audit::Origin;
use crate::clock::local_date_of;
use crate::registry_io::{within_a_file, ExportKind, RegistryFile, EXPORT_ASK};
use crate::scope::require;
use crate::{Hotline, ServiceError};

fn snapshot<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl Hotline {
    /// A page of the list.
    pub async fn providers_for(
        &self,
        user: &StaffUser,
        query: &ProviderQuery,
    ) -> Result<ProviderPage, ServiceError> {
        if !reads_providers(user) {
            return Err(ServiceError::Forbidden);
        }
        let filter = query.validate().map_err(ServiceError::Invalid)?;
        let (total, items) = self.store.provider_list(&filter).await?;
        Ok(ProviderPage {
            total,
            page: filter.page,
            per_page: filter.per_page,
            items,
        })
    }

    /// One person's whole record, with whether the reader may change it.
    pub async fn provider_record(
        &self,
        user: &StaffUser,
        id: i64,
    ) -> Result<ProviderDetail, ServiceError> {
        if !reads_providers(user) {
            return Err(ServiceError::Forbidden);
        }
        let mut detail = self
            .store
            .provider_record(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        detail.editable = user.can(Permission::ProviderRegistry);
        Ok(detail)
    }

    /// Checks a draft against the code tables (the district, the street under it, a skill
    /// below the top level) and decides where the person is: as given, else kept, else the
    /// street's or district's centre.
    async fn place_provider(
        &self,
        draft: &ProviderDraft,
        kept: Option<Coordinates>,
    ) -> Result<Coordinates, ServiceError> {
        let mut errors = FieldErrors::new();
        let codes = self.code_tables_now().await?;
        let skill_ok = codes
            .categories
            .iter()
            .any(|c| c.code == draft.skill_code && c.level >= 2);
        if !skill_ok {
            errors.add("skill", Problem::Unknown);
        }
        let regions = RegionIndex::new(self.store.placed_regions().await?);
        if regions
            .region(&draft.district_code)
            .is_none_or(|r| r.level != 2)
        {
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

    /// A new skilled individual or volunteer (the registry's keepers). Returns the id.
    pub async fn create_provider(
        &self,
        user: &StaffUser,
        input: &ProviderInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        require(user, Permission::ProviderRegistry)?;
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        let position = self.place_provider(&draft, None).await?;
        let after = ProviderDraft {
            position: Some(position),
            ..draft
        };
        let audit = self.audit_entry(
            origin,
            "create",
            "provider",
            "",
            None,
            Some(snapshot(&after)),
        );
        Ok(self
            .store
            .insert_provider(&after, position, self.now(), &audit)
            .await?)
    }

    /// Changes a record (the registry's keepers). `input.version` must be the version the
    /// form showed; an edit made meanwhile is a [`ServiceError::Conflict`].
    pub async fn update_provider(
        &self,
        user: &StaffUser,
        id: i64,
        input: &ProviderInput,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require(user, Permission::ProviderRegistry)?;
        let version: i64 = input
            .version
            .trim()
            .parse()
            .map_err(|_| ServiceError::field("version", Problem::Required))?;
        let before = self
            .store
            .provider_record(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        let position = self.place_provider(&draft, Some(before.position)).await?;
        let after = ProviderDraft {
            position: Some(position),
            ..draft
        };
        let stored = ProviderDraft {
            name: before.name.clone(),
            kind: before.kind,
            service_mode: before.service_mode,
            support_system: before.support_system,
            district_code: before.district_code.clone(),
            street_code: before.street_code.clone(),
            address: before.address.clone(),
            phone: before.phone.clone(),
            skill_code: before.skill_code.clone(),
            status: before.status,
            note: before.note.clone(),
            position: Some(before.position),
        };
        let audit = self.audit_entry(
            origin,
            "update",
            "provider",
            &id.to_string(),
            Some(snapshot(&stored)),
            Some(snapshot(&after)),
        );
        if self
            .store
            .update_provider(id, version, &after, position, self.now(), &audit)
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::Conflict)
        }
    }
}

impl Hotline {
    /// Everyone the list's search finds (not only one page), as a CSV or XLSX file, at
    /// most [`hotline_domain::REGISTRY_FILE_MAX_ROWS`]; audited with its search.
    pub async fn export_providers(
        &self,
        user: &StaffUser,
        query: &ProviderQuery,
        format: FileFormat,
        origin: &Origin,
    ) -> Result<RegistryFile, ServiceError> {
        if !exports_providers(user) {
            return Err(ServiceError::Forbidden);
        }
        let filter = query.validate().map_err(ServiceError::Invalid)?;
        let rows = self.store.provider_export(&filter, EXPORT_ASK).await?;
        within_a_file(rows.len())?;
        let text = |o: &Option<String>| o.clone().unwrap_or_default();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|p| {
                vec![
                    p.id.to_string(),
                    p.name.clone(),
                    p.kind.label(Lang::Zh).into(),
                    p.skill_name.clone(),
                    p.service_mode.label(Lang::Zh).into(),
                    p.support_system.label(Lang::Zh).into(),
                    p.district_name.clone(),
                    text(&p.street_name),
                    text(&p.address),
                    p.phone.clone(),
                    p.status.label(Lang::Zh).into(),
                    text(&p.note),
                    format!("{:.6}", p.position.lon),
                    format!("{:.6}", p.position.lat),
                    p.rated.to_string(),
                    p.rating.map(|r| format!("{r:.2}")).unwrap_or_default(),
                    p.orders_total.to_string(),
                    p.open_orders.to_string(),
                    local_date_of(p.created_at).to_string(),
                ]
            })
            .collect();
        let kind = ExportKind {
            sheet: "服务者",
            object_type: "provider",
            file_prefix: "providers",
        };
        let audit = serde_json::json!({ "search": query });
        self.registry_file(
            origin,
            &kind,
            format,
            PROVIDER_EXPORT_HEADINGS,
            &cells,
            audit,
        )
        .await
    }
}
