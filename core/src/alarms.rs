//! One-key emergency alarms (SPEC E1–E6): a registered elderly person presses the button,
//! the alarm gateway posts it (signed; the HTTP layer checks), and it is stored with the
//! type-C case it is recorded as before anyone is answered. Consoles hear of it on the
//! event bus and can read every step from the durable alarm log (`alarm_events_after`).

use hotline_domain::{Alarm, AlarmInput, Permission, StaffUser};

use crate::store::{AlarmDelivery, AlarmEventRecord};
use crate::{Event, Hotline, ServiceError};

/// What storing a delivery did: the alarm, and whether this delivery created it.
#[derive(Debug, Clone)]
pub struct AlarmReceipt {
    pub alarm: Alarm,
    /// `false` when the delivery id was seen before (a retry): nothing was written.
    pub fresh: bool,
}

/// The most alarm events one read returns (a console catching up reads again).
pub const EVENTS_MAX: u32 = 500;

impl Hotline {
    /// Stores one verified gateway delivery. Committed before it returns, so an answer to
    /// the gateway means the alarm is durable; a retry of the same delivery id returns the
    /// same alarm and writes nothing. A number nobody registered is stored as an
    /// unregistered caller, never dropped.
    pub async fn receive_alarm(
        &self,
        input: &AlarmInput,
        payload: &str,
    ) -> Result<AlarmReceipt, ServiceError> {
        let alarm = input.validate()?;
        let now = self.now();
        let received = self
            .store
            .receive_alarm(&AlarmDelivery {
                alarm,
                payload: payload.to_string(),
                received_at: now,
                local_date: crate::clock::local_date_of(now),
            })
            .await?;
        if let Some(event) = &received.event {
            tracing::warn!(
                alarm = received.alarm.id,
                kind = received.alarm.kind.as_code(),
                registered = received.alarm.elderly_id.is_some(),
                tracking_number = %received.alarm.tracking_number,
                "one-key alarm received"
            );
            self.events.publish(Event::alarm(event)).await;
        }
        Ok(AlarmReceipt {
            alarm: received.alarm,
            fresh: received.fresh,
        })
    }

    /// Alarms not closed, waiting first then oldest first, numbers masked.
    pub async fn open_alarms(&self, user: &StaffUser) -> Result<Vec<Alarm>, ServiceError> {
        if !user.can(Permission::Alarms) {
            return Err(ServiceError::Forbidden);
        }
        let mut alarms = self.store.open_alarms().await?;
        for alarm in &mut alarms {
            mask(alarm);
        }
        Ok(alarms)
    }

    /// The alarm log after `after` (a console's last seen event id), in order.
    pub async fn alarm_events_after(
        &self,
        user: &StaffUser,
        after: i64,
    ) -> Result<Vec<AlarmEventRecord>, ServiceError> {
        if !user.can(Permission::Alarms) {
            return Err(ServiceError::Forbidden);
        }
        Ok(self.store.alarm_events_after(after, EVENTS_MAX).await?)
    }
}

/// Screens show the caller's number masked (the full one is on the audited card).
pub(crate) fn mask(alarm: &mut Alarm) {
    alarm.caller = alarm.caller.as_deref().map(hotline_domain::mask_phone);
}
