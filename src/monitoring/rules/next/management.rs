//! When time could next change a management rule's result (M1–M12, M7 is a bond's).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{after, earliest, first_day, tomorrow};
use crate::codes::TargetScope;
use crate::db::Money;
use crate::db::values::Month;
use crate::figures;
use crate::ledger::entities::disbursement;
use crate::monitoring::facts::{IndicatorFacts, ProjectFacts, period_start};
use crate::monitoring::rules::{is_measurable, latest_attainment};
use crate::monitoring::{RuleConfig, Severity};

/// The days the ledger's entries take effect: the money positions (`ProjectFacts::positions`, and the totals and
/// standing payments with them) change on these days only.
fn ledger_dates(f: &ProjectFacts) -> impl Iterator<Item = NaiveDate> + '_ {
    let increments = f.increments.iter().map(|(_, on, _)| *on);
    let receipts = f.receipts.iter().map(|(_, r)| r.received_on);
    let adjustments = f.adjustments.iter().map(|a| a.approved_on);
    increments.chain(receipts).chain(adjustments).chain(f.disbursements.iter().map(|d| d.paid_on))
}

/// The days money held since `since` becomes older than each threshold: the rules read `age > days`.
fn turning_older(since: NaiveDate, c: &RuleConfig, rule: &'static str, keys: &[&'static str]) -> Vec<NaiveDate> {
    keys.iter().copied().filter_map(|key| after(since, c.days(rule, key).saturating_add(1))).collect()
}

/// The first day in `(from, to]` on which `at` differs from `state`, for an `at` monotone from the day after
/// `from` to `to`: the days still reading `state` are then a run from the first, so halving finds its end.
fn first_change_within<T: PartialEq>(
    from: NaiveDate,
    to: NaiveDate,
    state: &T,
    at: impl Fn(NaiveDate) -> T,
) -> Option<NaiveDate> {
    let first = tomorrow(from).filter(|d| *d <= to)?;
    if at(first) != *state {
        return Some(first);
    }
    if at(to) == *state {
        return None;
    }
    Some(first_day(first, to, |d| at(d) != *state))
}

/// The first day after `as_of` on which `level` of 计划支出进度 differs from its level on `as_of`. Between two
/// of the plan's points (the first receipt, each plan month's end, the planned completion) the plan follows one
/// line, so a monotone `level` of it moves at most once there (a step on the day after a point aside, which is
/// looked at first); after the last point it stays at its last value.
fn plan_crossing<T: PartialEq>(f: &ProjectFacts, as_of: NaiveDate, level: impl Fn(Decimal) -> T) -> Option<NaiveDate> {
    let at = |on: NaiveDate| figures::planned_spend_percent(f, on).map(&level);
    let state = at(as_of);
    let months = f.plan.iter().map(|(m, _)| figures::month_end(*m));
    let mut points: Vec<NaiveDate> =
        months.chain(f.first_receipt()).chain(f.project.planned_completion).filter(|d| *d > as_of).collect();
    points.sort_unstable();
    points.dedup();
    let mut from = as_of;
    for to in points {
        if let Some(day) = first_change_within(from, to, &state, at) {
            return Some(day);
        }
        from = to;
    }
    tomorrow(from).filter(|d| at(*d) != state)
}

/// M3's reading of a gap behind the plan, in points, as the rule reads it.
fn m3_behind(gap: Decimal, c: &RuleConfig) -> Option<Severity> {
    if gap > c.t("M3", "red_points") {
        Some(Severity::Red)
    } else if gap > c.t("M3", "yellow_points") {
        Some(Severity::Yellow)
    } else {
        None
    }
}

/// M10's reading of an attainment on a day of its year: attainment ÷ the share of the year elapsed, as the rule
/// computes it.
fn m10_level(attained: Decimal, on: NaiveDate, c: &RuleConfig) -> Option<Severity> {
    let days_in_year = if NaiveDate::from_ymd_opt(on.year(), 2, 29).is_some() { 366 } else { 365 };
    let elapsed = Decimal::from(on.ordinal()) / Decimal::from(days_in_year);
    let ratio = attained / elapsed;
    if ratio < c.t("M10", "red_ratio") {
        Some(Severity::Red)
    } else if ratio < c.t("M10", "yellow_ratio") {
        Some(Severity::Yellow)
    } else {
        None
    }
}

/// M1: a ledger entry, or the day the oldest money in a bond's treasury becomes older than a threshold.
pub fn m1(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let positions = f.positions(as_of);
    let ages = positions
        .bonds
        .values()
        .filter_map(|p| p.treasury.first())
        .flat_map(|lot| turning_older(lot.since, c, "M1", &["orange_days", "yellow_days"]));
    earliest(as_of, ledger_dates(f).chain(ages))
}

/// M2: a ledger entry, or the day the oldest money held at the unit (per bond, or bond-less) passes a threshold.
pub fn m2(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let positions = f.positions(as_of);
    let unmatched: Money = positions.unmatched_unit.iter().map(|l| l.amount).sum();
    let pools = positions
        .bonds
        .values()
        .map(|p| (p.held_at_unit(), p.unit.first()))
        .chain(std::iter::once((unmatched, positions.unmatched_unit.first())));
    let ages = pools
        .filter(|(held, _)| held.fen() > 0)
        .filter_map(|(_, oldest)| oldest)
        .flat_map(|lot| turning_older(lot.since, c, "M2", &["red_days", "orange_days", "yellow_days"]));
    earliest(as_of, ledger_dates(f).chain(ages))
}

/// M3: a ledger entry, the completion, the gap behind the plan crossing a threshold, 31 December and the day after.
pub fn m3(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let done = f.project.actual_completion;
    // Completed, or with no plan to read: nothing, on this day and every later one.
    if done.is_some_and(|d| d <= as_of) || figures::planned_spend_percent(f, as_of).is_none() {
        return None;
    }
    let totals = f.totals(as_of);
    let funding = totals.bond_funding;
    let mut dates: Vec<NaiveDate> = ledger_dates(f).chain(done).collect();
    if funding.fen() > 0 && totals.received.fen() > 0 {
        // What was paid stays put until the next ledger entry, while the plan moves by the day.
        let actual = totals.paid.to_decimal() * Decimal::ONE_HUNDRED / funding.to_decimal();
        dates.extend(plan_crossing(f, as_of, |planned| m3_behind(planned - actual, c)));
        // The year-end reading holds on 31 December alone: that day, and the next one leaves it.
        dates.extend(NaiveDate::from_ymd_opt(as_of.year(), 12, 31));
        dates.extend(NaiveDate::from_ymd_opt(as_of.year() + 1, 1, 1));
    }
    earliest(as_of, dates)
}

/// M4: a ledger entry, or the first day of a later month's progress report (形象进度 reads up to the as-of month).
pub fn m4(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let month = Month::of(as_of);
    let (current, next) = (month.to_string(), month.next().first_day());
    // A period that does not read as a month still comes in at a month's turn: the next one, to be safe.
    let reports = f
        .progress
        .iter()
        .filter(|r| r.period > current)
        .map(|r| Month::parse("period", &r.period).map_or(next, Month::first_day));
    earliest(as_of, ledger_dates(f).chain(reports))
}

/// M5: the day a payment of a forbidden class is made, or a payment is reversed.
pub fn m5(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let forbidden = |d: &disbursement::Model| c.forbidden_classes.iter().any(|k| d.economic_class.contains(k.as_str()));
    earliest(as_of, f.disbursements.iter().filter(|d| d.reversal_of.is_some() || forbidden(d)).map(|d| d.paid_on))
}

/// M6: the day a payment on a bond not arranged for the project by its date is made, or a payment is reversed.
pub fn m6(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    // Whether the bond was arranged is read at the payment's date: only its coming in (or its reversal) counts.
    let unarranged = |d: &disbursement::Model| {
        d.bond_id.is_some_and(|bond| {
            !f.increments.iter().any(|(b, on, _)| *b == bond && *on <= d.paid_on)
                && !f
                    .adjustments
                    .iter()
                    .any(|a| a.bond_id == bond && a.to_project_id == f.project.id && a.approved_on <= d.paid_on)
        })
    };
    earliest(as_of, f.disbursements.iter().filter(|d| d.reversal_of.is_some() || unarranged(d)).map(|d| d.paid_on))
}

/// M8: the approval of a use adjustment bringing money to the project (the term match reads no date).
pub fn m8(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    earliest(as_of, f.adjustments.iter().filter(|a| a.to_project_id == f.project.id).map(|a| a.approved_on))
}

/// M9: the day after the next month's report falls due, and the day a missing recent report becomes orange-late.
pub fn m9(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let start = f.project.actual_start?;
    let due_day = c.days("M9", "due_day").clamp(1, 28) as u32;
    let due = |m: Month| m.next().first_day().with_day(due_day).unwrap_or(m.next().first_day());
    let end = f.project.actual_completion.filter(|d| *d <= as_of).map(Month::of);
    let lookback = c.days("M9", "lookback_months").max(1) as usize;
    // The months looked at, as the rule finds them: from the start of the works (none before it begins) to their
    // completion, each due before the as-of date.
    let mut months = Vec::new();
    let mut m = Month::of(start);
    while m < Month::of(as_of) && end.is_none_or(|e| m <= e) && due(m) < as_of {
        months.push(m);
        m = m.next();
    }
    // A completion coming later never takes a month away: those looked at are before the as-of month.
    let joins = if end.is_none_or(|e| m <= e) { after(due(m), 1) } else { None };
    let orange = c.days("M9", "orange_days_late").saturating_add(1);
    // A report submitted, however late, stays as late as it was; only a missing one grows later by the day.
    let missing = months[months.len().saturating_sub(lookback)..]
        .iter()
        .filter(|month| !f.progress.iter().any(|r| r.period == month.to_string()))
        .filter_map(|month| after(due(*month), orange));
    earliest(as_of, joins.into_iter().chain(missing))
}

/// M10: 1 January, the first day of an actual's period, and the day the share of the year elapsed passes a ratio.
pub fn m10(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let watched: Vec<&IndicatorFacts> = f
        .indicators
        .iter()
        .filter(|i| {
            i.scope == TargetScope::Annual.as_str()
                && is_measurable(i)
                && !i.target.as_ref().is_some_and(|t| t.negative())
        })
        .collect();
    let new_year = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1);
    let years = watched.iter().filter_map(|i| i.year).flat_map(|y| [new_year(y), y.checked_add(1).and_then(new_year)]);
    let periods = watched.iter().flat_map(|i| i.actuals.iter().filter_map(|a| period_start(&a.period)));
    // Until an actual's period begins the attainment stays put, and within the year the share elapsed only grows.
    let crossings = watched.iter().filter(|i| i.year == Some(as_of.year())).filter_map(|i| {
        i.latest_on(as_of).filter(|a| a.period.starts_with(&as_of.year().to_string()))?;
        let attained = latest_attainment(i, as_of)?;
        // 31 December of a date's year always exists (`NaiveDate::MAX` is one).
        let year_end = NaiveDate::from_ymd_opt(as_of.year(), 12, 31)?;
        first_change_within(as_of, year_end, &m10_level(attained, as_of, c), |on| m10_level(attained, on, c))
    });
    earliest(as_of, years.flatten().chain(periods).chain(crossings))
}

/// M11: a ledger entry, a status change taking effect, the completion, and the day it is more than `days` past.
pub fn m11(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let done = f.project.actual_completion;
    let aged = done.and_then(|d| after(d, c.days("M11", "days").saturating_add(1)));
    let statuses = f.status_changes.iter().map(|s| s.effective_on);
    earliest(as_of, ledger_dates(f).chain(statuses).chain(done).chain(aged))
}

/// M12: a ledger entry (the shortfalls still open, and which bonds fund the project, change with them alone).
pub fn m12(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    earliest(as_of, ledger_dates(f))
}
