//! Reads of the ledger, batched: every function takes many ids and issues a fixed
//! number of statements, so that a page of 50 projects costs what a page of 5 does.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select,
};

use super::entities::*;

/// Rows whose `bond_id` is not a refinancing bond's: refinancing bonds stay out of
/// the use-stage figures (domain.md §2).
fn use_stage() -> SimpleExpr {
    Expr::cust("NOT EXISTS (SELECT 1 FROM bonds b WHERE b.id = bond_id AND b.kind = 'REFINANCING')")
}

/// Rows whose `allocation_id` is an allocation of a bond of the use stage.
fn of_use_allocation() -> SimpleExpr {
    Expr::cust(
        "NOT EXISTS (SELECT 1 FROM allocations a JOIN bonds b ON b.id = a.bond_id \
         WHERE a.id = allocation_id AND b.kind = 'REFINANCING')",
    )
}
use super::positions::{LedgerRows, Positions, Totals, positions};
use super::projects::{ProjectStatus, Stage, principal_due_between};
use crate::codes::DisbursementKind;
use crate::db::Money;
use crate::db::values::add_months;
use crate::error::{Error, Result};

/// `SUM(column)` over a selection, exact on both databases (PostgreSQL's SUM of a
/// BIGINT is NUMERIC, hence the cast).
pub async fn sum_money<E: EntityTrait>(db: &impl ConnectionTrait, select: Select<E>, column: &str) -> Result<Money> {
    let total: Option<i64> = select
        .select_only()
        .column_as(Expr::cust(format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)")), "total")
        .into_tuple()
        .one(db)
        .await?;
    Ok(Money::from_fen(total.unwrap_or(0)))
}

/// All rows whose `column` is one of `ids`.
pub async fn rows_in<E: EntityTrait>(db: &impl ConnectionTrait, column: E::Column, ids: &[i64]) -> Result<Vec<E::Model>>
where
    E::Column: ColumnTrait,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(E::find().filter(column.is_in(ids.iter().copied())).all(db).await?)
}

/// Groups rows by a key, keeping their order.
pub fn group<M>(rows: Vec<M>, key: impl Fn(&M) -> i64) -> HashMap<i64, Vec<M>> {
    let mut map: HashMap<i64, Vec<M>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

/// The ledger rows that many projects' money positions are computed from, in five
/// statements: allocations, their increments, receipts, adjustments, disbursements.
/// With `use_stage_only`, rows of refinancing bonds are left out (the figures);
/// without, every bond's rows come (the checks on receipts and adjustments).
pub async fn ledger_rows(
    db: &impl ConnectionTrait,
    ids: &[i64],
    use_stage_only: bool,
) -> Result<HashMap<i64, LedgerRows>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let idv = || ids.iter().copied();
    let only = use_stage_only.then_some(());
    let allocations = allocation::Entity::find()
        .filter(allocation::Column::ProjectId.is_in(idv()))
        .apply_if(only, |q, _| q.filter(use_stage()))
        .all(db)
        .await?;
    let allocation_ids: Vec<i64> = allocations.iter().map(|a| a.id).collect();
    let owner: HashMap<i64, (i64, i64)> = allocations.iter().map(|a| (a.id, (a.bond_id, a.project_id))).collect();
    let mut rows: HashMap<i64, LedgerRows> =
        ids.iter().map(|id| (*id, LedgerRows { project_id: *id, ..LedgerRows::default() })).collect();
    for i in
        rows_in::<allocation_increment::Entity>(db, allocation_increment::Column::AllocationId, &allocation_ids).await?
    {
        if let Some((bond, project)) = owner.get(&i.allocation_id)
            && let Some(r) = rows.get_mut(project)
        {
            r.increments.push((*bond, i.allocated_on, i.amount));
        }
    }
    for receipt in rows_in::<receipt::Entity>(db, receipt::Column::AllocationId, &allocation_ids).await? {
        if let Some((bond, project)) = owner.get(&receipt.allocation_id)
            && let Some(r) = rows.get_mut(project)
        {
            r.receipts.push((*bond, receipt));
        }
    }
    let adjustments = use_adjustment::Entity::find()
        .filter(
            Condition::any()
                .add(use_adjustment::Column::FromProjectId.is_in(idv()))
                .add(use_adjustment::Column::ToProjectId.is_in(idv())),
        )
        .apply_if(only, |q, _| q.filter(use_stage()))
        .all(db)
        .await?;
    for a in adjustments {
        for id in [a.from_project_id, a.to_project_id] {
            if let Some(r) = rows.get_mut(&id) {
                r.adjustments.push(a.clone());
            }
        }
    }
    let disbursements = disbursement::Entity::find()
        .filter(disbursement::Column::ProjectId.is_in(idv()))
        .apply_if(only, |q, _| q.filter(Condition::any().add(disbursement::Column::BondId.is_null()).add(use_stage())))
        .all(db)
        .await?;
    for d in disbursements {
        if let Some(r) = rows.get_mut(&d.project_id) {
            r.disbursements.push(d);
        }
    }
    Ok(rows)
}

/// Positions of many projects as of `as_of` (domain.md §2, §4a).
pub async fn project_positions(
    db: &impl ConnectionTrait,
    ids: &[i64],
    as_of: NaiveDate,
) -> Result<HashMap<i64, Positions>> {
    Ok(ledger_rows(db, ids, true).await?.into_iter().map(|(id, rows)| (id, positions(&rows.ledger(), as_of))).collect())
}

/// bondFunding, received, transferred and paid of many projects as of `as_of`.
pub async fn project_totals(db: &impl ConnectionTrait, ids: &[i64], as_of: NaiveDate) -> Result<HashMap<i64, Totals>> {
    Ok(project_positions(db, ids, as_of).await?.into_iter().map(|(id, p)| (id, p.totals())).collect())
}

pub struct PortfolioTotals {
    pub projects: u64,
    pub money: Totals,
}

/// The portfolio's money as of a date, summed over whole tables: a use adjustment
/// moves money between projects and leaves the portfolio's received as it is, but
/// what a unit returned to the treasury is no longer transferred. Refinancing bonds
/// stay out (§2).
pub async fn portfolio_totals(db: &impl ConnectionTrait, as_of: NaiveDate) -> Result<PortfolioTotals> {
    let by_kind = |kind: &'static str| {
        disbursement::Entity::find()
            .filter(disbursement::Column::Kind.eq(kind))
            .filter(disbursement::Column::PaidOn.lte(as_of))
            .filter(Condition::any().add(disbursement::Column::BondId.is_null()).add(use_stage()))
    };
    let returned = sum_money(
        db,
        use_adjustment::Entity::find().filter(use_adjustment::Column::ApprovedOn.lte(as_of)).filter(use_stage()),
        "moved_from_unit",
    )
    .await?;
    Ok(PortfolioTotals {
        projects: project::Entity::find().count(db).await?,
        money: Totals {
            bond_funding: sum_money(
                db,
                allocation_increment::Entity::find()
                    .filter(allocation_increment::Column::AllocatedOn.lte(as_of))
                    .filter(of_use_allocation()),
                "amount",
            )
            .await?,
            received: sum_money(
                db,
                receipt::Entity::find().filter(receipt::Column::ReceivedOn.lte(as_of)).filter(of_use_allocation()),
                "amount",
            )
            .await?,
            transferred: sum_money(db, by_kind(DisbursementKind::Transfer.as_str()), "amount").await? - returned,
            paid: sum_money(db, by_kind(DisbursementKind::Payment.as_str()), "amount").await?,
        },
    })
}

/// The report read for each month: the latest one recorded for it.
pub fn current_reports(mut rows: Vec<progress_report::Model>) -> Vec<progress_report::Model> {
    rows.sort_by(|a, b| (a.period.as_str(), a.id).cmp(&(b.period.as_str(), b.id)));
    let mut out: Vec<progress_report::Model> = Vec::new();
    for row in rows {
        match out.last_mut() {
            Some(last) if last.period == row.period => *last = row,
            _ => out.push(row),
        }
    }
    out
}

/// The current report of each project's latest month.
pub async fn latest_progress(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, progress_report::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // Only each project's latest month is read (the (project_id, period) index finds it),
    // not its whole history.
    let rows = progress_report::Entity::find()
        .filter(progress_report::Column::ProjectId.is_in(ids.iter().copied()))
        .filter(Expr::cust(
            "progress_reports.period = (SELECT MAX(p2.period) FROM progress_reports p2 \
             WHERE p2.project_id = progress_reports.project_id)",
        ))
        .all(db)
        .await?;
    Ok(group(rows, |r| r.project_id)
        .into_iter()
        .filter_map(|(id, reports)| current_reports(reports).pop().map(|r| (id, r)))
        .collect())
}

/// Which of these projects have a principal instalment falling due within 12 months of `today`.
pub async fn principal_due_soon(db: &impl ConnectionTrait, ids: &[i64], today: NaiveDate) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(project::Entity::find()
        .select_only()
        .column(project::Column::Id)
        .filter(project::Column::Id.is_in(ids.iter().copied()))
        .filter(principal_due_between(today, add_months(today, 12)))
        .into_tuple()
        .all(db)
        .await?)
}

#[derive(Default, Clone)]
pub struct ProjectFilter {
    pub department_code: Option<String>,
    pub status: Option<ProjectStatus>,
    pub stage: Option<Stage>,
    pub category: Option<String>,
    pub search: Option<String>,
    /// Projects with an unresolved alert of at least this severity.
    pub has_open_alert: Option<crate::codes::Severity>,
}

/// A page of projects ordered by code, after the code `after`; with the total count
/// of the filter (when `count`: it costs a scan) and whether more follow.
pub async fn list_projects(
    db: &impl ConnectionTrait,
    filter: &ProjectFilter,
    today: NaiveDate,
    first: u64,
    after: Option<&str>,
    count: bool,
) -> Result<(Vec<project::Model>, bool, u64)> {
    let mut cond = Condition::all();
    if let Some(code) = &filter.department_code {
        cond = cond.add(
            project::Column::DepartmentId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(department::Column::Id)
                    .from(department::Entity)
                    .and_where(department::Column::Code.eq(code.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(status) = filter.status {
        cond = cond.add(project::Column::Status.eq(status.as_str()));
    }
    if let Some(category) = &filter.category {
        cond = cond.add(project::Column::Category.eq(category.as_str()));
    }
    if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if search.chars().count() > 200 {
            return Err(Error::validation("filter.search", "搜索词最多 200 个字符"));
        }
        let pattern = format!("%{}%", search.replace(['\\', '%', '_'], ""));
        cond = cond.add(
            Condition::any()
                .add(project::Column::Name.like(pattern.as_str()))
                .add(project::Column::Code.like(pattern.as_str())),
        );
    }
    if let Some(least) = filter.has_open_alert {
        let severities: Vec<String> =
            crate::codes::Severity::ALL.iter().filter(|s| **s <= least).map(|s| format!("'{}'", s.as_str())).collect();
        cond = cond.add(Expr::cust(format!(
            "projects.id IN (SELECT a.project_id FROM alerts a WHERE a.open_key IS NOT NULL AND a.project_id IS NOT NULL AND a.severity IN ({}))",
            severities.join(", ")
        )));
    }
    if let Some(stage) = filter.stage {
        cond = cond.add(stage_condition(stage, today));
    }
    let total = if count { project::Entity::find().filter(cond.clone()).count(db).await? } else { 0 };
    let mut page = project::Entity::find().filter(cond).order_by_asc(project::Column::Code);
    if let Some(after) = after {
        page = page.filter(project::Column::Code.gt(after));
    }
    let mut rows = page.limit(first + 1).all(db).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more, total))
}

/// The stage of domain.md §1 as SQL, mirroring [`ProjectStatus::stage`]: a cancelled
/// project is judged by the status it had.
fn stage_condition(stage: Stage, today: NaiveDate) -> Condition {
    let effective =
        "(CASE WHEN projects.status = 'CANCELLED' THEN projects.status_before_cancel ELSE projects.status END)";
    let is = |statuses: &[ProjectStatus]| {
        let list: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
        Expr::cust(format!("{effective} IN ({})", list.join(", ")))
    };
    let soon = || principal_due_between(today, add_months(today, 12));
    match stage {
        Stage::Borrowing => Condition::all().add(is(&[ProjectStatus::Proposed, ProjectStatus::Approved])),
        Stage::Use => Condition::all().add(is(&[ProjectStatus::Funded, ProjectStatus::UnderConstruction])),
        Stage::Management => Condition::all().add(is(&[ProjectStatus::Operating])).add(soon().not()),
        Stage::Repayment => Condition::any()
            .add(is(&[ProjectStatus::Repaid]))
            .add(Condition::all().add(is(&[ProjectStatus::Operating])).add(soon())),
    }
}

pub async fn list_bonds(
    db: &impl ConnectionTrait,
    first: u64,
    after: Option<&str>,
) -> Result<(Vec<bond::Model>, bool, u64)> {
    let total = bond::Entity::find().count(db).await?;
    let mut page = bond::Entity::find().order_by_asc(bond::Column::Code);
    if let Some(after) = after {
        page = page.filter(bond::Column::Code.gt(after));
    }
    let mut rows = page.limit(first + 1).all(db).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more, total))
}

/// A project's disbursements in the order recorded, after the id `after`.
pub async fn list_disbursements(
    db: &impl ConnectionTrait,
    project_id: i64,
    first: u64,
    after: Option<i64>,
) -> Result<(Vec<disbursement::Model>, bool, u64)> {
    let base = disbursement::Entity::find().filter(disbursement::Column::ProjectId.eq(project_id));
    let total = base.clone().count(db).await?;
    let mut page = base.order_by_asc(disbursement::Column::Id);
    if let Some(after) = after {
        page = page.filter(disbursement::Column::Id.gt(after));
    }
    let mut rows = page.limit(first + 1).all(db).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more, total))
}

#[derive(Debug)]
pub struct BudgetTable {
    pub budget: department_budget::Model,
    pub lines: Vec<department_budget_line::Model>,
    pub projects: Vec<department_budget_project::Model>,
}

/// The latest table of each year for these departments, newest year first.
pub async fn department_budgets(
    db: &impl ConnectionTrait,
    department_ids: &[i64],
) -> Result<HashMap<i64, Vec<BudgetTable>>> {
    department_budgets_known(db, department_ids, None).await
}

/// [`department_budgets`] as known at T: the latest table of each year recorded by then.
pub async fn department_budgets_known(
    db: &impl ConnectionTrait,
    department_ids: &[i64],
    known_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<HashMap<i64, Vec<BudgetTable>>> {
    let mut budgets =
        rows_in::<department_budget::Entity>(db, department_budget::Column::DepartmentId, department_ids).await?;
    budgets.retain(|b| known_at.is_none_or(|t| b.recorded_at <= t));
    budgets.sort_by_key(|b| (b.department_id, std::cmp::Reverse(b.year), std::cmp::Reverse(b.id)));
    budgets.dedup_by_key(|b| (b.department_id, b.year));
    let ids: Vec<i64> = budgets.iter().map(|b| b.id).collect();
    let mut lines = group(
        rows_in::<department_budget_line::Entity>(db, department_budget_line::Column::BudgetId, &ids).await?,
        |l| l.budget_id,
    );
    let mut projects = group(
        rows_in::<department_budget_project::Entity>(db, department_budget_project::Column::BudgetId, &ids).await?,
        |l| l.budget_id,
    );
    let mut out: HashMap<i64, Vec<BudgetTable>> = HashMap::new();
    for budget in budgets {
        let mut l = lines.remove(&budget.id).unwrap_or_default();
        l.sort_by_key(|x| (x.section.clone(), x.position));
        let mut p = projects.remove(&budget.id).unwrap_or_default();
        p.sort_by_key(|x| x.position);
        out.entry(budget.department_id).or_default().push(BudgetTable { budget, lines: l, projects: p });
    }
    Ok(out)
}

/// Every project's code by its id: what a listing shows instead of ids.
pub async fn project_codes(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>> {
    codes_by_id(db, project::Entity::find().select_only().column(project::Column::Id).column(project::Column::Code))
        .await
}

/// Every department's code by its id.
pub async fn department_codes(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>> {
    codes_by_id(
        db,
        department::Entity::find().select_only().column(department::Column::Id).column(department::Column::Code),
    )
    .await
}

async fn codes_by_id<E: EntityTrait>(db: &impl ConnectionTrait, select: Select<E>) -> Result<HashMap<i64, String>> {
    Ok(select.into_tuple::<(i64, String)>().all(db).await?.into_iter().collect())
}

/// Every project's code, in order: what a batch walks through.
pub async fn all_project_codes(db: &impl ConnectionTrait) -> Result<Vec<String>> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(project::Entity::find()
        .select_only()
        .column(project::Column::Code)
        .order_by_asc(project::Column::Code)
        .into_tuple::<String>()
        .all(db)
        .await?)
}
