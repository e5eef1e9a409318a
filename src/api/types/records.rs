//! What the ledger records against a project: bond allocations and their receipts,
//! disbursements, progress reports, revenue, and use adjustments.

use async_graphql::{Context, Object, SimpleObject};

use super::{Bond, PaymentKind, Project, load_many, load_one, loaders, stored};
use crate::api::error::GqlResult;
use crate::api::scalars::{DateScalar, DecimalScalar, MoneyScalar};
use crate::db::values::stored_decimal;
use crate::ledger::entities::{allocation, disbursement, progress_report, revenue_record, use_adjustment};

/// An allocation, with its position when the caller has it at hand.
pub struct Allocation(pub allocation::Model, Option<crate::ledger::positions::BondPosition>);

impl From<allocation::Model> for Allocation {
    fn from(model: allocation::Model) -> Self {
        Allocation(model, None)
    }
}

impl Allocation {
    pub(super) fn with_position(model: allocation::Model, position: crate::ledger::positions::BondPosition) -> Self {
        Allocation(model, Some(position))
    }

    async fn position(&self, ctx: &Context<'_>) -> GqlResult<crate::ledger::positions::BondPosition> {
        if let Some(p) = &self.1 {
            return Ok(p.clone());
        }
        let positions = load_one(&loaders(ctx).totals, self.0.project_id).await?;
        Ok(positions.bond(self.0.bond_id).cloned().unwrap_or_default())
    }
}

#[Object]
impl Allocation {
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Bond> {
        load_one(&loaders(ctx).bond, self.0.bond_id).await.map(Bond)
    }
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.project_id).await.map(Project)
    }
    /// The allocation in force as of the request's date, after use adjustments.
    async fn amount(&self, ctx: &Context<'_>) -> GqlResult<MoneyScalar> {
        Ok(self.position(ctx).await?.allocation.into())
    }
    async fn allocated_on(&self) -> DateScalar {
        self.0.allocated_on.into()
    }
    /// Receipts, plus money moved in, minus money moved out, as of the request's date.
    async fn received(&self, ctx: &Context<'_>) -> GqlResult<MoneyScalar> {
        Ok(self.position(ctx).await?.received.into())
    }
    async fn receipts(&self, ctx: &Context<'_>) -> GqlResult<Vec<Receipt>> {
        let mut rows = load_many(&loaders(ctx).receipts_by_allocation, self.0.id).await?;
        rows.sort_by_key(|r| (r.received_on, r.id));
        Ok(rows.into_iter().map(|r| Receipt { amount: r.amount.into(), received_on: r.received_on.into() }).collect())
    }
}

#[derive(SimpleObject)]
pub struct Receipt {
    pub amount: MoneyScalar,
    pub received_on: DateScalar,
}

pub struct Disbursement(pub disbursement::Model);

#[Object]
impl Disbursement {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.project_id).await.map(Project)
    }
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Option<Bond>> {
        match self.0.bond_id {
            Some(id) => load_one(&loaders(ctx).bond, id).await.map(|b| Some(Bond(b))),
            None => Ok(None),
        }
    }
    async fn kind(&self) -> GqlResult<PaymentKind> {
        stored(&self.0.kind, "disbursement kind")
    }
    async fn paid_on(&self) -> DateScalar {
        self.0.paid_on.into()
    }
    /// Negative for a reversal.
    async fn amount(&self) -> MoneyScalar {
        self.0.amount.into()
    }
    async fn reversal_of(&self) -> Option<async_graphql::ID> {
        self.0.reversal_of.map(Into::into)
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn payee(&self) -> &str {
        &self.0.payee
    }
    async fn economic_class(&self) -> &str {
        &self.0.economic_class
    }
    async fn voucher_no(&self) -> Option<&str> {
        self.0.voucher_no.as_deref()
    }
}

pub struct ProgressReport(pub progress_report::Model);

#[Object]
impl ProgressReport {
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn planned_percent(&self) -> DecimalScalar {
        stored_decimal(&self.0.planned_percent).into()
    }
    async fn actual_percent(&self) -> DecimalScalar {
        stored_decimal(&self.0.actual_percent).into()
    }
    async fn submitted_on(&self) -> DateScalar {
        self.0.submitted_on.into()
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

pub struct RevenueRecord(pub revenue_record::Model);

#[Object]
impl RevenueRecord {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn source(&self) -> &str {
        &self.0.source
    }
    async fn collected(&self) -> MoneyScalar {
        self.0.collected.into()
    }
    async fn transferred(&self) -> MoneyScalar {
        self.0.transferred.into()
    }
    async fn collected_on(&self) -> Option<DateScalar> {
        self.0.collected_on.map(Into::into)
    }
    async fn transferred_on(&self) -> Option<DateScalar> {
        self.0.transferred_on.map(Into::into)
    }
    async fn reversal_of(&self) -> Option<async_graphql::ID> {
        self.0.reversal_of.map(Into::into)
    }
}

pub struct UseAdjustment(pub use_adjustment::Model);

#[Object]
impl UseAdjustment {
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Bond> {
        load_one(&loaders(ctx).bond, self.0.bond_id).await.map(Bond)
    }
    async fn from_project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.from_project_id).await.map(Project)
    }
    async fn to_project(&self, ctx: &Context<'_>) -> GqlResult<Project> {
        load_one(&loaders(ctx).project, self.0.to_project_id).await.map(Project)
    }
    async fn amount(&self) -> MoneyScalar {
        self.0.amount.into()
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn approved_on(&self) -> DateScalar {
        self.0.approved_on.into()
    }
}
