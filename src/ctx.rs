//! What every service needs: the store, the clock and the settings.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::limiter::LoginLimiter;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::monitoring::RuleConfig;

#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub settings: Arc<Settings>,
    pub login_limiter: Arc<LoginLimiter>,
    /// The alert rules' switches and thresholds, validated at start.
    pub rules: Arc<RuleConfig>,
}

impl Ctx {
    /// With the default settings.
    pub fn new(db: DatabaseConnection, clock: SharedClock) -> Self {
        Ctx::with(db, clock, Settings::default())
    }

    pub fn with(db: DatabaseConnection, clock: SharedClock, settings: Settings) -> Self {
        let window = chrono::Duration::minutes(settings.auth.login_window_minutes);
        let limiter = LoginLimiter::new(settings.auth.login_max_failures, window);
        let rules = Arc::new(RuleConfig::default_rules());
        Ctx { db, clock, settings: Arc::new(settings), login_limiter: Arc::new(limiter), rules }
    }

    pub fn with_rules(self, rules: RuleConfig) -> Self {
        Ctx { rules: Arc::new(rules), ..self }
    }
}
