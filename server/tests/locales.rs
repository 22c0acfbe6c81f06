//! The UI texts (`app/locales/*.json`, compiled into the app by leptos_i18n) have the same
//! keys in every language, and every text interpolates the same values. leptos_i18n only
//! warns about a key missing from a non-default locale (and shows the default language
//! instead); this makes it a failing test.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

const LOCALES: [&str; 2] = ["zh", "en"];

fn locale(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../app/locales")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Every leaf as `group.key` with the names of the `{{ values }}` it interpolates.
fn leaves(value: &Value, prefix: &str, out: &mut BTreeSet<(String, Vec<String>)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                leaves(v, &path, out);
            }
        }
        Value::String(text) => {
            let mut values: Vec<String> = text
                .split("{{")
                .skip(1)
                .filter_map(|rest| rest.split_once("}}"))
                .map(|(name, _)| name.trim().to_string())
                .collect();
            values.sort();
            values.dedup();
            out.insert((prefix.to_string(), values));
        }
        other => panic!("{prefix}: only objects and strings are used, found {other}"),
    }
}

fn keys(name: &str) -> BTreeSet<(String, Vec<String>)> {
    let mut out = BTreeSet::new();
    leaves(&locale(name), "", &mut out);
    out
}

#[test]
fn every_locale_has_the_same_keys_and_values() {
    let reference = keys(LOCALES[0]);
    assert!(reference.len() > 100, "the default locale looks empty");
    let mut problems = Vec::new();
    for other in &LOCALES[1..] {
        let theirs = keys(other);
        for (key, values) in reference.difference(&theirs) {
            problems.push(format!("{other} lacks {key} (with values {values:?})"));
        }
        for (key, values) in theirs.difference(&reference) {
            problems.push(format!(
                "{other} has {key} (with values {values:?}), {} does not",
                LOCALES[0]
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "locale files differ:\n{}",
        problems.join("\n")
    );
}
