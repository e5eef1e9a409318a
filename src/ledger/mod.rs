//! The ledger (借、用): departments, projects, bonds, allocations and receipts,
//! disbursements, progress, revenue, use adjustments — their validation and the
//! `record_*` services, each one transaction.

pub mod bonds;
pub mod departments;
pub mod entities;
pub mod funding;
pub mod history;
pub mod positions;
pub mod projects;
pub mod queries;
pub mod records;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::Caller;
use crate::db::Money;
use crate::error::{Error, Result};
use entities::{bond, department, project};

pub async fn department_by_code(db: &impl ConnectionTrait, field: &str, code: &str) -> Result<department::Model> {
    department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(field, format!("没有代码为 {code} 的主管部门")))
}

/// The department a project or user points at; its absence is an internal fault.
pub async fn department_by_id(db: &impl ConnectionTrait, id: i64) -> Result<department::Model> {
    department::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal(format!("department {id} is referred to but does not exist")))
}

pub async fn project_by_code(db: &impl ConnectionTrait, field: &str, code: &str) -> Result<project::Model> {
    project::Entity::find()
        .filter(project::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(field, format!("没有代码为 {code} 的项目")))
}

/// A project the caller may write for: a REPORTER only its own department's.
pub async fn project_in_scope(
    db: &impl ConnectionTrait,
    caller: &Caller,
    field: &str,
    code: &str,
) -> Result<project::Model> {
    let project = project_by_code(db, field, code).await?;
    caller.check_department(project.department_id, &format!("项目 {code}"))?;
    Ok(project)
}

/// Checks that the caller may write for the project with this id.
pub async fn check_project_scope(db: &impl ConnectionTrait, caller: &Caller, project_id: i64) -> Result<()> {
    if let Some(p) = project::Entity::find_by_id(project_id).one(db).await? {
        caller.check_department(p.department_id, &format!("项目 {}", p.code))?;
    }
    Ok(())
}

/// Writes the audit entry of a change, in the change's transaction.
pub async fn audit<B: serde::Serialize + ?Sized, A: serde::Serialize + ?Sized>(
    txn: &impl ConnectionTrait,
    ctx: &crate::Ctx,
    caller: &Caller,
    operation: &str,
    subject: impl Into<String>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    crate::auth::audit::record(txn, caller, ctx.clock.now(), operation, Some(subject.into()), before, after).await
}

pub async fn bond_by_code(db: &impl ConnectionTrait, field: &str, code: &str) -> Result<bond::Model> {
    bond::Entity::find()
        .filter(bond::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(field, format!("没有代码为 {code} 的债券")))
}

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

/// Maps a unique-constraint failure to a conflict on `field`.
pub fn unique_or(err: sea_orm::DbErr, field: &str, message: String) -> Error {
    if crate::db::is_unique_violation(&err) { Error::conflict(Some(field), message) } else { Error::Database(err) }
}
