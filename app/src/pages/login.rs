//! Staff sign-in. A plain form posted to `/auth/login` (works before the page hydrates, and
//! without JavaScript); the server answers with a redirect and the session cookie.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::use_lang;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let failed = move || query.with(|q| q.get("failed").is_some());
    view! {
        <Title text=lang.pick("工作人员登录", "Staff sign-in") />
        <section class="panel narrow">
            <h1>{lang.pick("工作人员登录", "Staff sign-in")}</h1>
            <p class="lead">
                {lang.pick(
                    "坐席、值班长、联动部门、加盟企业、养老坐席与管理员在此登录。市民求助无需登录。",
                    "For agents, shift leads, departments, vendors, care coordinators and administrators. Citizens need no account.",
                )}
            </p>
            <p class="alert" role="alert" data-testid="login-failed" hidden=move || !failed()>
                {lang.pick(
                    "登录失败：用户名或密码错误，或账户因多次失败已被暂时锁定。",
                    "Sign-in failed: wrong user name or password, or the account is locked for a while after repeated failures.",
                )}
            </p>
            <form method="post" action="/auth/login" class="stack" data-testid="login-form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="l-username">{lang.pick("用户名", "User name")}</label>
                    <input id="l-username" name="username" autocomplete="username" required
                        autocapitalize="none" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="l-password">{lang.pick("密码", "Password")}</label>
                    <input id="l-password" name="password" type="password" autocomplete="current-password" required />
                </div>
                <button type="submit" class="button">{lang.pick("登录", "Sign in")}</button>
            </form>
        </section>
    }
}
