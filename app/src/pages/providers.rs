//! Skilled individuals and volunteers (一技之长者/义工, SPEC R2): the list with its search by
//! name or phone, register, district, service, service mode, support system and status; a
//! person's record with the orders they were given and how callbacks rated them; and the
//! form the registry's keepers create or edit a record with.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use hotline_domain::vendors::VendorChoices;
use hotline_domain::{
    FieldErrors, Lang, Permission, PersonKind, ProviderDetail, ProviderInput, ProviderPage,
    ProviderQuery, ProviderStatus, ServiceMode, SupportSystem,
};

use crate::api::{get_provider, list_providers, SaveProvider};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{
    export_links, form_saved, list_outcome, list_page, local_time, reload_or_open,
    search_page_href, with_search, ListPage, LoadError,
};
use crate::pages::vendors::{orders_section, score, FormStatus, VField, VSelect};
use crate::use_current_user;

/// The query-string keys of the list's search, in the order links carry them.
const FILTER_KEYS: [&str; 8] = [
    "q",
    "kind",
    "district",
    "category",
    "service_mode",
    "support_system",
    "status",
    "per_page",
];

fn status_chip(lang: Lang, status: ProviderStatus) -> impl IntoView {
    view! {
        <span class=format!("vendor-status status-{}", status.as_code()) data-status=status.as_code()>
            {status.label(lang)}
        </span>
    }
}

/// `(code, label)` of every value of a coded list, for a select.
fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

#[component]
pub fn ProvidersPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &'static str| move || query.with(|q| q.get(k).unwrap_or_default());
    let filters = move || ProviderQuery {
        q: get("q")(),
        kind: get("kind")(),
        district: get("district")(),
        category: get("category")(),
        service_mode: get("service_mode")(),
        support_system: get("support_system")(),
        status: get("status")(),
        page: get("page")(),
        per_page: get("per_page")(),
    };
    let list = Resource::new(filters, list_providers);
    let options = Resource::new(|| (), |_| get_provider(None));
    let page_href =
        move |page: u32| query.with(|q| search_page_href("/providers", page, q, &FILTER_KEYS));
    let export_href = move |format: &'static str| {
        let start = format!("/api/v1/providers/export?format={format}");
        query.with(|q| with_search(start, q, &FILTER_KEYS))
    };
    let user = use_current_user();
    let may_export = move || {
        user.with(|u| {
            u.as_ref()
                .is_some_and(hotline_domain::providers::exports_providers)
        })
    };
    let keeper = move || {
        user.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.can(Permission::ProviderRegistry))
        })
    };
    // A coded filter: "all" and every value, the one in the query chosen.
    let coded_filter =
        move |key: &'static str, label: &'static str, values: Vec<(String, String)>| {
            view! {
                <label>{label}" "
                    <select name=key data-testid=format!("provider-{key}")>
                        <option value="">{tr!(lang, common.all)}</option>
                        {values.into_iter().map(|(code, text)| {
                            let chosen = code.clone();
                            let selected = move || get(key)() == chosen;
                            view! { <option value=code selected=selected>{text}</option> }
                        }).collect_view()}
                    </select>
                </label>
            }
        };

    view! {
        <Title text=tr!(lang, providers.registry) />
        <section class="panel wide">
            <div class="page-head">
                <h1>{tr!(lang, providers.registry)}</h1>
                <Show when=keeper>
                    <a class="button" href="/providers/new" data-testid="provider-new">{tr!(lang, providers.new_person)}</a>
                </Show>
            </div>
            <form method="get" action="/providers" class="filters wrap" data-testid="provider-filters" role="search">
                <label class="grow">{tr!(lang, providers.search_label)}" "
                    <input type="search" name="q" value=get("q") maxlength="40"
                        placeholder=tr!(lang, providers.search_hint) data-testid="provider-q" />
                </label>
                {coded_filter("kind", tr!(lang, providers.kind), choices(PersonKind::ALL, PersonKind::as_code, |v| v.label(lang)))}
                <Suspense>
                    {move || Suspend::new(async move {
                        options.await.ok().map(|(_, c)| {
                            let district = get("district")();
                            let category = get("category")();
                            view! {
                                <label>{tr!(lang, common.district)}" "
                                    <select name="district" data-testid="provider-district">
                                        <option value="">{tr!(lang, common.all)}</option>
                                        {c.regions.iter().filter(|r| r.level == 2).map(|d| view! {
                                            <option value=d.code.clone() selected=district == d.code>{d.name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label>{tr!(lang, providers.skill)}" "
                                    <select name="category" data-testid="provider-category">
                                        <option value="">{tr!(lang, common.all)}</option>
                                        {c.categories.iter().filter(|k| k.level <= 2).map(|k| {
                                            let label = if k.level == 1 { k.name(lang).to_string() } else { format!("　{}", k.name(lang)) };
                                            view! { <option value=k.code.clone() selected=category == k.code>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                </label>
                            }
                        })
                    })}
                </Suspense>
                {coded_filter("service_mode", tr!(lang, providers.service_mode), choices(ServiceMode::ALL, ServiceMode::as_code, |v| v.label(lang)))}
                {coded_filter("support_system", tr!(lang, providers.support_system), choices(SupportSystem::ALL, SupportSystem::as_code, |v| v.label(lang)))}
                {coded_filter("status", tr!(lang, common.state), choices(ProviderStatus::ALL, ProviderStatus::as_code, |v| v.label(lang)))}
                <button type="submit" class="button" data-testid="provider-find">{tr!(lang, care.find)}</button>
                <a class="button secondary" href="/providers">{tr!(lang, care.clear)}</a>
            </form>
            <Show when=may_export>
                {export_links(lang, "provider", export_href, tr!(lang, providers.export_note))}
            </Show>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    list_outcome(lang, "provider", list.await, str::to_string, |found| {
                        provider_table(lang, found, page_href).into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

fn provider_table(
    lang: Lang,
    found: ProviderPage,
    page_href: impl Fn(u32) -> String,
) -> impl IntoView {
    let list = ListPage {
        prefix: "provider",
        summary: tr!(
            lang,
            providers.found,
            total = found.total,
            page = found.page,
            pages = found.pages()
        ),
        none_found: tr!(lang, providers.none_found),
        total: found.total,
        page: found.page,
        pages: found.pages(),
    };
    let table = (!found.items.is_empty()).then(|| {
        view! {
            <table>
                <thead><tr>
                    <th scope="col">{tr!(lang, common.name)}</th>
                    <th scope="col">{tr!(lang, providers.kind)}</th>
                    <th scope="col">{tr!(lang, common.district)}</th>
                    <th scope="col">{tr!(lang, common.phone)}</th>
                    <th scope="col">{tr!(lang, providers.skill)}</th>
                    <th scope="col">{tr!(lang, providers.service_mode)}</th>
                    <th scope="col">{tr!(lang, common.state)}</th>
                    <th scope="col">{tr!(lang, vendors.rating)}</th>
                    <th scope="col">{tr!(lang, vendors.open_orders)}</th>
                </tr></thead>
                <tbody>
                    {found.items.into_iter().map(|p| {
                        let place = match &p.street_name {
                            Some(s) => format!("{} {s}", p.district_name),
                            None => p.district_name.clone(),
                        };
                        view! {
                            <tr data-testid="provider-row" data-id=p.id.to_string() data-kind=p.kind.as_code() class="opens"
                                on:click=crate::pages::common::row_opens(format!("/providers/{}", p.id))>
                                <td><a href=format!("/providers/{}", p.id)>{p.name.clone()}</a></td>
                                <td class="nowrap">{p.kind.label(lang)}</td>
                                <td>{place}</td>
                                <td class="mono nowrap">{p.phone.clone()}</td>
                                <td>{p.skill_name.clone()}</td>
                                <td class="nowrap">{format!("{} · {}", p.service_mode.label(lang), p.support_system.label(lang))}</td>
                                <td class="nowrap">{status_chip(lang, p.status)}</td>
                                <td class="nowrap">{match p.rated {
                                    0 => score(p.rating),
                                    n => format!("{} ({n})", score(p.rating)),
                                }}</td>
                                <td>{p.open_orders}</td>
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

/// `/providers/new`: the form, for the registry's keepers.
#[component]
pub fn NewProviderPage() -> impl IntoView {
    let lang = use_lang();
    let options = Resource::new(|| (), |_| get_provider(None));
    view! {
        <Title text=tr!(lang, providers.new_person) />
        <section class="panel wide">
            <p><a href="/providers">{tr!(lang, providers.back)}</a></p>
            <h1>{tr!(lang, providers.new_person)}</h1>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match options.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok((_, c)) => Either::Right(view! {
                            <ProviderForm detail=None choices=c reload=None />
                        }),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/providers/{id}`: the record, the orders, and the form for the registry's keepers.
#[component]
pub fn ProviderRecordPage() -> impl IntoView {
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
    let record = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| get_provider(Some(id)),
    );
    view! {
        <Title text=tr!(lang, providers.record) />
        <section class="panel wide">
            <p><a href="/providers">{tr!(lang, providers.back)}</a></p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match record.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok((None, _)) => view! { <h1>{tr!(lang, providers.no_such_person)}</h1> }.into_any(),
                        Ok((Some(p), choices)) => provider_record(lang, p, choices, reload).into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn provider_record(
    lang: Lang,
    p: ProviderDetail,
    choices: VendorChoices,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let place = match &p.street_name {
        Some(s) => format!("{} {s}", p.district_name),
        None => p.district_name.clone(),
    };
    let facts: Vec<(&'static str, String)> = vec![
        (tr!(lang, providers.kind), p.kind.label(lang).into()),
        (tr!(lang, providers.skill), p.skill_name.clone()),
        (
            tr!(lang, providers.service_mode),
            p.service_mode.label(lang).into(),
        ),
        (
            tr!(lang, providers.support_system),
            p.support_system.label(lang).into(),
        ),
        (tr!(lang, common.district), place),
        (
            tr!(lang, common.address),
            p.address.clone().unwrap_or_default(),
        ),
        (tr!(lang, common.phone), p.phone.clone()),
        (
            tr!(lang, vendors.rating),
            match p.rated {
                0 => score(p.rating),
                n => format!("{} ({n})", score(p.rating)),
            },
        ),
        (
            tr!(lang, vendors.orders),
            tr!(
                lang,
                vendors.orders_open,
                orders = p.orders_total,
                open = p.open_orders
            )
            .to_string(),
        ),
        (
            tr!(lang, vendors.position),
            format!("{:.5}, {:.5}", p.position.lon, p.position.lat),
        ),
        (tr!(lang, vendors.joined), local_time(p.created_at)),
    ];
    let editable = p.editable;
    let detail = p.clone();
    view! {
        <div class="page-head tight">
            <h1 data-testid="provider-name">{p.name.clone()}</h1>
            {status_chip(lang, p.status)}
        </div>
        {p.note.clone().map(|n| view! {
            <p class="alert notice" data-testid="provider-note"><strong>{tr!(lang, providers.note)}"："</strong>{n}</p>
        })}
        <dl class="facts" data-testid="provider-facts">
            {facts.into_iter().filter(|(_, value)| !value.is_empty()).map(|(k, value)| view! {
                <dt>{k}</dt><dd>{value}</dd>
            }).collect_view()}
        </dl>
        {orders_section(lang, p.orders.clone())}
        {editable.then(|| view! {
            <details class="edit-box" data-testid="provider-edit">
                <summary>{tr!(lang, providers.edit)}</summary>
                <ProviderForm detail=Some(detail) choices=choices reload=Some(reload) />
            </details>
        })}
    }
}

/// The record's form (the registry's keepers): new or edit.
#[component]
fn ProviderForm(
    detail: Option<ProviderDetail>,
    choices: VendorChoices,
    reload: Option<RwSignal<u32>>,
) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveProvider>::new();
    let errors = RwSignal::new(FieldErrors::new());
    let input = detail
        .as_ref()
        .map(ProviderInput::from_detail)
        .unwrap_or_else(|| ProviderInput {
            kind: PersonKind::Skilled.as_code().into(),
            service_mode: ServiceMode::Paid.as_code().into(),
            support_system: SupportSystem::Market.as_code().into(),
            status: ProviderStatus::Active.as_code().into(),
            ..Default::default()
        });
    let id = detail.as_ref().map(|d| d.id);
    let status = form_saved(
        move || save.value().get(),
        errors,
        reload_or_open(reload, "/providers"),
    );
    let districts: Vec<(String, String)> = choices
        .regions
        .iter()
        .filter(|r| r.level == 2)
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let streets: Vec<(String, String)> = choices
        .regions
        .iter()
        .filter(|r| r.level == 3)
        .map(|r| {
            let district = choices
                .regions
                .iter()
                .find(|d| Some(&d.code) == r.parent_code.as_ref())
                .map(|d| d.name.as_str())
                .unwrap_or("");
            (r.code.clone(), format!("{district} {}", r.name))
        })
        .collect();
    let skills: Vec<(String, String)> = choices
        .categories
        .iter()
        .filter(|c| c.level >= 2)
        .map(|c| (c.code.clone(), format!("{} {}", c.code, c.name(lang))))
        .collect();
    let i = input;
    view! {
        <ActionForm action=save attr:class="grid-form vendor-form" attr:data-testid="provider-form">
            <input type="hidden" name="id" value=id.map(|i| i.to_string()).unwrap_or_default() />
            <input type="hidden" name="input[version]" value=i.version.clone() />
            <VField label=tr!(lang, common.name) field="name" errors=errors value=i.name.clone() max=30 testid="provider-name-input" />
            <VField label=tr!(lang, common.phone) field="phone" errors=errors value=i.phone.clone() kind="tel" max=20 testid="provider-phone-input" />
            <VSelect label=tr!(lang, providers.kind) field="kind" errors=errors
                options=choices_of(PersonKind::ALL, PersonKind::as_code, lang, PersonKind::label) chosen=i.kind.clone() />
            <VSelect label=tr!(lang, providers.service_mode) field="service_mode" errors=errors
                options=choices_of(ServiceMode::ALL, ServiceMode::as_code, lang, ServiceMode::label) chosen=i.service_mode.clone() />
            <VSelect label=tr!(lang, providers.support_system) field="support_system" errors=errors
                options=choices_of(SupportSystem::ALL, SupportSystem::as_code, lang, SupportSystem::label) chosen=i.support_system.clone() />
            <VSelect label=tr!(lang, common.state) field="status" errors=errors
                options=choices_of(ProviderStatus::ALL, ProviderStatus::as_code, lang, ProviderStatus::label) chosen=i.status.clone() />
            <VSelect label=tr!(lang, providers.skill) field="skill" errors=errors options=skills chosen=i.skill.clone() blank=true />
            <VSelect label=tr!(lang, common.district) field="district" errors=errors options=districts chosen=i.district.clone() blank=true />
            <VSelect label=tr!(lang, vendors.street) field="street" errors=errors options=streets chosen=i.street.clone() blank=true />
            <VField label=tr!(lang, common.address) field="address" errors=errors value=i.address.clone() max=120 wide=true />
            <VField label=tr!(lang, providers.note) field="note" errors=errors value=i.note.clone() max=500 wide=true testid="provider-note-input" />
            <p class="hint wide">{tr!(lang, providers.position_hint)}</p>
            <VField label=tr!(lang, vendors.lon) field="lon" errors=errors />
            <VField label=tr!(lang, vendors.lat) field="lat" errors=errors />
            <div class="actions wide">
                <button type="submit" class="button" data-testid="provider-save">{tr!(lang, common.save)}</button>
            </div>
        </ActionForm>
        <FormStatus status=status />
    }
}

fn choices_of<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    lang: Lang,
    label: fn(T, Lang) -> &'static str,
) -> Vec<(String, String)> {
    choices(all, code, |v| label(v, lang))
}
