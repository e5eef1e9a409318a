//! Monitoring (双监控): the alert rules of domain.md §7 and the data checks of §8 as
//! pure functions of facts and an as-of date, the alert store with its lifecycle,
//! the sweep that runs them in bulk, and the follower that runs them on each change.

pub use crate::config::rules as config;
pub mod facts;
pub mod follow;
pub mod panel;
pub mod rules;
pub mod store;
pub mod sweep;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

pub use crate::codes::catalogue;
pub use crate::codes::{Dimension, Severity};
use crate::db::Money;
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
    /// The payments it names (M5, M6): what the evaluation counts as misused, read
    /// typed rather than out of `evidence`, which shows the same list.
    pub payments: Vec<NamedPayment>,
}

/// A payment a rule names, as its evidence shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NamedPayment {
    pub id: i64,
    pub paid_on: NaiveDate,
    pub amount: Money,
    /// The economic class, where the rule is about it (M5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    pub voucher: Option<String>,
}

impl Finding {
    pub fn new(rule: &'static str, severity: Severity, subject: Subject, message: String) -> Finding {
        Finding {
            rule,
            severity,
            subject,
            measured: None,
            threshold: None,
            message,
            evidence: Value::Null,
            payments: Vec::new(),
        }
    }

    pub fn measured(mut self, measured: impl ToString, threshold: impl ToString) -> Finding {
        self.measured = Some(measured.to_string());
        self.threshold = Some(threshold.to_string());
        self
    }

    /// Names the payments the finding is about, in its evidence too.
    pub fn naming(mut self, payments: Vec<NamedPayment>) -> Finding {
        self.evidence = serde_json::json!({ "payments": payments });
        self.payments = payments;
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
