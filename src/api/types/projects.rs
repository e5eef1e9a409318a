//! A project: its facts, its money and figures, and everything recorded against it,
//! each through the request's loaders.

use async_graphql::{Context, Object, SimpleObject};

use super::{
    Alert, AlertStatus, Allocation, Assessment, DebtServiceLine, Department, Disbursement, Evaluation,
    PerformanceTarget, ProgressReport, ProjectStatus, RevenueRecord, Stage, app, caller, enum_name, load_many,
    load_one, loaders, stored,
};
use crate::api::error::{GqlResult, IntoGql};
use crate::api::loaders::load_err;
use crate::api::paging::{Connection, after_id, page_size};
use crate::api::scalars::{DateScalar, DateTimeScalar, DecimalScalar, MoneyScalar};
use crate::ledger::entities::project;
use crate::ledger::projects::{self as projects_mod, ProjectStatus as DomainStatus};
use crate::ledger::queries;
use crate::targets::entities::performance_target;

pub struct Project(pub project::Model);

impl Project {
    async fn totals(&self, ctx: &Context<'_>) -> GqlResult<crate::ledger::positions::Totals> {
        load_one(&loaders(ctx).totals, self.0.id).await.map(|p| p.totals())
    }
    /// The books of the bonds this project draws on.
    async fn books(&self, ctx: &Context<'_>) -> GqlResult<Vec<std::sync::Arc<crate::debt::BondBook>>> {
        let bond_ids = load_many(&loaders(ctx).project_bonds, self.0.id).await?;
        let books = loaders(ctx).bond_books.load_many(bond_ids).await.map_err(load_err)?;
        Ok(books.into_values().collect())
    }
    async fn forecast(&self, ctx: &Context<'_>) -> GqlResult<Vec<crate::debt::coverage::ForecastYear>> {
        Ok(crate::debt::forecast_years(&load_many(&loaders(ctx).forecast_by_project, self.0.id).await?))
    }
    /// Oldest first, so the last is the latest.
    async fn assessment_rows(&self, ctx: &Context<'_>) -> GqlResult<Vec<Assessment>> {
        let mut rows = load_many(&loaders(ctx).assessments_by_project, self.0.id).await?;
        rows.sort_by_key(|a| (a.submitted_on, a.id));
        Ok(rows.into_iter().map(Assessment).collect())
    }
}

#[Object]
impl Project {
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Every figure of domain.md §4a as of a date (default today), each defined once.
    /// With knownAt, as the office could have seen them then (domain.md §4).
    async fn figures(
        &self,
        ctx: &Context<'_>,
        as_of: Option<DateScalar>,
        known_at: Option<DateTimeScalar>,
    ) -> GqlResult<super::figures::Figures> {
        let as_of = match as_of {
            Some(d) => d.parse_at("asOf").gql()?,
            None => app(ctx).clock.today(),
        };
        super::figures::of_project(ctx, &self.0, as_of, known_at.map(|t| t.0)).await
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn department(&self, ctx: &Context<'_>) -> GqlResult<Department> {
        load_one(&loaders(ctx).department, self.0.department_id).await.map(Department)
    }
    async fn executing_unit(&self) -> &str {
        &self.0.executing_unit
    }
    async fn category(&self) -> &str {
        &self.0.category
    }
    async fn construction_content(&self) -> Option<&str> {
        self.0.construction_content.as_deref()
    }
    async fn status(&self) -> GqlResult<ProjectStatus> {
        stored(&self.0.status, "project status")
    }
    /// 借 用 管 还, from the status (domain.md §1).
    async fn stage(&self, ctx: &Context<'_>) -> GqlResult<Stage> {
        let status = projects_mod::stage_status(&self.0);
        let due_soon = if status == DomainStatus::Operating {
            load_one(&loaders(ctx).principal_due_soon, self.0.id).await?
        } else {
            false
        };
        Ok(status.stage(due_soon).into())
    }
    async fn planned_start(&self) -> Option<DateScalar> {
        self.0.planned_start.map(Into::into)
    }
    async fn planned_completion(&self) -> Option<DateScalar> {
        self.0.planned_completion.map(Into::into)
    }
    async fn actual_start(&self) -> Option<DateScalar> {
        self.0.actual_start.map(Into::into)
    }
    async fn actual_completion(&self) -> Option<DateScalar> {
        self.0.actual_completion.map(Into::into)
    }
    async fn approved_investment(&self) -> MoneyScalar {
        self.0.approved_investment.into()
    }
    async fn current_estimate(&self) -> MoneyScalar {
        self.0.current_estimate.into()
    }
    /// Bond money the funding plan asks for (资金到位率 = received / plannedBondFunding).
    async fn planned_bond_funding(&self) -> MoneyScalar {
        self.0.planned_bond_funding.into()
    }
    async fn capital_fund(&self) -> MoneyScalar {
        self.0.capital_fund.into()
    }
    async fn own_funds(&self) -> MoneyScalar {
        self.0.own_funds.into()
    }
    async fn other_funding(&self) -> MoneyScalar {
        self.0.other_funding.into()
    }
    async fn maturity_documents(&self) -> Vec<String> {
        projects_mod::maturity_documents(&self.0)
    }
    async fn revenue_start(&self) -> Option<DateScalar> {
        self.0.revenue_start.map(Into::into)
    }
    async fn revenue_end(&self) -> Option<DateScalar> {
        self.0.revenue_end.map(Into::into)
    }
    async fn allocations(&self, ctx: &Context<'_>) -> GqlResult<Vec<Allocation>> {
        // The positions load beside the rows, in the batch of this level.
        let (rows, positions) = tokio::join!(
            load_many(&loaders(ctx).allocations_by_project, self.0.id),
            load_one(&loaders(ctx).totals, self.0.id)
        );
        let (mut rows, positions) = (rows?, positions?);
        rows.sort_by_key(|a| (a.allocated_on, a.id));
        Ok(rows
            .into_iter()
            .map(|a| {
                let position = positions.bond(a.bond_id).cloned().unwrap_or_default();
                Allocation::with_position(a, position)
            })
            .collect())
    }
    /// Sum of allocations after use adjustments: the bond money this project got.
    async fn bond_funding(&self, ctx: &Context<'_>) -> GqlResult<MoneyScalar> {
        Ok(self.totals(ctx).await?.bond_funding.into())
    }
    /// Bond money arrived in the treasury for this project.
    async fn received(&self, ctx: &Context<'_>) -> GqlResult<MoneyScalar> {
        Ok(self.totals(ctx).await?.received.into())
    }
    /// 拨付: moved from the treasury to the project unit.
    async fn transferred(&self, ctx: &Context<'_>) -> GqlResult<MoneyScalar> {
        Ok(self.totals(ctx).await?.transferred.into())
    }
    /// 支出: paid to final payees, net of reversals.
    async fn disbursed(&self, ctx: &Context<'_>) -> GqlResult<MoneyScalar> {
        Ok(self.totals(ctx).await?.paid.into())
    }
    /// disbursed / received, in percent.
    async fn spend_rate_percent(&self, ctx: &Context<'_>) -> GqlResult<Option<DecimalScalar>> {
        Ok(self.totals(ctx).await?.spend_rate_percent().map(|d| DecimalScalar::rounded(d, 2)))
    }
    async fn latest_progress(&self, ctx: &Context<'_>) -> GqlResult<Option<ProgressReport>> {
        Ok(loaders(ctx).latest_progress.load_one(self.0.id).await.map_err(load_err)?.map(ProgressReport))
    }
    /// One report a month: the latest recorded for it.
    async fn progress(&self, ctx: &Context<'_>) -> GqlResult<Vec<ProgressReport>> {
        let rows = load_many(&loaders(ctx).progress_by_project, self.0.id).await?;
        Ok(queries::current_reports(rows).into_iter().map(ProgressReport).collect())
    }
    /// Complexity grows with the page asked for.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn disbursements(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<Disbursement>> {
        let first = page_size(first, 50)?;
        let after = after_id(after)?;
        let page = queries::list_disbursements(&app(ctx).db, self.0.id, first, after).await.gql()?;
        Ok(Connection::page(page, |d| d.id.to_string(), Disbursement))
    }
    async fn revenue_forecast(&self, ctx: &Context<'_>) -> GqlResult<Vec<RevenueForecastYear>> {
        let mut rows = load_many(&loaders(ctx).forecast_by_project, self.0.id).await?;
        rows.sort_by_key(|r| r.year);
        Ok(rows
            .into_iter()
            .map(|r| RevenueForecastYear {
                year: r.year,
                revenue: r.revenue.into(),
                operating_cost: r.operating_cost.into(),
                net_revenue: (r.revenue - r.operating_cost).into(),
            })
            .collect())
    }
    async fn spending_plan(&self, ctx: &Context<'_>) -> GqlResult<Vec<SpendingPlanMonth>> {
        let mut rows = load_many(&loaders(ctx).plan_by_project, self.0.id).await?;
        rows.sort_by(|a, b| a.period.cmp(&b.period));
        Ok(rows
            .into_iter()
            .map(|r| SpendingPlanMonth { period: r.period, cumulative_percent: DecimalScalar(r.cumulative_percent) })
            .collect())
    }
    async fn revenue(&self, ctx: &Context<'_>) -> GqlResult<Vec<RevenueRecord>> {
        let mut rows = load_many(&loaders(ctx).revenue_by_project, self.0.id).await?;
        rows.sort_by(|a, b| (a.period.as_str(), a.id).cmp(&(b.period.as_str(), b.id)));
        Ok(rows.into_iter().map(RevenueRecord).collect())
    }
    /// This project's shares of its bonds' debt service, by due date.
    async fn debt_service(&self, ctx: &Context<'_>) -> GqlResult<Vec<DebtServiceLine>> {
        let books = self.books(ctx).await?;
        Ok(crate::debt::project_lines(&books, self.0.id).into_iter().map(DebtServiceLine).collect())
    }
    /// 本息覆盖倍数 over the bond term, from the revenue forecast.
    async fn coverage_ratio(&self, ctx: &Context<'_>) -> GqlResult<Option<DecimalScalar>> {
        let (books, forecast) = (self.books(ctx).await?, self.forecast(ctx).await?);
        Ok(crate::debt::project_coverage(&books, self.0.id, &forecast).map(|r| DecimalScalar::rounded(r, 4)))
    }
    /// Rolling coverage during repayment, as domain.md §4 defines it.
    async fn rolling_coverage_ratio(&self, ctx: &Context<'_>) -> GqlResult<Option<DecimalScalar>> {
        let (books, forecast) = (self.books(ctx).await?, self.forecast(ctx).await?);
        let revenue = load_many(&loaders(ctx).revenue_by_project, self.0.id).await?;
        let today = app(ctx).clock.today();
        Ok(crate::debt::project_rolling_coverage(&books, self.0.id, &forecast, &revenue, today)
            .map(|r| DecimalScalar::rounded(r, 4)))
    }
    /// This project's alerts (its bonds' and indicators' included), newest first.
    async fn alerts(&self, ctx: &Context<'_>, status: Option<AlertStatus>) -> GqlResult<Vec<Alert>> {
        let mut rows = load_many(&loaders(ctx).alerts_by_project, self.0.id).await?;
        if let Some(s) = status {
            let wanted = enum_name(s);
            rows.retain(|a| a.status == wanted);
        }
        rows.sort_by_key(|a| std::cmp::Reverse(a.id));
        Ok(rows.into_iter().map(Alert).collect())
    }
    /// The unit's self-evaluation (自评) of a year in force, when submitted.
    async fn self_evaluation(&self, ctx: &Context<'_>, year: i32) -> GqlResult<Option<super::results::SelfEvaluation>> {
        let rows = load_many(&loaders(ctx).self_evaluations_by_project, self.0.id).await?;
        Ok(rows.into_iter().find(|s| s.year == year && s.superseded_at.is_none()).map(super::results::SelfEvaluation))
    }
    /// Its rectifications (整改事项), oldest first: for its department's staff, the office
    /// and readers; empty for another department's staff.
    async fn rectifications(&self, ctx: &Context<'_>) -> GqlResult<Vec<super::results::Rectification>> {
        if !caller(ctx)?.reads_department(self.0.department_id) {
            return Ok(Vec::new());
        }
        let mut rows = load_many(&loaders(ctx).rectifications_by_project, self.0.id).await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows.into_iter().map(super::results::Rectification).collect())
    }
    /// The stored evaluation of a year (run `evaluate` to compute it).
    async fn evaluation(&self, ctx: &Context<'_>, year: i32) -> GqlResult<Option<Evaluation>> {
        let rows = load_many(&loaders(ctx).evaluations_by_project, self.0.id).await?;
        Ok(rows.into_iter().find(|e| e.year == year).map(Evaluation))
    }
    /// Targets in force: the latest declaration for each scope and year.
    async fn targets(&self, ctx: &Context<'_>) -> GqlResult<Vec<PerformanceTarget>> {
        let rows = load_many(&loaders(ctx).targets_by_project, self.0.id).await?;
        Ok(current(rows))
    }
    /// The latest assessment; earlier ones stay in assessments.
    async fn assessment(&self, ctx: &Context<'_>) -> GqlResult<Option<Assessment>> {
        Ok(self.assessment_rows(ctx).await?.pop())
    }
    async fn assessments(&self, ctx: &Context<'_>) -> GqlResult<Vec<Assessment>> {
        self.assessment_rows(ctx).await
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

fn current(mut rows: Vec<performance_target::Model>) -> Vec<PerformanceTarget> {
    rows.retain(|t| t.superseded_at.is_none());
    rows.sort_by_key(|t| t.id);
    rows.into_iter().map(PerformanceTarget).collect()
}

#[derive(SimpleObject)]
pub struct SpendingPlanMonth {
    pub period: String,
    pub cumulative_percent: DecimalScalar,
}

#[derive(SimpleObject)]
pub struct RevenueForecastYear {
    pub year: i32,
    pub revenue: MoneyScalar,
    pub operating_cost: MoneyScalar,
    pub net_revenue: MoneyScalar,
}
