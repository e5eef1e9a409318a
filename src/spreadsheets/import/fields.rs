//! Where a sheet's columns are in the file, and a data row's cells read by their
//! template column: typed getters that note a problem and give `None`.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::read::{RawRow, Value};
use super::{Problem, column_letter};
use crate::db::Money;
use crate::spreadsheets::template::{Column, Sheet, label_of};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Yuan,
    Wan,
}

/// Where a sheet's columns are in this file, and their units.
#[derive(Clone)]
pub(super) struct Layout {
    pub(super) sheet: &'static Sheet,
    /// Per template column: its position in the file and its header there.
    found: Vec<Option<(usize, String)>>,
}

impl Layout {
    pub(super) fn read(sheet: &'static Sheet, row: &RawRow, problems: &mut Vec<Problem>) -> Option<Layout> {
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
    pub(super) fn problem_at(
        &self,
        row: &RawRow,
        i: usize,
        col: &Column,
        value: Option<String>,
        reason: String,
    ) -> Problem {
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
    pub(super) fn typed(&self, row: &RawRow, i: usize) -> Option<String> {
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
pub(super) struct Fields<'a> {
    pub(super) layout: &'a Layout,
    pub(super) row: &'a RawRow,
    pub(super) problems: Vec<Problem>,
}

impl<'a> Fields<'a> {
    fn column(&self, label: &str) -> (usize, &'static Column) {
        let i = self.layout.sheet.columns.iter().position(|c| c.label() == label).unwrap_or(0);
        (i, &self.layout.sheet.columns[i])
    }

    pub(super) fn cell(&self, label: &str) -> (&'static Column, Option<String>, Value) {
        let (i, col) = self.column(label);
        match &self.layout.found[i] {
            Some((pos, header)) => {
                (col, Some(header.clone()), self.row.cells.get(*pos).cloned().unwrap_or(Value::Empty))
            }
            None => (col, None, Value::Empty),
        }
    }

    pub(super) fn problem(&mut self, label: &str, value: Option<String>, reason: String) {
        let (i, col) = self.column(label);
        self.problems.push(self.layout.problem_at(self.row, i, col, value, reason));
    }

    /// The raw text of a cell, `None` when empty; a required empty cell is a problem.
    pub(super) fn text(&mut self, label: &str) -> Option<String> {
        let (col, _, value) = self.cell(label);
        let text = value.text();
        if text.is_none() && col.required {
            self.problem(label, None, "必填,不能为空".into());
        }
        text
    }

    pub(super) fn required(&mut self, label: &str) -> String {
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

    pub(super) fn decimal(&mut self, label: &str) -> Option<Decimal> {
        let parse = |text: &str| {
            let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | ' ' | '%' | '¥' | '，')).collect();
            Decimal::from_str(&cleaned).or_else(|_| Decimal::from_scientific(&cleaned)).ok()
        };
        self.parsed(label, parse, |t| format!("“{t}”不是数字"))
    }

    /// An amount in yuan, converted exactly from the header's unit.
    pub(super) fn money(&mut self, label: &str) -> Option<Money> {
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

    pub(super) fn date(&mut self, label: &str) -> Option<NaiveDate> {
        if let (_, _, Value::Date(d)) = self.cell(label) {
            return Some(d);
        }
        let parse = |text: &str| NaiveDate::parse_from_str(&text.replace(['/', '.'], "-"), "%Y-%m-%d").ok();
        self.parsed(label, parse, |t| format!("“{t}”不是日期;请写作 YYYY-MM-DD,如 2023-06-30"))
    }

    pub(super) fn integer(&mut self, label: &str) -> Option<i32> {
        use rust_decimal::prelude::ToPrimitive;
        let parse = |text: &str| Decimal::from_str(text.trim()).ok().filter(|d| d.fract().is_zero())?.to_i32();
        self.parsed(label, parse, |t| format!("“{t}”不是整数"))
    }

    /// A month `YYYY-MM`, also when typed as a date.
    pub(super) fn month(&mut self, label: &str) -> Option<String> {
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
    pub(super) fn canonical(&self) -> String {
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

/// A code as the clerk writes it: its label, the label without the suffix the
/// template's note leaves off (普通专项 for 普通专项债券), or the code.
pub(super) fn code_of<T: Copy>(
    text: &str,
    all: &[T],
    label: fn(T) -> &'static str,
    code: fn(T) -> &'static str,
) -> Option<T> {
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
    pub(super) fn coded<T: Copy>(
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
