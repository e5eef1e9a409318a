//! The entity sheets: departments, projects and bonds, matched by code. A row whose
//! code is already there is unchanged when it agrees with the ledger and a problem
//! when it does not; the import never modifies them.

use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::Run;
use super::fields::{Fields, Layout};
use super::read::RawRow;
use crate::codes::{BondKind, InterestFrequency};
use crate::db::Money;
use crate::error::Result;
use crate::ledger::bonds::{AmortizationInput, BondInput};
use crate::ledger::departments::DepartmentInput;
use crate::ledger::entities::{bond, department, project};
use crate::ledger::projects::{ProjectDetails, ProjectInput};

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
    /// A row of the departments sheet: a new department, or one already there by code.
    pub(super) async fn department_row(&mut self, layout: &Layout, row: &RawRow) -> Result<()> {
        let sheet = layout.sheet;
        let mut f = Fields { layout, row, problems: Vec::new() };
        let number = row.number;
        let (code, name) = (f.required("部门编码"), f.required("部门名称"));
        if !self.take(f) {
            return Ok(());
        }
        let found = department::Entity::find().filter(department::Column::Code.eq(code.trim())).one(&self.txn).await?;
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
                match crate::ledger::departments::create_department_in(&self.txn, self.ctx, self.caller, input).await {
                    Ok(d) => {
                        self.touched_departments.insert(d.id);
                    }
                    Err(e) => self.refused(layout, row, e)?,
                }
            }
        }
        Ok(())
    }

    /// A row of the projects sheet: a new project, or one already there by code.
    pub(super) async fn project_row(&mut self, layout: &Layout, row: &RawRow) -> Result<()> {
        let sheet = layout.sheet;
        let mut f = Fields { layout, row, problems: Vec::new() };
        let number = row.number;
        let code = f.required("项目编码");
        let department_code = f.required("主管部门编码");
        let approved = f.money("批复概算");
        let facts = ProjectDetails {
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
        let found = project::Entity::find().filter(project::Column::Code.eq(code.trim())).one(&self.txn).await?;
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
        Ok(())
    }

    /// A row of the bonds sheet: a new bond, or one already there by code.
    pub(super) async fn bond_row(&mut self, layout: &Layout, row: &RawRow) -> Result<()> {
        let sheet = layout.sheet;
        let mut f = Fields { layout, row, problems: Vec::new() };
        let number = row.number;
        let code = f.required("债券编码");
        let name = f.required("债券名称");
        let kind = f.coded("债券种类", BondKind::ALL, BondKind::label, BondKind::as_str).unwrap_or_default().into();
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
                let reason = format!("债券 {code} 已存在,名称、发行金额或发行日期与系统中不同;导入不修改已有债券");
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
        Ok(())
    }
}
