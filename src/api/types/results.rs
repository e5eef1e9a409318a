//! Results application (domain.md §9) as GraphQL: self-evaluations, rectifications with
//! their steps, and the year's results per department, over `crate::results`.

use async_graphql::{Context, Enum, Object};

use super::{Alert, Department, Grade, Project, app, enum_from_name, load_many, loaders};
use crate::api::error::{GqlResult, IntoGql};
use crate::api::loaders::load_err;
use crate::api::scalars::{DateScalar, DecimalScalar};
use crate::db::values::stored_decimal;
use crate::error::Error;
use crate::performance::{self, rectification, self_evaluation};

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::codes::RectificationStatus")]
pub enum RectificationStatus {
    Open,
    Submitted,
    Accepted,
    Returned,
}

pub struct SelfEvaluation(pub self_evaluation::Model);

#[Object]
impl SelfEvaluation {
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        project_of(ctx, self.0.project_id).await
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn total_score(&self) -> DecimalScalar {
        DecimalScalar::rounded(stored_decimal(&self.0.total_score), 2)
    }
    /// The parts of 10号's self-evaluation form, when given: 预算执行率 /10, 产出 /50, 效益 /30, 满意度 /10.
    async fn budget_execution_score(&self) -> Option<DecimalScalar> {
        part(&self.0.budget_execution_score)
    }
    async fn output_score(&self) -> Option<DecimalScalar> {
        part(&self.0.output_score)
    }
    async fn benefit_score(&self) -> Option<DecimalScalar> {
        part(&self.0.benefit_score)
    }
    async fn satisfaction_score(&self) -> Option<DecimalScalar> {
        part(&self.0.satisfaction_score)
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn submitted_on(&self) -> DateScalar {
        self.0.submitted_on.into()
    }
    /// The office's stored evaluation of the same year (再评价), when there is one.
    async fn evaluated_score(&self, ctx: &Context<'_>) -> GqlResult<Option<DecimalScalar>> {
        Ok(self.evaluated(ctx).await?.map(|e| DecimalScalar::rounded(stored_decimal(&e.total_score), 2)))
    }
    /// self − evaluated, in points.
    async fn deviation(&self, ctx: &Context<'_>) -> GqlResult<Option<DecimalScalar>> {
        Ok(self.evaluated(ctx).await?.map(|e| DecimalScalar::rounded(performance::deviation(&self.0, &e), 2)))
    }
}

impl SelfEvaluation {
    async fn evaluated(&self, ctx: &Context<'_>) -> GqlResult<Option<crate::performance::stored::Model>> {
        let rows = load_many(&loaders(ctx).evaluations_by_project, self.0.project_id).await?;
        Ok(rows.into_iter().find(|e| e.year == self.0.year))
    }
}

fn part(text: &Option<String>) -> Option<DecimalScalar> {
    text.as_deref().map(|t| DecimalScalar::rounded(stored_decimal(t), 2))
}

async fn project_of(ctx: &Context<'_>, id: i64) -> GqlResult<Project> {
    loaders(ctx)
        .project
        .load_one(id)
        .await
        .map_err(load_err)?
        .map(Project)
        .ok_or_else(|| Error::Internal(format!("project {id} vanished")))
        .gql()
}

pub struct Rectification(pub rectification::Model);

#[Object]
impl Rectification {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        project_of(ctx, self.0.project_id).await
    }
    async fn year(&self) -> Option<i32> {
        self.0.year
    }
    /// EVALUATION (opened by a 差 grade), ALERT or OFFICE.
    async fn source(&self) -> &str {
        &self.0.source
    }
    async fn alert(&self, ctx: &Context<'_>) -> GqlResult<Option<Alert>> {
        let Some(id) = self.0.alert_id else { return Ok(None) };
        Ok(loaders(ctx).alert.load_one(id).await.map_err(load_err)?.map(Alert))
    }
    async fn issue(&self) -> &str {
        &self.0.issue
    }
    async fn requirement(&self) -> &str {
        &self.0.requirement
    }
    async fn opened_on(&self) -> DateScalar {
        self.0.opened_on.into()
    }
    async fn due_on(&self) -> DateScalar {
        self.0.due_on.into()
    }
    async fn status(&self) -> GqlResult<RectificationStatus> {
        enum_from_name(&self.0.status)
            .ok_or_else(|| Error::Internal(format!("a stored rectification status '{}'", self.0.status)))
            .gql()
    }
    async fn response(&self) -> Option<&str> {
        self.0.response.as_deref()
    }
    async fn submitted_on(&self) -> Option<DateScalar> {
        self.0.submitted_on.map(Into::into)
    }
    async fn review_note(&self) -> Option<&str> {
        self.0.review_note.as_deref()
    }
    async fn accepted_on(&self) -> Option<DateScalar> {
        self.0.accepted_on.map(Into::into)
    }
    /// domain.md §9: days late (from dueOn to the submission then accepted or awaiting review, or to today); 0 when in time.
    async fn overdue_days(&self, ctx: &Context<'_>) -> i32 {
        performance::overdue_days(&self.0, app(ctx).clock.today()) as i32
    }
    /// Its history: opened, each response, each review, in order.
    async fn steps(&self, ctx: &Context<'_>) -> GqlResult<Vec<RectificationStep>> {
        let mut rows = load_many(&loaders(ctx).steps_by_rectification, self.0.id).await?;
        rows.sort_by_key(|s| s.id);
        Ok(rows.into_iter().map(RectificationStep).collect())
    }
}

pub struct RectificationStep(pub performance::rectification_step::Model);

/// One step of a rectification: who did what on which day, with the text given.
#[Object]
impl RectificationStep {
    /// OPENED, SUBMITTED, ACCEPTED or RETURNED.
    async fn step(&self) -> &str {
        &self.0.step
    }
    async fn on_date(&self) -> DateScalar {
        self.0.on_date.into()
    }
    async fn by_user(&self) -> &str {
        &self.0.by_user
    }
    /// The issue when opened, the response when submitted, the note of a review.
    async fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }
}

pub struct ResultApplication(pub crate::results::ResultApplication);

#[Object]
impl ResultApplication {
    async fn department(&self) -> Department {
        Department(self.0.department.clone())
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn projects_evaluated(&self) -> i32 {
        self.0.projects_evaluated as i32
    }
    async fn mean_score(&self) -> Option<DecimalScalar> {
        self.0.mean_score.map(|m| DecimalScalar::rounded(m, 2))
    }
    async fn grade(&self) -> Option<Grade> {
        self.0.grade.and_then(|g| enum_from_name(g.as_str()))
    }
    async fn projects_under60(&self) -> i32 {
        self.0.projects_under_60 as i32
    }
    async fn rectifications_issued(&self) -> i32 {
        self.0.issued as i32
    }
    async fn rectifications_accepted(&self) -> i32 {
        self.0.accepted as i32
    }
    async fn rectifications_overdue(&self) -> i32 {
        self.0.overdue as i32
    }
    async fn rectification_rate_percent(&self) -> Option<DecimalScalar> {
        self.0.rate_percent.map(|r| DecimalScalar::rounded(r, 2))
    }
    async fn mean_self_deviation(&self) -> Option<DecimalScalar> {
        self.0.mean_self_deviation.map(|d| DecimalScalar::rounded(d, 2))
    }
    /// For next year's project arrangements and budget (项目安排和预算), e.g. 压减 with the reason; from configuration.
    async fn suggestion(&self) -> &str {
        &self.0.suggestion
    }
    async fn budget_change_percent(&self) -> DecimalScalar {
        DecimalScalar::rounded(self.0.budget_change_percent, 2)
    }
}
