//! The Hotline 12345 server: configuration, the HTTP surface and the process life cycle.
//! The binary (`main.rs`) only parses the command line and calls [`run`].

pub mod alarm_sim;
pub mod config;
pub mod http;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hotline_core::{seed::demo::DemoSize, Hotline, SystemClock};
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::{Command, Config};

/// The page-serving options: from the `LEPTOS_*` environment that cargo-leptos sets (or
/// that the README's run command exports), with `HOTLINE_ADDR` taking precedence.
pub fn leptos_options(config: &Config) -> anyhow::Result<LeptosOptions> {
    let mut options = leptos::config::get_configuration(None)?.leptos_options;
    http::assets::detect_hashed_files(&mut options);
    if let Some(addr) = config.addr {
        options.site_addr = addr;
    }
    Ok(options)
}

/// Opens the configured database, creating the data directory for SQLite.
pub async fn open(config: &Config) -> anyhow::Result<Hotline> {
    let url = config.database_url();
    if let Some(dir) = config
        .sqlite_path()
        .as_deref()
        .and_then(std::path::Path::parent)
    {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let hotline = hotline_core::open(&url, Arc::new(SystemClock))
        .await?
        .with_policy(config.security_policy())
        .with_flow_policy(config.flow_policy()?)
        .with_duty_phone(config.duty_phone()?)
        .with_alarm_policy(config.alarm_policy());
    tracing::info!(backend = ?hotline.store.backend(), "database opened");
    Ok(hotline)
}

pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    // The simulator talks to a running platform over HTTP; it opens no database.
    let command = match command {
        Command::AlarmSim(args) => return alarm_sim::run(args, config.alarm_secret.clone()).await,
        command => command,
    };
    let hotline = open(&config).await?;
    hotline.prepare().await?;
    match command {
        Command::Migrate => {
            tracing::info!(counts = ?hotline.store.counts().await?, "database is up to date");
        }
        Command::SeedDemo => {
            if !hotline.load_demo_if_empty(DemoSize::default()).await? {
                tracing::warn!("the database already holds data; demo data not loaded");
            }
        }
        Command::CreateAdmin {
            username,
            display_name,
        } => {
            let password = match std::env::var("HOTLINE_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password for {username} (one line on stdin):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            match hotline
                .create_admin(&username, &display_name, &password)
                .await
            {
                Ok(id) => tracing::info!(id, %username, "administrator created"),
                Err(hotline_core::ServiceError::Invalid(errors)) => {
                    anyhow::bail!("administrator not created: {errors}")
                }
                Err(e) => return Err(e.into()),
            }
        }
        // Run above, before the database is opened.
        Command::AlarmSim(_) => {}
        Command::Serve => {
            if config.demo() {
                hotline.load_demo_if_empty(DemoSize::default()).await?;
            }
            let options = leptos_options(&config)?;
            let purger = hotline.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(Duration::from_secs(600));
                loop {
                    every.tick().await;
                    match purger.purge_sessions().await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(removed = n, "expired sessions removed"),
                        Err(e) => tracing::warn!(error = %e, "session purge failed"),
                    }
                }
            });
            spawn_workers(&hotline);
            serve(
                hotline.clone(),
                options,
                config.web(),
                Duration::from_secs(config.shutdown_grace_secs),
            )
            .await?;
        }
    }
    close_store(&hotline, Duration::from_secs(config.shutdown_grace_secs)).await;
    Ok(())
}

/// Closes the database pool once serving has stopped. Its close waits for every lent
/// connection, so requests still holding one after `grace` do not hold the exit.
pub async fn close_store(hotline: &Hotline, grace: Duration) {
    if tokio::time::timeout(grace, hotline.store.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still busy; exiting anyway");
    }
}

/// The background workers of a serving instance: overdue reminders (W6) and SMS delivery
/// (N1). Both work from stored rows, so several instances may run them side by side and a
/// restart loses nothing; each pass is logged on failure and retried on the next tick.
pub fn spawn_workers(hotline: &Hotline) {
    let reminders = hotline.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(30));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match reminders.process_reminders().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sent = n, "reminders sent"),
                Err(e) => tracing::warn!(error = %e, "reminder pass failed"),
            }
        }
    });
    // Alarms nobody acknowledged: checked every few seconds (the first alert is due a
    // minute after the alarm).
    let alarms = hotline.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = alarms.process_alarm_escalations().await {
                tracing::warn!(error = %e, "alarm escalation pass failed");
            }
        }
    });
    let sms = hotline.clone();
    tokio::spawn(async move {
        let provider = hotline_core::sms::OutboxOnly;
        let mut every = tokio::time::interval(Duration::from_secs(5));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = sms.deliver_sms(&provider).await {
                tracing::warn!(error = %e, "SMS delivery pass failed");
            }
        }
    });
}

/// Binds and serves until SIGINT/SIGTERM.
pub async fn serve(
    hotline: Hotline,
    options: LeptosOptions,
    web: http::access::WebConfig,
    grace: Duration,
) -> anyhow::Result<()> {
    let addr: SocketAddr = options.site_addr;
    let listener = TcpListener::bind(addr).await?;
    tracing::info!(%addr, "listening on http://{addr}");
    serve_on(listener, hotline, options, web, grace, shutdown_signal()).await
}

/// Serves on `listener` until `stop` completes; then stops accepting, ends live event
/// streams, and lets in-flight requests finish, for at most `grace`.
pub async fn serve_on(
    listener: TcpListener,
    hotline: Hotline,
    options: LeptosOptions,
    web: http::access::WebConfig,
    grace: Duration,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stopping_tx, stopping) = watch::channel(false);
    let state = http::AppState {
        assets: Arc::new(http::assets::Assets::new(&options)),
        leptos_options: options,
        hotline,
        shutdown: stopping.clone(),
        web: Arc::new(web),
        limiter: Arc::default(),
    };
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    // Nagle's algorithm off: a page is streamed in several small writes, and with it on the
    // kernel holds each write back until the last is acknowledged, which a keep-alive
    // client delays by up to 40 ms (issue 13: 44 ms per page on a keep-alive connection,
    // 3 ms with a fresh connection per request).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY on a connection");
        }
    });
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop.await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stopping_tx.send(true);
    });
    let mut stopping = stopping;
    tokio::select! {
        result = server => result?,
        _ = async {
            let _ = stopping.wait_for(|s| *s).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!("grace period over; exiting with requests still open"),
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
