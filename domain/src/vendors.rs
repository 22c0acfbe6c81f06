//! The vendor registry (加盟企业, SPEC R1): what a vendor record holds and the rules of its
//! form, the list's search, the staff list and the inspection records; and who may edit
//! what (a vendor's own account keeps its contact details and staff, the centre keeps the
//! rest).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::places::CITY_EXTENT;
use crate::request::text_field;
use crate::StaffUser;
use crate::{Coordinates, FieldErrors, Lang, Permission, PhoneNumber, Problem};

coded_enum! {
    /// Where a vendor stands with the centre, shown by colour on the list and the map.
    VendorStatus {
        Active = "active", "正常", "Active";
        InspectionDue = "inspection_due", "待年检", "Inspection due";
        Suspended = "suspended", "暂停", "Suspended";
        Exited = "exited", "已退出", "Exited";
    }
}

impl VendorStatus {
    /// Takes new orders (shown by the nearest lookup, offered for dispatch).
    pub fn takes_work(self) -> bool {
        matches!(self, VendorStatus::Active | VendorStatus::InspectionDue)
    }
}

coded_enum! {
    /// The legal form of a vendor (类型).
    VendorKind {
        Company = "company", "企业", "Company";
        IndividualBusiness = "individual_business", "个体工商户", "Individual business";
        SocialOrganisation = "social_organisation", "社会组织", "Social organisation";
    }
}

coded_enum! {
    /// The centre's credit grade (信用等级), from its credit assessment (信用考核).
    by_code CreditGrade {
        Aaa = "AAA", "AAA", "AAA";
        Aa = "AA", "AA", "AA";
        A = "A", "A", "A";
        B = "B", "B", "B";
        C = "C", "C", "C";
    }
}

coded_enum! {
    /// What an inspection (年检/检查) found.
    InspectionResult {
        Passed = "passed", "合格", "Passed";
        Rectify = "rectify", "限期整改", "To rectify";
        Failed = "failed", "不合格", "Failed";
    }
}

/// How a vendor is tied to the centre (加盟类型), in the order forms list them.
pub const FRANCHISE_TYPES: &[&str] = &["加盟企业", "合作企业", "个体工商户"];

/// Rows per page of the vendor list when none is asked for, and the most one page holds.
pub const VENDOR_PAGE_DEFAULT: u32 = 50;
pub const VENDOR_PAGE_MAX: u32 = 200;
/// The most service categories one vendor offers.
pub const VENDOR_SERVICES_MAX: usize = 30;

/// Who reads the vendor registry: staff who send help (dispatch, intake, alarms), those who
/// keep it, and a vendor's own account (its own record only).
pub fn reads_vendors(user: &StaffUser) -> bool {
    user.sends_help() || user.can(Permission::ProviderRegistry) || own_vendor(user).is_some()
}

/// Who may take the vendor list as a file: a reader of the whole registry (not a vendor's
/// own account) with the export permission.
pub fn exports_vendors(user: &StaffUser) -> bool {
    (user.sends_help() || user.can(Permission::ProviderRegistry)) && user.can(Permission::Export)
}

/// The columns of the vendor list as a file, in order.
pub const VENDOR_EXPORT_HEADINGS: &[&str] = &[
    "企业编号",
    "企业名称",
    "类型",
    "加盟类型",
    "区县",
    "街道乡镇",
    "详细地址",
    "联系人",
    "联系电话",
    "服务热线",
    "网址",
    "资质",
    "服务区域关键字",
    "服务项目",
    "员工人数",
    "注册资金（元）",
    "居家养老服务",
    "义工单位",
    "状态",
    "信用等级",
    "特别推荐",
    "特殊问题",
    "特别提示",
    "中心意见",
    "经度",
    "纬度",
    "已评价单数",
    "平均评价",
    "在办工单",
    "登记日期",
];

/// The vendor a vendor account belongs to.
pub fn own_vendor(user: &StaffUser) -> Option<i64> {
    user.vendor_id.filter(|_| user.can(Permission::OrdersOwn))
}

/// A vendor list search as typed (query string): every field text, empty for "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VendorQuery {
    /// Part of the name, or a whole phone number.
    pub q: String,
    pub district: String,
    pub street: String,
    /// A service category code; its sub-categories count.
    pub category: String,
    pub status: String,
    pub page: String,
    pub per_page: String,
}

/// A checked [`VendorQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorFilter {
    /// Name contains this.
    pub name: Option<String>,
    /// A normalised phone number, when the search text is one.
    pub phone: Option<String>,
    pub district: Option<String>,
    pub street: Option<String>,
    pub category: Option<String>,
    pub status: Option<VendorStatus>,
    /// This vendor only (a vendor's own account; never from the query).
    pub only: Option<i64>,
    pub page: u32,
    pub per_page: u32,
}

impl VendorFilter {
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

pub(crate) fn digits_code(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    len: usize,
) -> Option<String> {
    match raw.trim() {
        "" => None,
        c if c.len() == len && c.bytes().all(|b| b.is_ascii_digit()) => Some(c.to_string()),
        _ => {
            errors.add(field, Problem::Unknown);
            None
        }
    }
}

/// A page number or page size from a query: `default` when blank, refused by `field`
/// outside 1..=`max`.
pub fn page_number(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    default: u32,
    max: u32,
) -> u32 {
    match raw.trim() {
        "" => default,
        t => match t.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                errors.add(
                    field,
                    Problem::OutOfRange {
                        min: 1,
                        max: i64::from(max),
                    },
                );
                default
            }
        },
    }
}

/// A registry search's text: a whole phone number when it reads as one, else part of a
/// name.
pub(crate) fn name_or_phone(q: Option<String>) -> (Option<String>, Option<String>) {
    match q {
        None => (None, None),
        Some(q) => match PhoneNumber::parse(&q) {
            Ok(p) if q.bytes().any(|b| b.is_ascii_digit()) => (None, Some(p.as_str().to_string())),
            _ => (Some(q), None),
        },
    }
}

impl VendorQuery {
    /// Checks every field; each wrong one is named.
    pub fn validate(&self) -> Result<VendorFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (name, phone) = name_or_phone(text_field(&mut errors, "q", &self.q, 40, false));
        let district = digits_code(&mut errors, "district", &self.district, 6);
        let street = digits_code(&mut errors, "street", &self.street, 9);
        let category = match self.category.trim() {
            "" => None,
            c if c.len() <= 8 && c.bytes().all(|b| b.is_ascii_digit()) => Some(c.to_string()),
            _ => {
                errors.add("category", Problem::Unknown);
                None
            }
        };
        let status = any_of(&mut errors, "status", &self.status, VendorStatus::from_code);
        let page = page_number(&mut errors, "page", &self.page, 1, 100_000);
        let per_page = page_number(
            &mut errors,
            "per_page",
            &self.per_page,
            VENDOR_PAGE_DEFAULT,
            VENDOR_PAGE_MAX,
        );
        errors.into_result(|| VendorFilter {
            name,
            phone,
            district,
            street,
            category,
            status,
            only: None,
            page,
            per_page,
        })
    }
}

/// A vendor's record as the form sends it (create or edit). Flags are `Some` when ticked
/// ("on", "true" or "1").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VendorInput {
    pub name: String,
    pub kind: String,
    pub franchise_type: String,
    pub district: String,
    pub street: String,
    pub address: String,
    pub phone: String,
    pub contact_name: String,
    pub hotline: String,
    pub website: String,
    pub qualification: String,
    /// Service-area keywords (服务区域关键字): streets, estates, villages it goes to.
    pub service_area: String,
    /// Category codes, level 2 or deeper.
    pub services: Vec<String>,
    pub staff_count: String,
    /// In yuan.
    pub registered_capital: String,
    #[serde(deserialize_with = "flag")]
    pub home_care: Option<String>,
    #[serde(deserialize_with = "flag")]
    pub volunteer: Option<String>,
    pub status: String,
    pub credit_grade: String,
    /// 信息设置: 特别推荐, 特殊问题, 特别提示, 中心意见.
    #[serde(deserialize_with = "flag")]
    pub special_recommend: Option<String>,
    #[serde(deserialize_with = "flag")]
    pub special_issue: Option<String>,
    pub special_prompt: String,
    pub centre_opinion: String,
    /// Both or neither; neither keeps the stored position (or, new, the street's or
    /// district's centre).
    pub lon: String,
    pub lat: String,
    /// The version the form was loaded at (edits only).
    pub version: String,
}

/// A checked vendor record, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorDraft {
    pub name: String,
    pub kind: VendorKind,
    pub franchise_type: String,
    pub district_code: String,
    pub street_code: Option<String>,
    pub address: String,
    pub phone: String,
    pub contact_name: String,
    pub hotline: Option<String>,
    pub website: Option<String>,
    pub qualification: Option<String>,
    pub service_area: Option<String>,
    pub services: Vec<String>,
    pub staff_count: i32,
    pub registered_capital: i64,
    pub home_care: bool,
    pub volunteer: bool,
    pub status: VendorStatus,
    pub credit_grade: CreditGrade,
    pub special_recommend: bool,
    pub special_issue: bool,
    pub special_prompt: Option<String>,
    pub centre_opinion: Option<String>,
    pub position: Option<Coordinates>,
}

/// A flag as a form sends it (a ticked box is "on", an unticked one is absent) or as JSON
/// (`true`/`false`).
pub(crate) fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    Ok(match Option::<Flag>::deserialize(d)? {
        None | Some(Flag::Bool(false)) => None,
        Some(Flag::Bool(true)) => Some("true".into()),
        Some(Flag::Text(t)) => Some(t),
    })
}

pub(crate) fn ticked(v: &Option<String>) -> bool {
    matches!(v.as_deref().map(str::trim), Some("on" | "true" | "1"))
}

fn whole_number(errors: &mut FieldErrors, field: &str, raw: &str, max: i64) -> i64 {
    match raw.trim().replace([',', '，'], "").as_str() {
        "" => {
            errors.add(field, Problem::Required);
            0
        }
        t => match t.parse::<i64>() {
            Ok(n) if (0..=max).contains(&n) => n,
            _ => {
                errors.add(field, Problem::OutOfRange { min: 0, max });
                0
            }
        },
    }
}

pub(crate) fn phone_field(
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
        t => match PhoneNumber::parse(t) {
            Ok(p) => Some(p.as_str().to_string()),
            Err(problem) => {
                errors.add(field, problem);
                None
            }
        },
    }
}

pub(crate) fn coded<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    if raw.trim().is_empty() {
        errors.add(field, Problem::Required);
        return None;
    }
    any_of(errors, field, raw, parse)
}

/// An optional coded field: empty is "any", an unknown code is named.
pub(crate) fn any_of<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    match raw.trim() {
        "" => None,
        t => {
            let found = parse(t);
            if found.is_none() {
                errors.add(field, Problem::Unknown);
            }
            found
        }
    }
}

/// A position typed as two numbers, both or neither, inside the city.
pub fn position_fields(errors: &mut FieldErrors, lon: &str, lat: &str) -> Option<Coordinates> {
    let (lon, lat) = (lon.trim(), lat.trim());
    if lon.is_empty() && lat.is_empty() {
        return None;
    }
    let mut number = |field: &str, raw: &str, (lo, hi): (f64, f64)| -> Option<f64> {
        if raw.is_empty() {
            errors.add(field, Problem::Required);
            return None;
        }
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Some(v),
            Ok(v) if v.is_finite() => {
                errors.add(field, Problem::OutsideCity);
                None
            }
            _ => {
                errors.add(field, Problem::BadCharacters);
                None
            }
        }
    };
    let lon = number("lon", lon, (CITY_EXTENT.west, CITY_EXTENT.east));
    let lat = number("lat", lat, (CITY_EXTENT.south, CITY_EXTENT.north));
    Coordinates::new(lon?, lat?).ok()
}

impl VendorInput {
    /// Checks every field of the form; each wrong one is named. Whether the district,
    /// street and services exist is the service's check (it has the code tables).
    pub fn validate(&self) -> Result<VendorDraft, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = text_field(&mut e, "name", &self.name, 60, true);
        let kind = coded(&mut e, "kind", &self.kind, VendorKind::from_code);
        let franchise_type = coded(&mut e, "franchise_type", &self.franchise_type, |t| {
            FRANCHISE_TYPES.contains(&t).then(|| t.to_string())
        });
        let district = digits_code(&mut e, "district", &self.district, 6);
        if self.district.trim().is_empty() {
            e.add("district", Problem::Required);
        }
        let street = digits_code(&mut e, "street", &self.street, 9);
        if let (Some(d), Some(s)) = (&district, &street) {
            if !s.starts_with(d.as_str()) {
                e.add("street", Problem::Mismatch);
            }
        }
        let address = text_field(&mut e, "address", &self.address, 120, true);
        let phone = phone_field(&mut e, "phone", &self.phone, true);
        let contact_name = text_field(&mut e, "contact_name", &self.contact_name, 20, true);
        let hotline = phone_field(&mut e, "hotline", &self.hotline, false);
        let website = text_field(&mut e, "website", &self.website, 120, false);
        if let Some(w) = &website {
            let rest = w
                .strip_prefix("https://")
                .or_else(|| w.strip_prefix("http://"));
            if !rest.is_some_and(|r| r.contains('.') && !r.contains(char::is_whitespace)) {
                e.add("website", Problem::BadWebAddress);
            }
        }
        let qualification = text_field(&mut e, "qualification", &self.qualification, 200, false);
        let service_area = text_field(&mut e, "service_area", &self.service_area, 200, false);
        let mut services: Vec<String> = self
            .services
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        services.sort();
        services.dedup();
        if services.is_empty() {
            e.add("services", Problem::Required);
        } else if services.len() > VENDOR_SERVICES_MAX {
            e.add(
                "services",
                Problem::OutOfRange {
                    min: 1,
                    max: VENDOR_SERVICES_MAX as i64,
                },
            );
        } else if services
            .iter()
            .any(|s| s.len() < 4 || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_digit()))
        {
            e.add("services", Problem::Unknown);
        }
        let staff_count = whole_number(&mut e, "staff_count", &self.staff_count, 100_000);
        let registered_capital = whole_number(
            &mut e,
            "registered_capital",
            &self.registered_capital,
            1_000_000_000_000,
        );
        let status = coded(&mut e, "status", &self.status, VendorStatus::from_code);
        let credit_grade = coded(
            &mut e,
            "credit_grade",
            &self.credit_grade,
            CreditGrade::from_code,
        );
        let special_prompt = text_field(&mut e, "special_prompt", &self.special_prompt, 200, false);
        let centre_opinion = text_field(&mut e, "centre_opinion", &self.centre_opinion, 500, false);
        let position = position_fields(&mut e, &self.lon, &self.lat);
        if !e.is_empty() {
            return Err(e);
        }
        Ok(VendorDraft {
            name: name.unwrap_or_default(),
            kind: kind.unwrap_or(VendorKind::Company),
            franchise_type: franchise_type.unwrap_or_default(),
            district_code: district.unwrap_or_default(),
            street_code: street,
            address: address.unwrap_or_default(),
            phone: phone.unwrap_or_default(),
            contact_name: contact_name.unwrap_or_default(),
            hotline,
            website,
            qualification,
            service_area,
            services,
            staff_count: i32::try_from(staff_count).unwrap_or(0),
            registered_capital,
            home_care: ticked(&self.home_care),
            volunteer: ticked(&self.volunteer),
            status: status.unwrap_or(VendorStatus::Active),
            credit_grade: credit_grade.unwrap_or(CreditGrade::A),
            special_recommend: ticked(&self.special_recommend),
            special_issue: ticked(&self.special_issue),
            special_prompt,
            centre_opinion,
            position,
        })
    }

    /// The form filled with a stored record (to edit it).
    pub fn from_detail(d: &VendorDetail) -> VendorInput {
        let flag = |b: bool| b.then(|| "on".to_string());
        VendorInput {
            name: d.name.clone(),
            kind: d.kind.as_code().into(),
            franchise_type: d.franchise_type.clone(),
            district: d.district_code.clone(),
            street: d.street_code.clone().unwrap_or_default(),
            address: d.address.clone(),
            phone: d.phone.clone(),
            contact_name: d.contact_name.clone(),
            hotline: d.hotline.clone().unwrap_or_default(),
            website: d.website.clone().unwrap_or_default(),
            qualification: d.qualification.clone().unwrap_or_default(),
            service_area: d.service_area.clone().unwrap_or_default(),
            services: d.services.iter().map(|(c, _)| c.clone()).collect(),
            staff_count: d.staff_count.to_string(),
            registered_capital: d.registered_capital.to_string(),
            home_care: flag(d.home_care),
            volunteer: flag(d.volunteer),
            status: d.status.as_code().into(),
            credit_grade: d.credit_grade.as_code().into(),
            special_recommend: flag(d.special_recommend),
            special_issue: flag(d.special_issue),
            special_prompt: d.special_prompt.clone().unwrap_or_default(),
            centre_opinion: d.centre_opinion.clone().unwrap_or_default(),
            lon: String::new(),
            lat: String::new(),
            version: d.version.to_string(),
        }
    }
}

impl VendorDraft {
    /// What a vendor's own account may not change: the draft with those fields taken from
    /// the stored record (name, form, region, services, standing and the centre's notes).
    pub fn keep_centre_fields(self, stored: &VendorDraft) -> VendorDraft {
        VendorDraft {
            address: self.address,
            phone: self.phone,
            contact_name: self.contact_name,
            hotline: self.hotline,
            website: self.website,
            qualification: self.qualification,
            service_area: self.service_area,
            staff_count: self.staff_count,
            ..stored.clone()
        }
    }
}

/// The fields of a vendor's own account may change (the rest are the centre's).
pub const VENDOR_OWN_FIELDS: &[&str] = &[
    "address",
    "phone",
    "contact_name",
    "hotline",
    "website",
    "qualification",
    "service_area",
    "staff_count",
];

/// A member of a vendor's staff (服务人员), as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VendorStaffInput {
    pub name: String,
    pub phone: String,
    /// What they do (保洁员, 维修工, 护理员…).
    pub job: String,
    /// Still with the vendor; unticked keeps the record (ratings point at it) but takes
    /// them off the list of who can be sent.
    #[serde(deserialize_with = "flag")]
    pub active: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorStaffDraft {
    pub name: String,
    pub phone: String,
    pub job: String,
    pub active: bool,
}

impl VendorStaffInput {
    pub fn validate(&self) -> Result<VendorStaffDraft, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = text_field(&mut e, "name", &self.name, 20, true);
        let phone = phone_field(&mut e, "phone", &self.phone, true);
        let job = text_field(&mut e, "job", &self.job, 20, true);
        e.into_result(|| VendorStaffDraft {
            name: name.unwrap_or_default(),
            phone: phone.unwrap_or_default(),
            job: job.unwrap_or_default(),
            active: ticked(&self.active),
        })
    }
}

/// An inspection of a vendor, as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InspectionInput {
    /// `YYYY-MM-DD`, not after today.
    pub inspected_on: String,
    pub result: String,
    pub inspector: String,
    pub note: String,
    /// The next inspection falls due (optional, after the inspection).
    pub next_due: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionDraft {
    pub inspected_on: NaiveDate,
    pub result: InspectionResult,
    pub inspector: String,
    pub note: Option<String>,
    pub next_due: Option<NaiveDate>,
}

fn date_field(e: &mut FieldErrors, field: &str, raw: &str, required: bool) -> Option<NaiveDate> {
    match raw.trim() {
        "" => {
            if required {
                e.add(field, Problem::Required);
            }
            None
        }
        t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                e.add(field, Problem::BadDate);
                None
            }
        },
    }
}

impl InspectionInput {
    /// `today` is the China date: an inspection is recorded after it took place.
    pub fn validate(&self, today: NaiveDate) -> Result<InspectionDraft, FieldErrors> {
        let mut e = FieldErrors::new();
        let inspected_on = date_field(&mut e, "inspected_on", &self.inspected_on, true);
        if inspected_on.is_some_and(|d| d > today) {
            e.add("inspected_on", Problem::InFuture);
        }
        let result = coded(&mut e, "result", &self.result, InspectionResult::from_code);
        let inspector = text_field(&mut e, "inspector", &self.inspector, 20, true);
        let note = text_field(&mut e, "note", &self.note, 500, false);
        let next_due = date_field(&mut e, "next_due", &self.next_due, false);
        if let (Some(on), Some(due)) = (inspected_on, next_due) {
            if due <= on {
                e.add("next_due", Problem::NotInFuture);
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(InspectionDraft {
            inspected_on: inspected_on.unwrap_or(today),
            result: result.unwrap_or(InspectionResult::Passed),
            inspector: inspector.unwrap_or_default(),
            note,
            next_due,
        })
    }
}

/// One line of the vendor list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorSummary {
    pub id: i64,
    pub name: String,
    pub district_name: String,
    pub street_name: Option<String>,
    pub phone: String,
    pub contact_name: String,
    pub status: VendorStatus,
    pub credit_grade: CreditGrade,
    pub special_recommend: bool,
    pub special_issue: bool,
    /// Average callback score (1–5) over `rated` rated orders.
    pub rating: Option<f32>,
    pub rated: u32,
    pub open_orders: u32,
}

/// One page of the vendor list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<VendorSummary>,
}

impl VendorPage {
    pub fn pages(&self) -> u32 {
        crate::page_count(self.total, self.per_page)
    }
}

/// A vendor's staff member as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorStaff {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub job: String,
    pub active: bool,
}

/// An inspection as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorInspection {
    pub id: i64,
    pub inspected_on: NaiveDate,
    pub result: InspectionResult,
    pub inspector: String,
    pub note: Option<String>,
    pub next_due: Option<NaiveDate>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// One order (a part of a case) the vendor was given: its service history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorOrder {
    pub tracking_number: String,
    pub category_name: String,
    pub assigned_at: DateTime<Utc>,
    /// The part's status code (dispatched, confirmed, fed_back…).
    pub status: String,
    pub closed: bool,
    /// Price, punctuality and attitude (1–5 each), when the callback rated them.
    pub scores: Option<(i32, i32, i32)>,
}

/// What callbacks said of the vendor's work.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VendorRatings {
    pub rated: u32,
    pub price: Option<f32>,
    pub punctuality: Option<f32>,
    pub attitude: Option<f32>,
    /// Orders given in all, and those still open.
    pub orders: u32,
    pub open_orders: u32,
}

impl VendorRatings {
    /// The three scores' mean.
    pub fn overall(&self) -> Option<f32> {
        Some((self.price? + self.punctuality? + self.attitude?) / 3.0)
    }
}

/// A vendor's whole record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorDetail {
    pub id: i64,
    pub name: String,
    pub kind: VendorKind,
    pub franchise_type: String,
    pub district_code: String,
    pub district_name: String,
    pub street_code: Option<String>,
    pub street_name: Option<String>,
    pub address: String,
    pub phone: String,
    pub contact_name: String,
    pub hotline: Option<String>,
    pub website: Option<String>,
    pub qualification: Option<String>,
    pub service_area: Option<String>,
    /// `(code, name)`.
    pub services: Vec<(String, String)>,
    pub staff_count: i32,
    pub registered_capital: i64,
    pub home_care: bool,
    pub volunteer: bool,
    pub status: VendorStatus,
    pub credit_grade: CreditGrade,
    pub special_recommend: bool,
    pub special_issue: bool,
    pub special_prompt: Option<String>,
    pub centre_opinion: Option<String>,
    pub position: Coordinates,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub staff: Vec<VendorStaff>,
    pub inspections: Vec<VendorInspection>,
    pub ratings: VendorRatings,
    /// The latest orders, newest first.
    pub orders: Vec<VendorOrder>,
    /// What the reader may change: `None`, the vendor's own fields, or all.
    pub editable: VendorEdit,
}

/// How much of a vendor record a reader may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VendorEdit {
    Nothing,
    /// The vendor's own account: contact details and staff.
    Own,
    /// The registry's keepers: everything, inspections too.
    All,
}

impl VendorEdit {
    pub fn of(user: &StaffUser, vendor_id: i64) -> VendorEdit {
        if user.can(Permission::ProviderRegistry) {
            VendorEdit::All
        } else if own_vendor(user) == Some(vendor_id) {
            VendorEdit::Own
        } else {
            VendorEdit::Nothing
        }
    }
}

impl VendorDetail {
    /// The record as a checked draft (what an edit starts from).
    pub fn draft(&self) -> VendorDraft {
        VendorDraft {
            name: self.name.clone(),
            kind: self.kind,
            franchise_type: self.franchise_type.clone(),
            district_code: self.district_code.clone(),
            street_code: self.street_code.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            contact_name: self.contact_name.clone(),
            hotline: self.hotline.clone(),
            website: self.website.clone(),
            qualification: self.qualification.clone(),
            service_area: self.service_area.clone(),
            services: self.services.iter().map(|(c, _)| c.clone()).collect(),
            staff_count: self.staff_count,
            registered_capital: self.registered_capital,
            home_care: self.home_care,
            volunteer: self.volunteer,
            status: self.status,
            credit_grade: self.credit_grade,
            special_recommend: self.special_recommend,
            special_issue: self.special_issue,
            special_prompt: self.special_prompt.clone(),
            centre_opinion: self.centre_opinion.clone(),
            position: Some(self.position),
        }
    }
}

/// What the vendor form and the list's filters choose from: the active service categories
/// (every level, parents first) and the districts and streets, by code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorChoices {
    pub categories: Vec<crate::Category>,
    pub regions: Vec<crate::Region>,
}

/// A status's label in a language (for pages that hold only the code).
pub fn vendor_status_label(code: &str, lang: Lang) -> &'static str {
    VendorStatus::from_code(code).map_or("", |s| s.label(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> VendorInput {
        VendorInput {
            name: "咸阳市秦都区好帮手家政服务有限公司".into(),
            kind: "company".into(),
            franchise_type: "加盟企业".into(),
            district: "610402".into(),
            street: "610402001".into(),
            address: "人民路 12 号".into(),
            phone: "13800000000".into(),
            contact_name: "王丽".into(),
            services: vec!["0501".into(), "0502".into(), "0501".into()],
            staff_count: "12".into(),
            registered_capital: "500,000".into(),
            status: "active".into(),
            credit_grade: "AA".into(),
            ..VendorInput::default()
        }
    }

    #[test]
    fn a_full_form_is_a_draft() {
        let d = good().validate().unwrap();
        assert_eq!(d.services, vec!["0501", "0502"]);
        assert_eq!(d.registered_capital, 500_000);
        assert_eq!(d.credit_grade, CreditGrade::Aa);
        assert!(!d.home_care && d.position.is_none());
    }

    #[test]
    fn every_wrong_field_is_named() {
        let input = VendorInput {
            name: String::new(),
            kind: "bank".into(),
            street: "610403001".into(),
            phone: "12".into(),
            website: "www.example.com".into(),
            services: vec![],
            staff_count: "-1".into(),
            credit_grade: "D".into(),
            lon: "120".into(),
            ..good()
        };
        let e = input.validate().unwrap_err();
        assert_eq!(e.get("name"), Some(&Problem::Required));
        assert_eq!(e.get("kind"), Some(&Problem::Unknown));
        assert_eq!(e.get("street"), Some(&Problem::Mismatch));
        assert_eq!(e.get("phone"), Some(&Problem::BadPhone));
        assert_eq!(e.get("website"), Some(&Problem::BadWebAddress));
        assert_eq!(e.get("services"), Some(&Problem::Required));
        assert!(matches!(
            e.get("staff_count"),
            Some(Problem::OutOfRange { .. })
        ));
        assert_eq!(e.get("credit_grade"), Some(&Problem::Unknown));
        assert_eq!(e.get("lon"), Some(&Problem::OutsideCity));
        assert_eq!(e.get("lat"), Some(&Problem::Required));
    }

    #[test]
    fn a_vendor_account_changes_its_contact_details_only() {
        let stored = good().validate().unwrap();
        let mut theirs = good();
        theirs.name = "别的名字".into();
        theirs.credit_grade = "AAA".into();
        theirs.phone = "029-33212345".into();
        let kept = theirs.validate().unwrap().keep_centre_fields(&stored);
        assert_eq!(kept.name, stored.name);
        assert_eq!(kept.credit_grade, CreditGrade::Aa);
        assert_eq!(kept.phone, "029-33212345");
    }

    #[test]
    fn searches_tell_names_from_phones() {
        let f = VendorQuery {
            q: "家政".into(),
            ..VendorQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(f.name.as_deref(), Some("家政"));
        let f = VendorQuery {
            q: "138 0000 0000".into(),
            status: "suspended".into(),
            ..VendorQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(f.phone.as_deref(), Some("13800000000"));
        assert_eq!(f.status, Some(VendorStatus::Suspended));
        let e = VendorQuery {
            status: "gone".into(),
            page: "0".into(),
            ..VendorQuery::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.get("status").is_some() && e.get("page").is_some());
    }

    #[test]
    fn inspections_are_dated_in_the_past_and_fall_due_after() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let input = InspectionInput {
            inspected_on: "2026-12-08".into(),
            result: "passed".into(),
            inspector: "李明".into(),
            next_due: "2026-12-01".into(),
            ..InspectionInput::default()
        };
        let e = input.validate(today).unwrap_err();
        assert_eq!(e.get("inspected_on"), Some(&Problem::InFuture));
        assert_eq!(e.get("next_due"), Some(&Problem::NotInFuture));
        let ok = InspectionInput {
            inspected_on: "2026-12-01".into(),
            next_due: "2027-12-01".into(),
            ..input
        }
        .validate(today)
        .unwrap();
        assert_eq!(ok.result, InspectionResult::Passed);
    }
}
