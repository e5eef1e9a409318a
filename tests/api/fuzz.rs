//! Bad input at scale: random strings, numbers, dates and codes (Chinese text, empty
//! strings, huge numbers, SQL and HTML fragments) thrown at the mutations. No panic,
//! no HTTP 500, and nothing written when the answer is an error.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use crate::helpers::TestApp;

fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   ".to_string()),
        Just("'; DROP TABLE projects; --".to_string()),
        Just("<script>alert('x')</script>".to_string()),
        Just("汉阳区交通运输局".to_string()),
        Just("99999999999999999999999999999.99".to_string()),
        Just("-0.01".to_string()),
        Just("0.001".to_string()),
        Just("1e308".to_string()),
        Just("NaN".to_string()),
        Just("2024-02-30".to_string()),
        Just("2024-13".to_string()),
        Just("P1".to_string()),
        Just("B1".to_string()),
        Just("\u{0}nul".to_string()),
        Just("%_\\".to_string()),
        "[0-9]{1,20}(\\.[0-9]{0,4})?",
        "[0-9]{4}-[0-9]{2}(-[0-9]{2})?",
        "\\PC{0,40}",
        any::<i64>().prop_map(|n| n.to_string()),
    ]
}

const MUTATIONS: &[&str] = &[
    r#"mutation($a: String!, $b: String!, $c: String!) { createProject(input: {code: $a, name: $b, departmentCode: "JT", executingUnit: $c, category: $b, approvedInvestment: $c, plannedStart: $a}) { code } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { recordDisbursement(input: {projectCode: $a, paidOn: $b, amount: $c, payee: $b, economicClass: $a}, idempotencyKey: $c) { id } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { recordProgress(input: {projectCode: "P1", period: $a, plannedPercent: $b, actualPercent: $c}) { period } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { recordRevenue(input: {projectCode: "P1", period: $a, source: $b, collected: $c, transferred: $b}) { id } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { createBond(input: {code: $a, name: $b, kind: SPECIAL, issueDate: $b, termYears: 5, couponRatePercent: $c, faceAmount: $c}) { code } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { allocateBond(input: {bondCode: "B1", projectCode: $a, amount: $b, allocatedOn: $c}) { amount } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { declareTarget(input: {projectCode: $a, scope: $b, description: $c, indicators: [{level1: $a, level2: $b, name: $c, targetText: $a}]}) { id } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { updateProject(code: "P1", expectedVersion: 1, input: {name: $a, currentEstimate: $b, revenueStart: $c}) { version } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { reverseDisbursement(id: $a, reason: $b) { id } recordDebtServicePayment(input: {bondCode: $c, dueDate: $b, amount: $a, paidOn: $b}) { paid } }"#,
    r#"mutation($a: String!, $b: String!, $c: String!) { createDepartment(input: {code: $a, name: $b}) { code } recordDepartmentBudget(input: {departmentCode: $a, year: 2023, incomeTotal: $c, income: [{label: $b, amount: $c, statedPercent: $a}], expenditureTotal: $c, expenditure: []}) { year } }"#,
];

#[test]
fn random_input_never_panics_never_500s_and_writes_nothing_when_refused() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(async {
        let app = TestApp::spawn().await;
        app.basics().await;
        app
    });
    let mut runner = TestRunner::new(Config { cases: 120, failure_persistence: None, ..Config::default() });
    let strategy = (0..MUTATIONS.len(), nasty(), nasty(), nasty());
    runner
        .run(&strategy, |(which, a, b, c)| {
            let (status, body, unchanged) = rt.block_on(async {
                let before = app.snapshot().await;
                let (status, body) =
                    app.send(Some(&app.token.clone()), MUTATIONS[which], json!({"a": a, "b": b, "c": c})).await;
                (status, body.clone(), app.snapshot().await == before)
            });
            prop_assert_eq!(status, 200, "HTTP {} for {:?}: {}", status, (&a, &b, &c), body);
            let errors = body["errors"].as_array().cloned().unwrap_or_default();
            for e in &errors {
                let code = e["extensions"]["code"].as_str().unwrap_or("");
                prop_assert!(code != "INTERNAL", "an internal error for {:?}: {}", (&a, &b, &c), e);
            }
            // Mutations of one request run one after another; when all failed, nothing was written.
            let all_failed =
                body["data"].is_null() || body["data"].as_object().is_some_and(|d| d.values().all(Value::is_null));
            if !errors.is_empty() && all_failed {
                prop_assert!(unchanged, "a refused mutation wrote something: {:?} {}", (&a, &b, &c), body);
            }
            Ok(())
        })
        .unwrap();
}
