//! A citizen tracks a request (SPEC P2) with its tracking number and the phone number it was
//! filed with. A wrong pair gets the same answer as an unknown number.

use hotline_domain::FieldErrors;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{FormOutcome, PostedTrack, TrackOutcome, TrackRequest};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{field_error, local_time, FieldMessage};

#[component]
pub fn TrackPage() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<TrackRequest>::new();
    // A lookup posted before the page was interactive (`POST /track`) comes back rendered
    // with its answer; the browser adopts it when it hydrates.
    let posted = SharedValue::new(use_context::<PostedTrack>).into_inner();
    let query = use_query_map();
    // `/track?n=…` (the confirmation's link) fills in the number.
    let number = posted
        .as_ref()
        .map(|p| p.tracking_number.clone())
        .or_else(|| query.with_untracked(|q| q.get("n")))
        .unwrap_or_default();
    let phone = posted.as_ref().map(|p| p.phone.clone()).unwrap_or_default();
    // The answer shown: the latest lookup made here, else the posted one. `None` inside is
    // a lookup that failed on our side.
    let posted_answer = posted.map(|p| p.answer);
    let answer = Memo::new(move |_| -> Option<Option<TrackOutcome>> {
        match action.value().get() {
            Some(Ok(outcome)) => Some(Some(outcome)),
            Some(Err(_)) => Some(None),
            None => posted_answer.clone(),
        }
    });
    // What to fix: from the posted answer as the page is rendered (effects do not run on
    // the server), then from each lookup made here.
    let errors = RwSignal::new(match answer.get_untracked() {
        Some(Some(FormOutcome::Invalid(e))) => e,
        _ => FieldErrors::new(),
    });
    Effect::new(move |_| {
        if let Some(outcome) = action.value().get() {
            errors.set(match outcome {
                Ok(FormOutcome::Invalid(e)) => e,
                _ => FieldErrors::new(),
            });
        }
    });
    let number_error = Signal::derive(field_error(errors, lang, "tracking_number"));
    let phone_error = Signal::derive(field_error(errors, lang, "phone"));
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = form_ref.get() else { return };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        let get = |name: &str| data.get(name).as_string();
        action.dispatch(TrackRequest {
            tracking_number: get("tracking_number"),
            phone: get("phone"),
        });
    };
    let pending = action.pending();

    view! {
        <Title text=tr!(lang, track.title) />
        <section class="panel narrow">
            <h1>{tr!(lang, track.title)}</h1>
            <p class="lead">
                {tr!(lang, track.intro)}
            </p>
            // Without JavaScript the form posts to the page itself (`POST /track`).
            <form node_ref=form_ref method="post" action="/track" class="stack"
                data-testid="track-form" novalidate on:submit=on_submit>
                <div class="field">
                    <label for="t-number">{tr!(lang, track.tracking_number)}</label>
                    <input id="t-number" name="tracking_number" type="text" inputmode="numeric"
                        autocomplete="off" value=number
                        aria-describedby="e-tracking_number"
                        aria-invalid=move || number_error.with(Option::is_some).to_string() />
                    <FieldMessage id="e-tracking_number" message=number_error />
                </div>
                <div class="field">
                    <label for="t-phone">{tr!(lang, track.phone_number)}</label>
                    <input id="t-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
                        value=phone
                        aria-describedby="e-phone"
                        aria-invalid=move || phone_error.with(Option::is_some).to_string() />
                    <FieldMessage id="e-phone" message=phone_error />
                </div>
                <button type="submit" class="button primary" disabled=move || pending.get()
                    data-testid="track-submit">{tr!(lang, track.track)}</button>
            </form>
            <div role="status" aria-live="polite" data-testid="track-result">
                {move || match answer.get() {
                    Some(Some(FormOutcome::Done(Some(found)))) => view! {
                        <div class="tracked">
                            <h2>{tr!(lang, track.progress)}</h2>
                            <p>
                                <span class="mono">{found.tracking_number.to_string()}</span>" · "
                                {lang.pick(&found.category_zh, &found.category_en).to_string()}" · "
                                <strong data-testid="track-status">{found.status.label(lang)}</strong>
                            </p>
                            <ol class="timeline">
                                {found.timeline.iter().map(|step| view! {
                                    <li>
                                        <time datetime=step.at.to_rfc3339()>{local_time(step.at)}</time>" "
                                        {step.status.label(lang)}
                                    </li>
                                }).collect_view()}
                            </ol>
                        </div>
                    }.into_any(),
                    Some(Some(FormOutcome::Done(None))) => view! {
                        <p class="alert" data-testid="track-nomatch">
                            {tr!(lang, track.no_match)}
                        </p>
                    }.into_any(),
                    Some(None | Some(FormOutcome::Refused(_))) => view! {
                        <p class="alert">{tr!(lang, track.unavailable)}</p>
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
        </section>
    }
}
