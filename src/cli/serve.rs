//! `bondwatch serve`: the server with its scheduler, and the demo portfolio.

use anyhow::Context as _;
use clap::Args;

use bondwatch::config::{
    AuthSettings, DEFAULT_LISTEN, DatabaseArgs, DebtSettings, JobSettings, MailSettings, ReadSettings, ReportSettings,
    Settings,
};
use bondwatch::{Ctx, api, demo};

use super::{RulesArg, ScheduleArg};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BONDWATCH_LISTEN", default_value = DEFAULT_LISTEN)]
    listen: String,
    /// Fill an empty database with the demo portfolio before serving.
    #[arg(long)]
    demo: bool,
    /// An API-only replica: run no scheduled jobs.
    #[arg(long)]
    no_scheduler: bool,
    #[command(flatten)]
    schedule: ScheduleArg,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    debt: DebtSettings,
    #[command(flatten)]
    auth: AuthSettings,
    #[command(flatten)]
    mail: MailSettings,
    #[command(flatten)]
    reports: ReportSettings,
    #[command(flatten)]
    jobs: JobSettings,
    #[command(flatten)]
    reads: ReadSettings,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let jobs = args.schedule.load()?;
    let rules = args.rules.load()?;
    let settings = Settings {
        debt: args.debt,
        auth: args.auth,
        mail: args.mail.following(&args.listen),
        reports: args.reports,
        jobs: args.jobs,
        reads: args.reads,
    };
    let ctx = super::open_or_create(&args.database, &settings).await?.with_rules(rules).with_schedule(jobs.clone());
    let ctx = match ctx.settings.reads.read_database_url.clone() {
        Some(url) if !url.starts_with("postgres") => {
            anyhow::bail!(
                "--read-database-url 须为 PostgreSQL 备库的地址(postgres://…),而不是 {}",
                bondwatch::config::redact(&url)
            )
        }
        Some(url) => {
            let standby = super::connect(&DatabaseArgs { database_url: url }).await?;
            tracing::info!("read-only GraphQL requests go to the standby");
            ctx.with_standby(standby)
        }
        None => ctx,
    };
    tracing::info!("mail: {}", bondwatch::digest::mail::describe(&ctx.settings.mail));
    if args.demo {
        load_demo(&ctx).await?;
    }
    let anonymous = if args.demo { api::Anonymous::ReadOnly } else { api::Anonymous::Refused };
    let _scheduler = if args.no_scheduler {
        tracing::info!("--no-scheduler: this replica serves the API only");
        None
    } else {
        let replica =
            format!("{}-{}", std::env::var("HOSTNAME").unwrap_or_else(|_| "bondwatch".into()), std::process::id());
        let names: Vec<String> = jobs.iter().map(|j| format!("{} ({})", j.name, j.cron_text)).collect();
        tracing::info!("scheduler: {} in Asia/Shanghai time", names.join(", "));
        // Digests that failed are retried as their backoff runs out.
        let sender = ctx.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                if let Err(e) = bondwatch::digest::mail::deliver_due(&sender).await {
                    tracing::warn!(error = %e, "cannot deliver digests");
                }
            }
        });
        let every = std::time::Duration::from_secs(ctx.settings.jobs.follow_seconds);
        bondwatch::monitoring::follow::spawn(ctx.clone(), ctx.changed.clone(), every);
        Some(bondwatch::jobs::start(ctx.clone(), jobs, replica).await.map_err(anyhow::Error::msg)?)
    };
    serve(ctx, &args.listen, anonymous).await
}

/// How long requests in flight may take to finish once a stop is asked for.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

pub async fn load_demo(ctx: &Ctx) -> anyhow::Result<()> {
    match demo::load(ctx, |step| tracing::info!("demo: {step}")).await.context("cannot load the demo portfolio")? {
        demo::Outcome::Loaded(summary) => {
            println!("demo portfolio loaded: {summary}");
            let users: Vec<&str> = demo::DEMO_USERS.iter().map(|(name, _, _)| *name).collect();
            println!("demo users (password {}): {}", demo::DEMO_PASSWORD, users.join(", "));
        }
        demo::Outcome::AlreadyPresent => {
            println!("the database already holds projects; the demo portfolio was not loaded again")
        }
    }
    Ok(())
}

async fn serve(ctx: Ctx, listen: &str, anonymous: api::Anonymous) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!("bondwatch serving on http://{addr} (dashboard at /, GraphQL at /graphql, GraphiQL at /graphiql)");
    println!("bondwatch serving on http://{addr}/ (the dashboard; GraphiQL at http://{addr}/graphiql)");
    if anonymous == api::Anonymous::ReadOnly {
        tracing::warn!("demo mode: requests without credentials may read everything (as RESEARCHER)");
    }
    let app = api::router(ctx, anonymous).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Requests in flight get a grace to finish; whatever still runs then is dropped
    // (its transaction rolls back), so a stop takes seconds whatever is running.
    let stopping = std::sync::Arc::new(tokio::sync::Notify::new());
    let signalled = stopping.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        signalled.notify_one();
    });
    tokio::select! {
        served = server => served?,
        () = async {
            stopping.notified().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => tracing::warn!("requests still running {} s after the signal: stopped without them", SHUTDOWN_GRACE.as_secs()),
    }
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
