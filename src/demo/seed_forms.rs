//! The department tables and long-term targets read from the seed's forms.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::demo_caller;
use crate::Ctx;
use crate::db::Money;
use crate::error::{Error, Result};
use crate::ledger::departments;
use crate::targets::{self, IndicatorInput, TargetInput};

/// The seed's forms: the department tables are loaded from them. Its two project forms
/// (医疗救助, 市场秩序执法) fit none of the demo's projects and are not read; the
/// projects' indicator sets ([`indicators`](super::indicators)) follow their shape.
#[derive(Deserialize)]
pub(super) struct Forms {
    departments: Vec<FormDepartment>,
}

#[derive(Deserialize)]
struct FormIndicator {
    scope: String,
    level1: Option<String>,
    level2: Option<String>,
    name: Option<String>,
    target: Option<String>,
    basis: Option<String>,
    history: Vec<Option<String>>,
}

#[derive(Deserialize)]
struct FormLine {
    label: String,
    amount: Option<String>,
    stated_percent: Option<String>,
}

#[derive(Deserialize)]
struct FormBudgetProject {
    name: String,
    category: Option<String>,
    total_budget: String,
    current_year_budget: String,
    purpose: Option<String>,
}

#[derive(Deserialize)]
struct FormDepartment {
    name: String,
    year: i32,
    income: Vec<FormLine>,
    income_total: FormLine,
    expenditure: Vec<FormLine>,
    expenditure_total: FormLine,
    projects: Vec<FormBudgetProject>,
    indicators: Vec<FormIndicator>,
}

pub(super) fn forms() -> Result<Forms> {
    serde_json::from_str(include_str!("forms.json"))
        .map_err(|e| Error::Internal(format!("the demo's forms.json cannot be read: {e}")))
}

/// 万元 as written on a form to yuan, exactly (2896.665 万元 = 28966650.00 元).
fn wan(text: &str) -> Result<Money> {
    let value: Decimal = text.trim().parse().map_err(|_| Error::Internal(format!("not an amount in 万元: {text}")))?;
    Money::from_decimal(value * Decimal::from(10_000)).map_err(|e| Error::Internal(e.to_string()))
}

fn percent_text(text: &str) -> Option<Decimal> {
    text.trim().trim_end_matches('%').replace(' ', "").parse().ok()
}

/// The tables and long-term targets of the two departments the seed has forms for.
pub(super) async fn load_department_forms(ctx: &Ctx, forms: &Forms) -> Result<()> {
    for (code, form) in [("HY-SC", &forms.departments[0]), ("HY-MZ", &forms.departments[1])] {
        load_department_form(ctx, code, form).await?;
    }
    Ok(())
}

async fn load_department_form(ctx: &Ctx, code: &str, form: &FormDepartment) -> Result<()> {
    let line = |l: &FormLine| -> Result<departments::BudgetLineInput> {
        Ok(departments::BudgetLineInput {
            label: l.label.clone(),
            amount: l.amount.as_deref().map(wan).transpose()?.unwrap_or_default(),
            stated_percent: l.stated_percent.as_deref().and_then(percent_text),
        })
    };
    let income: Vec<_> = form.income.iter().map(line).collect::<Result<_>>()?;
    // A total the form leaves empty is recorded as zero: C1 then reports it against the lines.
    let income_total = form.income_total.amount.as_deref().map(wan).transpose()?.unwrap_or_default();
    let expenditure: Vec<_> = form.expenditure.iter().map(line).collect::<Result<_>>()?;
    let expenditure_total = form.expenditure_total.amount.as_deref().map(wan).transpose()?.unwrap_or_default();
    let projects = form
        .projects
        .iter()
        .map(|p| {
            Ok(departments::BudgetProjectLineInput {
                name: p.name.clone(),
                category: p.category.clone(),
                total_budget: wan(&p.total_budget)?,
                current_year_budget: wan(&p.current_year_budget)?,
                purpose: p.purpose.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    departments::record_department_budget(
        ctx,
        &demo_caller(),
        departments::DepartmentBudgetInput {
            department_code: code.into(),
            year: form.year,
            income_total,
            income,
            expenditure_total,
            expenditure,
            projects,
        },
    )
    .await?;
    let indicators = form.indicators.iter().filter(|i| i.scope == "LONG_TERM").map(indicator_input).collect();
    targets::declare_target(
        ctx,
        &demo_caller(),
        TargetInput {
            project_code: None,
            department_code: Some(code.into()),
            scope: "LONG_TERM".into(),
            year: Some(form.year),
            description: format!("{}部门整体支出绩效目标", form.name),
            approved_on: NaiveDate::from_ymd_opt(form.year, 1, 20),
            indicators,
        },
    )
    .await?;
    Ok(())
}

fn indicator_input(i: &FormIndicator) -> IndicatorInput {
    IndicatorInput {
        level1: i.level1.clone().unwrap_or_default(),
        level2: i.level2.clone().unwrap_or_default(),
        name: i.name.clone().unwrap_or_default(),
        target_text: i.target.clone().unwrap_or_default(),
        basis: i.basis.clone(),
        history: i.history.clone(),
    }
}
