//! Coverage (本息覆盖倍数), rolling coverage, realisation and sensitivity
//! (domain.md §4). Pure functions of a project's facts and an as-of date.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::schedule::Line;
use crate::db::Money;

/// One year of the implementation plan's revenue forecast.
#[derive(Clone, Copy, Debug)]
pub struct ForecastYear {
    pub year: i32,
    pub revenue: Money,
    pub operating_cost: Money,
}

/// The years a project's bonds run: from the earliest value date's year to the
/// latest maturity year, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub first_year: i32,
    pub last_year: i32,
}

impl Window {
    pub fn of(bonds: impl IntoIterator<Item = (NaiveDate, NaiveDate)>) -> Option<Window> {
        bonds.into_iter().fold(None, |w, (value, maturity)| {
            Some(match w {
                None => Window { first_year: value.year(), last_year: maturity.year() },
                Some(w) => {
                    Window { first_year: w.first_year.min(value.year()), last_year: w.last_year.max(maturity.year()) }
                }
            })
        })
    }
}

/// Net revenue forecast inside the window ÷ the principal and interest of the
/// project's shares, with revenue and cost scaled by the given factors (1 for the
/// plain ratio). None when the project owes nothing or has no forecast at all.
pub fn coverage_ratio(
    lines: &[Line],
    window: Window,
    forecast: &[ForecastYear],
    revenue_factor: Decimal,
    cost_factor: Decimal,
) -> Option<Decimal> {
    let debt: Money = lines.iter().map(Line::total).sum();
    if debt.fen() <= 0 || forecast.is_empty() {
        return None;
    }
    let net: Decimal = forecast
        .iter()
        .filter(|f| (window.first_year..=window.last_year).contains(&f.year))
        .map(|f| f.revenue.to_decimal() * revenue_factor - f.operating_cost.to_decimal() * cost_factor)
        .sum();
    Some(net / debt.to_decimal())
}

/// One row of the sensitivity table: revenue or cost moved by a percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SensitivityRow {
    /// `"revenue"` or `"cost"`.
    pub moved: &'static str,
    pub shift_percent: i32,
    pub coverage: Option<Decimal>,
}

/// Coverage recomputed with revenue and cost each moved −10%, −5%, +5%, +10%.
pub fn sensitivity(lines: &[Line], window: Window, forecast: &[ForecastYear]) -> Vec<SensitivityRow> {
    let mut rows = Vec::with_capacity(8);
    for moved in ["revenue", "cost"] {
        for shift in [-10, -5, 5, 10] {
            let factor = Decimal::ONE + Decimal::new(shift, 2);
            let (rf, cf) = if moved == "revenue" { (factor, Decimal::ONE) } else { (Decimal::ONE, factor) };
            rows.push(SensitivityRow {
                moved,
                shift_percent: shift as i32,
                coverage: coverage_ratio(lines, window, forecast, rf, cf),
            });
        }
    }
    rows
}

/// Revenue collected to date (budget support excluded) ÷ forecast revenue to date,
/// counting the forecast of every earlier year in full and the current year pro rata
/// by its days elapsed; 1 while nothing was forecast yet.
pub fn realisation_rate(collected_to_date: Money, forecast: &[ForecastYear], as_of: NaiveDate) -> Decimal {
    // The current year counts by the share of its days elapsed, as of date included
    // (§4a): 31 December counts the whole year.
    let days_in_year = if NaiveDate::from_ymd_opt(as_of.year(), 2, 29).is_some() { 366 } else { 365 };
    let elapsed = Decimal::from(as_of.ordinal()) / Decimal::from(days_in_year);
    let expected: Decimal = forecast
        .iter()
        .map(|f| match f.year.cmp(&as_of.year()) {
            std::cmp::Ordering::Less => f.revenue.to_decimal(),
            std::cmp::Ordering::Equal => f.revenue.to_decimal() * elapsed,
            std::cmp::Ordering::Greater => Decimal::ZERO,
        })
        .sum();
    if expected <= Decimal::ZERO { Decimal::ONE } else { collected_to_date.to_decimal() / expected }
}

/// Rolling coverage during repayment: (dedicated balance + forecast net revenue of
/// the years after the current one, up to the last maturity year, × realisation
/// rate) ÷ debt service not yet paid. None when nothing is left to pay.
pub fn rolling_coverage(
    dedicated_balance: Money,
    forecast: &[ForecastYear],
    last_maturity_year: i32,
    realisation: Decimal,
    unpaid: Money,
    as_of: NaiveDate,
) -> Option<Decimal> {
    if unpaid.fen() <= 0 {
        return None;
    }
    let future: Decimal = forecast
        .iter()
        .filter(|f| f.year > as_of.year() && f.year <= last_maturity_year)
        .map(|f| f.revenue.to_decimal() - f.operating_cost.to_decimal())
        .sum();
    Some((dedicated_balance.to_decimal() + future * realisation) / unpaid.to_decimal())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn m(t: &str) -> Money {
        t.parse().unwrap()
    }
    fn year(y: i32, revenue: &str, cost: &str) -> ForecastYear {
        ForecastYear { year: y, revenue: m(revenue), operating_cost: m(cost) }
    }

    #[test]
    fn coverage_counts_only_the_years_of_the_bond() {
        // Shares: 1,000,000 principal + 200,000 interest = 1,200,000 owed.
        let lines = [
            Line { due: d(2025, 6, 30), principal: Money::ZERO, interest: m("100000.00") },
            Line { due: d(2026, 6, 30), principal: m("1000000.00"), interest: m("100000.00") },
        ];
        let window = Window::of([(d(2024, 6, 30), d(2026, 6, 30))]).unwrap();
        assert_eq!(window, Window { first_year: 2024, last_year: 2026 });
        // 2023 and 2027 lie outside the window and do not count:
        // net = (600k−100k) + (700k−100k) + (500k−100k) = 1,500,000 → 1.25.
        let forecast = [
            year(2023, "9000000.00", "0.00"),
            year(2024, "600000.00", "100000.00"),
            year(2025, "700000.00", "100000.00"),
            year(2026, "500000.00", "100000.00"),
            year(2027, "9000000.00", "0.00"),
        ];
        assert_eq!(coverage_ratio(&lines, window, &forecast, Decimal::ONE, Decimal::ONE), Some(Decimal::new(125, 2)));
        assert_eq!(coverage_ratio(&lines, window, &[], Decimal::ONE, Decimal::ONE), None, "no forecast: no ratio");
        let table = sensitivity(&lines, window, &forecast);
        assert_eq!(table.len(), 8);
        // Revenue −10%: (1,800,000 × 0.9 − 300,000) ÷ 1,200,000 = 1.1
        assert_eq!(
            table[0],
            SensitivityRow { moved: "revenue", shift_percent: -10, coverage: Some(Decimal::new(11, 1)) }
        );
        // Cost +10%: (1,800,000 − 330,000) ÷ 1,200,000 = 1.225
        assert_eq!(
            table[7],
            SensitivityRow { moved: "cost", shift_percent: 10, coverage: Some(Decimal::new(1225, 3)) }
        );
    }

    #[test]
    fn realisation_and_rolling_coverage() {
        let forecast = [
            year(2025, "1200000.00", "200000.00"),
            year(2026, "1200000.00", "200000.00"),
            year(2027, "1200000.00", "200000.00"),
        ];
        // As of 31 December 2025 the whole of 2025 counts: 900,000 ÷ 1,200,000 = 0.75.
        let rate = realisation_rate(m("900000.00"), &forecast, d(2025, 12, 31));
        assert_eq!(rate, Decimal::new(75, 2));
        // 2 July 2026 is day 183 of 365: 1,200,000 ÷ (1,200,000 + 1,200,000 × 183/365) = 365/548 = 0.6661…
        let july = realisation_rate(m("1200000.00"), &forecast, d(2026, 7, 2));
        assert_eq!(july.round_dp(4), Decimal::new(6661, 4));
        assert_eq!(realisation_rate(m("5.00"), &[], d(2026, 7, 15)), Decimal::ONE);
        // (200,000 + 1,000,000 × 0.75) ÷ 500,000 = 1.9
        let rolling = rolling_coverage(m("200000.00"), &forecast, 2027, rate, m("500000.00"), d(2026, 7, 15));
        assert_eq!(rolling, Some(Decimal::new(19, 1)));
        assert_eq!(rolling_coverage(m("1.00"), &forecast, 2027, rate, Money::ZERO, d(2026, 7, 15)), None);
    }
}
