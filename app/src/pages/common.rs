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
