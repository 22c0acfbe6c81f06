//! The citizen portal's online help request (SPEC P1). Large type, one column, every field
//! labelled and its error announced to screen readers (P6).

use hotline_domain::{Category, FieldErrors, NewRequestInput, TrackingNumber};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{load_form_choices, FileRequest, FormOutcome, PostedRequest};
use crate::i18n::{tr, use_lang};

/// The portal's home: how to reach the centre by phone, the emergency numbers, and the
/// online form; after filing, `/?filed=<number>` shows the confirmation (the same page with
/// or without JavaScript, and one a citizen can reload or bookmark).
#[component]
pub fn RequestPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filed = Memo::new(move |_| {
        query
            .with(|q| q.get("filed"))
            .and_then(|raw| TrackingNumber::parse(&raw))
            .map(|number| number.to_string())
    });

    view! {
        <Title text=tr!(lang, portal.form_title) />
        <section class="panel portal">
            {move || match filed.get() {
                Some(number) => view! { <Filed number /> }.into_any(),
                None => view! { <RequestIntro /> }.into_any(),
            }}
        </section>
    }
}

/// The form with what comes before it: the phone line and the emergency numbers, for those
/// who would rather call or should not be here at all.
#[component]
fn RequestIntro() -> impl IntoView {
    let lang = use_lang();
    // A form posted before the page was interactive comes back with what was typed and what
    // to fix (`POST /`); the browser adopts the same values when it hydrates.
    let posted = SharedValue::new(use_context::<PostedRequest>).into_inner();
    let choices = Resource::new(|| (), |_| load_form_choices());
    view! {
        <h1>{tr!(lang, portal.form_title)}</h1>
        <div class="reach-us">
            <a class="button call" href="tel:12345" data-testid="call-12345">
                <span aria-hidden="true">"☎ "</span>{tr!(lang, portal.call_12345)}
            </a>
            <p class="call-note">{tr!(lang, portal.call_note)}</p>
        </div>
        <p class="emergency" data-testid="emergency">
            <strong>{tr!(lang, portal.emergency_title)}</strong>" "
            <a href="tel:110">{tr!(lang, portal.police)}</a>" · "
            <a href="tel:119">{tr!(lang, portal.fire)}</a>" · "
            <a href="tel:120">{tr!(lang, portal.ambulance)}</a>
            <span class="emergency-note">{tr!(lang, portal.emergency_note)}</span>
        </p>
        <p class="lead">{tr!(lang, portal.form_intro)}</p>
        <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
            {move || {
                let posted = posted.clone();
                Suspend::new(async move {
                    match choices.await {
                        Ok(choices) => view! { <RequestForm choices posted /> }.into_any(),
                        Err(_) => view! { <p class="alert" role="alert">{tr!(lang, portal.service_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The confirmation: the number large enough to read and note down, a way to copy it, to
/// track it, and to file another.
#[component]
fn Filed(number: String) -> impl IntoView {
    let lang = use_lang();
    let copied = RwSignal::new(None::<bool>);
    // Copying needs the page's script: the button appears once the page is interactive.
    let scripted = RwSignal::new(false);
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        scripted.set(true);
        // Screen-reader and keyboard users start from the news.
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let to_copy = number.clone();
    let copy = move |_| copied.set(Some(copy_text(&to_copy)));
    let track = format!("/track?n={number}");
    view! {
        <div class="filed" role="status" data-testid="filed">
            <h2 node_ref=heading tabindex="-1">{tr!(lang, portal.filed_title)}</h2>
            <p class="filed-label" id="filed-label">{tr!(lang, portal.filed_number_label)}</p>
            <p class="tracking-number" data-testid="tracking-number" aria-describedby="filed-label">{number}</p>
            <p class="filed-actions">
                <button type="button" class="button secondary" data-testid="copy-number"
                    hidden=move || !scripted.get() on:click=copy>
                    {move || match copied.get() {
                        Some(true) => tr!(lang, portal.copied),
                        _ => tr!(lang, portal.copy_number),
                    }}
                </button>
                <a class="button primary" href=track data-testid="track-it">{tr!(lang, portal.track_it)}</a>
            </p>
            <p class="field-error" aria-live="polite">
                {move || (copied.get() == Some(false)).then(|| tr!(lang, portal.copy_failed))}
            </p>
            <p>{tr!(lang, portal.filed_note)}</p>
            <p><a href="/" data-testid="file-another">{tr!(lang, portal.file_another)}</a></p>
        </div>
    }
}

/// Puts `text` on the clipboard (only pages served over HTTPS or from this machine may);
/// false when the browser refuses.
fn copy_text(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let get = |target: &wasm_bindgen::JsValue, name: &str| {
        js_sys::Reflect::get(target, &wasm_bindgen::JsValue::from_str(name)).ok()
    };
    let Some(navigator) = get(&window().into(), "navigator") else {
        return false;
    };
    let Some(clipboard) = get(&navigator, "clipboard").filter(|c| !c.is_undefined()) else {
        return false;
    };
    let Some(write) =
        get(&clipboard, "writeText").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    write.call1(&clipboard, &text.into()).is_ok()
}

/// Reads the form's current values into the same input type the server validates.
fn read_form(form: &web_sys::HtmlFormElement) -> Option<NewRequestInput> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let get = |name: &str| data.get(name).as_string().unwrap_or_default();
    Some(NewRequestInput {
        category: get("category"),
        content: get("content"),
        contact_name: get("contact_name"),
        phone: get("phone"),
        district: get("district"),
        address: get("address"),
        anonymous: data.has("anonymous"),
        lon: hotline_domain::coordinate_field(&get("lon")),
        lat: hotline_domain::coordinate_field(&get("lat")),
    })
}

/// Marks the option whose value is `value` as chosen in ready `<option>` HTML (a value
/// carrying markup is not looked for: no option has one).
fn preselect(options: &str, value: &str) -> String {
    if value.is_empty() || value.contains(['"', '<', '>', '&', '\'']) {
        return options.to_string();
    }
    let needle = format!("value=\"{value}\"");
    options.replacen(&needle, &format!("{needle} selected"), 1)
}

#[component]
fn RequestForm(choices: crate::api::FormChoices, posted: Option<PostedRequest>) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<FileRequest>::new();
    let (typed, posted_errors, posted_failed) = match posted {
        Some(p) => (p.input, p.errors, p.failed),
        None => (NewRequestInput::default(), FieldErrors::new(), false),
    };
    let errors = RwSignal::new(posted_errors);
    let failed = RwSignal::new(posted_failed);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let navigate = use_navigate();

    // The server has the last word: its field errors replace the browser's. Once filed,
    // the confirmation has its own address (`/?filed=…`), as it has without JavaScript.
    Effect::new(move |_| match action.value().get() {
        Some(Ok(FormOutcome::Done(request))) => {
            errors.set(FieldErrors::new());
            failed.set(false);
            navigate(
                &format!("/?filed={}", request.tracking_number),
                Default::default(),
            );
        }
        Some(Ok(FormOutcome::Invalid(problems))) => {
            failed.set(false);
            errors.set(problems);
            focus_first_error();
        }
        Some(Err(_) | Ok(FormOutcome::Refused(_))) => failed.set(true),
        None => {}
    });
    // A form that came back from the server opens on its first field to fix.
    Effect::new(move |_| {
        if errors.with_untracked(|e| !e.is_empty()) {
            focus_first_error();
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = form_ref.get() else { return };
        let Some(input) = read_form(&form) else {
            return;
        };
        // The same check the server makes, so most mistakes are shown without a round trip.
        if let Err(problems) = input.validate() {
            errors.set(problems);
            focus_first_error();
            return;
        }
        errors.set(FieldErrors::new());
        action.dispatch(FileRequest {
            category: Some(input.category),
            content: Some(input.content),
            contact_name: Some(input.contact_name),
            phone: Some(input.phone),
            district: Some(input.district),
            address: Some(input.address),
            anonymous: input.anonymous.then(|| "on".to_string()),
            lon: input.lon.map(|v| v.to_string()),
            lat: input.lat.map(|v| v.to_string()),
        });
    };

    let error_of =
        move |field: &'static str| move || errors.with(|e| e.get(field).map(|p| p.message(lang)));
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.get(field).is_some()).to_string();
    let pending = action.pending();
    let point = RwSignal::new(hotline_domain::Coordinates::from_columns(
        typed.lon, typed.lat,
    ));
    let categories = preselect(&choices.categories, typed.category.trim());
    let districts = preselect(&choices.districts, typed.district.trim());

    view! {
            // Without JavaScript the form posts to the page itself (`POST /`): filed, the
            // browser is sent to the confirmation; refused, the page comes back as typed.
            <form
                node_ref=form_ref
                method="post"
                action="/"
                class="request-form"
                novalidate
                data-testid="request-form"
                on:submit=on_submit
            >
                <p class="alert" role="alert" hidden=move || errors.with(FieldErrors::is_empty) data-testid="form-errors">
                    {tr!(lang, portal.form_has_errors)}
                </p>
                <p class="alert" role="alert" hidden=move || !failed.get() data-testid="form-failed">{tr!(lang, portal.service_unavailable)}</p>

                <div class="field">
                    <label for="f-category">{tr!(lang, portal.field_category)}<span class="required" aria-hidden="true">"*"</span></label>
                    // The options come as HTML from the server (`FormChoices`).
                    <select id="f-category" name="category" required
                        aria-invalid=invalid("category") aria-describedby="e-category"
                        inner_html=categories>
                    </select>
                    <FieldError id="e-category" field="category" message=error_of("category") />
                </div>

                <div class="field">
                    <label for="f-content">{tr!(lang, portal.field_content)}<span class="required" aria-hidden="true">"*"</span></label>
                    <p class="hint" id="h-content">{tr!(lang, portal.content_hint)}</p>
                    <textarea id="f-content" name="content" rows="6" required
                        aria-invalid=invalid("content") aria-describedby="h-content e-content">{typed.content}</textarea>
                    <FieldError id="e-content" field="content" message=error_of("content") />
                </div>

                <div class="field-row">
                    <div class="field">
                        <label for="f-district">{tr!(lang, portal.field_district)}</label>
                        <select id="f-district" name="district"
                            aria-invalid=invalid("district") aria-describedby="e-district"
                            inner_html=districts>
                        </select>
                        <FieldError id="e-district" field="district" message=error_of("district") />
                    </div>
                    <div class="field grow">
                        <label for="f-address">{tr!(lang, portal.field_address)}</label>
                        <input id="f-address" name="address" type="text" autocomplete="street-address"
                            value=typed.address
                            aria-invalid=invalid("address") aria-describedby="h-address e-address" />
                        <p class="hint" id="h-address">{tr!(lang, portal.address_hint)}</p>
                        <FieldError id="e-address" field="address" message=error_of("address") />
                    </div>
                </div>
                <crate::pages::pin::PlacePicker point=point />
                <FieldError id="e-lon" field="lon" message=error_of("lon") />

                <div class="field-row">
                    <div class="field">
                        <label for="f-contact_name">{tr!(lang, portal.field_contact_name)}<span class="required" aria-hidden="true">"*"</span></label>
                        <input id="f-contact_name" name="contact_name" type="text" autocomplete="name"
                            value=typed.contact_name
                            aria-invalid=invalid("contact_name") aria-describedby="h-contact_name e-contact_name" />
                        <p class="hint" id="h-contact_name">{tr!(lang, portal.contact_name_hint)}</p>
                        <FieldError id="e-contact_name" field="contact_name" message=error_of("contact_name") />
                    </div>
                    <div class="field">
                        <label for="f-phone">{tr!(lang, portal.field_phone)}<span class="required" aria-hidden="true">"*"</span></label>
                        <input id="f-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required
                            value=typed.phone
                            aria-invalid=invalid("phone") aria-describedby="h-phone e-phone" />
                        <p class="hint" id="h-phone">{tr!(lang, portal.phone_hint)}</p>
                        <FieldError id="e-phone" field="phone" message=error_of("phone") />
                    </div>
                </div>

                <div class="field checkbox">
                    <input id="f-anonymous" name="anonymous" type="checkbox" aria-describedby="h-anonymous"
                        checked=typed.anonymous />
                    <label for="f-anonymous">{tr!(lang, portal.field_anonymous)}</label>
                    <p class="hint" id="h-anonymous">{tr!(lang, portal.anonymous_hint)}</p>
                </div>

                <button type="submit" class="button primary" disabled=move || pending.get() data-testid="submit">
                    {move || if pending.get() { tr!(lang, portal.submitting) } else { tr!(lang, portal.submit) }}
                </button>
            </form>
    }
}

#[component]
fn FieldError(
    id: &'static str,
    field: &'static str,
    message: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <p class="field-error" id=id data-testid=format!("error-{field}") aria-live="polite">
            {message}
        </p>
    }
}

/// Majors with their minor categories, in catalogue order.
#[cfg(feature = "ssr")]
pub(crate) fn category_groups(categories: &[Category]) -> Vec<(Category, Vec<Category>)> {
    categories
        .iter()
        .filter(|c| c.level == 1)
        .map(|major| {
            let minors = categories
                .iter()
                .filter(|c| c.level == 2 && c.parent_code.as_deref() == Some(major.code.as_str()))
                .cloned()
                .collect();
            (major.clone(), minors)
        })
        .collect()
}

/// The catalogue as agents pick from it: each major category with its minor categories
/// and their sub-categories (a gas leak, not only "gas"), urgent ones marked.
pub(crate) fn staff_category_groups(
    categories: &[Category],
    lang: hotline_domain::Lang,
) -> Vec<(String, Vec<(String, String)>)> {
    categories
        .iter()
        .filter(|c| c.level == 1)
        .map(|major| {
            let options = categories
                .iter()
                .filter(|c| (2..=3).contains(&c.level) && c.code.starts_with(&major.code))
                .map(|c| {
                    let indent = if c.level == 3 { "\u{3000}· " } else { "" };
                    let urgent = if c.urgent {
                        format!("（{}）", hotline_domain::Priority::Urgent.label(lang))
                    } else {
                        String::new()
                    };
                    (c.code.clone(), format!("{indent}{}{urgent}", c.name(lang)))
                })
                .collect();
            (major.name(lang).to_string(), options)
        })
        .collect()
}

/// Moves keyboard focus to the first field marked invalid, so keyboard and screen-reader
/// users land on what to fix.
fn focus_first_error() {
    request_animation_frame(|| {
        if let Ok(Some(el)) = document().query_selector("[aria-invalid=\"true\"]") {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}
