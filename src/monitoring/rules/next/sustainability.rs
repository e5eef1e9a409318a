//! When time could next change a sustainability rule's result (S1–S8).

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use super::{earliest, first_day, tomorrow};
use crate::db::values::add_months;
use crate::debt::{self, coverage};
use crate::ledger::entities::debt_service_payment;
use crate::ledger::projects::ProjectStatus;
use crate::monitoring::facts::ProjectFacts;
use crate::monitoring::{RuleConfig, Severity};

/// S1: a status change or revenue collected; while it applies, the day the realisation rate crosses a threshold.
pub fn s1(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    if !repaying(f, as_of) {
        // Nothing is found before the status changes, whatever the revenue.
        return earliest(as_of, status_turns(f));
    }
    let expected_any =
        f.forecast.iter().any(|y| y.year < as_of.year() || (y.year == as_of.year() && as_of.month0() > 0));
    if !expected_any {
        // Nothing is found before revenue is first expected: 1 February of a forecast year.
        return earliest(as_of, f.forecast.iter().filter_map(|y| NaiveDate::from_ymd_opt(y.year, 2, 1)));
    }
    let collected_on = f.revenue.iter().filter(|r| r.source != debt::BUDGET_SUPPORT).filter_map(|r| r.collected_on);
    let bound = earliest(as_of, status_turns(f).chain(collected_on));
    let collected = debt::repayment_position(&f.books, f.project.id, &f.revenue, as_of).collected;
    let (red, yellow) = (c.t("S1", "red_below"), c.t("S1", "yellow_below"));
    // The revenue forecast to date grows day by day, so the rate sinks between the facts' dates.
    drift(f, as_of, bound, |on| {
        below(coverage::realisation_rate(collected, &f.forecast, on), red, Severity::Yellow, yellow)
    })
}

/// S2: a status change, revenue, a payment; while it applies, the day the rolling coverage crosses a threshold.
pub fn s2(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    if !repaying(f, as_of) {
        return earliest(as_of, status_turns(f));
    }
    // Without a bond there is no coverage, ever.
    let window = coverage::Window::of(f.books.iter().map(|b| (b.bond.value_date, b.bond.maturity_date)))?;
    let revenue = f
        .revenue
        .iter()
        .flat_map(|r| [r.collected_on.filter(|_| r.source != debt::BUDGET_SUPPORT), r.transferred_on])
        .flatten();
    let bound = earliest(as_of, status_turns(f).chain(revenue).chain(payments(f).map(|p| p.paid_on)));
    let position = debt::repayment_position(&f.books, f.project.id, &f.revenue, as_of);
    let (red, orange) = (c.t("S2", "red_below"), c.t("S2", "orange_below"));
    // Between the facts' dates the realisation rate sinks daily and each 1 January takes a
    // forecast year out of those still ahead, as `debt::project_rolling_coverage` reads them.
    drift(f, as_of, bound, |on| {
        let realisation = coverage::realisation_rate(position.collected, &f.forecast, on);
        let rolling = coverage::rolling_coverage(
            position.dedicated_balance,
            &f.forecast,
            window.last_year,
            realisation,
            position.unpaid,
            on,
        );
        rolling.and_then(|r| below(r, red, Severity::Orange, orange))
    })
}

/// S3: an unpaid line entering the red or yellow window or falling due, a payment, a transfer to the account.
pub fn s3(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let (red, yellow) = (c.days("S3", "red_days"), c.days("S3", "yellow_days"));
    // A line counts from `due − days` to its due date; once paid, never again.
    let windows = unpaid(f, as_of).into_iter().flat_map(|l| {
        let due = l.line.due;
        [shift(due, red.saturating_neg()), shift(due, yellow.saturating_neg()), shift(due, 1)]
    });
    let transfers = f.revenue.iter().filter_map(|r| r.transferred_on);
    earliest(as_of, windows.flatten().chain(transfers).chain(payments(f).map(|p| p.paid_on)))
}

/// S4: the next unpaid line coming within the blue or yellow days, falling due, or paid.
pub fn s4(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    // Nothing left to fall due stays so: payments only take lines away.
    let next = unpaid(f, as_of).into_iter().find(|l| l.line.due >= as_of)?;
    let due = next.line.due;
    let (yellow, blue) = (c.days("S4", "yellow_days"), c.days("S4", "blue_days"));
    // Once its due date has passed, or every line due that day is paid, the next line is a later one.
    let windows = [shift(due, blue.saturating_neg()), shift(due, yellow.saturating_neg()), shift(due, 1)];
    let paid = payments(f).filter(|p| p.due_date == due).map(|p| p.paid_on);
    earliest(as_of, windows.into_iter().flatten().chain(paid))
}

/// S5: the day a record collected but not wholly transferred turns more than `days` old; never once one is.
pub fn s5(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let days = c.days("S5", "days");
    let reversed: Vec<i64> = f.revenue.iter().filter_map(|r| r.reversal_of).collect();
    let late_from: Vec<NaiveDate> = f
        .revenue
        .iter()
        .filter(|r| r.reversal_of.is_none() && !reversed.contains(&r.id) && r.collected > r.transferred)
        .filter_map(|r| r.collected_on)
        // Late once `as_of − collected_on > days`: from `collected_on + days + 1`.
        .filter_map(|on| shift(on, days.saturating_add(1)))
        .collect();
    // The amounts transferred are not dated, so a late record stays late.
    if late_from.iter().any(|on| *on <= as_of) {
        return None;
    }
    earliest(as_of, late_from)
}

/// S6: a line with principal falling due, entering the years looked back on, or leaving them `years` later.
pub fn s6(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let months = (c.days("S6", "years").max(1) as u32).saturating_mul(12);
    // Interest-only lines add nothing to either sum, so their coming and going changes nothing.
    let lines = debt::project_lines(&f.books, f.project.id)
        .into_iter()
        .filter(|l| l.line.principal.fen() != 0 || l.refinanced.fen() != 0);
    // Out once `as_of − years` reaches the due date: never before `due + years`, later
    // only when that date was clamped to a month's end (29 February).
    earliest(as_of, lines.flat_map(|l| [l.line.due, add_months(l.line.due, months)]))
}

/// S7: a later actual of a satisfaction indicator taking effect on the first day of its period.
pub fn s7(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let watched = f.indicators.iter().filter(|i| {
        i.target.is_some() && (i.indicator.level1 == "满意度指标" || i.indicator.level2.contains("满意度"))
    });
    earliest(as_of, watched.filter_map(|i| i.next_latest_after(as_of)))
}

/// S8: an unpaid line turning overdue on a bond not yet found, a payment against an overdue line.
pub fn s8(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let lead = c.days("S8", "lead_days");
    // Overdue once `due − lead < as_of`: from the day after `due − lead`.
    let lines: Vec<(debt::ServiceLine, Option<NaiveDate>)> =
        unpaid(f, as_of).into_iter().map(|l| (l, shift(l.line.due, 1i64.saturating_sub(lead)))).collect();
    let late: Vec<debt::ServiceLine> =
        lines.iter().filter(|(_, from)| from.is_some_and(|on| on <= as_of)).map(|(l, _)| *l).collect();
    // A bond found stays found until all its overdue lines are paid; its other lines change nothing.
    let turning =
        lines.iter().filter(|(l, _)| !late.iter().any(|o| o.bond_id == l.bond_id)).filter_map(|(_, from)| *from);
    let paid = payments(f)
        .filter(|p| late.iter().any(|l| l.bond_id == p.bond_id && l.line.due == p.due_date))
        .map(|p| p.paid_on);
    earliest(as_of, turning.chain(paid))
}

/// Whether S1 and S2 apply on `on`: the project is operating or repaid.
fn repaying(f: &ProjectFacts, on: NaiveDate) -> bool {
    matches!(f.stage_status_on(on), ProjectStatus::Operating | ProjectStatus::Repaid)
}

/// The days a status change takes effect (a registration row holds from the start).
fn status_turns(f: &ProjectFacts) -> impl Iterator<Item = NaiveDate> + '_ {
    f.status_changes.iter().filter(|s| s.from_status.is_some()).map(|s| s.effective_on)
}

/// The project's debt-service payments, each counting from its date.
fn payments(f: &ProjectFacts) -> impl Iterator<Item = &debt_service_payment::Model> + '_ {
    let project = f.project.id;
    f.books.iter().flat_map(|b| b.payments.iter()).filter(move |p| p.project_id == Some(project))
}

/// The project's lines with something unpaid on `as_of`, by due date (what the rules read).
fn unpaid(f: &ProjectFacts, as_of: NaiveDate) -> Vec<debt::ServiceLine> {
    debt::project_lines_paid(&f.books, f.project.id, as_of)
        .into_iter()
        .filter(|(l, paid)| (l.line.total() - *paid).fen() > 0)
        .map(|(l, _)| l)
        .collect()
}

/// `date` moved by `days`, back when negative.
fn shift(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    let n = Days::new(days.unsigned_abs());
    if days < 0 { date.checked_sub_days(n) } else { date.checked_add_days(n) }
}

/// Red below `red`, `lower` below `under`, else nothing: how S1 and S2 grade their ratio.
fn below(ratio: Decimal, red: Decimal, lower: Severity, under: Decimal) -> Option<Severity> {
    if ratio < red {
        Some(Severity::Red)
    } else if ratio < under {
        Some(lower)
    } else {
        None
    }
}

/// The earlier of `bound` (the facts' next date) and the first day before it on which `value`,
/// with the facts as they are on `as_of`, differs from its value then. It drifts only with the
/// forecast: not after 31 December of the last forecast year, when the forecast to date is whole.
fn drift<T: PartialEq>(
    f: &ProjectFacts,
    as_of: NaiveDate,
    bound: Option<NaiveDate>,
    value: impl Fn(NaiveDate) -> T,
) -> Option<NaiveDate> {
    if f.forecast.iter().any(|y| y.revenue.is_negative()) {
        // A negative year (refused on entry) can bring the forecast to date back within a year,
        // and the rate back to a value it left: no bisection then.
        return tomorrow(as_of);
    }
    let end = f.forecast.iter().map(|y| y.year).max().and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31));
    let last = end.map(|e| bound.and_then(|b| b.pred_opt()).map_or(e, |b| b.min(e)));
    earliest(as_of, bound.into_iter().chain(last.and_then(|l| first_change(as_of, l, value))))
}

/// The first day after `as_of`, up to `last`, on which `value` differs from its value on
/// `as_of`, given that within a calendar year it never comes back to a value it has left
/// (the forecast to date only grows within a year): each year is bisected when its ends differ.
fn first_change<T: PartialEq>(as_of: NaiveDate, last: NaiveDate, value: impl Fn(NaiveDate) -> T) -> Option<NaiveDate> {
    let now = value(as_of);
    let differs = |on: NaiveDate| value(on) != now;
    let mut from = as_of.succ_opt()?;
    while from <= last {
        let to = NaiveDate::from_ymd_opt(from.year(), 12, 31)?.min(last);
        // Checked first: 1 January may jump (a forecast year leaves those ahead).
        if differs(from) {
            return Some(from);
        }
        if differs(to) {
            return Some(first_day(from, to, differs));
        }
        from = to.succ_opt()?;
    }
    None
}
