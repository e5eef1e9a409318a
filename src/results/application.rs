//! Each department's year in results application (domain.md §9): its evaluations, the
//! rectifications that count in the year, self-evaluations, and next year's suggestion.

use chrono::Datelike;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::self_evaluations;
use crate::Ctx;
use crate::codes::{Grade, RectificationStatus};
use crate::db::values::{check_year, stored_decimal};
use crate::error::Result;
use crate::ledger::entities::{department, project};
use crate::performance::{deviation, overdue_days, rectification};

/// Does a rectification count in `year`'s results? Of the year's evaluation, or opened
/// in the year with no year of its own: an evaluation of 2025 stored in 2026 counts in
/// 2025 only.
pub fn counts_in(r: &rectification::Model, year: i32) -> bool {
    r.year == Some(year) || (r.year.is_none() && r.opened_on.year() == year)
}

/// One department's results of a year (domain.md §9).
#[derive(Clone, Debug, PartialEq)]
pub struct ResultApplication {
    pub department: department::Model,
    pub year: i32,
    pub projects_evaluated: usize,
    pub mean_score: Option<Decimal>,
    pub grade: Option<Grade>,
    pub projects_under_60: usize,
    pub issued: usize,
    pub accepted: usize,
    pub overdue: usize,
    pub rate_percent: Option<Decimal>,
    pub mean_self_deviation: Option<Decimal>,
    pub suggestion: String,
    pub budget_change_percent: Decimal,
}

fn mean(values: &[Decimal]) -> Option<Decimal> {
    (!values.is_empty())
        .then(|| crate::figures::round_half_up(values.iter().sum::<Decimal>() / Decimal::from(values.len()), 2))
}

/// Every department's results of `year`: its projects' stored evaluations, their
/// rectifications (of the year's evaluations, or opened in the year), self-evaluations,
/// and the suggestion for next year by the grade of the mean.
pub async fn result_application(ctx: &Ctx, year: i32) -> Result<Vec<ResultApplication>> {
    check_year("year", year)?;
    let today = ctx.clock.today();
    let departments = department::Entity::find().order_by_asc(department::Column::Code).all(&ctx.db).await?;
    let projects = project::Entity::find().all(&ctx.db).await?;
    let evaluations = crate::performance::stored::Entity::find()
        .filter(crate::performance::stored::Column::Year.eq(year))
        .all(&ctx.db)
        .await?;
    let rects = rectification::Entity::find().all(&ctx.db).await?;
    let selfs = self_evaluations(ctx, year, None).await?;
    let mut out = Vec::new();
    for d in departments {
        let own: std::collections::BTreeSet<i64> =
            projects.iter().filter(|p| p.department_id == d.id).map(|p| p.id).collect();
        let evals: Vec<&crate::performance::stored::Model> =
            evaluations.iter().filter(|e| own.contains(&e.project_id)).collect();
        let scores: Vec<Decimal> = evals.iter().map(|e| stored_decimal(&e.total_score)).collect();
        let mean_score = mean(&scores);
        let grade = mean_score.map(|m| ctx.evaluation.grade(m));
        let of_year: Vec<&rectification::Model> =
            rects.iter().filter(|r| own.contains(&r.project_id) && counts_in(r, year)).collect();
        let accepted = of_year.iter().filter(|r| r.status == RectificationStatus::Accepted.as_str()).count();
        let overdue = of_year
            .iter()
            .filter(|r| r.status != RectificationStatus::Accepted.as_str() && overdue_days(r, today) > 0)
            .count();
        let deviations: Vec<Decimal> = selfs
            .iter()
            .filter(|s| own.contains(&s.project_id))
            .filter_map(|s| evals.iter().find(|e| e.project_id == s.project_id).map(|e| deviation(s, e)))
            .collect();
        let (suggestion, percent) = ctx.results.suggestion(grade);
        out.push(ResultApplication {
            year,
            projects_evaluated: evals.len(),
            mean_score,
            grade,
            projects_under_60: scores.iter().filter(|s| **s < Decimal::from(60)).count(),
            issued: of_year.len(),
            accepted,
            overdue,
            rate_percent: (!of_year.is_empty()).then(|| {
                crate::figures::round_half_up(Decimal::from(accepted * 100) / Decimal::from(of_year.len()), 2)
            }),
            mean_self_deviation: mean(&deviations),
            suggestion,
            budget_change_percent: percent,
            department: d,
        });
    }
    Ok(out)
}
