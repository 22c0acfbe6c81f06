//! What citizens use without signing in: the form options, filing a request, tracking it;
//! and who is signed in (for the navigation).

// A server function's arguments are its form's fields.
#![allow(clippy::too_many_arguments)]

use hotline_domain::FormOptions;

use super::{FileOutcome, TrackOutcome};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::support::{checked, fail, form, hotline, staff, visitor};

/// The staff forms' choices: the catalogue with its sub-categories.
#[server(prefix = "/api/fn", endpoint = "staff_form_options")]
pub async fn load_staff_form_options() -> Result<FormOptions, ServerFnError> {
    let staff = super::support::staff()?;
    hotline()?
        .staff_form_options(&staff.user)
        .await
        .map_err(fail)
}

/// The portal's request form's two choice lists as ready `<option>` HTML in the reader's
/// language (issue 13). The server renders the lists into the page and the browser adopts
/// them as they are when it hydrates, so the page carries no copy of the catalogue for the
/// browser to build them again; the browser asks for this only when it opens the form
/// without a page load (a link within the site).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormChoices {
    /// The placeholder, then each major category as an `<optgroup>` of its minors.
    pub categories: String,
    /// The placeholder, then the districts.
    pub districts: String,
}

#[server(prefix = "/api/fn", endpoint = "form_choices")]
pub async fn load_form_choices() -> Result<FormChoices, ServerFnError> {
    let options = hotline()?.form_options().await.map_err(fail)?;
    Ok(choices_html(&options, crate::i18n::request_lang()))
}

#[cfg(feature = "ssr")]
fn choices_html(options: &FormOptions, lang: hotline_domain::Lang) -> FormChoices {
    use crate::i18n::tr;
    use std::fmt::Write;
    let escape = |text: &str| -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        out
    };
    let mut categories = String::with_capacity(64 * options.categories.len());
    let _ = write!(
        categories,
        r#"<option value="">{}</option>"#,
        escape(tr!(lang, portal.choose_category))
    );
    for (major, minors) in crate::pages::portal::category_groups(&options.categories) {
        let _ = write!(
            categories,
            r#"<optgroup label="{}">"#,
            escape(major.name(lang))
        );
        for minor in minors {
            let _ = write!(
                categories,
                r#"<option value="{}">{}</option>"#,
                escape(&minor.code),
                escape(minor.name(lang))
            );
        }
        categories.push_str("</optgroup>");
    }
    let mut districts = format!(
        r#"<option value="">{}</option>"#,
        escape(tr!(lang, portal.choose_district))
    );
    for district in &options.districts {
        let _ = write!(
            districts,
            r#"<option value="{}">{}</option>"#,
            escape(&district.code),
            escape(&district.name)
        );
    }
    FormChoices {
        categories,
        districts,
    }
}

#[server(prefix = "/api/fn", endpoint = "form_options")]
pub async fn load_form_options() -> Result<FormOptions, ServerFnError> {
    hotline()?.form_options().await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "file_request")]
pub async fn file_request(
    category: Option<String>,
    content: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    district: Option<String>,
    address: Option<String>,
    anonymous: Option<String>,
    lon: Option<String>,
    lat: Option<String>,
) -> Result<FileOutcome, ServerFnError> {
    use hotline_domain::Channel;
    let input = hotline_domain::NewRequestInput {
        category: category.unwrap_or_default(),
        content: content.unwrap_or_default(),
        contact_name: contact_name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        district: district.unwrap_or_default(),
        address: address.unwrap_or_default(),
        anonymous: checked(&anonymous),
        lon: hotline_domain::coordinate_field(&lon.unwrap_or_default()),
        lat: hotline_domain::coordinate_field(&lat.unwrap_or_default()),
    };
    let origin = visitor().citizen(Channel::Web);
    form(hotline()?.file_request(&input, Channel::Web, &origin).await)
}

#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<hotline_domain::StaffUser>, ServerFnError> {
    Ok(staff().ok().map(|staff| staff.user))
}

#[server(prefix = "/api/fn", endpoint = "track_request")]
pub async fn track_request(
    tracking_number: Option<String>,
    phone: Option<String>,
) -> Result<TrackOutcome, ServerFnError> {
    let query = hotline_domain::TrackingQuery {
        tracking_number: tracking_number.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
    };
    form(hotline()?.track_request(&query).await)
}
