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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            debt: DebtSettings {
                semi_annual_above_years: 10,
            },
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct DebtSettings {
    /// A bond issued without an interest frequency pays annually up to this many
    /// years of term, semi-annually above (domain.md §4).
    #[arg(
        long,
        env = "BONDWATCH_SEMI_ANNUAL_ABOVE_YEARS",
        default_value_t = 10,
        global = true
    )]
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
        assert_eq!(
            super::redact("postgres://bw:secret@db/x"),
            "postgres://bw:***@db/x"
        );
        assert_eq!(
            super::redact("sqlite://bondwatch.db?mode=rwc"),
            "sqlite://bondwatch.db?mode=rwc"
        );
    }
}
