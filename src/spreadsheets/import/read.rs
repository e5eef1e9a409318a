//! The workbook reader: a blocking thread reads the template's sheets cell by cell
//! and hands each row over a bounded channel.

use std::io::{Read, Seek};

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use tokio::sync::mpsc;

use super::Source;
use crate::error::{Error, Result};
use crate::spreadsheets::template::{SHEETS, Sheet};

/// A cell as read.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
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

    pub(super) fn text(&self) -> Option<String> {
        match self {
            Value::Empty => None,
            Value::Text(t) | Value::Number(t) | Value::Invalid(t) => Some(t.clone()),
            Value::Date(d) => Some(d.to_string()),
        }
    }
}

/// A data or header row: its cells by position in the file.
#[derive(Clone)]
pub(super) struct RawRow {
    pub(super) sheet: &'static Sheet,
    /// 1-based, as the spreadsheet shows it.
    pub(super) number: u32,
    pub(super) cells: Vec<Value>,
}

/// What the reading thread hands over.
pub(super) enum Item {
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
pub(super) fn start_reading(source: Source) -> Result<mpsc::Receiver<Item>> {
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
