//! The grouped sheets: a target declaration (an indicator a row), a department's
//! whole-expenditure table and a project's revenue forecast (a year a row) are each
//! applied once their sheet has been read, as one record keyed by the group's content.

use super::fields::{Fields, Layout};
use super::read::RawRow;
use super::run::key_of;
use super::{Problem, Run};
use crate::codes::TargetScope;
use crate::db::Money;
use crate::error::Result;
use crate::ledger::departments::{BudgetLineInput, BudgetProjectLineInput, DepartmentBudgetInput};
use crate::ledger::projects::RevenueForecastInput;
use crate::spreadsheets::template::Sheet;
use crate::targets::{IndicatorInput, TargetInput};

/// A group of rows applied together (a target declaration, a department table, a forecast).
pub(super) struct Group {
    pub(super) first_row: u32,
    pub(super) rows: Vec<RawRow>,
}

/// The group a row of a grouped sheet belongs to.
pub(super) fn group_key(sheet: &Sheet, f: &Fields<'_>) -> String {
    let cell = |label: &str| f.cell(label).2.text().unwrap_or_default();
    match sheet.name {
        "绩效目标" => [cell("项目编码"), cell("部门编码"), cell("目标类型"), cell("年度")].join("\u{1f}"),
        "部门整体支出" => [cell("部门编码"), cell("年度")].join("\u{1f}"),
        _ => cell("项目编码"),
    }
}

/// The row of a declaration or forecast an error's field is about, one row each
/// (`input.indicators[3].target`: the fourth).
fn group_row(field: &str) -> Option<usize> {
    let (_, rest) = field.split_once("indicators[").or_else(|| field.split_once("years["))?;
    rest.split(']').next()?.parse().ok()
}

impl Run<'_> {
    /// Applies the grouped rows of a sheet once it has been read.
    pub(super) async fn finish_sheet(&mut self, layout: &Layout) -> Result<()> {
        let groups = std::mem::take(&mut self.groups);
        self.group_index.clear();
        for group in groups {
            if self.broken {
                break;
            }
            self.apply_group(layout, group).await?;
        }
        self.flush_keys().await
    }

    async fn apply_group(&mut self, layout: &Layout, group: Group) -> Result<()> {
        let sheet = layout.sheet;
        let mut content = String::new();
        let mut rows = Vec::new();
        for row in &group.rows {
            let f = Fields { layout, row, problems: Vec::new() };
            content.push_str(&f.canonical());
            content.push('\u{1e}');
            rows.push(f);
        }
        let first = group.first_row;
        let record = match sheet.name {
            "收益预测" => read_forecast(&mut rows),
            "绩效目标" => read_target(&mut rows),
            _ => read_budget(&mut rows),
        };
        let problems: Vec<Problem> = rows.into_iter().flat_map(|f| f.problems).collect();
        if !problems.is_empty() {
            self.report.problems.extend(problems);
            return Ok(());
        }
        if !self.fresh(sheet, first, group.rows.len(), key_of(sheet.name, &content)) {
            return Ok(());
        }
        let (txn, ctx, caller) = (&self.txn, self.ctx, self.caller);
        let touched = match record {
            GroupRecord::Forecast(code, years) => {
                crate::ledger::projects::set_revenue_forecast_in(txn, ctx, caller, &code, years)
                    .await
                    .map(|_| (None, None))
            }
            GroupRecord::Target(input) => crate::targets::declare_target_in(txn, ctx, caller, input)
                .await
                .map(|t| (t.project_id, t.department_id)),
            GroupRecord::Budget(input) => {
                crate::ledger::departments::record_department_budget_in(txn, ctx, caller, input)
                    .await
                    .map(|b| (None, Some(b.department_id)))
            }
        };
        match touched {
            Ok((project, department)) => {
                self.touched_projects.extend(project);
                self.touched_departments.extend(department);
                Ok(())
            }
            // A declaration's problem names the row of the indicator or year it is about.
            Err(e) => {
                let at = e.field().and_then(group_row).and_then(|i| group.rows.get(i)).unwrap_or(&group.rows[0]);
                self.refused(layout, at, e)
            }
        }
    }
}

/// The rows of a grouped sheet, read.
enum GroupRecord {
    Forecast(String, Vec<RevenueForecastInput>),
    Target(TargetInput),
    Budget(DepartmentBudgetInput),
}

/// A project's revenue forecast, a row a year.
fn read_forecast(rows: &mut [Fields<'_>]) -> GroupRecord {
    let code = rows[0].required("项目编码");
    let years = rows
        .iter_mut()
        .map(|f| RevenueForecastInput {
            year: f.integer("年度").unwrap_or_default(),
            revenue: f.money("收入").unwrap_or(Money::ZERO),
            operating_cost: f.money("运营成本").unwrap_or(Money::ZERO),
        })
        .collect();
    GroupRecord::Forecast(code, years)
}

/// One declaration of targets, an indicator a row.
fn read_target(rows: &mut [Fields<'_>]) -> GroupRecord {
    let f0 = &mut rows[0];
    let project_code = f0.text("项目编码");
    let department_code = f0.text("部门编码");
    let scope =
        f0.coded("目标类型", TargetScope::ALL, TargetScope::label, TargetScope::as_str).unwrap_or_default().into();
    let year = f0.integer("年度");
    if project_code.is_some() == department_code.is_some() {
        let value = project_code.clone().or(department_code.clone());
        f0.problem("项目编码", value, "项目编码与部门编码须填且只填一个".into());
    }
    let mut description = Vec::new();
    let mut indicators = Vec::new();
    for f in rows.iter_mut() {
        if let Some(d) = f.text("目标内容")
            && !description.contains(&d)
        {
            description.push(d);
        }
        indicators.push(IndicatorInput {
            level1: f.text("一级指标").unwrap_or_default(),
            level2: f.text("二级指标").unwrap_or_default(),
            name: f.text("三级指标").unwrap_or_default(),
            target_text: f.text("指标值").unwrap_or_default(),
            basis: f.text("指标值确定依据"),
            history: vec![f.text("前年"), f.text("上年")],
        });
    }
    GroupRecord::Target(TargetInput {
        project_code,
        department_code,
        scope,
        year,
        description: description.join("\n"),
        approved_on: None,
        indicators,
    })
}

/// A department's whole-expenditure table for a year.
fn read_budget(rows: &mut [Fields<'_>]) -> GroupRecord {
    let f0 = &mut rows[0];
    let department_code = f0.required("部门编码");
    let year = f0.integer("年度").unwrap_or_default();
    let mut input = DepartmentBudgetInput {
        department_code,
        year,
        income_total: Money::ZERO,
        income: Vec::new(),
        expenditure_total: Money::ZERO,
        expenditure: Vec::new(),
        projects: Vec::new(),
    };
    let (mut income_total, mut expenditure_total) = (None, None);
    for f in rows.iter_mut() {
        let section = f.required("部分");
        let label = f.required("名称");
        match section.trim() {
            "收入" | "支出" => {
                let amount = f.money("金额");
                let stated_percent = f.decimal("占比");
                let total = if section.trim() == "收入" { &mut income_total } else { &mut expenditure_total };
                if label.trim() == "合计" {
                    // A total the form leaves empty is the sum of its lines: nothing to check.
                    *total = amount;
                    continue;
                }
                let line = BudgetLineInput { label, amount: amount.unwrap_or(Money::ZERO), stated_percent };
                if section.trim() == "收入" { input.income.push(line) } else { input.expenditure.push(line) }
            }
            "项目" => input.projects.push(BudgetProjectLineInput {
                name: label,
                category: f.text("项目类别"),
                total_budget: f.money("项目总预算").unwrap_or(Money::ZERO),
                current_year_budget: f.money("项目本年预算").unwrap_or(Money::ZERO),
                purpose: f.text("用途"),
            }),
            other => f.problem("部分", Some(other.into()), "“部分”须为 收入、支出 或 项目".into()),
        }
    }
    let sum = |lines: &[BudgetLineInput]| lines.iter().map(|l| l.amount).sum::<Money>();
    input.income_total = income_total.unwrap_or_else(|| sum(&input.income));
    input.expenditure_total = expenditure_total.unwrap_or_else(|| sum(&input.expenditure));
    GroupRecord::Budget(input)
}
