//! The Leptos UI: the citizen portal and the back office, rendered on the server and
//! hydrated in the browser. Components call server functions (`api`), never SQL.

pub mod api;
pub mod i18n;
mod live;
mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path,
};

use crate::i18n::{request_lang, texts, use_texts};

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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = request_lang();
    provide_context(lang);
    let t = texts(lang);

    // Marks the page as interactive once hydrated: browser tests wait for it, and a page
    // that rendered but failed to hydrate never gets it.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Html attr:lang=lang.code() />
        <Stylesheet id="leptos" href="/pkg/hotline.css" />
        <Title formatter=move |page: String| {
            if page.is_empty() { t.site_name.to_string() } else { format!("{page} · {}", t.site_name) }
        } />
        <Router>
            <a class="skip-link" href="#main">{t.skip_to_content}</a>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=pages::portal::RequestPage />
                    <Route path=path!("/agent/requests") view=pages::agent::NewRequestsPage />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let t = use_texts();
    view! {
        <header class="site-header">
            <div class="brand">
                <span class="brand-number" aria-hidden="true">"12345"</span>
                <div>
                    <div class="brand-name">{t.site_name}</div>
                    <div class="brand-tagline">{t.site_tagline}</div>
                </div>
            </div>
            <nav aria-label="main">
                <A href="/">{t.nav_portal}</A>
                <A href="/agent/requests">{t.nav_agent}</A>
                <a href=t.switch_language_href rel="external nofollow" data-testid="switch-language">
                    {t.switch_language}
                </a>
            </nav>
        </header>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_texts();
    view! {
        <Title text=t.not_found />
        <section class="panel">
            <h1>{t.not_found}</h1>
        </section>
    }
}
