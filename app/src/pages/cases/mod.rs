//! Case lists and case pages for everyone with a case scope: the centre sees all cases,
//! department staff their department's, a vendor its own orders (the server decides). Phone
//! numbers are masked; the full number is one audited click away for those allowed.
//!
//! The case page offers exactly the steps the state machine allows this reader now (the
//! server computes them); each step is a small keyboard-friendly form.

mod lead;
mod list;
mod page;
mod steps;

pub use list::CasesPage;
pub use page::CasePage;

use hotline_domain::{Lang, Light, StaffUser};
use leptos::prelude::*;

use crate::i18n::{tr, use_lang};

fn title_for(user: Option<&StaffUser>, lang: Lang) -> &'static str {
    match user.map(|u| u.role) {
        Some(hotline_domain::Role::Department) => tr!(lang, common.department_cases),
        Some(hotline_domain::Role::Vendor) => tr!(lang, common.our_orders),
        _ => tr!(lang, common.cases),
    }
}

/// The coloured dot of a traffic light, with its name for screen readers.
#[component]
fn LightBadge(light: Option<Light>) -> impl IntoView {
    let lang = use_lang();
    light.map(|l| {
        view! {
            <span class=format!("light light-{}", l.as_code()) data-testid="light" title=l.label(lang)>
                <span class="dot" aria-hidden="true"></span>
                {l.label(lang)}
            </span>
        }
    })
}
