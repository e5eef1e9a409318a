//! Spreadsheets out: alerts, the portfolio, the debt-service schedule and the
//! evaluation results as xlsx workbooks with Chinese headers, each amount column's
//! unit in its header and number formats on the cells.

pub mod import;
pub mod pending;
pub mod template;

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook};
use sea_orm::{EntityTrait, QueryOrder};

use crate::Ctx;
use crate::codes::{AlertStatus, Grade, Profile, label_or_code};
use crate::db::Money;
use crate::error::{Error, Result};
use crate::ledger::entities::{bond, department, project};
use crate::ledger::projects::{ProjectStatus, Stage};
use crate::monitoring::store::AlertFilter;
use crate::monitoring::{Dimension, Severity};

/// One cell of an exported table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// Yuan, shown with two decimals and thousands separators.
    Money(Money),
    /// A ratio or score, shown with the given decimals.
    Number(Decimal, u32),
    Empty,
}

impl From<&str> for Cell {
    fn from(t: &str) -> Self {
        Cell::Text(t.into())
    }
}

impl From<String> for Cell {
    fn from(t: String) -> Self {
        Cell::Text(t)
    }
}

impl From<Option<String>> for Cell {
    fn from(t: Option<String>) -> Self {
        t.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}

/// One sheet: its name, headers and rows.
pub struct Table {
    pub sheet: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Column headers from their names.
pub fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// The exports there are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Export {
    /// The alerts a filter lets through (all by default), most severe first.
    Alerts(crate::monitoring::store::AlertFilter),
    Portfolio,
    /// The schedule of one bond (by id), or of all.
    Schedule(Option<i64>),
    Evaluations(i32),
    /// 结果应用 of a year, per department (domain.md §9).
    Results(i32),
}

impl Export {
    pub fn parse(name: &str, year: Option<i32>, today: NaiveDate) -> Result<Export> {
        use chrono::Datelike;
        match name {
            "alerts" => Ok(Export::Alerts(Default::default())),
            "portfolio" => Ok(Export::Portfolio),
            "schedule" => Ok(Export::Schedule(None)),
            "evaluations" => Ok(Export::Evaluations(year.unwrap_or(today.year()))),
            "results" => Ok(Export::Results(year.unwrap_or(today.year() - 1))),
            other => Err(Error::not_found(
                "export",
                format!(
                    "没有名为“{other}”的导出;可导出 alerts(预警)、portfolio(项目)、schedule(还本付息)、evaluations(绩效评价)或 results(结果应用)"
                ),
            )),
        }
    }
}

/// Writes tables into an xlsx workbook.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("cannot write the workbook: {e}"));
    let mut book = Workbook::new();
    let header = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(table.sheet).map_err(fail)?;
        for (c, h) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h.as_str(), &header).map_err(fail)?;
            sheet.set_column_width(c as u16, (h.chars().count() as f64 * 2.2).max(12.0)).map_err(fail)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => sheet.write_string(r, c, t).map(|_| ()),
                    // A spreadsheet keeps numbers as floats; amounts within ±90 trillion keep their fen.
                    Cell::Money(m) => sheet.write_number_with_format(r, c, m.fen() as f64 / 100.0, &money).map(|_| ()),
                    Cell::Number(d, places) => {
                        let format = Format::new().set_num_format(if *places == 0 {
                            "0".to_string()
                        } else {
                            format!("0.{}", "0".repeat(*places as usize))
                        });
                        let value: f64 = crate::figures::round_half_up(*d, *places).to_string().parse().unwrap_or(0.0);
                        sheet.write_number_with_format(r, c, value, &format).map(|_| ())
                    }
                    Cell::Empty => Ok(()),
                }
                .map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// The projects, departments and bonds an export names, by id.
struct Names {
    projects: HashMap<i64, project::Model>,
    departments: HashMap<i64, department::Model>,
    bonds: HashMap<i64, bond::Model>,
}

impl Names {
    async fn load(ctx: &Ctx) -> Result<Names> {
        let projects = project::Entity::find().order_by_asc(project::Column::Code).all(&ctx.db).await?;
        let departments = department::Entity::find().all(&ctx.db).await?;
        let bonds = bond::Entity::find().all(&ctx.db).await?;
        Ok(Names {
            projects: projects.into_iter().map(|p| (p.id, p)).collect(),
            departments: departments.into_iter().map(|d| (d.id, d)).collect(),
            bonds: bonds.into_iter().map(|b| (b.id, b)).collect(),
        })
    }

    /// A project's code, name and department; empty cells without a project.
    fn project_cells(&self, id: Option<i64>) -> [Cell; 3] {
        match id.and_then(|p| self.projects.get(&p)) {
            Some(p) => [
                p.code.clone().into(),
                p.name.clone().into(),
                self.departments.get(&p.department_id).map(|d| d.name.clone()).into(),
            ],
            None => [Cell::Empty, Cell::Empty, Cell::Empty],
        }
    }
}

/// The table of an export, as of today.
pub async fn table(ctx: &Ctx, export: Export) -> Result<Table> {
    let names = Names::load(ctx).await?;
    match export {
        Export::Alerts(filter) => alerts_table(ctx, &names, filter).await,
        Export::Portfolio => portfolio_table(ctx, &names).await,
        Export::Schedule(bond) => schedule_table(ctx, &names, bond).await,
        Export::Results(year) => results_table(ctx, year).await,
        Export::Evaluations(year) => evaluations_table(ctx, &names, year).await,
    }
}

/// 预警: the alerts a filter lets through, most severe first.
async fn alerts_table(ctx: &Ctx, names: &Names, filter: AlertFilter) -> Result<Table> {
    use crate::monitoring::store::{AlertOrder, list};
    let stamp = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&crate::clock::OFFICE_TZ).format("%Y-%m-%d %H:%M").to_string()
    };
    let (rows, _, _) = list(&ctx.db, &filter, AlertOrder::Severity, false, u32::MAX as u64, None).await?;
    Ok(Table {
        sheet: "预警",
        headers: crate::spreadsheets::headers(&[
            "规则",
            "维度",
            "阶段",
            "等级",
            "状态",
            "项目编码",
            "项目名称",
            "主管部门",
            "债券",
            "预警信息",
            "实测值",
            "阈值",
            "首次发现",
            "最近发现",
            "解除时间",
        ]),
        rows: rows
            .iter()
            .map(|a| {
                let [code, name, dept] = names.project_cells(a.project_id);
                let dept = if matches!(dept, Cell::Empty) {
                    a.department_id.and_then(|d| names.departments.get(&d)).map(|d| d.name.clone()).into()
                } else {
                    dept
                };
                vec![
                    a.rule.clone().into(),
                    label_or_code(&a.dimension, Dimension::parse, Dimension::label).into(),
                    label_or_code(&a.stage, Stage::parse, Stage::label).into(),
                    label_or_code(&a.severity, Severity::parse, Severity::label).into(),
                    label_or_code(&a.status, AlertStatus::parse, AlertStatus::label).into(),
                    code,
                    name,
                    dept,
                    a.bond_id.and_then(|b| names.bonds.get(&b)).map(|b| b.code.clone()).into(),
                    a.message.clone().into(),
                    a.measured.clone().into(),
                    a.threshold.clone().into(),
                    stamp(a.first_seen_at).into(),
                    stamp(a.last_seen_at).into(),
                    a.resolved_at.map(stamp).into(),
                ]
            })
            .collect(),
    })
}

/// 项目总览: each project's figures (domain.md §4a) as of today, from the one
/// definition, loaded a batch at a time.
async fn portfolio_table(ctx: &Ctx, names: &Names) -> Result<Table> {
    let mut ordered: Vec<project::Model> = names.projects.values().cloned().collect();
    ordered.sort_by(|a, b| a.code.cmp(&b.code));
    let today = ctx.clock.today();
    let mut rows = Vec::with_capacity(ordered.len());
    for batch in ordered.chunks(500) {
        for f in crate::facts::load_projects(&ctx.db, &ctx.settings.debt, batch.to_vec()).await? {
            let x = crate::figures::project_figures(&f, today);
            let p = &f.project;
            let percent = |d: Option<Decimal>| d.map(|r| Cell::Number(r, 2)).unwrap_or(Cell::Empty);
            rows.push(vec![
                p.code.clone().into(),
                p.name.clone().into(),
                names.departments.get(&p.department_id).map(|d| d.name.clone()).into(),
                p.category.clone().into(),
                label_or_code(&p.status, ProjectStatus::parse, ProjectStatus::label).into(),
                Cell::Money(x.bond_funding),
                Cell::Money(x.received),
                Cell::Money(x.transferred),
                Cell::Money(x.paid),
                percent(x.spend_rate_percent),
                percent(x.spend_progress_percent),
                x.coverage_ratio.map(|c| Cell::Number(c, 4)).unwrap_or(Cell::Empty),
                Cell::Money(x.overdue_debt_service),
            ]);
        }
    }
    use crate::figures::*;
    let yuan = |f: Figure| format!("{}(元)", f.label);
    let pct = |f: Figure| format!("{}(%)", f.label);
    let headers = [
        "项目编码".to_string(),
        "项目名称".into(),
        "主管部门".into(),
        "项目类别".into(),
        "状态".into(),
        yuan(BOND_FUNDING),
        yuan(RECEIVED),
        yuan(TRANSFERRED),
        yuan(PAID),
        pct(SPEND_RATE),
        pct(SPEND_PROGRESS),
        COVERAGE.label.into(),
        yuan(OVERDUE_DEBT_SERVICE),
    ];
    Ok(Table { sheet: "项目总览", headers: headers.to_vec(), rows })
}

/// 还本付息计划: the schedule of one bond, or of all, by due date.
async fn schedule_table(ctx: &Ctx, names: &Names, bond: Option<i64>) -> Result<Table> {
    let only = bond.map(|b| vec![b]);
    let books = crate::debt::load_books(&ctx.db, &ctx.settings.debt, only.as_deref()).await?;
    let mut lines: Vec<_> = books.iter().flat_map(|b| b.lines.iter().copied()).collect();
    lines.sort_by_key(|l| (l.line.due, l.bond_id, l.project_id));
    Ok(Table {
        sheet: "还本付息计划",
        headers: crate::spreadsheets::headers(&[
            "到期日",
            "债券编码",
            "债券名称",
            "项目编码",
            "项目名称",
            "主管部门",
            "本金(元)",
            "利息(元)",
            "合计(元)",
            "已还(元)",
            "还款日",
        ]),
        rows: lines
            .iter()
            .map(|l| {
                let bond = names.bonds.get(&l.bond_id);
                let [code, name, dept] = names.project_cells(l.project_id);
                let code = if matches!(code, Cell::Empty) { Cell::Text("(未分配额度)".into()) } else { code };
                vec![
                    l.line.due.to_string().into(),
                    bond.map(|b| b.code.clone()).into(),
                    bond.map(|b| b.name.clone()).into(),
                    code,
                    name,
                    dept,
                    Cell::Money(l.line.principal),
                    Cell::Money(l.line.interest),
                    Cell::Money(l.line.total()),
                    Cell::Money(l.paid),
                    l.paid_on.map(|d| d.to_string()).into(),
                ]
            })
            .collect(),
    })
}

/// 绩效评价: a year's evaluations, ranked, with each dimension's score.
async fn evaluations_table(ctx: &Ctx, names: &Names, year: i32) -> Result<Table> {
    let rows = crate::evaluation::ranked(ctx, year, None).await?;
    Ok(Table {
        sheet: "绩效评价",
        headers: crate::spreadsheets::headers(&[
            "排名",
            "项目编码",
            "项目名称",
            "主管部门",
            "评价年度",
            "总分",
            "等级",
            "权重方案",
            "决策",
            "管理",
            "产出",
            "可持续性",
        ]),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let [code, name, dept] = names.project_cells(Some(e.project_id));
                let dimensions = e.dimensions()?;
                let dimension = |d: &str| {
                    dimensions
                        .iter()
                        .find(|x| x.dimension == d)
                        .map(|x| Cell::Number(x.score, 2))
                        .unwrap_or(Cell::Empty)
                };
                let grade = label_or_code(&e.grade, Grade::parse, Grade::label);
                Ok(vec![
                    Cell::Number(Decimal::from(i + 1), 0),
                    code,
                    name,
                    dept,
                    Cell::Number(Decimal::from(e.year), 0),
                    Cell::Number(crate::db::values::stored_decimal(&e.total_score), 2),
                    grade.into(),
                    label_or_code(&e.profile, Profile::parse, Profile::label).into(),
                    dimension("DECISION"),
                    dimension("MANAGEMENT"),
                    dimension("OUTPUT"),
                    dimension("SUSTAINABILITY"),
                ])
            })
            .collect::<Result<_>>()?,
    })
}

/// 结果应用 of a year: each department's scores, rectifications and next year's suggestion.
pub async fn results_table(ctx: &Ctx, year: i32) -> Result<Table> {
    let rows = crate::results::result_application(ctx, year).await?;
    let number = |d: Option<Decimal>| d.map(|d| Cell::Number(d, 2)).unwrap_or(Cell::Empty);
    let count = |n: usize| Cell::Number(Decimal::from(n), 0);
    Ok(Table {
        sheet: "结果应用",
        headers: headers(&[
            "部门编码",
            "部门名称",
            "评价年度",
            "评价项目数",
            "平均分",
            "等级",
            "60分以下项目数",
            "下达整改数",
            "整改到位数",
            "逾期整改数",
            "整改完成率(%)",
            "自评平均偏差(分)",
            "下一年度项目安排和预算建议",
            "预算调整比例(%)",
        ]),
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    r.department.code.clone().into(),
                    r.department.name.clone().into(),
                    Cell::Number(Decimal::from(r.year), 0),
                    count(r.projects_evaluated),
                    number(r.mean_score),
                    r.grade.map(|g| g.label().to_string()).into(),
                    count(r.projects_under_60),
                    count(r.issued),
                    count(r.accepted),
                    count(r.overdue),
                    number(r.rate_percent),
                    number(r.mean_self_deviation),
                    r.suggestion.clone().into(),
                    Cell::Number(r.budget_change_percent, 2),
                ]
            })
            .collect(),
    })
}

/// The workbook of an export.
pub async fn export(ctx: &Ctx, export: Export) -> Result<Vec<u8>> {
    workbook(&[table(ctx, export).await?])
}
