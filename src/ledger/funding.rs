//! Allocations (转贷/分配), receipts (到账) and use adjustments (用途调整): the bond
//! money a project gets. These are the treasury's impossible-input checks: no more
//! allocated than a bond's face, no more received than allocated, no more moved
//! than the project holds.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, Set,
};

use super::entities::{allocation, allocation_increment, bond, project, receipt, use_adjustment};
use super::queries::sum_money;
use super::{audit, bond_by_code, positive_money, project_by_code};
use crate::Ctx;
use crate::auth::Caller;
use crate::db::{Money, begin_write, in_write};
use crate::error::{Error, Result};

/// The reasons 财预〔2021〕110号 allows for a use adjustment.
pub const ADJUSTMENT_REASONS: &[&str] =
    &["项目发生重大变化或需求减少", "项目建成后资金结余", "财政或审计检查发现需调整", "其他"];

pub struct AllocationInput {
    pub bond_code: String,
    pub project_code: String,
    pub amount: Money,
    pub allocated_on: Option<NaiveDate>,
    pub received_on: Option<NaiveDate>,
}

async fn allocation_of(db: &impl ConnectionTrait, bond_id: i64, project_id: i64) -> Result<Option<allocation::Model>> {
    Ok(allocation::Entity::find()
        .filter(allocation::Column::BondId.eq(bond_id))
        .filter(allocation::Column::ProjectId.eq(project_id))
        .one(db)
        .await?)
}

/// Allocates bond money to a project; a second allocation of the same pair adds to the first.
pub async fn allocate_bond(ctx: &Ctx, caller: &Caller, input: AllocationInput) -> Result<allocation::Model> {
    in_write(&ctx.db, async |txn| allocate_bond_in(txn, ctx, caller, input).await).await
}

/// [`allocate_bond`] inside the caller's transaction (an import's).
pub async fn allocate_bond_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: AllocationInput,
) -> Result<allocation::Model> {
    let amount = positive_money("input.amount", input.amount)?;
    let allocated_on = input.allocated_on.unwrap_or_else(|| ctx.clock.today());
    if let Some(received_on) = input.received_on
        && received_on < allocated_on
    {
        return Err(Error::validation(
            "input.receivedOn",
            format!("money cannot arrive on {received_on}, before it was allocated on {allocated_on}"),
        ));
    }
    let bond = bond_by_code(txn, "input.bondCode", &input.bond_code).await?;
    let project = project_by_code(txn, "input.projectCode", &input.project_code).await?;
    if allocated_on < bond.issue_date {
        return Err(Error::validation(
            "input.allocatedOn",
            format!("bond {} was issued on {}; it cannot be allocated on {allocated_on}", bond.code, bond.issue_date),
        ));
    }
    let allocated =
        sum_money(txn, allocation::Entity::find().filter(allocation::Column::BondId.eq(bond.id)), "amount").await?;
    let unallocated = bond.face_amount - allocated;
    if amount > unallocated {
        return Err(Error::validation(
            "input.amount",
            format!(
                "bond {} has {unallocated} 元 of its face {} 元 left to allocate; {amount} 元 is more than that",
                bond.code, bond.face_amount
            ),
        ));
    }
    let now = ctx.clock.now();
    let model = match allocation_of(txn, bond.id, project.id).await? {
        Some(existing) => {
            let mut active: allocation::ActiveModel = existing.clone().into();
            active.amount = Set(existing.amount + amount);
            active.allocated_on = Set(existing.allocated_on.min(allocated_on));
            active.update(txn).await?
        }
        None => {
            allocation::ActiveModel {
                id: NotSet,
                bond_id: Set(bond.id),
                project_id: Set(project.id),
                amount: Set(amount),
                allocated_on: Set(allocated_on),
                created_at: Set(now),
            }
            .insert(txn)
            .await?
        }
    };
    allocation_increment::ActiveModel {
        id: NotSet,
        allocation_id: Set(model.id),
        amount: Set(amount),
        allocated_on: Set(allocated_on),
        recorded_at: Set(now),
    }
    .insert(txn)
    .await?;
    if let Some(received_on) = input.received_on {
        insert_receipt(txn, &model, amount, received_on, now).await?;
    }
    let subject = format!("{} → {}", bond.code, project.code);
    let after = serde_json::json!({"allocation": &model, "amount": amount, "allocatedOn": allocated_on, "receivedOn": input.received_on});
    audit(txn, ctx, caller, "allocateBond", subject, None::<&()>, Some(&after)).await?;
    Ok(model)
}

async fn insert_receipt(
    txn: &sea_orm::DatabaseTransaction,
    allocation: &allocation::Model,
    amount: Money,
    received_on: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    receipt::ActiveModel {
        id: NotSet,
        allocation_id: Set(allocation.id),
        amount: Set(amount),
        received_on: Set(received_on),
        recorded_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub struct ReceiptInput {
    pub bond_code: String,
    pub project_code: String,
    pub amount: Money,
    pub received_on: NaiveDate,
}

/// Records bond money arriving in the treasury for an allocation (all or part of it).
pub async fn record_receipt(ctx: &Ctx, caller: &Caller, input: ReceiptInput) -> Result<allocation::Model> {
    in_write(&ctx.db, async |txn| record_receipt_in(txn, ctx, caller, input).await).await
}

/// [`record_receipt`] inside the caller's transaction (an import's).
pub async fn record_receipt_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: ReceiptInput,
) -> Result<allocation::Model> {
    let amount = positive_money("input.amount", input.amount)?;
    let bond = bond_by_code(txn, "input.bondCode", &input.bond_code).await?;
    let project = project_by_code(txn, "input.projectCode", &input.project_code).await?;
    let allocation = allocation_of(txn, bond.id, project.id).await?.ok_or_else(|| {
        Error::not_found(
            "input.projectCode",
            format!("bond {} has no allocation to project {}; allocate it first", bond.code, project.code),
        )
    })?;
    if input.received_on < allocation.allocated_on {
        return Err(Error::validation(
            "input.receivedOn",
            format!(
                "money cannot arrive on {}, before it was allocated on {}",
                input.received_on, allocation.allocated_on
            ),
        ));
    }
    let received =
        sum_money(txn, receipt::Entity::find().filter(receipt::Column::AllocationId.eq(allocation.id)), "amount")
            .await?;
    if received + amount > allocation.amount {
        return Err(Error::validation(
            "input.amount",
            format!(
                "{received} 元 of the {} 元 allocated has arrived already; {amount} 元 more would exceed the allocation",
                allocation.amount
            ),
        ));
    }
    insert_receipt(txn, &allocation, amount, input.received_on, ctx.clock.now()).await?;
    let after = serde_json::json!({"amount": amount, "receivedOn": input.received_on});
    audit(txn, ctx, caller, "recordReceipt", format!("{} → {}", bond.code, project.code), None::<&()>, Some(&after))
        .await?;
    Ok(allocation)
}

pub struct UseAdjustmentInput {
    pub bond_code: String,
    pub from_project_code: String,
    pub to_project_code: String,
    pub amount: Money,
    pub reason: String,
    pub approved_on: NaiveDate,
}

/// What a project holds of a bond: its allocation, plus adjustments in, minus adjustments out.
pub async fn holding(db: &impl ConnectionTrait, bond: &bond::Model, project: &project::Model) -> Result<Money> {
    let allocated = allocation_of(db, bond.id, project.id).await?.map(|a| a.amount).unwrap_or_default();
    let by_bond = || use_adjustment::Entity::find().filter(use_adjustment::Column::BondId.eq(bond.id));
    let moved_in =
        sum_money(db, by_bond().filter(use_adjustment::Column::ToProjectId.eq(project.id)), "amount").await?;
    let moved_out =
        sum_money(db, by_bond().filter(use_adjustment::Column::FromProjectId.eq(project.id)), "amount").await?;
    Ok(allocated + moved_in - moved_out)
}

/// Moves bond money from one project to another (用途调整). From its approval date on
/// the money, received money included, counts for the receiving project.
pub async fn adjust_use(ctx: &Ctx, caller: &Caller, input: UseAdjustmentInput) -> Result<use_adjustment::Model> {
    let amount = positive_money("input.amount", input.amount)?;
    let reason = input.reason.trim();
    if !ADJUSTMENT_REASONS.contains(&reason) {
        return Err(Error::validation(
            "input.reason",
            format!("'{reason}' is not a reason 110号 allows; use one of {}", ADJUSTMENT_REASONS.join("、")),
        ));
    }
    if input.from_project_code == input.to_project_code {
        return Err(Error::validation(
            "input.toProjectCode",
            "an adjustment moves money to another project, not to the same one",
        ));
    }
    let txn = begin_write(&ctx.db).await?;
    let bond = bond_by_code(&txn, "input.bondCode", &input.bond_code).await?;
    let from = project_by_code(&txn, "input.fromProjectCode", &input.from_project_code).await?;
    let to = project_by_code(&txn, "input.toProjectCode", &input.to_project_code).await?;
    let held = holding(&txn, &bond, &from).await?;
    if amount > held {
        return Err(Error::validation(
            "input.amount",
            format!("project {} holds {held} 元 of bond {}; it cannot give up {amount} 元", from.code, bond.code),
        ));
    }
    let model = use_adjustment::ActiveModel {
        id: NotSet,
        bond_id: Set(bond.id),
        from_project_id: Set(from.id),
        to_project_id: Set(to.id),
        amount: Set(amount),
        reason: Set(reason.to_string()),
        approved_on: Set(input.approved_on),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await?;
    audit(
        &txn,
        ctx,
        caller,
        "adjustUse",
        format!("{}: {} → {}", bond.code, from.code, to.code),
        None::<&()>,
        Some(&model),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}
