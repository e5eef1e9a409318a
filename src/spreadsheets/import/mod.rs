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

mod entities;
mod fields;
mod groups;
mod read;
mod records;
mod run;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use sea_orm::DatabaseTransaction;

use super::template::SHEETS;
use crate::Ctx;
use crate::base::Caller;
use crate::db::begin_write;
use crate::error::Result;
use crate::ledger::funding::AllocationInput;
use crate::monitoring::store::alert;
use fields::Layout;
use groups::Group;
use read::{Item, RawRow, start_reading};

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
    /// A problem of the workbook as a whole, or of a sheet or row with no column.
    pub(super) fn at(sheet: &str, row: Option<u32>, reason: String) -> Problem {
        Problem { sheet: sheet.into(), row, column: None, letter: None, value: None, reason }
    }

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

impl<'a> Run<'a> {
    /// A run with nothing read yet, writing in `txn`.
    fn new(ctx: &'a Ctx, caller: &'a Caller, txn: DatabaseTransaction) -> Run<'a> {
        Run {
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
        }
    }
}

pub async fn import(ctx: &Ctx, caller: &Caller, source: Source, options: ImportOptions<'_>) -> Result<ImportReport> {
    let mut rx = start_reading(source)?;
    let txn = begin_write(&ctx.db).await?;
    let mut run = Run::new(ctx, caller, txn);
    let mut layout: Option<Layout> = None;
    let mut header_seen = false;
    let mut sheets_read = 0;
    while let Some(item) = rx.recv().await {
        match item {
            Item::Failed(reason) => {
                run.report.problems.push(Problem::at("", None, reason));
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
        let reason = format!("工作簿中没有模板的工作表({});请用 bondwatch template 生成的模板", names.join("、"));
        run.report.problems.push(Problem::at("", None, reason));
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
