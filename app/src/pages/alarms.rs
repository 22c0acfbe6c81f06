//! The one-key alarm console (SPEC E2–E6) for care coordinators and leads: the open alarms
//! (waiting first, each with its age ticking), a ring that repeats while any alarm waits,
//! the alarm card with the person, whom to call and every step; and the response figures.
//!
//! The list is the server's, fetched again on every alarm event and on every (re)connection:
//! the browser resumes the event stream from the last alarm event it saw (`Last-Event-ID`),
//! and a fresh connection reloads what it shows, so a console that was cut off misses
//! nothing.

use chrono::{DateTime, Utc};
use hotline_domain::{
    Alarm, AlarmCard, AlarmFigures, AlarmHolder, AlarmKind, AlarmLogEntry, AlarmReport,
    AlarmStatus, ContactOutcome, Disposition, EmergencyService, LadderContact, Lang,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{
    alarm_holders, alarms_shown, load_alarm_card, load_alarm_report, open_alarms, AlarmStep,
    FormOutcome,
};
use crate::i18n::{tr, use_lang};
use crate::live::{self, LiveState};
use crate::pages::common::{local_time, LiveStatus, LoadError, SoundToggle};

/// Now, in milliseconds since the epoch: the browser's clock there (chrono's clock does not
/// run in the browser), the server's here.
fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Utc::now().timestamp_millis()
    }
}

/// How long since `from`, as the console shows it ("3 分 07 秒").
fn age(lang: Lang, from: DateTime<Utc>, now_ms: i64) -> String {
    let secs = ((now_ms - from.timestamp_millis()) / 1000).max(0);
    tr!(
        lang,
        alarms.age,
        m = secs / 60,
        s = format!("{:02}", secs % 60)
    )
}

/// A span of seconds as a person reads it ("45 秒", "27 分 55 秒", "3 时 05 分"), or a dash.
fn seconds(lang: Lang, s: Option<i64>) -> String {
    match s {
        None => "—".to_string(),
        Some(s) if s < 120 => tr!(lang, alarms.seconds, s = s),
        Some(s) if s < 3600 => tr!(lang, alarms.age, m = s / 60, s = format!("{:02}", s % 60)),
        Some(s) => tr!(
            lang,
            alarms.hours,
            h = s / 3600,
            m = format!("{:02}", s % 3600 / 60)
        ),
    }
}

/// Who took a step, as the timeline names them: the user name, the gateway, the system.
fn actor_label(lang: Lang, actor: &str) -> String {
    match actor {
        "alarm:gateway" => tr!(lang, alarms.gateway).to_string(),
        "system" => tr!(lang, alarms.system).to_string(),
        a => a.strip_prefix("user:").unwrap_or(a).to_string(),
    }
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn kind_class(kind: AlarmKind) -> &'static str {
    match kind {
        AlarmKind::Help | AlarmKind::Fall | AlarmKind::Smoke | AlarmKind::Vip => {
            "alarm-kind severe"
        }
        AlarmKind::Silent => "alarm-kind silent",
        AlarmKind::Inactivity => "alarm-kind warn",
        AlarmKind::LowBattery | AlarmKind::Test => "alarm-kind mild",
    }
}

/// The name of a step in the alarm's log (`escalated` by the system is the alert to the
/// lead; by a coordinator, the call to 120/110/119).
fn log_label(lang: Lang, kind: &str, actor: &str) -> &'static str {
    match kind {
        "escalated" if actor == "system" => tr!(lang, alarms.log_escalation),
        "received" => tr!(lang, alarms.log_received),
        "shown" => tr!(lang, alarms.log_shown),
        "acknowledged" => tr!(lang, alarms.log_acknowledged),
        "contact" => tr!(lang, alarms.log_contact),
        "dispatched" => tr!(lang, alarms.log_dispatched),
        "escalated" => tr!(lang, alarms.log_escalated),
        "on_site" => tr!(lang, alarms.log_on_site),
        "handed_over" => tr!(lang, alarms.log_handed_over),
        "closed" => tr!(lang, alarms.log_closed),
        _ => "",
    }
}

/// The name of a step's field as the card labels it.
fn field_label(lang: Lang, field: &str) -> String {
    match field {
        "disposition" => tr!(lang, alarms.disposition),
        "name" => tr!(lang, alarms.contact_name),
        "to" => tr!(lang, alarms.hand_over_to),
        "service" => tr!(lang, alarms.escalate),
        "note" => tr!(lang, common.note),
        other => other,
    }
    .to_string()
}

/// What an `alarm` server event says: a step of the alarm log.
#[derive(serde::Deserialize)]
struct AlarmEvent {
    alarm_id: i64,
    kind: String,
}

#[component]
pub fn AlarmConsolePage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let selected = Memo::new(move |_| {
        query.with(|q| q.get("alarm").and_then(|id| id.trim().parse::<i64>().ok()))
    });
    let reloads = RwSignal::new(0_u32);
    let card_reloads = RwSignal::new(0_u32);
    let list = Resource::new(move || reloads.get(), |_| open_alarms());
    let card = Resource::new(
        move || (selected.get(), card_reloads.get()),
        |(id, _)| async move {
            match id {
                Some(id) => load_alarm_card(id).await,
                None => Ok(None),
            }
        },
    );
    let holders = Resource::new(|| (), |_| alarm_holders());
    let state = RwSignal::new(LiveState::Connecting);
    // Set once the connection came back after being down: the list was reloaded.
    let recovered = RwSignal::new(false);
    let sound = RwSignal::new(false);
    // How many times the console rang (the browser tests read it).
    let rings = RwSignal::new(0_u32);
    let now = RwSignal::new(now_ms());
    let waiting = RwSignal::new(0_usize);
    let reported = StoredValue::new(std::collections::HashSet::<i64>::new());
    // The steps taken on the card, and what came of the last one.
    let step = ServerAction::<AlarmStep>::new();
    let message = RwSignal::new(None::<Result<(), String>>);
    Effect::new(move |was: Option<Option<i64>>| {
        let now = selected.get();
        if was.is_some_and(|was| was != now) {
            message.set(None);
        }
        now
    });

    let ring = move || {
        if sound.get_untracked() {
            live::alarm();
            rings.update(|n| *n += 1);
        }
    };

    // What the list holds decides the ring and the banner; the alarms this console shows
    // for the first time are reported (the first console to show one records it).
    Effect::new(move |_| {
        let Some(Ok(alarms)) = list.get() else { return };
        waiting.set(
            alarms
                .iter()
                .filter(|a| a.status == AlarmStatus::Open)
                .count(),
        );
        let fresh: Vec<i64> = alarms
            .iter()
            .map(|a| a.id)
            .filter(|id| !reported.with_value(|r| r.contains(id)))
            .collect();
        if !fresh.is_empty() {
            reported.update_value(|r| r.extend(fresh.iter().copied()));
            leptos::task::spawn_local(async move {
                let _ = alarms_shown(fresh).await;
            });
        }
    });

    // The live connection: every alarm step reloads the list (and the card it concerns); a
    // new alarm rings at once.
    Effect::new(move |_| {
        let subscription = live::listen(
            &["alarm", "resync"],
            move |name, data| {
                if name == "alarm" {
                    if let Ok(event) = serde_json::from_str::<AlarmEvent>(&data) {
                        if event.kind == "received" {
                            ring();
                        }
                        if selected.get_untracked() == Some(event.alarm_id) {
                            card_reloads.update(|n| *n += 1);
                        }
                    }
                }
                reloads.update(|n| *n += 1);
            },
            move |s| {
                let was = state.get_untracked();
                if s == LiveState::Open {
                    if matches!(was, LiveState::Reconnecting | LiveState::Closed) {
                        recovered.set(true);
                    }
                    reloads.update(|n| *n += 1);
                    card_reloads.update(|n| *n += 1);
                } else if s != LiveState::Connecting {
                    recovered.set(false);
                }
                state.set(s);
            },
        );
        let subscription = send_wrapper::SendWrapper::new(subscription);
        on_cleanup(move || drop(subscription));
    });

    // The clock the ages tick by, and the ring that repeats while an alarm waits.
    Effect::new(move |_| {
        let tick =
            set_interval_with_handle(move || now.set(now_ms()), std::time::Duration::from_secs(1));
        let repeat = set_interval_with_handle(
            move || {
                if waiting.get_untracked() > 0 {
                    ring();
                }
            },
            std::time::Duration::from_secs(5),
        );
        on_cleanup(move || {
            if let Ok(t) = tick {
                t.clear();
            }
            if let Ok(r) = repeat {
                r.clear();
            }
        });
    });

    // The steps taken on the card, and what came of the last one: kept by the page, since
    // the card is drawn again whenever its alarm changes (the step's own event included).
    Effect::new(move |_| {
        let Some(outcome) = step.value().get() else {
            return;
        };
        message.set(Some(match &outcome {
            Ok(FormOutcome::Done(_)) => Ok(()),
            Ok(FormOutcome::Refused(reason)) => Err(tr!(lang, alarms.not_allowed, reason = reason)),
            Ok(FormOutcome::Invalid(errors)) => Err(tr!(
                lang,
                alarms.fix_fields,
                fields = errors
                    .messages(lang)
                    .into_keys()
                    .map(|f| field_label(lang, &f))
                    .collect::<Vec<_>>()
                    .join("、")
            )),
            Err(e) => Err(e.to_string()),
        }));
        // A refusal means the alarm changed meanwhile: show it as it stands.
        if !matches!(outcome, Ok(FormOutcome::Invalid(_))) {
            card_reloads.update(|n| *n += 1);
            reloads.update(|n| *n += 1);
        }
    });

    // Turning the sound on while an alarm waits rings at once.
    Effect::new(move |was_on: Option<bool>| {
        let on = sound.get();
        if on && was_on == Some(false) && waiting.get_untracked() > 0 {
            ring();
        }
        on
    });

    view! {
        <Title text=tr!(lang, alarms.title) />
        <section class="panel console" data-testid="alarm-console"
            data-rings=move || rings.get().to_string()
            data-waiting=move || waiting.get().to_string()>
            <div class="desk-head">
                <div>
                    <h1>{tr!(lang, alarms.title)}</h1>
                    <p class="muted">{tr!(lang, alarms.intro)}" "<a href="/care/alarms/figures" data-testid="figures-link">{tr!(lang, alarms.figures_link)}</a></p>
                </div>
                <div class="desk-controls">
                    <LiveStatus state />
                    <SoundToggle sound on=tr!(lang, alarms.sound_on) off=tr!(lang, alarms.sound_off) />
                </div>
            </div>
            <div class="banner down" role="alert" data-testid="connection-down"
                hidden=move || !matches!(state.get(), LiveState::Reconnecting | LiveState::Closed)>
                {tr!(lang, alarms.connection_down)}
            </div>
            <p class="status-line" role="status" data-testid="recovered" hidden=move || !recovered.get()>
                {tr!(lang, alarms.recovered)}
            </p>
            <div class="banner waiting" role="alert" data-testid="waiting-banner" hidden=move || waiting.get() == 0>
                <strong>{move || tr!(lang, alarms.waiting_banner, count = waiting.get())}</strong>
                <span hidden=move || sound.get()>" "{tr!(lang, alarms.sound_off_banner)}</span>
            </div>
            <div class="console-grid">
                <div class="console-list">
                    <Transition fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                        {move || Suspend::new(async move {
                            match list.await {
                                Err(e) => view! { <LoadError error=e /> }.into_any(),
                                Ok(alarms) => view! { <AlarmList alarms now selected /> }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
                <div class="console-card">
                    <Transition fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                        {move || Suspend::new(async move {
                            let holders = holders.await.unwrap_or_default();
                            match card.await {
                                Err(e) => view! { <LoadError error=e /> }.into_any(),
                                Ok(None) => view! { <p class="muted">{tr!(lang, alarms.choose_alarm)}</p> }.into_any(),
                                Ok(Some(card)) => view! {
                                    <AlarmCardView card holders now step message />
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </div>
        </section>
    }
}

/// The open alarms, waiting first: kind, who, age (ticking), status and holder.
#[component]
fn AlarmList(alarms: Vec<Alarm>, now: RwSignal<i64>, selected: Memo<Option<i64>>) -> impl IntoView {
    let lang = use_lang();
    if alarms.is_empty() {
        return view! { <p class="muted" data-testid="no-alarms">{tr!(lang, alarms.none_open)}</p> }
            .into_any();
    }
    view! {
        <ul class="alarm-list" data-testid="alarm-list">
            {alarms.into_iter().map(|a| {
                let id = a.id;
                let waiting = a.status == AlarmStatus::Open;
                let received = a.received_at;
                let who = a.elderly_name.clone().unwrap_or_else(|| tr!(lang, alarms.unregistered).to_string());
                view! {
                    <li class="alarm-row" class:waiting=waiting class:selected=move || selected.get() == Some(id)
                        data-testid="alarm-row" data-alarm-id=id.to_string() data-status=a.status.as_code()>
                        <a href=format!("/care/alarms?alarm={id}") data-testid="open-alarm">
                            <span class=kind_class(a.kind)>{a.kind.label(lang)}</span>
                            <span class="alarm-who">{who}</span>
                            <span class="alarm-age" data-testid="alarm-age">{move || age(lang, received, now.get())}</span>
                            <span class="alarm-place muted">{a.district_name.clone().unwrap_or_default()}</span>
                            <span class="alarm-state">
                                {a.status.label(lang)}
                                {a.holder.clone().map(|h| view! { " · "{tr!(lang, alarms.held_by, holder = h)} })}
                            </span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One alarm's card: the person, whom to call, the steps to take, what happened so far and
/// the person's earlier alarms.
#[component]
fn AlarmCardView(
    card: AlarmCard,
    holders: Vec<AlarmHolder>,
    now: RwSignal<i64>,
    step: ServerAction<AlarmStep>,
    message: RwSignal<Option<Result<(), String>>>,
) -> impl IntoView {
    let lang = use_lang();
    let user = crate::use_current_user();
    let alarm = card.alarm.clone();
    let id = alarm.id;
    let received = alarm.received_at;
    let closed = alarm.status == AlarmStatus::Closed;
    let held_by_other = move || {
        let me = user.get().map(|u| u.username);
        match (&alarm.holder, me) {
            (Some(h), Some(me)) => *h != me,
            _ => false,
        }
    };
    let holder = card.alarm.holder.clone();
    let holder_name = holder.clone().unwrap_or_default();
    let acknowledged = holder.is_some();
    let on_site_done = card.alarm.on_site_at.is_some();
    let send = move |action: &str, fill: &dyn Fn(&mut AlarmStep)| {
        let mut s = AlarmStep {
            id,
            action: action.to_string(),
            rung: None,
            name: None,
            outcome: None,
            service: None,
            to: None,
            disposition: None,
            note: None,
        };
        fill(&mut s);
        message.set(None);
        step.dispatch(s);
    };
    let send: SendStep = StoredValue::new_local(Box::new(send));
    let note = RwSignal::new(String::new());
    let helper = RwSignal::new(String::new());
    let hand_to = RwSignal::new(String::new());
    let disposition = RwSignal::new(String::new());
    let person = card.person.clone();
    let who = card
        .alarm
        .elderly_name
        .clone()
        .unwrap_or_else(|| tr!(lang, alarms.unregistered).to_string());
    let position = card
        .alarm
        .position
        .map(|p| format!("{:.5}, {:.5}", p.lon, p.lat));

    view! {
        <article class="alarm-card" data-testid="alarm-card" data-alarm-id=id.to_string()
            data-status=card.alarm.status.as_code()>
            <header>
                <h2>
                    <span class=kind_class(card.alarm.kind)>{card.alarm.kind.label(lang)}</span>" "
                    <span data-testid="card-who">{who}</span>
                </h2>
                <p>
                    <strong data-testid="card-status">{card.alarm.status.label(lang)}</strong>
                    {card.alarm.holder.clone().map(|h| view! { " · "<span data-testid="card-holder">{tr!(lang, alarms.held_by, holder = h)}</span> })}
                    " · "<span class="alarm-age">{move || age(lang, received, now.get())}</span>
                </p>
            </header>
            <p class="status-line" role="status" data-testid="step-status">
                {move || match message.get() {
                    Some(Ok(())) => tr!(lang, alarms.recorded).to_string(),
                    Some(Err(e)) => e,
                    None => String::new(),
                }}
            </p>
            {(!acknowledged && !closed).then(|| view! {
                <button type="button" class="button urgent big" data-testid="acknowledge"
                    disabled=move || step.pending().get()
                    on:click=move |_| send.with_value(|f| f("acknowledge", &|_| {}))>
                    {tr!(lang, alarms.acknowledge)}
                </button>
            })}
            {(card.alarm.kind == AlarmKind::Silent).then(|| view! {
                <p class="alert" role="note" data-testid="silent-note">{tr!(lang, alarms.silent_note)}</p>
            })}
            <dl class="facts">
                <dt>{tr!(lang, alarms.caller)}</dt>
                <dd class="mono" data-testid="card-caller">{card.caller.clone().unwrap_or_else(|| "—".into())}</dd>
                {card.alarm.device_id.clone().map(|d| view! {
                    <dt>{tr!(lang, alarms.device)}</dt><dd class="mono">{d}</dd>
                })}
                <dt>{tr!(lang, alarms.position)}</dt>
                <dd data-testid="card-position">
                    {card.alarm.district_name.clone().unwrap_or_default()}" "
                    {person.as_ref().map(|p| p.summary.address.clone())}" "
                    <span class="mono muted">{position.unwrap_or_else(|| tr!(lang, alarms.no_position).to_string())}</span>
                </dd>
                <dt>{tr!(lang, alarms.received)}</dt>
                <dd>{local_time(card.alarm.received_at)}</dd>
                <dt>{tr!(lang, alarms.case)}</dt>
                <dd><a href=format!("/cases/{}", card.alarm.tracking_number) class="mono">{card.alarm.tracking_number.clone()}</a></dd>
                {person.clone().map(|p| view! {
                    <dt>{tr!(lang, care.born)}</dt><dd>{p.summary.birth_date.to_string()}" · "{match p.summary.gender.as_str() {
                        "F" => tr!(lang, alarms.female),
                        "M" => tr!(lang, alarms.male),
                        _ => "",
                    }}</dd>
                    <dt>{tr!(lang, care.health)}</dt><dd data-testid="card-health">{p.health_notes.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{tr!(lang, care.medication)}</dt><dd data-testid="card-medication">{p.medications.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{tr!(lang, common.elderly_record)}</dt><dd><a href=format!("/care/elderly/{}", p.summary.id)>{p.service_card_no.clone()}</a></dd>
                })}
            </dl>
            {(acknowledged && !closed).then(|| {
                let ladder = card.ladder.clone();
                view! {
                    <h3>{tr!(lang, alarms.ladder)}</h3>
                    <ol class="ladder" data-testid="ladder">
                        {ladder.into_iter().map(|c| view! { <LadderRow contact=c send step /> }).collect_view()}
                    </ol>
                    <h3>{tr!(lang, alarms.actions)}</h3>
                    <div class="alarm-actions">
                        <label for="alarm-note">{tr!(lang, common.note)}</label>
                        <input id="alarm-note" type="text" maxlength="500" data-testid="alarm-note"
                            prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                        <div class="action-row">
                            <label for="alarm-helper" class="visually-hidden">{tr!(lang, alarms.helper)}</label>
                            <input id="alarm-helper" type="text" maxlength="100" data-testid="helper-name"
                                placeholder=tr!(lang, alarms.helper)
                                prop:value=move || helper.get() on:input=move |ev| helper.set(event_target_value(&ev)) />
                            <button type="button" class="button primary" data-testid="dispatch"
                                disabled=move || step.pending().get()
                                on:click=move |_| {
                                    let (name, n) = (helper.get_untracked(), note.get_untracked());
                                    send.with_value(|f| f("dispatch", &|s| { s.name = Some(name.clone()); s.note = Some(n.clone()); }));
                                }>
                                {tr!(lang, alarms.dispatch)}
                            </button>
                        </div>
                        <div class="action-row">
                            <span>{tr!(lang, alarms.escalate)}</span>
                            {[EmergencyService::Ambulance, EmergencyService::Police, EmergencyService::Fire].into_iter().map(|service| view! {
                                <button type="button" class="button urgent" data-testid=format!("escalate-{}", service.as_code())
                                    disabled=move || step.pending().get()
                                    on:click=move |_| {
                                        let n = note.get_untracked();
                                        send.with_value(|f| f("escalate", &|s| { s.service = Some(service.as_code().into()); s.note = Some(n.clone()); }));
                                    }>
                                    {service.label(lang)}
                                </button>
                            }).collect_view()}
                        </div>
                        <div class="action-row">
                            <button type="button" class="button primary" data-testid="on-site"
                                disabled=move || step.pending().get() || on_site_done
                                on:click=move |_| {
                                    let n = note.get_untracked();
                                    send.with_value(|f| f("on_site", &|s| s.note = Some(n.clone())));
                                }>
                                {tr!(lang, alarms.on_site)}
                            </button>
                        </div>
                        <div class="action-row">
                            <label for="alarm-hand-to">{tr!(lang, alarms.hand_over_to)}</label>
                            <select id="alarm-hand-to" data-testid="hand-over-to"
                                on:change=move |ev| hand_to.set(event_target_value(&ev))>
                                <option value="">{tr!(lang, common.choose)}</option>
                                {holders.into_iter().filter(|h| Some(&h.username) != holder.as_ref()).map(|h| view! {
                                    <option value=h.username.clone()>{format!("{}（{}）", h.display_name, h.username)}</option>
                                }).collect_view()}
                            </select>
                            <button type="button" class="button secondary" data-testid="hand-over"
                                disabled=move || step.pending().get()
                                on:click=move |_| {
                                    let to = hand_to.get_untracked();
                                    send.with_value(|f| f("hand_over", &|s| s.to = Some(to.clone())));
                                }>
                                {tr!(lang, alarms.hand_over)}
                            </button>
                        </div>
                        <div class="action-row">
                            <label for="alarm-disposition">{tr!(lang, alarms.disposition)}</label>
                            <select id="alarm-disposition" data-testid="disposition"
                                on:change=move |ev| disposition.set(event_target_value(&ev))>
                                <option value="">{tr!(lang, common.choose)}</option>
                                {Disposition::ALL.iter().map(|d| view! {
                                    <option value=d.as_code()>{d.label(lang)}</option>
                                }).collect_view()}
                            </select>
                            <button type="button" class="button primary" data-testid="close-alarm"
                                disabled=move || step.pending().get()
                                on:click=move |_| {
                                    let (d, n) = (disposition.get_untracked(), note.get_untracked());
                                    send.with_value(|f| f("close", &|s| { s.disposition = Some(d.clone()); s.note = Some(n.clone()); }));
                                }>
                                {tr!(lang, alarms.close)}
                            </button>
                        </div>
                    </div>
                }
            })}
            {move || (acknowledged && !closed && held_by_other()).then(|| view! {
                <p class="muted">{tr!(lang, alarms.held_by, holder = holder_name.clone())}</p>
            })}
            <h3>{tr!(lang, alarms.timeline)}</h3>
            <Timeline entries=card.timeline.clone() />
            <h3>{tr!(lang, alarms.earlier)}</h3>
            {if card.earlier.is_empty() {
                view! { <p class="muted">{tr!(lang, alarms.no_earlier)}</p> }.into_any()
            } else {
                view! {
                    <ul class="earlier" data-testid="earlier-alarms">
                        {card.earlier.iter().map(|a| view! {
                            <li>
                                <span class="nowrap">{local_time(a.received_at)}</span>" "
                                <span class=kind_class(a.kind)>{a.kind.label(lang)}</span>" "
                                {a.status.label(lang)}" "
                                <a href=format!("/cases/{}", a.tracking_number) class="mono">{a.tracking_number.clone()}</a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </article>
    }
}

type SendStep = StoredValue<Box<dyn Fn(&str, &dyn Fn(&mut AlarmStep))>, LocalStorage>;

/// One rung of the contact ladder: who, the number, and one click per outcome.
#[component]
fn LadderRow(
    contact: LadderContact,
    send: SendStep,
    step: ServerAction<AlarmStep>,
) -> impl IntoView {
    let lang = use_lang();
    let name = RwSignal::new(contact.name.clone());
    let rung = contact.rung;
    let named = !contact.name.is_empty();
    view! {
        <li class="ladder-row" data-testid="ladder-row" data-rung=rung.as_code()>
            <span class="rung">{rung.label(lang)}</span>
            {if named {
                view! { <span class="rung-name">{contact.name.clone()}</span> }.into_any()
            } else {
                view! {
                    <input type="text" class="rung-name" maxlength="100" data-testid="rung-name"
                        placeholder=tr!(lang, alarms.contact_name) aria-label=tr!(lang, alarms.contact_name)
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                }.into_any()
            }}
            <span class="mono rung-phone">{contact.phone.clone().unwrap_or_default()}</span>
            {if contact.callable {
                view! {
                    <span class="rung-outcomes">
                        {ContactOutcome::ALL.iter().map(|outcome| {
                            let outcome = *outcome;
                            view! {
                                <button type="button" class="button secondary small"
                                    data-testid=format!("contact-{}-{}", rung.as_code(), outcome.as_code())
                                    disabled=move || step.pending().get()
                                    on:click=move |_| {
                                        let n = name.get_untracked();
                                        send.with_value(|f| f("contact", &|s| {
                                            s.rung = Some(rung.as_code().into());
                                            s.outcome = Some(outcome.as_code().into());
                                            s.name = Some(n.clone());
                                        }));
                                    }>
                                    {outcome.label(lang)}
                                </button>
                            }
                        }).collect_view()}
                    </span>
                }.into_any()
            } else {
                view! { <span class="muted">{tr!(lang, alarms.silent_note)}</span> }.into_any()
            }}
        </li>
    }
}

/// The alarm's log, oldest first.
#[component]
fn Timeline(entries: Vec<AlarmLogEntry>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ol class="timeline" data-testid="timeline">
            {entries.into_iter().map(|e| view! {
                <li data-testid="timeline-step" data-kind=e.kind.clone()>
                    <span class="nowrap mono">{hotline_domain::time::to_china(e.at).format("%H:%M:%S").to_string()}</span>" "
                    <strong>{log_label(lang, &e.kind, &e.actor)}</strong>" "
                    <span class="muted">{actor_label(lang, &e.actor)}</span>" "
                    {e.note.clone()}
                </li>
            }).collect_view()}
        </ol>
    }
}

/// The response figures (E5): overall, a chart of each day's share within 60 s against
/// the 97.5 % target, and tables by day and by coordinator.
#[component]
pub fn AlarmFiguresPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let days = move || {
        query.with(|q| {
            q.get("days")
                .and_then(|d| d.trim().parse::<u32>().ok())
                .unwrap_or(30)
        })
    };
    let report = Resource::new(days, load_alarm_report);
    view! {
        <Title text=tr!(lang, alarms.figures_title) />
        <section class="panel wide alarm-figures-page" data-testid="alarm-figures">
            <p><a href="/care/alarms">{tr!(lang, alarms.back_to_console)}</a></p>
            <h1>{tr!(lang, alarms.figures_title)}</h1>
            <form method="get" action="/care/alarms/figures" class="filters">
                <label for="f-days">{tr!(lang, alarms.period)}</label>
                <select id="f-days" name="days">
                    {[7_u32, 30, 90, 365].into_iter().map(|d| view! {
                        <option value=d.to_string() selected=move || days() == d>{tr!(lang, alarms.last_days, days = d)}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button secondary">{tr!(lang, common.filter)}</button>
            </form>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(r) if r.overall.alarms == 0 => view! { <p class="muted">{tr!(lang, alarms.no_alarms_in_period)}</p> }.into_any(),
                        Ok(r) => view! { <Figures report=r /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Figures(report: AlarmReport) -> impl IntoView {
    let lang = use_lang();
    let o = &report.overall;
    let tiles = [
        (tr!(lang, alarms.alarms), o.alarms.to_string(), "total"),
        (
            tr!(lang, alarms.within_60),
            percent(o.within_60s),
            "within-60",
        ),
        (
            tr!(lang, alarms.within_180),
            percent(o.within_180s),
            "within-180",
        ),
        (
            tr!(lang, alarms.ack_p50),
            seconds(lang, o.ack_p50_s),
            "ack-p50",
        ),
        (
            tr!(lang, alarms.ack_p90),
            seconds(lang, o.ack_p90_s),
            "ack-p90",
        ),
        (
            tr!(lang, alarms.on_site_p50),
            seconds(lang, o.on_site_p50_s),
            "on-site-p50",
        ),
        (
            tr!(lang, alarms.on_site_p90),
            seconds(lang, o.on_site_p90_s),
            "on-site-p90",
        ),
    ];
    view! {
        <div class="tiles">
            {tiles.into_iter().map(|(label, value, key)| view! {
                <div class="tile" data-testid=format!("tile-{key}")>
                    <div class="tile-value">{value}</div>
                    <div class="tile-label">{label}</div>
                </div>
            }).collect_view()}
        </div>
        <h2>{tr!(lang, alarms.chart_title)}</h2>
        <DayChart days=report.by_day.clone() />
        <h2>{tr!(lang, alarms.by_day)}</h2>
        <FigureTable rows=report.by_day.clone() key_label=tr!(lang, alarms.day) testid="by-day" />
        <h2>{tr!(lang, alarms.by_coordinator)}</h2>
        <FigureTable rows=report.by_coordinator.clone() key_label=tr!(lang, alarms.coordinator) testid="by-coordinator" />
    }
}

/// One bar per day: the share acknowledged within 60 s, with the 97.5 % target dashed.
/// Plain SVG drawn here: no chart library in the bundle.
#[component]
fn DayChart(days: Vec<AlarmFigures>) -> impl IntoView {
    const W: f64 = 720.0;
    const H: f64 = 180.0;
    const TOP: f64 = 10.0;
    const BOTTOM: f64 = 24.0;
    let n = days.len().max(1) as f64;
    let slot = W / n;
    let bar = (slot * 0.7).max(1.0);
    let plot = H - TOP - BOTTOM;
    let y = move |share: f64| TOP + plot * (1.0 - share.clamp(0.0, 1.0));
    let label_every = (days.len() / 10).max(1);
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" data-testid="day-chart"
            aria-label="share acknowledged within 60 s per day">
            <line class="chart-axis" x1="0" x2=W.to_string() y1=y(0.0).to_string() y2=y(0.0).to_string() />
            {days.iter().enumerate().map(|(i, d)| {
                let x = i as f64 * slot + (slot - bar) / 2.0;
                // A day with none within 60 s still shows a sliver, in the warning colour.
                let top = y(d.within_60s).min(y(0.0) - 2.0);
                let low = d.within_60s < 0.975;
                view! {
                    <rect class=if low { "chart-bar low" } else { "chart-bar" } data-testid="chart-bar"
                        x=format!("{x:.1}") y=format!("{top:.1}") width=format!("{bar:.1}")
                        height=format!("{:.1}", y(0.0) - top)
                        data-day=d.key.clone() data-share=format!("{:.3}", d.within_60s) />
                    {(i % label_every == 0).then(|| view! {
                        <text class="chart-label" x=format!("{:.1}", x + bar / 2.0) y=(H - 6.0).to_string() text-anchor="middle">
                            {d.key.get(5..).unwrap_or(&d.key).to_string()}
                        </text>
                    })}
                }
            }).collect_view()}
            <line class="chart-target" x1="0" x2=W.to_string() y1=format!("{:.1}", y(0.975)) y2=format!("{:.1}", y(0.975)) />
        </svg>
    }
}

#[component]
fn FigureTable(
    rows: Vec<AlarmFigures>,
    key_label: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-scroll">
            <table data-testid=testid>
                <thead><tr>
                    <th scope="col">{key_label}</th>
                    <th scope="col">{tr!(lang, alarms.alarms)}</th>
                    <th scope="col">{tr!(lang, alarms.within_60)}</th>
                    <th scope="col">{tr!(lang, alarms.within_180)}</th>
                    <th scope="col">{tr!(lang, alarms.ack_p50)}</th>
                    <th scope="col">{tr!(lang, alarms.ack_p90)}</th>
                    <th scope="col">{tr!(lang, alarms.on_site_p50)}</th>
                    <th scope="col">{tr!(lang, alarms.on_site_p90)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td class="nowrap">{if r.key == "-" { tr!(lang, alarms.nobody).to_string() } else { r.key.clone() }}</td>
                            <td>{r.alarms}</td>
                            <td>{percent(r.within_60s)}</td>
                            <td>{percent(r.within_180s)}</td>
                            <td>{seconds(lang, r.ack_p50_s)}</td>
                            <td>{seconds(lang, r.ack_p90_s)}</td>
                            <td>{seconds(lang, r.on_site_p50_s)}</td>
                            <td>{seconds(lang, r.on_site_p90_s)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
