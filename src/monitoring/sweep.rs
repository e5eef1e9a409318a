//! The sweep: facts loaded in bulk, batch by batch (bounded memory however large the
//! portfolio), rules computed, and each batch written in its own transaction that
//! leaves the alert store consistent — the one exception to one transaction per
//! change. A sweep that stops midway leaves whole batches behind; the next completes.

use std::time::Instant;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::facts::{
    load_bonds, load_bonds_known, load_departments, load_departments_known, load_projects, load_projects_known,
};
use super::rules::{evaluate_bond, evaluate_department, evaluate_project};
use super::store::{Applied, Scope, apply};
use super::{Finding, RuleConfig};
use crate::Ctx;
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
}

impl Default for SweepOptions<'_> {
    fn default() -> Self {
        SweepOptions { batch: DEFAULT_BATCH, progress: &|_| {}, fail_after_batches: None }
    }
}

async fn project_batch(ctx: &Ctx, after: i64, batch: u64, code: Option<&str>) -> Result<Vec<project::Model>> {
    let mut select =
        project::Entity::find().filter(project::Column::Id.gt(after)).order_by_asc(project::Column::Id).limit(batch);
    if let Some(code) = code {
        select = select.filter(project::Column::Code.eq(code));
    }
    Ok(select.all(&ctx.db).await?)
}

/// Runs every enabled rule as of a date and stores the result.
pub async fn run(ctx: &Ctx, config: &RuleConfig, as_of: NaiveDate, options: SweepOptions<'_>) -> Result<SweepResult> {
    let started = Instant::now();
    let now = ctx.clock.now();
    let mut result = SweepResult::default();
    let mut add = |a: Applied| {
        result.raised += a.raised;
        result.updated += a.updated;
        result.resolved += a.resolved;
    };
    let mut after = 0;
    let mut batches = 0;
    loop {
        let projects = project_batch(ctx, after, options.batch, None).await?;
        let Some(last) = projects.last() else { break };
        after = last.id;
        let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
        let t = Instant::now();
        let facts = load_projects(&ctx.db, &ctx.settings.debt, projects).await?;
        let loaded = t.elapsed();
        let findings: Vec<Finding> = facts.iter().flat_map(|f| evaluate_project(f, config, as_of)).collect();
        let evaluated = t.elapsed();
        add(apply(ctx, &Scope::Projects(ids.clone()), findings, now).await?);
        tracing::debug!(
            projects = ids.len(),
            load_ms = loaded.as_millis() as u64,
            rules_ms = (evaluated - loaded).as_millis() as u64,
            write_ms = (t.elapsed() - evaluated).as_millis() as u64,
            "sweep batch"
        );
        result.projects += ids.len();
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
        let mut projects = project_batch(ctx, after, DEFAULT_BATCH, project_code).await?;
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
