//! Small domain values that parse: periods, percents, rates, dates.
//! Decimals are kept as exact text in the store (a SQLite DECIMAL is a float).

use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// A calendar month, written `2024-03`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(field: &str, text: &str) -> Result<Month> {
        let bad = || Error::validation(field, format!("“{text}”不是月份;请写作 YYYY-MM,例如 2024-03"));
        let (y, m) = text.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        check_year(field, year)?;
        Ok(Month { year, month })
    }

    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The period of an indicator actual: a month `2024-03`, a quarter `2024-Q1` or a year `2024`.
pub fn parse_actual_period(field: &str, text: &str) -> Result<String> {
    let bad =
        || Error::validation(field, format!("“{text}”不是有效的期间;请写月份(2024-03)、季度(2024-Q1)或年度(2024)"));
    if text.len() == 4 {
        let year: i32 = text.parse().map_err(|_| bad())?;
        check_year(field, year)?;
        return Ok(text.to_string());
    }
    if let Some((y, q)) = text.split_once("-Q") {
        let year: i32 = y.parse().map_err(|_| bad())?;
        check_year(field, year)?;
        return match q {
            "1" | "2" | "3" | "4" if y.len() == 4 => Ok(text.to_string()),
            _ => Err(bad()),
        };
    }
    Month::parse(field, text).map(|m| m.to_string()).map_err(|_| bad())
}

/// Years the office can mean: 1990 to 2100.
pub fn check_year(field: &str, year: i32) -> Result<i32> {
    if (1990..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(Error::validation(field, format!("{year} 不是合理的年度(应在 1990 至 2100 之间)")))
    }
}

/// Parses an ISO date `2023-06-30`.
/// Exactly `YYYY-MM-DD` (2023-06-30, not 2023-6-30 nor " 2023-06-30").
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| shaped)
        .ok_or_else(|| Error::validation(field, format!("“{text}”不是日期;请写作 YYYY-MM-DD,例如 2023-06-30")))?;
    check_year(field, date.year())?;
    Ok(date)
}

pub fn parse_decimal(field: &str, text: &str) -> Result<Decimal> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') {
        return Err(Error::validation(field, format!("“{text}”不是数字")));
    }
    Decimal::from_str(t).map_err(|_| Error::validation(field, format!("“{text}”不是数字")))
}

/// A percent from 0 to 100 with at most four decimals.
pub fn parse_percent(field: &str, text: &str) -> Result<Decimal> {
    let value = parse_decimal(field, text)?;
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        return Err(Error::validation(field, format!("{text} 超出 0 至 100 的百分比范围")));
    }
    if value.normalize().scale() > 4 {
        return Err(Error::validation(field, format!("{text} 的小数超过四位")));
    }
    Ok(value.normalize())
}

/// A stored decimal text back to a value; the store only holds what `parse_*` accepted.
pub fn stored_decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_default()
}

/// `date` plus whole months, a day the month lacks becoming its last day
/// (31 August + 6 months = 28/29 February), as domain.md §4 asks.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// `date` less whole months, clamped the same way (29 February less a year is 28 February).
pub fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN)
}

pub fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    add_months(date, years * 12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_periods() {
        assert_eq!(Month::parse("p", "2024-03").unwrap().to_string(), "2024-03");
        assert!(Month::parse("p", "2024-3").is_err());
        assert!(Month::parse("p", "2024-13").is_err());
        assert!(Month::parse("p", "24-03").is_err());
        assert_eq!(parse_actual_period("p", "2024-Q1").unwrap(), "2024-Q1");
        assert_eq!(parse_actual_period("p", "2024").unwrap(), "2024");
        assert!(parse_actual_period("p", "2024-Q5").is_err());
        assert!(parse_actual_period("p", "Q1").is_err());
    }

    #[test]
    fn month_ends_clamp() {
        let d = NaiveDate::from_ymd_opt(2023, 8, 31).unwrap();
        assert_eq!(add_months(d, 6), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(
            add_years(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(), 1),
            NaiveDate::from_ymd_opt(2025, 2, 28).unwrap()
        );
    }

    #[test]
    fn percents() {
        assert!(parse_percent("p", "100").is_ok());
        assert!(parse_percent("p", "100.01").is_err());
        assert!(parse_percent("p", "-1").is_err());
        assert!(parse_percent("p", "3.12345").is_err());
        assert!(parse_date("d", "2023-02-30").is_err());
    }
}
