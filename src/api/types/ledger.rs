//! The ledger's codes, departments with their budget tables, and bonds.

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::{Allocation, DebtServiceLine, Project, app, load_many, load_one, loaders, stored};
use crate::api::error::GqlResult;
use crate::api::loaders::load_err;
use crate::api::scalars::{DateScalar, DecimalScalar, MoneyScalar};
use crate::ledger::entities::{bond, department};
use crate::ledger::queries::BudgetTable;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::ledger::projects::ProjectStatus")]
pub enum ProjectStatus {
    Proposed,
    Approved,
    Funded,
    UnderConstruction,
    Operating,
    Repaid,
    Cancelled,
}

/// 借 用 管 还.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::ledger::projects::Stage")]
pub enum Stage {
    Borrowing,
    Use,
    Management,
    Repayment,
}

/// 普通专项 项目收益专项 再融资专项.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum BondKind {
    Special,
    ProjectRevenue,
    Refinancing,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum InterestFrequency {
    Annual,
    SemiAnnual,
}

/// 拨付 TRANSFER: treasury to the project unit; 支出 PAYMENT: project unit to the final payee.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentKind {
    Transfer,
    Payment,
}

pub struct Department(pub department::Model);

#[Object]
impl Department {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn projects(&self, ctx: &Context<'_>) -> GqlResult<Vec<Project>> {
        let mut rows = load_many(&loaders(ctx).projects_by_department, self.0.id).await?;
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(rows.into_iter().map(Project).collect())
    }
    /// The latest table of each year, newest year first.
    async fn budgets(&self, ctx: &Context<'_>) -> GqlResult<Vec<DepartmentBudget>> {
        let tables = loaders(ctx).budgets.load_one(self.0.id).await.map_err(load_err)?.unwrap_or_default();
        Ok((0..tables.len()).map(|i| DepartmentBudget { tables: tables.clone(), index: i }).collect())
    }
}

pub struct DepartmentBudget {
    tables: std::sync::Arc<Vec<BudgetTable>>,
    index: usize,
}

impl DepartmentBudget {
    /// The table with this id among a department's tables.
    pub fn find(tables: std::sync::Arc<Vec<BudgetTable>>, id: i64) -> Option<Self> {
        let index = tables.iter().position(|t| t.budget.id == id)?;
        Some(DepartmentBudget { tables, index })
    }
    fn table(&self) -> &BudgetTable {
        &self.tables[self.index]
    }
    fn lines(&self, section: &str) -> Vec<BudgetLine> {
        self.table()
            .lines
            .iter()
            .filter(|l| l.section == section)
            .map(|l| BudgetLine {
                label: l.label.clone(),
                amount: l.amount.into(),
                stated_percent: l.stated_percent.as_deref().map(|p| DecimalScalar(p.to_string())),
            })
            .collect()
    }
}

#[Object]
impl DepartmentBudget {
    async fn department(&self, ctx: &Context<'_>) -> GqlResult<Department> {
        load_one(&loaders(ctx).department, self.table().budget.department_id).await.map(Department)
    }
    async fn year(&self) -> i32 {
        self.table().budget.year
    }
    /// 收入构成: financial allocation, special-account funds, unit funds … as stated on the form.
    async fn income(&self) -> Vec<BudgetLine> {
        self.lines("INCOME")
    }
    async fn income_total(&self) -> MoneyScalar {
        self.table().budget.income_total.into()
    }
    /// 支出构成: personnel, running, specific-purpose … as stated on the form.
    async fn expenditure(&self) -> Vec<BudgetLine> {
        self.lines("EXPENDITURE")
    }
    async fn expenditure_total(&self) -> MoneyScalar {
        self.table().budget.expenditure_total.into()
    }
    async fn projects(&self) -> Vec<BudgetProjectLine> {
        self.table()
            .projects
            .iter()
            .map(|p| BudgetProjectLine {
                name: p.name.clone(),
                category: p.category.clone(),
                total_budget: p.total_budget.into(),
                current_year_budget: p.current_year_budget.into(),
                purpose: p.purpose.clone(),
            })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct BudgetLine {
    pub label: String,
    pub amount: MoneyScalar,
    pub stated_percent: Option<DecimalScalar>,
}

#[derive(SimpleObject)]
pub struct BudgetProjectLine {
    pub name: String,
    pub category: Option<String>,
    pub total_budget: MoneyScalar,
    pub current_year_budget: MoneyScalar,
    pub purpose: Option<String>,
}

pub struct Bond(pub bond::Model);

#[Object]
impl Bond {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> GqlResult<BondKind> {
        stored(&self.0.kind, "bond kind")
    }
    async fn issue_date(&self) -> DateScalar {
        self.0.issue_date.into()
    }
    async fn value_date(&self) -> DateScalar {
        self.0.value_date.into()
    }
    async fn maturity_date(&self) -> DateScalar {
        self.0.maturity_date.into()
    }
    async fn term_years(&self) -> i32 {
        self.0.term_years
    }
    async fn coupon_rate_percent(&self) -> DecimalScalar {
        DecimalScalar(self.0.coupon_rate_percent.clone())
    }
    async fn face_amount(&self) -> MoneyScalar {
        self.0.face_amount.into()
    }
    /// As issued, or the configured default: annual up to 10 years, semi-annual above (domain.md §4).
    async fn interest_frequency(&self, ctx: &Context<'_>) -> InterestFrequency {
        match crate::debt::frequency_of(&self.0, &app(ctx).settings.debt) {
            crate::debt::schedule::Frequency::Annual => InterestFrequency::Annual,
            crate::debt::schedule::Frequency::SemiAnnual => InterestFrequency::SemiAnnual,
        }
    }
    /// Empty for bullet repayment; else principal instalments as percent of face.
    async fn amortization(&self, ctx: &Context<'_>) -> GqlResult<Vec<Amortization>> {
        let mut rows = load_many(&loaders(ctx).amortizations_by_bond, self.0.id).await?;
        rows.sort_by_key(|a| a.year);
        Ok(rows
            .into_iter()
            .map(|a| Amortization { year: a.year, percent_of_face: DecimalScalar(a.percent_of_face) })
            .collect())
    }
    /// One line per due date and allocated project; any unallocated face as lines without a project.
    async fn schedule(&self, ctx: &Context<'_>) -> GqlResult<Vec<DebtServiceLine>> {
        let book = load_one(&loaders(ctx).bond_books, self.0.id).await?;
        Ok(book.lines.iter().copied().map(DebtServiceLine).collect())
    }
    async fn allocations(&self, ctx: &Context<'_>) -> GqlResult<Vec<Allocation>> {
        let mut rows = load_many(&loaders(ctx).allocations_by_bond, self.0.id).await?;
        rows.sort_by_key(|a| (a.allocated_on, a.id));
        Ok(rows.into_iter().map(Allocation::from).collect())
    }
}

#[derive(SimpleObject)]
pub struct Amortization {
    pub year: i32,
    pub percent_of_face: DecimalScalar,
}
