//! 管理 rules M1–M11: how the money and the works are managed.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::json;

use super::super::facts::{BondFacts, ProjectFacts};
use super::super::{Finding, NamedPayment, RuleConfig, Severity, days_between, pct, wan};
use super::{is_measurable, latest_attainment};
use crate::codes::TargetScope;
use crate::db::Money;
use crate::db::values::Month;
use crate::figures;
use crate::ledger::positions::{Overrun, Shortfall};
use crate::ledger::projects::ProjectStatus;

fn days_threshold(
    age: i64,
    c: &RuleConfig,
    rule: &'static str,
    levels: &[(&'static str, Severity)],
) -> Option<(Severity, i64)> {
    // The most severe level whose threshold the age exceeds (levels run most severe first).
    levels.iter().find(|(key, _)| age > c.days(rule, key)).map(|(key, s)| (*s, c.days(rule, key)))
}

/// M1: bond money received and not transferred (拨付), by the age of the oldest money
/// still held in the treasury (first in, first out, §4a), per bond. Refinancing bonds
/// repay principal directly and are not transferred: the positions leave them out.
pub fn m1(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    for (bond, p) in &f.positions(as_of).bonds {
        let (held, Some(oldest)) = (p.held_in_treasury(), p.treasury.first()) else { continue };
        let age = days_between(oldest.since, as_of);
        let levels = [("orange_days", Severity::Orange), ("yellow_days", Severity::Yellow)];
        if let Some((severity, limit)) = days_threshold(age, c, "M1", &levels) {
            out.push(
                Finding::new(
                    "M1",
                    severity,
                    f.bond_subject(*bond),
                    format!(
                        "项目{}有{}债券资金已到账{age}天仍未拨付,请尽快拨付至项目单位。",
                        f.project.code,
                        wan(held)
                    ),
                )
                .measured(format!("{age}天"), format!(">{limit}天"))
                .evidence(json!({"held": held, "oldest_since": oldest.since, "transferred": p.transferred})),
            );
        }
    }
    out
}

/// M2: money transferred to the project unit and not paid out, by the age of the
/// oldest transferred money not yet spent (first in, first out, §4a): per bond, and
/// for the project where transfers without a bond went past every bond's money.
pub fn m2(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let positions = f.positions(as_of);
    let pools = positions.bonds.iter().map(|(bond, p)| (Some(*bond), p.held_at_unit(), p.unit.first().copied())).chain(
        std::iter::once((
            None,
            positions.unmatched_unit.iter().map(|l| l.amount).sum(),
            positions.unmatched_unit.first().copied(),
        )),
    );
    let mut out = Vec::new();
    for (bond, held, oldest) in pools {
        let Some(oldest) = oldest.filter(|_| held.fen() > 0) else { continue };
        let age = days_between(oldest.since, as_of);
        let levels =
            [("red_days", Severity::Red), ("orange_days", Severity::Orange), ("yellow_days", Severity::Yellow)];
        if let Some((severity, limit)) = days_threshold(age, c, "M2", &levels) {
            let last_payment =
                f.standing_payments(as_of).filter(|p| bond.is_none() || p.bond_id == bond).map(|p| p.paid_on).max();
            let subject = bond.map(|b| f.bond_subject(b)).unwrap_or_else(|| f.subject());
            out.push(
                Finding::new(
                    "M2",
                    severity,
                    subject,
                    format!(
                        "项目{}已拨付的{}闲置{age}天未支出,请督促项目单位加快支付或启动用途调整。",
                        f.project.code,
                        wan(held)
                    ),
                )
                .measured(format!("{age}天"), format!(">{limit}天"))
                .evidence(json!({"held": held, "oldest_since": oldest.since, "last_payment": last_payment})),
            );
        }
    }
    out
}

/// M3 (§7): 资金支出进度 (paid ÷ bond funding) behind 计划支出进度 at the as-of date
/// (§4a) by more than 20 points (yellow) or 40 (red); on 31 December, less than 90% of
/// the year's planned spending paid (orange). Where several hold the most severe wins:
/// red at 31 December whatever the year-end reading says.
pub fn m3(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let totals = f.totals(as_of);
    let funding = totals.bond_funding;
    if funding.fen() <= 0 || totals.received.fen() <= 0 || f.project.actual_completion.is_some_and(|d| d <= as_of) {
        return Vec::new();
    }
    let Some(planned) = figures::planned_spend_percent(f, as_of) else { return Vec::new() };
    let paid = totals.paid;
    let actual = paid.to_decimal() * Decimal::ONE_HUNDRED / funding.to_decimal();
    let gap = planned - actual;
    let points = |d: Decimal| figures::SPEND_PROGRESS.decimal(d);
    let evidence = json!({"paid": paid, "bond_funding": funding, "planned_percent": points(planned), "actual_percent": points(actual)});
    let behind = if gap > c.t("M3", "red_points") {
        Some(Severity::Red)
    } else if gap > c.t("M3", "yellow_points") {
        Some(Severity::Yellow)
    } else {
        None
    };
    let year_end = as_of.month() == 12 && as_of.day() == 31;
    if year_end && behind != Some(Severity::Red) {
        let last_year_end = NaiveDate::from_ymd_opt(as_of.year() - 1, 12, 31).unwrap_or(as_of);
        let before = figures::planned_spend_percent(f, last_year_end).unwrap_or_default();
        let plan_year = (planned - before) * funding.to_decimal() / Decimal::ONE_HUNDRED;
        let paid_year = paid - f.totals(last_year_end).paid;
        let share = c.t("M3", "year_end_orange_share");
        if plan_year > Decimal::ZERO && paid_year.to_decimal() < plan_year * share {
            return vec![
                Finding::new(
                    "M3",
                    Severity::Orange,
                    f.subject(),
                    format!("项目{}本年支出{},不足年度用款计划的{}。", f.project.code, wan(paid_year), pct(share)),
                )
                .measured(wan(paid_year), format!("≥{}", pct(share)))
                .evidence(evidence),
            ];
        }
    }
    let Some(severity) = behind else { return Vec::new() };
    vec![
        Finding::new(
            "M3",
            severity,
            f.subject(),
            format!(
                "项目{}{}{}%,落后{}{}个百分点,请分析原因并加快支出。",
                f.project.code,
                figures::SPEND_PROGRESS.label,
                points(actual),
                figures::PLANNED_SPEND.label,
                points(gap)
            ),
        )
        .measured(format!("落后计划{}个百分点", points(gap)), format!("≤{}个百分点", c.t("M3", "yellow_points")))
        .evidence(evidence),
    ]
}

/// M4: 资金支出进度 minus 形象进度 (§4a): over 20 points yellow (money ahead of the
/// works), under −20 blue (works ahead of the money). The money side is what was paid
/// of the project's bond funding — the share of its money spent, which is what
/// physical progress (a share of the works) can be set against; paid ÷ received would
/// read 100% for a project whose money arrives as it is needed.
pub fn m4(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let totals = f.totals(as_of);
    let funding = totals.bond_funding;
    let progress = figures::physical_progress_percent(f, as_of);
    let (Some(progress), true) = (progress, funding.fen() > 0 && totals.received.fen() > 0) else {
        return Vec::new();
    };
    let spend = totals.paid.to_decimal() * Decimal::ONE_HUNDRED / funding.to_decimal();
    let gap = spend - progress;
    let points = |d: Decimal| figures::SPEND_PROGRESS.decimal(d);
    let evidence = json!({"spend_progress_percent": points(spend), "physical_progress_percent": points(progress)});
    let (spend_label, works_label) = (figures::SPEND_PROGRESS.label, figures::PHYSICAL_PROGRESS.label);
    if gap > c.t("M4", "yellow_points") {
        return vec![
            Finding::new(
                "M4",
                Severity::Yellow,
                f.subject(),
                format!(
                    "项目{}{spend_label}{}%高于{works_label}{}%超过{}个百分点,请核实是否超进度付款。",
                    f.project.code,
                    points(spend),
                    points(progress),
                    c.t("M4", "yellow_points")
                ),
            )
            .measured(
                format!("支出超前形象进度{}个百分点", points(gap)),
                format!("≤{}个百分点", c.t("M4", "yellow_points")),
            )
            .evidence(evidence),
        ];
    }
    if gap < -c.t("M4", "blue_points") {
        return vec![
            Finding::new(
                "M4",
                Severity::Blue,
                f.subject(),
                format!(
                    "项目{}{works_label}{}%领先{spend_label}{}%,请关注是否存在拖欠工程款。",
                    f.project.code,
                    points(progress),
                    points(spend)
                ),
            )
            .measured(
                format!("支出落后形象进度{}个百分点", points(-gap)),
                format!("≤{}个百分点", c.t("M4", "blue_points")),
            )
            .evidence(evidence),
        ];
    }
    Vec::new()
}

/// M5: payments whose economic class is on the forbidden list (94号); one alert per bond.
pub fn m5(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let mut by_bond: BTreeMap<Option<i64>, Vec<&crate::ledger::entities::disbursement::Model>> = BTreeMap::new();
    for p in
        f.standing_payments(as_of).filter(|p| c.forbidden_classes.iter().any(|k| p.economic_class.contains(k.as_str())))
    {
        by_bond.entry(p.bond_id).or_default().push(p);
    }
    by_bond
        .into_iter()
        .map(|(bond, payments)| {
            let total: Money = payments.iter().map(|p| p.amount).sum();
            let classes: Vec<&str> = payments.iter().map(|p| p.economic_class.as_str()).collect();
            let named = payments.iter().map(|p| named(p, Some(p.economic_class.clone()))).collect();
            Finding::new(
                "M5",
                Severity::Red,
                bond.map(|b| f.bond_subject(b)).unwrap_or_else(|| f.subject()),
                format!(
                    "项目{}使用债券资金支付{}共{},属于禁止性支出,请立即整改并追回。",
                    f.project.code,
                    classes.join("、"),
                    wan(total)
                ),
            )
            .measured(wan(total), "0万元")
            .naming(named)
        })
        .collect()
}

fn named(p: &crate::ledger::entities::disbursement::Model, class: Option<String>) -> NamedPayment {
    NamedPayment { id: p.id, paid_on: p.paid_on, amount: p.amount, class, voucher: p.voucher_no.clone() }
}

/// M6: payments charged to a bond with no allocation to the project made by the
/// payment's date and no use adjustment to it approved by then; one alert per bond.
pub fn m6(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let mut by_bond: BTreeMap<i64, Vec<&crate::ledger::entities::disbursement::Model>> = BTreeMap::new();
    for p in f.standing_payments(as_of) {
        let Some(bond) = p.bond_id else { continue };
        let allocated = f.increments.iter().any(|(b, on, _)| *b == bond && *on <= p.paid_on);
        let adjusted = f
            .adjustments
            .iter()
            .any(|a| a.bond_id == bond && a.to_project_id == f.project.id && a.approved_on <= p.paid_on);
        if !allocated && !adjusted {
            by_bond.entry(bond).or_default().push(p);
        }
    }
    by_bond
        .into_iter()
        .map(|(bond, payments)| {
            let total: Money = payments.iter().map(|p| p.amount).sum();
            let named = payments.iter().map(|p| named(p, None)).collect();
            Finding::new(
                "M6",
                Severity::Red,
                f.bond_subject(bond),
                format!("项目{}使用未安排给本项目的债券资金支付{},属于挪用,请立即核查。", f.project.code, wan(total)),
            )
            .measured(wan(total), "0万元")
            .naming(named)
        })
        .collect()
}

/// M7: for a bond in the as-of year, two or more use adjustments, or more than 10% of
/// its face adjusted (yellow), more than 30% (orange).
pub fn m7(b: &BondFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let in_year: Vec<_> =
        b.adjustments.iter().filter(|a| a.approved_on.year() == as_of.year() && a.approved_on <= as_of).collect();
    if in_year.is_empty() || b.bond.face_amount.fen() <= 0 {
        return Vec::new();
    }
    let total: Money = in_year.iter().map(|a| a.amount).sum();
    let share = total.to_decimal() / b.bond.face_amount.to_decimal();
    let severity = if share > c.t("M7", "orange_share") {
        Severity::Orange
    } else if share > c.t("M7", "yellow_share") || Decimal::from(in_year.len()) >= c.t("M7", "yellow_count") {
        Severity::Yellow
    } else {
        return Vec::new();
    };
    let subject = super::super::Subject { bond_id: Some(b.bond.id), ..Default::default() };
    vec![Finding::new("M7", severity, subject, format!("债券{}本年已调整用途{}次,金额{},占发行额{},请审慎审批用途调整。", b.bond.code, in_year.len(), wan(total), pct(share)))
        .measured(format!("{}次,{}", in_year.len(), pct(share)), format!("<{}次,≤{}", c.t("M7", "yellow_count"), pct(c.t("M7", "yellow_share"))))
        .evidence(json!({"adjustments": in_year.iter().map(|a| json!({"id": a.id, "amount": a.amount, "approved_on": a.approved_on})).collect::<Vec<_>>(), "face": b.bond.face_amount}))]
}

/// M8: a project that received money by a use adjustment fails the term match (D7)
/// against that bond.
pub fn m8(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let mut bonds: Vec<i64> = f
        .adjustments
        .iter()
        .filter(|a| a.to_project_id == f.project.id && a.approved_on <= as_of)
        .map(|a| a.bond_id)
        .collect();
    bonds.dedup();
    bonds
        .into_iter()
        .filter_map(|bond| {
            let book = f.books.iter().find(|b| b.bond.id == bond)?;
            let why = super::decision::term_mismatch(f, book.bond.maturity_date, c)?;
            Some(
                Finding::new(
                    "M8",
                    Severity::Yellow,
                    f.bond_subject(bond),
                    format!("调入项目{}与债券{}期限不匹配:{},请复核用途调整。", f.project.code, book.bond.code, why),
                )
                .measured(book.bond.maturity_date, "收益期内")
                .evidence(json!({"maturity": book.bond.maturity_date, "revenue_end": f.project.revenue_end})),
            )
        })
        .collect()
}

/// M9: the monthly progress report of a month not in by the due day of the next
/// month (yellow), or more than 15 days late (orange). Looks at the last few months
/// that fell due, from the start of the works to their completion; the report that
/// counts is the first one submitted for the month.
pub fn m9(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let Some(start) = f.project.actual_start.filter(|d| *d <= as_of) else { return Vec::new() };
    let due_day = c.days("M9", "due_day").clamp(1, 28) as u32;
    let end = f.project.actual_completion.filter(|d| *d <= as_of).map(Month::of);
    let lookback = c.days("M9", "lookback_months").max(1) as usize;
    let mut months = Vec::new();
    let mut m = Month::of(start);
    while m < Month::of(as_of) && end.is_none_or(|e| m <= e) {
        let due = m.next().first_day().with_day(due_day).unwrap_or(m.next().first_day());
        if due < as_of {
            months.push((m, due));
        }
        m = m.next();
    }
    let recent = &months[months.len().saturating_sub(lookback)..];
    let mut worst: Option<(Month, i64, bool)> = None;
    for (month, due) in recent {
        let period = month.to_string();
        let first = f.progress.iter().filter(|r| r.period == period).map(|r| r.submitted_on).min();
        let (late, missing) = match first {
            Some(d) if d <= *due => continue,
            Some(d) => (days_between(*due, d), false),
            None => (days_between(*due, as_of), true),
        };
        if worst.is_none_or(|(_, w, _)| late > w) {
            worst = Some((*month, late, missing));
        }
    }
    let Some((month, late, missing)) = worst else { return Vec::new() };
    let severity = if late > c.days("M9", "orange_days_late") { Severity::Orange } else { Severity::Yellow };
    let what = if missing { format!("至今未报送,已逾期{late}天") } else { format!("逾期{late}天报送") };
    vec![
        Finding::new(
            "M9",
            severity,
            f.subject(),
            format!("项目{}的{}年{}月月度监控报告{what}。", f.project.code, month.year, month.month),
        )
        .measured(format!("{late}天"), format!("每月{due_day}日前报送上月报告"))
        .evidence(json!({"month": month.to_string(), "days_late": late, "missing": missing})),
    ]
}

/// M10: a quantity or rate indicator of this year's annual targets whose attainment
/// is behind the share of the year elapsed: below 80% of it yellow, 50% red
/// (suggest pausing payments).
pub fn m10(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let days_in_year = if NaiveDate::from_ymd_opt(as_of.year(), 2, 29).is_some() { 366 } else { 365 };
    let elapsed = Decimal::from(as_of.ordinal()) / Decimal::from(days_in_year);
    f.indicators
        .iter()
        .filter(|i| i.scope == TargetScope::Annual.as_str() && i.year == Some(as_of.year()) && is_measurable(i) && !i.target.as_ref().is_some_and(|t| t.negative()))
        .filter_map(|i| {
            let latest = i.latest_on(as_of).filter(|a| a.period.starts_with(&as_of.year().to_string()))?;
            let attained = latest_attainment(i, as_of)?;
            let ratio = attained / elapsed;
            let severity = if ratio < c.t("M10", "red_ratio") {
                Severity::Red
            } else if ratio < c.t("M10", "yellow_ratio") {
                Severity::Yellow
            } else {
                return None;
            };
            let advice = if severity == Severity::Red { "建议暂缓拨付资金并督促整改" } else { "请分析原因,采取纠偏措施" };
            Some(
                Finding::new("M10", severity, f.indicator_subject(i.indicator.id), format!("项目{}指标“{}”完成{}(目标{}),进度明显滞后于时间进度{},{advice}。", f.project.code, i.indicator.name, latest.value, i.indicator.target_text, pct(elapsed)))
                    .measured(format!("时间进度的{}", pct(ratio)), format!("≥时间进度的{}", pct(c.t("M10", "yellow_ratio"))))
                    .evidence(json!({"actual": latest.value, "period": latest.period, "attainment": attained.round_dp(4).to_string(), "year_elapsed": elapsed.round_dp(4).to_string()})),
            )
        })
        .collect()
}

/// M11: a completed project with unpaid bond money for more than 90 days after
/// completion and no use adjustment since.
pub fn m11(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    if !matches!(f.stage_status_on(as_of), ProjectStatus::Operating | ProjectStatus::Repaid) {
        return Vec::new();
    }
    let Some(done) = f.project.actual_completion.filter(|d| *d <= as_of) else { return Vec::new() };
    let totals = f.totals(as_of);
    let left = totals.received - totals.paid;
    let age = days_between(done, as_of);
    let adjusted = f
        .adjustments
        .iter()
        .any(|a| a.from_project_id == f.project.id && a.approved_on >= done && a.approved_on <= as_of);
    if left.fen() <= 0 || age <= c.days("M11", "days") || adjusted {
        return Vec::new();
    }
    vec![
        Finding::new(
            "M11",
            Severity::Yellow,
            f.subject(),
            format!("项目{}已完工{age}天,仍有结余债券资金{}未处置,请按规定调整用途。", f.project.code, wan(left)),
        )
        .measured(format!("{age}天"), format!("≤{}天", c.days("M11", "days")))
        .evidence(json!({"left": left, "completed_on": done})),
    ]
}

/// M12: money moved beyond what arrived (超拨/超支): on a bond, transferred beyond what
/// it received or paid beyond what was transferred; for the project, transfers or
/// payments without a bond beyond all its bond money (§4a). Red, naming the entries
/// that went past and the part of each still uncovered; cleared once money covers it.
/// A bond that does not fund the project at all is M6's, not M12's.
pub fn m12(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    let funds = |bond: i64| {
        f.increments.iter().any(|(b, on, _)| *b == bond && *on <= as_of)
            || f.adjustments
                .iter()
                .any(|a| a.bond_id == bond && a.to_project_id == f.project.id && a.approved_on <= as_of)
    };
    let mut by_bond: BTreeMap<Option<i64>, Vec<&Overrun>> = BTreeMap::new();
    let positions = f.positions(as_of);
    for o in positions.overruns.iter().filter(|o| o.bond_id.is_none_or(funds)) {
        by_bond.entry(o.bond_id).or_default().push(o);
    }
    by_bond
        .into_iter()
        .map(|(bond, overruns)| {
            let total: Money = overruns.iter().map(|o| o.amount).sum();
            let what = if overruns.iter().any(|o| o.kind == Shortfall::Payment)
                && overruns.iter().any(|o| o.kind != Shortfall::Payment)
            {
                "拨付超过到账、支出超过拨付"
            } else if overruns.iter().all(|o| o.kind == Shortfall::Payment) {
                "支出超过拨付"
            } else {
                "拨付超过到账"
            };
            let on = bond
                .and_then(|b| f.books.iter().find(|k| k.bond.id == b))
                .map(|k| format!("债券{}", k.bond.code))
                .unwrap_or_else(|| "未列明债券的资金".to_string());
            let evidence: Vec<_> = overruns
                .iter()
                .map(|o| json!({"entry": o.entry_id, "kind": o.kind, "on": o.on, "uncovered": o.amount}))
                .collect();
            Finding::new(
                "M12",
                Severity::Red,
                bond.map(|b| f.bond_subject(b)).unwrap_or_else(|| f.subject()),
                format!("项目{}{on}{what},超出{},请核实记账或立即纠正。", f.project.code, wan(total)),
            )
            .measured(wan(total), "0万元")
            .evidence(json!({"entries": evidence}))
        })
        .collect()
}
