//! The citizen portal's online help request (SPEC P1). Large type, one column, every field
//! labelled and its error announced to screen readers (P6).

use hotline_domain::{Category, FieldErrors, NewRequestInput};
use leptos::prelude::*;
use leptos_meta::Title;

use leptos::server_fn::ServerFn;

use crate::api::{load_form_choices, FileRequest, FormChoices, FormOutcome};
use crate::i18n::{tr, use_lang};

#[component]
pub fn RequestPage() -> impl IntoView {
    let lang = use_lang();
    let choices = Resource::new(|| (), |_| load_form_choices());

    view! {
        <Title text=tr!(lang, portal.form_title) />
        <section class="panel portal">
            <h1>{tr!(lang, portal.form_title)}</h1>
            <p class="lead">{tr!(lang, portal.form_intro)}</p>
            <Suspense fallback=move || view! { <p>{tr!(lang, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Ok(choices) => view! { <RequestForm choices /> }.into_any(),
                        Err(_) => view! { <p class="alert" role="alert">{tr!(lang, portal.service_unavailable)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
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
    })
}

#[component]
fn RequestForm(choices: FormChoices) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<FileRequest>::new();
    let errors = RwSignal::new(FieldErrors::new());
    let filed = RwSignal::new(None::<hotline_domain::FiledRequest>);
    let failed = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();

    // The server has the last word: its field errors replace the browser's.
    Effect::new(move |_| match action.value().get() {
        Some(Ok(FormOutcome::Done(request))) => {
            errors.set(FieldErrors::new());
            failed.set(false);
            filed.set(Some(request));
        }
        Some(Ok(FormOutcome::Invalid(problems))) => {
            failed.set(false);
            errors.set(problems);
        }
        Some(Err(_) | Ok(FormOutcome::Refused(_))) => failed.set(true),
        None => {}
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
        });
    };

    let error_of =
        move |field: &'static str| move || errors.with(|e| e.get(field).map(|p| p.message(lang)));
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.get(field).is_some()).to_string();
    let pending = action.pending();

    let reset = move |_| {
        filed.set(None);
        action.value().set(None);
        if let Some(form) = form_ref.get() {
            form.reset();
        }
    };

    view! {
        <div class="filed" role="status" aria-live="polite" data-testid="filed"
            hidden=move || filed.with(Option::is_none)>
            {move || filed.with(|f| f.as_ref().map(|f| {
                let number = f.tracking_number.to_string();
                view! {
                    <h2>{tr!(lang, portal.filed_title)}</h2>
                    <p class="filed-label">{tr!(lang, portal.filed_number_label)}</p>
                    <p class="tracking-number" data-testid="tracking-number">{number}</p>
                    <p>{tr!(lang, portal.filed_note)}</p>
                }
            }))}
            <button type="button" class="button secondary" on:click=reset>{tr!(lang, portal.file_another)}</button>
        </div>
            <form
                node_ref=form_ref
                method="post"
                action=FileRequest::url()
                class="request-form"
                novalidate
                data-testid="request-form"
                on:submit=on_submit
                hidden=move || filed.with(Option::is_some)
            >
                <p class="alert" role="alert" hidden=move || errors.with(FieldErrors::is_empty) data-testid="form-errors">
                    {tr!(lang, portal.form_has_errors)}
                </p>
                <p class="alert" role="alert" hidden=move || !failed.get()>{tr!(lang, portal.service_unavailable)}</p>

                <div class="field">
                    <label for="f-category">{tr!(lang, portal.field_category)}<span class="required" aria-hidden="true">"*"</span></label>
                    // The options come as HTML from the server (`FormChoices`).
                    <select id="f-category" name="category" required
                        aria-invalid=invalid("category") aria-describedby="e-category"
                        inner_html=choices.categories>
                    </select>
                    <FieldError id="e-category" field="category" message=error_of("category") />
                </div>

                <div class="field">
                    <label for="f-content">{tr!(lang, portal.field_content)}<span class="required" aria-hidden="true">"*"</span></label>
                    <p class="hint" id="h-content">{tr!(lang, portal.content_hint)}</p>
                    <textarea id="f-content" name="content" rows="6" required
                        aria-invalid=invalid("content") aria-describedby="h-content e-content"></textarea>
                    <FieldError id="e-content" field="content" message=error_of("content") />
                </div>

                <div class="field-row">
                    <div class="field">
                        <label for="f-district">{tr!(lang, portal.field_district)}</label>
                        <select id="f-district" name="district"
                            aria-invalid=invalid("district") aria-describedby="e-district"
                            inner_html=choices.districts>
                        </select>
                        <FieldError id="e-district" field="district" message=error_of("district") />
                    </div>
                    <div class="field grow">
                        <label for="f-address">{tr!(lang, portal.field_address)}</label>
                        <input id="f-address" name="address" type="text" autocomplete="street-address"
                            aria-invalid=invalid("address") aria-describedby="h-address e-address" />
                        <p class="hint" id="h-address">{tr!(lang, portal.address_hint)}</p>
                        <FieldError id="e-address" field="address" message=error_of("address") />
                    </div>
                </div>

                <div class="field-row">
                    <div class="field">
                        <label for="f-contact_name">{tr!(lang, portal.field_contact_name)}</label>
                        <input id="f-contact_name" name="contact_name" type="text" autocomplete="name"
                            aria-invalid=invalid("contact_name") aria-describedby="e-contact_name" />
                        <FieldError id="e-contact_name" field="contact_name" message=error_of("contact_name") />
                    </div>
                    <div class="field">
                        <label for="f-phone">{tr!(lang, portal.field_phone)}<span class="required" aria-hidden="true">"*"</span></label>
                        <input id="f-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required
                            aria-invalid=invalid("phone") aria-describedby="h-phone e-phone" />
                        <p class="hint" id="h-phone">{tr!(lang, portal.phone_hint)}</p>
                        <FieldError id="e-phone" field="phone" message=error_of("phone") />
                    </div>
                </div>

                <div class="field checkbox">
                    <input id="f-anonymous" name="anonymous" type="checkbox" aria-describedby="h-anonymous" />
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
