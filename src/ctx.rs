//! What every service needs: the store and the clock.

use sea_orm::DatabaseConnection;

use std::sync::Arc;

use crate::clock::SharedClock;
use crate::config::Settings;

#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub settings: Arc<Settings>,
}

impl Ctx {
    /// With the default settings.
    pub fn new(db: DatabaseConnection, clock: SharedClock) -> Self {
        Ctx {
            db,
            clock,
            settings: Arc::new(Settings::default()),
        }
    }

    pub fn with_settings(self, settings: Settings) -> Self {
        Ctx {
            settings: Arc::new(settings),
            ..self
        }
    }
}
