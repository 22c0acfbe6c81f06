//! Case lists and case pages for everyone with a case scope: the centre sees all cases,
//! department staff their department's, a vendor its own orders (the server decides). Phone
//! numbers are masked; the full number is one audited click away for those allowed.

use hotline_domain::{CaseStatus, Lang, StaffUser};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{get_case, list_cases, RevealPhone};
use crate::i18n::use_lang;
use crate::pages::common::{local_time, LoadError};

fn title_for(user: Option<&StaffUser>, lang: Lang) -> &'static str {
    match user.map(|u| u.role) {
        Some(hotline_domain::Role::Department) => lang.pick("本部门工单", "Department cases"),
        Some(hotline_domain::Role::Vendor) => lang.pick("我的订单", "Our orders"),
        _ => lang.pick("案件查询", "Cases"),
    }
}

#[component]
pub fn CasesPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let cases = Resource::new(status, |status| list_cases(Some(status)));
    let user = crate::use_current_user();
    let title = move || title_for(user.get().as_ref(), lang);

    view! {
        <Title text=title />
        <section class="panel wide">
            <h1>{title}</h1>
            <form method="get" action="/cases" class="filters">
                <label for="c-status">{lang.pick("状态", "Status")}</label>
                <select id="c-status" name="status">
                    <option value="">{lang.pick("全部", "All")}</option>
                    {CaseStatus::ALL.iter().map(|s| {
                        let code = s.as_code();
                        view! { <option value=code selected=move || status() == code>{s.label(lang)}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button secondary">{lang.pick("筛选", "Filter")}</button>
            </form>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match cases.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty" data-testid="cases-empty">{lang.pick("没有案件。", "No cases.")}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <p class="muted">{format!("{} {}", list.len(), lang.pick("件", "cases"))}</p>
                            <div class="table-scroll">
                            <table class="cases">
                                <thead><tr>
                                    <th scope="col">{lang.pick("流水号", "Number")}</th>
                                    <th scope="col">{lang.pick("状态", "Status")}</th>
                                    <th scope="col">{lang.pick("类别", "Category")}</th>
                                    <th scope="col">{lang.pick("内容", "Content")}</th>
                                    <th scope="col">{lang.pick("来电人", "Caller")}</th>
                                    <th scope="col">{lang.pick("承办", "Assigned to")}</th>
                                    <th scope="col">{lang.pick("受理时间", "Filed")}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let number = c.tracking_number.to_string();
                                        view! {
                                            <tr data-testid="case-row">
                                                <td class="mono"><a href=format!("/cases/{number}")>{number.clone()}</a></td>
                                                <td>{c.status.label(lang)}</td>
                                                <td>{lang.pick(&c.category_zh, &c.category_en).to_string()}</td>
                                                <td class="content">{c.content.chars().take(60).collect::<String>()}</td>
                                                <td class="nowrap">
                                                    {c.contact_name.clone().unwrap_or_else(|| lang.pick("匿名", "Anonymous").to_string())}
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

#[component]
pub fn CasePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let number = move || params.with(|p| p.get("tracking_number").unwrap_or_default());
    let case = Resource::new(number, get_case);
    let reveal = ServerAction::<RevealPhone>::new();

    view! {
        <Title text=lang.pick("案件详情", "Case") />
        <section class="panel wide">
            <p><a href="/cases">{lang.pick("← 返回列表", "← Back to the list")}</a></p>
            <Suspense fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match case.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(None) => view! {
                            <h1>{lang.pick("没有这个案件", "No such case")}</h1>
                            <p>{lang.pick("案件不存在，或不在您的权限范围内。", "The case does not exist or is outside what you may see.")}</p>
                        }.into_any(),
                        Ok(Some(d)) => {
                            let number = d.item.tracking_number.to_string();
                            let masked = d.item.phone.clone();
                            view! {
                                <h1>{lang.pick("案件 ", "Case ")}<span class="mono">{number.clone()}</span></h1>
                                <dl class="facts">
                                    <dt>{lang.pick("状态", "Status")}</dt><dd data-testid="case-status">{d.item.status.label(lang)}</dd>
                                    <dt>{lang.pick("类型", "Type")}</dt><dd>{d.item.case_type.map(|t| t.label(lang)).unwrap_or("—")}</dd>
                                    <dt>{lang.pick("渠道", "Channel")}</dt><dd>{d.item.channel.label(lang)}</dd>
                                    <dt>{lang.pick("类别", "Category")}</dt><dd>{lang.pick(&d.item.category_zh, &d.item.category_en).to_string()}</dd>
                                    <dt>{lang.pick("内容", "Content")}</dt><dd class="content">{d.item.content.clone()}</dd>
                                    <dt>{lang.pick("来电人", "Caller")}</dt>
                                    <dd>{d.item.contact_name.clone().unwrap_or_else(|| lang.pick("匿名", "Anonymous").to_string())}</dd>
                                    <dt>{lang.pick("电话", "Phone")}</dt>
                                    <dd>
                                        <span class="mono" data-testid="case-phone">
                                            {move || match reveal.value().get() {
                                                Some(Ok(full)) => full,
                                                _ => masked.clone(),
                                            }}
                                        </span>
                                        {d.can_reveal_phone.then(|| view! {
                                            " "
                                            <ActionForm action=reveal attr:class="inline">
                                                <input type="hidden" name="tracking_number" value=number.clone() />
                                                <button type="submit" class="button small secondary" data-testid="reveal-phone">
                                                    {lang.pick("显示完整号码（记入审计）", "Show full number (audited)")}
                                                </button>
                                            </ActionForm>
                                        })}
                                    </dd>
                                    <dt>{lang.pick("地点", "Place")}</dt>
                                    <dd>{[d.item.district_name.clone(), d.address.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")}</dd>
                                    <dt>{lang.pick("承办", "Assigned to")}</dt><dd>{d.item.assigned_to.join("、")}</dd>
                                </dl>
                                <h2>{lang.pick("办理记录", "History")}</h2>
                                <ol class="timeline">
                                    {d.events.iter().map(|e| view! {
                                        <li>
                                            <time datetime=e.at.to_rfc3339()>{local_time(e.at)}</time>" "
                                            <strong>{e.to_status.map(|s| s.label(lang)).unwrap_or("")}</strong>" "
                                            <span class="muted">{e.actor.clone()}</span>
                                            {e.note.clone().map(|n| view! { <p>{n}</p> })}
                                        </li>
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
