//! The bonds and the debt service paid on them so far.

use chrono::Datelike;
use rust_decimal::Decimal;
use sea_orm::EntityTrait;

use super::portfolio::BONDS;
use super::{Calendar, demo_caller, yuan};
use crate::Ctx;
use crate::db::Money;
use crate::db::values::Month;
use crate::error::Result;
use crate::ledger::entities::project;
use crate::ledger::{bonds, records};

/// The five bonds of [`BONDS`]; returns their codes, in that order.
pub(super) async fn load_bonds(ctx: &Ctx, cal: &Calendar) -> Result<Vec<String>> {
    // Issue dates: B1 two years and 45 days ago, B2 20 months ago (amortizing, an
    // instalment due within 12 months), B3 14 months ago (15 years, semi-annual by
    // default), B4 340 days ago (refinancing; its coupon falls due within a month), and
    // B5, a 3-year bond whose principal fell due 8 months ago and was repaid from B4.
    let issued = [cal.days_ago(730 + 45), cal.ago(20, 15), cal.ago(14, 10), cal.days_ago(365 - 25), cal.ago(44, 18)];
    let mut codes = Vec::new();
    for (i, (suffix, name, kind, term, coupon, face)) in BONDS.into_iter().enumerate() {
        let year = issued[i].year();
        let code = format!("HB-{year}-{suffix}");
        let amortization = if i == 1 {
            [(2, 10), (4, 20), (6, 30), (7, 40)]
                .into_iter()
                .map(|(year, pct)| bonds::AmortizationInput { year, percent_of_face: Decimal::from(pct) })
                .collect()
        } else {
            Vec::new()
        };
        bonds::create_bond(
            ctx,
            &demo_caller(),
            bonds::BondInput {
                code: code.clone(),
                name: format!("{year}年{name}"),
                kind: kind.into(),
                issue_date: issued[i],
                value_date: None,
                term_years: term,
                coupon_rate_percent: coupon.parse().unwrap_or_default(),
                face_amount: yuan(face * 10_000),
                interest_frequency: match i {
                    0 | 1 | 3 | 4 => Some("ANNUAL".into()),
                    _ => None,
                },
                amortization,
            },
        )
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Every line due by today is paid on its due date, except HY-JT-02's, paid ten days
/// late, and HY-WJ-02's latest, not paid at all; the matured bond's principal is repaid from the refinancing bond (S6).
pub(super) async fn load_debt_service(ctx: &Ctx, cal: &Calendar, bond_codes: &[String]) -> Result<usize> {
    let books = crate::debt::load_books(&ctx.db, &ctx.settings.debt, None).await?;
    let codes: std::collections::HashMap<i64, String> =
        project::Entity::find().all(&ctx.db).await?.into_iter().map(|p| (p.id, p.code)).collect();
    let mut count = 0;
    for book in &books {
        for line in book.lines.iter().filter(|l| l.line.due <= cal.today) {
            let project_code = line.project_id.and_then(|id| codes.get(&id).cloned());
            let late = project_code.as_deref() == Some("HY-JT-02");
            // HY-WJ-02 has not paid its latest line due before today (S8).
            let latest_due = book
                .lines
                .iter()
                .filter(|l| l.line.due < cal.today && l.project_id == line.project_id)
                .map(|l| l.line.due)
                .max();
            if project_code.as_deref() == Some("HY-WJ-02") && Some(line.line.due) == latest_due {
                continue;
            }
            let refinanced = book.bond.code == bond_codes[4] && !line.line.principal.is_zero();
            // Projects repay from budget support (财政补助) put into the dedicated account a
            // few days before, except the hospital, which must repay from its own revenue.
            if let Some(code) = project_code.as_deref().filter(|c| *c != "HY-WJ-01") {
                let from_account = line.line.total() - if refinanced { line.line.principal } else { Money::ZERO };
                let support_on = line.line.due - chrono::Duration::days(5);
                let input = records::RevenueInput {
                    project_code: code.into(),
                    period: Month::of(support_on).to_string(),
                    source: crate::debt::BUDGET_SUPPORT.into(),
                    collected: from_account,
                    transferred: from_account,
                    collected_on: Some(support_on),
                    transferred_on: Some(support_on),
                };
                if from_account.fen() > 0 {
                    records::record_revenue(
                        ctx,
                        &demo_caller(),
                        input,
                        Some(&format!("demo-support-{}-{}-{}", book.bond.code, code, line.line.due)),
                    )
                    .await?;
                }
            }
            crate::debt::record_debt_service_payment(
                ctx,
                &demo_caller(),
                crate::debt::DebtServicePaymentInput {
                    bond_code: book.bond.code.clone(),
                    project_code,
                    due_date: line.line.due,
                    amount: line.line.total(),
                    // Never dated after today.
                    paid_on: if late {
                        (line.line.due + chrono::Duration::days(10)).min(cal.today)
                    } else {
                        line.line.due
                    },
                    refinancing_bond_code: refinanced.then(|| bond_codes[3].clone()),
                    refinanced_amount: refinanced.then_some(line.line.principal),
                },
            )
            .await?;
            count += 1;
        }
    }
    Ok(count)
}
