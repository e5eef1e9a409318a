//! Exports as xlsx: Chinese headers with each amount's unit, number formats, read back
//! with calamine; served to callers with credentials only.

use std::io::Cursor;

use bondwatch::auth::Role;
use bondwatch::demo;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::json;

use crate::helpers::TestApp;

fn read(bytes: Vec<u8>) -> (String, Vec<Vec<Data>>) {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx workbook");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    (name, range.rows().map(|r| r.to_vec()).collect())
}

#[tokio::test]
async fn exports_are_workbooks_with_chinese_headers() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    app.ok(
        r#"mutation { runAlertSweep { raised } evaluate(projectCode: "HY-JT-01", year: 2026) { grade } }"#,
        json!({}),
    )
    .await;
    let get = |path: &str, token: Option<String>| {
        let mut request = app.client.get(format!("{}{path}", app.url));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send()
    };
    let mut sheets = Vec::new();
    for path in [
        "/exports/alerts.xlsx",
        "/exports/portfolio.xlsx",
        "/exports/schedule.xlsx",
        "/exports/evaluations.xlsx?year=2026",
    ] {
        let response = get(path, Some(app.token.clone())).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        sheets.push(read(response.bytes().await.unwrap().to_vec()));
    }
    let (name, rows) = &sheets[0];
    assert_eq!(name, "预警");
    assert_eq!(rows[0][0], Data::String("规则".into()));
    assert!(rows.len() > 30, "every alert of the demo: {}", rows.len());
    let (name, rows) = &sheets[1];
    assert_eq!(name, "项目总览");
    assert_eq!(rows[0][5], Data::String("债券资金(元)".into()), "the unit is in the header");
    let jt01 = rows.iter().find(|r| r[0] == Data::String("HY-JT-01".into())).unwrap();
    assert_eq!(jt01[5], Data::Float(200_000_000.0));
    let (name, rows) = &sheets[2];
    assert_eq!(name, "还本付息计划");
    assert!(
        rows.iter()
            .skip(1)
            .any(|r| r[3] == Data::String("HY-JT-01".into()) && matches!(r[7], Data::Float(i) if i > 0.0))
    );
    let (name, rows) = &sheets[3];
    assert_eq!(name, "绩效评价");
    assert_eq!(rows[1][1], Data::String("HY-JT-01".into()));
    assert_eq!(rows[1][0], Data::Float(1.0));

    assert_eq!(get("/exports/alerts.xlsx", None).await.unwrap().status(), 401);
    let scoped = app.token_for("jt_head", Role::Manager, Some("HY-JT")).await;
    assert_eq!(get("/exports/alerts.xlsx", Some(scoped)).await.unwrap().status(), 403);
    assert_eq!(get("/exports/budget.xlsx", Some(app.token.clone())).await.unwrap().status(), 404);
    // A session cookie works as well as a token.
    let response = app
        .client
        .get(format!("{}/exports/portfolio.xlsx", app.url))
        .header("cookie", format!("{}={}", bondwatch::api::SESSION_COOKIE, app.token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[test]
fn the_command_line_writes_an_export() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("x.db").display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bondwatch"))
            .args(args)
            .args(["--database-url", &url])
            .env("BONDWATCH_LOG", "warn")
            .output()
            .unwrap()
    };
    assert!(run(&["demo"]).status.success());
    let out = dir.path().join("schedule.xlsx");
    let done = run(&["export", "schedule", "--out", out.to_str().unwrap()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let (name, rows) = read(std::fs::read(&out).unwrap());
    assert_eq!(name, "还本付息计划");
    assert!(rows.len() > 20);
    let wrong = run(&["export", "budgets", "--out", out.to_str().unwrap()]);
    assert!(!wrong.status.success() && String::from_utf8_lossy(&wrong.stderr).contains("没有名为“budgets”的导出"));
}
