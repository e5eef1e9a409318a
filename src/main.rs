//! The bondwatch command line; each command lives in `cli/<command>.rs`.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

mod cli;

#[tokio::main]
async fn main() -> ExitCode {
    // sea-orm-migration says "no pending migrations" at every start: bondwatch says it
    // itself when one runs (db::migrate).
    let filter =
        EnvFilter::try_from_env("BONDWATCH_LOG").unwrap_or_else(|_| EnvFilter::new("info,sea_orm_migration=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let args = match cli::parse() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("bondwatch: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    match cli::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bondwatch: {e:#}");
            ExitCode::FAILURE
        }
    }
}
