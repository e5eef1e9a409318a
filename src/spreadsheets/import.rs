//! Workbooks in. The template's sheets are read row by row and every row goes through
//! the ledger's own services, all inside one transaction: one problem anywhere and the
//! transaction is rolled back, with a report of every problem (sheet, row, column,
//! value, reason), not only the first. The reading runs on a blocking thread that
//! hands rows over a bounded channel, so a large ledger is streamed, never held whole.
//!
//! Re-importing a file writes nothing: departments, projects and bonds are matched by
//! code, every other row (or group of rows) by a hash of its content kept in
//! `imported_rows`. The declaration checks C1–C5 run on what the import touched; they
//! are reported and stored as alerts and never block the import.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{Read, Seek};
use std::path::PathBuf;
use std::str::FromStr;

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, QuerySelect, Set};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::template::{Column, SHEETS, Sheet, label_of};
use crate::Ctx;
use crate::auth::{Caller, Role};
use crate::codes::{BondKind, DisbursementKind, InterestFrequency, TargetScope};
use crate::db::{Money, begin_write};
use crate::error::{Error, Result};
use crate::ledger::bonds::{AmortizationInput, BondInput};
use crate::ledger::departments::{BudgetLineInput, BudgetProjectLineInput, DepartmentBudgetInput, DepartmentInput};
use crate::ledger::entities::{bond, department, project};
use crate::ledger::funding::{AllocationInput, ReceiptInput};
use crate::ledger::projects::{ProjectFacts, ProjectInput, RevenueForecastInput};
use crate::ledger::records::{DisbursementInput, ProgressInput, RevenueInput};
use crate::monitoring::store::{Scope, alert};
use crate::targets::{IndicatorInput, TargetInput};

/// The keys of rows already imported.
pub mod imported_row {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "imported_rows")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub row_key: String,
        pub sheet: String,
        pub imported_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

/// Where the workbook comes from.
pub enum Source {
    Path(PathBuf),
    Bytes(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub sheet: String,
    /// The row as the spreadsheet numbers it (the header is row 1).
    pub row: Option<u32>,
    /// The column's header.
    pub column: Option<String>,
    /// The column's letter in this file (`C`), when the column is there.
    pub letter: Option<String>,
    /// The cell as the clerk typed it, money in the header's unit (`2000 万元`).
    pub value: Option<String>,
    pub reason: String,
}

impl Problem {
    /// One line for the clerk: where, what was typed, why.
    pub fn describe(&self) -> String {
        let mut out = self.sheet.clone();
        if let Some(r) = self.row {
            out.push_str(&format!(" 第{r}行"));
        }
        match (&self.letter, &self.column) {
            (Some(l), Some(c)) => out.push_str(&format!(" {l}列“{c}”")),
            (None, Some(c)) => out.push_str(&format!(" “{c}”列")),
            _ => {}
        }
        if let Some(v) = &self.value {
            out.push_str(&format!(" 填写为“{v}”"));
        }
        out.push_str(&format!(":{}", self.reason));
        out
    }
}

/// The letter of a 0-based column position as a spreadsheet shows it: A … Z, AA, AB …
pub fn column_letter(position: usize) -> String {
    let mut n = position + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[derive(Debug, Default)]
pub struct ImportReport {
    /// No problem: the workbook is (or, on a dry run, would be) imported.
    pub ok: bool,
    pub written: bool,
    /// Data rows read.
    pub rows: usize,
    /// Rows skipped because an earlier import already wrote them.
    pub unchanged: usize,
    pub problems: Vec<Problem>,
    /// Failed declaration checks of what the import touched. When nothing was written
    /// they were never stored and their ids are 0.
    pub checks: Vec<alert::Model>,
}

pub struct ImportOptions<'a> {
    pub dry_run: bool,
    /// Hears (sheet, rows read so far) every thousand rows and at each sheet's end.
    pub progress: &'a (dyn Fn(&str, usize) + Sync),
}

impl Default for ImportOptions<'_> {
    fn default() -> Self {
        ImportOptions { dry_run: false, progress: &|_, _| {} }
    }
}

/// A cell as read.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Empty,
    Text(String),
    /// A number, as the shortest text that reads back to the stored float: the digits
    /// the clerk typed (Excel keeps at most 15 significant digits).
    Number(String),
    Date(NaiveDate),
    Invalid(String),
}

impl Value {
    fn of(cell: &DataRef<'_>) -> Value {
        let text = |s: &str| if s.trim().is_empty() { Value::Empty } else { Value::Text(s.trim().to_string()) };
        match cell {
            DataRef::Int(i) => Value::Number(i.to_string()),
            DataRef::Float(f) if f.is_finite() => Value::Number(f.to_string()),
            DataRef::Float(f) => Value::Invalid(f.to_string()),
            DataRef::String(s) => text(s),
            DataRef::SharedString(s) => text(s),
            DataRef::Bool(b) => Value::Text(if *b { "是" } else { "否" }.into()),
            DataRef::DateTime(d) => match d.as_datetime() {
                Some(dt) if !d.is_duration() => Value::Date(dt.date()),
                _ => Value::Invalid(d.to_string()),
            },
            DataRef::DateTimeIso(s) => s
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(Value::Date)
                .unwrap_or_else(|| Value::Invalid(s.clone())),
            DataRef::DurationIso(s) => Value::Invalid(s.clone()),
            DataRef::Error(e) => Value::Invalid(format!("{e:?}")),
            DataRef::Empty => Value::Empty,
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Value::Empty => None,
            Value::Text(t) | Value::Number(t) | Value::Invalid(t) => Some(t.clone()),
            Value::Date(d) => Some(d.to_string()),
        }
    }
}

#[derive(Clone)]
struct RawRow {
    sheet: &'static Sheet,
    /// 1-based, as the spreadsheet shows it.
    number: u32,
    cells: Vec<Value>,
}

enum Item {
    Row(RawRow),
    SheetEnd(&'static Sheet),
    Failed(String),
}

/// Rows in flight between the reading thread and the writer.
const CHANNEL: usize = 1024;

fn read_workbook<RS: Read + Seek>(mut book: Xlsx<RS>, tx: mpsc::Sender<Item>) {
    let names = book.sheet_names();
    for sheet in SHEETS {
        if !names.iter().any(|n| n == sheet.name) {
            continue;
        }
        let mut reader = match book.worksheet_cells_reader(sheet.name) {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.blocking_send(Item::Failed(format!("工作表“{}”无法读取:{e}", sheet.name)));
                return;
            }
        };
        let mut current: Option<RawRow> = None;
        loop {
            match reader.next_cell() {
                Ok(Some(cell)) => {
                    let (row, col) = cell.get_position();
                    let value = Value::of(cell.get_value());
                    if current.as_ref().is_some_and(|r| r.number != row + 1)
                        && let Some(done) = current.take()
                        && tx.blocking_send(Item::Row(done)).is_err()
                    {
                        return;
                    }
                    if value == Value::Empty {
                        continue;
                    }
                    let raw = current.get_or_insert_with(|| RawRow { sheet, number: row + 1, cells: Vec::new() });
                    let col = col as usize;
                    if raw.cells.len() <= col {
                        raw.cells.resize(col + 1, Value::Empty);
                    }
                    raw.cells[col] = value;
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.blocking_send(Item::Failed(format!("工作表“{}”无法读取:{e}", sheet.name)));
                    return;
                }
            }
        }
        if let Some(done) = current.take()
            && tx.blocking_send(Item::Row(done)).is_err()
        {
            return;
        }
        if tx.blocking_send(Item::SheetEnd(sheet)).is_err() {
            return;
        }
    }
}

/// Starts reading on a blocking thread.
fn start_reading(source: Source) -> Result<mpsc::Receiver<Item>> {
    let (tx, rx) = mpsc::channel(CHANNEL);
    let bad = |e: calamine::XlsxError| {
        Error::validation("file", format!("this is not an xlsx workbook that can be read ({e}); save it as .xlsx"))
    };
    match source {
        Source::Path(path) => {
            let file = std::fs::File::open(&path)
                .map_err(|e| Error::validation("file", format!("cannot open {}: {e}", path.display())))?;
            let book = Xlsx::new(std::io::BufReader::new(file)).map_err(bad)?;
            tokio::task::spawn_blocking(move || read_workbook(book, tx));
        }
        Source::Bytes(bytes) => {
            let book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(bad)?;
            tokio::task::spawn_blocking(move || read_workbook(book, tx));
        }
    }
    Ok(rx)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Yuan,
    Wan,
}

/// Where a sheet's columns are in this file, and their units.
#[derive(Clone)]
struct Layout {
    sheet: &'static Sheet,
    /// Per template column: its position in the file and its header there.
    found: Vec<Option<(usize, String)>>,
}

impl Layout {
    fn read(sheet: &'static Sheet, row: &RawRow, problems: &mut Vec<Problem>) -> Option<Layout> {
        let mut found: Vec<Option<(usize, String)>> = vec![None; sheet.columns.len()];
        for (pos, cell) in row.cells.iter().enumerate() {
            let Some(header) = cell.text() else { continue };
            if let Some(i) = sheet.columns.iter().position(|c| c.label() == label_of(&header)) {
                found[i] = Some((pos, header));
            }
        }
        let mut ok = true;
        for (c, f) in sheet.columns.iter().zip(&found) {
            let problem = |reason: String| Problem {
                sheet: sheet.name.into(),
                row: Some(row.number),
                column: Some(c.header.into()),
                letter: f.as_ref().map(|(pos, _)| column_letter(*pos)),
                value: None,
                reason,
            };
            match f {
                None if c.required => {
                    problems.push(problem(format!("缺少必填列“{}”;请按模板填写表头", c.header)));
                    ok = false;
                }
                Some((_, h)) if is_money(c) && unit(h).is_none() => {
                    problems.push(problem(format!(
                        "表头“{h}”须注明金额单位,写作“{}(元)”或“{}(万元)”",
                        c.label(),
                        c.label()
                    )));
                    ok = false;
                }
                _ => {}
            }
        }
        ok.then_some(Layout { sheet, found })
    }
}

impl Layout {
    /// A problem with the cell of template column `i` in `row`.
    fn problem_at(&self, row: &RawRow, i: usize, col: &Column, value: Option<String>, reason: String) -> Problem {
        let found = self.found[i].as_ref();
        Problem {
            sheet: self.sheet.name.into(),
            row: Some(row.number),
            column: Some(found.map_or_else(|| col.header.to_string(), |(_, h)| h.clone())),
            letter: found.map(|(pos, _)| column_letter(*pos)),
            value,
            reason,
        }
    }

    /// What the clerk typed in template column `i`: a money cell with its header's unit.
    fn typed(&self, row: &RawRow, i: usize) -> Option<String> {
        let (pos, header) = self.found[i].as_ref()?;
        let text = row.cells.get(*pos).and_then(Value::text)?;
        match unit(header) {
            Some(Unit::Wan) if is_money(&self.sheet.columns[i]) => Some(format!("{text} 万元")),
            Some(Unit::Yuan) if is_money(&self.sheet.columns[i]) => Some(format!("{text} 元")),
            _ => Some(text),
        }
    }
}

fn is_money(c: &Column) -> bool {
    c.header.contains("元)")
}

fn unit(header: &str) -> Option<Unit> {
    let inside = header.split(['(', '（']).nth(1)?;
    if inside.starts_with("万元") {
        Some(Unit::Wan)
    } else if inside.starts_with('元') {
        Some(Unit::Yuan)
    } else {
        None
    }
}

/// One data row being read: typed getters that note a problem and give `None`.
struct Fields<'a> {
    layout: &'a Layout,
    row: &'a RawRow,
    problems: Vec<Problem>,
}

impl<'a> Fields<'a> {
    fn column(&self, label: &str) -> (usize, &'static Column) {
        let i = self.layout.sheet.columns.iter().position(|c| c.label() == label).unwrap_or(0);
        (i, &self.layout.sheet.columns[i])
    }

    fn cell(&self, label: &str) -> (&'static Column, Option<String>, Value) {
        let (i, col) = self.column(label);
        match &self.layout.found[i] {
            Some((pos, header)) => {
                (col, Some(header.clone()), self.row.cells.get(*pos).cloned().unwrap_or(Value::Empty))
            }
            None => (col, None, Value::Empty),
        }
    }

    fn problem(&mut self, label: &str, value: Option<String>, reason: String) {
        let (i, col) = self.column(label);
        self.problems.push(self.layout.problem_at(self.row, i, col, value, reason));
    }

    /// The raw text of a cell, `None` when empty; a required empty cell is a problem.
    fn text(&mut self, label: &str) -> Option<String> {
        let (col, _, value) = self.cell(label);
        let text = value.text();
        if text.is_none() && col.required {
            self.problem(label, None, "必填,不能为空".into());
        }
        text
    }

    fn required(&mut self, label: &str) -> String {
        self.text(label).unwrap_or_default()
    }

    /// A cell's text parsed, or a problem naming the cell with `reason(text)`.
    fn parsed<T>(
        &mut self,
        label: &str,
        parse: impl Fn(&str) -> Option<T>,
        reason: impl Fn(&str) -> String,
    ) -> Option<T> {
        let text = self.text(label)?;
        let value = parse(&text);
        if value.is_none() {
            self.problem(label, self.typed(label), reason(&text));
        }
        value
    }

    fn decimal(&mut self, label: &str) -> Option<Decimal> {
        let parse = |text: &str| {
            let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | ' ' | '%' | '¥' | '，')).collect();
            Decimal::from_str(&cleaned).or_else(|_| Decimal::from_scientific(&cleaned)).ok()
        };
        self.parsed(label, parse, |t| format!("“{t}”不是数字"))
    }

    /// An amount in yuan, converted exactly from the header's unit.
    fn money(&mut self, label: &str) -> Option<Money> {
        let value = self.decimal(label)?;
        let (_, header, _) = self.cell(label);
        let wan = header.as_deref().and_then(unit) == Some(Unit::Wan);
        let yuan = if wan { value * Decimal::from(10_000) } else { value };
        match Money::from_decimal(yuan) {
            Ok(m) => Some(m),
            Err(_) if yuan.normalize().scale() > 2 => {
                let shown =
                    if wan { format!("{value} 万元 = {} 元", yuan.normalize()) } else { format!("{value} 元") };
                self.problem(label, self.typed(label), format!("{shown},精确不到分:金额最多两位小数(元)"));
                None
            }
            Err(e) => {
                self.problem(label, self.typed(label), e.to_string());
                None
            }
        }
    }

    fn date(&mut self, label: &str) -> Option<NaiveDate> {
        if let (_, _, Value::Date(d)) = self.cell(label) {
            return Some(d);
        }
        let parse = |text: &str| NaiveDate::parse_from_str(&text.replace(['/', '.'], "-"), "%Y-%m-%d").ok();
        self.parsed(label, parse, |t| format!("“{t}”不是日期;请写作 YYYY-MM-DD,如 2023-06-30"))
    }

    fn integer(&mut self, label: &str) -> Option<i32> {
        use rust_decimal::prelude::ToPrimitive;
        let parse = |text: &str| Decimal::from_str(text.trim()).ok().filter(|d| d.fract().is_zero())?.to_i32();
        self.parsed(label, parse, |t| format!("“{t}”不是整数"))
    }

    /// A month `YYYY-MM`, also when typed as a date.
    fn month(&mut self, label: &str) -> Option<String> {
        let (_, _, value) = self.cell(label);
        match value {
            Value::Date(d) => Some(d.format("%Y-%m").to_string()),
            _ => self.text(label),
        }
    }

    /// The cell as typed, a money cell with its header's unit.
    fn typed(&self, label: &str) -> Option<String> {
        let (i, _) = self.column(label);
        self.layout.typed(self.row, i)
    }

    /// Every cell of the row in template order: what its content hash is made of.
    fn canonical(&self) -> String {
        let mut out = String::new();
        for i in 0..self.layout.sheet.columns.len() {
            if let Some((pos, _)) = &self.layout.found[i] {
                out.push_str(&self.row.cells.get(*pos).and_then(Value::text).unwrap_or_default());
            }
            out.push('\u{1f}');
        }
        out
    }
}

fn key_of(sheet: &str, content: &str) -> String {
    hex::encode(Sha256::new().chain_update(sheet).chain_update([0u8]).chain_update(content).finalize())
}

/// A row of a ledger sheet, read.
enum Record {
    Allocation(AllocationInput),
    Receipt(ReceiptInput),
    Disbursement(DisbursementInput),
    Progress(ProgressInput),
    Revenue(RevenueInput),
    SelfEvaluation(crate::results::SelfEvaluationInput),
}

/// A group of rows applied together (a target declaration, a department table, a forecast).
struct Group {
    first_row: u32,
    rows: Vec<RawRow>,
}

/// What an import keeps while it runs.
struct Run<'a> {
    ctx: &'a Ctx,
    caller: &'a Caller,
    txn: DatabaseTransaction,
    report: ImportReport,
    known_keys: HashSet<String>,
    /// Keys seen in this file, with their row: an identical second row is a problem.
    file_keys: HashMap<String, u32>,
    new_keys: Vec<imported_row::ActiveModel>,
    /// Groups of the sheet being read, in the order they first appear.
    groups: Vec<Group>,
    group_index: HashMap<String, usize>,
    touched_projects: BTreeSet<i64>,
    touched_departments: BTreeSet<i64>,
    /// A database error ends the run: on PostgreSQL the transaction is unusable after it.
    broken: bool,
    /// The caller may not import the current sheet: its rows are not read.
    broken_sheet: bool,
    /// Where the problems of the row being read begin in `report.problems`.
    row_start: usize,
    /// Allocations without a date, held until the receipts are read: one is dated by
    /// the first receipt of its bond and project in the same workbook, else today.
    undated: Vec<(RawRow, AllocationInput)>,
    /// The layout of the allocation sheet, for the problems of the held allocations.
    allocation_layout: Option<Layout>,
}

/// Rows written to `imported_rows` per statement.
const KEY_BATCH: usize = 500;

pub async fn import(ctx: &Ctx, caller: &Caller, source: Source, options: ImportOptions<'_>) -> Result<ImportReport> {
    let mut rx = start_reading(source)?;
    let txn = begin_write(&ctx.db).await?;
    let mut run = Run {
        ctx,
        caller,
        txn,
        report: ImportReport::default(),
        known_keys: HashSet::new(),
        file_keys: HashMap::new(),
        new_keys: Vec::new(),
        groups: Vec::new(),
        group_index: HashMap::new(),
        touched_projects: BTreeSet::new(),
        touched_departments: BTreeSet::new(),
        broken: false,
        broken_sheet: false,
        row_start: 0,
        undated: Vec::new(),
        allocation_layout: None,
    };
    let mut layout: Option<Layout> = None;
    let mut header_seen = false;
    let mut sheets_read = 0;
    while let Some(item) = rx.recv().await {
        match item {
            Item::Failed(reason) => {
                run.report.problems.push(Problem {
                    sheet: String::new(),
                    row: None,
                    column: None,
                    letter: None,
                    value: None,
                    reason,
                });
                break;
            }
            Item::SheetEnd(sheet) => {
                sheets_read += 1;
                if let Some(l) = &layout {
                    run.finish_sheet(l).await?;
                }
                match sheet.name {
                    "分配" => run.allocation_layout = layout.take(),
                    "到账" if !run.broken => run.allocate_undated().await?,
                    _ => {}
                }
                (options.progress)(sheet.name, run.report.rows);
                layout = None;
                header_seen = false;
            }
            Item::Row(row) if !header_seen => {
                header_seen = true;
                let sheet = row.sheet;
                layout = Layout::read(sheet, &row, &mut run.report.problems);
                if layout.is_some() {
                    run.start_sheet(sheet).await?;
                }
            }
            Item::Row(row) => {
                run.report.rows += 1;
                if run.report.rows.is_multiple_of(1000) {
                    (options.progress)(row.sheet.name, run.report.rows);
                }
                match &layout {
                    Some(l) if !run.broken => run.row(l, row).await?,
                    _ => {}
                }
            }
        }
    }
    if sheets_read == 0 && run.report.problems.is_empty() {
        let names: Vec<&str> = SHEETS.iter().map(|s| s.name).collect();
        run.report.problems.push(Problem {
            sheet: String::new(),
            row: None,
            column: None,
            letter: None,
            value: None,
            reason: format!("工作簿中没有模板的工作表({});请用 bondwatch template 生成的模板", names.join("、")),
        });
    }
    if !run.broken {
        run.allocate_undated().await?;
        run.flush_keys().await?;
        run.checks().await?;
    }
    let Run { txn, mut report, .. } = run;
    report.ok = report.problems.is_empty();
    if report.ok && !options.dry_run {
        txn.commit().await?;
        report.written = true;
    } else {
        txn.rollback().await?;
        report.checks.iter_mut().for_each(|a| a.id = 0);
    }
    Ok(report)
}

/// The template column a service's error field names (`input.projects[2].totalBudget`).
fn column_of(sheet: &Sheet, field: &str) -> Option<usize> {
    let last = field.rsplit('.').next().unwrap_or(field);
    let last = last.split('[').next().unwrap_or(last);
    sheet.columns.iter().position(|c| c.field == last)
}

impl Run<'_> {
    async fn start_sheet(&mut self, sheet: &'static Sheet) -> Result<()> {
        self.known_keys = imported_row::Entity::find()
            .select_only()
            .column(imported_row::Column::RowKey)
            .filter(imported_row::Column::Sheet.eq(sheet.name))
            .into_tuple::<String>()
            .all(&self.txn)
            .await?
            .into_iter()
            .collect();
        self.file_keys.clear();
        self.broken_sheet = false;
        // Sheets after the receipts may need every allocation.
        if !matches!(sheet.name, "分配" | "到账") && !self.broken {
            self.allocate_undated().await?;
        }
        if sheet.admin_only && self.caller.role != Role::Admin {
            self.problem(sheet, None, None, None, "只有债务管理部门(ADMIN)可以导入此表".into());
            self.broken_sheet = true;
        }
        Ok(())
    }

    fn problem(
        &mut self,
        sheet: &Sheet,
        row: Option<u32>,
        column: Option<&str>,
        value: Option<String>,
        reason: String,
    ) {
        self.report.problems.push(Problem {
            sheet: sheet.name.into(),
            row,
            column: column.map(str::to_string),
            letter: None,
            value,
            reason,
        });
    }

    /// A service refused the row: a problem for each of its reasons, naming the column
    /// its field maps to with what was typed there — but none for a cell already
    /// reported as unreadable in this row (the service saw a blank in its place).
    fn refused(&mut self, layout: &Layout, row: &RawRow, err: Error) -> Result<()> {
        let sheet = layout.sheet;
        for e in err.into_each() {
            if let Error::Database(_) | Error::Internal(_) = e {
                self.broken = true;
            }
            let column = e.field().and_then(|f| column_of(sheet, f));
            let problem = match column {
                Some(i) => layout.problem_at(row, i, &sheet.columns[i], layout.typed(row, i), e.to_string()),
                None => Problem {
                    sheet: sheet.name.into(),
                    row: Some(row.number),
                    column: None,
                    letter: None,
                    value: None,
                    reason: e.to_string(),
                },
            };
            let seen = |p: &Problem| p.row == problem.row && p.sheet == problem.sheet && p.column == problem.column;
            if problem.column.is_some() && self.report.problems[self.row_start..].iter().any(seen) {
                continue;
            }
            self.report.problems.push(problem);
        }
        Ok(())
    }

    /// Notes the content key of `rows` rows from `row` on; false when an earlier
    /// import (or row) has it.
    fn fresh(&mut self, sheet: &Sheet, row: u32, rows: usize, key: String) -> bool {
        if self.known_keys.contains(&key) {
            self.report.unchanged += rows;
            return false;
        }
        if let Some(first) = self.file_keys.get(&key) {
            let reason = format!("与第 {first} 行完全相同;同一笔只填一次,确为两笔请填写凭证号或说明以区分");
            self.problem(sheet, Some(row), None, None, reason);
            return false;
        }
        self.file_keys.insert(key.clone(), row);
        self.new_keys.push(imported_row::ActiveModel {
            id: NotSet,
            row_key: Set(key),
            sheet: Set(sheet.name.into()),
            imported_at: Set(self.ctx.clock.now()),
        });
        true
    }

    async fn flush_keys(&mut self) -> Result<()> {
        while !self.new_keys.is_empty() {
            let take = self.new_keys.len().min(KEY_BATCH);
            let batch: Vec<_> = self.new_keys.drain(..take).collect();
            imported_row::Entity::insert_many(batch).exec_without_returning(&self.txn).await?;
        }
        Ok(())
    }

    async fn row(&mut self, layout: &Layout, row: RawRow) -> Result<()> {
        let sheet = layout.sheet;
        if self.broken_sheet {
            return Ok(());
        }
        match sheet.name {
            "部门" | "项目" | "债券" => self.entity_row(layout, &row).await?,
            "绩效目标" | "部门整体支出" | "收益预测" => {
                let fields = Fields { layout, row: &row, problems: Vec::new() };
                let group = group_key(sheet, &fields);
                match self.group_index.get(&group) {
                    Some(&i) => self.groups[i].rows.push(row),
                    None => {
                        self.group_index.insert(group, self.groups.len());
                        self.groups.push(Group { first_row: row.number, rows: vec![row] });
                    }
                }
            }
            _ => self.record_row(layout, &row).await?,
        }
        if self.new_keys.len() >= KEY_BATCH {
            self.flush_keys().await?;
        }
        Ok(())
    }
}

/// The row of a declaration or forecast an error's field is about, one row each
/// (`input.indicators[3].target`: the fourth).
fn group_row(field: &str) -> Option<usize> {
    let (_, rest) = field.split_once("indicators[").or_else(|| field.split_once("years["))?;
    rest.split(']').next()?.parse().ok()
}

/// The group a row of a grouped sheet belongs to.
fn group_key(sheet: &Sheet, f: &Fields<'_>) -> String {
    let cell = |label: &str| f.cell(label).2.text().unwrap_or_default();
    match sheet.name {
        "绩效目标" => [cell("项目编码"), cell("部门编码"), cell("目标类型"), cell("年度")].join("\u{1f}"),
        "部门整体支出" => [cell("部门编码"), cell("年度")].join("\u{1f}"),
        _ => cell("项目编码"),
    }
}

/// A code as the clerk writes it: its label, the label without the suffix the
/// template's note leaves off (普通专项 for 普通专项债券), or the code.
fn code_of<T: Copy>(text: &str, all: &[T], label: fn(T) -> &'static str, code: fn(T) -> &'static str) -> Option<T> {
    let t = text.trim();
    let short = |l: &'static str| ["债券", "目标"].iter().fold(l, |l, s| l.strip_suffix(s).unwrap_or(l));
    let plain = |l: &str| l.trim_start_matches(['按', '每']).to_string();
    all.iter().copied().find(|&v| {
        let l = label(v);
        [l, short(l)].contains(&t) || plain(l) == plain(t) || code(v) == t || (l.starts_with("再融资") && t == "再融资")
    })
}

impl Fields<'_> {
    /// A coded cell read by its label; a problem listing the labels otherwise.
    fn coded<T: Copy>(
        &mut self,
        column: &str,
        all: &[T],
        label: fn(T) -> &'static str,
        code: fn(T) -> &'static str,
    ) -> Option<&'static str> {
        let labels: Vec<&str> = all.iter().map(|&v| label(v)).collect();
        let reason = |t: &str| format!("“{t}”不是可选的{column};请填写 {}", labels.join("、"));
        self.parsed(column, |t| code_of(t, all, label, code).map(code), reason)
    }
}

/// `3:10;4:10;5:80`: bond year and percent of face, full-width separators accepted.
fn amortization(text: &str) -> std::result::Result<Vec<AmortizationInput>, String> {
    text.split([';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (year, percent) = part.split_once([':', '：']).ok_or_else(|| format!("“{part}”应写作 年度:比例"))?;
            Ok(AmortizationInput {
                year: year.trim().parse().map_err(|_| format!("“{year}”不是债券年度"))?,
                percent_of_face: Decimal::from_str(percent.trim().trim_end_matches('%'))
                    .map_err(|_| format!("“{percent}”不是比例"))?,
            })
        })
        .collect()
}

impl Run<'_> {
    /// The row's cell problems noted; true when there were none.
    fn take(&mut self, f: Fields<'_>) -> bool {
        self.row_start = self.report.problems.len();
        let clean = f.problems.is_empty();
        self.report.problems.extend(f.problems);
        clean
    }

    async fn entity_row(&mut self, layout: &Layout, row: &RawRow) -> Result<()> {
        let sheet = layout.sheet;
        let mut f = Fields { layout, row, problems: Vec::new() };
        let number = row.number;
        match sheet.name {
            "部门" => {
                let (code, name) = (f.required("部门编码"), f.required("部门名称"));
                if !self.take(f) {
                    return Ok(());
                }
                let found =
                    department::Entity::find().filter(department::Column::Code.eq(code.trim())).one(&self.txn).await?;
                match found {
                    Some(d) if d.name == name.trim() => {
                        self.report.unchanged += 1;
                        self.touched_departments.insert(d.id);
                    }
                    Some(d) => {
                        let reason = format!("部门编码 {code} 已存在,名称为“{}”;导入不修改已有部门", d.name);
                        self.problem(sheet, Some(number), Some("部门名称"), Some(name), reason);
                    }
                    None => {
                        let input = DepartmentInput { code, name };
                        match crate::ledger::departments::create_department_in(&self.txn, self.ctx, self.caller, input)
                            .await
                        {
                            Ok(d) => {
                                self.touched_departments.insert(d.id);
                            }
                            Err(e) => self.refused(layout, row, e)?,
                        }
                    }
                }
            }
            "项目" => {
                let code = f.required("项目编码");
                let department_code = f.required("主管部门编码");
                let approved = f.money("批复概算");
                let facts = ProjectFacts {
                    name: Some(f.required("项目名称")),
                    executing_unit: Some(f.required("项目单位")),
                    category: Some(f.required("项目类型")),
                    construction_content: f.text("建设内容"),
                    planned_start: f.date("计划开工日期"),
                    planned_completion: f.date("计划完工日期"),
                    current_estimate: f.money("当前估算"),
                    planned_bond_funding: f.money("计划专项债资金"),
                    capital_fund: f.money("资本金"),
                    own_funds: f.money("自有资金"),
                    other_funding: f.money("其他融资"),
                    revenue_start: f.date("收益期起"),
                    revenue_end: f.date("收益期止"),
                    maturity_documents: f.text("成熟度要件").map(|t| {
                        t.split(['、', ',', '，', ';', '；'])
                            .map(str::trim)
                            .filter(|d| !d.is_empty())
                            .map(String::from)
                            .collect()
                    }),
                };
                // On with the cells that could be read: the service's checks of the
                // others (category, date order, documents) are reported in the same pass.
                // A cell that could not be read is left out, so it raises nothing twice;
                // and with any problem nothing is written.
                self.take(f);
                let approved = approved.unwrap_or(Money::ZERO);
                let found =
                    project::Entity::find().filter(project::Column::Code.eq(code.trim())).one(&self.txn).await?;
                if let Some(p) = found {
                    let dept = department::Entity::find()
                        .filter(department::Column::Code.eq(department_code.trim()))
                        .one(&self.txn)
                        .await?;
                    let mut differs = Vec::new();
                    if Some(p.name.as_str()) != facts.name.as_deref().map(str::trim) {
                        differs.push("项目名称");
                    }
                    if Some(p.department_id) != dept.map(|d| d.id) {
                        differs.push("主管部门编码");
                    }
                    if p.approved_investment != approved {
                        differs.push("批复概算");
                    }
                    if differs.is_empty() {
                        self.report.unchanged += 1;
                        self.touched_projects.insert(p.id);
                    } else {
                        let reason = format!(
                            "项目 {code} 已存在,{}与系统中不同;导入不修改已有项目,请用 updateProject 修改",
                            differs.join("、")
                        );
                        self.problem(sheet, Some(number), Some(differs[0]), None, reason);
                    }
                    return Ok(());
                }
                let input = ProjectInput { code, department_code, approved_investment: approved, facts };
                match crate::ledger::projects::create_project_in(&self.txn, self.ctx, self.caller, input).await {
                    Ok(p) => {
                        self.touched_projects.insert(p.id);
                    }
                    Err(e) => self.refused(layout, row, e)?,
                }
            }
            _ => {
                let code = f.required("债券编码");
                let name = f.required("债券名称");
                let kind =
                    f.coded("债券种类", BondKind::ALL, BondKind::label, BondKind::as_str).unwrap_or_default().into();
                let issue_date = f.date("发行日期");
                let value_date = f.date("起息日期");
                let term_years = f.integer("期限");
                let coupon = f.decimal("票面利率");
                let face = f.money("发行金额");
                let interest_frequency = f
                    .coded("付息频率", InterestFrequency::ALL, InterestFrequency::label, InterestFrequency::as_str)
                    .map(String::from);
                let schedule = f.text("分期还本").unwrap_or_default();
                let amortization = match amortization(&schedule) {
                    Ok(a) => a,
                    Err(reason) => {
                        f.problem("分期还本", Some(schedule.clone()), reason);
                        Vec::new()
                    }
                };
                if !self.take(f) {
                    return Ok(());
                }
                let found = bond::Entity::find().filter(bond::Column::Code.eq(code.trim())).one(&self.txn).await?;
                if let Some(b) = found {
                    if b.name == name.trim() && Some(b.face_amount) == face && Some(b.issue_date) == issue_date {
                        self.report.unchanged += 1;
                    } else {
                        let reason =
                            format!("债券 {code} 已存在,名称、发行金额或发行日期与系统中不同;导入不修改已有债券");
                        self.problem(sheet, Some(number), None, None, reason);
                    }
                    return Ok(());
                }
                let input = BondInput {
                    code,
                    name,
                    kind,
                    issue_date: issue_date.unwrap_or_default(),
                    value_date,
                    term_years: term_years.unwrap_or_default(),
                    coupon_rate_percent: coupon.unwrap_or_default(),
                    face_amount: face.unwrap_or(Money::ZERO),
                    interest_frequency,
                    amortization,
                };
                if let Err(e) = crate::ledger::bonds::create_bond_in(&self.txn, self.ctx, self.caller, input).await {
                    self.refused(layout, row, e)?;
                }
            }
        }
        Ok(())
    }

    /// A row of a ledger sheet: one record each.
    async fn record_row(&mut self, layout: &Layout, row: &RawRow) -> Result<()> {
        use crate::ledger::{funding, records};
        let sheet = layout.sheet;
        let number = row.number;
        let mut f = Fields { layout, row, problems: Vec::new() };
        let key = key_of(sheet.name, &f.canonical());
        let record = match sheet.name {
            "分配" => Record::Allocation(AllocationInput {
                bond_code: f.required("债券编码"),
                project_code: f.required("项目编码"),
                amount: f.money("分配金额").unwrap_or(Money::ZERO),
                allocated_on: f.date("分配日期"),
                received_on: None,
            }),
            "到账" => Record::Receipt(ReceiptInput {
                bond_code: f.required("债券编码"),
                project_code: f.required("项目编码"),
                amount: f.money("到账金额").unwrap_or(Money::ZERO),
                received_on: f.date("到账日期").unwrap_or_default(),
            }),
            "支出" => Record::Disbursement(DisbursementInput {
                project_code: f.required("项目编码"),
                bond_code: f.text("债券编码"),
                kind: f
                    .coded("类型", DisbursementKind::ALL, DisbursementKind::label, DisbursementKind::as_str)
                    .unwrap_or_default()
                    .into(),
                paid_on: f.date("日期").unwrap_or_default(),
                amount: f.money("金额").unwrap_or(Money::ZERO),
                payee: f.required("收款单位"),
                economic_class: f.required("支出经济分类"),
                voucher_no: f.text("凭证号"),
            }),
            "进度" => Record::Progress(ProgressInput {
                project_code: f.required("项目编码"),
                period: f.month("月份").unwrap_or_default(),
                planned_percent: f.decimal("计划进度").map(|d| d.normalize().to_string()).unwrap_or_default(),
                actual_percent: f.decimal("实际进度").map(|d| d.normalize().to_string()).unwrap_or_default(),
                submitted_on: f.date("报送日期"),
                note: f.text("说明"),
            }),
            "自评" => {
                let mut score = |label: &str| f.decimal(label).map(|d| d.normalize().to_string());
                let total_score = score("自评总分").unwrap_or_default();
                let parts = ["预算执行率得分", "产出得分", "效益得分", "满意度得分"].map(&mut score);
                Record::SelfEvaluation(crate::results::SelfEvaluationInput {
                    project_code: f.required("项目编码"),
                    year: f.integer("年度").unwrap_or_default(),
                    total_score,
                    parts,
                    note: f.text("说明"),
                    submitted_on: f.date("自评日期"),
                })
            }
            _ => Record::Revenue(RevenueInput {
                project_code: f.required("项目编码"),
                period: f.month("月份").unwrap_or_default(),
                source: f.required("收益来源"),
                collected: f.money("收取金额").unwrap_or(Money::ZERO),
                transferred: f.money("转入专户金额").unwrap_or(Money::ZERO),
                collected_on: f.date("收取日期"),
                transferred_on: f.date("转入日期"),
            }),
        };
        if !self.take(f) || !self.fresh(sheet, number, 1, key) {
            return Ok(());
        }
        let record = match record {
            Record::Allocation(input) if input.allocated_on.is_none() => {
                self.undated.push((row.clone(), input));
                return Ok(());
            }
            Record::Receipt(receipt) => {
                self.date_allocations(&receipt).await?;
                Record::Receipt(receipt)
            }
            other => other,
        };
        let (txn, ctx, caller) = (&self.txn, self.ctx, self.caller);
        let result = match record {
            Record::Allocation(input) => funding::allocate_bond_in(txn, ctx, caller, input).await.map(|_| ()),
            Record::Receipt(input) => funding::record_receipt_in(txn, ctx, caller, input).await.map(|_| ()),
            Record::Disbursement(input) => {
                records::record_disbursement_in(txn, ctx, caller, input, None).await.map(|_| ())
            }
            Record::Progress(input) => records::record_progress_in(txn, ctx, caller, input).await.map(|_| ()),
            Record::Revenue(input) => records::record_revenue_in(txn, ctx, caller, input, None).await.map(|_| ()),
            Record::SelfEvaluation(input) => {
                crate::results::submit_self_evaluation_in(txn, ctx, caller, input).await.map(|_| ())
            }
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) => self.refused(layout, row, e),
        }
    }

    /// The held allocations of the receipt's bond and project, dated by the receipt;
    /// their problems are the allocation sheet's rows.
    async fn date_allocations(&mut self, receipt: &ReceiptInput) -> Result<()> {
        let Some(layout) = self.allocation_layout.clone() else { return Ok(()) };
        let same = |a: &AllocationInput| {
            a.bond_code.trim() == receipt.bond_code.trim() && a.project_code.trim() == receipt.project_code.trim()
        };
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.undated).into_iter().partition(|(_, a)| same(a));
        self.undated = later;
        for (row, mut input) in now {
            input.allocated_on = Some(receipt.received_on);
            self.allocate(&layout, &row, input).await?;
        }
        Ok(())
    }

    /// The held allocations that no receipt dated: allocated today.
    async fn allocate_undated(&mut self) -> Result<()> {
        let Some(layout) = self.allocation_layout.clone() else { return Ok(()) };
        for (row, input) in std::mem::take(&mut self.undated) {
            self.allocate(&layout, &row, input).await?;
        }
        Ok(())
    }

    async fn allocate(&mut self, layout: &Layout, row: &RawRow, input: AllocationInput) -> Result<()> {
        match crate::ledger::funding::allocate_bond_in(&self.txn, self.ctx, self.caller, input).await {
            Ok(_) => Ok(()),
            Err(e) => self.refused(layout, row, e),
        }
    }

    /// Applies the grouped rows of a sheet once it has been read.
    async fn finish_sheet(&mut self, layout: &Layout) -> Result<()> {
        let groups = std::mem::take(&mut self.groups);
        self.group_index.clear();
        for group in groups {
            if self.broken {
                break;
            }
            self.apply_group(layout, group).await?;
        }
        self.flush_keys().await
    }

    async fn apply_group(&mut self, layout: &Layout, group: Group) -> Result<()> {
        let sheet = layout.sheet;
        let mut content = String::new();
        let mut rows = Vec::new();
        for row in &group.rows {
            let f = Fields { layout, row, problems: Vec::new() };
            content.push_str(&f.canonical());
            content.push('\u{1e}');
            rows.push(f);
        }
        let first = group.first_row;
        let record = match sheet.name {
            "收益预测" => read_forecast(&mut rows),
            "绩效目标" => read_target(&mut rows),
            _ => read_budget(&mut rows),
        };
        let problems: Vec<Problem> = rows.into_iter().flat_map(|f| f.problems).collect();
        if !problems.is_empty() {
            self.report.problems.extend(problems);
            return Ok(());
        }
        if !self.fresh(sheet, first, group.rows.len(), key_of(sheet.name, &content)) {
            return Ok(());
        }
        let (txn, ctx, caller) = (&self.txn, self.ctx, self.caller);
        let touched = match record {
            GroupRecord::Forecast(code, years) => {
                crate::ledger::projects::set_revenue_forecast_in(txn, ctx, caller, &code, years)
                    .await
                    .map(|_| (None, None))
            }
            GroupRecord::Target(input) => crate::targets::declare_target_in(txn, ctx, caller, input)
                .await
                .map(|t| (t.project_id, t.department_id)),
            GroupRecord::Budget(input) => {
                crate::ledger::departments::record_department_budget_in(txn, ctx, caller, input)
                    .await
                    .map(|b| (None, Some(b.department_id)))
            }
        };
        match touched {
            Ok((project, department)) => {
                self.touched_projects.extend(project);
                self.touched_departments.extend(department);
                Ok(())
            }
            // A declaration's problem names the row of the indicator or year it is about.
            Err(e) => {
                let at = e.field().and_then(group_row).and_then(|i| group.rows.get(i)).unwrap_or(&group.rows[0]);
                self.refused(layout, at, e)
            }
        }
    }
}

/// The rows of a grouped sheet, read.
enum GroupRecord {
    Forecast(String, Vec<RevenueForecastInput>),
    Target(TargetInput),
    Budget(DepartmentBudgetInput),
}

/// A project's revenue forecast, a row a year.
fn read_forecast(rows: &mut [Fields<'_>]) -> GroupRecord {
    let code = rows[0].required("项目编码");
    let years = rows
        .iter_mut()
        .map(|f| RevenueForecastInput {
            year: f.integer("年度").unwrap_or_default(),
            revenue: f.money("收入").unwrap_or(Money::ZERO),
            operating_cost: f.money("运营成本").unwrap_or(Money::ZERO),
        })
        .collect();
    GroupRecord::Forecast(code, years)
}

/// One declaration of targets, an indicator a row.
fn read_target(rows: &mut [Fields<'_>]) -> GroupRecord {
    let f0 = &mut rows[0];
    let project_code = f0.text("项目编码");
    let department_code = f0.text("部门编码");
    let scope =
        f0.coded("目标类型", TargetScope::ALL, TargetScope::label, TargetScope::as_str).unwrap_or_default().into();
    let year = f0.integer("年度");
    if project_code.is_some() == department_code.is_some() {
        let value = project_code.clone().or(department_code.clone());
        f0.problem("项目编码", value, "项目编码与部门编码须填且只填一个".into());
    }
    let mut description = Vec::new();
    let mut indicators = Vec::new();
    for f in rows.iter_mut() {
        if let Some(d) = f.text("目标内容")
            && !description.contains(&d)
        {
            description.push(d);
        }
        indicators.push(IndicatorInput {
            level1: f.text("一级指标").unwrap_or_default(),
            level2: f.text("二级指标").unwrap_or_default(),
            name: f.text("三级指标").unwrap_or_default(),
            target_text: f.text("指标值").unwrap_or_default(),
            basis: f.text("指标值确定依据"),
            history: vec![f.text("前年"), f.text("上年")],
        });
    }
    GroupRecord::Target(TargetInput {
        project_code,
        department_code,
        scope,
        year,
        description: description.join("\n"),
        approved_on: None,
        indicators,
    })
}

/// A department's whole-expenditure table for a year.
fn read_budget(rows: &mut [Fields<'_>]) -> GroupRecord {
    let f0 = &mut rows[0];
    let department_code = f0.required("部门编码");
    let year = f0.integer("年度").unwrap_or_default();
    let mut input = DepartmentBudgetInput {
        department_code,
        year,
        income_total: Money::ZERO,
        income: Vec::new(),
        expenditure_total: Money::ZERO,
        expenditure: Vec::new(),
        projects: Vec::new(),
    };
    let (mut income_total, mut expenditure_total) = (None, None);
    for f in rows.iter_mut() {
        let section = f.required("部分");
        let label = f.required("名称");
        match section.trim() {
            "收入" | "支出" => {
                let amount = f.money("金额");
                let stated_percent = f.decimal("占比");
                let total = if section.trim() == "收入" { &mut income_total } else { &mut expenditure_total };
                if label.trim() == "合计" {
                    // A total the form leaves empty is the sum of its lines: nothing to check.
                    *total = amount;
                    continue;
                }
                let line = BudgetLineInput { label, amount: amount.unwrap_or(Money::ZERO), stated_percent };
                if section.trim() == "收入" { input.income.push(line) } else { input.expenditure.push(line) }
            }
            "项目" => input.projects.push(BudgetProjectLineInput {
                name: label,
                category: f.text("项目类别"),
                total_budget: f.money("项目总预算").unwrap_or(Money::ZERO),
                current_year_budget: f.money("项目本年预算").unwrap_or(Money::ZERO),
                purpose: f.text("用途"),
            }),
            other => f.problem("部分", Some(other.into()), "“部分”须为 收入、支出 或 项目".into()),
        }
    }
    let sum = |lines: &[BudgetLineInput]| lines.iter().map(|l| l.amount).sum::<Money>();
    input.income_total = income_total.unwrap_or_else(|| sum(&input.income));
    input.expenditure_total = expenditure_total.unwrap_or_else(|| sum(&input.expenditure));
    GroupRecord::Budget(input)
}

impl Run<'_> {
    /// The declaration checks of what the import touched, stored as alerts in its transaction.
    async fn checks(&mut self) -> Result<()> {
        use crate::monitoring::{facts, rules, store};
        if self.touched_projects.is_empty() && self.touched_departments.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = self.touched_projects.iter().copied().collect();
        let projects = project::Entity::find().filter(project::Column::Id.is_in(ids.clone())).all(&self.txn).await?;
        let (as_of, config) = (self.ctx.clock.today(), &self.ctx.rules);
        let mut findings: Vec<_> = facts::load_projects(&self.txn, &self.ctx.settings.debt, projects)
            .await?
            .iter()
            .flat_map(|f| rules::check_project(f, config, as_of))
            .collect();
        for d in facts::load_departments(&self.txn).await? {
            if self.touched_departments.contains(&d.department.id) {
                findings.extend(rules::evaluate_department(&d, config, as_of));
            }
        }
        let scope = Scope::Checks { projects: ids, departments: self.touched_departments.iter().copied().collect() };
        store::apply_in(&self.txn, &scope, findings, self.ctx.clock.now()).await?;
        self.report.checks = store::open_in(&self.txn, &scope).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_clerks_write_them() {
        let bond = |t: &str| code_of(t, BondKind::ALL, BondKind::label, BondKind::as_str);
        assert_eq!(bond("普通专项"), Some(BondKind::Special));
        assert_eq!(bond("项目收益专项债券"), Some(BondKind::ProjectRevenue));
        assert_eq!(bond("再融资"), Some(BondKind::Refinancing));
        assert_eq!(bond("专项"), None);
        let every = |t: &str| code_of(t, InterestFrequency::ALL, InterestFrequency::label, InterestFrequency::as_str);
        assert_eq!(
            [every("每半年"), every("年"), every("按年")].map(|f| f.map(|f| f.as_str())),
            [Some("SEMI_ANNUAL"), Some("ANNUAL"), Some("ANNUAL")]
        );
        let scope = |t: &str| code_of(t, TargetScope::ALL, TargetScope::label, TargetScope::as_str);
        assert_eq!(scope("长期"), Some(TargetScope::LongTerm));
        assert_eq!(code_of("付款", DisbursementKind::ALL, DisbursementKind::label, DisbursementKind::as_str), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }
}
