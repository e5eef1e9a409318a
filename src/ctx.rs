//! What every service needs: the store and the clock.

use sea_orm::DatabaseConnection;

use crate::clock::SharedClock;

#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
}

impl Ctx {
    pub fn new(db: DatabaseConnection, clock: SharedClock) -> Self {
        Ctx { db, clock }
    }
}
