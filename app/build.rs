//! Compiles the UI texts (`locales/{zh,en}.json`, `{ "group": { "key": "text" } }`) into
//! `$OUT_DIR/texts.rs`, which `src/i18n.rs` includes:
//!
//! - one `&'static str` table per language, indexed by key (`ZH`, `EN`);
//! - `keys::group::key`, a `Key` constant, for every text without values;
//! - `keys::group::key { name: &dyn Display, … }`, a struct, for every text with
//!   `{{ name }}` values, so a value the text does not have, or lacks, is a compile error.
//!
//! A key that one file has and the other lacks, a text whose values differ between the
//! languages, or anything but two levels of strings is a build error naming the key. The
//! browser bundle thus carries the texts as two arrays and one lookup, not code per call.

#[path = "build/texts.rs"]
mod texts;

use serde_json::Value;
use std::{error::Error, path::PathBuf};
use texts::{check_same_shape, generate, groups, LOCALES};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build/texts.rs");
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("locales");
    let mut files = Vec::new();
    for (name, _) in LOCALES {
        let path = dir.join(format!("{name}.json"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        files.push(groups(name, &value)?);
    }
    check_same_shape(&files)?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("texts.rs");
    std::fs::write(out, generate(&files))?;
    Ok(())
}
