//! Debt service (还本付息): schedules from bond terms, project shares, payments
//! against the lines, coverage and rolling coverage (domain.md §4).

pub mod coverage;
pub mod schedule;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set};

use crate::Ctx;
use crate::base::Caller;
use crate::codes::InterestFrequency;
use crate::config::DebtSettings;
use crate::db::values::{add_months, stored_decimal};
use crate::db::{Money, begin_write};
use crate::error::{Error, Result};
use crate::ledger::entities::{
    allocation, allocation_increment, bond, bond_amortization, debt_service_payment, revenue_record, use_adjustment,
};
use crate::ledger::queries::{group, rows_in};
use crate::ledger::{audit, bond_by_code, positive_money, project_by_code};
use coverage::{ForecastYear, Window};
use schedule::{BondTerms, Frequency, HoldingChange, Line, ShareLine};

/// Revenue from this source is budget support for repayment, not project revenue.
pub const BUDGET_SUPPORT: &str = "财政补助";

/// The frequency a bond pays: as issued, or the configured default (annual up to
/// `semi_annual_above_years` years, semi-annual above).
pub fn frequency_of(bond: &bond::Model, settings: &DebtSettings) -> Frequency {
    match bond.interest_frequency.as_deref() {
        Some(f) if f == InterestFrequency::Annual.as_str() => Frequency::Annual,
        Some("SEMI_ANNUAL") => Frequency::SemiAnnual,
        _ if bond.term_years as u32 > settings.semi_annual_above_years => Frequency::SemiAnnual,
        _ => Frequency::Annual,
    }
}

pub fn terms_of(bond: &bond::Model, amortization: &[bond_amortization::Model], settings: &DebtSettings) -> BondTerms {
    BondTerms {
        value_date: bond.value_date,
        term_years: bond.term_years.max(0) as u32,
        rate_percent: stored_decimal(&bond.coupon_rate_percent),
        face: bond.face_amount,
        frequency: frequency_of(bond, settings),
        amortization: amortization.iter().map(|a| (a.year.max(0) as u32, stored_decimal(&a.percent_of_face))).collect(),
    }
}

/// A debt-service line with what was paid against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceLine {
    pub bond_id: i64,
    pub project_id: Option<i64>,
    pub line: Line,
    pub paid: Money,
    pub paid_on: Option<NaiveDate>,
    /// The part of `paid` that came from a refinancing bond's proceeds (再融资).
    pub refinanced: Money,
}

/// One bond with its schedule split into shares and the payments against them.
#[derive(Debug)]
pub struct BondBook {
    pub bond: bond::Model,
    pub terms: BondTerms,
    pub lines: Vec<ServiceLine>,
    /// The payments against the lines, as recorded: what was paid by a date.
    pub payments: Vec<debt_service_payment::Model>,
}

impl BondBook {
    pub(crate) fn new(
        bond: bond::Model,
        terms: BondTerms,
        changes: &[HoldingChange],
        payments: &[debt_service_payment::Model],
    ) -> BondBook {
        let schedule = schedule::bond_schedule(&terms);
        let shares = schedule::split(terms.face, &schedule, changes);
        let lines = shares
            .into_iter()
            .map(|ShareLine { project_id, line }| {
                let mine = payments.iter().filter(|p| p.project_id == project_id && p.due_date == line.due);
                let (paid, refinanced, paid_on) = mine.fold((Money::ZERO, Money::ZERO, None), |(a, r, on), p| {
                    (a + p.amount, r + p.refinanced_amount, on.max(Some(p.paid_on)))
                });
                ServiceLine { bond_id: bond.id, project_id, line, paid, paid_on, refinanced }
            })
            .collect();
        BondBook { bond, terms, lines, payments: payments.to_vec() }
    }

    /// What was paid against a line by `as_of` (payments dated on or before it).
    pub fn paid_by(&self, line: &ServiceLine, as_of: NaiveDate) -> Money {
        self.payments
            .iter()
            .filter(|p| p.project_id == line.project_id && p.due_date == line.line.due && p.paid_on <= as_of)
            .map(|p| p.amount)
            .sum()
    }

    pub fn project_lines(&self, project_id: i64) -> impl Iterator<Item = &ServiceLine> {
        self.lines.iter().filter(move |l| l.project_id == Some(project_id))
    }
}

/// Loads the books of these bonds (all bonds when `None`) in six statements.
pub async fn load_books(
    db: &impl ConnectionTrait,
    settings: &DebtSettings,
    bond_ids: Option<&[i64]>,
) -> Result<Vec<Arc<BondBook>>> {
    load_books_known(db, settings, bond_ids, None).await
}

/// [`load_books`] as known at a moment: allocations, adjustments and payments
/// recorded after it are left out (domain.md §4).
pub async fn load_books_known(
    db: &impl ConnectionTrait,
    settings: &DebtSettings,
    bond_ids: Option<&[i64]>,
    known_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Vec<Arc<BondBook>>> {
    let known = |at: chrono::DateTime<chrono::Utc>| known_at.is_none_or(|t| at <= t);
    let bonds = match bond_ids {
        Some(ids) => rows_in::<bond::Entity>(db, bond::Column::Id, ids).await?,
        None => bond::Entity::find().all(db).await?,
    };
    let ids: Vec<i64> = bonds.iter().map(|b| b.id).collect();
    let mut amortizations =
        group(rows_in::<bond_amortization::Entity>(db, bond_amortization::Column::BondId, &ids).await?, |a| a.bond_id);
    let allocations = rows_in::<allocation::Entity>(db, allocation::Column::BondId, &ids).await?;
    let allocation_ids: Vec<i64> = allocations.iter().map(|a| a.id).collect();
    let mut increments =
        rows_in::<allocation_increment::Entity>(db, allocation_increment::Column::AllocationId, &allocation_ids)
            .await?;
    increments.retain(|i| known(i.recorded_at));
    let mut adjustments = rows_in::<use_adjustment::Entity>(db, use_adjustment::Column::BondId, &ids).await?;
    adjustments.retain(|a| known(a.recorded_at));
    let mut payments = rows_in::<debt_service_payment::Entity>(db, debt_service_payment::Column::BondId, &ids).await?;
    payments.retain(|p| known(p.recorded_at));
    let mut payments = group(payments, |p| p.bond_id);

    let allocation_of: HashMap<i64, &allocation::Model> = allocations.iter().map(|a| (a.id, a)).collect();
    let mut changes: HashMap<i64, Vec<HoldingChange>> = HashMap::new();
    for inc in &increments {
        if let Some(a) = allocation_of.get(&inc.allocation_id) {
            changes.entry(a.bond_id).or_default().push(HoldingChange {
                project_id: a.project_id,
                on: inc.allocated_on,
                amount: inc.amount,
            });
        }
    }
    for adj in &adjustments {
        let entry = changes.entry(adj.bond_id).or_default();
        entry.push(HoldingChange { project_id: adj.from_project_id, on: adj.approved_on, amount: -adj.amount });
        entry.push(HoldingChange { project_id: adj.to_project_id, on: adj.approved_on, amount: adj.amount });
    }
    Ok(bonds
        .into_iter()
        .map(|b| {
            let amort = amortizations.remove(&b.id).unwrap_or_default();
            let terms = terms_of(&b, &amort, settings);
            let id = b.id;
            Arc::new(BondBook::new(
                b,
                terms,
                changes.get(&id).map(Vec::as_slice).unwrap_or(&[]),
                &payments.remove(&id).unwrap_or_default(),
            ))
        })
        .collect())
}

/// The bonds each project draws on: allocated to it, or moved to it by an adjustment.
pub async fn bonds_of_projects(db: &impl ConnectionTrait, project_ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
    let allocations = rows_in::<allocation::Entity>(db, allocation::Column::ProjectId, project_ids).await?;
    let adjustments = rows_in::<use_adjustment::Entity>(db, use_adjustment::Column::ToProjectId, project_ids).await?;
    Ok(bonds_held(&allocations, &adjustments))
}

/// The bonds each project draws on, from rows already loaded: its allocations and the
/// use adjustments that moved money to it.
pub fn bonds_held(allocations: &[allocation::Model], adjustments: &[use_adjustment::Model]) -> HashMap<i64, Vec<i64>> {
    let mut out: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for a in allocations {
        out.entry(a.project_id).or_default().insert(a.bond_id);
    }
    for u in adjustments {
        out.entry(u.to_project_id).or_default().insert(u.bond_id);
    }
    out.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect()
}

/// A project's lines across its bonds with what was paid against each by `as_of`
/// (payments dated by then), by due date: what the as-of debt figures and rules read.
pub fn project_lines_paid(books: &[Arc<BondBook>], project_id: i64, as_of: NaiveDate) -> Vec<(ServiceLine, Money)> {
    let mut lines: Vec<(ServiceLine, Money)> =
        books.iter().flat_map(|b| b.project_lines(project_id).map(move |l| (*l, b.paid_by(l, as_of)))).collect();
    lines.sort_by_key(|(l, _)| (l.line.due, l.bond_id));
    lines
}

/// A project's lines across its bonds, by due date.
pub fn project_lines(books: &[Arc<BondBook>], project_id: i64) -> Vec<ServiceLine> {
    let mut lines: Vec<ServiceLine> = books.iter().flat_map(|b| b.project_lines(project_id).copied()).collect();
    lines.sort_by_key(|l| (l.line.due, l.bond_id));
    lines
}

fn window(books: &[Arc<BondBook>]) -> Option<Window> {
    Window::of(books.iter().map(|b| (b.bond.value_date, b.bond.maturity_date)))
}

pub fn forecast_years(rows: &[crate::ledger::entities::revenue_forecast::Model]) -> Vec<ForecastYear> {
    rows.iter().map(|r| ForecastYear { year: r.year, revenue: r.revenue, operating_cost: r.operating_cost }).collect()
}

/// 本息覆盖倍数 of a project over the bonds it draws on (`books` holds just those).
pub fn project_coverage(books: &[Arc<BondBook>], project_id: i64, forecast: &[ForecastYear]) -> Option<Decimal> {
    let lines: Vec<Line> = project_lines(books, project_id).iter().map(|l| l.line).collect();
    coverage::coverage_ratio(&lines, window(books)?, forecast, Decimal::ONE, Decimal::ONE)
}

/// The sensitivity table of a project's coverage.
pub fn project_sensitivity(
    books: &[Arc<BondBook>],
    project_id: i64,
    forecast: &[ForecastYear],
) -> Vec<coverage::SensitivityRow> {
    let lines: Vec<Line> = project_lines(books, project_id).iter().map(|l| l.line).collect();
    window(books).map(|w| coverage::sensitivity(&lines, w, forecast)).unwrap_or_default()
}

/// What the dedicated account (专项收入账户) holds and how revenue is realised, as of a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepaymentPosition {
    /// Revenue transferred to the dedicated account (budget support included) −
    /// debt service paid from it (refinanced parts excluded).
    pub dedicated_balance: Money,
    /// Project revenue collected to date, budget support excluded.
    pub collected: Money,
    /// Debt service of the project's lines not yet paid.
    pub unpaid: Money,
}

pub fn repayment_position(
    books: &[Arc<BondBook>],
    project_id: i64,
    revenue: &[revenue_record::Model],
    as_of: NaiveDate,
) -> RepaymentPosition {
    let transferred: Money =
        revenue.iter().filter(|r| r.transferred_on.is_some_and(|d| d <= as_of)).map(|r| r.transferred).sum();
    let collected: Money = revenue
        .iter()
        .filter(|r| r.source != BUDGET_SUPPORT && r.collected_on.is_some_and(|d| d <= as_of))
        .map(|r| r.collected)
        .sum();
    // What was paid by the date, from the books' payments (the refinanced part is not
    // paid from the account).
    let paid_from_account: Money = books
        .iter()
        .flat_map(|b| b.payments.iter())
        .filter(|p| p.project_id == Some(project_id) && p.paid_on <= as_of)
        .map(|p| p.amount - p.refinanced_amount)
        .sum();
    let unpaid: Money =
        project_lines_paid(books, project_id, as_of).iter().map(|(l, paid)| l.line.total() - *paid).sum();
    RepaymentPosition { dedicated_balance: transferred - paid_from_account, collected, unpaid }
}

/// Rolling coverage of a project as of a date (domain.md §4).
pub fn project_rolling_coverage(
    books: &[Arc<BondBook>],
    project_id: i64,
    forecast: &[ForecastYear],
    revenue: &[revenue_record::Model],
    as_of: NaiveDate,
) -> Option<Decimal> {
    let last_year = window(books)?.last_year;
    let position = repayment_position(books, project_id, revenue, as_of);
    let realisation = coverage::realisation_rate(position.collected, forecast, as_of);
    coverage::rolling_coverage(position.dedicated_balance, forecast, last_year, realisation, position.unpaid, as_of)
}

/// Portfolio figures from the books as of a date: principal of the project lines
/// falling due after it (scheduled outstanding), and the debt service of the
/// project lines due in the 12 months after it.
pub fn outstanding_and_next_12_months(books: &[Arc<BondBook>], as_of: NaiveDate) -> (Money, Money) {
    let horizon = add_months(as_of, 12);
    let project_lines = books.iter().flat_map(|b| b.lines.iter()).filter(|l| l.project_id.is_some());
    project_lines.fold((Money::ZERO, Money::ZERO), |(outstanding, next), l| {
        let due_later = l.line.due > as_of;
        (
            if due_later { outstanding + l.line.principal } else { outstanding },
            if due_later && l.line.due <= horizon { next + l.line.total() } else { next },
        )
    })
}

pub struct DebtServicePaymentInput {
    pub bond_code: String,
    pub project_code: Option<String>,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub refinancing_bond_code: Option<String>,
    pub refinanced_amount: Option<Money>,
}

/// Records a payment against a line. The line must exist (bond, project — none for
/// the unallocated face — and due date), and what is paid may not exceed what it
/// asks. Principal repaid from a refinancing bond's proceeds is recorded as such.
pub async fn record_debt_service_payment(
    ctx: &Ctx,
    caller: &Caller,
    input: DebtServicePaymentInput,
) -> Result<ServiceLine> {
    let amount = positive_money("input.amount", input.amount)?;
    let txn = begin_write(&ctx.db).await?;
    let bond = bond_by_code(&txn, "input.bondCode", &input.bond_code).await?;
    let project_id = match input.project_code.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(code) => Some(project_by_code(&txn, "input.projectCode", code).await?.id),
        None => None,
    };
    let book = load_books(&txn, &ctx.settings.debt, Some(&[bond.id]))
        .await?
        .pop()
        .ok_or_else(|| Error::Internal("bond vanished".into()))?;
    let line = book
        .lines
        .iter()
        .find(|l| l.project_id == project_id && l.line.due == input.due_date)
        .copied()
        .ok_or_else(|| no_line_due(&book, &bond, project_id, &input))?;
    let left = line.line.total() - line.paid;
    if amount > left {
        return Err(Error::validation(
            "input.amount",
            format!(
                "{} 到期的本息应还 {} 元,已还 {} 元;{amount} 元超过尚欠的 {left} 元",
                input.due_date,
                line.line.total(),
                line.paid
            ),
        ));
    }
    let (refinancing_bond_id, refinanced) = refinancing_part(&txn, &input, &line, amount).await?;
    let payment = debt_service_payment::ActiveModel {
        id: NotSet,
        bond_id: Set(bond.id),
        project_id: Set(project_id),
        due_date: Set(input.due_date),
        amount: Set(amount),
        paid_on: Set(input.paid_on),
        refinancing_bond_id: Set(refinancing_bond_id),
        refinanced_amount: Set(refinanced),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await?;
    crate::base::marks::changed(&txn, project_id).await?;
    audit(
        &txn,
        ctx,
        caller,
        "recordDebtServicePayment",
        format!("{} {}", bond.code, input.due_date),
        None::<&()>,
        Some(&payment),
    )
    .await?;
    txn.commit().await?;
    Ok(ServiceLine {
        paid: line.paid + amount,
        paid_on: line.paid_on.max(Some(input.paid_on)),
        refinanced: line.refinanced + refinanced,
        ..line
    })
}

/// The error for a payment against a line that does not exist: the bond's due dates
/// for the same party (a project or the unallocated face), the first six.
fn no_line_due(book: &BondBook, bond: &bond::Model, project_id: Option<i64>, input: &DebtServicePaymentInput) -> Error {
    let dues: BTreeSet<String> =
        book.lines.iter().filter(|l| l.project_id == project_id).map(|l| l.line.due.to_string()).collect();
    let whose = input.project_code.as_deref().map(|c| format!("项目 {c}")).unwrap_or_else(|| "未分配的面值部分".into());
    let listed: Vec<String> = dues.into_iter().take(6).collect();
    Error::not_found(
        "input.dueDate",
        format!(
            "债券 {} 在 {} 没有 {whose} 的应还本息;{whose} 的到期日为:{}",
            bond.code,
            input.due_date,
            if listed.is_empty() { "无".into() } else { listed.join("、") }
        ),
    )
}

/// The part of a payment repaid from a refinancing bond's proceeds: that bond and the
/// amount (none and zero without one). Only principal not yet refinanced can be.
async fn refinancing_part(
    db: &impl ConnectionTrait,
    input: &DebtServicePaymentInput,
    line: &ServiceLine,
    amount: Money,
) -> Result<(Option<i64>, Money)> {
    match (input.refinancing_bond_code.as_deref().filter(|c| !c.trim().is_empty()), input.refinanced_amount) {
        (None, None) => Ok((None, Money::ZERO)),
        (None, Some(_)) => Err(Error::validation(
            "input.refinancingBondCode",
            "填写了再融资偿还金额(refinancedAmount),须同时填写偿还该金额的再融资专项债券(refinancingBondCode)",
        )),
        (Some(code), refinanced) => {
            let rf = bond_by_code(db, "input.refinancingBondCode", code).await?;
            if rf.kind != "REFINANCING" {
                return Err(Error::validation("input.refinancingBondCode", format!("债券 {code} 不是再融资专项债券")));
            }
            let principal_left = line.line.principal - line.refinanced;
            let refinanced = refinanced.unwrap_or_else(|| amount.min(principal_left));
            positive_money("input.refinancedAmount", refinanced)?;
            if refinanced > amount || refinanced > principal_left {
                return Err(Error::validation(
                    "input.refinancedAmount",
                    format!(
                        "再融资只能偿还本金:本次还款中最多 {} 元可由再融资偿还(本次还款 {amount} 元,该期本金中尚未以再融资偿还的为 {principal_left} 元)",
                        amount.min(principal_left)
                    ),
                ));
            }
            Ok((Some(rf.id), refinanced))
        }
    }
}

/// Debt-service lines of projects due in `[from, to]`, optionally of one department's projects.
pub async fn lines_due(
    ctx: &Ctx,
    from: NaiveDate,
    to: NaiveDate,
    department_code: Option<&str>,
) -> Result<Vec<ServiceLine>> {
    if to < from {
        return Err(Error::validation("to", format!("截止日期 {to} 早于起始日期 {from}")));
    }
    let projects: Option<BTreeSet<i64>> = match department_code {
        Some(code) => {
            let dept = crate::ledger::department_by_code(&ctx.db, "departmentCode", code).await?;
            let rows = crate::ledger::entities::project::Entity::find()
                .filter(crate::ledger::entities::project::Column::DepartmentId.eq(dept.id))
                .all(&ctx.db)
                .await?;
            Some(rows.into_iter().map(|p| p.id).collect())
        }
        None => None,
    };
    let bond_ids: Option<Vec<i64>> = match &projects {
        Some(ids) => Some(
            bonds_of_projects(&ctx.db, &ids.iter().copied().collect::<Vec<_>>())
                .await?
                .into_values()
                .flatten()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let books = load_books(&ctx.db, &ctx.settings.debt, bond_ids.as_deref()).await?;
    let mut lines: Vec<ServiceLine> = books
        .iter()
        .flat_map(|b| b.lines.iter().copied())
        .filter(|l| l.line.due >= from && l.line.due <= to)
        .filter(|l| match (&projects, l.project_id) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(set), Some(p)) => set.contains(&p),
        })
        .collect();
    lines.sort_by_key(|l| (l.line.due, l.bond_id, l.project_id));
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DebtSettings;

    #[test]
    fn the_default_frequency_is_configurable() {
        let bond = |term: i32, frequency: Option<&str>| bond::Model {
            id: 1,
            code: "B".into(),
            name: "b".into(),
            kind: "SPECIAL".into(),
            issue_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            value_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            maturity_date: NaiveDate::from_ymd_opt(2025 + term, 1, 1).unwrap(),
            term_years: term,
            coupon_rate_percent: "3".into(),
            face_amount: Money::from_fen(100),
            interest_frequency: frequency.map(str::to_string),
            created_at: chrono::Utc::now(),
        };
        let ten = DebtSettings { semi_annual_above_years: 10 };
        assert_eq!(frequency_of(&bond(10, None), &ten), Frequency::Annual);
        assert_eq!(frequency_of(&bond(11, None), &ten), Frequency::SemiAnnual);
        let five = DebtSettings { semi_annual_above_years: 5 };
        assert_eq!(frequency_of(&bond(7, None), &five), Frequency::SemiAnnual);
        assert_eq!(frequency_of(&bond(30, Some("ANNUAL")), &five), Frequency::Annual, "as issued wins");
    }
}
