//! Loading the facts of a batch of projects: the batch's rows in about twenty
//! statements, then each project's facts taken out of them; as known at T when given.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

use super::{ProjectFacts, ResultFacts, indicator_facts, kept, targets_of};
use crate::config::DebtSettings;
use crate::db::values::{Month, stored_decimal};
use crate::debt::{BondBook, bonds_held, forecast_years, load_books_known};
use crate::error::Result;
use crate::ledger::entities::*;
use crate::ledger::history::{self, Kind};
use crate::ledger::queries::{group, rows_in};
use crate::performance::assessment;
use crate::targets::entities::{indicator, indicator_actual, performance_target};

/// Facts of one project (a report, an evaluation, a dashboard page).
pub async fn load_project(
    db: &impl ConnectionTrait,
    settings: &DebtSettings,
    project: project::Model,
) -> Result<ProjectFacts> {
    load_projects(db, settings, vec![project])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| crate::error::Error::Internal("a project's facts came back empty".into()))
}

/// Facts of these projects: about twenty statements for the whole batch.
pub async fn load_projects(
    db: &impl ConnectionTrait,
    settings: &DebtSettings,
    projects: Vec<project::Model>,
) -> Result<Vec<ProjectFacts>> {
    load_projects_known(db, settings, projects, None).await
}

/// [`load_projects`] as known at a moment T (domain.md §4): only rows recorded at or
/// before T, and of what was replaced or updated in place since (the project's facts,
/// its spending plan and forecast, target declarations and approvals) the version
/// current at T. Without T, everything recorded so far.
pub async fn load_projects_known(
    db: &impl ConnectionTrait,
    settings: &DebtSettings,
    projects: Vec<project::Model>,
    known_at: Option<DateTime<Utc>>,
) -> Result<Vec<ProjectFacts>> {
    let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
    let mut batch = Batch::load(db, settings, &ids, known_at).await?;
    let mut out = Vec::with_capacity(projects.len());
    for project in projects {
        out.push(batch.facts_of(project)?);
    }
    Ok(out)
}

/// The batch's rows, by project (targets by owner, indicators by target, actuals by
/// indicator), as known at T.
struct Batch {
    funding: Funding,
    records: Records,
    targets: HashMap<i64, Vec<performance_target::Model>>,
    indicators: HashMap<i64, Vec<indicator::Model>>,
    actuals: HashMap<i64, Vec<indicator_actual::Model>>,
    results: HashMap<i64, ResultFacts>,
    /// What was updated in place, as it stood at T (nothing without T).
    versions: HashMap<(i64, Kind), String>,
    books: HashMap<i64, Arc<BondBook>>,
}

impl Batch {
    /// About twenty statements, whatever the number of projects.
    async fn load(
        db: &impl ConnectionTrait,
        settings: &DebtSettings,
        ids: &[i64],
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Batch> {
        let funding = Funding::load(db, ids, known_at).await?;
        let records = Records::load(db, ids, known_at).await?;
        let (targets, indicators, actuals) =
            targets_of(db, performance_target::Column::ProjectId, ids, known_at).await?;
        let results = result_facts(db, ids, known_at).await?;
        // What was updated in place, as it stood at T.
        let versions = match known_at {
            Some(t) => crate::ledger::history::current_at(db, ids, t).await?,
            None => HashMap::new(),
        };
        let mut bond_ids: Vec<i64> = funding.bonds_by_project.values().flatten().copied().collect();
        bond_ids.sort_unstable();
        bond_ids.dedup();
        let books: HashMap<i64, Arc<BondBook>> = load_books_known(db, settings, Some(&bond_ids), known_at)
            .await?
            .into_iter()
            .map(|b| (b.bond.id, b))
            .collect();
        Ok(Batch {
            funding,
            records,
            targets,
            indicators: group(indicators, |i| i.target_id),
            actuals: group(actuals, |a| a.indicator_id),
            results,
            versions,
            books,
        })
    }

    /// One project's facts, taken out of the batch: the version current at T of what
    /// was updated in place, the rows in their order.
    fn facts_of(&mut self, project: project::Model) -> Result<ProjectFacts> {
        let id = project.id;
        let versions = &self.versions;
        let version = |kind: Kind| versions.get(&(id, kind));
        let project = match version(Kind::Project) {
            Some(body) => history::parse(body)?,
            None => project,
        };
        let mut progress = self.records.progress.remove(&id).unwrap_or_default();
        progress.sort_by_key(|r| r.id);
        let plan_rows = match version(Kind::Plan) {
            Some(body) => history::parse::<Vec<spending_plan_month::Model>>(body)?,
            None => self.records.plans.remove(&id).unwrap_or_default(),
        };
        let forecast_rows = match version(Kind::Forecast) {
            Some(body) => history::parse::<Vec<revenue_forecast::Model>>(body)?,
            None => self.records.forecast.remove(&id).unwrap_or_default(),
        };
        let mut plan: Vec<(Month, Decimal)> = plan_rows
            .into_iter()
            .filter_map(|m| Month::parse("", &m.period).ok().map(|p| (p, stored_decimal(&m.cumulative_percent))))
            .collect();
        plan.sort_by_key(|(m, _)| *m);
        let project_targets = self.targets.remove(&id).unwrap_or_default();
        let funding = &mut self.funding;
        // An adjustment between two projects of the batch is in both lists: once each.
        let mut adjustments: Vec<use_adjustment::Model> = funding
            .adjustments_from
            .iter()
            .chain(funding.adjustments_to.iter())
            .filter(|a| a.from_project_id == id || a.to_project_id == id)
            .cloned()
            .collect();
        adjustments.sort_by_key(|a| a.id);
        adjustments.dedup_by_key(|a| a.id);
        let mut assessment_rows = self.records.assessments.remove(&id).unwrap_or_default();
        assessment_rows.sort_by_key(|a| (a.submitted_on, a.id));
        Ok(ProjectFacts {
            allocations: funding.allocations.remove(&id).unwrap_or_default(),
            increments: funding.increments.remove(&id).unwrap_or_default(),
            status_changes: self.records.status_changes.remove(&id).unwrap_or_default(),
            receipts: funding.receipts.remove(&id).unwrap_or_default(),
            disbursements: self.records.disbursements.remove(&id).unwrap_or_default(),
            progress,
            revenue: self.records.revenue.remove(&id).unwrap_or_default(),
            forecast: forecast_years(&forecast_rows),
            plan,
            indicators: indicator_facts(&project_targets, &mut self.indicators, &mut self.actuals),
            targets: project_targets,
            assessments: assessment_rows,
            adjustments,
            books: funding
                .bonds_by_project
                .get(&id)
                .into_iter()
                .flatten()
                .filter_map(|b| self.books.get(b).cloned())
                .collect(),
            results: self.results.remove(&id).unwrap_or_default(),
            project,
        })
    }
}

/// The batch's bond money as known at T: allocations, their increments and receipts
/// by project (with the bond each came from), and the use adjustments from and to
/// its projects, in the two lists they were read in.
struct Funding {
    allocations: HashMap<i64, Vec<allocation::Model>>,
    increments: HashMap<i64, Vec<crate::ledger::positions::Increment>>,
    receipts: HashMap<i64, Vec<(i64, receipt::Model)>>,
    adjustments_from: Vec<use_adjustment::Model>,
    adjustments_to: Vec<use_adjustment::Model>,
    /// The bonds each project draws on.
    bonds_by_project: HashMap<i64, Vec<i64>>,
}

impl Funding {
    /// Five statements.
    async fn load(db: &impl ConnectionTrait, ids: &[i64], known_at: Option<DateTime<Utc>>) -> Result<Funding> {
        let known = |at: DateTime<Utc>| known_at.is_none_or(|t| at <= t);
        let allocations = rows_in::<allocation::Entity>(db, allocation::Column::ProjectId, ids).await?;
        let allocation_ids: Vec<i64> = allocations.iter().map(|a| a.id).collect();
        let bond_of: HashMap<i64, (i64, i64)> = allocations.iter().map(|a| (a.id, (a.bond_id, a.project_id))).collect();
        let mut increments: HashMap<i64, Vec<crate::ledger::positions::Increment>> = HashMap::new();
        for i in
            rows_in::<allocation_increment::Entity>(db, allocation_increment::Column::AllocationId, &allocation_ids)
                .await?
        {
            if !known(i.recorded_at) {
                continue;
            }
            if let Some((bond, project)) = bond_of.get(&i.allocation_id) {
                increments.entry(*project).or_default().push((*bond, i.allocated_on, i.amount));
            }
        }
        let mut receipts: HashMap<i64, Vec<(i64, receipt::Model)>> = HashMap::new();
        for r in rows_in::<receipt::Entity>(db, receipt::Column::AllocationId, &allocation_ids).await? {
            if let Some((bond, project)) = bond_of.get(&r.allocation_id).filter(|_| known(r.recorded_at)) {
                receipts.entry(*project).or_default().push((*bond, r));
            }
        }
        let mut adjustments_from =
            rows_in::<use_adjustment::Entity>(db, use_adjustment::Column::FromProjectId, ids).await?;
        adjustments_from.retain(|a| known(a.recorded_at));
        let mut adjustments_to =
            rows_in::<use_adjustment::Entity>(db, use_adjustment::Column::ToProjectId, ids).await?;
        adjustments_to.retain(|a| known(a.recorded_at));
        // The allocations and adjustments in hand say which bonds the batch draws on.
        let bonds_by_project = bonds_held(&allocations, &adjustments_to);
        Ok(Funding {
            allocations: group(allocations, |a| a.project_id),
            increments,
            receipts,
            adjustments_from,
            adjustments_to,
            bonds_by_project,
        })
    }
}

/// What is recorded against the batch's projects, by project: disbursements, status
/// changes, progress reports, revenue and assessments as known at T; the forecasts
/// and spending plans as they are now (their versions at T come from the history).
struct Records {
    disbursements: HashMap<i64, Vec<disbursement::Model>>,
    status_changes: HashMap<i64, Vec<project_status_change::Model>>,
    progress: HashMap<i64, Vec<progress_report::Model>>,
    revenue: HashMap<i64, Vec<revenue_record::Model>>,
    forecast: HashMap<i64, Vec<revenue_forecast::Model>>,
    plans: HashMap<i64, Vec<spending_plan_month::Model>>,
    assessments: HashMap<i64, Vec<assessment::Model>>,
}

impl Records {
    /// Seven statements.
    async fn load(db: &impl ConnectionTrait, ids: &[i64], known_at: Option<DateTime<Utc>>) -> Result<Records> {
        Ok(Records {
            disbursements: group(
                kept(
                    rows_in::<disbursement::Entity>(db, disbursement::Column::ProjectId, ids).await?,
                    |d| d.recorded_at,
                    known_at,
                ),
                |d| d.project_id,
            ),
            status_changes: group(
                kept(
                    rows_in::<project_status_change::Entity>(db, project_status_change::Column::ProjectId, ids).await?,
                    |c| c.recorded_at,
                    known_at,
                ),
                |c| c.project_id,
            ),
            progress: group(
                kept(
                    rows_in::<progress_report::Entity>(db, progress_report::Column::ProjectId, ids).await?,
                    |r| r.recorded_at,
                    known_at,
                ),
                |r| r.project_id,
            ),
            revenue: group(
                kept(
                    rows_in::<revenue_record::Entity>(db, revenue_record::Column::ProjectId, ids).await?,
                    |r| r.recorded_at,
                    known_at,
                ),
                |r| r.project_id,
            ),
            forecast: group(
                rows_in::<revenue_forecast::Entity>(db, revenue_forecast::Column::ProjectId, ids).await?,
                |r| r.project_id,
            ),
            plans: group(
                rows_in::<spending_plan_month::Entity>(db, spending_plan_month::Column::ProjectId, ids).await?,
                |r| r.project_id,
            ),
            assessments: group(
                kept(
                    rows_in::<assessment::Entity>(db, assessment::Column::ProjectId, ids).await?,
                    |a| a.recorded_at,
                    known_at,
                ),
                |a| a.project_id,
            ),
        })
    }
}

/// The results facts of these projects, as known at T when given: three statements.
async fn result_facts(
    db: &impl ConnectionTrait,
    ids: &[i64],
    known_at: Option<DateTime<Utc>>,
) -> Result<HashMap<i64, ResultFacts>> {
    use crate::performance::{rectification, self_evaluation};
    let in_force = |s: &self_evaluation::Model| match known_at {
        Some(t) => s.recorded_at <= t && s.superseded_at.is_none_or(|at| at > t),
        None => s.superseded_at.is_none(),
    };
    let selfs: Vec<self_evaluation::Model> =
        rows_in::<self_evaluation::Entity>(db, self_evaluation::Column::ProjectId, ids)
            .await?
            .into_iter()
            .filter(in_force)
            .collect();
    let evaluations = kept(
        rows_in::<crate::performance::stored::Entity>(db, crate::performance::stored::Column::ProjectId, ids).await?,
        |e| e.computed_at,
        known_at,
    );
    let rects = kept(
        rows_in::<rectification::Entity>(db, rectification::Column::ProjectId, ids).await?,
        |r| r.created_at,
        known_at,
    );
    let mut out: HashMap<i64, ResultFacts> = HashMap::new();
    for s in selfs {
        out.entry(s.project_id).or_default().self_evaluations.push(s);
    }
    for e in evaluations {
        out.entry(e.project_id).or_default().evaluations.push(e);
    }
    for r in rects {
        out.entry(r.project_id).or_default().rectifications.push(r);
    }
    Ok(out)
}
