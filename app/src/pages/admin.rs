//! Administration (SPEC X1–X3): users, role permissions, departments, code tables, and the
//! audit log with its CSV export. Every save goes through a service that validates it and
//! writes its audit entry in the same transaction.

use hotline_domain::{CodeEntry, Department, FieldErrors, Lang, Permission, Role, UserRecord};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{
    admin_codes, admin_departments, admin_roles, admin_users, search_audit, AuditOutcome,
    RenameRegion, SaveCategory, SaveDepartment, SaveDisposition, SaveRole, SaveUser, UnlockUser,
};
use crate::i18n::use_lang;
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
fn AdminNav() -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="subnav" aria-label=lang.pick("系统管理", "Administration")>
            <a href="/admin/users">{lang.pick("用户", "Users")}</a>
            <a href="/admin/roles">{lang.pick("角色权限", "Roles")}</a>
            <a href="/admin/departments">{lang.pick("联动部门", "Departments")}</a>
            <a href="/admin/codes">{lang.pick("代码表", "Code tables")}</a>
            <a href="/admin/audit">{lang.pick("审计日志", "Audit log")}</a>
            <a href="/admin/sms">{lang.pick("短信发件箱", "SMS outbox")}</a>
        </nav>
    }
}

// ---- users -------------------------------------------------------------------------------

#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveUser>::new();
    let unlock = ServerAction::<UnlockUser>::new();
    let data = Resource::new(
        move || (save.version().get(), unlock.version().get()),
        |_| admin_users(),
    );
    let edit = query_id("edit");
    let errors = RwSignal::new(FieldErrors::new());
    let status = track_saved(move || save.value().get(), errors);

    view! {
        <Title text=lang.pick("用户管理", "Users") />
        <section class="panel wide">
            <AdminNav />
            <h1>{lang.pick("用户管理", "Users")}</h1>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
                {move || {
                    let editing_id = edit();
                    Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                            Ok(d) => {
                                let editing = editing_id.and_then(|id| d.users.iter().find(|u| u.id == id).cloned());
                                view! {
                                    <UserTable users=d.users.clone() unlock=unlock lang=lang />
                                    <UserForm editing=editing departments=d.departments.clone()
                                        vendors=d.vendors.clone() save=save errors=errors status=status />
                                }.into_any()
                            }
                        }
                    })
                }}
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
        <div class="table-scroll">
        <table data-testid="users-table">
            <thead><tr>
                <th scope="col">{lang.pick("用户名", "User name")}</th>
                <th scope="col">{lang.pick("姓名", "Name")}</th>
                <th scope="col">{lang.pick("角色", "Role")}</th>
                <th scope="col">{lang.pick("所属", "Belongs to")}</th>
                <th scope="col">{lang.pick("状态", "State")}</th>
                <th scope="col">{lang.pick("最近登录", "Last sign-in")}</th>
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
                                {if !u.active { lang.pick("已停用", "Inactive") }
                                 else if locked { lang.pick("已锁定", "Locked") }
                                 else { lang.pick("正常", "Active") }}
                            </td>
                            <td class="nowrap">{u.last_sign_in_at.map(local_time).unwrap_or_default()}</td>
                            <td class="nowrap">
                                <a href=format!("/admin/users?edit={id}")>{lang.pick("编辑", "Edit")}</a>
                                {locked.then(|| view! {
                                    <ActionForm action=unlock attr:class="inline">
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <button type="submit" class="button small secondary">{lang.pick("解锁", "Unlock")}</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
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
    view! {
        <h2>{if e.is_some() { lang.pick("编辑用户", "Edit user") } else { lang.pick("新建用户", "New user") }}</h2>
        <ActionForm action=save attr:class="grid-form" attr:data-testid="user-form">
            <input type="hidden" name="id" value=e.as_ref().map(|u| u.id.to_string()).unwrap_or_default() />
            <Field label=lang.pick("用户名", "User name") name="username" errors=errors
                value=e.as_ref().map(|u| u.username.clone()).unwrap_or_default() readonly=e.is_some() />
            <Field label=lang.pick("姓名", "Display name") name="display_name" errors=errors
                value=e.as_ref().map(|u| u.display_name.clone()).unwrap_or_default() />
            <div class="field">
                <label for="a-role">{lang.pick("角色", "Role")}</label>
                <select id="a-role" name="role" aria-describedby="e-role">
                    <option value="">{lang.pick("请选择", "Choose")}</option>
                    {Role::ALL.iter().map(|r| view! {
                        <option value=r.as_code() selected=role == Some(*r)>{r.label(lang)}</option>
                    }).collect_view()}
                </select>
                <FieldMessage id="e-role" message=role_error />
            </div>
            <div class="field">
                <label for="a-department_id">{lang.pick("联动部门（部门人员）", "Department (department staff)")}</label>
                <select id="a-department_id" name="department_id" aria-describedby="e-department_id">
                    <option value="">"—"</option>
                    {departments.into_iter().map(|d| view! {
                        <option value=d.id.to_string() selected=department == Some(d.id)>{d.name}</option>
                    }).collect_view()}
                </select>
                <FieldMessage id="e-department_id" message=dept_error />
            </div>
            <div class="field">
                <label for="a-vendor_id">{lang.pick("加盟企业（企业账户）", "Vendor (vendor accounts)")}</label>
                <select id="a-vendor_id" name="vendor_id" aria-describedby="e-vendor_id">
                    <option value="">"—"</option>
                    {vendors.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=vendor == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
                <FieldMessage id="e-vendor_id" message=vendor_error />
            </div>
            <Field label=if e.is_some() { lang.pick("新密码（不改请留空，至少 12 位）", "New password (empty keeps it; 12+ characters)") }
                else { lang.pick("密码（至少 12 位）", "Password (12+ characters)") }
                name="password" kind="password" errors=errors />
            <div class="field checkbox">
                <input id="a-active" name="active" type="checkbox" checked=e.as_ref().map(|u| u.active).unwrap_or(true) />
                <label for="a-active">{lang.pick("启用", "Active")}</label>
                <FieldMessage id="e-active" message=active_error />
            </div>
            <div class="actions">
                <button type="submit" class="button">{lang.pick("保存", "Save")}</button>
                {e.is_some().then(|| view! { <a href="/admin/users">{lang.pick("取消", "Cancel")}</a> })}
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
        <Title text=lang.pick("角色权限", "Roles") />
        <section class="panel wide">
            <AdminNav />
            <h1>{lang.pick("角色权限", "Role permissions")}</h1>
            <p class="lead">{lang.pick(
                "勾选每个角色可以使用的功能。修改立即对已登录用户生效。",
                "Tick what each role may do. Changes apply at once, also to people signed in.",
            )}</p>
            <FieldMessage id="e-permissions" message=perm_error />
            <SaveStatus status=status />
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
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
                                    <button type="submit" class="button small">{lang.pick("保存", "Save")}</button>
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
        <Title text=lang.pick("联动部门", "Departments") />
        <section class="panel wide">
            <AdminNav />
            <h1>{lang.pick("联动部门", "Departments")}</h1>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
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
                                            <th scope="col">{lang.pick("代码", "Code")}</th>
                                            <th scope="col">{lang.pick("名称", "Name")}</th>
                                            <th scope="col">{lang.pick("电话", "Phone")}</th>
                                            <th scope="col">{lang.pick("状态", "State")}</th>
                                            <th scope="col"></th>
                                        </tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|d| view! {
                                                <tr>
                                                    <td class="mono">{d.code.clone()}</td>
                                                    <td>{d.name.clone()}</td>
                                                    <td class="mono">{d.phone.clone().unwrap_or_default()}</td>
                                                    <td>{if d.active { lang.pick("启用", "Active") } else { lang.pick("停用", "Inactive") }}</td>
                                                    <td><a href=format!("/admin/departments?edit={}", d.id)>{lang.pick("编辑", "Edit")}</a></td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <h2>{if e.is_some() { lang.pick("编辑部门", "Edit department") } else { lang.pick("新建部门", "New department") }}</h2>
                                    <ActionForm action=save attr:class="grid-form" attr:data-testid="department-form">
                                        <input type="hidden" name="id" value=e.as_ref().map(|d| d.id.to_string()).unwrap_or_default() />
                                        <Field label=lang.pick("代码", "Code") name="code" errors=errors
                                            value=e.as_ref().map(|d| d.code.clone()).unwrap_or_default() />
                                        <Field label=lang.pick("名称", "Name") name="name" errors=errors
                                            value=e.as_ref().map(|d| d.name.clone()).unwrap_or_default() />
                                        <Field label=lang.pick("电话", "Phone") name="phone" kind="tel" errors=errors
                                            value=e.as_ref().and_then(|d| d.phone.clone()).unwrap_or_default() />
                                        <div class="field checkbox">
                                            <input id="d-active" name="active" type="checkbox" checked=e.as_ref().map(|d| d.active).unwrap_or(true) />
                                            <label for="d-active">{lang.pick("启用", "Active")}</label>
                                        </div>
                                        <div class="actions"><button type="submit" class="button">{lang.pick("保存", "Save")}</button></div>
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
        <Title text=lang.pick("代码表", "Code tables") />
        <section class="panel wide">
            <AdminNav />
            <h1>{lang.pick("代码表", "Code tables")}</h1>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
                {move || {
                    let major = major();
                    Suspend::new(async move {
                        match codes.await {
                            Err(e) => view! { <LoadError error=e /> }.into_any(),
                            Ok(codes) => {
                                let majors: Vec<CodeEntry> = codes.categories.iter().filter(|c| c.level == 1).cloned().collect();
                                let subtree: Vec<CodeEntry> = codes.categories.iter().filter(|c| c.code.starts_with(&major)).cloned().collect();
                                view! {
                                    <h2>{lang.pick("办理结果", "Dispositions")}</h2>
                                    <CodeTable entries=codes.dispositions.clone() lang=lang />
                                    <ActionForm action=save_disposition attr:class="grid-form" attr:data-testid="disposition-form">
                                        <Field label=lang.pick("代码（新代码即新增）", "Code (a new code adds one)") name="code" errors=disp_errors />
                                        <Field label=lang.pick("中文名称", "Chinese name") name="name_zh" errors=disp_errors />
                                        <Field label=lang.pick("英文名称", "English name") name="name_en" errors=disp_errors />
                                        <div class="field checkbox">
                                            <input id="dp-active" name="active" type="checkbox" checked=true />
                                            <label for="dp-active">{lang.pick("启用", "Active")}</label>
                                        </div>
                                        <div class="actions"><button type="submit" class="button">{lang.pick("保存", "Save")}</button></div>
                                    </ActionForm>
                                    <SaveStatus status=disp_status />

                                    <h2>{lang.pick("服务类别", "Service catalogue")}</h2>
                                    <form method="get" action="/admin/codes" class="filters">
                                        <label for="c-major">{lang.pick("大类", "Major category")}</label>
                                        <select id="c-major" name="major">
                                            {majors.into_iter().map(|m| {
                                                let selected = m.code == major;
                                                view! { <option value=m.code.clone() selected=selected>{format!("{} {}", m.code, lang.pick(&m.name_zh, &m.name_en))}</option> }
                                            }).collect_view()}
                                        </select>
                                        <button type="submit" class="button secondary">{lang.pick("显示", "Show")}</button>
                                    </form>
                                    <CodeTable entries=subtree lang=lang />
                                    <ActionForm action=save_category attr:class="grid-form" attr:data-testid="category-form">
                                        <Field label=lang.pick("代码（上级代码加两位数字）", "Code (parent code + two digits)") name="code" errors=cat_errors />
                                        <Field label=lang.pick("上级代码（新增时填写）", "Parent code (when adding)") name="parent_code" errors=cat_errors />
                                        <Field label=lang.pick("中文名称", "Chinese name") name="name_zh" errors=cat_errors />
                                        <Field label=lang.pick("英文名称", "English name") name="name_en" errors=cat_errors />
                                        <div class="field checkbox">
                                            <input id="cp-active" name="active" type="checkbox" checked=true />
                                            <label for="cp-active">{lang.pick("启用", "Active")}</label>
                                        </div>
                                        <div class="actions"><button type="submit" class="button">{lang.pick("保存", "Save")}</button></div>
                                    </ActionForm>
                                    <SaveStatus status=cat_status />

                                    <h2>{lang.pick("行政区划", "Regions")}</h2>
                                    <ActionForm action=rename attr:class="grid-form" attr:data-testid="region-form">
                                        <div class="field">
                                            <label for="r-code">{lang.pick("区县", "District")}</label>
                                            <select id="r-code" name="code">
                                                {codes.districts.into_iter().map(|d| view! {
                                                    <option value=d.code.clone()>{format!("{} {}", d.code, d.name)}</option>
                                                }).collect_view()}
                                            </select>
                                        </div>
                                        <Field label=lang.pick("新名称", "New name") name="name" errors=region_errors />
                                        <div class="actions"><button type="submit" class="button">{lang.pick("改名", "Rename")}</button></div>
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

#[component]
fn CodeTable(entries: Vec<CodeEntry>, lang: Lang) -> impl IntoView {
    view! {
        <div class="table-scroll short">
        <table>
            <thead><tr>
                <th scope="col">{lang.pick("代码", "Code")}</th>
                <th scope="col">{lang.pick("中文名称", "Chinese")}</th>
                <th scope="col">{lang.pick("英文名称", "English")}</th>
                <th scope="col">{lang.pick("状态", "State")}</th>
            </tr></thead>
            <tbody>
                {entries.into_iter().map(|c| view! {
                    <tr>
                        <td class="mono">{c.code.clone()}</td>
                        <td>{c.name_zh.clone()}</td>
                        <td>{c.name_en.clone()}</td>
                        <td>{if c.active { lang.pick("启用", "Active") } else { lang.pick("停用", "Inactive") }}</td>
                    </tr>
                }).collect_view()}
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
        let enc = |s: &str| js_free_encode(s);
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
        <Title text=lang.pick("审计日志", "Audit log") />
        <section class="panel wide">
            <AdminNav />
            <h1>{lang.pick("审计日志", "Audit log")}</h1>
            <p class="lead">{lang.pick(
                "每一次修改与每一次查看敏感信息都记录在此，记录不可修改或删除。时间为北京时间。",
                "Every change and every look at sensitive data, as recorded; entries cannot be edited or deleted. Times are China time.",
            )}</p>
            <form method="get" action="/admin/audit" class="filters wrap" data-testid="audit-filters">
                <label>{lang.pick("操作人", "Person")}" "<input name="actor" value=get("actor") placeholder="user:admin" /></label>
                <label>{lang.pick("对象类型", "Object type")}" "<input name="object_type" value=get("object_type") placeholder="case" /></label>
                <label>{lang.pick("对象编号", "Object id")}" "<input name="object_id" value=get("object_id") /></label>
                <label>{lang.pick("起", "From")}" "<input name="from" type="date" value=get("from") /></label>
                <label>{lang.pick("止", "Until")}" "<input name="until" type="date" value=get("until") /></label>
                <button type="submit" class="button secondary">{lang.pick("查询", "Search")}</button>
                <a class="button secondary" href=csv_href rel="external" download="audit-log.csv" data-testid="audit-csv">
                    {lang.pick("导出 CSV", "Export CSV")}
                </a>
            </form>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(AuditOutcome::Invalid(errors)) => view! {
                            <p class="alert" role="alert">{errors.messages(lang).into_iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("；")}</p>
                        }.into_any(),
                        Ok(AuditOutcome::Entries(list)) => view! {
                            <p class="muted">{format!("{} {}", list.len(), lang.pick("条（最多显示 500 条）", "entries (at most 500 shown)"))}</p>
                            <div class="table-scroll">
                            <table class="audit" data-testid="audit-table">
                                <thead><tr>
                                    <th scope="col">{lang.pick("时间", "Time")}</th>
                                    <th scope="col">{lang.pick("操作人", "Person")}</th>
                                    <th scope="col">{lang.pick("地址", "Address")}</th>
                                    <th scope="col">{lang.pick("操作", "Action")}</th>
                                    <th scope="col">{lang.pick("对象", "Object")}</th>
                                    <th scope="col">{lang.pick("修改前", "Before")}</th>
                                    <th scope="col">{lang.pick("修改后", "After")}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr data-testid="audit-row">
                                            <td class="nowrap">{local_time(e.at)}</td>
                                            <td class="mono">{e.actor.clone()}</td>
                                            <td class="mono">{e.address.clone().unwrap_or_default()}</td>
                                            <td>{e.action.clone()}</td>
                                            <td class="mono">{format!("{}:{}", e.object_type, e.object_id)}</td>
                                            <td class="json">{e.before.clone().unwrap_or_default()}</td>
                                            <td class="json">{e.after.clone().unwrap_or_default()}</td>
                                        </tr>
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

/// Percent-encodes a query value (the same on the server and in the browser).
fn js_free_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---- SMS outbox ----------------------------------------------------------------------------

/// Every SMS the platform wrote (SPEC N1), newest first: with the default provider this
/// outbox is where messages go.
#[component]
pub fn SmsPage() -> impl IntoView {
    let lang = use_lang();
    let messages = Resource::new(|| (), |_| crate::api::sms_outbox());
    view! {
        <Title text=lang.pick("短信发件箱", "SMS outbox") />
        <section class="panel wide">
            <AdminNav />
            <h1>{lang.pick("短信发件箱", "SMS outbox")}</h1>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Err(e) => view! { <crate::pages::common::LoadError error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">{lang.pick("没有短信。", "No messages.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-scroll">
                            <table class="cases" data-testid="sms-table">
                                <thead><tr>
                                    <th scope="col">{lang.pick("时间", "Written")}</th>
                                    <th scope="col">{lang.pick("收信人", "To")}</th>
                                    <th scope="col">{lang.pick("内容", "Text")}</th>
                                    <th scope="col">{lang.pick("用途", "Purpose")}</th>
                                    <th scope="col">{lang.pick("状态", "State")}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|m| view! {
                                        <tr data-testid="sms-row">
                                            <td class="nowrap">{crate::pages::common::local_time(m.created_at)}</td>
                                            <td class="nowrap"><span class="mono">{m.to_phone}</span><br /><span class="muted">{m.recipient}</span></td>
                                            <td class="content">{m.body}</td>
                                            <td>{m.purpose}{m.tracking_number.map(|n| view! { <br /><a class="mono" href=format!("/cases/{n}")>{n.clone()}</a> })}</td>
                                            <td>{m.status}{m.provider.map(|p| format!(" ({p})"))}{m.error.map(|e| view! { <br /><span class="field-error">{e}</span> })}</td>
                                        </tr>
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
