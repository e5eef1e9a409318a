//! Debt service: the lines due in a period, and a payment against a line.

use async_graphql::{Context, InputObject, Object};

use super::department_scope;
use crate::api::error::{GqlResult, IntoGql};
use crate::api::scalars::{DateScalar, MoneyScalar, opt};
use crate::api::types::{DebtServiceLine, app, caller};

#[derive(InputObject)]
pub struct DebtServicePaymentInput {
    pub bond_code: String,
    /// projectCode is null only for a line of unallocated face.
    pub project_code: Option<String>,
    pub due_date: DateScalar,
    pub amount: MoneyScalar,
    pub paid_on: DateScalar,
    /// Set when part of the amount is paid with the proceeds of a refinancing bond (再融资).
    pub refinancing_bond_code: Option<String>,
    pub refinanced_amount: Option<MoneyScalar>,
}

#[derive(Default)]
pub struct DebtQuery;

#[Object(name = "DebtQuery")]
impl DebtQuery {
    /// Debt service lines due in [from, to], all projects or one department's.
    async fn debt_service(
        &self,
        ctx: &Context<'_>,
        from: DateScalar,
        to: DateScalar,
        department_code: Option<String>,
    ) -> GqlResult<Vec<DebtServiceLine>> {
        let (from, to) = (from.parse_at("from").gql()?, to.parse_at("to").gql()?);
        let department_code = department_scope(ctx, department_code).await?;
        let lines = crate::debt::lines_due(app(ctx), from, to, department_code.as_deref()).await.gql()?;
        Ok(lines.into_iter().map(DebtServiceLine).collect())
    }
}

#[derive(Default)]
pub struct DebtMutation;

#[Object(name = "DebtMutation")]
impl DebtMutation {
    async fn record_debt_service_payment(
        &self,
        ctx: &Context<'_>,
        input: DebtServicePaymentInput,
    ) -> GqlResult<DebtServiceLine> {
        let parsed = (|| {
            Ok(crate::debt::DebtServicePaymentInput {
                due_date: input.due_date.parse_at("input.dueDate")?,
                amount: input.amount.parse_at("input.amount")?,
                paid_on: input.paid_on.parse_at("input.paidOn")?,
                refinanced_amount: opt(&input.refinanced_amount, "input.refinancedAmount", MoneyScalar::parse_at)?,
                bond_code: input.bond_code.clone(),
                project_code: input.project_code.clone(),
                refinancing_bond_code: input.refinancing_bond_code.clone(),
            })
        })()
        .gql()?;
        crate::debt::record_debt_service_payment(app(ctx), caller(ctx)?, parsed).await.map(DebtServiceLine).gql()
    }
}
