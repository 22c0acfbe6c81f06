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
    form_saved(value, errors, |()| {})
}

/// The outcome of a save action as the status line shows it; keeps `errors` in step and
/// hands what was saved to `done` (reload the record, open the new one).
pub fn form_saved<T: Clone + Send + Sync + 'static>(
    value: impl Fn() -> Option<Result<FormOutcome<T>, ServerFnError>> + Copy + Send + Sync + 'static,
    errors: RwSignal<FieldErrors>,
    done: impl Fn(T) + Send + Sync + 'static,
) -> Signal<Option<Result<bool, String>>> {
    Effect::new(move |_| match value() {
        Some(Ok(FormOutcome::Invalid(e))) => errors.set(e),
        Some(Ok(FormOutcome::Done(saved))) => {
            errors.set(FieldErrors::new());
            done(saved);
        }
        Some(_) => errors.set(FieldErrors::new()),
        None => {}
    });
    Signal::derive(move || match value() {
        Some(Ok(FormOutcome::Done(_))) => Some(Ok(true)),
        Some(Ok(FormOutcome::Invalid(_))) => Some(Ok(false)),
        Some(Ok(FormOutcome::Refused(m))) => Some(Err(m)),
        Some(Err(e)) => Some(Err(e.to_string())),
        None => None,
    })
}

/// What a registry form does once a record is saved: reload the record it is on, or open
/// the new record at `{path}/{id}`.
pub(crate) fn reload_or_open(
    reload: Option<RwSignal<u32>>,
    path: &'static str,
) -> impl Fn(i64) + Copy + Send + Sync + 'static {
    move |id| match reload {
        Some(reload) => reload.update(|n| *n += 1),
        None => leptos_router::hooks::use_navigate()(&format!("{path}/{id}"), Default::default()),
    }
}

/// The same search on another page: `path?page=N` and the search's keys that are set.
pub(crate) fn search_page_href(
    path: &str,
    page: u32,
    query: &leptos_router::params::ParamsMap,
    keys: &[&str],
) -> String {
    with_search(format!("{path}?page={page}"), query, keys)
}

/// `href` (which has its `?` already) followed by the search's keys that are set.
pub(crate) fn with_search(
    mut href: String,
    query: &leptos_router::params::ParamsMap,
    keys: &[&str],
) -> String {
    for key in keys {
        if let Some(v) = query.get(key).filter(|v| !v.is_empty()) {
            href.push_str(&format!("&{key}={}", encode_query_value(&v)));
        }
    }
    href
}

/// A list's whole search as a file, CSV or Excel (`href` of the format code), with what
/// the export takes in; `testid` names the list (`{testid}-export-csv`).
pub(crate) fn export_links(
    lang: Lang,
    testid: &'static str,
    href: impl Fn(&'static str) -> String + Copy + Send + Sync + 'static,
    note: &'static str,
) -> impl IntoView {
    view! {
        <p class="actions" data-testid=format!("{testid}-export")>
            <a class="button secondary" rel="external" download="" href=move || href("csv")
                data-testid=format!("{testid}-export-csv")>{tr!(lang, care.export_csv)}</a>
            <a class="button secondary" rel="external" download="" href=move || href("xlsx")
                data-testid=format!("{testid}-export-xlsx")>{tr!(lang, care.export_xlsx)}</a>
            <span class="muted">{note}</span>
        </p>
    }
}

/// What a list's search answered: the list, the search's fields to fix (named by `label`),
/// or why not.
pub(crate) fn list_outcome<T>(
    lang: Lang,
    prefix: &'static str,
    result: Result<FormOutcome<T>, ServerFnError>,
    label: impl Fn(&str) -> String,
    list: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match result {
        Err(e) => view! { <LoadError error=e /> }.into_any(),
        Ok(FormOutcome::Invalid(errors)) => view! {
            <p class="alert" role="alert" data-testid=format!("{prefix}-invalid")>
                {errors.messages(lang).into_iter().map(|(f, m)| {
                    let text = format!("{}：{m} ", label(&f));
                    view! { <span data-field=f>{text}</span> }
                }).collect_view()}
            </p>
        }
        .into_any(),
        Ok(FormOutcome::Refused(message)) => view! {
            <p class="alert" role="alert">{message}</p>
        }
        .into_any(),
        Ok(FormOutcome::Done(found)) => list(found),
    }
}

/// How a list page is told: its count line, what it says when empty, its pages.
pub(crate) struct ListPage {
    pub prefix: &'static str,
    pub summary: String,
    pub none_found: &'static str,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
}

/// One page of a list: how many were found, the table (none: "none found") and the links
/// to the pages either side.
pub(crate) fn list_page(
    lang: Lang,
    list: ListPage,
    table: Option<AnyView>,
    page_href: impl Fn(u32) -> String,
) -> impl IntoView {
    let ListPage {
        prefix,
        summary,
        none_found,
        total,
        page,
        pages,
    } = list;
    let previous = (page > 1).then(|| page_href(page - 1));
    let next = (page < pages).then(|| page_href(page + 1));
    view! {
        <p class="muted" role="status" data-testid=format!("{prefix}-total") data-total=total.to_string()>{summary}</p>
        {match table {
            None => leptos::either::Either::Left(view! { <p>{none_found}</p> }),
            Some(table) => leptos::either::Either::Right(view! { <div class="table-scroll">{table}</div> }),
        }}
        <nav class="pager" aria-label=tr!(lang, care.pages)>
            {previous.map(|href| view! { <a href=href rel="prev" data-testid=format!("{prefix}-previous")>{tr!(lang, care.previous)}</a> })}
            {next.map(|href| view! { <a href=href rel="next" data-testid=format!("{prefix}-next")>{tr!(lang, care.next)}</a> })}
        </nav>
    }
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

/// What a list row does when clicked: opens its record (`href`), as its link in the first
/// cell does. Clicks on the row's own links and controls, and a click that ends a text
/// selection, are left alone; Ctrl/⌘-click opens a new tab. Keyboards and screen readers
/// use the link itself.
pub(crate) fn row_opens(href: String) -> impl Fn(leptos::ev::MouseEvent) + Clone + 'static {
    let navigate = leptos_router::hooks::use_navigate();
    move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let on_control = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| {
                el.closest("a, button, input, select, textarea, label, summary")
                    .ok()
                    .flatten()
            })
            .is_some();
        let Some(window) = web_sys::window() else {
            return;
        };
        let selecting = window
            .get_selection()
            .ok()
            .flatten()
            .is_some_and(|s| !s.is_collapsed());
        if on_control || selecting || ev.button() != 0 {
            return;
        }
        if ev.ctrl_key() || ev.meta_key() {
            let _ = window.open_with_url_and_target(&href, "_blank");
        } else {
            navigate(&href, Default::default());
        }
    }
}
