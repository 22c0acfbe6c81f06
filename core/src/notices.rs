//! What staff are told outside the case pages (SPEC N1, N2): the in-app notices of their
//! department, vendor or the centre, and the SMS outbox. The messages themselves are
//! written with each step (`flow.rs`) and reminder (`reminders.rs`).

use hotline_domain::{Notification, Permission, SmsMessage, StaffUser};

use crate::scope::{notice_target, require};
use crate::{Hotline, ServiceError};

impl Hotline {
    /// The in-app notices addressed to the reader: their department's, their vendor's, or
    /// the centre's for centre staff.
    pub async fn notifications_for(
        &self,
        user: &StaffUser,
    ) -> Result<Vec<Notification>, ServiceError> {
        let target = notice_target(user).ok_or(ServiceError::Forbidden)?;
        Ok(self.store.notifications(target, 100).await?)
    }

    /// The SMS outbox, newest first (administrators).
    pub async fn sms_outbox(&self, user: &StaffUser) -> Result<Vec<SmsMessage>, ServiceError> {
        require(user, Permission::Administer)?;
        Ok(self.store.sms_outbox(300).await?)
    }
}
