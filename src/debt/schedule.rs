//! Debt-service schedules from bond terms, and their split into project shares
//! (domain.md §4). Pure functions: no database, no clock.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::Money;
use crate::db::values::add_months;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frequency {
    Annual,
    SemiAnnual,
}

impl Frequency {
    pub fn per_year(self) -> u32 {
        match self {
            Frequency::Annual => 1,
            Frequency::SemiAnnual => 2,
        }
    }
}

/// A bond's terms as issued.
#[derive(Clone, Debug)]
pub struct BondTerms {
    pub value_date: NaiveDate,
    pub term_years: u32,
    /// Coupon rate in percent (3.27 means 3.27%).
    pub rate_percent: Decimal,
    pub face: Money,
    pub frequency: Frequency,
    /// (bond year, percent of face) for amortizing bonds; empty for bullet.
    pub amortization: Vec<(u32, Decimal)>,
}

/// One due date of a bond (or of a project's share of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub due: NaiveDate,
    pub principal: Money,
    pub interest: Money,
}

impl Line {
    pub fn total(&self) -> Money {
        self.principal + self.interest
    }
}

/// The bond's own lines: coupons on the anniversaries of the value date (and six
/// months after, when semi-annual), coupon = outstanding × rate ÷ payments a year,
/// rounded half up to the fen; principal at maturity (bullet) or the listed percents
/// of face at the end of the listed bond years, the last instalment taking the
/// rounding remainder so that principal adds up to the face exactly.
pub fn bond_schedule(terms: &BondTerms) -> Vec<Line> {
    let per_year = terms.frequency.per_year();
    let months_between = 12 / per_year;
    let payments = terms.term_years * per_year;
    let mut principal_at: BTreeMap<NaiveDate, Money> = BTreeMap::new();
    if terms.amortization.is_empty() {
        principal_at.insert(add_months(terms.value_date, terms.term_years * 12), terms.face);
    } else {
        let mut years: Vec<(u32, Decimal)> = terms.amortization.clone();
        years.sort_by_key(|(y, _)| *y);
        let mut left = terms.face;
        for (i, (year, pct)) in years.iter().enumerate() {
            let amount = if i + 1 == years.len() {
                left
            } else {
                Money::round_half_up(terms.face.to_decimal() * pct / Decimal::ONE_HUNDRED).min(left)
            };
            left = left - amount;
            *principal_at.entry(add_months(terms.value_date, year * 12)).or_default() = amount;
        }
    }
    let rate = terms.rate_percent / Decimal::ONE_HUNDRED / Decimal::from(per_year);
    let mut outstanding = terms.face;
    let mut lines = Vec::with_capacity(payments as usize);
    for k in 1..=payments {
        // Each date from the value date itself, so month ends clamp the same way every time.
        let due = add_months(terms.value_date, k * months_between);
        let interest = Money::round_half_up(outstanding.to_decimal() * rate);
        let principal = principal_at.get(&due).copied().unwrap_or_default();
        outstanding = outstanding - principal;
        lines.push(Line { due, principal, interest });
    }
    lines
}

/// A change of what a project holds of one bond: an allocation (+), or a use
/// adjustment (− for the giving project, + for the receiving one), from `on`.
#[derive(Clone, Copy, Debug)]
pub struct HoldingChange {
    pub project_id: i64,
    pub on: NaiveDate,
    pub amount: Money,
}

/// A bond line's share: a project's, or (`project_id` none) the unallocated face's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShareLine {
    pub project_id: Option<i64>,
    pub line: Line,
}

/// Splits each bond line over the holdings in force on its due date: a project's
/// share = line × holding ÷ face, rounded half up to the fen. The unallocated face's
/// line is what remains of the bond line; when the face is fully held, the rounding
/// remainder goes to the largest holding (on a tie, the one held first), so that the
/// shares add up exactly to the bond line. Allocations and adjustments count from
/// their date on; lines due before stay as they were.
pub fn split(face: Money, lines: &[Line], changes: &[HoldingChange]) -> Vec<ShareLine> {
    let mut out = Vec::with_capacity(lines.len() * 2);
    for line in lines {
        // (holding, first date held) per project, as of the due date.
        let mut held: BTreeMap<i64, (Money, NaiveDate)> = BTreeMap::new();
        for c in changes.iter().filter(|c| c.on <= line.due) {
            let entry = held.entry(c.project_id).or_insert((Money::ZERO, c.on));
            entry.0 = entry.0 + c.amount;
            entry.1 = entry.1.min(c.on);
        }
        held.retain(|_, (amount, _)| amount.fen() > 0);
        let total_held: Money = held.values().map(|(a, _)| *a).sum();
        let share = |part: Money, of: Money| {
            if face.fen() == 0 {
                Money::ZERO
            } else {
                Money::round_half_up(of.to_decimal() * part.to_decimal() / face.to_decimal())
            }
        };
        let mut shares: Vec<(i64, Line, Money, NaiveDate)> = held
            .iter()
            .map(|(project, (amount, first))| {
                let l = Line {
                    due: line.due,
                    principal: share(*amount, line.principal),
                    interest: share(*amount, line.interest),
                };
                (*project, l, *amount, *first)
            })
            .collect();
        let given = |shares: &[(i64, Line, Money, NaiveDate)]| -> (Money, Money) {
            (shares.iter().map(|s| s.1.principal).sum(), shares.iter().map(|s| s.1.interest).sum())
        };
        let (p_given, i_given) = given(&shares);
        let rest = Line { due: line.due, principal: line.principal - p_given, interest: line.interest - i_given };
        let fully_held = total_held >= face;
        if (fully_held || rest.principal.is_negative() || rest.interest.is_negative()) && !shares.is_empty() {
            // The largest holding takes the remainder (earliest held on a tie).
            let largest = shares
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.2.cmp(&b.1.2).then(b.1.3.cmp(&a.1.3)).then(b.1.0.cmp(&a.1.0)))
                .map(|(i, _)| i)
                .unwrap_or(0);
            shares[largest].1.principal = shares[largest].1.principal + rest.principal;
            shares[largest].1.interest = shares[largest].1.interest + rest.interest;
        } else if !rest.principal.is_zero() || !rest.interest.is_zero() {
            out.push(ShareLine { project_id: None, line: rest });
        }
        out.extend(shares.into_iter().map(|(project, l, _, _)| ShareLine { project_id: Some(project), line: l }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn yuan(text: &str) -> Money {
        text.parse().unwrap()
    }

    #[test]
    fn ten_year_bullet_with_annual_coupons() {
        // 100,000,000.00 at 3.27%: 3,270,000.00 a year for ten years, face at maturity.
        let terms = BondTerms {
            value_date: d(2023, 6, 30),
            term_years: 10,
            rate_percent: "3.27".parse().unwrap(),
            face: yuan("100000000.00"),
            frequency: Frequency::Annual,
            amortization: vec![],
        };
        let lines = bond_schedule(&terms);
        assert_eq!(lines.len(), 10);
        assert_eq!(lines[0], Line { due: d(2024, 6, 30), principal: Money::ZERO, interest: yuan("3270000.00") });
        assert!(lines[..9].iter().all(|l| l.principal.is_zero() && l.interest == yuan("3270000.00")));
        assert_eq!(
            lines[9],
            Line { due: d(2033, 6, 30), principal: yuan("100000000.00"), interest: yuan("3270000.00") }
        );
    }

    #[test]
    fn seven_year_amortizing_bond() {
        // 30,000,000.00 at 2.98%, 20% of face at the end of years 3 to 7.
        // Interest: years 1–3 on 30m = 894,000.00; year 4 on 24m = 715,200.00;
        // year 5 on 18m = 536,400.00; year 6 on 12m = 357,600.00; year 7 on 6m = 178,800.00.
        let terms = BondTerms {
            value_date: d(2024, 3, 15),
            term_years: 7,
            rate_percent: "2.98".parse().unwrap(),
            face: yuan("30000000.00"),
            frequency: Frequency::Annual,
            amortization: (3..=7).map(|y| (y, Decimal::from(20))).collect(),
        };
        let lines = bond_schedule(&terms);
        let expected = [
            (d(2025, 3, 15), "0.00", "894000.00"),
            (d(2026, 3, 15), "0.00", "894000.00"),
            (d(2027, 3, 15), "6000000.00", "894000.00"),
            (d(2028, 3, 15), "6000000.00", "715200.00"),
            (d(2029, 3, 15), "6000000.00", "536400.00"),
            (d(2030, 3, 15), "6000000.00", "357600.00"),
            (d(2031, 3, 15), "6000000.00", "178800.00"),
        ];
        assert_eq!(lines.len(), expected.len());
        for (line, (due, p, i)) in lines.iter().zip(expected) {
            assert_eq!(*line, Line { due, principal: yuan(p), interest: yuan(i) });
        }
    }

    #[test]
    fn fifteen_year_semi_annual_bond_from_a_month_end() {
        // 10,000,000.00 at 2.65% twice a year: 132,500.00 each half year; 31 August
        // gives the last day of February.
        let terms = BondTerms {
            value_date: d(2023, 8, 31),
            term_years: 15,
            rate_percent: "2.65".parse().unwrap(),
            face: yuan("10000000.00"),
            frequency: Frequency::SemiAnnual,
            amortization: vec![],
        };
        let lines = bond_schedule(&terms);
        assert_eq!(lines.len(), 30);
        assert_eq!(lines[0].due, d(2024, 2, 29));
        assert_eq!(lines[1].due, d(2024, 8, 31));
        assert_eq!(lines[2].due, d(2025, 2, 28));
        assert!(lines.iter().all(|l| l.interest == yuan("132500.00")));
        assert_eq!(
            lines[29],
            Line { due: d(2038, 8, 31), principal: yuan("10000000.00"), interest: yuan("132500.00") }
        );
    }

    #[test]
    fn a_three_way_split_gives_the_odd_fen_to_the_largest() {
        // Coupon 1,000.00 split 1/3 each of a face of 3.00 held 1.00 / 1.00 / 1.00:
        // 333.33 × 3 = 999.99; the one fen goes to the largest, on a tie the first held.
        let lines = [Line { due: d(2025, 1, 1), principal: Money::ZERO, interest: yuan("1000.00") }];
        let changes = [
            HoldingChange { project_id: 7, on: d(2024, 2, 1), amount: yuan("1.00") },
            HoldingChange { project_id: 8, on: d(2024, 1, 1), amount: yuan("1.00") },
            HoldingChange { project_id: 9, on: d(2024, 3, 1), amount: yuan("1.00") },
        ];
        let shares = split(yuan("3.00"), &lines, &changes);
        let of = |p: i64| shares.iter().find(|s| s.project_id == Some(p)).unwrap().line.interest;
        assert_eq!(of(8), yuan("333.34"), "held first");
        assert_eq!(of(7), yuan("333.33"));
        assert_eq!(of(9), yuan("333.33"));
        assert!(shares.iter().all(|s| s.project_id.is_some()), "fully allocated: no unallocated line");
    }

    #[test]
    fn unallocated_face_gets_what_remains_and_adjustments_count_from_their_date() {
        let lines = [
            Line { due: d(2025, 1, 1), principal: Money::ZERO, interest: yuan("100.00") },
            Line { due: d(2026, 1, 1), principal: yuan("1000.00"), interest: yuan("100.00") },
        ];
        let changes = [
            HoldingChange { project_id: 1, on: d(2024, 1, 1), amount: yuan("600.00") },
            // Half of project 1's holding moves to project 2 from 1 June 2025.
            HoldingChange { project_id: 1, on: d(2025, 6, 1), amount: yuan("-300.00") },
            HoldingChange { project_id: 2, on: d(2025, 6, 1), amount: yuan("300.00") },
        ];
        let shares = split(yuan("1000.00"), &lines, &changes);
        let find = |due: NaiveDate, p: Option<i64>| {
            shares.iter().find(|s| s.line.due == due && s.project_id == p).map(|s| s.line)
        };
        assert_eq!(find(d(2025, 1, 1), Some(1)).unwrap().interest, yuan("60.00"));
        assert_eq!(find(d(2025, 1, 1), None).unwrap().interest, yuan("40.00"));
        assert!(find(d(2025, 1, 1), Some(2)).is_none(), "before the adjustment the line stays where it was");
        assert_eq!(find(d(2026, 1, 1), Some(1)).unwrap().principal, yuan("300.00"));
        assert_eq!(find(d(2026, 1, 1), Some(2)).unwrap().principal, yuan("300.00"));
        assert_eq!(find(d(2026, 1, 1), None).unwrap().principal, yuan("400.00"));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn bond_and_holdings() -> impl Strategy<Value = (BondTerms, Vec<HoldingChange>)> {
        (
            1u32..=30,
            1i64..=500_000_000_000,
            1u32..=800,
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec((1i64..=1000, 0i64..=400), 1..6),
            1u32..=100,
        )
            .prop_map(|(term, face_fen, rate_bp, semi, amortize, parts, held_pct)| {
                let face = Money::from_fen(face_fen);
                let amortization = if amortize && term > 1 {
                    vec![(term / 2, Decimal::from(30)), (term, Decimal::from(70))]
                } else {
                    Vec::new()
                };
                let terms = BondTerms {
                    value_date: NaiveDate::from_ymd_opt(2023, 8, 31).unwrap(),
                    term_years: term,
                    rate_percent: Decimal::new(rate_bp as i64, 2),
                    face,
                    frequency: if semi { Frequency::SemiAnnual } else { Frequency::Annual },
                    amortization,
                };
                // Holdings: weights scaled to `held_pct` of the face, dated within the term.
                let weight_sum: i64 = parts.iter().map(|(w, _)| w).sum();
                let held = face_fen as i128 * held_pct as i128 / 100;
                let changes = parts
                    .iter()
                    .enumerate()
                    .map(|(i, (w, days))| HoldingChange {
                        project_id: i as i64 + 1,
                        on: NaiveDate::from_ymd_opt(2023, 8, 31).unwrap() + chrono::Duration::days(*days * 9),
                        amount: Money::from_fen((held * *w as i128 / weight_sum as i128) as i64),
                    })
                    .collect();
                (terms, changes)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn shares_add_up_to_every_bond_line_to_the_fen((terms, changes) in bond_and_holdings()) {
            let lines = bond_schedule(&terms);
            let principal: Money = lines.iter().map(|l| l.principal).sum();
            prop_assert_eq!(principal, terms.face);
            let shares = split(terms.face, &lines, &changes);
            for line in &lines {
                let of_line: Vec<&ShareLine> = shares.iter().filter(|s| s.line.due == line.due).collect();
                let p: Money = of_line.iter().map(|s| s.line.principal).sum();
                let i: Money = of_line.iter().map(|s| s.line.interest).sum();
                prop_assert_eq!(p, line.principal, "principal on {}", line.due);
                prop_assert_eq!(i, line.interest, "interest on {}", line.due);
                prop_assert!(of_line.iter().all(|s| !s.line.principal.is_negative() && !s.line.interest.is_negative()));
            }
        }
    }
}
