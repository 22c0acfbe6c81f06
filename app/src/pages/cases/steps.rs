//! The steps the state machine allows this reader now, each a small keyboard-friendly form.

use hotline_domain::flow::{ActionKind, Assignee, Targets, TypeRules};
use hotline_domain::{
    CaseAction, CaseDetail, CaseType, FieldErrors, Limit, LimitUnit, Priority, Satisfaction,
};
use leptos::prelude::*;

use crate::api::ActOutcome;
use crate::i18n::{tr, use_lang};

pub(super) type StepResult = Result<ActOutcome, ServerFnError>;

/// What the step forms share with the page: the action that sends a step, its errors, and
/// the choices the forms offer.
#[derive(Clone, Copy)]
pub(super) struct StepState {
    pub(super) act: Action<(String, CaseAction), StepResult>,
    pub(super) errors: RwSignal<FieldErrors>,
    pub(super) refused: RwSignal<Option<String>>,
    pub(super) targets: Resource<Result<hotline_domain::DispatchTargets, ServerFnError>>,
    pub(super) options: Resource<Result<hotline_domain::FormOptions, ServerFnError>>,
}

/// The steps this reader may take now, each as its own small form.
#[component]
pub(super) fn Steps(detail: CaseDetail, state: StepState) -> impl IntoView {
    let lang = use_lang();
    let lead_detail = detail.clone();
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
    // Where this type's cases may go (W2): departments, vendors, and for home care also
    // volunteers and skilled people (those of the case's district first).
    let type_targets = detail.item.case_type.map(|t| TypeRules::of(t).targets);
    let to_departments = !matches!(type_targets, Some(Targets::OneVendor | Targets::OneCarer));
    let to_vendors = !matches!(type_targets, Some(Targets::Departments));
    let home_care = detail.item.case_type == Some(CaseType::HomeCare)
        && (has(ActionKind::Dispatch) || has(ActionKind::Reassign));
    let near = detail.district_code.clone();
    let providers = Resource::new(
        move || home_care,
        move |wanted| {
            let near = near.clone();
            async move {
                if wanted {
                    crate::api::provider_choices(near).await
                } else {
                    Ok(Vec::new())
                }
            }
        },
    );
    // The category's own handling limit, shown as the dispatch's default.
    let category_limit = detail
        .handling_limit
        .filter(|_| detail.item.priority == Priority::Normal);

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
                tr!(
                    lang,
                    cases.extension_choice,
                    unit = &a.name,
                    extra = Limit::new(e.days, a.part.extension_unit()).label(lang)
                ),
            ))
        })
        .collect();
    // Parts the centre may give more days itself (working, nothing pending).
    let extendable: Vec<(i64, String)> = detail
        .assignments
        .iter()
        .filter(|a| a.part.working() && !a.part.extension_pending())
        .filter_map(|a| a.part.id.map(|id| (id, a.name.clone())))
        .collect();
    let grant_part = RwSignal::new(
        extendable
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
    );
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
    // An urgent case stays urgent unless the agent says otherwise; else the category decides.
    let priority = RwSignal::new(match detail.item.priority {
        Priority::Urgent => "urgent".to_string(),
        Priority::Normal => String::new(),
    });
    let chosen = RwSignal::new(Vec::<String>::new());
    let days = RwSignal::new(String::new());
    let limit_unit = RwSignal::new(String::new());
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
        <aside class="steps" data-testid="steps" aria-label=tr!(lang, cases.steps)>
            <h2>{tr!(lang, cases.steps)}</h2>
            <p class="alert" role="alert" hidden=move || refused.with(Option::is_none) data-testid="step-refused">
                {move || refused.get()}
            </p>
            <div class="step-buttons">
                {simple(ActionKind::Accept, "step-accept", CaseAction::Accept)}
                {simple(ActionKind::Confirm, "step-confirm", CaseAction::Confirm)}
                {simple(ActionKind::Archive, "step-archive", CaseAction::Archive)}
            </div>
            {view! {
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
                    let priority = Priority::from_code(&priority.get());
                    send(CaseAction::Classify { case_type: t, category_code: category.get(), remind_at: remind, priority });
                }>
                    <h3>{ActionKind::Classify.label(lang)}</h3>
                    <ClassifyFields prefix="s" case_type=case_type category=category priority=priority
                        options=options errors=errors />
                    <label for="s-remind">{tr!(lang, cases.remind_at)}</label>
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
                        Some(match kind {
                            "v" => Assignee::Vendor(id),
                            "p" => Assignee::Provider(id),
                            _ => Assignee::Department(id),
                        })
                    }).collect();
                    // An empty amount takes the default limit; a unit alone changes nothing.
                    let limit = days.get().trim().parse().ok().map(|amount| {
                        let unit = LimitUnit::from_code(&limit_unit.get()).unwrap_or(LimitUnit::Days);
                        Limit::new(amount, unit)
                    });
                    send(CaseAction::Dispatch { to, note: text.get(), limit });
                }>
                    <h3>{ActionKind::Dispatch.label(lang)}</h3>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let t = targets.await.unwrap_or_default();
                            view! {
                                {to_departments.then(|| view! {
                                <fieldset>
                                    <legend>{tr!(lang, common.departments)}</legend>
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
                                })}
                                {to_vendors.then(|| view! {
                                <label for="s-vendor">{if to_departments { tr!(lang, cases.or_a_vendor) } else { tr!(lang, cases.to_a_vendor) }}</label>
                                <select id="s-vendor" on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    chosen.update(|c| { c.retain(|x| !x.starts_with("v:")); if !v.is_empty() { c.push(v); } });
                                }>
                                    <option value="">{tr!(lang, cases.none)}</option>
                                    {t.vendors.into_iter().map(|(id, name)| view! { <option value=format!("v:{id}")>{name}</option> }).collect_view()}
                                </select>
                                })}
                            }
                        })}
                    </Suspense>
                    {home_care.then(|| view! {
                        <label for="s-provider">{tr!(lang, cases.or_a_provider)}</label>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = providers.await.unwrap_or_default();
                                view! {
                                    <select id="s-provider" data-testid="dispatch-provider" on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        chosen.update(|c| { c.retain(|x| !x.starts_with("p:")); if !v.is_empty() { c.push(v); } });
                                    }>
                                        <option value="">{tr!(lang, cases.none)}</option>
                                        {list.into_iter().map(|p| {
                                            let kind = if p.volunteer { tr!(lang, cases.provider_volunteer) } else { tr!(lang, cases.provider_skilled) };
                                            view! { <option value=format!("p:{}", p.id)>{format!("{} · {kind} · {} · {}", p.name, p.skill, p.district)}</option> }
                                        }).collect_view()}
                                    </select>
                                }
                            })}
                        </Suspense>
                    })}
                    <p class="field-error" role="alert">{err("to")}</p>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let default = match category_limit {
                                Some(l) => l,
                                None => targets.await.map(|t| t.default_limit).unwrap_or(Limit::days(7)),
                            };
                            if limit_unit.get_untracked().is_empty() {
                                limit_unit.set(default.unit.as_code().to_string());
                            }
                            view! {
                                <div class="limit-input">
                                    <label for="s-days">{tr!(lang, cases.days_to_handle, default = default.label(lang))}</label>
                                    <input id="s-days" type="number" min="1" max="1440" inputmode="numeric"
                                        placeholder=default.amount.to_string()
                                        on:input=move |ev| days.set(event_target_value(&ev)) />
                                    <label for="s-unit">{tr!(lang, cases.limit_unit)}</label>
                                    <select id="s-unit" prop:value=move || limit_unit.get() on:change=move |ev| limit_unit.set(event_target_value(&ev))>
                                        {[LimitUnit::WorkingDays, LimitUnit::Days, LimitUnit::Hours].into_iter().map(|u| view! {
                                            <option value=u.as_code()>{u.label(lang)}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                            }
                        })}
                    </Suspense>
                    <p class="field-error" role="alert">{err("limit")}</p>
                    <label for="s-dnote">{tr!(lang, cases.note)}</label>
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
                                ActionKind::Answer => tr!(lang, cases.reply),
                                ActionKind::Return => tr!(lang, cases.reason),
                                ActionKind::Supplement => tr!(lang, cases.supplement),
                                _ => tr!(lang, cases.result),
                            }}</label>
                            <textarea id=id rows="3" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                            <p class="field-error" role="alert">{err(field)}</p>
                            {(kind == ActionKind::Feedback).then(|| view! {
                                <label for="s-disposition">{tr!(lang, cases.disposition)}</label>
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
            }.into_any()}
            {view! {
            {has(ActionKind::RequestExtension).then(|| {
                view! {
                <form class="step" data-testid="form-request_extension" on:submit=move |ev| {
                    ev.prevent_default();
                    send(CaseAction::RequestExtension { days: days.get().trim().parse().unwrap_or(0), reason: text.get() });
                }>
                    <h3>{ActionKind::RequestExtension.label(lang)}</h3>
                    <label for="s-xdays">{tr!(lang, cases.extra_days)}</label>
                    <input id="s-xdays" type="number" min="1" max="30" on:input=move |ev| days.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{err("days")}</p>
                    <label for="s-xreason">{tr!(lang, cases.reason_short)}</label>
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
                                {tr!(lang, cases.accept_re_dispatch)}</button>" "
                            <button type="button" class="button secondary" data-testid="step-return-wrong"
                                on:click=move |_| s2(CaseAction::ReviewReturn { assignment_id: id, justified: false, note: String::new() })>
                                {tr!(lang, cases.wrong_return_send_back)}</button>
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
                                {tr!(lang, cases.approve)}</button>" "
                            <button type="button" class="button secondary" data-testid="step-extension-reject"
                                on:click=move |_| s2(CaseAction::DecideExtension { assignment_id: id, approve: false, note: String::new() })>
                                {tr!(lang, cases.reject)}</button>
                        }
                    }).collect_view()}
                </div>
            })}
            {has(ActionKind::GrantExtension).then(|| {
                view! {
                <form class="step" data-testid="form-grant_extension" on:submit=move |ev| {
                    ev.prevent_default();
                    send(CaseAction::GrantExtension {
                        assignment_id: grant_part.get().parse().unwrap_or(0),
                        days: days.get().trim().parse().unwrap_or(0),
                        reason: text.get(),
                    });
                }>
                    <h3>{ActionKind::GrantExtension.label(lang)}</h3>
                    <label for="s-gpart">{tr!(lang, cases.unit)}</label>
                    <select id="s-gpart" on:change=move |ev| grant_part.set(event_target_value(&ev))>
                        {extendable.into_iter().map(|(id, name)| view! {
                            <option value=id.to_string()>{name}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{err("assignment_id")}</p>
                    <label for="s-gdays">{tr!(lang, cases.extra_days)}</label>
                    <input id="s-gdays" type="number" min="1" max="30" on:input=move |ev| days.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{err("days")}</p>
                    <label for="s-greason">{tr!(lang, cases.reason_short)}</label>
                    <textarea id="s-greason" rows="2" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <p class="field-error" role="alert">{err("reason")}</p>
                    <button type="submit" class="button secondary" data-testid="step-grant_extension">{ActionKind::GrantExtension.label(lang)}</button>
                </form>
            }})}
            }.into_any()}
            {view! {
            {has(ActionKind::Callback).then(|| {
                let rows = StoredValue::new(rating_rows(&detail));
                view! {
                <form class="step" data-testid="form-callback" on:submit=move |ev| {
                    ev.prevent_default();
                    let s = Satisfaction::from_code(&satisfaction.get()).unwrap_or(Satisfaction::Unconfirmed);
                    let parts = if s == Satisfaction::Unconfirmed {
                        Vec::new()
                    } else {
                        rows.with_value(|rows| rows.iter().map(RatingRow::answer).collect())
                    };
                    send(CaseAction::Callback { satisfaction: s, note: text.get(), parts });
                }>
                    <h3>{ActionKind::Callback.label(lang)}</h3>
                    <fieldset>
                        <legend>{tr!(lang, cases.satisfaction)}</legend>
                        {Satisfaction::ALL.iter().map(|s| {
                            let code = s.as_code();
                            view! {
                                <label class="check">
                                    <input type="radio" name="satisfaction" value=code data-testid=format!("satisfaction-{code}")
                                        checked=move || satisfaction.get() == code
                                        on:change=move |_| satisfaction.set(code.to_string()) />
                                    {if *s == Satisfaction::Unconfirmed {
                                        tr!(lang, cases.callback_no_answer)
                                    } else {
                                        s.label(lang)
                                    }}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <p class="field-error" role="alert">{err("parts")}</p>
                    {move || (satisfaction.get() != "unconfirmed" && rows.with_value(|r| !r.is_empty())).then(|| view! {
                        <p class="muted">{tr!(lang, cases.per_part)}</p>
                        {rows.get_value().into_iter().enumerate().map(|(i, row)| view! {
                            <RatingFields row index=i errors />
                        }).collect_view()}
                    })}
                    <label for="s-cnote">{tr!(lang, cases.callback_notes)}</label>
                    <textarea id="s-cnote" rows="2" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button" data-testid="step-callback">{ActionKind::Callback.label(lang)}</button>
                </form>
            }})}
            {has(ActionKind::AwaitExpert).then(|| view! {
                <ExpertForm errors send=Callback::new(send) />
            })}
            {has(ActionKind::RecordSubject).then(|| view! {
                <SubjectForm subject=detail.subject.clone() targets errors send=Callback::new(send) />
            })}
            {has(ActionKind::PlanReminders).then(|| view! {
                <ReminderPlanForm plan=detail.reminder_plan errors send=Callback::new(send) />
            })}
            {has(ActionKind::Recommend).then(|| {
                let picked = RwSignal::new(Vec::<i64>::new());
                view! {
                <form class="step" data-testid="form-recommend" on:submit=move |ev| {
                    ev.prevent_default();
                    send(CaseAction::Recommend { vendors: picked.get(), note: text.get() });
                }>
                    <h3>{ActionKind::Recommend.label(lang)}</h3>
                    <label for="s-recommend">{tr!(lang, cases.vendors_to_name)}</label>
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
                    <label for="s-rnote">{tr!(lang, common.note)}</label>
                    <textarea id="s-rnote" rows="2" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button" data-testid="step-recommend">{ActionKind::Recommend.label(lang)}</button>
                </form>
            }})}
            }.into_any()}
            <p class="status-line" role="status" aria-live="polite">
                {move || act.pending().get().then(|| tr!(lang, cases.saving))}
            </p>
            <super::lead::LeadSteps detail=lead_detail state=state providers=providers />
        </aside>
    }.into_any()
}

/// The type, category and priority of a classification, shared by the agent's classify
/// form and the lead's re-classification; ids are `{prefix}-type`, `-category`, `-priority`.
#[component]
pub(super) fn ClassifyFields(
    prefix: &'static str,
    case_type: RwSignal<String>,
    category: RwSignal<String>,
    priority: RwSignal<String>,
    options: Resource<Result<hotline_domain::FormOptions, ServerFnError>>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let lang = use_lang();
    let err =
        move |field: &'static str| move || errors.with(|e| e.get(field).map(|p| p.message(lang)));
    let id = move |what: &str| format!("{prefix}-{what}");
    view! {
        <label for=id("type")>{tr!(lang, common.case_type)}</label>
        <select id=id("type") on:change=move |ev| case_type.set(event_target_value(&ev)) prop:value=move || case_type.get()>
            <option value="">{tr!(lang, common.choose)}</option>
            {CaseType::ALL.iter().map(|t| view! {
                <option value=t.as_code()>{format!("{} {}", t.as_code(), t.label(lang))}</option>
            }).collect_view()}
        </select>
        <p class="field-error" role="alert">{err("case_type")}</p>
        <label for=id("category")>{tr!(lang, cases.category)}</label>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let groups = options.await
                    .map(|o| crate::pages::portal::staff_category_groups(&o.categories, lang))
                    .unwrap_or_default();
                view! {
                    <select id=id("category") on:change=move |ev| category.set(event_target_value(&ev)) prop:value=move || category.get()>
                        {groups.into_iter().map(|(major, options)| view! {
                            <optgroup label=major>
                                {options.into_iter().map(|(code, label)| view! {
                                    <option value=code.clone()>{format!("{code} {label}")}</option>
                                }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select>
                }
            })}
        </Suspense>
        <p class="field-error" role="alert">{err("category_code")}</p>
        <label for=id("priority")>{tr!(lang, cases.priority)}</label>
        <select id=id("priority") prop:value=move || priority.get() on:change=move |ev| priority.set(event_target_value(&ev))>
            <option value="">{tr!(lang, cases.priority_by_category)}</option>
            <option value="normal">{Priority::Normal.label(lang)}</option>
            <option value="urgent">{Priority::Urgent.label(lang)}</option>
        </select>
    }
}

/// One part fed back this round, as the callback form asks about it.
#[derive(Clone, Copy)]
struct RatingRow {
    id: i64,
    name: StoredValue<String>,
    vendor: bool,
    /// Codes; empty: the case's answer (outcome) or not asked (handler).
    outcome: RwSignal<String>,
    handler: RwSignal<String>,
    /// Scores 1–5 as typed; empty when not asked.
    scores: [RwSignal<String>; 3],
}

impl RatingRow {
    /// What the agent entered; a score left empty while others are given is sent as 0 so
    /// the server names the field.
    fn answer(&self) -> hotline_domain::PartAnswer {
        let scores = self.scores.map(|s| s.get());
        let vendor = (self.vendor && scores.iter().any(|s| !s.is_empty())).then(|| {
            let [price, punctuality, attitude] = scores.map(|s| s.trim().parse().unwrap_or(0));
            hotline_domain::VendorScores {
                price,
                punctuality,
                attitude,
            }
        });
        hotline_domain::PartAnswer {
            assignment_id: self.id,
            outcome: Satisfaction::from_code(&self.outcome.get()),
            handler: Satisfaction::from_code(&self.handler.get()),
            vendor,
        }
    }
}

fn rating_rows(detail: &CaseDetail) -> Vec<RatingRow> {
    detail
        .assignments
        .iter()
        .filter(|a| a.part.is_open() && a.part.status == hotline_domain::AssignmentStatus::FedBack)
        .filter_map(|a| {
            Some(RatingRow {
                id: a.part.id?,
                name: StoredValue::new(a.name.clone()),
                vendor: !matches!(a.part.assignee, Assignee::Department(_)),
                outcome: RwSignal::new(String::new()),
                handler: RwSignal::new(String::new()),
                scores: [(); 3].map(|_| RwSignal::new(String::new())),
            })
        })
        .collect()
}

/// The citizen's verdict on one part: outcome, handler, and a vendor's three scores.
#[component]
fn RatingFields(row: RatingRow, index: usize, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let lang = use_lang();
    let prefix = format!("parts.{index}.");
    let problems = move || {
        errors.with(|e| {
            e.0.iter()
                .filter(|(field, _)| field.starts_with(&prefix))
                .map(|(_, p)| p.message(lang))
                .collect::<Vec<_>>()
                .join("；")
        })
    };
    let verdicts = [
        Satisfaction::Satisfied,
        Satisfaction::Fair,
        Satisfaction::Dissatisfied,
    ];
    let id = row.id;
    view! {
        <fieldset class="part-rating" data-testid=format!("rate-{id}")>
            <legend>{row.name.get_value()}</legend>
            <label for=format!("r-out-{id}")>{tr!(lang, cases.outcome)}</label>
            <select id=format!("r-out-{id}") data-testid="rate-outcome" on:change=move |ev| row.outcome.set(event_target_value(&ev))>
                <option value="">{tr!(lang, cases.same_as_case)}</option>
                {verdicts.map(|s| view! { <option value=s.as_code()>{s.label(lang)}</option> }).collect_view()}
            </select>
            <label for=format!("r-handler-{id}")>{tr!(lang, cases.handler)}</label>
            <select id=format!("r-handler-{id}") data-testid="rate-handler" on:change=move |ev| row.handler.set(event_target_value(&ev))>
                <option value="">{tr!(lang, cases.not_asked)}</option>
                {verdicts.map(|s| view! { <option value=s.as_code()>{s.label(lang)}</option> }).collect_view()}
            </select>
            {row.vendor.then(|| {
                let names = [tr!(lang, cases.price), tr!(lang, cases.punctuality), tr!(lang, cases.attitude)];
                let codes = ["price", "punctuality", "attitude"];
                view! {
                    <div class="scores">
                        {(0..3).map(|k| view! {
                            <label>
                                {names[k]}
                                <input type="number" min="1" max="5" inputmode="numeric" data-testid=format!("rate-{}", codes[k])
                                    on:input=move |ev| row.scores[k].set(event_target_value(&ev)) />
                            </label>
                        }).collect_view()}
                    </div>
                }
            })}
            <p class="field-error" role="alert">{problems}</p>
        </fieldset>
    }
}

/// An amount typed beside its unit (a reminder interval, a reply limit).
#[derive(Clone, Copy)]
struct LimitEntry {
    amount: RwSignal<String>,
    unit: RwSignal<String>,
    default_unit: LimitUnit,
}

impl LimitEntry {
    fn new(initial: Option<Limit>, default_unit: LimitUnit) -> LimitEntry {
        LimitEntry {
            amount: RwSignal::new(initial.map(|l| l.amount.to_string()).unwrap_or_default()),
            unit: RwSignal::new(
                initial
                    .map_or(default_unit, |l| l.unit)
                    .as_code()
                    .to_string(),
            ),
            default_unit,
        }
    }

    /// What was entered: `None` for an empty amount; an amount that is not a number reads
    /// as 0, which the rules refuse by field.
    fn entered(&self) -> Option<Limit> {
        let amount = self.amount.get();
        let amount = amount.trim();
        (!amount.is_empty()).then(|| {
            Limit::new(
                amount.parse().unwrap_or(0),
                LimitUnit::from_code(&self.unit.get()).unwrap_or(self.default_unit),
            )
        })
    }
}

/// The amount input and its unit select, side by side in one grid cell.
#[component]
fn LimitInput(
    id: &'static str,
    entry: LimitEntry,
    units: &'static [LimitUnit],
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional)] unit_testid: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="inline-fields">
            <input id=id type="number" min="1" inputmode="numeric" prop:value=move || entry.amount.get()
                placeholder=placeholder
                on:input=move |ev| entry.amount.set(event_target_value(&ev)) />
            <select aria-label=tr!(lang, cases.limit_unit) data-testid=unit_testid
                on:change=move |ev| entry.unit.set(event_target_value(&ev))>
                {units.iter().map(|u| view! {
                    <option value=u.as_code() selected=move || entry.unit.get() == u.as_code()>{u.label(lang)}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// The agent's reminder plan for this case: interval, end, SMS or in-app only.
#[component]
fn ReminderPlanForm(
    plan: Option<hotline_domain::ReminderPlan>,
    errors: RwSignal<FieldErrors>,
    send: Callback<CaseAction>,
) -> impl IntoView {
    let lang = use_lang();
    let every = LimitEntry::new(plan.map(|p| p.every), LimitUnit::Minutes);
    let until = RwSignal::new(String::new());
    let sms = RwSignal::new(plan.is_none_or(|p| p.sms));
    let err =
        move |field: &'static str| move || errors.with(|e| e.get(field).map(|p| p.message(lang)));
    view! {
        <form class="step" data-testid="form-plan_reminders" on:submit=move |ev| {
            ev.prevent_default();
            let every = every.entered();
            let until = chrono::NaiveDateTime::parse_from_str(&until.get(), "%Y-%m-%dT%H:%M")
                .ok()
                .map(hotline_domain::time::from_china);
            send.run(CaseAction::PlanReminders { every, until, sms: sms.get() });
        }>
            <h3>{ActionKind::PlanReminders.label(lang)}</h3>
            <label for="s-pevery">{tr!(lang, cases.plan_amount)}</label>
            <LimitInput id="s-pevery" entry=every units=&[LimitUnit::Minutes, LimitUnit::Hours, LimitUnit::Days]
                placeholder=tr!(lang, cases.plan_default) unit_testid="plan-unit" />
            <p class="field-error" role="alert">{err("every")}</p>
            <label for="s-puntil">{tr!(lang, cases.plan_until_label)}</label>
            <input id="s-puntil" type="datetime-local" on:input=move |ev| until.set(event_target_value(&ev)) />
            <p class="field-error" role="alert">{err("until")}</p>
            <label class="check">
                <input type="checkbox" data-testid="plan-sms" prop:checked=move || sms.get()
                    on:change=move |ev| sms.set(event_target_checked(&ev)) />
                {tr!(lang, cases.plan_sms_label)}
            </label>
            <button type="submit" class="button secondary" data-testid="step-plan_reminders">{ActionKind::PlanReminders.label(lang)}</button>
        </form>
    }
}

/// Whom a praise or complaint is about: praise or complaint, a vendor, its employee or an
/// agent.
#[component]
fn SubjectForm(
    subject: Option<hotline_domain::Subject>,
    targets: Resource<Result<hotline_domain::DispatchTargets, ServerFnError>>,
    errors: RwSignal<FieldErrors>,
    send: Callback<CaseAction>,
) -> impl IntoView {
    use hotline_domain::{Subject, SubjectKind};
    let lang = use_lang();
    let praise = RwSignal::new(subject.as_ref().is_none_or(|s| s.praise));
    let about = RwSignal::new(
        subject
            .as_ref()
            .map_or(SubjectKind::Vendor, |s| s.about)
            .as_code()
            .to_string(),
    );
    let vendor = RwSignal::new(
        subject
            .as_ref()
            .and_then(|s| s.vendor_id)
            .map(|id| id.to_string())
            .unwrap_or_default(),
    );
    let name = RwSignal::new(subject.map(|s| s.name).unwrap_or_default());
    let err =
        move |field: &'static str| move || errors.with(|e| e.get(field).map(|p| p.message(lang)));
    let is_agent = move || about.get() == SubjectKind::Agent.as_code();
    view! {
        <form class="step" data-testid="form-record_subject" on:submit=move |ev| {
            ev.prevent_default();
            let about = SubjectKind::from_code(&about.get()).unwrap_or(SubjectKind::Vendor);
            let vendor_id = if about == SubjectKind::Agent { None } else { vendor.get().parse().ok() };
            send.run(CaseAction::RecordSubject {
                subject: Subject { about, praise: praise.get(), vendor_id, name: name.get() },
            });
        }>
            <h3>{ActionKind::RecordSubject.label(lang)}</h3>
            <fieldset>
                <legend class="visually-hidden">{tr!(lang, cases.subject)}</legend>
                <label class="check">
                    <input type="radio" name="subject-praise" data-testid="subject-praise" prop:checked=move || praise.get()
                        on:change=move |_| praise.set(true) />
                    {tr!(lang, cases.subject_praise)}
                </label>
                <label class="check">
                    <input type="radio" name="subject-praise" data-testid="subject-complaint" prop:checked=move || !praise.get()
                        on:change=move |_| praise.set(false) />
                    {tr!(lang, cases.subject_complaint)}
                </label>
            </fieldset>
            <label for="s-sabout">{tr!(lang, cases.subject_about)}</label>
            <select id="s-sabout" on:change=move |ev| about.set(event_target_value(&ev))>
                {SubjectKind::ALL.iter().map(|k| view! {
                    <option value=k.as_code() selected=move || about.get() == k.as_code()>{k.label(lang)}</option>
                }).collect_view()}
            </select>
            <div hidden=is_agent>
                <label for="s-svendor">{tr!(lang, cases.subject_vendor)}</label>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let t = targets.await.unwrap_or_default();
                        view! {
                            <select id="s-svendor" on:change=move |ev| vendor.set(event_target_value(&ev))>
                                <option value="">{tr!(lang, cases.choose_vendor)}</option>
                                {t.vendors.into_iter().map(|(id, n)| {
                                    let id = id.to_string();
                                    let chosen = vendor.get_untracked() == id;
                                    view! { <option value=id selected=chosen>{n}</option> }
                                }).collect_view()}
                            </select>
                        }
                    })}
                </Suspense>
                <p class="field-error" role="alert">{err("subject.vendor_id")}</p>
            </div>
            <label for="s-sname">{tr!(lang, cases.subject_name)}</label>
            <input id="s-sname" maxlength="50" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            <p class="field-error" role="alert">{err("subject.name")}</p>
            <button type="submit" class="button secondary" data-testid="step-record_subject">{ActionKind::RecordSubject.label(lang)}</button>
        </form>
    }
}

/// A consultation nobody can answer on the line: whom the agent asks, the question, and
/// when the reply is due.
#[component]
fn ExpertForm(errors: RwSignal<FieldErrors>, send: Callback<CaseAction>) -> impl IntoView {
    let lang = use_lang();
    let expert = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let reply_within = LimitEntry::new(None, LimitUnit::WorkingDays);
    let err =
        move |field: &'static str| move || errors.with(|e| e.get(field).map(|p| p.message(lang)));
    view! {
        <form class="step" data-testid="form-await_expert" on:submit=move |ev| {
            ev.prevent_default();
            send.run(CaseAction::AwaitExpert {
                expert: expert.get(),
                note: note.get(),
                reply_within: reply_within.entered(),
            });
        }>
            <h3>{ActionKind::AwaitExpert.label(lang)}</h3>
            <label for="s-expert">{tr!(lang, cases.expert)}</label>
            <input id="s-expert" maxlength="100" on:input=move |ev| expert.set(event_target_value(&ev)) />
            <p class="field-error" role="alert">{err("expert")}</p>
            <label for="s-enote">{tr!(lang, cases.expert_note)}</label>
            <textarea id="s-enote" rows="2" on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            <label for="s-ewithin">{tr!(lang, cases.reply_within)}</label>
            <LimitInput id="s-ewithin" entry=reply_within units=LimitUnit::ALL />
            <p class="field-error" role="alert">{err("reply_within")}</p>
            <button type="submit" class="button secondary" data-testid="step-await_expert">{ActionKind::AwaitExpert.label(lang)}</button>
        </form>
    }
}
