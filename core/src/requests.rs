//! Online help requests (SPEC P1, P5): filing one, and the agents' list of new ones.

use hotline_domain::{
    CaseStatus, Channel, FieldErrors, FiledRequest, FormOptions, NewRequestInput, Problem,
    RequestSummary,
};

use crate::{Event, Hotline, Origin, ServiceError};

/// How many new requests the agents' list shows at most.
pub const NEW_REQUESTS_LIMIT: u32 = 200;

impl Hotline {
    /// Validates, stores (with its audit entry) and announces a request. On any error
    /// nothing is stored.
    pub async fn file_request(
        &self,
        input: &NewRequestInput,
        channel: Channel,
        origin: &Origin,
    ) -> Result<FiledRequest, ServiceError> {
        let request = input.validate()?;

        let mut errors = FieldErrors::new();
        match self.store.category(&request.category).await? {
            Some(category) if category.level >= 2 => {}
            _ => errors.add("category", Problem::Unknown),
        }
        if let Some(district) = &request.district {
            match self.store.region(district).await? {
                Some(region) if region.level == 2 => {}
                _ => errors.add("district", Problem::Unknown),
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }

        // One reading of the clock: the tracking number's date and `created_at` must agree,
        // also at midnight.
        let now = self.now();
        let summary = self
            .store
            .insert_request(
                &request,
                channel,
                crate::clock::local_date_of(now),
                now,
                origin,
            )
            .await?;
        tracing::info!(tracking_number = %summary.tracking_number, channel = channel.as_code(), "request filed");
        let filed = FiledRequest {
            tracking_number: summary.tracking_number.clone(),
            status: summary.status,
            created_at: summary.created_at,
        };
        self.events.publish(Event::request_filed(summary)).await;
        Ok(filed)
    }

    /// Requests waiting for an agent to accept them, newest first, phones masked.
    pub async fn new_requests(
        &self,
        user: &hotline_domain::StaffUser,
    ) -> Result<Vec<RequestSummary>, ServiceError> {
        if !user.can(hotline_domain::Permission::Intake) {
            return Err(ServiceError::Forbidden);
        }
        let mut list = self
            .store
            .requests_by_status(CaseStatus::Submitted, NEW_REQUESTS_LIMIT)
            .await?;
        for r in &mut list {
            r.phone = hotline_domain::mask_phone(&r.phone);
        }
        Ok(list)
    }

    pub async fn form_options(&self) -> Result<FormOptions, ServiceError> {
        let categories = self
            .store
            .categories()
            .await?
            .into_iter()
            .filter(|c| c.level <= 2)
            .collect();
        let districts = self.store.districts().await?;
        Ok(FormOptions {
            categories,
            districts,
        })
    }
}
