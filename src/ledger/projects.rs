//! Projects (项目): their facts, status history, spending plan (用款计划) and
//! revenue forecast (收益预测).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, Set};

use super::entities::{project, project_status_change, revenue_forecast, spending_plan_month};
use super::{
    audit, department_by_code, non_negative_money, optional_text, ordered_dates, parse_code, project_in_scope,
    required_text, unique_or,
};
use crate::Ctx;
use crate::base::Caller;
use crate::db::Unique;
use crate::db::values::{Month, check_year};
use crate::db::{Money, begin_write, in_write};
use crate::error::{Error, Problems, Result};

/// The project categories of domain.md §2.
pub const CATEGORIES: &[&str] = &[
    "交通基础设施",
    "市政和产业园区基础设施",
    "保障性安居工程",
    "社会事业",
    "农林水利",
    "生态环保",
    "能源",
    "城乡冷链物流",
    "新型基础设施",
    "其他",
];

/// The four maturity documents (项目成熟度): feasibility approval, land, environment, permit.
pub const MATURITY_DOCUMENTS: &[&str] = &["可研批复", "用地", "环评", "施工许可"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProjectStatus {
    Proposed,
    Approved,
    Funded,
    UnderConstruction,
    Operating,
    Repaid,
    Cancelled,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 7] = [
        ProjectStatus::Proposed,
        ProjectStatus::Approved,
        ProjectStatus::Funded,
        ProjectStatus::UnderConstruction,
        ProjectStatus::Operating,
        ProjectStatus::Repaid,
        ProjectStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Proposed => "PROPOSED",
            ProjectStatus::Approved => "APPROVED",
            ProjectStatus::Funded => "FUNDED",
            ProjectStatus::UnderConstruction => "UNDER_CONSTRUCTION",
            ProjectStatus::Operating => "OPERATING",
            ProjectStatus::Repaid => "REPAID",
            ProjectStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(text: &str) -> Option<ProjectStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// As the office's reports say it.
    pub fn label(self) -> &'static str {
        match self {
            ProjectStatus::Proposed => "拟申报",
            ProjectStatus::Approved => "已批准",
            ProjectStatus::Funded => "已发债",
            ProjectStatus::UnderConstruction => "在建",
            ProjectStatus::Operating => "运营",
            ProjectStatus::Repaid => "已还清",
            ProjectStatus::Cancelled => "已取消",
        }
    }

    /// The stage of domain.md §1, for any status but `CANCELLED` (which keeps the
    /// stage of the status it left). `principal_due_soon`: a principal instalment of
    /// one of the project's bonds falls due within 12 months.
    pub fn stage(self, principal_due_soon: bool) -> Stage {
        match self {
            ProjectStatus::Proposed | ProjectStatus::Approved | ProjectStatus::Cancelled => Stage::Borrowing,
            ProjectStatus::Funded | ProjectStatus::UnderConstruction => Stage::Use,
            ProjectStatus::Operating if principal_due_soon => Stage::Repayment,
            ProjectStatus::Operating => Stage::Management,
            ProjectStatus::Repaid => Stage::Repayment,
        }
    }
}

crate::codes::codes!(
    /// 借 用 管 还.
    Stage {
        Borrowing = "BORROWING", "借(举借)";
        Use = "USE", "用(使用)";
        Management = "MANAGEMENT", "管(管理)";
        Repayment = "REPAYMENT", "还(偿还)";
    }
);

/// The status that decides a project's stage: for a cancelled project, the one it had.
pub fn stage_status(p: &project::Model) -> ProjectStatus {
    let status = ProjectStatus::parse(&p.status).unwrap_or(ProjectStatus::Proposed);
    match (status, p.status_before_cancel.as_deref().and_then(ProjectStatus::parse)) {
        (ProjectStatus::Cancelled, Some(before)) => before,
        (status, _) => status,
    }
}

#[derive(Default)]
pub struct ProjectDetails {
    pub name: Option<String>,
    pub executing_unit: Option<String>,
    pub category: Option<String>,
    pub construction_content: Option<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_completion: Option<NaiveDate>,
    pub current_estimate: Option<Money>,
    pub planned_bond_funding: Option<Money>,
    pub capital_fund: Option<Money>,
    pub own_funds: Option<Money>,
    pub other_funding: Option<Money>,
    pub revenue_start: Option<NaiveDate>,
    pub revenue_end: Option<NaiveDate>,
    pub maturity_documents: Option<Vec<String>>,
}

pub struct ProjectInput {
    pub code: String,
    pub department_code: String,
    pub approved_investment: Money,
    /// Every other fact; `name`, `executing_unit` and `category` are required here.
    pub facts: ProjectDetails,
}

fn parse_category(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if CATEGORIES.contains(&v) {
        Ok(v.to_string())
    } else {
        Err(Error::validation(field, format!("“{value}”不是项目类别;请填写以下之一:{}", CATEGORIES.join("、"))))
    }
}

fn parse_documents(field: &str, docs: &[String]) -> Result<String> {
    let mut set = BTreeSet::new();
    for (i, d) in docs.iter().enumerate() {
        let d = d.trim();
        if !MATURITY_DOCUMENTS.contains(&d) {
            return Err(Error::validation(
                format!("{field}[{i}]"),
                format!("“{d}”不是项目成熟度文件;请填写以下之一:{}", MATURITY_DOCUMENTS.join("、")),
            ));
        }
        set.insert(d);
    }
    let ordered: Vec<&str> = MATURITY_DOCUMENTS.iter().copied().filter(|d| set.contains(d)).collect();
    Ok(serde_json::to_string(&ordered).unwrap_or_else(|_| "[]".into()))
}

pub fn maturity_documents(p: &project::Model) -> Vec<String> {
    serde_json::from_str(&p.maturity_documents).unwrap_or_default()
}

/// The maturity documents (成熟度要件) a project does not have.
pub fn missing_documents(p: &project::Model) -> Vec<&'static str> {
    let present = maturity_documents(p);
    MATURITY_DOCUMENTS.iter().copied().filter(|d| !present.iter().any(|p| p == d)).collect()
}

/// Applies `facts` onto `model`, checking each given field and the whole afterwards;
/// every problem is noted, not only the first.
fn apply_facts(model: &mut project::Model, facts: ProjectDetails, problems: &mut Problems) {
    if let Some(v) = facts.name
        && let Some(v) = problems.take(required_text("input.name", &v, 300))
    {
        model.name = v;
    }
    if let Some(v) = facts.executing_unit
        && let Some(v) = problems.take(required_text("input.executingUnit", &v, 300))
    {
        model.executing_unit = v;
    }
    if let Some(v) = facts.category
        && let Some(v) = problems.take(parse_category("input.category", &v))
    {
        model.category = v;
    }
    if let Some(v) = facts.construction_content
        && let Some(v) = problems.take(optional_text("input.constructionContent", Some(&v), 4000))
    {
        model.construction_content = v;
    }
    let money_fields = [
        ("input.currentEstimate", facts.current_estimate, &mut model.current_estimate),
        ("input.plannedBondFunding", facts.planned_bond_funding, &mut model.planned_bond_funding),
        ("input.capitalFund", facts.capital_fund, &mut model.capital_fund),
        ("input.ownFunds", facts.own_funds, &mut model.own_funds),
        ("input.otherFunding", facts.other_funding, &mut model.other_funding),
    ];
    for (field, value, slot) in money_fields {
        if let Some(v) = value
            && let Some(v) = problems.take(non_negative_money(field, v))
        {
            *slot = v;
        }
    }
    let date_fields = [
        (facts.planned_start, &mut model.planned_start),
        (facts.planned_completion, &mut model.planned_completion),
        (facts.revenue_start, &mut model.revenue_start),
        (facts.revenue_end, &mut model.revenue_end),
    ];
    for (value, slot) in date_fields {
        if value.is_some() {
            *slot = value;
        }
    }
    if let Some(docs) = facts.maturity_documents
        && let Some(v) = problems.take(parse_documents("input.maturityDocuments", &docs))
    {
        model.maturity_documents = v;
    }
    problems.take(ordered_dates("input.plannedCompletion", model.planned_start, model.planned_completion));
    problems.take(ordered_dates("input.revenueEnd", model.revenue_start, model.revenue_end));
}

pub async fn create_project(ctx: &Ctx, caller: &Caller, input: ProjectInput) -> Result<project::Model> {
    in_write(&ctx.db, async |txn| create_project_in(txn, ctx, caller, input).await).await
}

/// [`create_project`] inside the caller's transaction (an import's).
pub async fn create_project_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: ProjectInput,
) -> Result<project::Model> {
    // Every problem of the input at once: an import reports them all in one pass.
    let mut problems = Problems::default();
    let code = problems.take(parse_code("input.code", &input.code)).unwrap_or_default();
    let approved =
        problems.take(non_negative_money("input.approvedInvestment", input.approved_investment)).unwrap_or(Money::ZERO);
    let now = ctx.clock.now();
    let mut facts = input.facts;
    let text = |field: &str, v: &Option<String>| required_text(field, v.as_deref().unwrap_or(""), 300);
    let name = problems.take(text("input.name", &facts.name.take()));
    let executing_unit = problems.take(text("input.executingUnit", &facts.executing_unit.take()));
    let category = problems.take(parse_category("input.category", facts.category.take().as_deref().unwrap_or("")));
    let mut model = project::Model {
        id: 0,
        code: code.clone(),
        name: name.unwrap_or_default(),
        department_id: 0,
        executing_unit: executing_unit.unwrap_or_default(),
        category: category.unwrap_or_default(),
        construction_content: None,
        planned_start: None,
        planned_completion: None,
        actual_start: None,
        actual_completion: None,
        approved_investment: approved,
        current_estimate: facts.current_estimate.take().unwrap_or(approved),
        planned_bond_funding: Money::ZERO,
        capital_fund: Money::ZERO,
        own_funds: Money::ZERO,
        other_funding: Money::ZERO,
        revenue_start: None,
        revenue_end: None,
        maturity_documents: "[]".into(),
        status: ProjectStatus::Proposed.as_str().into(),
        status_before_cancel: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    problems.take(non_negative_money("input.currentEstimate", model.current_estimate));
    apply_facts(&mut model, facts, &mut problems);
    let dept = problems.take(department_by_code(txn, "input.departmentCode", &input.department_code).await);
    problems.finish()?;
    let dept = dept.ok_or_else(|| Error::Internal("the department was neither found nor refused".into()))?;
    model.department_id = dept.id;
    let mut active: project::ActiveModel = model.into();
    active.id = NotSet;
    let created = active.insert(txn).await.map_err(|e| {
        unique_or(e, Unique::on("projects", &["code"]), "input.code", format!("代码为 {code} 的项目已存在"))
    })?;
    super::history::record(txn, created.id, super::history::Kind::Project, &created, now).await?;
    project_status_change::ActiveModel {
        id: NotSet,
        project_id: Set(created.id),
        from_status: Set(None),
        to_status: Set(created.status.clone()),
        effective_on: Set(ctx.clock.today()),
        recorded_at: Set(now),
        recorded_by: Set(caller.username.clone()),
        note: Set(Some("项目登记".into())),
    }
    .insert(txn)
    .await?;
    crate::base::marks::changed(txn, [created.id]).await?;
    audit(txn, ctx, caller, "createProject", &created.code, None::<&()>, Some(&created)).await?;
    Ok(created)
}

/// Changes facts under optimistic locking: `expected_version` must be the current one.
pub async fn update_project(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    expected_version: i32,
    facts: ProjectDetails,
) -> Result<project::Model> {
    let txn = begin_write(&ctx.db).await?;
    let current = project_in_scope(&txn, caller, "code", code).await?;
    if current.version != expected_version {
        return Err(version_conflict(&current, expected_version));
    }
    let mut changed = current.clone();
    let mut problems = Problems::default();
    apply_facts(&mut changed, facts, &mut problems);
    problems.finish()?;
    changed.version = current.version + 1;
    changed.updated_at = ctx.clock.now();
    let updated = save_if_version(&txn, current.clone(), changed).await?;
    crate::base::marks::changed(&txn, [updated.id]).await?;
    audit(&txn, ctx, caller, "updateProject", code, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

fn version_conflict(current: &project::Model, expected: i32) -> Error {
    Error::conflict(
        Some("expectedVersion"),
        format!(
            "项目 {} 已被他人修改(当前为第 {} 版,你修改的是第 {expected} 版);请重新加载后再修改",
            current.code, current.version
        ),
    )
}

/// Writes `changed` only while the row still has `current`'s version.
async fn save_if_version(
    txn: &sea_orm::DatabaseTransaction,
    current: project::Model,
    changed: project::Model,
) -> Result<project::Model> {
    let mut active: project::ActiveModel = changed.clone().into();
    active = active.reset_all();
    active.id = NotSet;
    let result = project::Entity::update_many()
        .set(active)
        .filter(project::Column::Id.eq(current.id))
        .filter(project::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(version_conflict(&current, current.version));
    }
    super::history::record(txn, changed.id, super::history::Kind::Project, &changed, changed.updated_at).await?;
    Ok(changed)
}

/// Moves the status forward (or to `CANCELLED`) and records who, when and from when.
pub async fn set_project_status(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    status: ProjectStatus,
    effective_on: Option<NaiveDate>,
    note: Option<String>,
) -> Result<project::Model> {
    let note = optional_text("note", note.as_deref(), 2000)?;
    let effective_on = effective_on.unwrap_or_else(|| ctx.clock.today());
    let txn = begin_write(&ctx.db).await?;
    let current = project_in_scope(&txn, caller, "code", code).await?;
    let from = ProjectStatus::parse(&current.status).unwrap_or(ProjectStatus::Proposed);
    let allowed = match (from, status) {
        (ProjectStatus::Cancelled | ProjectStatus::Repaid, _) => false,
        (_, ProjectStatus::Cancelled) => true,
        (from, to) => to > from,
    };
    if !allowed {
        return Err(Error::validation(
            "status",
            format!(
                "项目 {code} 的状态不能从“{}”改为“{}”:状态只能依次向前推进(拟申报 → 已批准 → 已发债 → 在建 → 运营 → 已还清)或改为已取消,已还清或已取消后不能再改",
                from.label(),
                status.label()
            ),
        ));
    }
    let mut changed = current.clone();
    changed.status = status.as_str().to_string();
    match status {
        ProjectStatus::UnderConstruction => changed.actual_start = Some(effective_on),
        ProjectStatus::Operating => changed.actual_completion = Some(effective_on),
        ProjectStatus::Cancelled => changed.status_before_cancel = Some(from.as_str().to_string()),
        _ => {}
    }
    changed.version = current.version + 1;
    changed.updated_at = ctx.clock.now();
    let updated = save_if_version(&txn, current.clone(), changed).await?;
    crate::base::marks::changed(&txn, [updated.id]).await?;
    audit(&txn, ctx, caller, "setProjectStatus", code, Some(&current), Some(&updated)).await?;
    project_status_change::ActiveModel {
        id: NotSet,
        project_id: Set(updated.id),
        from_status: Set(Some(from.as_str().to_string())),
        to_status: Set(status.as_str().to_string()),
        effective_on: Set(effective_on),
        recorded_at: Set(ctx.clock.now()),
        recorded_by: Set(caller.username.clone()),
        note: Set(note),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub struct SpendingPlanInput {
    pub period: String,
    pub cumulative_percent: String,
}

/// Replaces the spending plan. Months must be distinct and the cumulative percent
/// must not fall from one month to the next.
pub async fn set_spending_plan(
    ctx: &Ctx,
    caller: &Caller,
    project_code: &str,
    months: Vec<SpendingPlanInput>,
) -> Result<project::Model> {
    super::check_len("months", months.len(), 600)?;
    let mut parsed = Vec::with_capacity(months.len());
    for (i, m) in months.iter().enumerate() {
        let month = Month::parse(&format!("months[{i}].period"), &m.period)?;
        let pct = crate::db::values::parse_percent(&format!("months[{i}].cumulativePercent"), &m.cumulative_percent)?;
        parsed.push((i, month, pct));
    }
    parsed.sort_by_key(|(_, m, _)| *m);
    let mut previous: Option<(Month, Decimal)> = None;
    for (i, month, pct) in &parsed {
        if let Some((pm, pp)) = previous {
            if pm == *month {
                return Err(Error::validation(format!("months[{i}].period"), format!("月份 {month} 重复填写")));
            }
            if *pct < pp {
                return Err(Error::validation(
                    format!("months[{i}].cumulativePercent"),
                    format!("支出计划按累计比例填写:{month} 的 {pct}% 低于 {pm} 的 {pp}%"),
                ));
            }
        }
        previous = Some((*month, *pct));
    }
    let txn = begin_write(&ctx.db).await?;
    let project = project_in_scope(&txn, caller, "projectCode", project_code).await?;
    let before = spending_plan_month::Entity::find()
        .filter(spending_plan_month::Column::ProjectId.eq(project.id))
        .all(&txn)
        .await?;
    spending_plan_month::Entity::delete_many()
        .filter(spending_plan_month::Column::ProjectId.eq(project.id))
        .exec(&txn)
        .await?;
    let mut after = Vec::with_capacity(parsed.len());
    for (_, month, pct) in parsed {
        let row = spending_plan_month::ActiveModel {
            id: NotSet,
            project_id: Set(project.id),
            period: Set(month.to_string()),
            cumulative_percent: Set(pct.to_string()),
        }
        .insert(&txn)
        .await?;
        after.push(row);
    }
    super::history::record(&txn, project.id, super::history::Kind::Plan, &after, ctx.clock.now()).await?;
    crate::base::marks::changed(&txn, [project.id]).await?;
    audit(&txn, ctx, caller, "setSpendingPlan", project_code, Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(project)
}

pub struct RevenueForecastInput {
    pub year: i32,
    pub revenue: Money,
    pub operating_cost: Money,
}

/// Replaces the revenue forecast of the implementation plan, year by year.
pub async fn set_revenue_forecast(
    ctx: &Ctx,
    caller: &Caller,
    project_code: &str,
    years: Vec<RevenueForecastInput>,
) -> Result<project::Model> {
    in_write(&ctx.db, async |txn| set_revenue_forecast_in(txn, ctx, caller, project_code, years).await).await
}

/// [`set_revenue_forecast`] inside the caller's transaction (an import's).
pub async fn set_revenue_forecast_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    project_code: &str,
    years: Vec<RevenueForecastInput>,
) -> Result<project::Model> {
    super::check_len("years", years.len(), 100)?;
    let mut seen = BTreeSet::new();
    for (i, y) in years.iter().enumerate() {
        check_year(&format!("years[{i}].year"), y.year)?;
        if !seen.insert(y.year) {
            return Err(Error::validation(format!("years[{i}].year"), format!("年度 {} 重复填写", y.year)));
        }
        non_negative_money(&format!("years[{i}].revenue"), y.revenue)?;
        non_negative_money(&format!("years[{i}].operatingCost"), y.operating_cost)?;
    }
    let project = project_in_scope(txn, caller, "projectCode", project_code).await?;
    let before =
        revenue_forecast::Entity::find().filter(revenue_forecast::Column::ProjectId.eq(project.id)).all(txn).await?;
    revenue_forecast::Entity::delete_many()
        .filter(revenue_forecast::Column::ProjectId.eq(project.id))
        .exec(txn)
        .await?;
    let mut after = Vec::with_capacity(years.len());
    for y in years {
        let row = revenue_forecast::ActiveModel {
            id: NotSet,
            project_id: Set(project.id),
            year: Set(y.year),
            revenue: Set(y.revenue),
            operating_cost: Set(y.operating_cost),
        }
        .insert(txn)
        .await?;
        after.push(row);
    }
    super::history::record(txn, project.id, super::history::Kind::Forecast, &after, ctx.clock.now()).await?;
    crate::base::marks::changed(txn, [project.id]).await?;
    audit(txn, ctx, caller, "setRevenueForecast", project_code, Some(&before), Some(&after)).await?;
    Ok(project)
}

/// SQL condition: a principal instalment of one of the project's bonds (allocated to
/// it, or moved to it by a use adjustment) falls due in `[from, to]`. Shared by the
/// stage filter and the stage field, so both read the same rule.
pub fn principal_due_between(from: NaiveDate, to: NaiveDate) -> sea_orm::sea_query::SimpleExpr {
    // The dates come from the clock, never from a caller, so they are written as
    // ISO literals: portable across SQLite (text dates) and PostgreSQL (DATE).
    let (from, to) = (from.format("%Y-%m-%d"), to.format("%Y-%m-%d"));
    Expr::cust(format!(
        "EXISTS (SELECT 1 FROM bonds b WHERE b.id IN \
           (SELECT a.bond_id FROM allocations a WHERE a.project_id = projects.id \
            UNION SELECT u.bond_id FROM use_adjustments u WHERE u.to_project_id = projects.id) \
         AND ((NOT EXISTS (SELECT 1 FROM bond_amortizations m WHERE m.bond_id = b.id) \
               AND b.maturity_date >= '{from}' AND b.maturity_date <= '{to}') \
          OR EXISTS (SELECT 1 FROM bond_amortizations m WHERE m.bond_id = b.id AND m.due_on >= '{from}' AND m.due_on <= '{to}')))"
    ))
}
