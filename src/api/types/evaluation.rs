//! Ex-ante assessments with their checks, stored evaluations with their scores, and a
//! department's place in a year's ranking.

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::{Department, Dimension, Project, app, load_many, load_one, loaders, stored};
use crate::api::error::{GqlResult, IntoGql};
use crate::api::scalars::{DateScalar, DecimalScalar};
use crate::evaluation::ASSESSMENT_POINTS;
use crate::performance::assessment;

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

/// 优 良 中 差 at 90 / 80 / 60.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Grade {
    Excellent,
    Good,
    Fair,
    Poor,
}

pub struct Evaluation(pub crate::performance::stored::Model);

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
