//! The case list: filters, counters and the table.

use hotline_domain::{CaseCounts, CaseQuery, CaseStatus, CaseType, Light, Overdue, Queue};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{title_for, LightBadge};
use crate::api::{case_counts, list_cases};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{local_time, LoadError};

#[component]
pub fn CasesPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &'static str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let current = move || CaseQuery {
        status: get("status"),
        limit: None,
        case_type: get("case_type"),
        light: get("light"),
        overdue: get("overdue"),
        queue: get("queue"),
        q: get("q"),
    };
    let cases = Resource::new(current, list_cases);
    let counts = Resource::new(|| (), |_| case_counts());
    let user = crate::use_current_user();
    let title = move || title_for(user.get().as_ref(), lang);
    let is = move |k: &'static str, v: &'static str| get(k).as_deref() == Some(v);

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
                <input type="hidden" name="queue" value=move || get("queue").unwrap_or_default() />
                <input type="hidden" name="overdue" value=move || get("overdue").unwrap_or_default() />
                <button type="submit" class="button secondary">{tr!(lang, common.filter)}</button>
                <a href="/cases" class="button small secondary">{tr!(lang, cases.clear)}</a>
            </form>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match cases.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty" data-testid="cases-empty">{tr!(lang, cases.no_cases)}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <p class="muted">{tr!(lang, cases.count, count = list.len())}</p>
                            <div class="table-scroll">
                            <table class="cases">
                                <thead><tr>
                                    <th scope="col">{tr!(lang, common.number)}</th>
                                    <th scope="col">{tr!(lang, common.status)}</th>
                                    <th scope="col">{tr!(lang, cases.light_short)}</th>
                                    <th scope="col">{tr!(lang, common.category)}</th>
                                    <th scope="col">{tr!(lang, common.content)}</th>
                                    <th scope="col">{tr!(lang, common.caller)}</th>
                                    <th scope="col">{tr!(lang, cases.assigned_to)}</th>
                                    <th scope="col">{tr!(lang, cases.filed)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let number = c.tracking_number.to_string();
                                        view! {
                                            <tr data-testid="case-row" class:urgent=c.priority == hotline_domain::Priority::Urgent>
                                                <td class="mono"><a href=format!("/cases/{number}")>{number.clone()}</a></td>
                                                <td>
                                                    {c.case_type.map(|t| view! { <span class="type-code" title=t.label(lang)>{t.as_code()}</span> " " })}
                                                    {c.status.label(lang)}
                                                </td>
                                                <td><LightBadge light=c.light /></td>
                                                <td>
                                                    <crate::pages::common::UrgentMark priority=c.priority />
                                                    {lang.pick(&c.category_zh, &c.category_en).to_string()}
                                                </td>
                                                <td class="content">{c.content.chars().take(60).collect::<String>()}</td>
                                                <td class="nowrap">
                                                    {c.contact_name.clone().unwrap_or_else(|| tr!(lang, cases.anonymous).to_string())}
                                                    <br /><span class="mono muted" data-testid="masked-phone">{c.phone.clone()}</span>
                                                </td>
                                                <td>{c.assigned_to.join("、")}</td>
                                                <td class="nowrap">{local_time(c.created_at)}</td>
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
