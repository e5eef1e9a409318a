//! Allocations (转贷/分配), receipts (到账) and use adjustments (用途调整): the bond
//! money a project gets. These are the treasury's impossible-input checks: no more
//! allocated than a bond's face, no more received than allocated, no more moved
//! than the project holds.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, QuerySelect,
    Set,
};

use super::entities::{allocation, allocation_increment, bond, project, receipt, use_adjustment};
use super::positions::{LedgerRows, first_excess, positions};
use super::queries::{ledger_rows, sum_money};
use super::{audit, bond_by_code, positive_money, project_by_code};
use crate::Ctx;
use crate::base::Caller;
use crate::db::{Money, in_write};
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
    // A clerk entering history gives the receipt's date; the allocation came no later.
    let allocated_on = input.allocated_on.or(input.received_on).unwrap_or_else(|| ctx.clock.today());
    if let Some(received_on) = input.received_on
        && received_on < allocated_on
    {
        return Err(Error::validation(
            "input.receivedOn",
            format!("资金到账日期 {received_on} 早于分配日期 {allocated_on}:资金不能在分配之前到账"),
        ));
    }
    let bond = bond_by_code(txn, "input.bondCode", &input.bond_code).await?;
    let project = project_by_code(txn, "input.projectCode", &input.project_code).await?;
    if allocated_on < bond.issue_date {
        return Err(Error::validation(
            "input.allocatedOn",
            format!("债券 {} 于 {} 发行,分配日期 {allocated_on} 不能早于发行日", bond.code, bond.issue_date),
        ));
    }
    let allocated =
        sum_money(txn, allocation::Entity::find().filter(allocation::Column::BondId.eq(bond.id)), "amount").await?;
    let unallocated = bond.face_amount - allocated;
    if amount > unallocated {
        return Err(Error::validation(
            "input.amount",
            format!(
                "债券 {} 面值 {} 元,尚可分配 {unallocated} 元;本次分配 {amount} 元超过此数",
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
    // The bond's lines are split among all its holders: another's share can move too.
    crate::base::marks::changed(txn, holders_of(txn, bond.id).await?).await?;
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
        Error::not_found("input.projectCode", format!("债券 {} 尚未分配给项目 {};请先分配", bond.code, project.code))
    })?;
    // §2: receipts, plus money moved in, minus money moved out, never exceed the
    // allocation in force on the receipt's date or any later date.
    let mut rows = ledger_rows(txn, &[project.id], false).await?.remove(&project.id).unwrap_or_default();
    let candidate = receipt::Model {
        id: 0,
        allocation_id: allocation.id,
        amount,
        received_on: input.received_on,
        recorded_at: ctx.clock.now(),
    };
    rows.receipts.push((bond.id, candidate));
    if let Some((day, received, in_force)) = first_excess(&rows.ledger(), bond.id, input.received_on) {
        return Err(Error::validation(
            "input.amount",
            format!(
                "到账{amount}元后,项目{}在债券{}上截至{day}的到账累计{received}元,超过当日有效的分配额{in_force}元;请先核对分配或用途调整",
                project.code, bond.code
            ),
        ));
    }
    insert_receipt(txn, &allocation, amount, input.received_on, ctx.clock.now()).await?;
    let after = serde_json::json!({"amount": amount, "receivedOn": input.received_on});
    crate::base::marks::changed(txn, [project.id]).await?;
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

/// Moves bond money from one project to another (用途调整, domain.md §2). From its
/// approval date the amount leaves the from-project's allocation in force and joins
/// the to-project's; of the money, only what the from-project held on that day moves
/// (from the treasury first, then returned by its unit), and counts as received by the
/// to-project on that day. An amount above the allocation in force less what was paid
/// on the bond is refused, and so is an approval before the bond's issue or before the
/// from-project's first allocation of it.
pub async fn adjust_use(ctx: &Ctx, caller: &Caller, input: UseAdjustmentInput) -> Result<use_adjustment::Model> {
    in_write(&ctx.db, async |txn| adjust_use_in(txn, ctx, caller, input).await).await
}

/// [`adjust_use`] inside the caller's transaction.
pub async fn adjust_use_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: UseAdjustmentInput,
) -> Result<use_adjustment::Model> {
    let amount = positive_money("input.amount", input.amount)?;
    let reason = checked_reason(&input)?;
    let approved_on = input.approved_on;
    let bond = bond_by_code(txn, "input.bondCode", &input.bond_code).await?;
    let from = project_by_code(txn, "input.fromProjectCode", &input.from_project_code).await?;
    let to = project_by_code(txn, "input.toProjectCode", &input.to_project_code).await?;
    if approved_on < bond.issue_date {
        return Err(Error::validation(
            "input.approvedOn",
            format!("债券{}于{}发行,用途调整不能早于发行日(批准日{approved_on})", bond.code, bond.issue_date),
        ));
    }
    let mut rows = ledger_rows(txn, &[from.id], false).await?.remove(&from.id).unwrap_or_default();
    check_had_money(&rows, &bond, &from, approved_on)?;
    let position = positions(&rows.ledger(), approved_on).bond(bond.id).cloned().unwrap_or_default();
    let movable = position.allocation - position.paid;
    if amount > movable {
        return Err(Error::validation(
            "input.amount",
            format!(
                "截至{approved_on},项目{}在债券{}上有效分配{}元,已支出{}元,最多可调出{movable}元;{amount}元超过此数",
                from.code, bond.code, position.allocation, position.paid
            ),
        ));
    }
    // Money moves only if it exists: the treasury's first, then what the unit returns.
    let (from_treasury, from_unit) = position.money_moved_by(amount);
    let candidate = use_adjustment::Model {
        id: 0,
        bond_id: bond.id,
        from_project_id: from.id,
        to_project_id: to.id,
        amount,
        reason: reason.to_string(),
        approved_on,
        moved_from_treasury: from_treasury,
        moved_from_unit: from_unit,
        recorded_at: ctx.clock.now(),
    };
    rows.adjustments.push(candidate.clone());
    if let Some((day, received, in_force)) = first_excess(&rows.ledger(), bond.id, approved_on) {
        return Err(Error::validation(
            "input.amount",
            format!(
                "调出后,项目{}在债券{}上截至{day}的到账累计{received}元将超过有效分配额{in_force}元;请核对其后的到账",
                from.code, bond.code
            ),
        ));
    }
    // The receiving project gets an allocation row to record its later receipts against.
    if allocation_of(txn, bond.id, to.id).await?.is_none() {
        allocation::ActiveModel {
            id: NotSet,
            bond_id: Set(bond.id),
            project_id: Set(to.id),
            amount: Set(Money::ZERO),
            allocated_on: Set(approved_on),
            created_at: Set(ctx.clock.now()),
        }
        .insert(txn)
        .await?;
    }
    let mut active: use_adjustment::ActiveModel = candidate.into();
    active.id = NotSet;
    let model = active.insert(txn).await?;
    // Both projects, and the bond's other holders, whose shares of its lines can move.
    crate::base::marks::changed(txn, holders_of(txn, bond.id).await?.into_iter().chain([from.id, to.id])).await?;
    audit(
        txn,
        ctx,
        caller,
        "adjustUse",
        format!("{}: {} → {}", bond.code, from.code, to.code),
        None::<&()>,
        Some(&model),
    )
    .await?;
    Ok(model)
}

/// The projects holding a bond (those allocated it, adjustments' receivers included,
/// since a receiver is given an allocation).
async fn holders_of(txn: &DatabaseTransaction, bond_id: i64) -> Result<Vec<i64>> {
    Ok(allocation::Entity::find()
        .select_only()
        .column(allocation::Column::ProjectId)
        .filter(allocation::Column::BondId.eq(bond_id))
        .into_tuple()
        .all(txn)
        .await?)
}

/// The adjustment's reason, trimmed, when it is one 财预〔2021〕110号 allows and the
/// money goes to another project.
fn checked_reason(input: &UseAdjustmentInput) -> Result<&str> {
    let reason = input.reason.trim();
    if !ADJUSTMENT_REASONS.contains(&reason) {
        return Err(Error::validation(
            "input.reason",
            format!("“{reason}”不是财预〔2021〕110号允许的调整原因;请填写其中之一:{}", ADJUSTMENT_REASONS.join("、")),
        ));
    }
    if input.from_project_code == input.to_project_code {
        return Err(Error::validation(
            "input.toProjectCode",
            "用途调整须把资金调往另一个项目,调出项目与调入项目不能相同",
        ));
    }
    Ok(reason)
}

/// The from-project had the bond's money (allocated or moved in) on the approval date.
fn check_had_money(rows: &LedgerRows, bond: &bond::Model, from: &project::Model, approved_on: NaiveDate) -> Result<()> {
    let first_allocated = rows.increments.iter().filter(|(b, _, _)| *b == bond.id).map(|(_, on, _)| *on);
    let first_moved_in =
        rows.adjustments.iter().filter(|a| a.bond_id == bond.id && a.to_project_id == from.id).map(|a| a.approved_on);
    match first_allocated.chain(first_moved_in).min() {
        None => Err(Error::validation(
            "input.fromProjectCode",
            format!("项目{}没有债券{}的资金,无从调出", from.code, bond.code),
        )),
        Some(first) if approved_on < first => Err(Error::validation(
            "input.approvedOn",
            format!(
                "项目{}于{first}才分配到债券{}的资金,用途调整不能早于该日(批准日{approved_on})",
                from.code, bond.code
            ),
        )),
        Some(_) => Ok(()),
    }
}
