//! UI texts. They live in `app/locales/{zh,en}.json` (keys grouped by page or concept),
//! compiled in by `leptos_i18n` (`build.rs` generates the `generated::i18n` module): a key a
//! component names that the files lack is a compile error, and `server/tests/locales.rs`
//! checks both files have the same keys. Components write `tr!(lang, portal.form_title)`.
//!
//! The language itself is still chosen by the `lang` cookie (set by `/lang/{zh|en}`), read
//! the same way on the server and in the browser so hydration matches; [`locale`] maps that
//! `Lang` to the generated `Locale`.

use hotline_domain::Lang;
use leptos::prelude::*;

/// What `build.rs` generates from the locale files (its module is called `i18n` too).
/// Public, and not linted: it is generated code, and we use only `Locale` and the keys.
#[doc(hidden)]
#[allow(clippy::all)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}

pub use generated::i18n::Locale;

/// The generated locale for a language.
pub fn locale(lang: Lang) -> Locale {
    match lang {
        Lang::Zh => Locale::zh,
        Lang::En => Locale::en,
    }
}

/// The text of a key in a language, as `&'static str` (or `String` when the text has
/// `{{ values }}`): `tr!(lang, cases.title)`, `tr!(lang, cases.count, count = n)`.
macro_rules! tr {
    ($lang:expr, $($key:tt)*) => {
        leptos_i18n::td_string!($crate::i18n::locale($lang), $($key)*)
    };
}
pub(crate) use tr;

/// The language of this page view, provided by `App`.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Reads the `lang` cookie: from the request while rendering on the server, from
/// `document.cookie` in the browser, so both render the same page and hydration matches.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|d| d.cookie().ok())
            .map(|c| Lang::from_cookie_header(&c))
            .unwrap_or_default()
    }
}
