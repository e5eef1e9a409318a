//! 可持续性 rules S1–S8: whether the project can carry its debt.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::json;

use super::super::facts::ProjectFacts;
use super::super::{Finding, RuleConfig, Severity, days_between, pct, wan};
use super::latest_attainment;
use crate::db::Money;
use crate::db::values::sub_months;
use crate::debt::{self, coverage};
use crate::figures;
use crate::ledger::projects::ProjectStatus;

/// S1: project revenue collected ÷ forecast to date below 80% (yellow), 60% (red),
/// once revenue was forecast to have started.
pub fn s1(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let expected_any =
        f.forecast.iter().any(|y| y.year < as_of.year() || (y.year == as_of.year() && as_of.month0() > 0));
    if !expected_any || !matches!(f.stage_status_on(as_of), ProjectStatus::Operating | ProjectStatus::Repaid) {
        return Vec::new();
    }
    let position = debt::repayment_position(&f.books, f.project.id, &f.revenue, as_of);
    let rate = coverage::realisation_rate(position.collected, &f.forecast, as_of);
    let severity = if rate < c.t("S1", "red_below") {
        Severity::Red
    } else if rate < c.t("S1", "yellow_below") {
        Severity::Yellow
    } else {
        return Vec::new();
    };
    vec![
        Finding::new(
            "S1",
            severity,
            f.subject(),
            format!("项目{}专项收入实现率{},低于预测,请分析原因并评估偿债影响。", f.project.code, pct(rate)),
        )
        .measured(pct(rate), format!("≥{}", pct(c.t("S1", "yellow_below"))))
        .evidence(json!({"collected": position.collected, "realisation": rate.round_dp(4).to_string()})),
    ]
}

/// S2: rolling coverage during repayment (operating or repaid) below 1.1 orange, 1.0 red.
pub fn s2(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    if !matches!(f.stage_status_on(as_of), ProjectStatus::Operating | ProjectStatus::Repaid) {
        return Vec::new();
    }
    let Some(rolling) = debt::project_rolling_coverage(&f.books, f.project.id, &f.forecast, &f.revenue, as_of) else {
        return Vec::new();
    };
    let severity = if rolling < c.t("S2", "red_below") {
        Severity::Red
    } else if rolling < c.t("S2", "orange_below") {
        Severity::Orange
    } else {
        return Vec::new();
    };
    vec![
        Finding::new(
            "S2",
            severity,
            f.subject(),
            format!(
                "项目{}滚动本息覆盖倍数降至{},偿债风险上升,请制定偿债保障措施。",
                f.project.code,
                figures::ROLLING_COVERAGE.show(rolling)
            ),
        )
        .measured(format!("{}倍", figures::ROLLING_COVERAGE.show(rolling)), format!("≥{}倍", c.t("S2", "orange_below")))
        .evidence(json!({"rolling_coverage": rolling.round_dp(6).to_string()})),
    ]
}

/// A project's lines on each of its bonds with what was unpaid of each on `as_of`.
fn unpaid_lines(f: &ProjectFacts, as_of: NaiveDate) -> Vec<(i64, debt::ServiceLine, Money)> {
    debt::project_lines_paid(&f.books, f.project.id, as_of)
        .into_iter()
        .map(|(l, paid)| (l.bond_id, l, l.line.total() - paid))
        .filter(|(_, _, unpaid)| unpaid.fen() > 0)
        .collect()
}

/// Debt service still to come (due on `as_of` or later) within `days`, unpaid on `as_of`.
fn unpaid_due_within(f: &ProjectFacts, as_of: NaiveDate, days: i64) -> Money {
    unpaid_lines(f, as_of)
        .iter()
        .filter(|(_, l, _)| l.line.due >= as_of && days_between(as_of, l.line.due) <= days)
        .map(|(_, _, unpaid)| *unpaid)
        .sum()
}

/// S3: debt service due within 90 days above the dedicated balance (yellow); within 30 days (red).
pub fn s3(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let balance = debt::repayment_position(&f.books, f.project.id, &f.revenue, as_of).dedicated_balance;
    for (key, severity) in [("red_days", Severity::Red), ("yellow_days", Severity::Yellow)] {
        let days = c.days("S3", key);
        let due = unpaid_due_within(f, as_of, days);
        if due.fen() > 0 && due > balance {
            return vec![
                Finding::new(
                    "S3",
                    severity,
                    f.subject(),
                    format!(
                        "项目{}未来{days}天内应还本付息{},{},存在偿债缺口{},请提前筹措资金。",
                        f.project.code,
                        wan(due),
                        match balance.fen() {
                            1.. => format!("专项收入专户余额仅{}", wan(balance)),
                            0 => "专项收入专户无余额".to_string(),
                            _ => format!("专项收入专户已透支{}", wan(-balance)),
                        },
                        wan(due - balance)
                    ),
                )
                .measured(wan(due - balance), "0万元")
                .evidence(json!({"due": due, "dedicated_balance": balance, "within_days": days})),
            ];
        }
    }
    Vec::new()
}

/// S4: the next interest or principal payment falls due within 60 days (blue) or 30
/// (yellow); a line due on the as-of date is still to come (S8 takes the overdue ones).
pub fn s4(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let lines: Vec<_> = unpaid_lines(f, as_of).into_iter().filter(|(_, l, _)| l.line.due >= as_of).collect();
    let Some((_, next, _)) = lines.first().copied() else {
        return Vec::new();
    };
    let days = days_between(as_of, next.line.due);
    let severity = if days <= c.days("S4", "yellow_days") {
        Severity::Yellow
    } else if days <= c.days("S4", "blue_days") {
        Severity::Blue
    } else {
        return Vec::new();
    };
    let due: Money = lines.iter().filter(|(_, l, _)| l.line.due == next.line.due).map(|(_, _, unpaid)| *unpaid).sum();
    vec![Finding::new("S4", severity, f.subject(), format!("项目{}将于{}({days}天后)还本付息{},请做好资金准备。", f.project.code, next.line.due, wan(due)))
        .measured(format!("{days}天"), format!(">{}天", c.days("S4", "blue_days")))
        .evidence(json!({"due_date": next.line.due, "amount": due, "principal": next.line.principal, "interest": next.line.interest}))]
}

/// S8: debt service overdue (逾期): per bond, the project's lines due before the as-of
/// date (less the remittance lead: money goes up to the province `lead_days` before the
/// due date) not fully paid by it. Red, with the amount and the days since the oldest
/// unpaid line fell due, the lines in evidence; cleared by the payment.
pub fn s8(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let lead = chrono::Duration::days(c.days("S8", "lead_days"));
    let mut by_bond: std::collections::BTreeMap<i64, Vec<(debt::ServiceLine, Money)>> = Default::default();
    for (bond, line, unpaid) in unpaid_lines(f, as_of) {
        if line.line.due - lead < as_of {
            by_bond.entry(bond).or_default().push((line, unpaid));
        }
    }
    by_bond
        .into_iter()
        .map(|(bond, lines)| {
            let amount: Money = lines.iter().map(|(_, unpaid)| *unpaid).sum();
            let oldest = lines[0].0.line.due - lead;
            let days = days_between(oldest, as_of);
            let code = f.books.iter().find(|b| b.bond.id == bond).map(|b| b.bond.code.clone()).unwrap_or_default();
            let evidence: Vec<_> = lines
                .iter()
                .map(|(l, unpaid)| json!({"due": l.line.due, "principal": l.line.principal, "interest": l.line.interest, "unpaid": unpaid}))
                .collect();
            Finding::new(
                "S8",
                Severity::Red,
                f.bond_subject(bond),
                format!(
                    "项目{}债券{code}应于{}偿还的本息尚有{}未支付,已逾期{days}天,请立即筹措资金偿还并说明原因。",
                    f.project.code,
                    lines[0].0.line.due,
                    wan(amount)
                ),
            )
            .measured(format!("{},逾期{days}天", wan(amount)), "0万元")
            .evidence(json!({"overdue": amount, "days_overdue": days, "lines": evidence}))
        })
        .collect()
}

/// S5: revenue collected but not transferred to the dedicated account 30 days after
/// its collection.
pub fn s5(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let days = c.days("S5", "days");
    let reversed: Vec<i64> = f.revenue.iter().filter_map(|r| r.reversal_of).collect();
    let late: Vec<_> = f
        .revenue
        .iter()
        .filter(|r| r.reversal_of.is_none() && !reversed.contains(&r.id) && r.collected > r.transferred)
        .filter(|r| r.collected_on.is_some_and(|d| days_between(d, as_of) > days))
        .collect();
    if late.is_empty() {
        return Vec::new();
    }
    let gap: Money = late.iter().map(|r| r.collected - r.transferred).sum();
    vec![Finding::new("S5", Severity::Yellow, f.subject(), format!("项目{}已收取的专项收入{}超过{days}天未缴入专户,请及时缴入偿债专户。", f.project.code, wan(gap)))
        .measured(wan(gap), "0万元")
        .evidence(json!({"records": late.iter().map(|r| json!({"id": r.id, "period": r.period, "collected": r.collected, "transferred": r.transferred})).collect::<Vec<_>>()}))]
}

/// S6: over the past 3 years, principal repaid with refinancing proceeds ÷ principal
/// due above 50%.
pub fn s6(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let years = c.days("S6", "years").max(1) as u32;
    // Clamped: three years before 29 February 2028 is 28 February 2025.
    let since = sub_months(as_of, years * 12);
    let lines: Vec<_> = debt::project_lines(&f.books, f.project.id)
        .into_iter()
        .filter(|l| l.line.due > since && l.line.due <= as_of)
        .collect();
    let due: Money = lines.iter().map(|l| l.line.principal).sum();
    let refinanced: Money = lines.iter().map(|l| l.refinanced).sum();
    if due.fen() <= 0 {
        return Vec::new();
    }
    let share = refinanced.to_decimal() / due.to_decimal();
    if share <= c.t("S6", "yellow_share_above") {
        return Vec::new();
    }
    vec![
        Finding::new(
            "S6",
            Severity::Yellow,
            f.subject(),
            format!("项目{}近{years}年到期本金的{}依靠再融资债券偿还,自身偿债能力不足。", f.project.code, pct(share)),
        )
        .measured(pct(share), format!("≤{}", pct(c.t("S6", "yellow_share_above"))))
        .evidence(json!({"principal_due": due, "refinanced": refinanced})),
    ]
}

/// S7: a satisfaction indicator below target.
pub fn s7(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    f.indicators
        .iter()
        .filter(|i| i.indicator.level1 == "满意度指标" || i.indicator.level2.contains("满意度"))
        .filter_map(|i| {
            let attained = latest_attainment(i, as_of)?;
            if attained >= Decimal::ONE {
                return None;
            }
            let actual = i.latest_on(as_of).map(|a| a.value.clone()).unwrap_or_default();
            Some(
                Finding::new(
                    "S7",
                    Severity::Yellow,
                    f.indicator_subject(i.indicator.id),
                    format!(
                        "项目{}满意度指标“{}”为{actual},未达到目标{}。",
                        f.project.code, i.indicator.name, i.indicator.target_text
                    ),
                )
                .measured(actual, i.indicator.target_text.clone())
                .evidence(json!({"attainment": attained.round_dp(4).to_string()})),
            )
        })
        .collect()
}
