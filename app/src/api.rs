//! Server functions: one or two lines each, calling the service layer in `hotline-core`.

// A server function's arguments are its form's fields.
#![allow(clippy::too_many_arguments)]

use hotline_domain::{FieldErrors, FiledRequest, FormOptions, RequestSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The answer to a filing: the tracking number, or what to fix. Validation problems are a
/// normal answer (not a server error), so the form can show them next to the fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FileOutcome {
    Filed(FiledRequest),
    Invalid(FieldErrors),
}

#[cfg(feature = "ssr")]
fn hotline() -> Result<hotline_core::Hotline, ServerFnError> {
    use_context::<hotline_core::Hotline>()
        .ok_or_else(|| ServerFnError::new("platform state missing from the request context"))
}

/// Logs the real cause and gives the browser a message that reveals nothing internal.
#[cfg(feature = "ssr")]
fn internal(error: hotline_core::ServiceError) -> ServerFnError {
    tracing::error!(%error, "server function failed");
    ServerFnError::new("internal error")
}

#[server(prefix = "/api/fn", endpoint = "form_options")]
pub async fn load_form_options() -> Result<FormOptions, ServerFnError> {
    hotline()?.form_options().await.map_err(internal)
}

#[server(prefix = "/api/fn", endpoint = "file_request")]
pub async fn file_request(
    category: Option<String>,
    content: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    district: Option<String>,
    address: Option<String>,
    anonymous: Option<String>,
) -> Result<FileOutcome, ServerFnError> {
    use hotline_core::ServiceError;
    let input = hotline_domain::NewRequestInput {
        category: category.unwrap_or_default(),
        content: content.unwrap_or_default(),
        contact_name: contact_name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        district: district.unwrap_or_default(),
        address: address.unwrap_or_default(),
        // A checked box sends "on"; scripts may send "true". Anything else is "no".
        anonymous: matches!(anonymous.as_deref(), Some("on" | "true")),
    };
    let origin = hotline_core::Origin::citizen(hotline_domain::Channel::Web, client_address());
    match hotline()?
        .file_request(&input, hotline_domain::Channel::Web, &origin)
        .await
    {
        Ok(filed) => Ok(FileOutcome::Filed(filed)),
        Err(ServiceError::Invalid(errors)) => Ok(FileOutcome::Invalid(errors)),
        Err(other) => Err(internal(other)),
    }
}

#[server(prefix = "/api/fn", endpoint = "new_requests")]
pub async fn new_requests() -> Result<Vec<RequestSummary>, ServerFnError> {
    let agent = staff()?;
    hotline()?.new_requests(&agent).await.map_err(fail)
}

// ---- signed-in staff ------------------------------------------------------------------

/// The answer to a save: done, or what to fix (shown next to the fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Saved {
    Done,
    Invalid(FieldErrors),
}

/// The signed-in staff member of this request. The route rules already refused anyone
/// not allowed; the services check again.
#[cfg(feature = "ssr")]
fn staff() -> Result<hotline_domain::StaffUser, ServerFnError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<hotline_core::auth::CurrentUser>()
                .cloned()
        })
        .and_then(|current| current.0)
        .ok_or_else(|| ServerFnError::new("sign in first"))
}

/// The client's address as the HTTP layer resolved it (the proxy's `X-Forwarded-For` hop
/// when configured to trust one).
#[cfg(feature = "ssr")]
fn client_address() -> Option<String> {
    use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<hotline_core::auth::ClientAddress>()
            .and_then(|a| a.0.clone())
    })
}

/// Who acts, from where, for the audit log.
#[cfg(feature = "ssr")]
fn origin(user: &hotline_domain::StaffUser) -> hotline_core::Origin {
    hotline_core::Origin {
        actor: user.actor(),
        address: client_address(),
    }
}

/// A service error as the browser may see it: refusals by name, anything else logged and
/// reported as an internal error (database text never reaches the browser).
#[cfg(feature = "ssr")]
fn fail(error: hotline_core::ServiceError) -> ServerFnError {
    use hotline_core::ServiceError;
    match error {
        ServiceError::Forbidden => ServerFnError::new("forbidden"),
        ServiceError::NotFound => ServerFnError::new("not found"),
        ServiceError::Invalid(errors) => ServerFnError::new(errors.to_string()),
        other => internal(other),
    }
}

/// Field errors are an answer; "forbidden" and "not found" are errors the page shows.
#[cfg(feature = "ssr")]
fn saved(result: Result<impl Sized, hotline_core::ServiceError>) -> Result<Saved, ServerFnError> {
    use hotline_core::ServiceError;
    match result {
        Ok(_) => Ok(Saved::Done),
        Err(ServiceError::Invalid(errors)) => Ok(Saved::Invalid(errors)),
        Err(ServiceError::Forbidden) => Err(ServerFnError::new("forbidden")),
        Err(ServiceError::NotFound) => Err(ServerFnError::new("not found")),
        Err(other) => Err(internal(other)),
    }
}

/// The id of a record a form edits: none for a new one; one that is no number is not found.
#[cfg(feature = "ssr")]
fn optional_id(raw: &Option<String>) -> Result<Option<i64>, ServerFnError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => raw
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ServerFnError::new("not found")),
        None => Ok(None),
    }
}

#[cfg(feature = "ssr")]
fn checked(raw: &Option<String>) -> bool {
    matches!(raw.as_deref(), Some("on" | "true"))
}

#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<hotline_domain::StaffUser>, ServerFnError> {
    Ok(staff().ok())
}

/// The outcome of a citizen's tracking lookup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TrackOutcome {
    Found(hotline_domain::TrackedRequest),
    /// No request with this number and phone (the two cases are not told apart).
    NoMatch,
    Invalid(FieldErrors),
}

#[server(prefix = "/api/fn", endpoint = "track_request")]
pub async fn track_request(
    tracking_number: Option<String>,
    phone: Option<String>,
) -> Result<TrackOutcome, ServerFnError> {
    let query = hotline_domain::TrackingQuery {
        tracking_number: tracking_number.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
    };
    match hotline()?.track_request(&query).await {
        Ok(Some(found)) => Ok(TrackOutcome::Found(found)),
        Ok(None) => Ok(TrackOutcome::NoMatch),
        Err(hotline_core::ServiceError::Invalid(errors)) => Ok(TrackOutcome::Invalid(errors)),
        Err(other) => Err(internal(other)),
    }
}

#[server(prefix = "/api/fn", endpoint = "list_cases", input = leptos::server_fn::codec::Json)]
pub async fn list_cases(
    query: hotline_domain::CaseQuery,
) -> Result<Vec<hotline_domain::CaseListItem>, ServerFnError> {
    let user = staff()?;
    hotline()?.cases_for(&user, &query).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "case_counts")]
pub async fn case_counts() -> Result<hotline_domain::CaseCounts, ServerFnError> {
    let user = staff()?;
    hotline()?.case_counts(&user).await.map_err(fail)
}

/// The answer to a case step: the case as it now stands, what to fix, or why the step is
/// not possible now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ActOutcome {
    Done(Box<hotline_domain::CaseDetail>),
    Invalid(FieldErrors),
    Refused(String),
}

#[server(prefix = "/api/fn", endpoint = "case_action", input = leptos::server_fn::codec::Json)]
pub async fn case_action(
    tracking_number: String,
    action: hotline_domain::CaseAction,
) -> Result<ActOutcome, ServerFnError> {
    use hotline_core::ServiceError;
    let user = staff()?;
    let lang = crate::i18n::request_lang();
    match hotline()?
        .act(&user, &tracking_number, &action, &origin(&user))
        .await
    {
        Ok(detail) => Ok(ActOutcome::Done(Box::new(detail))),
        Err(ServiceError::Invalid(errors)) => Ok(ActOutcome::Invalid(errors)),
        Err(ServiceError::Flow(e)) => Ok(ActOutcome::Refused(e.message(lang))),
        Err(ServiceError::Conflict) => Ok(ActOutcome::Refused(
            lang.pick(
                "案件刚被他人修改，请刷新后重试",
                "The case was just changed by someone else; reload and try again",
            )
            .to_string(),
        )),
        Err(e) => Err(fail(e)),
    }
}

#[server(prefix = "/api/fn", endpoint = "dispatch_targets")]
pub async fn dispatch_targets() -> Result<hotline_domain::DispatchTargets, ServerFnError> {
    let user = staff()?;
    hotline()?.dispatch_targets(&user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<Vec<hotline_domain::Notification>, ServerFnError> {
    let user = staff()?;
    hotline()?.notifications_for(&user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "sms_outbox")]
pub async fn sms_outbox() -> Result<Vec<hotline_domain::SmsMessage>, ServerFnError> {
    let user = staff()?;
    hotline()?.sms_outbox(&user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "get_case")]
pub async fn get_case(
    tracking_number: String,
) -> Result<Option<hotline_domain::CaseDetail>, ServerFnError> {
    let user = staff()?;
    match hotline()?.case_for(&user, &tracking_number).await {
        Ok(detail) => Ok(Some(detail)),
        Err(hotline_core::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

#[server(prefix = "/api/fn", endpoint = "reveal_phone")]
pub async fn reveal_phone(tracking_number: String) -> Result<String, ServerFnError> {
    let user = staff()?;
    hotline()?
        .reveal_case_phone(&user, &tracking_number, &origin(&user))
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "list_elderly")]
pub async fn list_elderly(
    district: Option<String>,
) -> Result<Vec<hotline_domain::ElderlySummary>, ServerFnError> {
    let user = staff()?;
    hotline()?
        .elderly_for(&user, district.as_deref())
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "get_elderly")]
pub async fn get_elderly(id: i64) -> Result<Option<hotline_domain::ElderlyDetail>, ServerFnError> {
    let user = staff()?;
    match hotline()?.elderly_record(&user, id, &origin(&user)).await {
        Ok(detail) => Ok(Some(detail)),
        Err(hotline_core::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

/// An audit search: the entries, or which filter field is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AuditOutcome {
    Entries(Vec<hotline_domain::AuditEntry>),
    Invalid(FieldErrors),
}

#[server(prefix = "/api/fn", endpoint = "search_audit")]
pub async fn search_audit(
    actor: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> Result<AuditOutcome, ServerFnError> {
    let user = staff()?;
    let query = hotline_core::audit::AuditQuery {
        actor: actor.unwrap_or_default(),
        object_type: object_type.unwrap_or_default(),
        object_id: object_id.unwrap_or_default(),
        from: from.unwrap_or_default(),
        until: until.unwrap_or_default(),
        limit: Some(500),
    };
    let filter = match query.to_filter(500) {
        Ok(filter) => filter,
        Err(errors) => return Ok(AuditOutcome::Invalid(errors)),
    };
    hotline()?
        .audit_search(&user, &filter)
        .await
        .map(AuditOutcome::Entries)
        .map_err(fail)
}

/// What the users page needs: the users, and the departments and vendors to link them to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsersData {
    pub users: Vec<hotline_domain::UserRecord>,
    pub departments: Vec<hotline_domain::Department>,
    pub vendors: Vec<(i64, String)>,
}

#[server(prefix = "/api/fn", endpoint = "admin_users")]
pub async fn admin_users() -> Result<UsersData, ServerFnError> {
    let user = staff()?;
    let hotline = hotline()?;
    let err = fail;
    Ok(UsersData {
        users: hotline.users(&user).await.map_err(err)?,
        departments: hotline.departments(&user).await.map_err(err)?,
        vendors: hotline.vendor_names(&user).await.map_err(err)?,
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
    let user = staff()?;
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
    match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => saved(hotline.create_user(&user, &input, &origin(&user)).await),
        Some(id) => {
            let id: i64 = id.parse().map_err(|_| ServerFnError::new("bad id"))?;
            saved(hotline.update_user(&user, id, &input, &origin(&user)).await)
        }
    }
}

#[server(prefix = "/api/fn", endpoint = "unlock_user")]
pub async fn unlock_user(id: i64) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    saved(hotline()?.unlock_user(&user, id, &origin(&user)).await)
}

#[server(prefix = "/api/fn", endpoint = "admin_roles")]
pub async fn admin_roles(
) -> Result<Vec<(hotline_domain::Role, Vec<hotline_domain::Permission>)>, ServerFnError> {
    let user = staff()?;
    hotline()?.role_permissions(&user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "save_role")]
pub async fn save_role(
    role: String,
    permissions: Option<Vec<String>>,
) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    saved(
        hotline()?
            .set_role_permissions(
                &user,
                &role,
                &permissions.unwrap_or_default(),
                &origin(&user),
            )
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "admin_departments")]
pub async fn admin_departments() -> Result<Vec<hotline_domain::Department>, ServerFnError> {
    let user = staff()?;
    hotline()?.departments(&user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "save_department")]
pub async fn save_department(
    id: Option<String>,
    code: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    active: Option<String>,
) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    let input = hotline_domain::DepartmentInput {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        active: checked(&active),
    };
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(id) => Some(
            id.parse::<i64>()
                .map_err(|_| ServerFnError::new("bad id"))?,
        ),
    };
    saved(
        hotline()?
            .save_department(&user, id, &input, &origin(&user))
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
    let user = staff()?;
    let hotline = hotline()?;
    let (categories, dispositions) = hotline.code_tables(&user).await.map_err(fail)?;
    let districts = hotline.form_options().await.map_err(internal)?.districts;
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
) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    let entry = hotline_domain::CodeEntry {
        code: code.unwrap_or_default(),
        parent_code: parent_code.filter(|p| !p.trim().is_empty()),
        level: 0,
        name_zh: name_zh.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        active: checked(&active),
    };
    saved(
        hotline()?
            .save_category(&user, &entry, &origin(&user))
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
    let user = staff()?;
    let entry = hotline_domain::CodeEntry {
        code: code.unwrap_or_default(),
        parent_code: None,
        level: 1,
        name_zh: name_zh.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        active: checked(&active),
    };
    saved(
        hotline()?
            .save_disposition(&user, &entry, &origin(&user))
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "rename_region")]
pub async fn rename_region(
    code: Option<String>,
    name: Option<String>,
) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    saved(
        hotline()?
            .rename_region(
                &user,
                &code.unwrap_or_default(),
                &name.unwrap_or_default(),
                &origin(&user),
            )
            .await,
    )
}

/// Type-ahead search of the knowledge base: citizens see public articles, staff all.
#[server(prefix = "/api/fn", endpoint = "kb_search")]
pub async fn kb_search(q: String) -> Result<Vec<hotline_domain::SearchHit>, ServerFnError> {
    let user = staff().ok();
    hotline()?.kb_search(user.as_ref(), &q).await.map_err(fail)
}

/// One article (`None` when missing or staff-only for a citizen).
#[server(prefix = "/api/fn", endpoint = "kb_article")]
pub async fn kb_article(id: i64) -> Result<Option<hotline_domain::Article>, ServerFnError> {
    let user = staff().ok();
    match hotline()?.kb_article(user.as_ref(), id).await {
        Ok(article) => Ok(Some(article)),
        Err(hotline_core::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

#[server(prefix = "/api/fn", endpoint = "kb_categories")]
pub async fn kb_categories() -> Result<Vec<hotline_domain::KbCategory>, ServerFnError> {
    hotline()?.kb_categories().await.map_err(fail)
}

/// Adds (no `id`) or renames a knowledge category (leads).
#[server(prefix = "/api/fn", endpoint = "save_kb_category")]
pub async fn save_kb_category(
    id: Option<String>,
    name: Option<String>,
) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    let id = optional_id(&id)?;
    let input = hotline_domain::KbCategoryInput {
        name: name.unwrap_or_default(),
    };
    saved(
        hotline()?
            .save_kb_category(&user, id, &input, &origin(&user))
            .await,
    )
}

/// Removes an empty knowledge category (leads).
#[server(prefix = "/api/fn", endpoint = "delete_kb_category")]
pub async fn delete_kb_category(id: i64) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    saved(
        hotline()?
            .delete_kb_category(&user, id, &origin(&user))
            .await,
    )
}

/// What the article editor starts from: an article being edited, a draft from a handled
/// case, or an empty form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleEditor {
    pub id: Option<i64>,
    pub input: hotline_domain::ArticleInput,
    pub categories: Vec<hotline_domain::KbCategory>,
}

#[server(prefix = "/api/fn", endpoint = "kb_editor")]
pub async fn kb_editor(
    id: Option<i64>,
    case: Option<String>,
) -> Result<Option<ArticleEditor>, ServerFnError> {
    use hotline_core::ServiceError;
    let user = staff()?;
    let hotline = hotline()?;
    let categories = hotline.kb_categories().await.map_err(fail)?;
    let input = match (id, case.filter(|c| !c.trim().is_empty())) {
        (Some(id), _) => match hotline.kb_article(Some(&user), id).await {
            Ok(a) => hotline_domain::ArticleInput {
                category_id: a.category_id.to_string(),
                title: a.title,
                keywords: a.keywords,
                body: a.body,
                public: a.public,
                source_case: a.source_case,
            },
            Err(ServiceError::NotFound) => return Ok(None),
            Err(e) => return Err(fail(e)),
        },
        (None, Some(number)) => match hotline.article_draft_from_case(&user, &number).await {
            Ok(draft) => draft,
            Err(ServiceError::NotFound) => return Ok(None),
            Err(e) => return Err(fail(e)),
        },
        (None, None) => hotline_domain::ArticleInput::default(),
    };
    Ok(Some(ArticleEditor {
        id,
        input,
        categories,
    }))
}

/// The answer to saving an article: its id, or what to fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ArticleSaved {
    Saved(i64),
    Invalid(FieldErrors),
}

#[server(prefix = "/api/fn", endpoint = "save_article")]
pub async fn save_article(
    id: Option<String>,
    category_id: Option<String>,
    title: Option<String>,
    keywords: Option<String>,
    body: Option<String>,
    public: Option<String>,
    source_case: Option<String>,
) -> Result<ArticleSaved, ServerFnError> {
    use hotline_core::ServiceError;
    let user = staff()?;
    let id = optional_id(&id)?;
    let input = hotline_domain::ArticleInput {
        category_id: category_id.unwrap_or_default(),
        title: title.unwrap_or_default(),
        keywords: keywords.unwrap_or_default(),
        body: body.unwrap_or_default(),
        public: checked(&public),
        source_case: source_case.filter(|s| !s.trim().is_empty()),
    };
    match hotline()?
        .save_article(&user, id, &input, &origin(&user))
        .await
    {
        Ok(id) => Ok(ArticleSaved::Saved(id)),
        Err(ServiceError::Invalid(errors)) => Ok(ArticleSaved::Invalid(errors)),
        Err(e) => Err(fail(e)),
    }
}

/// The caller card of a call ringing for this agent (SPEC A1).
#[server(prefix = "/api/fn", endpoint = "caller_card")]
pub async fn caller_card(call_id: String) -> Result<hotline_domain::CallerCard, ServerFnError> {
    let user = staff()?;
    hotline()?.caller_card(&user, &call_id).await.map_err(fail)
}

/// The answer to registering a call: the new case's number, or what to fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RegisterOutcome {
    Registered(String),
    Invalid(FieldErrors),
}

/// Registers the ringing call as a case (SPEC A2); a consultation with a reply is closed.
#[server(prefix = "/api/fn", endpoint = "register_call")]
pub async fn register_call(
    call_id: String,
    case_type: Option<String>,
    category: Option<String>,
    content: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    district: Option<String>,
    address: Option<String>,
    reply: Option<String>,
    link_to: Option<String>,
) -> Result<RegisterOutcome, ServerFnError> {
    use hotline_core::ServiceError;
    let user = staff()?;
    let intake = hotline_core::calls::CallIntake {
        case_type: case_type.unwrap_or_default(),
        category: category.unwrap_or_default(),
        content: content.unwrap_or_default(),
        contact_name: contact_name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        district: district.unwrap_or_default(),
        address: address.unwrap_or_default(),
        reply: reply.unwrap_or_default(),
        link_to: link_to.unwrap_or_default(),
    };
    match hotline()?
        .register_call(&user, &call_id, &intake, &origin(&user))
        .await
    {
        Ok(number) => Ok(RegisterOutcome::Registered(number.to_string())),
        Err(ServiceError::Invalid(errors)) => Ok(RegisterOutcome::Invalid(errors)),
        Err(e) => Err(fail(e)),
    }
}

/// The agent sets their status (SPEC A4): `idle`, `busy` or `away`.
#[server(prefix = "/api/fn", endpoint = "set_my_status")]
pub async fn set_my_status(status: String) -> Result<(), ServerFnError> {
    let user = staff()?;
    let status = hotline_domain::AgentStatus::from_code(status.trim())
        .ok_or_else(|| ServerFnError::new("unknown status"))?;
    hotline()?.set_my_status(&user, status).await.map_err(fail)
}

/// Missed calls to call back (SPEC A3): the agent's own, every open one for a lead.
#[server(prefix = "/api/fn", endpoint = "my_missed_calls")]
pub async fn my_missed_calls() -> Result<Vec<hotline_domain::MissedCall>, ServerFnError> {
    let user = staff()?;
    hotline()?.missed_calls(&user).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "missed_call_done")]
pub async fn missed_call_done(call_id: String) -> Result<(), ServerFnError> {
    let user = staff()?;
    hotline()?
        .close_missed_call(&user, &call_id)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "my_status")]
pub async fn my_status() -> Result<Option<hotline_domain::AgentStatus>, ServerFnError> {
    let user = staff()?;
    hotline()?.my_status(&user).await.map_err(fail)
}

/// Links this case with another about the same matter (SPEC W8).
#[server(prefix = "/api/fn", endpoint = "link_case")]
pub async fn link_case(
    tracking_number: String,
    other: Option<String>,
    note: Option<String>,
) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    let input = hotline_domain::LinkInput {
        other: other.unwrap_or_default(),
        note: note.unwrap_or_default(),
    };
    saved(
        hotline()?
            .link_cases(&user, &tracking_number, &input, &origin(&user))
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "unlink_case")]
pub async fn unlink_case(tracking_number: String, other: String) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    saved(
        hotline()?
            .unlink_cases(&user, &tracking_number, &other, &origin(&user))
            .await,
    )
}

/// What the handover page shows: the shift so far, and the latest handovers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverData {
    pub me: String,
    pub draft: hotline_domain::HandoverReport,
    pub history: Vec<hotline_domain::Handover>,
}

#[server(prefix = "/api/fn", endpoint = "handover_desk")]
pub async fn handover_desk() -> Result<HandoverData, ServerFnError> {
    let user = staff()?;
    let hotline = hotline()?;
    Ok(HandoverData {
        draft: hotline.handover_draft(&user).await.map_err(fail)?,
        history: hotline.handovers(&user).await.map_err(fail)?,
        me: user.username,
    })
}

/// The lead hands the shift over with a note (SPEC A5).
#[server(prefix = "/api/fn", endpoint = "hand_over")]
pub async fn hand_over(note: Option<String>) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    let note = hotline_domain::HandoverNote {
        note: note.unwrap_or_default(),
    };
    saved(hotline()?.hand_over(&user, &note, &origin(&user)).await)
}

/// The next lead acknowledges a handover.
#[server(prefix = "/api/fn", endpoint = "acknowledge_handover")]
pub async fn acknowledge_handover(id: i64, note: Option<String>) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    let note = hotline_domain::HandoverNote {
        note: note.unwrap_or_default(),
    };
    match hotline()?
        .acknowledge_handover(&user, id, &note, &origin(&user))
        .await
    {
        Err(hotline_core::ServiceError::Conflict) => {
            let lang = crate::i18n::request_lang();
            Err(ServerFnError::new(lang.pick(
                "该交接已由他人确认",
                "Someone has acknowledged this handover already",
            )))
        }
        other => saved(other),
    }
}

/// Every agent's status, for a lead (SPEC A4).
#[server(prefix = "/api/fn", endpoint = "agent_board")]
pub async fn agent_board() -> Result<Vec<hotline_domain::AgentState>, ServerFnError> {
    let user = staff()?;
    hotline()?.agent_states(&user).await.map_err(fail)
}

/// A lead gives a missed call to another agent (SPEC A3).
#[server(prefix = "/api/fn", endpoint = "reassign_missed_call")]
pub async fn reassign_missed_call(call_id: String, agent: String) -> Result<Saved, ServerFnError> {
    let user = staff()?;
    saved(
        hotline()?
            .reassign_missed_call(&user, &call_id, agent.trim())
            .await,
    )
}
