//! Reading cases (SPEC W7, X1–X3): the lists and counters of a reader's cases, one case as
//! its reader sees it, and the audited look at a caller's full phone number. Changing a
//! case is `flow.rs`; who sees which case is `scope.rs`.

use hotline_domain::{
    mask_phone, CaseCounts, CaseDetail, CaseListItem, CasePage, CaseQuery, ClassifiedAs,
    Permission, StaffUser, TrackingNumber,
};

use crate::audit::Origin;
use crate::scope::{case_scope, case_search, light_for, may_reveal, require, CASE_PAGE_DEFAULT};
use crate::store::FilterClock;
use crate::{Hotline, ServiceError};

impl Hotline {
    /// The instant and light thresholds a list filter compares against.
    pub(crate) fn filter_clock(&self) -> FilterClock {
        FilterClock { now: self.now() }
    }

    /// One page of the cases the user may see (whole centre, their department's, or their
    /// orders) and how many match in all: filtered, sorted and paged as the query says
    /// (50 rows a page unless it asks for up to 200), phone numbers masked.
    pub async fn case_page(
        &self,
        user: &StaffUser,
        query: &CaseQuery,
    ) -> Result<CasePage, ServiceError> {
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let (filter, window) = case_search(query, CASE_PAGE_DEFAULT)?;
        let clock = self.filter_clock();
        let total = self.store.count_cases(scope, &filter, clock).await?;
        let mut items = self.store.cases(scope, &filter, clock, &window).await?;
        self.present_list(&mut items);
        Ok(CasePage {
            total: u64::try_from(total).unwrap_or(0),
            page: window.page,
            per_page: window.per_page,
            items,
        })
    }

    /// The rows of [`Hotline::case_page`] without the count (the JSON API says the count
    /// in a header).
    pub async fn cases_for(
        &self,
        user: &StaffUser,
        query: &CaseQuery,
    ) -> Result<Vec<CaseListItem>, ServiceError> {
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let (filter, window) = case_search(query, CASE_PAGE_DEFAULT)?;
        let mut list = self
            .store
            .cases(scope, &filter, self.filter_clock(), &window)
            .await?;
        self.present_list(&mut list);
        Ok(list)
    }

    /// Counts by light, overdue kind and queue over the reader's cases.
    pub async fn case_counts(&self, user: &StaffUser) -> Result<CaseCounts, ServiceError> {
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        Ok(self.store.case_counts(scope, self.filter_clock()).await?)
    }

    /// What every case list shows: phones masked (the store gives each item its light).
    pub(crate) fn present_list(&self, list: &mut [CaseListItem]) {
        for item in list {
            item.phone = mask_phone(&item.phone);
        }
    }

    /// One case, if the user may see it (`NotFound` otherwise: a case outside someone's
    /// scope does not exist for them). The phone number is masked.
    pub async fn case_for(
        &self,
        user: &StaffUser,
        tracking_number: &str,
    ) -> Result<CaseDetail, ServiceError> {
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let number = TrackingNumber::parse(tracking_number).ok_or(ServiceError::NotFound)?;
        let mut detail = self
            .store
            .case_detail(scope, &number)
            .await?
            .ok_or(ServiceError::NotFound)?;
        detail.can_reveal_phone = may_reveal(user, &detail);
        detail.item.phone = mask_phone(&detail.item.phone);
        if let Some(stored) = self.store.stored_case(&number).await? {
            let now = self.now();
            detail.item.light = light_for(scope, &stored.flow, &self.flow, now);
            detail.overdue = stored.flow.overdue(now);
            detail.actions = stored.flow.available_actions(user, now);
            detail.reminder_plan = stored.flow.reminder_plan;
            if let Some(id) = stored.flow.subject.as_ref().and_then(|s| s.vendor_id) {
                detail.subject_vendor = self
                    .store
                    .assignee_contact(hotline_domain::Assignee::Vendor(id))
                    .await?
                    .map(|c| c.name);
            }
            detail.subject = stored.flow.subject;
            detail.handling_limit = stored.limits.handling;
        }
        // Classification steps in words: the category's path from the code tables.
        if detail.events.iter().any(|e| e.kind == "classify") {
            let codes = self.code_tables_now().await?;
            for event in detail.events.iter_mut().filter(|e| e.kind == "classify") {
                event.classified = event
                    .note
                    .as_deref()
                    .and_then(|n| ClassifiedAs::from_note(n, &codes.categories));
            }
        }
        self.add_desk_details(user, &mut detail).await?;
        Ok(detail)
    }

    /// The full phone number of a case the user may see; the look is audited first.
    pub async fn reveal_case_phone(
        &self,
        user: &StaffUser,
        tracking_number: &str,
        origin: &Origin,
    ) -> Result<String, ServiceError> {
        require(user, Permission::ContactReveal)?;
        let scope = case_scope(user).ok_or(ServiceError::Forbidden)?;
        let number = TrackingNumber::parse(tracking_number).ok_or(ServiceError::NotFound)?;
        let detail = self
            .store
            .case_detail(scope, &number)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !may_reveal(user, &detail) {
            return Err(ServiceError::Forbidden);
        }
        self.store
            .append_audit(&self.audit_entry(
                origin,
                "view_phone",
                "case",
                number.as_str(),
                None,
                None,
            ))
            .await?;
        Ok(detail.item.phone)
    }
}
