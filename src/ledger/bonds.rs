//! Bonds (债券): terms as issued. Terms never change after creation, so the
//! maturity date and the due date of each amortization instalment are stored with them.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, NotSet, Set};

use super::entities::{bond, bond_amortization};
use super::{audit, parse_code, positive_money, required_text, unique_or};
use crate::Ctx;
use crate::auth::Caller;
use crate::db::values::add_years;
use crate::db::{Money, in_write};
use crate::error::{Error, Result};

/// 普通专项, 项目收益专项, 再融资专项.
pub const BOND_KINDS: &[&str] = &["SPECIAL", "PROJECT_REVENUE", "REFINANCING"];
pub const FREQUENCIES: &[&str] = &["ANNUAL", "SEMI_ANNUAL"];

pub struct AmortizationInput {
    pub year: i32,
    pub percent_of_face: Decimal,
}

pub struct BondInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub issue_date: NaiveDate,
    pub value_date: Option<NaiveDate>,
    pub term_years: i32,
    pub coupon_rate_percent: Decimal,
    pub face_amount: Money,
    pub interest_frequency: Option<String>,
    pub amortization: Vec<AmortizationInput>,
}

pub async fn create_bond(ctx: &Ctx, caller: &Caller, input: BondInput) -> Result<bond::Model> {
    in_write(&ctx.db, async |txn| create_bond_in(txn, ctx, caller, input).await).await
}

/// [`create_bond`] inside the caller's transaction (an import's).
pub async fn create_bond_in(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    input: BondInput,
) -> Result<bond::Model> {
    let code = parse_code("input.code", &input.code)?;
    let name = required_text("input.name", &input.name, 300)?;
    if !BOND_KINDS.contains(&input.kind.as_str()) {
        return Err(Error::validation("input.kind", format!("'{}' is not a bond kind", input.kind)));
    }
    if let Some(f) = &input.interest_frequency
        && !FREQUENCIES.contains(&f.as_str())
    {
        return Err(Error::validation("input.interestFrequency", format!("'{f}' is not an interest frequency")));
    }
    if !(1..=50).contains(&input.term_years) {
        return Err(Error::validation(
            "input.termYears",
            format!("a term of {} years is not possible; special bonds run 1 to 50 years", input.term_years),
        ));
    }
    let rate = input.coupon_rate_percent.normalize();
    if rate <= Decimal::ZERO || rate > Decimal::from(20) || rate.scale() > 4 {
        return Err(Error::validation(
            "input.couponRatePercent",
            format!(
                "a coupon rate of {rate}% is not plausible: give a percent above 0 and at most 20, with at most four decimals"
            ),
        ));
    }
    let face = positive_money("input.faceAmount", input.face_amount)?;
    let value_date = input.value_date.unwrap_or(input.issue_date);
    if value_date < input.issue_date {
        return Err(Error::validation(
            "input.valueDate",
            format!("the value date {value_date} is before the issue date {}", input.issue_date),
        ));
    }
    let mut years = BTreeSet::new();
    let mut total = Decimal::ZERO;
    for (i, a) in input.amortization.iter().enumerate() {
        let field = format!("input.amortization[{i}]");
        if a.year < 1 || a.year > input.term_years {
            return Err(Error::validation(
                format!("{field}.year"),
                format!("bond year {} is outside the term of {} years", a.year, input.term_years),
            ));
        }
        if !years.insert(a.year) {
            return Err(Error::validation(format!("{field}.year"), format!("bond year {} is listed twice", a.year)));
        }
        let pct = a.percent_of_face.normalize();
        if pct <= Decimal::ZERO || pct > Decimal::ONE_HUNDRED || pct.scale() > 4 {
            return Err(Error::validation(
                format!("{field}.percentOfFace"),
                format!("{pct}% is not a share of the face (above 0, at most 100)"),
            ));
        }
        total += pct;
    }
    if !input.amortization.is_empty() && total != Decimal::ONE_HUNDRED {
        return Err(Error::validation(
            "input.amortization",
            format!("the instalments add up to {total}% of face, not 100%"),
        ));
    }

    let created = bond::ActiveModel {
        id: NotSet,
        code: Set(code.clone()),
        name: Set(name),
        kind: Set(input.kind),
        issue_date: Set(input.issue_date),
        value_date: Set(value_date),
        maturity_date: Set(add_years(value_date, input.term_years as u32)),
        term_years: Set(input.term_years),
        coupon_rate_percent: Set(rate.to_string()),
        face_amount: Set(face),
        interest_frequency: Set(input.interest_frequency),
        created_at: Set(ctx.clock.now()),
    }
    .insert(txn)
    .await
    .map_err(|e| unique_or(e, "input.code", format!("a bond with the code '{code}' already exists")))?;
    for a in input.amortization {
        bond_amortization::ActiveModel {
            id: NotSet,
            bond_id: Set(created.id),
            year: Set(a.year),
            percent_of_face: Set(a.percent_of_face.normalize().to_string()),
            due_on: Set(add_years(value_date, a.year as u32)),
        }
        .insert(txn)
        .await?;
    }
    audit(txn, ctx, caller, "createBond", &code, None::<&()>, Some(&created)).await?;
    Ok(created)
}
