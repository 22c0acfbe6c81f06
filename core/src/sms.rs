//! SMS sending (SPEC N1, first part): one provider interface. Messages are written to the
//! `sms_outbox` table in the same transaction as the change that causes them; a worker
//! hands queued ones to the configured provider and records the result on the row.
//!
//! The default provider, [`OutboxOnly`], sends nothing out: the outbox row *is* the
//! delivery, readable by staff in the admin page — what a centre without a gateway
//! contract (or a development machine) needs. A real gateway is one more implementation
//! of [`SmsProvider`].

use async_trait::async_trait;

use crate::{Hotline, ServiceError};

#[async_trait]
pub trait SmsProvider: Send + Sync {
    /// Short name recorded on each message (`outbox`, the gateway's name…).
    fn name(&self) -> &'static str;
    /// Sends one message; `Ok` with the gateway's reference, if it gives one.
    async fn send(&self, to_phone: &str, body: &str) -> Result<Option<String>, String>;
}

/// Keeps messages in the outbox only.
pub struct OutboxOnly;

#[async_trait]
impl SmsProvider for OutboxOnly {
    fn name(&self) -> &'static str {
        "outbox"
    }

    async fn send(&self, _to_phone: &str, _body: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
}

impl Hotline {
    /// One pass of the SMS worker: hands queued messages to `provider`, oldest first, and
    /// records each result. Returns how many were handed over successfully.
    pub async fn deliver_sms(&self, provider: &dyn SmsProvider) -> Result<usize, ServiceError> {
        let mut delivered = 0;
        for message in self.store.queued_sms(200).await? {
            let result = provider.send(&message.to_phone, &message.body).await;
            if let Err(e) = &result {
                tracing::warn!(sms = message.id, error = %e, "SMS not sent");
            } else {
                delivered += 1;
            }
            self.store
                .record_sms_result(message.id, provider.name(), result, self.now())
                .await?;
        }
        Ok(delivered)
    }
}
