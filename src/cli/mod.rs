//! The commands. Each takes on its command line only the options it uses (its `--help`
//! lists nothing else); the settings it does not take keep their defaults.

mod digest;
mod report;
mod serve;
mod sheets;
mod sweep;
mod synthetic;
mod users;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use bondwatch::config::{DatabaseArgs, DebtSettings, Settings};
use bondwatch::monitoring::RuleConfig;
use bondwatch::{Ctx, clock, db};

#[derive(Parser)]
#[command(
    name = "bondwatch",
    version,
    about = "Follows special-purpose bond projects (专项债项目) from borrowing to repayment"
)]
pub struct Cli {
    /// The settings file (keys as the environment's names without BONDWATCH_, in lower
    /// case); without it, ./bondwatch.toml when present. Flags and the environment win.
    #[arg(long, global = true, env = "BONDWATCH_CONFIG", value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// The command line, read over the settings file's values.
pub fn parse() -> anyhow::Result<Cli> {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let named = args
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a.to_str() {
            Some("--config") => args.get(i + 1).map(std::path::PathBuf::from),
            Some(a) => a.strip_prefix("--config=").map(std::path::PathBuf::from),
            None => None,
        })
        .or_else(|| std::env::var_os("BONDWATCH_CONFIG").map(std::path::PathBuf::from));
    let default = std::path::Path::new("bondwatch.toml");
    let mut cmd = Cli::command();
    if let Some(file) = named.as_deref().or(default.exists().then_some(default)) {
        let settings = bondwatch::config::file::read(file).map_err(anyhow::Error::msg)?;
        cmd = bondwatch::config::file::apply(cmd, &settings, file).map_err(anyhow::Error::msg)?;
    }
    let matches = cmd.get_matches_from(args);
    Ok(Cli::from_arg_matches(&matches)?)
}

#[derive(Subcommand)]
enum Command {
    /// Serves the dashboard, the GraphQL API, GraphiQL and the health check; migrates the database first.
    Serve(serve::ServeArgs),
    /// Creates or upgrades the database schema.
    Migrate {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Fills an empty database with a demo portfolio of a district like Hanyang.
    Demo {
        #[command(flatten)]
        store: Store,
    },
    /// Prints the served GraphQL schema (SDL).
    ExportSchema,
    /// Runs the alert rules and stores the alerts, as the scheduled job does; with
    /// --as-of, prints what would be raised on that date and stores nothing.
    Sweep(sweep::SweepArgs),
    /// Writes an export as an xlsx workbook: alerts, portfolio, schedule, evaluations or results (结果应用).
    Export(sheets::ExportArgs),
    /// Writes the empty import template (xlsx, Chinese headers, a 说明 sheet).
    Template(sheets::TemplateArgs),
    /// Imports a workbook made from the template: all or nothing, every problem reported.
    Import(sheets::ImportArgs),
    /// Alert digests to managers.
    #[command(subcommand)]
    Digest(digest::DigestCommand),
    /// The evaluation (绩效评价) and ex-ante assessment (事前绩效评估) reports.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Fills an empty database with a deterministic synthetic portfolio, for benchmarks.
    Gen(synthetic::GenArgs),
    /// Users of the API.
    #[command(subcommand)]
    User(users::UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(users::TokenCommand),
}

/// The database and the debt settings that its figures are computed with: what every
/// command reading the ledger needs.
#[derive(Args)]
struct Store {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    debt: DebtSettings,
}

impl Store {
    fn settings(&self) -> Settings {
        Settings { debt: self.debt.clone(), ..Settings::default() }
    }

    /// Opens a database that must already hold bondwatch's schema.
    async fn open(&self) -> anyhow::Result<Ctx> {
        open(&self.database, &self.settings()).await
    }
}

#[derive(Args)]
struct RulesArg {
    /// The alert rules file; without it, jobs/rules.toml when present, else the rules shipped in the binary.
    #[arg(long, env = "BONDWATCH_RULES")]
    rules: Option<std::path::PathBuf>,
}

impl RulesArg {
    /// The rules, validated: a bad file stops the start with a message naming its line.
    fn load(&self) -> anyhow::Result<RuleConfig> {
        let default = std::path::Path::new("jobs/rules.toml");
        match self.rules.as_deref().or(default.exists().then_some(default)) {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read the rules file {}", p.display()))?;
                RuleConfig::parse(&text, &p.display().to_string()).map_err(anyhow::Error::msg)
            }
            None => Ok(RuleConfig::default_rules()),
        }
    }
}

#[derive(Args)]
struct ScheduleArg {
    /// The scheduled jobs file; without it, jobs/schedule.toml when present, else the schedule shipped in the binary.
    #[arg(long, env = "BONDWATCH_SCHEDULE")]
    schedule: Option<std::path::PathBuf>,
}

impl ScheduleArg {
    /// The schedule, validated: a bad file stops the start with a message naming its line.
    fn load(&self) -> anyhow::Result<Vec<bondwatch::jobs::JobDef>> {
        let default = std::path::Path::new("jobs/schedule.toml");
        match self.schedule.as_deref().or(default.exists().then_some(default)) {
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).with_context(|| format!("cannot read the schedule {}", p.display()))?;
                bondwatch::jobs::parse_schedule(&text, &p.display().to_string()).map_err(anyhow::Error::msg)
            }
            None => bondwatch::jobs::parse_schedule(bondwatch::jobs::DEFAULT_SCHEDULE, "jobs/schedule.toml")
                .map_err(anyhow::Error::msg),
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Migrate { database } => {
            open_or_create(&database, &Settings::default()).await?;
            println!("database {} is up to date", database.redacted());
            Ok(())
        }
        Command::Demo { store } => {
            let ctx = open_or_create(&store.database, &store.settings()).await?;
            serve::load_demo(&ctx).await
        }
        Command::ExportSchema => {
            print!("{}", bondwatch::api::sdl());
            Ok(())
        }
        Command::Sweep(args) => sweep::run(args).await,
        Command::Export(args) => sheets::export(args).await,
        Command::Template(args) => sheets::template(args),
        Command::Import(args) => sheets::import(args).await,
        Command::Digest(command) => digest::run(command).await,
        Command::Report(command) => report::run(command).await,
        Command::Gen(args) => synthetic::run(args).await,
        Command::User(command) => users::run_user(command).await,
        Command::Token(command) => users::run_token(command).await,
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
    tracing::debug!(database = %database.redacted(), "database ready");
    Ok(Ctx::with(conn, clock::system(), settings.clone()))
}

/// The file of a SQLite URL (`sqlite://FILE?mode=rwc`, `sqlite:///abs/FILE`); none for
/// PostgreSQL or an in-memory database.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    /// Every command with the long names of its options, subcommands by their path.
    fn commands() -> Vec<(String, clap::Command)> {
        fn walk(prefix: &str, cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
            for sub in cmd.get_subcommands() {
                let path = format!("{prefix} {}", sub.get_name()).trim().to_string();
                if sub.has_subcommands() {
                    walk(&path, sub, out);
                } else {
                    out.push((path, sub.clone()));
                }
            }
        }
        let mut out = Vec::new();
        walk("", &super::Cli::command(), &mut out);
        out
    }

    fn options(cmd: &clap::Command) -> Vec<String> {
        cmd.get_arguments().filter_map(|a| a.get_long().map(String::from)).collect()
    }

    #[test]
    fn every_option_and_argument_is_described() {
        for (path, cmd) in commands() {
            assert!(cmd.get_about().is_some(), "{path} has no description");
            for arg in cmd.get_arguments() {
                assert!(arg.get_help().is_some(), "bondwatch {path}: {} has no description", arg.get_id());
            }
        }
    }

    #[test]
    fn each_command_lists_only_the_options_it_uses() {
        let server = ["listen", "smtp-url", "session-hours", "request-timeout-ms", "login-max-failures", "schedule"];
        for (path, cmd) in commands() {
            let opts = options(&cmd);
            if path != "serve" {
                for o in [
                    "session-hours",
                    "login-window-minutes",
                    "request-timeout-ms",
                    "login-max-failures",
                    "secure-cookies",
                ] {
                    assert!(!opts.iter().any(|x| x == o), "bondwatch {path} offers --{o}, a server option");
                }
            }
            if !["serve", "digest run"].contains(&path.as_str()) {
                for o in ["listen", "smtp-url", "mail-from", "mail-dir", "base-url", "schedule"] {
                    assert!(!opts.iter().any(|x| x == o), "bondwatch {path} offers --{o}, a digest option");
                }
            }
            if !path.starts_with("report") && path != "serve" {
                assert!(!opts.iter().any(|x| x == "font"), "bondwatch {path} offers --font");
            }
        }
        let by_path = |p: &str| commands().into_iter().find(|(path, _)| path == p).map(|(_, c)| options(&c)).unwrap();
        assert!(server.iter().all(|o| by_path("serve").iter().any(|x| x == o)));
        assert!(by_path("export-schema").is_empty() && by_path("template").is_empty());
        assert_eq!(by_path("migrate"), ["database-url"]);
        assert!(by_path("digest run").iter().any(|x| x == "base-url"));
    }
}
