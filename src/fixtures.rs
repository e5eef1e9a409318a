//! Test facts written by hand: a healthy project as of 15 June 2026 and the pieces it is
//! built of, which the rules' and the figures' tests change one fact at a time.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::db::Money;
use crate::db::values::Month;
use crate::debt::coverage::ForecastYear;
use crate::debt::{BondBook, schedule::HoldingChange, terms_of};
use crate::facts::{IndicatorFacts, ProjectFacts};
use crate::ledger::entities::*;
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

pub(crate) const AS_OF: (i32, u32, u32) = (2026, 6, 15);

pub(crate) fn as_of() -> NaiveDate {
    d(AS_OF.0, AS_OF.1, AS_OF.2)
}

pub(crate) fn bond_model(id: i64, kind: &str, value: NaiveDate, term: i32, face: Money) -> bond::Model {
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
pub(crate) fn book(
    bond: bond::Model,
    held: Money,
    on: NaiveDate,
    payments: &[debt_service_payment::Model],
) -> Arc<BondBook> {
    let terms = terms_of(&bond, &[], &crate::config::Settings::default().debt);
    let changes = [HoldingChange { project_id: 1, on, amount: held }];
    Arc::new(BondBook::new(bond, terms, &changes, payments))
}

/// The book with every line due by the as-of date paid on its due date.
pub(crate) fn paid_book(bond: bond::Model, held: Money, on: NaiveDate) -> Arc<BondBook> {
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

pub(crate) fn disbursement(id: i64, kind: &str, on: NaiveDate, amount: Money) -> disbursement::Model {
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

pub(crate) fn indicator_facts(
    id: i64,
    level1: &str,
    level2: &str,
    target: &str,
    actual: Option<(&str, &str)>,
) -> IndicatorFacts {
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
/// P1, 四新大道: a road under construction since January 2025, 1 亿元 approved.
pub(crate) fn healthy_project() -> project::Model {
    project::Model {
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
    }
}

type Monthly = (Vec<(i64, receipt::Model)>, Vec<disbursement::Model>, Vec<progress_report::Model>);

/// Each month from February 2025 to May 2026: 200 万元 received on the 5th, transferred
/// on the 8th and paid on the 18th; progress reported on plan (1/30 more a month).
pub(crate) fn monthly_records() -> Monthly {
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
    (receipts, disbursements, progress)
}

/// A project in good order as of 15 June 2026: money in, transferred and paid monthly,
/// progress on plan, targets approved, indicators reported, the bond's service paid.
pub(crate) fn healthy() -> ProjectFacts {
    let (receipts, disbursements, progress) = monthly_records();
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
        project: healthy_project(),
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
        assessments: vec![crate::performance::assessment::Model {
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
