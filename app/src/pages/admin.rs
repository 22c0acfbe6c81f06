//! Administration (SPEC X1–X3): users, role permissions, departments, code tables, and the
//! audit log with its CSV export. Every save goes through a service that validates it and
//! writes its audit entry in the same transaction.

use hotline_domain::{
    CodeEntry, Department, FieldErrors, Lang, Permission, Role, SmsPurpose, SmsStatus, UserRecord,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{
    admin_api_keys, admin_codes, admin_departments, admin_roles, admin_users, search_audit,
    FormOutcome, IssueApiKey, RenameRegion, RevokeApiKey, SaveCategory, SaveDepartment,
    SaveDisposition, SaveRole, SaveUser, UnlockUser,
};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{
    field_error, local_time, track_saved, FieldMessage, LoadError, SaveStatus,
};

fn query_id(name: &'static str) -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.with(|q| q.get(name).and_then(|v| v.parse::<i64>().ok()))
}

/// A labelled input with its error line.
#[component]
pub(crate) fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] kind: &'static str,
    #[prop(optional)] readonly: bool,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let lang = use_lang();
    let message = Signal::derive(field_error(errors, lang, name));
    let id = format!("a-{name}");
    let error_id = format!("e-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name value=value type=if kind.is_empty() { "text" } else { kind }
                readonly=readonly aria-describedby=error_id.clone()
                aria-invalid=move || message.with(Option::is_some).to_string() />
            <FieldMessage id=error_id message=message />
        </div>
    }
}

#[component]
pub(crate) fn AdminNav() -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="subnav" aria-label=tr!(lang, common.administration)>
            <a href="/admin/users">{tr!(lang, admin.users)}</a>
            <a href="/admin/roles">{tr!(lang, admin.roles)}</a>
            <a href="/admin/departments">{tr!(lang, common.departments)}</a>
            <a href="/admin/codes">{tr!(lang, admin.code_tables)}</a>
            <a href="/admin/calendar">{tr!(lang, admin.calendar)}</a>
            <a href="/admin/audit">{tr!(lang, common.audit_log)}</a>
            <a href="/admin/sms">{tr!(lang, admin.sms_outbox)}</a>
            <a href="/admin/api-keys">{tr!(lang, admin.api_keys)}</a>
        </nav>
    }
}

// ---- users -------------------------------------------------------------------------------

/// The search's keys the pager keeps.
const USER_FILTER_KEYS: [&str; 3] = ["q", "role", "state"];

#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveUser>::new();
    let unlock = ServerAction::<UnlockUser>::new();
    let query = use_query_map();
    let get = move |k: &'static str| move || query.with(|q| q.get(k).unwrap_or_default());
    let edit = query_id("edit");
    let search = move || hotline_domain::UserQuery {
        q: get("q")(),
        role: get("role")(),
        state: get("state")(),
        page: get("page")(),
    };
    let data = Resource::new(
        move || {
            (
                search(),
                edit(),
                save.version().get(),
                unlock.version().get(),
            )
        },
        |(search, edit, _, _)| admin_users(search, edit),
    );
    let errors = RwSignal::new(FieldErrors::new());
    // A new account is shown once saved: the list searched for its user name (it may be
    // anywhere among the pages).
    let typed_username = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(sent) = save.input().get() {
            typed_username.set(sent.username.unwrap_or_default().trim().to_string());
        }
    });
    let status = crate::pages::common::form_saved(
        move || save.value().get(),
        errors,
        move |()| {
            let username = typed_username.get_untracked();
            // Untracked: this runs in the save's effect, which must not run again when the
            // search changes later.
            let editing = query.with_untracked(|q| q.get("edit").is_some());
            if !editing && !username.is_empty() {
                leptos_router::hooks::use_navigate()(
                    &format!(
                        "/admin/users?q={}",
                        crate::pages::common::encode_query_value(&username)
                    ),
                    Default::default(),
                );
            }
        },
    );
    let page_href = move |page: u32| {
        query.with(|q| {
            crate::pages::common::search_page_href("/admin/users", page, q, &USER_FILTER_KEYS)
        })
    };

    view! {
        <Title text=tr!(lang, admin.user_management) />
        <section class="panel wide">
            <AdminNav />
            <h1>{tr!(lang, admin.user_management)}</h1>
            <form method="get" action="/admin/users" class="filters wrap" role="search" data-testid="user-filters">
                <label class="grow">{tr!(lang, admin.user_search)}" "
                    <input type="search" name="q" value=get("q") maxlength="50"
                        placeholder=tr!(lang, admin.user_search_hint) data-testid="user-q" />
                </label>
                <label>{tr!(lang, admin.role)}" "
                    <select name="role" data-testid="user-role-filter">
                        <option value="">{tr!(lang, common.all)}</option>
                        {Role::ALL.iter().map(|r| {
                            let code = r.as_code();
                            view! { <option value=code selected=move || get("role")() == code>{r.label(lang)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{tr!(lang, common.state)}" "
                    <select name="state" data-testid="user-state-filter">
                        <option value="">{tr!(lang, common.all)}</option>
                        {hotline_domain::UserState::ALL.iter().map(|s| {
                            let code = s.as_code();
                            view! { <option value=code selected=move || get("state")() == code>{s.label(lang)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button" data-testid="user-find">{tr!(lang, care.find)}</button>
                <a class="button secondary" href="/admin/users">{tr!(lang, care.clear)}</a>
            </form>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(d) => {
                            let list = crate::pages::common::list_outcome(lang, "users", Ok(d.found), str::to_string, |found| {
                                let summary = crate::pages::common::ListPage {
                                    prefix: "users",
                                    summary: tr!(lang, admin.users_found, total = found.total, page = found.page, pages = found.pages()),
                                    none_found: tr!(lang, admin.no_users),
                                    total: found.total,
                                    page: found.page,
                                    pages: found.pages(),
                                };
                                let table = (!found.items.is_empty()).then(|| {
                                    view! { <UserTable users=found.items unlock=unlock lang=lang /> }.into_any()
                                });
                                crate::pages::common::list_page(lang, summary, table, page_href).into_any()
                            });
                            view! {
                                {list}
                                <UserForm editing=d.editing departments=d.departments
                                    vendors=d.vendors save=save errors=errors status=status />
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UserTable(
    users: Vec<UserRecord>,
    unlock: ServerAction<UnlockUser>,
    lang: Lang,
) -> impl IntoView {
    view! {
        <table data-testid="users-table">
            <thead><tr>
                <th scope="col">{tr!(lang, common.user_name)}</th>
                <th scope="col">{tr!(lang, common.name)}</th>
                <th scope="col">{tr!(lang, admin.role)}</th>
                <th scope="col">{tr!(lang, admin.belongs_to)}</th>
                <th scope="col">{tr!(lang, common.state)}</th>
                <th scope="col">{tr!(lang, admin.last_sign_in)}</th>
                <th scope="col"></th>
            </tr></thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let locked = u.locked_until.is_some_and(|t| t > chrono::Utc::now());
                    let id = u.id;
                    view! {
                        <tr data-testid="user-row" data-username=u.username.clone()>
                            <td class="mono">{u.username.clone()}</td>
                            <td>{u.display_name.clone()}</td>
                            <td>{u.role.label(lang)}</td>
                            <td>{u.department_name.clone().or(u.vendor_name.clone()).unwrap_or_default()}</td>
                            <td>
                                {if !u.active { tr!(lang, admin.inactive) }
                                 else if locked { tr!(lang, admin.locked) }
                                 else { tr!(lang, admin.active) }}
                            </td>
                            <td class="nowrap">{u.last_sign_in_at.map(local_time).unwrap_or_default()}</td>
                            <td class="nowrap">
                                <a href=format!("/admin/users?edit={id}")>{tr!(lang, common.edit)}</a>
                                {locked.then(|| view! {
                                    <ActionForm action=unlock attr:class="inline">
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <button type="submit" class="button small secondary">{tr!(lang, admin.unlock)}</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn UserForm(
    editing: Option<UserRecord>,
    departments: Vec<Department>,
    vendors: Vec<(i64, String)>,
    save: ServerAction<SaveUser>,
    errors: RwSignal<FieldErrors>,
    status: Signal<Option<Result<bool, String>>>,
) -> impl IntoView {
    let lang = use_lang();
    let e = editing.clone();
    let role = e.as_ref().map(|u| u.role);
    let department = e.as_ref().and_then(|u| u.department_id);
    let vendor = e.as_ref().and_then(|u| u.vendor_id);
    let role_error = Signal::derive(field_error(errors, lang, "role"));
    let dept_error = Signal::derive(field_error(errors, lang, "department_id"));
    let vendor_error = Signal::derive(field_error(errors, lang, "vendor_id"));
    let active_error = Signal::derive(field_error(errors, lang, "active"));
    // Only the picker the chosen role needs is shown and sent (both until a role is
    // chosen); the vendors' picker narrows as a name or district is typed.
    let chosen = RwSignal::new(role);
    let show_department = move || chosen.get().is_none_or(Role::needs_department);
    let show_vendor = move || chosen.get().is_none_or(Role::needs_vendor);
    let vendor_filter = RwSignal::new(String::new());
    view! {
        <h2>{if e.is_some() { tr!(lang, admin.edit_user) } else { tr!(lang, admin.new_user) }}</h2>
        <ActionForm action=save attr:class="grid-form" attr:data-testid="user-form">
            <input type="hidden" name="id" value=e.as_ref().map(|u| u.id.to_string()).unwrap_or_default() />
            <Field label=tr!(lang, common.user_name) name="username" errors=errors
                value=e.as_ref().map(|u| u.username.clone()).unwrap_or_default() readonly=e.is_some() />
            <Field label=tr!(lang, admin.display_name) name="display_name" errors=errors
                value=e.as_ref().map(|u| u.display_name.clone()).unwrap_or_default() />
            <div class="field">
                <label for="a-role">{tr!(lang, admin.role)}</label>
                <select id="a-role" name="role" aria-describedby="e-role"
                    on:change=move |ev| chosen.set(Role::from_code(&event_target_value(&ev)))>
                    <option value="">{tr!(lang, common.choose)}</option>
                    {Role::ALL.iter().map(|r| view! {
                        <option value=r.as_code() selected=role == Some(*r)>{r.label(lang)}</option>
                    }).collect_view()}
                </select>
                <FieldMessage id="e-role" message=role_error />
            </div>
            <div class="field" hidden=move || !show_department() data-testid="pick-department">
                <label for="a-department_id">{tr!(lang, admin.department_for_staff)}</label>
                <select id="a-department_id" name="department_id" aria-describedby="e-department_id"
                    disabled=move || !show_department()>
                    <option value="">"—"</option>
                    {departments.into_iter().map(|d| view! {
                        <option value=d.id.to_string() selected=department == Some(d.id)>{d.name}</option>
                    }).collect_view()}
                </select>
                <FieldMessage id="e-department_id" message=dept_error />
            </div>
            <div class="field" hidden=move || !show_vendor() data-testid="pick-vendor">
                <label for="a-vendor_id">{tr!(lang, admin.vendor_for_accounts)}</label>
                <input type="search" class="pick-filter" aria-label=tr!(lang, admin.vendor_filter)
                    placeholder=tr!(lang, admin.vendor_filter) data-testid="vendor-filter"
                    on:input=move |ev| vendor_filter.set(event_target_value(&ev).trim().to_string()) />
                <select id="a-vendor_id" name="vendor_id" aria-describedby="e-vendor_id"
                    disabled=move || !show_vendor()>
                    <option value="">"—"</option>
                    {vendors.into_iter().map(|(id, name)| {
                        let shown = name.clone();
                        view! {
                            <option value=id.to_string() selected=vendor == Some(id)
                                hidden=move || vendor != Some(id) && vendor_filter.with(|f| !f.is_empty() && !shown.contains(f.as_str()))>
                                {name}
                            </option>
                        }
                    }).collect_view()}
                </select>
                <FieldMessage id="e-vendor_id" message=vendor_error />
            </div>
            <Field label=if e.is_some() { tr!(lang, admin.new_password) }
                else { tr!(lang, admin.password) }
                name="password" kind="password" errors=errors />
            <div class="field checkbox">
                <input id="a-active" name="active" type="checkbox" checked=e.as_ref().map(|u| u.active).unwrap_or(true) />
                <label for="a-active">{tr!(lang, admin.enabled)}</label>
                <FieldMessage id="e-active" message=active_error />
            </div>
            <div class="actions">
                <button type="submit" class="button">{tr!(lang, common.save)}</button>
                {e.is_some().then(|| view! { <a href="/admin/users">{tr!(lang, common.cancel)}</a> })}
            </div>
        </ActionForm>
        <SaveStatus status=status />
    }
}

// ---- roles -------------------------------------------------------------------------------

#[component]
pub fn RolesPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveRole>::new();
    let roles = Resource::new(move || save.version().get(), |_| admin_roles());
    let errors = RwSignal::new(FieldErrors::new());
    let status = track_saved(move || save.value().get(), errors);
    let perm_error = Signal::derive(field_error(errors, lang, "permissions"));
    view! {
        <Title text=tr!(lang, admin.roles) />
        <section class="panel wide">
            <AdminNav />
            <h1>{tr!(lang, admin.role_permissions)}</h1>
            <p class="lead">{tr!(lang, admin.roles_intro)}</p>
            <FieldMessage id="e-permissions" message=perm_error />
            <SaveStatus status=status />
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match roles.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(roles) => roles.into_iter().map(|(role, granted)| view! {
                            <ActionForm action=save attr:class="role-form" attr:data-testid=format!("role-{}", role.as_code())>
                                <fieldset>
                                    <legend>{role.label(lang)}</legend>
                                    <input type="hidden" name="role" value=role.as_code() />
                                    <div class="checks">
                                        {Permission::ALL.iter().map(|p| {
                                            let id = format!("p-{}-{}", role.as_code(), p.as_code());
                                            view! {
                                                <label class="check">
                                                    <input id=id type="checkbox" name="permissions[]" value=p.as_code()
                                                        checked=granted.contains(p) />
                                                    {p.label(lang)}
                                                </label>
                                            }
                                        }).collect_view()}
                                    </div>
                                    <button type="submit" class="button small">{tr!(lang, common.save)}</button>
                                </fieldset>
                            </ActionForm>
                        }).collect_view().into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

// ---- departments -------------------------------------------------------------------------

#[component]
pub fn DepartmentsPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveDepartment>::new();
    let list = Resource::new(move || save.version().get(), |_| admin_departments());
    let edit = query_id("edit");
    let errors = RwSignal::new(FieldErrors::new());
    let status = track_saved(move || save.value().get(), errors);
    view! {
        <Title text=tr!(lang, common.departments) />
        <section class="panel wide">
            <AdminNav />
            <h1>{tr!(lang, common.departments)}</h1>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || {
                    let editing_id = edit();
                    Suspend::new(async move {
                        match list.await {
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                            Ok(list) => {
                                let editing = editing_id.and_then(|id| list.iter().find(|d| d.id == id).cloned());
                                let e = editing.clone();
                                view! {
                                    <table data-testid="departments-table">
                                        <thead><tr>
                                            <th scope="col">{tr!(lang, admin.code)}</th>
                                            <th scope="col">{tr!(lang, admin.name)}</th>
                                            <th scope="col">{tr!(lang, common.phone)}</th>
                                            <th scope="col">{tr!(lang, common.state)}</th>
                                            <th scope="col"></th>
                                        </tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|d| view! {
                                                <tr>
                                                    <td class="mono">{d.code.clone()}</td>
                                                    <td>{d.name.clone()}</td>
                                                    <td class="mono">{d.phone.clone().unwrap_or_default()}</td>
                                                    <td>{if d.active { tr!(lang, admin.enabled) } else { tr!(lang, admin.disabled) }}</td>
                                                    <td><a href=format!("/admin/departments?edit={}", d.id)>{tr!(lang, common.edit)}</a></td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <h2>{if e.is_some() { tr!(lang, admin.edit_department) } else { tr!(lang, admin.new_department) }}</h2>
                                    <ActionForm action=save attr:class="grid-form" attr:data-testid="department-form">
                                        <input type="hidden" name="id" value=e.as_ref().map(|d| d.id.to_string()).unwrap_or_default() />
                                        <Field label=tr!(lang, admin.code) name="code" errors=errors
                                            value=e.as_ref().map(|d| d.code.clone()).unwrap_or_default() />
                                        <Field label=tr!(lang, admin.name) name="name" errors=errors
                                            value=e.as_ref().map(|d| d.name.clone()).unwrap_or_default() />
                                        <Field label=tr!(lang, common.phone) name="phone" kind="tel" errors=errors
                                            value=e.as_ref().and_then(|d| d.phone.clone()).unwrap_or_default() />
                                        <div class="field checkbox">
                                            <input id="d-active" name="active" type="checkbox" checked=e.as_ref().map(|d| d.active).unwrap_or(true) />
                                            <label for="d-active">{tr!(lang, admin.enabled)}</label>
                                        </div>
                                        <div class="actions"><button type="submit" class="button">{tr!(lang, common.save)}</button></div>
                                    </ActionForm>
                                }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
            <SaveStatus status=status />
        </section>
    }
}

// ---- code tables -------------------------------------------------------------------------

#[component]
pub fn CodesPage() -> impl IntoView {
    let lang = use_lang();
    let save_category = ServerAction::<SaveCategory>::new();
    let save_disposition = ServerAction::<SaveDisposition>::new();
    let rename = ServerAction::<RenameRegion>::new();
    let codes = Resource::new(
        move || {
            (
                save_category.version().get(),
                save_disposition.version().get(),
                rename.version().get(),
            )
        },
        |_| admin_codes(),
    );
    let query = use_query_map();
    let major = move || query.with(|q| q.get("major").unwrap_or_else(|| "01".into()));
    let cat_errors = RwSignal::new(FieldErrors::new());
    let disp_errors = RwSignal::new(FieldErrors::new());
    let region_errors = RwSignal::new(FieldErrors::new());
    let cat_status = track_saved(move || save_category.value().get(), cat_errors);
    let disp_status = track_saved(move || save_disposition.value().get(), disp_errors);
    let region_status = track_saved(move || rename.value().get(), region_errors);

    view! {
        <Title text=tr!(lang, admin.code_tables) />
        <section class="panel wide">
            <AdminNav />
            <h1>{tr!(lang, admin.code_tables)}</h1>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || {
                    let major = major();
                    Suspend::new(async move {
                        match codes.await {
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                            Ok(codes) => {
                                let majors: Vec<CodeEntry> = codes.categories.iter().filter(|c| c.level == 1).cloned().collect();
                                let subtree: Vec<CodeEntry> = codes.categories.iter().filter(|c| c.code.starts_with(&major)).cloned().collect();
                                view! {
                                    <h2>{tr!(lang, admin.dispositions)}</h2>
                                    <CodeTable entries=codes.dispositions.clone() lang=lang />
                                    <ActionForm action=save_disposition attr:class="grid-form" attr:data-testid="disposition-form">
                                        <Field label=tr!(lang, admin.code_adds) name="code" errors=disp_errors />
                                        <Field label=tr!(lang, admin.chinese_name) name="name_zh" errors=disp_errors />
                                        <Field label=tr!(lang, admin.english_name) name="name_en" errors=disp_errors />
                                        <div class="field checkbox">
                                            <input id="dp-active" name="active" type="checkbox" checked=true />
                                            <label for="dp-active">{tr!(lang, admin.enabled)}</label>
                                        </div>
                                        <div class="actions"><button type="submit" class="button">{tr!(lang, common.save)}</button></div>
                                    </ActionForm>
                                    <SaveStatus status=disp_status />

                                    <h2>{tr!(lang, admin.service_catalogue)}</h2>
                                    <form method="get" action="/admin/codes" class="filters">
                                        <label for="c-major">{tr!(lang, admin.major_category)}</label>
                                        <select id="c-major" name="major">
                                            {majors.into_iter().map(|m| {
                                                let selected = m.code == major;
                                                view! { <option value=m.code.clone() selected=selected>{format!("{} {}", m.code, lang.pick(&m.name_zh, &m.name_en))}</option> }
                                            }).collect_view()}
                                        </select>
                                        <button type="submit" class="button secondary">{tr!(lang, admin.show)}</button>
                                    </form>
                                    <CodeTable entries=subtree lang=lang limits=true />
                                    <ActionForm action=save_category attr:class="grid-form" attr:data-testid="category-form">
                                        <Field label=tr!(lang, admin.code_with_parent) name="code" errors=cat_errors />
                                        <Field label=tr!(lang, admin.parent_code) name="parent_code" errors=cat_errors />
                                        <Field label=tr!(lang, admin.chinese_name) name="name_zh" errors=cat_errors />
                                        <Field label=tr!(lang, admin.english_name) name="name_en" errors=cat_errors />
                                        <div class="field checkbox">
                                            <input id="cp-active" name="active" type="checkbox" checked=true />
                                            <label for="cp-active">{tr!(lang, admin.enabled)}</label>
                                        </div>
                                        <div class="field checkbox">
                                            <input id="cp-urgent" name="urgent" type="checkbox" />
                                            <label for="cp-urgent">{tr!(lang, admin.urgent_by_default)}</label>
                                        </div>
                                        <LimitField label=tr!(lang, admin.handling_limit) amount="handling_amount" unit="handling_unit" errors=cat_errors />
                                        <LimitField label=tr!(lang, admin.confirm_limit) amount="confirm_amount" unit="confirm_unit" errors=cat_errors />
                                        <LimitField label=tr!(lang, admin.callback_limit) amount="callback_amount" unit="callback_unit" errors=cat_errors />
                                        <p class="muted wide-field">{tr!(lang, admin.limits_hint)}</p>
                                        <div class="actions"><button type="submit" class="button">{tr!(lang, common.save)}</button></div>
                                    </ActionForm>
                                    <SaveStatus status=cat_status />

                                    <h2>{tr!(lang, admin.regions)}</h2>
                                    <ActionForm action=rename attr:class="grid-form" attr:data-testid="region-form">
                                        <div class="field">
                                            <label for="r-code">{tr!(lang, common.district)}</label>
                                            <select id="r-code" name="code">
                                                {codes.districts.into_iter().map(|d| view! {
                                                    <option value=d.code.clone()>{format!("{} {}", d.code, d.name)}</option>
                                                }).collect_view()}
                                            </select>
                                        </div>
                                        <Field label=tr!(lang, admin.new_name) name="name" errors=region_errors />
                                        <div class="actions"><button type="submit" class="button">{tr!(lang, common.rename)}</button></div>
                                    </ActionForm>
                                    <SaveStatus status=region_status />
                                }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// A limit on the category form: an amount and its unit; an empty amount leaves it to the
/// parent category.
#[component]
fn LimitField(
    label: &'static str,
    amount: &'static str,
    unit: &'static str,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let lang = use_lang();
    let message = Signal::derive(field_error(errors, lang, amount));
    let id = format!("a-{amount}");
    let error_id = format!("e-{amount}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <div class="inline-fields">
                <input id=id name=amount type="number" min="1" inputmode="numeric" aria-describedby=error_id.clone()
                    aria-invalid=move || message.with(Option::is_some).to_string() />
                <select name=unit aria-label=label>
                    {hotline_domain::LimitUnit::ALL.iter().map(|u| view! {
                        <option value=u.as_code() selected=*u == hotline_domain::LimitUnit::WorkingDays>{u.label(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            <FieldMessage id=error_id message=message />
        </div>
    }
}

#[component]
fn CodeTable(
    entries: Vec<CodeEntry>,
    lang: Lang,
    /// Show each entry's own limits (categories).
    #[prop(optional)]
    limits: bool,
) -> impl IntoView {
    view! {
        <div class="table-scroll short">
        <table>
            <thead><tr>
                <th scope="col">{tr!(lang, admin.code)}</th>
                <th scope="col">{tr!(lang, admin.chinese)}</th>
                <th scope="col">{tr!(lang, admin.english)}</th>
                <th scope="col">{tr!(lang, common.state)}</th>
                {limits.then(|| view! { <th scope="col">{tr!(lang, admin.limits)}</th> })}
            </tr></thead>
            <tbody>
                {entries.into_iter().map(|c| {
                    let own = [
                        (tr!(lang, admin.handling_limit), c.limits.handling),
                        (tr!(lang, admin.confirm_limit), c.limits.confirm),
                        (tr!(lang, admin.callback_limit), c.limits.callback),
                    ]
                    .into_iter()
                    .filter_map(|(name, l)| l.map(|l| format!("{name} {}", l.label(lang))))
                    .collect::<Vec<_>>()
                    .join(" · ");
                    view! {
                    <tr data-testid=format!("code-{}", c.code)>
                        <td class="mono">{c.code.clone()}</td>
                        <td>{c.name_zh.clone()}</td>
                        <td>{c.name_en.clone()}</td>
                        <td>
                            {if c.active { tr!(lang, admin.enabled) } else { tr!(lang, admin.disabled) }}
                            {c.urgent.then(|| view! { " " <span class="badge urgent">{hotline_domain::Priority::Urgent.label(lang)}</span> })}
                        </td>
                        {limits.then(|| view! { <td>{own}</td> })}
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

// ---- audit log ---------------------------------------------------------------------------

#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &'static str| move || query.with(|q| q.get(k).unwrap_or_default());
    let filters = move || {
        (
            get("actor")(),
            get("object_type")(),
            get("object_id")(),
            get("from")(),
            get("until")(),
        )
    };
    let entries = Resource::new(filters, |(actor, object_type, object_id, from, until)| {
        search_audit(
            Some(actor),
            Some(object_type),
            Some(object_id),
            Some(from),
            Some(until),
        )
    });
    let csv_href = move || {
        let (actor, object_type, object_id, from, until) = filters();
        let enc = |s: &str| crate::pages::common::encode_query_value(s);
        format!(
            "/api/v1/audit.csv?actor={}&object_type={}&object_id={}&from={}&until={}",
            enc(&actor),
            enc(&object_type),
            enc(&object_id),
            enc(&from),
            enc(&until)
        )
    };
    view! {
        <Title text=tr!(lang, common.audit_log) />
        <section class="panel wide">
            <AdminNav />
            <h1>{tr!(lang, common.audit_log)}</h1>
            <p class="lead">{tr!(lang, admin.audit_intro)}</p>
            <form method="get" action="/admin/audit" class="filters wrap" data-testid="audit-filters">
                <label>{tr!(lang, admin.person)}" "<input name="actor" value=get("actor") placeholder="user:admin" /></label>
                <label>{tr!(lang, admin.object_type)}" "<input name="object_type" value=get("object_type") placeholder="case" /></label>
                <label>{tr!(lang, admin.object_id)}" "<input name="object_id" value=get("object_id") /></label>
                <label>{tr!(lang, admin.from)}" "<input name="from" type="date" value=get("from") /></label>
                <label>{tr!(lang, admin.until)}" "<input name="until" type="date" value=get("until") /></label>
                <button type="submit" class="button secondary">{tr!(lang, admin.search)}</button>
                <a class="button secondary" href=csv_href rel="external" download="audit-log.csv" data-testid="audit-csv">
                    {tr!(lang, admin.export_csv)}
                </a>
            </form>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(FormOutcome::Invalid(errors)) => view! {
                            <p class="alert" role="alert">{errors.messages(lang).into_iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("；")}</p>
                        }.into_any(),
                        Ok(FormOutcome::Refused(message)) => view! {
                            <p class="alert" role="alert">{message}</p>
                        }.into_any(),
                        Ok(FormOutcome::Done(list)) => view! {
                            <p class="muted">{format!("{} {}", list.len(), tr!(lang, admin.entries_shown))}</p>
                            <div class="table-scroll">
                            <table class="audit" data-testid="audit-table">
                                <thead><tr>
                                    <th scope="col">{tr!(lang, common.time)}</th>
                                    <th scope="col">{tr!(lang, admin.person)}</th>
                                    <th scope="col">{tr!(lang, common.address)}</th>
                                    <th scope="col">{tr!(lang, admin.action)}</th>
                                    <th scope="col">{tr!(lang, admin.object)}</th>
                                    <th scope="col">{tr!(lang, admin.change)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! { <AuditRow entry=e /> }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One audit entry in words: who by name, the action and the object as words (their codes
/// on hover, and in the CSV export), a change as rows of fields before and after.
#[component]
fn AuditRow(entry: hotline_domain::AuditEntry) -> impl IntoView {
    use hotline_domain::audit::{action_label, field_changes, object_label};
    let lang = use_lang();
    let e = entry;
    let who = hotline_domain::views::actor_label(&e.actor, e.actor_name.as_deref(), lang);
    let action = action_label(&e.action, lang).unwrap_or_else(|| e.action.clone());
    let object = match object_label(&e.object_type, lang) {
        Some(kind) => format!("{kind} {}", e.object_id),
        None => format!("{}:{}", e.object_type, e.object_id),
    };
    let change = match field_changes(e.before.as_deref(), e.after.as_deref()) {
        Some(rows) => view! {
            <table class="changes" data-testid="audit-changes">
                <thead><tr>
                    <th scope="col">{tr!(lang, admin.field)}</th>
                    <th scope="col">{tr!(lang, admin.before)}</th>
                    <th scope="col">{tr!(lang, admin.after)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let same = r.before == r.after;
                        view! {
                            <tr class:same=same>
                                <th scope="row" class="mono">{r.field}</th>
                                <td>{r.before.unwrap_or_default()}</td>
                                <td>{r.after.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
        None => {
            let text = match (e.before.clone(), e.after.clone()) {
                (Some(b), Some(a)) => format!("{b} → {a}"),
                (b, a) => b.or(a).unwrap_or_default(),
            };
            view! { <span class="json">{text}</span> }.into_any()
        }
    };
    view! {
        <tr data-testid="audit-row">
            <td class="nowrap">{local_time(e.at)}</td>
            <td title=e.actor.clone() data-testid="audit-actor">{who}</td>
            <td class="mono">{e.address.clone().unwrap_or_default()}</td>
            <td title=e.action.clone() data-testid="audit-action">{action}</td>
            <td title=format!("{}:{}", e.object_type, e.object_id)>{object}</td>
            <td class="change">{change}</td>
        </tr>
    }
}

// ---- SMS outbox ----------------------------------------------------------------------------

/// Every SMS the platform wrote (SPEC N1), newest first: with the default provider this
/// outbox is where messages go.
#[component]
pub fn SmsPage() -> impl IntoView {
    let lang = use_lang();
    let messages = Resource::new(|| (), |_| crate::api::sms_outbox());
    let opens_cases = crate::use_current_user()
        .get_untracked()
        .is_some_and(|u| u.sees_cases());
    view! {
        <Title text=tr!(lang, admin.sms_outbox) />
        <section class="panel wide">
            <AdminNav />
            <h1>{tr!(lang, admin.sms_outbox)}</h1>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Err(e) => view! { <crate::pages::common::LoadError error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">{tr!(lang, admin.no_messages)}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-scroll">
                            <table class="cases" data-testid="sms-table">
                                <thead><tr>
                                    <th scope="col">{tr!(lang, admin.written)}</th>
                                    <th scope="col">{tr!(lang, admin.to)}</th>
                                    <th scope="col">{tr!(lang, admin.text)}</th>
                                    <th scope="col">{tr!(lang, admin.purpose)}</th>
                                    <th scope="col">{tr!(lang, common.state)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|m| {
                                        // Words for the codes (the code on hover); the case
                                        // linked only for a reader who may open it.
                                        let recipient = m.recipient_label(lang);
                                        let purpose = SmsPurpose::from_code(&m.purpose).map_or(m.purpose.clone(), |p| p.label(lang).to_string());
                                        let status = SmsStatus::from_code(&m.status).map_or(m.status.clone(), |s| s.label(lang).to_string());
                                        let provider = m.provider.as_deref().map(|p| match p {
                                            "outbox" => tr!(lang, admin.outbox_only).to_string(),
                                            other => other.to_string(),
                                        });
                                        let case = m.tracking_number.clone().map(|n| if opens_cases {
                                            view! { <a class="mono" href=format!("/cases/{n}")>{n.clone()}</a> }.into_any()
                                        } else {
                                            view! { <span class="mono">{n.clone()}</span> }.into_any()
                                        });
                                        view! {
                                        <tr data-testid="sms-row">
                                            <td class="nowrap">{crate::pages::common::local_time(m.created_at)}</td>
                                            <td class="nowrap"><span class="mono">{m.to_phone}</span><br /><span class="muted" title=m.recipient.clone()>{recipient}</span></td>
                                            <td class="content">{m.body}</td>
                                            <td><span title=m.purpose.clone() data-testid="sms-purpose">{purpose}</span>{case.map(|c| view! { <br />{c} })}</td>
                                            <td><span title=m.status.clone() data-testid="sms-status">{status}</span>{provider.map(|p| view! { <br /><span class="muted">{p}</span> })}{m.error.map(|e| view! { <br /><span class="field-error">{e}</span> })}</td>
                                        </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

// ---- Open311 API keys ------------------------------------------------------------------------

/// The keys other systems file requests with through Open311 (SPEC I2): issued here (the
/// key shown once), listed with their use, revoked.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let lang = use_lang();
    let issue = ServerAction::<IssueApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (issue.version().get(), revoke.version().get()),
        |_| admin_api_keys(),
    );
    let errors = RwSignal::new(FieldErrors::new());
    let issued = RwSignal::new(None::<hotline_domain::IssuedApiKey>);
    let status = crate::pages::common::form_saved(
        move || issue.value().get(),
        errors,
        move |key| issued.set(Some(key)),
    );
    // The interface's address on this server, as the browser reached it (effects run only
    // in the browser; the server renders the path alone).
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(window().location().origin().unwrap_or_default()));
    let interface = Signal::derive(move || format!("{}/open311/v2/discovery.json", origin.get()));
    view! {
        <Title text=tr!(lang, admin.api_keys) />
        <section class="panel wide">
            <AdminNav />
            <h1>{tr!(lang, admin.api_keys)}</h1>
            <p class="hint">{move || tr!(lang, admin.api_keys_intro, url = &interface.get())}</p>
            {move || issued.get().map(|key| view! {
                <div class="notice ok" role="status" data-testid="api-key-issued">
                    <p>{tr!(lang, admin.api_key_shown_once)}</p>
                    <p><code class="secret" data-testid="api-key-secret">{key.secret}</code></p>
                    <p class="muted">{key.key.label}</p>
                </div>
            })}
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">{tr!(lang, admin.api_key_none)}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-scroll">
                            <table data-testid="api-keys-table">
                                <thead><tr>
                                    <th scope="col">{tr!(lang, admin.api_key_label)}</th>
                                    <th scope="col">{tr!(lang, admin.api_key_prefix)}</th>
                                    <th scope="col">{tr!(lang, admin.api_key_issued_at)}</th>
                                    <th scope="col">{tr!(lang, admin.api_key_last_used)}</th>
                                    <th scope="col" class="num">{tr!(lang, admin.api_key_filed)}</th>
                                    <th scope="col">{tr!(lang, common.state)}</th>
                                    <th scope="col"></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|k| {
                                        let confirm_text = tr!(lang, admin.api_key_revoke_confirm, label = &k.label);
                                        let revoked = k.revoked_at.is_some();
                                        view! {
                                        <tr data-testid="api-key-row" class:muted=revoked>
                                            <td>{k.label.clone()}</td>
                                            <td class="mono">{format!("{}…", k.prefix)}</td>
                                            <td class="nowrap">{local_time(k.created_at)}<br /><span class="muted">{k.created_by.trim_start_matches("user:").to_string()}</span></td>
                                            <td class="nowrap">{k.last_used_at.map(local_time).unwrap_or_else(|| tr!(lang, admin.never).to_string())}</td>
                                            <td class="num">{k.filed}</td>
                                            <td data-testid="api-key-state">{match k.revoked_at {
                                                Some(at) => format!("{} {}", tr!(lang, admin.api_key_revoked), local_time(at)),
                                                None => tr!(lang, admin.api_key_in_use).to_string(),
                                            }}</td>
                                            <td>{(!revoked).then(|| view! {
                                                <ActionForm action=revoke
                                                    on:submit=move |ev: leptos::ev::SubmitEvent| {
                                                        let sure = window().confirm_with_message(&confirm_text).unwrap_or(false);
                                                        if !sure {
                                                            ev.prevent_default();
                                                            ev.stop_immediate_propagation();
                                                        }
                                                    }>
                                                    <input type="hidden" name="id" value=k.id.to_string() />
                                                    <button type="submit" class="button secondary small" data-testid="api-key-revoke">{tr!(lang, admin.api_key_revoke)}</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{tr!(lang, admin.api_key_new)}</h2>
            <ActionForm action=issue attr:class="grid-form" attr:data-testid="api-key-form">
                <Field label=tr!(lang, admin.api_key_label) name="label" errors=errors />
                <div class="actions"><button type="submit" class="button">{tr!(lang, admin.api_key_issue)}</button></div>
            </ActionForm>
            <SaveStatus status=status />
        </section>
    }
}
