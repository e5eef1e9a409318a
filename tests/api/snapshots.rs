//! Layout and text as snapshots (insta, in `tests/api/snapshots/`): what a change to a
//! page's shape, an export's sheets or a report's outline looks like in review. Values
//! are left out of them on purpose: every number is checked by a hand-computed
//! assertion in the test of its figure, never by a snapshot.

use std::io::Cursor;

use bondwatch::demo;
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Each sheet's name and header row, one sheet a line.
fn sheets_and_headers(bytes: Vec<u8>) -> String {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx workbook");
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("a sheet");
        let headers: Vec<String> =
            range.rows().next().map(|r| r.iter().map(|c| c.to_string()).collect()).unwrap_or_default();
        out.push_str(&format!("{name}: {}\n", headers.join(" | ")));
    }
    out
}

#[tokio::test]
async fn every_export_and_the_template_keep_their_sheets_and_headers() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    let mut all = String::new();
    for path in [
        "/exports/alerts.xlsx",
        "/exports/portfolio.xlsx",
        "/exports/schedule.xlsx",
        "/exports/evaluations.xlsx?year=2025",
        "/exports/results.xlsx?year=2025",
        "/templates/bondwatch.xlsx",
    ] {
        let response = app.client.get(format!("{}{path}", app.url)).bearer_auth(&app.token).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        all.push_str(&format!("## {path}\n{}\n", sheets_and_headers(response.bytes().await.unwrap().to_vec())));
    }
    insta::assert_snapshot!("exports", all);
}

/// A report's outline: its title, cover labels, and each section's heading, tables
/// (caption and headers) and charts, indented by level.
fn outline(doc: &bondwatch::reports::Document) -> String {
    let mut out = format!("{}\n", doc.title);
    for [label, _] in &doc.cover {
        out.push_str(&format!("  封面: {label}\n"));
    }
    for s in &doc.sections {
        let indent = "  ".repeat(s.level.into());
        out.push_str(&format!("{indent}{}\n", s.heading));
        for t in &s.tables {
            out.push_str(&format!("{indent}  表 {}: {}\n", t.caption, t.headers.join(" | ")));
        }
        for c in &s.charts {
            out.push_str(&format!("{indent}  图 {}\n", c.title));
        }
    }
    out
}

#[tokio::test]
async fn the_reports_keep_their_outlines() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    let evaluation = bondwatch::reports::evaluation_report(&app.ctx, "HY-JT-01", 2025).await.unwrap();
    let assessment = bondwatch::reports::assessment_report(&app.ctx, "HY-JT-01").await.unwrap();
    let department = bondwatch::reports::department_report(&app.ctx, "HY-JT", 2025).await.unwrap();
    insta::assert_snapshot!("evaluation_outline", outline(&evaluation));
    insta::assert_snapshot!("assessment_outline", outline(&assessment));
    insta::assert_snapshot!("department_outline", outline(&department));
}

/// The shape of a JSON value: each scalar replaced by its kind, a list by its first item.
fn shape(v: &Value) -> Value {
    match v {
        Value::Null => json!("null"),
        Value::Bool(_) => json!("bool"),
        Value::Number(_) => json!("number"),
        Value::String(_) => json!("string"),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
    }
}

#[tokio::test]
async fn a_project_page_s_answer_keeps_its_shape() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    app.ok("mutation { runAlertSweep { raised } }", json!({})).await;
    let data = app
        .ok(
            r#"query { project(code: "HY-SW-02") {
                code name status stage department { code name }
                approvedInvestment bondFunding received transferred disbursed spendRatePercent
                latestProgress { period plannedPercent actualPercent }
                allocations { amount allocatedOn bond { code kind } }
                debtService { dueDate principal interest paid }
                coverageRatio rollingCoverageRatio
                targets { scope year indicators { level1 level2 name targetText actual } }
                assessment { conclusion submittedOn }
                alerts { rule severity status message }
                figures { received paid }
                rectifications { status dueOn }
            } }"#,
            json!({}),
        )
        .await;
    insta::assert_json_snapshot!("project_shape", shape(&data));
}
