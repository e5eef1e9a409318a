//! The figures of domain.md §4a through the API: `Project.figures` and the research
//! panel `Query.figures`, as of a date, with the status in force on that date.
//! Every number is worked by hand beside its assertion.

use serde_json::json;

use crate::helpers::TestApp;

const FIGURES: &str = r#"query($c: String!, $d: Date) { project(code: $c) { figures(asOf: $d) {
    asOf status stage bondFunding received transferred paid heldInTreasury heldAtUnit
    fundingInPlacePercent spendRatePercent spendProgressPercent plannedSpendPercent physicalProgressPercent
    coverageRatio rollingCoverageRatio realisationRatePercent dedicatedBalance
    outstandingPrincipal overdueDebtService debtServiceNext12Months } } }"#;

async fn ledger(app: &TestApp) {
    // P1: 60,000,000 planned from bonds; 40,000,000 allocated on 1 February 2025, 30,000,000 received
    // on 10 February; 20,000,000 transferred on 1 March, 15,000,000 paid on 20 March; progress 30%
    // for March 2025; under construction from 15 January 2026 (funded before).
    app.ok(
        r#"mutation {
            allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "40000000.00", allocatedOn: "2025-02-01"}) { amount }
            recordReceipt(input: {bondCode: "B1", projectCode: "P1", amount: "30000000.00", receivedOn: "2025-02-10"}) { amount }
            t: recordDisbursement(input: {projectCode: "P1", bondCode: "B1", kind: TRANSFER, paidOn: "2025-03-01", amount: "20000000.00", payee: "区交投", economicClass: "资本性支出"}) { id }
            p: recordDisbursement(input: {projectCode: "P1", bondCode: "B1", paidOn: "2025-03-20", amount: "15000000.00", payee: "中建三局", economicClass: "建筑安装工程费"}) { id }
            recordProgress(input: {projectCode: "P1", period: "2025-03", plannedPercent: "35", actualPercent: "30", submittedOn: "2025-04-05"}) { period }
            a: setProjectStatus(code: "P1", status: APPROVED, effectiveOn: "2025-01-05") { status }
            f: setProjectStatus(code: "P1", status: FUNDED, effectiveOn: "2025-02-01") { status }
            u: setProjectStatus(code: "P1", status: UNDER_CONSTRUCTION, effectiveOn: "2026-01-15") { status }
        }"#,
        json!({}),
    )
    .await;
}

#[tokio::test]
async fn a_projects_figures_on_a_date_are_defined_once() {
    let app = TestApp::spawn().await;
    app.basics().await;
    ledger(&app).await;
    let data = app.ok(FIGURES, json!({"c": "P1", "d": "2025-12-31"})).await;
    let x = &data["project"]["figures"];
    assert_eq!(x["asOf"], "2025-12-31");
    // The status in force on 31 December 2025 is FUNDED (the works began on 15 January 2026).
    assert_eq!((x["status"].as_str(), x["stage"].as_str()), (Some("FUNDED"), Some("USE")));
    assert_eq!(x["bondFunding"], "40000000.00");
    assert_eq!(x["received"], "30000000.00");
    assert_eq!(x["transferred"], "20000000.00");
    assert_eq!(x["paid"], "15000000.00");
    // 30,000,000 − 20,000,000 and 20,000,000 − 15,000,000.
    assert_eq!((x["heldInTreasury"].as_str(), x["heldAtUnit"].as_str()), (Some("10000000.00"), Some("5000000.00")));
    // 30 ÷ 60 = 50.00%; 15 ÷ 30 = 50.00%; 15 ÷ 40 = 37.50%.
    assert_eq!(x["fundingInPlacePercent"], "50.00");
    assert_eq!(x["spendRatePercent"], "50.00");
    assert_eq!(x["spendProgressPercent"], "37.50");
    // No plan: linear from the first receipt (10 Feb 2025, 0) to the planned completion (1 Mar 2027,
    // 100): 324 of 749 days = 43.2577…% → 43.26.
    assert_eq!(x["plannedSpendPercent"], "43.26");
    assert_eq!(x["physicalProgressPercent"], "30.00");
    // No revenue forecast: coverage and realisation cannot be computed.
    assert!(x["coverageRatio"].is_null() && x["realisationRatePercent"].is_null(), "{x}");
    assert_eq!(x["dedicatedBalance"], "0.00");
    // B1: 500,000,000 at 3.27% for 10 years, annual; P1's share 40/500: interest 40,000,000 × 3.27%
    // = 1,308,000.00 a year, due each 10 January; the one of 10 January 2026 is within 12 months.
    assert_eq!(x["debtServiceNext12Months"], "1308000.00");
    assert_eq!(x["overdueDebtService"], "0.00");
    assert_eq!(x["outstandingPrincipal"], "40000000.00");

    // On 1 February 2026 the status is UNDER_CONSTRUCTION, and the coupon of 10 January is overdue.
    let data = app.ok(FIGURES, json!({"c": "P1", "d": "2026-02-01"})).await;
    let x = &data["project"]["figures"];
    assert_eq!(x["status"], "UNDER_CONSTRUCTION");
    assert_eq!(x["overdueDebtService"], "1308000.00");
    // The S8 alert of the same day says the same amount: 1,308,000.00 元 = 130.80万元, 22 days after 10 January.
    let alerts =
        app.ok(r#"{ previewAlerts(asOf: "2026-02-01", projectCode: "P1") { rule measured } }"#, json!({})).await;
    let s8: Vec<_> = alerts["previewAlerts"].as_array().unwrap().iter().filter(|a| a["rule"] == "S8").collect();
    assert_eq!(s8.len(), 1, "{alerts}");
    assert_eq!(s8[0]["measured"], "130.80万元,逾期22天");
}

#[tokio::test]
async fn the_research_panel_filters_by_status_and_stage_on_its_date() {
    let app = TestApp::spawn().await;
    app.basics().await;
    ledger(&app).await;
    app.ok(
        r#"mutation { createProject(input: {code: "P2", name: "停车场", departmentCode: "JT", executingUnit: "区交投",
            category: "交通基础设施", approvedInvestment: "5000000.00"}) { code } }"#,
        json!({}),
    )
    .await;
    let panel = r#"query($d: Date!, $f: ProjectFilter) { figures(asOf: $d, filter: $f, first: 1) {
        totalCount pageInfo { hasNextPage endCursor } nodes { project { code } status paid } } }"#;
    let all = app.ok(panel, json!({"d": "2025-12-31"})).await;
    assert_eq!(all["figures"]["totalCount"], 2);
    assert_eq!(all["figures"]["nodes"][0]["project"]["code"], "P1");
    assert_eq!(all["figures"]["nodes"][0]["paid"], "15000000.00");
    assert_eq!(all["figures"]["pageInfo"]["hasNextPage"], true);
    let cursor = all["figures"]["pageInfo"]["endCursor"].as_str().unwrap();
    let next = app
        .ok(
            r#"query($d: Date!, $a: String) { figures(asOf: $d, after: $a) { nodes { project { code } status } } }"#,
            json!({"d": "2025-12-31", "a": cursor}),
        )
        .await;
    // P2 was registered today (15 June 2026) as PROPOSED, which stands for all time before.
    assert_eq!(next["figures"]["nodes"], json!([{"project": {"code": "P2"}, "status": "PROPOSED"}]));
    // On 31 December 2025 P1 was FUNDED, not UNDER_CONSTRUCTION (today's status).
    let funded = app.ok(panel, json!({"d": "2025-12-31", "f": {"status": "FUNDED"}})).await;
    assert_eq!(funded["figures"]["totalCount"], 1);
    assert_eq!(funded["figures"]["nodes"][0]["project"]["code"], "P1");
    let building = app.ok(panel, json!({"d": "2025-12-31", "f": {"status": "UNDER_CONSTRUCTION"}})).await;
    assert_eq!(building["figures"]["totalCount"], 0);
    let later = app.ok(panel, json!({"d": "2026-02-01", "f": {"status": "UNDER_CONSTRUCTION"}})).await;
    assert_eq!(later["figures"]["totalCount"], 1);
    let borrowing = app.ok(panel, json!({"d": "2025-12-31", "f": {"stage": "BORROWING"}})).await;
    assert_eq!(borrowing["figures"]["nodes"][0]["project"]["code"], "P2");
}

const PREVIEW: &str = r#"query($d: Date!, $k: DateTime) { previewAlerts(asOf: $d, projectCode: "P1", knownAt: $k) {
    rule severity measured } }"#;

async fn rules(app: &TestApp, on: &str, known_at: Option<&str>) -> Vec<(String, String)> {
    let data = app.ok(PREVIEW, json!({"d": on, "k": known_at})).await;
    let mut found: Vec<(String, String)> = data["previewAlerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["rule"].as_str().unwrap().to_string(), a["severity"].as_str().unwrap().to_string()))
        .collect();
    found.sort();
    found
}

fn has(found: &[(String, String)], rule: &str, severity: &str) -> bool {
    found.iter().any(|(r, s)| r == rule && s == severity)
}

#[tokio::test]
async fn alerts_and_figures_replay_as_of_a_date_and_as_known_at_a_moment() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // Recorded on 15 June 2026 (10:00 Shanghai): 1,000,000 received on 1 February 2025, a forecast
    // with revenue, and the works begun on 1 September 2025 (planned start 1 March 2025).
    app.ok(
        r#"mutation {
            allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000000.00", receivedOn: "2025-02-01"}) { amount }
            setRevenueForecast(projectCode: "P1", years: [{year: 2027, revenue: "900000.00", operatingCost: "100000.00"}]) { code }
            a: setProjectStatus(code: "P1", status: APPROVED, effectiveOn: "2025-01-05") { status }
            f: setProjectStatus(code: "P1", status: FUNDED, effectiveOn: "2025-02-01") { status }
            u: setProjectStatus(code: "P1", status: UNDER_CONSTRUCTION, effectiveOn: "2025-09-01") { status }
        }"#,
        json!({}),
    )
    .await;
    // On 20 June 2026 a transfer of 20 February 2025 is entered late, and the forecast is corrected to
    // no revenue at all.
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 6, 20, 2, 0, 0).unwrap());
    app.ok(
        r#"mutation {
            recordDisbursement(input: {projectCode: "P1", bondCode: "B1", kind: TRANSFER, paidOn: "2025-02-20", amount: "1000000.00", payee: "区交投", economicClass: "资本性支出"}) { id }
            setRevenueForecast(projectCode: "P1", years: [{year: 2027, revenue: "0.00", operatingCost: "100000.00"}]) { code }
        }"#,
        json!({}),
    )
    .await;
    let between = "2026-06-16T00:00:00+08:00";

    // 1 July 2025, with everything recorded: the treasury transferred all on 20 February, so the unit has
    // held 1,000,000 for 131 days (> 90: M2 yellow) and the treasury nothing (no M1); the forecast has no
    // revenue (D6 red, 完全无收益); not started 122 days after the planned start (O3 yellow: the works
    // began only in September, whatever the status is today).
    let now = rules(&app, "2025-07-01", None).await;
    assert!(has(&now, "M2", "YELLOW") && !now.iter().any(|(r, _)| r == "M1"), "{now:?}");
    assert!(has(&now, "D6", "RED"), "{now:?}");
    assert!(has(&now, "O3", "YELLOW"), "{now:?}");
    // As known on 16 June 2026: no transfer yet, so 1,000,000 held in the treasury since 1 February, 150
    // days (> 90: M1 orange), no M2; the forecast as it stood then had revenue (no D6).
    let then = rules(&app, "2025-07-01", Some(between)).await;
    assert!(has(&then, "M1", "ORANGE") && !then.iter().any(|(r, _)| r == "M2"), "{then:?}");
    assert!(!then.iter().any(|(r, _)| r == "D6"), "{then:?}");
    // After the works began, no O3 for the start.
    assert!(!rules(&app, "2025-10-01", None).await.iter().any(|(r, _)| r == "O3"));

    let figures = r#"query($k: DateTime) { project(code: "P1") { figures(asOf: "2025-07-01", knownAt: $k) {
        knownAt transferred heldInTreasury status } } }"#;
    let now = app.ok(figures, json!({"k": null})).await;
    assert_eq!(
        now["project"]["figures"],
        json!({"knownAt": null, "transferred": "1000000.00", "heldInTreasury": "0.00", "status": "FUNDED"})
    );
    let then = app.ok(figures, json!({"k": between})).await;
    assert_eq!(then["project"]["figures"]["transferred"], "0.00");
    assert_eq!(then["project"]["figures"]["heldInTreasury"], "1000000.00");
    assert!(then["project"]["figures"]["knownAt"].as_str().unwrap().starts_with("2026-06-15T16:00:00"));
    let panel = app
        .ok(
            r#"query($k: DateTime) { figures(asOf: "2025-07-01", knownAt: $k) { nodes { paid transferred } } }"#,
            json!({"k": between}),
        )
        .await;
    assert_eq!(panel["figures"]["nodes"][0]["transferred"], "0.00");
}
