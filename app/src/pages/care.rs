//! The elderly registry for care coordinators (SPEC R3): a list with ID numbers masked, and
//! one person's record with health notes, every look at which is audited.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{get_elderly, list_elderly, load_form_options};
use crate::i18n::use_lang;
use crate::pages::common::LoadError;

#[component]
pub fn ElderlyPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let district = move || query.with(|q| q.get("district").unwrap_or_default());
    let list = Resource::new(district, |d| list_elderly(Some(d)));
    let options = Resource::new(|| (), |_| load_form_options());

    view! {
        <Title text=lang.pick("老年人档案", "Elderly registry") />
        <section class="panel wide">
            <h1>{lang.pick("老年人档案", "Elderly registry")}</h1>
            <form method="get" action="/care/elderly" class="filters">
                <label for="e-district">{lang.pick("区县", "District")}</label>
                <select id="e-district" name="district">
                    <option value="">{lang.pick("全部", "All")}</option>
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
                <button type="submit" class="button secondary">{lang.pick("筛选", "Filter")}</button>
            </form>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(people) => view! {
                            <div class="table-scroll">
                            <table>
                                <thead><tr>
                                    <th scope="col">{lang.pick("姓名", "Name")}</th>
                                    <th scope="col">{lang.pick("性别", "Sex")}</th>
                                    <th scope="col">{lang.pick("出生日期", "Born")}</th>
                                    <th scope="col">{lang.pick("身份证号", "ID number")}</th>
                                    <th scope="col">{lang.pick("类别", "Category")}</th>
                                    <th scope="col">{lang.pick("区县", "District")}</th>
                                    <th scope="col">{lang.pick("一键通号码", "One-key phone")}</th>
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
        <Title text=lang.pick("老年人档案", "Elderly record") />
        <section class="panel wide">
            <p><a href="/care/elderly">{lang.pick("← 返回档案列表", "← Back to the registry")}</a></p>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match record.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(None) => view! { <h1>{lang.pick("没有这份档案", "No such record")}</h1> }.into_any(),
                        Ok(Some(d)) => view! {
                            <h1>{d.summary.name.clone()}</h1>
                            {(d.health_shown || d.id_revealed).then(|| view! {
                                <p class="notice" data-testid="audited-view">
                                    {lang.pick("本次查看敏感信息已记入审计日志。", "This look at sensitive data is in the audit log.")}
                                </p>
                            })}
                            <dl class="facts">
                                <dt>{lang.pick("身份证号", "ID number")}</dt><dd class="mono" data-testid="id-number">{d.summary.id_number.clone()}</dd>
                                <dt>{lang.pick("服务卡号", "Service card")}</dt><dd class="mono">{d.service_card_no.clone()}</dd>
                                <dt>{lang.pick("出生日期", "Born")}</dt><dd>{d.summary.birth_date.to_string()}</dd>
                                <dt>{lang.pick("类别", "Category")}</dt><dd>{d.summary.identity_category.clone()}</dd>
                                <dt>{lang.pick("住址", "Address")}</dt><dd>{format!("{} {}", d.summary.district_name, d.summary.address)}</dd>
                                <dt>{lang.pick("电话", "Phone")}</dt><dd class="mono">{d.phone.clone().unwrap_or_default()}</dd>
                                <dt>{lang.pick("一键通号码", "One-key phone")}</dt><dd class="mono">{d.summary.onekey_phone.clone().unwrap_or_default()}</dd>
                                <dt>{lang.pick("紧急联系人", "Emergency contact")}</dt>
                                <dd>{format!("{}（{}） ", d.contact_name, d.contact_relation)}<span class="mono">{d.contact_phone.clone()}</span></dd>
                                {d.health_shown.then(|| view! {
                                    <dt>{lang.pick("健康状况", "Health")}</dt><dd data-testid="health-notes">{d.health_notes.clone().unwrap_or_default()}</dd>
                                    <dt>{lang.pick("用药", "Medication")}</dt><dd>{d.medications.clone().unwrap_or_default()}</dd>
                                })}
                            </dl>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
