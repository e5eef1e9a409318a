//! What a run does for every sheet and row: the content keys of what was imported,
//! the problems of a row or of a service's refusal, a row sent to its sheet's
//! reading, and the declaration checks at the end.

use sea_orm::{ColumnTrait, EntityTrait, NotSet, QueryFilter, QuerySelect, Set};
use sha2::{Digest, Sha256};

use super::fields::{Fields, Layout};
use super::groups::{Group, group_key};
use super::read::RawRow;
use super::{KEY_BATCH, Problem, Run, imported_row};
use crate::base::Role;
use crate::error::{Error, Result};
use crate::ledger::entities::project;
use crate::monitoring::store::Scope;
use crate::spreadsheets::template::Sheet;

/// The content key of a row (or group of rows) of a sheet.
pub(super) fn key_of(sheet: &str, content: &str) -> String {
    hex::encode(Sha256::new().chain_update(sheet).chain_update([0u8]).chain_update(content).finalize())
}

/// The template column a service's error field names (`input.projects[2].totalBudget`).
fn column_of(sheet: &Sheet, field: &str) -> Option<usize> {
    let last = field.rsplit('.').next().unwrap_or(field);
    let last = last.split('[').next().unwrap_or(last);
    sheet.columns.iter().position(|c| c.field == last)
}

impl Run<'_> {
    pub(super) async fn start_sheet(&mut self, sheet: &'static Sheet) -> Result<()> {
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

    pub(super) fn problem(
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
    pub(super) fn refused(&mut self, layout: &Layout, row: &RawRow, err: Error) -> Result<()> {
        let sheet = layout.sheet;
        for e in err.into_each() {
            if let Error::Database(_) | Error::Internal(_) = e {
                self.broken = true;
            }
            let column = e.field().and_then(|f| column_of(sheet, f));
            let problem = match column {
                Some(i) => layout.problem_at(row, i, &sheet.columns[i], layout.typed(row, i), e.to_string()),
                None => Problem::at(sheet.name, Some(row.number), e.to_string()),
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
    pub(super) fn fresh(&mut self, sheet: &Sheet, row: u32, rows: usize, key: String) -> bool {
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

    pub(super) async fn flush_keys(&mut self) -> Result<()> {
        while !self.new_keys.is_empty() {
            let take = self.new_keys.len().min(KEY_BATCH);
            let batch: Vec<_> = self.new_keys.drain(..take).collect();
            imported_row::Entity::insert_many(batch).exec_without_returning(&self.txn).await?;
        }
        Ok(())
    }

    pub(super) async fn row(&mut self, layout: &Layout, row: RawRow) -> Result<()> {
        let sheet = layout.sheet;
        if self.broken_sheet {
            return Ok(());
        }
        match sheet.name {
            "部门" => self.department_row(layout, &row).await?,
            "项目" => self.project_row(layout, &row).await?,
            "债券" => self.bond_row(layout, &row).await?,
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

    /// The row's cell problems noted; true when there were none.
    pub(super) fn take(&mut self, f: Fields<'_>) -> bool {
        self.row_start = self.report.problems.len();
        let clean = f.problems.is_empty();
        self.report.problems.extend(f.problems);
        clean
    }

    /// The declaration checks of what the import touched, stored as alerts in its transaction.
    pub(super) async fn checks(&mut self) -> Result<()> {
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
