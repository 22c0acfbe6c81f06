//! The case list: filters, counters and the table.

use hotline_domain::{
    CaseCounts, CasePage, CaseQuery, CaseSort, CaseStatus, CaseType, Lang, Light, Overdue, Queue,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{title_for, LightBadge};
use crate::api::{case_counts, list_cases};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{list_outcome, list_page, local_time, row_opens, with_search, ListPage};

/// The list's search keys kept in every page link (the page itself is not); a sort link
/// keeps all but the last two (it sets its own sort and order).
const FILTER_KEYS: [&str; 9] = [
    "q",
    "status",
    "case_type",
    "light",
    "overdue",
    "queue",
    "limit",
    "sort",
    "order",
];

#[component]
pub fn CasesPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &'static str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let current = move || CaseQuery {
        status: get("status"),
        limit: get("limit").and_then(|l| l.parse().ok()),
        case_type: get("case_type"),
        light: get("light"),
        overdue: get("overdue"),
        queue: get("queue"),
        q: get("q"),
        page: get("page"),
        sort: get("sort"),
        order: get("order"),
    };
    let cases = Resource::new(current, list_cases);
    let counts = Resource::new(|| (), |_| case_counts());
    let user = crate::use_current_user();
    let title = move || title_for(user.get().as_ref(), lang);
    let is = move |k: &'static str, v: &'static str| get(k).as_deref() == Some(v);
    // Another page of the same search, and the same search sorted another way (from its
    // first page).
    let page_href = move |page: u32| {
        query.with(|q| with_search(format!("/cases?page={page}"), q, &FILTER_KEYS))
    };
    let sort_href = move |sort: CaseSort, descending: bool| {
        let order = if descending { "desc" } else { "asc" };
        query.with(|q| {
            with_search(
                format!("/cases?sort={}&order={order}", sort.as_code()),
                q,
                &FILTER_KEYS[..7],
            )
        })
    };

    view! {
        <Title text=title />
        <section class="panel wide">
            <h1>{title}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    counts.await.ok().map(|c| view! { <CountsBar counts=c /> })
                })}
            </Suspense>
            <form method="get" action="/cases" class="filters" data-testid="case-filters">
                <label for="c-q">{tr!(lang, cases.search)}</label>
                <input id="c-q" name="q" type="search" value=move || get("q").unwrap_or_default()
                    placeholder=tr!(lang, cases.search_hint) />
                <label for="c-status">{tr!(lang, common.status)}</label>
                <select id="c-status" name="status">
                    <option value="">{tr!(lang, common.all)}</option>
                    {CaseStatus::ALL.iter().map(|s| {
                        let code = s.as_code();
                        view! { <option value=code selected=move || is("status", code)>{s.label(lang)}</option> }
                    }).collect_view()}
                </select>
                <label for="c-type">{tr!(lang, cases.type_label)}</label>
                <select id="c-type" name="case_type">
                    <option value="">{tr!(lang, common.all)}</option>
                    {CaseType::ALL.iter().map(|t| {
                        let code = t.as_code();
                        view! { <option value=code selected=move || is("case_type", code)>{format!("{code} {}", t.label(lang))}</option> }
                    }).collect_view()}
                </select>
                <label for="c-light">{tr!(lang, cases.light)}</label>
                <select id="c-light" name="light">
                    <option value="">{tr!(lang, common.all)}</option>
                    {Light::ALL.iter().map(|l| {
                        let code = l.as_code();
                        view! { <option value=code selected=move || is("light", code)>{l.label(lang)}</option> }
                    }).collect_view()}
                </select>
                <label for="c-sort">{tr!(lang, cases.sort)}</label>
                <select id="c-sort" name="sort" data-testid="case-sort">
                    <option value="">{tr!(lang, cases.sort_default)}</option>
                    {CaseSort::ALL.iter().map(|s| {
                        let code = s.as_code();
                        view! { <option value=code selected=move || is("sort", code)>{s.label(lang)}</option> }
                    }).collect_view()}
                </select>
                <label for="c-order">{tr!(lang, cases.order)}</label>
                <select id="c-order" name="order">
                    <option value="">{tr!(lang, cases.order_usual)}</option>
                    <option value="asc" selected=move || is("order", "asc")>{tr!(lang, cases.order_asc)}</option>
                    <option value="desc" selected=move || is("order", "desc")>{tr!(lang, cases.order_desc)}</option>
                </select>
                <input type="hidden" name="queue" value=move || get("queue").unwrap_or_default() />
                <input type="hidden" name="overdue" value=move || get("overdue").unwrap_or_default() />
                <input type="hidden" name="limit" value=move || get("limit").unwrap_or_default() />
                <button type="submit" class="button secondary">{tr!(lang, common.filter)}</button>
                <a href="/cases" class="button small secondary">{tr!(lang, cases.clear)}</a>
            </form>
            <Transition fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    let sorted = get("sort").as_deref().and_then(CaseSort::from_code);
                    let descending = match get("order").as_deref() {
                        Some("asc") => false,
                        Some("desc") => true,
                        _ => sorted.is_none_or(CaseSort::descending),
                    };
                    list_outcome(
                        lang,
                        "case",
                        cases.await,
                        |field| field_label(lang, field),
                        move |found| {
                            case_table(lang, found, (sorted, descending), sort_href, page_href)
                                .into_any()
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

/// A list query field's name as the filter form labels it.
fn field_label(lang: Lang, field: &str) -> String {
    match field {
        "q" => tr!(lang, cases.search),
        "status" => tr!(lang, common.status),
        "case_type" => tr!(lang, cases.type_label),
        "light" => tr!(lang, cases.light),
        "sort" => tr!(lang, cases.sort),
        "order" => tr!(lang, cases.order),
        "limit" => tr!(lang, cases.per_page),
        "page" => tr!(lang, care.pages),
        other => return other.to_string(),
    }
    .to_string()
}

/// One page of cases: the count, the table (a card per case on a phone) with its sortable
/// headers, the pager. A row opens its case.
fn case_table(
    lang: Lang,
    found: CasePage,
    (sorted, descending): (Option<CaseSort>, bool),
    sort_href: impl Fn(CaseSort, bool) -> String + Copy + 'static,
    page_href: impl Fn(u32) -> String,
) -> impl IntoView {
    let list = ListPage {
        prefix: "case",
        summary: tr!(
            lang,
            cases.found,
            total = found.total,
            page = found.page,
            pages = found.pages()
        ),
        none_found: tr!(lang, cases.no_cases),
        total: found.total,
        page: found.page,
        pages: found.pages(),
    };
    // A header that sorts by its column: the other way round if already sorted by it.
    let header = move |label: &'static str, sort: CaseSort| {
        let current = sorted == Some(sort);
        let next = if current {
            !descending
        } else {
            sort.descending()
        };
        let aria = match (current, descending) {
            (false, _) => None,
            (true, true) => Some("descending"),
            (true, false) => Some("ascending"),
        };
        let arrow = match aria {
            Some("descending") => " ▼",
            Some(_) => " ▲",
            None => "",
        };
        view! {
            <th scope="col" aria-sort=aria>
                <a href=sort_href(sort, next) data-testid=format!("sort-{}", sort.as_code())
                    title=tr!(lang, cases.sorted_by, column = label)>{label}{arrow}</a>
            </th>
        }
    };
    let table = (!found.items.is_empty()).then(|| {
        view! {
            <table class="cases">
                <thead><tr>
                    {header(tr!(lang, common.number), CaseSort::Number)}
                    {header(tr!(lang, common.status), CaseSort::Status)}
                    {header(tr!(lang, cases.light_short), CaseSort::Due)}
                    <th scope="col">{tr!(lang, common.category)}</th>
                    <th scope="col">{tr!(lang, common.content)}</th>
                    <th scope="col">{tr!(lang, common.caller)}</th>
                    <th scope="col">{tr!(lang, cases.assigned_to)}</th>
                    {header(tr!(lang, cases.filed), CaseSort::Filed)}
                </tr></thead>
                <tbody>
                    {found.items.into_iter().map(|c| {
                        let number = c.tracking_number.to_string();
                        let href = format!("/cases/{number}");
                        let opens = row_opens(href.clone());
                        view! {
                            <tr data-testid="case-row" class="opens"
                                class:urgent=c.priority == hotline_domain::Priority::Urgent
                                on:click=opens>
                                <td class="mono number"><a href=href>{number.clone()}</a></td>
                                <td class="status">
                                    {c.case_type.map(|t| view! { <span class="type-code" title=t.label(lang)>{t.as_code()}</span> " " })}
                                    {c.status.label(lang)}
                                </td>
                                <td class="due"><LightBadge light=c.light /></td>
                                <td class="category">
                                    <crate::pages::common::UrgentMark priority=c.priority />
                                    {lang.pick(&c.category_zh, &c.category_en).to_string()}
                                </td>
                                <td class="content">{c.content.chars().take(60).collect::<String>()}</td>
                                <td class="caller">
                                    {c.contact_name.clone().unwrap_or_else(|| tr!(lang, cases.anonymous).to_string())}
                                    " "<span class="mono muted" data-testid="masked-phone">{c.phone.clone()}</span>
                                </td>
                                <td class="assigned">{c.assigned_to.join("、")}</td>
                                <td class="filed-at"><time datetime=c.created_at.to_rfc3339()>{local_time(c.created_at)}</time></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    });
    list_page(lang, list, table, page_href)
}

/// Counters by light, overdue kind and queue; each a link to the filtered list.
#[component]
fn CountsBar(counts: CaseCounts) -> impl IntoView {
    let lang = use_lang();
    let chip =
        move |href: String, label: &'static str, n: i64, class: &'static str, id: &'static str| {
            view! {
                <a href=href class=format!("chip {class}") data-testid=id>
                    <span>{label}</span>" "<strong>{n}</strong>
                </a>
            }
        };
    let light = |l: Light| format!("/cases?light={}", l.as_code());
    let overdue = |o: Overdue| format!("/cases?overdue={}", o.as_code());
    let queue = |q: Queue| format!("/cases?queue={}", q.as_code());
    view! {
        <div class="counts" data-testid="case-counts">
            <div class="chips" role="group" aria-label=tr!(lang, cases.lights)>
                {chip(light(Light::Green), Light::Green.label(lang), counts.green, "light-green", "count-green")}
                {chip(light(Light::Yellow), Light::Yellow.label(lang), counts.yellow, "light-yellow", "count-yellow")}
                {chip(light(Light::Red), Light::Red.label(lang), counts.red, "light-red", "count-red")}
            </div>
            <div class="chips" role="group" aria-label=tr!(lang, common.overdue)>
                {chip(overdue(Overdue::Confirmation), Overdue::Confirmation.label(lang), counts.overdue_confirmation, "warn", "count-overdue-confirmation")}
                {chip(overdue(Overdue::Completion), Overdue::Completion.label(lang), counts.overdue_completion, "warn", "count-overdue-completion")}
                {chip(overdue(Overdue::Callback), Overdue::Callback.label(lang), counts.overdue_callback, "warn", "count-overdue-callback")}
            </div>
            <div class="chips" role="group" aria-label=tr!(lang, cases.queues)>
                {chip(queue(Queue::Todo), Queue::Todo.label(lang), counts.todo, "queue", "count-todo")}
                {chip(queue(Queue::Returns), Queue::Returns.label(lang), counts.returns, "queue", "count-returns")}
                {chip(queue(Queue::Extensions), Queue::Extensions.label(lang), counts.extensions, "queue", "count-extensions")}
                {chip(queue(Queue::Callbacks), Queue::Callbacks.label(lang), counts.callbacks, "queue", "count-callbacks")}
            </div>
        </div>
    }
}
