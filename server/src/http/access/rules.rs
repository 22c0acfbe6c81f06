//! Who may use which route: [`Need`] and [`Limit`], and the rules of the Leptos pages and
//! server functions. The JSON API's rules are declared with each route (`http::routes`);
//! [`RULES`] is all of them, and the matrix test walks every route against it.

use std::sync::LazyLock;

use hotline_domain::{Permission, StaffUser};

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in staff member.
    SignedIn,
    /// A signed-in staff member with this permission.
    Permission(Permission),
    /// A signed-in staff member with both permissions (exporting a registry one keeps).
    Both(Permission, Permission),
    /// A signed-in staff member with a case list (whole centre, department or vendor).
    CaseReader,
    /// A signed-in staff member who sends help: dispatch, intake or alarms
    /// (`StaffUser::sends_help`).
    HelpSender,
    /// A reader of the vendor registry: those who send help or keep the registry, and a
    /// vendor's own account (`hotline_domain::vendors::reads_vendors`).
    VendorReader,
    /// A reader of the whole vendor registry with the export permission
    /// (`hotline_domain::vendors::exports_vendors`); the same people export the skilled
    /// individuals and volunteers (`hotline_domain::providers::exports_providers`).
    VendorExporter,
    /// A reader of the skilled individuals and volunteers: those who send help or keep the
    /// registry (`hotline_domain::providers::reads_providers`).
    ProviderReader,
}

/// Which per-address budget a public route draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    Filing,
    Tracking,
    SignIn,
    /// Open311 filings per API key (counted in the handler, which knows the key).
    Open311Key,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub method: &'static str,
    /// The route as registered (axum syntax, `{param}`).
    pub path: &'static str,
    pub need: Need,
    pub limit: Option<Limit>,
}

/// What a route needs and the budget it draws on, as a route is declared: a [`Need`], or
/// a [`Limit`] (a public route with a rate budget).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    pub need: Need,
    pub limit: Option<Limit>,
}

impl From<Need> for Guard {
    fn from(need: Need) -> Guard {
        Guard { need, limit: None }
    }
}

impl From<Limit> for Guard {
    fn from(limit: Limit) -> Guard {
        Guard {
            need: Need::Public,
            limit: Some(limit),
        }
    }
}

const fn rule(method: &'static str, path: &'static str, need: Need) -> Rule {
    Rule {
        method,
        path,
        need,
        limit: None,
    }
}

const fn limited(method: &'static str, path: &'static str, limit: Limit) -> Rule {
    Rule {
        method,
        path,
        need: Need::Public,
        limit: Some(limit),
    }
}

use Need::{CaseReader, Public};
pub const fn perm(p: Permission) -> Need {
    Need::Permission(p)
}
/// The Leptos pages (their routes are the `App`'s).
const PAGES: &[Rule] = &[
    rule("GET", "/", Public),
    rule("GET", "/track", Public),
    rule("GET", "/login", Public),
    rule("GET", "/agent/requests", perm(Permission::Intake)),
    rule("GET", "/cases", CaseReader),
    rule("GET", "/cases/{tracking_number}", CaseReader),
    rule("GET", "/care/elderly", perm(Permission::ElderlyRegistry)),
    rule(
        "GET",
        "/care/elderly/new",
        perm(Permission::ElderlyRegistry),
    ),
    rule(
        "GET",
        "/care/elderly/{id}",
        perm(Permission::ElderlyRegistry),
    ),
    rule("GET", "/care/alarms", perm(Permission::Alarms)),
    rule("GET", "/care/alarms/figures", perm(Permission::Alarms)),
    rule("GET", "/admin/users", perm(Permission::Administer)),
    rule("GET", "/admin/roles", perm(Permission::Administer)),
    rule("GET", "/admin/departments", perm(Permission::Administer)),
    rule("GET", "/admin/codes", perm(Permission::Administer)),
    rule("GET", "/admin/calendar", perm(Permission::Administer)),
    rule("GET", "/admin/audit", perm(Permission::AuditLog)),
    rule("GET", "/admin/sms", perm(Permission::Administer)),
    rule("GET", "/admin/api-keys", perm(Permission::Administer)),
    rule("GET", "/map", Need::HelpSender),
    rule("GET", "/vendors", Need::VendorReader),
    rule("GET", "/vendors/new", perm(Permission::ProviderRegistry)),
    rule("GET", "/vendors/{id}", Need::VendorReader),
    rule("GET", "/providers", Need::ProviderReader),
    rule("GET", "/providers/new", perm(Permission::ProviderRegistry)),
    rule("GET", "/providers/{id}", Need::ProviderReader),
    rule("GET", "/clients", perm(Permission::Intake)),
    rule("GET", "/clients/new", perm(Permission::Intake)),
    rule("GET", "/clients/{id}", perm(Permission::Intake)),
    rule("GET", "/knowledge", Public),
    rule("GET", "/handover", perm(Permission::Approve)),
    rule("GET", "/notices", CaseReader),
    rule("GET", "/knowledge/write", perm(Permission::Intake)),
    rule("GET", "/knowledge/{id}", Public),
];

/// The server functions (`hotline_app::api`, each at `/api/fn/<endpoint>`).
const SERVER_FUNCTIONS: &[Rule] = &[
    rule("POST", "/api/fn/form_options", Public),
    rule("POST", "/api/fn/form_choices", Public),
    rule("POST", "/api/fn/staff_form_options", CaseReader),
    limited("POST", "/api/fn/file_request", Limit::Filing),
    limited("POST", "/api/fn/track_request", Limit::Tracking),
    rule("POST", "/api/fn/current_user", Public),
    rule("POST", "/api/fn/new_requests", perm(Permission::Intake)),
    rule("POST", "/api/fn/list_cases", CaseReader),
    rule("POST", "/api/fn/case_counts", CaseReader),
    rule("POST", "/api/fn/case_action", CaseReader),
    rule(
        "POST",
        "/api/fn/dispatch_targets",
        perm(Permission::Dispatch),
    ),
    rule(
        "POST",
        "/api/fn/provider_choices",
        perm(Permission::Dispatch),
    ),
    rule("POST", "/api/fn/my_notifications", CaseReader),
    rule("POST", "/api/fn/mark_notices_read", CaseReader),
    rule("POST", "/api/fn/sms_outbox", perm(Permission::Administer)),
    rule(
        "POST",
        "/api/fn/admin_api_keys",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/issue_api_key",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/revoke_api_key",
        perm(Permission::Administer),
    ),
    rule("POST", "/api/fn/get_case", CaseReader),
    // Who may move which layer's records is the service's check (`MapLayer::moved_by`).
    rule("POST", "/api/fn/move_place", Need::HelpSender),
    rule(
        "POST",
        "/api/fn/reveal_phone",
        perm(Permission::ContactReveal),
    ),
    rule("POST", "/api/fn/list_providers", Need::ProviderReader),
    rule("POST", "/api/fn/get_provider", Need::ProviderReader),
    rule(
        "POST",
        "/api/fn/save_provider",
        perm(Permission::ProviderRegistry),
    ),
    rule("POST", "/api/fn/list_clients", perm(Permission::Intake)),
    rule("POST", "/api/fn/get_client", perm(Permission::Intake)),
    rule("POST", "/api/fn/save_client", perm(Permission::Intake)),
    rule(
        "POST",
        "/api/fn/reveal_client_phone",
        perm(Permission::Intake),
    ),
    rule("POST", "/api/fn/list_vendors", Need::VendorReader),
    rule("POST", "/api/fn/get_vendor", Need::VendorReader),
    rule("POST", "/api/fn/save_vendor", Need::VendorReader),
    rule("POST", "/api/fn/save_vendor_staff", Need::VendorReader),
    rule(
        "POST",
        "/api/fn/record_inspection",
        perm(Permission::ProviderRegistry),
    ),
    rule(
        "POST",
        "/api/fn/list_elderly",
        perm(Permission::ElderlyRegistry),
    ),
    rule(
        "POST",
        "/api/fn/get_elderly",
        perm(Permission::ElderlyRegistry),
    ),
    rule(
        "POST",
        "/api/fn/elderly_imports",
        perm(Permission::ElderlyRegistry),
    ),
    rule(
        "POST",
        "/api/fn/elderly_regions",
        perm(Permission::ElderlyRegistry),
    ),
    rule(
        "POST",
        "/api/fn/save_elderly",
        perm(Permission::ElderlyRegistry),
    ),
    rule("POST", "/api/fn/open_alarms", perm(Permission::Alarms)),
    rule("POST", "/api/fn/alarms_shown", perm(Permission::Alarms)),
    rule("POST", "/api/fn/alarm_card", perm(Permission::Alarms)),
    rule("POST", "/api/fn/alarm_holders", perm(Permission::Alarms)),
    rule("POST", "/api/fn/alarm_step", perm(Permission::Alarms)),
    rule("POST", "/api/fn/alarm_report", perm(Permission::Alarms)),
    rule("POST", "/api/fn/caller_card", perm(Permission::Intake)),
    rule("POST", "/api/fn/register_call", perm(Permission::Intake)),
    rule("POST", "/api/fn/set_my_status", perm(Permission::Intake)),
    rule("POST", "/api/fn/my_status", perm(Permission::Intake)),
    rule("POST", "/api/fn/my_missed_calls", perm(Permission::Intake)),
    rule("POST", "/api/fn/missed_call_done", perm(Permission::Intake)),
    rule("POST", "/api/fn/link_case", perm(Permission::Intake)),
    rule("POST", "/api/fn/unlink_case", perm(Permission::Intake)),
    rule("POST", "/api/fn/handover_desk", perm(Permission::Approve)),
    rule("POST", "/api/fn/hand_over", perm(Permission::Approve)),
    rule(
        "POST",
        "/api/fn/acknowledge_handover",
        perm(Permission::Approve),
    ),
    rule("POST", "/api/fn/agent_board", perm(Permission::Approve)),
    rule(
        "POST",
        "/api/fn/reassign_missed_call",
        perm(Permission::Approve),
    ),
    rule("POST", "/api/fn/kb_search", Public),
    rule("POST", "/api/fn/kb_browse", Public),
    rule("POST", "/api/fn/kb_article", Public),
    rule("POST", "/api/fn/kb_categories", Public),
    rule("POST", "/api/fn/kb_editor", perm(Permission::Intake)),
    rule(
        "POST",
        "/api/fn/save_kb_category",
        perm(Permission::Approve),
    ),
    rule(
        "POST",
        "/api/fn/delete_kb_category",
        perm(Permission::Approve),
    ),
    rule("POST", "/api/fn/save_article", perm(Permission::Intake)),
    rule("POST", "/api/fn/search_audit", perm(Permission::AuditLog)),
    rule("POST", "/api/fn/admin_users", perm(Permission::Administer)),
    rule("POST", "/api/fn/save_user", perm(Permission::Administer)),
    rule("POST", "/api/fn/unlock_user", perm(Permission::Administer)),
    rule("POST", "/api/fn/admin_roles", perm(Permission::Administer)),
    rule("POST", "/api/fn/save_role", perm(Permission::Administer)),
    rule(
        "POST",
        "/api/fn/admin_departments",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/save_department",
        perm(Permission::Administer),
    ),
    rule("POST", "/api/fn/admin_codes", perm(Permission::Administer)),
    rule(
        "POST",
        "/api/fn/admin_calendar",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/save_calendar_day",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/remove_calendar_day",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/save_category",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/save_disposition",
        perm(Permission::Administer),
    ),
    rule(
        "POST",
        "/api/fn/rename_region",
        perm(Permission::Administer),
    ),
];

/// Every rule: the JSON API's (from its route declarations), the pages', the server
/// functions'. Iterate it (`for rule in RULES`, `RULES.iter()`).
pub const RULES: RuleTable = RuleTable;

#[derive(Debug, Clone, Copy)]
pub struct RuleTable;

static ALL: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let mut all = crate::http::api_routes().rules().to_vec();
    all.extend_from_slice(PAGES);
    all.extend_from_slice(SERVER_FUNCTIONS);
    all
});

impl RuleTable {
    pub fn iter(self) -> std::slice::Iter<'static, Rule> {
        ALL.iter()
    }
}

impl IntoIterator for RuleTable {
    type Item = &'static Rule;
    type IntoIter = std::slice::Iter<'static, Rule>;

    fn into_iter(self) -> Self::IntoIter {
        ALL.iter()
    }
}

pub fn rule_for(method: &axum::http::Method, path: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.path == path && r.method == method.as_str())
}

impl Need {
    pub fn allows(self, user: Option<&StaffUser>) -> bool {
        match (self, user) {
            (Need::Public, _) => true,
            (_, None) => false,
            (Need::SignedIn, Some(_)) => true,
            (Need::Permission(p), Some(u)) => u.can(p),
            (Need::Both(a, b), Some(u)) => u.can(a) && u.can(b),
            (Need::CaseReader, Some(u)) => u.sees_cases(),
            (Need::HelpSender, Some(u)) => u.sends_help(),
            (Need::VendorReader, Some(u)) => hotline_domain::vendors::reads_vendors(u),
            (Need::VendorExporter, Some(u)) => hotline_domain::vendors::exports_vendors(u),
            (Need::ProviderReader, Some(u)) => hotline_domain::providers::reads_providers(u),
        }
    }
}
