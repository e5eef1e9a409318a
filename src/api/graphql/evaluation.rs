//! Evaluation: the stored evaluations of a year and the departments' ranking; scoring a
//! project; and the ex-ante assessment submitted.

use async_graphql::{Context, InputObject, Object};

use super::department_scope;
use crate::api::error::{GqlResult, IntoGql};
use crate::api::scalars::{DateScalar, DecimalScalar, opt};
use crate::api::types::{Assessment, Department, DepartmentRank, Evaluation, app, caller};
use crate::error::Result;
use crate::evaluation;

#[derive(InputObject)]
pub struct AssessmentPointInput {
    pub point: i32,
    pub score: Option<DecimalScalar>,
    pub comment: Option<String>,
}

#[derive(InputObject)]
pub struct AssessmentInput {
    pub project_code: String,
    pub submitted_on: DateScalar,
    pub conclusion: String,
    pub points: Vec<AssessmentPointInput>,
}

#[derive(Default)]
pub struct EvaluationQuery;

#[Object(name = "EvaluationQuery")]
impl EvaluationQuery {
    /// Stored evaluations of a year, best first; of one department's projects when given.
    async fn evaluations(
        &self,
        ctx: &Context<'_>,
        year: i32,
        department_code: Option<String>,
    ) -> GqlResult<Vec<Evaluation>> {
        let department_code = department_scope(ctx, department_code).await?;
        let rows = crate::evaluation::ranked(app(ctx), year, department_code.as_deref()).await.gql()?;
        Ok(rows.into_iter().map(Evaluation).collect())
    }

    /// Departments ranked by the mean score of their evaluated projects in a year,
    /// with how many scored under 60 (fed back for correction).
    async fn department_ranking(&self, ctx: &Context<'_>, year: i32) -> GqlResult<Vec<DepartmentRank>> {
        let rows = crate::evaluation::department_ranking(app(ctx), year).await.gql()?;
        Ok(rows
            .into_iter()
            .map(|r| DepartmentRank {
                rank: r.rank as i32,
                department: Department(r.department),
                projects: r.projects as i32,
                average_score: DecimalScalar::rounded(r.average, 2),
                under60: r.under_60 as i32,
            })
            .collect())
    }
}

#[derive(Default)]
pub struct EvaluateMutation;

#[Object(name = "EvaluateMutation")]
impl EvaluateMutation {
    /// Scores a project for a year (domain.md §6) and stores the result; the same again gives the same.
    async fn evaluate(&self, ctx: &Context<'_>, project_code: String, year: i32) -> GqlResult<Evaluation> {
        crate::results::evaluate(app(ctx), caller(ctx)?, &project_code, year).await.map(Evaluation).gql()
    }
}

#[derive(Default)]
pub struct AssessmentMutation;

#[Object(name = "AssessmentMutation")]
impl AssessmentMutation {
    async fn submit_assessment(&self, ctx: &Context<'_>, input: AssessmentInput) -> GqlResult<Assessment> {
        let parsed = (|| {
            Ok(evaluation::AssessmentInput {
                submitted_on: input.submitted_on.parse_at("input.submittedOn")?,
                points: input
                    .points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        Ok(evaluation::AssessmentPointInput {
                            point: p.point,
                            score: opt(&p.score, &format!("input.points[{i}].score"), DecimalScalar::parse_at)?,
                            comment: p.comment.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
                project_code: input.project_code.clone(),
                conclusion: input.conclusion.clone(),
            })
        })()
        .gql()?;
        evaluation::submit_assessment(app(ctx), caller(ctx)?, parsed).await.map(Assessment).gql()
    }
}
