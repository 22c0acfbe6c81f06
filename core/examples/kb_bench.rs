//! Knowledge base type-ahead benchmark (SPEC K2): loads N articles (default 50,000) into a
//! fresh SQLite file and a fresh PostgreSQL database, then replays what agents type, one
//! keystroke at a time, and reports latency percentiles of `Hotline::kb_search` (the whole
//! service call: plan, index lookup, fetching the articles, marking the hits).
//!
//!     cargo run --release -p hotline-core --example kb_bench -- [articles] [rounds]
//!
//! `bash scripts/bench.sh` runs it with the figures BENCHMARKS.md reports.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hotline_core::seed::demo::rng::Rng;
use hotline_core::seed::knowledge::DEMO_ARTICLES;
use hotline_core::testing::{staff, TestDatabase};
use hotline_core::{FixedClock, Hotline};
use hotline_domain::knowledge::ValidArticle;
use hotline_domain::Role;

/// What agents type, keystroke by keystroke: Chinese words, full pinyin, initials, Latin.
const TYPED: &[&str] = &[
    "社保卡补办",
    "医保报销",
    "拖欠工资",
    "身份证丢失",
    "路灯",
    "停水",
    "shebaoka",
    "yibao",
    "sbk",
    "gongzi",
    "tsgz",
    "12345",
    "养老金认证",
    "居住证",
    "噪音扰民",
];

/// Articles built from the demo articles' sentences and the real place names of the demo
/// city, so the vocabulary (and how often common words recur) is that of a real base.
fn articles(n: usize, categories: &[i64], places: &[String]) -> Vec<ValidArticle> {
    let clauses: Vec<&str> = DEMO_ARTICLES
        .iter()
        .flat_map(|(_, _, _, body, _)| body.split(['，', '。', '；']))
        .map(str::trim)
        .filter(|c| c.chars().count() > 3)
        .collect();
    let titles: Vec<&str> = DEMO_ARTICLES.iter().map(|a| a.1).collect();
    let keywords: Vec<&str> = DEMO_ARTICLES.iter().map(|a| a.2).collect();
    let mut rng = Rng(2026);
    (0..n)
        .map(|i| {
            let place = rng.pick(places);
            let title = format!("{place}{}（第{}号）", rng.pick(&titles), i + 1);
            let count = 3 + (rng.next_u64() % 5) as usize;
            let body: Vec<&str> = (0..count).map(|_| *rng.pick(&clauses)).collect();
            ValidArticle {
                category_id: *rng.pick(categories),
                title: title
                    .chars()
                    .take(hotline_domain::knowledge::TITLE_MAX)
                    .collect(),
                keywords: rng.pick(&keywords).to_string(),
                body: format!("{}。", body.join("，")),
                public: !rng.next_u64().is_multiple_of(4),
                source_case: None,
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

async fn run(name: &str, db: &TestDatabase, n: usize, rounds: usize) {
    let clock = Arc::new(FixedClock::new("2026-11-23T03:00:00Z".parse().unwrap()));
    let h: Hotline = db.open(clock).await;
    h.load_demo_if_empty(hotline_core::seed::demo::DemoSize {
        vendors: 0,
        providers: 0,
        elderly: 0,
        past_cases: 0,
        waiting_requests: 0,
    })
    .await
    .expect("demo code tables");
    let categories: Vec<i64> = h
        .kb_categories()
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let places: Vec<String> = hotline_core::seed::regions()
        .unwrap()
        .into_iter()
        .map(|r| r.region.name)
        .collect();
    let batch = articles(n, &categories, &places);
    let started = Instant::now();
    for chunk in batch.chunks(5_000) {
        h.kb_load(chunk, "system:bench")
            .await
            .expect("load articles");
    }
    let load = started.elapsed();

    let agent = staff(Role::Agent, None, None);
    let mut queries = Vec::new();
    for word in TYPED {
        let chars: Vec<char> = word.chars().collect();
        for end in 1..=chars.len() {
            queries.push(chars[..end].iter().collect::<String>());
        }
    }
    // Warm-up: one pass, not counted.
    for q in &queries {
        h.kb_search(Some(&agent), q).await.unwrap();
        h.kb_search(None, q).await.unwrap();
    }
    let mut times = Vec::new();
    let mut hits = 0;
    for _ in 0..rounds {
        for q in &queries {
            for user in [Some(&agent), None] {
                let t = Instant::now();
                let found = h.kb_search(user, q).await.unwrap();
                times.push(t.elapsed());
                hits += found.len();
            }
        }
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!(
        "{name}: {n} articles loaded in {:.1} s; {} searches ({} hits): \
         p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms, mean {:.2} ms",
        load.as_secs_f64(),
        times.len(),
        hits,
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let sqlite = TestDatabase::sqlite();
    run("SQLite", &sqlite, n, rounds).await;
    drop(sqlite);
    let postgres = TestDatabase::postgres().await;
    run("PostgreSQL", &postgres, n, rounds).await;
}
