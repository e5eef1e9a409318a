//! Performance targets: indicators across projects read; a target approved, declared,
//! and an indicator's actual recorded.

use async_graphql::{Context, ID, InputObject, Object};

use super::department_scope;
use crate::api::error::{GqlResult, IntoGql};
use crate::api::paging::{Connection, after_id, page_size};
use crate::api::scalars::{DateScalar, opt};
use crate::api::types::{Indicator, PerformanceTarget, TargetKind, app, caller};
use crate::ledger::records;
use crate::targets;

#[derive(InputObject, Default)]
pub struct IndicatorFilter {
    /// The kind of the parsed target.
    pub kind: Option<TargetKind>,
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub department_code: Option<String>,
    pub project_code: Option<String>,
    pub year: Option<i32>,
}

#[derive(InputObject)]
pub struct IndicatorInput {
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target_text: String,
    pub basis: Option<String>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub history: Option<Vec<Option<String>>>,
}

/// A target belongs to a project or, for whole-department targets, to a department: give exactly one code.
#[derive(InputObject)]
pub struct TargetInput {
    pub project_code: Option<String>,
    pub department_code: Option<String>,
    pub scope: String,
    pub year: Option<i32>,
    pub description: String,
    pub approved_on: Option<DateScalar>,
    pub indicators: Vec<IndicatorInput>,
}

/// judgement (达成 / 部分达成 / 未达成) is required for a qualitative indicator, optional otherwise.
#[derive(InputObject)]
pub struct IndicatorActualInput {
    pub indicator_id: ID,
    pub period: String,
    pub actual: String,
    pub judgement: Option<String>,
}

#[derive(Default)]
pub struct TargetsQuery;

#[Object(name = "TargetsQuery")]
impl TargetsQuery {
    /// Indicators across all projects, for research: filter by level, department, year.
    /// Complexity grows with the page asked for.
    #[graphql(complexity = "first.unwrap_or(100).max(1) as usize * child_complexity")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        filter: Option<IndicatorFilter>,
        #[graphql(default = 100)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<Indicator>> {
        let first = page_size(first, 100)?;
        let after = after_id(after)?;
        let f = filter.unwrap_or_default();
        let filter = targets::IndicatorFilter {
            level1: f.level1,
            level2: f.level2,
            department_code: department_scope(ctx, f.department_code).await?,
            project_code: f.project_code,
            year: f.year,
            kind: f.kind.map(Into::into),
        };
        let page = targets::list_indicators(&app(ctx).db, &filter, first, after).await.gql()?;
        Ok(Connection::page(page, |(i, _)| i.id.to_string(), |(row, target)| Indicator { row, target: Some(target) }))
    }
}

#[derive(Default)]
pub struct ApprovalMutation;

#[Object(name = "ApprovalMutation")]
impl ApprovalMutation {
    /// Marks a declared target approved; targets are read in their latest declaration.
    async fn approve_target(&self, ctx: &Context<'_>, id: ID, approved_on: DateScalar) -> GqlResult<PerformanceTarget> {
        let id = records::parse_id("id", &id).gql()?;
        let approved_on = approved_on.parse_at("approvedOn").gql()?;
        targets::approve_target(app(ctx), caller(ctx)?, id, approved_on).await.map(PerformanceTarget).gql()
    }
}

#[derive(Default)]
pub struct TargetsMutation;

#[Object(name = "TargetsMutation")]
impl TargetsMutation {
    async fn declare_target(&self, ctx: &Context<'_>, input: TargetInput) -> GqlResult<PerformanceTarget> {
        let approved_on = opt(&input.approved_on, "input.approvedOn", DateScalar::parse_at).gql()?;
        let parsed = targets::TargetInput {
            project_code: input.project_code,
            department_code: input.department_code,
            scope: input.scope,
            year: input.year,
            description: input.description,
            approved_on,
            indicators: input
                .indicators
                .into_iter()
                .map(|i| targets::IndicatorInput {
                    level1: i.level1,
                    level2: i.level2,
                    name: i.name,
                    target_text: i.target_text,
                    basis: i.basis,
                    history: i.history.unwrap_or_default(),
                })
                .collect(),
        };
        targets::declare_target(app(ctx), caller(ctx)?, parsed).await.map(PerformanceTarget).gql()
    }

    async fn record_indicator_actual(&self, ctx: &Context<'_>, input: IndicatorActualInput) -> GqlResult<Indicator> {
        let indicator_id = records::parse_id("input.indicatorId", &input.indicator_id).gql()?;
        let parsed = targets::IndicatorActualInput {
            indicator_id,
            period: input.period,
            actual: input.actual,
            judgement: input.judgement,
        };
        targets::record_indicator_actual(app(ctx), caller(ctx)?, parsed)
            .await
            .map(|row| Indicator { row, target: None })
            .gql()
    }
}
