//! Every rule, raised and cleared: a healthy project as of 15 June 2026, then for
//! each rule the change (or the date) that raises it, and the facts or date where
//! it clears.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::super::facts::{BondFacts, DepartmentFacts, IndicatorFacts, ProjectFacts};
use super::super::{Finding, RuleConfig, Severity};
use super::{evaluate_bond, evaluate_department, evaluate_project};
use crate::db::Money;
use crate::db::values::Month;
use crate::debt::coverage::ForecastYear;
use crate::debt::{BondBook, schedule::HoldingChange, terms_of};
use crate::ledger::entities::*;
use crate::ledger::queries::BudgetTable;
use crate::targets::entities::{indicator, indicator_actual};
use crate::targets::parse::parse_target;

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(crate) fn yuan(n: i64) -> Money {
    Money::from_fen(n * 100)
}

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 2, 0, 0).unwrap()
}

const AS_OF: (i32, u32, u32) = (2026, 6, 15);

pub(crate) fn as_of() -> NaiveDate {
    d(AS_OF.0, AS_OF.1, AS_OF.2)
}

fn bond_model(id: i64, kind: &str, value: NaiveDate, term: i32, face: Money) -> bond::Model {
    bond::Model {
        id,
        code: format!("B{id}"),
        name: "债券".into(),
        kind: kind.into(),
        issue_date: value,
        value_date: value,
        maturity_date: crate::db::values::add_years(value, term as u32),
        term_years: term,
        coupon_rate_percent: "3".into(),
        face_amount: face,
        interest_frequency: Some("ANNUAL".into()),
        created_at: now(),
    }
}

/// The book of a bond held by project 1 from `on`, with these payments.
fn book(bond: bond::Model, held: Money, on: NaiveDate, payments: &[debt_service_payment::Model]) -> Arc<BondBook> {
    let terms = terms_of(&bond, &[], &crate::config::Settings::default().debt);
    let changes = [HoldingChange { project_id: 1, on, amount: held }];
    Arc::new(BondBook::new(bond, terms, &changes, payments))
}

/// The book with every line due by the as-of date paid on its due date.
fn paid_book(bond: bond::Model, held: Money, on: NaiveDate) -> Arc<BondBook> {
    let unpaid = book(bond.clone(), held, on, &[]);
    let payments: Vec<debt_service_payment::Model> = unpaid
        .lines
        .iter()
        .filter(|l| l.line.due <= as_of())
        .enumerate()
        .map(|(i, l)| debt_service_payment::Model {
            id: i as i64 + 1,
            bond_id: bond.id,
            project_id: l.project_id,
            due_date: l.line.due,
            amount: l.line.total(),
            paid_on: l.line.due,
            refinancing_bond_id: None,
            refinanced_amount: Money::ZERO,
            recorded_at: now(),
        })
        .collect();
    book(bond, held, on, &payments)
}

fn disbursement(id: i64, kind: &str, on: NaiveDate, amount: Money) -> disbursement::Model {
    disbursement::Model {
        id,
        project_id: 1,
        bond_id: Some(10),
        kind: kind.into(),
        paid_on: on,
        amount,
        payee: "施工单位".into(),
        economic_class: "建筑安装工程费".into(),
        voucher_no: None,
        reversal_of: None,
        reason: None,
        idempotency_key: None,
        recorded_at: now(),
    }
}

fn indicator_facts(id: i64, level1: &str, level2: &str, target: &str, actual: Option<(&str, &str)>) -> IndicatorFacts {
    let ind = indicator::Model {
        id,
        target_id: 1,
        position: id as i32,
        level1: level1.into(),
        level2: level2.into(),
        name: format!("指标{id}"),
        target_text: target.into(),
        basis: Some("计划标准".into()),
        history: "[]".into(),
    };
    let actuals = actual
        .map(|(period, value)| indicator_actual::Model {
            id,
            indicator_id: id,
            period: period.into(),
            value: value.into(),
            judgement: None,
            recorded_on: as_of(),
            recorded_at: now(),
        })
        .into_iter()
        .collect();
    IndicatorFacts {
        target: parse_target(target),
        indicator: ind,
        actuals,
        scope: "ANNUAL".into(),
        year: Some(2026),
        approved_on: Some(d(2026, 1, 10)),
    }
}

/// A healthy project under construction: 60m of a 15-year bond, received, transferred
/// and paid 2m a month since February 2025, reports on time, targets on track.
pub(crate) fn healthy() -> ProjectFacts {
    let project = project::Model {
        id: 1,
        code: "P1".into(),
        name: "四新大道".into(),
        department_id: 1,
        executing_unit: "区交投".into(),
        category: "交通基础设施".into(),
        construction_content: Some("新建城市道路".into()),
        planned_start: Some(d(2025, 1, 1)),
        planned_completion: Some(d(2027, 8, 1)),
        actual_start: Some(d(2025, 1, 5)),
        actual_completion: None,
        approved_investment: yuan(100_000_000),
        current_estimate: yuan(100_000_000),
        planned_bond_funding: yuan(60_000_000),
        capital_fund: yuan(20_000_000),
        own_funds: yuan(20_000_000),
        other_funding: Money::ZERO,
        revenue_start: Some(d(2027, 9, 1)),
        revenue_end: Some(d(2040, 1, 31)),
        maturity_documents: r#"["可研批复","用地","环评","施工许可"]"#.into(),
        status: "UNDER_CONSTRUCTION".into(),
        status_before_cancel: None,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let mut receipts = Vec::new();
    let mut disbursements = Vec::new();
    let mut progress = Vec::new();
    let mut month = Month { year: 2025, month: 2 };
    let mut i = 0;
    while month < Month::of(as_of()) {
        let first = month.first_day();
        receipts.push((
            10,
            receipt::Model {
                id: i,
                allocation_id: 1,
                amount: yuan(2_000_000),
                received_on: first + chrono::Duration::days(4),
                recorded_at: now(),
            },
        ));
        disbursements.push(disbursement(100 + i * 2, "TRANSFER", first + chrono::Duration::days(7), yuan(2_000_000)));
        disbursements.push(disbursement(101 + i * 2, "PAYMENT", first + chrono::Duration::days(17), yuan(2_000_000)));
        let pct = Decimal::from((i + 1) * 100) / Decimal::from(30);
        progress.push(progress_report::Model {
            id: i,
            project_id: 1,
            period: month.to_string(),
            planned_percent: pct.round_dp(2).to_string(),
            actual_percent: pct.round_dp(2).to_string(),
            submitted_on: month.next().first_day() + chrono::Duration::days(4),
            note: None,
            recorded_at: now(),
        });
        month = month.next();
        i += 1;
    }
    let plan = (1..=30)
        .scan(Month { year: 2025, month: 1 }, |m, k| {
            *m = m.next();
            Some((*m, Decimal::from(k * 100) / Decimal::from(30)))
        })
        .collect();
    let forecast = (2027..=2040)
        .map(|y| ForecastYear { year: y, revenue: yuan(10_000_000), operating_cost: yuan(2_000_000) })
        .collect();
    ProjectFacts {
        results: Default::default(),
        project,
        allocations: vec![allocation::Model {
            id: 1,
            bond_id: 10,
            project_id: 1,
            amount: yuan(60_000_000),
            allocated_on: d(2025, 1, 10),
            created_at: now(),
        }],
        increments: vec![(10, d(2025, 1, 10), yuan(60_000_000))],
        status_changes: Vec::new(),
        receipts,
        disbursements,
        progress,
        revenue: Vec::new(),
        forecast,
        plan,
        targets: vec![crate::targets::entities::performance_target::Model {
            id: 1,
            project_id: Some(1),
            department_id: None,
            scope: "ANNUAL".into(),
            year: Some(2026),
            description: "年度目标".into(),
            approved_on: Some(d(2026, 1, 10)),
            approved_at: Some(now()),
            declared_at: now(),
            superseded_at: None,
        }],
        indicators: vec![
            indicator_facts(1, "产出指标", "数量指标", "≥2000人次", Some(("2026-05", "1200人次"))),
            indicator_facts(2, "产出指标", "质量指标", "100%", Some(("2026-05", "100%"))),
            indicator_facts(3, "产出指标", "时效指标", "5个工作日完成", None),
            indicator_facts(4, "效益指标", "社会效益指标", "是", Some(("2026-05", "是"))),
            indicator_facts(5, "满意度指标", "服务对象满意度指标", "≥90%", Some(("2026-05", "95%"))),
            indicator_facts(6, "成本指标", "经济成本指标", "预算范围内", None),
        ],
        assessments: vec![crate::evaluation::entities::assessment::Model {
            id: 1,
            project_id: 1,
            submitted_on: d(2024, 12, 1),
            conclusion: "予以支持".into(),
            recorded_at: now(),
        }],
        adjustments: Vec::new(),
        books: vec![paid_book(
            bond_model(10, "PROJECT_REVENUE", d(2025, 1, 10), 15, yuan(60_000_000)),
            yuan(60_000_000),
            d(2025, 1, 10),
        )],
    }
}

fn raised(facts: &ProjectFacts, rule: &str, on: NaiveDate) -> Vec<Finding> {
    evaluate_project(facts, &RuleConfig::default_rules(), on).into_iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn the_healthy_project_raises_nothing() {
    let found = evaluate_project(&healthy(), &RuleConfig::default_rules(), as_of());
    assert!(found.is_empty(), "{found:#?}");
}

/// (rule, what makes it fire, when, the severity expected, when it has cleared)
type Case = (&'static str, fn(&mut ProjectFacts), NaiveDate, Severity, Clear);

/// Where a raised rule clears: the healthy facts at the same date, or the raising
/// facts at another date.
enum Clear {
    Healthy,
    At(NaiveDate),
}

fn evaluated(year: i32, total: &str, grade: &str) -> crate::evaluation::stored::Model {
    crate::evaluation::stored::Model {
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

fn self_evaluated(f: &mut ProjectFacts, year: i32, own: &str, office: &str) {
    f.results.evaluations.push(evaluated(year, office, "FAIR"));
    f.results.self_evaluations.push(crate::results::self_evaluation::Model {
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

fn rectification(year: i32, status: &str, due: NaiveDate) -> crate::results::rectification::Model {
    crate::results::rectification::Model {
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

fn cases() -> Vec<Case> {
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
        ("C1", |f| f.project.own_funds = yuan(10_000_000), as_of(), Yellow, Healthy),
        ("C5", |f| f.indicators[2].indicator.level2 = String::new(), as_of(), Yellow, Healthy),
    ]
}

fn revenue(id: i64, collected_on: NaiveDate, collected: i64, transferred: i64) -> revenue_record::Model {
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
fn operating_with_revenue(f: &mut ProjectFacts, monthly: i64) {
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

#[test]
fn every_project_rule_raises_and_clears() {
    let config = RuleConfig::default_rules();
    for (rule, make, on, severity, clear) in cases() {
        let mut facts = healthy();
        make(&mut facts);
        let found = raised(&facts, rule, on);
        assert!(!found.is_empty(), "{rule} should fire on {on}");
        assert!(found.iter().any(|f| f.severity == severity), "{rule} on {on}: expected {severity:?}, got {found:#?}");
        assert!(
            found.iter().all(|f| !f.message.is_empty() && f.evidence != serde_json::Value::Null),
            "{rule}: a message and evidence"
        );
        let cleared = match clear {
            Clear::Healthy => raised(&healthy(), rule, on),
            Clear::At(date) => raised(&facts, rule, date),
        };
        assert!(cleared.is_empty(), "{rule} should clear: {cleared:#?}");
        let _ = &config;
    }
    // Every project rule has a case.
    for (id, _) in super::PROJECT_RULES {
        assert!(cases().iter().any(|(r, ..)| r == id), "no case for {id}");
    }
}

#[test]
fn s8_names_the_amount_and_the_days_overdue_and_a_line_due_today_is_to_come() {
    let mut f = healthy();
    f.books = vec![book(
        bond_model(10, "PROJECT_REVENUE", d(2025, 1, 10), 15, yuan(60_000_000)),
        yuan(60_000_000),
        d(2025, 1, 10),
        &[],
    )];
    // The coupon: 60,000,000 × 3% = 1,800,000.00 (180万元), due 10 January 2026; 9 February is 30 days on.
    let found = raised(&f, "S8", d(2026, 2, 9));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].measured.as_deref(), Some("180.00万元,逾期30天"));
    assert_eq!(found[0].evidence["overdue"], "1800000.00");
    assert_eq!(found[0].subject.bond_id, Some(10));
    // On its due date the line is S4's (due in 0 days, yellow), not overdue.
    assert!(raised(&f, "S8", d(2026, 1, 10)).is_empty());
    assert_eq!(raised(&f, "S4", d(2026, 1, 10))[0].severity, Severity::Yellow);
    // With a remittance lead of 5 days the line is overdue from 5 January: on the 10th, 5 days.
    let text = crate::monitoring::config::DEFAULT_RULES.replace("lead_days = 0", "lead_days = 5");
    let config = RuleConfig::parse(&text, "rules.toml").unwrap();
    let early = evaluate_project(&f, &config, d(2026, 1, 10));
    let s8: Vec<_> = early.iter().filter(|x| x.rule == "S8").collect();
    assert_eq!(s8[0].measured.as_deref(), Some("180.00万元,逾期5天"));
}

#[test]
fn the_negative_list_is_read_as_phrases_with_its_exceptions() {
    let d6 = |f: &ProjectFacts| raised(f, "D6", as_of());
    let mut f = healthy();
    // 配套商业设施 is no 商业设施 of the list.
    f.project.construction_content = Some("新建城市道路及配套商业设施".into());
    assert!(d6(&f).is_empty(), "{:#?}", d6(&f));
    f.project.construction_content = Some("住宅小区房地产开发".into());
    assert_eq!(d6(&f)[0].measured.as_deref(), Some("房地产开发"));
    // 保障性住房 and 土地储备 are not 房地产开发 (52号's own exceptions).
    f.project.name = "保障性住房片区建设".into();
    assert!(d6(&f).is_empty());
    f.project.name = "四新大道".into();
    f.project.category = "保障性安居工程".into();
    assert!(d6(&f).is_empty());
    // 完全无收益: a forecast recorded with no year of positive revenue; a missing one is D5's.
    let mut f = healthy();
    f.forecast.iter_mut().for_each(|y| y.revenue = Money::ZERO);
    assert_eq!(d6(&f)[0].measured.as_deref(), Some("完全无收益项目"));
    f.forecast.clear();
    assert!(d6(&f).is_empty());
    assert!(!raised(&f, "D5", as_of()).is_empty());
}

#[test]
fn pensions_are_forbidden_and_refinancing_bonds_stay_out_of_the_use_rules() {
    let mut f = healthy();
    f.disbursements[1].economic_class = "养老金".into();
    assert_eq!(raised(&f, "M5", as_of())[0].severity, Severity::Red);
    // A refinancing bond's own repayment of principal: no M5, and no M6 though it is not allocated.
    let mut f = healthy();
    f.books.push(book(
        bond_model(30, "REFINANCING", d(2025, 1, 10), 5, yuan(1_000_000)),
        yuan(1_000_000),
        d(2025, 1, 10),
        &[],
    ));
    let mut repay = disbursement(900, "PAYMENT", d(2026, 5, 1), yuan(500_000));
    (repay.bond_id, repay.economic_class) = (Some(30), "债务还本支出".into());
    f.disbursements.push(repay);
    assert!(raised(&f, "M5", as_of()).is_empty() && raised(&f, "M6", as_of()).is_empty());
}

#[test]
fn three_years_before_29_february_is_28_february() {
    use crate::db::values::{add_months, sub_months};
    assert_eq!(sub_months(d(2028, 2, 29), 36), d(2025, 2, 28));
    assert_eq!(add_months(d(2024, 2, 29), 12), d(2025, 2, 28));
    assert_eq!(add_months(d(2025, 8, 31), 6), d(2026, 2, 28));
    // S6 on 29 February 2028 looks back to 28 February 2025 (it used to fall back to no window).
    // A 2-year bond valued 1 March 2025: its principal of 60,000,000 falls due 1 March 2027.
    let bond = || bond_model(10, "PROJECT_REVENUE", d(2025, 3, 1), 2, yuan(60_000_000));
    let due = d(2027, 3, 1);
    let refinanced = debt_service_payment::Model {
        id: 1,
        bond_id: 10,
        project_id: Some(1),
        due_date: due,
        amount: yuan(61_800_000),
        paid_on: due,
        refinancing_bond_id: Some(30),
        refinanced_amount: yuan(60_000_000),
        recorded_at: now(),
    };
    let mut f = healthy();
    f.books = vec![book(bond(), yuan(60_000_000), d(2025, 1, 10), &[refinanced])];
    // The principal of 60,000,000 due 1 March 2027, all of it refinanced: 100% > 50%.
    assert_eq!(raised(&f, "S6", d(2028, 2, 29))[0].measured.as_deref(), Some("100.00%"));
}

#[test]
fn texts_name_the_month_and_the_balance_plainly() {
    let mut f = healthy();
    f.progress.retain(|r| r.period != "2026-05");
    let m9 = raised(&f, "M9", as_of());
    assert!(m9[0].message.starts_with("项目P1的2026年5月月度监控报告"), "{}", m9[0].message);
    // A coupon due within 30 days and nothing in the dedicated account.
    let mut f = healthy();
    f.books = vec![book(
        bond_model(10, "PROJECT_REVENUE", d(2025, 7, 1), 15, yuan(60_000_000)),
        yuan(60_000_000),
        d(2025, 1, 10),
        &[],
    )];
    let s3 = raised(&f, "S3", d(2026, 6, 15));
    assert!(s3[0].message.contains("专项收入专户无余额") && !s3[0].message.contains("仅-"), "{}", s3[0].message);
}

#[test]
fn actuals_and_targets_are_read_as_of_the_date() {
    // The veto indicator (是) answered 否 for May 2026: O5 from May on, not in April.
    let mut f = healthy();
    f.indicators[3].actuals[0].value = "否".into();
    assert!(!raised(&f, "O5", d(2026, 5, 1)).is_empty());
    assert!(raised(&f, "O5", d(2026, 4, 30)).is_empty(), "an actual of a period not begun counts for nothing");
    // The only target is 2026's: in 2025 the allocated project has no approved target of its year (D2).
    let f = healthy();
    assert!(raised(&f, "D2", as_of()).is_empty());
    assert_eq!(raised(&f, "D2", d(2025, 6, 1))[0].severity, Severity::Red);
}

#[test]
fn m3_at_year_end_compares_the_year_with_its_plan() {
    let mut f = healthy();
    f.disbursements.retain(|x| x.kind != "PAYMENT" || x.paid_on < d(2025, 9, 1) || x.paid_on > d(2025, 11, 30));
    let found = raised(&f, "M3", d(2025, 12, 31));
    assert_eq!(found.iter().map(|f| f.severity).collect::<Vec<_>>(), [Severity::Orange], "{found:#?}");
    assert!(raised(&f, "M3", d(2025, 12, 30)).iter().all(|f| f.severity != Severity::Orange));
}

#[test]
fn m7_counts_a_bonds_adjustments_in_the_year() {
    let adjustment = |id: i64, on: NaiveDate, amount: i64| use_adjustment::Model {
        id,
        bond_id: 10,
        from_project_id: 1,
        to_project_id: 2,
        amount: yuan(amount),
        reason: "其他".into(),
        approved_on: on,
        moved_from_treasury: Money::ZERO,
        moved_from_unit: Money::ZERO,
        recorded_at: now(),
    };
    let config = RuleConfig::default_rules();
    let bond = bond_model(10, "SPECIAL", d(2025, 1, 10), 10, yuan(100_000_000));
    let two = BondFacts {
        bond: bond.clone(),
        adjustments: vec![adjustment(1, d(2026, 2, 1), 1_000_000), adjustment(2, d(2026, 5, 1), 1_000_000)],
    };
    assert_eq!(evaluate_bond(&two, &config, as_of())[0].severity, Severity::Yellow);
    assert!(evaluate_bond(&two, &config, d(2026, 3, 1)).is_empty(), "one adjustment by March: clear");
    assert!(evaluate_bond(&two, &config, d(2027, 1, 5)).is_empty(), "a new year: clear");
    let large = BondFacts { bond, adjustments: vec![adjustment(3, d(2026, 2, 1), 35_000_000)] };
    assert_eq!(evaluate_bond(&large, &config, as_of())[0].severity, Severity::Orange);
}

fn department(
    lines: Vec<(&str, &str, i64, Option<&str>)>,
    income_total: i64,
    expenditure_total: i64,
    projects: Vec<(&str, &str, i64, i64)>,
) -> DepartmentFacts {
    DepartmentFacts {
        department: department::Model { id: 5, code: "MZ".into(), name: "民政局".into(), created_at: now() },
        budgets: vec![BudgetTable {
            budget: department_budget::Model {
                id: 1,
                department_id: 5,
                year: 2023,
                income_total: yuan(income_total),
                expenditure_total: yuan(expenditure_total),
                recorded_at: now(),
            },
            lines: lines
                .into_iter()
                .enumerate()
                .map(|(i, (section, label, amount, pct))| department_budget_line::Model {
                    id: i as i64,
                    budget_id: 1,
                    section: section.into(),
                    position: i as i32,
                    label: label.into(),
                    amount: yuan(amount),
                    stated_percent: pct.map(str::to_string),
                })
                .collect(),
            projects: projects
                .into_iter()
                .enumerate()
                .map(|(i, (name, category, total, current))| department_budget_project::Model {
                    id: i as i64,
                    budget_id: 1,
                    position: i as i32,
                    name: name.into(),
                    category: Some(category.into()),
                    total_budget: yuan(total),
                    current_year_budget: yuan(current),
                    purpose: None,
                })
                .collect(),
        }],
        indicators: vec![indicator_facts(7, "产出指标", "数量指标", "≥2000人次", None)],
    }
}

#[test]
fn department_checks_raise_and_clear() {
    let config = RuleConfig::default_rules();
    let clean = department(
        vec![
            ("INCOME", "财政拨款", 900, Some("90")),
            ("INCOME", "单位资金", 100, Some("10")),
            ("EXPENDITURE", "特定目标类项目支出", 1000, Some("100")),
        ],
        1000,
        1000,
        vec![("社区建设补助经费", "特定目标类", 600, 600), ("养老补贴", "特定目标类", 400, 400)],
    );
    assert!(evaluate_department(&clean, &config, as_of()).is_empty());
    let broken = department(
        vec![
            ("INCOME", "财政拨款", 900, Some("91")),
            ("INCOME", "单位资金", 100, Some("10")),
            ("EXPENDITURE", "特定目标类项目支出", 1000, Some("100")),
        ],
        1010,
        1000,
        vec![("社区建设补助经费", "特定目标类", 6000, 600), ("养老补贴", "特定目标类", 300, 300)],
    );
    let mut found: Vec<(&str, Severity)> =
        evaluate_department(&broken, &config, as_of()).iter().map(|f| (f.rule, f.severity)).collect();
    found.sort();
    assert_eq!(
        found,
        [("C1", Severity::Yellow), ("C2", Severity::Yellow), ("C3", Severity::Yellow), ("C4", Severity::Blue)]
    );
    let mut gaps = clean;
    gaps.indicators[0].target = None;
    gaps.indicators[0].indicator.target_text = "/".into();
    let found = evaluate_department(&gaps, &config, as_of());
    assert_eq!(found.iter().map(|f| f.rule).collect::<Vec<_>>(), ["C5"]);
}

#[test]
fn switched_off_rules_stay_quiet() {
    let text = super::super::config::DEFAULT_RULES.replace("[rules.D1]\nenabled = true", "[rules.D1]\nenabled = false");
    let config = RuleConfig::parse(&text, "rules.toml").unwrap();
    let mut f = healthy();
    f.assessments.clear();
    assert!(evaluate_project(&f, &config, as_of()).iter().all(|x| x.rule != "D1"));
}
