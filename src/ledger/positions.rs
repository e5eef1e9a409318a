//! Money positions (domain.md §2, §4a): per project and bond, as of a date, the
//! allocation in force, what was received, transferred (拨付) and paid (支出), and the
//! lots of money still held — in the treasury and at the project unit — oldest first.
//!
//! This is the one place that follows the money. The figures, the rules (M1, M2, M6,
//! M11, M12), the receipt and adjustment checks and the API's totals all read it, so
//! they cannot disagree. It is a pure function of the ledger rows and a date.
//!
//! How it walks: the entries dated on or before the as-of date, day by day; on one day
//! money arrives first (receipts, adjustments in), then leaves the treasury
//! (transfers), then the unit (payments), then moves away (adjustments out, whose
//! moved money was counted on their approval day, after that day's entries). A
//! transfer takes the oldest money in the treasury (of its bond when it names one,
//! of any of the project's bonds otherwise); a payment likewise takes the oldest
//! money at the unit. What an entry takes beyond what is there is a shortfall: it
//! stays open (M12) until later money covers it. A reversed entry and its reversal
//! count for nothing from the reversal's date on (the pair nets to nothing).

mod walk;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::entities::{disbursement, receipt, use_adjustment};
use crate::db::Money;
use walk::Walk;

/// An allocation increment: (bond, date allocated, amount).
pub type Increment = (i64, NaiveDate, Money);

/// The rows one project's positions are computed from.
pub struct Ledger<'a> {
    pub project_id: i64,
    pub increments: &'a [Increment],
    /// Receipts with the bond they came from.
    pub receipts: &'a [(i64, receipt::Model)],
    /// Use adjustments from or to the project (others are ignored).
    pub adjustments: &'a [use_adjustment::Model],
    pub disbursements: &'a [disbursement::Model],
    /// Refinancing bonds: they repay principal and stay out of the use-stage figures (§2).
    pub excluded_bonds: &'a [i64],
}

/// The same rows, owned: what a batched read hands over.
#[derive(Clone, Debug, Default)]
pub struct LedgerRows {
    pub project_id: i64,
    pub increments: Vec<Increment>,
    pub receipts: Vec<(i64, receipt::Model)>,
    pub adjustments: Vec<use_adjustment::Model>,
    pub disbursements: Vec<disbursement::Model>,
    pub excluded_bonds: Vec<i64>,
}

impl LedgerRows {
    pub fn ledger(&self) -> Ledger<'_> {
        Ledger {
            project_id: self.project_id,
            increments: &self.increments,
            receipts: &self.receipts,
            adjustments: &self.adjustments,
            disbursements: &self.disbursements,
            excluded_bonds: &self.excluded_bonds,
        }
    }
}

/// Money held since a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lot {
    pub since: NaiveDate,
    pub amount: Money,
}

/// One project's money on one bond.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BondPosition {
    /// Allocated, plus adjustments in, minus adjustments out.
    pub allocation: Money,
    /// Receipts, plus money moved in, minus money moved out.
    pub received: Money,
    /// Transfers taken from this bond's money, minus money returned by adjustments.
    pub transferred: Money,
    /// Payments taken from this bond's money at the unit.
    pub paid: Money,
    /// The money still in the treasury, oldest first.
    pub treasury: Vec<Lot>,
    /// The money at the unit, oldest first (since the transfer that brought it).
    pub unit: Vec<Lot>,
}

impl BondPosition {
    pub fn held_in_treasury(&self) -> Money {
        self.received - self.transferred
    }
    pub fn held_at_unit(&self) -> Money {
        self.transferred - self.paid
    }
    /// Received and not yet paid out: what a use adjustment can move (§2).
    pub fn holding(&self) -> Money {
        self.received - self.paid
    }

    /// The money an adjustment of `amount` moves (§2): `min(amount, holding)`, taken
    /// first from the treasury, then from the unit: (from the treasury, from the unit).
    /// Money that went past what arrived (M12) is nobody's to move.
    pub fn money_moved_by(&self, amount: Money) -> (Money, Money) {
        let moves = amount.min(self.holding()).max(Money::ZERO);
        let from_treasury = moves.min(self.held_in_treasury().max(Money::ZERO));
        let from_unit = (moves - from_treasury).min(self.held_at_unit().max(Money::ZERO));
        (from_treasury, from_unit)
    }
}

/// Which money an entry went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Shortfall {
    /// Transferred beyond what was received (超拨).
    Transfer,
    /// Paid beyond what was transferred (超支).
    Payment,
    /// An adjustment moved more than was then held (entries recorded later, dated before it).
    Adjustment,
}

/// An entry that took more than was there, and the part of it still uncovered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overrun {
    /// The bond whose money ran short; none for the project as a whole.
    pub bond_id: Option<i64>,
    pub kind: Shortfall,
    /// The disbursement or use adjustment.
    pub entry_id: i64,
    pub on: NaiveDate,
    pub amount: Money,
}

/// A project's money as of a date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Positions {
    pub bonds: BTreeMap<i64, BondPosition>,
    /// Transfers and payments recorded without a bond that no bond's money covered.
    pub unmatched_transferred: Money,
    pub unmatched_paid: Money,
    /// Money at the unit that no bond's money covered, oldest first.
    pub unmatched_unit: Vec<Lot>,
    /// Shortfalls still open on the date, oldest first.
    pub overruns: Vec<Overrun>,
}

/// A project's money summed over its bonds, with what stays unmatched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub bond_funding: Money,
    pub received: Money,
    pub transferred: Money,
    pub paid: Money,
}

impl Totals {
    pub fn held_in_treasury(&self) -> Money {
        self.received - self.transferred
    }
    pub fn held_at_unit(&self) -> Money {
        self.transferred - self.paid
    }
    /// 支出率 = paid ÷ received, in percent; none while nothing has arrived.
    pub fn spend_rate_percent(&self) -> Option<rust_decimal::Decimal> {
        (self.received.fen() > 0)
            .then(|| self.paid.to_decimal() * rust_decimal::Decimal::ONE_HUNDRED / self.received.to_decimal())
    }
}

impl std::ops::Add for Totals {
    type Output = Totals;
    fn add(self, o: Totals) -> Totals {
        Totals {
            bond_funding: self.bond_funding + o.bond_funding,
            received: self.received + o.received,
            transferred: self.transferred + o.transferred,
            paid: self.paid + o.paid,
        }
    }
}

impl Positions {
    pub fn totals(&self) -> Totals {
        let mut t = Totals { transferred: self.unmatched_transferred, paid: self.unmatched_paid, ..Totals::default() };
        for b in self.bonds.values() {
            t.bond_funding = t.bond_funding + b.allocation;
            t.received = t.received + b.received;
            t.transferred = t.transferred + b.transferred;
            t.paid = t.paid + b.paid;
        }
        t
    }

    pub fn bond(&self, bond_id: i64) -> Option<&BondPosition> {
        self.bonds.get(&bond_id)
    }
}

/// The project's positions as of `as_of` (every entry dated on or before it).
pub fn positions(ledger: &Ledger, as_of: NaiveDate) -> Positions {
    let mut walk = Walk::default();
    for (on, id, step) in walk::steps(ledger, as_of) {
        walk.apply(on, id, step);
    }
    walk.finish()
}

/// The allocation in force and the money received on one bond, on each day either
/// changes, from `from` on: what a receipt or an adjustment must keep within bounds
/// (§2: receipts plus money moved in minus money moved out never exceed the
/// allocation in force). Returns the first day it does not hold.
pub fn first_excess(ledger: &Ledger, bond: i64, from: NaiveDate) -> Option<(NaiveDate, Money, Money)> {
    let mut changes: Vec<(NaiveDate, Money, Money)> = Vec::new();
    for (b, on, amount) in ledger.increments {
        if *b == bond {
            changes.push((*on, *amount, Money::ZERO));
        }
    }
    for (b, r) in ledger.receipts {
        if *b == bond {
            changes.push((r.received_on, Money::ZERO, r.amount));
        }
    }
    for a in ledger.adjustments.iter().filter(|a| a.bond_id == bond) {
        let moved = a.moved_from_treasury + a.moved_from_unit;
        if a.to_project_id == ledger.project_id {
            changes.push((a.approved_on, a.amount, moved));
        }
        if a.from_project_id == ledger.project_id {
            changes.push((a.approved_on, -a.amount, -moved));
        }
    }
    changes.sort_by_key(|(on, _, _)| *on);
    let (mut allocation, mut received) = (Money::ZERO, Money::ZERO);
    let mut i = 0;
    while i < changes.len() {
        let day = changes[i].0;
        while i < changes.len() && changes[i].0 == day {
            allocation = allocation + changes[i].1;
            received = received + changes[i].2;
            i += 1;
        }
        if day >= from && received > allocation {
            return Some((day, received, allocation));
        }
    }
    None
}

#[cfg(test)]
mod tests;
