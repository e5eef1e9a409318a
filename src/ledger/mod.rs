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

use crate::base::Caller;
pub use crate::base::validate::{
    check_len, non_negative_money, optional_text, ordered_dates, parse_code, positive_money, required_text, unique_or,
};
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
    crate::base::audit::record(txn, caller, ctx.clock.now(), operation, Some(subject.into()), before, after).await
}

pub async fn bond_by_code(db: &impl ConnectionTrait, field: &str, code: &str) -> Result<bond::Model> {
    bond::Entity::find()
        .filter(bond::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(field, format!("没有代码为 {code} 的债券")))
}
