//! A citizen tracks a request (SPEC P2) with its tracking number and the phone number it was
//! filed with. A wrong pair gets the same answer as an unknown number.

use hotline_domain::FieldErrors;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{FormOutcome, TrackRequest};
use crate::i18n::{tr, use_lang};
use crate::pages::common::{field_error, local_time, FieldMessage};

#[component]
pub fn TrackPage() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<TrackRequest>::new();
    let errors = RwSignal::new(FieldErrors::new());
    Effect::new(move |_| {
        let e = match action.value().get() {
            Some(Ok(FormOutcome::Invalid(e))) => e,
            _ => FieldErrors::new(),
        };
        errors.set(e);
    });
    let number_error = Signal::derive(field_error(errors, lang, "tracking_number"));
    let phone_error = Signal::derive(field_error(errors, lang, "phone"));

    view! {
        <Title text=tr!(lang, track.title) />
        <section class="panel narrow">
            <h1>{tr!(lang, track.title)}</h1>
            <p class="lead">
                {tr!(lang, track.intro)}
            </p>
            <ActionForm action=action attr:class="stack" attr:data-testid="track-form">
                <div class="field">
                    <label for="t-number">{tr!(lang, track.tracking_number)}</label>
                    <input id="t-number" name="tracking_number" inputmode="numeric" autocomplete="off"
                        aria-describedby="e-tracking_number"
                        aria-invalid=move || number_error.with(Option::is_some).to_string() />
                    <FieldMessage id="e-tracking_number" message=number_error />
                </div>
                <div class="field">
                    <label for="t-phone">{tr!(lang, track.phone_number)}</label>
                    <input id="t-phone" name="phone" type="tel" autocomplete="tel"
                        aria-describedby="e-phone"
                        aria-invalid=move || phone_error.with(Option::is_some).to_string() />
                    <FieldMessage id="e-phone" message=phone_error />
                </div>
                <button type="submit" class="button">{tr!(lang, track.track)}</button>
            </ActionForm>
            <div role="status" aria-live="polite" data-testid="track-result">
                {move || match action.value().get() {
                    Some(Ok(FormOutcome::Done(Some(found)))) => view! {
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
                    Some(Ok(FormOutcome::Done(None))) => view! {
                        <p class="alert" data-testid="track-nomatch">
                            {tr!(lang, track.no_match)}
                        </p>
                    }.into_any(),
                    Some(Err(_) | Ok(FormOutcome::Refused(_))) => view! {
                        <p class="alert">{tr!(lang, track.unavailable)}</p>
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
        </section>
    }
}
