//! The ledger's tables. Behaviour lives in the sibling modules, not here.

pub mod department {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "departments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub created_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod department_budget {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "department_budgets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub department_id: i64,
        pub year: i32,
        pub income_total: Money,
        pub expenditure_total: Money,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod department_budget_line {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "department_budget_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub budget_id: i64,
        /// `INCOME` (收入构成) or `EXPENDITURE` (支出构成).
        pub section: String,
        pub position: i32,
        pub label: String,
        pub amount: Money,
        pub stated_percent: Option<String>,
    }
    crate::plain_entity!();
}

pub mod department_budget_project {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "department_budget_projects")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub budget_id: i64,
        pub position: i32,
        pub name: String,
        pub category: Option<String>,
        pub total_budget: Money,
        pub current_year_budget: Money,
        pub purpose: Option<String>,
    }
    crate::plain_entity!();
}

pub mod project {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "projects")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub department_id: i64,
        pub executing_unit: String,
        pub category: String,
        pub construction_content: Option<String>,
        pub planned_start: Option<Date>,
        pub planned_completion: Option<Date>,
        pub actual_start: Option<Date>,
        pub actual_completion: Option<Date>,
        pub approved_investment: Money,
        pub current_estimate: Money,
        pub planned_bond_funding: Money,
        pub capital_fund: Money,
        pub own_funds: Money,
        pub other_funding: Money,
        pub revenue_start: Option<Date>,
        pub revenue_end: Option<Date>,
        /// JSON array of the maturity documents present (可研批复, 用地, 环评, 施工许可).
        pub maturity_documents: String,
        pub status: String,
        /// The status a cancelled project had, which keeps deciding its stage.
        pub status_before_cancel: Option<String>,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod project_status_change {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "project_status_changes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub from_status: Option<String>,
        pub to_status: String,
        pub effective_on: Date,
        pub recorded_at: DateTimeUtc,
        pub recorded_by: String,
        pub note: Option<String>,
    }
    crate::plain_entity!();
}

pub mod spending_plan_month {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "spending_plan_months")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub period: String,
        pub cumulative_percent: String,
    }
    crate::plain_entity!();
}

pub mod revenue_forecast {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "revenue_forecasts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub year: i32,
        pub revenue: Money,
        pub operating_cost: Money,
    }
    crate::plain_entity!();
}

pub mod bond {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "bonds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub kind: String,
        pub issue_date: Date,
        pub value_date: Date,
        pub maturity_date: Date,
        pub term_years: i32,
        pub coupon_rate_percent: String,
        pub face_amount: Money,
        /// `ANNUAL`, `SEMI_ANNUAL`, or none (the configured default applies).
        pub interest_frequency: Option<String>,
        pub created_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod bond_amortization {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "bond_amortizations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub bond_id: i64,
        pub year: i32,
        pub percent_of_face: String,
        /// The end of that bond year: value date + `year` years.
        pub due_on: Date,
    }
    crate::plain_entity!();
}

pub mod allocation {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "allocations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub bond_id: i64,
        pub project_id: i64,
        /// The sum of every allocation of this bond to this project.
        pub amount: Money,
        /// The date of the first allocation.
        pub allocated_on: Date,
        pub created_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod allocation_increment {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "allocation_increments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub allocation_id: i64,
        pub amount: Money,
        pub allocated_on: Date,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod receipt {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "receipts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub allocation_id: i64,
        pub amount: Money,
        pub received_on: Date,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod disbursement {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "disbursements")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub bond_id: Option<i64>,
        /// `TRANSFER` (拨付) or `PAYMENT` (支出).
        pub kind: String,
        pub paid_on: Date,
        /// Negative for a reversal (红冲).
        pub amount: Money,
        pub payee: String,
        pub economic_class: String,
        pub voucher_no: Option<String>,
        pub reversal_of: Option<i64>,
        pub reason: Option<String>,
        pub idempotency_key: Option<String>,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod progress_report {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "progress_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub period: String,
        pub planned_percent: String,
        pub actual_percent: String,
        pub submitted_on: Date,
        pub note: Option<String>,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod revenue_record {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "revenue_records")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub period: String,
        pub source: String,
        pub collected: Money,
        pub transferred: Money,
        pub collected_on: Option<Date>,
        pub transferred_on: Option<Date>,
        pub reversal_of: Option<i64>,
        pub reason: Option<String>,
        pub idempotency_key: Option<String>,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod debt_service_payment {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "debt_service_payments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub bond_id: i64,
        pub project_id: Option<i64>,
        pub due_date: Date,
        pub amount: Money,
        pub paid_on: Date,
        pub refinancing_bond_id: Option<i64>,
        pub refinanced_amount: Money,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod use_adjustment {
    use crate::db::Money;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "use_adjustments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub bond_id: i64,
        pub from_project_id: i64,
        pub to_project_id: i64,
        /// Allocation that changes project (in force from `approved_on`).
        pub amount: Money,
        pub reason: String,
        pub approved_on: Date,
        /// The money that moved with it (domain.md §2: only what the from-project held
        /// on the approval date), taken from the treasury first, then returned by its unit.
        pub moved_from_treasury: Money,
        pub moved_from_unit: Money,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

/// A version of what is updated in place (a project's facts, its spending plan, its
/// revenue forecast): the body as JSON, current from `recorded_at` until `superseded_at`.
pub mod fact_version {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "fact_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        /// `PROJECT`, `PLAN` or `FORECAST`.
        pub kind: String,
        pub body: String,
        pub recorded_at: DateTimeUtc,
        pub superseded_at: Option<DateTimeUtc>,
    }
    crate::plain_entity!();
}
