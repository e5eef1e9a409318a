//! Read-only GraphQL requests answered from a PostgreSQL standby (issue #19,
//! `--read-database-url`): researchers' panels load the standby while writes, jobs and
//! the dashboard stay on the primary. The standby lags a little behind, so a caller's
//! reads go to the primary for `primary_after_write_seconds` after its own GraphQL
//! write on this replica: a clerk sees the figure they just changed. The memory is
//! this replica's: behind a balancer, send a caller to one replica (sticky sessions).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use super::BondwatchSchema;
use crate::Ctx;

pub(super) struct Reads {
    /// The schema over the standby, and its context (loaders read through it too).
    pub schema: BondwatchSchema,
    pub ctx: Ctx,
    window: Duration,
    /// Each caller's last write on this replica, kept for the window.
    writers: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl Reads {
    /// The standby's side, when one is configured.
    pub fn new(ctx: &Ctx) -> Option<Reads> {
        let standby = ctx.standby.clone()?;
        let seconds = i64::try_from(ctx.settings.reads.primary_after_write_seconds).unwrap_or(i64::MAX);
        let read_ctx = Ctx { db: standby, standby: None, ..ctx.clone() };
        Some(Reads {
            schema: super::schema(read_ctx.clone()),
            ctx: read_ctx,
            window: Duration::seconds(seconds),
            writers: Mutex::new(HashMap::new()),
        })
    }

    /// Remembers that a caller wrote at `now`.
    pub fn wrote(&self, username: &str, now: DateTime<Utc>) {
        let mut writers = self.writers.lock().unwrap_or_else(|p| p.into_inner());
        writers.retain(|_, at| now - *at < self.window);
        writers.insert(username.to_string(), now);
    }

    /// May this caller's read be answered from the standby: not within the window after
    /// its own write.
    pub fn may_read(&self, username: Option<&str>, now: DateTime<Utc>) -> bool {
        let writers = self.writers.lock().unwrap_or_else(|p| p.into_inner());
        username.and_then(|u| writers.get(u)).is_none_or(|at| now - *at >= self.window)
    }
}
