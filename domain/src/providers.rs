//! The registry of skilled individuals and volunteers (一技之长者/义工, SPEC R2): what a
//! record holds and the rules of its form, the list's search, and what the record shows
//! (the orders given to the person and how callbacks rated them). Those who send help read
//! it; the registry's keepers ([`Permission::ProviderRegistry`]) change it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::request::text_field;
use crate::vendors::{
    any_of, coded, digits_code, name_or_phone, page_number, phone_field, position_fields,
    VendorOrder,
};
use crate::{Coordinates, FieldErrors, Lang, Permission, Problem, StaffUser};

/// Rows on a page of the list unless asked otherwise, and at most.
pub const PROVIDER_PAGE_DEFAULT: u32 = 30;
pub const PROVIDER_PAGE_MAX: u32 = 200;

coded_enum! {
    /// Which of the two registers a person is in.
    PersonKind {
        Skilled = "skilled", "一技之长者", "Skilled individual";
        Volunteer = "volunteer", "义工", "Volunteer";
    }
}

coded_enum! {
    /// What the person charges (服务方式).
    ServiceMode {
        Paid = "paid", "有偿", "Paid";
        LowPaid = "low_paid", "低偿", "Low-paid";
        Free = "free", "无偿", "Free";
    }
}

coded_enum! {
    /// Who stands behind the person (服务支持系统).
    SupportSystem {
        Market = "market", "市场", "Market";
        Organisation = "organisation", "组织", "Organisation";
        Volunteer = "volunteer", "义工", "Volunteer";
    }
}

coded_enum! {
    /// Whether the person takes work (the nearest lookup and dispatch offer only active ones).
    ProviderStatus {
        Active = "active", "正常", "Active";
        Paused = "paused", "暂停服务", "Paused";
        Left = "left", "已退出", "Left";
    }
}

/// Who reads the registry: staff who send help, and its keepers.
pub fn reads_providers(user: &StaffUser) -> bool {
    user.sends_help() || user.can(Permission::ProviderRegistry)
}

/// Who exports the registry's lists: its readers with the export permission.
pub fn exports_providers(user: &StaffUser) -> bool {
    reads_providers(user) && user.can(Permission::Export)
}

/// The columns of the list as a file, in order.
pub const PROVIDER_EXPORT_HEADINGS: &[&str] = &[
    "编号",
    "姓名",
    "类别",
    "服务项目",
    "服务方式",
    "支撑体系",
    "区县",
    "街道乡镇",
    "地址",
    "电话",
    "状态",
    "备注",
    "经度",
    "纬度",
    "评价次数",
    "平均评分",
    "接单总数",
    "在办工单",
    "登记日期",
];

/// A list search as typed (query string): every field text, empty for "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderQuery {
    /// Part of the name, or a whole phone number.
    pub q: String,
    pub kind: String,
    pub district: String,
    /// A service category code; its sub-categories count.
    pub category: String,
    pub service_mode: String,
    pub support_system: String,
    pub status: String,
    pub page: String,
    pub per_page: String,
}

/// A checked [`ProviderQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFilter {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub kind: Option<PersonKind>,
    pub district: Option<String>,
    pub category: Option<String>,
    pub service_mode: Option<ServiceMode>,
    pub support_system: Option<SupportSystem>,
    pub status: Option<ProviderStatus>,
    pub page: u32,
    pub per_page: u32,
}

impl ProviderFilter {
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

fn category_code(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    required: bool,
) -> Option<String> {
    match raw.trim() {
        "" => {
            if required {
                errors.add(field, Problem::Required);
            }
            None
        }
        c if c.len() <= 8 && c.len() % 2 == 0 && c.bytes().all(|b| b.is_ascii_digit()) => {
            Some(c.to_string())
        }
        _ => {
            errors.add(field, Problem::Unknown);
            None
        }
    }
}

impl ProviderQuery {
    /// Checks every field; each wrong one is named.
    pub fn validate(&self) -> Result<ProviderFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (name, phone) = name_or_phone(text_field(&mut errors, "q", &self.q, 40, false));
        let kind = any_of(&mut errors, "kind", &self.kind, PersonKind::from_code);
        let district = digits_code(&mut errors, "district", &self.district, 6);
        let category = category_code(&mut errors, "category", &self.category, false);
        let service_mode = any_of(
            &mut errors,
            "service_mode",
            &self.service_mode,
            ServiceMode::from_code,
        );
        let support_system = any_of(
            &mut errors,
            "support_system",
            &self.support_system,
            SupportSystem::from_code,
        );
        let status = any_of(
            &mut errors,
            "status",
            &self.status,
            ProviderStatus::from_code,
        );
        let page = page_number(&mut errors, "page", &self.page, 1, 100_000);
        let per_page = page_number(
            &mut errors,
            "per_page",
            &self.per_page,
            PROVIDER_PAGE_DEFAULT,
            PROVIDER_PAGE_MAX,
        );
        errors.into_result(|| ProviderFilter {
            name,
            phone,
            kind,
            district,
            category,
            service_mode,
            support_system,
            status,
            page,
            per_page,
        })
    }
}

/// A record as the form sends it (create or edit).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderInput {
    pub name: String,
    pub kind: String,
    pub service_mode: String,
    pub support_system: String,
    pub district: String,
    pub street: String,
    pub address: String,
    pub phone: String,
    /// The service the person offers: a category below the top level.
    pub skill: String,
    pub status: String,
    pub note: String,
    /// Both or neither; neither keeps the stored position (a new record: the street's or
    /// district's centre).
    pub lon: String,
    pub lat: String,
    /// The version the edit form showed; empty for a new record.
    pub version: String,
}

/// A checked [`ProviderInput`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderDraft {
    pub name: String,
    pub kind: PersonKind,
    pub service_mode: ServiceMode,
    pub support_system: SupportSystem,
    pub district_code: String,
    pub street_code: Option<String>,
    pub address: Option<String>,
    pub phone: String,
    pub skill_code: String,
    pub status: ProviderStatus,
    pub note: Option<String>,
    pub position: Option<Coordinates>,
}

impl ProviderInput {
    /// Checks every field; each wrong one is named. The code tables (district, street,
    /// skill) are checked by the service.
    pub fn validate(&self) -> Result<ProviderDraft, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = text_field(&mut e, "name", &self.name, 30, true);
        let kind = coded(&mut e, "kind", &self.kind, PersonKind::from_code);
        let service_mode = coded(
            &mut e,
            "service_mode",
            &self.service_mode,
            ServiceMode::from_code,
        );
        let support_system = coded(
            &mut e,
            "support_system",
            &self.support_system,
            SupportSystem::from_code,
        );
        let district = digits_code(&mut e, "district", &self.district, 6);
        if self.district.trim().is_empty() {
            e.add("district", Problem::Required);
        }
        let street = digits_code(&mut e, "street", &self.street, 9);
        let address = text_field(&mut e, "address", &self.address, 120, false);
        let phone = phone_field(&mut e, "phone", &self.phone, true);
        let skill = category_code(&mut e, "skill", &self.skill, true);
        let status = coded(&mut e, "status", &self.status, ProviderStatus::from_code);
        let note = text_field(&mut e, "note", &self.note, 500, false);
        let position = position_fields(&mut e, &self.lon, &self.lat);
        // A volunteer works for free; charging is for the skilled register.
        if kind == Some(PersonKind::Volunteer)
            && service_mode.is_some_and(|m| m != ServiceMode::Free)
        {
            e.add("service_mode", Problem::Unknown);
        }
        e.into_result(|| ProviderDraft {
            name: name.unwrap_or_default(),
            kind: kind.unwrap_or(PersonKind::Skilled),
            service_mode: service_mode.unwrap_or(ServiceMode::Free),
            support_system: support_system.unwrap_or(SupportSystem::Market),
            district_code: district.unwrap_or_default(),
            street_code: street,
            address,
            phone: phone.unwrap_or_default(),
            skill_code: skill.unwrap_or_default(),
            status: status.unwrap_or(ProviderStatus::Active),
            note,
            position,
        })
    }

    /// The form of a stored record.
    pub fn from_detail(d: &ProviderDetail) -> ProviderInput {
        ProviderInput {
            name: d.name.clone(),
            kind: d.kind.as_code().into(),
            service_mode: d.service_mode.as_code().into(),
            support_system: d.support_system.as_code().into(),
            district: d.district_code.clone(),
            street: d.street_code.clone().unwrap_or_default(),
            address: d.address.clone().unwrap_or_default(),
            phone: d.phone.clone(),
            skill: d.skill_code.clone(),
            status: d.status.as_code().into(),
            note: d.note.clone().unwrap_or_default(),
            lon: String::new(),
            lat: String::new(),
            version: d.version.to_string(),
        }
    }
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderSummary {
    pub id: i64,
    pub name: String,
    pub kind: PersonKind,
    pub district_name: String,
    pub street_name: Option<String>,
    pub phone: String,
    pub skill_name: String,
    pub service_mode: ServiceMode,
    pub support_system: SupportSystem,
    pub status: ProviderStatus,
    /// Mean callback score (price, punctuality, attitude) from 1 to 5.
    pub rating: Option<f32>,
    pub rated: u32,
    pub open_orders: u32,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<ProviderSummary>,
}

impl ProviderPage {
    pub fn pages(&self) -> u32 {
        crate::page_count(self.total, self.per_page)
    }
}

/// A person's whole record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderDetail {
    pub id: i64,
    pub name: String,
    pub kind: PersonKind,
    pub service_mode: ServiceMode,
    pub support_system: SupportSystem,
    pub district_code: String,
    pub district_name: String,
    pub street_code: Option<String>,
    pub street_name: Option<String>,
    pub address: Option<String>,
    pub phone: String,
    pub skill_code: String,
    pub skill_name: String,
    pub status: ProviderStatus,
    pub note: Option<String>,
    pub position: Coordinates,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub rating: Option<f32>,
    pub rated: u32,
    pub orders_total: u32,
    pub open_orders: u32,
    /// The latest orders given to the person, newest first.
    pub orders: Vec<VendorOrder>,
    /// Whether the reader may change the record (set by the service).
    pub editable: bool,
}

/// A status's label in a language (for pages that hold only the code).
pub fn provider_status_label(code: &str, lang: Lang) -> &'static str {
    ProviderStatus::from_code(code).map_or("", |s| s.label(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProviderInput {
        ProviderInput {
            name: "张师傅".into(),
            kind: "skilled".into(),
            service_mode: "low_paid".into(),
            support_system: "organisation".into(),
            district: "610402".into(),
            phone: "139 0000 1111".into(),
            skill: "0103".into(),
            status: "active".into(),
            ..ProviderInput::default()
        }
    }

    #[test]
    fn a_good_form_passes_and_each_wrong_field_is_named() {
        let draft = form().validate().unwrap();
        assert_eq!(draft.phone, "13900001111");
        assert_eq!(draft.service_mode, ServiceMode::LowPaid);
        let bad = ProviderInput {
            name: String::new(),
            kind: "robot".into(),
            district: String::new(),
            skill: "1".into(),
            lon: "120.0".into(),
            lat: "34.3".into(),
            ..form()
        }
        .validate()
        .unwrap_err();
        for field in ["name", "kind", "district", "skill", "lon"] {
            assert!(bad.get(field).is_some(), "{field}: {bad:?}");
        }
    }

    #[test]
    fn a_volunteer_works_for_free() {
        let paid = ProviderInput {
            kind: "volunteer".into(),
            service_mode: "paid".into(),
            ..form()
        };
        assert!(paid.validate().unwrap_err().get("service_mode").is_some());
        let free = ProviderInput {
            service_mode: "free".into(),
            ..paid
        };
        assert_eq!(free.validate().unwrap().kind, PersonKind::Volunteer);
    }

    #[test]
    fn the_search_is_checked_by_field() {
        let f = ProviderQuery {
            q: "13900001111".into(),
            kind: "volunteer".into(),
            category: "01".into(),
            ..ProviderQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(f.phone.as_deref(), Some("13900001111"));
        assert_eq!(f.kind, Some(PersonKind::Volunteer));
        let bad = ProviderQuery {
            service_mode: "cheap".into(),
            status: "gone".into(),
            ..ProviderQuery::default()
        }
        .validate()
        .unwrap_err();
        assert!(bad.get("service_mode").is_some() && bad.get("status").is_some());
    }
}
