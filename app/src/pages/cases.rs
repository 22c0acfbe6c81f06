//! Case lists and case pages for everyone with a case scope: the centre sees all cases,
//! department staff their department's, a vendor its own orders (the server decides). Phone
//! numbers are masked; the full number is one audited click away for those allowed.
//!
//! The case page offers exactly the steps the state machine allows this reader now (the
//! server computes them); each step is a small keyboard-friendly form.

use hotline_domain::flow::{ActionKind, Assignee};
use hotline_domain::{
    CaseAction, CaseCounts, CaseDetail, CaseQuery, CaseStatus, CaseType, FieldErrors, Lang, Light,
    Overdue, Queue, Satisfaction, StaffUser,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{
    case_action, case_counts, dispatch_targets, get_case, list_cases, load_form_options,
    ActOutcome, LinkCase, RevealPhone, UnlinkCase,
};
use crate::i18n::use_lang;
use crate::pages::common::{local_time, LoadError};
use crate::pages::desk::{CaseCalls, CaseLinks};

fn title_for(user: Option<&StaffUser>, lang: Lang) -> &'static str {
    match user.map(|u| u.role) {
        Some(hotline_domain::Role::Department) => lang.pick("本部门工单", "Department cases"),
        Some(hotline_domain::Role::Vendor) => lang.pick("我的订单", "Our orders"),
        _ => lang.pick("案件查询", "Cases"),
    }
}

/// The coloured dot of a traffic light, with its name for screen readers.
#[component]
fn LightBadge(light: Option<Light>) -> impl IntoView {
    let lang = use_lang();
    light.map(|l| {
        view! {
            <span class=format!("light light-{}", l.as_code()) data-testid="light" title=l.label(lang)>
                <span class="dot" aria-hidden="true"></span>
                {l.label(lang)}
            </span>
        }
    })
}

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
                <label for="c-q">{lang.pick("搜索", "Search")}</label>
                <input id="c-q" name="q" type="search" value=move || get("q").unwrap_or_default()
                    placeholder=lang.pick("流水号、内容、姓名、电话、地址", "Number, text, name, phone, address") />
                <label for="c-status">{lang.pick("状态", "Status")}</label>
                <select id="c-status" name="status">
                    <option value="">{lang.pick("全部", "All")}</option>
                    {CaseStatus::ALL.iter().map(|s| {
                        let code = s.as_code();
                        view! { <option value=code selected=move || is("status", code)>{s.label(lang)}</option> }
                    }).collect_view()}
                </select>
                <label for="c-type">{lang.pick("类型", "Type")}</label>
                <select id="c-type" name="case_type">
                    <option value="">{lang.pick("全部", "All")}</option>
                    {CaseType::ALL.iter().map(|t| {
                        let code = t.as_code();
                        view! { <option value=code selected=move || is("case_type", code)>{format!("{code} {}", t.label(lang))}</option> }
                    }).collect_view()}
                </select>
                <label for="c-light">{lang.pick("红绿灯", "Light")}</label>
                <select id="c-light" name="light">
                    <option value="">{lang.pick("全部", "All")}</option>
                    {Light::ALL.iter().map(|l| {
                        let code = l.as_code();
                        view! { <option value=code selected=move || is("light", code)>{l.label(lang)}</option> }
                    }).collect_view()}
                </select>
                <input type="hidden" name="queue" value=move || get("queue").unwrap_or_default() />
                <input type="hidden" name="overdue" value=move || get("overdue").unwrap_or_default() />
                <button type="submit" class="button secondary">{lang.pick("筛选", "Filter")}</button>
                <a href="/cases" class="button small secondary">{lang.pick("清除", "Clear")}</a>
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
                                    <th scope="col">{lang.pick("灯", "Light")}</th>
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
                                                <td>
                                                    {c.case_type.map(|t| view! { <span class="type-code" title=t.label(lang)>{t.as_code()}</span> " " })}
                                                    {c.status.label(lang)}
                                                </td>
                                                <td><LightBadge light=c.light /></td>
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
            <div class="chips" role="group" aria-label=lang.pick("红绿灯", "Lights")>
                {chip(light(Light::Green), Light::Green.label(lang), counts.green, "light-green", "count-green")}
                {chip(light(Light::Yellow), Light::Yellow.label(lang), counts.yellow, "light-yellow", "count-yellow")}
                {chip(light(Light::Red), Light::Red.label(lang), counts.red, "light-red", "count-red")}
            </div>
            <div class="chips" role="group" aria-label=lang.pick("超时", "Overdue")>
                {chip(overdue(Overdue::Confirmation), Overdue::Confirmation.label(lang), counts.overdue_confirmation, "warn", "count-overdue-confirmation")}
                {chip(overdue(Overdue::Completion), Overdue::Completion.label(lang), counts.overdue_completion, "warn", "count-overdue-completion")}
                {chip(overdue(Overdue::Callback), Overdue::Callback.label(lang), counts.overdue_callback, "warn", "count-overdue-callback")}
            </div>
            <div class="chips" role="group" aria-label=lang.pick("待处理", "Queues")>
                {chip(queue(Queue::Todo), Queue::Todo.label(lang), counts.todo, "queue", "count-todo")}
                {chip(queue(Queue::Returns), Queue::Returns.label(lang), counts.returns, "queue", "count-returns")}
                {chip(queue(Queue::Extensions), Queue::Extensions.label(lang), counts.extensions, "queue", "count-extensions")}
                {chip(queue(Queue::Callbacks), Queue::Callbacks.label(lang), counts.callbacks, "queue", "count-callbacks")}
            </div>
        </div>
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let number = move || params.with(|p| p.get("tracking_number").unwrap_or_default());
    let link = ServerAction::<LinkCase>::new();
    let unlink = ServerAction::<UnlinkCase>::new();
    let case = Resource::new(
        move || (number(), link.version().get(), unlink.version().get()),
        |(number, _, _)| get_case(number),
    );
    let reveal = ServerAction::<RevealPhone>::new();
    // The step machinery lives here, outside the suspended part, so it outlives reloads.
    let state = StepState {
        act: Action::new(move |(number, action): &(String, CaseAction)| {
            let (number, action) = (number.clone(), action.clone());
            async move { case_action(number, action).await }
        }),
        errors: RwSignal::new(FieldErrors::new()),
        refused: RwSignal::new(None),
        // Only those who dispatch may list the targets (others would get a 403).
        targets: Resource::new(
            move || {
                crate::use_current_user()
                    .get()
                    .is_some_and(|u| u.can(hotline_domain::Permission::Dispatch))
            },
            |dispatches| async move {
                if dispatches {
                    dispatch_targets().await
                } else {
                    Ok(Default::default())
                }
            },
        ),
        options: Resource::new(|| (), |_| load_form_options()),
    };
    Effect::new(move |_| match state.act.value().get() {
        Some(Ok(ActOutcome::Done(_))) => {
            state.errors.set(FieldErrors::new());
            state.refused.set(None);
            case.refetch();
        }
        Some(Ok(ActOutcome::Invalid(e))) => state.errors.set(e),
        Some(Ok(ActOutcome::Refused(m))) => state.refused.set(Some(m)),
        Some(Err(e)) => state.refused.set(Some(e.to_string())),
        None => {}
    });

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
                            let detail = d.clone();
                            view! {
                                <h1>
                                    {lang.pick("案件 ", "Case ")}<span class="mono">{number.clone()}</span>" "
                                    <LightBadge light=d.item.light />
                                </h1>
                                {(!d.overdue.is_empty()).then(|| view! {
                                    <p class="overdue" data-testid="overdue">
                                        {d.overdue.iter().map(|o| o.label(lang)).collect::<Vec<_>>().join(" · ")}
                                    </p>
                                })}
                                <div class="case-layout">
                                <div>
                                {view! { <dl class="facts">
                                    <dt>{lang.pick("状态", "Status")}</dt><dd data-testid="case-status">{d.item.status.label(lang)}</dd>
                                    <dt>{lang.pick("类型", "Type")}</dt><dd data-testid="case-type">{d.item.case_type.map(|t| t.label(lang)).unwrap_or("—")}</dd>
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
                                        {d.can_reveal_phone.then(|| { let number = number.clone(); view! {
                                            " "
                                            <ActionForm action=reveal attr:class="inline">
                                                <input type="hidden" name="tracking_number" value=number />
                                                <button type="submit" class="button small secondary" data-testid="reveal-phone">
                                                    {lang.pick("显示完整号码（记入审计）", "Show full number (audited)")}
                                                </button>
                                            </ActionForm>
                                        }})}
                                    </dd>
                                    <dt>{lang.pick("地点", "Place")}</dt>
                                    <dd>{[d.item.district_name.clone(), d.address.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")}</dd>
                                    <dt>{lang.pick("承办", "Assigned to")}</dt><dd data-testid="case-assigned">{d.item.assigned_to.join("、")}</dd>
                                    {d.item.dispatched_at.map(|t| view! {
                                        <dt>{lang.pick("派单时间", "Dispatched")}</dt><dd>{local_time(t)}</dd>
                                    })}
                                    {d.callback_due_at.filter(|_| matches!(d.item.status, CaseStatus::FedBack | CaseStatus::Handled)).map(|t| view! {
                                        <dt>{lang.pick("回访时限", "Call back by")}</dt><dd>{local_time(t)}</dd>
                                    })}
                                    {d.satisfaction.map(|s| view! {
                                        <dt>{lang.pick("满意度", "Satisfaction")}</dt><dd data-testid="case-satisfaction">{s.label(lang)}</dd>
                                    })}
                                </dl> }.into_any()}
                                {(matches!(d.item.status, CaseStatus::Handled | CaseStatus::FedBack | CaseStatus::CalledBack | CaseStatus::Archived)
                                    && crate::use_current_user().get_untracked().is_some_and(|u| u.can(hotline_domain::Permission::Intake)))
                                    .then(|| view! {
                                        <p><a class="button secondary small" href=format!("/knowledge/write?case={}", d.item.tracking_number)
                                            data-testid="case-to-article">{lang.pick("写成知识", "Turn into an article")}</a></p>
                                    })}
                                <Parts detail=d.clone() />
                                {crate::use_current_user().get_untracked().is_some_and(|u| u.can(hotline_domain::Permission::Intake)).then(|| view! {
                                    <CaseLinks number=number.clone() links=d.links.clone() link unlink />
                                    <CaseCalls calls=d.calls.clone() />
                                })}
                                <h2>{lang.pick("办理记录", "History")}</h2>
                                {view! { <ol class="timeline" data-testid="timeline">
                                    {d.events.iter().map(|e| {
                                        let step = ActionKind::from_code(&e.kind).map(|k| k.label(lang)).unwrap_or_else(|| {
                                            match e.kind.as_str() {
                                                "submitted" => lang.pick("提交", "Filed"),
                                                "link" => lang.pick("关联案件", "Linked"),
                                                "unlink" => lang.pick("取消关联", "Unlinked"),
                                                _ => "",
                                            }
                                        });
                                        view! {
                                            <li>
                                                <time datetime=e.at.to_rfc3339()>{local_time(e.at)}</time>" "
                                                <strong>{step}</strong>" "
                                                {e.to_status.filter(|to| Some(*to) != e.from_status).map(|s| view! { <span>{"→ "}{s.label(lang)}</span> " " })}
                                                <span class="muted">{e.actor.clone()}</span>
                                                {e.note.clone().map(|n| view! { <p>{n}</p> })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol> }.into_any()}
                                </div>
                                <Steps detail=detail state=state />
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The departments and vendors the case went to, the closed ones as history.
#[component]
fn Parts(detail: CaseDetail) -> impl IntoView {
    let lang = use_lang();
    (!detail.assignments.is_empty()).then(|| view! {
        <h2>{lang.pick("承办单位", "Handling units")}</h2>
        <div class="table-scroll">
        <table class="parts" data-testid="parts">
            <thead><tr>
                <th scope="col">{lang.pick("单位", "Unit")}</th>
                <th scope="col">{lang.pick("状态", "State")}</th>
                <th scope="col">{lang.pick("确认时限", "Confirm by")}</th>
                <th scope="col">{lang.pick("办结时限", "Due")}</th>
                <th scope="col">{lang.pick("说明", "Notes")}</th>
            </tr></thead>
            <tbody>
                {detail.assignments.iter().map(|a| {
                    let p = &a.part;
                    let mut notes = Vec::new();
                    if let Some(r) = &p.return_reason {
                        let verdict = match p.return_justified {
                            Some(true) => lang.pick("（退单成立）", " (return accepted)"),
                            Some(false) => lang.pick("（错误退单，已退回重办）", " (wrong return, sent back)"),
                            None => lang.pick("（待审核）", " (awaiting review)"),
                        };
                        notes.push(format!("{}{r}{verdict}", lang.pick("退单：", "Returned: ")));
                    }
                    if let Some(e) = &p.extension {
                        let decision = match e.approved {
                            Some(true) => lang.pick("已批准", "approved"),
                            Some(false) => lang.pick("未批准", "not approved"),
                            None => lang.pick("待审批", "awaiting decision"),
                        };
                        notes.push(format!("{}{} {}：{}（{decision}）", lang.pick("延期 ", "Extension "), e.days, lang.pick("天", "days"), e.reason));
                    }
                    if let Some(f) = &p.feedback {
                        notes.push(format!("{}{f}", lang.pick("反馈：", "Feedback: ")));
                    }
                    view! {
                        <tr class:closed=p.closed data-testid="part-row">
                            <td>{a.name.clone()}</td>
                            <td>{if p.closed { lang.pick("已结束", "Closed") } else { p.status.label(lang) }}</td>
                            <td class="nowrap">{local_time(p.confirm_due_at)}</td>
                            <td class="nowrap">{local_time(p.due_at)}</td>
                            <td>{notes.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    })
}

type StepResult = Result<ActOutcome, ServerFnError>;

/// What the step forms share with the page: the action that sends a step, its errors, and
/// the choices the forms offer.
#[derive(Clone, Copy)]
struct StepState {
    act: Action<(String, CaseAction), StepResult>,
    errors: RwSignal<FieldErrors>,
    refused: RwSignal<Option<String>>,
    targets: Resource<Result<hotline_domain::DispatchTargets, ServerFnError>>,
    options: Resource<Result<hotline_domain::FormOptions, ServerFnError>>,
}

/// The steps this reader may take now, each as its own small form.
#[component]
fn Steps(detail: CaseDetail, state: StepState) -> impl IntoView {
    let lang = use_lang();
    let number = detail.item.tracking_number.to_string();
    let StepState {
        act,
        errors,
        refused,
        targets,
        options,
    } = state;
    let number = StoredValue::new(number);
    let send = move |action: CaseAction| {
        act.dispatch((number.get_value(), action));
    };
    let err =
        move |field: &'static str| move || errors.with(|e| e.get(field).map(|p| p.message(lang)));
    let actions = detail.actions.clone();
    if actions.is_empty() {
        return view! { <aside class="steps" data-testid="steps"></aside> }.into_any();
    }
    let has = |k: ActionKind| actions.contains(&k);

    let pending_returns: Vec<(i64, String)> = detail
        .assignments
        .iter()
        .filter(|a| a.part.return_pending())
        .filter_map(|a| a.part.id.map(|id| (id, a.name.clone())))
        .collect();
    let pending_extensions: Vec<(i64, String)> = detail
        .assignments
        .iter()
        .filter(|a| a.part.extension_pending())
        .filter_map(|a| {
            let e = a.part.extension.as_ref()?;
            Some((
                a.part.id?,
                format!("{}：+{} {}", a.name, e.days, lang.pick("天", "days")),
            ))
        })
        .collect();
    // One signal per input; each form reads the ones it needs.
    let text = RwSignal::new(String::new());
    let case_type = RwSignal::new(
        detail
            .item
            .case_type
            .map(|t| t.as_code().to_string())
            .unwrap_or_default(),
    );
    let category = RwSignal::new(detail.category_code.clone());
    let remind_at = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let days = RwSignal::new(String::new());
    let disposition = RwSignal::new("01".to_string());
    let satisfaction = RwSignal::new("satisfied".to_string());
    let simple = move |kind: ActionKind, testid: &'static str, action: CaseAction| {
        has(kind).then(|| {
            view! {
                <button type="button" class="button" data-testid=testid
                    on:click=move |_| send(action.clone())>{kind.label(lang)}</button>
            }
        })
    };

    view! {
        <aside class="steps" data-testid="steps" aria-label=lang.pick("办理", "Steps")>
            <h2>{lang.pick("办理", "Steps")}</h2>
            <p class="alert" role="alert" hidden=move || refused.with(Option::is_none) data-testid="step-refused">
                {move || refused.get()}
            </p>
            <div class="step-buttons">
                {simple(ActionKind::Accept, "step-accept", CaseAction::Accept)}
                {simple(ActionKind::Confirm, "step-confirm", CaseAction::Confirm)}
                {simple(ActionKind::Archive, "step-archive", CaseAction::Archive)}
            </div>
            {has(ActionKind::Classify).then(|| {
                view! {
                <form class="step" data-testid="form-classify" on:submit=move |ev| {
                    ev.prevent_default();
                    let Some(t) = CaseType::from_code(&case_type.get()) else {
                        let mut e = FieldErrors::new();
                        e.add("case_type", hotline_domain::Problem::Required);
                        errors.set(e);
                        return;
                    };
                    let remind = chrono::NaiveDateTime::parse_from_str(&remind_at.get(), "%Y-%m-%dT%H:%M").ok()
                        .map(hotline_domain::time::from_china);
                    send(CaseAction::Classify { case_type: t, category_code: category.get(), remind_at: remind });
                }>
                    <h3>{ActionKind::Classify.label(lang)}</h3>
                    <label for="s-type">{lang.pick("案件类型", "Case type")}</label>
                    <select id="s-type" on:change=move |ev| case_type.set(event_target_value(&ev)) prop:value=move || case_type.get()>
                        <option value="">{lang.pick("请选择", "Choose")}</option>
                        {CaseType::ALL.iter().map(|t| view! {
                            <option value=t.as_code()>{format!("{} {}", t.as_code(), t.label(lang))}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{err("case_type")}</p>
                    <label for="s-category">{lang.pick("服务类别", "Category")}</label>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let cats = options.await.map(|o| o.categories).unwrap_or_default();
                            view! {
                                <select id="s-category" on:change=move |ev| category.set(event_target_value(&ev)) prop:value=move || category.get()>
                                    {cats.into_iter().filter(|c| c.level == 2).map(|c| view! {
                                        <option value=c.code.clone()>{format!("{} {}", c.code, lang.pick(&c.name_zh, &c.name_en))}</option>
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                    <p class="field-error" role="alert">{err("category_code")}</p>
                    <label for="s-remind">{lang.pick("提醒时间（待办事务）", "Remind at (pending matters)")}</label>
                    <input id="s-remind" type="datetime-local" on:input=move |ev| remind_at.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{err("remind_at")}</p>
                    <button type="submit" class="button" data-testid="step-classify">{ActionKind::Classify.label(lang)}</button>
                </form>
            }})}
            {has(ActionKind::Dispatch).then(|| {
                view! {
                <form class="step" data-testid="form-dispatch" on:submit=move |ev| {
                    ev.prevent_default();
                    let to = chosen.get().iter().filter_map(|v| {
                        let (kind, id) = v.split_once(':')?;
                        let id = id.parse().ok()?;
                        Some(if kind == "v" { Assignee::Vendor(id) } else { Assignee::Department(id) })
                    }).collect();
                    send(CaseAction::Dispatch { to, note: text.get(), days: days.get().trim().parse().ok() });
                }>
                    <h3>{ActionKind::Dispatch.label(lang)}</h3>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let t = targets.await.unwrap_or_default();
                            view! {
                                <fieldset>
                                    <legend>{lang.pick("联动部门", "Departments")}</legend>
                                    <div class="checklist">
                                    {t.departments.into_iter().map(|(id, name)| {
                                        let value = format!("d:{id}");
                                        let v2 = value.clone();
                                        view! {
                                            <label class="check">
                                                <input type="checkbox" value=value.clone() data-testid="dispatch-department"
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        chosen.update(|c| { c.retain(|x| x != &v2); if on { c.push(v2.clone()); } });
                                                    } />
                                                {name}
                                            </label>
                                        }
                                    }).collect_view()}
                                    </div>
                                </fieldset>
                                <label for="s-vendor">{lang.pick("或派给加盟企业", "Or a vendor")}</label>
                                <select id="s-vendor" on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    chosen.update(|c| { c.retain(|x| !x.starts_with("v:")); if !v.is_empty() { c.push(v); } });
                                }>
                                    <option value="">{lang.pick("（不派企业）", "(none)")}</option>
                                    {t.vendors.into_iter().map(|(id, name)| view! { <option value=format!("v:{id}")>{name}</option> }).collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                    <p class="field-error" role="alert">{err("to")}</p>
                    <label for="s-days">{lang.pick("办理天数（默认 7 天）", "Days to handle (default 7)")}</label>
                    <input id="s-days" type="number" min="1" max="60" inputmode="numeric" on:input=move |ev| days.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{err("days")}</p>
                    <label for="s-dnote">{lang.pick("派单说明", "Note")}</label>
                    <textarea id="s-dnote" rows="2" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button" data-testid="step-dispatch">{ActionKind::Dispatch.label(lang)}</button>
                </form>
            }})}
            {[(ActionKind::Answer, "reply"), (ActionKind::HandleInCentre, "result"), (ActionKind::Feedback, "result"), (ActionKind::Return, "reason"), (ActionKind::Supplement, "text")]
                .into_iter().filter(|(k, _)| has(*k)).map(|(kind, field)| {
                    let id = format!("s-{}", kind.as_code());
                    view! {
                        <form class="step" data-testid=format!("form-{}", kind.as_code()) on:submit=move |ev| {
                            ev.prevent_default();
                            let t = text.get();
                            send(match kind {
                                ActionKind::Answer => CaseAction::Answer { reply: t },
                                ActionKind::HandleInCentre => CaseAction::HandleInCentre { result: t },
                                ActionKind::Feedback => CaseAction::Feedback { result: t, disposition_code: Some(disposition.get()) },
                                ActionKind::Return => CaseAction::Return { reason: t },
                                _ => CaseAction::Supplement { text: t },
                            });
                        }>
                            <h3>{kind.label(lang)}</h3>
                            <label for=id.clone()>{match kind {
                                ActionKind::Answer => lang.pick("答复内容", "Reply"),
                                ActionKind::Return => lang.pick("退单理由", "Reason"),
                                ActionKind::Supplement => lang.pick("补充内容", "Supplement"),
                                _ => lang.pick("办理结果", "Result"),
                            }}</label>
                            <textarea id=id rows="3" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                            <p class="field-error" role="alert">{err(field)}</p>
                            {(kind == ActionKind::Feedback).then(|| view! {
                                <label for="s-disposition">{lang.pick("办理结果分类", "Disposition")}</label>
                                <Suspense fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        let t = targets.await.unwrap_or_default();
                                        view! {
                                            <select id="s-disposition" on:change=move |ev| disposition.set(event_target_value(&ev)) prop:value=move || disposition.get()>
                                                {t.dispositions.into_iter().map(|(code, name)| view! { <option value=code.clone()>{name}</option> }).collect_view()}
                                            </select>
                                        }
                                    })}
                                </Suspense>
                            })}
                            <button type="submit" class="button" data-testid=format!("step-{}", kind.as_code())>{kind.label(lang)}</button>
                        </form>
                    }
                }).collect_view()}
            {has(ActionKind::RequestExtension).then(|| {
                view! {
                <form class="step" data-testid="form-request_extension" on:submit=move |ev| {
                    ev.prevent_default();
                    send(CaseAction::RequestExtension { days: days.get().trim().parse().unwrap_or(0), reason: text.get() });
                }>
                    <h3>{ActionKind::RequestExtension.label(lang)}</h3>
                    <label for="s-xdays">{lang.pick("延长天数", "Extra days")}</label>
                    <input id="s-xdays" type="number" min="1" max="30" on:input=move |ev| days.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{err("days")}</p>
                    <label for="s-xreason">{lang.pick("理由", "Reason")}</label>
                    <textarea id="s-xreason" rows="2" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <p class="field-error" role="alert">{err("reason")}</p>
                    <button type="submit" class="button secondary" data-testid="step-request_extension">{ActionKind::RequestExtension.label(lang)}</button>
                </form>
            }})}
            {has(ActionKind::ReviewReturn).then(|| view! {
                <div class="step" data-testid="form-review_return">
                    <h3>{ActionKind::ReviewReturn.label(lang)}</h3>
                    {pending_returns.into_iter().map(|(id, name)| {
                        let (s1, s2) = (send, send);
                        view! {
                            <p>{name}</p>
                            <button type="button" class="button" data-testid="step-return-justified"
                                on:click=move |_| s1(CaseAction::ReviewReturn { assignment_id: id, justified: true, note: String::new() })>
                                {lang.pick("退单成立，重新派单", "Accept; re-dispatch")}</button>" "
                            <button type="button" class="button secondary" data-testid="step-return-wrong"
                                on:click=move |_| s2(CaseAction::ReviewReturn { assignment_id: id, justified: false, note: String::new() })>
                                {lang.pick("错误退单，退回原单位", "Wrong return; send back")}</button>
                        }
                    }).collect_view()}
                </div>
            })}
            {has(ActionKind::DecideExtension).then(|| view! {
                <div class="step" data-testid="form-decide_extension">
                    <h3>{ActionKind::DecideExtension.label(lang)}</h3>
                    {pending_extensions.into_iter().map(|(id, label)| {
                        let (s1, s2) = (send, send);
                        view! {
                            <p>{label}</p>
                            <button type="button" class="button" data-testid="step-extension-approve"
                                on:click=move |_| s1(CaseAction::DecideExtension { assignment_id: id, approve: true, note: String::new() })>
                                {lang.pick("批准", "Approve")}</button>" "
                            <button type="button" class="button secondary" data-testid="step-extension-reject"
                                on:click=move |_| s2(CaseAction::DecideExtension { assignment_id: id, approve: false, note: String::new() })>
                                {lang.pick("不批准", "Reject")}</button>
                        }
                    }).collect_view()}
                </div>
            })}
            {has(ActionKind::Callback).then(|| {
                view! {
                <form class="step" data-testid="form-callback" on:submit=move |ev| {
                    ev.prevent_default();
                    let s = Satisfaction::from_code(&satisfaction.get()).unwrap_or(Satisfaction::Unconfirmed);
                    send(CaseAction::Callback { satisfaction: s, note: text.get() });
                }>
                    <h3>{ActionKind::Callback.label(lang)}</h3>
                    <fieldset>
                        <legend>{lang.pick("满意度", "Satisfaction")}</legend>
                        {Satisfaction::ALL.iter().map(|s| {
                            let code = s.as_code();
                            view! {
                                <label class="check">
                                    <input type="radio" name="satisfaction" value=code data-testid=format!("satisfaction-{code}")
                                        checked=move || satisfaction.get() == code
                                        on:change=move |_| satisfaction.set(code.to_string()) />
                                    {s.label(lang)}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <label for="s-cnote">{lang.pick("回访记录", "Notes")}</label>
                    <textarea id="s-cnote" rows="2" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button" data-testid="step-callback">{ActionKind::Callback.label(lang)}</button>
                </form>
            }})}
            {has(ActionKind::Recommend).then(|| {
                let picked = RwSignal::new(Vec::<i64>::new());
                view! {
                <form class="step" data-testid="form-recommend" on:submit=move |ev| {
                    ev.prevent_default();
                    send(CaseAction::Recommend { vendors: picked.get(), note: text.get() });
                }>
                    <h3>{ActionKind::Recommend.label(lang)}</h3>
                    <label for="s-recommend">{lang.pick("推荐的企业（可多选）", "Vendors to name (several)")}</label>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let t = targets.await.unwrap_or_default();
                            view! {
                                <select id="s-recommend" multiple size="6" on:change=move |ev| {
                                    use wasm_bindgen::JsCast;
                                    let Some(select) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else { return };
                                    let options = select.selected_options();
                                    let ids = (0..options.length()).filter_map(|i| options.item(i))
                                        .filter_map(|o| o.get_attribute("value"))
                                        .filter_map(|v| v.parse().ok()).collect();
                                    picked.set(ids);
                                }>
                                    {t.vendors.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                    <p class="field-error" role="alert">{err("vendors")}</p>
                    <label for="s-rnote">{lang.pick("说明", "Note")}</label>
                    <textarea id="s-rnote" rows="2" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button" data-testid="step-recommend">{ActionKind::Recommend.label(lang)}</button>
                </form>
            }})}
            <p class="status-line" role="status" aria-live="polite">
                {move || act.pending().get().then(|| lang.pick("提交中…", "Saving…"))}
            </p>
        </aside>
    }.into_any()
}
