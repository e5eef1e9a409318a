//! What happens to the money and the works: disbursements (拨付 and 支出), progress
//! reports (进度) and project revenue (收益). Facts that break the rules (spending
//! beyond what arrived, a forbidden economic class, a bond that does not fund the
//! project) are recorded: the alert rules must see them. Wrong entries are
//! cancelled by correcting entries (红冲), never deleted.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, Set,
};

use super::entities::{disbursement, progress_report, revenue_record};
use super::{
    audit, bond_by_code, check_project_scope, non_negative_money, optional_text, positive_money, project_in_scope,
    required_text,
};
use crate::Ctx;
use crate::base::{Caller, Role};
use crate::codes::DisbursementKind;
use crate::db::values::{Month, parse_percent};
use crate::db::{Money, Unique, begin_write, in_write, lost_key_race};

// The constraints a reversal or a keyed record can run into (migration 1).
const PAYMENT_REVERSAL: Unique = Unique::on("disbursements", &["reversal_of"]);
const PAYMENT_KEY: Unique = Unique::on("disbursements", &["idempotency_key"]);
const REVENUE_REVERSAL: Unique = Unique::on("revenue_records", &["reversal_of"]);
const REVENUE_KEY: Unique = Unique::on("revenue_records", &["idempotency_key"]);
use crate::error::{Error, Result};

/// Checks an idempotency key and finds what it already recorded. The same key with
/// other content is a conflict, not a second record.
fn check_key(key: Option<&str>) -> Result<Option<String>> {
    match key.map(str::trim) {
        None | Some("") => Ok(None),
        Some(k) if k.len() > 128 => Err(Error::validation("idempotencyKey", "幂等键(idempotencyKey)最多 128 个字符")),
        Some(k) => Ok(Some(k.to_string())),
    }
}

fn key_conflict(key: &str) -> Error {
    Error::conflict(Some("idempotencyKey"), format!("幂等键 {key} 已用于另一笔内容不同的记录;新记录请使用新的幂等键"))
}

#[derive(Clone)]
pub struct DisbursementInput {
    pub project_code: String,
    pub bond_code: Option<String>,
    pub kind: String,
    pub paid_on: NaiveDate,
    pub amount: Money,
    pub payee: String,
    pub economic_class: String,
    pub voucher_no: Option<String>,
}

pub async fn record_disbursement(
    ctx: &Ctx,
    caller: &Caller,
    input: DisbursementInput,
    idempotency_key: Option<&str>,
) -> Result<disbursement::Model> {
    let once = async |input| {
        in_write(&ctx.db, async |txn| record_disbursement_in(txn, ctx, caller, input, idempotency_key).await).await
    };
    let first = once(input.clone()).await;
    if lost_key_race(&first, idempotency_key.map(|_| PAYMENT_KEY)) { once(input).await } else { first }
}

/// [`record_disbursement`] inside the caller's transaction (an import's).
pub async fn record_disbursement_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: DisbursementInput,
    idempotency_key: Option<&str>,
) -> Result<disbursement::Model> {
    let key = check_key(idempotency_key)?;
    let amount = positive_money("input.amount", input.amount)?;
    if DisbursementKind::parse(&input.kind).is_none() {
        return Err(Error::validation(
            "input.kind",
            format!("“{}”不是支付类型;应为拨付(TRANSFER)或支出(PAYMENT)", input.kind),
        ));
    }
    if caller.role == Role::Reporter && input.kind != DisbursementKind::Payment.as_str() {
        return Err(Error::Forbidden("拨付由国库登记;部门只能登记本部门项目的支出".into()));
    }
    let payee = required_text("input.payee", &input.payee, 300)?;
    let economic_class = required_text("input.economicClass", &input.economic_class, 200)?;
    let voucher_no = optional_text("input.voucherNo", input.voucher_no.as_deref(), 64)?;
    let project = project_in_scope(txn, caller, "input.projectCode", &input.project_code).await?;
    let bond_id = match input.bond_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(bond_by_code(txn, "input.bondCode", code).await?.id),
        None => None,
    };
    let candidate = disbursement::Model {
        id: 0,
        project_id: project.id,
        bond_id,
        kind: input.kind,
        paid_on: input.paid_on,
        amount,
        payee,
        economic_class,
        voucher_no,
        reversal_of: None,
        reason: None,
        idempotency_key: key.clone(),
        recorded_at: ctx.clock.now(),
    };
    if let Some(k) = &key
        && let Some(existing) = disbursement_by_key(txn, k).await?
    {
        let same = existing.project_id == candidate.project_id
            && existing.bond_id == candidate.bond_id
            && existing.kind == candidate.kind
            && existing.paid_on == candidate.paid_on
            && existing.amount == candidate.amount
            && existing.payee == candidate.payee
            && existing.economic_class == candidate.economic_class
            && existing.voucher_no == candidate.voucher_no;
        return if same { Ok(existing) } else { Err(key_conflict(k)) };
    }
    let mut active: disbursement::ActiveModel = candidate.into();
    active.id = NotSet;
    let created = active.insert(txn).await?;
    crate::base::marks::changed(txn, [project.id]).await?;
    audit(txn, ctx, caller, "recordDisbursement", &project.code, None::<&()>, Some(&created)).await?;
    Ok(created)
}

async fn disbursement_by_key(db: &impl ConnectionTrait, key: &str) -> Result<Option<disbursement::Model>> {
    Ok(disbursement::Entity::find().filter(disbursement::Column::IdempotencyKey.eq(key)).one(db).await?)
}

/// Parses an entry id given to the API.
pub fn parse_id(field: &str, id: &str) -> Result<i64> {
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::validation(field, format!("“{id}”不是有效的 id")))
}

/// A correcting entry (红冲): the negative of the original, pointing at it, dated today.
pub async fn reverse_disbursement(ctx: &Ctx, caller: &Caller, id: i64, reason: &str) -> Result<disbursement::Model> {
    let reason = required_text("reason", reason, 2000)?;
    let txn = begin_write(&ctx.db).await?;
    let original = disbursement::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("id", format!("没有 id 为 {id} 的拨付或支出记录")))?;
    check_project_scope(&txn, caller, original.project_id).await?;
    if caller.role == Role::Reporter && original.kind != DisbursementKind::Payment.as_str() {
        return Err(Error::Forbidden("拨付是国库登记的记录;只有国库可以红冲".into()));
    }
    if original.reversal_of.is_some() {
        return Err(Error::validation("id", format!("记录 {id} 本身是红冲记录,不能再红冲")));
    }
    let already = disbursement::Entity::find().filter(disbursement::Column::ReversalOf.eq(id)).one(&txn).await?;
    if let Some(r) = already {
        return Err(Error::conflict(Some("id"), format!("记录 {id} 已由记录 {} 红冲", r.id)));
    }
    let reversal = disbursement::ActiveModel {
        id: NotSet,
        project_id: Set(original.project_id),
        bond_id: Set(original.bond_id),
        kind: Set(original.kind.clone()),
        paid_on: Set(ctx.clock.today()),
        amount: Set(-original.amount),
        payee: Set(original.payee.clone()),
        economic_class: Set(original.economic_class.clone()),
        voucher_no: Set(original.voucher_no.clone()),
        reversal_of: Set(Some(original.id)),
        reason: Set(Some(reason)),
        idempotency_key: Set(None),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| super::unique_or(e, PAYMENT_REVERSAL, "id", format!("记录 {id} 已被红冲")))?;
    crate::base::marks::changed(&txn, [original.project_id]).await?;
    audit(&txn, ctx, caller, "reverseDisbursement", id.to_string(), Some(&original), Some(&reversal)).await?;
    txn.commit().await?;
    Ok(reversal)
}

pub struct ProgressInput {
    pub project_code: String,
    pub period: String,
    pub planned_percent: String,
    pub actual_percent: String,
    pub submitted_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Records a month's progress report; a second report for the month replaces the
/// first as the one read, and both stay (the first decides whether it was on time).
pub async fn record_progress(ctx: &Ctx, caller: &Caller, input: ProgressInput) -> Result<progress_report::Model> {
    in_write(&ctx.db, async |txn| record_progress_in(txn, ctx, caller, input).await).await
}

/// [`record_progress`] inside the caller's transaction (an import's).
pub async fn record_progress_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: ProgressInput,
) -> Result<progress_report::Model> {
    let month = Month::parse("input.period", &input.period)?;
    let planned = parse_percent("input.plannedPercent", &input.planned_percent)?;
    let actual = parse_percent("input.actualPercent", &input.actual_percent)?;
    let note = optional_text("input.note", input.note.as_deref(), 2000)?;
    let submitted_on = input.submitted_on.unwrap_or_else(|| ctx.clock.today());
    if submitted_on < month.first_day() {
        return Err(Error::validation(
            "input.submittedOn",
            format!("{month} 的进度报告不能在 {submitted_on} 报送:该月尚未开始"),
        ));
    }
    let project = project_in_scope(txn, caller, "input.projectCode", &input.project_code).await?;
    let model = progress_report::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        period: Set(month.to_string()),
        planned_percent: Set(planned.to_string()),
        actual_percent: Set(actual.to_string()),
        submitted_on: Set(submitted_on),
        note: Set(note),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(txn)
    .await?;
    crate::base::marks::changed(txn, [project.id]).await?;
    audit(txn, ctx, caller, "recordProgress", &project.code, None::<&()>, Some(&model)).await?;
    Ok(model)
}

#[derive(Clone)]
pub struct RevenueInput {
    pub project_code: String,
    pub period: String,
    pub source: String,
    pub collected: Money,
    pub transferred: Money,
    pub collected_on: Option<NaiveDate>,
    pub transferred_on: Option<NaiveDate>,
}

pub async fn record_revenue(
    ctx: &Ctx,
    caller: &Caller,
    input: RevenueInput,
    idempotency_key: Option<&str>,
) -> Result<revenue_record::Model> {
    let once = async |input| {
        in_write(&ctx.db, async |txn| record_revenue_in(txn, ctx, caller, input, idempotency_key).await).await
    };
    let first = once(input.clone()).await;
    if lost_key_race(&first, idempotency_key.map(|_| REVENUE_KEY)) { once(input).await } else { first }
}

/// [`record_revenue`] inside the caller's transaction (an import's).
pub async fn record_revenue_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: RevenueInput,
    idempotency_key: Option<&str>,
) -> Result<revenue_record::Model> {
    let key = check_key(idempotency_key)?;
    let month = Month::parse("input.period", &input.period)?;
    let source = required_text("input.source", &input.source, 200)?;
    let collected = non_negative_money("input.collected", input.collected)?;
    let transferred = non_negative_money("input.transferred", input.transferred)?;
    if collected.is_zero() && transferred.is_zero() {
        return Err(Error::validation("input.collected", "收取金额与缴入金额都为零;请至少填写其中一项"));
    }
    super::ordered_dates("input.transferredOn", input.collected_on, input.transferred_on)?;
    let project = project_in_scope(txn, caller, "input.projectCode", &input.project_code).await?;
    let candidate = revenue_record::Model {
        id: 0,
        project_id: project.id,
        period: month.to_string(),
        source,
        collected,
        transferred,
        collected_on: input.collected_on,
        transferred_on: input.transferred_on,
        reversal_of: None,
        reason: None,
        idempotency_key: key.clone(),
        recorded_at: ctx.clock.now(),
    };
    if let Some(k) = &key
        && let Some(existing) = revenue_record::Entity::find()
            .filter(revenue_record::Column::IdempotencyKey.eq(k.as_str()))
            .one(txn)
            .await?
    {
        let same = existing.project_id == candidate.project_id
            && existing.period == candidate.period
            && existing.source == candidate.source
            && existing.collected == candidate.collected
            && existing.transferred == candidate.transferred
            && existing.collected_on == candidate.collected_on
            && existing.transferred_on == candidate.transferred_on;
        return if same { Ok(existing) } else { Err(key_conflict(k)) };
    }
    let mut active: revenue_record::ActiveModel = candidate.into();
    active.id = NotSet;
    let created = active.insert(txn).await?;
    crate::base::marks::changed(txn, [project.id]).await?;
    audit(txn, ctx, caller, "recordRevenue", &project.code, None::<&()>, Some(&created)).await?;
    Ok(created)
}

pub async fn reverse_revenue(ctx: &Ctx, caller: &Caller, id: i64, reason: &str) -> Result<revenue_record::Model> {
    let reason = required_text("reason", reason, 2000)?;
    let txn = begin_write(&ctx.db).await?;
    let original = revenue_record::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("id", format!("没有 id 为 {id} 的收益记录")))?;
    check_project_scope(&txn, caller, original.project_id).await?;
    if original.reversal_of.is_some() {
        return Err(Error::validation("id", format!("记录 {id} 本身是红冲记录,不能再红冲")));
    }
    if let Some(r) = revenue_record::Entity::find().filter(revenue_record::Column::ReversalOf.eq(id)).one(&txn).await? {
        return Err(Error::conflict(Some("id"), format!("记录 {id} 已由记录 {} 红冲", r.id)));
    }
    let today = ctx.clock.today();
    let reversal = revenue_record::ActiveModel {
        id: NotSet,
        project_id: Set(original.project_id),
        period: Set(original.period.clone()),
        source: Set(original.source.clone()),
        collected: Set(-original.collected),
        transferred: Set(-original.transferred),
        collected_on: Set(original.collected_on.map(|_| today)),
        transferred_on: Set(original.transferred_on.map(|_| today)),
        reversal_of: Set(Some(original.id)),
        reason: Set(Some(reason)),
        idempotency_key: Set(None),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| super::unique_or(e, REVENUE_REVERSAL, "id", format!("记录 {id} 已被红冲")))?;
    crate::base::marks::changed(&txn, [original.project_id]).await?;
    audit(&txn, ctx, caller, "reverseRevenue", id.to_string(), Some(&original), Some(&reversal)).await?;
    txn.commit().await?;
    Ok(reversal)
}
