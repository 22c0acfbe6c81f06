//! The agents' list of new web requests (SPEC P5): rendered on the server with what is
//! waiting, then kept current by server push; every new request rings a chime.

use hotline_domain::RequestSummary;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::new_requests;
use crate::i18n::{use_lang, use_texts};
use crate::live::{self, LiveState};

#[component]
pub fn NewRequestsPage() -> impl IntoView {
    let t = use_texts();
    let reloads = RwSignal::new(0_u32);
    let initial = Resource::new(move || reloads.get(), |_| new_requests());
    let pushed = RwSignal::new(Vec::<RequestSummary>::new());
    let state = RwSignal::new(LiveState::Connecting);
    let sound = RwSignal::new(false);

    // Bumped to subscribe again after the browser gave up on the stream.
    let generation = RwSignal::new(0_u32);

    Effect::new(move |_| {
        generation.track();
        let subscription = live::subscribe(
            "/api/v1/events",
            &["request_filed", "resync"],
            move |name, data| match name {
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
                match s {
                    // Whatever was filed before this (re)connection is fetched afresh: the
                    // list rendered by the server may be older than the stream.
                    LiveState::Open => reloads.update(|n| *n += 1),
                    LiveState::Closed => {
                        set_timeout(
                            move || generation.update(|g| *g += 1),
                            std::time::Duration::from_secs(3),
                        );
                    }
                    _ => {}
                }
                state.set(s);
            },
        );
        let subscription = send_wrapper::SendWrapper::new(subscription);
        on_cleanup(move || drop(subscription));
    });

    let toggle_sound = move |_| {
        if sound.get_untracked() {
            sound.set(false);
        } else {
            sound.set(live::enable_sound());
        }
    };

    view! {
        <Title text=t.agent_title />
        <section class="panel desk">
            <div class="desk-head">
                <div>
                    <h1>{t.agent_title}</h1>
                    <p class="muted">{t.agent_intro}</p>
                </div>
                <div class="desk-controls">
                    <span class="live" data-testid="live-status" data-state=move || state.get().code() role="status">
                        {move || match state.get() {
                            LiveState::Connecting => t.live_connecting,
                            LiveState::Open => t.live_open,
                            LiveState::Reconnecting | LiveState::Closed => t.live_reconnecting,
                        }}
                    </span>
                    <button type="button" class="button secondary" aria-pressed=move || sound.get().to_string()
                        on:click=toggle_sound data-testid="sound-toggle">
                        {move || if sound.get() { t.sound_on } else { t.sound_off }}
                    </button>
                </div>
            </div>
            <p class="note">{t.access_note}</p>
            <Transition fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match initial.await {
                        Ok(loaded) => view! { <RequestTable loaded pushed /> }.into_any(),
                        Err(_) => view! { <p class="alert" role="alert">{t.service_unavailable}</p> }.into_any(),
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
    let t = use_texts();
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
            {t.waiting_count} " " <strong data-testid="waiting-count">{count}</strong>
        </p>
        <p class="muted" hidden=move || !empty()>{t.no_new_requests}</p>
        <div class="table-wrap">
            <table class="requests" data-testid="request-list">
                <thead>
                    <tr>
                        <th scope="col">{t.col_time}</th>
                        <th scope="col">{t.col_number}</th>
                        <th scope="col">{t.col_category}</th>
                        <th scope="col">{t.col_content}</th>
                        <th scope="col">{t.col_caller}</th>
                        <th scope="col">{t.col_place}</th>
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
    let t = use_texts();
    let lang = use_lang();
    let local = request
        .created_at
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
    let category = lang
        .pick(&request.category_zh, &request.category_en)
        .to_string();
    let caller = request
        .contact_name
        .clone()
        .unwrap_or_else(|| t.anonymous_caller.to_string());
    let place = [request.district_name.clone(), request.address.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <tr class:fresh=fresh data-testid="request-item" data-tracking-number=request.tracking_number.to_string()>
            <td class="nowrap">
                <time datetime=request.created_at.to_rfc3339()>{local.format("%m-%d %H:%M").to_string()}</time>
            </td>
            <td class="mono">{request.tracking_number.to_string()}</td>
            <td class="category">{category}</td>
            <td class="content">{request.content.clone()}</td>
            <td class="nowrap">{caller}<br /><span class="mono muted">{request.phone.clone()}</span></td>
            <td>{place}</td>
        </tr>
    }
}
