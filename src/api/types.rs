//! The contract's object types over the ledger's rows. Resolvers only read through
//! the request's loaders; no resolver writes or runs its own SQL.

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::error::{GqlResult, IntoGql};
use super::loaders::{Loaders, load_err};
use super::scalars::{DateScalar, DecimalScalar, MoneyScalar};
use crate::Ctx;
use crate::db::values::stored_decimal;
use crate::evaluation::{ASSESSMENT_POINTS, entities::assessment};
use crate::ledger::entities::*;
use crate::ledger::projects::{self as projects_mod, ProjectStatus as DomainStatus};
use crate::ledger::queries::{self, BudgetTable};
use crate::targets::entities::{indicator, indicator_actual, performance_target};

pub fn loaders<'a>(ctx: &'a Context<'_>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

pub fn app<'a>(ctx: &'a Context<'_>) -> &'a Ctx {
    ctx.data_unchecked::<Ctx>()
}

/// One row by key through a loader; a key the loader does not find is an error.
async fn load_one<L>(loader: &async_graphql::dataloader::DataLoader<L>, id: i64) -> GqlResult<L::Value>
where
    L: async_graphql::dataloader::Loader<i64, Error = std::sync::Arc<crate::error::Error>>,
{
    loader.load_one(id).await.map_err(load_err)?.ok_or_else(|| async_graphql::Error::new(format!("记录 {id} 不存在")))
}

/// One row that may be gone: the subjects of an import's checks that were never written.
async fn load_opt<L>(loader: &async_graphql::dataloader::DataLoader<L>, id: i64) -> GqlResult<Option<L::Value>>
where
    L: async_graphql::dataloader::Loader<i64, Error = std::sync::Arc<crate::error::Error>>,
{
    loader.load_one(id).await.map_err(load_err)
}

pub async fn load_many<L, T>(loader: &async_graphql::dataloader::DataLoader<L>, id: i64) -> GqlResult<Vec<T>>
where
    L: async_graphql::dataloader::Loader<i64, Value = Vec<T>, Error = std::sync::Arc<crate::error::Error>>,
    T: Clone + Send + Sync + 'static,
{
    Ok(loader.load_one(id).await.map_err(load_err)?.unwrap_or_default())
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::ledger::projects::ProjectStatus")]
pub enum ProjectStatus {
    Proposed,
    Approved,
    Funded,
    UnderConstruction,
    Operating,
    Repaid,
    Cancelled,
}

/// 借 用 管 还.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::ledger::projects::Stage")]
pub enum Stage {
    Borrowing,
    Use,
    Management,
    Repayment,
}

/// 普通专项 项目收益专项 再融资专项.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum BondKind {
    Special,
    ProjectRevenue,
    Refinancing,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum InterestFrequency {
    Annual,
    SemiAnnual,
}

/// 拨付 TRANSFER: treasury to the project unit; 支出 PAYMENT: project unit to the final payee.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentKind {
    Transfer,
    Payment,
}

/// The SCREAMING_CASE name an enum value has in the contract and in the store.
pub fn enum_name<E: async_graphql::resolver_utils::EnumType>(value: E) -> String {
    let items = E::items();
    items.iter().find(|i| i.value == value).map(|i| i.name.to_string()).unwrap_or_default()
}

pub fn enum_from_name<E: async_graphql::resolver_utils::EnumType>(stored: &str) -> Option<E> {
    enum_from(stored)
}

/// A stored code as its GraphQL enum; a code the enum does not know is the store's
/// fault, said as such — never shown as some other value.
pub fn stored<E: async_graphql::resolver_utils::EnumType>(code: &str, what: &str) -> GqlResult<E> {
    enum_from(code)
        .ok_or_else(|| crate::error::Error::Internal(format!("a stored {what} '{code}' that no code names")))
        .gql()
}

fn enum_from<E: async_graphql::resolver_utils::EnumType>(stored: &str) -> Option<E> {
    E::items().iter().find(|i| i.name == stored).map(|i| i.value)
}

#[derive(SimpleObject, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

macro_rules! connection {
    ($name:ident, $node:ty) => {
        #[derive(SimpleObject)]
        pub struct $name {
            pub nodes: Vec<$node>,
            pub page_info: PageInfo,
            pub total_count: i32,
        }
    };
}
connection!(ProjectConnection, Project);
connection!(BondConnection, Bond);
connection!(IndicatorConnection, Indicator);
connection!(DisbursementConnection, Disbursement);

pub struct Department(pub department::Model);

#[Object]
impl Department {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn projects(&self, ctx: &Context<'_>) -> GqlResult<Vec<Project>> {
        let mut rows = load_many(&loaders(ctx).projects_by_department, self.0.id).await?;
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(rows.into_iter().map(Project).collect())
    }
    /// The latest table of each year, newest year first.
    async fn budgets(&self, ctx: &Context<'_>) -> GqlResult<Vec<DepartmentBudget>> {
        let tables = loaders(ctx).budgets.load_one(self.0.id).await.map_err(load_err)?.unwrap_or_default();
        Ok((0..tables.len()).map(|i| DepartmentBudget { tables: tables.clone(), index: i }).collect())
    }
}

pub struct DepartmentBudget {
    tables: std::sync::Arc<Vec<BudgetTable>>,
    index: usize,
}

impl DepartmentBudget {
    /// The table with this id among a department's tables.
    pub fn find(tables: std::sync::Arc<Vec<BudgetTable>>, id: i64) -> Option<Self> {
        let index = tables.iter().position(|t| t.budget.id == id)?;
        Some(DepartmentBudget { tables, index })
    }
    fn table(&self) -> &BudgetTable {
        &self.tables[self.index]
    }
    fn lines(&self, section: &str) -> Vec<BudgetLine> {
        self.table()
            .lines
            .iter()
            .filter(|l| l.section == section)
            .map(|l| BudgetLine {
                label: l.label.clone(),
                amount: l.amount.into(),
                stated_percent: l.stated_percent.as_deref().map(|p| DecimalScalar(p.to_string())),
            })
            .collect()
    }
}

#[Object]
impl DepartmentBudget {
    async fn department(&self, ctx: &Context<'_>) -> GqlResult<Department> {
        load_one(&loaders(ctx).department, self.table().budget.department_id).await.map(Department)
    }
    async fn year(&self) -> i32 {
        self.table().budget.year
    }
    /// 收入构成: financial allocation, special-account funds, unit funds … as stated on the form.
    async fn income(&self) -> Vec<BudgetLine> {
        self.lines("INCOME")
    }
    async fn income_total(&self) -> MoneyScalar {
        self.table().budget.income_total.into()
    }
    /// 支出构成: personnel, running, specific-purpose … as stated on the form.
    async fn expenditure(&self) -> Vec<BudgetLine> {
        self.lines("EXPENDITURE")
    }
    async fn expenditure_total(&self) -> MoneyScalar {
        self.table().budget.expenditure_total.into()
    }
    async fn projects(&self) -> Vec<BudgetProjectLine> {
        self.table()
            .projects
            .iter()
            .map(|p| BudgetProjectLine {
                name: p.name.clone(),
                category: p.category.clone(),
                total_budget: p.total_budget.into(),
                current_year_budget: p.current_year_budget.into(),
                purpose: p.purpose.clone(),
            })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct BudgetLine {
    pub label: String,
    pub amount: MoneyScalar,
    pub stated_percent: Option<DecimalScalar>,
}

#[derive(SimpleObject)]
pub struct BudgetProjectLine {
    pub name: String,
    pub category: Option<String>,
    pub total_budget: MoneyScalar,
    pub current_year_budget: MoneyScalar,
    pub purpose: Option<String>,
}

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
        known_at: Option<super::scalars::DateTimeScalar>,
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
    ) -> GqlResult<DisbursementConnection> {
        let first = super::query::page_size(first, 50)?;
        let after = after
            .map(|a| super::query::decode_cursor(&a).and_then(|c| crate::ledger::records::parse_id("after", &c)))
            .transpose()
            .gql()?;
        let (rows, more, total) = queries::list_disbursements(&app(ctx).db, self.0.id, first, after).await.gql()?;
        let end = rows.last().map(|d| super::query::encode_cursor(&d.id.to_string()));
        Ok(DisbursementConnection {
            nodes: rows.into_iter().map(Disbursement).collect(),
            page_info: PageInfo { has_next_page: more, end_cursor: end },
            total_count: total as i32,
        })
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
        if !super::mutation::caller(ctx)?.reads_department(self.0.department_id) {
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

pub struct Bond(pub bond::Model);

#[Object]
impl Bond {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> GqlResult<BondKind> {
        stored(&self.0.kind, "bond kind")
    }
    async fn issue_date(&self) -> DateScalar {
        self.0.issue_date.into()
    }
    async fn value_date(&self) -> DateScalar {
        self.0.value_date.into()
    }
    async fn maturity_date(&self) -> DateScalar {
        self.0.maturity_date.into()
    }
    async fn term_years(&self) -> i32 {
        self.0.term_years
    }
    async fn coupon_rate_percent(&self) -> DecimalScalar {
        DecimalScalar(self.0.coupon_rate_percent.clone())
    }
    async fn face_amount(&self) -> MoneyScalar {
        self.0.face_amount.into()
    }
    /// As issued, or the configured default: annual up to 10 years, semi-annual above (domain.md §4).
    async fn interest_frequency(&self, ctx: &Context<'_>) -> InterestFrequency {
        match crate::debt::frequency_of(&self.0, &app(ctx).settings.debt) {
            crate::debt::schedule::Frequency::Annual => InterestFrequency::Annual,
            crate::debt::schedule::Frequency::SemiAnnual => InterestFrequency::SemiAnnual,
        }
    }
    /// Empty for bullet repayment; else principal instalments as percent of face.
    async fn amortization(&self, ctx: &Context<'_>) -> GqlResult<Vec<Amortization>> {
        let mut rows = load_many(&loaders(ctx).amortizations_by_bond, self.0.id).await?;
        rows.sort_by_key(|a| a.year);
        Ok(rows
            .into_iter()
            .map(|a| Amortization { year: a.year, percent_of_face: DecimalScalar(a.percent_of_face) })
            .collect())
    }
    /// One line per due date and allocated project; any unallocated face as lines without a project.
    async fn schedule(&self, ctx: &Context<'_>) -> GqlResult<Vec<DebtServiceLine>> {
        let book = load_one(&loaders(ctx).bond_books, self.0.id).await?;
        Ok(book.lines.iter().copied().map(DebtServiceLine).collect())
    }
    async fn allocations(&self, ctx: &Context<'_>) -> GqlResult<Vec<Allocation>> {
        let mut rows = load_many(&loaders(ctx).allocations_by_bond, self.0.id).await?;
        rows.sort_by_key(|a| (a.allocated_on, a.id));
        Ok(rows.into_iter().map(Allocation::from).collect())
    }
}

#[derive(SimpleObject)]
pub struct Amortization {
    pub year: i32,
    pub percent_of_face: DecimalScalar,
}

/// An allocation, with its position when the caller has it at hand.
pub struct Allocation(pub allocation::Model, Option<crate::ledger::positions::BondPosition>);

impl From<allocation::Model> for Allocation {
    fn from(model: allocation::Model) -> Self {
        Allocation(model, None)
    }
}

impl Allocation {
    fn with_position(model: allocation::Model, position: crate::ledger::positions::BondPosition) -> Self {
        Allocation(model, Some(position))
    }

    async fn position(&self, ctx: &Context<'_>) -> GqlResult<crate::ledger::positions::BondPosition> {
        if let Some(p) = &self.1 {
            return Ok(p.clone());
        }
        let positions = load_one(&loaders(ctx).totals, self.0.project_id).await?;
        Ok(positions.bond(self.0.bond_id).cloned().unwrap_or_default())
    }
}

#[Object]
impl Allocation {
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Bond> {
        load_one(&loaders(ctx).bond, self.0.bond_id).await.map(Bond)
    }
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.project_id).await.map(Project)
    }
    /// The allocation in force as of the request's date, after use adjustments.
    async fn amount(&self, ctx: &Context<'_>) -> GqlResult<MoneyScalar> {
        Ok(self.position(ctx).await?.allocation.into())
    }
    async fn allocated_on(&self) -> DateScalar {
        self.0.allocated_on.into()
    }
    /// Receipts, plus money moved in, minus money moved out, as of the request's date.
    async fn received(&self, ctx: &Context<'_>) -> GqlResult<MoneyScalar> {
        Ok(self.position(ctx).await?.received.into())
    }
    async fn receipts(&self, ctx: &Context<'_>) -> GqlResult<Vec<Receipt>> {
        let mut rows = load_many(&loaders(ctx).receipts_by_allocation, self.0.id).await?;
        rows.sort_by_key(|r| (r.received_on, r.id));
        Ok(rows.into_iter().map(|r| Receipt { amount: r.amount.into(), received_on: r.received_on.into() }).collect())
    }
}

#[derive(SimpleObject)]
pub struct Receipt {
    pub amount: MoneyScalar,
    pub received_on: DateScalar,
}

pub struct Disbursement(pub disbursement::Model);

#[Object]
impl Disbursement {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.project_id).await.map(Project)
    }
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Option<Bond>> {
        match self.0.bond_id {
            Some(id) => load_one(&loaders(ctx).bond, id).await.map(|b| Some(Bond(b))),
            None => Ok(None),
        }
    }
    async fn kind(&self) -> GqlResult<PaymentKind> {
        stored(&self.0.kind, "disbursement kind")
    }
    async fn paid_on(&self) -> DateScalar {
        self.0.paid_on.into()
    }
    /// Negative for a reversal.
    async fn amount(&self) -> MoneyScalar {
        self.0.amount.into()
    }
    async fn reversal_of(&self) -> Option<async_graphql::ID> {
        self.0.reversal_of.map(Into::into)
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn payee(&self) -> &str {
        &self.0.payee
    }
    async fn economic_class(&self) -> &str {
        &self.0.economic_class
    }
    async fn voucher_no(&self) -> Option<&str> {
        self.0.voucher_no.as_deref()
    }
}

pub struct ProgressReport(pub progress_report::Model);

#[Object]
impl ProgressReport {
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn planned_percent(&self) -> DecimalScalar {
        stored_decimal(&self.0.planned_percent).into()
    }
    async fn actual_percent(&self) -> DecimalScalar {
        stored_decimal(&self.0.actual_percent).into()
    }
    async fn submitted_on(&self) -> DateScalar {
        self.0.submitted_on.into()
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
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

pub struct RevenueRecord(pub revenue_record::Model);

#[Object]
impl RevenueRecord {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn source(&self) -> &str {
        &self.0.source
    }
    async fn collected(&self) -> MoneyScalar {
        self.0.collected.into()
    }
    async fn transferred(&self) -> MoneyScalar {
        self.0.transferred.into()
    }
    async fn collected_on(&self) -> Option<DateScalar> {
        self.0.collected_on.map(Into::into)
    }
    async fn transferred_on(&self) -> Option<DateScalar> {
        self.0.transferred_on.map(Into::into)
    }
    async fn reversal_of(&self) -> Option<async_graphql::ID> {
        self.0.reversal_of.map(Into::into)
    }
}

pub struct UseAdjustment(pub use_adjustment::Model);

#[Object]
impl UseAdjustment {
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Bond> {
        load_one(&loaders(ctx).bond, self.0.bond_id).await.map(Bond)
    }
    async fn from_project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.from_project_id).await.map(Project)
    }
    async fn to_project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.to_project_id).await.map(Project)
    }
    async fn amount(&self) -> MoneyScalar {
        self.0.amount.into()
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn approved_on(&self) -> DateScalar {
        self.0.approved_on.into()
    }
}

pub struct PerformanceTarget(pub performance_target::Model);

#[Object]
impl PerformanceTarget {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Option<Project>> {
        match self.0.project_id {
            Some(id) => load_one(&loaders(ctx).project, id).await.map(|p| Some(Project(p))),
            None => Ok(None),
        }
    }
    async fn department(&self, ctx: &Context<'_>) -> GqlResult<Option<Department>> {
        match self.0.department_id {
            Some(id) => load_one(&loaders(ctx).department, id).await.map(|d| Some(Department(d))),
            None => Ok(None),
        }
    }
    /// "LONG_TERM" or "ANNUAL".
    async fn scope(&self) -> &str {
        &self.0.scope
    }
    async fn year(&self) -> Option<i32> {
        self.0.year
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn approved_on(&self) -> Option<DateScalar> {
        self.0.approved_on.map(Into::into)
    }
    async fn indicators(&self, ctx: &Context<'_>) -> GqlResult<Vec<Indicator>> {
        let mut rows = load_many(&loaders(ctx).indicators_by_target, self.0.id).await?;
        rows.sort_by_key(|i| i.position);
        Ok(rows.into_iter().map(|i| Indicator { row: i, target: Some(self.0.clone()) }).collect())
    }
}

pub struct Indicator {
    pub row: indicator::Model,
    /// The target it belongs to, when the caller already has it.
    pub target: Option<performance_target::Model>,
}

impl Indicator {
    async fn owning_target(&self, ctx: &Context<'_>) -> GqlResult<performance_target::Model> {
        match &self.target {
            Some(t) => Ok(t.clone()),
            None => load_one(&loaders(ctx).target_by_id, self.row.target_id).await,
        }
    }
    async fn actual_rows(&self, ctx: &Context<'_>) -> GqlResult<Vec<indicator_actual::Model>> {
        let mut rows = load_many(&loaders(ctx).actuals_by_indicator, self.row.id).await?;
        rows.sort_by_key(|a| a.id);
        Ok(rows)
    }
}

#[Object]
impl Indicator {
    async fn id(&self) -> async_graphql::ID {
        self.row.id.into()
    }
    /// Null for a department's indicator.
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Option<Project>> {
        match self.owning_target(ctx).await?.project_id {
            Some(id) => load_one(&loaders(ctx).project, id).await.map(|p| Some(Project(p))),
            None => Ok(None),
        }
    }
    /// The department of the project, or the department whose target it is.
    async fn department(&self, ctx: &Context<'_>) -> GqlResult<Department> {
        let target = self.owning_target(ctx).await?;
        let dept_id = match (target.department_id, target.project_id) {
            (Some(d), _) => d,
            (None, Some(p)) => load_one(&loaders(ctx).project, p).await?.department_id,
            (None, None) => return Err(async_graphql::Error::new("该绩效目标既不属于项目也不属于部门")),
        };
        load_one(&loaders(ctx).department, dept_id).await.map(Department)
    }
    async fn year(&self, ctx: &Context<'_>) -> GqlResult<Option<i32>> {
        Ok(self.owning_target(ctx).await?.year)
    }
    /// 产出指标 效益指标 满意度指标 成本指标.
    async fn level1(&self) -> &str {
        &self.row.level1
    }
    /// 数量指标 质量指标 ...
    async fn level2(&self) -> &str {
        &self.row.level2
    }
    /// The level-3 indicator.
    async fn name(&self) -> &str {
        &self.row.name
    }
    /// As written: "≥2000人次".
    async fn target_text(&self) -> &str {
        &self.row.target_text
    }
    /// 指标值确定依据.
    async fn basis(&self) -> Option<&str> {
        self.row.basis.as_deref()
    }
    /// Values of the two previous years, as written.
    async fn history(&self) -> GqlResult<Vec<Option<String>>> {
        serde_json::from_str(&self.row.history)
            .map_err(|e| crate::error::Error::Internal(format!("an indicator's stored history cannot be read: {e}")))
            .gql()
    }
    /// The target text parsed (domain.md §3); what cannot be parsed is QUALITATIVE.
    async fn target(&self) -> ParsedTarget {
        ParsedTarget::of(crate::targets::parse::parse_target(&self.row.target_text))
    }
    /// 0..1 as in domain.md §3; null until an actual is recorded (or a qualitative one is judged).
    async fn attainment(&self, ctx: &Context<'_>) -> GqlResult<Option<DecimalScalar>> {
        let Some(target) = crate::targets::parse::parse_target(&self.row.target_text) else { return Ok(None) };
        let latest = self.actual_rows(ctx).await?.pop();
        Ok(latest
            .and_then(|a| crate::targets::parse::attainment(&target, &a.value, a.judgement.as_deref()))
            .map(|d| DecimalScalar::rounded(d, 4)))
    }
    /// The latest actual; all of them in actuals.
    async fn actual(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        Ok(self.actual_rows(ctx).await?.pop().map(|a| a.value))
    }
    async fn actuals(&self, ctx: &Context<'_>) -> GqlResult<Vec<IndicatorActual>> {
        Ok(self
            .actual_rows(ctx)
            .await?
            .into_iter()
            .map(|a| IndicatorActual {
                period: a.period,
                value: a.value,
                judgement: a.judgement,
                recorded_on: a.recorded_on.into(),
            })
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct IndicatorActual {
    pub period: String,
    pub value: String,
    pub judgement: Option<String>,
    pub recorded_on: DateScalar,
}

pub struct Assessment(pub assessment::Model);

#[Object]
impl Assessment {
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.project_id).await.map(Project)
    }
    async fn submitted_on(&self) -> DateScalar {
        self.0.submitted_on.into()
    }
    /// 予以支持 / 调整完善后予以支持 / 不予支持.
    async fn conclusion(&self) -> &str {
        &self.0.conclusion
    }
    /// All eight points in order; a point not scored has no score or comment.
    async fn points(&self, ctx: &Context<'_>) -> GqlResult<Vec<AssessmentPoint>> {
        let rows = load_many(&loaders(ctx).points_by_assessment, self.0.id).await?;
        Ok(ASSESSMENT_POINTS
            .iter()
            .enumerate()
            .map(|(i, title)| {
                let row = rows.iter().find(|r| r.point == i as i32 + 1);
                AssessmentPoint {
                    point: i as i32 + 1,
                    title: title.to_string(),
                    score: row.and_then(|r| r.score.clone()).map(DecimalScalar),
                    comment: row.and_then(|r| r.comment.clone()),
                }
            })
            .collect())
    }
    /// What the system checks itself, as of today: negative list and maturity
    /// documents (point 2), coverage (4), term match (6), targets (7).
    async fn checks(&self, ctx: &Context<'_>) -> GqlResult<Vec<AssessmentCheck>> {
        let project = load_one(&loaders(ctx).project, self.0.project_id).await?;
        let (_, checks) = crate::evaluation::checks::checks_of(app(ctx), project).await.gql()?;
        Ok(checks
            .into_iter()
            .map(|c| AssessmentCheck { point: c.point, name: c.name.into(), passed: c.passed, detail: c.detail })
            .collect())
    }
    /// Coverage with revenue and cost each moved ±5% and ±10% (point 4), as of today.
    async fn sensitivity(&self, ctx: &Context<'_>) -> GqlResult<Vec<SensitivityRow>> {
        let project = load_one(&loaders(ctx).project, self.0.project_id).await?;
        let (facts, _) = crate::evaluation::checks::checks_of(app(ctx), project).await.gql()?;
        Ok(crate::evaluation::checks::sensitivity_table(&facts)
            .into_iter()
            .map(|r| SensitivityRow {
                scenario: r.label,
                coverage_ratio: r.coverage.map(|c| DecimalScalar::rounded(c, 4)),
            })
            .collect())
    }
}

/// One scenario of the sensitivity table: 收入-10% … 成本+10%.
#[derive(SimpleObject)]
pub struct SensitivityRow {
    pub scenario: String,
    pub coverage_ratio: Option<DecimalScalar>,
}

/// A department's place in a year's evaluation.
#[derive(SimpleObject)]
pub struct DepartmentRank {
    pub rank: i32,
    pub department: Department,
    /// Projects evaluated.
    pub projects: i32,
    pub average_score: DecimalScalar,
    /// Projects that scored under 60.
    pub under60: i32,
}

/// A check of an assessment the system makes itself.
#[derive(SimpleObject)]
pub struct AssessmentCheck {
    pub point: i32,
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(SimpleObject)]
pub struct AssessmentPoint {
    pub point: i32,
    pub title: String,
    pub score: Option<DecimalScalar>,
    pub comment: Option<String>,
}

pub struct DebtServiceLine(pub crate::debt::ServiceLine);

#[Object]
impl DebtServiceLine {
    async fn due_date(&self) -> DateScalar {
        self.0.line.due.into()
    }
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Bond> {
        load_one(&loaders(ctx).bond, self.0.bond_id).await.map(Bond)
    }
    /// None for the line of a bond's unallocated face.
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Option<Project>> {
        match self.0.project_id {
            Some(id) => load_one(&loaders(ctx).project, id).await.map(|p| Some(Project(p))),
            None => Ok(None),
        }
    }
    async fn principal(&self) -> MoneyScalar {
        self.0.line.principal.into()
    }
    async fn interest(&self) -> MoneyScalar {
        self.0.line.interest.into()
    }
    async fn paid(&self) -> MoneyScalar {
        self.0.paid.into()
    }
    /// The date of the latest payment against the line.
    async fn paid_on(&self) -> Option<DateScalar> {
        self.0.paid_on.map(Into::into)
    }
}

/// Totals for the whole portfolio as of a date.
#[derive(SimpleObject)]
pub struct Portfolio {
    pub as_of: DateScalar,
    pub projects: i32,
    pub bond_funding: MoneyScalar,
    pub received: MoneyScalar,
    pub disbursed: MoneyScalar,
    pub spend_rate_percent: Option<DecimalScalar>,
    /// Principal of project lines falling due after the date.
    pub outstanding_principal: MoneyScalar,
    /// Principal and interest of project lines due in the 12 months after the date.
    pub debt_service_next12_months: MoneyScalar,
    /// Alerts not resolved, by severity (as stored by the last sweep).
    pub open_alerts: Vec<SeverityCount>,
    /// The same alerts by dimension and severity: every pair, zero included.
    pub open_alerts_by_dimension: Vec<DimensionSeverityCount>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::auth::Role")]
pub enum Role {
    Admin,
    Reporter,
    Researcher,
    Manager,
}

/// A user as the API shows it (never the password).
pub struct User {
    pub username: String,
    pub role: crate::auth::Role,
    pub department_id: Option<i64>,
    pub email: Option<String>,
}

#[Object]
impl User {
    async fn username(&self) -> &str {
        &self.username
    }
    async fn role(&self) -> Role {
        self.role.into()
    }
    async fn department_code(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        match self.department_id {
            Some(id) => Ok(Some(load_one(&loaders(ctx).department, id).await?.code)),
            None => Ok(None),
        }
    }
    async fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
}

#[derive(SimpleObject)]
pub struct Session {
    /// Send it as `Authorization: Bearer …`; a browser gets it as a cookie too.
    pub token: String,
    pub user: User,
    pub expires_at: Option<super::scalars::DateTimeScalar>,
}

pub struct AuditEntry(pub crate::auth::entities::audit_entry::Model);

#[Object]
impl AuditEntry {
    async fn at(&self) -> super::scalars::DateTimeScalar {
        super::scalars::DateTimeScalar(self.0.at)
    }
    async fn username(&self) -> &str {
        &self.0.username
    }
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// The values before the change, as JSON.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }
    /// The values after the change, as JSON.
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }
}

connection!(AuditConnection, AuditEntry);

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::monitoring::Severity")]
pub enum Severity {
    Red,
    Orange,
    Yellow,
    Blue,
}

/// 决策 管理 产出 可持续性.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::monitoring::Dimension")]
pub enum Dimension {
    Decision,
    Management,
    Output,
    Sustainability,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Resolved,
    Waived,
}

pub struct Alert(pub crate::monitoring::store::alert::Model);

#[Object]
impl Alert {
    async fn id(&self) -> async_graphql::ID {
        if self.0.id == 0 { format!("preview:{}:{}", self.0.rule, self.0.subject_key).into() } else { self.0.id.into() }
    }
    /// D1..S7 or a data-check id C1..C5.
    async fn rule(&self) -> &str {
        &self.0.rule
    }
    async fn dimension(&self) -> GqlResult<Dimension> {
        stored(&self.0.dimension, "alert dimension")
    }
    async fn stage(&self) -> GqlResult<Stage> {
        stored(&self.0.stage, "alert stage")
    }
    async fn severity(&self) -> GqlResult<Severity> {
        stored(&self.0.severity, "alert severity")
    }
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Option<Project>> {
        match self.0.project_id {
            Some(id) => Ok(load_opt(&loaders(ctx).project, id).await?.map(Project)),
            None => Ok(None),
        }
    }
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Option<Bond>> {
        match self.0.bond_id {
            Some(id) => Ok(load_opt(&loaders(ctx).bond, id).await?.map(Bond)),
            None => Ok(None),
        }
    }
    /// The department of the alert, or of its project. Null for the subject of a
    /// check an import did not write (a dry run).
    async fn department(&self, ctx: &Context<'_>) -> GqlResult<Option<Department>> {
        let id = match (self.0.department_id, self.0.project_id) {
            (Some(d), _) => Some(d),
            (None, Some(p)) => load_opt(&loaders(ctx).project, p).await?.map(|p| p.department_id),
            _ => None,
        };
        match id {
            Some(id) => Ok(load_opt(&loaders(ctx).department, id).await?.map(Department)),
            None => Ok(None),
        }
    }
    async fn indicator(&self, ctx: &Context<'_>) -> GqlResult<Option<Indicator>> {
        match self.0.indicator_id {
            Some(id) => Ok(load_opt(&loaders(ctx).indicator, id).await?.map(|row| Indicator { row, target: None })),
            None => Ok(None),
        }
    }
    /// In Chinese, for a manager to act on.
    async fn message(&self) -> &str {
        &self.0.message
    }
    async fn measured(&self) -> Option<&str> {
        self.0.measured.as_deref()
    }
    async fn threshold(&self) -> Option<&str> {
        self.0.threshold.as_deref()
    }
    /// JSON of the figures used.
    async fn evidence(&self) -> &str {
        &self.0.evidence
    }
    async fn status(&self) -> GqlResult<AlertStatus> {
        stored(&self.0.status, "alert status")
    }
    async fn first_seen_at(&self) -> super::scalars::DateTimeScalar {
        super::scalars::DateTimeScalar(self.0.first_seen_at)
    }
    async fn last_seen_at(&self) -> super::scalars::DateTimeScalar {
        super::scalars::DateTimeScalar(self.0.last_seen_at)
    }
    async fn resolved_at(&self) -> Option<super::scalars::DateTimeScalar> {
        self.0.resolved_at.map(super::scalars::DateTimeScalar)
    }
    /// Its life, oldest first: raised, updated, acknowledged (with the note), waived
    /// (with the reason), reopened, resolved — and by whom.
    async fn history(&self, ctx: &Context<'_>) -> GqlResult<Vec<AlertEvent>> {
        let mut rows = load_many(&loaders(ctx).events_by_alert, self.0.id).await?;
        rows.sort_by_key(|e| e.id);
        Ok(rows.into_iter().map(AlertEvent).collect())
    }
}

pub struct AlertEvent(pub crate::monitoring::store::alert_event::Model);

#[Object]
impl AlertEvent {
    /// RAISED, UPDATED, ACKNOWLEDGED, WAIVED, REOPENED or RESOLVED.
    async fn event(&self) -> &str {
        &self.0.event
    }
    async fn at(&self) -> super::scalars::DateTimeScalar {
        super::scalars::DateTimeScalar(self.0.at)
    }
    /// Who: a user, or the sweep.
    async fn username(&self) -> &str {
        &self.0.username
    }
    /// The note of an acknowledgement or the reason of a waiver.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

connection!(AlertConnection, Alert);

#[derive(SimpleObject)]
pub struct AlertRule {
    pub id: String,
    pub dimension: Dimension,
    pub stage: Stage,
    pub title: String,
    pub enabled: bool,
    /// `key=value` pairs from jobs/rules.toml.
    pub thresholds: String,
}

#[derive(SimpleObject)]
pub struct SweepResult {
    pub projects: i32,
    pub raised: i32,
    pub updated: i32,
    pub resolved: i32,
    pub millis: i32,
}

/// What an import did or, on a dry run, would do.
pub struct ImportReport(pub crate::spreadsheets::import::ImportReport);

#[Object]
impl ImportReport {
    /// No problem was found.
    async fn ok(&self) -> bool {
        self.0.ok
    }
    /// The workbook was written (false on a dry run or with problems).
    async fn written(&self) -> bool {
        self.0.written
    }
    /// Data rows read.
    async fn rows(&self) -> i32 {
        self.0.rows as i32
    }
    async fn problems(&self) -> Vec<ImportProblem> {
        self.0.problems.iter().cloned().map(ImportProblem).collect()
    }
    /// Failed declaration checks (C1–C5) of what the import touched, stored as alerts
    /// when the import was written.
    async fn checks(&self) -> Vec<Alert> {
        self.0.checks.iter().cloned().map(Alert).collect()
    }
}

pub struct ImportProblem(pub crate::spreadsheets::import::Problem);

#[Object]
impl ImportProblem {
    async fn sheet(&self) -> &str {
        &self.0.sheet
    }
    /// The row as the spreadsheet numbers it (the header is row 1).
    async fn row(&self) -> Option<i32> {
        self.0.row.map(|r| r as i32)
    }
    /// The column's header.
    async fn column(&self) -> Option<&str> {
        self.0.column.as_deref()
    }
    /// The column's letter in the uploaded file (`C`), when the column is there.
    async fn column_letter(&self) -> Option<&str> {
        self.0.letter.as_deref()
    }
    /// The cell as typed, money in its header's unit (`2000 万元`).
    async fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
}

pub struct JobRun(pub crate::jobs::job_run::Model);

#[Object]
impl JobRun {
    async fn job(&self) -> &str {
        &self.0.job
    }
    async fn scheduled_for(&self) -> super::scalars::DateTimeScalar {
        super::scalars::DateTimeScalar(self.0.scheduled_for)
    }
    async fn started_at(&self) -> Option<super::scalars::DateTimeScalar> {
        self.0.started_at.map(super::scalars::DateTimeScalar)
    }
    async fn finished_at(&self) -> Option<super::scalars::DateTimeScalar> {
        self.0.finished_at.map(super::scalars::DateTimeScalar)
    }
    /// RUNNING, SUCCEEDED, FAILED or SKIPPED.
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }
    /// The replica that ran it (its host and process).
    async fn claimed_by(&self) -> &str {
        &self.0.claimed_by
    }
    /// The last beat of the replica while it ran.
    async fn heartbeat_at(&self) -> Option<super::scalars::DateTimeScalar> {
        self.0.heartbeat_at.map(super::scalars::DateTimeScalar)
    }
}

#[derive(SimpleObject)]
pub struct SeverityCount {
    pub severity: Severity,
    pub count: i32,
}

#[derive(SimpleObject)]
pub struct DimensionSeverityCount {
    pub dimension: Dimension,
    pub severity: Severity,
    pub count: i32,
}

/// A finding shown as an alert that is not stored (previewAlerts).
pub fn preview_alert(f: crate::monitoring::Finding, now: chrono::DateTime<chrono::Utc>) -> Alert {
    let def = crate::monitoring::catalogue::rule(f.rule);
    Alert(crate::monitoring::store::alert::Model {
        id: 0,
        rule: f.rule.into(),
        dimension: def.map(|d| d.dimension.as_str()).unwrap_or("DECISION").into(),
        stage: def.map(|d| d.stage).unwrap_or("BORROWING").into(),
        severity: f.severity.as_str().into(),
        project_id: f.subject.project_id,
        bond_id: f.subject.bond_id,
        department_id: f.subject.department_id,
        indicator_id: f.subject.indicator_id,
        subject_key: f.subject.key(),
        open_key: None,
        message: f.message,
        measured: f.measured,
        threshold: f.threshold,
        evidence: f.evidence.to_string(),
        status: "OPEN".into(),
        first_seen_at: now,
        last_seen_at: now,
        resolved_at: None,
        note: None,
    })
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::targets::parse::TargetKind")]
pub enum TargetKind {
    Quantity,
    Rate,
    Binary,
    Deadline,
    Qualitative,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::targets::parse::Comparator")]
pub enum Comparator {
    Ge,
    Gt,
    Eq,
    Lt,
    Le,
}

#[derive(SimpleObject)]
pub struct ParsedTarget {
    pub kind: TargetKind,
    pub parts: Vec<TargetPart>,
}

impl ParsedTarget {
    /// No target (empty or `/`) reads as qualitative without parts.
    pub fn of(parsed: Option<crate::targets::parse::ParsedTarget>) -> Self {
        match parsed {
            None => ParsedTarget { kind: TargetKind::Qualitative, parts: Vec::new() },
            Some(t) => ParsedTarget {
                kind: t.kind.into(),
                parts: t
                    .parts
                    .into_iter()
                    .map(|p| TargetPart {
                        label: p.label,
                        comparator: p.comparator.map(Into::into),
                        value: p.value.map(Into::into),
                        unit: p.unit,
                        text: p.text,
                    })
                    .collect(),
            },
        }
    }
}

#[derive(SimpleObject)]
pub struct TargetPart {
    pub label: Option<String>,
    pub comparator: Option<Comparator>,
    pub value: Option<DecimalScalar>,
    pub unit: Option<String>,
    pub text: Option<String>,
}

pub struct DigestSubscription(pub crate::digest::subscription::Model);

#[Object]
impl DigestSubscription {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn recipient(&self) -> &str {
        &self.0.recipient
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Empty for the whole portfolio.
    async fn department_codes(&self) -> Vec<String> {
        crate::digest::departments_of(&self.0)
    }
    async fn min_severity(&self) -> GqlResult<Severity> {
        stored(&self.0.min_severity, "subscription severity")
    }
    /// A digest job of jobs/schedule.toml.
    async fn job(&self) -> &str {
        &self.0.job
    }
    async fn paused(&self) -> bool {
        self.0.paused
    }
    /// Whether a short "no new alerts" digest is sent when there is nothing to report.
    async fn send_empty(&self) -> bool {
        self.0.send_empty
    }
}

#[derive(SimpleObject)]
pub struct DigestPreview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct DigestDelivery(pub crate::digest::outbox::Model, pub crate::digest::subscription::Model);

#[Object]
impl DigestDelivery {
    async fn subscription(&self) -> DigestSubscription {
        DigestSubscription(self.1.clone())
    }
    /// The scheduled slot the digest covers up to.
    async fn period(&self) -> &str {
        &self.0.period
    }
    /// PENDING, SENDING, SENT or FAILED.
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn sent_at(&self) -> Option<super::scalars::DateTimeScalar> {
        self.0.sent_at.map(super::scalars::DateTimeScalar)
    }
    /// Stable for the digest: a resend after a crash carries the same one.
    async fn message_id(&self) -> &str {
        &self.0.message_id
    }
}

/// 优 良 中 差 at 90 / 80 / 60.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Grade {
    Excellent,
    Good,
    Fair,
    Poor,
}

pub struct Evaluation(pub crate::evaluation::stored::Model);

#[Object]
impl Evaluation {
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.project_id).await.map(Project)
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn total_score(&self) -> DecimalScalar {
        DecimalScalar(self.0.total_score.clone())
    }
    async fn grade(&self) -> GqlResult<Grade> {
        stored(&self.0.grade, "evaluation grade")
    }
    /// `operating` or `construction`: the weight profile of jobs/evaluation.toml used.
    async fn profile(&self) -> &str {
        &self.0.profile
    }
    async fn dimensions(&self) -> GqlResult<Vec<DimensionScore>> {
        let rounded = |d: rust_decimal::Decimal| DecimalScalar::rounded(d, 2);
        self.0
            .dimensions()
            .gql()?
            .into_iter()
            .map(|d| {
                Ok(DimensionScore {
                    dimension: stored(&d.dimension, "evaluation dimension")?,
                    weight: rounded(d.weight),
                    score: rounded(d.score),
                    items: d
                        .items
                        .into_iter()
                        .map(|i| ScoreItem {
                            name: i.name,
                            max_score: rounded(i.max_score),
                            score: rounded(i.score),
                            reason: i.reason,
                        })
                        .collect(),
                })
            })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct DimensionScore {
    pub dimension: Dimension,
    pub weight: DecimalScalar,
    pub score: DecimalScalar,
    pub items: Vec<ScoreItem>,
}

/// One scored item: its share of the dimension, its score, and the reason for any deduction.
#[derive(SimpleObject)]
pub struct ScoreItem {
    pub name: String,
    pub max_score: DecimalScalar,
    pub score: DecimalScalar,
    pub reason: String,
}
