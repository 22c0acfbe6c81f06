//! Staff accounts (SPEC X1): roles, the permissions each function needs, the signed-in user
//! as every layer sees it, and the masking of phone and ID numbers.
//!
//! Roles are fixed (they are the columns of the roles table in SPEC.md); which permissions a
//! role carries is data an administrator can change. [`Role::default_permissions`] is what
//! a new database starts with.

use serde::{Deserialize, Serialize};

use crate::{FieldErrors, Lang, Problem};

coded_enum! {
    /// The staff roles of SPEC.md. Citizens have no account.
    by_code Role {
        Agent = "agent", "接线员", "Agent";
        ShiftLead = "shift_lead", "带班组长/值班长", "Shift lead";
        Department = "department", "联动部门", "Department staff";
        Vendor = "vendor", "加盟企业", "Vendor";
        Coordinator = "coordinator", "居家养老/一键通", "Care coordinator";
        Admin = "admin", "系统管理员", "Administrator";
    }
}

coded_enum! {
    /// One function of the platform that only some people may use. Routes, server functions
    /// and services all check these, never roles directly.
    by_code Permission {
        Intake = "intake", "受理来电与网上求助", "Take calls and web requests";
        CasesAll = "cases.all", "查看全部案件", "See every case";
        CasesDepartment = "cases.department", "查看本部门案件", "See the department's cases";
        OrdersOwn = "orders.own", "查看本企业订单", "See the vendor's own orders";
        Dispatch = "cases.dispatch", "派单", "Dispatch cases";
        Approve = "cases.approve", "审批延期与退单、改派", "Approve extensions, returns, reassignment";
        ContactReveal = "contact.reveal", "查看完整电话号码", "See full phone numbers";
        ClientMarks = "clients.marks", "标记VIP、重要客户与黑名单", "Mark VIP, important and blacklisted callers";
        ProviderRegistry = "providers.registry", "维护加盟企业与服务者档案", "Keep the vendor and provider registries";
        ElderlyRegistry = "elderly.registry", "老年人档案", "Elderly registry";
        HealthRecords = "elderly.health", "健康档案", "Health records";
        IdReveal = "elderly.id_reveal", "查看完整身份证号", "See full ID numbers";
        Alarms = "alarms", "一键通接警", "Answer one-key alarms";
        Export = "export", "导出数据", "Export data";
        AuditLog = "audit.view", "查看审计日志", "Read the audit log";
        Administer = "administer", "用户、角色与代码表管理", "Users, roles and code tables";
    }
}

impl Role {
    /// What a role may do on a new installation (SPEC.md's roles table).
    pub fn default_permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Agent => &[Intake, CasesAll, Dispatch, ContactReveal],
            Role::ShiftLead => &[
                Intake,
                CasesAll,
                Dispatch,
                Approve,
                ProviderRegistry,
                ClientMarks,
                ContactReveal,
                Export,
                Alarms,
            ],
            Role::Department => &[CasesDepartment, ContactReveal],
            Role::Vendor => &[OrdersOwn, ContactReveal],
            Role::Coordinator => &[ElderlyRegistry, HealthRecords, IdReveal, Export, Alarms],
            Role::Admin => &[Administer, AuditLog, Export],
        }
    }

    /// Department staff belong to a department and vendors to a vendor; nobody else does.
    pub fn needs_department(self) -> bool {
        self == Role::Department
    }

    pub fn needs_vendor(self) -> bool {
        self == Role::Vendor
    }
}

/// The signed-in staff member, as the services check it and the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub vendor_id: Option<i64>,
    pub vendor_name: Option<String>,
    pub permissions: Vec<Permission>,
}

impl StaffUser {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// Whether in-app notices reach this person: centre staff who take calls, and staff of
    /// a department or vendor.
    pub fn reads_notices(&self) -> bool {
        self.can(Permission::Intake)
            || (self.can(Permission::CasesDepartment) && self.department_id.is_some())
            || (self.can(Permission::OrdersOwn) && self.vendor_id.is_some())
    }

    /// Whether this person sends help to people and so looks up who is near (SPEC G2):
    /// dispatchers and intake agents, and alarm coordinators.
    pub fn sends_help(&self) -> bool {
        self.can(Permission::Dispatch)
            || self.can(Permission::Intake)
            || self.can(Permission::Alarms)
    }

    /// The name the audit log records for this person.
    pub fn actor(&self) -> String {
        format!("user:{}", self.username)
    }

    /// Where this person lands after signing in: the first page their role works on.
    pub fn home_path(&self) -> &'static str {
        if self.can(Permission::Intake) {
            "/agent/requests"
        } else if self.sees_cases() {
            "/cases"
        } else if self.can(Permission::Alarms) {
            "/care/alarms"
        } else if self.can(Permission::ElderlyRegistry) {
            "/care/elderly"
        } else if self.can(Permission::Administer) {
            "/admin/users"
        } else if self.can(Permission::AuditLog) {
            "/admin/audit"
        } else {
            "/"
        }
    }

    /// Whether any case list is open to this person (whole centre, department or vendor).
    pub fn sees_cases(&self) -> bool {
        self.can(Permission::CasesAll)
            || (self.can(Permission::CasesDepartment) && self.department_id.is_some())
            || (self.can(Permission::OrdersOwn) && self.vendor_id.is_some())
    }
}

/// `139****5678`: the first three and the last four digits of a mobile, the area code and
/// the last four of a landline; anything shorter shows only its last two.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().collect();
    let n = digits.len();
    if let Some(dash) = phone.find('-') {
        let area: String = phone[..dash].to_string();
        let rest: Vec<char> = phone[dash + 1..].chars().collect();
        let keep = rest.len().min(4);
        return format!(
            "{area}-{}{}",
            "*".repeat(rest.len() - keep),
            rest[rest.len() - keep..].iter().collect::<String>()
        );
    }
    if n >= 11 {
        format!(
            "{}{}{}",
            digits[..3].iter().collect::<String>(),
            "*".repeat(n - 7),
            digits[n - 4..].iter().collect::<String>()
        )
    } else if n > 2 {
        format!(
            "{}{}",
            "*".repeat(n - 2),
            digits[n - 2..].iter().collect::<String>()
        )
    } else {
        "*".repeat(n)
    }
}

/// `610402********1234`: the area code and the last four characters of an 18-digit ID
/// number. Shorter documents (Hong Kong, Macau, Taiwan, passports) keep only their last two.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    if n < 15 {
        let keep = if n > 4 { 2 } else { 0 };
        return format!(
            "{}{}",
            "*".repeat(n - keep),
            chars[n - keep..].iter().collect::<String>()
        );
    }
    format!(
        "{}{}{}",
        chars[..6].iter().collect::<String>(),
        "*".repeat(n - 10),
        chars[n - 4..].iter().collect::<String>()
    )
}

pub const USERNAME_MAX: usize = 32;
pub const DISPLAY_NAME_MAX: usize = 50;
/// ASVS 2.1.1 / 2.1.2: at least 12 characters, at most 128 accepted.
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

/// A user as an administrator types it. The password is only given when creating a user
/// or setting a new one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub department_id: String,
    pub vendor_id: String,
    pub password: String,
    pub active: bool,
}

/// A user input that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub vendor_id: Option<i64>,
    pub password: Option<String>,
    pub active: bool,
}

impl UserInput {
    /// `new` is true when creating: the password is then required.
    pub fn validate(&self, new: bool) -> Result<ValidUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let username = self.username.trim().to_lowercase();
        if username.is_empty() {
            errors.add("username", Problem::Required);
        } else if username.chars().count() > USERNAME_MAX {
            errors.add("username", Problem::TooLong { max: USERNAME_MAX });
        } else if !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            || !username.starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            errors.add("username", Problem::BadUsername);
        }
        let display_name = crate::request::text_field(
            &mut errors,
            "display_name",
            &self.display_name,
            DISPLAY_NAME_MAX,
            true,
        );
        let role = Role::from_code(self.role.trim());
        if role.is_none() {
            errors.add(
                "role",
                if self.role.trim().is_empty() {
                    Problem::Required
                } else {
                    Problem::Unknown
                },
            );
        }
        let department_id = parse_id(&mut errors, "department_id", &self.department_id);
        let vendor_id = parse_id(&mut errors, "vendor_id", &self.vendor_id);
        if let Some(role) = role {
            if role.needs_department() && department_id.is_none() {
                errors.add("department_id", Problem::Required);
            }
            if !role.needs_department() && department_id.is_some() {
                errors.add("department_id", Problem::NotForRole);
            }
            if role.needs_vendor() && vendor_id.is_none() {
                errors.add("vendor_id", Problem::Required);
            }
            if !role.needs_vendor() && vendor_id.is_some() {
                errors.add("vendor_id", Problem::NotForRole);
            }
        }
        let password = if new || !self.password.is_empty() {
            check_password(&mut errors, "password", &self.password);
            Some(self.password.clone())
        } else {
            None
        };
        errors.into_result(|| ValidUser {
            username,
            display_name: display_name.unwrap_or_default(),
            role: role.expect("checked"),
            department_id,
            vendor_id,
            password,
            active: self.active,
        })
    }
}

/// Records why `password` is not acceptable, if it is not.
pub fn check_password(errors: &mut FieldErrors, field: &str, password: &str) {
    let n = password.chars().count();
    if n == 0 {
        errors.add(field, Problem::Required);
    } else if n < PASSWORD_MIN {
        errors.add(field, Problem::TooShort { min: PASSWORD_MIN });
    } else if n > PASSWORD_MAX {
        errors.add(field, Problem::TooLong { max: PASSWORD_MAX });
    } else if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        errors.add(field, Problem::WeakPassword);
    }
}

fn parse_id(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.add(field, Problem::Unknown);
            None
        }
    }
}

/// A department (联动部门) as an administrator types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DepartmentInput {
    pub code: String,
    pub name: String,
    pub phone: String,
    pub active: bool,
}

/// A department as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub phone: Option<String>,
    pub active: bool,
}

impl DepartmentInput {
    pub fn validate(&self) -> Result<(String, String, Option<String>, bool), FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = self.code.trim().to_uppercase();
        if code.is_empty() {
            errors.add("code", Problem::Required);
        } else if code.len() > 16 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            errors.add("code", Problem::BadCode);
        }
        let name = crate::request::text_field(&mut errors, "name", &self.name, 60, true);
        let phone = if self.phone.trim().is_empty() {
            None
        } else {
            match crate::PhoneNumber::parse(&self.phone) {
                Ok(p) => Some(p.as_str().to_string()),
                Err(problem) => {
                    errors.add("phone", problem);
                    None
                }
            }
        };
        errors.into_result(|| (code, name.unwrap_or_default(), phone, self.active))
    }
}

/// A user as the administration pages list it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub vendor_id: Option<i64>,
    pub vendor_name: Option<String>,
    pub active: bool,
    pub failed_attempts: i64,
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
    pub last_sign_in_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Accounts on a page of the administrator's list.
pub const USER_PAGE: u32 = 50;

#[cfg(test)]
mod query_tests {
    use super::*;

    #[test]
    fn an_account_search_names_each_bad_field() {
        let errors = UserQuery {
            role: "boss".into(),
            state: "asleep".into(),
            page: "0".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        for field in ["role", "state", "page"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let ok = UserQuery {
            q: " 王 ".into(),
            role: "department".into(),
            state: "locked".into(),
            page: "3".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(ok.text.as_deref(), Some("王"));
        assert_eq!(ok.state, Some(UserState::Locked));
        assert_eq!(ok.offset(), 100);
    }
}

coded_enum! {
    /// Where an account stands, as the list filters it.
    UserState {
        Active = "active", "正常", "Active";
        Inactive = "inactive", "已停用", "Inactive";
        Locked = "locked", "已锁定", "Locked";
    }
}

/// The administrator's account search as typed (query string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserQuery {
    /// Part of a user name, a person's name, or their department's or vendor's name.
    pub q: String,
    pub role: String,
    pub state: String,
    pub page: String,
}

/// A checked [`UserQuery`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    pub text: Option<String>,
    pub role: Option<Role>,
    pub state: Option<UserState>,
    pub page: u32,
}

impl UserFilter {
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(USER_PAGE)
    }
}

impl UserQuery {
    /// Checks every field; each wrong one is named.
    pub fn validate(&self) -> Result<UserFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = crate::request::clean_text(&mut errors, "q", &self.q, 50, false);
        let role = match self.role.trim() {
            "" => None,
            code => Role::from_code(code).or_else(|| {
                errors.add("role", Problem::Unknown);
                None
            }),
        };
        let state = match self.state.trim() {
            "" => None,
            code => UserState::from_code(code).or_else(|| {
                errors.add("state", Problem::Unknown);
                None
            }),
        };
        let page = crate::vendors::page_number(&mut errors, "page", &self.page, 1, 100_000);
        errors.into_result(|| UserFilter {
            text,
            role,
            state,
            page,
        })
    }
}

/// One page of the account list and how many accounts the search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<UserRecord>,
}

impl UserPage {
    pub fn pages(&self) -> u32 {
        crate::page_count(self.total, self.per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_keep_only_what_identifies_the_line_loosely() {
        assert_eq!(mask_phone("13912345678"), "139****5678");
        assert_eq!(mask_phone("029-33212345"), "029-****2345");
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn id_numbers_keep_area_and_last_four() {
        assert_eq!(mask_id_number("61040219450312002X"), "610402********002X");
        assert_eq!(mask_id_number("123"), "***");
        assert_eq!(mask_id_number("A1234567(8)"), "*********8)");
    }

    #[test]
    fn roles_and_permissions_round_trip_their_codes() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.as_code()), Some(*r));
        }
        for p in Permission::ALL {
            assert_eq!(Permission::from_code(p.as_code()), Some(*p));
        }
        let json = serde_json::to_string(&Permission::ContactReveal).unwrap();
        assert_eq!(json, "\"contact.reveal\"");
    }

    #[test]
    fn user_input_names_each_bad_field() {
        let input = UserInput {
            username: "Bad Name!".into(),
            display_name: "".into(),
            role: "department".into(),
            department_id: "".into(),
            vendor_id: "7".into(),
            password: "short".into(),
            active: true,
        };
        let errors = input.validate(true).unwrap_err();
        assert_eq!(errors.get("username"), Some(&Problem::BadUsername));
        assert_eq!(errors.get("display_name"), Some(&Problem::Required));
        assert_eq!(errors.get("department_id"), Some(&Problem::Required));
        assert_eq!(errors.get("vendor_id"), Some(&Problem::NotForRole));
        assert_eq!(
            errors.get("password"),
            Some(&Problem::TooShort { min: PASSWORD_MIN })
        );

        let ok = UserInput {
            username: " Wang.Li ".into(),
            display_name: "王丽".into(),
            role: "agent".into(),
            password: "correct horse battery".into(),
            active: true,
            ..Default::default()
        }
        .validate(true)
        .unwrap();
        assert_eq!(ok.username, "wang.li");
        assert_eq!(ok.role, Role::Agent);
        // Editing without a new password keeps the old one.
        let edit = UserInput {
            password: String::new(),
            ..UserInput {
                username: "wang.li".into(),
                display_name: "王丽".into(),
                role: "agent".into(),
                ..Default::default()
            }
        };
        assert_eq!(edit.validate(false).unwrap().password, None);
    }
}
