//! Spreadsheets in: the template, the import (upload and CLI), all or nothing with
//! every problem reported, exact units, idempotent re-import, and the declaration
//! checks the seed's own forms fail.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::process::Command;

use bondwatch::auth::Role;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};

use crate::helpers::TestApp;

const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean) { importWorkbook(file: $file, dryRun: $dry) { \
    ok written rows problems { sheet row column columnLetter value reason } \
    checks { id rule severity message department { code } project { code } } } }";

/// Uploads a workbook as a GraphQL multipart request; the import's report.
async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>, dry_run: bool) -> Value {
    let body = upload_raw(app, token, bytes, dry_run).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["importWorkbook"].clone()
}

async fn upload_raw(app: &TestApp, token: &str, bytes: Vec<u8>, dry_run: bool) -> Value {
    let operations = json!({"query": IMPORT, "variables": {"file": null, "dry": dry_run}});
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("book.xlsx")
        .mime_str("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", r#"{"0": ["variables.file"]}"#)
        .part("0", part);
    let response =
        app.client.post(format!("{}/graphql", app.url)).bearer_auth(token).multipart(form).send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status == 200 || status == 401, "{status}: {body}");
    body
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}.xlsx", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A cell of a test workbook.
enum V {
    S(&'static str),
    N(f64),
    /// A date typed as an Excel date.
    D(u16, u8, u8),
}
use V::*;

/// A sheet of a test workbook: name, headers, rows.
type SheetRows<'a> = (&'a str, &'a [&'a str], Vec<Vec<V>>);

/// Where a problem is: sheet, row, column, value.
type Located = (String, Option<i64>, Option<String>, Option<String>);

fn workbook(sheets: &[SheetRows<'_>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, headers, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    S("") => {}
                    S(t) => {
                        sheet.write_string(r, c, *t).unwrap();
                    }
                    N(n) => {
                        sheet.write_number(r, c, *n).unwrap();
                    }
                    D(y, m, d) => {
                        sheet
                            .write_datetime_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date)
                            .unwrap();
                    }
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

const DEPARTMENTS: &[&str] = &["部门编码", "部门名称"];
const PROJECTS: &[&str] =
    &["项目编码", "项目名称", "主管部门编码", "项目单位", "项目类型", "计划开工日期", "批复概算(万元)"];
const DISBURSEMENTS: &[&str] = &["项目编码", "类型", "日期", "金额(元)", "收款单位", "支出经济分类", "凭证号"];

fn rules_of(report: &Value) -> BTreeMap<String, usize> {
    let mut rules = BTreeMap::new();
    for c in report["checks"].as_array().unwrap() {
        *rules.entry(c["rule"].as_str().unwrap().to_string()).or_default() += 1;
    }
    rules
}

#[tokio::test]
async fn the_seed_forms_import_and_fail_the_checks_they_really_fail() {
    let app = TestApp::spawn().await;
    let medical = upload(&app, &app.token, fixture("medical-security-project"), false).await;
    assert_eq!((medical["ok"].as_bool(), medical["written"].as_bool()), (Some(true), Some(true)), "{medical}");
    assert_eq!(medical["problems"], json!([]));
    // The medical-security form leaves 二级指标 and 指标值 empty on its cost and benefit rows.
    assert_eq!(rules_of(&medical), BTreeMap::from([("C5".to_string(), 10)]), "{medical}");
    assert!(medical["checks"].as_array().unwrap().iter().all(|c| c["project"]["code"] == "42010523040T000000103"));

    let market = upload(&app, &app.token, fixture("market-regulation"), false).await;
    assert!(market["written"].as_bool().unwrap(), "{market}");
    assert_eq!(rules_of(&market).keys().cloned().collect::<Vec<_>>(), ["C2", "C3", "C5"], "{market}");
    let message = |report: &Value, rule: &str| -> String {
        let found = report["checks"].as_array().unwrap().iter().find(|c| c["rule"] == rule).unwrap();
        found["message"].as_str().unwrap().to_string()
    };
    // 运转类项目支出 535.99 of 7624.59 is 7.03%, not the 6.88% the form states.
    assert!(message(&market, "C2").contains("6.88%") && message(&market, "C2").contains("7.03%"));
    // Its project lines add up to 1549.4 against 1769.3 of specific-purpose spending (万元, as §4a shows them).
    assert!(message(&market, "C3").contains("1,549.40") && message(&market, "C3").contains("1,769.30"));

    let civil = upload(&app, &app.token, fixture("civil-affairs-department"), false).await;
    assert!(civil["written"].as_bool().unwrap(), "{civil}");
    assert_eq!(rules_of(&civil).keys().cloned().collect::<Vec<_>>(), ["C2", "C3", "C4", "C5"], "{civil}");
    assert!(message(&civil, "C4").contains("155,614.41") && message(&civil, "C4").contains("15,514.41"));
    let c4 = civil["checks"].as_array().unwrap().iter().find(|c| c["rule"] == "C4").unwrap();
    assert_eq!((c4["severity"].as_str(), c4["department"]["code"].as_str()), (Some("BLUE"), Some("HY-MZ")));

    // Stored as alerts of the decision dimension, borrowing stage.
    let stored = app
        .ok(r#"{ alerts(filter: { rule: "C4" }) { totalCount nodes { id dimension stage status } } }"#, json!({}))
        .await;
    assert_eq!(stored["alerts"]["totalCount"], 1);
    assert_eq!(stored["alerts"]["nodes"][0]["id"], c4["id"]);
    assert_eq!(stored["alerts"]["nodes"][0]["dimension"], "DECISION");
    assert_eq!(stored["alerts"]["nodes"][0]["stage"], "BORROWING");
    // The department table is kept as stated, in yuan: 2896.665 万元 is 28,966,650.00.
    let dept = app
        .ok(r#"{ departments { code budgets { year expenditureTotal projects { name totalBudget } } } }"#, json!({}))
        .await;
    let mz = dept["departments"].as_array().unwrap().iter().find(|d| d["code"] == "HY-MZ").unwrap();
    let lines = mz["budgets"][0]["projects"].as_array().unwrap();
    assert!(lines.iter().any(|p| p["totalBudget"] == "28966650.00"), "{mz}");
    assert_eq!(mz["budgets"][0]["expenditureTotal"], "262043100.00");

    // Importing the same files again writes nothing, and reports the same checks.
    let before = app.snapshot().await;
    for (name, report) in
        [("medical-security-project", &medical), ("market-regulation", &market), ("civil-affairs-department", &civil)]
    {
        let again = upload(&app, &app.token, fixture(name), false).await;
        assert!(again["ok"].as_bool().unwrap(), "{again}");
        assert_eq!(rules_of(&again), rules_of(report), "{name}");
        let ids = |r: &Value| r["checks"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>();
        assert_eq!(ids(&again), ids(report), "the same alerts, not new ones: {name}");
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_bad_workbook_writes_nothing_and_reports_every_problem() {
    let app = TestApp::spawn().await;
    let before = app.snapshot().await;
    let bytes = workbook(&[
        ("部门", DEPARTMENTS, vec![vec![S("HY-T"), S("测试局")]]),
        (
            "项目",
            PROJECTS,
            vec![
                vec![S("T-1"), S("好项目"), S("HY-T"), S("测试局本级"), S("交通基础设施"), D(2024, 3, 1), N(1000.0)],
                vec![S("T-2"), S("坏类型"), S("HY-T"), S("测试局本级"), S("高速公路"), S("2024-03-01"), N(10.0)],
                vec![S("T-3"), S("太精确"), S("HY-T"), S("测试局本级"), S("其他"), S("2024-13-01"), N(1.23456789)],
                vec![S("T-4"), S(""), S("HY-T"), S("测试局本级"), S("其他"), S(""), S("一百万")],
            ],
        ),
        ("债券", &["债券编码", "债券名称", "债券种类", "发行日期", "票面利率(%)", "发行金额(万元)"], vec![]),
        (
            "支出",
            DISBURSEMENTS,
            vec![
                vec![S("T-1"), S("拨付"), D(2024, 4, 2), N(5000.0), S("测试局本级"), S("资本性支出"), S("V1")],
                vec![S("NOPE"), S("支出"), S("2024-04-03"), N(100.0), S("某公司"), S("资本性支出"), S("V2")],
                vec![S("T-1"), S("拨付"), D(2024, 4, 2), N(5000.0), S("测试局本级"), S("资本性支出"), S("V1")],
            ],
        ),
    ]);
    let report = upload(&app, &app.token, bytes, false).await;
    assert_eq!((report["ok"].as_bool(), report["written"].as_bool()), (Some(false), Some(false)), "{report}");
    assert_eq!(report["rows"], 8);
    let problems: Vec<Located> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["sheet"].as_str().unwrap().to_string(),
                p["row"].as_i64(),
                p["column"].as_str().map(str::to_string),
                p["value"].as_str().map(str::to_string),
            )
        })
        .collect();
    let has = |sheet: &str, row: Option<i64>, column: &str| {
        problems.iter().any(|p| p.0 == sheet && p.1 == row && p.2.as_deref() == Some(column))
    };
    assert!(has("项目", Some(3), "项目类型"), "a category not in the list: {problems:?}");
    assert!(has("项目", Some(4), "计划开工日期"), "an impossible date: {problems:?}");
    assert!(
        has("项目", Some(4), "批复概算(万元)"),
        "and, in the same row, 1.23456789 万元 is not a whole fen: {problems:?}"
    );
    assert!(has("项目", Some(5), "项目名称") && has("项目", Some(5), "批复概算(万元)"), "{problems:?}");
    assert!(has("债券", Some(1), "期限(年)"), "a required column is missing: {problems:?}");
    assert!(problems.iter().any(|p| p.0 == "支出" && p.1 == Some(3)), "an unknown project: {problems:?}");
    assert!(problems.iter().any(|p| p.0 == "支出" && p.1 == Some(4)), "the same row twice: {problems:?}");
    let reasons = report["problems"].to_string();
    assert!(reasons.contains("NOPE") && reasons.contains("第 2 行完全相同"), "{reasons}");
    // As typed, in the header's unit, with the column's letter in this file (G).
    let precise = report["problems"].as_array().unwrap().iter().find(|p| p["value"] == "1.23456789 万元").unwrap();
    assert_eq!(precise["columnLetter"], "G", "{precise}");
    assert_eq!(app.snapshot().await, before, "nothing written");
}

#[tokio::test]
async fn a_dry_run_reports_every_problem_of_a_row_at_once() {
    let app = TestApp::spawn().await;
    let before = app.snapshot().await;
    let headers = [
        "项目编码",
        "项目名称",
        "主管部门编码",
        "项目单位",
        "项目类型",
        "计划开工日期",
        "计划完工日期",
        "批复概算(万元)",
        "当前估算(万元)",
        "收益期起",
        "收益期止",
    ];
    // Four mistakes in one row: a number, the category, the date order, the revenue period.
    let row = vec![
        S("T-9"),
        S("四处有错"),
        S("HY-T"),
        S("测试局本级"),
        S("高速公路"),
        S("2025-06-01"),
        S("2024-01-01"),
        N(2000.0),
        S("二千"),
        S("2030-01-01"),
        S("2029-01-01"),
    ];
    let bytes = workbook(&[("部门", DEPARTMENTS, vec![vec![S("HY-T"), S("测试局")]]), ("项目", &headers, vec![row])]);
    let report = upload(&app, &app.token, bytes, true).await;
    assert_eq!(report["ok"], false, "{report}");
    let found: Vec<(String, String, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!((p["sheet"].as_str(), p["row"].as_i64()), (Some("项目"), Some(2)), "{p}");
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (s("columnLetter"), s("column"), s("value"))
        })
        .collect();
    let want = [
        ("I", "当前估算(万元)", "二千 万元"),
        ("E", "项目类型", "高速公路"),
        ("G", "计划完工日期", "2024-01-01"),
        ("K", "收益期止", "2029-01-01"),
    ];
    for (letter, header, value) in want {
        assert!(
            found.iter().any(|f| (f.0.as_str(), f.1.as_str(), f.2.as_str()) == (letter, header, value)),
            "{letter} {header}: {found:?}"
        );
    }
    assert_eq!(found.len(), 4, "each problem once: {found:?}");
    assert_eq!(app.snapshot().await, before, "a dry run writes nothing");
}

#[tokio::test]
async fn a_receipt_is_not_refused_for_an_undated_allocation_of_the_same_workbook() {
    let app = TestApp::spawn().await;
    let bond = ["债券编码", "债券名称", "债券种类", "发行日期", "期限(年)", "票面利率(%)", "发行金额(万元)"];
    let bytes = workbook(&[
        ("部门", DEPARTMENTS, vec![vec![S("HY-R"), S("到账局")]]),
        ("项目", PROJECTS, vec![vec![S("R-1"), S("到账测试"), S("HY-R"), S("到账局本级"), S("其他"), S(""), N(500.0)]]),
        ("债券", &bond, vec![vec![S("RB-1"), S("测试债"), S("普通专项"), S("2024-03-01"), N(10.0), N(3.0), N(500.0)]]),
        ("分配", &["债券编码", "项目编码", "分配金额(万元)", "分配日期"], vec![vec![S("RB-1"), S("R-1"), N(500.0)]]),
        (
            "到账",
            &["债券编码", "项目编码", "到账金额(元)", "到账日期"],
            vec![vec![S("RB-1"), S("R-1"), N(5000000.0), S("2024-03-15")]],
        ),
    ]);
    let report = upload(&app, &app.token, bytes, false).await;
    assert_eq!(report["written"], true, "{report}");
    let data = app.ok(r#"{ project(code: "R-1") { allocations { allocatedOn amount received } } }"#, json!({})).await;
    // 500 万元 = 5,000,000.00 元, allocated on the day it arrived (no date of its own).
    assert_eq!(data["project"]["allocations"][0]["received"], "5000000.00");
    assert_eq!(data["project"]["allocations"][0]["allocatedOn"], "2024-03-15", "{data}");
}

#[tokio::test]
async fn amounts_are_converted_exactly_from_the_unit_in_the_header() {
    let app = TestApp::spawn().await;
    let project = |code: &'static str, amount: f64| {
        vec![S(code), S("单位测试"), S("HY-U"), S("测试局本级"), S("其他"), S(""), N(amount)]
    };
    let in_wan = workbook(&[
        ("部门", DEPARTMENTS, vec![vec![S("HY-U"), S("单位局")]]),
        ("项目", PROJECTS, vec![project("U-WAN", 123.456789)]),
        (
            "支出",
            DISBURSEMENTS,
            vec![vec![S("U-WAN"), S("拨付"), D(2026, 5, 4), N(0.07), S("某公司"), S("资本性支出"), S("")]],
        ),
    ]);
    let report = upload(&app, &app.token, in_wan, false).await;
    assert!(report["written"].as_bool().unwrap(), "{report}");
    let mut yuan_headers = PROJECTS.to_vec();
    yuan_headers[6] = "批复概算(元)";
    let in_yuan = workbook(&[("项目", &yuan_headers, vec![project("U-YUAN", 98765432.1)])]);
    assert!(upload(&app, &app.token, in_yuan, false).await["written"].as_bool().unwrap());
    let no_unit: Vec<&str> = PROJECTS.iter().map(|h| if h.starts_with("批复概算") { "批复概算" } else { h }).collect();
    let unitless = upload(&app, &app.token, workbook(&[("项目", &no_unit, vec![project("U-NONE", 1.0)])]), false).await;
    assert!(!unitless["ok"].as_bool().unwrap());
    assert!(unitless["problems"][0]["reason"].as_str().unwrap().contains("须注明金额单位"), "{unitless}");

    let q = r#"query($c: String!) { project(code: $c) { approvedInvestment transferred disbursements(first: 5) { nodes { paidOn amount } } } }"#;
    let wan = app.ok(q, json!({"c": "U-WAN"})).await;
    assert_eq!(wan["project"]["approvedInvestment"], "1234567.89");
    assert_eq!(wan["project"]["transferred"], "0.07");
    assert_eq!(wan["project"]["disbursements"]["nodes"][0]["paidOn"], "2026-05-04", "an Excel date cell");
    assert_eq!(app.ok(q, json!({"c": "U-YUAN"})).await["project"]["approvedInvestment"], "98765432.10");
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_a_reporter_cannot_create_departments() {
    let app = TestApp::spawn().await;
    let before = app.snapshot().await;
    let dry = upload(&app, &app.token, fixture("civil-affairs-department"), true).await;
    assert_eq!((dry["ok"].as_bool(), dry["written"].as_bool()), (Some(true), Some(false)), "{dry}");
    assert_eq!(rules_of(&dry).keys().cloned().collect::<Vec<_>>(), ["C2", "C3", "C4", "C5"]);
    assert!(dry["checks"][0]["id"].as_str().unwrap().starts_with("preview:"), "never stored: {dry}");
    assert_eq!(app.snapshot().await, before);

    app.basics().await;
    let reporter = app.token_for("clerk", Role::Reporter, Some("JT")).await;
    let refused = upload(&app, &reporter, fixture("civil-affairs-department"), false).await;
    assert!(!refused["written"].as_bool().unwrap());
    assert!(refused["problems"].to_string().contains("只有债务管理部门"), "{refused}");
    // A reporter imports its own department's ledger.
    let ledger = workbook(&[(
        "支出",
        DISBURSEMENTS,
        vec![vec![S("P1"), S("支出"), S("2026-05-06"), N(1200.5), S("区交投"), S("资本性支出"), S("J-1")]],
    )]);
    let own = upload(&app, &reporter, ledger, false).await;
    assert!(own["written"].as_bool().unwrap(), "{own}");
    let researcher = app.token_for("researcher", Role::Researcher, None).await;
    let manager = app.token_for("manager", Role::Manager, None).await;
    let before = app.snapshot().await;
    for (token, code) in [(researcher, "FORBIDDEN"), (manager, "FORBIDDEN")] {
        let body = upload_raw(&app, &token, fixture("civil-affairs-department"), false).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
    }
    let body = upload_raw(&app, "no-such-token", fixture("civil-affairs-department"), false).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn the_template_documents_every_sheet_and_imports_empty() {
    let app = TestApp::spawn().await;
    let response = app.client.get(format!("{}/templates/bondwatch.xlsx", app.url)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let names = book.sheet_names();
    let expected: Vec<&str> =
        std::iter::once("说明").chain(bondwatch::spreadsheets::template::SHEETS.iter().map(|s| s.name)).collect();
    assert_eq!(names, expected);
    let projects = book.worksheet_range("项目").unwrap();
    assert!(projects.rows().next().unwrap().contains(&Data::String("批复概算(万元)".into())));
    let targets = book.worksheet_range("绩效目标").unwrap();
    let headers: Vec<Data> = targets.rows().next().unwrap().to_vec();
    for h in ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据", "前年", "上年"]
    {
        assert!(headers.contains(&Data::String(h.into())), "{h}");
    }
    let guide = book.worksheet_range("说明").unwrap();
    assert!(guide.rows().count() > 80, "every column is explained");
    let empty = upload(&app, &app.token, bytes, false).await;
    assert_eq!((empty["ok"].as_bool(), empty["rows"].as_i64()), (Some(true), Some(0)));
}

#[test]
fn the_cli_writes_the_template_and_imports_with_a_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
    let template = dir.path().join("t.xlsx");
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_bondwatch")).args(args).output().unwrap();
    let out = run(&["template", template.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert!(std::fs::metadata(&template).unwrap().len() > 5000);
    let market = format!("{}/tests/fixtures/market-regulation.xlsx", env!("CARGO_MANIFEST_DIR"));
    // An import needs a database that exists: it is created by migrate.
    assert!(!run(&["import", "--database-url", &url, "--dry-run", &market]).status.success());
    assert!(run(&["migrate", "--database-url", &url]).status.success());
    let dry = run(&["import", "--database-url", &url, "--dry-run", &market]);
    let text = String::from_utf8_lossy(&dry.stdout).to_string();
    assert!(dry.status.success(), "{dry:?}");
    assert!(text.contains("未写入(试导入)") && text.contains("检查 C3"), "{text}");
    let real = run(&["import", "--database-url", &url, &market]);
    assert!(String::from_utf8_lossy(&real.stdout).contains("— 已写入"), "{real:?}");
    let bad = dir.path().join("bad.xlsx");
    std::fs::write(&bad, b"not a workbook").unwrap();
    let refused = run(&["import", "--database-url", &url, bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("xlsx"), "{refused:?}");
}

#[tokio::test]
async fn every_sheet_of_the_template_imports_a_whole_project() {
    let app = TestApp::spawn().await;
    let bytes = workbook(&[
        ("部门", DEPARTMENTS, vec![vec![S("HY-W"), S("汉阳区水务局")]]),
        (
            "项目",
            &[
                "项目编码",
                "项目名称",
                "主管部门编码",
                "项目单位",
                "项目类型",
                "计划开工日期",
                "计划完工日期",
                "批复概算(万元)",
                "计划专项债资金(万元)",
                "资本金(万元)",
                "收益期起",
                "收益期止",
                "成熟度要件",
            ],
            vec![vec![
                S("W-1"),
                S("排水管网改造"),
                S("HY-W"),
                S("区水务集团"),
                S("市政和产业园区基础设施"),
                D(2025, 1, 1),
                S("2026-12-31"),
                N(5000.0),
                N(4000.0),
                N(1000.0),
                S("2027-01-01"),
                S("2040-12-31"),
                S("可研批复、用地,环评"),
            ]],
        ),
        (
            "债券",
            &[
                "债券编码",
                "债券名称",
                "债券种类",
                "发行日期",
                "期限(年)",
                "票面利率(%)",
                "发行金额(万元)",
                "付息频率",
                "分期还本",
            ],
            vec![vec![
                S("B-W"),
                S("2025年湖北省政府专项债券(三期)"),
                S("项目收益专项"),
                D(2025, 3, 10),
                N(10.0),
                N(2.45),
                N(4000.0),
                S("按半年"),
                S("8:20;9:30;10:50"),
            ]],
        ),
        (
            "分配",
            &["债券编码", "项目编码", "分配金额(万元)", "分配日期"],
            vec![vec![S("B-W"), S("W-1"), N(4000.0), D(2025, 3, 20)]],
        ),
        (
            "到账",
            &["债券编码", "项目编码", "到账金额(元)", "到账日期"],
            vec![
                vec![S("B-W"), S("W-1"), N(25000000.0), D(2025, 3, 25)],
                vec![S("B-W"), S("W-1"), N(15000000.0), D(2025, 6, 1)],
            ],
        ),
        (
            "支出",
            DISBURSEMENTS,
            vec![
                vec![S("W-1"), S("拨付"), D(2025, 4, 1), N(20000000.0), S("区水务集团"), S("资本性支出"), S("T-1")],
                vec![S("W-1"), S("支出"), D(2025, 4, 15), N(12345678.9), S("某建设公司"), S("资本性支出"), S("P-1")],
            ],
        ),
        (
            "进度",
            &["项目编码", "月份", "计划进度(%)", "实际进度(%)", "报送日期", "说明"],
            vec![vec![S("W-1"), S("2025-04"), N(15.0), N(12.5), D(2025, 5, 8), S("管网开挖")]],
        ),
        (
            "收益",
            &["项目编码", "月份", "收益来源", "收取金额(元)", "收取日期", "转入专户金额(元)", "转入日期"],
            vec![vec![
                S("W-1"),
                S("2026-03"),
                S("污水处理费"),
                N(800000.0),
                D(2026, 3, 31),
                N(800000.0),
                D(2026, 4, 2),
            ]],
        ),
        (
            "收益预测",
            &["项目编码", "年度", "收入(万元)", "运营成本(万元)"],
            vec![vec![S("W-1"), N(2027.0), N(900.0), N(300.0)], vec![S("W-1"), N(2028.0), N(950.5), N(310.25)]],
        ),
        (
            "绩效目标",
            &[
                "项目编码",
                "目标类型",
                "年度",
                "目标内容",
                "一级指标",
                "二级指标",
                "三级指标",
                "指标值",
                "指标值确定依据",
            ],
            vec![
                vec![
                    S("W-1"),
                    S("年度"),
                    N(2026.0),
                    S("完成管网改造"),
                    S("产出指标"),
                    S("数量指标"),
                    S("改造管网长度"),
                    S("≥12公里"),
                    S("计划标准"),
                ],
                vec![
                    S("W-1"),
                    S("年度"),
                    N(2026.0),
                    S("完成管网改造"),
                    S("满意度指标"),
                    S("服务对象满意度指标"),
                    S("居民满意度"),
                    S("≥90%"),
                    S("计划标准"),
                ],
            ],
        ),
    ]);
    let report = upload(&app, &app.token, bytes.clone(), false).await;
    assert_eq!((report["ok"].as_bool(), report["written"].as_bool()), (Some(true), Some(true)), "{report}");
    assert_eq!(report["rows"], 14);
    assert_eq!(report["checks"], json!([]), "a clean declaration fails no check");
    let q = r#"{ project(code: "W-1") { plannedBondFunding capitalFund maturityDocuments bondFunding received transferred disbursed
        latestProgress { period actualPercent } revenue { collected transferred } revenueForecast { year revenue operatingCost }
        targets { scope year indicators { level1 name target { kind } } }
        allocations { bond { code kind interestFrequency } amount } } }"#;
    let p = app.ok(q, json!({})).await["project"].clone();
    assert_eq!(p["plannedBondFunding"], "40000000.00");
    assert_eq!(p["maturityDocuments"], json!(["可研批复", "用地", "环评"]));
    assert_eq!((p["bondFunding"].as_str(), p["received"].as_str()), (Some("40000000.00"), Some("40000000.00")));
    assert_eq!((p["transferred"].as_str(), p["disbursed"].as_str()), (Some("20000000.00"), Some("12345678.90")));
    assert_eq!(p["latestProgress"], json!({"period": "2025-04", "actualPercent": "12.5"}));
    assert_eq!(p["revenue"][0]["collected"], "800000.00");
    assert_eq!(p["revenueForecast"][1], json!({"year": 2028, "revenue": "9505000.00", "operatingCost": "3102500.00"}));
    assert_eq!(p["targets"][0]["indicators"].as_array().unwrap().len(), 2);
    assert_eq!(p["allocations"][0]["bond"]["kind"], "PROJECT_REVENUE");
    assert_eq!(p["allocations"][0]["bond"]["interestFrequency"], "SEMI_ANNUAL");
    let schedule = app.ok(r#"{ bond(code: "B-W") { schedule { principal } } }"#, json!({})).await;
    let principal: Vec<&str> = schedule["bond"]["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["principal"].as_str())
        .filter(|p| *p != "0.00")
        .collect();
    assert_eq!(principal, ["8000000.00", "12000000.00", "20000000.00"], "8:20;9:30;10:50 of 40,000,000");

    let before = app.snapshot().await;
    let again = upload(&app, &app.token, bytes, false).await;
    assert!(again["ok"].as_bool().unwrap(), "{again}");
    assert_eq!(app.snapshot().await, before, "re-importing the same file changes nothing");
}

/// Every stored code a clerk could be shown.
fn codes() -> std::collections::BTreeSet<&'static str> {
    use bondwatch::codes::*;
    use bondwatch::ledger::projects::{ProjectStatus, Stage};
    use bondwatch::monitoring::{Dimension, Severity};
    let mut all: std::collections::BTreeSet<&'static str> = std::collections::BTreeSet::new();
    all.extend(AlertStatus::ALL.iter().map(|c| c.as_str()));
    all.extend(Grade::ALL.iter().map(|c| c.as_str()));
    all.extend(BondKind::ALL.iter().map(|c| c.as_str()));
    all.extend(InterestFrequency::ALL.iter().map(|c| c.as_str()));
    all.extend(DisbursementKind::ALL.iter().map(|c| c.as_str()));
    all.extend(TargetScope::ALL.iter().map(|c| c.as_str()));
    all.extend(Profile::ALL.iter().map(|c| c.as_str()));
    all.extend(Stage::ALL.iter().map(|c| c.as_str()));
    all.extend(ProjectStatus::ALL.iter().map(|c| c.as_str()));
    all.extend(Dimension::ALL.iter().map(|c| c.as_str()));
    all.extend(Severity::ALL.iter().map(|c| c.as_str()));
    all
}

/// The codes that occur as words of `text`, each with a little of what surrounds it.
fn codes_in(text: &str) -> Vec<String> {
    let codes = codes();
    let mut found = Vec::new();
    let mut word = String::new();
    let mut at = 0;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        if c.is_ascii_alphanumeric() || c == '_' {
            if word.is_empty() {
                at = i;
            }
            word.push(c);
        } else if !word.is_empty() {
            if codes.contains(word.as_str()) {
                let start = text.floor_char_boundary(at.saturating_sub(30));
                let end = text.ceil_char_boundary((i + 30).min(text.len()));
                found.push(format!("{word} in “{}”", &text[start..end]));
            }
            word.clear();
        }
    }
    found
}

fn workbook_text(bytes: &[u8]) -> String {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                out.push_str(&cell.to_string());
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

/// What a clerk reads — every export, both reports, the problems of a bad workbook —
/// names statuses, stages, dimensions, severities, grades and profiles in Chinese.
#[tokio::test]
async fn chinese_output_carries_no_codes() {
    use bondwatch::reports::{self, Format};
    use bondwatch::spreadsheets::{Export, export};
    let app = TestApp::spawn().await;
    let ctx = &app.ctx;
    bondwatch::demo::load(ctx, |_| {}).await.unwrap();
    let today = ctx.clock.today();
    bondwatch::monitoring::sweep::run(ctx, &ctx.rules, today, Default::default()).await.unwrap();
    let year = today.year() - 1;
    let caller = bondwatch::auth::Caller::system("test");
    for code in bondwatch::ledger::queries::all_project_codes(&ctx.db).await.unwrap() {
        let (facts, result) = bondwatch::evaluation::score_project(ctx, &code, year).await.unwrap();
        bondwatch::results::store_evaluation(ctx, &caller, &facts.project, year, &result).await.unwrap();
    }
    let mut found = Vec::new();
    for e in [
        Export::Alerts(Default::default()),
        Export::Portfolio,
        Export::Schedule(None),
        Export::Evaluations(year),
        Export::Results(year),
    ] {
        let text = workbook_text(&export(ctx, e).await.unwrap());
        assert!(text.lines().count() > 2, "the export holds rows: {text}");
        found.extend(codes_in(&text).into_iter().map(|c| format!("export: {c}")));
    }
    let scoring = reports::scoring_workbook(ctx, year, None).await.unwrap();
    found.extend(codes_in(&workbook_text(&scoring)).into_iter().map(|c| format!("scoring sheet: {c}")));
    for code in ["HY-JT-01", "HY-SW-02", "HY-MZ-01"] {
        for (what, doc) in [
            ("evaluation", reports::evaluation_report(ctx, code, year).await.unwrap()),
            ("assessment", reports::assessment_report(ctx, code).await.unwrap()),
        ] {
            let html = String::from_utf8(reports::render(ctx, doc, Format::Html).await.unwrap()).unwrap();
            let body = html.split("</style>").last().unwrap();
            let text: String = body.split('<').map(|part| part.split_once('>').map_or(part, |(_, t)| t)).collect();
            found.extend(codes_in(&text).into_iter().map(|c| format!("{what} report of {code}: {c}")));
        }
    }
    // A workbook with a mistake in each sheet a clerk fills.
    let bytes = workbook(&[
        ("项目", PROJECTS, vec![vec![S("X-1"), S("错"), S("HY-JT"), S("某单位"), S("高速公路"), S(""), N(10.0)]]),
        ("分配", &["债券编码", "项目编码", "分配金额(万元)", "分配日期"], vec![vec![S("NOBOND"), S("NOPE"), N(1.0)]]),
        (
            "支出",
            DISBURSEMENTS,
            vec![vec![S("HY-JT-01"), S("付款"), S("2026-05-04"), N(1.0), S("某公司"), S("资本性支出"), S("")]],
        ),
        (
            "进度",
            &["项目编码", "月份", "计划进度(%)", "实际进度(%)"],
            vec![vec![S("HY-JT-01"), S("2026-05"), N(120.0), N(-3.0)]],
        ),
    ]);
    let report = upload(&app, &app.token, bytes, true).await;
    let reasons: Vec<String> =
        report["problems"].as_array().unwrap().iter().map(|p| p["reason"].as_str().unwrap().to_string()).collect();
    assert!(reasons.len() >= 4, "{reasons:?}");
    for r in &reasons {
        found.extend(codes_in(r).into_iter().map(|c| format!("import problem: {c}")));
        assert!(!r.is_ascii(), "an import problem in English: {r}");
    }
    assert!(found.is_empty(), "codes a clerk would read:\n{}", found.join("\n"));
}

/// The 自评 sheet (10号's self-evaluation form): each row through the same service as
/// `submitSelfEvaluation`, every problem of the sheet at once, nothing written until all
/// rows are right; a unit's staff import their own projects only.
#[tokio::test]
async fn self_evaluations_import_from_their_sheet() {
    let app = TestApp::spawn().await;
    app.basics().await;
    const HEADERS: &[&str] =
        &["项目编码", "年度", "自评总分", "预算执行率得分", "产出得分", "效益得分", "满意度得分", "自评日期", "说明"];
    let good = || vec![S("P1"), N(2025.0), N(82.0), N(8.0), N(40.0), N(25.0), N(9.0), D(2026, 3, 20), S("单位自评")];
    // Row 3: 8 + 40 + 25 + 9 = 82, not the 85 written as the total; row 4: no such project;
    // row 5: a total above 100.
    let bad = workbook(&[(
        "自评",
        HEADERS,
        vec![
            good(),
            vec![S("P1"), N(2024.0), N(85.0), N(8.0), N(40.0), N(25.0), N(9.0), S(""), S("")],
            vec![S("P-NONE"), N(2025.0), N(80.0), S(""), S(""), S(""), S(""), S(""), S("")],
            vec![S("P1"), N(2023.0), N(101.0), S(""), S(""), S(""), S(""), S(""), S("")],
        ],
    )]);
    let before = app.snapshot().await;
    let report = upload(&app, &app.token, bad, false).await;
    assert_eq!(report["ok"], false, "{report}");
    let mut found: Vec<(i64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_i64().unwrap(), p["columnLetter"].as_str().unwrap_or("").to_string()))
        .collect();
    found.sort();
    assert_eq!(found, [(3, "C".to_string()), (4, "A".to_string()), (5, "C".to_string())], "{report}");
    assert_eq!(app.snapshot().await, before, "nothing written");

    // A unit's REPORTER of another department may not import for P1.
    app.ok(r#"mutation { createDepartment(input: {code: "SW", name: "水务局"}) { code } }"#, json!({})).await;
    let sw = app.token_for("sw-clerk", Role::Reporter, Some("SW")).await;
    let refused = upload(&app, &sw, workbook(&[("自评", HEADERS, vec![good()])]), false).await;
    assert_eq!(refused["ok"], false, "{refused}");
    assert!(refused["problems"][0]["reason"].as_str().unwrap().contains("属于其他部门"), "{refused}");

    let report = upload(&app, &app.token, workbook(&[("自评", HEADERS, vec![good()])]), false).await;
    assert_eq!(report["ok"], true, "{report}");
    let data = app
        .ok(
            r#"{ project(code: "P1") { selfEvaluation(year: 2025) { totalScore budgetExecutionScore outputScore benefitScore satisfactionScore submittedOn note } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["project"]["selfEvaluation"],
        json!({"totalScore": "82.00", "budgetExecutionScore": "8.00", "outputScore": "40.00", "benefitScore": "25.00",
               "satisfactionScore": "9.00", "submittedOn": "2026-03-20", "note": "单位自评"})
    );
    // The same workbook again: the row is known, so no second submission replaces the first.
    let again = upload(&app, &app.token, workbook(&[("自评", HEADERS, vec![good()])]), false).await;
    assert_eq!(again["ok"], true, "{again}");
    use sea_orm::{EntityTrait, PaginatorTrait};
    let stored = bondwatch::performance::self_evaluation::Entity::find().count(&app.ctx.db).await.unwrap();
    assert_eq!(stored, 1, "one submission, not a second replacing it");
}
