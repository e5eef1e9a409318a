//! What a workbook import reports.

use async_graphql::Object;

use super::Alert;

/// What an import did or, on a dry run, would do.
pub struct ImportReport(pub crate::spreadsheets::import::ImportReport);

#[Object]
impl ImportReport {
    /// No problem was found.
    async fn ok(&self) -> bool {
        self.0.ok
    }
    /// The workbook was written (false on a dry run or with problems).
    async fn written(&self) -> bool {
        self.0.written
    }
    /// Data rows read.
    async fn rows(&self) -> i32 {
        self.0.rows as i32
    }
    async fn problems(&self) -> Vec<ImportProblem> {
        self.0.problems.iter().cloned().map(ImportProblem).collect()
    }
    /// Failed declaration checks (C1–C5) of what the import touched, stored as alerts
    /// when the import was written.
    async fn checks(&self) -> Vec<Alert> {
        self.0.checks.iter().cloned().map(Alert).collect()
    }
}

pub struct ImportProblem(pub crate::spreadsheets::import::Problem);

#[Object]
impl ImportProblem {
    async fn sheet(&self) -> &str {
        &self.0.sheet
    }
    /// The row as the spreadsheet numbers it (the header is row 1).
    async fn row(&self) -> Option<i32> {
        self.0.row.map(|r| r as i32)
    }
    /// The column's header.
    async fn column(&self) -> Option<&str> {
        self.0.column.as_deref()
    }
    /// The column's letter in the uploaded file (`C`), when the column is there.
    async fn column_letter(&self) -> Option<&str> {
        self.0.letter.as_deref()
    }
    /// The cell as typed, money in its header's unit (`2000 万元`).
    async fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
}
