//! The GraphQL edge of results application (domain.md §9): self-evaluations,
//! rectifications and the year's results per department, over `crate::results`.

use async_graphql::{Context, Enum, InputObject, Object};

use super::error::{GqlResult, IntoGql};
use super::mutation::caller;
use super::query::{decode_cursor, encode_cursor};
use super::scalars::{DateScalar, DecimalScalar, opt};
use super::types::{Alert, Department, Grade, PageInfo, Project, app, enum_from_name, loaders};
use crate::db::values::stored_decimal;
use crate::error::Error;
use crate::results::{self, rectification, self_evaluation};

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
        Ok(self.evaluated(ctx).await?.map(|e| DecimalScalar::rounded(results::deviation(&self.0, &e), 2)))
    }
}

impl SelfEvaluation {
    async fn evaluated(&self, ctx: &Context<'_>) -> GqlResult<Option<crate::evaluation::stored::Model>> {
        let rows = super::types::load_many(&loaders(ctx).evaluations_by_project, self.0.project_id).await?;
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
        .map_err(super::loaders::load_err)?
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
        Ok(loaders(ctx).alert.load_one(id).await.map_err(super::loaders::load_err)?.map(Alert))
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
        results::overdue_days(&self.0, app(ctx).clock.today()) as i32
    }
    /// Its history: opened, each response, each review, in order.
    async fn steps(&self, ctx: &Context<'_>) -> GqlResult<Vec<RectificationStep>> {
        let mut rows = super::types::load_many(&loaders(ctx).steps_by_rectification, self.0.id).await?;
        rows.sort_by_key(|s| s.id);
        Ok(rows.into_iter().map(RectificationStep).collect())
    }
}

pub struct RectificationStep(pub results::rectification_step::Model);

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

#[derive(async_graphql::SimpleObject)]
pub struct RectificationConnection {
    pub nodes: Vec<Rectification>,
    pub page_info: PageInfo,
    pub total_count: i32,
}

pub struct ResultApplication(pub results::ResultApplication);

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

#[derive(InputObject)]
pub struct SelfEvaluationInput {
    pub project_code: String,
    pub year: i32,
    pub total_score: DecimalScalar,
    pub budget_execution_score: Option<DecimalScalar>,
    pub output_score: Option<DecimalScalar>,
    pub benefit_score: Option<DecimalScalar>,
    pub satisfaction_score: Option<DecimalScalar>,
    pub note: Option<String>,
    pub submitted_on: Option<DateScalar>,
}

/// Give alertId to open a rectification from an alert; year ties it to an evaluation year.
#[derive(InputObject)]
pub struct RectificationInput {
    pub project_code: String,
    pub year: Option<i32>,
    pub alert_id: Option<async_graphql::ID>,
    pub issue: String,
    pub requirement: String,
    pub due_on: DateScalar,
}

#[derive(InputObject, Default)]
pub struct RectificationFilter {
    pub status: Option<RectificationStatus>,
    pub department_code: Option<String>,
    pub project_code: Option<String>,
    pub overdue: Option<bool>,
    pub year: Option<i32>,
}

/// The service's filter of a request: codes looked up, and a MANAGER of one department
/// held to it (a REPORTER is held to its own by the service).
async fn scoped(
    ctx: &Context<'_>,
    mut f: RectificationFilter,
    id: Option<i64>,
) -> GqlResult<results::RectificationFilter> {
    let db = &app(ctx).db;
    f.department_code = super::query::department_scope(ctx, f.department_code.take()).await?;
    let department_id = match &f.department_code {
        Some(code) => Some(crate::ledger::department_by_code(db, "filter.departmentCode", code).await.gql()?.id),
        None => None,
    };
    let project_id = match &f.project_code {
        Some(code) => Some(crate::ledger::project_by_code(db, "filter.projectCode", code).await.gql()?.id),
        None => None,
    };
    Ok(results::RectificationFilter {
        id,
        status: f.status.map(Into::into),
        department_id,
        project_id,
        overdue: f.overdue,
        year: f.year,
    })
}

#[derive(Default)]
pub struct ResultsQuery;

#[Object(name = "ResultsQuery")]
impl ResultsQuery {
    async fn self_evaluations(
        &self,
        ctx: &Context<'_>,
        year: i32,
        department_code: Option<String>,
    ) -> GqlResult<Vec<SelfEvaluation>> {
        // A MANAGER of one department reads that department's (the one rule of query.rs).
        let department_code = super::query::department_scope(ctx, department_code).await?;
        let rows = results::self_evaluations(app(ctx), year, department_code.as_deref()).await.gql()?;
        Ok(rows.into_iter().map(SelfEvaluation).collect())
    }

    async fn rectifications(
        &self,
        ctx: &Context<'_>,
        filter: Option<RectificationFilter>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<RectificationConnection> {
        let first = super::query::page_size(first, 50)?;
        let filter = scoped(ctx, filter.unwrap_or_default(), None).await?;
        let after = after
            .map(|a| decode_cursor(&a).and_then(|c| crate::ledger::records::parse_id("after", &c)))
            .transpose()
            .gql()?;
        let (rows, more, total) = results::list(app(ctx), caller(ctx)?, &filter, first, after).await.gql()?;
        let end = rows.last().map(|r| encode_cursor(&r.id.to_string()));
        Ok(RectificationConnection {
            nodes: rows.into_iter().map(Rectification).collect(),
            page_info: PageInfo { has_next_page: more, end_cursor: end },
            total_count: total as i32,
        })
    }

    /// One rectification, when the caller may read it (its department's staff, the office, readers).
    async fn rectification(&self, ctx: &Context<'_>, id: async_graphql::ID) -> GqlResult<Option<Rectification>> {
        let id = crate::ledger::records::parse_id("id", &id).gql()?;
        let filter = scoped(ctx, RectificationFilter::default(), Some(id)).await?;
        let (rows, _, _) = results::list(app(ctx), caller(ctx)?, &filter, 1, None).await.gql()?;
        Ok(rows.into_iter().next().map(Rectification))
    }

    /// 结果应用: per department, the year's scores, rectifications and the suggestion for next year (domain.md §9).
    async fn result_application(&self, ctx: &Context<'_>, year: i32) -> GqlResult<Vec<ResultApplication>> {
        let rows = results::result_application(app(ctx), year).await.gql()?;
        Ok(rows.into_iter().map(ResultApplication).collect())
    }
}

#[derive(Default)]
pub struct ResultsMutation;

#[Object(name = "ResultsMutation")]
impl ResultsMutation {
    /// 自评: a department's REPORTER for its own projects, or ADMIN; a second for the
    /// same project and year replaces the first.
    async fn submit_self_evaluation(&self, ctx: &Context<'_>, input: SelfEvaluationInput) -> GqlResult<SelfEvaluation> {
        let parts =
            [&input.budget_execution_score, &input.output_score, &input.benefit_score, &input.satisfaction_score]
                .map(|p| p.as_ref().map(|d| d.0.clone()));
        let parsed = results::SelfEvaluationInput {
            project_code: input.project_code,
            year: input.year,
            total_score: input.total_score.0,
            parts,
            note: input.note,
            submitted_on: opt(&input.submitted_on, "input.submittedOn", DateScalar::parse_at).gql()?,
        };
        results::submit_self_evaluation(app(ctx), caller(ctx)?, parsed).await.map(SelfEvaluation).gql()
    }

    async fn open_rectification(&self, ctx: &Context<'_>, input: RectificationInput) -> GqlResult<Rectification> {
        let alert_id =
            input.alert_id.map(|id| crate::ledger::records::parse_id("input.alertId", &id)).transpose().gql()?;
        let parsed = results::RectificationInput {
            project_code: input.project_code,
            year: input.year,
            alert_id,
            issue: input.issue,
            requirement: input.requirement,
            due_on: input.due_on.parse_at("input.dueOn").gql()?,
        };
        results::open_rectification(app(ctx), caller(ctx)?, parsed).await.map(Rectification).gql()
    }

    /// The unit's response (its department's REPORTER, or ADMIN).
    async fn submit_rectification(
        &self,
        ctx: &Context<'_>,
        id: async_graphql::ID,
        response: String,
        submitted_on: Option<DateScalar>,
    ) -> GqlResult<Rectification> {
        let id = crate::ledger::records::parse_id("id", &id).gql()?;
        let on = opt(&submitted_on, "submittedOn", DateScalar::parse_at).gql()?;
        results::submit_rectification(app(ctx), caller(ctx)?, id, &response, on).await.map(Rectification).gql()
    }

    /// The office accepts the rectification (整改到位) or returns it with a note.
    async fn review_rectification(
        &self,
        ctx: &Context<'_>,
        id: async_graphql::ID,
        accepted: bool,
        note: Option<String>,
        reviewed_on: Option<DateScalar>,
    ) -> GqlResult<Rectification> {
        let id = crate::ledger::records::parse_id("id", &id).gql()?;
        let on = opt(&reviewed_on, "reviewedOn", DateScalar::parse_at).gql()?;
        results::review_rectification(app(ctx), caller(ctx)?, id, accepted, note.as_deref(), on)
            .await
            .map(Rectification)
            .gql()
    }
}
