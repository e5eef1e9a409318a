//! The figures of domain.md §4a: one definition each, with its Chinese name, its
//! unit and its rounding. The API, the pages, the reports, the exports, the digests
//! and the alert texts show a figure through this module, so one label never shows
//! two numbers. Every function here is pure: facts and an as-of date in, figures out.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::db::Money;
use crate::db::values::{Month, add_months, stored_decimal};
use crate::debt::{self, coverage};
use crate::facts::ProjectFacts;
use crate::ledger::projects::{ProjectStatus, Stage};

/// How a figure is measured, and so how it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Yuan in the API, 万元 with two decimals in Chinese pages and reports.
    Money,
    /// A percent, shown with two decimals.
    Percent,
    /// A ratio, shown with four decimals.
    Ratio,
}

/// One figure: its name in the API, its Chinese name and its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figure {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: Unit,
}

macro_rules! figures {
    ($($name:ident = $id:literal, $label:literal, $unit:ident;)*) => {
        $(pub const $name: Figure = Figure { id: $id, label: $label, unit: Unit::$unit };)*
        /// Every figure, in the order of domain.md §4a.
        pub const ALL: &[Figure] = &[$($name),*];
    };
}

figures! {
    BOND_FUNDING = "bondFunding", "债券资金", Money;
    RECEIVED = "received", "到账", Money;
    TRANSFERRED = "transferred", "拨付", Money;
    PAID = "paid", "支出", Money;
    HELD_IN_TREASURY = "heldInTreasury", "国库未拨付", Money;
    HELD_AT_UNIT = "heldAtUnit", "单位未支出", Money;
    FUNDING_IN_PLACE = "fundingInPlacePercent", "资金到位率", Percent;
    SPEND_RATE = "spendRatePercent", "支出率", Percent;
    SPEND_PROGRESS = "spendProgressPercent", "资金支出进度", Percent;
    PLANNED_SPEND = "plannedSpendPercent", "计划支出进度", Percent;
    PHYSICAL_PROGRESS = "physicalProgressPercent", "形象进度", Percent;
    COVERAGE = "coverageRatio", "本息覆盖倍数", Ratio;
    ROLLING_COVERAGE = "rollingCoverageRatio", "滚动覆盖倍数", Ratio;
    REALISATION = "realisationRatePercent", "收益实现率", Percent;
    DEDICATED_BALANCE = "dedicatedBalance", "专户余额", Money;
    OUTSTANDING_PRINCIPAL = "outstandingPrincipal", "未偿本金", Money;
    OVERDUE_DEBT_SERVICE = "overdueDebtService", "逾期未付本息", Money;
    NEXT_12_MONTHS = "debtServiceNext12Months", "未来12个月应付本息", Money;
}

/// The figures a project page shows, in this order.
pub const PROJECT_PAGE: &[Figure] = &[
    BOND_FUNDING,
    RECEIVED,
    TRANSFERRED,
    PAID,
    SPEND_RATE,
    SPEND_PROGRESS,
    PLANNED_SPEND,
    COVERAGE,
    ROLLING_COVERAGE,
    OVERDUE_DEBT_SERVICE,
];

/// Rounded half up (四舍五入) to `places`, as every figure is shown (never truncated,
/// never to even).
pub fn round_half_up(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

impl Figure {
    /// The decimals this figure is shown with.
    pub fn places(self) -> u32 {
        match self.unit {
            Unit::Money | Unit::Percent => 2,
            Unit::Ratio => 4,
        }
    }

    /// A percent or ratio as the API gives it: rounded half up, with its decimals.
    pub fn decimal(self, value: Decimal) -> String {
        fixed(value, self.places())
    }

    /// The value as a Chinese page or report shows it, with its unit: 1,234.57万元,
    /// 73.33%, 1.3677.
    pub fn show(self, value: Decimal) -> String {
        match self.unit {
            Unit::Money => wan_text(value),
            Unit::Percent => format!("{}%", self.decimal(value)),
            Unit::Ratio => self.decimal(value),
        }
    }

    pub fn show_money(self, value: Money) -> String {
        self.show(value.to_decimal())
    }

    /// Its name as a page labels it, with (万元) for money.
    pub fn page_label(self) -> String {
        match self.unit {
            Unit::Money => format!("{}(万元)", self.label),
            _ => self.label.to_string(),
        }
    }

    /// "—" for a figure that cannot be computed (nothing received, no forecast…).
    pub fn show_or_dash(self, value: Option<Decimal>) -> String {
        value.map(|v| self.show(v)).unwrap_or_else(|| "—".into())
    }
}

/// Yuan as 万元 with two decimals, rounded half up, with thousands separators and the
/// unit: 12,345.68万元 (alert texts, digests, sentences).
pub fn wan_text(yuan: Decimal) -> String {
    format!("{}万元", wan_number(yuan))
}

/// The number alone, for a table whose header carries (万元): 12,345.68.
pub fn wan_number(yuan: Decimal) -> String {
    with_separators(&fixed(yuan / Decimal::from(10_000), 2))
}

/// A decimal with `places` decimals, rounded half up: what every shown number uses.
pub fn fixed(value: Decimal, places: u32) -> String {
    format!("{:.*}", places as usize, round_half_up(value, places))
}

fn with_separators(number: &str) -> String {
    let (sign, digits) = number.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", number));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if fraction.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{fraction}") }
}

/// A project's figures as of a date (domain.md §4a). Ratios are kept unrounded:
/// rules compare them with thresholds as they are; showing rounds them.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectFigures {
    pub as_of: NaiveDate,
    pub status: ProjectStatus,
    pub stage: Stage,
    pub bond_funding: Money,
    pub received: Money,
    pub transferred: Money,
    pub paid: Money,
    pub held_in_treasury: Money,
    pub held_at_unit: Money,
    pub funding_in_place_percent: Option<Decimal>,
    pub spend_rate_percent: Option<Decimal>,
    pub spend_progress_percent: Option<Decimal>,
    pub planned_spend_percent: Option<Decimal>,
    pub physical_progress_percent: Option<Decimal>,
    pub coverage_ratio: Option<Decimal>,
    pub rolling_coverage_ratio: Option<Decimal>,
    pub realisation_rate_percent: Option<Decimal>,
    pub dedicated_balance: Money,
    pub outstanding_principal: Money,
    pub overdue_debt_service: Money,
    pub debt_service_next_12_months: Money,
}

fn percent(part: Money, whole: Money) -> Option<Decimal> {
    (whole.fen() > 0).then(|| part.to_decimal() * Decimal::ONE_HUNDRED / whole.to_decimal())
}

/// Every figure of one project as of `as_of`.
pub fn project_figures(f: &ProjectFacts, as_of: NaiveDate) -> ProjectFigures {
    let totals = f.totals(as_of);
    let status = f.status_on(as_of);
    let principal_soon = principal_due_within_12_months(f, as_of);
    let repayment = debt::repayment_position(&f.books, f.project.id, &f.revenue, as_of);
    let lines = debt::project_lines_paid(&f.books, f.project.id, as_of);
    let horizon = add_months(as_of, 12);
    ProjectFigures {
        as_of,
        status,
        stage: f.stage_on(as_of, principal_soon),
        bond_funding: totals.bond_funding,
        received: totals.received,
        transferred: totals.transferred,
        paid: totals.paid,
        held_in_treasury: totals.held_in_treasury(),
        held_at_unit: totals.held_at_unit(),
        funding_in_place_percent: percent(totals.received, f.project.planned_bond_funding),
        spend_rate_percent: totals.spend_rate_percent(),
        spend_progress_percent: percent(totals.paid, totals.bond_funding),
        planned_spend_percent: planned_spend_percent(f, as_of),
        physical_progress_percent: physical_progress_percent(f, as_of),
        coverage_ratio: debt::project_coverage(&f.books, f.project.id, &f.forecast),
        rolling_coverage_ratio: debt::project_rolling_coverage(&f.books, f.project.id, &f.forecast, &f.revenue, as_of),
        realisation_rate_percent: (!f.forecast.is_empty())
            .then(|| coverage::realisation_rate(repayment.collected, &f.forecast, as_of) * Decimal::ONE_HUNDRED),
        dedicated_balance: repayment.dedicated_balance,
        // A payment pays a line's interest first, then its principal.
        outstanding_principal: lines
            .iter()
            .map(|(l, paid)| l.line.principal - (*paid - l.line.interest).clamp(Money::ZERO, l.line.principal))
            .sum(),
        overdue_debt_service: lines
            .iter()
            .filter(|(l, _)| l.line.due < as_of)
            .map(|(l, paid)| l.line.total() - *paid)
            .sum(),
        debt_service_next_12_months: lines
            .iter()
            .filter(|(l, _)| l.line.due >= as_of && l.line.due < horizon)
            .map(|(l, _)| l.line.total())
            .sum(),
    }
}

/// Whether a principal instalment of one of the project's lines falls due within 12
/// months of `as_of` (what moves an operating project into the 还 stage).
pub fn principal_due_within_12_months(f: &ProjectFacts, as_of: NaiveDate) -> bool {
    let horizon = add_months(as_of, 12);
    debt::project_lines(&f.books, f.project.id)
        .iter()
        .any(|l| !l.line.principal.is_zero() && l.line.due >= as_of && l.line.due < horizon)
}

/// 计划支出进度 (§4a): the points (first receipt, 0) and (last day of each plan month
/// after it, its cumulative percent), linear by days between consecutive points, the
/// last value after the last point, 0 before the first receipt. Without a plan, the
/// points (first receipt, 0) and (planned completion, 100). None with neither a plan
/// nor a first receipt and a planned completion.
pub fn planned_spend_percent(f: &ProjectFacts, as_of: NaiveDate) -> Option<Decimal> {
    let first = f.first_receipt();
    let mut points: Vec<(NaiveDate, Decimal)> = Vec::new();
    if f.plan.is_empty() {
        let (start, end) = (first?, f.project.planned_completion?);
        points.push((start, Decimal::ZERO));
        points.push((end.max(start), Decimal::ONE_HUNDRED));
    } else {
        let Some(start) = first else { return Some(Decimal::ZERO) };
        points.push((start, Decimal::ZERO));
        points.extend(f.plan.iter().map(|(m, p)| (month_end(*m), *p)).filter(|(end, _)| *end > start));
    }
    if as_of < points[0].0 {
        return Some(Decimal::ZERO);
    }
    for pair in points.windows(2) {
        let ((from, a), (to, b)) = (pair[0], pair[1]);
        if as_of <= to {
            let span = (to - from).num_days();
            if span <= 0 {
                return Some(b);
            }
            let done = (as_of - from).num_days();
            return Some(a + (b - a) * Decimal::from(done) / Decimal::from(span));
        }
    }
    points.last().map(|(_, p)| *p)
}

/// 形象进度 (§4a): the actual percent of the current report of the latest month up to
/// the as-of date's month.
pub fn physical_progress_percent(f: &ProjectFacts, as_of: NaiveDate) -> Option<Decimal> {
    let period = Month::of(as_of).to_string();
    crate::ledger::queries::current_reports(f.progress.iter().filter(|r| r.period <= period).cloned().collect())
        .pop()
        .map(|r| stored_decimal(&r.actual_percent))
}

/// The last day of a month.
pub fn month_end(m: Month) -> NaiveDate {
    add_months(m.first_day(), 1) - chrono::Duration::days(1)
}

#[cfg(test)]
mod tests;
