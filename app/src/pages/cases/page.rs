//! One case: its facts, history, handling units, calls, links and the steps it allows.

use hotline_domain::flow::ActionKind;
use hotline_domain::{CaseAction, CaseDetail, CaseStatus, FieldErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::steps::{StepState, Steps};
use super::LightBadge;
use crate::api::{
    case_action, dispatch_targets, get_case, load_staff_form_options, ActOutcome, LinkCase,
    RevealPhone, UnlinkCase,
};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{local_time, LoadError};
use crate::pages::desk::{CaseCalls, CaseLinks};

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
        options: Resource::new(|| (), |_| load_staff_form_options()),
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
        <Title text=tr!(lang, cases.case) />
        <section class="panel wide">
            <p><a href="/cases">{tr!(lang, cases.back)}</a></p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match case.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(None) => view! {
                            <h1>{tr!(lang, cases.no_such_case)}</h1>
                            <p>{tr!(lang, cases.not_visible)}</p>
                        }.into_any(),
                        Ok(Some(d)) => {
                            let number = d.item.tracking_number.to_string();
                            let masked = d.item.phone.clone();
                            let detail = d.clone();
                            view! {
                                <h1>
                                    {tr!(lang, cases.case_heading)}<span class="mono">{number.clone()}</span>" "
                                    <LightBadge light=d.item.light />" "
                                    <crate::pages::common::UrgentMark priority=d.item.priority />
                                </h1>
                                {(!d.overdue.is_empty()).then(|| view! {
                                    <p class="overdue" data-testid="overdue">
                                        {d.overdue.iter().map(|o| o.label(lang)).collect::<Vec<_>>().join(" · ")}
                                    </p>
                                })}
                                <div class="case-layout">
                                <div>
                                {view! { <dl class="facts">
                                    <dt>{tr!(lang, common.status)}</dt><dd data-testid="case-status">{d.item.status.label(lang)}</dd>
                                    <dt>{tr!(lang, cases.type_label)}</dt><dd data-testid="case-type">{d.item.case_type.map(|t| t.label(lang)).unwrap_or("—")}</dd>
                                    <dt>{tr!(lang, cases.channel)}</dt><dd>{d.item.channel.label(lang)}</dd>
                                    <dt>{tr!(lang, common.category)}</dt><dd>{lang.pick(&d.item.category_zh, &d.item.category_en).to_string()}</dd>
                                    <dt>{tr!(lang, common.content)}</dt><dd class="content">{d.item.content.clone()}</dd>
                                    <dt>{tr!(lang, common.caller)}</dt>
                                    <dd>{d.item.contact_name.clone().unwrap_or_else(|| tr!(lang, cases.anonymous).to_string())}</dd>
                                    <dt>{tr!(lang, common.phone)}</dt>
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
                                                    {tr!(lang, cases.show_full_number)}
                                                </button>
                                            </ActionForm>
                                        }})}
                                    </dd>
                                    <dt>{tr!(lang, cases.place)}</dt>
                                    <dd>
                                        {[d.item.district_name.clone(), d.address.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")}
                                        {(d.position.is_some() && d.actions.contains(&ActionKind::Dispatch)).then(|| view! {
                                            " "
                                            <a href=format!("/map?case={number}") data-testid="case-on-map">{tr!(lang, cases.find_on_map)}</a>
                                        })}
                                    </dd>
                                    <dt>{tr!(lang, cases.assigned_to)}</dt><dd data-testid="case-assigned">{d.item.assigned_to.join("、")}</dd>
                                    {d.item.dispatched_at.map(|t| view! {
                                        <dt>{tr!(lang, cases.dispatched)}</dt><dd>{local_time(t)}</dd>
                                    })}
                                    {d.callback_due_at.filter(|_| matches!(d.item.status, CaseStatus::FedBack | CaseStatus::Handled)).map(|t| view! {
                                        <dt>{tr!(lang, cases.call_back_by)}</dt><dd data-testid="callback-due">{local_time(t)}</dd>
                                    })}
                                    {d.remind_at.filter(|_| d.item.case_type == Some(hotline_domain::CaseType::Consultation) && d.item.status == CaseStatus::Classified).map(|t| view! {
                                        <dt>{tr!(lang, cases.reply_by)}</dt><dd data-testid="reply-by">{local_time(t)}</dd>
                                    })}
                                    {d.subject.clone().map(|s| {
                                        let verdict = if s.praise { tr!(lang, cases.subject_praise) } else { tr!(lang, cases.subject_complaint) };
                                        let who = [Some(s.about.label(lang).to_string()), d.subject_vendor.clone(), Some(s.name).filter(|n| !n.is_empty())]
                                            .into_iter().flatten().collect::<Vec<_>>().join(" · ");
                                        view! {
                                            <dt>{tr!(lang, cases.subject)}</dt><dd data-testid="case-subject">{verdict}" · "{who}</dd>
                                        }
                                    })}
                                    {d.reminder_plan.map(|p| {
                                        let mut said = vec![tr!(lang, cases.plan_every, every = p.every.label(lang))];
                                        if let Some(u) = p.until {
                                            said.push(tr!(lang, cases.plan_until, until = local_time(u)));
                                        }
                                        said.push((if p.sms { tr!(lang, cases.plan_sms) } else { tr!(lang, cases.plan_in_app) }).to_string());
                                        view! {
                                            <dt>{tr!(lang, cases.reminder_plan)}</dt><dd data-testid="reminder-plan">{said.join(" · ")}</dd>
                                        }
                                    })}
                                    {d.satisfaction.map(|s| view! {
                                        <dt>{tr!(lang, cases.satisfaction)}</dt><dd data-testid="case-satisfaction">{s.label(lang)}</dd>
                                    })}
                                </dl> }.into_any()}
                                {(matches!(d.item.status, CaseStatus::Handled | CaseStatus::FedBack | CaseStatus::CalledBack | CaseStatus::Archived)
                                    && crate::use_current_user().get_untracked().is_some_and(|u| u.can(hotline_domain::Permission::Intake)))
                                    .then(|| view! {
                                        <p><a class="button secondary small" href=format!("/knowledge/write?case={}", d.item.tracking_number)
                                            data-testid="case-to-article">{tr!(lang, cases.turn_into_an_article)}</a></p>
                                    })}
                                <Parts detail=d.clone() />
                                {crate::use_current_user().get_untracked().is_some_and(|u| u.can(hotline_domain::Permission::Intake)).then(|| view! {
                                    <CaseLinks number=number.clone() links=d.links.clone() link unlink />
                                    <CaseCalls calls=d.calls.clone() />
                                })}
                                <h2>{tr!(lang, cases.history)}</h2>
                                {view! { <ol class="timeline" data-testid="timeline">
                                    {d.events.iter().map(|e| {
                                        let step = ActionKind::from_code(&e.kind).map(|k| k.label(lang)).unwrap_or_else(|| {
                                            match e.kind.as_str() {
                                                "submitted" => tr!(lang, cases.filed_step),
                                                "link" => tr!(lang, cases.linked),
                                                "unlink" => tr!(lang, cases.unlinked),
                                                _ => "",
                                            }
                                        });
                                        view! {
                                            <li>
                                                <time datetime=e.at.to_rfc3339()>{local_time(e.at)}</time>" "
                                                <strong>{step}</strong>" "
                                                {e.to_status.filter(|to| Some(*to) != e.from_status).map(|s| view! { <span>{"→ "}{s.label(lang)}</span> " " })}
                                                <span class="muted" title=e.actor.clone() data-testid="step-actor">{e.actor_label(lang)}</span>
                                                {match (&e.classified, e.note.clone()) {
                                                    (Some(c), note) => Some(view! { <p title=note data-testid="step-classified">{c.label(lang)}</p> }.into_any()),
                                                    (None, Some(n)) => Some(view! { <p>{n}</p> }.into_any()),
                                                    (None, None) => None,
                                                }}
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

/// The departments and vendors the case went to, the closed ones as history, round by
/// round with what the citizen said of each.
#[component]
fn Parts(detail: CaseDetail) -> impl IntoView {
    let lang = use_lang();
    let rounds = detail
        .assignments
        .iter()
        .map(|a| a.part.round)
        .max()
        .unwrap_or(1);
    let shown_round = std::cell::Cell::new(0u32);
    (!detail.assignments.is_empty()).then(|| view! {
        <h2>{tr!(lang, cases.handling_units)}</h2>
        <div class="table-scroll">
        <table class="parts" data-testid="parts">
            <thead><tr>
                <th scope="col">{tr!(lang, cases.unit)}</th>
                <th scope="col">{tr!(lang, common.state)}</th>
                <th scope="col">{tr!(lang, cases.confirm_by)}</th>
                <th scope="col">{tr!(lang, cases.due)}</th>
                <th scope="col">{tr!(lang, cases.notes)}</th>
            </tr></thead>
            <tbody>
                {detail.assignments.iter().map(|a| {
                    let p = &a.part;
                    let mut notes = Vec::new();
                    if let Some(r) = &p.return_reason {
                        let verdict = match p.return_justified {
                            Some(true) => tr!(lang, cases.return_accepted),
                            Some(false) => tr!(lang, cases.wrong_return_sent_back),
                            None => tr!(lang, cases.awaiting_review),
                        };
                        notes.push(tr!(lang, cases.note_returned, reason = r, verdict));
                    }
                    if let Some(e) = &p.extension {
                        let decision = match (e.approved, e.withdrawn_at) {
                            (Some(true), _) => tr!(lang, cases.approved),
                            (Some(false), _) => tr!(lang, cases.not_approved),
                            (None, Some(_)) => tr!(lang, cases.withdrawn),
                            (None, None) => tr!(lang, cases.awaiting_decision),
                        };
                        let extra = hotline_domain::Limit::new(e.days, p.extension_unit()).label(lang);
                        notes.push(tr!(lang, cases.note_extension, extra, reason = &e.reason, decision));
                    }
                    if let Some(r) = &p.close_reason {
                        notes.push(tr!(lang, cases.note_closed, reason = r));
                    }
                    if let Some(f) = &p.feedback {
                        notes.push(tr!(lang, cases.note_feedback, feedback = f));
                    }
                    if p.late() {
                        notes.push(tr!(lang, cases.note_late).to_string());
                    }
                    if let Some(r) = &p.rating {
                        let mut said = vec![tr!(lang, cases.note_outcome, verdict = r.outcome.label(lang))];
                        if let Some(h) = r.handler {
                            said.push(tr!(lang, cases.note_handler, verdict = h.label(lang)));
                        }
                        if let Some(v) = r.vendor {
                            said.push(tr!(lang, cases.note_scores, price = v.price, punctuality = v.punctuality, attitude = v.attitude));
                        }
                        notes.push(said.join(" · "));
                    }
                    // Ended without finishing (returned, withdrawn, reassigned); a part fed back
                    // in an earlier round keeps its state.
                    let ended = p.closed && p.status != hotline_domain::AssignmentStatus::FedBack;
                    // Rounds are headed once there is more than one.
                    let heading = (rounds > 1 && shown_round.replace(p.round) != p.round).then(|| view! {
                        <tr class="round" data-testid="round-heading">
                            <th colspan="5" scope="rowgroup">{tr!(lang, cases.round_heading, round = p.round)}</th>
                        </tr>
                    });
                    view! {
                        {heading}
                        <tr class:closed=ended data-testid="part-row">
                            <td data-label=tr!(lang, cases.unit)>
                                {a.name.clone()}
                                {matches!(p.assignee, hotline_domain::Assignee::Provider(_)).then(|| view! {
                                    <br /><small class="muted">{tr!(lang, cases.provider_part)}</small>
                                })}
                            </td>
                            <td data-label=tr!(lang, common.state)>{if ended { tr!(lang, cases.closed) } else { p.status.label(lang) }}</td>
                            <td class="nowrap" data-label=tr!(lang, cases.confirm_by)>{local_time(p.confirm_due_at)}</td>
                            <td class="nowrap" data-label=tr!(lang, cases.due)>
                                {local_time(p.due_at)}
                                {p.handling.map(|l| view! { <br /><small class="muted">{tr!(lang, cases.given_limit, limit = l.label(lang))}</small> })}
                            </td>
                            <td data-label=tr!(lang, cases.notes)>{notes.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    })
}
