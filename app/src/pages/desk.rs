//! The centre's desk work around cases: linked cases and the calls of a case on the case
//! page (SPEC W8, I3), the lead's board of agents and missed calls (A3, A4), and the shift
//! handover page (A5).

use hotline_domain::{
    AgentState, CaseCall, FieldErrors, Handover, HandoverItem, HandoverReport, LinkedCase,
    MissedCall,
};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{
    handover_desk, AcknowledgeHandover, FormOutcome, HandOver, LinkCase, ReassignMissedCall,
    UnlinkCase,
};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{field_error, local_time, track_saved, FieldMessage, LoadError};

/// The cases linked with this one, and a form to link another (W8).
#[component]
pub fn CaseLinks(
    number: String,
    links: Vec<LinkedCase>,
    link: ServerAction<LinkCase>,
    unlink: ServerAction<UnlinkCase>,
) -> impl IntoView {
    let lang = use_lang();
    let errors = RwSignal::new(FieldErrors::new());
    let status = track_saved(move || link.value().get(), errors);
    // Once linked, the form is empty again for the next one.
    let other_input = NodeRef::<leptos::html::Input>::new();
    let note_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if matches!(link.value().get(), Some(Ok(FormOutcome::Done(())))) {
            for input in [other_input.get(), note_input.get()].into_iter().flatten() {
                input.set_value("");
            }
        }
    });
    let message = move |field: &'static str| Signal::derive(field_error(errors, lang, field));
    let this = number.clone();
    view! {
        <section class="links" data-testid="case-links">
            <h2>{tr!(lang, desk.linked_cases)}</h2>
            {if links.is_empty() {
                view! { <p class="muted">{tr!(lang, desk.no_links)}</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {links.into_iter().map(|l| {
                            let other = l.tracking_number.clone();
                            let this = this.clone();
                            view! {
                                <li data-testid="linked-case">
                                    <a class="mono" href=format!("/cases/{}", l.tracking_number)>{l.tracking_number.clone()}</a>" "
                                    <span class="tag">{l.status.label(lang)}</span>" "
                                    {l.case_type.map(|t| view! { <span class="muted">{t.label(lang)}</span> " " })}
                                    <span>{l.content.clone()}</span>
                                    {l.note.clone().map(|n| view! { <span class="muted">" — "{n}</span> })}
                                    <ActionForm action=unlink attr:class="inline">
                                        <input type="hidden" name="tracking_number" value=this />
                                        <input type="hidden" name="other" value=other />
                                        <button type="submit" class="button small secondary" data-testid="unlink">{tr!(lang, desk.unlink)}</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=link attr:class="grid-form link-form" attr:data-testid="link-form">
                <input type="hidden" name="tracking_number" value=number />
                <div class="field">
                    <label for="l-other">{tr!(lang, desk.tracking_number_to_link)}</label>
                    <input id="l-other" name="other" inputmode="numeric" maxlength="14" class="mono" node_ref=other_input
                        aria-describedby="e-other" data-testid="link-other" />
                    <FieldMessage id="e-other" message=message("other") />
                </div>
                <div class="field grow">
                    <label for="l-note">{tr!(lang, desk.note_optional)}</label>
                    <input id="l-note" name="note" maxlength="200" aria-describedby="e-link-note" node_ref=note_input />
                    <FieldMessage id="e-link-note" message=message("note") />
                </div>
                <div class="field">
                    <button type="submit" class="button secondary" data-testid="link-submit">{tr!(lang, desk.link)}</button>
                </div>
                <p class="status-line" role="status">{move || match status.get() {
                    Some(Ok(false)) => tr!(lang, common.correct_marked_fields).to_string(),
                    Some(Err(e)) => e,
                    _ => String::new(),
                }}</p>
            </ActionForm>
        </section>
    }
}

/// The calls the case was registered from, with talk time and the recording.
#[component]
pub fn CaseCalls(calls: Vec<CaseCall>) -> impl IntoView {
    let lang = use_lang();
    (!calls.is_empty()).then(|| {
        view! {
            <section data-testid="case-calls">
                <h2>{tr!(lang, desk.calls)}</h2>
                <ul class="call-list">
                    {calls.into_iter().map(|c| {
                        let talk = c.talk_seconds().map(|s| format!("{}:{:02}", s / 60, s % 60));
                        view! {
                            <li data-testid="case-call">
                                <span class="nowrap">{local_time(c.started_at)}</span>" "
                                <span class="muted">{c.agent.clone().unwrap_or_default()}</span>" "
                                {talk.map(|t| view! { <span>{tr!(lang, desk.talk)}{t}</span> " " })}
                                {match c.recording_url.clone() {
                                    Some(url) => view! {
                                        <a href=url target="_blank" rel="noopener noreferrer" data-testid="recording">
                                            {tr!(lang, desk.play_recording)}
                                        </a>
                                    }.into_any(),
                                    None => view! { <span class="muted">{tr!(lang, desk.no_recording_yet)}</span> }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// A lead's view of the agents (A4) and of every open missed call, to give one to another
/// agent (A3).
#[component]
pub fn AgentBoard(
    agents: Vec<AgentState>,
    missed: Vec<MissedCall>,
    reassign: ServerAction<ReassignMissedCall>,
) -> impl IntoView {
    let lang = use_lang();
    let names: Vec<String> = agents.iter().map(|a| a.username.clone()).collect();
    view! {
        <section class="board" data-testid="agent-board">
            <h2>{tr!(lang, desk.agents)}</h2>
            {if agents.is_empty() {
                view! { <p class="muted">{tr!(lang, desk.no_agent_has_set)}</p> }.into_any()
            } else {
                view! {
                    <ul class="agent-states">
                        {agents.iter().map(|a| view! {
                            <li data-testid="agent-state" data-status=a.status.as_code() data-online=a.online.to_string()>
                                <span class=format!("dot {}", if a.online { a.status.as_code() } else { "offline" })></span>
                                <strong>{a.username.clone()}</strong>" "
                                {a.status.label(lang)}" "
                                {(!a.online).then(|| view! { <span class="tag">{tr!(lang, desk.offline)}</span> })}
                                <span class="muted nowrap">{local_time(a.updated_at)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!missed.is_empty()).then(|| view! {
                <h3>{tr!(lang, desk.reassign_missed_calls)}</h3>
                <ul class="reassign">
                    {missed.into_iter().map(|c| {
                        let names = names.clone();
                        view! {
                            <li>
                                <ActionForm action=reassign attr:class="inline" attr:data-testid="reassign-form">
                                    <input type="hidden" name="call_id" value=c.call_id.clone() />
                                    <span class="nowrap">{local_time(c.started_at)}</span>" "
                                    <span class="mono">{c.phone.clone().unwrap_or_default()}</span>" "
                                    <label>
                                        <span class="visually-hidden">{tr!(lang, desk.give_to)}</span>
                                        <select name="agent" data-testid="reassign-agent">
                                            {names.into_iter().map(|n| {
                                                let selected = c.assigned_to.as_deref() == Some(n.as_str());
                                                view! { <option value=n.clone() selected=selected>{n.clone()}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>" "
                                    <button type="submit" class="button secondary small" data-testid="reassign-submit">
                                        {tr!(lang, desk.reassign)}
                                    </button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// The shift handover (A5): the shift's figures and open items as they stand, a note for
/// the next lead, and the handovers waiting for acknowledgement.
#[component]
pub fn HandoverPage() -> impl IntoView {
    let lang = use_lang();
    let hand_over = ServerAction::<HandOver>::new();
    let acknowledge = ServerAction::<AcknowledgeHandover>::new();
    let desk = Resource::new(
        move || (hand_over.version().get(), acknowledge.version().get()),
        |_| handover_desk(),
    );
    let errors = RwSignal::new(FieldErrors::new());
    let status = track_saved(move || hand_over.value().get(), errors);
    let ack_errors = RwSignal::new(FieldErrors::new());
    let ack_status = track_saved(move || acknowledge.value().get(), ack_errors);
    let message = move |field: &'static str| Signal::derive(field_error(errors, lang, field));

    view! {
        <Title text=tr!(lang, desk.shift_handover) />
        <section class="panel wide">
            <h1>{tr!(lang, desk.shift_handover)}</h1>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match desk.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(d) => {
                            let waiting: Vec<Handover> = d.history.iter()
                                .filter(|h| h.acknowledged_at.is_none() && h.created_by != d.me)
                                .cloned().collect();
                            let has_waiting = !waiting.is_empty();
                            view! {
                                {has_waiting.then(|| view! {
                                    <section class="handover-waiting" data-testid="handover-waiting">
                                        <h2>{tr!(lang, desk.waiting_for_you)}</h2>
                                        {waiting.into_iter().map(|h| view! {
                                            <HandoverView handover=h.clone() />
                                            <ActionForm action=acknowledge attr:class="ack-form">
                                                <input type="hidden" name="id" value=h.id.to_string() />
                                                <div class="field">
                                                    <label for=format!("ack-{}", h.id)>{tr!(lang, desk.takeover_note)}</label>
                                                    <input id=format!("ack-{}", h.id) name="note" maxlength="2000" />
                                                </div>
                                                <button type="submit" class="button primary" data-testid="handover-ack">{tr!(lang, desk.take_over)}</button>
                                            </ActionForm>
                                        }).collect_view()}
                                        <p class="status-line" role="status">{move || match ack_status.get() {
                                            Some(Err(e)) => e,
                                            _ => String::new(),
                                        }}</p>
                                    </section>
                                })}
                                <section data-testid="handover-draft">
                                    <h2>{tr!(lang, desk.shift_so_far)}</h2>
                                    <ReportView report=d.draft.clone() open=!has_waiting />
                                    <ActionForm action=hand_over attr:class="handover-form">
                                        <div class="field">
                                            <label for="h-note">{tr!(lang, desk.handover_note)}</label>
                                            <textarea id="h-note" name="note" rows="3" maxlength="2000" aria-describedby="e-note" data-testid="handover-note"></textarea>
                                            <FieldMessage id="e-note" message=message("note") />
                                        </div>
                                        <button type="submit" class="button primary" data-testid="handover-submit">{tr!(lang, desk.hand_over)}</button>
                                        <p class="status-line" role="status" data-testid="handover-status">{move || match status.get() {
                                            Some(Ok(true)) => tr!(lang, desk.handed_over_waiting).to_string(),
                                            Some(Ok(false)) => tr!(lang, desk.handover_note_required).to_string(),
                                            Some(Err(e)) => e,
                                            None => String::new(),
                                        }}</p>
                                    </ActionForm>
                                </section>
                                <section data-testid="handover-history">
                                    <h2>{tr!(lang, desk.handovers)}</h2>
                                    {if d.history.is_empty() {
                                        view! { <p class="muted">{tr!(lang, desk.no_handovers_yet)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <div class="table-scroll">
                                            <table>
                                                <thead><tr>
                                                    <th scope="col">{tr!(lang, desk.handed_over)}</th>
                                                    <th scope="col">{tr!(lang, desk.by)}</th>
                                                    <th scope="col">{tr!(lang, desk.open_items)}</th>
                                                    <th scope="col">{tr!(lang, common.note)}</th>
                                                    <th scope="col">{tr!(lang, desk.taken_over)}</th>
                                                </tr></thead>
                                                <tbody>
                                                    {d.history.iter().map(|h| view! {
                                                        <tr data-testid="handover-row">
                                                            <td class="nowrap">{local_time(h.created_at)}</td>
                                                            <td>{h.created_by_name.clone()}</td>
                                                            <td>{h.report.items.len() as i64 + h.report.more}</td>
                                                            <td>{h.note.clone()}</td>
                                                            <td data-testid="handover-ack-cell">{match (&h.ack_name, h.acknowledged_at) {
                                                                (Some(name), Some(at)) => format!("{name} {}{}", local_time(at),
                                                                    h.ack_note.as_deref().map(|n| format!("：{n}")).unwrap_or_default()),
                                                                _ => tr!(lang, desk.waiting).to_string(),
                                                            }}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                            </div>
                                        }.into_any()
                                    }}
                                </section>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One handover as the next lead reads it.
#[component]
fn HandoverView(handover: Handover) -> impl IntoView {
    let lang = use_lang();
    view! {
        <article class="handover" data-testid="handover">
            <p>
                <strong>{handover.created_by_name.clone()}</strong>" "
                {tr!(lang, desk.handed_over_at)}{local_time(handover.created_at)}
            </p>
            <blockquote data-testid="handover-note-text">{handover.note.clone()}</blockquote>
            <ReportView report=handover.report.clone() open=true />
        </article>
    }
}

/// The figures and open items of a report.
#[component]
fn ReportView(
    report: HandoverReport,
    /// Whether the list of items starts unfolded (folded under a handover to take over).
    open: bool,
) -> impl IntoView {
    let lang = use_lang();
    let c = &report.counts;
    let figure = |label: &'static str, value: i64, id: &'static str| {
        view! { <div class="figure" data-testid=id><span class="value">{value}</span><span class="label">{label}</span></div> }
    };
    view! {
        <p class="muted">
            {report.shift_start.map(local_time)}" – "{report.shift_end.map(local_time)}
        </p>
        <div class="figures">
            {figure(tr!(lang, desk.received), report.received, "fig-received")}
            {figure(tr!(lang, desk.archived), report.closed, "fig-closed")}
            {figure(tr!(lang, desk.awaiting_intake), report.waiting, "fig-waiting")}
            {figure(tr!(lang, desk.red_in_hand), report.red_open, "fig-red")}
            {figure(tr!(lang, desk.yellow_in_hand), report.yellow_open, "fig-yellow")}
            {figure(tr!(lang, common.overdue), c.overdue_confirmation + c.overdue_completion + c.overdue_callback, "fig-overdue")}
            {figure(tr!(lang, desk.returns), c.returns, "fig-returns")}
            {figure(tr!(lang, desk.extensions), c.extensions, "fig-extensions")}
            {figure(tr!(lang, desk.callbacks), c.callbacks, "fig-callbacks")}
            {figure(tr!(lang, desk.missed_calls), report.open_missed_calls, "fig-missed")}
        </div>
        {if report.items.is_empty() {
            view! { <p data-testid="handover-clear">{tr!(lang, desk.nothing_to_follow_up)}</p> }.into_any()
        } else {
            let total = report.items.len() as i64 + report.more;
            view! {
                <details class="handover-details" open=open>
                <summary>{tr!(lang, desk.items_to_follow_up)}<strong>{total}</strong></summary>
                <div class="table-scroll">
                <table class="handover-items" data-testid="handover-items">
                    <thead><tr>
                        <th scope="col">{tr!(lang, desk.item)}</th>
                        <th scope="col">{tr!(lang, desk.why)}</th>
                        <th scope="col">{tr!(lang, common.content)}</th>
                        <th scope="col">{tr!(lang, common.time)}</th>
                    </tr></thead>
                    <tbody>
                        {report.items.into_iter().map(|i| view! { <ItemRow item=i /> }).collect_view()}
                    </tbody>
                </table>
                </div>
                {(report.more > 0).then(|| view! {
                    <p class="muted">{tr!(lang, desk.more_items, count = report.more)}</p>
                })}
                </details>
            }.into_any()
        }}
    }
}

#[component]
fn ItemRow(item: HandoverItem) -> impl IntoView {
    let lang = use_lang();
    let reasons = item
        .reasons
        .iter()
        .map(|r| r.label(lang))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <tr data-testid="handover-item">
            <td class="nowrap">{match (&item.tracking_number, &item.call_id) {
                (Some(n), _) => view! { <a class="mono" href=format!("/cases/{n}")>{n.clone()}</a> }.into_any(),
                (None, Some(_)) => view! { <span>{tr!(lang, desk.missed_call)}</span> }.into_any(),
                _ => ().into_any(),
            }}</td>
            <td>{reasons}</td>
            <td>{item.summary.clone()}{item.status.map(|s| view! { " " <span class="tag">{s.label(lang)}</span> })}</td>
            <td class="nowrap">{local_time(item.at)}</td>
        </tr>
    }
}
