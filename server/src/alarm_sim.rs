//! `hotline alarm-sim`: a stand-in for the one-key alarm gateway (issue 15). It signs each
//! delivery as the gateway does and posts it to `POST /api/v1/alarms`, so the demo, the
//! tests and the benchmark drive the real webhook:
//!
//! - `one`: a single alarm (a demo terminal, a number or a device id);
//! - `burst`: alarms at a steady rate from the demo's registered terminals;
//! - `retry-storm`: one delivery id sent many times at once (one alarm must result);
//! - `unknown`: an alarm from a number nobody registered;
//! - `bench`: many consoles (SSE connections of a coordinator) open while alarms arrive at
//!   a steady rate: how long each alarm takes from the webhook to every console, and
//!   whether any console missed one or heard it twice (BENCHMARKS.md).
//!
//! It prints one JSON line per delivery and a summary, and exits non-zero when any
//! delivery was not acknowledged with a 2xx.

use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use serde_json::{json, Value};

/// Where to send and with which secret.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct SimArgs {
    /// The platform's base URL.
    #[arg(
        long,
        env = "HOTLINE_ALARM_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub url: String,
    #[command(subcommand)]
    pub mode: SimMode,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum SimMode {
    /// One alarm.
    One {
        /// The one-key line it comes from (e.g. 029-33123456).
        #[arg(long, default_value = "")]
        caller: String,
        /// The terminal's id; without `--caller` and `--device`, the demo's first terminal.
        #[arg(long, default_value = "")]
        device: String,
        /// help, fall, smoke, inactivity, low_battery, test, vip, silent.
        #[arg(long, default_value = "help")]
        kind: String,
        /// The delivery id (a fresh one by default; give the same twice to see a retry).
        #[arg(long)]
        delivery_id: Option<String>,
    },
    /// Alarms at a steady rate from the demo's registered terminals, round robin.
    Burst {
        /// Alarms per second.
        #[arg(long, default_value_t = 50)]
        rate: u32,
        /// How many in all.
        #[arg(long, default_value_t = 100)]
        count: u32,
        /// How many of the demo's terminals to cycle through.
        #[arg(long, default_value_t = 100)]
        terminals: u32,
        #[arg(long, default_value = "help")]
        kind: String,
    },
    /// The same delivery sent `times` times at once: the platform must keep one alarm.
    RetryStorm {
        #[arg(long, default_value_t = 20)]
        times: u32,
        #[arg(long, default_value = "")]
        device: String,
    },
    /// An alarm from a number nobody registered.
    Unknown {
        #[arg(long, default_value = "13700000000")]
        caller: String,
    },
    /// Consoles open, alarms at a rate: webhook-to-console latency, lost and duplicated.
    Bench {
        /// Console connections (event streams), spread over the instances.
        #[arg(long, default_value_t = 200)]
        consoles: u32,
        #[arg(long, default_value_t = 50)]
        rate: u32,
        #[arg(long, default_value_t = 60)]
        seconds: u32,
        /// The coordinator the consoles sign in as.
        #[arg(long, default_value = "care")]
        username: String,
        #[arg(
            long,
            env = "HOTLINE_BENCH_PASSWORD",
            default_value = "hotline-demo-2026"
        )]
        password: String,
        /// More instances of the same platform (comma-separated base URLs): consoles
        /// connect to and alarms go to each in turn.
        #[arg(long, value_delimiter = ',')]
        also: Vec<String>,
    },
}

/// What one delivery got back.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub status: u16,
    pub body: Value,
    pub took: Duration,
}

/// Signs and posts one alarm body.
pub async fn deliver(
    client: &reqwest::Client,
    base: &str,
    secret: &str,
    body: &Value,
) -> Result<Delivered, reqwest::Error> {
    let raw = serde_json::to_vec(body).expect("a JSON value serializes");
    let timestamp = chrono::Utc::now().timestamp();
    let started = Instant::now();
    let response = client
        .post(format!("{}/api/v1/alarms", base.trim_end_matches('/')))
        .header("Content-Type", "application/json")
        .header("X-Hotline-Timestamp", timestamp.to_string())
        .header(
            "X-Hotline-Signature",
            crate::http::telephony::sign(secret, timestamp, &raw),
        )
        .body(raw)
        .send()
        .await?;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Ok(Delivered {
        status,
        body,
        took: started.elapsed(),
    })
}

/// An alarm body as the gateway sends it.
pub fn alarm_body(delivery_id: &str, caller: &str, device: &str, kind: &str) -> Value {
    json!({
        "delivery_id": delivery_id,
        "caller": caller,
        "device_id": device,
        "kind": kind,
        "at": chrono::Utc::now().to_rfc3339(),
    })
}

fn fresh_id(prefix: &str, n: u32) -> String {
    format!(
        "sim-{prefix}-{}-{n}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f")
    )
}

/// Runs the simulator; the error lists what went wrong.
pub async fn run(args: SimArgs, secret: Option<String>) -> anyhow::Result<()> {
    let secret = secret.filter(|s| !s.is_empty()).ok_or_else(|| {
        anyhow::anyhow!(
            "set HOTLINE_ALARM_SECRET (or --alarm-secret) to the platform's alarm secret"
        )
    })?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let base = args.url.as_str();
    let mut results: Vec<(String, Result<Delivered, reqwest::Error>)> = Vec::new();
    match args.mode {
        SimMode::One {
            caller,
            device,
            kind,
            delivery_id,
        } => {
            let device = if caller.is_empty() && device.is_empty() {
                hotline_core::seed::demo::demo_terminal(0)
            } else {
                device
            };
            let id = delivery_id.unwrap_or_else(|| fresh_id("one", 0));
            let body = alarm_body(&id, &caller, &device, &kind);
            results.push((id, deliver(&client, base, &secret, &body).await));
        }
        SimMode::Unknown { caller } => {
            let id = fresh_id("unknown", 0);
            let body = alarm_body(&id, &caller, "", "help");
            results.push((id, deliver(&client, base, &secret, &body).await));
        }
        SimMode::RetryStorm { times, device } => {
            let device = if device.is_empty() {
                hotline_core::seed::demo::demo_terminal(0)
            } else {
                device
            };
            let id = fresh_id("storm", 0);
            let body = alarm_body(&id, "", &device, "help");
            let sends = (0..times.max(1)).map(|_| {
                let (client, secret, body) = (client.clone(), secret.clone(), body.clone());
                let base = base.to_string();
                async move { deliver(&client, &base, &secret, &body).await }
            });
            for result in futures::future::join_all(sends).await {
                results.push((id.clone(), result));
            }
        }
        SimMode::Bench {
            consoles,
            rate,
            seconds,
            username,
            password,
            also,
        } => {
            let mut bases = vec![base.to_string()];
            bases.extend(also);
            return bench(
                &bases,
                &secret,
                BenchPlan {
                    consoles,
                    rate,
                    seconds,
                    username,
                    password,
                },
            )
            .await;
        }
        SimMode::Burst {
            rate,
            count,
            terminals,
            kind,
        } => {
            if rate == 0 {
                anyhow::bail!("--rate must be at least 1 alarm per second");
            }
            let gap = Duration::from_secs(1) / rate;
            let start = tokio::time::Instant::now();
            let mut tasks = Vec::with_capacity(count as usize);
            for n in 0..count {
                tokio::time::sleep_until(start + gap * n).await;
                let id = fresh_id("burst", n);
                let device = hotline_core::seed::demo::demo_terminal(n % terminals.max(1));
                let body = alarm_body(&id, "", &device, &kind);
                let (client, secret) = (client.clone(), secret.clone());
                let base = base.to_string();
                tasks.push(tokio::spawn(async move {
                    (id, deliver(&client, &base, &secret, &body).await)
                }));
            }
            for task in tasks {
                results.push(task.await?);
            }
        }
    }
    report(&results)
}

struct BenchPlan {
    consoles: u32,
    rate: u32,
    seconds: u32,
    username: String,
    password: String,
}

/// Opens the consoles, sends `rate × seconds` alarms round robin over the instances, waits
/// for the stragglers, and prints one JSON summary.
async fn bench(bases: &[String], secret: &str, plan: BenchPlan) -> anyhow::Result<()> {
    use futures::StreamExt;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    if plan.rate == 0 || plan.consoles == 0 {
        anyhow::bail!("--rate and --consoles must be at least 1");
    }
    // Heard: (console, alarm id, when).
    let heard: Arc<Mutex<Vec<(u32, i64, Instant)>>> = Arc::default();
    let mut streams = Vec::new();
    // One sign-in per instance (sign-ins are rate-limited per address); every console on
    // an instance shares that session, each with its own connection.
    let mut signed_in = Vec::new();
    for base in bases {
        let client = reqwest::Client::builder().cookie_store(true).build()?;
        let login = client
            .post(format!("{base}/auth/login"))
            .json(&json!({ "username": plan.username, "password": plan.password }))
            .send()
            .await?;
        if !login.status().is_success() {
            anyhow::bail!(
                "{} cannot sign in at {base}: {}",
                plan.username,
                login.status()
            );
        }
        signed_in.push(client);
    }
    for console in 0..plan.consoles {
        let at = console as usize % bases.len();
        let (base, client) = (&bases[at], &signed_in[at]);
        let response = client.get(format!("{base}/api/v1/events")).send().await?;
        if !response.status().is_success() {
            anyhow::bail!(
                "console {console}: event stream refused: {}",
                response.status()
            );
        }
        let heard = heard.clone();
        streams.push(tokio::spawn(async move {
            let mut stream = response.bytes_stream();
            let mut buffer = String::new();
            while let Some(Ok(chunk)) = stream.next().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    if !block.contains("event: alarm\n") {
                        continue;
                    }
                    let now = Instant::now();
                    let data = block.lines().find_map(|l| l.strip_prefix("data: "));
                    let Some(data) = data.and_then(|d| serde_json::from_str::<Value>(d).ok())
                    else {
                        continue;
                    };
                    if data["kind"] == "received" {
                        if let Some(id) = data["alarm_id"].as_i64() {
                            heard.lock().unwrap().push((console, id, now));
                        }
                    }
                }
            }
        }));
    }
    // Each stream was subscribed on the server before its response headers came back.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let count = plan.rate * plan.seconds;
    let gap = Duration::from_secs(1) / plan.rate;
    let start = tokio::time::Instant::now();
    let mut sends = Vec::with_capacity(count as usize);
    for n in 0..count {
        tokio::time::sleep_until(start + gap * n).await;
        let base = bases[n as usize % bases.len()].clone();
        let (client, secret) = (client.clone(), secret.to_string());
        let body = alarm_body(
            &fresh_id("bench", n),
            "",
            &hotline_core::seed::demo::demo_terminal(n % 100),
            "help",
        );
        sends.push(tokio::spawn(async move {
            let sent = Instant::now();
            (sent, deliver(&client, &base, &secret, &body).await)
        }));
    }
    let mut sent_at: HashMap<i64, Instant> = HashMap::new();
    let mut webhook = Vec::new();
    let mut failed = 0;
    for send in sends {
        match send.await? {
            (sent, Ok(d)) if d.status == 201 => {
                webhook.push(d.took);
                if let Some(id) = d.body["alarm_id"].as_i64() {
                    sent_at.insert(id, sent);
                }
            }
            _ => failed += 1,
        }
    }
    // Stragglers: until every console heard every alarm, or 10 s.
    let expected = sent_at.len() * plan.consoles as usize;
    let deadline = Instant::now() + Duration::from_secs(10);
    while heard.lock().unwrap().len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for stream in &streams {
        stream.abort();
    }
    let heard = heard.lock().unwrap().clone();
    let mut seen: HashMap<(u32, i64), u32> = HashMap::new();
    let mut latency = Vec::with_capacity(heard.len());
    for (console, id, at) in &heard {
        *seen.entry((*console, *id)).or_default() += 1;
        if let Some(sent) = sent_at.get(id) {
            latency.push(at.saturating_duration_since(*sent));
        }
    }
    let duplicated: u32 = seen.values().map(|n| n - 1).sum();
    let delivered = seen
        .keys()
        .filter(|(_, id)| sent_at.contains_key(id))
        .count();
    let lost = expected.saturating_sub(delivered);
    latency.sort_unstable();
    webhook.sort_unstable();
    let pct = percentile_ms;
    println!(
        "{}",
        json!({
            "instances": bases.len(), "consoles": plan.consoles, "rate": plan.rate,
            "seconds": plan.seconds, "alarms": sent_at.len(), "failed": failed,
            "deliveries_expected": expected, "lost": lost, "duplicated": duplicated,
            "console_p50_ms": pct(&latency, 0.5), "console_p99_ms": pct(&latency, 0.99),
            "console_max_ms": pct(&latency, 1.0),
            "webhook_p50_ms": pct(&webhook, 0.5), "webhook_p99_ms": pct(&webhook, 0.99),
        })
    );
    if failed > 0 || lost > 0 || duplicated > 0 {
        anyhow::bail!("{failed} failed, {lost} lost, {duplicated} duplicated");
    }
    Ok(())
}

/// The `p` quantile (nearest rank) of sorted durations, in milliseconds to 0.1; 0 for none.
fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    (sorted[i].as_secs_f64() * 10_000.0).round() / 10.0
}

/// One line per delivery, then the summary; an error when any was not acknowledged.
fn report(results: &[(String, Result<Delivered, reqwest::Error>)]) -> anyhow::Result<()> {
    let mut took: Vec<Duration> = Vec::new();
    let (mut created, mut duplicates, mut failed) = (0, 0, 0);
    for (id, result) in results {
        match result {
            Ok(d) => {
                println!(
                    "{}",
                    json!({ "delivery_id": id, "status": d.status, "ms": d.took.as_secs_f64() * 1000.0, "answer": d.body })
                );
                took.push(d.took);
                match d.status {
                    201 => created += 1,
                    200 => duplicates += 1,
                    _ => failed += 1,
                }
            }
            Err(e) => {
                println!("{}", json!({ "delivery_id": id, "error": e.to_string() }));
                failed += 1;
            }
        }
    }
    took.sort_unstable();
    let pct = |p: f64| percentile_ms(&took, p);
    println!(
        "{}",
        json!({
            "sent": results.len(), "created": created, "duplicates": duplicates, "failed": failed,
            "p50_ms": pct(0.5), "p99_ms": pct(0.99),
        })
    );
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} deliveries were not acknowledged",
            results.len()
        );
    }
    Ok(())
}
