//! The sweep: facts loaded in bulk, batch by batch (bounded memory however large the
//! portfolio), rules computed, and each batch written in its own transaction that
//! leaves the alert store consistent — the one exception to one transaction per
//! change. A sweep that stops midway leaves whole batches behind; the next completes.
//!
//! Incremental (issue #19): each project's mark (`base::marks`) counts the changes to
//! its facts and keeps what its last evaluation saw, as of when, with which rules, and
//! the next date on which time alone could change a rule's result
//! (`rules::next`). The daily sweep evaluates only the projects changed since, due,
//! or evaluated with other rules; `full` evaluates every one. A batch stores a
//! project's alerts only if no change was counted while it was being evaluated
//! (`lock_changes`): the evaluation that follows that change (the follower's) has the
//! newer facts, and an older one does not overwrite it.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use sha2::{Digest, Sha256};

use super::facts::{
    load_bonds, load_bonds_known, load_departments, load_departments_known, load_projects, load_projects_known,
};
use super::rules::next::project_next;
use super::rules::{evaluate_bond, evaluate_department, evaluate_project};
use super::store::{Applied, Scope, apply, apply_in};
use super::{Finding, RuleConfig};
use crate::Ctx;
use crate::base::marks::{new_mark, project_mark};
use crate::db::in_write;
use crate::error::{Error, Result};
use crate::ledger::entities::project;

pub const DEFAULT_BATCH: u64 = 500;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepResult {
    pub projects: usize,
    pub bonds: usize,
    pub departments: usize,
    pub raised: usize,
    pub updated: usize,
    pub resolved: usize,
    pub millis: u128,
}

/// How far a sweep has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// After each batch of projects.
    Projects(usize),
    /// Projects, then bonds and departments, all swept.
    Done { projects: usize, bonds: usize, departments: usize },
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Progress::Projects(n) => write!(f, "{n} projects swept"),
            Progress::Done { projects, bonds, departments } => {
                write!(f, "{projects} projects, {bonds} bonds and {departments} departments swept")
            }
        }
    }
}

pub struct SweepOptions<'a> {
    pub batch: u64,
    /// Hears how far the sweep has come, after each batch and at the end.
    pub progress: &'a (dyn Fn(Progress) + Sync),
    /// For tests of an interrupted sweep: fail after this many project batches.
    pub fail_after_batches: Option<usize>,
    /// Every project, not only those changed, due or evaluated with other rules.
    pub full: bool,
}

impl Default for SweepOptions<'_> {
    fn default() -> Self {
        SweepOptions { batch: DEFAULT_BATCH, progress: &|_| {}, fail_after_batches: None, full: false }
    }
}

/// Which projects a batch takes.
pub(super) enum Pick<'a> {
    All,
    Code(&'a str),
    /// Those whose mark counts more changes than their last evaluation saw (the follower's).
    Changed,
    /// Those changed since their last evaluation, evaluated with other rules, or whose
    /// next date has come by `as_of`.
    Due {
        as_of: NaiveDate,
        rules: &'a str,
    },
}

pub(super) async fn project_batch(ctx: &Ctx, after: i64, batch: u64, pick: &Pick<'_>) -> Result<Vec<project::Model>> {
    let mut select =
        project::Entity::find().filter(project::Column::Id.gt(after)).order_by_asc(project::Column::Id).limit(batch);
    match pick {
        Pick::All => {}
        Pick::Code(code) => select = select.filter(project::Column::Code.eq(*code)),
        Pick::Changed => {
            use project_mark::Column as M;
            let changed = Query::select()
                .column(M::ProjectId)
                .from(project_mark::Entity)
                .cond_where(
                    Condition::any().add(M::Evaluated.is_null()).add(Expr::col(M::Evaluated).ne(Expr::col(M::Changes))),
                )
                .to_owned();
            select = select.filter(project::Column::Id.in_subquery(changed));
        }
        Pick::Due { as_of, rules } => {
            use project_mark::Column as M;
            let fresh = Query::select()
                .column(M::ProjectId)
                .from(project_mark::Entity)
                .cond_where(
                    Condition::all()
                        .add(Expr::col(M::Evaluated).equals(M::Changes))
                        .add(M::Rules.eq(*rules))
                        // Evaluated as of a later day already (a catch-up of a missed
                        // slot behind the follower): that newer evaluation stands.
                        .add(
                            Condition::any()
                                .add(M::EvaluatedOn.gt(*as_of))
                                .add(M::NextDue.is_null())
                                .add(M::NextDue.gt(*as_of)),
                        ),
                )
                .to_owned();
            select = select.filter(project::Column::Id.not_in_subquery(fresh));
        }
    }
    Ok(select.all(&ctx.db).await?)
}

/// The rules and settings an evaluation ran with, as the short fingerprint its mark keeps.
pub fn fingerprint(ctx: &Ctx, config: &RuleConfig) -> String {
    let text = format!("{}|{:?}|{}", config.fingerprint(), ctx.settings.debt, env!("CARGO_PKG_VERSION"));
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// The change counts of these projects (a project without a mark has none).
async fn changes_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, i64>> {
    let rows =
        project_mark::Entity::find().filter(project_mark::Column::ProjectId.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|m| (m.project_id, m.changes)).collect())
}

/// Inside the storing transaction: the change counts of the projects this batch may
/// store, locked until it commits. Every project gets its mark first, so that two
/// evaluators of a project without one wait for each other too. On PostgreSQL a
/// writer counting a change then waits for this batch to commit, and a mark a writer
/// holds is skipped — its project is the follower's, after that change — so neither
/// side ever waits on the other in a circle (SQLite has one writer at a time anyway).
async fn lock_changes(txn: &DatabaseTransaction, ids: &[i64]) -> Result<HashMap<i64, i64>> {
    use project_mark::Column as M;
    let rows = ids.iter().map(|id| new_mark(*id, 0));
    for chunk in rows.collect::<Vec<_>>().chunks(CHUNK) {
        let keep = OnConflict::column(M::ProjectId).do_nothing().to_owned();
        project_mark::Entity::insert_many(chunk.to_vec()).on_conflict(keep).exec_without_returning(txn).await?;
    }
    let locked = project_mark::Entity::find()
        .filter(M::ProjectId.is_in(ids.iter().copied()))
        .order_by_asc(M::ProjectId)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(txn)
        .await?;
    Ok(locked.into_iter().map(|m| (m.project_id, m.changes)).collect())
}

/// Rows a multi-row statement carries.
const CHUNK: usize = 200;

/// Evaluates these projects as of a date and stores their alerts and marks in one
/// transaction. A project whose change count moved since it was read is left out:
/// the evaluation that follows its change stores the newer facts. Returns what was
/// applied and how many projects were stored.
pub(super) async fn evaluate_projects(
    ctx: &Ctx,
    config: &RuleConfig,
    as_of: NaiveDate,
    rules: &str,
    projects: Vec<project::Model>,
) -> Result<(Applied, usize)> {
    let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
    let seen = changes_of(&ctx.db, &ids).await?;
    let t = Instant::now();
    let facts = load_projects(&ctx.db, &ctx.settings.debt, projects).await?;
    let loaded = t.elapsed();
    let mut findings: Vec<Finding> = Vec::new();
    let mut next = HashMap::new();
    for f in &facts {
        findings.extend(evaluate_project(f, config, as_of));
        next.insert(f.project.id, project_next(f, config, as_of));
    }
    let evaluated = t.elapsed();
    let stored = in_write(&ctx.db, async |txn| {
        let current = lock_changes(txn, &ids).await?;
        // A project without a mark when read had no change counted: 0.
        let seen_of = |id: &i64| seen.get(id).copied().unwrap_or(0);
        let kept: HashSet<i64> = ids.iter().copied().filter(|id| current.get(id) == Some(&seen_of(id))).collect();
        findings.retain(|f| f.subject.project_id.is_some_and(|p| kept.contains(&p)));
        let mut kept: Vec<i64> = kept.into_iter().collect();
        kept.sort_unstable();
        // Stamped when stored: a batch stored after another evaluator's never moves its times back.
        let applied = apply_in(txn, &Scope::Projects(kept.clone()), findings, ctx.clock.now()).await?;
        let marks = kept.iter().map(|id| project_mark::ActiveModel {
            project_id: Set(*id),
            changes: Set(0),
            evaluated: Set(Some(seen_of(id))),
            evaluated_on: Set(Some(as_of)),
            rules: Set(Some(rules.to_string())),
            next_due: Set(next.get(id).copied().flatten()),
        });
        for chunk in marks.collect::<Vec<_>>().chunks(CHUNK) {
            use project_mark::Column as M;
            let keep_count = OnConflict::column(M::ProjectId)
                .update_columns([M::Evaluated, M::EvaluatedOn, M::Rules, M::NextDue])
                .to_owned();
            project_mark::Entity::insert_many(chunk.to_vec())
                .on_conflict(keep_count)
                .exec_without_returning(txn)
                .await?;
        }
        Ok((applied, kept.len()))
    })
    .await?;
    tracing::debug!(
        projects = ids.len(),
        stored = stored.1,
        load_ms = loaded.as_millis() as u64,
        rules_ms = (evaluated - loaded).as_millis() as u64,
        write_ms = (t.elapsed() - evaluated).as_millis() as u64,
        "sweep batch"
    );
    Ok(stored)
}

/// Runs every enabled rule as of a date and stores the result: for every project when
/// `options.full`, else for those changed, due or evaluated with other rules since.
pub async fn run(ctx: &Ctx, config: &RuleConfig, as_of: NaiveDate, options: SweepOptions<'_>) -> Result<SweepResult> {
    let started = Instant::now();
    let now = ctx.clock.now();
    let mut result = SweepResult::default();
    let mut add = |a: Applied| {
        result.raised += a.raised;
        result.updated += a.updated;
        result.resolved += a.resolved;
    };
    let rules = fingerprint(ctx, config);
    let pick = if options.full { Pick::All } else { Pick::Due { as_of, rules: &rules } };
    let mut after = 0;
    let mut batches = 0;
    loop {
        let projects = project_batch(ctx, after, options.batch, &pick).await?;
        let Some(last) = projects.last() else { break };
        after = last.id;
        let (applied, stored) = evaluate_projects(ctx, config, as_of, &rules, projects).await?;
        add(applied);
        result.projects += stored;
        batches += 1;
        (options.progress)(Progress::Projects(result.projects));
        if options.fail_after_batches == Some(batches) {
            return Err(Error::Internal(format!("sweep stopped after {batches} batches (as asked)")));
        }
    }
    let bonds = load_bonds(&ctx.db, None).await?;
    let findings: Vec<Finding> = bonds.iter().flat_map(|b| evaluate_bond(b, config, as_of)).collect();
    add(apply(ctx, &Scope::Bonds, findings, now).await?);
    let departments = load_departments(&ctx.db).await?;
    let findings: Vec<Finding> = departments.iter().flat_map(|d| evaluate_department(d, config, as_of)).collect();
    add(apply(ctx, &Scope::Departments, findings, now).await?);
    result.bonds = bonds.len();
    result.departments = departments.len();
    (options.progress)(Progress::Done {
        projects: result.projects,
        bonds: result.bonds,
        departments: result.departments,
    });
    result.millis = started.elapsed().as_millis();
    Ok(result)
}

/// What the rules find as of any date, stored nowhere: for one project, or for all
/// (bonds and departments included).
/// The findings of the rules as of `as_of`, and as known at `known_at` when given
/// (domain.md §4: a past day's alerts replayed as the office could have seen them);
/// nothing is stored.
pub async fn preview(
    ctx: &Ctx,
    config: &RuleConfig,
    as_of: NaiveDate,
    project_code: Option<&str>,
    known_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Vec<Finding>> {
    if let Some(code) = project_code {
        crate::ledger::project_by_code(&ctx.db, "projectCode", code).await?;
    }
    let mut findings = Vec::new();
    let mut after = 0;
    loop {
        let pick = project_code.map_or(Pick::All, Pick::Code);
        let mut projects = project_batch(ctx, after, DEFAULT_BATCH, &pick).await?;
        let Some(last) = projects.last() else { break };
        after = last.id;
        // As known at T, a project registered later did not exist yet.
        projects.retain(|p| known_at.is_none_or(|t| p.created_at <= t));
        let facts = load_projects_known(&ctx.db, &ctx.settings.debt, projects, known_at).await?;
        findings.extend(facts.iter().flat_map(|f| evaluate_project(f, config, as_of)));
    }
    if project_code.is_none() {
        let bonds = load_bonds_known(&ctx.db, None, known_at).await?;
        findings.extend(bonds.iter().flat_map(|b| evaluate_bond(b, config, as_of)));
        let departments = load_departments_known(&ctx.db, known_at).await?;
        findings.extend(departments.iter().flat_map(|d| evaluate_department(d, config, as_of)));
    }
    Ok(findings)
}
