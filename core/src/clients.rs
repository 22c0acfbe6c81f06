//! The client register (客户管理, SPEC R4): every caller the centre has heard from. The
//! filing and telephony transactions remember each number (`store::clients`); here staff
//! who take calls find a caller, read their contact history and keep their name, place and
//! note; marking a caller VIP, important or blacklisted, each with a reason, needs
//! [`Permission::ClientMarks`]. Every write is audited with the record before and after
//! (phone numbers masked) in the same transaction.

use hotline_domain::clients::{marks_clients, reads_clients};
use hotline_domain::registry_io::RegionIndex;
use hotline_domain::{
    mask_phone, ClientDetail, ClientDraft, ClientInput, ClientPage, ClientQuery, Permission,
    Problem, StaffUser,
};

use crate::audit::Origin;
use crate::store::StoreError;
use crate::{Hotline, ServiceError};

fn require_reader(user: &StaffUser) -> Result<(), ServiceError> {
    if reads_clients(user) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// What the audit log keeps of a client: the draft with the number masked.
fn snapshot(phone: &str, draft: &ClientDraft) -> String {
    let mut value = serde_json::to_value(draft).unwrap_or_default();
    value["phone"] = serde_json::Value::String(mask_phone(phone));
    value.to_string()
}

impl Hotline {
    /// A page of the client list, most recently heard first; numbers masked.
    pub async fn clients_for(
        &self,
        user: &StaffUser,
        query: &ClientQuery,
    ) -> Result<ClientPage, ServiceError> {
        require_reader(user)?;
        let filter = query.validate().map_err(ServiceError::Invalid)?;
        let (total, mut items) = self.store.client_list(&filter).await?;
        for item in &mut items {
            item.phone = mask_phone(&item.phone);
        }
        Ok(ClientPage {
            total,
            page: filter.page,
            per_page: filter.per_page,
            items,
        })
    }

    /// One client's record and latest contacts; the number masked.
    pub async fn client_record(
        &self,
        user: &StaffUser,
        id: i64,
    ) -> Result<ClientDetail, ServiceError> {
        require_reader(user)?;
        let mut detail = self
            .store
            .client_record(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        detail.phone = mask_phone(&detail.phone);
        detail.may_mark = marks_clients(user);
        detail.may_reveal = user.can(Permission::ContactReveal);
        Ok(detail)
    }

    /// A client's whole number, for calling them back (readers with the contact-reveal
    /// permission); the look is audited first (`view_phone` on `client`).
    pub async fn reveal_client_phone(
        &self,
        user: &StaffUser,
        id: i64,
        origin: &Origin,
    ) -> Result<String, ServiceError> {
        require_reader(user)?;
        if !user.can(Permission::ContactReveal) {
            return Err(ServiceError::Forbidden);
        }
        let detail = self
            .store
            .client_record(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.store
            .append_audit(&self.audit_entry(
                origin,
                "view_phone",
                "client",
                &id.to_string(),
                None,
                None,
            ))
            .await?;
        Ok(detail.phone)
    }

    /// The district must be one of the city's districts or counties.
    async fn check_client_place(&self, draft: &ClientDraft) -> Result<(), ServiceError> {
        let Some(code) = &draft.district_code else {
            return Ok(());
        };
        let regions = RegionIndex::new(self.store.placed_regions().await?);
        if regions.region(code).is_some_and(|r| r.level == 2) {
            Ok(())
        } else {
            Err(ServiceError::field("district", Problem::Unknown))
        }
    }

    /// Registers a caller by hand (e.g. a VIP before they first ring). Returns the id.
    pub async fn create_client(
        &self,
        user: &StaffUser,
        input: &ClientInput,
        origin: &Origin,
    ) -> Result<i64, ServiceError> {
        require_reader(user)?;
        let draft = input.validate(true).map_err(ServiceError::Invalid)?;
        if draft.marks.any() && !marks_clients(user) {
            return Err(ServiceError::Forbidden);
        }
        self.check_client_place(&draft).await?;
        let phone = draft.phone.clone().unwrap_or_default();
        if self.store.client_id(&phone).await?.is_some() {
            return Err(ServiceError::field("phone", Problem::Taken));
        }
        let audit = self.audit_entry(
            origin,
            "create",
            "client",
            "",
            None,
            Some(snapshot(&phone, &draft)),
        );
        let actor = user.actor();
        let marked_by = draft.marks.any().then_some(actor.as_str());
        match self
            .store
            .insert_client(&phone, &draft, marked_by, self.now(), &audit)
            .await
        {
            Ok(id) => Ok(id),
            Err(StoreError::Conflict(_)) => Err(ServiceError::field("phone", Problem::Taken)),
            Err(e) => Err(e.into()),
        }
    }

    /// Changes a client's hand-kept fields. `input.version` must be the version the form
    /// showed. Changing a mark (giving it, taking it away or changing its reason) needs
    /// the marking permission; without it the stored marks stay as they are.
    pub async fn update_client(
        &self,
        user: &StaffUser,
        id: i64,
        input: &ClientInput,
        origin: &Origin,
    ) -> Result<(), ServiceError> {
        require_reader(user)?;
        let version: i64 = input
            .version
            .trim()
            .parse()
            .map_err(|_| ServiceError::field("version", Problem::Required))?;
        let before = self
            .store
            .client_record(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut draft = input.validate(false).map_err(ServiceError::Invalid)?;
        if !marks_clients(user) {
            // Without the marking permission the form shows no marks: what is stored is
            // kept, and trying to give a mark or change its reason is refused.
            let given = draft.marks.given();
            let stored_marks = before.marks.given();
            if given.iter().any(|g| !stored_marks.contains(g)) {
                return Err(ServiceError::Forbidden);
            }
            draft.marks = before.marks.clone();
        }
        let marks_changed = draft.marks != before.marks;
        self.check_client_place(&draft).await?;
        let stored = ClientDraft {
            phone: None,
            name: before.name.clone(),
            district_code: before.district_code.clone(),
            address: before.address.clone(),
            note: before.note.clone(),
            marks: before.marks.clone(),
        };
        let audit = self.audit_entry(
            origin,
            "update",
            "client",
            &id.to_string(),
            Some(snapshot(&before.phone, &stored)),
            Some(snapshot(&before.phone, &draft)),
        );
        let actor = user.actor();
        let marked_by = marks_changed.then_some(actor.as_str());
        if self
            .store
            .update_client(id, version, &draft, marked_by, self.now(), &audit)
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::Conflict)
        }
    }
}
