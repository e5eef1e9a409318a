//! Results application (结果应用, domain.md §9): units evaluate themselves, the office's
//! evaluation is the re-evaluation, a 差 opens a rectification that the unit answers and
//! the office accepts or returns, and each department's year ends in a suggestion for
//! next year's project arrangements and budget.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, QueryOrder,
    Set,
};

use crate::Ctx;
use crate::base::{Caller, Role};
use crate::codes::{Grade, RectificationSource, RectificationStatus, RectificationStep};
use crate::db::values::check_year;
use crate::db::{begin_write, in_write};
use crate::error::{Error, Problems, Result};
use crate::ledger::entities::project;
use crate::ledger::{audit, optional_text, project_in_scope, required_text};

pub use crate::config::results as config;

mod application;
use crate::performance::{overdue_days, rectification, rectification_step, self_evaluation};
pub use application::{ResultApplication, counts_in, result_application};

/// The four parts of 10号's self-evaluation form and their maxima.
pub const PARTS: [(&str, &str, u32); 4] = [
    ("input.budgetExecutionScore", "预算执行率", 10),
    ("input.outputScore", "产出", 50),
    ("input.benefitScore", "效益", 30),
    ("input.satisfactionScore", "满意度", 10),
];

pub struct SelfEvaluationInput {
    pub project_code: String,
    pub year: i32,
    pub total_score: String,
    /// 预算执行率, 产出, 效益, 满意度: all four or none.
    pub parts: [Option<String>; 4],
    pub note: Option<String>,
    pub submitted_on: Option<NaiveDate>,
}

fn score(field: &str, text: &str, max: u32) -> Result<Decimal> {
    let d = crate::db::values::parse_decimal(field, text)?;
    if d < Decimal::ZERO || d > Decimal::from(max) || d.normalize().scale() > 2 {
        return Err(Error::validation(field, format!("“{text}”不是 0 至 {max} 分之间、最多两位小数的分数")));
    }
    Ok(d)
}

/// A department's REPORTER (for its own projects) or the office submits; a second for
/// the same project and year replaces the first, which is kept.
pub async fn submit_self_evaluation(
    ctx: &Ctx,
    caller: &Caller,
    input: SelfEvaluationInput,
) -> Result<self_evaluation::Model> {
    in_write(&ctx.db, async |txn| submit_self_evaluation_in(txn, ctx, caller, input).await).await
}

/// [`submit_self_evaluation`] inside the caller's transaction (an import's).
pub async fn submit_self_evaluation_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: SelfEvaluationInput,
) -> Result<self_evaluation::Model> {
    let mut problems = Problems::default();
    let year = problems.take(check_year("input.year", input.year));
    let total = problems.take(score("input.totalScore", &input.total_score, 100));
    let parts: Vec<Option<Decimal>> = PARTS
        .iter()
        .zip(&input.parts)
        .map(|((field, _, max), text)| text.as_deref().and_then(|t| problems.take(score(field, t, *max))))
        .collect();
    let given = input.parts.iter().filter(|p| p.is_some()).count();
    if given != 0 && given != 4 {
        problems.push(Error::validation(
            "input.budgetExecutionScore",
            "自评表的四部分(预算执行率、产出、效益、满意度)须全部填写,或全部不填",
        ));
    }
    if let (Some(total), 4) = (total, parts.iter().flatten().count()) {
        let sum: Decimal = parts.iter().flatten().sum();
        if (sum - total).abs() > Decimal::new(1, 2) {
            problems.push(Error::validation(
                "input.totalScore",
                format!("四部分之和 {} 分与总分 {} 分不符(误差须在 0.01 分以内)", sum.normalize(), total.normalize()),
            ));
        }
    }
    let note = problems.take(optional_text("input.note", input.note.as_deref(), 2000));
    problems.finish()?;
    let (Some(year), Some(total)) = (year, total) else { return Err(Error::Internal("checked above".into())) };
    let today = ctx.clock.today();
    let submitted_on = input.submitted_on.unwrap_or(today);
    let project = project_in_scope(txn, caller, "input.projectCode", &input.project_code).await?;
    let now = ctx.clock.now();
    self_evaluation::Entity::update_many()
        .col_expr(self_evaluation::Column::SupersededAt, sea_orm::sea_query::Expr::value(now))
        .filter(self_evaluation::Column::ProjectId.eq(project.id))
        .filter(self_evaluation::Column::Year.eq(year))
        .filter(self_evaluation::Column::SupersededAt.is_null())
        .exec(txn)
        .await?;
    let text = |d: &Option<Decimal>| d.map(|d| crate::figures::fixed(d, 2));
    let saved = self_evaluation::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        year: Set(year),
        total_score: Set(crate::figures::fixed(total, 2)),
        budget_execution_score: Set(text(&parts[0])),
        output_score: Set(text(&parts[1])),
        benefit_score: Set(text(&parts[2])),
        satisfaction_score: Set(text(&parts[3])),
        note: Set(note.clone().flatten()),
        submitted_on: Set(submitted_on),
        submitted_by: Set(caller.username.clone()),
        recorded_at: Set(now),
        superseded_at: Set(None),
    }
    .insert(txn)
    .await?;
    crate::base::marks::changed(txn, [project.id]).await?;
    audit(txn, ctx, caller, "submitSelfEvaluation", format!("{} {year}", project.code), None::<&()>, Some(&saved))
        .await?;
    Ok(saved)
}

/// The self-evaluations in force of a year, of one department's projects when given.
pub async fn self_evaluations(
    ctx: &Ctx,
    year: i32,
    department_code: Option<&str>,
) -> Result<Vec<self_evaluation::Model>> {
    let mut select = self_evaluation::Entity::find()
        .filter(self_evaluation::Column::Year.eq(year))
        .filter(self_evaluation::Column::SupersededAt.is_null())
        .order_by_asc(self_evaluation::Column::ProjectId);
    if let Some(code) = department_code {
        let dept = crate::ledger::department_by_code(&ctx.db, "departmentCode", code).await?;
        select = select.filter(self_evaluation::Column::ProjectId.in_subquery(projects_of(dept.id)));
    }
    Ok(select.all(&ctx.db).await?)
}

/// The ids of a department's projects, as a subquery: one statement with what it filters.
fn projects_of(department_id: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(project::Column::Id)
        .from(project::Entity)
        .and_where(project::Column::DepartmentId.eq(department_id))
        .to_owned()
}

async fn step(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    id: i64,
    what: RectificationStep,
    on: NaiveDate,
    body: Option<String>,
) -> Result<()> {
    rectification_step::ActiveModel {
        id: NotSet,
        rectification_id: Set(id),
        step: Set(what.as_str().into()),
        on_date: Set(on),
        by_user: Set(caller.username.clone()),
        body: Set(body),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub struct RectificationInput {
    pub project_code: String,
    pub year: Option<i32>,
    pub alert_id: Option<i64>,
    pub issue: String,
    pub requirement: String,
    pub due_on: NaiveDate,
}

/// The office opens one by hand: from an alert, or its own finding.
pub async fn open_rectification(ctx: &Ctx, caller: &Caller, input: RectificationInput) -> Result<rectification::Model> {
    if caller.role != Role::Admin {
        return Err(Error::Forbidden("整改事项由债务管理部门(ADMIN)下达".into()));
    }
    let mut problems = Problems::default();
    let issue = problems.take(required_text("input.issue", &input.issue, 4000));
    let requirement = problems.take(required_text("input.requirement", &input.requirement, 4000));
    if let Some(y) = input.year {
        problems.take(check_year("input.year", y));
    }
    let today = ctx.clock.today();
    if input.due_on < today {
        problems.push(Error::validation("input.dueOn", format!("整改期限 {} 早于今天 {today}", input.due_on)));
    }
    problems.finish()?;
    let (Some(issue), Some(requirement)) = (issue, requirement) else {
        return Err(Error::Internal("a text neither read nor refused".into()));
    };
    in_write(&ctx.db, async |txn| {
        let project = crate::ledger::project_by_code(txn, "input.projectCode", &input.project_code).await?;
        let source = match input.alert_id {
            Some(id) => {
                let alert = crate::monitoring::store::alert::Entity::find_by_id(id)
                    .one(txn)
                    .await?
                    .ok_or_else(|| Error::not_found("input.alertId", format!("没有 id 为 {id} 的预警")))?;
                if alert.project_id.is_some_and(|p| p != project.id) {
                    return Err(Error::validation("input.alertId", format!("预警 {id} 不属于项目 {}", project.code)));
                }
                RectificationSource::Alert
            }
            None => RectificationSource::Office,
        };
        let row = insert(
            txn,
            ctx,
            caller,
            &project,
            input.year,
            source,
            input.alert_id,
            issue.clone(),
            requirement.clone(),
            input.due_on,
            None,
        )
        .await?;
        Ok(row)
    })
    .await
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    project: &project::Model,
    year: Option<i32>,
    source: RectificationSource,
    alert_id: Option<i64>,
    issue: String,
    requirement: String,
    due_on: NaiveDate,
    evaluation_key: Option<String>,
) -> Result<rectification::Model> {
    let today = ctx.clock.today();
    let saved = rectification::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        year: Set(year),
        source: Set(source.as_str().into()),
        alert_id: Set(alert_id),
        issue: Set(issue),
        requirement: Set(requirement),
        opened_on: Set(today),
        due_on: Set(due_on),
        status: Set(RectificationStatus::Open.as_str().into()),
        response: Set(None),
        submitted_on: Set(None),
        review_note: Set(None),
        accepted_on: Set(None),
        opened_by: Set(caller.username.clone()),
        evaluation_key: Set(evaluation_key),
        created_at: Set(ctx.clock.now()),
    }
    .insert(txn)
    .await?;
    step(txn, ctx, caller, saved.id, RectificationStep::Opened, today, Some(saved.issue.clone())).await?;
    crate::base::marks::changed(txn, [project.id]).await?;
    audit(txn, ctx, caller, "openRectification", format!("{} #{}", project.code, saved.id), None::<&()>, Some(&saved))
        .await?;
    Ok(saved)
}

/// Evaluates a project for a year (as of 31 December, or today for the current year)
/// and stores the result in place of any earlier one; recomputing gives the same.
pub async fn evaluate(ctx: &Ctx, caller: &Caller, code: &str, year: i32) -> Result<crate::performance::stored::Model> {
    let (facts, result) = crate::evaluation::score_project(ctx, code, year).await?;
    store_evaluation(ctx, caller, &facts.project, year, &result).await
}

/// Stores a project's score for a year, and a 差 opens its rectification (once, however
/// often the evaluation is stored), in one transaction.
pub async fn store_evaluation(
    ctx: &Ctx,
    caller: &Caller,
    project: &project::Model,
    year: i32,
    result: &crate::evaluation::score::Evaluation,
) -> Result<crate::performance::stored::Model> {
    let txn = begin_write(&ctx.db).await?;
    let saved = crate::evaluation::store_in(&txn, ctx, caller, project, year, result).await?;
    open_for_evaluation(&txn, ctx, caller, project, year, result).await?;
    txn.commit().await?;
    Ok(saved)
}

/// An evaluation graded 差 opens its rectification, listing the deductions as the
/// issue, due the configured days later; stored again, it opens none.
async fn open_for_evaluation(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    project: &project::Model,
    year: i32,
    result: &crate::evaluation::score::Evaluation,
) -> Result<Option<rectification::Model>> {
    if result.grade != Grade::Poor.as_str() {
        return Ok(None);
    }
    let key = format!("p{}:{year}", project.id);
    let exists =
        rectification::Entity::find().filter(rectification::Column::EvaluationKey.eq(key.as_str())).one(txn).await?;
    if exists.is_some() {
        return Ok(None);
    }
    let deductions: Vec<String> = result
        .dimensions
        .iter()
        .flat_map(|d| d.items.iter())
        .filter(|i| i.score < i.max_score)
        .map(|i| format!("{}扣{}分:{}", i.name, crate::figures::fixed(i.max_score - i.score, 2), i.reason))
        .collect();
    let issue = format!(
        "{year}年度绩效评价得分{}分,等级为“差”。{}",
        crate::figures::fixed(result.total, 2),
        deductions.join(";")
    );
    let requirement = "针对扣分事项逐项整改,按期报送整改情况".to_string();
    let due = ctx.clock.today() + chrono::Duration::days(ctx.results.due_days.into());
    let row = insert(
        txn,
        ctx,
        caller,
        project,
        Some(year),
        RectificationSource::Evaluation,
        None,
        issue,
        requirement,
        due,
        Some(key),
    )
    .await?;
    Ok(Some(row))
}

async fn rectification_for_update(txn: &DatabaseTransaction, id: i64) -> Result<rectification::Model> {
    rectification::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| Error::not_found("id", format!("没有 id 为 {id} 的整改事项")))
}

/// Moves a rectification on from one of `from`, in one conditional update: of two
/// requests racing (two reviews, two answers), one moves it and the other is told
/// `CONFLICT` — also on PostgreSQL, where reading the status first would not lock it.
async fn transition(
    txn: &DatabaseTransaction,
    before: &rectification::Model,
    from: &[RectificationStatus],
    change: impl FnOnce(&mut rectification::ActiveModel),
) -> Result<rectification::Model> {
    let mut active = rectification::ActiveModel { id: sea_orm::Unchanged(before.id), ..Default::default() };
    change(&mut active);
    let statuses: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let moved = rectification::Entity::update_many()
        .set(active)
        .filter(rectification::Column::Id.eq(before.id))
        .filter(rectification::Column::Status.is_in(statuses))
        .exec(txn)
        .await?;
    if moved.rows_affected == 0 {
        let shown = RectificationStatus::parse(&before.status).map_or(before.status.as_str(), |s| s.label());
        let allowed: Vec<&str> = from.iter().map(|s| s.label()).collect();
        return Err(Error::conflict(
            Some("id"),
            format!("整改事项 {} 状态为“{shown}”(或刚被他人处理),此步只适用于“{}”", before.id, allowed.join("”或“")),
        ));
    }
    rectification_for_update(txn, before.id).await
}

/// The unit answers: its department's REPORTER or the office, for an open or returned one.
pub async fn submit_rectification(
    ctx: &Ctx,
    caller: &Caller,
    id: i64,
    response: &str,
    submitted_on: Option<NaiveDate>,
) -> Result<rectification::Model> {
    let response = required_text("response", response, 4000)?;
    let today = ctx.clock.today();
    let on = submitted_on.unwrap_or(today);
    let txn = begin_write(&ctx.db).await?;
    let before = rectification_for_update(&txn, id).await?;
    crate::ledger::check_project_scope(&txn, caller, before.project_id).await?;
    if on < before.opened_on || on > today {
        return Err(Error::validation(
            "submittedOn",
            format!("提交日期 {on} 须在下达日期 {} 与今天 {today} 之间", before.opened_on),
        ));
    }
    let from = [RectificationStatus::Open, RectificationStatus::Returned];
    let after = transition(&txn, &before, &from, |a| {
        a.status = Set(RectificationStatus::Submitted.as_str().into());
        a.response = Set(Some(response.clone()));
        a.submitted_on = Set(Some(on));
    })
    .await?;
    step(&txn, ctx, caller, id, RectificationStep::Submitted, on, Some(response)).await?;
    crate::base::marks::changed(&txn, [before.project_id]).await?;
    audit(&txn, ctx, caller, "submitRectification", format!("#{id}"), Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

/// The office accepts a submitted one (整改到位) or returns it with a reason.
pub async fn review_rectification(
    ctx: &Ctx,
    caller: &Caller,
    id: i64,
    accepted: bool,
    note: Option<&str>,
    reviewed_on: Option<NaiveDate>,
) -> Result<rectification::Model> {
    if caller.role != Role::Admin {
        return Err(Error::Forbidden("整改情况由债务管理部门(ADMIN)审核".into()));
    }
    let note = optional_text("note", note, 2000)?;
    if !accepted && note.is_none() {
        return Err(Error::validation("note", "退回整改须写明原因"));
    }
    let today = ctx.clock.today();
    let on = reviewed_on.unwrap_or(today);
    let txn = begin_write(&ctx.db).await?;
    let before = rectification_for_update(&txn, id).await?;
    if before.submitted_on.is_some_and(|s| on < s) || on > today {
        return Err(Error::validation("reviewedOn", format!("审核日期 {on} 须在提交日期与今天 {today} 之间")));
    }
    let (next, what) = if accepted {
        (RectificationStatus::Accepted, RectificationStep::Accepted)
    } else {
        (RectificationStatus::Returned, RectificationStep::Returned)
    };
    let after = transition(&txn, &before, &[RectificationStatus::Submitted], |a| {
        a.status = Set(next.as_str().into());
        a.review_note = Set(note.clone());
        a.accepted_on = Set(accepted.then_some(on));
    })
    .await?;
    step(&txn, ctx, caller, id, what, on, note).await?;
    crate::base::marks::changed(&txn, [before.project_id]).await?;
    audit(&txn, ctx, caller, "reviewRectification", format!("#{id}"), Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

#[derive(Default, Clone)]
pub struct RectificationFilter {
    /// One rectification: its page reads it through the same scope as the list.
    pub id: Option<i64>,
    pub status: Option<RectificationStatus>,
    pub department_id: Option<i64>,
    pub project_id: Option<i64>,
    pub overdue: Option<bool>,
    pub year: Option<i32>,
}

/// Rectifications by id, a page after `after`; a REPORTER sees its department's only.
pub async fn list(
    ctx: &Ctx,
    caller: &Caller,
    filter: &RectificationFilter,
    first: u64,
    after: Option<i64>,
) -> Result<(Vec<rectification::Model>, bool, u64)> {
    let department = caller.held_to().or(filter.department_id);
    let mut select = rectification::Entity::find().order_by_asc(rectification::Column::Id);
    if let Some(id) = filter.id {
        select = select.filter(rectification::Column::Id.eq(id));
    }
    if let Some(s) = filter.status {
        select = select.filter(rectification::Column::Status.eq(s.as_str()));
    }
    if let Some(p) = filter.project_id {
        select = select.filter(rectification::Column::ProjectId.eq(p));
    }
    if let Some(y) = filter.year {
        select = select.filter(rectification::Column::Year.eq(y));
    }
    if let Some(d) = department {
        select = select.filter(rectification::Column::ProjectId.in_subquery(projects_of(d)));
    }
    let today = ctx.clock.today();
    let late =
        |r: &rectification::Model| r.status != RectificationStatus::Accepted.as_str() && overdue_days(r, today) > 0;
    // Lateness is a function of today: filtered here, on a portfolio's few hundred.
    let all: Vec<rectification::Model> =
        select.all(&ctx.db).await?.into_iter().filter(|r| filter.overdue.is_none_or(|o| late(r) == o)).collect();
    let total = all.len() as u64;
    let rest: Vec<_> = all.into_iter().filter(|r| after.is_none_or(|a| r.id > a)).collect();
    let more = rest.len() as u64 > first;
    Ok((rest.into_iter().take(first as usize).collect(), more, total))
}

/// A project's rectifications, oldest first.
pub async fn of_project(db: &impl ConnectionTrait, project_id: i64) -> Result<Vec<rectification::Model>> {
    Ok(rectification::Entity::find()
        .filter(rectification::Column::ProjectId.eq(project_id))
        .order_by_asc(rectification::Column::Id)
        .all(db)
        .await?)
}
