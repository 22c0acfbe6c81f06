//! Compiles the UI texts (`locales/{zh,en}.json`) into the `i18n::generated::i18n` module: a key missing
//! from a locale, or a key a component names that no file has, is a build error.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::{error::Error, path::PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    let translations = TranslationsInfos::parse(
        Config::new("zh")?
            .add_locale("en")?
            // `{{ count }}` values in `tr!` (td_string!), not only in views.
            .parse_options(ParseOptions::default().interpolate_display(true)),
    )?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
