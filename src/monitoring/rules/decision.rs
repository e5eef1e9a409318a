//! 决策 rules D1–D8: whether the project should have borrowed as it did.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::json;

use super::super::facts::ProjectFacts;
use super::super::{Finding, RuleConfig, Severity, pct};
use crate::db::values::add_months;
use crate::debt;
use crate::figures;
use crate::targets::parse::TargetKind;

/// D1 (§7): the ex-ante assessment missing, late or not supportive, as of the date:
/// money allocated and no assessment submitted by then → red; the first money (an
/// allocation, or an adjustment bringing some) came before the first assessment →
/// orange, and stays as the record of it (61号 asks for the assessment before the
/// application; the allocation date stands in for it); the latest assessment by then
/// 不予支持 → red, 调整完善后予以支持 → yellow. The most severe holds.
pub fn d1(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let first_money = f.first_money_on().filter(|d| *d <= as_of);
    let latest = f.assessment_on(as_of);
    let first_assessed = f.assessments.iter().map(|a| a.submitted_on).filter(|d| *d <= as_of).min();
    let mut found: Vec<(Severity, String)> = Vec::new();
    match (first_money, first_assessed) {
        (Some(money), None) => found.push((Severity::Red, format!("{money}已安排债券资金但未开展事前绩效评估"))),
        (Some(money), Some(assessed)) if money < assessed => found.push((
            Severity::Orange,
            format!("{money}安排债券资金,早于{assessed}完成的事前绩效评估(评估应在申报前完成)"),
        )),
        _ => {}
    }
    match latest.map(|a| a.conclusion.as_str()) {
        Some("不予支持") => found.push((Severity::Red, "事前绩效评估结论为“不予支持”".into())),
        Some("调整完善后予以支持") => {
            found.push((Severity::Yellow, "事前绩效评估结论为“调整完善后予以支持”,请核实是否已调整完善".into()))
        }
        _ => {}
    }
    found.sort_by_key(|(s, _)| *s);
    let Some((severity, _)) = found.first() else { return Vec::new() };
    let why: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
    let conclusion = latest.map(|a| a.conclusion.clone());
    vec![
        Finding::new("D1", *severity, f.subject(), format!("项目{}{}。", f.project.code, why.join(";")))
            .measured(conclusion.clone().unwrap_or_else(|| "无评估".into()), "资金安排前评估且予以支持")
            .evidence(
                json!({"assessment": conclusion, "first_money_on": first_money, "first_assessed_on": first_assessed}),
            ),
    ]
}

/// D2: bond money allocated and no approved performance target in force.
pub fn d2(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let approved = f.targets_of_year(as_of.year()).any(|t| t.approved_on.is_some_and(|d| d <= as_of));
    if !f.allocated() || approved {
        return Vec::new();
    }
    vec![
        Finding::new(
            "D2",
            Severity::Red,
            f.subject(),
            format!("项目{}已安排债券资金,但绩效目标未经批复,请随资金申报绩效目标。", f.project.code),
        )
        .measured(format!("{}个目标,0个已批复", f.targets.len()), "至少1个已批复")
        .evidence(json!({"targets": f.targets.len()})),
    ]
}

/// D3: no 产出, 效益 or 满意度 indicator, or fewer than `min_indicators` indicators.
pub fn d3(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    if f.targets_of_year(as_of.year()).next().is_none() {
        return Vec::new();
    }
    let indicators = f.indicators_of_year(as_of.year());
    let min = c.days("D3", "min_indicators") as usize;
    let has = |level: &str| indicators.iter().any(|i| i.indicator.level1 == level);
    let missing: Vec<&str> = ["产出指标", "效益指标", "满意度指标"].into_iter().filter(|l| !has(l)).collect();
    if missing.is_empty() && indicators.len() >= min {
        return Vec::new();
    }
    let mut why = Vec::new();
    if !missing.is_empty() {
        why.push(format!("缺少{}", missing.join("、")));
    }
    if f.indicators.len() < min {
        why.push(format!("仅{}个指标(至少{min}个)", f.indicators.len()));
    }
    vec![
        Finding::new(
            "D3",
            Severity::Yellow,
            f.subject(),
            format!("项目{}绩效目标不完整:{},请补充。", f.project.code, why.join(";")),
        )
        .measured(format!("{}个指标", f.indicators.len()), format!("≥{min}个,含产出、效益、满意度指标"))
        .evidence(json!({"indicators": f.indicators.len(), "missing_levels": missing})),
    ]
}

/// D4: more than the configured share of targets qualitative → yellow; otherwise a
/// missing basis (指标值确定依据) → blue.
pub fn d4(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let indicators = f.indicators_of_year(as_of.year());
    let targets: Vec<_> = indicators.iter().filter(|i| i.target.is_some()).collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let qualitative =
        targets.iter().filter(|i| i.target.as_ref().is_some_and(|t| t.kind == TargetKind::Qualitative)).count();
    let share = Decimal::from(qualitative) / Decimal::from(targets.len());
    let limit = c.t("D4", "qualitative_share_above");
    let no_basis = indicators.iter().filter(|i| i.indicator.basis.is_none()).count();
    let evidence = json!({"indicators": targets.len(), "qualitative": qualitative, "without_basis": no_basis});
    if share > limit {
        return vec![
            Finding::new(
                "D4",
                Severity::Yellow,
                f.subject(),
                format!("项目{}有{}的绩效指标未量化,请细化为可衡量的指标值。", f.project.code, pct(share)),
            )
            .measured(pct(share), format!("≤{}", pct(limit)))
            .evidence(evidence),
        ];
    }
    if no_basis > 0 {
        return vec![
            Finding::new(
                "D4",
                Severity::Blue,
                f.subject(),
                format!("项目{}有{no_basis}个指标未填写指标值确定依据。", f.project.code),
            )
            .measured(format!("{no_basis}个缺依据"), "0个缺依据")
            .evidence(evidence),
        ];
    }
    Vec::new()
}

/// D5: coverage (本息覆盖倍数) below the thresholds, above the "check the data" one,
/// or missing because there is no revenue forecast (red).
pub fn d5(f: &ProjectFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let lines: Vec<_> = debt::project_lines(&f.books, f.project.id);
    if lines.is_empty() {
        return Vec::new();
    }
    let Some(ratio) = debt::project_coverage(&f.books, f.project.id, &f.forecast) else {
        return vec![
            Finding::new(
                "D5",
                Severity::Red,
                f.subject(),
                format!("项目{}收益预测缺失,无法测算本息覆盖倍数,请补充实施方案收益预测。", f.project.code),
            )
            .measured("收益预测缺失", format!("≥{}倍", c.t("D5", "yellow_below")))
            .evidence(json!({"forecast_years": 0})),
        ];
    };
    let severity = if ratio < c.t("D5", "red_below") {
        Severity::Red
    } else if ratio < c.t("D5", "orange_below") {
        Severity::Orange
    } else if ratio < c.t("D5", "yellow_below") {
        Severity::Yellow
    } else if ratio > c.t("D5", "blue_above") {
        Severity::Blue
    } else {
        return Vec::new();
    };
    let debt_total: crate::db::Money = lines.iter().map(|l| l.line.total()).sum();
    let message = if severity == Severity::Blue {
        format!("项目{}本息覆盖倍数{},明显偏高,请核实收益预测数据。", f.project.code, figures::COVERAGE.show(ratio))
    } else {
        format!(
            "项目{}本息覆盖倍数{},低于{},偿债能力不足,请复核收益预测和债券规模。",
            f.project.code,
            figures::COVERAGE.show(ratio),
            c.t("D5", "yellow_below")
        )
    };
    vec![Finding::new("D5", severity, f.subject(), message)
        .measured(format!("{}倍", figures::COVERAGE.show(ratio)), format!("{}–{}倍", c.t("D5", "yellow_below"), c.t("D5", "blue_above")))
        .evidence(json!({"coverage": ratio.round_dp(6).to_string(), "debt_service": debt_total, "forecast_years": f.forecast.len()}))]
}

/// D6: the negative list of 52号 (§7): its phrases in the category, name or content,
/// with the list's own exceptions (保障性住房 and 土地储备 are not 房地产开发); and
/// 完全无收益项目, judged from the forecast: one recorded with no year of positive
/// revenue (a missing forecast is D5's). Red.
pub fn d6(f: &ProjectFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let p = &f.project;
    let words = format!("{} {}", p.name, p.construction_content.as_deref().unwrap_or(""));
    let text = format!("{} {words}", p.category);
    let excepted = p.category == c.real_estate_exception_category
        || c.real_estate_exceptions.iter().any(|w| words.contains(w.as_str()));
    let mut hits: Vec<String> = c
        .negative_list
        .iter()
        .filter(|w| text.contains(w.as_str()) && !(excepted && w.as_str() == "房地产开发"))
        .cloned()
        .collect();
    let no_revenue = !f.forecast.is_empty() && f.forecast.iter().all(|y| y.revenue.fen() <= 0);
    if no_revenue {
        hits.push("完全无收益项目".into());
    }
    if hits.is_empty() {
        return Vec::new();
    }
    vec![
        Finding::new(
            "D6",
            Severity::Red,
            f.subject(),
            format!("项目{}涉及专项债券负面清单({}),不得使用专项债券资金。", p.code, hits.join("、")),
        )
        .measured(hits.join("、"), "不在负面清单")
        .evidence(json!({"matched": hits, "forecast_without_revenue": no_revenue})),
    ]
}

/// Whether a bond's maturity fits a project's revenue period: it may mature at most
/// `slack_years` after the period ends, and not before it starts. None when the
/// project has no revenue period to judge by.
pub fn term_mismatch(f: &ProjectFacts, maturity: NaiveDate, c: &RuleConfig) -> Option<String> {
    let (start, end) = (f.project.revenue_start?, f.project.revenue_end?);
    let slack = c.days("D7", "slack_years").max(0) as u32;
    if maturity > add_months(end, slack * 12) {
        Some(format!("债券{maturity}到期,晚于收益期结束({end})超过{slack}年"))
    } else if maturity < start {
        Some(format!("债券{maturity}到期,早于收益期开始({start})"))
    } else {
        None
    }
}

/// D7: a bond the project draws on matures more than a year after its revenue
/// period ends, or before it starts. One alert per bond.
pub fn d7(f: &ProjectFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    f.books
        .iter()
        .filter_map(|b| {
            let why = term_mismatch(f, b.bond.maturity_date, c)?;
            Some(
                Finding::new("D7", Severity::Yellow, f.bond_subject(b.bond.id), format!("项目{}与债券{}期限不匹配:{}。", f.project.code, b.bond.code, why))
                    .measured(b.bond.maturity_date, format!("{}–{}", f.project.revenue_start?, f.project.revenue_end?))
                    .evidence(json!({"maturity": b.bond.maturity_date, "revenue_start": f.project.revenue_start, "revenue_end": f.project.revenue_end})),
            )
        })
        .collect()
}

/// D8: funded (money received) with a maturity document missing, or a planned start
/// more than `start_slack_months` after the first receipt.
pub fn d8(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let Some(first) = f.first_receipt().filter(|d| *d <= as_of) else {
        return Vec::new();
    };
    let missing = crate::ledger::projects::missing_documents(&f.project);
    let months = c.days("D8", "start_slack_months").max(0) as u32;
    let late_start = f.project.planned_start.filter(|s| *s > add_months(first, months));
    if missing.is_empty() && late_start.is_none() {
        return Vec::new();
    }
    let mut why = Vec::new();
    if !missing.is_empty() {
        why.push(format!("缺少{}", missing.join("、")));
    }
    if let Some(s) = late_start {
        why.push(format!("计划开工{s}晚于资金到位({first})超过{months}个月"));
    }
    vec![
        Finding::new(
            "D8",
            Severity::Yellow,
            f.subject(),
            format!("项目{}成熟度不足:{},存在资金闲置风险。", f.project.code, why.join(";")),
        )
        .measured(why.join(";"), "四项要件齐全,资金到位后6个月内开工")
        .evidence(
            json!({"missing_documents": missing, "first_receipt": first, "planned_start": f.project.planned_start}),
        ),
    ]
}
