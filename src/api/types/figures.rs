//! `ProjectFigures` (domain.md §4a) as GraphQL: every value shown through the one
//! definition of its figure in [`crate::figures`], rounded half up.

use async_graphql::{Context, Object};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{Project, ProjectStatus, Stage, loaders};
use crate::api::error::GqlResult;
use crate::api::loaders::load_err;
use crate::api::scalars::{DateScalar, DateTimeScalar, DecimalScalar, MoneyScalar};
use crate::figures::{self, Figure, ProjectFigures};
use crate::ledger::entities::project;

pub struct Figures {
    pub project: project::Model,
    pub figures: ProjectFigures,
    pub known_at: Option<DateTime<Utc>>,
}

fn shown(figure: Figure, value: Option<Decimal>) -> Option<DecimalScalar> {
    value.map(|v| DecimalScalar(figure.decimal(v)))
}

/// Every figure of one project as of a date.
#[Object(name = "ProjectFigures")]
impl Figures {
    async fn project(&self) -> Project {
        Project(self.project.clone())
    }
    async fn as_of(&self) -> DateScalar {
        self.figures.as_of.into()
    }
    /// Only rows recorded by this moment counted, and what was updated in place as it
    /// stood then (domain.md §4, as known); none: everything recorded so far.
    async fn known_at(&self) -> Option<DateTimeScalar> {
        self.known_at.map(DateTimeScalar)
    }
    /// The status in force on the date, by the status history.
    async fn status(&self) -> ProjectStatus {
        self.figures.status.into()
    }
    async fn stage(&self) -> Stage {
        self.figures.stage.into()
    }
    /// 债券资金: allocations in force on the date, after use adjustments.
    async fn bond_funding(&self) -> MoneyScalar {
        self.figures.bond_funding.into()
    }
    /// 到账: receipts, plus money moved in, minus money moved out.
    async fn received(&self) -> MoneyScalar {
        self.figures.received.into()
    }
    /// 拨付: transfers net of reversals, minus money returned by adjustments.
    async fn transferred(&self) -> MoneyScalar {
        self.figures.transferred.into()
    }
    /// 支出: payments net of reversals.
    async fn paid(&self) -> MoneyScalar {
        self.figures.paid.into()
    }
    /// 国库未拨付 = received − transferred.
    async fn held_in_treasury(&self) -> MoneyScalar {
        self.figures.held_in_treasury.into()
    }
    /// 单位未支出 = transferred − paid.
    async fn held_at_unit(&self) -> MoneyScalar {
        self.figures.held_at_unit.into()
    }
    /// 资金到位率 = received ÷ plannedBondFunding.
    async fn funding_in_place_percent(&self) -> Option<DecimalScalar> {
        shown(figures::FUNDING_IN_PLACE, self.figures.funding_in_place_percent)
    }
    /// 支出率 = paid ÷ received.
    async fn spend_rate_percent(&self) -> Option<DecimalScalar> {
        shown(figures::SPEND_RATE, self.figures.spend_rate_percent)
    }
    /// 资金支出进度 = paid ÷ bondFunding: what M3 and M4 compare.
    async fn spend_progress_percent(&self) -> Option<DecimalScalar> {
        shown(figures::SPEND_PROGRESS, self.figures.spend_progress_percent)
    }
    /// 计划支出进度: the spending plan at the date, linear between its points.
    async fn planned_spend_percent(&self) -> Option<DecimalScalar> {
        shown(figures::PLANNED_SPEND, self.figures.planned_spend_percent)
    }
    /// 形象进度: the latest progress report for a month up to the date's.
    async fn physical_progress_percent(&self) -> Option<DecimalScalar> {
        shown(figures::PHYSICAL_PROGRESS, self.figures.physical_progress_percent)
    }
    /// 本息覆盖倍数, from the forecast as recorded.
    async fn coverage_ratio(&self) -> Option<DecimalScalar> {
        shown(figures::COVERAGE, self.figures.coverage_ratio)
    }
    /// 滚动覆盖倍数, with the realisation rate at the date.
    async fn rolling_coverage_ratio(&self) -> Option<DecimalScalar> {
        shown(figures::ROLLING_COVERAGE, self.figures.rolling_coverage_ratio)
    }
    /// 收益实现率: the current year by the share of its days elapsed.
    async fn realisation_rate_percent(&self) -> Option<DecimalScalar> {
        shown(figures::REALISATION, self.figures.realisation_rate_percent)
    }
    /// 专户余额 = revenue transferred to the dedicated account − debt service paid from it.
    async fn dedicated_balance(&self) -> MoneyScalar {
        self.figures.dedicated_balance.into()
    }
    /// 未偿本金: the project's principal less the principal paid by the date.
    async fn outstanding_principal(&self) -> MoneyScalar {
        self.figures.outstanding_principal.into()
    }
    /// 逾期未付本息: lines due before the date, less what was paid against them by it.
    async fn overdue_debt_service(&self) -> MoneyScalar {
        self.figures.overdue_debt_service.into()
    }
    /// 未来12个月应付本息: lines due on or after the date and before it plus 12 months.
    async fn debt_service_next_12_months(&self) -> MoneyScalar {
        self.figures.debt_service_next_12_months.into()
    }
}

/// A project's figures on a date (as known at a moment), through the request's loader:
/// one batch per date and moment.
pub async fn of_project(
    ctx: &Context<'_>,
    project: &project::Model,
    as_of: NaiveDate,
    known_at: Option<DateTime<Utc>>,
) -> GqlResult<Figures> {
    let figures = loaders(ctx)
        .figures
        .load_one((project.id, as_of, known_at))
        .await
        .map_err(load_err)?
        .ok_or_else(|| async_graphql::Error::new("a project's figures came back empty"))?;
    Ok(Figures { project: project.clone(), figures, known_at })
}
