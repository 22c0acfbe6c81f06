//! The server's small pure rules, checked directly. They used to be unit tests inside the
//! library; the library now has no `cfg(test)` build of its own, because compiling this
//! crate a second time (and clippy checking it twice) cost CI minutes for nine tests.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue};
use clap::Parser;
use hotline_server::config::{parse_config_file, Cli, Command};
use hotline_server::http::access::{parse_limit, same_site, Limit, RateLimiter, Rule, RULES};
use hotline_server::http::{local_path, url_path};

#[test]
fn origin_must_be_this_host_unless_fetch_metadata_says_so() {
    let mut h = HeaderMap::new();
    h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
    assert!(same_site(&h));
    h.insert(
        header::ORIGIN,
        HeaderValue::from_static("http://127.0.0.1:3000"),
    );
    assert!(same_site(&h));
    h.insert(
        header::ORIGIN,
        HeaderValue::from_static("https://evil.example"),
    );
    assert!(!same_site(&h));
    h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
    assert!(!same_site(&h));
    h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
    assert!(same_site(&h));
}

#[test]
fn rules_are_unique_per_method_and_path() {
    let rules: Vec<&Rule> = RULES.iter().collect();
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[i + 1..] {
            assert!(
                !(a.method == b.method && a.path == b.path),
                "two rules for {} {}",
                a.method,
                a.path
            );
        }
    }
}

#[test]
fn the_window_refuses_past_its_budget_and_says_how_long_to_wait() {
    let limiter = RateLimiter::default();
    let ip: IpAddr = "192.0.2.1".parse().unwrap();
    let budget = (3, Duration::from_secs(60));
    for _ in 0..3 {
        assert!(limiter.check(Limit::SignIn, ip, budget).is_ok());
    }
    let wait = limiter.check(Limit::SignIn, ip, budget).unwrap_err();
    assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
    // One IPv6 /64 is one client.
    let a: IpAddr = "2001:db8::1".parse().unwrap();
    let b: IpAddr = "2001:db8::ffff:2".parse().unwrap();
    for _ in 0..3 {
        assert!(limiter.check(Limit::SignIn, a, budget).is_ok());
    }
    assert!(limiter.check(Limit::SignIn, b, budget).is_err());
    // Another address and another budget are counted apart.
    assert!(limiter
        .check(Limit::SignIn, "192.0.2.2".parse().unwrap(), budget)
        .is_ok());
    assert!(limiter.check(Limit::Filing, ip, budget).is_ok());
}

#[test]
fn limits_parse_as_count_per_seconds() {
    assert_eq!(parse_limit("20/600"), Ok((20, Duration::from_secs(600))));
    assert!(parse_limit("0/60").is_err());
    assert!(parse_limit("20").is_err());
}

#[test]
fn the_language_switch_only_returns_to_paths_on_this_site() {
    assert_eq!(
        url_path("http://127.0.0.1:3000/agent/requests?x=1").as_deref(),
        Some("/agent/requests?x=1")
    );
    assert_eq!(url_path("https://evil.example//x"), None);
    assert_eq!(url_path("https://evil.example/\\x"), None);
    assert_eq!(url_path("http://host"), None);
}

#[test]
fn only_local_paths_are_followed_after_sign_in() {
    assert_eq!(local_path("/cases?x=1"), Some("/cases?x=1"));
    assert_eq!(local_path("//evil.example"), None);
    assert_eq!(local_path("https://evil.example"), None);
    assert_eq!(local_path("/auth/logout"), None);
}

#[test]
fn config_files_hold_key_value_lines() {
    let pairs = parse_config_file(
        "# comment\n\nDATABASE_URL=postgres://x@y/z\nexport HOTLINE_ADDR = \"0.0.0.0:80\"\n",
    )
    .unwrap();
    assert_eq!(
        pairs,
        vec![
            ("DATABASE_URL".into(), "postgres://x@y/z".into()),
            ("HOTLINE_ADDR".into(), "0.0.0.0:80".into())
        ]
    );
    assert!(parse_config_file("just words")
        .unwrap_err()
        .contains("line 1"));
    assert!(parse_config_file("BAD KEY=1")
        .unwrap_err()
        .contains("not a variable name"));
}

#[test]
fn the_default_database_is_a_sqlite_file_in_the_data_directory() {
    let cli = Cli::try_parse_from(["hotline", "--data-dir", "/srv/hotline", "migrate"]).unwrap();
    assert_eq!(cli.command, Some(Command::Migrate));
    if std::env::var_os("DATABASE_URL").is_none() {
        assert_eq!(
            cli.config.database_url(),
            "sqlite:///srv/hotline/hotline.db"
        );
        assert_eq!(
            cli.config.sqlite_path(),
            Some(PathBuf::from("/srv/hotline/hotline.db"))
        );
    }
}

#[test]
fn demo_data_is_the_default_only_on_sqlite() {
    let parse = |args: &[&str]| Cli::try_parse_from(args).unwrap().config;
    let pg = parse(&["hotline", "--database-url", "postgres://u@h/db"]);
    assert!(!pg.demo());
    assert!(parse(&[
        "hotline",
        "--database-url",
        "postgres://u@h/db",
        "--demo",
        "true"
    ])
    .demo());
    let sqlite = parse(&["hotline", "--database-url", "sqlite://x/y.db?mode=rwc"]);
    assert!(sqlite.demo());
    assert_eq!(sqlite.sqlite_path(), Some(PathBuf::from("x/y.db")));
}
