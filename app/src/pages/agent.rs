//! The agents' list of new web requests (SPEC P5): rendered on the server with what is
//! waiting, then kept current by server push; every new request rings a chime.

use hotline_domain::{AgentStatus, Badge, CallerCard, CaseType, FieldErrors, RequestSummary};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{
    agent_board, caller_card, load_staff_form_options, missed_call_done, my_missed_calls,
    my_status, new_requests, set_my_status, FormOutcome, ReassignMissedCall, RegisterCall,
};
use crate::i18n::{tr, use_lang};
use crate::live::{self, LiveState};
use crate::pages::common::{field_error, FieldMessage};
use crate::pages::common::{local_time, LiveStatus, SoundToggle};
use crate::pages::desk::AgentBoard;
use crate::pages::knowledge::KnowledgeSearch;

#[component]
pub fn NewRequestsPage() -> impl IntoView {
    let lang = use_lang();
    let reloads = RwSignal::new(0_u32);
    let initial = Resource::new(move || reloads.get(), |_| new_requests());
    let pushed = RwSignal::new(Vec::<RequestSummary>::new());
    let state = RwSignal::new(LiveState::Connecting);
    let sound = RwSignal::new(false);
    let missed_reloads = RwSignal::new(0_u32);
    // The call whose caller card is showing.
    let ringing = RwSignal::new(None::<String>);
    let card = Resource::new(
        move || ringing.get(),
        |call| async move {
            match call {
                Some(id) => caller_card(id).await.map(Some),
                None => Ok(None),
            }
        },
    );

    // The page's one live connection (shared with the header's notice bell), which opens
    // again by itself after the server refused it.
    Effect::new(move |_| {
        let subscription = live::listen(
            &["request_filed", "incoming_call", "missed_call", "resync"],
            move |name, data| match name {
                "missed_call" => {
                    missed_reloads.update(|n| *n += 1);
                    if sound.get_untracked() {
                        live::chime();
                    }
                }
                // A call rings on this agent's extension: pop its caller card.
                "incoming_call" => {
                    if let Ok(call) = serde_json::from_str::<IncomingCall>(&data) {
                        ringing.set(Some(call.call_id));
                        if sound.get_untracked() {
                            live::chime();
                        }
                    }
                }
                "request_filed" => {
                    if let Ok(request) = serde_json::from_str::<RequestSummary>(&data) {
                        pushed.update(|list| {
                            if !list
                                .iter()
                                .any(|r| r.tracking_number == request.tracking_number)
                            {
                                list.insert(0, request);
                            }
                        });
                        if sound.get_untracked() {
                            live::chime();
                        }
                    }
                }
                // Events were missed somewhere between the database and this page.
                _ => reloads.update(|n| *n += 1),
            },
            move |s| {
                // Whatever was filed before this (re)connection is fetched afresh: the list
                // rendered by the server may be older than the stream.
                if s == LiveState::Open {
                    reloads.update(|n| *n += 1);
                }
                state.set(s);
            },
        );
        let subscription = send_wrapper::SendWrapper::new(subscription);
        on_cleanup(move || drop(subscription));
    });

    view! {
        <Title text=tr!(lang, agent.title) />
        <section class="panel desk">
            <div class="desk-head">
                <div>
                    <h1>{tr!(lang, agent.title)}</h1>
                    <p class="muted">{tr!(lang, agent.intro)}</p>
                </div>
                <div class="desk-controls">
                    <AgentStatusPicker />
                    <LiveStatus state />
                    <SoundToggle sound on=tr!(lang, agent.sound_on) off=tr!(lang, agent.sound_off) />
                </div>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match card.await {
                        Ok(Some(card)) => Some(view! { <CallerCardView card ringing /> }.into_any()),
                        Ok(None) => None,
                        Err(e) => Some(view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any()),
                    }
                })}
            </Transition>
            <MissedCalls reloads=missed_reloads />
            <Transition fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match initial.await {
                        Ok(loaded) => view! { <RequestTable loaded pushed /> }.into_any(),
                        Err(_) => view! { <p class="alert" role="alert">{tr!(lang, portal.service_unavailable)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RequestTable(
    loaded: Vec<RequestSummary>,
    pushed: RwSignal<Vec<RequestSummary>>,
) -> impl IntoView {
    let lang = use_lang();
    let rows = move || {
        let mut rows: Vec<(bool, RequestSummary)> =
            pushed.get().into_iter().map(|r| (true, r)).collect();
        rows.extend(
            loaded
                .iter()
                .filter(|r| {
                    !rows
                        .iter()
                        .any(|(_, p)| p.tracking_number == r.tracking_number)
                })
                .cloned()
                .map(|r| (false, r))
                .collect::<Vec<_>>(),
        );
        // Urgent requests first (W9), each group newest first as it came.
        rows.sort_by_key(|(_, r)| r.priority != hotline_domain::Priority::Urgent);
        rows
    };
    let count = {
        let rows = rows.clone();
        move || rows().len()
    };
    let empty = {
        let count = count.clone();
        move || count() == 0
    };

    view! {
        <p class="counter">
            {tr!(lang, agent.waiting_count)} " " <strong data-testid="waiting-count">{count}</strong>
        </p>
        <p class="muted" hidden=move || !empty()>{tr!(lang, agent.no_new_requests)}</p>
        <div class="table-wrap">
            <table class="requests" data-testid="request-list">
                <thead>
                    <tr>
                        <th scope="col">{tr!(lang, agent.col_time)}</th>
                        <th scope="col">{tr!(lang, agent.col_number)}</th>
                        <th scope="col">{tr!(lang, agent.col_category)}</th>
                        <th scope="col">{tr!(lang, agent.col_content)}</th>
                        <th scope="col">{tr!(lang, agent.col_caller)}</th>
                        <th scope="col">{tr!(lang, agent.col_place)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=rows key=|(_, r)| r.tracking_number.clone() let:row>
                        <RequestRow fresh=row.0 request=row.1 />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RequestRow(fresh: bool, request: RequestSummary) -> impl IntoView {
    let lang = use_lang();
    let local = hotline_domain::time::to_china(request.created_at);
    let category = lang
        .pick(&request.category_zh, &request.category_en)
        .to_string();
    let caller = request
        .contact_name
        .clone()
        .unwrap_or_else(|| tr!(lang, agent.anonymous_caller).to_string());
    let place = [request.district_name.clone(), request.address.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let href = format!("/cases/{}", request.tracking_number);
    let opens = crate::pages::common::row_opens(href.clone());
    view! {
        <tr class:fresh=fresh class="opens" data-testid="request-item" data-tracking-number=request.tracking_number.to_string()
            on:click=opens>
            <td class="nowrap">
                <time datetime=request.created_at.to_rfc3339()>{local.format("%m-%d %H:%M").to_string()}</time>
            </td>
            <td class="mono"><a href=href>{request.tracking_number.to_string()}</a></td>
            <td class="category">
                <crate::pages::common::UrgentMark priority=request.priority />
                {category}
            </td>
            <td class="content">{request.content.clone()}</td>
            <td class="nowrap">{caller}<br /><span class="mono muted">{request.phone.clone()}</span></td>
            <td>{place}</td>
        </tr>
    }
}

#[derive(serde::Deserialize)]
struct IncomingCall {
    call_id: String,
}

/// The caller card (SPEC A1): who is calling, their marks, and their earlier cases.
#[component]
fn CallerCardView(card: CallerCard, ringing: RwSignal<Option<String>>) -> impl IntoView {
    let lang = use_lang();
    let warn = card.badges.contains(&Badge::Blacklist);
    view! {
        <section class="caller-card" class:warn=warn data-testid="caller-card" aria-live="assertive">
            <div class="caller-head">
                <h2>
                    {tr!(lang, agent.incoming_call)}
                    <span class="mono" data-testid="caller-phone">
                        {card.phone.clone().unwrap_or_else(|| tr!(lang, agent.number_withheld).to_string())}
                    </span>
                    " "{card.name.clone().unwrap_or_default()}
                </h2>
                <button type="button" class="button secondary small" on:click=move |_| ringing.set(None)
                    data-testid="caller-card-close">{tr!(lang, agent.close)}</button>
            </div>
            <p class="badges" data-testid="caller-badges">
                {card.badges.iter().map(|b| view! {
                    <span class=format!("badge badge-{}", b.as_code()) data-badge=b.as_code()>{b.label(lang)}</span>
                }).collect_view()}
                {card.elderly_id.map(|id| view! {
                    <a href=format!("/care/elderly/{id}")>{tr!(lang, common.elderly_record)}</a>
                })}
            </p>
            {card.note.clone().map(|n| view! { <p class="caller-note">{n}</p> })}
            <div class="call-desk">
                <IntakeForm card=card.clone() />
                <aside class="intake-kb" aria-label=tr!(lang, common.knowledge_base)>
                    <h3>{tr!(lang, common.knowledge_base)}</h3>
                    <KnowledgeSearch embedded=true />
                </aside>
            </div>
            <p class="muted">{tr!(lang, agent.rang_at)}{local_time(card.rang_at)}</p>
            <h3>{tr!(lang, agent.caller_history)}" ("{card.history.len()}")"</h3>
            {if card.history.is_empty() {
                view! { <p class="muted">{tr!(lang, agent.no_earlier_cases)}</p> }.into_any()
            } else {
                view! {
                    <table class="requests" data-testid="caller-history">
                        <thead><tr>
                            <th scope="col">{tr!(lang, common.time)}</th>
                            <th scope="col">{tr!(lang, common.number)}</th>
                            <th scope="col">{tr!(lang, common.category)}</th>
                            <th scope="col">{tr!(lang, common.status)}</th>
                            <th scope="col">{tr!(lang, common.content)}</th>
                        </tr></thead>
                        <tbody>
                            {card.history.iter().map(|c| view! {
                                <tr>
                                    <td class="nowrap">{local_time(c.created_at)}</td>
                                    <td class="mono"><a href=format!("/cases/{}", c.tracking_number)>{c.tracking_number.to_string()}</a></td>
                                    <td>{lang.pick(&c.category_zh, &c.category_en).to_string()}</td>
                                    <td>{c.status.label(lang)}</td>
                                    <td class="content">{c.content.chars().take(60).collect::<String>()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// One keyboard-first form for every case type (SPEC A2): the content field has the focus
/// as the card pops; Tab walks the fields in order; a consultation with a reply is closed
/// at once, anything else opens the case page for dispatch.
#[component]
fn IntakeForm(card: CallerCard) -> impl IntoView {
    let lang = use_lang();
    let register = ServerAction::<RegisterCall>::new();
    let errors = RwSignal::new(FieldErrors::new());
    let failed = RwSignal::new(None::<String>);
    Effect::new(move |_| match register.value().get() {
        Some(Ok(FormOutcome::Done(n))) => {
            errors.set(FieldErrors::new());
            leptos_router::hooks::use_navigate()(&format!("/cases/{n}"), Default::default());
        }
        Some(Ok(FormOutcome::Invalid(e))) => errors.set(e),
        Some(Ok(FormOutcome::Refused(m))) => failed.set(Some(m)),
        Some(Err(e)) => failed.set(Some(e.to_string())),
        None => {}
    });
    let options = Resource::new(|| (), |_| load_staff_form_options());
    let message = move |field: &'static str| Signal::derive(field_error(errors, lang, field));
    let withheld = card.phone.is_none();
    view! {
        <ActionForm action=register attr:class="intake-form" attr:data-testid="intake-form">
            <input type="hidden" name="call_id" value=card.call_id.clone() />
            <div class="field-row">
                <div class="field">
                    <label for="i-case_type">{tr!(lang, common.case_type)}</label>
                    <select id="i-case_type" name="case_type" aria-describedby="e-case_type">
                        <option value="">{tr!(lang, common.choose)}</option>
                        {CaseType::ALL.iter().map(|t| view! {
                            <option value=t.as_code()>{format!("{} {}", t.as_code(), t.label(lang))}</option>
                        }).collect_view()}
                    </select>
                    <FieldMessage id="e-case_type" message=message("case_type") />
                </div>
                <div class="field grow">
                    <label for="i-category">{tr!(lang, agent.category)}</label>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let groups = options.await.map(|o| super::portal::staff_category_groups(&o.categories, lang)).unwrap_or_default();
                            view! {
                                <select id="i-category" name="category" aria-describedby="e-category">
                                    <option value="">{tr!(lang, common.choose)}</option>
                                    {groups.into_iter().map(|(major, minors)| view! {
                                        <optgroup label=major>
                                            {minors.into_iter().map(|(code, label)| view! {
                                                <option value=code>{label}</option>
                                            }).collect_view()}
                                        </optgroup>
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                    <FieldMessage id="e-category" message=message("category") />
                </div>
            </div>
            <div class="field">
                <label for="i-content">{tr!(lang, agent.what_the_caller_says)}</label>
                <textarea id="i-content" name="content" rows="3" autofocus aria-describedby="e-content"></textarea>
                <FieldMessage id="e-content" message=message("content") />
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="i-contact_name">{tr!(lang, common.caller)}</label>
                    <input id="i-contact_name" name="contact_name" value=card.name.clone().unwrap_or_default() aria-describedby="e-contact_name" />
                    <FieldMessage id="e-contact_name" message=message("contact_name") />
                </div>
                {withheld.then(|| view! {
                    <div class="field">
                        <label for="i-phone">{tr!(lang, agent.callback_number_withheld)}</label>
                        <input id="i-phone" name="phone" type="tel" aria-describedby="e-phone" />
                        <FieldMessage id="e-phone" message=message("phone") />
                    </div>
                })}
                <div class="field">
                    <label for="i-district">{tr!(lang, common.district)}</label>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let districts = options.await.map(|o| o.districts).unwrap_or_default();
                            view! {
                                <select id="i-district" name="district" aria-describedby="e-district">
                                    <option value="">"—"</option>
                                    {districts.into_iter().map(|d| view! {
                                        <option value=d.code.clone()>{d.name.clone()}</option>
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                    <FieldMessage id="e-district" message=message("district") />
                </div>
                <div class="field grow">
                    <label for="i-address">{tr!(lang, common.address)}</label>
                    <input id="i-address" name="address" aria-describedby="e-address" />
                    <FieldMessage id="e-address" message=message("address") />
                </div>
            </div>
            {(!card.history.is_empty()).then(|| view! {
                <div class="field">
                    <label for="i-link_to">{tr!(lang, agent.link_earlier)}</label>
                    <select id="i-link_to" name="link_to" aria-describedby="e-link_to" data-testid="intake-link">
                        <option value="">{tr!(lang, agent.no_link)}</option>
                        {card.history.iter().map(|c| view! {
                            <option value=c.tracking_number.to_string()>
                                {format!("{} {} {}", c.tracking_number, c.status.label(lang), c.content.chars().take(24).collect::<String>())}
                            </option>
                        }).collect_view()}
                    </select>
                    <FieldMessage id="e-link_to" message=message("link_to") />
                </div>
            })}
            <div class="field">
                <label for="i-priority">{tr!(lang, cases.priority)}</label>
                <select id="i-priority" name="priority" aria-describedby="e-priority" data-testid="intake-priority">
                    <option value="">{tr!(lang, cases.priority_by_category)}</option>
                    <option value="normal">{hotline_domain::Priority::Normal.label(lang)}</option>
                    <option value="urgent">{hotline_domain::Priority::Urgent.label(lang)}</option>
                </select>
                <FieldMessage id="e-priority" message=message("priority") />
            </div>
            <div class="field">
                <label for="i-reply">{tr!(lang, agent.reply_closes)}</label>
                <textarea id="i-reply" name="reply" rows="2" aria-describedby="e-reply"></textarea>
                <FieldMessage id="e-reply" message=message("reply") />
            </div>
            <p class="alert" role="alert" hidden=move || failed.with(Option::is_none)>{move || failed.get()}</p>
            <div class="actions">
                <button type="submit" class="button primary" data-testid="intake-submit">{tr!(lang, agent.register)}</button>
            </div>
        </ActionForm>
    }
}

/// The agent's status (SPEC A4): idle agents are handed missed calls in turn.
#[component]
fn AgentStatusPicker() -> impl IntoView {
    let lang = use_lang();
    let current = Resource::new(|| (), |_| my_status());
    let set = Action::new(|status: &String| {
        let status = status.clone();
        async move { set_my_status(status).await }
    });
    view! {
        <label class="status-picker">
            <span>{tr!(lang, common.status)}</span>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let now = current.await.ok().flatten();
                    view! {
                        <select data-testid="agent-status" on:change=move |ev| {
                            set.dispatch(event_target_value(&ev));
                        }>
                            <option value="" disabled selected=now.is_none()>{tr!(lang, common.choose)}</option>
                            {AgentStatus::ALL.iter().map(|s| view! {
                                <option value=s.as_code() selected=now == Some(*s)>{s.label(lang)}</option>
                            }).collect_view()}
                        </select>
                    }
                })}
            </Suspense>
        </label>
    }
}

/// Missed calls handed to this agent (a lead sees every open one), to call back.
#[component]
fn MissedCalls(reloads: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let done = Action::new(|call_id: &String| {
        let call_id = call_id.clone();
        async move { missed_call_done(call_id).await }
    });
    let reassign = ServerAction::<ReassignMissedCall>::new();
    let list = Resource::new(
        move || {
            (
                reloads.get(),
                done.version().get(),
                reassign.version().get(),
            )
        },
        |_| my_missed_calls(),
    );
    let lead = crate::use_current_user()
        .get_untracked()
        .is_some_and(|u| u.can(hotline_domain::Permission::Approve));
    // Leads also see the agents' states; read beside the list, so a reassignment refreshes
    // both at once.
    let agents = Resource::new(
        move || (reloads.get(), reassign.version().get()),
        move |_| async move {
            if lead {
                agent_board().await
            } else {
                Ok(Vec::new())
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let calls = list.await.unwrap_or_default();
                let states = agents.await.unwrap_or_default();
                let board = lead.then(|| view! { <AgentBoard agents=states missed=calls.clone() reassign /> });
                let own = (!calls.is_empty()).then(|| view! {
                    <section class="missed" data-testid="missed-calls">
                        <h2>{tr!(lang, agent.missed_calls)}" "<strong>{calls.len()}</strong></h2>
                        <ul>
                            {calls.into_iter().map(|c| {
                                let id = c.call_id.clone();
                                view! {
                                    <li data-testid="missed-call">
                                        <span class="nowrap">{local_time(c.started_at)}</span>" "
                                        <span class="mono">{c.phone.clone().unwrap_or_else(|| tr!(lang, agent.number_withheld).to_string())}</span>" "
                                        <span class="muted">{c.assigned_to.clone().unwrap_or_default()}</span>" "
                                        <button type="button" class="button secondary small" data-testid="missed-done"
                                            on:click=move |_| { done.dispatch(id.clone()); }>
                                            {tr!(lang, agent.called_back)}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                });
                view! { {own} {board} }
            })}
        </Transition>
    }
}
