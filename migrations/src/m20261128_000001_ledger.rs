//! The ledger: departments and their budget tables, projects, bonds, allocations,
//! receipts, disbursements, progress, revenue, debt-service payments, use adjustments.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, drop_all, fk, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000001_ledger"
    }
}

const TABLES: &[&str] = &[
    "departments",
    "department_budgets",
    "department_budget_lines",
    "department_budget_projects",
    "projects",
    "project_status_changes",
    "spending_plan_months",
    "revenue_forecasts",
    "bonds",
    "bond_amortizations",
    "allocations",
    "allocation_increments",
    "receipts",
    "disbursements",
    "progress_reports",
    "revenue_records",
    "debt_service_payments",
    "use_adjustments",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Vec::new();

        t.push(
            table("departments")
                .col(string_uniq("code"))
                .col(text("name"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        );

        let mut budgets = table("department_budgets");
        fk(&mut budgets, "department_budgets", "department_id", "departments", false);
        budgets
            .col(integer("year"))
            .col(big_integer("income_total"))
            .col(big_integer("expenditure_total"))
            .col(timestamp_with_time_zone("recorded_at"));
        t.push(budgets);

        let mut lines = table("department_budget_lines");
        fk(&mut lines, "department_budget_lines", "budget_id", "department_budgets", false);
        lines
            .col(string("section"))
            .col(integer("position"))
            .col(text("label"))
            .col(big_integer("amount"))
            .col(string_null("stated_percent"));
        t.push(lines);

        let mut bprojects = table("department_budget_projects");
        fk(&mut bprojects, "department_budget_projects", "budget_id", "department_budgets", false);
        bprojects
            .col(integer("position"))
            .col(text("name"))
            .col(text_null("category"))
            .col(big_integer("total_budget"))
            .col(big_integer("current_year_budget"))
            .col(text_null("purpose"));
        t.push(bprojects);

        let mut projects = table("projects");
        projects.col(string_uniq("code")).col(text("name"));
        fk(&mut projects, "projects", "department_id", "departments", false);
        projects
            .col(text("executing_unit"))
            .col(text("category"))
            .col(text_null("construction_content"))
            .col(date_null("planned_start"))
            .col(date_null("planned_completion"))
            .col(date_null("actual_start"))
            .col(date_null("actual_completion"))
            .col(big_integer("approved_investment"))
            .col(big_integer("current_estimate"))
            .col(big_integer("planned_bond_funding"))
            .col(big_integer("capital_fund"))
            .col(big_integer("own_funds"))
            .col(big_integer("other_funding"))
            .col(date_null("revenue_start"))
            .col(date_null("revenue_end"))
            .col(text("maturity_documents"))
            .col(string("status"))
            .col(string_null("status_before_cancel"))
            .col(integer("version"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"));
        t.push(projects);

        let mut status = table("project_status_changes");
        fk(&mut status, "project_status_changes", "project_id", "projects", false);
        status
            .col(string_null("from_status"))
            .col(string("to_status"))
            .col(date("effective_on"))
            .col(timestamp_with_time_zone("recorded_at"))
            .col(text("recorded_by"))
            .col(text_null("note"));
        t.push(status);

        let mut plan = table("spending_plan_months");
        fk(&mut plan, "spending_plan_months", "project_id", "projects", false);
        plan.col(string("period")).col(string("cumulative_percent"));
        t.push(plan);

        let mut forecast = table("revenue_forecasts");
        fk(&mut forecast, "revenue_forecasts", "project_id", "projects", false);
        forecast.col(integer("year")).col(big_integer("revenue")).col(big_integer("operating_cost"));
        t.push(forecast);

        t.push(
            table("bonds")
                .col(string_uniq("code"))
                .col(text("name"))
                .col(string("kind"))
                .col(date("issue_date"))
                .col(date("value_date"))
                .col(date("maturity_date"))
                .col(integer("term_years"))
                .col(string("coupon_rate_percent"))
                .col(big_integer("face_amount"))
                .col(string_null("interest_frequency"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        );

        let mut amort = table("bond_amortizations");
        fk(&mut amort, "bond_amortizations", "bond_id", "bonds", false);
        amort.col(integer("year")).col(string("percent_of_face")).col(date("due_on"));
        t.push(amort);

        let mut alloc = table("allocations");
        fk(&mut alloc, "allocations", "bond_id", "bonds", false);
        fk(&mut alloc, "allocations", "project_id", "projects", false);
        alloc.col(big_integer("amount")).col(date("allocated_on")).col(timestamp_with_time_zone("created_at"));
        t.push(alloc);

        let mut incr = table("allocation_increments");
        fk(&mut incr, "allocation_increments", "allocation_id", "allocations", false);
        incr.col(big_integer("amount")).col(date("allocated_on")).col(timestamp_with_time_zone("recorded_at"));
        t.push(incr);

        let mut receipts = table("receipts");
        fk(&mut receipts, "receipts", "allocation_id", "allocations", false);
        receipts.col(big_integer("amount")).col(date("received_on")).col(timestamp_with_time_zone("recorded_at"));
        t.push(receipts);

        let mut disb = table("disbursements");
        fk(&mut disb, "disbursements", "project_id", "projects", false);
        fk(&mut disb, "disbursements", "bond_id", "bonds", true);
        disb.col(string("kind"))
            .col(date("paid_on"))
            .col(big_integer("amount"))
            .col(text("payee"))
            .col(text("economic_class"))
            .col(string_null("voucher_no"));
        fk(&mut disb, "disbursements", "reversal_of", "disbursements", true);
        disb.col(text_null("reason")).col(string_null("idempotency_key")).col(timestamp_with_time_zone("recorded_at"));
        t.push(disb);

        let mut progress = table("progress_reports");
        fk(&mut progress, "progress_reports", "project_id", "projects", false);
        progress
            .col(string("period"))
            .col(string("planned_percent"))
            .col(string("actual_percent"))
            .col(date("submitted_on"))
            .col(text_null("note"))
            .col(timestamp_with_time_zone("recorded_at"));
        t.push(progress);

        let mut revenue = table("revenue_records");
        fk(&mut revenue, "revenue_records", "project_id", "projects", false);
        revenue
            .col(string("period"))
            .col(text("source"))
            .col(big_integer("collected"))
            .col(big_integer("transferred"))
            .col(date_null("collected_on"))
            .col(date_null("transferred_on"));
        fk(&mut revenue, "revenue_records", "reversal_of", "revenue_records", true);
        revenue
            .col(text_null("reason"))
            .col(string_null("idempotency_key"))
            .col(timestamp_with_time_zone("recorded_at"));
        t.push(revenue);

        let mut dsp = table("debt_service_payments");
        fk(&mut dsp, "debt_service_payments", "bond_id", "bonds", false);
        fk(&mut dsp, "debt_service_payments", "project_id", "projects", true);
        dsp.col(date("due_date")).col(big_integer("amount")).col(date("paid_on"));
        fk(&mut dsp, "debt_service_payments", "refinancing_bond_id", "bonds", true);
        dsp.col(big_integer("refinanced_amount")).col(timestamp_with_time_zone("recorded_at"));
        t.push(dsp);

        let mut adj = table("use_adjustments");
        fk(&mut adj, "use_adjustments", "bond_id", "bonds", false);
        fk(&mut adj, "use_adjustments", "from_project_id", "projects", false);
        fk(&mut adj, "use_adjustments", "to_project_id", "projects", false);
        adj.col(big_integer("amount"))
            .col(text("reason"))
            .col(date("approved_on"))
            .col(timestamp_with_time_zone("recorded_at"));
        t.push(adj);

        let indexes = vec![
            index("department_budgets", &["department_id", "year"], false),
            index("department_budget_lines", &["budget_id"], false),
            index("department_budget_projects", &["budget_id"], false),
            index("projects", &["department_id"], false),
            index("project_status_changes", &["project_id"], false),
            index("spending_plan_months", &["project_id", "period"], true),
            index("revenue_forecasts", &["project_id", "year"], true),
            index("bond_amortizations", &["bond_id", "year"], true),
            index("allocations", &["bond_id", "project_id"], true),
            index("allocations", &["project_id"], false),
            index("allocation_increments", &["allocation_id"], false),
            index("receipts", &["allocation_id"], false),
            index("disbursements", &["project_id", "kind"], false),
            index("disbursements", &["reversal_of"], true),
            index("disbursements", &["idempotency_key"], true),
            index("progress_reports", &["project_id", "period"], false),
            index("revenue_records", &["project_id", "period"], false),
            index("revenue_records", &["reversal_of"], true),
            index("revenue_records", &["idempotency_key"], true),
            index("debt_service_payments", &["bond_id", "due_date"], false),
            index("use_adjustments", &["bond_id"], false),
        ];
        create_all(manager, t, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, TABLES).await
    }
}
