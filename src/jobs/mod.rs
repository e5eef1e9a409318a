//! Scheduled jobs: `jobs/schedule.toml`, the claim of each (job, slot) in `job_runs`
//! under a unique key so that several replicas run each slot once, and the
//! scheduler that ticks them. Time comes from the injected clock: [`tick`] takes
//! `now`, so tests drive slots without waiting.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::Ctx;
use crate::clock::OFFICE_TZ;
use crate::codes::JobStatus;
pub use crate::config::schedule::{DEFAULT_SCHEDULE, JobDef, JobKind, parse_schedule};
use crate::error::Result;

// A running job beats every eighth of the lease (`JobSettings`, 2 minutes by default); a
// run whose last beat is older than the lease has died: another replica takes its slot
// over and runs it.

pub mod job_run {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job_runs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub job: String,
        pub scheduled_for: DateTimeUtc,
        pub started_at: Option<DateTimeUtc>,
        pub finished_at: Option<DateTimeUtc>,
        /// RUNNING, SUCCEEDED, FAILED or SKIPPED (the previous run was still going).
        pub status: String,
        pub detail: Option<String>,
        /// The replica that claimed the slot.
        pub claimed_by: String,
        /// The last beat of the replica running it.
        pub heartbeat_at: Option<DateTimeUtc>,
    }
    crate::plain_entity!();
}

/// What a tick did with one job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Another replica (or an earlier tick) has this slot.
    AlreadyClaimed,
    /// The previous run of the job was still going.
    Skipped,
    Succeeded(String),
    Failed(String),
}

/// Ends the run `id` — if this replica still holds it: one that lost its database past
/// the lease and was taken over does not overwrite the new owner's result.
async fn finish(ctx: &Ctx, id: i64, replica: &str, status: JobStatus, detail: String) -> Result<()> {
    let done = job_run::Entity::update_many()
        .col_expr(job_run::Column::Status, sea_orm::sea_query::Expr::value(status.as_str()))
        .col_expr(job_run::Column::Detail, sea_orm::sea_query::Expr::value(detail))
        .col_expr(job_run::Column::FinishedAt, sea_orm::sea_query::Expr::value(ctx.clock.now()))
        .filter(job_run::Column::Id.eq(id))
        .filter(job_run::Column::ClaimedBy.eq(replica))
        .exec(&ctx.db)
        .await?;
    if done.rows_affected == 0 {
        tracing::warn!(run = id, "another replica took this run over; its result stands");
    }
    Ok(())
}

/// A run that is not beating: started (or last beaten) longer than the lease ago.
fn stale(ctx: &Ctx, now: DateTime<Utc>) -> sea_orm::Condition {
    let before = now - ctx.settings.jobs.lease();
    sea_orm::Condition::all().add(job_run::Column::Status.eq(JobStatus::Running.as_str())).add(
        sea_orm::Condition::any().add(job_run::Column::HeartbeatAt.lt(before)).add(
            sea_orm::Condition::all()
                .add(job_run::Column::HeartbeatAt.is_null())
                .add(job_run::Column::StartedAt.lt(before)),
        ),
    )
}

/// Claims the slot: a new run, or the run of a replica that died in it (no beat for the
/// lease), taken over so that the lost slot runs. `None` when a live replica has it.
async fn claim(ctx: &Ctx, job: &JobDef, slot: DateTime<Utc>, now: DateTime<Utc>, replica: &str) -> Result<Option<i64>> {
    let fresh = job_run::ActiveModel {
        id: NotSet,
        job: Set(job.name.clone()),
        scheduled_for: Set(slot),
        started_at: Set(Some(now)),
        finished_at: Set(None),
        status: Set(JobStatus::Running.as_str().into()),
        detail: Set(None),
        claimed_by: Set(replica.into()),
        heartbeat_at: Set(Some(now)),
    };
    let inserted = job_run::Entity::insert(fresh)
        .on_conflict(OnConflict::columns([job_run::Column::Job, job_run::Column::ScheduledFor]).do_nothing().to_owned())
        .exec_without_returning(&ctx.db)
        .await?;
    if inserted == 0 {
        // One conditional update: of two replicas taking over, one wins.
        let taken = job_run::Entity::update_many()
            .col_expr(job_run::Column::ClaimedBy, sea_orm::sea_query::Expr::value(replica))
            .col_expr(job_run::Column::StartedAt, sea_orm::sea_query::Expr::value(now))
            .col_expr(job_run::Column::HeartbeatAt, sea_orm::sea_query::Expr::value(now))
            .filter(job_run::Column::Job.eq(job.name.as_str()))
            .filter(job_run::Column::ScheduledFor.eq(slot))
            .filter(stale(ctx, now))
            .exec(&ctx.db)
            .await?;
        if taken.rows_affected == 0 {
            return Ok(None);
        }
        tracing::warn!(job = %job.name, %slot, "the replica running this slot stopped beating; taken over");
    }
    let mine = job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job.name.as_str()))
        .filter(job_run::Column::ScheduledFor.eq(slot))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| crate::error::Error::Internal("a claimed run vanished".into()))?;
    Ok(Some(mine.id))
}

/// A task that is stopped when its guard is dropped, a panic's unwinding included: a
/// heartbeat that outlived its run would keep a dead run alive for ever.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Beats for the run `id` while this replica holds it, until dropped.
fn beat(ctx: &Ctx, id: i64, replica: &str) -> AbortOnDrop {
    let (ctx, replica) = (ctx.clone(), replica.to_string());
    AbortOnDrop(tokio::spawn(async move {
        let mut every = tokio::time::interval(ctx.settings.jobs.heartbeat());
        every.tick().await;
        loop {
            every.tick().await;
            let now = ctx.clock.now();
            let beat = job_run::Entity::update_many()
                .col_expr(job_run::Column::HeartbeatAt, sea_orm::sea_query::Expr::value(now))
                .filter(job_run::Column::Id.eq(id))
                .filter(job_run::Column::ClaimedBy.eq(replica.as_str()))
                .exec(&ctx.db)
                .await;
            match beat {
                Ok(r) if r.rows_affected == 0 => tracing::warn!(run = id, "taken over by another replica"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot beat for a running job"),
            }
        }
    }))
}

/// Runs every job whose latest slot at `now` is not yet claimed (or was claimed by a
/// replica that died in it). `replica` names the caller in the claim.
pub async fn tick(ctx: &Ctx, jobs: &[JobDef], now: DateTime<Utc>, replica: &str) -> Result<Vec<(String, Outcome)>> {
    let mut outcomes = Vec::new();
    for job in jobs {
        let Some(slot) = job.slot(now) else { continue };
        // Earlier runs of the job that died are marked failed; the latest slot's is
        // taken over below.
        job_run::Entity::update_many()
            .col_expr(job_run::Column::Status, sea_orm::sea_query::Expr::value(JobStatus::Failed.as_str()))
            .col_expr(job_run::Column::Detail, sea_orm::sea_query::Expr::value("运行中断:运行它的副本停止了心跳"))
            .filter(job_run::Column::Job.eq(job.name.as_str()))
            .filter(job_run::Column::ScheduledFor.lt(slot))
            .filter(stale(ctx, now))
            .exec(&ctx.db)
            .await?;
        let Some(id) = claim(ctx, job, slot, now, replica).await? else {
            outcomes.push((job.name.clone(), Outcome::AlreadyClaimed));
            continue;
        };
        let running = job_run::Entity::find()
            .filter(job_run::Column::Job.eq(job.name.as_str()))
            .filter(job_run::Column::Status.eq(JobStatus::Running.as_str()))
            .filter(job_run::Column::Id.ne(id))
            .one(&ctx.db)
            .await?;
        if let Some(other) = running {
            finish(
                ctx,
                id,
                replica,
                JobStatus::Skipped,
                format!("{} 的那次运行尚未结束,本次跳过", other.scheduled_for),
            )
            .await?;
            outcomes.push((job.name.clone(), Outcome::Skipped));
            continue;
        }
        let heart = beat(ctx, id, replica);
        let result = run(ctx, job, slot).await;
        drop(heart);
        let outcome = match result {
            Ok(detail) => {
                finish(ctx, id, replica, JobStatus::Succeeded, detail.clone()).await?;
                Outcome::Succeeded(detail)
            }
            Err(e) => {
                tracing::error!(job = %job.name, error = %e, "scheduled job failed");
                finish(ctx, id, replica, JobStatus::Failed, e.to_string()).await?;
                Outcome::Failed(e.to_string())
            }
        };
        outcomes.push((job.name.clone(), outcome));
    }
    Ok(outcomes)
}

/// The work of one slot.
async fn run(ctx: &Ctx, job: &JobDef, slot: DateTime<Utc>) -> Result<String> {
    match job.kind {
        JobKind::Sweep => {
            let as_of = slot.with_timezone(&OFFICE_TZ).date_naive();
            crate::monitoring::sweep::run(ctx, &ctx.rules, as_of, Default::default()).await.map(|r| {
                format!(
                    "{} projects, {} raised, {} updated, {} resolved in {} ms",
                    r.projects, r.raised, r.updated, r.resolved, r.millis
                )
            })
        }
        JobKind::Digest => crate::digest::run_job(ctx, &job.name, slot, None).await.map(|(queued, d)| {
            format!("{queued} digests queued; {} sent, {} to retry, {} failed", d.sent, d.retrying, d.failed)
        }),
    }
}

/// The history, newest first.
pub async fn runs(ctx: &Ctx, job: Option<&str>, first: u64) -> Result<Vec<job_run::Model>> {
    let mut select = job_run::Entity::find()
        .order_by_desc(job_run::Column::ScheduledFor)
        .order_by_desc(job_run::Column::Id)
        .limit(first);
    if let Some(job) = job {
        select = select.filter(job_run::Column::Job.eq(job));
    }
    Ok(select.all(&ctx.db).await?)
}

/// Starts the scheduler: each job fires on its cron in Asia/Shanghai and ticks with
/// the injected clock; a first tick at start runs the latest slot missed while down.
pub async fn start(
    ctx: Ctx,
    jobs: Vec<JobDef>,
    replica: String,
) -> std::result::Result<tokio_cron_scheduler::JobScheduler, String> {
    use tokio_cron_scheduler::{Job, JobScheduler};
    let scheduler = JobScheduler::new().await.map_err(|e| format!("cannot start the scheduler: {e}"))?;
    for def in jobs.iter().cloned() {
        let (ctx, replica) = (ctx.clone(), replica.clone());
        let (cron, name) = (def.cron_text.clone(), def.name.clone());
        let job = Job::new_async_tz(cron.as_str(), OFFICE_TZ, move |_, _| {
            let (ctx, def, replica) = (ctx.clone(), def.clone(), replica.clone());
            Box::pin(async move {
                if let Err(e) = tick(&ctx, std::slice::from_ref(&def), ctx.clock.now(), &replica).await {
                    tracing::error!(job = %def.name, error = %e, "cannot run a scheduled job");
                }
            })
        })
        .map_err(|e| format!("job {name}: {e}"))?;
        scheduler.add(job).await.map_err(|e| format!("cannot schedule a job: {e}"))?;
    }
    // At start and every lease after: the latest slot missed while every replica was
    // down, or lost with a replica that died in it, runs (a live claim answers no).
    let (catch_up, every) =
        (ctx.clone(), ctx.settings.jobs.lease().to_std().unwrap_or(std::time::Duration::from_secs(120)));
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        loop {
            interval.tick().await;
            // Each job with its own reading of the clock: a long first job must not
            // leave the next one claimed with a time already past its lease.
            for job in &jobs {
                if let Err(e) = tick(&catch_up, std::slice::from_ref(job), catch_up.clock.now(), &replica).await {
                    tracing::error!(job = %job.name, error = %e, "cannot catch up a scheduled job");
                }
            }
        }
    });
    scheduler.start().await.map_err(|e| format!("cannot start the scheduler: {e}"))?;
    Ok(scheduler)
}
