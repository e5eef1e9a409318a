//! Departments (主管部门) and their yearly whole-expenditure tables (部门整体支出).
//! The tables are recorded as stated, mistakes included: the data checks of
//! domain.md §8 flag them, they are never corrected here.

use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, NotSet, Set};

use super::entities::{department, department_budget, department_budget_line, department_budget_project};
use super::{audit, department_by_code, optional_text, parse_code, required_text, unique_or};
use crate::Ctx;
use crate::base::Caller;
use crate::db::Unique;
use crate::db::{Money, in_write, values::check_year};
use crate::error::{Error, Result};

pub struct DepartmentInput {
    pub code: String,
    pub name: String,
}

pub async fn create_department(ctx: &Ctx, caller: &Caller, input: DepartmentInput) -> Result<department::Model> {
    in_write(&ctx.db, async |txn| create_department_in(txn, ctx, caller, input).await).await
}

/// [`create_department`] inside the caller's transaction (an import's).
pub async fn create_department_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: DepartmentInput,
) -> Result<department::Model> {
    let code = parse_code("input.code", &input.code)?;
    let name = required_text("input.name", &input.name, 200)?;
    let model = department::ActiveModel {
        id: NotSet,
        code: Set(code.clone()),
        name: Set(name),
        created_at: Set(ctx.clock.now()),
    }
    .insert(txn)
    .await
    .map_err(|e| {
        unique_or(e, Unique::on("departments", &["code"]), "input.code", format!("代码为 {code} 的主管部门已存在"))
    })?;
    audit(txn, ctx, caller, "createDepartment", &code, None::<&()>, Some(&model)).await?;
    Ok(model)
}

pub struct BudgetLineInput {
    pub label: String,
    pub amount: Money,
    pub stated_percent: Option<Decimal>,
}

pub struct BudgetProjectLineInput {
    pub name: String,
    pub category: Option<String>,
    pub total_budget: Money,
    pub current_year_budget: Money,
    pub purpose: Option<String>,
}

pub struct DepartmentBudgetInput {
    pub department_code: String,
    pub year: i32,
    pub income_total: Money,
    pub income: Vec<BudgetLineInput>,
    pub expenditure_total: Money,
    pub expenditure: Vec<BudgetLineInput>,
    pub projects: Vec<BudgetProjectLineInput>,
}

fn check_line(field: &str, line: &BudgetLineInput) -> Result<()> {
    required_text(&format!("{field}.label"), &line.label, 200)?;
    super::non_negative_money(&format!("{field}.amount"), line.amount)?;
    if let Some(p) = line.stated_percent
        && (p < Decimal::ZERO || p > Decimal::ONE_HUNDRED)
    {
        return Err(Error::validation(format!("{field}.statedPercent"), format!("{p} 超出 0 至 100 的百分比范围")));
    }
    Ok(())
}

/// Records a department's table for a year. A later table for the same year is the
/// one read; earlier ones stay.
pub async fn record_department_budget(
    ctx: &Ctx,
    caller: &Caller,
    input: DepartmentBudgetInput,
) -> Result<department_budget::Model> {
    in_write(&ctx.db, async |txn| record_department_budget_in(txn, ctx, caller, input).await).await
}

/// [`record_department_budget`] inside the caller's transaction (an import's).
pub async fn record_department_budget_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: DepartmentBudgetInput,
) -> Result<department_budget::Model> {
    check_year("input.year", input.year)?;
    super::check_len("input.income", input.income.len(), 500)?;
    super::check_len("input.expenditure", input.expenditure.len(), 500)?;
    super::check_len("input.projects", input.projects.len(), 2000)?;
    super::non_negative_money("input.incomeTotal", input.income_total)?;
    super::non_negative_money("input.expenditureTotal", input.expenditure_total)?;
    for (i, line) in input.income.iter().enumerate() {
        check_line(&format!("input.income[{i}]"), line)?;
    }
    for (i, line) in input.expenditure.iter().enumerate() {
        check_line(&format!("input.expenditure[{i}]"), line)?;
    }
    for (i, p) in input.projects.iter().enumerate() {
        let f = format!("input.projects[{i}]");
        required_text(&format!("{f}.name"), &p.name, 300)?;
        optional_text(&format!("{f}.category"), p.category.as_deref(), 100)?;
        optional_text(&format!("{f}.purpose"), p.purpose.as_deref(), 2000)?;
        super::non_negative_money(&format!("{f}.totalBudget"), p.total_budget)?;
        super::non_negative_money(&format!("{f}.currentYearBudget"), p.current_year_budget)?;
    }

    let dept = department_by_code(txn, "input.departmentCode", &input.department_code).await?;
    caller.check_department(dept.id, &format!("主管部门 {}", dept.code))?;
    let budget = department_budget::ActiveModel {
        id: NotSet,
        department_id: Set(dept.id),
        year: Set(input.year),
        income_total: Set(input.income_total),
        expenditure_total: Set(input.expenditure_total),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(txn)
    .await?;
    let sections = [("INCOME", &input.income), ("EXPENDITURE", &input.expenditure)];
    for (section, lines) in sections {
        for (position, line) in lines.iter().enumerate() {
            department_budget_line::ActiveModel {
                id: NotSet,
                budget_id: Set(budget.id),
                section: Set(section.to_string()),
                position: Set(position as i32),
                label: Set(line.label.trim().to_string()),
                amount: Set(line.amount),
                stated_percent: Set(line.stated_percent.map(|p| p.normalize().to_string())),
            }
            .insert(txn)
            .await?;
        }
    }
    for (position, p) in input.projects.iter().enumerate() {
        department_budget_project::ActiveModel {
            id: NotSet,
            budget_id: Set(budget.id),
            position: Set(position as i32),
            name: Set(p.name.trim().to_string()),
            category: Set(optional_text("", p.category.as_deref(), 100)?),
            total_budget: Set(p.total_budget),
            current_year_budget: Set(p.current_year_budget),
            purpose: Set(optional_text("", p.purpose.as_deref(), 2000)?),
        }
        .insert(txn)
        .await?;
    }
    let subject = format!("{} {}", dept.code, input.year);
    audit(txn, ctx, caller, "recordDepartmentBudget", subject, None::<&()>, Some(&budget)).await?;
    Ok(budget)
}
