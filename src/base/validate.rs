//! The checks every service applies to what it is given: text, codes, amounts, dates,
//! list lengths, and a unique-constraint failure turned into a conflict on its field.

use crate::db::Money;
use crate::error::{Error, Result};

/// A required piece of text: trimmed, not empty, not longer than `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::validation(field, "此项不能为空"));
    }
    optional_text(field, Some(trimmed), max).map(|t| t.unwrap_or_default())
}

/// Optional text: empty becomes none; longer than `max` characters is refused.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            Err(Error::validation(field, "文字中含有控制字符;请删去后重新填写"))
        }
        Some(t) if t.chars().count() > max => Err(Error::validation(field, format!("文字超过 {max} 个字符;请缩短"))),
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// A list of at most `max` items: a request cannot hand a service 20,000 of them.
pub fn check_len(field: &str, len: usize, max: usize) -> Result<()> {
    if len > max {
        return Err(Error::validation(field, format!("最多 {max} 项,收到 {len} 项")));
    }
    Ok(())
}

/// A code: letters, digits, `-`, `_` and `.`, at most 64 characters.
pub fn parse_code(field: &str, value: &str) -> Result<String> {
    let code = value.trim();
    if code.is_empty() || code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err(Error::validation(
            field,
            format!("“{value}”不是有效的代码:代码须由 1 至 64 个字母、数字或 '-'、'_'、'.' 组成"),
        ));
    }
    Ok(code.to_string())
}

pub fn positive_money(field: &str, amount: Money) -> Result<Money> {
    if amount.fen() <= 0 {
        return Err(Error::validation(field, format!("金额必须大于零,不能为 {amount} 元")));
    }
    Ok(amount)
}

pub fn non_negative_money(field: &str, amount: Money) -> Result<Money> {
    if amount.is_negative() {
        return Err(Error::validation(field, format!("金额不能为负数({amount} 元)")));
    }
    Ok(amount)
}

/// Checks `first` is not after `second`: an end before its start is refused.
pub fn ordered_dates(field: &str, first: Option<chrono::NaiveDate>, second: Option<chrono::NaiveDate>) -> Result<()> {
    if let (Some(a), Some(b)) = (first, second)
        && b < a
    {
        return Err(Error::validation(field, format!("结束日期 {b} 早于开始日期 {a}")));
    }
    Ok(())
}

/// Maps the failure of the unique constraint `unique` to a conflict on `field`; any
/// other failure stays the database's.
pub fn unique_or(err: sea_orm::DbErr, unique: crate::db::Unique, field: &str, message: String) -> Error {
    if unique.refused(&err) { Error::conflict(Some(field), message) } else { Error::Database(err) }
}
