//! Money round-trips to the fen on both databases, sums exactly, and is refused
//! (never rounded) when over-precise or out of range.

use serde_json::json;

use crate::helpers::TestApp;

const PAY: &str = r#"mutation($amount: Money!) {
    recordDisbursement(input: {projectCode: "P1", paidOn: "2025-05-01", amount: $amount, payee: "施工单位", economicClass: "建筑安装工程费"}) { amount }
}"#;

#[tokio::test]
async fn amounts_round_trip_to_the_fen() {
    let app = TestApp::spawn().await;
    app.basics().await;
    for amount in ["0.01", "12345678901234.56", "99999999999999.99"] {
        let data = app.ok(PAY, json!({"amount": amount})).await;
        assert_eq!(data["recordDisbursement"]["amount"], amount);
    }
    let data = app.ok(r#"{ project(code: "P1") { disbursed disbursements { nodes { amount } } } }"#, json!({})).await;
    let amounts: Vec<&str> = data["project"]["disbursements"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["0.01", "12345678901234.56", "99999999999999.99"]);
    // The SQL sum is exact: a float would have lost the fen here.
    assert_eq!(data["project"]["disbursed"], "112345678901234.56");
}

#[tokio::test]
async fn sql_sum_of_many_amounts_is_exact() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // 0.10 + 0.20 + … is the classic float trap; 300 of them must sum to the fen.
    for i in 1..=300 {
        let amount = format!("{}.{:02}", i, (i * 7) % 100);
        app.ok(PAY, json!({"amount": amount})).await;
    }
    let expected_fen: i64 = (1..=300).map(|i| i * 100 + (i * 7) % 100).sum();
    let data = app.ok(r#"{ project(code: "P1") { disbursed } }"#, json!({})).await;
    assert_eq!(data["project"]["disbursed"], format!("{}.{:02}", expected_fen / 100, expected_fen % 100));
}

#[tokio::test]
async fn over_precise_or_huge_amounts_are_refused_not_rounded() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let before = app.snapshot().await;
    for (amount, words) in [
        ("0.001", "超过两位小数"),
        ("12.345", "超过两位小数"),
        ("100000000000000.00", "超出可记录的最大金额"),
        ("1e3", "不是金额"),
        ("-5.00", "必须大于零"),
        ("abc", "不是金额"),
    ] {
        let (code, field, message) = app.err(PAY, json!({"amount": amount})).await;
        assert_eq!(code, "VALIDATION", "{amount}");
        assert_eq!(field, "input.amount", "{amount}");
        assert!(message.contains(words), "{amount}: {message}");
    }
    assert_eq!(app.snapshot().await, before, "a refused amount wrote something");
}
