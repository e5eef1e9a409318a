//! The ledger sheets: a record a row (allocation, receipt, disbursement, progress,
//! revenue, self-evaluation), each keyed by its content. An allocation without a date
//! is held until a receipt of its bond and project dates it.

use super::Run;
use super::fields::{Fields, Layout};
use super::read::RawRow;
use super::run::key_of;
use crate::codes::DisbursementKind;
use crate::db::Money;
use crate::error::Result;
use crate::ledger::funding::{AllocationInput, ReceiptInput};
use crate::ledger::records::{DisbursementInput, ProgressInput, RevenueInput};
use crate::spreadsheets::template::Sheet;

/// A row of a ledger sheet, read.
enum Record {
    Allocation(AllocationInput),
    Receipt(ReceiptInput),
    Disbursement(DisbursementInput),
    Progress(ProgressInput),
    Revenue(RevenueInput),
    SelfEvaluation(crate::results::SelfEvaluationInput),
}

/// A row of a ledger sheet read into its record, the problems of its cells noted in `f`.
fn read_record(sheet: &Sheet, f: &mut Fields<'_>) -> Record {
    match sheet.name {
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
    }
}

impl Run<'_> {
    /// A row of a ledger sheet: one record each.
    pub(super) async fn record_row(&mut self, layout: &Layout, row: &RawRow) -> Result<()> {
        use crate::ledger::{funding, records};
        let sheet = layout.sheet;
        let number = row.number;
        let mut f = Fields { layout, row, problems: Vec::new() };
        let key = key_of(sheet.name, &f.canonical());
        let record = read_record(sheet, &mut f);
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
    pub(super) async fn allocate_undated(&mut self) -> Result<()> {
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
}
