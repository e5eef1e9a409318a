//! Hand-computed positions, and a property test over random ledgers that the
//! service's checks would accept.

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn yuan(n: i64) -> Money {
    Money::from_fen(n * 100)
}
fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 2, 0, 0).unwrap()
}
fn receipt(id: i64, bond: i64, on: NaiveDate, amount: i64) -> (i64, receipt::Model) {
    (bond, receipt::Model { id, allocation_id: bond, amount: yuan(amount), received_on: on, recorded_at: now() })
}
fn entry(id: i64, bond: Option<i64>, kind: &str, on: NaiveDate, amount: i64) -> disbursement::Model {
    disbursement::Model {
        id,
        project_id: 1,
        bond_id: bond,
        kind: kind.into(),
        paid_on: on,
        amount: yuan(amount),
        payee: "区交投".into(),
        economic_class: "资本性支出".into(),
        voucher_no: None,
        reversal_of: None,
        reason: None,
        idempotency_key: None,
        recorded_at: now(),
    }
}
fn reversal(id: i64, of: &disbursement::Model, on: NaiveDate) -> disbursement::Model {
    disbursement::Model { id, reversal_of: Some(of.id), paid_on: on, amount: -of.amount, ..of.clone() }
}
fn adjustment(
    id: i64,
    from: i64,
    to: i64,
    on: NaiveDate,
    amount: i64,
    treasury: i64,
    unit: i64,
) -> use_adjustment::Model {
    use_adjustment::Model {
        id,
        bond_id: 1,
        from_project_id: from,
        to_project_id: to,
        amount: yuan(amount),
        reason: "其他".into(),
        approved_on: on,
        moved_from_treasury: yuan(treasury),
        moved_from_unit: yuan(unit),
        recorded_at: now(),
    }
}
fn rows(
    increments: Vec<Increment>,
    receipts: Vec<(i64, receipt::Model)>,
    disbursements: Vec<disbursement::Model>,
) -> LedgerRows {
    LedgerRows { project_id: 1, increments, receipts, disbursements, ..LedgerRows::default() }
}

#[test]
fn transfers_and_payments_without_a_bond_take_the_oldest_money() {
    // Bond 1: 100 received on 1 Jan; bond 2: 50 on 5 Jan.
    let r = rows(
        vec![(1, d(2025, 1, 1), yuan(100)), (2, d(2025, 1, 1), yuan(50))],
        vec![receipt(1, 1, d(2025, 1, 1), 100), receipt(2, 2, d(2025, 1, 5), 50)],
        vec![entry(10, None, "TRANSFER", d(2025, 2, 1), 120), entry(11, None, "PAYMENT", d(2025, 3, 1), 110)],
    );
    let p = positions(&r.ledger(), d(2025, 3, 31));
    let (b1, b2) = (&p.bonds[&1], &p.bonds[&2]);
    // The transfer of 120 takes bond 1's 100 (oldest, 1 Jan), then 20 of bond 2's 50.
    assert_eq!((b1.transferred, b2.transferred), (yuan(100), yuan(20)));
    assert_eq!(b2.treasury, vec![Lot { since: d(2025, 1, 5), amount: yuan(30) }]);
    // Both unit lots date from 1 Feb: the payment of 110 takes bond 1's 100, then 10 of bond 2's.
    assert_eq!((b1.paid, b2.paid), (yuan(100), yuan(10)));
    assert_eq!(b2.unit, vec![Lot { since: d(2025, 2, 1), amount: yuan(10) }]);
    // Totals: received 100 + 50 = 150, transferred 120, paid 110; nothing unmatched or overrun.
    assert_eq!(
        p.totals(),
        Totals { bond_funding: yuan(150), received: yuan(150), transferred: yuan(120), paid: yuan(110) }
    );
    assert!(p.overruns.is_empty() && p.unmatched_transferred.is_zero() && p.unmatched_paid.is_zero());
}

#[test]
fn money_moved_beyond_what_arrived_stays_open_until_covered() {
    // 100 received on 1 Jan, 150 transferred on bond 1 on 1 Feb: 50 went past.
    let r = rows(
        vec![(1, d(2025, 1, 1), yuan(200))],
        vec![receipt(1, 1, d(2025, 1, 1), 100), receipt(2, 1, d(2025, 3, 1), 60)],
        vec![entry(10, Some(1), "TRANSFER", d(2025, 2, 1), 150)],
    );
    let feb = positions(&r.ledger(), d(2025, 2, 15));
    assert_eq!(
        feb.overruns,
        vec![Overrun {
            bond_id: Some(1),
            kind: Shortfall::Transfer,
            entry_id: 10,
            on: d(2025, 2, 1),
            amount: yuan(50)
        }]
    );
    // Held in the treasury: 100 − 150 = −50, negative only while the overrun is open.
    assert_eq!(feb.bonds[&1].held_in_treasury(), yuan(-50));
    // 60 more arrives on 1 March: 50 covers the shortfall, 10 is held from that day.
    let mar = positions(&r.ledger(), d(2025, 3, 1));
    assert!(mar.overruns.is_empty());
    assert_eq!(mar.bonds[&1].treasury, vec![Lot { since: d(2025, 3, 1), amount: yuan(10) }]);
    assert_eq!(mar.bonds[&1].held_in_treasury(), yuan(10)); // 160 − 150
}

#[test]
fn a_transfer_without_a_bond_beyond_all_money_is_unmatched() {
    let r = rows(
        vec![(1, d(2025, 1, 1), yuan(100))],
        vec![receipt(1, 1, d(2025, 1, 1), 100)],
        vec![entry(10, None, "TRANSFER", d(2025, 2, 1), 130), entry(11, None, "PAYMENT", d(2025, 2, 2), 140)],
    );
    let p = positions(&r.ledger(), d(2025, 2, 28));
    // 100 of bond 1, 30 unmatched; the payment of 140 takes bond 1's 100 at the unit, then the 30
    // unmatched, and 10 goes past everything.
    assert_eq!((p.bonds[&1].transferred, p.unmatched_transferred), (yuan(100), yuan(30)));
    assert_eq!((p.bonds[&1].paid, p.unmatched_paid), (yuan(100), yuan(40)));
    let kinds: Vec<_> = p.overruns.iter().map(|o| (o.bond_id, o.kind, o.amount)).collect();
    assert_eq!(kinds, vec![(None, Shortfall::Transfer, yuan(30)), (None, Shortfall::Payment, yuan(10))]);
    let t = p.totals();
    assert_eq!((t.received, t.transferred, t.paid), (yuan(100), yuan(130), yuan(140)));
}

#[test]
fn a_reversed_pair_counts_for_nothing_from_the_reversal_on() {
    let transfer = entry(10, Some(1), "TRANSFER", d(2025, 2, 1), 80);
    let back = reversal(11, &transfer, d(2025, 5, 1));
    let r = rows(vec![(1, d(2025, 1, 1), yuan(100))], vec![receipt(1, 1, d(2025, 1, 1), 100)], vec![transfer, back]);
    let before = positions(&r.ledger(), d(2025, 4, 30));
    assert_eq!(before.bonds[&1].transferred, yuan(80));
    let after = positions(&r.ledger(), d(2025, 5, 1));
    assert_eq!(after.bonds[&1].transferred, Money::ZERO);
    // The money is back in the treasury with its first date: it has been held since 1 January.
    assert_eq!(after.bonds[&1].treasury, vec![Lot { since: d(2025, 1, 1), amount: yuan(100) }]);
}

#[test]
fn refinancing_bonds_stay_out_of_the_use_stage() {
    let mut r = rows(
        vec![(1, d(2025, 1, 1), yuan(100)), (9, d(2025, 1, 1), yuan(500))],
        vec![receipt(1, 1, d(2025, 1, 1), 100), receipt(2, 9, d(2025, 1, 1), 500)],
        vec![],
    );
    r.excluded_bonds = vec![9];
    let p = positions(&r.ledger(), d(2025, 6, 1));
    assert_eq!(p.totals().received, yuan(100));
    assert!(!p.bonds.contains_key(&9));
}

#[test]
fn an_adjustment_moves_allocation_and_only_the_money_that_exists() {
    // Project 1: 300 allocated, 100 received, 30 transferred, 10 paid. An adjustment of 200 to
    // project 2 moves 70 from the treasury and the unit's 20: holding 100 − 10 = 90 < 200.
    let increments = vec![(1, d(2025, 1, 1), yuan(300))];
    let receipts = vec![receipt(1, 1, d(2025, 1, 10), 100)];
    let disbursements =
        vec![entry(10, Some(1), "TRANSFER", d(2025, 1, 20), 30), entry(11, Some(1), "PAYMENT", d(2025, 1, 25), 10)];
    let adj = adjustment(5, 1, 2, d(2025, 2, 1), 200, 70, 20);
    let from = LedgerRows { adjustments: vec![adj.clone()], ..rows(increments, receipts, disbursements) };
    let p = &positions(&from.ledger(), d(2025, 2, 1)).bonds[&1];
    // allocation 300 − 200 = 100; received 100 − 90 = 10; transferred 30 − 20 = 10; paid 10.
    assert_eq!((p.allocation, p.received, p.transferred, p.paid), (yuan(100), yuan(10), yuan(10), yuan(10)));
    assert_eq!((p.held_in_treasury(), p.held_at_unit()), (Money::ZERO, Money::ZERO));
    let to = LedgerRows { project_id: 2, adjustments: vec![adj], ..LedgerRows::default() };
    let q = &positions(&to.ledger(), d(2025, 2, 1)).bonds[&1];
    // The receiving project: 200 allocated, 90 received on the approval day, held in the treasury.
    assert_eq!((q.allocation, q.received), (yuan(200), yuan(90)));
    assert_eq!(q.treasury, vec![Lot { since: d(2025, 2, 1), amount: yuan(90) }]);
    assert!(positions(&to.ledger(), d(2025, 1, 31)).bonds.is_empty(), "nothing before the approval");
}

#[test]
fn receipts_stay_within_the_allocation_in_force() {
    // 100 allocated; 100 received; 80 moved away on 1 Feb (allocation 20, received 20).
    let mut r = LedgerRows {
        adjustments: vec![adjustment(5, 1, 2, d(2025, 2, 1), 80, 80, 0)],
        ..rows(vec![(1, d(2025, 1, 1), yuan(100))], vec![receipt(1, 1, d(2025, 1, 10), 100)], vec![])
    };
    assert_eq!(first_excess(&r.ledger(), 1, d(2025, 1, 1)), None);
    // 10 more on 1 March: received 30 > 20 in force.
    r.receipts.push(receipt(2, 1, d(2025, 3, 1), 10));
    assert_eq!(first_excess(&r.ledger(), 1, d(2025, 3, 1)), Some((d(2025, 3, 1), yuan(30), yuan(20))));
    // A receipt dated before the allocation: 5 received on 1 Dec 2024 against 0 in force.
    let early = rows(vec![(1, d(2025, 1, 1), yuan(100))], vec![receipt(1, 1, d(2024, 12, 1), 5)], vec![]);
    assert_eq!(first_excess(&early.ledger(), 1, d(2024, 12, 1)), Some((d(2024, 12, 1), yuan(5), Money::ZERO)));
}

/// One step a clerk might take on project 1 (bonds 1 and 2), or on project 2 (an adjustment target).
#[derive(Clone, Debug)]
enum Op {
    Allocate(i64, i64),
    Receive(i64, i64),
    Transfer(Option<i64>, i64),
    Pay(Option<i64>, i64),
    Reverse(usize),
    Adjust(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let bond = prop_oneof![Just(1i64), Just(2i64)];
    let maybe = prop_oneof![Just(None), Just(Some(1i64)), Just(Some(2i64))];
    prop_oneof![
        (bond.clone(), 1i64..500).prop_map(|(b, a)| Op::Allocate(b, a)),
        (bond, 1i64..400).prop_map(|(b, a)| Op::Receive(b, a)),
        (maybe.clone(), 1i64..300).prop_map(|(b, a)| Op::Transfer(b, a)),
        (maybe, 1i64..300).prop_map(|(b, a)| Op::Pay(b, a)),
        (0usize..20).prop_map(Op::Reverse),
        (1i64..300).prop_map(Op::Adjust),
    ]
}

proptest! {
    #[test]
    fn positions_hold_together(ops in proptest::collection::vec(op(), 1..40)) {
        let mut r = rows(vec![], vec![], vec![]);
        let mut id = 100;
        for (day, op) in ops.iter().enumerate() {
            let on = d(2025, 1, 1) + chrono::Duration::days(day as i64 * 3);
            id += 1;
            match op {
                Op::Allocate(b, a) => r.increments.push((*b, on, yuan(*a))),
                Op::Receive(b, a) => {
                    // As record_receipt: refused when it would break the allocation in force.
                    let mut next = r.clone();
                    next.receipts.push(receipt(id, *b, on, *a));
                    if first_excess(&next.ledger(), *b, on).is_none() {
                        r = next;
                    }
                }
                Op::Transfer(b, a) => r.disbursements.push(entry(id, *b, "TRANSFER", on, *a)),
                Op::Pay(b, a) => r.disbursements.push(entry(id, *b, "PAYMENT", on, *a)),
                Op::Reverse(k) => {
                    let reversed: Vec<i64> = r.disbursements.iter().filter_map(|x| x.reversal_of).collect();
                    let open: Vec<_> = r.disbursements.iter().filter(|x| x.reversal_of.is_none() && !reversed.contains(&x.id)).cloned().collect();
                    if let Some(of) = open.get(*k % open.len().max(1)) {
                        r.disbursements.push(reversal(id, of, on));
                    }
                }
                Op::Adjust(a) => {
                    // As adjust_use: bounded by the allocation in force less what was paid; only held money moves.
                    let p = positions(&r.ledger(), on).bonds.get(&1).cloned().unwrap_or_default();
                    let amount = yuan(*a);
                    if p.allocation.fen() > 0 && amount <= p.allocation - p.paid {
                        let (treasury, unit) = p.money_moved_by(amount);
                        let mut adj = adjustment(id, 1, 2, on, 0, 0, 0);
                        (adj.amount, adj.moved_from_treasury, adj.moved_from_unit) = (amount, treasury, unit);
                        let mut next = r.clone();
                        next.adjustments.push(adj);
                        if first_excess(&next.ledger(), 1, on).is_none() {
                            r = next;
                        }
                    }
                }
            }
        }
        let end = d(2025, 1, 1) + chrono::Duration::days(ops.len() as i64 * 3);
        for day in [d(2025, 1, 1), d(2025, 2, 1), end] {
            let p = positions(&r.ledger(), day);
            for (bond, b) in &p.bonds {
                prop_assert!(b.allocation.fen() >= 0 && b.received.fen() >= 0, "bond {bond}: {b:?}");
                prop_assert!(b.received <= b.allocation, "received within the allocation: {b:?}");
                let open = |kind: Shortfall| p.overruns.iter().any(|o| o.bond_id == Some(*bond) && (o.kind == kind || o.kind == Shortfall::Adjustment));
                prop_assert!(b.held_in_treasury().fen() >= 0 || open(Shortfall::Transfer), "negative treasury without M12: {b:?}");
                prop_assert!(b.held_at_unit().fen() >= 0 || open(Shortfall::Payment), "negative unit without M12: {b:?}");
                let lots: Money = b.treasury.iter().map(|l| l.amount).sum();
                prop_assert!(lots <= b.held_in_treasury().max(Money::ZERO) || open(Shortfall::Transfer));
            }
            // §4a: totals are the bond positions plus what stays unmatched, and equal the raw sums.
            let t = p.totals();
            let counted = |kind: &str| -> Money {
                r.disbursements.iter().filter(|x| x.kind == kind && x.paid_on <= day).map(|x| x.amount).sum()
            };
            let returned: Money = r.adjustments.iter().filter(|a| a.approved_on <= day).map(|a| a.moved_from_unit).sum();
            let moved: Money = r.adjustments.iter().filter(|a| a.approved_on <= day).map(|a| a.moved_from_treasury + a.moved_from_unit).sum();
            let received: Money = r.receipts.iter().filter(|(_, x)| x.received_on <= day).map(|(_, x)| x.amount).sum();
            prop_assert_eq!(t.transferred, counted("TRANSFER") - returned);
            prop_assert_eq!(t.paid, counted("PAYMENT"));
            prop_assert_eq!(t.received, received - moved);
            for a in r.adjustments.iter().filter(|a| a.approved_on <= day) {
                prop_assert!(a.moved_from_treasury.fen() >= 0 && a.moved_from_unit.fen() >= 0);
                prop_assert!(a.moved_from_treasury + a.moved_from_unit <= a.amount);
            }
        }
    }
}
