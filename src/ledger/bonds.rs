//! Bonds (债券): terms as issued. Terms never change after creation, so the
//! maturity date and the due date of each amortization instalment are stored with them.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, NotSet, Set};

use super::entities::{bond, bond_amortization};
use super::{audit, parse_code, positive_money, required_text, unique_or};
use crate::Ctx;
use crate::base::Caller;
use crate::codes::{BondKind, InterestFrequency};
use crate::db::Unique;
use crate::db::values::add_years;
use crate::db::{Money, in_write};
use crate::error::{Error, Result};

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
    super::check_len("input.amortization", input.amortization.len(), 100)?;
    if BondKind::parse(&input.kind).is_none() {
        return Err(Error::validation(
            "input.kind",
            format!(
                "“{}”不是债券种类;应为普通专项债券(SPECIAL)、项目收益专项债券(PROJECT_REVENUE)或再融资专项债券(REFINANCING)",
                input.kind
            ),
        ));
    }
    if let Some(f) = &input.interest_frequency
        && InterestFrequency::parse(f).is_none()
    {
        return Err(Error::validation(
            "input.interestFrequency",
            format!("“{f}”不是付息方式;应为按年付息(ANNUAL)或按半年付息(SEMI_ANNUAL)"),
        ));
    }
    if !(1..=50).contains(&input.term_years) {
        return Err(Error::validation(
            "input.termYears",
            format!("期限 {} 年不可能:专项债券期限为 1 至 50 年", input.term_years),
        ));
    }
    let rate = input.coupon_rate_percent.normalize();
    if rate <= Decimal::ZERO || rate > Decimal::from(20) || rate.scale() > 4 {
        return Err(Error::validation(
            "input.couponRatePercent",
            format!("票面利率 {rate}% 不合理:请填写大于 0、不超过 20 的百分数,最多四位小数"),
        ));
    }
    let face = positive_money("input.faceAmount", input.face_amount)?;
    let value_date = input.value_date.unwrap_or(input.issue_date);
    if value_date < input.issue_date {
        return Err(Error::validation(
            "input.valueDate",
            format!("起息日 {value_date} 早于发行日 {}", input.issue_date),
        ));
    }
    check_amortization(&input)?;

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
    .map_err(|e| unique_or(e, Unique::on("bonds", &["code"]), "input.code", format!("代码为 {code} 的债券已存在")))?;
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

/// The amortization schedule: years within the term, each once, percentages of face
/// that are valid and, when a schedule is given, add up to 100.
fn check_amortization(input: &BondInput) -> Result<()> {
    let mut years = BTreeSet::new();
    let mut total = Decimal::ZERO;
    for (i, a) in input.amortization.iter().enumerate() {
        let field = format!("input.amortization[{i}]");
        if a.year < 1 || a.year > input.term_years {
            return Err(Error::validation(
                format!("{field}.year"),
                format!("还本年度第 {} 年超出债券期限({} 年)", a.year, input.term_years),
            ));
        }
        if !years.insert(a.year) {
            return Err(Error::validation(format!("{field}.year"), format!("还本年度第 {} 年重复填写", a.year)));
        }
        let pct = a.percent_of_face.normalize();
        if pct <= Decimal::ZERO || pct > Decimal::ONE_HUNDRED || pct.scale() > 4 {
            return Err(Error::validation(
                format!("{field}.percentOfFace"),
                format!("{pct}% 不是有效的还本比例(应大于 0、不超过 100)"),
            ));
        }
        total += pct;
    }
    if !input.amortization.is_empty() && total != Decimal::ONE_HUNDRED {
        return Err(Error::validation("input.amortization", format!("各期还本比例合计为面值的 {total}%,而不是 100%")));
    }
    Ok(())
}
