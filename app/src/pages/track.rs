//! A citizen tracks a request (SPEC P2) with its tracking number and the phone number it was
//! filed with. A wrong pair gets the same answer as an unknown number.

use hotline_domain::{FieldErrors, Satisfaction, TrackedRequest};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{FormOutcome, PostedTrack, Saved, TrackOutcome, TrackRequest};
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
    // The number and phone of the lookup shown: the rating form sends them back.
    let looked_up = RwSignal::new((number.clone(), phone.clone()));
    // A rating posted from this page (`POST /track`, `intent=rate`) and its answer.
    let posted_rated = posted.as_ref().and_then(|p| p.rated.clone());
    let posted_typed = posted.as_ref().and_then(|p| p.rating_typed.clone());
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
        looked_up.set((
            get("tracking_number").unwrap_or_default(),
            get("phone").unwrap_or_default(),
        ));
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
                    Some(Some(FormOutcome::Done(Some(found)))) => {
                        // The rating's answer belongs to the page as posted, not to a
                        // later lookup made here.
                        let as_posted = action.value().with(Option::is_none);
                        let rated = as_posted.then(|| posted_rated.clone()).flatten();
                        let typed = as_posted.then(|| posted_typed.clone()).flatten().unwrap_or_default();
                        view! { <Tracked found looked_up rated typed /> }.into_any()
                    }
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

/// A request as its citizen sees it: where it stands, the steps so far, the answers given,
/// and, once handled, the rating form (a plain form posted to `/track` with `intent=rate`,
/// the same with or without the script).
#[component]
fn Tracked(
    found: TrackedRequest,
    looked_up: RwSignal<(String, String)>,
    rated: Option<Saved>,
    /// The verdict and comment of a refused rating, shown again.
    typed: (String, String),
) -> impl IntoView {
    let lang = use_lang();
    let errors = RwSignal::new(match &rated {
        Some(FormOutcome::Invalid(e)) => e.clone(),
        _ => FieldErrors::new(),
    });
    let choice_error = Signal::derive(field_error(errors, lang, "satisfaction"));
    let comment_error = Signal::derive(field_error(errors, lang, "comment"));
    let reopened = found.status == hotline_domain::CaseStatus::Classified;
    let rated_message = match rated {
        Some(FormOutcome::Done(())) => Some(view! {
            <p class="notice" data-testid="rate-thanks">
                {if reopened { tr!(lang, track.thanks_reopened) } else { tr!(lang, track.thanks) }}
            </p>
        }.into_any()),
        Some(FormOutcome::Refused(why)) => Some(view! {
            <p class="alert" data-testid="rate-refused">{why}</p>
        }.into_any()),
        _ => None,
    };
    let (number, phone) = looked_up.get_untracked();
    let choices = [
        Satisfaction::Satisfied,
        Satisfaction::Fair,
        Satisfaction::Dissatisfied,
    ];
    view! {
        <div class="tracked">
            <h2>{tr!(lang, track.progress)}</h2>
            <p>
                <span class="mono">{found.tracking_number.to_string()}</span>" · "
                {lang.pick(&found.category_zh, &found.category_en).to_string()}" · "
                <strong data-testid="track-status">{found.status.for_citizen(lang)}</strong>
            </p>
            <ol class="timeline">
                {found.timeline.iter().map(|step| view! {
                    <li>
                        <time datetime=step.at.to_rfc3339()>{local_time(step.at)}</time>" "
                        {step.status.for_citizen(lang)}
                    </li>
                }).collect_view()}
            </ol>
            {(!found.replies.is_empty()).then(|| view! {
                <h3>{tr!(lang, track.replies)}</h3>
                <ul class="replies" data-testid="track-replies">
                    {found.replies.iter().map(|reply| view! {
                        <li>
                            <p class="reply-by">
                                <strong>{reply.by.clone().unwrap_or_else(|| tr!(lang, track.centre).to_string())}</strong>" · "
                                <time datetime=reply.at.to_rfc3339()>{local_time(reply.at)}</time>
                            </p>
                            <p class="reply-text">{reply.text.clone()}</p>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {rated_message}
            {found.satisfaction.map(|s| view! {
                <p data-testid="track-rating">{tr!(lang, track.rated)}": "<strong>{s.label(lang)}</strong></p>
            })}
            {found.can_rate.then(|| view! {
                <form method="post" action="/track" class="stack rating" data-testid="rate-form"
                    novalidate>
                    <input type="hidden" name="intent" value="rate" />
                    <input type="hidden" name="tracking_number" value=number />
                    <input type="hidden" name="phone" value=phone />
                    <fieldset class="choices" role="radiogroup" aria-describedby="e-satisfaction"
                        aria-invalid=move || choice_error.with(Option::is_some).to_string()>
                        <legend>{tr!(lang, track.rate_title)}</legend>
                        {choices.into_iter().map(|s| view! {
                            <label class="choice">
                                <input type="radio" name="satisfaction" value=s.as_code()
                                    checked=typed.0 == s.as_code() />
                                {s.label(lang)}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <FieldMessage id="e-satisfaction" message=choice_error />
                    <p class="hint">{tr!(lang, track.rate_hint)}</p>
                    <div class="field">
                        <label for="r-comment">{tr!(lang, track.comment)}</label>
                        <textarea id="r-comment" name="comment" rows="3" maxlength="500"
                            aria-describedby="e-comment"
                            aria-invalid=move || comment_error.with(Option::is_some).to_string()>{typed.1.clone()}</textarea>
                        <FieldMessage id="e-comment" message=comment_error />
                    </div>
                    <button type="submit" class="button primary" data-testid="rate-submit">
                        {tr!(lang, track.rate_submit)}
                    </button>
                </form>
            })}
        </div>
    }
}
