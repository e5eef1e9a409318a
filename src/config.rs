//! One typed configuration: command-line flags win over environment variables,
//! which win over the defaults.

use clap::Args;

use crate::db::DEFAULT_DATABASE_URL;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Settings the office may change without a rebuild.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    #[command(flatten)]
    pub debt: DebtSettings,
    #[command(flatten)]
    pub auth: AuthSettings,
    #[command(flatten)]
    pub mail: MailSettings,
    #[command(flatten)]
    pub reports: ReportSettings,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ReportSettings {
    /// A font file with Chinese characters for PDF reports (.ttf, .otf or .ttc);
    /// without it the usual Debian CJK fonts are looked for.
    #[arg(long, env = "BONDWATCH_FONT", global = true)]
    pub font: Option<std::path::PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct MailSettings {
    /// smtp://user:pass@host:587?tls=starttls or smtps://user:pass@host:465; without it
    /// digests are written as .eml files to --mail-dir.
    #[arg(long, env = "BONDWATCH_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    #[arg(long, env = "BONDWATCH_MAIL_FROM", default_value = "bondwatch <bondwatch@localhost>", global = true)]
    pub mail_from: String,
    /// The address managers open the links of a digest at.
    #[arg(long, env = "BONDWATCH_BASE_URL", default_value = "http://127.0.0.1:8080", global = true)]
    pub base_url: String,
    #[arg(long, env = "BONDWATCH_MAIL_DIR", default_value = "mail-outbox", global = true)]
    pub mail_dir: std::path::PathBuf,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            debt: DebtSettings { semi_annual_above_years: 10 },
            auth: AuthSettings {
                session_hours: 12,
                login_max_failures: 5,
                login_window_minutes: 15,
                request_timeout_ms: 30_000,
                secure_cookies: false,
            },
            mail: MailSettings {
                smtp_url: None,
                mail_from: "bondwatch <bondwatch@localhost>".into(),
                base_url: "http://127.0.0.1:8080".into(),
                mail_dir: "mail-outbox".into(),
            },
            reports: ReportSettings::default(),
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct AuthSettings {
    /// How long a login session lasts.
    #[arg(long, env = "BONDWATCH_SESSION_HOURS", default_value_t = 12, global = true)]
    pub session_hours: u32,
    /// Failed logins allowed per username and per address within the window.
    #[arg(long, env = "BONDWATCH_LOGIN_MAX_FAILURES", default_value_t = 5, global = true)]
    pub login_max_failures: usize,
    #[arg(long, env = "BONDWATCH_LOGIN_WINDOW_MINUTES", default_value_t = 15, global = true)]
    pub login_window_minutes: i64,
    /// A request that takes longer is answered 408.
    #[arg(long, env = "BONDWATCH_REQUEST_TIMEOUT_MS", default_value_t = 30_000, global = true)]
    pub request_timeout_ms: u64,
    /// Mark the session cookie Secure (serve behind TLS).
    #[arg(long, env = "BONDWATCH_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,
}

impl AuthSettings {
    pub fn session_duration(&self) -> chrono::Duration {
        chrono::Duration::hours(self.session_hours.into())
    }
}

#[derive(Args, Debug, Clone)]
pub struct DebtSettings {
    /// A bond issued without an interest frequency pays annually up to this many
    /// years of term, semi-annually above (domain.md §4).
    #[arg(long, env = "BONDWATCH_SEMI_ANNUAL_ABOVE_YEARS", default_value_t = 10, global = true)]
    pub semi_annual_above_years: u32,
}

#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Database URL: sqlite://FILE?mode=rwc (created on first start) or postgres://USER@HOST/DB.
    #[arg(long, env = "BONDWATCH_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
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
}
