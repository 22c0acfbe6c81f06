//! UI texts. They live in `app/locales/{zh,en}.json` (keys grouped by page or concept) and
//! are compiled in by `build.rs` as one `&'static str` table per language: a key a component
//! names that the files lack is a compile error, and so is a key one file lacks or a text
//! whose `{{ values }}` differ between the languages. Components write
//! `tr!(lang, portal.form_title)` (a `&'static str`) or `tr!(lang, cases.count, count = n)`
//! (a `String`; `tr!(lang, cases.note, reason)` is short for `reason = reason`).
//!
//! The language itself is chosen by the `lang` cookie (set by `/lang/{zh|en}`), read the same
//! way on the server and in the browser so hydration matches.

use hotline_domain::Lang;
use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// Names one text in the tables: made only by the generated `keys`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(u16);

/// The text of a key in a language.
pub fn text(lang: Lang, key: Key) -> &'static str {
    let table = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    table[usize::from(key.0)]
}

/// A text with each `{{ name }}` replaced by its value; a name without a value stays as
/// written (the generated structs make that impossible from `tr!`).
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            rest = &rest[open..];
            break;
        };
        let name = after[..close].trim();
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => {
                use std::fmt::Write as _;
                let _ = write!(out, "{value}");
            }
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The text of a key in a language: `tr!(lang, cases.title)` is a `&'static str`;
/// `tr!(lang, cases.count, count = n)` fills the text's values and is a `String`.
macro_rules! tr {
    (@value $name:ident) => { $name };
    (@value $name:ident $value:expr) => { $value };
    ($lang:expr, $group:ident . $key:ident) => {
        $crate::i18n::text($lang, $crate::i18n::keys::$group::$key)
    };
    ($lang:expr, $group:ident . $key:ident, $($name:ident $(= $value:expr)?),+ $(,)?) => {
        $crate::i18n::keys::$group::$key {
            $($name: &$crate::i18n::tr!(@value $name $($value)?)),+
        }
        .text($lang)
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
