//! The elderly registry for care coordinators (SPEC R3): a list with ID numbers masked, and
//! one person's record with health notes, every look at which is audited.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use hotline_domain::{
    ElderlyDetail, ElderlyInput, ElderlyQuery, FieldErrors, ImportReport, Lang, Permission, Region,
    ELDERLY_IDENTITY_CATEGORIES,
};

use crate::api::{
    elderly_imports, elderly_regions, get_elderly, list_elderly, load_form_options, SaveElderly,
};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{
    export_links, form_saved, list_outcome, list_page, local_time, reload_or_open, with_search,
    ListPage, LoadError,
};
use crate::pages::vendors::{FormStatus, VField, VSelect};
use crate::use_current_user;

/// The query-string keys of the registry search, in the order links carry them.
const FILTER_KEYS: [&str; 8] = [
    "q",
    "district",
    "category",
    "age_min",
    "age_max",
    "joined_from",
    "joined_to",
    "per_page",
];

#[component]
pub fn ElderlyPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &'static str| move || query.with(|q| q.get(k).unwrap_or_default());
    let filters = move || ElderlyQuery {
        q: get("q")(),
        district: get("district")(),
        category: get("category")(),
        age_min: get("age_min")(),
        age_max: get("age_max")(),
        joined_from: get("joined_from")(),
        joined_to: get("joined_to")(),
        page: get("page")(),
        per_page: get("per_page")(),
    };
    let list = Resource::new(filters, list_elderly);
    let options = Resource::new(|| (), |_| load_form_options());
    // The same search on another page, or as a file.
    let search_href = move |start: String| query.with(|q| with_search(start, q, &FILTER_KEYS));
    let page_href = move |page: u32| search_href(format!("/care/elderly?page={page}"));
    let user = use_current_user();
    let may_export = move || user.with(|u| u.as_ref().is_some_and(|u| u.can(Permission::Export)));
    let import_id = move || query.with(|q| q.get("import").and_then(|v| v.parse::<i64>().ok()));
    let imports = Resource::new(import_id, elderly_imports);

    view! {
        <Title text=tr!(lang, care.elderly_registry) />
        <section class="panel wide">
            <div class="page-head">
                <h1>{tr!(lang, care.elderly_registry)}</h1>
                <a class="button" href="/care/elderly/new" data-testid="elderly-new">{tr!(lang, care.new_person)}</a>
            </div>
            <form method="get" action="/care/elderly" class="filters wrap" data-testid="elderly-filters" role="search">
                <label class="grow">{tr!(lang, care.search_label)}" "
                    <input type="search" name="q" value=get("q") maxlength="40"
                        placeholder=tr!(lang, care.search_hint) data-testid="elderly-q" />
                </label>
                <label>{tr!(lang, common.district)}" "
                    <select name="district">
                        <option value="">{tr!(lang, common.all)}</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                options.await.map(|o| o.districts.into_iter().map(|d| {
                                    let code = d.code.clone();
                                    let selected = get("district")() == code;
                                    view! { <option value=code selected=selected>{d.name}</option> }
                                }).collect_view()).ok()
                            })}
                        </Suspense>
                    </select>
                </label>
                <label>{tr!(lang, care.identity)}" "
                    <select name="category" data-testid="elderly-category">
                        <option value="">{tr!(lang, common.all)}</option>
                        {ELDERLY_IDENTITY_CATEGORIES.iter().map(|c| {
                            let selected = move || get("category")() == *c;
                            view! { <option value=*c selected=selected>{*c}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <span class="range">
                    <label>{tr!(lang, care.age_from)}" "
                        <input type="number" name="age_min" min="0" max="150" class="age" value=get("age_min") data-testid="elderly-age-min" />
                    </label>
                    <label>{tr!(lang, care.age_to)}" "
                        <input type="number" name="age_max" min="0" max="150" class="age" value=get("age_max") data-testid="elderly-age-max" />
                    </label>
                </span>
                <span class="range">
                    <label>{tr!(lang, care.joined_from)}" "
                        <input type="date" name="joined_from" value=get("joined_from") />
                    </label>
                    <label>{tr!(lang, care.joined_to)}" "
                        <input type="date" name="joined_to" value=get("joined_to") />
                    </label>
                </span>
                <button type="submit" class="button" data-testid="elderly-find">{tr!(lang, care.find)}</button>
                <a class="button secondary" href="/care/elderly">{tr!(lang, care.clear)}</a>
            </form>
            <Show when=may_export>
                {export_links(lang, "elderly",
                    move |f| search_href(format!("/api/v1/elderly/export?format={f}")),
                    tr!(lang, care.export_note))}
            </Show>
            <Suspense>
                {move || Suspend::new(async move {
                    imports.await.ok().map(|(shown, latest)| view! {
                        {shown.map(|r| import_report(lang, r))}
                        {import_form(lang, latest)}
                    })
                })}
            </Suspense>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    list_outcome(lang, "elderly", list.await, |f| filter_label(lang, f), |found| {
                        elderly_table(lang, found, page_href).into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

/// One page of people, with the count and the links to the pages either side.
fn elderly_table(
    lang: hotline_domain::Lang,
    found: hotline_domain::ElderlyPage,
    page_href: impl Fn(u32) -> String,
) -> impl IntoView {
    let list = ListPage {
        prefix: "elderly",
        summary: tr!(
            lang,
            care.found,
            total = found.total,
            page = found.page,
            pages = found.pages()
        ),
        none_found: tr!(lang, care.none_found),
        total: found.total,
        page: found.page,
        pages: found.pages(),
    };
    let table = (!found.items.is_empty()).then(|| {
        view! {
            <table>
                <thead><tr>
                    <th scope="col">{tr!(lang, common.name)}</th>
                    <th scope="col">{tr!(lang, care.sex)}</th>
                    <th scope="col">{tr!(lang, care.born)}</th>
                    <th scope="col">{tr!(lang, care.id_number)}</th>
                    <th scope="col">{tr!(lang, care.identity)}</th>
                    <th scope="col">{tr!(lang, common.district)}</th>
                    <th scope="col">{tr!(lang, care.one_key_phone)}</th>
                    <th scope="col">{tr!(lang, care.joined)}</th>
                </tr></thead>
                <tbody>
                    {found.items.into_iter().map(|p| view! {
                        <tr data-testid="elderly-row" class="opens"
                            on:click=crate::pages::common::row_opens(format!("/care/elderly/{}", p.id))>
                            <td class="nowrap"><a href=format!("/care/elderly/{}", p.id)>{p.name.clone()}</a></td>
                            <td class="nowrap">{sex_label(lang, &p.gender)}</td>
                            <td class="nowrap">{p.birth_date.to_string()}</td>
                            <td class="mono" data-testid="masked-id">{p.id_number.clone()}</td>
                            <td>{p.identity_category.clone()}</td>
                            <td>{p.district_name.clone()}</td>
                            <td class="mono">{p.onekey_phone.clone().unwrap_or_default()}</td>
                            <td class="nowrap">{p.joined_on.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    });
    list_page(lang, list, table, page_href)
}

/// What an import did: the counts, and each row's problems by column.
fn import_report(lang: Lang, report: ImportReport) -> impl IntoView {
    let summary = if report.committed {
        tr!(
            lang,
            care.import_done,
            imported = report.imported,
            rows = report.rows,
            rejected = report.rejected
        )
    } else if report.issues.iter().any(|i| i.row <= 1) {
        tr!(lang, care.import_refused_file).to_string()
    } else {
        tr!(
            lang,
            care.import_refused,
            rows = report.rows,
            rejected = report.rejected
        )
    };
    let placed = (report.placed_at_region > 0)
        .then(|| tr!(lang, care.import_placed, count = report.placed_at_region));
    let more = report
        .issues_total
        .saturating_sub(report.issues.len() as u32);
    let class = if report.committed { "notice" } else { "alert" };
    view! {
        <section class="import-report" aria-labelledby="import-report" data-testid="import-report"
            data-committed=report.committed.to_string()>
            <h2 id="import-report">{tr!(lang, care.import_report)}" · "{report.file_name.clone()}</h2>
            <p class=class role="status" data-testid="import-summary">{summary}</p>
            {placed.map(|text| view! { <p class="muted">{text}</p> })}
            {(!report.issues.is_empty()).then(|| view! {
                <div class="table-scroll">
                <table data-testid="import-issues">
                    <thead><tr>
                        <th scope="col">{tr!(lang, care.issue_row)}</th>
                        <th scope="col">{tr!(lang, care.issue_column)}</th>
                        <th scope="col">{tr!(lang, care.issue_problem)}</th>
                    </tr></thead>
                    <tbody>
                        {report.issues.iter().map(|i| {
                            let row = if i.row == 0 { tr!(lang, care.issue_file).to_string() } else { i.row.to_string() };
                            let column = i.column.as_deref().map(|c| column_label(lang, c)).unwrap_or_default();
                            view! {
                                <tr data-testid="import-issue" data-row=i.row.to_string()
                                    data-column=i.column.clone().unwrap_or_default()>
                                    <td class="nowrap">{row}</td>
                                    <td class="nowrap">{column}</td>
                                    <td>{i.problem.message(lang)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            })}
            {(more > 0).then(|| view! { <p class="muted">{tr!(lang, care.issues_more, count = more)}</p> })}
        </section>
    }
}

/// The import form (a plain multipart form: it works before the page is interactive), the
/// templates, and the latest imports.
fn import_form(lang: Lang, latest: Vec<ImportReport>) -> impl IntoView {
    view! {
        <details class="import" data-testid="elderly-import">
            <summary>{tr!(lang, care.import_title)}</summary>
            <p class="muted">{tr!(lang, care.import_help)}</p>
            <form method="post" action="/care/elderly/imports" enctype="multipart/form-data" class="filters wrap">
                <label>{tr!(lang, care.import_file)}" "
                    <input type="file" name="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        data-testid="import-file" />
                </label>
                <fieldset class="choices">
                    <label><input type="radio" name="mode" value="all" checked />" "{tr!(lang, care.import_mode_all)}</label>
                    <label><input type="radio" name="mode" value="skip" data-testid="import-skip" />" "{tr!(lang, care.import_mode_skip)}</label>
                </fieldset>
                <button type="submit" class="button" data-testid="import-submit">{tr!(lang, care.import_submit)}</button>
                <a href="/api/v1/elderly/template?format=csv" rel="external" download="">{tr!(lang, care.template_csv)}</a>
                <a href="/api/v1/elderly/template?format=xlsx" rel="external" download="">{tr!(lang, care.template_xlsx)}</a>
            </form>
            {(!latest.is_empty()).then(|| view! {
                <h3>{tr!(lang, care.recent_imports)}</h3>
                <div class="table-scroll">
                <table>
                    <thead><tr>
                        <th scope="col">{tr!(lang, care.import_when)}</th>
                        <th scope="col">{tr!(lang, care.import_file)}</th>
                        <th scope="col">{tr!(lang, care.import_by)}</th>
                        <th scope="col">{tr!(lang, care.import_result)}</th>
                    </tr></thead>
                    <tbody>
                        {latest.into_iter().map(|r| {
                            let result = if r.committed {
                                tr!(lang, care.import_result_done, imported = r.imported, rows = r.rows)
                            } else {
                                tr!(lang, care.import_result_none).to_string()
                            };
                            view! {
                                <tr>
                                    <td class="nowrap"><a href=format!("/care/elderly?import={}", r.id)>{local_time(r.at)}</a></td>
                                    <td>{r.file_name}</td>
                                    <td>{r.actor}</td>
                                    <td>{result}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            })}
        </details>
    }
}

/// A file column by its heading (Chinese) or key (English); an unknown one as written.
fn column_label(lang: Lang, key: &str) -> String {
    match field_label(lang, key) {
        "" => key.to_string(),
        label => label.to_string(),
    }
}

/// The label of a column of the registry (a field of the person's form); `""` for a key
/// that is not one.
fn field_label(lang: Lang, key: &str) -> &'static str {
    match key {
        "name" => tr!(lang, common.name),
        "gender" => tr!(lang, care.sex),
        "birth_date" => tr!(lang, care.born),
        "id_number" => tr!(lang, care.id_number),
        "identity_category" => tr!(lang, care.identity),
        "service_card_no" => tr!(lang, care.service_card),
        "district" => tr!(lang, common.district),
        "street" => tr!(lang, vendors.street),
        "village" => tr!(lang, care.village),
        "address" => tr!(lang, care.address),
        "phone" => tr!(lang, care.own_phone),
        "onekey_phone" => tr!(lang, care.one_key_phone),
        "onekey_device" => tr!(lang, care.one_key_device),
        "contact_name" => tr!(lang, care.contact_name),
        "contact_relation" => tr!(lang, care.contact_relation),
        "contact_phone" => tr!(lang, care.contact_phone),
        "health_notes" => tr!(lang, care.health),
        "medications" => tr!(lang, care.medication),
        "lon" => tr!(lang, vendors.lon),
        "lat" => tr!(lang, vendors.lat),
        _ => "",
    }
}

/// The label of a search field an error names.
fn filter_label(lang: Lang, field: &str) -> String {
    match field {
        "q" => tr!(lang, care.search_label).to_string(),
        "district" => tr!(lang, common.district).to_string(),
        "category" => tr!(lang, care.identity).to_string(),
        "age_min" | "age_max" => tr!(lang, care.age).to_string(),
        "joined_from" | "joined_to" => tr!(lang, care.joined).to_string(),
        "page" | "per_page" => tr!(lang, care.pages).to_string(),
        other => other.to_string(),
    }
}

/// `F`/`M` as the reader's language says it; anything else as stored.
fn sex_label(lang: hotline_domain::Lang, code: &str) -> String {
    match code {
        "F" => tr!(lang, care.female).to_string(),
        "M" => tr!(lang, care.male).to_string(),
        other => other.to_string(),
    }
}

#[component]
pub fn ElderlyRecordPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    };
    let reload = RwSignal::new(0u32);
    let record = Resource::new(move || (id(), reload.get()), |(id, _)| get_elderly(id));
    let regions = Resource::new(|| (), |_| elderly_regions());

    view! {
        <Title text=tr!(lang, common.elderly_record) />
        <section class="panel wide">
            <p><a href="/care/elderly">{tr!(lang, care.back)}</a></p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match record.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(None) => view! { <h1>{tr!(lang, care.no_such_record)}</h1> }.into_any(),
                        Ok(Some(d)) => {
                            let detail = d.clone();
                            let place = [d.street_name.clone(), d.village_name.clone()]
                                .into_iter()
                                .flatten()
                                .fold(d.summary.district_name.clone(), |a, b| format!("{a} {b}"));
                            view! {
                            <h1 data-testid="elderly-name">{d.summary.name.clone()}</h1>
                            {(d.health_shown || d.id_revealed).then(|| view! {
                                <p class="notice" data-testid="audited-view">
                                    {tr!(lang, care.audited_notice)}
                                </p>
                            })}
                            <dl class="facts">
                                <dt>{tr!(lang, care.id_number)}</dt><dd class="mono" data-testid="id-number">{d.summary.id_number.clone()}</dd>
                                <dt>{tr!(lang, care.service_card)}</dt><dd class="mono">{d.service_card_no.clone()}</dd>
                                <dt>{tr!(lang, care.born)}</dt><dd>{d.summary.birth_date.to_string()}</dd>
                                <dt>{tr!(lang, common.category)}</dt><dd>{d.summary.identity_category.clone()}</dd>
                                <dt>{tr!(lang, care.place)}</dt><dd>{place}</dd>
                                <dt>{tr!(lang, care.address)}</dt><dd data-testid="elderly-address">{d.summary.address.clone()}</dd>
                                <dt>{tr!(lang, care.own_phone)}</dt><dd class="mono">{d.phone.clone().unwrap_or_default()}</dd>
                                <dt>{tr!(lang, care.one_key_phone)}</dt><dd class="mono" data-testid="elderly-onekey-phone">{d.summary.onekey_phone.clone().unwrap_or_default()}</dd>
                                <dt>{tr!(lang, care.one_key_device)}</dt><dd class="mono">{d.onekey_device.clone().unwrap_or_default()}</dd>
                                <dt>{tr!(lang, care.emergency_contact)}</dt>
                                <dd data-testid="elderly-contact">{format!("{}（{}） {}", d.contact_name, d.contact_relation, d.contact_phone)}</dd>
                                {d.health_shown.then(|| view! {
                                    <dt>{tr!(lang, care.health)}</dt><dd data-testid="health-notes">{d.health_notes.clone().unwrap_or_default()}</dd>
                                    <dt>{tr!(lang, care.medication)}</dt><dd>{d.medications.clone().unwrap_or_default()}</dd>
                                })}
                                <dt>{tr!(lang, care.position)}</dt><dd class="mono">{format!("{:.5}, {:.5}", d.position.lon, d.position.lat)}</dd>
                            </dl>
                            <details class="edit-box" data-testid="elderly-edit">
                                <summary>{tr!(lang, care.edit)}</summary>
                                <Suspense>
                                    {move || {
                                        let detail = detail.clone();
                                        Suspend::new(async move {
                                            regions.await.ok().map(|regions| view! {
                                                <ElderlyForm detail=Some(detail) regions=regions reload=Some(reload) />
                                            })
                                        })
                                    }}
                                </Suspense>
                            </details>
                        }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/care/elderly/new`: the form for a person not yet registered.
#[component]
pub fn NewElderlyPage() -> impl IntoView {
    let lang = use_lang();
    let regions = Resource::new(|| (), |_| elderly_regions());
    view! {
        <Title text=tr!(lang, care.new_person) />
        <section class="panel wide">
            <p><a href="/care/elderly">{tr!(lang, care.back)}</a></p>
            <h1>{tr!(lang, care.new_person)}</h1>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match regions.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(regions) => view! {
                            <ElderlyForm detail=None regions=regions reload=None />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A person's form (the registry's keepers): new or edit. The full numbers and the health
/// notes are in it only for a reader who sees them (the service keeps them otherwise).
#[component]
fn ElderlyForm(
    detail: Option<ElderlyDetail>,
    regions: Vec<Region>,
    reload: Option<RwSignal<u32>>,
) -> impl IntoView {
    let lang = use_lang();
    let user = use_current_user();
    let can = move |p: Permission| user.with_untracked(|u| u.as_ref().is_some_and(|u| u.can(p)));
    let save = ServerAction::<SaveElderly>::new();
    let errors = RwSignal::new(FieldErrors::new());
    let id = detail.as_ref().map(|d| d.summary.id);
    let (numbers, health) = match &detail {
        Some(d) => (d.id_revealed, d.health_shown),
        None => (true, can(Permission::HealthRecords)),
    };
    let mut i = detail
        .as_ref()
        .map(ElderlyInput::from_detail)
        .unwrap_or_default();
    // The village by name (read more easily than its code), found again under the street.
    if let Some(name) = detail.as_ref().and_then(|d| d.village_name.clone()) {
        i.village = name;
    }
    let status = form_saved(
        move || save.value().get(),
        errors,
        reload_or_open(reload, "/care/elderly"),
    );
    let name_of = |code: &Option<String>| {
        regions
            .iter()
            .find(|d| Some(&d.code) == code.as_ref())
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let districts: Vec<(String, String)> = regions
        .iter()
        .filter(|r| r.level == 2)
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let streets: Vec<(String, String)> = regions
        .iter()
        .filter(|r| r.level == 3)
        .map(|r| {
            (
                r.code.clone(),
                format!("{} {}", name_of(&r.parent_code), r.name),
            )
        })
        .collect();
    let categories: Vec<(String, String)> = ELDERLY_IDENTITY_CATEGORIES
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    let sexes = vec![
        ("M".to_string(), tr!(lang, care.male).to_string()),
        ("F".to_string(), tr!(lang, care.female).to_string()),
    ];
    let label = move |key: &str| field_label(lang, key);
    view! {
        <ActionForm action=save attr:class="grid-form vendor-form" attr:data-testid="elderly-form">
            <input type="hidden" name="id" value=id.map(|i| i.to_string()).unwrap_or_default() />
            <input type="hidden" name="input[version]" value=i.version.clone() />
            <VField label=label("name") field="name" errors=errors value=i.name.clone() max=40 testid="elderly-name-input" />
            <VSelect label=label("identity_category") field="identity_category" errors=errors options=categories chosen=i.identity_category.clone() blank=true />
            {numbers.then(|| view! {
                <VField label=label("id_number") field="id_number" errors=errors value=i.id_number.clone() max=18 testid="elderly-id-input" />
                <VSelect label=label("gender") field="gender" errors=errors options=sexes chosen=i.gender.clone() blank=true />
                <VField label=label("birth_date") field="birth_date" errors=errors value=i.birth_date.clone() kind="date" />
            })}
            <VField label=label("service_card_no") field="service_card_no" errors=errors value=i.service_card_no.clone() max=16 testid="elderly-card-input" />
            <VSelect label=label("district") field="district" errors=errors options=districts chosen=i.district.clone() blank=true />
            <VSelect label=label("street") field="street" errors=errors options=streets chosen=i.street.clone() blank=true />
            <VField label=label("village") field="village" errors=errors value=i.village.clone() max=60 testid="elderly-village-input" />
            <VField label=label("address") field="address" errors=errors value=i.address.clone() max=200 wide=true testid="elderly-address-input" />
            <p class="hint wide">{tr!(lang, care.village_hint)}</p>
            {numbers.then(|| view! {
                <VField label=label("phone") field="phone" errors=errors value=i.phone.clone() kind="tel" max=20 />
                <VField label=label("onekey_phone") field="onekey_phone" errors=errors value=i.onekey_phone.clone() kind="tel" max=20 testid="elderly-onekey-input" />
            })}
            <VField label=label("onekey_device") field="onekey_device" errors=errors value=i.onekey_device.clone() max=16 />
            <VField label=label("contact_name") field="contact_name" errors=errors value=i.contact_name.clone() max=40 testid="elderly-contact-name-input" />
            <VField label=label("contact_relation") field="contact_relation" errors=errors value=i.contact_relation.clone() max=20 />
            {numbers.then(|| view! {
                <VField label=label("contact_phone") field="contact_phone" errors=errors value=i.contact_phone.clone() kind="tel" max=20 testid="elderly-contact-phone-input" />
            })}
            {health.then(|| view! {
                <VField label=label("health_notes") field="health_notes" errors=errors value=i.health_notes.clone() max=500 wide=true testid="elderly-health-input" />
                <VField label=label("medications") field="medications" errors=errors value=i.medications.clone() max=500 wide=true />
            })}
            {(!numbers || !health).then(|| view! { <p class="hint wide">{tr!(lang, care.kept_hidden)}</p> })}
            <p class="hint wide">{tr!(lang, care.position_hint)}</p>
            <VField label=label("lon") field="lon" errors=errors />
            <VField label=label("lat") field="lat" errors=errors />
            <div class="actions wide">
                <button type="submit" class="button" data-testid="elderly-save">{tr!(lang, common.save)}</button>
            </div>
        </ActionForm>
        <FormStatus status=status />
    }
}
