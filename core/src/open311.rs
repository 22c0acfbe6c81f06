//! Open311 GeoReport v2 (SPEC I2): other systems list the services, file requests with a
//! key an administrator issued, and read requests' public view. A request filed this way is
//! an ordinary case on channel `open311`: it waits on the agents' live list like a web
//! request, and its filer gets the tracking number by SMS.

use hotline_domain::open311::service_code;
use hotline_domain::{
    ApiKeyInput, ApiKeyView, Category, Channel, FiledRequest, IssuedApiKey, NewRequestInput,
    Permission, PublicRequest, PublicRequestQuery, StaffUser,
};

use crate::audit::Origin;
use crate::scope::require;
use crate::{Hotline, ServiceError};

/// One service of the list: a level-2 category and the group (level 1) it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Service {
    pub service: Category,
    pub group: Option<Category>,
}

impl Hotline {
    /// The public part of the catalogue: every level-2 category (what the portal's form
    /// offers), in code order.
    pub async fn open311_services(&self) -> Result<Vec<Open311Service>, ServiceError> {
        let codes = self.code_tables_now().await?;
        Ok(codes
            .categories
            .iter()
            .filter(|c| c.level == 2)
            .map(|c| Open311Service {
                service: c.clone(),
                group: codes
                    .categories
                    .iter()
                    .find(|g| Some(&g.code) == c.parent_code.as_ref())
                    .cloned(),
            })
            .collect())
    }

    /// One service by its code, `None` when it is not on the list.
    pub async fn open311_service(
        &self,
        code: &str,
    ) -> Result<Option<Open311Service>, ServiceError> {
        Ok(self
            .open311_services()
            .await?
            .into_iter()
            .find(|s| s.service.code == code))
    }

    /// The key's id when it is issued and not revoked, else `None` (a read only: the filing
    /// marks the key used).
    pub async fn open311_key(&self, key: &str) -> Result<Option<i64>, ServiceError> {
        let key = key.trim();
        if key.is_empty() {
            return Ok(None);
        }
        Ok(self
            .store
            .active_api_key(&crate::auth::token_hash(key))
            .await?)
    }

    /// Files a request for the holder of key `key_id` (checked by [`Hotline::open311_key`]):
    /// the same checks, storage and announcement as a web request.
    pub async fn open311_file(
        &self,
        key_id: i64,
        input: &NewRequestInput,
        origin: &Origin,
    ) -> Result<FiledRequest, ServiceError> {
        self.file_request_with(input, Channel::Open311, origin, Some(key_id))
            .await
    }

    /// Requests as the public sees them (no personal data), newest first.
    pub async fn public_requests(
        &self,
        query: &PublicRequestQuery,
    ) -> Result<Vec<PublicRequest>, ServiceError> {
        let mut list = self.store.public_requests(query).await?;
        for r in &mut list {
            if let Some(service) = service_code(&r.category_code) {
                r.category_code = service.to_string();
            }
        }
        Ok(list)
    }

    /// Every key issued, newest first (administrators).
    pub async fn api_keys(&self, user: &StaffUser) -> Result<Vec<ApiKeyView>, ServiceError> {
        require(user, Permission::Administer)?;
        Ok(self.store.api_keys().await?)
    }

    /// Issues a key for a partner system. The key is in the answer this once; only its
    /// digest is stored.
    pub async fn issue_api_key(
        &self,
        user: &StaffUser,
        input: &ApiKeyInput,
        origin: &Origin,
    ) -> Result<IssuedApiKey, ServiceError> {
        require(user, Permission::Administer)?;
        let label = input.validate()?;
        let secret = crate::auth::new_token();
        let prefix: String = secret.chars().take(8).collect();
        let audit = self.audit_entry(
            origin,
            "create",
            "api_key",
            "",
            None,
            Some(serde_json::json!({ "label": label, "prefix": prefix }).to_string()),
        );
        let id = self
            .store
            .insert_api_key(&label, &crate::auth::token_hash(&secret), &prefix, &audit)
            .await?;
        let key = self
            .store
            .api_key(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(IssuedApiKey { key, secret })
    }

    /// Revokes a key: it files nothing more. Revoking a revoked key changes nothing.
    pub async fn revoke_api_key(
        &self,
        user: &StaffUser,
        id: i64,
        origin: &Origin,
    ) -> Result<ApiKeyView, ServiceError> {
        require(user, Permission::Administer)?;
        let before = self
            .store
            .api_key(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let snapshot = |revoked: bool| {
            Some(
                serde_json::json!({ "label": before.label, "prefix": before.prefix, "revoked": revoked })
                    .to_string(),
            )
        };
        let audit = self.audit_entry(
            origin,
            "revoke",
            "api_key",
            &id.to_string(),
            snapshot(false),
            snapshot(true),
        );
        self.store.revoke_api_key(id, &audit).await?;
        self.store.api_key(id).await?.ok_or(ServiceError::NotFound)
    }
}
