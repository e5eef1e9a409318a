//! Monitoring (双监控): the alert rules of domain.md §7 and the data checks of §8 as
//! pure functions of facts and an as-of date, the alert store with its lifecycle,
//! and the sweep that runs them in bulk.

pub mod catalogue;
pub mod config;
pub mod facts;
pub mod panel;
pub mod rules;
pub mod store;
pub mod sweep;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::db::Money;
pub use catalogue::{Dimension, Severity};
pub use config::RuleConfig;

/// What an alert is about. Project-level alerts may also name the bond or indicator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    pub project_id: Option<i64>,
    pub bond_id: Option<i64>,
    pub department_id: Option<i64>,
    pub indicator_id: Option<i64>,
    /// The evaluated year (R1, R3).
    pub year: Option<i32>,
    pub rectification_id: Option<i64>,
}

impl Subject {
    pub fn key(&self) -> String {
        let part = |c: &str, v: Option<i64>| v.map(|v| format!("{c}{v}")).unwrap_or_default();
        format!(
            "{}{}{}{}{}{}",
            part("p", self.project_id),
            part("b", self.bond_id),
            part("d", self.department_id),
            part("i", self.indicator_id),
            part("y", self.year.map(i64::from)),
            part("r", self.rectification_id)
        )
    }
}

/// One condition a rule found, as of a date.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub subject: Subject,
    pub measured: Option<String>,
    pub threshold: Option<String>,
    /// In Chinese, for a manager to act on.
    pub message: String,
    /// The figures the rule used.
    pub evidence: Value,
}

impl Finding {
    pub fn new(rule: &'static str, severity: Severity, subject: Subject, message: String) -> Finding {
        Finding { rule, severity, subject, measured: None, threshold: None, message, evidence: Value::Null }
    }

    pub fn measured(mut self, measured: impl ToString, threshold: impl ToString) -> Finding {
        self.measured = Some(measured.to_string());
        self.threshold = Some(threshold.to_string());
        self
    }

    pub fn evidence(mut self, evidence: Value) -> Finding {
        self.evidence = evidence;
        self
    }
}

/// An amount in 万元 as alert texts show it (§4a: two decimals, half up).
pub fn wan(m: Money) -> String {
    crate::figures::wan_text(m.to_decimal())
}

/// A ratio as a percent with two decimals, half up, for messages.
pub fn pct(ratio: Decimal) -> String {
    format!("{}%", crate::figures::fixed(ratio * Decimal::ONE_HUNDRED, 2))
}

/// Calendar days from `from` to `to`.
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}
