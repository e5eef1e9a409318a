//! The facts the rules, the figures, the evaluation and the reports read, loaded in
//! bulk: a fixed number of statements for a batch of projects, whatever its size.
//! Monitoring and evaluation both read them; they read neither.

mod projects;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::codes::{DisbursementKind, TargetScope};
use crate::db::values::Month;
use crate::debt::BondBook;
use crate::debt::coverage::ForecastYear;
use crate::error::Result;
use crate::ledger::entities::*;
use crate::ledger::positions::{Ledger, Positions, Totals, positions};
use crate::ledger::projects::ProjectStatus;
use crate::ledger::queries::{BudgetTable, department_budgets_known, group, rows_in};
use crate::performance::assessment;
use crate::targets::entities::{indicator, indicator_actual, performance_target};
use crate::targets::parse::{ParsedTarget, parse_target};
pub use projects::{load_project, load_projects, load_projects_known};

/// An indicator with its parsed target and its actuals, oldest first.
#[derive(Debug, Clone)]
pub struct IndicatorFacts {
    pub indicator: indicator::Model,
    pub target: Option<ParsedTarget>,
    pub actuals: Vec<indicator_actual::Model>,
    pub scope: String,
    pub year: Option<i32>,
    pub approved_on: Option<NaiveDate>,
}

impl IndicatorFacts {
    /// The latest actual of a period that has begun by `on` (§4: as of a date).
    pub fn latest_on(&self, on: NaiveDate) -> Option<&indicator_actual::Model> {
        self.actuals.iter().rfind(|a| period_start(&a.period).is_some_and(|start| start <= on))
    }

    /// The first day after `on` on which [`latest_on`](Self::latest_on) could name
    /// another actual: it takes the last begun one in order, so only an actual after
    /// the current latest can take its place, on the first day of its period.
    pub fn next_latest_after(&self, on: NaiveDate) -> Option<NaiveDate> {
        let current = self.actuals.iter().rposition(|a| period_start(&a.period).is_some_and(|s| s <= on));
        let later = current.map_or(0, |at| at + 1);
        self.actuals.iter().skip(later).filter_map(|a| period_start(&a.period)).filter(|d| *d > on).min()
    }

    /// The actual that counts for a year (§6): of the periods within it, the one ending
    /// last; on a tie the year figure, then the quarter, then the month; of one period,
    /// the latest recorded. Another year's actual never counts.
    pub fn actual_of_year(&self, year: i32) -> Option<&indicator_actual::Model> {
        let prefix = year.to_string();
        // (end month, rank): a year ends in month 12 and outranks the quarter and month that end with it.
        let key = |period: &str| -> Option<(u32, u8)> {
            let rest = period.strip_prefix(&prefix)?;
            match rest {
                "" => Some((12, 2)),
                q if q.starts_with("-Q") => q[2..].parse::<u32>().ok().map(|q| (q * 3, 1)),
                m => m.strip_prefix('-')?.parse::<u32>().ok().map(|m| (m, 0)),
            }
        };
        self.actuals
            .iter()
            .filter_map(|a| key(&a.period).map(|k| (k, a.id, a)))
            .max_by_key(|(k, id, _)| (*k, *id))
            .map(|(_, _, a)| a)
    }
}

#[derive(Debug)]
pub struct ProjectFacts {
    pub project: project::Model,
    /// The status history, by effective date (domain.md §1): what `status_on` reads.
    pub status_changes: Vec<project_status_change::Model>,
    pub allocations: Vec<allocation::Model>,
    /// Each allocation as it was made: (bond, date, amount).
    pub increments: Vec<crate::ledger::positions::Increment>,
    /// Receipts with the bond they came from.
    pub receipts: Vec<(i64, receipt::Model)>,
    pub disbursements: Vec<disbursement::Model>,
    /// Every report recorded, oldest first.
    pub progress: Vec<progress_report::Model>,
    pub revenue: Vec<revenue_record::Model>,
    pub forecast: Vec<ForecastYear>,
    pub plan: Vec<(Month, Decimal)>,
    /// Targets in force and whether one of them is approved.
    pub targets: Vec<performance_target::Model>,
    pub indicators: Vec<IndicatorFacts>,
    /// Every assessment, oldest first by submission (domain.md §5: the latest counts).
    pub assessments: Vec<assessment::Model>,
    pub adjustments: Vec<use_adjustment::Model>,
    /// The bonds the project draws on.
    pub books: Vec<Arc<BondBook>>,
    /// Self-evaluations, stored evaluations and rectifications (domain.md §9).
    pub results: ResultFacts,
}

#[derive(Debug, Default, Clone)]
pub struct ResultFacts {
    /// The self-evaluations in force.
    pub self_evaluations: Vec<crate::performance::self_evaluation::Model>,
    pub evaluations: Vec<crate::performance::stored::Model>,
    pub rectifications: Vec<crate::performance::rectification::Model>,
}

#[derive(Debug)]
pub struct BondFacts {
    pub bond: bond::Model,
    pub adjustments: Vec<use_adjustment::Model>,
}

#[derive(Debug)]
pub struct DepartmentFacts {
    pub department: department::Model,
    pub budgets: Vec<BudgetTable>,
    pub indicators: Vec<IndicatorFacts>,
}

fn indicator_facts(
    targets: &[performance_target::Model],
    indicators: &mut HashMap<i64, Vec<indicator::Model>>,
    actuals: &mut HashMap<i64, Vec<indicator_actual::Model>>,
) -> Vec<IndicatorFacts> {
    let mut out = Vec::new();
    for t in targets {
        let mut list = indicators.remove(&t.id).unwrap_or_default();
        list.sort_by_key(|i| i.position);
        for ind in list {
            let mut acts = actuals.remove(&ind.id).unwrap_or_default();
            acts.sort_by_key(|a| a.id);
            out.push(IndicatorFacts {
                target: parse_target(&ind.target_text),
                indicator: ind,
                actuals: acts,
                scope: t.scope.clone(),
                year: t.year,
                approved_on: t.approved_on,
            });
        }
    }
    out
}

type TargetRows = (HashMap<i64, Vec<performance_target::Model>>, Vec<indicator::Model>, Vec<indicator_actual::Model>);

/// The first day of an actual's period: `2025`, `2025-Q2`, `2025-03`; none for a
/// period that is none of these (a quarter outside 1–4 included).
pub fn period_start(period: &str) -> Option<NaiveDate> {
    let cut = period.len().min(4);
    let year: i32 = period.get(..cut)?.parse().ok()?;
    let month = match period.get(cut..)? {
        "" => 1,
        q if q.starts_with("-Q") => q.get(2..)?.parse::<u32>().ok().filter(|n| (1..=4).contains(n))? * 3 - 2,
        m => m.strip_prefix('-')?.parse().ok()?,
    };
    NaiveDate::from_ymd_opt(year, month, 1)
}

/// Targets in force of these owners, with their indicators and actuals: three statements.
/// As known at T: the declarations current then, approved only if the approval was
/// recorded by then, and the actuals recorded by then.
async fn targets_of(
    db: &impl ConnectionTrait,
    column: performance_target::Column,
    owners: &[i64],
    known_at: Option<DateTime<Utc>>,
) -> Result<TargetRows> {
    let targets = match known_at {
        None => crate::targets::current_targets(db, column, owners).await?,
        Some(t) => rows_in::<performance_target::Entity>(db, column, owners)
            .await?
            .into_iter()
            .filter(|x| x.declared_at <= t && x.superseded_at.is_none_or(|s| s > t))
            .map(|mut x| {
                if x.approved_at.is_some_and(|a| a > t) {
                    (x.approved_on, x.approved_at) = (None, None);
                }
                x
            })
            .collect(),
    };
    let ids: Vec<i64> = targets.iter().map(|t| t.id).collect();
    let indicators = rows_in::<indicator::Entity>(db, indicator::Column::TargetId, &ids).await?;
    let indicator_ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
    let mut actuals =
        rows_in::<indicator_actual::Entity>(db, indicator_actual::Column::IndicatorId, &indicator_ids).await?;
    actuals.retain(|a| known_at.is_none_or(|t| a.recorded_at <= t));
    let owner = |t: &performance_target::Model| match column {
        performance_target::Column::ProjectId => t.project_id.unwrap_or(0),
        _ => t.department_id.unwrap_or(0),
    };
    Ok((group(targets, owner), indicators, actuals))
}

/// Rows recorded by T (all without T).
fn kept<M>(rows: Vec<M>, recorded_at: impl Fn(&M) -> DateTime<Utc>, known_at: Option<DateTime<Utc>>) -> Vec<M> {
    rows.into_iter().filter(|r| known_at.is_none_or(|t| recorded_at(r) <= t)).collect()
}

/// Facts of these bonds (all bonds when `None`): two statements.
pub async fn load_bonds(db: &impl ConnectionTrait, ids: Option<&[i64]>) -> Result<Vec<BondFacts>> {
    load_bonds_known(db, ids, None).await
}

/// [`load_bonds`] as known at T: adjustments recorded after it are left out.
pub async fn load_bonds_known(
    db: &impl ConnectionTrait,
    ids: Option<&[i64]>,
    known_at: Option<DateTime<Utc>>,
) -> Result<Vec<BondFacts>> {
    let (bonds, adjustments) = match ids {
        Some(ids) => (
            rows_in::<bond::Entity>(db, bond::Column::Id, ids).await?,
            rows_in::<use_adjustment::Entity>(db, use_adjustment::Column::BondId, ids).await?,
        ),
        None => (
            bond::Entity::find().order_by_asc(bond::Column::Id).all(db).await?,
            use_adjustment::Entity::find().all(db).await?,
        ),
    };
    let mut adjustments = group(kept(adjustments, |a| a.recorded_at, known_at), |a| a.bond_id);
    Ok(bonds
        .into_iter()
        .map(|b| BondFacts { adjustments: adjustments.remove(&b.id).unwrap_or_default(), bond: b })
        .collect())
}

pub async fn load_departments(db: &impl ConnectionTrait) -> Result<Vec<DepartmentFacts>> {
    load_departments_known(db, None).await
}

/// [`load_departments`] as known at T: departments registered, tables and targets recorded by then.
pub async fn load_departments_known(
    db: &impl ConnectionTrait,
    known_at: Option<DateTime<Utc>>,
) -> Result<Vec<DepartmentFacts>> {
    let mut departments = department::Entity::find().order_by_asc(department::Column::Id).all(db).await?;
    departments.retain(|d| known_at.is_none_or(|t| d.created_at <= t));
    let ids: Vec<i64> = departments.iter().map(|d| d.id).collect();
    let mut budgets = department_budgets_known(db, &ids, known_at).await?;
    let (mut targets, indicators, actuals) =
        targets_of(db, performance_target::Column::DepartmentId, &ids, known_at).await?;
    let mut indicators = group(indicators, |i| i.target_id);
    let mut actuals = group(actuals, |a| a.indicator_id);
    Ok(departments
        .into_iter()
        .map(|d| {
            let t = targets.remove(&d.id).unwrap_or_default();
            DepartmentFacts {
                budgets: budgets.remove(&d.id).unwrap_or_default(),
                indicators: indicator_facts(&t, &mut indicators, &mut actuals),
                department: d,
            }
        })
        .collect())
}

impl ProjectFacts {
    /// The targets that count for a year (§4): the annual ones declared for it and the
    /// long-term ones in force.
    pub fn targets_of_year(&self, year: i32) -> impl Iterator<Item = &performance_target::Model> {
        self.targets.iter().filter(move |t| t.scope != TargetScope::Annual.as_str() || t.year == Some(year))
    }

    /// The indicators of [`Self::targets_of_year`].
    pub fn indicators_of_year(&self, year: i32) -> Vec<&IndicatorFacts> {
        self.indicators.iter().filter(|i| i.scope != TargetScope::Annual.as_str() || i.year == Some(year)).collect()
    }

    /// The latest assessment recorded.
    pub fn assessment(&self) -> Option<&assessment::Model> {
        self.assessments.last()
    }

    /// The latest assessment submitted by `on`.
    pub fn assessment_on(&self, on: NaiveDate) -> Option<&assessment::Model> {
        self.assessments.iter().rfind(|a| a.submitted_on <= on)
    }

    /// The first day bond money came to the project: an allocation, or a use adjustment
    /// that brought some (what D1 sets against the first assessment).
    pub fn first_money_on(&self) -> Option<NaiveDate> {
        let refinancing = self.refinancing_bonds();
        let allocated = self.increments.iter().filter(|(b, _, _)| !refinancing.contains(b)).map(|(_, on, _)| *on);
        let moved_in =
            self.adjustments.iter().filter(|a| a.to_project_id == self.project.id && !refinancing.contains(&a.bond_id));
        allocated.chain(moved_in.map(|a| a.approved_on)).min()
    }

    pub fn allocated(&self) -> bool {
        !self.allocations.is_empty()
    }

    /// The project's money as of `as_of`, per bond (domain.md §2, §4a): the one
    /// definition every rule and figure reads.
    pub fn positions(&self, as_of: NaiveDate) -> Positions {
        let excluded = self.refinancing_bonds();
        positions(
            &Ledger {
                project_id: self.project.id,
                increments: &self.increments,
                receipts: &self.receipts,
                adjustments: &self.adjustments,
                disbursements: &self.disbursements,
                excluded_bonds: &excluded,
            },
            as_of,
        )
    }

    /// bondFunding, received, transferred and paid as of `as_of`.
    pub fn totals(&self, as_of: NaiveDate) -> Totals {
        self.positions(as_of).totals()
    }

    /// The refinancing bonds among the project's: outside the use-stage figures (§2).
    pub fn refinancing_bonds(&self) -> Vec<i64> {
        self.books.iter().filter(|b| b.bond.kind == "REFINANCING").map(|b| b.bond.id).collect()
    }

    /// Payments standing on `as_of`: not cancelled by a reversal dated by then, and not
    /// on a refinancing bond (outside the use-stage rules, §2).
    pub fn standing_payments(
        &self,
        as_of: NaiveDate,
    ) -> impl Iterator<Item = &crate::ledger::entities::disbursement::Model> {
        let reversed: Vec<i64> =
            self.disbursements.iter().filter(|d| d.paid_on <= as_of).filter_map(|d| d.reversal_of).collect();
        let refinancing = self.refinancing_bonds();
        self.disbursements.iter().filter(move |d| {
            d.kind == DisbursementKind::Payment.as_str()
                && d.reversal_of.is_none()
                && !reversed.contains(&d.id)
                && d.paid_on <= as_of
                && d.bond_id.is_none_or(|b| !refinancing.contains(&b))
        })
    }

    /// The first day money arrived, by a receipt or a use adjustment (refinancing bonds aside).
    pub fn first_receipt(&self) -> Option<NaiveDate> {
        let refinancing = self.refinancing_bonds();
        let moved_in = self
            .adjustments
            .iter()
            .filter(|a| a.to_project_id == self.project.id && (a.moved_from_treasury + a.moved_from_unit).fen() > 0);
        self.receipts
            .iter()
            .filter(|(b, _)| !refinancing.contains(b))
            .map(|(_, r)| r.received_on)
            .chain(moved_in.map(|a| a.approved_on))
            .min()
    }

    /// The status in force on `on` (domain.md §1, §6): the latest change whose effective
    /// date is on or before it. The registration (the first row) stands for the time
    /// before every other change, whatever day it was entered; without any history,
    /// the project's current status.
    pub fn status_on(&self, on: NaiveDate) -> ProjectStatus {
        self.change_in_force(on)
            .and_then(|c| ProjectStatus::parse(&c.to_status))
            .unwrap_or_else(|| ProjectStatus::parse(&self.project.status).unwrap_or(ProjectStatus::Proposed))
    }

    fn change_in_force(&self, on: NaiveDate) -> Option<&crate::ledger::entities::project_status_change::Model> {
        let mut changes: Vec<_> = self.status_changes.iter().collect();
        changes.sort_by_key(|c| (c.from_status.is_some(), c.effective_on, c.id));
        let registration = changes.first().copied().filter(|c| c.from_status.is_none());
        changes.into_iter().rfind(|c| c.from_status.is_some() && c.effective_on <= on).or(registration)
    }

    /// The status the rules read on `on`: a cancelled project keeps the one it had.
    pub fn stage_status_on(&self, on: NaiveDate) -> ProjectStatus {
        match self.status_on(on) {
            ProjectStatus::Cancelled => self
                .change_in_force(on)
                .and_then(|c| c.from_status.as_deref())
                .and_then(ProjectStatus::parse)
                .unwrap_or(ProjectStatus::Cancelled),
            status => status,
        }
    }

    /// The stage on `on` (domain.md §1), given whether principal falls due within 12 months.
    pub fn stage_on(&self, on: NaiveDate, principal_due_soon: bool) -> crate::ledger::projects::Stage {
        self.stage_status_on(on).stage(principal_due_soon)
    }
}
