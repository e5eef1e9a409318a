//! What every service needs: the store, the clock and the settings.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::base::limiter::LoginLimiter;
use crate::base::remembered::RememberedTokens;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::config::evaluation::EvaluationConfig;
use crate::config::results::ResultsConfig;
use crate::config::rules::RuleConfig;
use crate::config::schedule::{DEFAULT_SCHEDULE, JobDef, parse_schedule};

#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub settings: Arc<Settings>,
    pub login_limiter: Arc<LoginLimiter>,
    /// Tokens verified in the last few seconds (`AuthSettings::token_cache_seconds`).
    pub tokens: Arc<RememberedTokens>,
    /// The alert rules' switches and thresholds, validated at start.
    pub rules: Arc<RuleConfig>,
    /// The scheduled jobs, validated at start (digest subscriptions name one).
    pub schedule: Arc<Vec<JobDef>>,
    /// Evaluation weights and grades (`jobs/evaluation.toml`).
    pub evaluation: Arc<EvaluationConfig>,
    /// Rectification due days and next year's suggestions (`jobs/results.toml`).
    pub results: Arc<ResultsConfig>,
    /// Wakes this replica's follower (`monitoring::follow`, on a replica with a
    /// scheduler) once a change has committed.
    pub changed: Arc<tokio::sync::Notify>,
    /// A PostgreSQL standby for read-only GraphQL requests (`--read-database-url`).
    pub standby: Option<DatabaseConnection>,
}

impl Ctx {
    /// With the default settings.
    pub fn new(db: DatabaseConnection, clock: SharedClock) -> Self {
        Ctx::with(db, clock, Settings::default())
    }

    pub fn with(db: DatabaseConnection, clock: SharedClock, settings: Settings) -> Self {
        let window = chrono::Duration::minutes(settings.auth.login_window_minutes);
        let limiter = LoginLimiter::new(settings.auth.login_max_failures, window);
        let tokens = RememberedTokens::new(chrono::Duration::seconds(settings.auth.token_cache_seconds.into()));
        let rules = Arc::new(RuleConfig::default_rules());
        let schedule = parse_schedule(DEFAULT_SCHEDULE, "jobs/schedule.toml")
            .unwrap_or_else(|e| panic!("the shipped schedule is invalid: {e}"));
        Ctx {
            db,
            clock,
            settings: Arc::new(settings),
            login_limiter: Arc::new(limiter),
            tokens: Arc::new(tokens),
            rules,
            schedule: Arc::new(schedule),
            evaluation: Arc::new(EvaluationConfig::default_config()),
            results: Arc::new(ResultsConfig::default_config()),
            changed: Arc::new(tokio::sync::Notify::new()),
            standby: None,
        }
    }

    /// Read-only GraphQL requests are answered from this standby.
    pub fn with_standby(self, standby: DatabaseConnection) -> Self {
        Ctx { standby: Some(standby), ..self }
    }

    pub fn with_rules(self, rules: RuleConfig) -> Self {
        Ctx { rules: Arc::new(rules), ..self }
    }

    /// The same settings, rules and schedule as `other`, on this context's database and clock.
    pub fn with_settings_of(self, other: &Ctx) -> Self {
        Ctx {
            settings: other.settings.clone(),
            rules: other.rules.clone(),
            schedule: other.schedule.clone(),
            evaluation: other.evaluation.clone(),
            results: other.results.clone(),
            ..self
        }
    }

    pub fn with_schedule(self, schedule: Vec<JobDef>) -> Self {
        Ctx { schedule: Arc::new(schedule), ..self }
    }
}
