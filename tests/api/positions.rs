//! Money positions through the API (domain.md §2, §4a): use adjustments move only the
//! money that arrived, receipts stay within the allocation in force, and entries
//! without a bond are matched first in, first out. Amounts are worked by hand beside
//! each assertion.

use serde_json::{Value, json};

use crate::helpers::TestApp;

const FIGURES: &str = r#"query($c: String!) { project(code: $c) { bondFunding received transferred disbursed
    allocations { amount received bond { code } } } }"#;

const PREVIEW: &str = r#"query($d: Date!, $c: String) { previewAlerts(asOf: $d, projectCode: $c) {
    rule severity measured evidence bond { code } } }"#;

async fn figures(app: &TestApp, code: &str) -> Value {
    app.ok(FIGURES, json!({"c": code})).await["project"].clone()
}

async fn preview(app: &TestApp, on: &str, code: &str) -> Vec<Value> {
    app.ok(PREVIEW, json!({"d": on, "c": code})).await["previewAlerts"].as_array().unwrap().clone()
}

fn of_rule<'a>(alerts: &'a [Value], rule: &str) -> Vec<&'a Value> {
    alerts.iter().filter(|a| a["rule"] == rule).collect()
}

fn evidence(alert: &Value) -> Value {
    serde_json::from_str(alert["evidence"].as_str().unwrap()).unwrap()
}

async fn second_project(app: &TestApp) {
    app.ok(
        r#"mutation { createProject(input: {code: "P2", name: "停车场", departmentCode: "JT", executingUnit: "区交投",
            category: "交通基础设施", approvedInvestment: "5000000.00", plannedStart: "2025-03-01",
            plannedCompletion: "2027-03-01"}) { code } }"#,
        json!({}),
    )
    .await;
}

const RECEIPT: &str = r#"mutation($c: String!, $a: Money!, $d: Date!) {
    recordReceipt(input: {bondCode: "B1", projectCode: $c, amount: $a, receivedOn: $d}) { amount } }"#;

#[tokio::test]
async fn a_use_adjustment_moves_only_the_money_that_arrived() {
    let app = TestApp::spawn().await;
    app.basics().await;
    second_project(&app).await;
    app.ok(
        r#"mutation {
            allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "300000.00", allocatedOn: "2025-02-01"}) { amount }
            recordReceipt(input: {bondCode: "B1", projectCode: "P1", amount: "100000.00", receivedOn: "2025-02-05"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    // 200,000.00 away from a project that received 100,000.00: allowed (300,000 in force − 0 paid),
    // and only the 100,000.00 that arrived moves.
    app.ok(
        r#"mutation { adjustUse(input: {bondCode: "B1", fromProjectCode: "P1", toProjectCode: "P2", amount: "200000.00",
            reason: "项目发生重大变化或需求减少", approvedOn: "2025-03-01"}) { amount } }"#,
        json!({}),
    )
    .await;
    let p1 = figures(&app, "P1").await;
    // P1: 300,000 − 200,000 = 100,000 in force; received 100,000 − 100,000 moved = 0 (not −100,000).
    assert_eq!((p1["bondFunding"].as_str(), p1["received"].as_str()), (Some("100000.00"), Some("0.00")));
    assert_eq!(
        (p1["allocations"][0]["amount"].as_str(), p1["allocations"][0]["received"].as_str()),
        (Some("100000.00"), Some("0.00"))
    );
    let p2 = figures(&app, "P2").await;
    // P2: 200,000 in force, of which the 100,000 that existed arrived (not 200,000).
    assert_eq!((p2["bondFunding"].as_str(), p2["received"].as_str()), (Some("200000.00"), Some("100000.00")));
    assert_eq!(p2["allocations"][0]["bond"]["code"], "B1", "the adjustment gave P2 an allocation of B1");
    assert_eq!(p2["allocations"][0]["amount"], "200000.00");

    // The moved money's M1 clock starts on the approval date: 15 April is 45 days after 1 March (> 30).
    let m1 = preview(&app, "2025-04-15", "P2").await;
    let m1 = of_rule(&m1, "M1");
    assert_eq!(m1.len(), 1, "{m1:?}");
    assert_eq!(m1[0]["severity"], "YELLOW");
    assert_eq!(evidence(m1[0])["oldest_since"], "2025-03-01");
    assert_eq!(evidence(m1[0])["held"], "100000.00");

    // Receipts stay within the allocation in force: P1 may receive 100,000.00 more (100,000 − 0), not a fen
    // more; P2 100,000.00 (200,000 − 100,000).
    let before = app.snapshot().await;
    for (code, amount) in [("P1", "100000.01"), ("P2", "100000.01")] {
        let (c, field, message) = app.err(RECEIPT, json!({"c": code, "a": amount, "d": "2025-04-01"})).await;
        assert_eq!((c.as_str(), field.as_str()), ("VALIDATION", "input.amount"), "{code}: {message}");
        assert!(message.contains("超过当日有效的分配额"), "{message}");
    }
    assert_eq!(app.snapshot().await, before, "a refused receipt writes nothing");
    for code in ["P1", "P2"] {
        app.ok(RECEIPT, json!({"c": code, "a": "100000.00", "d": "2025-04-01"})).await;
    }
    // 100,000 + 200,000 = the 300,000 of the allocation, now all arrived.
    let portfolio = app.ok(r#"{ portfolio(asOf: "2025-04-30") { bondFunding received } }"#, json!({})).await;
    assert_eq!(portfolio["portfolio"], json!({"bondFunding": "300000.00", "received": "300000.00"}));
}

#[tokio::test]
async fn an_adjustment_beyond_what_can_move_or_before_the_money_is_refused() {
    let app = TestApp::spawn().await;
    app.basics().await;
    second_project(&app).await;
    app.ok(
        r#"mutation {
            allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "300000.00", receivedOn: "2025-02-05"}) { allocatedOn }
            recordDisbursement(input: {projectCode: "P1", bondCode: "B1", kind: TRANSFER, paidOn: "2025-02-10", amount: "120000.00", payee: "区交投", economicClass: "资本性支出"}) { id }
            p: recordDisbursement(input: {projectCode: "P1", bondCode: "B1", paidOn: "2025-02-20", amount: "50000.00", payee: "中建三局", economicClass: "建筑安装工程费"}) { id }
        }"#,
        json!({}),
    )
    .await;
    let adjust = r#"mutation($a: Money!, $d: Date!) { adjustUse(input: {bondCode: "B1", fromProjectCode: "P1", toProjectCode: "P2",
        amount: $a, reason: "其他", approvedOn: $d}) { amount } }"#;
    let before = app.snapshot().await;
    // At most 300,000 in force − 50,000 paid = 250,000 can leave.
    let (code, field, message) = app.err(adjust, json!({"a": "250000.01", "d": "2025-03-01"})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "input.amount"), "{message}");
    assert!(message.contains("最多可调出250000.00元"), "{message}");
    // Allocated on the receipt's date, 5 February: an approval on the 4th comes before the money.
    let (code, field, message) = app.err(adjust, json!({"a": "1000.00", "d": "2025-02-04"})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "input.approvedOn"), "{message}");
    // Before the bond's issue on 10 January.
    let (_, field, _) = app.err(adjust, json!({"a": "1000.00", "d": "2025-01-09"})).await;
    assert_eq!(field, "input.approvedOn");
    assert_eq!(app.snapshot().await, before, "nothing written");

    // 250,000 moves 180,000 from the treasury (300,000 − 120,000) and 70,000 of the unit's 70,000
    // (120,000 − 50,000), returned: P1 keeps 50,000 in force, 50,000 received, 50,000 transferred, 50,000 paid.
    app.ok(adjust, json!({"a": "250000.00", "d": "2025-03-01"})).await;
    let p1 = figures(&app, "P1").await;
    assert_eq!(
        (&p1["bondFunding"], &p1["received"], &p1["transferred"], &p1["disbursed"]),
        (&json!("50000.00"), &json!("50000.00"), &json!("50000.00"), &json!("50000.00"))
    );
    let p2 = figures(&app, "P2").await;
    assert_eq!((&p2["bondFunding"], &p2["received"]), (&json!("250000.00"), &json!("250000.00")));
    // The portfolio: 300,000 received in all; transferred 120,000 − 70,000 returned = 50,000.
    let portfolio = app.ok(r#"{ portfolio(asOf: "2025-03-31") { received disbursed } }"#, json!({})).await;
    assert_eq!(portfolio["portfolio"], json!({"received": "300000.00", "disbursed": "50000.00"}));
}

#[tokio::test]
async fn entries_without_a_bond_take_the_oldest_money_and_m12_names_what_went_past() {
    let app = TestApp::spawn().await;
    app.basics().await;
    app.ok(
        r#"mutation {
            allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000000.00", allocatedOn: "2025-02-01", receivedOn: "2025-02-01"}) { amount }
            t: recordDisbursement(input: {projectCode: "P1", kind: TRANSFER, paidOn: "2025-02-10", amount: "600000.00", payee: "区交投", economicClass: "资本性支出"}) { id }
            p: recordDisbursement(input: {projectCode: "P1", paidOn: "2025-02-20", amount: "600000.00", payee: "中建三局", economicClass: "建筑安装工程费"}) { id }
        }"#,
        json!({}),
    )
    .await;
    // 1 July is 150 days after 1 February. The bond-less transfer took 600,000 of B1's money, so
    // 400,000 is held in the treasury (M1 orange, > 90 days), and the unit holds nothing (no M2).
    let alerts = preview(&app, "2025-07-01", "P1").await;
    let m1 = of_rule(&alerts, "M1");
    assert_eq!(m1.len(), 1, "{alerts:?}");
    assert_eq!((m1[0]["severity"].as_str(), m1[0]["measured"].as_str()), (Some("ORANGE"), Some("150天")));
    assert_eq!(evidence(m1[0])["held"], "400000.00");
    assert_eq!(m1[0]["bond"]["code"], "B1");
    assert!(of_rule(&alerts, "M2").is_empty(), "the payment without a bond spent what was transferred: {alerts:?}");
    assert!(of_rule(&alerts, "M12").is_empty());

    // 500,000 more transferred without a bond on 10 July: 400,000 of B1's, 100,000 beyond every bond.
    app.ok(
        r#"mutation { recordDisbursement(input: {projectCode: "P1", kind: TRANSFER, paidOn: "2025-07-10", amount: "500000.00", payee: "区交投", economicClass: "资本性支出"}) { id } }"#,
        json!({}),
    )
    .await;
    let alerts = preview(&app, "2025-07-15", "P1").await;
    let m12 = of_rule(&alerts, "M12");
    assert_eq!(m12.len(), 1, "{alerts:?}");
    // 100,000.00 元 = 10.00万元; the project is the subject, since no bond's money covers it.
    assert_eq!((m12[0]["severity"].as_str(), m12[0]["measured"].as_str()), (Some("RED"), Some("10.00万元")));
    assert!(m12[0]["bond"].is_null());
    assert_eq!(evidence(m12[0])["entries"][0]["uncovered"], "100000.00");
    assert!(of_rule(&alerts, "M1").is_empty(), "the treasury holds nothing now");
    let p1 = figures(&app, "P1").await;
    // received 1,000,000; transferred 600,000 + 500,000 = 1,100,000; paid 600,000.
    assert_eq!(
        (&p1["received"], &p1["transferred"], &p1["disbursed"]),
        (&json!("1000000.00"), &json!("1100000.00"), &json!("600000.00"))
    );
    // Before 10 July nothing went past.
    assert!(of_rule(&preview(&app, "2025-07-09", "P1").await, "M12").is_empty());
}
