//! The client register (客户管理, SPEC R4): every caller the centre has heard from, found by
//! name or number and by mark; a client's record with their marks and why, their place, the
//! agents' note and their latest calls and cases; the form that registers or edits one.
//! Marks (VIP, important, blacklist) are shown to all who read the register and changed
//! only by those who may mark.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use hotline_domain::{
    CaseStatus, Channel, ClientDetail, ClientInput, ClientMark, ClientPage, ClientQuery,
    ContactKind, FieldErrors, Lang, Region,
};

use crate::api::{get_client, list_clients, RevealClientPhone, SaveClient};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{
    form_saved, list_outcome, list_page, local_time, reload_or_open, search_page_href, ListPage,
    LoadError,
};
use crate::pages::vendors::{FormStatus, VCheck, VField, VSelect};

/// The query-string keys of the list's search, in the order links carry them.
const FILTER_KEYS: [&str; 4] = ["q", "mark", "district", "per_page"];

fn mark_tag(lang: Lang, mark: ClientMark) -> impl IntoView {
    view! {
        <span class=format!("badge badge-{}", mark.as_code()) data-mark=mark.as_code()>{mark.label(lang)}</span>
    }
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &'static str| move || query.with(|q| q.get(k).unwrap_or_default());
    let filters = move || ClientQuery {
        q: get("q")(),
        mark: get("mark")(),
        district: get("district")(),
        page: get("page")(),
        per_page: get("per_page")(),
    };
    let list = Resource::new(filters, list_clients);
    let choices = Resource::new(|| (), |_| get_client(None));
    let page_href =
        move |page: u32| query.with(|q| search_page_href("/clients", page, q, &FILTER_KEYS));
    let marks: Vec<(&'static str, &'static str)> =
        std::iter::once(("marked", tr!(lang, clients.any_mark)))
            .chain(ClientMark::ALL.iter().map(|m| (m.as_code(), m.label(lang))))
            .collect();

    view! {
        <Title text=tr!(lang, clients.register) />
        <section class="panel wide">
            <div class="page-head">
                <h1>{tr!(lang, clients.register)}</h1>
                <a class="button" href="/clients/new" data-testid="client-new">{tr!(lang, clients.new_client)}</a>
            </div>
            <form method="get" action="/clients" class="filters wrap" data-testid="client-filters" role="search">
                <label class="grow">{tr!(lang, clients.search_label)}" "
                    <input type="search" name="q" value=get("q") maxlength="40"
                        placeholder=tr!(lang, clients.search_hint) data-testid="client-q" />
                </label>
                <label>{tr!(lang, clients.mark)}" "
                    <select name="mark" data-testid="client-mark-filter">
                        <option value="">{tr!(lang, common.all)}</option>
                        {marks.into_iter().map(|(code, label)| {
                            let selected = move || get("mark")() == code;
                            view! { <option value=code selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Suspense>
                    {move || Suspend::new(async move {
                        choices.await.ok().map(|(_, districts)| {
                            let district = get("district")();
                            view! {
                                <label>{tr!(lang, common.district)}" "
                                    <select name="district" data-testid="client-district">
                                        <option value="">{tr!(lang, common.all)}</option>
                                        {districts.iter().map(|d| view! {
                                            <option value=d.code.clone() selected=district == d.code>{d.name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                            }
                        })
                    })}
                </Suspense>
                <button type="submit" class="button" data-testid="client-find">{tr!(lang, care.find)}</button>
                <a class="button secondary" href="/clients">{tr!(lang, care.clear)}</a>
            </form>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    list_outcome(lang, "client", list.await, str::to_string, |found| {
                        client_table(lang, found, page_href).into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

fn client_table(lang: Lang, found: ClientPage, page_href: impl Fn(u32) -> String) -> impl IntoView {
    let list = ListPage {
        prefix: "client",
        summary: tr!(
            lang,
            clients.found,
            total = found.total,
            page = found.page,
            pages = found.pages()
        ),
        none_found: tr!(lang, clients.none_found),
        total: found.total,
        page: found.page,
        pages: found.pages(),
    };
    let table = (!found.items.is_empty()).then(|| {
        view! {
            <table>
                <thead><tr>
                    <th scope="col">{tr!(lang, common.name)}</th>
                    <th scope="col">{tr!(lang, common.phone)}</th>
                    <th scope="col">{tr!(lang, common.district)}</th>
                    <th scope="col">{tr!(lang, clients.mark)}</th>
                    <th scope="col">{tr!(lang, clients.cases_calls)}</th>
                    <th scope="col">{tr!(lang, clients.last_contact)}</th>
                </tr></thead>
                <tbody>
                    {found.items.into_iter().map(|c| {
                        let marks: Vec<ClientMark> = [
                            (c.vip, ClientMark::Vip),
                            (c.important, ClientMark::Important),
                            (c.blacklist, ClientMark::Blacklist),
                        ].into_iter().filter(|(on, _)| *on).map(|(_, m)| m).collect();
                        let name = c.name.clone().unwrap_or_else(|| tr!(lang, clients.no_name).to_string());
                        view! {
                            <tr data-testid="client-row" data-id=c.id.to_string() class="opens"
                                on:click=crate::pages::common::row_opens(format!("/clients/{}", c.id))>
                                <td><a href=format!("/clients/{}", c.id)>{name}</a></td>
                                <td class="mono nowrap">{c.phone.clone()}</td>
                                <td>{c.district_name.clone().unwrap_or_default()}</td>
                                <td class="nowrap">{marks.into_iter().map(|m| mark_tag(lang, m)).collect_view()}</td>
                                <td class="nowrap">{format!("{} / {}", c.case_count, c.call_count)}</td>
                                <td class="nowrap">{c.last_contact_at.map(local_time).unwrap_or_default()}</td>
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

/// `/clients/new`: registers a caller by hand (e.g. a VIP before they first ring).
#[component]
pub fn NewClientPage() -> impl IntoView {
    let lang = use_lang();
    let choices = Resource::new(|| (), |_| get_client(None));
    let user = crate::use_current_user();
    let may_mark = move || {
        user.with(|u| {
            u.as_ref()
                .is_some_and(hotline_domain::clients::marks_clients)
        })
    };
    view! {
        <Title text=tr!(lang, clients.new_client) />
        <section class="panel wide">
            <p><a href="/clients">{tr!(lang, clients.back)}</a></p>
            <h1>{tr!(lang, clients.new_client)}</h1>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok((_, districts)) => Either::Right(view! {
                            <ClientForm detail=None districts=districts may_mark=may_mark() reload=None />
                        }),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/clients/{id}`: the record, the contact history and the edit form.
#[component]
pub fn ClientRecordPage() -> impl IntoView {
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
    let record = Resource::new(move || (id(), reload.get()), |(id, _)| get_client(Some(id)));
    view! {
        <Title text=tr!(lang, clients.record) />
        <section class="panel wide">
            <p><a href="/clients">{tr!(lang, clients.back)}</a></p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match record.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok((None, _)) => view! { <h1>{tr!(lang, clients.no_such_client)}</h1> }.into_any(),
                        Ok((Some(c), districts)) => client_record(lang, c, districts, reload).into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn client_record(
    lang: Lang,
    c: ClientDetail,
    districts: Vec<Region>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let name = c
        .name
        .clone()
        .unwrap_or_else(|| tr!(lang, clients.no_name).to_string());
    let changed = match (&c.marks_changed_by, c.marks_changed_at) {
        (Some(by), Some(at)) => format!(
            "{} {}",
            local_time(at),
            by.strip_prefix("user:").unwrap_or(by)
        ),
        _ => String::new(),
    };
    let facts: Vec<(&'static str, String)> = vec![
        (
            tr!(lang, common.district),
            c.district_name.clone().unwrap_or_default(),
        ),
        (
            tr!(lang, common.address),
            c.address.clone().unwrap_or_default(),
        ),
        (
            tr!(lang, clients.cases_calls),
            format!("{} / {}", c.case_count, c.call_count),
        ),
        (
            tr!(lang, clients.first_contact),
            c.first_contact_at.map(local_time).unwrap_or_default(),
        ),
        (
            tr!(lang, clients.last_contact),
            c.last_contact_at.map(local_time).unwrap_or_default(),
        ),
        (tr!(lang, clients.marks_changed), changed),
    ];
    let given: Vec<(ClientMark, String)> = c
        .marks
        .given()
        .into_iter()
        .map(|(m, r)| (m, r.to_string()))
        .collect();
    let detail = c.clone();
    let masked = c.phone.clone();
    let reveal = ServerAction::<RevealClientPhone>::new();
    view! {
        <div class="page-head tight">
            <h1 data-testid="client-name">{name}</h1>
            {given.iter().map(|(m, _)| mark_tag(lang, *m)).collect_view()}
        </div>
        {(!given.is_empty()).then(|| view! {
            <ul class="mark-reasons" data-testid="client-marks">
                {given.iter().map(|(m, reason)| view! {
                    <li class=format!("mark-{}", m.as_code())>
                        <strong>{m.label(lang)}"："</strong>{reason.clone()}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {c.note.clone().map(|n| view! {
            <p class="alert notice" data-testid="client-note"><strong>{tr!(lang, clients.note)}"："</strong>{n}</p>
        })}
        <dl class="facts" data-testid="client-facts">
            <dt>{tr!(lang, common.phone)}</dt>
            <dd>
                <span class="mono" data-testid="client-phone">
                    {move || match reveal.value().get() {
                        Some(Ok(full)) => full,
                        _ => masked.clone(),
                    }}
                </span>
                {c.may_reveal.then(|| view! {
                    " "
                    <ActionForm action=reveal attr:class="inline">
                        <input type="hidden" name="id" value=c.id.to_string() />
                        <button type="submit" class="button small secondary" data-testid="client-reveal-phone">
                            {tr!(lang, cases.show_full_number)}
                        </button>
                    </ActionForm>
                })}
            </dd>
            {facts.into_iter().filter(|(_, value)| !value.is_empty()).map(|(k, value)| view! {
                <dt>{k}</dt><dd>{value}</dd>
            }).collect_view()}
        </dl>
        <h2>{tr!(lang, clients.history)}</h2>
        {c.history.is_empty().then(|| view! { <p class="muted">{tr!(lang, clients.no_history)}</p> })}
        {(!c.history.is_empty()).then(|| view! {
            <div class="table-scroll">
            <table data-testid="client-history">
                <thead><tr>
                    <th scope="col">{tr!(lang, common.time)}</th>
                    <th scope="col">{tr!(lang, clients.how)}</th>
                    <th scope="col">{tr!(lang, common.number)}</th>
                    <th scope="col">{tr!(lang, common.status)}</th>
                    <th scope="col">{tr!(lang, common.content)}</th>
                </tr></thead>
                <tbody>
                    {c.history.iter().map(|h| {
                        let how = match h.kind {
                            ContactKind::Case => Channel::from_code(&h.channel)
                                .map_or_else(|| h.channel.clone(), |ch| ch.label(lang).to_string()),
                            ContactKind::Call => h.kind.label(lang).to_string(),
                        };
                        let status = match h.kind {
                            ContactKind::Case => h.status.as_deref()
                                .and_then(CaseStatus::from_code)
                                .map(|s| s.label(lang).to_string())
                                .unwrap_or_default(),
                            ContactKind::Call => match h.channel.as_str() {
                                "missed" => tr!(lang, clients.call_missed).to_string(),
                                "ringing" => tr!(lang, clients.call_ringing).to_string(),
                                _ => tr!(lang, clients.call_answered).to_string(),
                            },
                        };
                        let what = match h.kind {
                            ContactKind::Case => format!(
                                "{}：{}",
                                h.what.clone().unwrap_or_default(),
                                h.text.clone().unwrap_or_default()
                            ),
                            ContactKind::Call => h.what.clone().unwrap_or_default(),
                        };
                        view! {
                            <tr data-testid="contact-row" data-kind=h.kind.as_code()>
                                <td class="nowrap">{local_time(h.at)}</td>
                                <td class="nowrap">{how}</td>
                                <td class="mono nowrap">{h.tracking_number.clone().map(|n| view! {
                                    <a href=format!("/cases/{n}")>{n.clone()}</a>
                                })}</td>
                                <td class="nowrap">{status}</td>
                                <td>{what}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
        <details class="edit-box" data-testid="client-edit">
            <summary>{tr!(lang, clients.edit)}</summary>
            <ClientForm detail=Some(detail.clone()) districts=districts may_mark=detail.may_mark reload=Some(reload) />
        </details>
    }
}

/// The record's form: the phone number only for a new client; the marks, each with its
/// reason, only for those who may mark.
#[component]
fn ClientForm(
    detail: Option<ClientDetail>,
    districts: Vec<Region>,
    may_mark: bool,
    reload: Option<RwSignal<u32>>,
) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveClient>::new();
    let errors = RwSignal::new(FieldErrors::new());
    let input = detail
        .as_ref()
        .map(ClientInput::from_detail)
        .unwrap_or_default();
    let id = detail.as_ref().map(|d| d.id);
    let status = form_saved(
        move || save.value().get(),
        errors,
        reload_or_open(reload, "/clients"),
    );
    let options: Vec<(String, String)> = districts
        .iter()
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect();
    let i = input;
    view! {
        <ActionForm action=save attr:class="grid-form client-form" attr:data-testid="client-form">
            <input type="hidden" name="id" value=id.map(|i| i.to_string()).unwrap_or_default() />
            <input type="hidden" name="input[version]" value=i.version.clone() />
            {id.is_none().then(|| view! {
                <VField label=tr!(lang, common.phone) field="phone" errors=errors kind="tel" max=20 testid="client-phone-input" />
            })}
            <VField label=tr!(lang, common.name) field="name" errors=errors value=i.name.clone() max=30 testid="client-name-input" />
            <VSelect label=tr!(lang, common.district) field="district" errors=errors options=options chosen=i.district.clone() blank=true />
            <VField label=tr!(lang, common.address) field="address" errors=errors value=i.address.clone() max=100 wide=true />
            <VField label=tr!(lang, clients.note) field="note" errors=errors value=i.note.clone() max=500 wide=true testid="client-note-input" />
            {may_mark.then(|| view! {
                <fieldset class="wide marks-box" data-testid="client-marks-box">
                    <legend>{tr!(lang, clients.marks)}</legend>
                    <p class="hint">{tr!(lang, clients.marks_hint)}</p>
                    <VCheck label=ClientMark::Vip.label(lang) field="vip" checked=i.vip.is_some() />
                    <VField label=tr!(lang, clients.vip_reason) field="vip_reason" errors=errors value=i.vip_reason.clone() max=200 wide=true />
                    <VCheck label=ClientMark::Important.label(lang) field="important" checked=i.important.is_some() />
                    <VField label=tr!(lang, clients.important_reason) field="important_reason" errors=errors value=i.important_reason.clone() max=200 wide=true />
                    <VCheck label=ClientMark::Blacklist.label(lang) field="blacklist" checked=i.blacklist.is_some() />
                    <VField label=tr!(lang, clients.blacklist_reason) field="blacklist_reason" errors=errors value=i.blacklist_reason.clone() max=200 wide=true />
                </fieldset>
            })}
            <div class="actions wide">
                <button type="submit" class="button" data-testid="client-save">{tr!(lang, common.save)}</button>
            </div>
        </ActionForm>
        <FormStatus status=status />
    }
}
