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
        .ok_or_else(|| Error::not_found(field, format!("no department has the code '{code}'")))
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
        .ok_or_else(|| Error::not_found(field, format!("no project has the code '{code}'")))
}

/// A project the caller may write for: a REPORTER only its own department's.
pub async fn project_in_scope(
    db: &impl ConnectionTrait,
    caller: &Caller,
    field: &str,
    code: &str,
) -> Result<project::Model> {
    let project = project_by_code(db, field, code).await?;
    caller.check_department(project.department_id, &format!("project {code}"))?;
    Ok(project)
}

/// Checks that the caller may write for the project with this id.
pub async fn check_project_scope(db: &impl ConnectionTrait, caller: &Caller, project_id: i64) -> Result<()> {
    if let Some(p) = project::Entity::find_by_id(project_id).one(db).await? {
        caller.check_department(p.department_id, &format!("project {}", p.code))?;
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
        .ok_or_else(|| Error::not_found(field, format!("no bond has the code '{code}'")))
}

/// A required piece of text: trimmed, not empty, not longer than `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::validation(field, "this field must not be empty"));
    }
    optional_text(field, Some(trimmed), max).map(|t| t.unwrap_or_default())
}

/// Optional text: empty becomes none; longer than `max` characters is refused.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            Err(Error::validation(field, "this text contains control characters"))
        }
        Some(t) if t.chars().count() > max => {
            Err(Error::validation(field, format!("this text is longer than {max} characters")))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// A code: letters, digits, `-`, `_` and `.`, at most 64 characters.
pub fn parse_code(field: &str, value: &str) -> Result<String> {
    let code = value.trim();
    if code.is_empty() || code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err(Error::validation(
            field,
            format!("'{value}' is not a valid code: use 1 to 64 letters, digits, '-', '_' or '.'"),
        ));
    }
    Ok(code.to_string())
}

pub fn positive_money(field: &str, amount: Money) -> Result<Money> {
    if amount.fen() <= 0 {
        return Err(Error::validation(field, format!("the amount must be greater than zero, not {amount}")));
    }
    Ok(amount)
}

pub fn non_negative_money(field: &str, amount: Money) -> Result<Money> {
    if amount.is_negative() {
        return Err(Error::validation(field, format!("the amount must not be negative ({amount})")));
    }
    Ok(amount)
}

/// Checks `first` is not after `second`: an end before its start is refused.
pub fn ordered_dates(field: &str, first: Option<chrono::NaiveDate>, second: Option<chrono::NaiveDate>) -> Result<()> {
    if let (Some(a), Some(b)) = (first, second)
        && b < a
    {
        return Err(Error::validation(field, format!("{b} is before the start {a}")));
    }
    Ok(())
}

/// Maps a unique-constraint failure to a conflict on `field`.
pub fn unique_or(err: sea_orm::DbErr, field: &str, message: String) -> Error {
    let text = err.to_string().to_lowercase();
    if text.contains("unique") || text.contains("duplicate") {
        Error::conflict(Some(field), message)
    } else {
        Error::Database(err)
    }
}
