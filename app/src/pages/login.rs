//! Staff sign-in. A plain form posted to `/auth/login` (works before the page hydrates, and
//! without JavaScript); the server answers with a redirect and the session cookie.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::{tr, use_lang};

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let failed = move || query.with(|q| q.get("failed").is_some());
    // A refused sign-in comes back with the name typed, so only the password is typed again.
    let user = query.with_untracked(|q| q.get("user").unwrap_or_default());
    let focus_password = !user.is_empty();
    view! {
        <Title text=tr!(lang, common.staff_sign_in) />
        <section class="panel narrow">
            <h1>{tr!(lang, common.staff_sign_in)}</h1>
            <p class="lead">
                {tr!(lang, login.intro)}
            </p>
            <p class="alert" role="alert" data-testid="login-failed" hidden=move || !failed()>
                {tr!(lang, login.failed)}
            </p>
            <form method="post" action="/auth/login" class="stack" data-testid="login-form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="l-username">{tr!(lang, common.user_name)}</label>
                    <input id="l-username" name="username" type="text" autocomplete="username" required
                        autocapitalize="none" spellcheck="false" value=user autofocus=!focus_password />
                </div>
                <div class="field">
                    <label for="l-password">{tr!(lang, login.password)}</label>
                    <input id="l-password" name="password" type="password" autocomplete="current-password" required
                        autofocus=focus_password />
                </div>
                <button type="submit" class="button primary">{tr!(lang, login.sign_in)}</button>
            </form>
        </section>
    }
}
