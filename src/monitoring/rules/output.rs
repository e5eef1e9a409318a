//! 产出 rules O1–O5: what the project delivers.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use super::super::facts::{IndicatorFacts, ProjectFacts};
use super::super::{Finding, RuleConfig, Severity, days_between, pct};
use super::{is_measurable, latest_attainment};
use crate::codes::TargetScope;
use crate::ledger::projects::ProjectStatus;
use crate::targets::parse::{TargetKind, attainment};

/// The last day of an actual's period: a month `2024-03`, a quarter `2024-Q1`, a year `2024`.
pub fn period_end(period: &str) -> Option<NaiveDate> {
    let next_first = |y: i32, m: u32| {
        if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) }
    };
    let end = if let Some((y, q)) = period.split_once("-Q") {
        next_first(y.parse().ok()?, q.parse::<u32>().ok()? * 3)?
    } else if let Some((y, m)) = period.split_once('-') {
        next_first(y.parse().ok()?, m.parse().ok()?)?
    } else {
        NaiveDate::from_ymd_opt(period.parse::<i32>().ok()? + 1, 1, 1)?
    };
    Some(end - chrono::Duration::days(1))
}

fn evidence(i: &IndicatorFacts, attained: Decimal, as_of: NaiveDate) -> serde_json::Value {
    let latest = i.latest_on(as_of);
    json!({"indicator": i.indicator.name, "target": i.indicator.target_text, "actual": latest.map(|a| a.value.clone()), "period": latest.map(|a| a.period.clone()), "attainment": attained.round_dp(4).to_string()})
}

/// O1: a quantity indicator of an annual target whose year has ended, completed
/// (by its latest actual) below 100% (yellow), 80% (orange), 60% (red). The period
/// that must have ended is the target's year: a monthly actual of an annual target
/// is progress, which M10 watches.
pub fn o1(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    f.indicators
        .iter()
        .filter(|i| {
            i.indicator.level2 == "数量指标" && is_measurable(i) && !i.target.as_ref().is_some_and(|t| t.negative())
        })
        .filter_map(|i| {
            let latest = i.latest_on(as_of)?;
            if i.scope != TargetScope::Annual.as_str() || period_end(&i.year?.to_string())? > as_of {
                return None;
            }
            let attained = latest_attainment(i, as_of)?;
            let severity = if attained < c.t("O1", "red_below") {
                Severity::Red
            } else if attained < c.t("O1", "orange_below") {
                Severity::Orange
            } else if attained < c.t("O1", "yellow_below") {
                Severity::Yellow
            } else {
                return None;
            };
            Some(
                Finding::new(
                    "O1",
                    severity,
                    f.indicator_subject(i.indicator.id),
                    format!(
                        "项目{}数量指标“{}”{}期末完成{},目标{},完成率{}。",
                        f.project.code,
                        i.indicator.name,
                        latest.period,
                        latest.value,
                        i.indicator.target_text,
                        pct(attained)
                    ),
                )
                .measured(pct(attained), "100%")
                .evidence(evidence(i, attained, as_of)),
            )
        })
        .collect()
}

/// O2: a quality indicator below target (yellow); a binary one answered 否, such as a
/// failed acceptance (red).
pub fn o2(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    f.indicators
        .iter()
        .filter(|i| i.indicator.level2 == "质量指标")
        .filter_map(|i| {
            let attained = latest_attainment(i, as_of)?;
            if attained >= Decimal::ONE {
                return None;
            }
            let binary = i.target.as_ref().is_some_and(|t| t.kind == TargetKind::Binary);
            let severity = if binary && attained.is_zero() { Severity::Red } else { Severity::Yellow };
            let actual = i.latest_on(as_of).map(|a| a.value.clone()).unwrap_or_default();
            Some(
                Finding::new(
                    "O2",
                    severity,
                    f.indicator_subject(i.indicator.id),
                    format!(
                        "项目{}质量指标“{}”未达标:目标{},实际{actual}。",
                        f.project.code, i.indicator.name, i.indicator.target_text
                    ),
                )
                .measured(actual, i.indicator.target_text.clone())
                .evidence(evidence(i, attained, as_of)),
            )
        })
        .collect()
}

/// O3: not started 90 days after the planned start (yellow); completion overdue
/// (yellow), by more than 180 days (red). Only while the event is still missing.
pub fn o3(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let p = &f.project;
    let status = f.stage_status_on(as_of);
    if f.status_on(as_of) == ProjectStatus::Cancelled {
        return Vec::new();
    }
    let grace = c.days("O3", "start_grace_days");
    if let Some(planned) = p.planned_start
        && status < ProjectStatus::UnderConstruction
        && days_between(planned, as_of) > grace
    {
        let late = days_between(planned, as_of);
        return vec![
            Finding::new(
                "O3",
                Severity::Yellow,
                f.subject(),
                format!("项目{}计划{planned}开工,已逾期{late}天仍未开工。", p.code),
            )
            .measured(format!("{late}天"), format!("≤{grace}天"))
            .evidence(json!({"planned_start": planned, "status": p.status})),
        ];
    }
    if let Some(planned) = p.planned_completion
        && status == ProjectStatus::UnderConstruction
        && planned < as_of
    {
        let late = days_between(planned, as_of);
        let severity = if late > c.days("O3", "red_days_late") { Severity::Red } else { Severity::Yellow };
        return vec![
            Finding::new(
                "O3",
                severity,
                f.subject(),
                format!("项目{}计划{planned}完工,已逾期{late}天仍未完工。", p.code),
            )
            .measured(format!("{late}天"), "按期完工")
            .evidence(json!({"planned_completion": planned, "status": p.status})),
        ];
    }
    Vec::new()
}

/// O4: cost overrun = (current estimate − approved investment) ÷ approved investment:
/// above 5% blue, above 10% orange.
pub fn o4(f: &ProjectFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let p = &f.project;
    if p.approved_investment.fen() <= 0 {
        return Vec::new();
    }
    let overrun = (p.current_estimate - p.approved_investment).to_decimal() / p.approved_investment.to_decimal();
    let severity = if overrun > c.t("O4", "orange_above") {
        Severity::Orange
    } else if overrun > c.t("O4", "blue_above") {
        Severity::Blue
    } else {
        return Vec::new();
    };
    vec![
        Finding::new(
            "O4",
            severity,
            f.subject(),
            format!("项目{}当前估算超批复概算{},请核实超概原因并履行调概程序。", p.code, pct(overrun)),
        )
        .measured(pct(overrun), format!("≤{}", pct(c.t("O4", "blue_above"))))
        .evidence(json!({"approved_investment": p.approved_investment, "current_estimate": p.current_estimate})),
    ]
}

/// O5: a veto indicator breached: a zero-target exceeded, or a 是 target answered 否.
pub fn o5(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    f.indicators
        .iter()
        .filter_map(|i| {
            let target = i.target.as_ref()?;
            let veto =
                target.zero_target() || (target.kind == TargetKind::Binary && i.indicator.target_text.trim() == "是");
            let latest = i.latest_on(as_of)?;
            if !veto || attainment(target, &latest.value, latest.judgement.as_deref()) != Some(Decimal::ZERO) {
                return None;
            }
            Some(
                Finding::new(
                    "O5",
                    Severity::Red,
                    f.indicator_subject(i.indicator.id),
                    format!(
                        "项目{}否决性指标“{}”未达成:目标{},实际{}。",
                        f.project.code, i.indicator.name, i.indicator.target_text, latest.value
                    ),
                )
                .measured(latest.value.clone(), i.indicator.target_text.clone())
                .evidence(evidence(i, Decimal::ZERO, as_of)),
            )
        })
        .collect()
}
