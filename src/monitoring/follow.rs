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

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::Notify;

use super::RuleConfig;
use super::sweep::{DEFAULT_BATCH, evaluate_projects, fingerprint};
use crate::Ctx;
use crate::base::marks::project_mark;
use crate::error::Result;
use crate::ledger::entities::project;

/// Evaluates every project changed since its last evaluation, as of today; returns how
/// many were stored.
pub async fn once(ctx: &Ctx, config: &RuleConfig) -> Result<usize> {
    use project_mark::Column as M;
    let rules = fingerprint(ctx, config);
    let mut stored = 0;
    let mut after = 0;
    loop {
        let changed: Vec<i64> = project_mark::Entity::find()
            .select_only()
            .column(M::ProjectId)
            .filter(M::ProjectId.gt(after))
            .filter(Condition::any().add(M::Evaluated.is_null()).add(Expr::col(M::Evaluated).ne(Expr::col(M::Changes))))
            .order_by_asc(M::ProjectId)
            .limit(DEFAULT_BATCH)
            .into_tuple()
            .all(&ctx.db)
            .await?;
        let Some(last) = changed.last() else { break };
        after = *last;
        let projects = project::Entity::find()
            .filter(project::Column::Id.is_in(changed))
            .order_by_asc(project::Column::Id)
            .all(&ctx.db)
            .await?;
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
