//! The checks of an ex-ante assessment (domain.md §5) that the system makes itself,
//! each under the point of 61号 it informs: compliance and maturity (negative list,
//! maturity documents), the forecasts (coverage and its sensitivity), the repayment
//! plan (term match) and the targets (complete, quantified). They reuse the alert
//! rules, so an assessment and the monitoring never disagree.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::debt;
use crate::monitoring::RuleConfig;
use crate::monitoring::facts::ProjectFacts;
use crate::monitoring::rules::decision;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AutoCheck {
    /// The assessment point (1–8) it informs.
    pub point: i32,
    pub name: &'static str,
    pub passed: bool,
    pub detail: String,
}

/// One row of the sensitivity table: what moved, by how much, and the coverage then.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SensitivityLine {
    pub label: String,
    pub coverage: Option<Decimal>,
}

pub fn sensitivity_table(f: &ProjectFacts) -> Vec<SensitivityLine> {
    debt::project_sensitivity(&f.books, f.project.id, &f.forecast)
        .into_iter()
        .map(|r| SensitivityLine {
            label: format!("{}{:+}%", if r.moved == "revenue" { "收入" } else { "成本" }, r.shift_percent),
            coverage: r.coverage,
        })
        .collect()
}

fn from_rule(
    point: i32,
    name: &'static str,
    findings: Vec<crate::monitoring::Finding>,
    passed_detail: String,
) -> AutoCheck {
    if findings.is_empty() {
        AutoCheck { point, name, passed: true, detail: passed_detail }
    } else {
        let detail = findings.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("");
        AutoCheck { point, name, passed: false, detail }
    }
}

/// The automatic checks of a project's assessment, as of a date.
pub fn assessment_checks(f: &ProjectFacts, config: &RuleConfig, as_of: NaiveDate) -> Vec<AutoCheck> {
    let present = crate::ledger::projects::maturity_documents(&f.project);
    let missing = crate::ledger::projects::missing_documents(&f.project);
    let maturity = AutoCheck {
        point: 2,
        name: "成熟度要件",
        passed: missing.is_empty(),
        detail: if missing.is_empty() {
            format!("{}齐全。", present.join("、"))
        } else {
            format!("缺少{}。", missing.join("、"))
        },
    };
    let coverage = debt::project_coverage(&f.books, f.project.id, &f.forecast);
    let has_lines = !debt::project_lines(&f.books, f.project.id).is_empty();
    let coverage_check = if has_lines {
        from_rule(
            4,
            "本息覆盖倍数",
            decision::d5(f, config, as_of),
            coverage
                .map(|c| format!("本息覆盖倍数{c:.2},不低于{}。", config.t("D5", "yellow_below")))
                .unwrap_or_default(),
        )
    } else {
        AutoCheck {
            point: 4,
            name: "本息覆盖倍数",
            passed: false,
            detail: "尚未分配债券,无法测算本息覆盖倍数。".into(),
        }
    };
    let term = if f.books.is_empty() || f.project.revenue_start.is_none() {
        AutoCheck {
            point: 6,
            name: "债券期限与收益期匹配",
            passed: false,
            detail: "尚无债券或未填写收益期,无法核验期限匹配。".into(),
        }
    } else {
        from_rule(6, "债券期限与收益期匹配", decision::d7(f, config, as_of), "债券到期日均在项目收益期内。".into())
    };
    let quantified = f
        .indicators
        .iter()
        .filter(|i| i.target.as_ref().is_some_and(|t| t.kind != crate::targets::parse::TargetKind::Qualitative))
        .count();
    vec![
        from_rule(2, "负面清单", decision::d6(f, config, as_of), "项目不属于负面清单。".into()),
        maturity,
        coverage_check,
        term,
        from_rule(
            7,
            "绩效目标完整",
            decision::d3(f, config, as_of),
            format!("已申报{}个绩效指标,产出、效益、满意度指标齐全。", f.indicators.len()),
        ),
        from_rule(
            7,
            "绩效目标量化",
            decision::d4(f, config, as_of),
            format!("{}个指标中{quantified}个可量化。", f.indicators.len()),
        ),
    ]
}

/// A project's facts as of today and the checks its assessment would carry.
pub async fn checks_of(
    ctx: &crate::Ctx,
    project: crate::ledger::entities::project::Model,
) -> crate::error::Result<(ProjectFacts, Vec<AutoCheck>)> {
    let facts = crate::monitoring::facts::load_project(&ctx.db, &ctx.settings.debt, project).await?;
    let checks = assessment_checks(&facts, &ctx.rules, ctx.clock.today());
    Ok((facts, checks))
}
