//! The plain document every report is built as — sections of paragraphs, tables and
//! charts — the pieces to build one with, and its rendering in either format.

use serde::Serialize;

use crate::Ctx;
use crate::error::Result;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Document {
    pub title: String,
    pub subtitle: String,
    /// The date it was made (office time).
    pub generated: String,
    /// A cover page of (label, value) lines; none when empty.
    pub cover: Vec<[String; 2]>,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Section {
    pub heading: String,
    /// 1 for a chapter (一、…), 2 for a part of one ((一)…).
    pub level: u8,
    pub paragraphs: Vec<String>,
    pub tables: Vec<TableBlock>,
    pub charts: Vec<Chart>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TableBlock {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per cell: a number, set right-aligned.
    pub numeric: Vec<Vec<bool>>,
}

/// A cell that holds a number: 1,234.56, -3.5, 12.00%, or a dash for none.
pub fn is_number(cell: &str) -> bool {
    let t = cell.trim().trim_end_matches(['%', '分', '倍']);
    !t.is_empty() && (t == "—" || t == "-" || t.replace(',', "").parse::<rust_decimal::Decimal>().is_ok())
}

/// A chart drawn by the renderer: bars grouped by label, or lines over the labels.
/// Values are drawing positions only; the figures a reader relies on are in the tables.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Chart {
    pub title: String,
    /// `bars` or `lines`.
    pub kind: &'static str,
    pub unit: String,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// Two amounts in 万元 as bars side by side for each label: principal and interest,
/// forecast and actual.
pub fn paired_bars(
    title: impl Into<String>,
    labels: Vec<String>,
    names: [&str; 2],
    values: impl IntoIterator<Item = (f64, f64)>,
) -> Chart {
    let (first, second): (Vec<f64>, Vec<f64>) = values.into_iter().unzip();
    Chart {
        title: title.into(),
        kind: "bars",
        unit: "万元".into(),
        labels,
        series: vec![Series { name: names[0].into(), values: first }, Series { name: names[1].into(), values: second }],
    }
}

/// The two formats a report is made in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// Numbers the tables (表1 …) and charts (图1 …) in reading order, as the sections
/// that are present fall.
fn numbered(mut doc: Document) -> Document {
    let (mut tables, mut charts) = (0, 0);
    for s in &mut doc.sections {
        for c in &mut s.charts {
            charts += 1;
            c.title = format!("图{charts} {}", c.title);
        }
        for t in &mut s.tables {
            tables += 1;
            t.caption = format!("表{tables} {}", t.caption);
        }
    }
    doc
}

/// Renders a report; the PDF is typeset on a blocking thread.
pub async fn render(ctx: &Ctx, doc: Document, format: Format) -> Result<Vec<u8>> {
    let doc = numbered(doc);
    match format {
        Format::Html => Ok(super::html::render(&doc).into_bytes()),
        Format::Pdf => {
            let font = ctx.settings.reports.font.clone();
            tokio::task::spawn_blocking(move || super::pdf::render(&doc, font.as_deref()))
                .await
                .map_err(|e| crate::error::Error::Internal(format!("the typesetter stopped: {e}")))?
        }
    }
}

pub(super) fn table(caption: &str, headers: &[&str], rows: Vec<Vec<String>>) -> TableBlock {
    let numeric = rows.iter().map(|r| r.iter().map(|c| is_number(c)).collect()).collect();
    TableBlock { caption: caption.into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows, numeric }
}

pub(super) fn section(heading: &str) -> Section {
    Section { heading: heading.into(), level: 1, ..Section::default() }
}

/// A section made for one report, set as a part of another's chapter.
pub(super) fn part(mut s: Section, heading: &str) -> Section {
    s.heading = heading.into();
    s.level = 2;
    s
}
