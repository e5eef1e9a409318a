//! The follower (issue #19): right after a change commits, the changed projects'
//! alerts are evaluated again as of today, so a payment clears its M2 in the same
//! minute rather than at the next morning's sweep. It takes the projects whose mark
//! counts more changes than their last evaluation saw, which makes it the same on
//! every replica and for every writer (the API, an import, the command line). It runs
//! on replicas with a scheduler: their own writes wake it at once; writes through an
//! API-only replica (`--no-scheduler`), an import or the command line are found
//! within `every`. Two followers, or a follower and a sweep, may evaluate one project
//! together: they wait for each other's store, and one that read the facts before a
//! later change is refused by the change count (`sweep::evaluate_projects`).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::RuleConfig;
use super::sweep::{DEFAULT_BATCH, Pick, evaluate_projects, fingerprint, project_batch};
use crate::Ctx;
use crate::error::Result;

/// Evaluates every project changed since its last evaluation, as of today; returns how
/// many were stored.
pub async fn once(ctx: &Ctx, config: &RuleConfig) -> Result<usize> {
    let rules = fingerprint(ctx, config);
    let (mut stored, mut after) = (0, 0);
    loop {
        let projects = project_batch(ctx, after, DEFAULT_BATCH, &Pick::Changed).await?;
        let Some(last) = projects.last() else { break };
        after = last.id;
        let (_, n) = evaluate_projects(ctx, config, ctx.clock.today(), &rules, projects).await?;
        stored += n;
    }
    Ok(stored)
}

/// Runs the follower until the process ends: when `wake` is notified, and every `every`.
pub fn spawn(ctx: Ctx, wake: Arc<Notify>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(every) => {}
            }
            match once(&ctx, &ctx.rules).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(projects = n, "alerts followed their changes"),
                Err(e) => tracing::warn!(error = %e, "cannot follow the changes"),
            }
        }
    })
}
