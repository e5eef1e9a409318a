//! The figures by hand: rounding, 万元, the plan at a date, the status in force.

use rust_decimal::Decimal;

use super::*;
use crate::fixtures::{d, healthy, now, yuan};
use crate::ledger::entities::project_status_change;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn shown_rounded_half_up_never_to_even_nor_truncated() {
    // 1.36765 → 1.3677 (half up); to even would give 1.3676, truncating too.
    assert_eq!(COVERAGE.show(dec("1.36765")), "1.3677");
    // 73.325 → 73.33 (to even: 73.32).
    assert_eq!(SPEND_RATE.show(dec("73.325")), "73.33%");
    assert_eq!(SPEND_RATE.decimal(dec("-53.335")), "-53.34");
    // 123,456,789.50 元 = 12,345.678950 万元 → 12,345.68万元.
    assert_eq!(BOND_FUNDING.show_money(Money::from_fen(12_345_678_950)), "12,345.68万元");
    assert_eq!(DEDICATED_BALANCE.show_money(yuan(-1_984_000)), "-198.40万元");
    assert_eq!(PAID.show_money(Money::ZERO), "0.00万元");
    assert_eq!(PLANNED_SPEND.show_or_dash(None), "—");
    assert_eq!(ALL.len(), 18, "the figures of §4a");
}

#[test]
fn the_plan_at_a_date_is_linear_between_its_points() {
    let mut f = healthy();
    f.receipts.retain(|(_, r)| r.received_on >= d(2025, 1, 10));
    f.receipts[0].1.received_on = d(2025, 1, 10);
    f.plan = vec![(Month { year: 2025, month: 1 }, dec("10")), (Month { year: 2025, month: 2 }, dec("30"))];
    let first = f.first_receipt().unwrap();
    assert_eq!(first, d(2025, 1, 10));
    // Before the first receipt: 0.
    assert_eq!(planned_spend_percent(&f, d(2025, 1, 9)), Some(Decimal::ZERO));
    // 20 January: 10 of the 21 days from 10 to 31 January, 10 × 10/21 = 4.7619…
    let jan = planned_spend_percent(&f, d(2025, 1, 20)).unwrap();
    assert_eq!(round_half_up(jan, 4), dec("4.7619"));
    // 14 February: 10 + 20 × 14/28 = 20.
    assert_eq!(planned_spend_percent(&f, d(2025, 2, 14)), Some(dec("20")));
    // After the last point, its value.
    assert_eq!(planned_spend_percent(&f, d(2025, 6, 1)), Some(dec("30")));
    // Without a plan: from the first receipt (10 Jan 2025, 0) to the planned completion
    // (10 Jan 2026, 100): 2 July 2025 is 173 of 365 days, 47.3972…%.
    f.plan.clear();
    f.project.planned_completion = Some(d(2026, 1, 10));
    assert_eq!(round_half_up(planned_spend_percent(&f, d(2025, 7, 2)).unwrap(), 4), dec("47.3973"));
    f.project.planned_completion = None;
    assert_eq!(planned_spend_percent(&f, d(2025, 7, 2)), None);
}

fn change(id: i64, from: Option<&str>, to: &str, on: chrono::NaiveDate) -> project_status_change::Model {
    project_status_change::Model {
        id,
        project_id: 1,
        from_status: from.map(str::to_string),
        to_status: to.into(),
        effective_on: on,
        recorded_at: now(),
        recorded_by: "office".into(),
        note: None,
    }
}

#[test]
fn the_status_in_force_on_a_date_follows_the_history() {
    let mut f = healthy();
    f.project.status = "OPERATING".into();
    // Registered on 1 June 2026 as PROPOSED, with a history entered afterwards.
    f.status_changes = vec![
        change(1, None, "PROPOSED", d(2026, 6, 1)),
        change(2, Some("PROPOSED"), "APPROVED", d(2024, 1, 1)),
        change(3, Some("APPROVED"), "UNDER_CONSTRUCTION", d(2024, 6, 1)),
        change(4, Some("UNDER_CONSTRUCTION"), "OPERATING", d(2026, 1, 15)),
    ];
    assert_eq!(f.status_on(d(2023, 6, 1)), ProjectStatus::Proposed);
    // 31 December 2025: still under construction, whatever the project is today.
    assert_eq!(f.status_on(d(2025, 12, 31)), ProjectStatus::UnderConstruction);
    assert_eq!(f.status_on(d(2026, 1, 15)), ProjectStatus::Operating);
    let figures = project_figures(&f, d(2025, 12, 31));
    assert_eq!((figures.status, figures.stage), (ProjectStatus::UnderConstruction, Stage::Use));
    // Cancelled keeps the stage of the status it had.
    f.status_changes.push(change(5, Some("OPERATING"), "CANCELLED", d(2026, 3, 1)));
    assert_eq!(f.status_on(d(2026, 3, 1)), ProjectStatus::Cancelled);
    assert_eq!(f.stage_status_on(d(2026, 3, 1)), ProjectStatus::Operating);
}

#[test]
fn money_and_debt_figures_of_the_healthy_project() {
    let f = healthy();
    let on = d(2026, 6, 15);
    let x = project_figures(&f, on);
    // 60,000,000 allocated; 2,000,000 received, transferred and paid each month from February
    // 2025 to May 2026 (16 months): 32,000,000 each.
    assert_eq!(x.bond_funding, yuan(60_000_000));
    assert_eq!((x.received, x.transferred, x.paid), (yuan(32_000_000), yuan(32_000_000), yuan(32_000_000)));
    assert_eq!((x.held_in_treasury, x.held_at_unit), (Money::ZERO, Money::ZERO));
    // 32 / 60 = 53.33…% of the bond funding paid; paid ÷ received 100%.
    assert_eq!(x.spend_progress_percent.map(|p| SPEND_PROGRESS.decimal(p)), Some("53.33".into()));
    assert_eq!(x.spend_rate_percent, Some(dec("100")));
    // The annual coupon of 60,000,000 × 3% = 1,800,000 due 10 January 2026 was paid: nothing
    // overdue; the next, 10 January 2027, is within 12 months; principal all outstanding.
    assert_eq!(x.overdue_debt_service, Money::ZERO);
    assert_eq!(x.debt_service_next_12_months, yuan(1_800_000));
    assert_eq!(x.outstanding_principal, yuan(60_000_000));
}
