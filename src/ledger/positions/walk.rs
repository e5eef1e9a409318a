//! The walk behind `positions`: the ledger's entries as ordered
//! steps, and the pools of money they fill and take from.

use std::collections::{BTreeMap, VecDeque};

use chrono::NaiveDate;

use super::{BondPosition, Ledger, Lot, Overrun, Positions, Shortfall};
use crate::db::Money;
use crate::ledger::entities::{disbursement, use_adjustment};

/// One entry of the walk, in the order a day's entries are applied.
pub(super) enum Step<'a> {
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

/// The entries dated on or before `as_of` that count, in the order they are applied
/// (day by day; on one day in the order of `Step::rank`).
pub(super) fn steps<'a>(ledger: &Ledger<'a>, as_of: NaiveDate) -> Vec<(NaiveDate, i64, Step<'a>)> {
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
        let step = if d.kind == crate::codes::DisbursementKind::Transfer.as_str() {
            Step::Transfer(d)
        } else {
            Step::Payment(d)
        };
        steps.push((d.paid_on, d.id, step));
    }
    steps.retain(|(on, _, _)| *on <= as_of);
    steps.sort_by_key(|(on, id, step)| (*on, step.rank(), *id));
    steps
}

/// The walk's state: each bond's money, and the project's money no bond covers.
#[derive(Default)]
pub(super) struct Walk {
    bonds: BTreeMap<i64, BondState>,
    /// Money at the unit and shortfalls that no bond covers.
    loose_unit: Pool,
    /// Bond-less transfers beyond every bond's treasury money, waiting for money to arrive.
    loose_treasury: Pool,
    unmatched_transferred: Money,
    unmatched_paid: Money,
}

impl Walk {
    /// Applies one step to the money it moves.
    pub(super) fn apply(&mut self, on: NaiveDate, id: i64, step: Step<'_>) {
        match step {
            Step::Increment(bond, amount) => {
                let b = self.bonds.entry(bond).or_default();
                b.position.allocation = b.position.allocation + amount;
            }
            Step::Receipt(bond, amount) => {
                arrive(&mut self.bonds, &mut self.loose_treasury, &mut self.unmatched_transferred, bond, on, amount);
                let b = self.bonds.entry(bond).or_default();
                b.position.received = b.position.received + amount;
            }
            Step::MoveIn(a) => {
                let moved = a.moved_from_treasury + a.moved_from_unit;
                {
                    let b = self.bonds.entry(a.bond_id).or_default();
                    b.position.allocation = b.position.allocation + a.amount;
                    b.position.received = b.position.received + moved;
                }
                arrive(
                    &mut self.bonds,
                    &mut self.loose_treasury,
                    &mut self.unmatched_transferred,
                    a.bond_id,
                    on,
                    moved,
                );
            }
            Step::MoveOut(a) => self.move_out(on, id, a),
            Step::Transfer(d) => match d.bond_id {
                Some(bond) => {
                    let b = self.bonds.entry(bond).or_default();
                    let got: Money = b.treasury.take(d.amount).iter().map(|l| l.amount).sum();
                    if got < d.amount {
                        b.treasury.short.push_back((d.id, Shortfall::Transfer, on, d.amount - got));
                    }
                    b.position.transferred = b.position.transferred + d.amount;
                    reach_unit(
                        &mut self.bonds,
                        &mut self.loose_unit,
                        &mut self.unmatched_paid,
                        Some(bond),
                        on,
                        d.amount,
                    );
                }
                None => self.transfer_from_any_bond(on, d),
            },
            Step::Payment(d) => match d.bond_id {
                Some(bond) => {
                    let b = self.bonds.entry(bond).or_default();
                    let got: Money = b.unit.take(d.amount).iter().map(|l| l.amount).sum();
                    if got < d.amount {
                        b.unit.short.push_back((d.id, Shortfall::Payment, on, d.amount - got));
                    }
                    b.position.paid = b.position.paid + d.amount;
                }
                None => self.pay_from_any_bond(on, d),
            },
        }
    }

    /// Money moving away with an adjustment out: what its approval counted as moved
    /// leaves the bond's treasury and unit; what is not there is an adjustment shortfall.
    fn move_out(&mut self, on: NaiveDate, id: i64, a: &use_adjustment::Model) {
        let b = self.bonds.entry(a.bond_id).or_default();
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

    /// A transfer recorded without a bond: it takes the oldest money in the treasury,
    /// whichever bond it is of; what no bond's money covers stays unmatched and open.
    fn transfer_from_any_bond(&mut self, on: NaiveDate, d: &disbursement::Model) {
        let mut want = d.amount;
        // The oldest money in the treasury first, whichever bond it is of.
        while want.fen() > 0 {
            let oldest = self
                .bonds
                .iter()
                .filter_map(|(id, b)| b.treasury.lots.front().map(|l| (l.since, *id)))
                .min()
                .map(|(_, id)| id);
            let Some(bond) = oldest else { break };
            let b = self.bonds.get_mut(&bond).expect("the bond was just found");
            let front = b.treasury.lots.front().map(|l| l.amount).unwrap_or_default();
            let got: Money = b.treasury.take(front.min(want)).iter().map(|l| l.amount).sum();
            b.position.transferred = b.position.transferred + got;
            want = want - got;
            reach_unit(&mut self.bonds, &mut self.loose_unit, &mut self.unmatched_paid, Some(bond), on, got);
        }
        if want.fen() > 0 {
            self.unmatched_transferred = self.unmatched_transferred + want;
            self.loose_treasury.short.push_back((d.id, Shortfall::Transfer, on, want));
            reach_unit(&mut self.bonds, &mut self.loose_unit, &mut self.unmatched_paid, None, on, want);
        }
    }

    /// A payment recorded without a bond: it takes the oldest money at the unit, of
    /// any bond or of none; what is not there stays unmatched and open.
    fn pay_from_any_bond(&mut self, on: NaiveDate, d: &disbursement::Model) {
        let mut want = d.amount;
        while want.fen() > 0 {
            let oldest_bond = self
                .bonds
                .iter()
                .filter_map(|(id, b)| b.unit.lots.front().map(|l| (l.since, Some(*id))))
                .chain(self.loose_unit.lots.front().map(|l| (l.since, None)))
                .min();
            let Some((_, pool)) = oldest_bond else { break };
            let got = match pool {
                Some(bond) => {
                    let b = self.bonds.get_mut(&bond).expect("the bond was just found");
                    let front = b.unit.lots.front().map(|l| l.amount).unwrap_or_default();
                    let got: Money = b.unit.take(front.min(want)).iter().map(|l| l.amount).sum();
                    b.position.paid = b.position.paid + got;
                    got
                }
                None => {
                    let front = self.loose_unit.lots.front().map(|l| l.amount).unwrap_or_default();
                    let got: Money = self.loose_unit.take(front.min(want)).iter().map(|l| l.amount).sum();
                    self.unmatched_paid = self.unmatched_paid + got;
                    got
                }
            };
            want = want - got;
        }
        if want.fen() > 0 {
            self.unmatched_paid = self.unmatched_paid + want;
            self.loose_unit.short.push_back((d.id, Shortfall::Payment, on, want));
        }
    }

    /// The positions the walk arrived at, with the shortfalls still open, oldest first.
    pub(super) fn finish(self) -> Positions {
        let Walk { bonds, loose_unit, loose_treasury, unmatched_transferred, unmatched_paid } = self;
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
