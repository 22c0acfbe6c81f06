//! The elderly registry for care coordinators (SPEC R3): a list with ID numbers masked, and
//! one person's record with health notes, every look at which is audited.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use hotline_domain::registry_io::ELDERLY_COLUMNS;
use hotline_domain::{ElderlyQuery, ImportReport, Lang, Permission, ELDERLY_IDENTITY_CATEGORIES};

use crate::api::{elderly_imports, get_elderly, list_elderly, load_form_options};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{
    encode_query_value, list_outcome, list_page, local_time, ListPage, LoadError,
};
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
    let search_href = move |start: String| {
        let mut href = start;
        query.with(|q| {
            for key in FILTER_KEYS {
                if let Some(v) = q.get(key).filter(|v| !v.is_empty()) {
                    href.push_str(&format!("&{key}={}", encode_query_value(&v)));
                }
            }
        });
        href
    };
    let page_href = move |page: u32| search_href(format!("/care/elderly?page={page}"));
    let user = use_current_user();
    let may_export = move || user.with(|u| u.as_ref().is_some_and(|u| u.can(Permission::Export)));
    let import_id = move || query.with(|q| q.get("import").and_then(|v| v.parse::<i64>().ok()));
    let imports = Resource::new(import_id, elderly_imports);

    view! {
        <Title text=tr!(lang, care.elderly_registry) />
        <section class="panel wide">
            <h1>{tr!(lang, care.elderly_registry)}</h1>
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
                <p class="actions" data-testid="elderly-export">
                    <a class="button secondary" rel="external" download=""
                        href=move || search_href("/api/v1/elderly/export?format=csv".into())
                        data-testid="elderly-export-csv">{tr!(lang, care.export_csv)}</a>
                    <a class="button secondary" rel="external" download=""
                        href=move || search_href("/api/v1/elderly/export?format=xlsx".into())
                        data-testid="elderly-export-xlsx">{tr!(lang, care.export_xlsx)}</a>
                    <span class="muted">{tr!(lang, care.export_note)}</span>
                </p>
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
                        <tr data-testid="elderly-row">
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
    match (lang, ELDERLY_COLUMNS.iter().find(|c| c.key == key)) {
        (Lang::Zh, Some(c)) => c.heading.to_string(),
        _ => key.to_string(),
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
    let record = Resource::new(id, get_elderly);

    view! {
        <Title text=tr!(lang, common.elderly_record) />
        <section class="panel wide">
            <p><a href="/care/elderly">{tr!(lang, care.back)}</a></p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match record.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(None) => view! { <h1>{tr!(lang, care.no_such_record)}</h1> }.into_any(),
                        Ok(Some(d)) => view! {
                            <h1>{d.summary.name.clone()}</h1>
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
                                <dt>{tr!(lang, care.address)}</dt><dd>{format!("{} {}", d.summary.district_name, d.summary.address)}</dd>
                                <dt>{tr!(lang, common.phone)}</dt><dd class="mono">{d.phone.clone().unwrap_or_default()}</dd>
                                <dt>{tr!(lang, care.one_key_phone)}</dt><dd class="mono">{d.summary.onekey_phone.clone().unwrap_or_default()}</dd>
                                <dt>{tr!(lang, care.emergency_contact)}</dt>
                                <dd>{format!("{}（{}） ", d.contact_name, d.contact_relation)}<span class="mono">{d.contact_phone.clone()}</span></dd>
                                {d.health_shown.then(|| view! {
                                    <dt>{tr!(lang, care.health)}</dt><dd data-testid="health-notes">{d.health_notes.clone().unwrap_or_default()}</dd>
                                    <dt>{tr!(lang, care.medication)}</dt><dd>{d.medications.clone().unwrap_or_default()}</dd>
                                })}
                            </dl>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
