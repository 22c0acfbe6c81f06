//! Small pieces shared by the back-office pages.

use crate::api::FormOutcome;
use chrono::{DateTime, Utc};
use hotline_domain::{FieldErrors, Lang};
use leptos::prelude::*;

use crate::i18n::tr;

/// A UTC instant as China local time, `2026-11-23 10:15`.
pub fn local_time(at: DateTime<Utc>) -> String {
    hotline_domain::time::to_china(at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The message for one field, if the last answer named it.
pub fn field_error(
    errors: RwSignal<FieldErrors>,
    lang: Lang,
    field: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    move || errors.with(|e| e.get(field).map(|p| p.message(lang)))
}

/// The error line under a field, announced to screen readers.
#[component]
pub fn FieldMessage(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id role="alert" hidden=move || message.with(Option::is_none)>
            {move || message.get()}
        </p>
    }
}

/// "Saved" / "could not save" status under a form.
#[component]
pub fn SaveStatus(status: Signal<Option<Result<bool, String>>>) -> impl IntoView {
    let lang = crate::i18n::use_lang();
    view! {
        <p class="status-line" role="status" aria-live="polite" data-testid="save-status">
            {move || match status.get() {
                Some(Ok(true)) => tr!(lang, common.saved).to_string(),
                Some(Ok(false)) => tr!(lang, common.correct_marked_fields).to_string(),
                Some(Err(e)) => tr!(lang, common.not_saved_because, error = e),
                None => String::new(),
            }}
        </p>
    }
}

/// The outcome of a save action as the status line shows it; keeps `errors` in step.
pub fn track_saved(
    value: impl Fn() -> Option<Result<crate::api::Saved, ServerFnError>> + Copy + Send + Sync + 'static,
    errors: RwSignal<FieldErrors>,
) -> Signal<Option<Result<bool, String>>> {
    Effect::new(move |_| match &value() {
        Some(Ok(FormOutcome::Invalid(e))) => errors.set(e.clone()),
        Some(_) => errors.set(FieldErrors::new()),
        None => {}
    });
    Signal::derive(move || match &value() {
        Some(Ok(FormOutcome::Done(()))) => Some(Ok(true)),
        Some(Ok(FormOutcome::Invalid(_))) => Some(Ok(false)),
        Some(Ok(FormOutcome::Refused(m))) => Some(Err(m.clone())),
        Some(Err(e)) => Some(Err(e.to_string())),
        None => None,
    })
}

/// Percent-encodes a query value (the same on the server and in the browser).
pub(crate) fn encode_query_value(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An error loading a page's data, as a page-level alert.
#[component]
pub fn LoadError(error: ServerFnError) -> impl IntoView {
    let lang = crate::i18n::use_lang();
    view! {
        <p class="alert" role="alert">
            {tr!(lang, common.could_not_load)}{error.to_string()}
        </p>
    }
}

/// The mark of an urgent case (紧急件) in lists and on the case page; nothing for a normal one.
#[component]
pub(crate) fn UrgentMark(priority: hotline_domain::Priority) -> impl IntoView {
    let lang = crate::i18n::use_lang();
    (priority == hotline_domain::Priority::Urgent).then(|| {
        view! {
            <span class="badge urgent" data-testid="urgent-mark">{hotline_domain::Priority::Urgent.label(lang)}</span>
            " "
        }
    })
}

/// Where the page's live connection stands (the agents' desk, the alarm console).
#[component]
pub fn LiveStatus(state: RwSignal<crate::live::LiveState>) -> impl IntoView {
    use crate::live::LiveState;
    let lang = crate::i18n::use_lang();
    view! {
        <span class="live" data-testid="live-status" data-state=move || state.get().code() role="status">
            {move || match state.get() {
                LiveState::Connecting => tr!(lang, agent.live_connecting),
                LiveState::Open => tr!(lang, agent.live_open),
                LiveState::Reconnecting | LiveState::Closed => tr!(lang, agent.live_reconnecting),
            }}
        </span>
    }
}

/// Turns the page's sound cue on (browsers allow sound only after a click, which makes the
/// audio context) and off again; `on` and `off` are its label in either state.
#[component]
pub fn SoundToggle(sound: RwSignal<bool>, on: &'static str, off: &'static str) -> impl IntoView {
    let toggle = move |_| {
        if sound.get_untracked() {
            sound.set(false);
        } else {
            sound.set(crate::live::enable_sound());
        }
    };
    view! {
        <button type="button" class="button secondary" aria-pressed=move || sound.get().to_string()
            on:click=toggle data-testid="sound-toggle">
            {move || if sound.get() { on } else { off }}
        </button>
    }
}
