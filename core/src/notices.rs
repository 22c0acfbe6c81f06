//! What staff are told outside the case pages (SPEC N1, N2): the in-app notices of their
//! department, vendor or the centre, and the SMS outbox. The messages themselves are
//! written with each step (`flow.rs`) and reminder (`reminders.rs`).

use hotline_domain::{FieldErrors, Notification, Permission, Problem, SmsMessage, StaffUser};

use crate::scope::{notice_target, require};
use crate::{Hotline, ServiceError};

impl Hotline {
    /// The in-app notices addressed to the reader: their department's, their vendor's, or
    /// the centre's for centre staff, and their own (a pending matter they own), newest
    /// first, the ones newer than they last read marked unread.
    pub async fn notifications_for(
        &self,
        user: &StaffUser,
    ) -> Result<Vec<Notification>, ServiceError> {
        let target = notice_target(user).ok_or(ServiceError::Forbidden)?;
        Ok(self.store.notifications(target, user.id, 100).await?)
    }

    /// Marks the reader's notices read up to `up_to` (a notice id they were shown); an id
    /// they cannot see is refused by field, so nobody marks notices not yet written.
    pub async fn mark_notices_read(
        &self,
        user: &StaffUser,
        up_to: i64,
    ) -> Result<(), ServiceError> {
        let target = notice_target(user).ok_or(ServiceError::Forbidden)?;
        if !self.store.mark_notices_read(target, user.id, up_to).await? {
            let mut errors = FieldErrors::new();
            errors.add("up_to", Problem::Unknown);
            return Err(ServiceError::Invalid(errors));
        }
        Ok(())
    }

    /// The SMS outbox, newest first (administrators).
    pub async fn sms_outbox(&self, user: &StaffUser) -> Result<Vec<SmsMessage>, ServiceError> {
        require(user, Permission::Administer)?;
        Ok(self.store.sms_outbox(300).await?)
    }
}
