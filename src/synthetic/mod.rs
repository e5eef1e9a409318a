//! A deterministic synthetic portfolio of realistic shape, for benchmarks:
//! departments, bonds funding 1–5 projects, monthly money and progress, yearly
//! revenue and forecasts, targets with 6–12 indicators, and about one project in
//! six in trouble. Written in bulk (many rows a statement, a transaction a batch of
//! projects), not through the services: the point is volume.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ActiveValue::NotSet, EntityTrait, Set};

use crate::Ctx;
use crate::db::values::{Month, add_months, add_years};
use crate::db::{Money, begin_write};
use crate::error::Result;
use crate::ledger::entities::*;
use crate::performance::assessment;

mod targets;

/// splitmix64: small, fast and the same everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub struct GenOptions {
    pub projects: usize,
    pub years: u32,
    pub seed: u64,
}

/// Rows written, by kind.
#[derive(Default, Debug)]
pub struct GenCount {
    pub projects: usize,
    pub bonds: usize,
    pub rows: usize,
}

const CATEGORIES: [&str; 6] =
    ["交通基础设施", "市政和产业园区基础设施", "保障性安居工程", "社会事业", "农林水利", "生态环保"];

async fn insert_chunks<A: sea_orm::ActiveModelTrait + Send>(
    txn: &sea_orm::DatabaseTransaction,
    rows: Vec<A>,
) -> Result<usize>
where
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    let n = rows.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(1000).collect();
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(txn).await?;
    }
    Ok(n)
}

/// What every generated row shares: the first month covered, today and the time written.
struct Span {
    start: NaiveDate,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
}

/// The rows of a batch's projects besides the projects themselves, in the order they are written.
#[derive(Default)]
struct ProjectRows {
    allocations: Vec<allocation::ActiveModel>,
    disbursements: Vec<disbursement::ActiveModel>,
    progress: Vec<progress_report::ActiveModel>,
    revenue: Vec<revenue_record::ActiveModel>,
    forecasts: Vec<revenue_forecast::ActiveModel>,
    assessments: Vec<assessment::ActiveModel>,
}

/// A project's target to come: its id, how many indicators, and whether it is in trouble.
type TargetRow = (i64, usize, bool);

/// Fills the database (which should hold no projects) with a portfolio ending today.
pub async fn generate(ctx: &Ctx, options: &GenOptions, progress: impl Fn(usize, usize)) -> Result<GenCount> {
    use sea_orm::PaginatorTrait;
    if project::Entity::find().count(&ctx.db).await? > 0 {
        return Err(crate::error::Error::conflict(
            None,
            "the database already holds projects; generate into an empty one",
        ));
    }
    let mut rng = Rng(options.seed);
    let today = ctx.clock.today();
    let now = ctx.clock.now();
    let start = Month::of(crate::db::values::sub_months(today, options.years * 12)).first_day();
    let mut count = GenCount::default();
    let span = Span { start, today, now };
    let dept_ids = insert_departments(ctx, options, &span, &mut count).await?;

    let batch = 200;
    let mut done = 0;
    let mut bond_no = 0;
    while done < options.projects {
        let n = batch.min(options.projects - done);
        let txn = begin_write(&ctx.db).await?;
        let groups = bond_groups(&mut rng, n);
        let bond_rows = insert_bonds(&txn, &mut rng, &groups, &span, &mut bond_no, &mut count).await?;
        let (rows, project_bond) =
            insert_projects(&txn, &mut rng, &groups, &bond_rows, done, &dept_ids, &span, &mut count).await?;
        let target_rows =
            insert_project_rows(&txn, &mut rng, &rows, &project_bond, &bond_rows, &span, &mut count).await?;
        let stored = targets::insert_targets(&txn, &target_rows, &span, &mut count).await?;
        targets::insert_actuals(&txn, &stored, &span, &mut count).await?;
        txn.commit().await?;
        done += n;
        count.projects = done;
        progress(done, options.projects);
    }
    Ok(count)
}

/// The departments, committed on their own; returns their ids.
async fn insert_departments(ctx: &Ctx, options: &GenOptions, span: &Span, count: &mut GenCount) -> Result<Vec<i64>> {
    let now = span.now;
    let departments = (options.projects / 40).max(5);
    let txn = begin_write(&ctx.db).await?;
    let depts: Vec<department::ActiveModel> = (0..departments)
        .map(|d| department::ActiveModel {
            id: NotSet,
            code: Set(format!("G-D{d:04}")),
            name: Set(format!("第{d}主管部门")),
            created_at: Set(now),
        })
        .collect();
    count.rows += insert_chunks(&txn, depts).await?;
    txn.commit().await?;
    Ok(department::Entity::find().all(&ctx.db).await?.into_iter().map(|d| d.id).collect())
}

/// The sizes of a batch's bond groups: each bond funds 1–5 projects.
fn bond_groups(rng: &mut Rng, n: usize) -> Vec<usize> {
    let mut groups = Vec::new();
    let mut left = n;
    while left > 0 {
        let size = (1 + rng.below(5) as usize).min(left);
        groups.push(size);
        left -= size;
    }
    groups
}

/// A bond for each group, and the amortization of those that amortize; returns the bonds
/// as stored, in the order of the groups.
async fn insert_bonds(
    txn: &sea_orm::DatabaseTransaction,
    rng: &mut Rng,
    groups: &[usize],
    span: &Span,
    bond_no: &mut usize,
    count: &mut GenCount,
) -> Result<Vec<bond::Model>> {
    let (start, now) = (span.start, span.now);
    let mut bonds = Vec::new();
    for size in groups {
        let issue = add_months(start, rng.below(6) as u32);
        let term = [5u32, 7, 10, 15, 20][rng.below(5) as usize];
        let amortizing = rng.chance(30);
        let face = Money::from_fen(*size as i64 * 5_000_000_000);
        bonds.push((
            bond::ActiveModel {
                id: NotSet,
                code: Set(format!("G-B{bond_no:06}")),
                name: Set(format!("合成专项债券{bond_no}")),
                kind: Set(if rng.chance(10) { "SPECIAL" } else { "PROJECT_REVENUE" }.into()),
                issue_date: Set(issue),
                value_date: Set(issue),
                maturity_date: Set(add_years(issue, term)),
                term_years: Set(term as i32),
                coupon_rate_percent: Set(format!("{}.{:02}", 2 + rng.below(2), rng.below(100))),
                face_amount: Set(face),
                interest_frequency: Set(None),
                created_at: Set(now),
            },
            amortizing,
            term,
            issue,
        ));
        *bond_no += 1;
    }
    let codes: Vec<String> = bonds.iter().map(|(b, ..)| b.code.clone().unwrap()).collect();
    count.rows += insert_chunks(txn, bonds.iter().map(|(b, ..)| b.clone()).collect()).await?;
    count.bonds += bonds.len();
    let bond_rows = bond::Entity::find().filter_codes(&codes).all(txn).await?;
    let mut amortizations = Vec::new();
    for ((_, amortizing, term, issue), row) in bonds.iter().zip(&bond_rows) {
        if *amortizing && *term > 2 {
            for (year, pct) in [(term / 2, "40"), (*term, "60")] {
                amortizations.push(bond_amortization::ActiveModel {
                    id: NotSet,
                    bond_id: Set(row.id),
                    year: Set(year as i32),
                    percent_of_face: Set(pct.into()),
                    due_on: Set(add_years(*issue, year)),
                });
            }
        }
    }
    count.rows += insert_chunks(txn, amortizations).await?;
    Ok(bond_rows)
}

/// The projects of a batch, group by group on their bond; returns them as stored, with
/// (group, months of construction, investment in fen) of each.
#[allow(clippy::too_many_arguments)]
async fn insert_projects(
    txn: &sea_orm::DatabaseTransaction,
    rng: &mut Rng,
    groups: &[usize],
    bond_rows: &[bond::Model],
    done: usize,
    dept_ids: &[i64],
    span: &Span,
    count: &mut GenCount,
) -> Result<(Vec<project::Model>, Vec<(usize, u32, i64)>)> {
    let (today, now) = (span.today, span.now);
    let mut projects = Vec::new();
    let mut project_bond = Vec::new();
    let mut idx = 0;
    for (g, size) in groups.iter().enumerate() {
        for _ in 0..*size {
            let i = done + idx;
            let planned_start = add_months(bond_rows[g].issue_date, rng.below(3) as u32);
            let build = 18 + rng.below(18) as u32;
            let investment = 8_000_000_000 + rng.below(4_000_000_000) as i64;
            let completion = add_months(planned_start, build);
            let status = if completion <= today { "OPERATING" } else { "UNDER_CONSTRUCTION" };
            projects.push(project::ActiveModel {
                id: NotSet,
                code: Set(format!("G-P{i:07}")),
                name: Set(format!("合成项目{i}")),
                department_id: Set(dept_ids[i % dept_ids.len()]),
                executing_unit: Set(format!("项目单位{i}")),
                category: Set(CATEGORIES[i % CATEGORIES.len()].into()),
                construction_content: Set(Some("新建及改造工程".into())),
                planned_start: Set(Some(planned_start)),
                planned_completion: Set(Some(completion)),
                actual_start: Set(Some(planned_start)),
                actual_completion: Set((status == "OPERATING").then_some(completion)),
                approved_investment: Set(Money::from_fen(investment)),
                current_estimate: Set(Money::from_fen(investment + if rng.chance(8) { investment / 8 } else { 0 })),
                planned_bond_funding: Set(Money::from_fen(5_000_000_000)),
                capital_fund: Set(Money::from_fen(investment / 5)),
                own_funds: Set(Money::from_fen(investment - investment / 5 - 5_000_000_000)),
                other_funding: Set(Money::ZERO),
                revenue_start: Set(Some(add_months(completion, 1))),
                revenue_end: Set(Some(add_years(completion, 20))),
                maturity_documents: Set(if rng.chance(5) {
                    r#"["可研批复"]"#
                } else {
                    r#"["可研批复","用地","环评","施工许可"]"#
                }
                .into()),
                status: Set(status.into()),
                status_before_cancel: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            project_bond.push((g, build, investment));
            idx += 1;
        }
    }
    let codes: Vec<String> = projects.iter().map(|p| p.code.clone().unwrap()).collect();
    count.rows += insert_chunks(txn, projects).await?;
    let rows = project::Entity::find().filter_codes(&codes).all(txn).await?;
    Ok((rows, project_bond))
}

/// The allocations, money, progress, revenue, forecasts and assessments of a batch's
/// projects; returns the targets to declare.
async fn insert_project_rows(
    txn: &sea_orm::DatabaseTransaction,
    rng: &mut Rng,
    rows: &[project::Model],
    project_bond: &[(usize, u32, i64)],
    bond_rows: &[bond::Model],
    span: &Span,
    count: &mut GenCount,
) -> Result<Vec<TargetRow>> {
    let mut out = ProjectRows::default();
    let mut target_rows = Vec::new();
    for (p, (g, build, investment)) in rows.iter().zip(project_bond) {
        target_rows.push(project_rows(rng, p, &bond_rows[*g], *build, *investment, span, &mut out));
    }
    count.rows += insert_chunks(txn, out.allocations).await?;
    count.rows += insert_money_in(txn, rows, span).await?;
    count.rows += insert_chunks(txn, out.disbursements).await?;
    count.rows += insert_chunks(txn, out.progress).await?;
    count.rows += insert_chunks(txn, out.revenue).await?;
    count.rows += insert_chunks(txn, out.forecasts).await?;
    count.rows += insert_chunks(txn, out.assessments).await?;
    Ok(target_rows)
}

/// Each allocation's money, in force and received in the treasury on the day it was
/// allocated (the bond's issue date): its increment and its receipt.
async fn insert_money_in(txn: &sea_orm::DatabaseTransaction, rows: &[project::Model], span: &Span) -> Result<usize> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let allocations = allocation::Entity::find().filter(allocation::Column::ProjectId.is_in(ids)).all(txn).await?;
    let increments = allocations.iter().map(|a| allocation_increment::ActiveModel {
        id: NotSet,
        allocation_id: Set(a.id),
        amount: Set(a.amount),
        allocated_on: Set(a.allocated_on),
        recorded_at: Set(span.now),
    });
    let receipts = allocations.iter().map(|a| receipt::ActiveModel {
        id: NotSet,
        allocation_id: Set(a.id),
        amount: Set(a.amount),
        received_on: Set(a.allocated_on),
        recorded_at: Set(span.now),
    });
    Ok(insert_chunks(txn, increments.collect()).await? + insert_chunks(txn, receipts.collect()).await?)
}

/// The rows of one project, into `out`; returns its target row.
fn project_rows(
    rng: &mut Rng,
    p: &project::Model,
    bond: &bond::Model,
    build: u32,
    investment: i64,
    span: &Span,
    out: &mut ProjectRows,
) -> TargetRow {
    let now = span.now;
    let troubled = rng.chance(16);
    out.allocations.push(allocation::ActiveModel {
        id: NotSet,
        bond_id: Set(bond.id),
        project_id: Set(p.id),
        amount: Set(Money::from_fen(5_000_000_000)),
        allocated_on: Set(bond.issue_date),
        created_at: Set(now),
    });
    let m = works(rng, p, bond, build, troubled, span, out);
    revenue_rows(p, m, investment, troubled, span, out);
    if !(troubled && rng.chance(30)) {
        out.assessments.push(assessment::ActiveModel {
            id: NotSet,
            project_id: Set(p.id),
            submitted_on: Set(add_months(bond.issue_date, 0) - chrono::Duration::days(60)),
            conclusion: Set("予以支持".into()),
            recorded_at: Set(now),
        });
    }
    (p.id, 6 + rng.below(7) as usize, troubled)
}

/// The months of the works from the planned start: a transfer and a payment each (a
/// troubled project may stop paying halfway) and a progress report (a troubled one may
/// miss some); returns the month after them.
fn works(
    rng: &mut Rng,
    p: &project::Model,
    bond: &bond::Model,
    build: u32,
    troubled: bool,
    span: &Span,
    out: &mut ProjectRows,
) -> Month {
    let (start, today, now) = (span.start, span.today, span.now);
    let monthly = 5_000_000_000 / build as i64;
    let first = p.planned_start.unwrap_or(start);
    let stop_paying = troubled && rng.chance(50);
    let mut m = Month::of(first);
    let mut k = 0;
    while m < Month::of(today) && k < build {
        let day = |d: u32| m.first_day().with_day(d).unwrap_or(m.first_day());
        for (kind, d, class) in [
            ("TRANSFER", 8, "资本性支出"),
            ("PAYMENT", 18, if troubled && k == 3 { "工资福利支出" } else { "建筑安装工程费" }),
        ] {
            if kind == "PAYMENT" && stop_paying && k > build / 2 {
                continue;
            }
            out.disbursements.push(disbursement::ActiveModel {
                id: NotSet,
                project_id: Set(p.id),
                bond_id: Set(Some(bond.id)),
                kind: Set(kind.into()),
                paid_on: Set(day(d)),
                amount: Set(Money::from_fen(monthly)),
                payee: Set("施工单位".into()),
                economic_class: Set(class.into()),
                voucher_no: Set(None),
                reversal_of: Set(None),
                reason: Set(None),
                idempotency_key: Set(None),
                recorded_at: Set(now),
            });
        }
        let pct = format!("{:.2}", (k + 1) as f64 * 100.0 / build as f64);
        if !(troubled && rng.chance(20)) {
            out.progress.push(progress_report::ActiveModel {
                id: NotSet,
                project_id: Set(p.id),
                period: Set(m.to_string()),
                planned_percent: Set(pct.clone()),
                actual_percent: Set(pct),
                submitted_on: Set(m.next().first_day().with_day(5).unwrap_or(m.next().first_day())),
                note: Set(None),
                recorded_at: Set(now),
            });
        }
        m = m.next();
        k += 1;
    }
    m
}

/// An operating project's monthly revenue from `m` to today, and the forecasts of its
/// twenty revenue years.
fn revenue_rows(p: &project::Model, mut m: Month, investment: i64, troubled: bool, span: &Span, out: &mut ProjectRows) {
    let (today, now) = (span.today, span.now);
    // Operating projects collect revenue monthly.
    let yearly = investment * if troubled { 6 } else { 16 } / 100;
    while m < Month::of(today) {
        let collected = Money::from_fen(yearly / 12);
        out.revenue.push(revenue_record::ActiveModel {
            id: NotSet,
            project_id: Set(p.id),
            period: Set(m.to_string()),
            source: Set("经营收入".into()),
            collected: Set(collected),
            transferred: Set(collected),
            collected_on: Set(Some(m.first_day().with_day(25).unwrap_or(m.first_day()))),
            transferred_on: Set(Some(m.first_day().with_day(28).unwrap_or(m.first_day()))),
            reversal_of: Set(None),
            reason: Set(None),
            idempotency_key: Set(None),
            recorded_at: Set(now),
        });
        m = m.next();
    }
    let revenue_start = p.revenue_start.map(|d| d.year()).unwrap_or(today.year());
    for year in revenue_start..revenue_start + 20 {
        out.forecasts.push(revenue_forecast::ActiveModel {
            id: NotSet,
            project_id: Set(p.id),
            year: Set(year),
            revenue: Set(Money::from_fen(investment * 16 / 100)),
            operating_cost: Set(Money::from_fen(investment * 4 / 100)),
        });
    }
}

trait FilterCodes: Sized {
    fn filter_codes(self, codes: &[String]) -> Self;
}

impl FilterCodes for sea_orm::Select<project::Entity> {
    fn filter_codes(self, codes: &[String]) -> Self {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        self.filter(project::Column::Code.is_in(codes.iter().cloned())).order_by_asc(project::Column::Code)
    }
}

impl FilterCodes for sea_orm::Select<bond::Entity> {
    fn filter_codes(self, codes: &[String]) -> Self {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        self.filter(bond::Column::Code.is_in(codes.iter().cloned())).order_by_asc(bond::Column::Code)
    }
}
