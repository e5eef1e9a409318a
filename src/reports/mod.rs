//! The two reports of domain.md §5–6: the ex-ante assessment (事前绩效评估报告) and the
//! performance evaluation (绩效评价报告), in Chinese. Each is built here once as a
//! plain document — sections of paragraphs, tables and charts — and rendered twice:
//! as HTML for the screen ([`html`]) and as PDF typeset by Typst ([`pdf`]).

mod assessment;
mod department_report;
mod document;
mod evaluation_report;
pub mod html;
pub mod pdf;

pub use assessment::assessment_report;
pub use department_report::department_report;
pub use document::{Chart, Document, Format, Section, Series, TableBlock, is_number, paired_bars, render};
pub use evaluation_report::{evaluation_document, evaluation_report};

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_orm::EntityTrait;

use crate::Ctx;
use crate::db::Money;
use crate::db::values::{Month, stored_decimal};
use crate::debt;
use crate::error::Result;
use crate::evaluation::{self, checks};
use crate::ledger::entities::{bond, department};
use crate::monitoring::facts::ProjectFacts;
use crate::monitoring::rules::latest_attainment;
use document::{part, section, table};

/// An amount in 万元 for a table headed (万元): two decimals, half up, with thousands
/// separators (§4a).
pub fn wan(m: Money) -> String {
    crate::figures::wan_number(m.to_decimal())
}

fn wan_f64(m: Money) -> f64 {
    (m.to_decimal() / Decimal::from(10_000)).to_f64().unwrap_or(0.0)
}

fn dec(d: Option<Decimal>, places: u32) -> String {
    d.map(|d| crate::figures::fixed(d, places)).unwrap_or_else(|| "—".into())
}

fn text(t: Option<&str>) -> String {
    t.filter(|t| !t.is_empty()).unwrap_or("—").to_string()
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

struct Context<'a> {
    facts: &'a ProjectFacts,
    department: department::Model,
    bonds: BTreeMap<i64, bond::Model>,
    as_of: NaiveDate,
}

async fn context<'a>(ctx: &Ctx, facts: &'a ProjectFacts, as_of: NaiveDate) -> Result<Context<'a>> {
    let department = crate::ledger::department_by_id(&ctx.db, facts.project.department_id).await?;
    let bonds = facts.books.iter().map(|b| (b.bond.id, b.bond.clone())).collect();
    Ok(Context { facts, department, bonds, as_of })
}

fn basic_facts(c: &Context<'_>) -> Section {
    let p = &c.facts.project;
    let mut s = section("一、项目基本情况");
    s.paragraphs.push(format!(
        "{}(项目编码 {})由{}主管、{}实施,属{}类项目,当前状态为{}。{}",
        p.name,
        p.code,
        c.department.name,
        p.executing_unit,
        p.category,
        crate::codes::label_or_code(
            &p.status,
            crate::ledger::projects::ProjectStatus::parse,
            crate::ledger::projects::ProjectStatus::label
        ),
        p.construction_content.as_deref().map(|t| format!("建设内容:{t}")).unwrap_or_default()
    ));
    s.tables.push(table(
        "项目基本信息",
        &["项目", "内容"],
        vec![
            vec!["批复概算(万元)".into(), wan(p.approved_investment)],
            vec!["当前估算(万元)".into(), wan(p.current_estimate)],
            vec!["计划开工 / 完工".into(), format!("{} / {}", date(p.planned_start), date(p.planned_completion))],
            vec!["实际开工 / 完工".into(), format!("{} / {}", date(p.actual_start), date(p.actual_completion))],
            vec!["收益期".into(), format!("{} 至 {}", date(p.revenue_start), date(p.revenue_end))],
            vec!["成熟度要件".into(), crate::ledger::projects::maturity_documents(p).join("、")],
        ],
    ));
    s
}

fn funding(c: &Context<'_>, heading: &str) -> Section {
    let p = &c.facts.project;
    let mut s = section(heading);
    s.paragraphs.push(format!(
        "资金筹措计划:专项债券{}万元,资本金{}万元,自有资金{}万元,其他融资{}万元,合计{}万元(批复概算{}万元)。",
        wan(p.planned_bond_funding),
        wan(p.capital_fund),
        wan(p.own_funds),
        wan(p.other_funding),
        wan(p.planned_bond_funding + p.capital_fund + p.own_funds + p.other_funding),
        wan(p.approved_investment)
    ));
    let positions = c.facts.positions(c.as_of);
    let rows = c
        .facts
        .allocations
        .iter()
        .map(|a| {
            let b = c.bonds.get(&a.bond_id);
            let position = positions.bond(a.bond_id).cloned().unwrap_or_default();
            vec![
                b.map(|b| b.code.clone()).unwrap_or_default(),
                b.map(|b| b.name.clone()).unwrap_or_default(),
                a.allocated_on.to_string(),
                wan(position.allocation),
                wan(position.received),
            ]
        })
        .collect();
    s.tables.push(table("债券资金分配与到账", &["债券编码", "债券名称", "分配日期", "分配(万元)", "到账(万元)"], rows));
    s
}

/// Cumulative spending against plan and physical progress, month by month over
/// `months` (a report's year, or the dashboard's last twelve months), titled by `span`.
fn spending(c: &Context<'_>, months: &[Month], span: &str) -> Section {
    let f = c.facts;
    let mut s = section("三、资金支出与建设进度");
    let month_end = |m: Month| crate::db::values::add_months(m.first_day(), 1) - chrono::Duration::days(1);
    let totals = f.totals(c.as_of);
    let funding = totals.bond_funding;
    let spent = |m: Month| {
        let paid = f.totals(month_end(m).min(c.as_of)).paid;
        if funding.is_zero() {
            0.0
        } else {
            (paid.to_decimal() * Decimal::ONE_HUNDRED / funding.to_decimal()).to_f64().unwrap_or(0.0)
        }
    };
    let plan = |m: Month| {
        crate::figures::planned_spend_percent(f, month_end(m).min(c.as_of)).and_then(|d| d.to_f64()).unwrap_or(0.0)
    };
    let labels: Vec<String> = if months.iter().all(|m| m.year == months[0].year) {
        months.iter().map(|m| format!("{}月", m.month)).collect()
    } else {
        months.iter().map(|m| format!("{:02}.{:02}", m.year % 100, m.month)).collect()
    };
    let paid = totals.paid;
    s.paragraphs.push(format!(
        "截至{},项目获得债券资金{}万元,到账{}万元,拨付{}万元,支出{}万元,资金支出进度{}。",
        c.as_of,
        wan(funding),
        wan(totals.received),
        wan(totals.transferred),
        wan(paid),
        if funding.is_zero() {
            "无从计算".to_string()
        } else {
            crate::figures::SPEND_PROGRESS.show(paid.to_decimal() * Decimal::ONE_HUNDRED / funding.to_decimal())
        }
    ));
    s.charts.push(Chart {
        title: format!("{span}累计支出进度与计划(%)"),
        kind: "lines",
        unit: "%".into(),
        labels: labels.clone(),
        series: vec![
            Series { name: "计划".into(), values: months.iter().map(|m| plan(*m)).collect() },
            Series { name: "实际".into(), values: months.iter().map(|m| spent(*m)).collect() },
        ],
    });
    let reports: BTreeMap<String, (Decimal, Decimal)> = f
        .progress
        .iter()
        .filter(|r| months.iter().any(|m| r.period == m.to_string()))
        .map(|r| (r.period.clone(), (stored_decimal(&r.planned_percent), stored_decimal(&r.actual_percent))))
        .collect();
    if !reports.is_empty() {
        s.charts.push(Chart {
            title: format!("{span}形象进度(%)"),
            kind: "lines",
            unit: "%".into(),
            labels: reports.keys().map(|k| k[2..].replace('-', ".")).collect(),
            series: vec![
                Series {
                    name: "计划".into(),
                    values: reports.values().map(|(p, _)| p.to_f64().unwrap_or(0.0)).collect(),
                },
                Series {
                    name: "实际".into(),
                    values: reports.values().map(|(_, a)| a.to_f64().unwrap_or(0.0)).collect(),
                },
            ],
        });
        s.tables.push(table(
            "月度形象进度",
            &["月份", "计划进度(%)", "实际进度(%)"],
            reports
                .iter()
                .map(|(k, (p, a))| vec![k.clone(), p.normalize().to_string(), a.normalize().to_string()])
                .collect(),
        ));
    }
    s
}

fn debt_service(c: &Context<'_>, heading: &str) -> Section {
    let f = c.facts;
    let mut s = section(heading);
    let lines = debt::project_lines(&f.books, f.project.id);
    let mut by_year: BTreeMap<i32, (Money, Money)> = BTreeMap::new();
    for l in &lines {
        let e = by_year.entry(l.line.due.year()).or_default();
        e.0 = e.0 + l.line.principal;
        e.1 = e.1 + l.line.interest;
    }
    let total: Money = lines.iter().map(|l| l.line.total()).sum();
    s.paragraphs.push(format!("项目应承担债券本息合计{}万元,共{}期。", wan(total), lines.len()));
    s.charts.push(paired_bars(
        "分年度还本付息(万元)",
        by_year.keys().map(|y| y.to_string()).collect(),
        ["本金", "利息"],
        by_year.values().map(|(p, i)| (wan_f64(*p), wan_f64(*i))),
    ));
    s.tables.push(table(
        "还本付息计划",
        &["到期日", "债券", "本金(万元)", "利息(万元)", "已还(万元)", "还款日"],
        lines
            .iter()
            .map(|l| {
                vec![
                    l.line.due.to_string(),
                    c.bonds.get(&l.bond_id).map(|b| b.code.clone()).unwrap_or_default(),
                    wan(l.line.principal),
                    wan(l.line.interest),
                    wan(l.paid),
                    date(l.paid_on),
                ]
            })
            .collect(),
    ));
    s
}

fn coverage(c: &Context<'_>, heading: &str) -> Section {
    let f = c.facts;
    let mut s = section(heading);
    let ratio = debt::project_coverage(&f.books, f.project.id, &f.forecast);
    let rolling = debt::project_rolling_coverage(&f.books, f.project.id, &f.forecast, &f.revenue, c.as_of);
    s.paragraphs.push(match ratio {
        Some(r) => format!(
            "按实施方案收益预测,债券存续期内本息覆盖倍数为{r:.2}{};滚动覆盖倍数为{}。",
            if r >= Decimal::new(12, 1) { ",不低于1.2倍" } else { ",低于1.2倍,偿债能力不足" },
            dec(rolling, 2)
        ),
        None => "尚无收益预测或债券,无法测算本息覆盖倍数。".into(),
    });
    s.tables.push(table(
        "本息覆盖倍数敏感性分析",
        &["情景", "本息覆盖倍数"],
        std::iter::once(vec!["基准".to_string(), dec(ratio, 2)])
            .chain(checks::sensitivity_table(f).into_iter().map(|r| vec![r.label, dec(r.coverage, 2)]))
            .collect(),
    ));
    s
}

fn revenue(c: &Context<'_>) -> Section {
    let f = c.facts;
    let mut s = section("六、项目收益实现情况");
    let mut years: BTreeMap<i32, (Money, Money)> = BTreeMap::new();
    for y in &f.forecast {
        years.entry(y.year).or_default().0 = y.revenue - y.operating_cost;
    }
    for r in f.revenue.iter().filter(|r| r.source != debt::BUDGET_SUPPORT) {
        if let Some(y) = r.period.get(..4).and_then(|y| y.parse::<i32>().ok()) {
            let e = years.entry(y).or_default();
            e.1 = e.1 + r.collected;
        }
    }
    years.retain(|y, _| *y <= c.as_of.year());
    if years.is_empty() {
        s.paragraphs.push("截至评价时点,项目尚未进入收益期,亦无收益预测年度。".into());
        return s;
    }
    s.charts.push(paired_bars(
        "收益实现与预测(万元)",
        years.keys().map(|y| y.to_string()).collect(),
        ["预测净收益", "实际收入"],
        years.values().map(|(p, a)| (wan_f64(*p), wan_f64(*a))),
    ));
    s.tables.push(table(
        "收益实现与预测",
        &["年度", "预测净收益(万元)", "实际收入(万元)"],
        years.iter().map(|(y, (p, a))| vec![y.to_string(), wan(*p), wan(*a)]).collect(),
    ));
    s
}

fn indicators(c: &Context<'_>, heading: &str) -> Section {
    let mut s = section(heading);
    let rows = c
        .facts
        .indicators
        .iter()
        .map(|i| {
            let latest = i.latest_on(c.as_of);
            vec![
                text(Some(&i.indicator.level1)),
                text(Some(&i.indicator.level2)),
                text(Some(&i.indicator.name)),
                text(Some(&i.indicator.target_text)),
                latest.map(|a| a.value.clone()).unwrap_or_else(|| "—".into()),
                latest_attainment(i, c.as_of)
                    .map(|a| format!("{}%", crate::figures::fixed(a * Decimal::ONE_HUNDRED, 2)))
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        s.paragraphs.push("项目未申报绩效目标。".into());
    }
    s.tables.push(table("绩效指标", &["一级指标", "二级指标", "三级指标", "指标值", "实际完成", "达成率"], rows));
    s
}

/// The targets as declared, without actuals: what the assessment judges before the
/// project starts, and what an evaluation measures against.
fn declared_targets(c: &Context<'_>, heading: &str) -> Section {
    let mut s = section(heading);
    let rows: Vec<Vec<String>> = c
        .facts
        .indicators
        .iter()
        .map(|i| {
            let x = &i.indicator;
            vec![
                text(Some(&x.level1)),
                text(Some(&x.level2)),
                text(Some(&x.name)),
                text(Some(&x.target_text)),
                text(x.basis.as_deref()),
            ]
        })
        .collect();
    if rows.is_empty() {
        s.paragraphs.push("项目未申报绩效目标。".into());
    }
    s.tables.push(table("绩效目标申报表", &["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"], rows));
    s
}

/// Was an alert open at some time between two days (both included), in the office's days?
/// One not resolved is open still, however long since a sweep last looked at its project
/// (the daily sweep evaluates only projects changed or due).
fn seen_between(a: &crate::monitoring::store::alert::Model, start: NaiveDate, end: NaiveDate) -> bool {
    let day = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&crate::clock::OFFICE_TZ).date_naive();
    let open_until = if a.resolved_at.is_none() { end } else { day(a.last_seen_at) };
    day(a.first_seen_at) <= end && open_until >= start
}

/// 决策 管理 产出 可持续性, from the name the scores and alerts store (an unknown one as
/// it is stored, never a blank).
pub fn dimension_name(d: &str) -> String {
    crate::codes::label_or_code(d, crate::codes::Dimension::parse, crate::codes::Dimension::label)
}

pub fn grade_name(grade: &str) -> &'static str {
    crate::codes::Grade::parse(grade).map_or("", crate::codes::Grade::label)
}

/// Sections one to seven of the evaluation report: the facts, money, works, debt,
/// coverage, revenue and indicators of a project as of the context's date.
fn overview_sections(c: &Context<'_>, months: &[Month], span: &str) -> Vec<Section> {
    vec![
        basic_facts(c),
        funding(c, "二、资金筹措与分配"),
        spending(c, months, span),
        debt_service(c, "四、还本付息计划"),
        coverage(c, "五、本息覆盖与敏感性分析"),
        revenue(c),
        indicators(c, "七、绩效指标完成情况"),
    ]
}

/// The months of `year` that have begun by `as_of`.
fn months_of(year: i32, as_of: NaiveDate) -> Vec<Month> {
    (1..=12).map(|m| Month { year, month: m }).filter(|m| m.first_day() <= as_of).collect()
}

/// The twelve months that end with the month of `today`.
fn last_twelve_months(today: NaiveDate) -> Vec<Month> {
    let first = Month::of(today.checked_sub_months(chrono::Months::new(11)).unwrap_or(today));
    std::iter::successors(Some(first), |m| Some(m.next())).take(12).collect()
}

/// A project as of today, in the evaluation report's first seven sections: what the
/// dashboard's project page shows above the alerts.
pub async fn project_overview(ctx: &Ctx, code: &str) -> Result<Document> {
    let project = crate::ledger::project_by_code(&ctx.db, "code", code).await?;
    let facts = crate::monitoring::facts::load_project(&ctx.db, &ctx.settings.debt, project).await?;
    let today = ctx.clock.today();
    let c = context(ctx, &facts, today).await?;
    Ok(Document {
        title: facts.project.name.clone(),
        subtitle: facts.project.code.clone(),
        generated: today.to_string(),
        cover: Vec::new(),
        sections: overview_sections(&c, &last_twelve_months(today), "近12个月"),
    })
}

/// The scoring sheet (评分表) as xlsx: of one project (scored now), or of every
/// project evaluated and stored for the year with the department ranking.
pub async fn scoring_workbook(ctx: &Ctx, year: i32, project: Option<&str>) -> Result<Vec<u8>> {
    use crate::spreadsheets::{Cell, Table, workbook};
    let number = |d: Decimal| Cell::Number(d, 2);
    let mut sheet = Table {
        sheet: "评分表",
        headers: crate::spreadsheets::headers(&[
            "项目编码",
            "项目名称",
            "总分",
            "等级",
            "维度",
            "指标",
            "分值",
            "得分",
            "扣分原因",
        ]),
        rows: Vec::new(),
    };
    let mut add = |code: &str, name: &str, total: Decimal, grade: &str, dims: &[evaluation::StoredDimension]| {
        for d in dims {
            for i in &d.items {
                sheet.rows.push(vec![
                    code.into(),
                    name.into(),
                    number(total),
                    grade_name(grade).into(),
                    dimension_name(&d.dimension).into(),
                    i.name.clone().into(),
                    number(i.max_score),
                    number(i.score),
                    i.reason.clone().into(),
                ]);
            }
        }
    };
    let mut tables = Vec::new();
    match project {
        Some(code) => {
            let (facts, result) = evaluation::score_project(ctx, code, year).await?;
            add(
                &facts.project.code,
                &facts.project.name,
                crate::figures::round_half_up(result.total, 2),
                result.grade,
                &evaluation::StoredDetail::from(&result).dimensions,
            );
            tables.push(sheet);
        }
        None => {
            let names: BTreeMap<i64, (String, String)> = crate::ledger::entities::project::Entity::find()
                .all(&ctx.db)
                .await?
                .into_iter()
                .map(|p| (p.id, (p.code, p.name)))
                .collect();
            for e in evaluation::ranked(ctx, year, None).await? {
                let (code, name) = names.get(&e.project_id).cloned().unwrap_or_default();
                add(&code, &name, stored_decimal(&e.total_score), &e.grade, &e.dimensions()?);
            }
            tables.push(sheet);
            let ranking = evaluation::department_ranking(ctx, year).await?;
            tables.push(Table {
                sheet: "部门排名",
                headers: crate::spreadsheets::headers(&[
                    "排名",
                    "部门编码",
                    "部门名称",
                    "评价项目数",
                    "平均分",
                    "60分以下项目数",
                ]),
                rows: ranking
                    .into_iter()
                    .map(|r| {
                        vec![
                            Cell::Number(Decimal::from(r.rank), 0),
                            r.department.code.into(),
                            r.department.name.into(),
                            Cell::Number(Decimal::from(r.projects), 0),
                            number(r.average),
                            Cell::Number(Decimal::from(r.under_60), 0),
                        ]
                    })
                    .collect(),
            });
            tables.push(crate::spreadsheets::results_table(ctx, year).await?);
        }
    }
    workbook(&tables)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::seen_between;
    use crate::monitoring::store::alert;

    fn alert(first: (i32, u32, u32), last: (i32, u32, u32), resolved: bool) -> alert::Model {
        let at = |(y, m, d): (i32, u32, u32)| Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap();
        alert::Model {
            id: 1,
            rule: "D6".into(),
            dimension: "DECISION".into(),
            stage: "BORROW".into(),
            severity: "RED".into(),
            project_id: Some(1),
            bond_id: None,
            department_id: None,
            indicator_id: None,
            subject_key: "p1".into(),
            open_key: (!resolved).then(|| "D6|p1".into()),
            message: String::new(),
            measured: None,
            threshold: None,
            evidence: "null".into(),
            status: if resolved { "RESOLVED" } else { "OPEN" }.into(),
            first_seen_at: at(first),
            last_seen_at: at(last),
            resolved_at: resolved.then(|| at(last)),
            note: None,
        }
    }

    #[test]
    fn an_alert_still_open_counts_in_every_period_since_it_was_raised() {
        let year = |y| (NaiveDate::from_ymd_opt(y, 1, 1).unwrap(), NaiveDate::from_ymd_opt(y, 12, 31).unwrap());
        let (start, end) = year(2027);
        // Raised in March 2026 and last looked at then (nothing of its project changed or fell due since).
        assert!(seen_between(&alert((2026, 3, 1), (2026, 3, 1), false), start, end));
        // Resolved in 2026, it is not 2027's.
        assert!(!seen_between(&alert((2026, 3, 1), (2026, 9, 1), true), start, end));
        // Raised after the period, it is not the period's.
        let (start, end) = year(2025);
        assert!(!seen_between(&alert((2026, 3, 1), (2026, 3, 1), false), start, end));
    }
}
