//! The Leptos UI: the citizen portal and the back office, rendered on the server and
//! hydrated in the browser. Components call server functions (`api`), never SQL.
// The case page's step forms make deep view types; the hydrate build needs more room to lay
// them out (as the frontend crate does).
#![recursion_limit = "256"]

pub mod api;
pub mod i18n;
mod live;
mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Html, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path, Lazy, SsrMode,
};

use hotline_domain::{Lang, Permission, Role, StaffUser};

use crate::i18n::{request_lang, tr, use_lang};
use crate::pages::lazy;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    send_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // `hotline.<hash>.css` in a release build (cargo-leptos `hash-files`).
                <HashedStylesheet id="leptos" options=options.clone() />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The policy for pages: scripts only from this site or carrying this response's nonce
/// (the inline hydration bootstrap and streamed resource data), WASM allowed to compile,
/// no framing, forms and connections only to this site.
pub fn page_content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// leptos_axum makes a fresh nonce for every response and puts it on the scripts it writes;
/// the header is set here, while the shell renders, before any of the body is sent.
#[cfg(feature = "ssr")]
fn send_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) =
        http::HeaderValue::from_str(&page_content_security_policy(&nonce.to_string()))
    {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Sets `data-hydrated` on the body: the page is interactive.
pub(crate) fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = request_lang();
    provide_context(lang);
    // Who is signed in decides the navigation; loaded once per page load (signing in and
    // out are full page loads).
    let user = Resource::new(|| (), |_| api::current_user());
    provide_context(CurrentUserResource(user));
    provide_context(pages::notices::NoticeVersion(RwSignal::new(0)));

    // Marks the page as interactive once hydrated: browser tests wait for it, and a page
    // that rendered but failed to hydrate never gets it. A lazy page (its own chunk) marks
    // it itself once hydrated (`pages::lazy`).
    Effect::new(|_| {
        let lazy = document()
            .query_selector("[data-route=\"lazy\"]")
            .ok()
            .flatten()
            .is_some();
        if !lazy {
            mark_hydrated();
        }
    });

    view! {
        <Html attr:lang=lang.code() />
        <Title formatter=move |page: String| {
            if page.is_empty() { tr!(lang, site.name).to_string() } else { format!("{page} · {}", tr!(lang, site.name)) }
        } />
        <Router>
            <a class="skip-link" href="#main">{tr!(lang, site.skip_to_content)}</a>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    // The portal's pages stream in order: each page's content arrives as HTML
                    // in its place, so it reads and works before (or without) the WASM; out
                    // of order, what a resource fills in is moved there by a script.
                    <Route path=path!("/") view=pages::portal::RequestPage ssr=SsrMode::InOrder />
                    <Route path=path!("/track") view=pages::track::TrackPage ssr=SsrMode::InOrder />
                    <Route path=path!("/login") view=pages::login::LoginPage />
                    <Route path=path!("/agent/requests") view={Lazy::<lazy::NewRequestsRoute>::new()} />
                    <Route path=path!("/cases") view={Lazy::<lazy::CasesRoute>::new()} />
                    <Route path=path!("/cases/:tracking_number") view={Lazy::<lazy::CaseRoute>::new()} />
                    <Route path=path!("/knowledge") view=pages::knowledge::KnowledgePage ssr=SsrMode::InOrder />
                    <Route path=path!("/handover") view={Lazy::<lazy::HandoverRoute>::new()} />
                    <Route path=path!("/notices") view={Lazy::<lazy::NoticesRoute>::new()} />
                    <Route path=path!("/knowledge/write") view={Lazy::<lazy::KnowledgeWriteRoute>::new()} />
                    <Route path=path!("/knowledge/:id") view={Lazy::<lazy::ArticleRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/care/alarms") view={Lazy::<lazy::AlarmConsoleRoute>::new()} />
                    <Route path=path!("/care/alarms/figures") view={Lazy::<lazy::AlarmFiguresRoute>::new()} />
                    <Route path=path!("/care/elderly") view={Lazy::<lazy::ElderlyRoute>::new()} />
                    <Route path=path!("/care/elderly/new") view={Lazy::<lazy::NewElderlyRoute>::new()} />
                    <Route path=path!("/care/elderly/:id") view={Lazy::<lazy::ElderlyRecordRoute>::new()} />
                    <Route path=path!("/admin/users") view={Lazy::<lazy::UsersRoute>::new()} />
                    <Route path=path!("/admin/roles") view={Lazy::<lazy::RolesRoute>::new()} />
                    <Route path=path!("/admin/departments") view={Lazy::<lazy::DepartmentsRoute>::new()} />
                    <Route path=path!("/admin/codes") view={Lazy::<lazy::CodesRoute>::new()} />
                    <Route path=path!("/admin/calendar") view={Lazy::<lazy::CalendarRoute>::new()} />
                    <Route path=path!("/admin/audit") view={Lazy::<lazy::AuditRoute>::new()} />
                    <Route path=path!("/admin/sms") view={Lazy::<lazy::SmsRoute>::new()} />
                    <Route path=path!("/admin/api-keys") view={Lazy::<lazy::ApiKeysRoute>::new()} />
                    <Route path=path!("/map") view={Lazy::<lazy::MapRoute>::new()} />
                    <Route path=path!("/vendors") view={Lazy::<lazy::VendorsRoute>::new()} />
                    <Route path=path!("/vendors/new") view={Lazy::<lazy::NewVendorRoute>::new()} />
                    <Route path=path!("/vendors/:id") view={Lazy::<lazy::VendorRoute>::new()} />
                    <Route path=path!("/providers") view={Lazy::<lazy::ProvidersRoute>::new()} />
                    <Route path=path!("/providers/new") view={Lazy::<lazy::NewProviderRoute>::new()} />
                    <Route path=path!("/providers/:id") view={Lazy::<lazy::ProviderRoute>::new()} />
                    <Route path=path!("/clients") view={Lazy::<lazy::ClientsRoute>::new()} />
                    <Route path=path!("/clients/new") view={Lazy::<lazy::NewClientRoute>::new()} />
                    <Route path=path!("/clients/:id") view={Lazy::<lazy::ClientRoute>::new()} />
                </Routes>
            </main>
        </Router>
    }
}

#[derive(Clone, Copy)]
struct CurrentUserResource(Resource<Result<Option<StaffUser>, ServerFnError>>);

/// The signed-in staff member, once known (`None` for citizens).
pub fn use_current_user() -> Signal<Option<StaffUser>> {
    let resource = expect_context::<CurrentUserResource>().0;
    Signal::derive(move || resource.get().and_then(Result::ok).flatten())
}

#[component]
fn Header() -> impl IntoView {
    let lang = use_lang();
    let user = expect_context::<CurrentUserResource>().0;
    view! {
        <header class="site-header">
            <div class="brand">
                <span class="brand-number" aria-hidden="true">"12345"</span>
                <div>
                    <div class="brand-name">{tr!(lang, site.name)}</div>
                    <div class="brand-tagline">{tr!(lang, site.tagline)}</div>
                </div>
            </div>
            <nav aria-label="main" data-testid="main-nav">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = user.await.ok().flatten();
                        view! { <NavLinks user lang /> }
                    })}
                </Suspense>
                <a href=tr!(lang, site.switch_language_href) rel="external nofollow" data-testid="switch-language">
                    {tr!(lang, site.switch_language)}
                </a>
            </nav>
        </header>
    }
}

/// The links a person may use: the public ones for citizens, and each staff page only for
/// roles whose permissions reach it (the server refuses the rest anyway).
#[component]
fn NavLinks(user: Option<StaffUser>, lang: Lang) -> impl IntoView {
    let Some(user) = user else {
        return view! {
            <A href="/" attr:data-testid="nav-portal">{tr!(lang, nav.portal)}</A>
            <A href="/track" attr:data-testid="nav-track">{tr!(lang, nav.track)}</A>
            <A href="/knowledge" attr:data-testid="nav-guide">{tr!(lang, common.service_guide)}</A>
            <a href="/login" rel="external" data-testid="nav-login">{tr!(lang, common.staff_sign_in)}</a>
        }
        .into_any();
    };
    let cases_label = match user.role {
        Role::Department => tr!(lang, common.department_cases),
        Role::Vendor => tr!(lang, common.our_orders),
        _ => tr!(lang, common.cases),
    };
    view! {
        {user.can(Permission::Intake).then(|| view! {
            <A href="/agent/requests" attr:data-testid="nav-agent">{tr!(lang, nav.agent)}</A>
        })}
        {user.can(Permission::Intake).then(|| view! {
            <A href="/knowledge" attr:data-testid="nav-knowledge">{tr!(lang, nav.knowledge)}</A>
        })}
        {user.sees_cases().then(|| view! {
            <A href="/cases" attr:data-testid="nav-cases">{cases_label}</A>
        })}
        {user.can(Permission::Approve).then(|| view! {
            <A href="/handover" attr:data-testid="nav-handover">{tr!(lang, nav.handover)}</A>
        })}
        {user.can(Permission::Intake).then(|| view! {
            <A href="/clients" attr:data-testid="nav-clients">{tr!(lang, nav.clients)}</A>
        })}
        {user.sends_help().then(|| view! {
            <A href="/map" attr:data-testid="nav-map">{tr!(lang, nav.map)}</A>
        })}
        {(user.sends_help() || user.can(Permission::ProviderRegistry)).then(|| view! {
            <A href="/vendors" attr:data-testid="nav-vendors">{tr!(lang, nav.vendors)}</A>
        })}
        {hotline_domain::providers::reads_providers(&user).then(|| view! {
            <A href="/providers" attr:data-testid="nav-providers">{tr!(lang, nav.providers)}</A>
        })}
        {hotline_domain::vendors::own_vendor(&user)
            .filter(|_| !user.sends_help() && !user.can(Permission::ProviderRegistry))
            .map(|own| view! {
                <A href=format!("/vendors/{own}") attr:data-testid="nav-my-vendor">{tr!(lang, nav.my_vendor)}</A>
            })}
        {user.can(Permission::Alarms).then(|| view! {
            <A href="/care/alarms" attr:data-testid="nav-alarms">{tr!(lang, nav.alarms)}</A>
        })}
        {user.can(Permission::ElderlyRegistry).then(|| view! {
            <A href="/care/elderly" attr:data-testid="nav-elderly">{tr!(lang, nav.elderly)}</A>
        })}
        {user.can(Permission::Administer).then(|| view! {
            <A href="/admin/users" attr:data-testid="nav-admin">{tr!(lang, common.administration)}</A>
        })}
        {user.can(Permission::AuditLog).then(|| view! {
            <A href="/admin/audit" attr:data-testid="nav-audit">{tr!(lang, common.audit_log)}</A>
        })}
        {user.reads_notices().then(|| view! { <pages::notices::NoticeBell /> })}
        <span class="who" data-testid="signed-in-as">{user.display_name.clone()}" · "{user.role.label(lang)}</span>
        <form method="post" action="/auth/logout" class="inline">
            <button type="submit" class="link-button" data-testid="sign-out">{tr!(lang, nav.sign_out)}</button>
        </form>
    }
    .into_any()
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <Title text=tr!(lang, site.not_found) />
        <section class="panel">
            <h1>{tr!(lang, site.not_found)}</h1>
        </section>
    }
}
