//! Results application (domain.md §9): self-evaluations, rectifications and the year's
//! results per department, over `crate::results`.

use async_graphql::{Context, InputObject, Object};

use super::department_scope;
use crate::api::error::{GqlResult, IntoGql};
use crate::api::paging::{Connection, after_id, page_size};
use crate::api::scalars::{DateScalar, DecimalScalar, opt};
use crate::api::types::{Rectification, RectificationStatus, ResultApplication, SelfEvaluation, app, caller};
use crate::results;

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
    f.department_code = department_scope(ctx, f.department_code.take()).await?;
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
        // A MANAGER of one department reads that department's (the one rule of `department_scope`).
        let department_code = department_scope(ctx, department_code).await?;
        let rows = results::self_evaluations(app(ctx), year, department_code.as_deref()).await.gql()?;
        Ok(rows.into_iter().map(SelfEvaluation).collect())
    }

    async fn rectifications(
        &self,
        ctx: &Context<'_>,
        filter: Option<RectificationFilter>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<Rectification>> {
        let first = page_size(first, 50)?;
        let filter = scoped(ctx, filter.unwrap_or_default(), None).await?;
        let after = after_id(after)?;
        let page = results::list(app(ctx), caller(ctx)?, &filter, first, after).await.gql()?;
        Ok(Connection::page(page, |r| r.id.to_string(), Rectification))
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
