//! Administration: users, roles, departments, the code tables, the SMS outbox, and the
//! audit log search.

// A server function's arguments are its form's fields.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::support::{checked, fail, form, hotline, optional_id, saved, staff};
use super::{AuditOutcome, Saved};

#[server(prefix = "/api/fn", endpoint = "sms_outbox")]
pub async fn sms_outbox() -> Result<Vec<hotline_domain::SmsMessage>, ServerFnError> {
    let staff = staff()?;
    hotline()?.sms_outbox(&staff.user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "search_audit")]
pub async fn search_audit(
    actor: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> Result<AuditOutcome, ServerFnError> {
    let staff = staff()?;
    let query = hotline_core::audit::AuditQuery {
        actor: actor.unwrap_or_default(),
        object_type: object_type.unwrap_or_default(),
        object_id: object_id.unwrap_or_default(),
        from: from.unwrap_or_default(),
        until: until.unwrap_or_default(),
        limit: Some(500),
    };
    let result = match query.to_filter(500) {
        Ok(filter) => hotline()?.audit_search(&staff.user, &filter).await,
        Err(errors) => Err(hotline_core::ServiceError::Invalid(errors)),
    };
    form(result)
}

/// What the users page needs: the users, and the departments and vendors to link them to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsersData {
    /// The page the search asked for, or what to fix in the search.
    pub found: super::FormOutcome<hotline_domain::UserPage>,
    /// The account being edited (`?edit=id`), wherever it is in the list.
    pub editing: Option<hotline_domain::UserRecord>,
    pub departments: Vec<hotline_domain::Department>,
    pub vendors: Vec<(i64, String)>,
}

#[server(prefix = "/api/fn", endpoint = "admin_users")]
pub async fn admin_users(
    query: hotline_domain::UserQuery,
    edit: Option<i64>,
) -> Result<UsersData, ServerFnError> {
    let staff = staff()?;
    let hotline = hotline()?;
    let editing = match edit {
        None => None,
        Some(id) => match hotline.user_record(&staff.user, id).await {
            Ok(record) => Some(record),
            Err(hotline_core::ServiceError::NotFound) => None,
            Err(e) => return Err(fail(e)),
        },
    };
    Ok(UsersData {
        found: form(hotline.user_page(&staff.user, &query).await)?,
        editing,
        departments: hotline.departments(&staff.user).await.map_err(fail)?,
        vendors: hotline.vendor_names(&staff.user).await.map_err(fail)?,
    })
}

#[server(prefix = "/api/fn", endpoint = "save_user")]
pub async fn save_user(
    id: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
    role: Option<String>,
    department_id: Option<String>,
    vendor_id: Option<String>,
    password: Option<String>,
    active: Option<String>,
) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    let input = hotline_domain::UserInput {
        username: username.unwrap_or_default(),
        display_name: display_name.unwrap_or_default(),
        role: role.unwrap_or_default(),
        department_id: department_id.unwrap_or_default(),
        vendor_id: vendor_id.unwrap_or_default(),
        password: password.unwrap_or_default(),
        active: checked(&active),
    };
    let hotline = hotline()?;
    match optional_id(&id)? {
        None => saved(
            hotline
                .create_user(&staff.user, &input, &staff.origin)
                .await,
        ),
        Some(id) => saved(
            hotline
                .update_user(&staff.user, id, &input, &staff.origin)
                .await,
        ),
    }
}

#[server(prefix = "/api/fn", endpoint = "unlock_user")]
pub async fn unlock_user(id: i64) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    saved(hotline()?.unlock_user(&staff.user, id, &staff.origin).await)
}

#[server(prefix = "/api/fn", endpoint = "admin_roles")]
pub async fn admin_roles(
) -> Result<Vec<(hotline_domain::Role, Vec<hotline_domain::Permission>)>, ServerFnError> {
    let staff = staff()?;
    hotline()?.role_permissions(&staff.user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "save_role")]
pub async fn save_role(
    role: String,
    permissions: Option<Vec<String>>,
) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    saved(
        hotline()?
            .set_role_permissions(
                &staff.user,
                &role,
                &permissions.unwrap_or_default(),
                &staff.origin,
            )
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "admin_departments")]
pub async fn admin_departments() -> Result<Vec<hotline_domain::Department>, ServerFnError> {
    let staff = staff()?;
    hotline()?.departments(&staff.user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "save_department")]
pub async fn save_department(
    id: Option<String>,
    code: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    active: Option<String>,
) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    let input = hotline_domain::DepartmentInput {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        active: checked(&active),
    };
    let id = optional_id(&id)?;
    saved(
        hotline()?
            .save_department(&staff.user, id, &input, &staff.origin)
            .await,
    )
}

/// The code tables: the whole service catalogue, the dispositions, the districts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodesData {
    pub categories: Vec<hotline_domain::CodeEntry>,
    pub dispositions: Vec<hotline_domain::CodeEntry>,
    pub districts: Vec<hotline_domain::Region>,
}

#[server(prefix = "/api/fn", endpoint = "admin_codes")]
pub async fn admin_codes() -> Result<CodesData, ServerFnError> {
    let staff = staff()?;
    let hotline = hotline()?;
    let (categories, dispositions) = hotline.code_tables(&staff.user).await.map_err(fail)?;
    let districts = hotline.form_options().await.map_err(fail)?.districts;
    Ok(CodesData {
        categories,
        dispositions,
        districts,
    })
}

#[server(prefix = "/api/fn", endpoint = "save_category")]
pub async fn save_category(
    code: Option<String>,
    parent_code: Option<String>,
    name_zh: Option<String>,
    name_en: Option<String>,
    active: Option<String>,
    urgent: Option<String>,
    confirm_amount: Option<String>,
    confirm_unit: Option<String>,
    handling_amount: Option<String>,
    handling_unit: Option<String>,
    callback_amount: Option<String>,
    callback_unit: Option<String>,
) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    // A limit is an amount and a unit; an empty amount leaves it to the parent category.
    let mut errors = hotline_domain::FieldErrors::new();
    let mut limit = |field: &str, amount: Option<String>, unit: Option<String>| {
        let amount = amount.unwrap_or_default();
        if amount.trim().is_empty() {
            return None;
        }
        let unit = unit
            .as_deref()
            .and_then(hotline_domain::LimitUnit::from_code);
        match (amount.trim().parse::<u32>(), unit) {
            (Ok(n), Some(unit)) => Some(hotline_domain::Limit::new(n, unit)),
            _ => {
                errors.add(field, hotline_domain::Problem::Unknown);
                None
            }
        }
    };
    let limits = hotline_domain::CategoryLimits {
        confirm: limit("confirm_amount", confirm_amount, confirm_unit),
        handling: limit("handling_amount", handling_amount, handling_unit),
        callback: limit("callback_amount", callback_amount, callback_unit),
    };
    if !errors.is_empty() {
        return saved::<()>(Err(hotline_core::ServiceError::Invalid(errors)));
    }
    let entry = hotline_domain::CodeEntry {
        code: code.unwrap_or_default(),
        parent_code: parent_code.filter(|p| !p.trim().is_empty()),
        level: 0,
        name_zh: name_zh.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        active: checked(&active),
        urgent: checked(&urgent),
        limits,
    };
    saved(
        hotline()?
            .save_category(&staff.user, &entry, &staff.origin)
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "save_disposition")]
pub async fn save_disposition(
    code: Option<String>,
    name_zh: Option<String>,
    name_en: Option<String>,
    active: Option<String>,
) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    let entry = hotline_domain::CodeEntry {
        code: code.unwrap_or_default(),
        parent_code: None,
        level: 1,
        name_zh: name_zh.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        active: checked(&active),
        urgent: false,
        limits: Default::default(),
    };
    saved(
        hotline()?
            .save_disposition(&staff.user, &entry, &staff.origin)
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "rename_region")]
pub async fn rename_region(
    code: Option<String>,
    name: Option<String>,
) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    saved(
        hotline()?
            .rename_region(
                &staff.user,
                &code.unwrap_or_default(),
                &name.unwrap_or_default(),
                &staff.origin,
            )
            .await,
    )
}

/// A year of the working calendar; this year when none is asked for.
#[server(prefix = "/api/fn", endpoint = "admin_calendar")]
pub async fn admin_calendar(
    year: Option<i32>,
) -> Result<hotline_domain::calendar::CalendarYear, ServerFnError> {
    let staff = staff()?;
    let hotline = hotline()?;
    let year = year.unwrap_or_else(|| hotline.current_year());
    hotline.calendar_year(&staff.user, year).await.map_err(fail)
}

/// Enters or changes one date of the calendar (a form: `date` YYYY-MM-DD, `kind`
/// holiday/workday, `name`).
#[server(prefix = "/api/fn", endpoint = "save_calendar_day")]
pub async fn save_calendar_day(
    date: Option<String>,
    kind: Option<String>,
    name: Option<String>,
) -> Result<Saved, ServerFnError> {
    use hotline_core::ServiceError;
    use hotline_domain::{CalendarDay, DayKind, Problem};
    let staff = staff()?;
    let date = date.unwrap_or_default();
    let Ok(date) = date.trim().parse() else {
        return saved::<()>(Err(ServiceError::field("date", Problem::BadDate)));
    };
    let Some(kind) = DayKind::from_code(kind.as_deref().unwrap_or_default().trim()) else {
        return saved::<()>(Err(ServiceError::field("kind", Problem::Unknown)));
    };
    let day = CalendarDay {
        date,
        kind,
        name: name.unwrap_or_default(),
    };
    saved(
        hotline()?
            .put_calendar_day(&staff.user, &day, &staff.origin)
            .await,
    )
}

/// Removes one date's entry.
#[server(prefix = "/api/fn", endpoint = "remove_calendar_day")]
pub async fn remove_calendar_day(date: Option<String>) -> Result<Saved, ServerFnError> {
    use hotline_core::ServiceError;
    let staff = staff()?;
    let Ok(date) = date.unwrap_or_default().trim().parse() else {
        return saved::<()>(Err(ServiceError::field(
            "date",
            hotline_domain::Problem::BadDate,
        )));
    };
    saved(
        hotline()?
            .remove_calendar_day(&staff.user, date, &staff.origin)
            .await,
    )
}

/// The Open311 keys issued (SPEC I2), newest first.
#[server(prefix = "/api/fn", endpoint = "admin_api_keys")]
pub async fn admin_api_keys() -> Result<Vec<hotline_domain::ApiKeyView>, ServerFnError> {
    let staff = staff()?;
    hotline()?.api_keys(&staff.user).await.map_err(fail)
}

/// Issues a key; the answer carries the key itself, this once.
#[server(prefix = "/api/fn", endpoint = "issue_api_key")]
pub async fn issue_api_key(
    label: Option<String>,
) -> Result<super::FormOutcome<hotline_domain::IssuedApiKey>, ServerFnError> {
    let staff = staff()?;
    let input = hotline_domain::ApiKeyInput {
        label: label.unwrap_or_default(),
    };
    form(
        hotline()?
            .issue_api_key(&staff.user, &input, &staff.origin)
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<Saved, ServerFnError> {
    let staff = staff()?;
    saved(
        hotline()?
            .revoke_api_key(&staff.user, id, &staff.origin)
            .await,
    )
}
