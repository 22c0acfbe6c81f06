//! Server configuration: command-line flags, environment variables, and an optional file of
//! `KEY=value` lines (`--config FILE` or `HOTLINE_CONFIG`). Flags beat the environment,
//! the environment beats the file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "hotline",
    version,
    about = "Hotline 12345: the citizen-service hotline platform (portal, agent desk, dispatch, one-key alarms).",
    long_about = None,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Start the web server (the default): migrates, loads the code tables and, on an empty
    /// database, the demo data set.
    Serve,
    /// Apply pending database migrations and load empty code tables, then exit.
    Migrate,
    /// Load the demo data set (Xianyang vendors, elderly, cases) into an empty database.
    SeedDemo,
    /// Create an administrator account (the first account of a new installation). The
    /// password is read from HOTLINE_ADMIN_PASSWORD, else from the first line of stdin.
    CreateAdmin {
        /// Sign-in name: letters, digits, `.`, `_`, `-`.
        #[arg(long)]
        username: String,
        /// The name shown in the UI and the audit log.
        #[arg(long, default_value = "系统管理员")]
        display_name: String,
    },
    /// Send signed alarms to a running platform as the one-key gateway would (one, a burst,
    /// a retry storm, an unknown number); the secret is HOTLINE_ALARM_SECRET.
    AlarmSim(crate::alarm_sim::SimArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// A file of KEY=value lines read before the environment (e.g. DATABASE_URL=...).
    #[arg(long, env = "HOTLINE_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    /// Database to use: postgres://user@host/db for PostgreSQL; when unset, the SQLite file
    /// hotline.db in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Directory for the embedded SQLite database and other local state.
    #[arg(long, env = "HOTLINE_DATA_DIR", default_value = "var", global = true)]
    pub data_dir: PathBuf,

    /// Address to listen on; defaults to LEPTOS_SITE_ADDR, then 127.0.0.1:3000.
    #[arg(long, env = "HOTLINE_ADDR", global = true)]
    pub addr: Option<SocketAddr>,

    /// Load the demo data set when the database is empty at start. Defaults to true on
    /// SQLite and false on PostgreSQL (a production database gets no invented people).
    #[arg(long, env = "HOTLINE_DEMO", action = ArgAction::Set, global = true)]
    pub demo: Option<bool>,

    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, env = "HOTLINE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Seconds to let in-flight requests finish after SIGTERM/Ctrl-C before exiting.
    #[arg(
        long,
        env = "HOTLINE_SHUTDOWN_GRACE_SECS",
        default_value_t = 20,
        global = true
    )]
    pub shutdown_grace_secs: u64,

    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        env = "HOTLINE_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: u32,

    /// Hours after sign-in after which a session ends, however active.
    #[arg(
        long,
        env = "HOTLINE_SESSION_ABSOLUTE_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_absolute_hours: u32,

    /// Wrong passwords in a row that lock an account.
    #[arg(
        long,
        env = "HOTLINE_LOCKOUT_FAILURES",
        default_value_t = 5,
        global = true
    )]
    pub lockout_failures: u32,

    /// Minutes an account stays locked.
    #[arg(
        long,
        env = "HOTLINE_LOCKOUT_MINUTES",
        default_value_t = 15,
        global = true
    )]
    pub lockout_minutes: u32,

    /// Web request filings per client address, as N/SECONDS.
    #[arg(long, env = "HOTLINE_RATE_FILING", default_value = "20/600", value_parser = crate::http::access::parse_limit, global = true)]
    pub rate_filing: (u32, std::time::Duration),

    /// Tracking lookups per client address, as N/SECONDS.
    #[arg(long, env = "HOTLINE_RATE_TRACKING", default_value = "30/60", value_parser = crate::http::access::parse_limit, global = true)]
    pub rate_tracking: (u32, std::time::Duration),

    /// Sign-in attempts per client address, as N/SECONDS.
    #[arg(long, env = "HOTLINE_RATE_SIGN_IN", default_value = "10/60", value_parser = crate::http::access::parse_limit, global = true)]
    pub rate_sign_in: (u32, std::time::Duration),

    /// Requests filed through Open311 per API key, as N/SECONDS.
    #[arg(long, env = "HOTLINE_RATE_OPEN311", default_value = "120/60", value_parser = crate::http::access::parse_limit, global = true)]
    pub rate_open311: (u32, std::time::Duration),

    /// When session cookies carry `Secure`: auto (when the proxy says HTTPS), always, never.
    #[arg(long, env = "HOTLINE_COOKIE_SECURE", value_enum, default_value_t = crate::http::access::CookieSecure::Auto, global = true)]
    pub cookie_secure: crate::http::access::CookieSecure,

    /// Behind a reverse proxy: take the client address from X-Forwarded-For.
    #[arg(long, env = "HOTLINE_TRUST_PROXY", action = ArgAction::Set, default_value_t = false, global = true)]
    pub trust_proxy: bool,

    /// Shared secret the telephone system signs its webhook calls with (HMAC-SHA256).
    /// Unset, `POST /api/v1/telephony/events` answers 503.
    #[arg(
        long,
        env = "HOTLINE_TELEPHONY_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub telephony_secret: Option<String>,

    /// Shared secret the one-key alarm gateway signs its webhook calls with (the telephone
    /// system's scheme). Unset, `POST /api/v1/alarms` answers 503.
    #[arg(
        long,
        env = "HOTLINE_ALARM_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub alarm_secret: Option<String>,

    /// A department confirms a dispatched case within this (半小时确认): `<amount> <unit>`,
    /// the unit one of minutes, hours, days, working_days.
    #[arg(
        long,
        env = "HOTLINE_CONFIRM_LIMIT",
        default_value = "30 minutes",
        global = true
    )]
    pub confirm_limit: hotline_domain::Limit,

    /// A department handles a case within this unless the dispatcher sets another
    /// (`15 working_days`: counted on the holiday calendar).
    #[arg(
        long,
        env = "HOTLINE_HANDLING_LIMIT",
        default_value = "7 days",
        global = true
    )]
    pub handling_limit: hotline_domain::Limit,

    /// With `red_after_hours`: a limit's light turns yellow once this share of it has
    /// passed (120 of 168 hours: 5 days into a 7-day limit).
    #[arg(
        long,
        env = "HOTLINE_YELLOW_AFTER_HOURS",
        default_value_t = 120,
        global = true
    )]
    pub yellow_after_hours: u32,

    /// See `yellow_after_hours`; a limit's light is red once the limit has passed.
    #[arg(
        long,
        env = "HOTLINE_RED_AFTER_HOURS",
        default_value_t = 168,
        global = true
    )]
    pub red_after_hours: u32,

    /// The centre calls the citizen back within this after the handling.
    #[arg(
        long,
        env = "HOTLINE_CALLBACK_LIMIT",
        default_value = "24 hours",
        global = true
    )]
    pub callback_limit: hotline_domain::Limit,

    /// Minutes between repeated reminders of the same overdue item.
    #[arg(
        long,
        env = "HOTLINE_REMINDER_REPEAT_MINUTES",
        default_value_t = 60,
        global = true
    )]
    pub reminder_repeat_minutes: u32,

    /// Calls back that do not reach the citizen before the callback closes as "could not
    /// confirm".
    #[arg(
        long,
        env = "HOTLINE_CALLBACK_ATTEMPTS",
        default_value_t = 3,
        global = true
    )]
    pub callback_attempts: u32,

    /// The next call back is due this long after one that did not reach the citizen.
    #[arg(
        long,
        env = "HOTLINE_CALLBACK_RETRY_LIMIT",
        default_value = "4 hours",
        global = true
    )]
    pub callback_retry_limit: hotline_domain::Limit,

    /// An urgent case's part (紧急件, W9) is confirmed within this.
    #[arg(
        long,
        env = "HOTLINE_URGENT_CONFIRM_LIMIT",
        default_value = "10 minutes",
        global = true
    )]
    pub urgent_confirm_limit: hotline_domain::Limit,

    /// An urgent case's part is handled within this unless the dispatcher sets another.
    #[arg(
        long,
        env = "HOTLINE_URGENT_HANDLING_LIMIT",
        default_value = "24 hours",
        global = true
    )]
    pub urgent_handling_limit: hotline_domain::Limit,

    /// Minutes between repeated reminders of an urgent case.
    #[arg(
        long,
        env = "HOTLINE_URGENT_REMINDER_REPEAT_MINUTES",
        default_value_t = 15,
        global = true
    )]
    pub urgent_reminder_repeat_minutes: u32,

    /// A one-key alarm (C) is followed up within this of its handling, instead of the
    /// general callback.
    #[arg(
        long,
        env = "HOTLINE_ONE_KEY_FOLLOW_UP_LIMIT",
        default_value = "2 hours",
        global = true
    )]
    pub one_key_follow_up_limit: hotline_domain::Limit,

    /// The reminder round at which the shift lead is told (in-app and on the duty phone).
    #[arg(
        long,
        env = "HOTLINE_ESCALATE_AFTER",
        default_value_t = 3,
        global = true
    )]
    pub escalate_after: u32,

    /// The same for urgent cases.
    #[arg(
        long,
        env = "HOTLINE_URGENT_ESCALATE_AFTER",
        default_value_t = 1,
        global = true
    )]
    pub urgent_escalate_after: u32,

    /// A reminder stops after this many rounds (the lead has had it since escalation).
    #[arg(
        long,
        env = "HOTLINE_REMINDER_MAX_ROUNDS",
        default_value_t = 24,
        global = true
    )]
    pub reminder_max_rounds: u32,

    /// A one-key alarm nobody acknowledged is taken to the lead after this many seconds
    /// (in-app with the escalation sound, and by SMS to the duty phone)…
    #[arg(long, env = "HOTLINE_ALARM_ESCALATE_AFTER_SECS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(5..=3600), global = true)]
    pub alarm_escalate_after_secs: u32,

    /// …and again at this interval until someone acknowledges it.
    #[arg(long, env = "HOTLINE_ALARM_ESCALATION_REPEAT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(10..=3600), global = true)]
    pub alarm_escalation_repeat_secs: u32,

    /// The shift lead's duty phone: escalations are also sent there by SMS.
    #[arg(long, env = "HOTLINE_DUTY_PHONE", global = true)]
    pub duty_phone: Option<String>,

    /// Whether a satisfied callback archives the case at once (`false`: a separate step).
    #[arg(
        long,
        env = "HOTLINE_ARCHIVE_WHEN_SATISFIED",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub archive_when_satisfied: bool,
}

impl Config {
    pub fn security_policy(&self) -> hotline_core::auth::SecurityPolicy {
        hotline_core::auth::SecurityPolicy {
            idle: chrono::Duration::minutes(self.session_idle_minutes.max(1).into()),
            absolute: chrono::Duration::hours(self.session_absolute_hours.max(1).into()),
            max_failures: self.lockout_failures.max(1).into(),
            lock_for: chrono::Duration::minutes(self.lockout_minutes.into()),
        }
    }

    /// The case time limits; refused at start-up if they cannot work.
    pub fn flow_policy(&self) -> anyhow::Result<hotline_domain::FlowPolicy> {
        let policy = hotline_domain::FlowPolicy {
            confirm: self.confirm_limit,
            handling: self.handling_limit,
            yellow_after_hours: self.yellow_after_hours.into(),
            red_after_hours: self.red_after_hours.into(),
            callback: self.callback_limit,
            reminder_repeat_minutes: self.reminder_repeat_minutes.into(),
            callback_attempts: self.callback_attempts.into(),
            callback_retry: self.callback_retry_limit,
            archive_when_satisfied: self.archive_when_satisfied,
            urgent_confirm: self.urgent_confirm_limit,
            urgent_handling: self.urgent_handling_limit,
            urgent_reminder_repeat_minutes: self.urgent_reminder_repeat_minutes.into(),
            one_key_follow_up: self.one_key_follow_up_limit,
            escalate_after: self.escalate_after.into(),
            urgent_escalate_after: self.urgent_escalate_after.into(),
            reminder_max_rounds: self.reminder_max_rounds.into(),
        };
        policy
            .validate()
            .map_err(|e| anyhow::anyhow!("case time limits: {e}"))?;
        Ok(policy)
    }

    /// The duty phone, checked: a number that cannot take an SMS is refused at start-up.
    pub fn alarm_policy(&self) -> hotline_domain::AlarmPolicy {
        hotline_domain::AlarmPolicy {
            escalate_after: chrono::Duration::seconds(i64::from(self.alarm_escalate_after_secs)),
            repeat_every: chrono::Duration::seconds(i64::from(self.alarm_escalation_repeat_secs)),
        }
    }

    pub fn duty_phone(&self) -> anyhow::Result<Option<String>> {
        match self.duty_phone.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => hotline_domain::PhoneNumber::parse(raw)
                .map(|p| Some(p.as_str().to_string()))
                .map_err(|_| anyhow::anyhow!("HOTLINE_DUTY_PHONE: not a phone number: {raw}")),
        }
    }

    pub fn web(&self) -> crate::http::access::WebConfig {
        use crate::http::access::Limit;
        crate::http::access::WebConfig {
            limits: std::collections::HashMap::from([
                (Limit::Filing, self.rate_filing),
                (Limit::Tracking, self.rate_tracking),
                (Limit::SignIn, self.rate_sign_in),
                (Limit::Open311Key, self.rate_open311),
            ]),
            cookie_secure: self.cookie_secure,
            trust_proxy: self.trust_proxy,
            telephony_secret: self.telephony_secret.clone().filter(|s| !s.is_empty()),
            alarm_secret: self.alarm_secret.clone().filter(|s| !s.is_empty()),
        }
    }

    /// The database URL, defaulting to `sqlite://<data_dir>/hotline.db`.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_string(),
            _ => format!("sqlite://{}", self.data_dir.join("hotline.db").display()),
        }
    }

    /// Whether `serve` loads the demo data into an empty database.
    pub fn demo(&self) -> bool {
        self.demo
            .unwrap_or_else(|| self.database_url().starts_with("sqlite:"))
    }

    /// The SQLite file named by the database URL, if it is one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let url = self.database_url();
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }
}

/// Reads `KEY=value` lines into the environment, without overriding variables already set.
/// Blank lines and `#` comments are skipped; values may be quoted.
pub fn load_config_file(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
    for (key, value) in parse_config_file(&text).map_err(|e| format!("{}: {e}", path.display()))? {
        if std::env::var_os(&key).is_none() {
            std::env::set_var(key, value);
        }
    }
    Ok(())
}

pub fn parse_config_file(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected KEY=value", i + 1))?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("line {}: {key:?} is not a variable name", i + 1));
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        pairs.push((key.to_string(), value.to_string()));
    }
    Ok(pairs)
}
