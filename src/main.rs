//! The bondwatch command line: serve, migrate, demo, export-schema.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use bondwatch::config::{DEFAULT_LISTEN, DatabaseArgs, Settings};
use bondwatch::{Ctx, api, clock, db, demo};

#[derive(Parser)]
#[command(
    name = "bondwatch",
    version,
    about = "Follows special-purpose bond projects (专项债项目) from borrowing to repayment"
)]
struct Cli {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the GraphQL API, GraphiQL and the health check; migrates the database first.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "BONDWATCH_LISTEN", default_value = DEFAULT_LISTEN)]
        listen: String,
        /// Fill an empty database with the demo portfolio before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Creates or upgrades the database schema.
    Migrate,
    /// Fills an empty database with a demo portfolio of a district like Hanyang.
    Demo,
    /// Prints the served GraphQL schema (SDL).
    ExportSchema,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("BONDWATCH_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bondwatch: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(database: &DatabaseArgs, settings: &Settings) -> anyhow::Result<Ctx> {
    let conn = db::connect(&database.database_url, None)
        .await
        .with_context(|| format!("cannot open the database {}", database.redacted()))?;
    db::migrate(&conn)
        .await
        .context("cannot migrate the database")?;
    tracing::info!(database = %database.redacted(), "database ready");
    Ok(Ctx::new(conn, clock::system()).with_settings(settings.clone()))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::ExportSchema => {
            print!("{}", api::sdl());
            Ok(())
        }
        Command::Migrate => {
            open(&cli.database, &cli.settings).await?;
            println!("database {} is up to date", cli.database.redacted());
            Ok(())
        }
        Command::Demo => {
            let ctx = open(&cli.database, &cli.settings).await?;
            load_demo(&ctx).await
        }
        Command::Serve { listen, demo } => {
            let ctx = open(&cli.database, &cli.settings).await?;
            if demo {
                load_demo(&ctx).await?;
            }
            serve(ctx, &listen).await
        }
    }
}

async fn load_demo(ctx: &Ctx) -> anyhow::Result<()> {
    match demo::load(ctx, |step| tracing::info!("demo: {step}"))
        .await
        .context("cannot load the demo portfolio")?
    {
        demo::Outcome::Loaded(summary) => println!("demo portfolio loaded: {summary}"),
        demo::Outcome::AlreadyPresent => {
            println!("the database already holds projects; the demo portfolio was not loaded again")
        }
    }
    Ok(())
}

async fn serve(ctx: Ctx, listen: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(
        "bondwatch serving on http://{addr} (GraphQL at /graphql, GraphiQL at /graphiql)"
    );
    println!("bondwatch serving on http://{addr}/graphiql");
    axum::serve(listener, api::router(ctx))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests finish before the server stops.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
