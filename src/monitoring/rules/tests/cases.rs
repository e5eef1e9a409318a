//! The rules' cases, a table per dimension: the change (or the date) that raises each
//! rule from the healthy project, the severity, and where it clears.

use chrono::NaiveDate;

use crate::codes::Severity;
use crate::db::Money;
use crate::db::values::Month;
use crate::debt::coverage::ForecastYear;
use crate::facts::ProjectFacts;
use crate::fixtures::*;
use crate::ledger::entities::*;
use crate::targets::parse::parse_target;

/// (rule, what makes it fire, when, the severity expected, when it has cleared)
pub(super) type Case = (&'static str, fn(&mut ProjectFacts), NaiveDate, Severity, Clear);

/// Where a raised rule clears: the healthy facts at the same date, or the raising
/// facts at another date.
pub(super) enum Clear {
    Healthy,
    At(NaiveDate),
}

pub(super) fn evaluated(year: i32, total: &str, grade: &str) -> crate::performance::stored::Model {
    crate::performance::stored::Model {
        id: year as i64,
        project_id: 1,
        year,
        total_score: total.into(),
        grade: grade.into(),
        profile: "construction".into(),
        detail: "{}".into(),
        computed_at: now(),
    }
}

pub(super) fn self_evaluated(f: &mut ProjectFacts, year: i32, own: &str, office: &str) {
    f.results.evaluations.push(evaluated(year, office, "FAIR"));
    f.results.self_evaluations.push(crate::performance::self_evaluation::Model {
        id: 1,
        project_id: 1,
        year,
        total_score: own.into(),
        budget_execution_score: None,
        output_score: None,
        benefit_score: None,
        satisfaction_score: None,
        note: None,
        submitted_on: d(2026, 3, 1),
        submitted_by: "unit".into(),
        recorded_at: now(),
        superseded_at: None,
    });
}

pub(super) fn rectification(year: i32, status: &str, due: NaiveDate) -> crate::performance::rectification::Model {
    crate::performance::rectification::Model {
        id: 7,
        project_id: 1,
        year: Some(year),
        source: "EVALUATION".into(),
        alert_id: None,
        issue: "评价为差".into(),
        requirement: "逐项整改".into(),
        opened_on: d(2026, 3, 1),
        due_on: due,
        status: status.into(),
        response: None,
        submitted_on: None,
        review_note: None,
        accepted_on: None,
        opened_by: "office".into(),
        evaluation_key: None,
        created_at: now(),
    }
}

pub(super) fn cases() -> Vec<Case> {
    [results_cases(), decision_cases(), management_cases(), sustainability_cases(), output_cases(), check_cases()]
        .into_iter()
        .flatten()
        .collect()
}

/// The 结果应用 rules (R).
fn results_cases() -> Vec<Case> {
    use Clear::*;
    use Severity::*;
    vec![
        // Self 75.00 against the office's 60.00: 15 points off, above 10 (yellow); 90: 30, above 20.
        ("R1", |f| self_evaluated(f, 2025, "75.00", "60.00"), as_of(), Yellow, Healthy),
        ("R1", |f| self_evaluated(f, 2025, "90.00", "60.00"), as_of(), Orange, Healthy),
        // Due 1 May 2026, open on 15 June: 45 days late, past 30 (orange); due 1 June: 14 days (yellow);
        // on 30 April it is not yet due.
        (
            "R2",
            |f| f.results.rectifications.push(rectification(2025, "OPEN", d(2026, 5, 1))),
            as_of(),
            Orange,
            At(d(2026, 4, 30)),
        ),
        (
            "R2",
            |f| f.results.rectifications.push(rectification(2025, "RETURNED", d(2026, 6, 1))),
            as_of(),
            Yellow,
            Healthy,
        ),
        (
            "R3",
            |f| {
                f.results.evaluations.push(evaluated(2025, "41.00", "POOR"));
                f.results.rectifications.push(rectification(2024, "SUBMITTED", d(2025, 3, 1)));
            },
            as_of(),
            Red,
            Healthy,
        ),
    ]
}

/// The 决策 rules (D).
fn decision_cases() -> Vec<Case> {
    use Clear::*;
    use Severity::*;
    vec![
        ("D1", |f| f.assessments.clear(), as_of(), Red, Healthy),
        ("D1", |f| f.assessments[0].conclusion = "调整完善后予以支持".into(), as_of(), Yellow, Healthy),
        // Allocated on 10 January 2025, assessed on 1 February 2025: money came first (orange), and
        // before the assessment, nothing was assessed at all (red); that record stays after it.
        ("D1", |f| f.assessments[0].submitted_on = d(2025, 2, 1), as_of(), Orange, Healthy),
        ("D1", |f| f.assessments[0].submitted_on = d(2025, 2, 1), d(2025, 1, 20), Red, Healthy),
        ("D2", |f| f.targets[0].approved_on = Some(d(2026, 7, 1)), as_of(), Red, At(d(2026, 7, 2))),
        ("D3", |f| f.indicators.retain(|i| i.indicator.level1 != "满意度指标"), as_of(), Yellow, Healthy),
        (
            "D4",
            |f| f.indicators.iter_mut().take(3).for_each(|i| i.target = parse_target("有较大提升")),
            as_of(),
            Yellow,
            Healthy,
        ),
        ("D4", |f| f.indicators[0].indicator.basis = None, as_of(), Blue, Healthy),
        ("D5", |f| f.forecast.iter_mut().for_each(|y| y.revenue = yuan(7_000_000)), as_of(), Red, Healthy),
        ("D5", |f| f.forecast.clear(), as_of(), Red, Healthy),
        ("D5", |f| f.forecast.iter_mut().for_each(|y| y.revenue = yuan(80_000_000)), as_of(), Blue, Healthy),
        ("D6", |f| f.project.construction_content = Some("配套建设主题公园".into()), as_of(), Red, Healthy),
        ("D7", |f| f.project.revenue_end = Some(d(2035, 12, 31)), as_of(), Yellow, Healthy),
        ("D8", |f| f.project.maturity_documents = r#"["可研批复"]"#.into(), as_of(), Yellow, At(d(2025, 2, 1))),
    ]
}

/// The 管理 rules (M).
fn management_cases() -> Vec<Case> {
    use Clear::*;
    use Severity::*;
    vec![
        (
            "M1",
            |f| f.disbursements.retain(|x| x.kind != "TRANSFER" || x.paid_on < d(2026, 3, 1)),
            as_of(),
            Orange,
            At(d(2026, 4, 1)),
        ),
        (
            "M2",
            |f| f.disbursements.retain(|x| x.kind != "PAYMENT" || x.paid_on < d(2025, 12, 1)),
            as_of(),
            Orange,
            At(d(2026, 2, 1)),
        ),
        (
            // Plan on 15 June 2026: 53.33% at the end of May + 3.33 × 15/30 = 55.00%; paid 10 × 2,000,000
            // (February to November 2025) ÷ 60,000,000 = 33.33%: 21.67 points behind (> 20). On 31
            // December 2025: plan 36.67%, paid 33.33%, and 20,000,000 ≥ 90% of the year's 22,000,000.
            "M3",
            |f| f.disbursements.retain(|x| x.kind != "PAYMENT" || x.paid_on < d(2025, 12, 1)),
            as_of(),
            Yellow,
            At(d(2025, 12, 31)),
        ),
        ("M4", |f| f.progress.iter_mut().for_each(|r| r.actual_percent = "10".into()), as_of(), Yellow, Healthy),
        ("M5", |f| f.disbursements[1].economic_class = "工资福利支出".into(), as_of(), Red, At(d(2025, 2, 1))),
        ("M6", |f| f.disbursements[1].bond_id = Some(99), as_of(), Red, At(d(2025, 2, 1))),
        (
            "M8",
            |f| {
                f.project.revenue_end = Some(d(2035, 12, 31));
                f.adjustments.push(use_adjustment::Model {
                    id: 1,
                    bond_id: 10,
                    from_project_id: 2,
                    to_project_id: 1,
                    amount: yuan(1_000_000),
                    reason: "其他".into(),
                    approved_on: d(2026, 3, 1),
                    moved_from_treasury: Money::ZERO,
                    moved_from_unit: Money::ZERO,
                    recorded_at: now(),
                });
            },
            as_of(),
            Yellow,
            At(d(2026, 2, 1)),
        ),
        // A transfer of 5,000,000 on 10 June beyond June's 2,000,000, already transferred on 8 June.
        (
            "M12",
            |f| f.disbursements.push(disbursement(999, "TRANSFER", d(2026, 6, 10), yuan(5_000_000))),
            as_of(),
            Red,
            At(d(2026, 6, 9)),
        ),
        ("M9", |f| f.progress.retain(|r| r.period != "2026-05"), as_of(), Yellow, At(d(2026, 6, 10))),
        ("M9", |f| f.progress.retain(|r| r.period != "2026-04"), d(2026, 5, 31), Orange, At(d(2026, 5, 10))),
        ("M10", |f| f.indicators[0].actuals[0].value = "300人次".into(), as_of(), Red, At(d(2026, 1, 20))),
        (
            "M11",
            |f| {
                f.project.status = "OPERATING".into();
                f.project.actual_completion = Some(d(2026, 1, 15));
                let left = receipt::Model {
                    id: 99,
                    allocation_id: 1,
                    amount: yuan(1_000_000),
                    received_on: d(2026, 1, 5),
                    recorded_at: now(),
                };
                f.receipts.push((10, left));
            },
            as_of(),
            Yellow,
            At(d(2026, 3, 1)),
        ),
    ]
}

/// The 可持续性 rules (S).
fn sustainability_cases() -> Vec<Case> {
    use Clear::*;
    use Severity::*;
    vec![
        // The annual coupon due 10 January 2026 left unpaid: overdue on 15 June 2026; on
        // 10 January it is due that day, still to come.
        (
            "S8",
            |f| {
                f.books = vec![book(
                    bond_model(10, "PROJECT_REVENUE", d(2025, 1, 10), 15, yuan(60_000_000)),
                    yuan(60_000_000),
                    d(2025, 1, 10),
                    &[],
                )]
            },
            as_of(),
            Red,
            At(d(2026, 1, 10)),
        ),
        ("S1", |f| operating_with_revenue(f, 100_000), as_of(), Red, Healthy),
        ("S2", |f| operating_with_revenue(f, 100_000), as_of(), Red, Healthy),
        (
            "S3",
            |f| {
                f.books = vec![book(
                    bond_model(10, "PROJECT_REVENUE", d(2025, 7, 1), 15, yuan(60_000_000)),
                    yuan(60_000_000),
                    d(2025, 1, 10),
                    &[],
                )]
            },
            as_of(),
            Red,
            At(d(2026, 7, 2)),
        ),
        (
            "S4",
            |f| {
                f.books = vec![book(
                    bond_model(10, "PROJECT_REVENUE", d(2025, 8, 1), 15, yuan(60_000_000)),
                    yuan(60_000_000),
                    d(2025, 1, 10),
                    &[],
                )]
            },
            as_of(),
            Blue,
            At(d(2026, 5, 1)),
        ),
        ("S5", |f| f.revenue.push(revenue(1, d(2026, 4, 30), 500_000, 0)), as_of(), Yellow, At(d(2026, 5, 20))),
        (
            "S6",
            |f| {
                let bond = bond_model(10, "PROJECT_REVENUE", d(2023, 3, 1), 3, yuan(60_000_000));
                let paid = debt_service_payment::Model {
                    id: 1,
                    bond_id: 10,
                    project_id: Some(1),
                    due_date: d(2026, 3, 1),
                    amount: yuan(61_800_000),
                    paid_on: d(2026, 3, 1),
                    refinancing_bond_id: Some(11),
                    refinanced_amount: yuan(60_000_000),
                    recorded_at: now(),
                };
                f.books = vec![book(bond, yuan(60_000_000), d(2023, 3, 1), &[paid])];
            },
            as_of(),
            Yellow,
            At(d(2026, 2, 1)),
        ),
        ("S7", |f| f.indicators[4].actuals[0].value = "85%".into(), as_of(), Yellow, Healthy),
    ]
}

/// The 产出 rules (O).
fn output_cases() -> Vec<Case> {
    use Clear::*;
    use Severity::*;
    vec![
        ("O1", |f| f.indicators[0].year = Some(2025), as_of(), Orange, At(d(2025, 12, 30))),
        ("O2", |f| f.indicators[1].actuals[0].value = "92%".into(), as_of(), Yellow, Healthy),
        (
            "O2",
            |f| {
                f.indicators[1].target = parse_target("无差错");
                f.indicators[1].actuals[0].value = "否".into();
            },
            as_of(),
            Red,
            Healthy,
        ),
        (
            "O3",
            |f| {
                f.project.status = "FUNDED".into();
                f.project.actual_start = None;
            },
            as_of(),
            Yellow,
            At(d(2025, 3, 1)),
        ),
        ("O3", |f| f.project.planned_completion = Some(d(2025, 10, 1)), as_of(), Red, At(d(2025, 9, 1))),
        ("O4", |f| f.project.current_estimate = yuan(112_000_000), as_of(), Orange, Healthy),
        (
            "O5",
            |f| {
                f.indicators[3].actuals[0].value = "否".into();
            },
            as_of(),
            Red,
            Healthy,
        ),
    ]
}

/// The 数据核验 rules (C).
fn check_cases() -> Vec<Case> {
    use Clear::*;
    use Severity::*;
    vec![
        ("C1", |f| f.project.own_funds = yuan(10_000_000), as_of(), Yellow, Healthy),
        ("C5", |f| f.indicators[2].indicator.level2 = String::new(), as_of(), Yellow, Healthy),
    ]
}

pub(super) fn revenue(id: i64, collected_on: NaiveDate, collected: i64, transferred: i64) -> revenue_record::Model {
    revenue_record::Model {
        id,
        project_id: 1,
        period: Month::of(collected_on).to_string(),
        source: "停车费".into(),
        collected: yuan(collected),
        transferred: yuan(transferred),
        collected_on: Some(collected_on),
        transferred_on: (transferred > 0).then_some(collected_on),
        reversal_of: None,
        reason: None,
        idempotency_key: None,
        recorded_at: now(),
    }
}

/// Operating since 2025 with revenue forecast from 2025, collecting `monthly` a month.
pub(super) fn operating_with_revenue(f: &mut ProjectFacts, monthly: i64) {
    f.project.status = "OPERATING".into();
    f.project.actual_completion = Some(d(2025, 12, 1));
    f.project.revenue_start = Some(d(2025, 1, 1));
    f.forecast = (2025..=2040)
        .map(|y| ForecastYear { year: y, revenue: yuan(10_000_000), operating_cost: yuan(2_000_000) })
        .collect();
    f.revenue = (1..=5).map(|m| revenue(m, d(2026, m as u32, 28), monthly, monthly)).collect();
    // Everything received is spent, so no leftover money (M11) clouds the case.
    f.receipts.clear();
}
