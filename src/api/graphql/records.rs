//! What the ledger records once a project is set up: bonds, their allocations and
//! receipts, disbursements, progress, revenue, a department's budget table, and the
//! adjustments of a bond's use between projects.

use async_graphql::{Context, ID, InputObject, Object};

use crate::api::error::{GqlResult, IntoGql};
use crate::api::scalars::{DateScalar, DecimalScalar, MoneyScalar, opt};
use crate::api::types::{
    Allocation, Bond, BondKind, DepartmentBudget, Disbursement, InterestFrequency, PaymentKind, ProgressReport,
    RevenueRecord, UseAdjustment, app, caller, enum_name,
};
use crate::error::Result;
use crate::ledger::{bonds, departments, funding, records};

#[derive(InputObject)]
pub struct AmortizationInput {
    pub year: i32,
    pub percent_of_face: DecimalScalar,
}

#[derive(InputObject)]
pub struct BondInput {
    pub code: String,
    pub name: String,
    pub kind: BondKind,
    pub issue_date: DateScalar,
    pub value_date: Option<DateScalar>,
    pub term_years: i32,
    pub coupon_rate_percent: DecimalScalar,
    pub face_amount: MoneyScalar,
    pub interest_frequency: Option<InterestFrequency>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub amortization: Option<Vec<AmortizationInput>>,
}

/// A second allocation of the same bond to the same project adds to the first.
#[derive(InputObject)]
pub struct AllocationInput {
    pub bond_code: String,
    pub project_code: String,
    pub amount: MoneyScalar,
    pub allocated_on: Option<DateScalar>,
    pub received_on: Option<DateScalar>,
}

#[derive(InputObject)]
pub struct ReceiptInput {
    pub bond_code: String,
    pub project_code: String,
    pub amount: MoneyScalar,
    pub received_on: DateScalar,
}

#[derive(InputObject)]
pub struct DisbursementInput {
    pub project_code: String,
    pub bond_code: Option<String>,
    #[graphql(default_with = "Some(PaymentKind::Payment)")]
    pub kind: Option<PaymentKind>,
    pub paid_on: DateScalar,
    pub amount: MoneyScalar,
    pub payee: String,
    pub economic_class: String,
    pub voucher_no: Option<String>,
}

/// A second report for the same period replaces the first (the audit trail keeps both).
#[derive(InputObject)]
pub struct ProgressInput {
    pub project_code: String,
    pub period: String,
    pub planned_percent: DecimalScalar,
    pub actual_percent: DecimalScalar,
    pub submitted_on: Option<DateScalar>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct RevenueInput {
    pub project_code: String,
    pub period: String,
    pub source: String,
    pub collected: MoneyScalar,
    pub transferred: MoneyScalar,
    pub collected_on: Option<DateScalar>,
    pub transferred_on: Option<DateScalar>,
}

#[derive(InputObject)]
pub struct BudgetLineInput {
    pub label: String,
    pub amount: MoneyScalar,
    pub stated_percent: Option<DecimalScalar>,
}

#[derive(InputObject)]
pub struct BudgetProjectLineInput {
    pub name: String,
    pub category: Option<String>,
    pub total_budget: MoneyScalar,
    pub current_year_budget: MoneyScalar,
    pub purpose: Option<String>,
}

/// Stated totals are the form's 合计 rows, checked against the lines (domain.md §8).
#[derive(InputObject)]
pub struct DepartmentBudgetInput {
    pub department_code: String,
    pub year: i32,
    pub income_total: MoneyScalar,
    pub income: Vec<BudgetLineInput>,
    pub expenditure_total: MoneyScalar,
    pub expenditure: Vec<BudgetLineInput>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub projects: Option<Vec<BudgetProjectLineInput>>,
}

#[derive(InputObject)]
pub struct UseAdjustmentInput {
    pub bond_code: String,
    pub from_project_code: String,
    pub to_project_code: String,
    pub amount: MoneyScalar,
    pub reason: String,
    pub approved_on: DateScalar,
}

fn budget_lines(lines: Vec<BudgetLineInput>, field: &str) -> Result<Vec<departments::BudgetLineInput>> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            Ok(departments::BudgetLineInput {
                amount: l.amount.parse_at(&format!("{field}[{i}].amount"))?,
                stated_percent: opt(
                    &l.stated_percent,
                    &format!("{field}[{i}].statedPercent"),
                    DecimalScalar::parse_at,
                )?,
                label: l.label,
            })
        })
        .collect()
}

#[derive(Default)]
pub struct RecordsMutation;

#[Object(name = "RecordsMutation")]
impl RecordsMutation {
    async fn create_bond(&self, ctx: &Context<'_>, input: BondInput) -> GqlResult<Bond> {
        let parsed = (|| {
            Ok(bonds::BondInput {
                issue_date: input.issue_date.parse_at("input.issueDate")?,
                value_date: opt(&input.value_date, "input.valueDate", DateScalar::parse_at)?,
                coupon_rate_percent: input.coupon_rate_percent.parse_at("input.couponRatePercent")?,
                face_amount: input.face_amount.parse_at("input.faceAmount")?,
                amortization: input
                    .amortization
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, a)| {
                        Ok(bonds::AmortizationInput {
                            year: a.year,
                            percent_of_face: a
                                .percent_of_face
                                .parse_at(&format!("input.amortization[{i}].percentOfFace"))?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
                code: input.code.clone(),
                name: input.name.clone(),
                kind: enum_name(input.kind),
                term_years: input.term_years,
                interest_frequency: input.interest_frequency.map(enum_name),
            })
        })()
        .gql()?;
        bonds::create_bond(app(ctx), caller(ctx)?, parsed).await.map(Bond).gql()
    }

    /// Allocates bond money to a project; with receivedOn, the whole amount is also recorded as received.
    async fn allocate_bond(&self, ctx: &Context<'_>, input: AllocationInput) -> GqlResult<Allocation> {
        let parsed = (|| {
            Ok(funding::AllocationInput {
                amount: input.amount.parse_at("input.amount")?,
                allocated_on: opt(&input.allocated_on, "input.allocatedOn", DateScalar::parse_at)?,
                received_on: opt(&input.received_on, "input.receivedOn", DateScalar::parse_at)?,
                bond_code: input.bond_code.clone(),
                project_code: input.project_code.clone(),
            })
        })()
        .gql()?;
        funding::allocate_bond(app(ctx), caller(ctx)?, parsed).await.map(Allocation::from).gql()
    }

    /// Records bond money arriving in the treasury for an allocation (all or part of it).
    async fn record_receipt(&self, ctx: &Context<'_>, input: ReceiptInput) -> GqlResult<Allocation> {
        let parsed = (|| {
            Ok(funding::ReceiptInput {
                amount: input.amount.parse_at("input.amount")?,
                received_on: input.received_on.parse_at("input.receivedOn")?,
                bond_code: input.bond_code.clone(),
                project_code: input.project_code.clone(),
            })
        })()
        .gql()?;
        funding::record_receipt(app(ctx), caller(ctx)?, parsed).await.map(Allocation::from).gql()
    }

    /// Idempotent: the same idempotencyKey twice records one disbursement.
    async fn record_disbursement(
        &self,
        ctx: &Context<'_>,
        input: DisbursementInput,
        idempotency_key: Option<String>,
    ) -> GqlResult<Disbursement> {
        let parsed = (|| {
            Ok(records::DisbursementInput {
                paid_on: input.paid_on.parse_at("input.paidOn")?,
                amount: input.amount.parse_at("input.amount")?,
                kind: enum_name(input.kind.unwrap_or(PaymentKind::Payment)),
                project_code: input.project_code.clone(),
                bond_code: input.bond_code.clone(),
                payee: input.payee.clone(),
                economic_class: input.economic_class.clone(),
                voucher_no: input.voucher_no.clone(),
            })
        })()
        .gql()?;
        records::record_disbursement(app(ctx), caller(ctx)?, parsed, idempotency_key.as_deref())
            .await
            .map(Disbursement)
            .gql()
    }

    /// A correcting entry (红冲) that cancels a disbursement; the original stays in the ledger.
    async fn reverse_disbursement(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<Disbursement> {
        let id = records::parse_id("id", &id).gql()?;
        records::reverse_disbursement(app(ctx), caller(ctx)?, id, &reason).await.map(Disbursement).gql()
    }

    async fn record_progress(&self, ctx: &Context<'_>, input: ProgressInput) -> GqlResult<ProgressReport> {
        let submitted_on = opt(&input.submitted_on, "input.submittedOn", DateScalar::parse_at).gql()?;
        let parsed = records::ProgressInput {
            project_code: input.project_code,
            period: input.period,
            planned_percent: input.planned_percent.0,
            actual_percent: input.actual_percent.0,
            submitted_on,
            note: input.note,
        };
        records::record_progress(app(ctx), caller(ctx)?, parsed).await.map(ProgressReport).gql()
    }

    async fn record_revenue(
        &self,
        ctx: &Context<'_>,
        input: RevenueInput,
        idempotency_key: Option<String>,
    ) -> GqlResult<RevenueRecord> {
        let parsed = (|| {
            Ok(records::RevenueInput {
                collected: input.collected.parse_at("input.collected")?,
                transferred: input.transferred.parse_at("input.transferred")?,
                collected_on: opt(&input.collected_on, "input.collectedOn", DateScalar::parse_at)?,
                transferred_on: opt(&input.transferred_on, "input.transferredOn", DateScalar::parse_at)?,
                project_code: input.project_code.clone(),
                period: input.period.clone(),
                source: input.source.clone(),
            })
        })()
        .gql()?;
        records::record_revenue(app(ctx), caller(ctx)?, parsed, idempotency_key.as_deref())
            .await
            .map(RevenueRecord)
            .gql()
    }

    async fn reverse_revenue(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<RevenueRecord> {
        let id = records::parse_id("id", &id).gql()?;
        records::reverse_revenue(app(ctx), caller(ctx)?, id, &reason).await.map(RevenueRecord).gql()
    }

    /// A department's whole-expenditure table (部门整体支出): income and expenditure composition and project lines.
    async fn record_department_budget(
        &self,
        ctx: &Context<'_>,
        input: DepartmentBudgetInput,
    ) -> GqlResult<DepartmentBudget> {
        let parsed = (|| {
            Ok(departments::DepartmentBudgetInput {
                income_total: input.income_total.parse_at("input.incomeTotal")?,
                expenditure_total: input.expenditure_total.parse_at("input.expenditureTotal")?,
                projects: input
                    .projects
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        Ok(departments::BudgetProjectLineInput {
                            total_budget: p.total_budget.parse_at(&format!("input.projects[{i}].totalBudget"))?,
                            current_year_budget: p
                                .current_year_budget
                                .parse_at(&format!("input.projects[{i}].currentYearBudget"))?,
                            name: p.name,
                            category: p.category,
                            purpose: p.purpose,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
                income: budget_lines(input.income, "input.income")?,
                expenditure: budget_lines(input.expenditure, "input.expenditure")?,
                department_code: input.department_code,
                year: input.year,
            })
        })()
        .gql()?;
        let budget = departments::record_department_budget(app(ctx), caller(ctx)?, parsed).await.gql()?;
        department_budget_of(ctx, budget).await
    }
}

#[derive(Default)]
pub struct AdjustmentMutation;

#[Object(name = "AdjustmentMutation")]
impl AdjustmentMutation {
    async fn adjust_use(&self, ctx: &Context<'_>, input: UseAdjustmentInput) -> GqlResult<UseAdjustment> {
        let parsed = (|| {
            Ok(funding::UseAdjustmentInput {
                amount: input.amount.parse_at("input.amount")?,
                approved_on: input.approved_on.parse_at("input.approvedOn")?,
                bond_code: input.bond_code.clone(),
                from_project_code: input.from_project_code.clone(),
                to_project_code: input.to_project_code.clone(),
                reason: input.reason.clone(),
            })
        })()
        .gql()?;
        funding::adjust_use(app(ctx), caller(ctx)?, parsed).await.map(UseAdjustment).gql()
    }
}

/// The table just recorded, read back as the schema shows it.
async fn department_budget_of(
    ctx: &Context<'_>,
    budget: crate::ledger::entities::department_budget::Model,
) -> GqlResult<DepartmentBudget> {
    let tables = crate::ledger::queries::department_budgets(&app(ctx).db, &[budget.department_id]).await.gql()?;
    let list = tables.into_iter().next().map(|(_, v)| v).unwrap_or_default();
    DepartmentBudget::find(std::sync::Arc::new(list), budget.id)
        .ok_or_else(|| async_graphql::Error::new("刚录入的部门整体支出表无法读回"))
}
