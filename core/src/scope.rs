//! Who may see which rows, in one place (SPEC X1–X3): the permission check every service
//! makes, the case scope a user reads (whole centre, their department's, or their orders),
//! the same scope checked against a case in memory, the case list query parsed into a
//! filter, and the notice box a user reads.
//!
//! The HTTP layer refuses a route early by its declared rule; these checks are the ones
//! that hold whichever door a call comes in by. A case outside someone's scope is *not
//! found* for them, not forbidden.

use hotline_domain::vendors::page_number;
use hotline_domain::{
    Assignee, CaseDetail, CaseFilter, CaseFlow, CaseQuery, CaseSort, CaseStatus, CaseType,
    CaseWindow, FieldErrors, Light, Overdue, Permission, Problem, Queue, StaffUser,
};

use crate::store::{CaseScope, NoticeTarget};
use crate::ServiceError;

/// `Forbidden` unless the user holds `permission`.
pub(crate) fn require(user: &StaffUser, permission: Permission) -> Result<(), ServiceError> {
    if user.can(permission) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// The cases a user may see, or `None` if no case list is theirs.
pub fn case_scope(user: &StaffUser) -> Option<CaseScope> {
    if user.can(Permission::CasesAll) {
        Some(CaseScope::All)
    } else if let (true, Some(id)) = (user.can(Permission::CasesDepartment), user.department_id) {
        Some(CaseScope::Department(id))
    } else if let (true, Some(id)) = (user.can(Permission::OrdersOwn), user.vendor_id) {
        Some(CaseScope::Vendor(id))
    } else {
        None
    }
}

/// Whether a case is in a reader's rows (any part, closed ones included, as in the lists):
/// the in-memory twin of the `EXISTS` on `case_assignments` the store adds for a scope.
pub fn in_scope(scope: CaseScope, flow: &CaseFlow) -> bool {
    scope == CaseScope::All || flow.assignments.iter().any(|a| own_part(scope, a.assignee))
}

/// Whether a part is the reader's own: a department's or vendor's; every part is the
/// centre's.
fn own_part(scope: CaseScope, assignee: Assignee) -> bool {
    match scope {
        CaseScope::All => true,
        CaseScope::Department(id) => assignee == Assignee::Department(id),
        CaseScope::Vendor(id) => assignee == Assignee::Vendor(id),
    }
}

/// A case's light as a reader sees it (the twin of the store's light columns for a scope):
/// the case's for the centre, the worst of the reader's own open parts' for a department or
/// vendor.
pub fn light_for(
    scope: CaseScope,
    flow: &CaseFlow,
    policy: &hotline_domain::FlowPolicy,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<hotline_domain::Light> {
    let lights = flow.lights(policy);
    let times = if scope == CaseScope::All {
        lights.case
    } else {
        flow.assignments
            .iter()
            .zip(&lights.parts)
            .filter(|(a, _)| a.is_open() && own_part(scope, a.assignee))
            .filter_map(|(_, t)| *t)
            .reduce(hotline_domain::LightTimes::worse)
    };
    times.map(|t| t.at(now))
}

/// Whether the user may see the full phone number of a case in their scope. An anonymous
/// caller's number stays with the centre.
pub(crate) fn may_reveal(user: &StaffUser, detail: &CaseDetail) -> bool {
    user.can(Permission::ContactReveal) && (user.can(Permission::CasesAll) || !detail.anonymous)
}

/// The in-app notices a user reads: their department's, their vendor's, or the centre's for
/// centre staff; `None` if none are theirs.
pub(crate) fn notice_target(user: &StaffUser) -> Option<NoticeTarget> {
    if let (true, Some(id)) = (user.can(Permission::CasesDepartment), user.department_id) {
        Some(NoticeTarget::Department(id))
    } else if let (true, Some(id)) = (user.can(Permission::OrdersOwn), user.vendor_id) {
        Some(NoticeTarget::Vendor(id))
    } else if user.can(Permission::Intake) {
        Some(NoticeTarget::Centre)
    } else {
        None
    }
}

/// Parses the list query's filter: unknown codes are refused by field.
pub fn case_filter(query: &CaseQuery) -> Result<CaseFilter, ServiceError> {
    case_search(query, 1).map(|(filter, _)| filter)
}

/// Rows per page of a case list when none is asked for, and the most one page holds.
pub const CASE_PAGE_DEFAULT: u32 = 50;
pub const CASE_PAGE_MAX: u32 = 200;
/// The last page a list goes to (deeper: narrow the filter).
const CASE_PAGE_LAST: u32 = 100_000;

/// Parses the whole list query, filter and window (page, size, sort, direction), every
/// field's mistake named at once. `per_page` is the page size when the query has none.
pub fn case_search(
    query: &CaseQuery,
    per_page: u32,
) -> Result<(CaseFilter, CaseWindow), ServiceError> {
    fn pick<T>(
        errors: &mut FieldErrors,
        field: &str,
        raw: &Option<String>,
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let value = parse(raw);
        if value.is_none() {
            errors.add(field, Problem::Unknown);
        }
        value
    }
    let mut errors = FieldErrors::new();
    let filter = CaseFilter {
        status: pick(&mut errors, "status", &query.status, CaseStatus::from_code),
        case_type: pick(
            &mut errors,
            "case_type",
            &query.case_type,
            CaseType::from_code,
        ),
        light: pick(&mut errors, "light", &query.light, Light::from_code),
        overdue: pick(&mut errors, "overdue", &query.overdue, Overdue::from_code),
        queue: pick(&mut errors, "queue", &query.queue, Queue::from_code),
        text: query
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| q.chars().take(100).collect()),
        phone: None,
    };
    if let Some(q) = &filter.text {
        if q.chars().any(char::is_control) {
            errors.add("q", Problem::BadCharacters);
        }
    }
    let sort = pick(&mut errors, "sort", &query.sort, CaseSort::from_code);
    let descending = match query.order.as_deref().map(str::trim) {
        None | Some("") => sort.is_none_or(CaseSort::descending),
        Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            errors.add("order", Problem::Unknown);
            true
        }
    };
    let page = page_number(
        &mut errors,
        "page",
        query.page.as_deref().unwrap_or(""),
        1,
        CASE_PAGE_LAST,
    );
    let window = CaseWindow {
        sort,
        descending,
        page,
        per_page: query.limit.unwrap_or(per_page).clamp(1, CASE_PAGE_MAX),
    };
    errors
        .into_result(|| (filter, window))
        .map_err(ServiceError::Invalid)
}
