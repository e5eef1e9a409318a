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

/// A request as the fuzzer sends it: a mutation of the contract with hostile values, a
/// query text of noise, or a body of raw bytes.
#[derive(Debug, Clone)]
enum Shot {
    Shaped(usize, String, String, String),
    Text(String),
    Bytes(Vec<u8>),
}

fn shots() -> impl Strategy<Value = Shot> {
    prop_oneof![
        6 => (0..MUTATIONS.len(), nasty(), nasty(), nasty()).prop_map(|(w, a, b, c)| Shot::Shaped(w, a, b, c)),
        2 => prop_oneof![
            "\\PC{0,200}",
            "(query|mutation|fragment|\\{|\\}|\\(|\\)|\\$a|:|\\.\\.\\.|@skip|projects|createProject|input|\\[|\\]|\"x\"|1e9| ){0,60}",
        ]
        .prop_map(Shot::Text),
        2 => proptest::collection::vec(any::<u8>(), 0..300).prop_map(Shot::Bytes),
    ]
}

/// How many requests: `BONDWATCH_FUZZ_CASES`, else a small run for CI (the full run of
/// 10,000 is `BONDWATCH_FUZZ_CASES=10000 cargo test fuzz`).
fn cases() -> u32 {
    std::env::var("BONDWATCH_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
}

#[test]
fn random_input_never_panics_never_500s_and_writes_nothing_when_refused() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(async {
        let app = TestApp::spawn().await;
        app.basics().await;
        app
    });
    let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
    runner
        .run(&shots(), |shot| {
            let (status, body, unchanged) = rt.block_on(async {
                let before = app.snapshot().await;
                let request = app.client.post(format!("{}/graphql", app.url)).bearer_auth(app.token.clone());
                let request = match &shot {
                    Shot::Shaped(which, a, b, c) => {
                        request.json(&json!({"query": MUTATIONS[*which], "variables": {"a": a, "b": b, "c": c}}))
                    }
                    Shot::Text(text) => request.json(&json!({"query": text})),
                    Shot::Bytes(bytes) => request.header("content-type", "application/json").body(bytes.clone()),
                };
                let response = request.send().await.expect("the server answers");
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| json!({"not json": text}));
                (status, body, app.snapshot().await == before)
            });
            prop_assert!(status == 200 || status == 400 || status == 413, "HTTP {} for {:?}: {}", status, shot, body);
            prop_assert!(body.get("not json").is_none(), "not the GraphQL shape for {:?}: {}", shot, body);
            let errors = body["errors"].as_array().cloned().unwrap_or_default();
            for e in &errors {
                let code = e["extensions"]["code"].as_str();
                prop_assert!(code.is_some(), "an error without a code for {:?}: {}", shot, e);
                prop_assert!(code != Some("INTERNAL"), "an internal error for {:?}: {}", shot, e);
            }
            // Mutations of one request run one after another: what changed, a mutation
            // that succeeded wrote; when all failed, nothing was written.
            let succeeded = body["data"].as_object().is_some_and(|d| d.values().any(|v| !v.is_null()));
            prop_assert!(succeeded || unchanged, "a refused request wrote something: {:?} {}", shot, body);
            Ok(())
        })
        .unwrap();
}
