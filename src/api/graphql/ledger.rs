//! The ledger: departments, projects and bonds read; departments and projects set up,
//! with their status, spending plan and revenue forecast.

use async_graphql::{Context, InputObject, Object};
use sea_orm::{EntityTrait, QueryOrder};

use super::department_scope;
use crate::api::error::{GqlResult, IntoGql};
use crate::api::loaders::load_err;
use crate::api::paging::{Connection, after_key, page_size};
use crate::api::scalars::{DateScalar, DecimalScalar, MoneyScalar, opt};
use crate::api::types::{Bond, Department, Project, ProjectStatus, Severity, Stage, app, caller, loaders};
use crate::error::{Error, Result};
use crate::ledger::entities::department;
use crate::ledger::{departments, projects, queries};

#[derive(InputObject, Default)]
pub struct ProjectFilter {
    /// Projects with an open alert of at least this severity.
    pub has_open_alert: Option<Severity>,
    pub department_code: Option<String>,
    pub status: Option<ProjectStatus>,
    pub stage: Option<Stage>,
    pub category: Option<String>,
    pub search: Option<String>,
}

fn zero() -> Option<MoneyScalar> {
    Some(MoneyScalar("0.00".into()))
}

#[derive(InputObject)]
pub struct DepartmentInput {
    pub code: String,
    pub name: String,
}

#[derive(InputObject)]
pub struct ProjectInput {
    pub code: String,
    pub name: String,
    pub department_code: String,
    pub executing_unit: String,
    pub category: String,
    pub construction_content: Option<String>,
    pub planned_start: Option<DateScalar>,
    pub planned_completion: Option<DateScalar>,
    pub approved_investment: MoneyScalar,
    /// defaults to approvedInvestment
    pub current_estimate: Option<MoneyScalar>,
    #[graphql(default_with = "zero()")]
    pub planned_bond_funding: Option<MoneyScalar>,
    #[graphql(default_with = "zero()")]
    pub capital_fund: Option<MoneyScalar>,
    #[graphql(default_with = "zero()")]
    pub own_funds: Option<MoneyScalar>,
    #[graphql(default_with = "zero()")]
    pub other_funding: Option<MoneyScalar>,
    pub revenue_start: Option<DateScalar>,
    pub revenue_end: Option<DateScalar>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub maturity_documents: Option<Vec<String>>,
}

#[derive(InputObject, Default)]
pub struct ProjectPatch {
    pub name: Option<String>,
    pub executing_unit: Option<String>,
    pub category: Option<String>,
    pub construction_content: Option<String>,
    pub planned_start: Option<DateScalar>,
    pub planned_completion: Option<DateScalar>,
    pub current_estimate: Option<MoneyScalar>,
    pub planned_bond_funding: Option<MoneyScalar>,
    pub capital_fund: Option<MoneyScalar>,
    pub own_funds: Option<MoneyScalar>,
    pub other_funding: Option<MoneyScalar>,
    pub revenue_start: Option<DateScalar>,
    pub revenue_end: Option<DateScalar>,
    pub maturity_documents: Option<Vec<String>>,
}

impl ProjectPatch {
    fn facts(self) -> Result<projects::ProjectDetails> {
        let money = |v: &Option<MoneyScalar>, f: &str| opt(v, f, MoneyScalar::parse_at);
        let date = |v: &Option<DateScalar>, f: &str| opt(v, f, DateScalar::parse_at);
        Ok(projects::ProjectDetails {
            planned_start: date(&self.planned_start, "input.plannedStart")?,
            planned_completion: date(&self.planned_completion, "input.plannedCompletion")?,
            revenue_start: date(&self.revenue_start, "input.revenueStart")?,
            revenue_end: date(&self.revenue_end, "input.revenueEnd")?,
            current_estimate: money(&self.current_estimate, "input.currentEstimate")?,
            planned_bond_funding: money(&self.planned_bond_funding, "input.plannedBondFunding")?,
            capital_fund: money(&self.capital_fund, "input.capitalFund")?,
            own_funds: money(&self.own_funds, "input.ownFunds")?,
            other_funding: money(&self.other_funding, "input.otherFunding")?,
            name: self.name,
            executing_unit: self.executing_unit,
            category: self.category,
            construction_content: self.construction_content,
            maturity_documents: self.maturity_documents,
        })
    }
}

impl ProjectInput {
    fn parse(self) -> Result<projects::ProjectInput> {
        let approved = self.approved_investment.parse_at("input.approvedInvestment")?;
        let patch = ProjectPatch {
            name: Some(self.name),
            executing_unit: Some(self.executing_unit),
            category: Some(self.category),
            construction_content: self.construction_content,
            planned_start: self.planned_start,
            planned_completion: self.planned_completion,
            current_estimate: self.current_estimate,
            planned_bond_funding: self.planned_bond_funding.or_else(zero),
            capital_fund: self.capital_fund.or_else(zero),
            own_funds: self.own_funds.or_else(zero),
            other_funding: self.other_funding.or_else(zero),
            revenue_start: self.revenue_start,
            revenue_end: self.revenue_end,
            maturity_documents: Some(self.maturity_documents.unwrap_or_default()),
        };
        Ok(projects::ProjectInput {
            code: self.code,
            department_code: self.department_code,
            approved_investment: approved,
            facts: patch.facts()?,
        })
    }
}

#[derive(InputObject)]
pub struct SpendingPlanInput {
    pub period: String,
    pub cumulative_percent: DecimalScalar,
}

#[derive(InputObject)]
pub struct RevenueForecastInput {
    pub year: i32,
    pub revenue: MoneyScalar,
    pub operating_cost: MoneyScalar,
}

#[derive(Default)]
pub struct LedgerQuery;

#[Object(name = "LedgerQuery")]
impl LedgerQuery {
    async fn departments(&self, ctx: &Context<'_>) -> GqlResult<Vec<Department>> {
        let rows = department::Entity::find()
            .order_by_asc(department::Column::Code)
            .all(&app(ctx).db)
            .await
            .map_err(Error::from)
            .gql()?;
        Ok(rows.into_iter().map(Department).collect())
    }

    async fn project(&self, ctx: &Context<'_>, code: String) -> GqlResult<Option<Project>> {
        let scope = department_scope(ctx, None).await?;
        match crate::ledger::project_by_code(&app(ctx).db, "code", &code).await {
            Ok(p) if scope.is_some() => {
                let dept = loaders(ctx).department.load_one(p.department_id).await.map_err(load_err)?;
                Ok(dept.filter(|d| Some(&d.code) == scope.as_ref()).map(|_| Project(p)))
            }
            Ok(p) => Ok(Some(Project(p))),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }

    /// Complexity grows with the page asked for.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<Project>> {
        let first = page_size(first, 50)?;
        let f = filter.unwrap_or_default();
        let filter = queries::ProjectFilter {
            department_code: department_scope(ctx, f.department_code).await?,
            status: f.status.map(Into::into),
            stage: f.stage.map(Into::into),
            category: f.category,
            search: f.search,
            has_open_alert: f.has_open_alert.map(Into::into),
        };
        let after = after_key(after)?;
        let app = app(ctx);
        let count = ctx.look_ahead().field("totalCount").exists();
        let page =
            queries::list_projects(&app.db, &filter, app.clock.today(), first, after.as_deref(), count).await.gql()?;
        Ok(Connection::page(page, |p| p.code.clone(), Project))
    }

    async fn bond(&self, ctx: &Context<'_>, code: String) -> GqlResult<Option<Bond>> {
        match crate::ledger::bond_by_code(&app(ctx).db, "code", &code).await {
            Ok(b) => Ok(Some(Bond(b))),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }

    /// Complexity grows with the page asked for.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn bonds(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<Bond>> {
        let first = page_size(first, 50)?;
        let after = after_key(after)?;
        let page = queries::list_bonds(&app(ctx).db, first, after.as_deref()).await.gql()?;
        Ok(Connection::page(page, |b| b.code.clone(), Bond))
    }
}

#[derive(Default)]
pub struct LedgerMutation;

#[Object(name = "LedgerMutation")]
impl LedgerMutation {
    async fn create_department(&self, ctx: &Context<'_>, input: DepartmentInput) -> GqlResult<Department> {
        let input = departments::DepartmentInput { code: input.code, name: input.name };
        departments::create_department(app(ctx), caller(ctx)?, input).await.map(Department).gql()
    }

    async fn create_project(&self, ctx: &Context<'_>, input: ProjectInput) -> GqlResult<Project> {
        let input = input.parse().gql()?;
        projects::create_project(app(ctx), caller(ctx)?, input).await.map(Project).gql()
    }

    /// Changes a project's facts; fails with CONFLICT when expectedVersion is not the current version.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        code: String,
        expected_version: i32,
        input: ProjectPatch,
    ) -> GqlResult<Project> {
        let facts = input.facts().gql()?;
        projects::update_project(app(ctx), caller(ctx)?, &code, expected_version, facts).await.map(Project).gql()
    }

    /// Moves the status; effectiveOn (default today) dates the change, e.g. the actual start.
    async fn set_project_status(
        &self,
        ctx: &Context<'_>,
        code: String,
        status: ProjectStatus,
        effective_on: Option<DateScalar>,
        note: Option<String>,
    ) -> GqlResult<Project> {
        let effective_on = opt(&effective_on, "effectiveOn", DateScalar::parse_at).gql()?;
        projects::set_project_status(app(ctx), caller(ctx)?, &code, status.into(), effective_on, note)
            .await
            .map(Project)
            .gql()
    }

    /// The cumulative spending plan (用款计划) by month; replaces the previous plan.
    async fn set_spending_plan(
        &self,
        ctx: &Context<'_>,
        project_code: String,
        months: Vec<SpendingPlanInput>,
    ) -> GqlResult<Project> {
        let months = months
            .into_iter()
            .map(|m| projects::SpendingPlanInput { period: m.period, cumulative_percent: m.cumulative_percent.0 })
            .collect();
        projects::set_spending_plan(app(ctx), caller(ctx)?, &project_code, months).await.map(Project).gql()
    }

    async fn set_revenue_forecast(
        &self,
        ctx: &Context<'_>,
        project_code: String,
        years: Vec<RevenueForecastInput>,
    ) -> GqlResult<Project> {
        let years = years
            .into_iter()
            .enumerate()
            .map(|(i, y)| {
                Ok(projects::RevenueForecastInput {
                    year: y.year,
                    revenue: y.revenue.parse_at(&format!("years[{i}].revenue"))?,
                    operating_cost: y.operating_cost.parse_at(&format!("years[{i}].operatingCost"))?,
                })
            })
            .collect::<Result<Vec<_>>>()
            .gql()?;
        projects::set_revenue_forecast(app(ctx), caller(ctx)?, &project_code, years).await.map(Project).gql()
    }
}
