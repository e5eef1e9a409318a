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

use std::collections::{BTreeMap, VecDeque};

use chrono::NaiveDate;

use super::entities::{disbursement, receipt, use_adjustment};
use crate::db::Money;

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

/// One entry of the walk, in the order a day's entries are applied.
enum Step<'a> {
    Increment(i64, Money),
    Receipt(i64, Money),
    MoveIn(&'a use_adjustment::Model),
    Transfer(&'a disbursement::Model),
    Payment(&'a disbursement::Model),
    MoveOut(&'a use_adjustment::Model),
}

impl Step<'_> {
    fn rank(&self) -> u8 {
        match self {
            Step::Increment(..) => 0,
            Step::Receipt(..) | Step::MoveIn(_) => 1,
            Step::Transfer(_) => 2,
            Step::Payment(_) => 3,
            Step::MoveOut(_) => 4,
        }
    }
}

/// Money held and shortfalls waiting for money, of one pool (a bond's treasury or
/// unit money, or the project's unmatched money).
#[derive(Default)]
struct Pool {
    lots: VecDeque<Lot>,
    /// Entries that took more than there was, oldest first: (entry, kind, date, uncovered).
    short: VecDeque<(i64, Shortfall, NaiveDate, Money)>,
}

impl Pool {
    /// Takes up to `want` from the oldest lots; returns the lots taken.
    fn take(&mut self, mut want: Money) -> Vec<Lot> {
        let mut taken = Vec::new();
        while want.fen() > 0 {
            let Some(front) = self.lots.front_mut() else { break };
            let part = front.amount.min(want);
            taken.push(Lot { since: front.since, amount: part });
            front.amount = front.amount - part;
            want = want - part;
            if front.amount.fen() == 0 {
                self.lots.pop_front();
            }
        }
        taken
    }

    /// Money arriving: it covers open shortfalls first; returns what was left to hold
    /// after covering, and the amount covered.
    fn cover(&mut self, amount: Money) -> (Money, Money) {
        let mut left = amount;
        while left.fen() > 0 {
            let Some(front) = self.short.front_mut() else { break };
            let part = front.3.min(left);
            front.3 = front.3 - part;
            left = left - part;
            if front.3.fen() == 0 {
                self.short.pop_front();
            }
        }
        (left, amount - left)
    }

    fn put(&mut self, since: NaiveDate, amount: Money) {
        let (left, _) = self.cover(amount);
        if left.fen() > 0 {
            self.lots.push_back(Lot { since, amount: left });
        }
    }
}

#[derive(Default)]
struct BondState {
    position: BondPosition,
    treasury: Pool,
    unit: Pool,
}

/// The project's positions as of `as_of` (every entry dated on or before it).
pub fn positions(ledger: &Ledger, as_of: NaiveDate) -> Positions {
    let excluded = |bond: i64| ledger.excluded_bonds.contains(&bond);
    let reversed_by: BTreeMap<i64, NaiveDate> =
        ledger.disbursements.iter().filter_map(|d| d.reversal_of.map(|of| (of, d.paid_on))).collect();
    // A pair cancelled by the as-of date counts for nothing; an entry reversed later counts until then.
    let counts = |d: &disbursement::Model| {
        d.reversal_of.is_none()
            && d.paid_on <= as_of
            && d.amount.fen() > 0
            && reversed_by.get(&d.id).is_none_or(|on| *on > as_of)
            && d.bond_id.is_none_or(|b| !excluded(b))
    };

    let mut steps: Vec<(NaiveDate, i64, Step)> = Vec::new();
    for (i, (bond, on, amount)) in ledger.increments.iter().enumerate() {
        if !excluded(*bond) {
            steps.push((*on, i as i64, Step::Increment(*bond, *amount)));
        }
    }
    for (bond, r) in ledger.receipts {
        if !excluded(*bond) {
            steps.push((r.received_on, r.id, Step::Receipt(*bond, r.amount)));
        }
    }
    for a in ledger.adjustments.iter().filter(|a| !excluded(a.bond_id)) {
        if a.to_project_id == ledger.project_id {
            steps.push((a.approved_on, a.id, Step::MoveIn(a)));
        }
        if a.from_project_id == ledger.project_id {
            steps.push((a.approved_on, a.id, Step::MoveOut(a)));
        }
    }
    for d in ledger.disbursements.iter().filter(|d| counts(d)) {
        let step = if d.kind == "TRANSFER" { Step::Transfer(d) } else { Step::Payment(d) };
        steps.push((d.paid_on, d.id, step));
    }
    steps.retain(|(on, _, _)| *on <= as_of);
    steps.sort_by_key(|(on, id, step)| (*on, step.rank(), *id));

    let mut bonds: BTreeMap<i64, BondState> = BTreeMap::new();
    // Money at the unit and shortfalls that no bond covers.
    let mut loose_unit = Pool::default();
    // Bond-less transfers beyond every bond's treasury money, waiting for money to arrive.
    let mut loose_treasury = Pool::default();
    let mut unmatched_transferred = Money::ZERO;
    let mut unmatched_paid = Money::ZERO;

    for (on, id, step) in steps {
        match step {
            Step::Increment(bond, amount) => {
                let b = bonds.entry(bond).or_default();
                b.position.allocation = b.position.allocation + amount;
            }
            Step::Receipt(bond, amount) => {
                arrive(&mut bonds, &mut loose_treasury, &mut unmatched_transferred, bond, on, amount);
                let b = bonds.entry(bond).or_default();
                b.position.received = b.position.received + amount;
            }
            Step::MoveIn(a) => {
                let moved = a.moved_from_treasury + a.moved_from_unit;
                {
                    let b = bonds.entry(a.bond_id).or_default();
                    b.position.allocation = b.position.allocation + a.amount;
                    b.position.received = b.position.received + moved;
                }
                arrive(&mut bonds, &mut loose_treasury, &mut unmatched_transferred, a.bond_id, on, moved);
            }
            Step::MoveOut(a) => {
                let b = bonds.entry(a.bond_id).or_default();
                b.position.allocation = b.position.allocation - a.amount;
                b.position.received = b.position.received - a.moved_from_treasury - a.moved_from_unit;
                b.position.transferred = b.position.transferred - a.moved_from_unit;
                let got = b.treasury.take(a.moved_from_treasury).iter().map(|l| l.amount).sum::<Money>();
                if got < a.moved_from_treasury {
                    b.treasury.short.push_back((id, Shortfall::Adjustment, on, a.moved_from_treasury - got));
                }
                let got = b.unit.take(a.moved_from_unit).iter().map(|l| l.amount).sum::<Money>();
                if got < a.moved_from_unit {
                    b.unit.short.push_back((id, Shortfall::Adjustment, on, a.moved_from_unit - got));
                }
            }
            Step::Transfer(d) => match d.bond_id {
                Some(bond) => {
                    let b = bonds.entry(bond).or_default();
                    let got: Money = b.treasury.take(d.amount).iter().map(|l| l.amount).sum();
                    if got < d.amount {
                        b.treasury.short.push_back((d.id, Shortfall::Transfer, on, d.amount - got));
                    }
                    b.position.transferred = b.position.transferred + d.amount;
                    reach_unit(&mut bonds, &mut loose_unit, &mut unmatched_paid, Some(bond), on, d.amount);
                }
                None => {
                    let mut want = d.amount;
                    // The oldest money in the treasury first, whichever bond it is of.
                    while want.fen() > 0 {
                        let oldest = bonds
                            .iter()
                            .filter_map(|(id, b)| b.treasury.lots.front().map(|l| (l.since, *id)))
                            .min()
                            .map(|(_, id)| id);
                        let Some(bond) = oldest else { break };
                        let b = bonds.get_mut(&bond).expect("the bond was just found");
                        let front = b.treasury.lots.front().map(|l| l.amount).unwrap_or_default();
                        let got: Money = b.treasury.take(front.min(want)).iter().map(|l| l.amount).sum();
                        b.position.transferred = b.position.transferred + got;
                        want = want - got;
                        reach_unit(&mut bonds, &mut loose_unit, &mut unmatched_paid, Some(bond), on, got);
                    }
                    if want.fen() > 0 {
                        unmatched_transferred = unmatched_transferred + want;
                        loose_treasury.short.push_back((d.id, Shortfall::Transfer, on, want));
                        reach_unit(&mut bonds, &mut loose_unit, &mut unmatched_paid, None, on, want);
                    }
                }
            },
            Step::Payment(d) => match d.bond_id {
                Some(bond) => {
                    let b = bonds.entry(bond).or_default();
                    let got: Money = b.unit.take(d.amount).iter().map(|l| l.amount).sum();
                    if got < d.amount {
                        b.unit.short.push_back((d.id, Shortfall::Payment, on, d.amount - got));
                    }
                    b.position.paid = b.position.paid + d.amount;
                }
                None => {
                    let mut want = d.amount;
                    while want.fen() > 0 {
                        let oldest_bond = bonds
                            .iter()
                            .filter_map(|(id, b)| b.unit.lots.front().map(|l| (l.since, Some(*id))))
                            .chain(loose_unit.lots.front().map(|l| (l.since, None)))
                            .min();
                        let Some((_, pool)) = oldest_bond else { break };
                        let got = match pool {
                            Some(bond) => {
                                let b = bonds.get_mut(&bond).expect("the bond was just found");
                                let front = b.unit.lots.front().map(|l| l.amount).unwrap_or_default();
                                let got: Money = b.unit.take(front.min(want)).iter().map(|l| l.amount).sum();
                                b.position.paid = b.position.paid + got;
                                got
                            }
                            None => {
                                let front = loose_unit.lots.front().map(|l| l.amount).unwrap_or_default();
                                let got: Money = loose_unit.take(front.min(want)).iter().map(|l| l.amount).sum();
                                unmatched_paid = unmatched_paid + got;
                                got
                            }
                        };
                        want = want - got;
                    }
                    if want.fen() > 0 {
                        unmatched_paid = unmatched_paid + want;
                        loose_unit.short.push_back((d.id, Shortfall::Payment, on, want));
                    }
                }
            },
        }
    }

    let mut overruns = Vec::new();
    let mut open = |pool: &Pool, bond: Option<i64>| {
        for (entry_id, kind, on, amount) in &pool.short {
            overruns.push(Overrun { bond_id: bond, kind: *kind, entry_id: *entry_id, on: *on, amount: *amount });
        }
    };
    for (id, b) in &bonds {
        open(&b.treasury, Some(*id));
        open(&b.unit, Some(*id));
    }
    open(&loose_treasury, None);
    open(&loose_unit, None);
    overruns.sort_by_key(|o| (o.on, o.entry_id));
    Positions {
        bonds: bonds
            .into_iter()
            .map(|(id, mut s)| {
                s.position.treasury = s.treasury.lots.into_iter().collect();
                s.position.unit = s.unit.lots.into_iter().collect();
                (id, s.position)
            })
            .collect(),
        unmatched_transferred,
        unmatched_paid,
        unmatched_unit: loose_unit.lots.into_iter().collect(),
        overruns,
    }
}

/// Bond money arriving in the treasury: it covers the bond's own shortfalls, then
/// bond-less transfers that went past every bond's money (which from then on count
/// as taken from this bond), and the rest is held.
fn arrive(
    bonds: &mut BTreeMap<i64, BondState>,
    loose_treasury: &mut Pool,
    unmatched_transferred: &mut Money,
    bond: i64,
    on: NaiveDate,
    amount: Money,
) {
    let b = bonds.entry(bond).or_default();
    let (left, _) = b.treasury.cover(amount);
    let (left, covered) = loose_treasury.cover(left);
    if covered.fen() > 0 {
        *unmatched_transferred = *unmatched_transferred - covered;
        b.position.transferred = b.position.transferred + covered;
    }
    if left.fen() > 0 {
        b.treasury.lots.push_back(Lot { since: on, amount: left });
    }
}

/// Transferred money reaching the unit: it covers payments that went past (the
/// bond's own, then bond-less ones), and the rest is held there.
fn reach_unit(
    bonds: &mut BTreeMap<i64, BondState>,
    loose_unit: &mut Pool,
    unmatched_paid: &mut Money,
    bond: Option<i64>,
    on: NaiveDate,
    amount: Money,
) {
    match bond {
        Some(bond) => {
            let b = bonds.entry(bond).or_default();
            let (left, _) = b.unit.cover(amount);
            let (left, covered) = loose_unit.cover(left);
            if covered.fen() > 0 {
                *unmatched_paid = *unmatched_paid - covered;
                b.position.paid = b.position.paid + covered;
            }
            if left.fen() > 0 {
                b.unit.lots.push_back(Lot { since: on, amount: left });
            }
        }
        None => loose_unit.put(on, amount),
    }
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
