//! The elderly registry for care coordinators (SPEC R3): a list with ID numbers masked, and
//! one person's record with health notes, every look at which is audited.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{get_elderly, list_elderly, load_form_options};
use crate::i18n::{tr, use_lang};
use crate::pages::common::LoadError;

#[component]
pub fn ElderlyPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let district = move || query.with(|q| q.get("district").unwrap_or_default());
    let list = Resource::new(district, |d| list_elderly(Some(d)));
    let options = Resource::new(|| (), |_| load_form_options());

    view! {
        <Title text=tr!(lang, care.elderly_registry) />
        <section class="panel wide">
            <h1>{tr!(lang, care.elderly_registry)}</h1>
            <form method="get" action="/care/elderly" class="filters">
                <label for="e-district">{tr!(lang, common.district)}</label>
                <select id="e-district" name="district">
                    <option value="">{tr!(lang, common.all)}</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            options.await.map(|o| o.districts.into_iter().map(|d| {
                                let code = d.code.clone();
                                let selected = district() == code;
                                view! { <option value=code selected=selected>{d.name}</option> }
                            }).collect_view()).ok()
                        })}
                    </Suspense>
                </select>
                <button type="submit" class="button secondary">{tr!(lang, common.filter)}</button>
            </form>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(people) => view! {
                            <div class="table-scroll">
                            <table>
                                <thead><tr>
                                    <th scope="col">{tr!(lang, common.name)}</th>
                                    <th scope="col">{tr!(lang, care.sex)}</th>
                                    <th scope="col">{tr!(lang, care.born)}</th>
                                    <th scope="col">{tr!(lang, care.id_number)}</th>
                                    <th scope="col">{tr!(lang, common.category)}</th>
                                    <th scope="col">{tr!(lang, common.district)}</th>
                                    <th scope="col">{tr!(lang, care.one_key_phone)}</th>
                                </tr></thead>
                                <tbody>
                                    {people.into_iter().map(|p| view! {
                                        <tr data-testid="elderly-row">
                                            <td><a href=format!("/care/elderly/{}", p.id)>{p.name.clone()}</a></td>
                                            <td>{p.gender.clone()}</td>
                                            <td class="nowrap">{p.birth_date.to_string()}</td>
                                            <td class="mono" data-testid="masked-id">{p.id_number.clone()}</td>
                                            <td>{p.identity_category.clone()}</td>
                                            <td>{p.district_name.clone()}</td>
                                            <td class="mono">{p.onekey_phone.clone().unwrap_or_default()}</td>
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
