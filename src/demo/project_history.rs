//! A project from its approval on: its facts, status history, bond money, progress
//! reports, revenue and spending plan.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::annual_targets::load_targets;
use super::evaluations::load_assessment;
use super::money::{load_money, receives_monthly};
use super::portfolio::Spec;
use super::{Calendar, demo_caller, yuan};
use crate::Ctx;
use crate::db::Money;
use crate::db::values::{Month, add_months};
use crate::error::Result;
use crate::ledger::projects::{ProjectDetails, ProjectInput, ProjectStatus};
use crate::ledger::{funding, projects, records};

/// Loads one project with its money, works, revenue, targets and assessment; returns
/// the numbers of disbursements, progress reports and revenue records.
pub(super) async fn load_project(
    ctx: &Ctx,
    cal: &Calendar,
    bond_codes: &[String],
    spec: &Spec,
) -> Result<(usize, usize, usize)> {
    let bond_total: i64 = spec.allocations.iter().map(|a| a.1).sum();
    let first_alloc = spec.allocations.iter().map(|a| a.2).max().unwrap_or(0);
    // Planned start: a month after the money, except for the late starters.
    let planned_start = match spec.code {
        "HY-ZJ-03" => cal.ago(first_alloc.saturating_sub(8), 1),
        "HY-SW-03" => cal.ago(5, 1),
        _ => cal.ago(first_alloc.saturating_sub(1), 1),
    };
    let planned_completion = add_months(planned_start, spec.build_months);
    let revenue_start = add_months(planned_completion, 1);
    let revenue_end = add_months(revenue_start, spec.revenue_years as u32 * 12);
    let investment = spec.investment * 10_000;
    let bond = bond_total * 10_000;
    let capital = investment / 5;
    // HY-MZ-02's funding plan does not add up to its investment (C1).
    let own = if spec.code == "HY-MZ-02" { 0 } else { investment - bond - capital };
    let documents: Vec<String> = match spec.code {
        "HY-ZJ-03" => vec!["可研批复".into()],
        _ => crate::ledger::projects::MATURITY_DOCUMENTS.iter().map(|d| d.to_string()).collect(),
    };
    let current_estimate = if spec.code == "HY-WJ-02" { investment * 112 / 100 } else { investment };
    projects::create_project(
        ctx,
        &demo_caller(),
        ProjectInput {
            code: spec.code.into(),
            department_code: spec.dept.into(),
            approved_investment: yuan(investment),
            facts: ProjectDetails {
                name: Some(spec.name.into()),
                executing_unit: Some(format!("{}项目建设管理办公室", spec.name)),
                category: Some(spec.category.into()),
                construction_content: Some(spec.content.into()),
                planned_start: Some(planned_start),
                planned_completion: Some(planned_completion),
                current_estimate: Some(yuan(current_estimate)),
                planned_bond_funding: Some(yuan(bond)),
                capital_fund: Some(yuan(capital)),
                own_funds: Some(yuan(own.max(0))),
                other_funding: Some(Money::ZERO),
                revenue_start: Some(revenue_start),
                revenue_end: Some(revenue_end),
                maturity_documents: Some(documents),
            },
        },
    )
    .await?;

    load_status_history(ctx, cal, spec, first_alloc).await?;

    for (n, (bond_index, amount, months)) in spec.allocations.iter().enumerate() {
        // Healthy works receive their main bond's money month by month as they go;
        // the rest arrives at once.
        let lump = n > 0 || !receives_monthly(spec);
        funding::allocate_bond(
            ctx,
            &demo_caller(),
            funding::AllocationInput {
                bond_code: bond_codes[*bond_index].clone(),
                project_code: spec.code.into(),
                amount: yuan(amount * 10_000),
                allocated_on: Some(cal.ago(*months, 20)),
                received_on: lump.then(|| cal.ago(*months, 25)),
            },
        )
        .await?;
    }

    let disbursements = load_money(ctx, cal, bond_codes, spec).await?;
    let reports = load_progress(ctx, cal, spec).await?;
    let revenue = load_revenue(ctx, cal, spec, revenue_start, revenue_end, investment).await?;
    load_plan(ctx, cal, spec, first_alloc).await?;
    load_targets(ctx, cal, spec).await?;
    load_assessment(ctx, cal, spec, first_alloc).await?;
    Ok((disbursements, reports, revenue))
}

/// Status history: approved and funded with the money, then the works, up to the
/// project's status.
async fn load_status_history(ctx: &Ctx, cal: &Calendar, spec: &Spec, first_alloc: u32) -> Result<()> {
    let status_path = [
        (ProjectStatus::Approved, cal.ago(first_alloc + 2, 10)),
        (ProjectStatus::Funded, cal.ago(first_alloc, 20)),
        (ProjectStatus::UnderConstruction, spec.started.map(|m| cal.ago(m, 5)).unwrap_or(cal.today)),
        (
            ProjectStatus::Operating,
            spec.started.map(|m| cal.ago(m.saturating_sub(spec.build_months), 25)).unwrap_or(cal.today),
        ),
    ];
    for (status, on) in status_path {
        if status > spec.status {
            break;
        }
        projects::set_project_status(ctx, &demo_caller(), spec.code, status, Some(on), None).await?;
    }
    Ok(())
}

/// A report for every month of the works, in by the 5th of the next month.
async fn load_progress(ctx: &Ctx, cal: &Calendar, spec: &Spec) -> Result<usize> {
    let Some(started) = spec.started else {
        return Ok(0);
    };
    let mut count = 0;
    for m in (1..=started).rev() {
        let elapsed = started - m + 1;
        if elapsed > spec.build_months {
            break;
        }
        let planned = Decimal::from(elapsed * 100) / Decimal::from(spec.build_months);
        let planned = planned.round_dp(2).min(Decimal::ONE_HUNDRED);
        let lag = match spec.code {
            "HY-MZ-01" => Decimal::from(30),
            "HY-JT-02" => Decimal::from(5),
            _ => Decimal::from(2),
        };
        let actual = (planned - lag).max(Decimal::ZERO);
        let month = Month::of(cal.ago(m, 1));
        // HY-MZ-01: last month's report is missing, the one before came 20 days late.
        let submitted_on = match (spec.code, m) {
            ("HY-MZ-01", 1) => continue,
            ("HY-MZ-01", 2) => cal.ago(1, 28).min(cal.today),
            _ => cal.ago(m - 1, 5),
        };
        records::record_progress(
            ctx,
            &demo_caller(),
            records::ProgressInput {
                project_code: spec.code.into(),
                period: month.to_string(),
                planned_percent: planned.to_string(),
                actual_percent: actual.to_string(),
                submitted_on: Some(submitted_on),
                note: None,
            },
        )
        .await?;
        count += 1;
    }
    Ok(count)
}

/// Forecasts for every revenue year; collected revenue for the operating projects.
async fn load_revenue(
    ctx: &Ctx,
    cal: &Calendar,
    spec: &Spec,
    revenue_start: NaiveDate,
    revenue_end: NaiveDate,
    investment: i64,
) -> Result<usize> {
    // Yearly revenue that carries the debt about 1.6 times; HY-ZJ-02's does not (D5).
    let (revenue_share, cost_share) = match spec.code {
        "HY-ZJ-02" => (3, 2),
        _ => (18, 4),
    };
    let years: Vec<projects::RevenueForecastInput> = (revenue_start.year()..=revenue_end.year())
        .map(|year| projects::RevenueForecastInput {
            year,
            revenue: yuan(investment * revenue_share / 100),
            operating_cost: yuan(investment * cost_share / 100),
        })
        .collect();
    if spec.code != "HY-JT-03" {
        projects::set_revenue_forecast(ctx, &demo_caller(), spec.code, years).await?;
    }
    if spec.status != ProjectStatus::Operating {
        return Ok(0);
    }
    // Collected at a quarter of the forecast pace at the hospital (S1, and too little in the account for its next coupon: S3); the rest at pace.
    let monthly = investment * revenue_share / 100 / 12;
    let collected = if spec.code == "HY-WJ-01" { monthly / 4 } else { monthly };
    let mut count = 0;
    let months_operating = spec.started.unwrap_or(0).saturating_sub(spec.build_months);
    for m in (1..=months_operating).rev() {
        let month = Month::of(cal.ago(m, 1));
        let collected_on = cal.ago(m, 28);
        // The hospital's revenue of two months ago was collected but not transferred (S5).
        let transferred = if spec.code == "HY-WJ-01" && m == 2 { 0 } else { collected };
        let input = records::RevenueInput {
            project_code: spec.code.into(),
            period: month.to_string(),
            source: "医疗服务收入".into(),
            collected: yuan(collected),
            transferred: yuan(transferred),
            collected_on: Some(collected_on),
            transferred_on: (transferred > 0).then(|| cal.ago(m.saturating_sub(1), 3)),
        };
        records::record_revenue(ctx, &demo_caller(), input, Some(&format!("demo-{}-{month}", spec.code))).await?;
        count += 1;
    }
    if spec.code == "HY-WJ-01" {
        let input = records::RevenueInput {
            project_code: spec.code.into(),
            period: Month::of(cal.ago(3, 1)).to_string(),
            source: "财政补助".into(),
            collected: yuan(500_000),
            transferred: yuan(500_000),
            collected_on: Some(cal.ago(3, 10)),
            transferred_on: Some(cal.ago(3, 12)),
        };
        records::record_revenue(ctx, &demo_caller(), input, Some("demo-HY-WJ-01-subsidy")).await?;
        count += 1;
    }
    Ok(count)
}

/// The spending plan (用款计划): linear over the construction months; none for some
/// projects, which then fall back on the linear default of domain.md §2.
async fn load_plan(ctx: &Ctx, cal: &Calendar, spec: &Spec, first_alloc: u32) -> Result<()> {
    if matches!(spec.code, "HY-JT-03" | "HY-MZ-02") {
        return Ok(());
    }
    let months: Vec<projects::SpendingPlanInput> = (1..=spec.build_months)
        .map(|i| {
            let month = Month::of(add_months(cal.ago(first_alloc, 1), i));
            let pct = (Decimal::from(i * 100) / Decimal::from(spec.build_months)).round_dp(2);
            projects::SpendingPlanInput { period: month.to_string(), cumulative_percent: pct.to_string() }
        })
        .collect();
    projects::set_spending_plan(ctx, &demo_caller(), spec.code, months).await?;
    Ok(())
}
