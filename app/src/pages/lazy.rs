//! The back office's pages, each loaded as its own WASM chunk on first use (issue 13): a
//! citizen's phone downloads the portal (the request form, tracking, the knowledge base,
//! sign-in, all in the main bundle) and not the case desk, the registries or the admin
//! forms.
//!
//! The portal's pages stay in the main bundle on purpose. Made lazy too, they measured
//! worse: the code they share with each other and with the staff pages was cut into many
//! small chunks, and the request form then loaded 392 KiB of WASM (brotli) in 150 requests
//! against 371 KiB in one. The staff part of the header (its links, the notice bell) as a
//! `#[lazy]` function saved 13 KB of gzip and stopped the staff pages' live connection from
//! opening; it stays in the main bundle until that is understood.
//!
//! Each page becomes a `LazyRoute` whose view is a `#[lazy]` function; `cargo leptos build
//! --split` cuts those into `split_*.wasm` files (shared code into `chunk_*.wasm`), and the
//! server names the chunks a page needs in `<link rel="preload">` tags so a full page load
//! fetches them beside the main bundle. The server renders them like any page.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Wraps a lazy page so the browser can tell when it is interactive. The page's chunk is
/// fetched and hydrated after the rest of the app, so `App` leaves `data-hydrated` off the
/// body while a `[data-route="lazy"]` element is in the server's HTML, and this sets it once
/// the page itself has hydrated; a click before that would be lost. Its class
/// (`display: contents`, in the style sheet: the page's CSP allows no inline style) keeps
/// the wrapper out of the layout.
#[component]
fn LazyPage(children: Children) -> impl IntoView {
    Effect::new(|_| crate::mark_hydrated());
    view! { <div class="lazy-route" data-route="lazy">{children()}</div> }
}

macro_rules! lazy_pages {
    ($($route:ident => $($page:ident)::+;)+) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                use crate::pages::$($page)::+ as Page;
                view! { <LazyPage><Page /></LazyPage> }.into_any()
            }
        }
    )+};
}

lazy_pages! {
    NewRequestsRoute => agent::NewRequestsPage;
    CasesRoute => cases::CasesPage;
    CaseRoute => cases::CasePage;
    HandoverRoute => desk::HandoverPage;
    NoticesRoute => notices::NoticesPage;
    KnowledgeWriteRoute => knowledge::WritePage;
    ArticleRoute => knowledge::ArticlePage;
    AlarmConsoleRoute => alarms::AlarmConsolePage;
    AlarmFiguresRoute => alarms::AlarmFiguresPage;
    ElderlyRoute => care::ElderlyPage;
    NewElderlyRoute => care::NewElderlyPage;
    ElderlyRecordRoute => care::ElderlyRecordPage;
    UsersRoute => admin::UsersPage;
    RolesRoute => admin::RolesPage;
    DepartmentsRoute => admin::DepartmentsPage;
    CodesRoute => admin::CodesPage;
    CalendarRoute => calendar::CalendarPage;
    AuditRoute => admin::AuditPage;
    SmsRoute => admin::SmsPage;
    ApiKeysRoute => admin::ApiKeysPage;
    MapRoute => map::MapPage;
    VendorsRoute => vendors::VendorsPage;
    NewVendorRoute => vendors::NewVendorPage;
    VendorRoute => vendors::VendorRecordPage;
    ProvidersRoute => providers::ProvidersPage;
    NewProviderRoute => providers::NewProviderPage;
    ProviderRoute => providers::ProviderRecordPage;
    ClientsRoute => clients::ClientsPage;
    NewClientRoute => clients::NewClientPage;
    ClientRoute => clients::ClientRecordPage;
}
