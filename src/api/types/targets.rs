//! Performance targets, their indicators and actuals, and a target text as parsed.

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::{Department, Project, load_many, load_one, loaders};
use crate::api::error::{GqlResult, IntoGql};
use crate::api::scalars::{DateScalar, DecimalScalar};
use crate::targets::entities::{indicator, indicator_actual, performance_target};

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
