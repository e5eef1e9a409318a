//! One typed configuration: command-line flags win over environment variables, which
//! win over the settings file (`file`), which wins over the defaults.

pub mod evaluation;
pub mod file;
pub mod results;
pub mod rules;
pub mod schedule;

use clap::Args;

use crate::db::DEFAULT_DATABASE_URL;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Settings the office may change without a rebuild. Each command takes on its command
/// line only the groups it uses; the others keep their defaults, written once below.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub debt: DebtSettings,
    pub auth: AuthSettings,
    pub mail: MailSettings,
    pub reports: ReportSettings,
    pub jobs: JobSettings,
    pub reads: ReadSettings,
}

#[derive(Args, Debug, Clone)]
pub struct ReadSettings {
    /// A PostgreSQL standby (a streaming replica of the primary) that answers read-only
    /// GraphQL requests; writes, jobs, the dashboard and a caller's reads right after
    /// its own write use the primary.
    #[arg(long, env = "BONDWATCH_READ_DATABASE_URL")]
    pub read_database_url: Option<String>,
    /// Seconds after a caller's own write (through this replica's GraphQL) during which
    /// its reads still go to the primary, so that a clerk sees the figure they just
    /// changed while the standby catches up; a standby lagging further shows older
    /// figures after that.
    #[arg(long, env = "BONDWATCH_PRIMARY_AFTER_WRITE_SECONDS", default_value_t = DEFAULT_PRIMARY_AFTER_WRITE_SECONDS,
          value_parser = clap::value_parser!(u64).range(0..=300))]
    pub primary_after_write_seconds: u64,
}

const DEFAULT_PRIMARY_AFTER_WRITE_SECONDS: u64 = 5;

impl Default for ReadSettings {
    fn default() -> Self {
        ReadSettings { read_database_url: None, primary_after_write_seconds: DEFAULT_PRIMARY_AFTER_WRITE_SECONDS }
    }
}

const DEFAULT_JOB_LEASE_SECONDS: u64 = 120;

#[derive(Args, Debug, Clone)]
pub struct JobSettings {
    /// Seconds without a beat after which a running job's replica counts as dead and
    /// another takes its slot over; a running job beats every eighth of it.
    #[arg(long, env = "BONDWATCH_JOB_LEASE_SECONDS", default_value_t = DEFAULT_JOB_LEASE_SECONDS,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub job_lease_seconds: u64,
    /// Seconds between the follower's looks for changes recorded by other replicas or
    /// processes (this replica's own changes wake it at once); it re-evaluates the
    /// changed projects' alerts.
    #[arg(long, env = "BONDWATCH_FOLLOW_SECONDS", default_value_t = DEFAULT_FOLLOW_SECONDS,
          value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub follow_seconds: u64,
}

const DEFAULT_FOLLOW_SECONDS: u64 = 10;

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings { job_lease_seconds: DEFAULT_JOB_LEASE_SECONDS, follow_seconds: DEFAULT_FOLLOW_SECONDS }
    }
}

impl JobSettings {
    pub fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.job_lease_seconds.max(1) as i64)
    }

    pub fn heartbeat(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.job_lease_seconds.max(1) * 1000 / 8)
    }
}

#[derive(Args, Debug, Clone, Default)]
pub struct ReportSettings {
    /// A font file with Chinese characters for PDF reports (.ttf, .otf or .ttc);
    /// without it the usual Debian CJK fonts are looked for.
    #[arg(long, env = "BONDWATCH_FONT")]
    pub font: Option<std::path::PathBuf>,
}

const DEFAULT_MAIL_FROM: &str = "bondwatch <bondwatch@localhost>";
const DEFAULT_MAIL_DIR: &str = "mail-outbox";

#[derive(Args, Clone)]
pub struct MailSettings {
    /// smtp://user:pass@host:587?tls=starttls or smtps://user:pass@host:465; without it
    /// digests are written as .eml files to --mail-dir.
    #[arg(long, env = "BONDWATCH_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of digests.
    #[arg(long, env = "BONDWATCH_MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    pub mail_from: String,
    /// The address managers open the links of a digest at; without it, the address the
    /// server listens on (--listen).
    #[arg(long, env = "BONDWATCH_BASE_URL")]
    pub base_url: Option<String>,
    /// Where digests are written as .eml files when no SMTP server is configured.
    #[arg(long, env = "BONDWATCH_MAIL_DIR", default_value = DEFAULT_MAIL_DIR)]
    pub mail_dir: std::path::PathBuf,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.into(),
            base_url: None,
            mail_dir: DEFAULT_MAIL_DIR.into(),
        }
    }
}

/// The SMTP URL holds a password: it is never printed.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &self.smtp_url.as_deref().map(redact))
            .field("mail_from", &self.mail_from)
            .field("base_url", &self.base_url)
            .field("mail_dir", &self.mail_dir)
            .finish()
    }
}

impl MailSettings {
    /// The base of a digest's links: --base-url, else the address of --listen.
    pub fn base_url(&self) -> String {
        self.base_url.clone().unwrap_or_else(|| base_url_of(DEFAULT_LISTEN))
    }

    /// Without --base-url, the links follow the address the server listens on.
    pub fn following(mut self, listen: &str) -> Self {
        self.base_url.get_or_insert_with(|| base_url_of(listen));
        self
    }
}

/// `http://` and the listen address; a wildcard address (0.0.0.0, [::]) is reached as
/// this machine's loopback.
pub fn base_url_of(listen: &str) -> String {
    let (host, port) = listen.rsplit_once(':').unwrap_or((listen, "80"));
    let host = match host {
        "0.0.0.0" | "" => "127.0.0.1",
        "[::]" => "[::1]",
        other => other,
    };
    format!("http://{host}:{port}")
}

const DEFAULT_SESSION_HOURS: u32 = 12;
const DEFAULT_LOGIN_MAX_FAILURES: usize = 5;
const DEFAULT_LOGIN_WINDOW_MINUTES: i64 = 15;
const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 30_000;

#[derive(Args, Debug, Clone)]
pub struct AuthSettings {
    /// How long a login session lasts, in hours.
    #[arg(long, env = "BONDWATCH_SESSION_HOURS", default_value_t = DEFAULT_SESSION_HOURS)]
    pub session_hours: u32,
    /// Failed logins allowed per username and per address within the window.
    #[arg(long, env = "BONDWATCH_LOGIN_MAX_FAILURES", default_value_t = DEFAULT_LOGIN_MAX_FAILURES)]
    pub login_max_failures: usize,
    /// The window, in minutes, in which failed logins are counted.
    #[arg(long, env = "BONDWATCH_LOGIN_WINDOW_MINUTES", default_value_t = DEFAULT_LOGIN_WINDOW_MINUTES)]
    pub login_window_minutes: i64,
    /// A request that takes longer (milliseconds) is answered 408.
    #[arg(long, env = "BONDWATCH_REQUEST_TIMEOUT_MS", default_value_t = DEFAULT_REQUEST_TIMEOUT_MS)]
    pub request_timeout_ms: u64,
    /// Mark the session cookie Secure (serve behind TLS).
    #[arg(long, env = "BONDWATCH_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// How long a verified token is remembered, in seconds: a token revoked on another
    /// replica works here at most this much longer (0 checks every request).
    #[arg(long, env = "BONDWATCH_TOKEN_CACHE_SECONDS", default_value_t = DEFAULT_TOKEN_CACHE_SECONDS,
          value_parser = clap::value_parser!(u32).range(0..=60))]
    pub token_cache_seconds: u32,
}

const DEFAULT_TOKEN_CACHE_SECONDS: u32 = 5;

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            session_hours: DEFAULT_SESSION_HOURS,
            login_max_failures: DEFAULT_LOGIN_MAX_FAILURES,
            login_window_minutes: DEFAULT_LOGIN_WINDOW_MINUTES,
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
            secure_cookies: false,
            token_cache_seconds: DEFAULT_TOKEN_CACHE_SECONDS,
        }
    }
}

impl AuthSettings {
    pub fn session_duration(&self) -> chrono::Duration {
        chrono::Duration::hours(self.session_hours.into())
    }
}

const DEFAULT_SEMI_ANNUAL_ABOVE_YEARS: u32 = 10;

#[derive(Args, Debug, Clone)]
pub struct DebtSettings {
    /// A bond issued without an interest frequency pays annually up to this many
    /// years of term, semi-annually above (domain.md §4).
    #[arg(long, env = "BONDWATCH_SEMI_ANNUAL_ABOVE_YEARS", default_value_t = DEFAULT_SEMI_ANNUAL_ABOVE_YEARS)]
    pub semi_annual_above_years: u32,
}

impl Default for DebtSettings {
    fn default() -> Self {
        DebtSettings { semi_annual_above_years: DEFAULT_SEMI_ANNUAL_ABOVE_YEARS }
    }
}

#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Database URL: sqlite://FILE?mode=rwc (created on first start) or postgres://USER@HOST/DB.
    #[arg(long, env = "BONDWATCH_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

impl DatabaseArgs {
    /// The URL with any password hidden, for logs.
    pub fn redacted(&self) -> String {
        redact(&self.database_url)
    }
}

/// Replaces the password of a URL with `***`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hides_passwords() {
        assert_eq!(super::redact("postgres://bw:secret@db/x"), "postgres://bw:***@db/x");
        assert_eq!(super::redact("sqlite://bondwatch.db?mode=rwc"), "sqlite://bondwatch.db?mode=rwc");
    }

    #[test]
    fn digest_links_follow_the_listen_address() {
        assert_eq!(super::base_url_of("0.0.0.0:9000"), "http://127.0.0.1:9000");
        assert_eq!(super::base_url_of("10.1.2.3:8080"), "http://10.1.2.3:8080");
        let mail = super::MailSettings::default().following("10.1.2.3:8080");
        assert_eq!(mail.base_url(), "http://10.1.2.3:8080");
        let given = super::MailSettings { base_url: Some("https://bw.example".into()), ..Default::default() };
        assert_eq!(given.following("10.1.2.3:8080").base_url(), "https://bw.example");
    }

    #[test]
    fn the_smtp_password_is_not_printed() {
        let mail = super::MailSettings { smtp_url: Some("smtp://bw:secret@mail:587".into()), ..Default::default() };
        let shown = format!("{mail:?}");
        assert!(!shown.contains("secret") && shown.contains("bw:***"), "{shown}");
    }
}
