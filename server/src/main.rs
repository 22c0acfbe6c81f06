use clap::Parser;
use hotline_server::config::{load_config_file, Cli, Command, LogFormat};

fn main() -> std::process::ExitCode {
    // The optional config file fills in the environment before the flags are read.
    if let Some(path) = config_file_argument() {
        if let Err(e) = load_config_file(&path) {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    }
    let cli = Cli::parse();
    init_tracing(cli.config.log_format);

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    match runtime.block_on(hotline_server::run(command, cli.config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "hotline stopped with an error");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `--config FILE`, `--config=FILE` or `HOTLINE_CONFIG`, looked up before clap runs.
fn config_file_argument() -> Option<std::path::PathBuf> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .enumerate()
        .find_map(|(i, a)| {
            a.strip_prefix("--config=").map(str::to_string).or_else(|| {
                (a == "--config")
                    .then(|| args.get(i + 1).cloned())
                    .flatten()
            })
        })
        .or_else(|| std::env::var("HOTLINE_CONFIG").ok())
        .map(Into::into)
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,tower_http=info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
