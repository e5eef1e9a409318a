//! The bondwatch command line: serve, migrate, demo, export-schema.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use bondwatch::auth::{NewUser, Role};
use bondwatch::config::{DEFAULT_LISTEN, DatabaseArgs, Settings};
use bondwatch::monitoring::RuleConfig;
use bondwatch::{Ctx, api, auth, clock, db, demo};

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
    /// The alert rules file; without it, jobs/rules.toml when present, else the rules shipped in the binary.
    #[arg(long, env = "BONDWATCH_RULES", global = true)]
    rules: Option<std::path::PathBuf>,
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
        /// An API-only replica: run no scheduled jobs.
        #[arg(long)]
        no_scheduler: bool,
        /// The scheduled jobs file; without it, jobs/schedule.toml when present, else the schedule shipped in the binary.
        #[arg(long, env = "BONDWATCH_SCHEDULE")]
        schedule: Option<std::path::PathBuf>,
    },
    /// Creates or upgrades the database schema.
    Migrate,
    /// Fills an empty database with a demo portfolio of a district like Hanyang.
    Demo,
    /// Prints the served GraphQL schema (SDL).
    ExportSchema,
    /// Runs the alert rules and stores the alerts, as the scheduled job does; with
    /// --as-of, prints what would be raised on that date and stores nothing.
    Sweep {
        /// Prints what the rules find on this date (YYYY-MM-DD) and stores nothing.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// With --as-of: only what was recorded by this moment counts (RFC 3339, e.g.
        /// 2026-06-15T18:00:00+08:00), as the office could have seen it then.
        #[arg(long, requires = "as_of")]
        known_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Writes an export as an xlsx workbook: alerts, portfolio, schedule or evaluations.
    Export {
        /// alerts, portfolio, schedule or evaluations.
        what: String,
        /// For evaluations: the year (default this year).
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Writes the empty import template (xlsx, Chinese headers, a 说明 sheet).
    Template { out: std::path::PathBuf },
    /// Imports a workbook made from the template: all or nothing, every problem reported.
    Import {
        file: std::path::PathBuf,
        /// Check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Alert digests to managers.
    #[command(subcommand)]
    Digest(DigestCommand),
    /// The evaluation (绩效评价) and ex-ante assessment (事前绩效评估) reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Fills an empty database with a deterministic synthetic portfolio, for benchmarks.
    Gen {
        #[arg(long, default_value_t = 1000)]
        projects: usize,
        #[arg(long, default_value_t = 3)]
        years: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Users of the API.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand)]
enum ReportCommand {
    /// A project's performance evaluation for a year; without --project, every project
    /// (evaluated and stored) into the folder --out, with the department ranking.
    Evaluation {
        #[arg(long)]
        project: Option<String>,
        #[arg(long)]
        year: i32,
        /// A file, or a folder without --project.
        #[arg(long)]
        out: std::path::PathBuf,
        /// pdf, html, or xlsx (the scoring sheet).
        #[arg(long, default_value = "pdf")]
        format: String,
    },
    /// A project's ex-ante assessment report.
    Assessment {
        #[arg(long)]
        project: String,
        #[arg(long)]
        out: std::path::PathBuf,
        /// pdf or html.
        #[arg(long, default_value = "pdf")]
        format: String,
    },
}

#[derive(Subcommand)]
enum DigestCommand {
    /// Composes and delivers the digests due now (or that subscription's), as the scheduled job does.
    Run {
        #[arg(long)]
        subscription: Option<i64>,
        /// The scheduled jobs file (digest jobs); see serve.
        #[arg(long, env = "BONDWATCH_SCHEDULE")]
        schedule: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds a user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// admin, reporter, researcher or manager.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The department code (required for a reporter).
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Creates an API token (and the user, without a password, if needed); the token is the last line printed.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        department: Option<String>,
        /// Days until the token expires; without it, it does not expire.
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// Revokes one token, or every token of a user.
    Revoke {
        #[arg(long, conflicts_with = "username")]
        token: Option<String>,
        #[arg(long)]
        username: Option<String>,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("'{text}' is not a role: use admin, reporter, researcher or manager"))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("BONDWATCH_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
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

/// The rules, validated: a bad file stops the start with a message naming its line.
fn load_rules(path: Option<&std::path::Path>) -> anyhow::Result<RuleConfig> {
    let default = std::path::Path::new("jobs/rules.toml");
    let path = path.or(default.exists().then_some(default));
    match path {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("cannot read the rules file {}", p.display()))?;
            RuleConfig::parse(&text, &p.display().to_string()).map_err(anyhow::Error::msg)
        }
        None => Ok(RuleConfig::default_rules()),
    }
}

/// The schedule, validated: a bad file stops the start with a message naming its line.
fn load_schedule(path: Option<&std::path::Path>) -> anyhow::Result<Vec<bondwatch::jobs::JobDef>> {
    let default = std::path::Path::new("jobs/schedule.toml");
    match path.or(default.exists().then_some(default)) {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("cannot read the schedule {}", p.display()))?;
            bondwatch::jobs::parse_schedule(&text, &p.display().to_string()).map_err(anyhow::Error::msg)
        }
        None => bondwatch::jobs::parse_schedule(bondwatch::jobs::DEFAULT_SCHEDULE, "jobs/schedule.toml")
            .map_err(anyhow::Error::msg),
    }
}

/// Opens a database that must already hold bondwatch's schema (every command but
/// `serve`, `migrate`, `demo` and `gen`): a mistyped URL must not become a new, empty
/// database whose emptiness a command then reports as fact.
async fn open(database: &DatabaseArgs, settings: &Settings) -> anyhow::Result<Ctx> {
    let url = &database.database_url;
    if let Some(path) = sqlite_file(url)
        && !std::path::Path::new(path).exists()
    {
        anyhow::bail!("数据库文件 {path} 不存在;请检查 --database-url,或先运行 bondwatch migrate(或 demo)创建数据库");
    }
    let conn = connect(database).await?;
    let has_schema = sea_orm::ConnectionTrait::query_one_raw(
        &conn,
        sea_orm::Statement::from_string(conn.get_database_backend(), "SELECT COUNT(*) AS n FROM seaql_migrations"),
    )
    .await
    .is_ok();
    if !has_schema {
        anyhow::bail!(
            "数据库 {} 中没有 bondwatch 的表;请检查 --database-url,或先运行 bondwatch migrate",
            database.redacted()
        );
    }
    ready(conn, database, settings).await
}

/// Opens the database, creating it and its schema when missing (`serve`, `migrate`,
/// `demo`, `gen`).
async fn open_or_create(database: &DatabaseArgs, settings: &Settings) -> anyhow::Result<Ctx> {
    let conn = connect(database).await?;
    ready(conn, database, settings).await
}

/// The connection pool. A PostgreSQL server that refuses or cannot be reached is said
/// at once, from one first attempt, rather than after the pool's ten-second wait.
async fn connect(database: &DatabaseArgs) -> anyhow::Result<sea_orm::DatabaseConnection> {
    use sea_orm::sqlx::Connection;
    let url = &database.database_url;
    if url.starts_with("postgres") {
        let wait = std::time::Duration::from_secs(5);
        match tokio::time::timeout(wait, sea_orm::sqlx::PgConnection::connect(url)).await {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
            Ok(Err(e)) => anyhow::bail!("无法连接 PostgreSQL {}:{e}", database.redacted()),
            Err(_) => anyhow::bail!("无法连接 PostgreSQL {}:5 秒内没有应答", database.redacted()),
        }
    }
    db::connect(url, None).await.with_context(|| format!("cannot open the database {}", database.redacted()))
}

async fn ready(conn: sea_orm::DatabaseConnection, database: &DatabaseArgs, settings: &Settings) -> anyhow::Result<Ctx> {
    db::migrate(&conn).await.context("cannot migrate the database")?;
    tracing::info!(database = %database.redacted(), "database ready");
    Ok(Ctx::with(conn, clock::system(), settings.clone()))
}

/// The file of a SQLite URL (`sqlite://FILE?mode=rwc`, `sqlite:///abs/FILE`); none for
/// PostgreSQL or an in-memory database.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let rules = load_rules(cli.rules.as_deref())?;
    match cli.command {
        Command::Digest(DigestCommand::Run { subscription, schedule }) => {
            let jobs = load_schedule(schedule.as_deref())?;
            let ctx = open(&cli.database, &cli.settings).await?.with_rules(rules).with_schedule(jobs.clone());
            eprintln!("digest: {}", bondwatch::digest::mail::describe(&ctx.settings.mail));
            let now = ctx.clock.now();
            let mut total = (0, bondwatch::digest::mail::Delivered::default());
            for job in jobs.iter().filter(|j| j.kind == bondwatch::jobs::JobKind::Digest) {
                let Some(slot) = job.slot(now) else { continue };
                let (queued, d) = bondwatch::digest::run_job(&ctx, &job.name, slot, subscription).await?;
                // The slot in the office's time, to the second.
                let at = slot.with_timezone(&bondwatch::clock::OFFICE_TZ).format("%Y-%m-%d %H:%M:%S");
                eprintln!("digest: {}: {queued} queued for the slot of {at} (Asia/Shanghai)", job.name);
                total.0 += queued;
                total.1.sent += d.sent;
                total.1.retrying += d.retrying;
                total.1.failed += d.failed;
            }
            println!(
                "{} digests queued; {} sent, {} to retry, {} failed",
                total.0, total.1.sent, total.1.retrying, total.1.failed
            );
            Ok(())
        }
        Command::Export { what, year, out } => {
            let ctx = open(&cli.database, &cli.settings).await?;
            let export = bondwatch::spreadsheets::Export::parse(&what, year, ctx.clock.today())?;
            let bytes = bondwatch::spreadsheets::export(&ctx, export).await?;
            std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
            println!("{what} written to {} ({} bytes)", out.display(), bytes.len());
            Ok(())
        }
        Command::Report(command) => {
            let ctx = open(&cli.database, &cli.settings).await?.with_rules(rules);
            run_report(&ctx, command).await
        }
        Command::Template { out } => {
            let bytes = bondwatch::spreadsheets::template::template()?;
            std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
            println!("template written to {}", out.display());
            Ok(())
        }
        Command::Import { file, dry_run } => {
            use bondwatch::spreadsheets::import::{ImportOptions, Source, import};
            let ctx = open(&cli.database, &cli.settings).await?;
            let started = std::time::Instant::now();
            let last = std::sync::Mutex::new(std::time::Instant::now());
            let progress = |sheet: &str, rows: usize| {
                if let Ok(mut last) = last.lock()
                    && last.elapsed() >= std::time::Duration::from_secs(1)
                {
                    *last = std::time::Instant::now();
                    eprintln!("import: {sheet}: {rows} rows, {:.0} s", started.elapsed().as_secs_f64());
                }
            };
            let options = ImportOptions { dry_run, progress: &progress };
            let report = import(&ctx, &auth::Caller::system("import"), Source::Path(file.clone()), options).await?;
            for p in &report.problems {
                let row = p.row.map(|r| format!(" 第{r}行")).unwrap_or_default();
                let column = p.column.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default();
                let value = p.value.as_deref().map(|v| format!(" “{v}”")).unwrap_or_default();
                println!("问题 {}{row}{column}{value}: {}", p.sheet, p.reason);
            }
            for a in &report.checks {
                println!("检查 {} {}: {}", a.rule, a.severity, a.message);
            }
            let outcome = match (report.written, report.ok) {
                (true, _) => "written",
                (false, true) => "checked, nothing written (dry run)",
                (false, false) => "NOT written: fix the problems above and import again",
            };
            println!(
                "{}: {} rows ({} already imported), {} problems, {} failed checks, {:.1} s, peak memory {} MB — {outcome}",
                file.display(),
                report.rows,
                report.unchanged,
                report.problems.len(),
                report.checks.len(),
                started.elapsed().as_secs_f64(),
                peak_memory_mb()
            );
            if report.ok { Ok(()) } else { std::process::exit(1) }
        }
        Command::Gen { projects, years, seed } => {
            let ctx = open_or_create(&cli.database, &cli.settings).await?;
            let started = std::time::Instant::now();
            let options = bondwatch::synthetic::GenOptions { projects, years, seed };
            let every = (projects / 20).max(200);
            let count = bondwatch::synthetic::generate(&ctx, &options, |done, all| {
                if done % every < 200 || done == all {
                    eprintln!(
                        "gen: {done}/{all} projects ({}%), {:.0} s",
                        done * 100 / all.max(1),
                        started.elapsed().as_secs_f64()
                    );
                }
            })
            .await?;
            println!(
                "generated {} projects, {} bonds, {} rows in {:.1} s; peak memory {} MB",
                count.projects,
                count.bonds,
                count.rows,
                started.elapsed().as_secs_f64(),
                peak_memory_mb()
            );
            Ok(())
        }
        Command::Sweep { as_of, known_at } => {
            let ctx = open(&cli.database, &cli.settings).await?.with_rules(rules);
            sweep(&ctx, as_of, known_at).await
        }
        Command::ExportSchema => {
            print!("{}", api::sdl());
            Ok(())
        }
        Command::Migrate => {
            open_or_create(&cli.database, &cli.settings).await?;
            println!("database {} is up to date", cli.database.redacted());
            Ok(())
        }
        Command::Demo => {
            let ctx = open_or_create(&cli.database, &cli.settings).await?;
            load_demo(&ctx).await
        }
        Command::User(UserCommand::Add { username, role, department, email }) => {
            let ctx = open(&cli.database, &cli.settings).await?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let new = NewUser { username, role, department_code: department, email, password: Some(password) };
            let user = auth::add_user(&ctx, new).await?;
            println!("user {} added with the role {}", user.username, user.role);
            Ok(())
        }
        Command::Token(TokenCommand::Create { username, role, department, expires_in_days }) => {
            let ctx = open(&cli.database, &cli.settings).await?;
            let expires_at = expires_in_days.map(|d| ctx.clock.now() + chrono::Duration::days(d.into()));
            let token = auth::tokens::create_api_token(&ctx, &username, role, department, expires_at).await?;
            match expires_at {
                Some(at) => println!("token for {username} ({}), expires {at}:", role.as_str()),
                None => println!("token for {username} ({}), does not expire:", role.as_str()),
            }
            println!("{token}");
            Ok(())
        }
        Command::Token(TokenCommand::Revoke { token, username }) => {
            let ctx = open(&cli.database, &cli.settings).await?;
            let revoked = auth::tokens::revoke(&ctx, token.as_deref(), username.as_deref()).await?;
            println!("{revoked} token(s) revoked");
            Ok(())
        }
        Command::Serve { listen, demo, no_scheduler, schedule } => {
            let jobs = load_schedule(schedule.as_deref())?;
            let ctx = open_or_create(&cli.database, &cli.settings).await?.with_rules(rules).with_schedule(jobs.clone());
            tracing::info!("mail: {}", bondwatch::digest::mail::describe(&ctx.settings.mail));
            if demo {
                load_demo(&ctx).await?;
            }
            let anonymous = if demo { api::Anonymous::ReadOnly } else { api::Anonymous::Refused };
            let _scheduler = if no_scheduler {
                tracing::info!("--no-scheduler: this replica serves the API only");
                None
            } else {
                let replica = format!(
                    "{}-{}",
                    std::env::var("HOSTNAME").unwrap_or_else(|_| "bondwatch".into()),
                    std::process::id()
                );
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
                Some(bondwatch::jobs::start(ctx.clone(), jobs, replica).await.map_err(anyhow::Error::msg)?)
            };
            serve(ctx, &listen, anonymous).await
        }
    }
}

async fn sweep(
    ctx: &Ctx,
    as_of: Option<chrono::NaiveDate>,
    known_at: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<()> {
    use bondwatch::monitoring::sweep;
    match as_of {
        Some(date) => {
            let findings = sweep::preview(ctx, &ctx.rules, date, None, known_at).await?;
            let known = known_at
                .map(|t| {
                    format!(
                        ", as known at {}",
                        t.with_timezone(&bondwatch::clock::OFFICE_TZ).format("%Y-%m-%d %H:%M:%S")
                    )
                })
                .unwrap_or_default();
            println!("as of {date}{known}: {} alert(s) would be raised (nothing stored)", findings.len());
            let codes = bondwatch::ledger::queries::project_codes(&ctx.db).await?;
            let departments = bondwatch::ledger::queries::department_codes(&ctx.db).await?;
            for f in &findings {
                // Projects and departments by their codes, not internal ids.
                let subject = f
                    .subject
                    .project_id
                    .and_then(|id| codes.get(&id))
                    .or_else(|| f.subject.department_id.and_then(|id| departments.get(&id)))
                    .cloned()
                    .unwrap_or_else(|| f.subject.key());
                println!("{:<4} {:<6} {:<16} {}", f.rule, f.severity.as_str(), subject, f.message);
            }
        }
        None => {
            // At most a line a second, however many batches.
            let last = std::sync::Mutex::new(None::<std::time::Instant>);
            let progress = |done: usize, what: &str| {
                let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                if last.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1)) || what != "projects swept" {
                    eprintln!("sweep: {done} {what}");
                    *last = Some(std::time::Instant::now());
                }
            };
            let options = sweep::SweepOptions { progress: &progress, ..Default::default() };
            let r = sweep::run(ctx, &ctx.rules, ctx.clock.today(), options).await?;
            println!(
                "swept {} projects in {} ms: {} raised, {} updated, {} resolved; peak memory {} MB",
                r.projects,
                r.millis,
                r.raised,
                r.updated,
                r.resolved,
                peak_memory_mb()
            );
        }
    }
    Ok(())
}

fn report_format(text: &str, xlsx: bool) -> anyhow::Result<Option<bondwatch::reports::Format>> {
    use bondwatch::reports::Format;
    match text {
        "pdf" => Ok(Some(Format::Pdf)),
        "html" => Ok(Some(Format::Html)),
        "xlsx" if xlsx => Ok(None),
        other => anyhow::bail!("--format {other}: use pdf or html{}", if xlsx { " or xlsx" } else { "" }),
    }
}

async fn run_report(ctx: &Ctx, command: ReportCommand) -> anyhow::Result<()> {
    use bondwatch::reports::{self, Format};
    let write = |out: &std::path::Path, bytes: &[u8]| {
        std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))
    };
    let check_font = |format: Option<Format>| -> anyhow::Result<()> {
        if format == Some(Format::Pdf) {
            reports::pdf::check_font(ctx.settings.reports.font.as_deref())?;
        }
        Ok(())
    };
    match command {
        ReportCommand::Assessment { project, out, format } => {
            let format = report_format(&format, false)?;
            check_font(format)?;
            let doc = reports::assessment_report(ctx, &project).await?;
            write(&out, &reports::render(ctx, doc, format.unwrap_or(Format::Pdf)).await?)?;
            println!("assessment report of {project} written to {}", out.display());
        }
        ReportCommand::Evaluation { project: Some(code), year, out, format } => {
            let format = report_format(&format, true)?;
            check_font(format)?;
            let bytes = match format {
                Some(f) => reports::render(ctx, reports::evaluation_report(ctx, &code, year).await?, f).await?,
                None => reports::scoring_workbook(ctx, year, Some(&code)).await?,
            };
            write(&out, &bytes)?;
            println!("evaluation report of {code} for {year} written to {}", out.display());
        }
        ReportCommand::Evaluation { project: None, year, out, format } => {
            let format = report_format(&format, true)?;
            check_font(format)?;
            std::fs::create_dir_all(&out).with_context(|| format!("cannot create the folder {}", out.display()))?;
            let started = std::time::Instant::now();
            let projects = bondwatch::ledger::queries::all_project_codes(&ctx.db).await?;
            let bar = indicatif::ProgressBar::new(projects.len() as u64).with_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} projects, {elapsed} (eta {eta}) {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let operator = auth::Caller::system("report");
            for code in &projects {
                bar.set_message(code.clone());
                let (facts, result) = bondwatch::evaluation::score_project(ctx, code, year).await?;
                bondwatch::evaluation::store(ctx, &operator, &facts.project, year, &result).await?;
                if let Some(f) = format {
                    let doc = reports::evaluation_document(ctx, &facts, &result, year).await?;
                    write(
                        &out.join(format!("{code}-{year}-evaluation.{}", f.extension())),
                        &reports::render(ctx, doc, f).await?,
                    )?;
                }
                bar.inc(1);
            }
            bar.finish_and_clear();
            let sheet = out.join(format!("{year}-scoring.xlsx"));
            write(&sheet, &reports::scoring_workbook(ctx, year, None).await?)?;
            println!(
                "{} projects evaluated for {year} into {} in {:.1} s; scoring sheet and department ranking in {}",
                projects.len(),
                out.display(),
                started.elapsed().as_secs_f64(),
                sheet.display()
            );
        }
    }
    Ok(())
}

/// The process's peak resident memory (VmHWM), in MB; 0 where /proc is not there.
fn peak_memory_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kb| kb / 1024)
        .unwrap_or(0)
}

async fn load_demo(ctx: &Ctx) -> anyhow::Result<()> {
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
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
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
