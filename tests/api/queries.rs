//! Reading the ledger: pagination, filters, research queries and the fixed number
//! of SQL statements a page costs, whatever its size.

use bondwatch::auth::Caller;
use bondwatch::db::Money;
use bondwatch::ledger::{bonds, departments, funding, projects, records};
use chrono::NaiveDate;
use serde_json::json;

use crate::helpers::TestApp;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `n` projects, each with two allocations, a transfer, a payment and two progress reports.
async fn portfolio(app: &TestApp, n: usize) {
    let ctx = &app.ctx;
    let caller = Caller::system("test");
    for d in 0..3 {
        departments::create_department(
            ctx,
            &caller,
            departments::DepartmentInput { code: format!("D{d}"), name: format!("部门{d}") },
        )
        .await
        .unwrap();
    }
    for b in 0..2 {
        bonds::create_bond(
            ctx,
            &caller,
            bonds::BondInput {
                code: format!("B{b}"),
                name: format!("债券{b}"),
                kind: "SPECIAL".into(),
                issue_date: day(2025, 1, 10),
                value_date: None,
                term_years: 10,
                coupon_rate_percent: "3.1".parse().unwrap(),
                face_amount: Money::from_fen(100_000_000_000),
                interest_frequency: None,
                amortization: vec![],
            },
        )
        .await
        .unwrap();
    }
    for i in 0..n {
        let code = format!("P{i:03}");
        projects::create_project(
            ctx,
            &caller,
            projects::ProjectInput {
                code: code.clone(),
                department_code: format!("D{}", i % 3),
                approved_investment: Money::from_fen(100_000_000),
                facts: projects::ProjectDetails {
                    name: Some(format!("项目{i}")),
                    executing_unit: Some("单位".into()),
                    category: Some(projects::CATEGORIES[i % 6].into()),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
        for b in 0..2 {
            funding::allocate_bond(
                ctx,
                &caller,
                funding::AllocationInput {
                    bond_code: format!("B{b}"),
                    project_code: code.clone(),
                    amount: Money::from_fen(1_000_000),
                    allocated_on: Some(day(2025, 2, 1)),
                    received_on: Some(day(2025, 2, 3)),
                },
            )
            .await
            .unwrap();
        }
        for kind in ["TRANSFER", "PAYMENT"] {
            let input = records::DisbursementInput {
                project_code: code.clone(),
                bond_code: Some("B0".into()),
                kind: kind.into(),
                paid_on: day(2025, 3, 1),
                amount: Money::from_fen(500_000 + i as i64),
                payee: "施工单位".into(),
                economic_class: "建筑安装工程费".into(),
                voucher_no: None,
            };
            records::record_disbursement(ctx, &caller, input, None).await.unwrap();
        }
        for (period, pct) in [("2025-03", "10"), ("2025-04", "20")] {
            let input = records::ProgressInput {
                project_code: code.clone(),
                period: period.into(),
                planned_percent: pct.into(),
                actual_percent: pct.into(),
                submitted_on: Some(day(2025, 5, 5)),
                note: None,
            };
            records::record_progress(ctx, &caller, input).await.unwrap();
        }
    }
}

const PAGE: &str = r#"query($n: Int!) { projects(first: $n) { nodes { department { name } allocations { amount bond { code couponRatePercent } } latestProgress { actualPercent } disbursed } } }"#;

#[tokio::test]
async fn a_page_of_50_costs_the_statements_of_a_page_of_5() {
    let app = TestApp::spawn().await;
    portfolio(&app, 50).await;
    // The token's check is remembered after its first request (two statements): warm it.
    app.ok("{ __typename }", json!({})).await;
    let mut counts = Vec::new();
    for n in [5, 50] {
        // The fewest of three: a loader's batch can split when a busy machine stalls past
        // its window, which adds a statement that has nothing to do with the page's size.
        let mut fewest = usize::MAX;
        let mut data = json!(null);
        for _ in 0..3 {
            let before = app.statements();
            data = app.ok(PAGE, json!({"n": n})).await;
            fewest = fewest.min(app.statements() - before);
        }
        counts.push(fewest);
        let nodes = data["projects"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), n);
        assert_eq!(nodes[n - 1]["latestProgress"]["actualPercent"], "20");
        assert_eq!(nodes[n - 1]["allocations"].as_array().unwrap().len(), 2);
        assert_eq!(nodes[n - 1]["disbursed"], Money::from_fen(500_000 + n as i64 - 1).to_string());
    }
    assert_eq!(counts[0], counts[1], "statements for 5 and 50 projects: {counts:?}");
    // Two for the page, one a loader level, four for the totals (the token remembered).
    assert!(counts[0] <= 10, "a page costs {} statements", counts[0]);
}

#[tokio::test]
async fn pages_follow_their_cursors_and_filters_count() {
    let app = TestApp::spawn().await;
    portfolio(&app, 12).await;
    let query = r#"query($after: String) { projects(first: 5, after: $after, filter: {departmentCode: "D0"}) { totalCount pageInfo { hasNextPage endCursor } nodes { code } } }"#;
    let mut after = serde_json::Value::Null;
    let mut seen = Vec::new();
    loop {
        let data = app.ok(query, json!({"after": after})).await;
        let page = &data["projects"];
        assert_eq!(page["totalCount"], 4);
        seen.extend(page["nodes"].as_array().unwrap().iter().map(|n| n["code"].as_str().unwrap().to_string()));
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, ["P000", "P003", "P006", "P009"]);

    let data = app
        .ok(
            r#"{ a: projects(filter: {search: "项目1"}) { totalCount } b: projects(filter: {category: "农林水利"}) { totalCount }
                 c: projects(filter: {status: PROPOSED, stage: BORROWING}) { totalCount } d: projects(filter: {stage: USE}) { totalCount }
                 bonds(first: 1) { totalCount pageInfo { hasNextPage } nodes { code faceAmount interestFrequency maturityDate allocations { project { code } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["a"]["totalCount"], 3, "项目1, 项目10, 项目11");
    assert_eq!(data["b"]["totalCount"], 2);
    assert_eq!(data["c"]["totalCount"], 12);
    assert_eq!(data["d"]["totalCount"], 0);
    assert_eq!(data["bonds"]["totalCount"], 2);
    assert_eq!(data["bonds"]["nodes"][0]["interestFrequency"], "ANNUAL", "10 years: annual by default");
    assert_eq!(data["bonds"]["nodes"][0]["maturityDate"], "2035-01-10");
    assert_eq!(data["bonds"]["nodes"][0]["allocations"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn researchers_query_indicators_across_projects() {
    let app = TestApp::spawn().await;
    app.basics().await;
    app.ok(
        r#"mutation {
            createDepartment(input: {code: "MZ", name: "民政局"}) { code }
            a: declareTarget(input: {projectCode: "P1", scope: "ANNUAL", year: 2025, description: "x", indicators: [
                {level1: "产出指标", level2: "数量指标", name: "a", targetText: "≥2000人次"},
                {level1: "效益指标", level2: "社会效益指标", name: "b", targetText: "是"}]}) { id }
            b: declareTarget(input: {departmentCode: "MZ", scope: "LONG_TERM", year: 2023, description: "y", indicators: [
                {level1: "产出指标", level2: "质量指标", name: "c", targetText: "1 0 0%", basis: "计划标准"}]}) { id }
        }"#,
        json!({}),
    )
    .await;
    let data = app
        .ok(
            r#"{ all: indicators { totalCount nodes { name year project { code } department { code } } }
                 out: indicators(filter: {level1: "产出指标"}) { totalCount }
                 mz: indicators(filter: {departmentCode: "MZ"}) { nodes { name basis targetText } }
                 y: indicators(filter: {year: 2025, level2: "社会效益指标"}) { nodes { name } }
                 page: indicators(first: 1) { pageInfo { hasNextPage endCursor } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["all"]["totalCount"], 3);
    assert_eq!(
        data["all"]["nodes"][0]["department"]["code"], "JT",
        "a project's indicator has its project's department"
    );
    assert_eq!(data["all"]["nodes"][2]["project"], json!(null));
    assert_eq!(data["out"]["totalCount"], 2);
    assert_eq!(data["mz"]["nodes"], json!([{"name": "c", "basis": "计划标准", "targetText": "1 0 0%"}]));
    assert_eq!(data["y"]["nodes"], json!([{"name": "b"}]));
    let cursor = data["page"]["pageInfo"]["endCursor"].clone();
    let data = app.ok("query($a: String) { indicators(after: $a) { nodes { name } } }", json!({"a": cursor})).await;
    assert_eq!(data["indicators"]["nodes"], json!([{"name": "b"}, {"name": "c"}]));
}

#[tokio::test]
async fn a_page_of_figures_costs_a_fixed_number_of_statements() {
    let app = TestApp::spawn().await;
    portfolio(&app, 50).await;
    let panel = r#"query($n: Int!) { figures(asOf: "2025-12-31", first: $n) { nodes { project { code } paid spendRatePercent coverageRatio } } }"#;
    app.ok("{ __typename }", json!({})).await;
    let mut counts = Vec::new();
    for n in [5, 50] {
        // The fewest of three, as for a page of projects.
        let mut fewest = usize::MAX;
        let mut data = json!(null);
        for _ in 0..3 {
            let before = app.statements();
            data = app.ok(panel, json!({"n": n})).await;
            fewest = fewest.min(app.statements() - before);
        }
        counts.push(fewest);
        assert_eq!(data["figures"]["nodes"].as_array().unwrap().len(), n);
    }
    assert_eq!(counts[0], counts[1], "statements for 5 and 50 projects' figures: {counts:?}");
    assert!(counts[0] <= 40, "a page of figures costs {} statements", counts[0]);
}
