//! Performance targets (绩效目标) of projects and departments, with three-level
//! indicators and their actuals. Declaring again for the same owner, scope and year
//! replaces the earlier declaration, which stays in history; everything reads the
//! latest. Indicator texts are kept as written: the forms' own gaps (a missing level
//! or target) are for the data checks to report, not for the store to refuse.

pub mod entities;
pub mod parse;

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::Ctx;
use crate::base::Caller;
use crate::codes::TargetScope;
use crate::db::values::{check_year, parse_actual_period};
use crate::db::{begin_write, in_write};
use crate::error::{Error, Result};
use crate::ledger::{audit, department_by_code, optional_text, project_by_code, project_in_scope, required_text};
use entities::{indicator, indicator_actual, performance_target};

/// 达成, 部分达成, 未达成.
pub const JUDGEMENTS: &[&str] = &["达成", "部分达成", "未达成"];

pub struct IndicatorInput {
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target_text: String,
    pub basis: Option<String>,
    pub history: Vec<Option<String>>,
}

pub struct TargetInput {
    pub project_code: Option<String>,
    pub department_code: Option<String>,
    pub scope: String,
    pub year: Option<i32>,
    pub description: String,
    pub approved_on: Option<NaiveDate>,
    pub indicators: Vec<IndicatorInput>,
}

fn form_text(field: &str, value: &str) -> Result<String> {
    Ok(optional_text(field, Some(value), 500)?.unwrap_or_default())
}

pub async fn declare_target(ctx: &Ctx, caller: &Caller, input: TargetInput) -> Result<performance_target::Model> {
    in_write(&ctx.db, async |txn| declare_target_in(txn, ctx, caller, input).await).await
}

/// [`declare_target`] inside the caller's transaction (an import's).
pub async fn declare_target_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: TargetInput,
) -> Result<performance_target::Model> {
    crate::ledger::check_len("input.indicators", input.indicators.len(), 200)?;
    let owner_given = |c: &Option<String>| c.as_deref().is_some_and(|c| !c.trim().is_empty());
    if owner_given(&input.project_code) == owner_given(&input.department_code) {
        return Err(Error::validation(
            "input.projectCode",
            "projectCode 与 departmentCode 须填且只填一个:projectCode 为项目的绩效目标,departmentCode 为部门整体绩效目标",
        ));
    }
    if TargetScope::parse(&input.scope).is_none() {
        return Err(Error::validation(
            "input.scope",
            format!("“{}”不是绩效目标类型;应为长期目标(LONG_TERM)或年度目标(ANNUAL)", input.scope),
        ));
    }
    if let Some(y) = input.year {
        check_year("input.year", y)?;
    }
    if input.scope == TargetScope::Annual.as_str() && input.year.is_none() {
        return Err(Error::validation("input.year", "年度目标须填写所属年度"));
    }
    let description = required_text("input.description", &input.description, 4000)?;
    for (i, ind) in input.indicators.iter().enumerate() {
        let f = format!("input.indicators[{i}]");
        form_text(&format!("{f}.level1"), &ind.level1)?;
        form_text(&format!("{f}.level2"), &ind.level2)?;
        form_text(&format!("{f}.name"), &ind.name)?;
        form_text(&format!("{f}.targetText"), &ind.target_text)?;
        optional_text(&format!("{f}.basis"), ind.basis.as_deref(), 100)?;
        if ind.history.len() > 2 {
            return Err(Error::validation(format!("{f}.history"), "历史值只填前两年(前年、上年)的值,不能多于两个"));
        }
    }

    let (project_id, department_id) = match (&input.project_code, &input.department_code) {
        (Some(code), _) if !code.trim().is_empty() => {
            (Some(project_in_scope(txn, caller, "input.projectCode", code).await?.id), None)
        }
        (_, Some(code)) => {
            let dept = department_by_code(txn, "input.departmentCode", code).await?;
            caller.check_department(dept.id, &format!("主管部门 {code}"))?;
            (None, Some(dept.id))
        }
        _ => (None, None),
    };
    let now = ctx.clock.now();
    let mut previous = performance_target::Entity::update_many()
        .col_expr(performance_target::Column::SupersededAt, Expr::value(now))
        .filter(performance_target::Column::SupersededAt.is_null())
        .filter(performance_target::Column::Scope.eq(input.scope.as_str()));
    previous = match project_id {
        Some(id) => previous.filter(performance_target::Column::ProjectId.eq(id)),
        None => previous.filter(performance_target::Column::DepartmentId.eq(department_id)),
    };
    previous = match input.year {
        Some(y) => previous.filter(performance_target::Column::Year.eq(y)),
        None => previous.filter(performance_target::Column::Year.is_null()),
    };
    previous.exec(txn).await?;
    let target = performance_target::ActiveModel {
        id: NotSet,
        project_id: Set(project_id),
        department_id: Set(department_id),
        scope: Set(input.scope),
        year: Set(input.year),
        description: Set(description),
        approved_on: Set(input.approved_on),
        approved_at: Set(input.approved_on.map(|_| now)),
        declared_at: Set(now),
        superseded_at: Set(None),
    }
    .insert(txn)
    .await?;
    for (position, ind) in input.indicators.into_iter().enumerate() {
        indicator::ActiveModel {
            id: NotSet,
            target_id: Set(target.id),
            position: Set(position as i32),
            level1: Set(ind.level1.trim().to_string()),
            level2: Set(ind.level2.trim().to_string()),
            name: Set(ind.name.trim().to_string()),
            target_text: Set(ind.target_text.trim().to_string()),
            basis: Set(ind.basis.map(|b| b.trim().to_string()).filter(|b| !b.is_empty())),
            history: Set(serde_json::to_string(&ind.history).unwrap_or_else(|_| "[]".into())),
        }
        .insert(txn)
        .await?;
    }
    let subject = input.project_code.clone().or(input.department_code.clone()).unwrap_or_default();
    crate::base::marks::changed(txn, target.project_id).await?;
    audit(txn, ctx, caller, "declareTarget", subject, None::<&()>, Some(&target)).await?;
    Ok(target)
}

pub async fn approve_target(
    ctx: &Ctx,
    caller: &Caller,
    id: i64,
    approved_on: NaiveDate,
) -> Result<performance_target::Model> {
    let txn = begin_write(&ctx.db).await?;
    let target = performance_target::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("id", format!("没有 id 为 {id} 的绩效目标")))?;
    if target.superseded_at.is_some() {
        return Err(Error::conflict(Some("id"), format!("绩效目标 {id} 已被之后的申报取代;请批复最新的一份")));
    }
    let mut active: performance_target::ActiveModel = target.clone().into();
    active.approved_on = Set(Some(approved_on));
    active.approved_at = Set(Some(ctx.clock.now()));
    let updated = active.update(&txn).await?;
    crate::base::marks::changed(&txn, updated.project_id).await?;
    audit(&txn, ctx, caller, "approveTarget", id.to_string(), Some(&target), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

pub struct IndicatorActualInput {
    pub indicator_id: i64,
    pub period: String,
    pub actual: String,
    pub judgement: Option<String>,
}

pub async fn record_indicator_actual(
    ctx: &Ctx,
    caller: &Caller,
    input: IndicatorActualInput,
) -> Result<indicator::Model> {
    let period = parse_actual_period("input.period", &input.period)?;
    let value = required_text("input.actual", &input.actual, 500)?;
    let judgement = optional_text("input.judgement", input.judgement.as_deref(), 20)?;
    if let Some(j) = &judgement
        && !JUDGEMENTS.contains(&j.as_str())
    {
        return Err(Error::validation("input.judgement", format!("“{j}”不是评判结果;请填写 达成、部分达成 或 未达成")));
    }
    let txn = begin_write(&ctx.db).await?;
    let ind = indicator::Entity::find_by_id(input.indicator_id).one(&txn).await?.ok_or_else(|| {
        Error::not_found("input.indicatorId", format!("没有 id 为 {} 的绩效指标", input.indicator_id))
    })?;
    let qualitative = parse::parse_target(&ind.target_text).is_some_and(|t| t.kind == parse::TargetKind::Qualitative);
    if qualitative && judgement.is_none() {
        return Err(Error::validation(
            "input.judgement",
            format!("指标“{}”的目标“{}”为定性目标,实际值须附评判(达成、部分达成或未达成)", ind.name, ind.target_text),
        ));
    }
    let target = performance_target::Entity::find_by_id(ind.target_id).one(&txn).await?;
    match target.as_ref().map(|t| (t.project_id, t.department_id)) {
        Some((Some(project_id), _)) => crate::ledger::check_project_scope(&txn, caller, project_id).await?,
        Some((None, Some(department_id))) => caller.check_department(department_id, "该指标")?,
        _ => {}
    }
    let actual = indicator_actual::ActiveModel {
        id: NotSet,
        indicator_id: Set(ind.id),
        period: Set(period),
        value: Set(value),
        judgement: Set(judgement),
        recorded_on: Set(ctx.clock.today()),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await?;
    crate::base::marks::changed(&txn, target.as_ref().and_then(|t| t.project_id)).await?;
    audit(&txn, ctx, caller, "recordIndicatorActual", ind.id.to_string(), None::<&()>, Some(&actual)).await?;
    txn.commit().await?;
    Ok(ind)
}

/// The targets in force (latest declarations) of these projects or departments.
pub async fn current_targets(
    db: &impl ConnectionTrait,
    column: performance_target::Column,
    owner_ids: &[i64],
) -> Result<Vec<performance_target::Model>> {
    if owner_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(performance_target::Entity::find()
        .filter(column.is_in(owner_ids.iter().copied()))
        .filter(performance_target::Column::SupersededAt.is_null())
        .order_by_asc(performance_target::Column::Id)
        .all(db)
        .await?)
}

#[derive(Default, Clone)]
pub struct IndicatorFilter {
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub department_code: Option<String>,
    pub project_code: Option<String>,
    pub year: Option<i32>,
    /// The kind of the parsed target; filtered after parsing, so pages are cut in memory.
    pub kind: Option<parse::TargetKind>,
}

fn kind_of(text: &str) -> parse::TargetKind {
    parse::parse_target(text).map(|t| t.kind).unwrap_or(parse::TargetKind::Qualitative)
}

/// Indicators of targets in force, for research; a page ordered by id after `after`.
pub async fn list_indicators(
    db: &impl ConnectionTrait,
    filter: &IndicatorFilter,
    first: u64,
    after: Option<i64>,
) -> Result<(Vec<(indicator::Model, performance_target::Model)>, bool, u64)> {
    use sea_orm::PaginatorTrait;
    let mut select = indicator::Entity::find()
        .join(
            sea_orm::JoinType::InnerJoin,
            indicator::Entity::belongs_to(performance_target::Entity)
                .from(indicator::Column::TargetId)
                .to(performance_target::Column::Id)
                .into(),
        )
        .filter(performance_target::Column::SupersededAt.is_null());
    if let Some(v) = &filter.level1 {
        select = select.filter(indicator::Column::Level1.eq(v.as_str()));
    }
    if let Some(v) = &filter.level2 {
        select = select.filter(indicator::Column::Level2.eq(v.as_str()));
    }
    if let Some(y) = filter.year {
        select = select.filter(performance_target::Column::Year.eq(y));
    }
    if let Some(code) = &filter.project_code {
        let p = project_by_code(db, "filter.projectCode", code).await?;
        select = select.filter(performance_target::Column::ProjectId.eq(p.id));
    }
    if let Some(code) = &filter.department_code {
        let d = department_by_code(db, "filter.departmentCode", code).await?;
        select = select.filter(
            sea_orm::Condition::any().add(performance_target::Column::DepartmentId.eq(d.id)).add(
                performance_target::Column::ProjectId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(crate::ledger::entities::project::Column::Id)
                        .from(crate::ledger::entities::project::Entity)
                        .and_where(crate::ledger::entities::project::Column::DepartmentId.eq(d.id))
                        .to_owned(),
                ),
            ),
        );
    }
    if let Some(kind) = filter.kind {
        let rows = select.order_by_asc(indicator::Column::Id).select_also(performance_target::Entity).all(db).await?;
        let matching: Vec<_> = rows
            .into_iter()
            .filter_map(|(i, t)| t.map(|t| (i, t)))
            .filter(|(i, _)| kind_of(&i.target_text) == kind)
            .collect();
        let total = matching.len() as u64;
        let rest: Vec<_> = matching.into_iter().filter(|(i, _)| after.is_none_or(|a| i.id > a)).collect();
        let more = rest.len() as u64 > first;
        return Ok((rest.into_iter().take(first as usize).collect(), more, total));
    }
    let total = select.clone().count(db).await?;
    if let Some(after) = after {
        select = select.filter(indicator::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(indicator::Column::Id)
        .limit(first + 1)
        .select_also(performance_target::Entity)
        .all(db)
        .await?;
    let more = rows.len() as u64 > first;
    let page = rows.into_iter().take(first as usize).filter_map(|(i, t)| t.map(|t| (i, t))).collect();
    Ok((page, more, total))
}
