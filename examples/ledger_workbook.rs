//! Writes a disbursement ledger of ROWS rows over the projects `bondwatch gen` makes
//! (G-P0000000 …), as the treasury system would export it: the import benchmark's input.
//! Run: `cargo run --release --example ledger_workbook -- ROWS PROJECTS OUT.xlsx`.

use rust_xlsxwriter::Workbook;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: ledger_workbook ROWS PROJECTS OUT.xlsx";
    let rows: u32 = args.get(1).ok_or(usage)?.parse()?;
    let projects: u32 = args.get(2).ok_or(usage)?.parse()?;
    let out = args.get(3).ok_or(usage)?;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("支出")?;
    for (c, h) in ["项目编码", "类型", "日期", "金额(元)", "收款单位", "支出经济分类", "凭证号"].iter().enumerate()
    {
        sheet.write_string(0, c as u16, *h)?;
    }
    for i in 0..rows {
        let r = i + 1;
        sheet.write_string(r, 0, format!("G-P{:07}", i % projects))?;
        sheet.write_string(r, 1, if i % 4 == 0 { "拨付" } else { "支出" })?;
        sheet.write_string(r, 2, format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1))?;
        // Whole fen, varied: 1,000.01 to about 2,000,000 yuan.
        sheet.write_number(r, 3, (100_001 + (i as u64 * 7919) % 199_900_000) as f64 / 100.0)?;
        sheet.write_string(r, 4, format!("供应商{:04}", i % 997))?;
        sheet.write_string(r, 5, if i % 3 == 0 { "资本性支出" } else { "商品和服务支出" })?;
        sheet.write_string(r, 6, format!("PZ{i:08}"))?;
    }
    book.save(out)?;
    println!("{rows} rows over {projects} projects written to {out}");
    Ok(())
}
