//! The UI texts (`app/locales/*.json`, compiled into the app by `app/build.rs`): both
//! languages have the same keys and interpolate the same values, the checks that the build
//! makes refuse files that do not, and the compiled texts fill their values.

// The test uses the checks, not the code generation.
#[allow(dead_code)]
#[path = "../../../app/build/texts.rs"]
mod texts;

use hotline_app::i18n::{fill, text};
use hotline_domain::Lang;
use serde_json::{json, Value};
use std::path::PathBuf;
use texts::{check_same_shape, groups, Groups, LOCALES};

fn file(name: &str) -> Groups {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../app/locales")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let value: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    groups(name, &value).unwrap_or_else(|e| panic!("{e}"))
}

fn pair(zh: Value, en: Value) -> Result<(), String> {
    check_same_shape(&[groups("zh", &zh)?, groups("en", &en)?])
}

#[test]
fn every_locale_has_the_same_keys_and_values() {
    let files: Vec<Groups> = LOCALES.iter().map(|(name, _)| file(name)).collect();
    let keys: usize = files[0].iter().map(|(_, keys)| keys.len()).sum();
    assert!(keys > 300, "the reference locale has only {keys} texts");
    check_same_shape(&files).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_checks_name_a_missing_key_and_a_changed_value() {
    let zh = json!({ "cases": { "title": "案件", "count": "共 {{ count }} 件" } });
    assert_eq!(pair(zh.clone(), zh.clone()), Ok(()));

    let lacking = json!({ "cases": { "count": "{{ count }} cases" } });
    let error = pair(zh.clone(), lacking).unwrap_err();
    assert!(error.contains("en.json lacks cases.title"), "{error}");

    let renamed = json!({ "cases": { "title": "Cases", "count": "{{ total }} cases" } });
    let error = pair(zh.clone(), renamed).unwrap_err();
    assert!(error.contains("cases.count"), "{error}");
    assert!(error.contains("total"), "{error}");

    let nested = json!({ "cases": { "title": { "short": "Cases" } } });
    let error = groups("en", &nested).unwrap_err();
    assert!(error.contains("cases.title must be a string"), "{error}");

    let keyword = json!({ "cases": { "type": "类型" } });
    let error = groups("zh", &keyword).unwrap_err();
    assert!(
        error.contains("cases.type must be a snake_case name"),
        "{error}"
    );
}

#[test]
fn texts_are_looked_up_by_language_and_fill_their_values() {
    use hotline_app::i18n::keys;
    assert_eq!(text(Lang::Zh, keys::errors::not_found), "未找到");
    assert_eq!(text(Lang::En, keys::errors::not_found), "Not found");
    let count = keys::cases::count { count: &3 };
    assert!(
        count.text(Lang::En).contains('3'),
        "{}",
        count.text(Lang::En)
    );
    assert!(!count.text(Lang::Zh).contains("{{"));

    assert_eq!(
        fill("{{ a }} and {{b}}", &[("a", &1), ("b", &"two")]),
        "1 and two"
    );
    // A name without a value, or a brace that does not close, stays as written.
    assert_eq!(fill("{{ a }} {{ c }}", &[("a", &1)]), "1 {{ c }}");
    assert_eq!(fill("50% {{ a", &[("a", &1)]), "50% {{ a");
}
