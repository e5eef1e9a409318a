//! The contract's scalars. Input values are kept as the text the caller sent and
//! parsed in the resolver, so that a malformed amount or date is answered like any
//! other bad input: `VALIDATION` with the field named, not a parser's message.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::Money;
use crate::db::values::{parse_date, parse_decimal};
use crate::error::{Error, Result};

fn raw_text<T: async_graphql::InputType>(value: Value, expected: &str, wrap: fn(String) -> T) -> InputValueResult<T> {
    match value {
        Value::String(s) => Ok(wrap(s)),
        Value::Number(n) => Ok(wrap(n.to_string())),
        other => Err(InputValueError::custom(format!("expected {expected} as a string, got {other}"))),
    }
}

/// Yuan (元) as a decimal string with two fractional digits: "7741600.00".
#[derive(Clone, Debug)]
pub struct MoneyScalar(pub String);

#[Scalar(name = "Money")]
impl ScalarType for MoneyScalar {
    /// A string only: a JSON number has passed through a float on its way here.
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(MoneyScalar(s)),
            other => Err(InputValueError::custom(format!(
                "金额须为字符串(以元为单位,最多两位小数,如 \"7741600.00\"),不能为 {other}"
            ))),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

impl From<Money> for MoneyScalar {
    fn from(m: Money) -> Self {
        MoneyScalar(m.to_string())
    }
}

impl MoneyScalar {
    pub fn parse_at(&self, field: &str) -> Result<Money> {
        self.0.parse::<Money>().map_err(|e| Error::validation(field, e.to_string()))
    }
}

/// An exact decimal as a string: "3.27".
#[derive(Clone, Debug)]
pub struct DecimalScalar(pub String);

#[Scalar(name = "Decimal")]
impl ScalarType for DecimalScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        raw_text(value, "a decimal number", DecimalScalar)
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

impl From<Decimal> for DecimalScalar {
    fn from(d: Decimal) -> Self {
        DecimalScalar(d.normalize().to_string())
    }
}

impl DecimalScalar {
    /// Shown with a fixed number of decimals (2 for percents, 4 for ratios).
    pub fn rounded(d: Decimal, places: u32) -> Self {
        DecimalScalar(crate::figures::fixed(d, places))
    }
    pub fn parse_at(&self, field: &str) -> Result<Decimal> {
        parse_decimal(field, &self.0)
    }
}

/// A calendar date: "2023-06-30".
#[derive(Clone, Debug)]
pub struct DateScalar(pub String);

#[Scalar(name = "Date")]
impl ScalarType for DateScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        raw_text(value, "a date", DateScalar)
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

impl From<NaiveDate> for DateScalar {
    fn from(d: NaiveDate) -> Self {
        DateScalar(d.format("%Y-%m-%d").to_string())
    }
}

impl DateScalar {
    pub fn parse_at(&self, field: &str) -> Result<NaiveDate> {
        parse_date(field, &self.0)
    }
}

/// An instant, RFC 3339 in UTC.
#[derive(Clone, Debug)]
pub struct DateTimeScalar(pub chrono::DateTime<chrono::Utc>);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTimeScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(text) = &value else {
            return Err(InputValueError::custom("expected an RFC 3339 instant as a string, e.g. 2026-06-15T02:00:00Z"));
        };
        chrono::DateTime::parse_from_rfc3339(text).map(|d| DateTimeScalar(d.with_timezone(&chrono::Utc))).map_err(
            |_| InputValueError::custom(format!("'{text}' is not an RFC 3339 instant, e.g. 2026-06-15T02:00:00Z")),
        )
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

/// Parses an optional input scalar at a field.
pub fn opt<S, T>(value: &Option<S>, field: &str, parse: impl Fn(&S, &str) -> Result<T>) -> Result<Option<T>> {
    value.as_ref().map(|v| parse(v, field)).transpose()
}
