//! Mutations: each parses its input (naming the field of any bad value), calls one
//! domain service — one transaction — and shapes the answer.

use async_graphql::{Context, ID, InputObject, Object};

use super::error::{GqlResult, IntoGql};
use super::scalars::{DateScalar, DecimalScalar, MoneyScalar, opt};
use super::types::*;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::evaluation;
use crate::ledger::{bonds, departments, funding, projects, records};
use crate::targets;

/// Who is calling: set by the HTTP layer, checked by the policy before any mutation runs.
pub(crate) fn caller<'a>(ctx: &'a Context<'_>) -> GqlResult<&'a Caller> {
    ctx.data_opt::<Caller>().ok_or_else(|| Error::Unauthenticated("请先登录".into())).gql()
}

fn zero() -> Option<MoneyScalar> {
    Some(MoneyScalar("0.00".into()))
}

#[derive(InputObject)]
pub struct DepartmentInput {
    pub code: String,
    pub name: String,
}

#[derive(InputObject)]
pub struct ProjectInput {
    pub code: String,
    pub name: String,
    pub department_code: String,
    pub executing_unit: String,
    pub category: String,
    pub construction_content: Option<String>,
    pub planned_start: Option<DateScalar>,
    pub planned_completion: Option<DateScalar>,
    pub approved_investment: MoneyScalar,
    /// defaults to approvedInvestment
    pub current_estimate: Option<MoneyScalar>,
    #[graphql(default_with = "zero()")]
    pub planned_bond_funding: Option<MoneyScalar>,
    #[graphql(default_with = "zero()")]
    pub capital_fund: Option<MoneyScalar>,
    #[graphql(default_with = "zero()")]
    pub own_funds: Option<MoneyScalar>,
    #[graphql(default_with = "zero()")]
    pub other_funding: Option<MoneyScalar>,
    pub revenue_start: Option<DateScalar>,
    pub revenue_end: Option<DateScalar>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub maturity_documents: Option<Vec<String>>,
}

#[derive(InputObject, Default)]
pub struct ProjectPatch {
    pub name: Option<String>,
    pub executing_unit: Option<String>,
    pub category: Option<String>,
    pub construction_content: Option<String>,
    pub planned_start: Option<DateScalar>,
    pub planned_completion: Option<DateScalar>,
    pub current_estimate: Option<MoneyScalar>,
    pub planned_bond_funding: Option<MoneyScalar>,
    pub capital_fund: Option<MoneyScalar>,
    pub own_funds: Option<MoneyScalar>,
    pub other_funding: Option<MoneyScalar>,
    pub revenue_start: Option<DateScalar>,
    pub revenue_end: Option<DateScalar>,
    pub maturity_documents: Option<Vec<String>>,
}

impl ProjectPatch {
    fn facts(self) -> Result<projects::ProjectFacts> {
        let money = |v: &Option<MoneyScalar>, f: &str| opt(v, f, MoneyScalar::parse_at);
        let date = |v: &Option<DateScalar>, f: &str| opt(v, f, DateScalar::parse_at);
        Ok(projects::ProjectFacts {
            planned_start: date(&self.planned_start, "input.plannedStart")?,
            planned_completion: date(&self.planned_completion, "input.plannedCompletion")?,
            revenue_start: date(&self.revenue_start, "input.revenueStart")?,
            revenue_end: date(&self.revenue_end, "input.revenueEnd")?,
            current_estimate: money(&self.current_estimate, "input.currentEstimate")?,
            planned_bond_funding: money(&self.planned_bond_funding, "input.plannedBondFunding")?,
            capital_fund: money(&self.capital_fund, "input.capitalFund")?,
            own_funds: money(&self.own_funds, "input.ownFunds")?,
            other_funding: money(&self.other_funding, "input.otherFunding")?,
            name: self.name,
            executing_unit: self.executing_unit,
            category: self.category,
            construction_content: self.construction_content,
            maturity_documents: self.maturity_documents,
        })
    }
}

impl ProjectInput {
    fn parse(self) -> Result<projects::ProjectInput> {
        let approved = self.approved_investment.parse_at("input.approvedInvestment")?;
        let patch = ProjectPatch {
            name: Some(self.name),
            executing_unit: Some(self.executing_unit),
            category: Some(self.category),
            construction_content: self.construction_content,
            planned_start: self.planned_start,
            planned_completion: self.planned_completion,
            current_estimate: self.current_estimate,
            planned_bond_funding: self.planned_bond_funding.or_else(zero),
            capital_fund: self.capital_fund.or_else(zero),
            own_funds: self.own_funds.or_else(zero),
            other_funding: self.other_funding.or_else(zero),
            revenue_start: self.revenue_start,
            revenue_end: self.revenue_end,
            maturity_documents: Some(self.maturity_documents.unwrap_or_default()),
        };
        Ok(projects::ProjectInput {
            code: self.code,
            department_code: self.department_code,
            approved_investment: approved,
            facts: patch.facts()?,
        })
    }
}

#[derive(InputObject)]
pub struct SpendingPlanInput {
    pub period: String,
    pub cumulative_percent: DecimalScalar,
}

#[derive(InputObject)]
pub struct RevenueForecastInput {
    pub year: i32,
    pub revenue: MoneyScalar,
    pub operating_cost: MoneyScalar,
}

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

/// job names a digest job of jobs/schedule.toml, e.g. digest_daily.
#[derive(InputObject)]
pub struct DigestSubscriptionInput {
    pub recipient: String,
    pub email: String,
    #[graphql(default_with = "Some(Vec::new())")]
    pub department_codes: Option<Vec<String>>,
    #[graphql(default_with = "Some(Severity::Yellow)")]
    pub min_severity: Option<Severity>,
    pub job: String,
    /// Send a short "no new alerts" digest when there is nothing to report.
    #[graphql(default_with = "Some(true)")]
    pub send_empty: Option<bool>,
}

impl DigestSubscriptionInput {
    fn parse(self) -> crate::digest::SubscriptionInput {
        crate::digest::SubscriptionInput {
            recipient: self.recipient,
            email: self.email,
            department_codes: self.department_codes.unwrap_or_default(),
            min_severity: self.min_severity.unwrap_or(Severity::Yellow).into(),
            job: self.job,
            send_empty: self.send_empty.unwrap_or(true),
        }
    }
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

#[derive(InputObject)]
pub struct IndicatorInput {
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target_text: String,
    pub basis: Option<String>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub history: Option<Vec<Option<String>>>,
}

/// A target belongs to a project or, for whole-department targets, to a department: give exactly one code.
#[derive(InputObject)]
pub struct TargetInput {
    pub project_code: Option<String>,
    pub department_code: Option<String>,
    pub scope: String,
    pub year: Option<i32>,
    pub description: String,
    pub approved_on: Option<DateScalar>,
    pub indicators: Vec<IndicatorInput>,
}

/// judgement (达成 / 部分达成 / 未达成) is required for a qualitative indicator, optional otherwise.
#[derive(InputObject)]
pub struct IndicatorActualInput {
    pub indicator_id: ID,
    pub period: String,
    pub actual: String,
    pub judgement: Option<String>,
}

#[derive(InputObject)]
pub struct AssessmentPointInput {
    pub point: i32,
    pub score: Option<DecimalScalar>,
    pub comment: Option<String>,
}

#[derive(InputObject)]
pub struct AssessmentInput {
    pub project_code: String,
    pub submitted_on: DateScalar,
    pub conclusion: String,
    pub points: Vec<AssessmentPointInput>,
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
pub struct Mutation;

#[Object(name = "LedgerMutation")]
impl Mutation {
    /// Opens a session: the token, and an HttpOnly session cookie for browsers.
    async fn login(&self, ctx: &Context<'_>, username: String, password: String) -> GqlResult<Session> {
        let app = app(ctx);
        let address = ctx.data_opt::<super::ClientAddress>().map(|a| a.0.as_str()).unwrap_or("unknown");
        let session = crate::auth::login(app, &username, &password, address).await.gql()?;
        ctx.append_http_header("Set-Cookie", super::session_cookie(&app.settings.auth, &session.token));
        Ok(Session {
            token: session.token,
            user: User {
                username: session.user.username.clone(),
                role: crate::auth::Role::parse(&session.user.role).unwrap_or(crate::auth::Role::Researcher),
                department_id: session.user.department_id,
                email: session.user.email.clone(),
            },
            expires_at: session.expires_at.map(super::scalars::DateTimeScalar),
        })
    }

    async fn create_department(&self, ctx: &Context<'_>, input: DepartmentInput) -> GqlResult<Department> {
        let input = departments::DepartmentInput { code: input.code, name: input.name };
        departments::create_department(app(ctx), caller(ctx)?, input).await.map(Department).gql()
    }

    async fn create_project(&self, ctx: &Context<'_>, input: ProjectInput) -> GqlResult<Project> {
        let input = input.parse().gql()?;
        projects::create_project(app(ctx), caller(ctx)?, input).await.map(Project).gql()
    }

    /// Changes a project's facts; fails with CONFLICT when expectedVersion is not the current version.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        code: String,
        expected_version: i32,
        input: ProjectPatch,
    ) -> GqlResult<Project> {
        let facts = input.facts().gql()?;
        projects::update_project(app(ctx), caller(ctx)?, &code, expected_version, facts).await.map(Project).gql()
    }

    /// Moves the status; effectiveOn (default today) dates the change, e.g. the actual start.
    async fn set_project_status(
        &self,
        ctx: &Context<'_>,
        code: String,
        status: ProjectStatus,
        effective_on: Option<DateScalar>,
        note: Option<String>,
    ) -> GqlResult<Project> {
        let effective_on = opt(&effective_on, "effectiveOn", DateScalar::parse_at).gql()?;
        projects::set_project_status(app(ctx), caller(ctx)?, &code, status.into(), effective_on, note)
            .await
            .map(Project)
            .gql()
    }

    /// The cumulative spending plan (用款计划) by month; replaces the previous plan.
    async fn set_spending_plan(
        &self,
        ctx: &Context<'_>,
        project_code: String,
        months: Vec<SpendingPlanInput>,
    ) -> GqlResult<Project> {
        let months = months
            .into_iter()
            .map(|m| projects::SpendingPlanInput { period: m.period, cumulative_percent: m.cumulative_percent.0 })
            .collect();
        projects::set_spending_plan(app(ctx), caller(ctx)?, &project_code, months).await.map(Project).gql()
    }

    async fn set_revenue_forecast(
        &self,
        ctx: &Context<'_>,
        project_code: String,
        years: Vec<RevenueForecastInput>,
    ) -> GqlResult<Project> {
        let years = years
            .into_iter()
            .enumerate()
            .map(|(i, y)| {
                Ok(projects::RevenueForecastInput {
                    year: y.year,
                    revenue: y.revenue.parse_at(&format!("years[{i}].revenue"))?,
                    operating_cost: y.operating_cost.parse_at(&format!("years[{i}].operatingCost"))?,
                })
            })
            .collect::<Result<Vec<_>>>()
            .gql()?;
        projects::set_revenue_forecast(app(ctx), caller(ctx)?, &project_code, years).await.map(Project).gql()
    }

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

    /// Marks a declared target approved; targets are read in their latest declaration.
    async fn approve_target(&self, ctx: &Context<'_>, id: ID, approved_on: DateScalar) -> GqlResult<PerformanceTarget> {
        let id = records::parse_id("id", &id).gql()?;
        let approved_on = approved_on.parse_at("approvedOn").gql()?;
        targets::approve_target(app(ctx), caller(ctx)?, id, approved_on).await.map(PerformanceTarget).gql()
    }

    /// Scores a project for a year (domain.md §6) and stores the result; the same again gives the same.
    async fn evaluate(&self, ctx: &Context<'_>, project_code: String, year: i32) -> GqlResult<Evaluation> {
        crate::evaluation::evaluate(app(ctx), caller(ctx)?, &project_code, year).await.map(Evaluation).gql()
    }

    /// Imports a workbook made from the template (`GET /templates/bondwatch.xlsx`):
    /// all or nothing, every problem reported; `dryRun` checks without writing.
    async fn import_workbook(
        &self,
        ctx: &Context<'_>,
        file: async_graphql::Upload,
        #[graphql(default_with = "Some(false)")] dry_run: Option<bool>,
    ) -> GqlResult<ImportReport> {
        use crate::spreadsheets::import::{ImportOptions, Source, import};
        use std::io::Read as _;
        let mut bytes = Vec::new();
        let upload = file.value(ctx).map_err(|e| Error::validation("file", format!("没有收到上传的文件:{e}")));
        upload
            .gql()?
            .into_read()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::validation("file", format!("无法读取上传的文件:{e}")))
            .gql()?;
        let options = ImportOptions { dry_run: dry_run.unwrap_or(false), ..ImportOptions::default() };
        import(app(ctx), caller(ctx)?, Source::Bytes(bytes), options).await.map(ImportReport).gql()
    }

    async fn subscribe_digest(
        &self,
        ctx: &Context<'_>,
        input: DigestSubscriptionInput,
    ) -> GqlResult<DigestSubscription> {
        crate::digest::subscribe(app(ctx), caller(ctx)?, input.parse()).await.map(DigestSubscription).gql()
    }

    async fn update_digest_subscription(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: DigestSubscriptionInput,
    ) -> GqlResult<DigestSubscription> {
        let id = records::parse_id("id", &id).gql()?;
        crate::digest::update(app(ctx), caller(ctx)?, id, input.parse()).await.map(DigestSubscription).gql()
    }

    async fn pause_digest_subscription(
        &self,
        ctx: &Context<'_>,
        id: ID,
        paused: bool,
    ) -> GqlResult<DigestSubscription> {
        let id = records::parse_id("id", &id).gql()?;
        crate::digest::set_flags(app(ctx), caller(ctx)?, id, Some(paused), false).await.map(DigestSubscription).gql()
    }

    async fn unsubscribe_digest(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        let id = records::parse_id("id", &id).gql()?;
        crate::digest::set_flags(app(ctx), caller(ctx)?, id, None, true).await.map(|_| true).gql()
    }

    /// Runs every alert rule now and stores the result; the scheduled job calls the same code.
    async fn run_alert_sweep(&self, ctx: &Context<'_>) -> GqlResult<SweepResult> {
        let app = app(ctx);
        let options = crate::monitoring::sweep::SweepOptions::default();
        let r = crate::monitoring::sweep::run(app, &app.rules, app.clock.today(), options).await.gql()?;
        Ok(SweepResult {
            projects: r.projects as i32,
            raised: r.raised as i32,
            updated: r.updated as i32,
            resolved: r.resolved as i32,
            millis: r.millis as i32,
        })
    }

    async fn acknowledge_alert(&self, ctx: &Context<'_>, id: ID, note: Option<String>) -> GqlResult<Alert> {
        let id = records::parse_id("id", &id).gql()?;
        crate::monitoring::store::acknowledge(app(ctx), caller(ctx)?, id, note).await.map(Alert).gql()
    }

    async fn waive_alert(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<Alert> {
        let id = records::parse_id("id", &id).gql()?;
        crate::monitoring::store::waive(app(ctx), caller(ctx)?, id, &reason).await.map(Alert).gql()
    }

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

    async fn declare_target(&self, ctx: &Context<'_>, input: TargetInput) -> GqlResult<PerformanceTarget> {
        let approved_on = opt(&input.approved_on, "input.approvedOn", DateScalar::parse_at).gql()?;
        let parsed = targets::TargetInput {
            project_code: input.project_code,
            department_code: input.department_code,
            scope: input.scope,
            year: input.year,
            description: input.description,
            approved_on,
            indicators: input
                .indicators
                .into_iter()
                .map(|i| targets::IndicatorInput {
                    level1: i.level1,
                    level2: i.level2,
                    name: i.name,
                    target_text: i.target_text,
                    basis: i.basis,
                    history: i.history.unwrap_or_default(),
                })
                .collect(),
        };
        targets::declare_target(app(ctx), caller(ctx)?, parsed).await.map(PerformanceTarget).gql()
    }

    async fn record_indicator_actual(&self, ctx: &Context<'_>, input: IndicatorActualInput) -> GqlResult<Indicator> {
        let indicator_id = records::parse_id("input.indicatorId", &input.indicator_id).gql()?;
        let parsed = targets::IndicatorActualInput {
            indicator_id,
            period: input.period,
            actual: input.actual,
            judgement: input.judgement,
        };
        targets::record_indicator_actual(app(ctx), caller(ctx)?, parsed)
            .await
            .map(|row| Indicator { row, target: None })
            .gql()
    }

    async fn submit_assessment(&self, ctx: &Context<'_>, input: AssessmentInput) -> GqlResult<Assessment> {
        let parsed = (|| {
            Ok(evaluation::AssessmentInput {
                submitted_on: input.submitted_on.parse_at("input.submittedOn")?,
                points: input
                    .points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        Ok(evaluation::AssessmentPointInput {
                            point: p.point,
                            score: opt(&p.score, &format!("input.points[{i}].score"), DecimalScalar::parse_at)?,
                            comment: p.comment.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
                project_code: input.project_code.clone(),
                conclusion: input.conclusion.clone(),
            })
        })()
        .gql()?;
        evaluation::submit_assessment(app(ctx), caller(ctx)?, parsed).await.map(Assessment).gql()
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
