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
use crate::evaluation::entities::assessment;
use crate::ledger::entities::*;
use crate::targets::entities::{indicator, indicator_actual, performance_target};

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
const TARGETS: [(&str, &str, &str); 8] = [
    ("产出指标", "数量指标", "≥2000人次"),
    ("产出指标", "数量指标", "≥50个"),
    ("产出指标", "质量指标", "100%"),
    ("产出指标", "质量指标", "无差错"),
    ("产出指标", "时效指标", "5个工作日完成"),
    ("效益指标", "社会效益指标", "是"),
    ("满意度指标", "服务对象满意度指标", "≥90%"),
    ("成本指标", "经济成本指标", "预算范围内"),
];

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
    let dept_ids: Vec<i64> = department::Entity::find().all(&ctx.db).await?.into_iter().map(|d| d.id).collect();

    let batch = 200;
    let mut done = 0;
    let mut bond_no = 0;
    while done < options.projects {
        let n = batch.min(options.projects - done);
        let txn = begin_write(&ctx.db).await?;
        // Bonds for this batch: each funds 1–5 projects.
        let mut groups = Vec::new();
        let mut left = n;
        while left > 0 {
            let size = (1 + rng.below(5) as usize).min(left);
            groups.push(size);
            left -= size;
        }
        let mut bonds = Vec::new();
        for size in &groups {
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
            bond_no += 1;
        }
        let codes: Vec<String> = bonds.iter().map(|(b, ..)| b.code.clone().unwrap()).collect();
        count.rows += insert_chunks(&txn, bonds.iter().map(|(b, ..)| b.clone()).collect()).await?;
        count.bonds += bonds.len();
        let bond_rows = bond::Entity::find().filter_codes(&codes).all(&txn).await?;
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
        count.rows += insert_chunks(&txn, amortizations).await?;

        // Projects.
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
        count.rows += insert_chunks(&txn, projects).await?;
        let rows = project::Entity::find().filter_codes(&codes).all(&txn).await?;

        let (mut allocations, mut disb, mut progress_rows, mut revenue, mut forecasts, mut assessments) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut target_rows = Vec::new();
        for (p, (g, build, investment)) in rows.iter().zip(&project_bond) {
            let bond = &bond_rows[*g];
            let troubled = rng.chance(16);
            allocations.push(allocation::ActiveModel {
                id: NotSet,
                bond_id: Set(bond.id),
                project_id: Set(p.id),
                amount: Set(Money::from_fen(5_000_000_000)),
                allocated_on: Set(bond.issue_date),
                created_at: Set(now),
            });
            let monthly = 5_000_000_000 / *build as i64;
            let first = p.planned_start.unwrap_or(start);
            let stop_paying = troubled && rng.chance(50);
            let mut m = Month::of(first);
            let mut k = 0;
            while m < Month::of(today) && k < *build {
                let day = |d: u32| m.first_day().with_day(d).unwrap_or(m.first_day());
                for (kind, d, class) in [
                    ("TRANSFER", 8, "资本性支出"),
                    ("PAYMENT", 18, if troubled && k == 3 { "工资福利支出" } else { "建筑安装工程费" }),
                ] {
                    if kind == "PAYMENT" && stop_paying && k > *build / 2 {
                        continue;
                    }
                    disb.push(disbursement::ActiveModel {
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
                let pct = format!("{:.2}", (k + 1) as f64 * 100.0 / *build as f64);
                if !(troubled && rng.chance(20)) {
                    progress_rows.push(progress_report::ActiveModel {
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
            // Operating projects collect revenue monthly.
            let yearly = investment * if troubled { 6 } else { 16 } / 100;
            while m < Month::of(today) {
                let collected = Money::from_fen(yearly / 12);
                revenue.push(revenue_record::ActiveModel {
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
                forecasts.push(revenue_forecast::ActiveModel {
                    id: NotSet,
                    project_id: Set(p.id),
                    year: Set(year),
                    revenue: Set(Money::from_fen(investment * 16 / 100)),
                    operating_cost: Set(Money::from_fen(investment * 4 / 100)),
                });
            }
            if !(troubled && rng.chance(30)) {
                assessments.push(assessment::ActiveModel {
                    id: NotSet,
                    project_id: Set(p.id),
                    submitted_on: Set(add_months(bond.issue_date, 0) - chrono::Duration::days(60)),
                    conclusion: Set("予以支持".into()),
                    recorded_at: Set(now),
                });
            }
            target_rows.push((p.id, 6 + rng.below(7) as usize, troubled));
        }
        count.rows += insert_chunks(&txn, allocations).await?;
        count.rows += insert_chunks(&txn, disb).await?;
        count.rows += insert_chunks(&txn, progress_rows).await?;
        count.rows += insert_chunks(&txn, revenue).await?;
        count.rows += insert_chunks(&txn, forecasts).await?;
        count.rows += insert_chunks(&txn, assessments).await?;

        // Targets: one annual target a project, with its indicators and actuals.
        let targets: Vec<performance_target::ActiveModel> = target_rows
            .iter()
            .map(|(pid, _, _)| performance_target::ActiveModel {
                id: NotSet,
                project_id: Set(Some(*pid)),
                department_id: Set(None),
                scope: Set("ANNUAL".into()),
                year: Set(Some(today.year())),
                description: Set("年度绩效目标".into()),
                approved_on: Set(NaiveDate::from_ymd_opt(today.year(), 1, 15)),
                approved_at: Set(Some(now)),
                declared_at: Set(now),
                superseded_at: Set(None),
            })
            .collect();
        count.rows += insert_chunks(&txn, targets).await?;
        let pids: Vec<i64> = target_rows.iter().map(|(p, ..)| *p).collect();
        let stored = crate::targets::current_targets(&txn, performance_target::Column::ProjectId, &pids).await?;
        let mut indicators = Vec::new();
        for t in &stored {
            let (_, n, _) =
                target_rows.iter().find(|(p, ..)| Some(*p) == t.project_id).copied().unwrap_or((0, 6, false));
            for k in 0..n {
                let (l1, l2, text) = TARGETS[k % TARGETS.len()];
                indicators.push(indicator::ActiveModel {
                    id: NotSet,
                    target_id: Set(t.id),
                    position: Set(k as i32),
                    level1: Set(l1.into()),
                    level2: Set(l2.into()),
                    name: Set(format!("指标{k}")),
                    target_text: Set(text.into()),
                    basis: Set(Some("计划标准".into())),
                    history: Set("[]".into()),
                });
            }
        }
        count.rows += insert_chunks(&txn, indicators).await?;
        let tids: Vec<i64> = stored.iter().map(|t| t.id).collect();
        let inds =
            crate::ledger::queries::rows_in::<indicator::Entity>(&txn, indicator::Column::TargetId, &tids).await?;
        let period = Month::of(today.with_day(1).unwrap_or(today) - chrono::Duration::days(1)).to_string();
        let actuals: Vec<indicator_actual::ActiveModel> = inds
            .iter()
            .filter(|i| i.level2 == "数量指标" || i.level2 == "服务对象满意度指标")
            .map(|i| indicator_actual::ActiveModel {
                id: NotSet,
                indicator_id: Set(i.id),
                period: Set(period.clone()),
                value: Set(if i.target_text.contains('%') {
                    "95%"
                } else if i.target_text.contains('个') {
                    "60个"
                } else {
                    "2100人次"
                }
                .into()),
                judgement: Set(None),
                recorded_on: Set(today),
                recorded_at: Set(now),
            })
            .collect();
        count.rows += insert_chunks(&txn, actuals).await?;
        txn.commit().await?;
        done += n;
        count.projects = done;
        progress(done, options.projects);
    }
    Ok(count)
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
