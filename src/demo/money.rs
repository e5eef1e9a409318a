//! The money of a project: receipts, transfers (拨付) and payments (支出), and the
//! adjustments of a bond's use between projects.

use chrono::{Datelike, NaiveDate};

use super::portfolio::Spec;
use super::{Calendar, demo_caller, yuan};
use crate::Ctx;
use crate::error::Result;
use crate::ledger::projects::ProjectStatus;
use crate::ledger::{funding, records};

/// Whether the works receive their main bond's money month by month as they go.
pub(super) fn receives_monthly(spec: &Spec) -> bool {
    spec.started.is_some() && spec.code != "HY-JT-02"
}

/// Monthly transfers (拨付) and payments (支出) following a healthy pace, bent for the troubled.
pub(super) async fn load_money(ctx: &Ctx, cal: &Calendar, bond_codes: &[String], spec: &Spec) -> Result<usize> {
    let Some(started) = spec.started else {
        return Ok(0);
    };
    let bond_code = bond_codes[spec.allocations[0].0].clone();
    let bond = spec.allocations[0].1 * 10_000;
    let mut count = load_monthly_money(ctx, cal, spec, &bond_code, bond, started).await?;
    if spec.code == "HY-SW-02" {
        count += load_irregular_payments(ctx, cal, bond_codes, spec, &bond_code).await?;
    }
    if spec.code == "HY-WJ-01" {
        count += load_first_phase(ctx, cal, bond_codes, spec).await?;
    }
    Ok(count)
}

/// The months of the works, from the start on: the main bond's money received (by those
/// receiving it monthly), transferred to the unit and paid out; returns the disbursements.
async fn load_monthly_money(
    ctx: &Ctx,
    cal: &Calendar,
    spec: &Spec,
    bond_code: &str,
    bond: i64,
    started: u32,
) -> Result<usize> {
    let months_building = started.min(spec.build_months);
    // Healthy projects receive, transfer and pay their bond money evenly over the
    // construction months, within each month.
    let monthly = bond / i64::from(spec.build_months.max(1));
    let mut count = 0;
    // Never more transferred than the bond money the project got.
    let mut left_to_transfer = bond;
    let mut at_unit = 0;
    for m in (1..=started).rev() {
        let month_index = started - m;
        if month_index >= months_building && spec.status == ProjectStatus::Operating {
            break;
        }
        let (transfer, pay) = match spec.code {
            // Transfers ahead, payments stopped seven months ago: idle money at the unit.
            "HY-JT-02" if m <= 7 => (0, 0),
            "HY-JT-02" => (monthly * 2, monthly / 2),
            // Completed with money left: the last months pay only part.
            "HY-WJ-02" if month_index + 2 >= months_building => (monthly, monthly / 3),
            // Paying faster than the works go.
            "HY-MZ-01" => (monthly * 2, monthly * 2),
            _ => (monthly, monthly),
        };
        let transfer = transfer.min(left_to_transfer);
        left_to_transfer -= transfer;
        // Never more paid than the unit was given.
        at_unit += transfer;
        let pay = pay.min(at_unit);
        at_unit -= pay;
        // The salaries of HY-SW-02's project office (below) come out of that month's payment.
        let pay = if spec.code == "HY-SW-02" && m == 3 { pay - 186_000 } else { pay };
        // Money arrives as the treasury needs it: what is transferred never exceeds it.
        let arrives = if spec.code == "HY-MZ-01" { transfer } else { monthly };
        if receives_monthly(spec) && arrives > 0 {
            let receipt = funding::ReceiptInput {
                bond_code: bond_code.into(),
                project_code: spec.code.into(),
                amount: yuan(arrives),
                received_on: cal.ago(m, 5),
            };
            funding::record_receipt(ctx, &demo_caller(), receipt).await?;
        }
        let payee = format!("{}施工总承包单位", spec.name);
        if transfer > 0 {
            record(
                ctx,
                spec.code,
                Some(bond_code),
                "TRANSFER",
                cal.ago(m, 8),
                transfer,
                "区财政国库集中支付中心",
                "资本性支出",
                format!("{}-T{m:02}", spec.code),
            )
            .await?;
            count += 1;
        }
        if pay > 0 {
            record(
                ctx,
                spec.code,
                Some(bond_code),
                "PAYMENT",
                cal.ago(m, 18),
                pay,
                &payee,
                "建筑安装工程费",
                format!("{}-P{m:02}", spec.code),
            )
            .await?;
            count += 1;
        }
    }
    Ok(count)
}

/// HY-SW-02's irregular payments (M5, M6, M12) and a wrong entry reversed; returns the
/// disbursements, the reversal included.
async fn load_irregular_payments(
    ctx: &Ctx,
    cal: &Calendar,
    bond_codes: &[String],
    spec: &Spec,
    bond_code: &str,
) -> Result<usize> {
    // Salaries paid from bond money (forbidden, 94号) and a payment charged to
    // a bond that does not fund this project.
    record(
        ctx,
        spec.code,
        Some(bond_code),
        "PAYMENT",
        cal.ago(3, 12),
        186_000,
        "项目办工作人员",
        "工资福利支出",
        "HY-SW-02-X1".into(),
    )
    .await?;
    record(
        ctx,
        spec.code,
        Some(&bond_codes[2]),
        "PAYMENT",
        cal.ago(2, 14),
        420_000,
        "武汉市政设备有限公司",
        "设备购置费",
        "HY-SW-02-X2".into(),
    )
    .await?;
    // A wrong entry and its correction (红冲).
    let wrong = record(
        ctx,
        spec.code,
        Some(bond_code),
        "PAYMENT",
        cal.ago(2, 20),
        99_000,
        "误付单位",
        "建筑安装工程费",
        "HY-SW-02-X3".into(),
    )
    .await?;
    records::reverse_disbursement(ctx, &demo_caller(), wrong, "收款单位错误,予以红冲").await?;
    // A payment entered without its bond, beyond every yuan transferred to the unit (M12).
    record(
        ctx,
        spec.code,
        None,
        "PAYMENT",
        cal.ago(1, 20),
        250_000,
        "武汉市政设备有限公司",
        "设备购置费",
        "HY-SW-02-X4".into(),
    )
    .await?;
    Ok(5)
}

/// HY-WJ-01's first phase; returns the disbursements.
async fn load_first_phase(ctx: &Ctx, cal: &Calendar, bond_codes: &[String], spec: &Spec) -> Result<usize> {
    // The first phase, on the bond that has since matured, was paid out long ago.
    let first_phase = bond_codes[4].as_str();
    record(
        ctx,
        spec.code,
        Some(first_phase),
        "TRANSFER",
        cal.ago(43, 8),
        30_000_000,
        "区财政国库集中支付中心",
        "资本性支出",
        "HY-WJ-01-F1".into(),
    )
    .await?;
    record(
        ctx,
        spec.code,
        Some(first_phase),
        "PAYMENT",
        cal.ago(42, 18),
        30_000_000,
        "一期工程施工单位",
        "建筑安装工程费",
        "HY-WJ-01-F2".into(),
    )
    .await?;
    Ok(2)
}

#[allow(clippy::too_many_arguments)]
async fn record(
    ctx: &Ctx,
    project: &str,
    bond: Option<&str>,
    kind: &str,
    paid_on: NaiveDate,
    amount: i64,
    payee: &str,
    class: &str,
    voucher: String,
) -> Result<i64> {
    let input = records::DisbursementInput {
        project_code: project.into(),
        bond_code: bond.map(str::to_string),
        kind: kind.into(),
        paid_on,
        amount: yuan(amount),
        payee: payee.into(),
        economic_class: class.into(),
        voucher_no: Some(voucher.clone()),
    };
    Ok(records::record_disbursement(ctx, &demo_caller(), input, Some(&format!("demo-{voucher}"))).await?.id)
}

/// Two adjustments of 龙阳湖's bond money in one year, to the smart-parking project.
pub(super) async fn load_adjustments(ctx: &Ctx, cal: &Calendar, bond_codes: &[String]) -> Result<()> {
    // Both in this calendar year, whatever the day the demo is loaded.
    let new_year = NaiveDate::from_ymd_opt(cal.today.year(), 1, 1).unwrap_or(cal.today);
    let first = cal.days_ago(100).max(new_year);
    let second = cal.days_ago(40).max(first);
    for (approved_on, amount) in [(first, 20_000_000), (second, 15_000_000)] {
        funding::adjust_use(
            ctx,
            &demo_caller(),
            funding::UseAdjustmentInput {
                bond_code: bond_codes[2].clone(),
                from_project_code: "HY-SW-03".into(),
                to_project_code: "HY-JT-03".into(),
                amount: yuan(amount),
                reason: "项目发生重大变化或需求减少".into(),
                approved_on,
            },
        )
        .await?;
    }
    Ok(())
}
