//! The vendor registry (加盟企业, SPEC R1): the list with its search; a vendor's record with
//! its services, the centre's information settings, callback ratings, staff, inspections
//! and latest orders; and the form that creates or edits one. The registry's keepers edit
//! everything; a vendor's own account its contact details and staff.

use std::collections::BTreeSet;

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use hotline_domain::vendors::{
    VendorChoices, VendorInspection, VendorOrder, VendorStaff, FRANCHISE_TYPES,
};
use hotline_domain::{
    CreditGrade, FieldErrors, InspectionResult, Lang, Permission, VendorDetail, VendorEdit,
    VendorKind, VendorPage as Page, VendorQuery, VendorStatus,
};

use crate::api::{
    get_vendor, list_vendors, FormOutcome, RecordInspection, SaveVendor, SaveVendorStaff,
};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{
    export_links, field_error, form_saved, list_outcome, list_page, local_time, reload_or_open,
    with_search, FieldMessage, ListPage, LoadError,
};
use crate::use_current_user;

/// The query-string keys of the list's search, in the order links carry them.
const FILTER_KEYS: [&str; 6] = ["q", "district", "street", "category", "status", "per_page"];

fn status_chip(lang: Lang, status: VendorStatus) -> impl IntoView {
    view! {
        <span class=format!("vendor-status status-{}", status.as_code()) data-status=status.as_code()>
            {status.label(lang)}
        </span>
    }
}

pub(crate) fn score(v: Option<f32>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

#[component]
pub fn VendorsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &'static str| move || query.with(|q| q.get(k).unwrap_or_default());
    let filters = move || VendorQuery {
        q: get("q")(),
        district: get("district")(),
        street: get("street")(),
        category: get("category")(),
        status: get("status")(),
        page: get("page")(),
        per_page: get("per_page")(),
    };
    let list = Resource::new(filters, list_vendors);
    let choices = Resource::new(|| (), |_| get_vendor(None));
    // The same search on another page, or as a file.
    let search_href = move |start: String| query.with(|q| with_search(start, q, &FILTER_KEYS));
    let page_href = move |page: u32| search_href(format!("/vendors?page={page}"));
    let user = use_current_user();
    let may_export = move || {
        user.with(|u| {
            u.as_ref()
                .is_some_and(hotline_domain::vendors::exports_vendors)
        })
    };
    let keeper = move || {
        user.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.can(Permission::ProviderRegistry))
        })
    };

    view! {
        <Title text=tr!(lang, vendors.registry) />
        <section class="panel wide">
            <div class="page-head">
                <h1>{tr!(lang, vendors.registry)}</h1>
                <Show when=keeper>
                    <a class="button" href="/vendors/new" data-testid="vendor-new">{tr!(lang, vendors.new_vendor)}</a>
                </Show>
            </div>
            <form method="get" action="/vendors" class="filters wrap" data-testid="vendor-filters" role="search">
                <label class="grow">{tr!(lang, vendors.search_label)}" "
                    <input type="search" name="q" value=get("q") maxlength="40"
                        placeholder=tr!(lang, vendors.search_hint) data-testid="vendor-q" />
                </label>
                <Suspense>
                    {move || Suspend::new(async move {
                        choices.await.ok().map(|(_, c)| {
                            let district = get("district")();
                            let category = get("category")();
                            view! {
                                <label>{tr!(lang, common.district)}" "
                                    <select name="district" data-testid="vendor-district">
                                        <option value="">{tr!(lang, common.all)}</option>
                                        {c.regions.iter().filter(|r| r.level == 2).map(|d| view! {
                                            <option value=d.code.clone() selected=district == d.code>{d.name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label>{tr!(lang, vendors.service)}" "
                                    <select name="category" data-testid="vendor-category">
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
                <label>{tr!(lang, common.state)}" "
                    <select name="status" data-testid="vendor-status-filter">
                        <option value="">{tr!(lang, common.all)}</option>
                        {VendorStatus::ALL.iter().map(|s| {
                            let selected = move || get("status")() == s.as_code();
                            view! { <option value=s.as_code() selected=selected>{s.label(lang)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button" data-testid="vendor-find">{tr!(lang, care.find)}</button>
                <a class="button secondary" href="/vendors">{tr!(lang, care.clear)}</a>
            </form>
            <Show when=may_export>
                {export_links(lang, "vendor",
                    move |f| search_href(format!("/api/v1/vendors/export?format={f}")),
                    tr!(lang, vendors.export_note))}
            </Show>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    list_outcome(lang, "vendor", list.await, str::to_string, |found| {
                        vendor_table(lang, found, page_href).into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

fn vendor_table(lang: Lang, found: Page, page_href: impl Fn(u32) -> String) -> impl IntoView {
    let list = ListPage {
        prefix: "vendor",
        summary: tr!(
            lang,
            vendors.found,
            total = found.total,
            page = found.page,
            pages = found.pages()
        ),
        none_found: tr!(lang, vendors.none_found),
        total: found.total,
        page: found.page,
        pages: found.pages(),
    };
    let table = (!found.items.is_empty()).then(|| {
        view! {
            <table>
                <thead><tr>
                    <th scope="col">{tr!(lang, vendors.name)}</th>
                    <th scope="col">{tr!(lang, common.district)}</th>
                    <th scope="col">{tr!(lang, vendors.contact)}</th>
                    <th scope="col">{tr!(lang, common.state)}</th>
                    <th scope="col">{tr!(lang, vendors.credit_grade)}</th>
                    <th scope="col">{tr!(lang, vendors.rating)}</th>
                    <th scope="col">{tr!(lang, vendors.open_orders)}</th>
                </tr></thead>
                <tbody>
                    {found.items.into_iter().map(|v| {
                        let place = match &v.street_name {
                            Some(s) => format!("{} {s}", v.district_name),
                            None => v.district_name.clone(),
                        };
                        view! {
                            <tr data-testid="vendor-row" data-id=v.id.to_string() class="opens"
                                on:click=crate::pages::common::row_opens(format!("/vendors/{}", v.id))>
                                <td>
                                    <a href=format!("/vendors/{}", v.id)>{v.name.clone()}</a>
                                    {v.special_recommend.then(|| view! { <span class="tag recommend">{tr!(lang, vendors.special_recommend)}</span> })}
                                    {v.special_issue.then(|| view! { <span class="tag internal">{tr!(lang, vendors.special_issue)}</span> })}
                                </td>
                                <td>{place}</td>
                                <td class="nowrap"><span>{v.contact_name.clone()}</span>" "<span class="mono">{v.phone.clone()}</span></td>
                                <td class="nowrap">{status_chip(lang, v.status)}</td>
                                <td class="mono">{v.credit_grade.as_code()}</td>
                                <td class="nowrap">{match v.rated {
                                    0 => score(v.rating),
                                    n => format!("{} ({n})", score(v.rating)),
                                }}</td>
                                <td>{v.open_orders}</td>
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

/// `/vendors/new`: the whole form, for the registry's keepers.
#[component]
pub fn NewVendorPage() -> impl IntoView {
    let lang = use_lang();
    let choices = Resource::new(|| (), |_| get_vendor(None));
    view! {
        <Title text=tr!(lang, vendors.new_vendor) />
        <section class="panel wide">
            <p><a href="/vendors">{tr!(lang, vendors.back)}</a></p>
            <h1>{tr!(lang, vendors.new_vendor)}</h1>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Err(e) => Either::Left(view! { <LoadError error=e /> }),
                        Ok((_, c)) => Either::Right(view! {
                            <VendorForm detail=None choices=c edit=VendorEdit::All reload=None />
                        }),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/vendors/{id}`: the record, and what the reader may change of it.
#[component]
pub fn VendorRecordPage() -> impl IntoView {
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
    let record = Resource::new(move || (id(), reload.get()), |(id, _)| get_vendor(Some(id)));
    view! {
        <Title text=tr!(lang, vendors.record) />
        <section class="panel wide">
            <p><a href="/vendors">{tr!(lang, vendors.back)}</a></p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match record.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok((None, _)) => view! { <h1>{tr!(lang, vendors.no_such_vendor)}</h1> }.into_any(),
                        Ok((Some(v), choices)) => vendor_record(lang, v, choices, reload).into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn vendor_record(
    lang: Lang,
    v: VendorDetail,
    choices: VendorChoices,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let edit = v.editable;
    let place = match &v.street_name {
        Some(s) => format!("{} {s}", v.district_name),
        None => v.district_name.clone(),
    };
    let capital = format!("{:.1}", v.registered_capital as f64 / 10_000.0);
    let id = v.id;
    let facts: Vec<(String, String)> = vec![
        (tr!(lang, vendors.kind).into(), v.kind.label(lang).into()),
        (
            tr!(lang, vendors.franchise_type).into(),
            v.franchise_type.clone(),
        ),
        (tr!(lang, common.district).into(), place),
        (tr!(lang, care.address).into(), v.address.clone()),
        (
            tr!(lang, vendors.contact).into(),
            format!("{} {}", v.contact_name, v.phone),
        ),
        (
            tr!(lang, vendors.hotline).into(),
            v.hotline.clone().unwrap_or_default(),
        ),
        (
            tr!(lang, vendors.website).into(),
            v.website.clone().unwrap_or_default(),
        ),
        (
            tr!(lang, vendors.qualification).into(),
            v.qualification.clone().unwrap_or_default(),
        ),
        (
            tr!(lang, vendors.service_area).into(),
            v.service_area.clone().unwrap_or_default(),
        ),
        (
            tr!(lang, vendors.staff_count).into(),
            v.staff_count.to_string(),
        ),
        (
            tr!(lang, vendors.registered_capital).into(),
            tr!(lang, vendors.ten_thousand_yuan, amount = capital),
        ),
        (
            tr!(lang, vendors.credit_grade).into(),
            v.credit_grade.as_code().into(),
        ),
        (
            tr!(lang, vendors.marks).into(),
            [
                v.home_care.then(|| tr!(lang, vendors.home_care)),
                v.volunteer.then(|| tr!(lang, vendors.volunteer)),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("、"),
        ),
        (
            tr!(lang, vendors.position).into(),
            format!("{:.5}, {:.5}", v.position.lon, v.position.lat),
        ),
        (tr!(lang, vendors.joined).into(), local_time(v.created_at)),
    ];
    let r = v.ratings.clone();
    view! {
        <div class="page-head tight">
            <h1 data-testid="vendor-name">{v.name.clone()}</h1>
            {status_chip(lang, v.status)}
            {v.special_recommend.then(|| view! { <span class="tag recommend">{tr!(lang, vendors.special_recommend)}</span> })}
            {v.special_issue.then(|| view! { <span class="tag internal">{tr!(lang, vendors.special_issue)}</span> })}
        </div>
        {v.special_prompt.clone().map(|p| view! {
            <p class="alert notice" data-testid="vendor-prompt"><strong>{tr!(lang, vendors.special_prompt)}"："</strong>{p}</p>
        })}
        <div class="record-grid">
            <dl class="facts" data-testid="vendor-facts">
                {facts.into_iter().filter(|(_, value)| !value.is_empty()).map(|(k, value)| view! {
                    <dt>{k}</dt><dd>{value}</dd>
                }).collect_view()}
            </dl>
            <div>
                <h2>{tr!(lang, vendors.services)}</h2>
                <p class="chips" data-testid="vendor-services">
                    {v.services.iter().map(|(code, name)| view! {
                        <span class="tag" data-code=code.clone()>{name.clone()}</span>
                    }).collect_view()}
                </p>
                <h2>{tr!(lang, vendors.ratings)}</h2>
                <dl class="facts compact" data-testid="vendor-ratings">
                    <dt>{tr!(lang, vendors.orders)}</dt><dd>{tr!(lang, vendors.orders_open, orders = r.orders, open = r.open_orders)}</dd>
                    <dt>{tr!(lang, vendors.rated)}</dt><dd>{r.rated}</dd>
                    <dt>{tr!(lang, vendors.price)}</dt><dd>{score(r.price)}</dd>
                    <dt>{tr!(lang, vendors.punctuality)}</dt><dd>{score(r.punctuality)}</dd>
                    <dt>{tr!(lang, vendors.attitude)}</dt><dd>{score(r.attitude)}</dd>
                </dl>
                {v.centre_opinion.clone().map(|o| view! {
                    <h2>{tr!(lang, vendors.centre_opinion)}</h2>
                    <p data-testid="vendor-opinion">{o}</p>
                })}
            </div>
        </div>
        {staff_section(lang, id, v.staff.clone(), edit, reload)}
        {inspection_section(lang, id, v.inspections.clone(), edit, reload)}
        {orders_section(lang, v.orders.clone())}
        {(edit != VendorEdit::Nothing).then(|| {
            let detail = v.clone();
            view! {
                <details class="edit-box" data-testid="vendor-edit">
                    <summary>{if edit == VendorEdit::All { tr!(lang, vendors.edit) } else { tr!(lang, vendors.edit_own) }}</summary>
                    <VendorForm detail=Some(detail) choices=choices edit=edit reload=Some(reload) />
                </details>
            }
        })}
    }
}

fn staff_section(
    lang: Lang,
    vendor_id: i64,
    staff: Vec<VendorStaff>,
    edit: VendorEdit,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let save = ServerAction::<SaveVendorStaff>::new();
    let errors = RwSignal::new(FieldErrors::new());
    let status = form_status(move || save.value().get(), errors, reload);
    view! {
        <h2>{tr!(lang, vendors.staff)}</h2>
        {staff.is_empty().then(|| view! { <p class="muted">{tr!(lang, vendors.no_staff)}</p> })}
        {(!staff.is_empty()).then(|| view! {
            <div class="table-scroll">
            <table data-testid="vendor-staff">
                <thead><tr>
                    <th scope="col">{tr!(lang, common.name)}</th>
                    <th scope="col">{tr!(lang, vendors.job)}</th>
                    <th scope="col">{tr!(lang, vendors.phone)}</th>
                    <th scope="col">{tr!(lang, common.state)}</th>
                    {(edit != VendorEdit::Nothing).then(|| view! { <th scope="col"></th> })}
                </tr></thead>
                <tbody>
                    {staff.into_iter().map(|s| {
                        let (name, phone, job) = (s.name.clone(), s.phone.clone(), s.job.clone());
                        let toggle = (edit != VendorEdit::Nothing).then(|| view! {
                            <td>
                                <ActionForm action=save attr:class="inline">
                                    <input type="hidden" name="vendor_id" value=vendor_id.to_string() />
                                    <input type="hidden" name="staff_id" value=s.id.to_string() />
                                    <input type="hidden" name="input[name]" value=name />
                                    <input type="hidden" name="input[phone]" value=phone />
                                    <input type="hidden" name="input[job]" value=job />
                                    {(!s.active).then(|| view! { <input type="hidden" name="input[active]" value="on" /> })}
                                    <button type="submit" class="button small secondary" data-testid="staff-toggle">
                                        {if s.active { tr!(lang, vendors.staff_left) } else { tr!(lang, vendors.staff_back) }}
                                    </button>
                                </ActionForm>
                            </td>
                        });
                        view! {
                            <tr data-testid="staff-row" class:inactive=!s.active>
                                <td>{s.name.clone()}</td>
                                <td>{s.job.clone()}</td>
                                <td class="mono">{s.phone.clone()}</td>
                                <td>{if s.active { tr!(lang, vendors.staff_active) } else { tr!(lang, vendors.staff_gone) }}</td>
                                {toggle}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
        {(edit != VendorEdit::Nothing).then(|| view! {
            <ActionForm action=save attr:class="inline-form" attr:data-testid="staff-form">
                <input type="hidden" name="vendor_id" value=vendor_id.to_string() />
                <input type="hidden" name="input[active]" value="on" />
                <VField label=tr!(lang, common.name) field="name" errors=errors max=20 scope="staff-" />
                <VField label=tr!(lang, vendors.job) field="job" errors=errors max=20 scope="staff-" />
                <VField label=tr!(lang, vendors.phone) field="phone" errors=errors kind="tel" max=20 scope="staff-" />
                <button type="submit" class="button secondary">{tr!(lang, vendors.add_staff)}</button>
            </ActionForm>
            <FormStatus status=status />
        })}
    }
}

fn inspection_section(
    lang: Lang,
    vendor_id: i64,
    inspections: Vec<VendorInspection>,
    edit: VendorEdit,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let save = ServerAction::<RecordInspection>::new();
    let errors = RwSignal::new(FieldErrors::new());
    let status = form_status(move || save.value().get(), errors, reload);
    let result_error = Signal::derive(field_error(errors, lang, "result"));
    view! {
        <h2>{tr!(lang, vendors.inspections)}</h2>
        {inspections.is_empty().then(|| view! { <p class="muted">{tr!(lang, vendors.no_inspections)}</p> })}
        {(!inspections.is_empty()).then(|| view! {
            <div class="table-scroll">
            <table data-testid="vendor-inspections">
                <thead><tr>
                    <th scope="col">{tr!(lang, vendors.inspected_on)}</th>
                    <th scope="col">{tr!(lang, vendors.result)}</th>
                    <th scope="col">{tr!(lang, vendors.inspector)}</th>
                    <th scope="col">{tr!(lang, vendors.note)}</th>
                    <th scope="col">{tr!(lang, vendors.next_due)}</th>
                </tr></thead>
                <tbody>
                    {inspections.into_iter().map(|i| view! {
                        <tr data-testid="inspection-row">
                            <td class="nowrap">{i.inspected_on.to_string()}</td>
                            <td class=format!("nowrap result-{}", i.result.as_code())>{i.result.label(lang)}</td>
                            <td>{i.inspector.clone()}</td>
                            <td>{i.note.clone().unwrap_or_default()}</td>
                            <td class="nowrap">{i.next_due.map(|d| d.to_string()).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
        {(edit == VendorEdit::All).then(|| view! {
            <details class="edit-box">
                <summary data-testid="inspection-open">{tr!(lang, vendors.record_inspection)}</summary>
                <ActionForm action=save attr:class="grid-form" attr:data-testid="inspection-form">
                    <input type="hidden" name="vendor_id" value=vendor_id.to_string() />
                    <VField label=tr!(lang, vendors.inspected_on) field="inspected_on" errors=errors kind="date" />
                    <div class="field">
                        <label for="v-result">{tr!(lang, vendors.result)}</label>
                        <select id="v-result" name="input[result]" aria-describedby="ve-result">
                            {InspectionResult::ALL.iter().map(|r| view! {
                                <option value=r.as_code()>{r.label(lang)}</option>
                            }).collect_view()}
                        </select>
                        <FieldMessage id="ve-result" message=result_error />
                    </div>
                    <VField label=tr!(lang, vendors.inspector) field="inspector" errors=errors max=20 />
                    <VField label=tr!(lang, vendors.next_due) field="next_due" errors=errors kind="date" />
                    <VField label=tr!(lang, vendors.note) field="note" errors=errors max=500 wide=true />
                    <div class="actions">
                        <button type="submit" class="button">{tr!(lang, common.save)}</button>
                    </div>
                </ActionForm>
                <FormStatus status=status />
            </details>
        })}
    }
}

pub(crate) fn orders_section(lang: Lang, orders: Vec<VendorOrder>) -> impl IntoView {
    view! {
        <h2>{tr!(lang, vendors.latest_orders)}</h2>
        {orders.is_empty().then(|| view! { <p class="muted">{tr!(lang, vendors.no_orders)}</p> })}
        {(!orders.is_empty()).then(|| view! {
            <div class="table-scroll">
            <table data-testid="vendor-orders">
                <thead><tr>
                    <th scope="col">{tr!(lang, vendors.case)}</th>
                    <th scope="col">{tr!(lang, vendors.service)}</th>
                    <th scope="col">{tr!(lang, vendors.given_at)}</th>
                    <th scope="col">{tr!(lang, common.state)}</th>
                    <th scope="col">{tr!(lang, vendors.scores)}</th>
                </tr></thead>
                <tbody>
                    {orders.into_iter().map(|o| view! {
                        <tr>
                            <td class="mono"><a href=format!("/cases/{}", o.tracking_number)>{o.tracking_number.clone()}</a></td>
                            <td>{o.category_name.clone()}</td>
                            <td class="nowrap">{local_time(o.assigned_at)}</td>
                            <td>{if o.closed { tr!(lang, vendors.order_closed) } else { tr!(lang, vendors.order_open) }}</td>
                            <td class="nowrap">{o.scores.map(|(p, t, a)| format!("{p} / {t} / {a}")).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
    }
}

/// What a small form's save said: saved (and the record reloaded), what to fix, or why not.
fn form_status<T: Clone + Send + Sync + 'static>(
    value: impl Fn() -> Option<Result<FormOutcome<T>, ServerFnError>> + Copy + Send + Sync + 'static,
    errors: RwSignal<FieldErrors>,
    reload: RwSignal<u32>,
) -> Signal<Option<Result<bool, String>>> {
    form_saved(value, errors, move |_| reload.update(|n| *n += 1))
}

#[component]
pub(crate) fn FormStatus(status: Signal<Option<Result<bool, String>>>) -> impl IntoView {
    view! { <crate::pages::common::SaveStatus status=status /> }
}

/// A labelled input named `input[field]`, with its error line.
#[component]
pub(crate) fn VField(
    label: &'static str,
    field: &'static str,
    errors: RwSignal<FieldErrors>,
    #[prop(optional)] value: String,
    #[prop(optional)] kind: &'static str,
    #[prop(optional)] max: usize,
    #[prop(optional)] wide: bool,
    #[prop(optional)] testid: &'static str,
    /// Told apart from another form's field of the same name on the page.
    #[prop(optional)]
    scope: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let message = Signal::derive(field_error(errors, lang, field));
    let id = format!("v-{scope}{field}");
    let error_id = format!("ve-{scope}{field}");
    view! {
        <div class="field" class:wide=wide>
            <label for=id.clone()>{label}</label>
            <input id=id name=format!("input[{field}]") value=value
                type=if kind.is_empty() { "text" } else { kind }
                maxlength=(max > 0).then(|| max.to_string())
                data-testid=(!testid.is_empty()).then_some(testid)
                aria-describedby=error_id.clone()
                aria-invalid=move || message.with(Option::is_some).to_string() />
            <FieldMessage id=error_id message=message />
        </div>
    }
}

#[component]
pub(crate) fn VSelect(
    label: &'static str,
    field: &'static str,
    errors: RwSignal<FieldErrors>,
    options: Vec<(String, String)>,
    chosen: String,
    #[prop(optional)] blank: bool,
) -> impl IntoView {
    let lang = use_lang();
    let message = Signal::derive(field_error(errors, lang, field));
    let id = format!("v-{field}");
    let error_id = format!("ve-{field}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=format!("input[{field}]") aria-describedby=error_id.clone()
                aria-invalid=move || message.with(Option::is_some).to_string()>
                {blank.then(|| view! { <option value="">"—"</option> })}
                {options.into_iter().map(|(code, text)| {
                    let selected = code == chosen;
                    view! { <option value=code selected=selected>{text}</option> }
                }).collect_view()}
            </select>
            <FieldMessage id=error_id message=message />
        </div>
    }
}

#[component]
pub(crate) fn VCheck(label: &'static str, field: &'static str, checked: bool) -> impl IntoView {
    let id = format!("v-{field}");
    view! {
        <div class="field checkbox">
            <input id=id.clone() name=format!("input[{field}]") type="checkbox" checked=checked />
            <label for=id>{label}</label>
        </div>
    }
}

/// The record's form: every field for the registry's keepers (new or edit), the contact
/// details for a vendor's own account.
#[component]
fn VendorForm(
    detail: Option<VendorDetail>,
    choices: VendorChoices,
    edit: VendorEdit,
    reload: Option<RwSignal<u32>>,
) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveVendor>::new();
    let errors = RwSignal::new(FieldErrors::new());
    let input = detail
        .as_ref()
        .map(hotline_domain::VendorInput::from_detail)
        .unwrap_or_else(|| hotline_domain::VendorInput {
            kind: VendorKind::Company.as_code().into(),
            franchise_type: FRANCHISE_TYPES[0].into(),
            status: VendorStatus::Active.as_code().into(),
            credit_grade: CreditGrade::A.as_code().into(),
            ..Default::default()
        });
    let id = detail.as_ref().map(|d| d.id);
    let status = form_saved(
        move || save.value().get(),
        errors,
        reload_or_open(reload, "/vendors"),
    );
    let all = edit == VendorEdit::All;
    let services_error = Signal::derive(field_error(errors, lang, "services"));
    let chosen: BTreeSet<String> = input.services.iter().cloned().collect();
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
    let majors: Vec<_> = choices
        .categories
        .iter()
        .filter(|c| c.level == 1)
        .cloned()
        .collect();
    let categories = choices.categories.clone();
    let coded = |all: &[(&'static str, &'static str)]| -> Vec<(String, String)> {
        all.iter()
            .map(|(c, l)| (c.to_string(), l.to_string()))
            .collect()
    };
    let kinds = coded(
        &VendorKind::ALL
            .iter()
            .map(|k| (k.as_code(), k.label(lang)))
            .collect::<Vec<_>>(),
    );
    let statuses = coded(
        &VendorStatus::ALL
            .iter()
            .map(|k| (k.as_code(), k.label(lang)))
            .collect::<Vec<_>>(),
    );
    let grades = coded(
        &CreditGrade::ALL
            .iter()
            .map(|k| (k.as_code(), k.as_code()))
            .collect::<Vec<_>>(),
    );
    let franchises: Vec<(String, String)> = FRANCHISE_TYPES
        .iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect();
    let i = input.clone();
    view! {
        <ActionForm action=save attr:class="grid-form vendor-form" attr:data-testid="vendor-form">
            <input type="hidden" name="id" value=id.map(|i| i.to_string()).unwrap_or_default() />
            <input type="hidden" name="input[version]" value=i.version.clone() />
            {all.then(|| view! {
                <VField label=tr!(lang, vendors.name) field="name" errors=errors value=i.name.clone() max=60 wide=true testid="vendor-name-input" />
                <VSelect label=tr!(lang, vendors.kind) field="kind" errors=errors options=kinds.clone() chosen=i.kind.clone() />
                <VSelect label=tr!(lang, vendors.franchise_type) field="franchise_type" errors=errors options=franchises.clone() chosen=i.franchise_type.clone() />
                <VSelect label=tr!(lang, common.district) field="district" errors=errors options=districts.clone() chosen=i.district.clone() blank=true />
                <VSelect label=tr!(lang, vendors.street) field="street" errors=errors options=streets.clone() chosen=i.street.clone() blank=true />
            })}
            <VField label=tr!(lang, care.address) field="address" errors=errors value=i.address.clone() max=120 wide=true />
            <VField label=tr!(lang, vendors.contact_name) field="contact_name" errors=errors value=i.contact_name.clone() max=20 />
            <VField label=tr!(lang, vendors.phone) field="phone" errors=errors value=i.phone.clone() kind="tel" max=20 testid="vendor-phone-input" />
            <VField label=tr!(lang, vendors.hotline) field="hotline" errors=errors value=i.hotline.clone() kind="tel" max=20 />
            <VField label=tr!(lang, vendors.website) field="website" errors=errors value=i.website.clone() max=120 />
            <VField label=tr!(lang, vendors.staff_count) field="staff_count" errors=errors value=i.staff_count.clone() kind="number" />
            <VField label=tr!(lang, vendors.qualification) field="qualification" errors=errors value=i.qualification.clone() max=200 wide=true />
            <VField label=tr!(lang, vendors.service_area) field="service_area" errors=errors value=i.service_area.clone() max=200 wide=true />
            {all.then(|| view! {
                <VField label=tr!(lang, vendors.registered_capital_yuan) field="registered_capital" errors=errors value=i.registered_capital.clone() kind="number" />
                <VSelect label=tr!(lang, common.state) field="status" errors=errors options=statuses.clone() chosen=i.status.clone() />
                <VSelect label=tr!(lang, vendors.credit_grade) field="credit_grade" errors=errors options=grades.clone() chosen=i.credit_grade.clone() />
                <VCheck label=tr!(lang, vendors.home_care) field="home_care" checked=i.home_care.is_some() />
                <VCheck label=tr!(lang, vendors.volunteer) field="volunteer" checked=i.volunteer.is_some() />
                <fieldset class="wide services-box" aria-describedby="ve-services" data-testid="vendor-services-box">
                    <legend>{tr!(lang, vendors.services)}</legend>
                    {majors.iter().map(|m| {
                        let under: Vec<_> = categories.iter()
                            .filter(|c| c.level >= 2 && c.code.starts_with(&m.code)
                                && (c.level == 2 || chosen.contains(&c.code)))
                            .cloned()
                            .collect();
                        let open = under.iter().any(|c| chosen.contains(&c.code));
                        view! {
                            <details open=open>
                                <summary>{m.name(lang).to_string()}</summary>
                                <div class="checks">
                                    {under.into_iter().map(|c| {
                                        let checked = chosen.contains(&c.code);
                                        view! {
                                            <label class="check">
                                                <input type="checkbox" name="input[services][]" value=c.code.clone() checked=checked />
                                                {c.name(lang).to_string()}
                                            </label>
                                        }
                                    }).collect_view()}
                                </div>
                            </details>
                        }
                    }).collect_view()}
                    <FieldMessage id="ve-services" message=services_error />
                </fieldset>
                <fieldset class="wide">
                    <legend>{tr!(lang, vendors.settings)}</legend>
                    <VCheck label=tr!(lang, vendors.special_recommend) field="special_recommend" checked=i.special_recommend.is_some() />
                    <VCheck label=tr!(lang, vendors.special_issue) field="special_issue" checked=i.special_issue.is_some() />
                    <VField label=tr!(lang, vendors.special_prompt) field="special_prompt" errors=errors value=i.special_prompt.clone() max=200 wide=true />
                    <VField label=tr!(lang, vendors.centre_opinion) field="centre_opinion" errors=errors value=i.centre_opinion.clone() max=500 wide=true />
                </fieldset>
                <p class="hint wide">{tr!(lang, vendors.position_hint)}</p>
                <VField label=tr!(lang, vendors.lon) field="lon" errors=errors />
                <VField label=tr!(lang, vendors.lat) field="lat" errors=errors />
            })}
            <div class="actions wide">
                <button type="submit" class="button" data-testid="vendor-save">{tr!(lang, common.save)}</button>
            </div>
        </ActionForm>
        <FormStatus status=status />
    }
}
