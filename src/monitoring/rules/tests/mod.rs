//! Every rule, raised and cleared: a healthy project as of 15 June 2026, then for
//! each rule the change (or the date) that raises it, and the facts or date where
//! it clears.

use chrono::NaiveDate;

use super::super::facts::{BondFacts, DepartmentFacts, ProjectFacts};
use super::super::{Finding, RuleConfig, Severity};
use super::{evaluate_bond, evaluate_department, evaluate_project};
mod cases;
mod next;

use crate::db::Money;
use crate::fixtures::*;
use crate::ledger::entities::*;
use crate::ledger::queries::BudgetTable;
use cases::*;

fn raised(facts: &ProjectFacts, rule: &str, on: NaiveDate) -> Vec<Finding> {
    evaluate_project(facts, &RuleConfig::default_rules(), on).into_iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn the_healthy_project_raises_nothing() {
    let found = evaluate_project(&healthy(), &RuleConfig::default_rules(), as_of());
    assert!(found.is_empty(), "{found:#?}");
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
    for (id, ..) in super::PROJECT_RULES {
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
