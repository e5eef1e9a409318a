//! Schedules and project shares for 10,000 bonds with 3 allocations each, in memory.
//! Run: `cargo bench --bench debt_schedules`.

use std::time::Instant;

use bondwatch::db::Money;
use bondwatch::debt::schedule::{BondTerms, Frequency, HoldingChange, bond_schedule, split};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn main() {
    let bonds = 10_000;
    let start = NaiveDate::from_ymd_opt(2020, 1, 31).unwrap();
    let portfolio: Vec<(BondTerms, Vec<HoldingChange>)> = (0..bonds)
        .map(|i| {
            let face = Money::from_fen(100_000_000_000 + i as i64 * 997);
            let terms = BondTerms {
                value_date: start + chrono::Duration::days(i as i64 % 1500),
                term_years: [5, 7, 10, 15, 20, 30][i % 6],
                rate_percent: Decimal::new(200 + (i % 150) as i64, 2),
                face,
                frequency: if i % 3 == 0 { Frequency::SemiAnnual } else { Frequency::Annual },
                amortization: if i % 4 == 0 { vec![(3, Decimal::from(30)), (5, Decimal::from(70))] } else { vec![] },
            };
            let third = Money::from_fen(face.fen() / 3);
            let changes = (0..3)
                .map(|k| HoldingChange { project_id: (i * 3 + k) as i64, on: terms.value_date, amount: third })
                .collect();
            (terms, changes)
        })
        .collect();
    let mut best = f64::MAX;
    let mut lines = 0;
    for _ in 0..5 {
        let t = Instant::now();
        lines = 0;
        for (terms, changes) in &portfolio {
            let schedule = bond_schedule(terms);
            lines += split(terms.face, &schedule, changes).len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "debt_schedules: {bonds} bonds × 3 allocations → {lines} share lines in {:.1} ms (best of 5), {:.2} µs a bond",
        best * 1e3,
        best * 1e6 / bonds as f64
    );
}
