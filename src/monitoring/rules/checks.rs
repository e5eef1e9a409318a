//! Data checks on declarations, C1–C5 (domain.md §8): the seed's own forms carry
//! such mistakes. Reported per row and field, never corrected.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use super::super::facts::{DepartmentFacts, IndicatorFacts, ProjectFacts};
use super::super::{Finding, RuleConfig, Severity, Subject, wan};
use crate::db::Money;

fn dept_subject(d: &DepartmentFacts) -> Subject {
    Subject { department_id: Some(d.department.id), ..Subject::default() }
}

fn tolerance(c: &RuleConfig, rule: &'static str, key: &'static str) -> Money {
    Money::round_half_up(c.t(rule, key))
}

/// C1 (project): the funding plan (bond + capital fund + own funds + other) adds up
/// to the approved investment.
pub fn c1_project(f: &ProjectFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let p = &f.project;
    let parts = p.planned_bond_funding + p.capital_fund + p.own_funds + p.other_funding;
    let diff = parts - p.approved_investment;
    if diff.fen().abs() <= tolerance(c, "C1", "tolerance").fen() || parts.is_zero() {
        return Vec::new();
    }
    vec![Finding::new("C1", Severity::Yellow, f.subject(), format!("项目{}资金筹措计划合计{}与批复概算{}不符,相差{}。", p.code, wan(parts), wan(p.approved_investment), wan(diff)))
        .measured(wan(parts), format!("等于批复概算{}", wan(p.approved_investment)))
        .evidence(json!({"field": "fundingPlan", "planned_bond_funding": p.planned_bond_funding, "capital_fund": p.capital_fund, "own_funds": p.own_funds, "other_funding": p.other_funding, "approved_investment": p.approved_investment}))]
}

/// C1: the income and expenditure lines add up to the stated totals.
pub fn c1(d: &DepartmentFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let tol = tolerance(c, "C1", "tolerance").fen();
    let mut problems = Vec::new();
    let mut text = Vec::new();
    for t in &d.budgets {
        for (section, total, name) in
            [("INCOME", t.budget.income_total, "收入"), ("EXPENDITURE", t.budget.expenditure_total, "支出")]
        {
            let sum: Money = t.lines.iter().filter(|l| l.section == section).map(|l| l.amount).sum();
            if (sum - total).fen().abs() > tol {
                problems.push(json!({"year": t.budget.year, "section": section, "name": name, "lines": sum, "stated_total": total}));
                text.push(format!("{}年{name}分项合计{}与填报合计{}不符", t.budget.year, wan(sum), wan(total)));
            }
        }
    }
    if problems.is_empty() {
        return Vec::new();
    }
    vec![
        Finding::new(
            "C1",
            Severity::Yellow,
            dept_subject(d),
            format!("{}部门整体支出表:{}。", d.department.name, text.join(";")),
        )
        .measured(format!("{}处", problems.len()), "分项之和等于合计")
        .evidence(json!({"problems": problems})),
    ]
}

/// C2: a stated percent matches its amount ÷ the total, within 0.01 points.
pub fn c2(d: &DepartmentFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let tol = c.t("C2", "tolerance_points");
    let mut problems = Vec::new();
    for t in &d.budgets {
        for line in &t.lines {
            let Some(stated) = line.stated_percent.as_deref().map(crate::db::values::stored_decimal) else { continue };
            let total = if line.section == "INCOME" { t.budget.income_total } else { t.budget.expenditure_total };
            // Against the lines' own sum when the stated total is missing.
            let base = if total.fen() > 0 {
                total
            } else {
                t.lines.iter().filter(|l| l.section == line.section).map(|l| l.amount).sum()
            };
            if base.fen() <= 0 {
                continue;
            }
            let actual = line.amount.to_decimal() * Decimal::ONE_HUNDRED / base.to_decimal();
            if (actual - stated).abs() > tol {
                problems.push(json!({"year": t.budget.year, "section": line.section, "label": line.label, "stated_percent": stated.to_string(), "computed_percent": actual.round_dp(2).to_string()}));
            }
        }
    }
    if problems.is_empty() {
        return Vec::new();
    }
    let text: Vec<String> = problems
        .iter()
        .map(|p| {
            format!(
                "“{}”填报{}%,按金额应为{}%",
                p["label"].as_str().unwrap_or(""),
                p["stated_percent"].as_str().unwrap_or(""),
                p["computed_percent"].as_str().unwrap_or("")
            )
        })
        .collect();
    vec![
        Finding::new(
            "C2",
            Severity::Yellow,
            dept_subject(d),
            format!("{}部门整体支出表比例有误:{}。", d.department.name, text.join(";")),
        )
        .measured(format!("{}处", problems.len()), format!("误差≤{tol}个百分点"))
        .evidence(json!({"problems": problems})),
    ]
}

/// C3: the current-year budgets of the project lines marked 特定目标类 (all lines when
/// none is marked) add up to the specific-purpose expenditure line.
pub fn c3(d: &DepartmentFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let tol = tolerance(c, "C3", "tolerance").fen();
    let mut out = Vec::new();
    for t in &d.budgets {
        let Some(line) = t.lines.iter().find(|l| l.section == "EXPENDITURE" && l.label.contains("特定目标")) else {
            continue;
        };
        if t.projects.is_empty() {
            continue;
        }
        let marked: Vec<_> =
            t.projects.iter().filter(|p| p.category.as_deref().is_some_and(|c| c.contains("特定目标"))).collect();
        let counted: Vec<_> = if marked.is_empty() { t.projects.iter().collect() } else { marked };
        let sum: Money = counted.iter().map(|p| p.current_year_budget).sum();
        if (sum - line.amount).fen().abs() > tol {
            out.push(
                Finding::new("C3", Severity::Yellow, dept_subject(d), format!("{}{}年特定目标类项目当年预算合计{},与支出构成中特定目标类{}不符。", d.department.name, t.budget.year, wan(sum), wan(line.amount)))
                    .measured(wan(sum), format!("等于特定目标类{}", wan(line.amount)))
                    .evidence(json!({"year": t.budget.year, "projects": counted.len(), "project_sum": sum, "specific_purpose_line": line.amount})),
            );
        }
    }
    out
}

/// C4: a project line whose total budget is 9.5 to 10.5 times its current-year budget:
/// likely a slipped digit, for review.
pub fn c4(d: &DepartmentFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let (low, high) = (c.t("C4", "low_ratio"), c.t("C4", "high_ratio"));
    let suspects: Vec<_> = d
        .budgets
        .iter()
        .flat_map(|t| t.projects.iter().map(move |p| (t.budget.year, p)))
        .filter(|(_, p)| {
            p.current_year_budget.fen() > 0 && {
                let ratio = p.total_budget.to_decimal() / p.current_year_budget.to_decimal();
                ratio >= low && ratio <= high
            }
        })
        .collect();
    if suspects.is_empty() {
        return Vec::new();
    }
    let text: Vec<String> = suspects
        .iter()
        .map(|(_, p)| format!("“{}”总预算{}而当年预算{}", p.name, wan(p.total_budget), wan(p.current_year_budget)))
        .collect();
    vec![Finding::new("C4", Severity::Blue, dept_subject(d), format!("{}项目预算疑似多录一位数字,请复核:{}。", d.department.name, text.join(";")))
        .measured(format!("{}处", suspects.len()), format!("总预算不在当年预算的{low}–{high}倍"))
        .evidence(json!({"lines": suspects.iter().map(|(y, p)| json!({"year": y, "name": p.name, "total_budget": p.total_budget, "current_year_budget": p.current_year_budget})).collect::<Vec<_>>()}))]
}

fn c5(indicators: &[IndicatorFacts], subject: impl Fn(i64) -> Subject, owner: &str) -> Vec<Finding> {
    indicators
        .iter()
        .filter_map(|i| {
            let ind = &i.indicator;
            let mut missing = Vec::new();
            if ind.level1.trim().is_empty() {
                missing.push("一级指标");
            }
            if ind.level2.trim().is_empty() {
                missing.push("二级指标");
            }
            if i.target.is_none() {
                missing.push("指标值");
            }
            if missing.is_empty() {
                return None;
            }
            let name = if ind.name.is_empty() { format!("第{}行", ind.position + 1) } else { format!("“{}”", ind.name) };
            Some(
                Finding::new("C5", Severity::Yellow, subject(ind.id), format!("{owner}绩效指标{name}缺少{}。", missing.join("、")))
                    .measured(missing.join("、"), "一级、二级指标和指标值齐全")
                    .evidence(json!({"row": ind.position + 1, "level1": ind.level1, "level2": ind.level2, "target": ind.target_text, "missing": missing})),
            )
        })
        .collect()
}

/// C5 for a project's indicators.
pub fn c5_project(f: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    c5(&f.indicators, |id| f.indicator_subject(id), &format!("项目{}", f.project.code))
}

/// C5 for a department's whole-expenditure indicators.
pub fn c5_department(d: &DepartmentFacts, _: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    c5(&d.indicators, |id| Subject { indicator_id: Some(id), ..dept_subject(d) }, &d.department.name)
}
