//! Results application (domain.md §9): R1 self-evaluation against the re-evaluation,
//! R2 a rectification late, R3 差 again with last year's rectification not accepted.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use super::super::{Finding, RuleConfig, Severity, Subject};
use crate::codes::{Grade, RectificationSource, RectificationStatus};
use crate::db::values::stored_decimal;
use crate::monitoring::facts::ProjectFacts;

fn year_subject(f: &ProjectFacts, year: i32) -> Subject {
    Subject { year: Some(year), ..f.subject() }
}

/// R1: |self − evaluated| above the yellow (10) or orange (20) points.
pub fn r1(f: &ProjectFacts, c: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    let (yellow, orange) = (c.t("R1", "yellow_points"), c.t("R1", "orange_points"));
    f.results
        .self_evaluations
        .iter()
        .filter_map(|own| {
            let evaluated = f.results.evaluations.iter().find(|e| e.year == own.year)?;
            let deviation = crate::performance::deviation(own, evaluated);
            let severity = if deviation.abs() > orange {
                Severity::Orange
            } else if deviation.abs() > yellow {
                Severity::Yellow
            } else {
                return None;
            };
            let (mine, theirs) = (stored_decimal(&own.total_score), stored_decimal(&evaluated.total_score));
            let points = crate::figures::fixed(deviation.abs(), 2);
            let direction = if deviation > Decimal::ZERO { "高于" } else { "低于" };
            Some(
                Finding::new(
                    "R1",
                    severity,
                    year_subject(f, own.year),
                    format!(
                        "项目{}的{}年度自评{}分,{direction}再评价{}分{points}分,请核实自评依据。",
                        f.project.code,
                        own.year,
                        crate::figures::fixed(mine, 2),
                        crate::figures::fixed(theirs, 2)
                    ),
                )
                .measured(format!("偏差{points}分"), format!("≤{}分", yellow.normalize()))
                .evidence(json!({"year": own.year, "self": own.total_score, "evaluated": evaluated.total_score, "deviation": deviation.to_string()})),
            )
        })
        .collect()
}

/// R2: a rectification late (domain.md §9's days) and not accepted; orange past the days.
pub fn r2(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let orange = c.days("R2", "orange_days");
    f.results
        .rectifications
        .iter()
        .filter(|r| r.status != RectificationStatus::Accepted.as_str() && r.opened_on <= as_of)
        .filter_map(|r| {
            let late = crate::performance::overdue_days(r, as_of);
            if late <= 0 {
                return None;
            }
            let severity = if late > orange { Severity::Orange } else { Severity::Yellow };
            let state = RectificationStatus::parse(&r.status).map_or(r.status.as_str(), |s| s.label());
            Some(
                Finding::new(
                    "R2",
                    severity,
                    Subject { rectification_id: Some(r.id), ..f.subject() },
                    format!(
                        "项目{}的整改事项(期限{})已逾期{late}天,当前状态为“{state}”,请督促整改。",
                        f.project.code, r.due_on
                    ),
                )
                .measured(format!("{late}天"), format!("{}前完成整改", r.due_on))
                .evidence(json!({"rectification": r.id, "due_on": r.due_on, "status": r.status, "overdue_days": late})),
            )
        })
        .collect()
}

/// R3: graded 差 in a year while the rectification of the year before is not accepted.
pub fn r3(f: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Vec<Finding> {
    f.results
        .evaluations
        .iter()
        .filter(|e| e.grade == Grade::Poor.as_str())
        .filter_map(|e| {
            let before = f.results.rectifications.iter().find(|r| {
                r.year == Some(e.year - 1)
                    && r.source == RectificationSource::Evaluation.as_str()
                    && r.status != RectificationStatus::Accepted.as_str()
            })?;
            Some(
                Finding::new(
                    "R3",
                    Severity::Red,
                    year_subject(f, e.year),
                    format!(
                        "项目{}的{}年度绩效评价再次为“差”({}分),{}年度的整改尚未完成,请约谈并暂缓安排新项目。",
                        f.project.code,
                        e.year,
                        crate::figures::fixed(stored_decimal(&e.total_score), 2),
                        e.year - 1
                    ),
                )
                .measured(
                    format!(
                        "连续两年为差,上年整改“{}”",
                        RectificationStatus::parse(&before.status).map_or("", |s| s.label())
                    ),
                    "上年整改到位",
                )
                .evidence(json!({"year": e.year, "score": e.total_score, "rectification": before.id})),
            )
        })
        .collect()
}
