//! Malformed and impossible input: a clear error with `extensions.code` and
//! `extensions.field`, and nothing written.

use serde_json::json;

use crate::helpers::TestApp;

/// (what is wrong, mutation, expected code, expected field, words the message must contain)
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "a 27-digit amount (it used to panic the worker)",
        r#"mutation { recordDisbursement(input: {projectCode: "P1", paidOn: "2025-03-01", amount: "123456789012345678901234567", payee: "p", economicClass: "建筑安装工程费"}) { id } }"#,
        "VALIDATION",
        "input.amount",
        "最大金额",
    ),
    (
        "negative money",
        r#"mutation { createProject(input: {code: "P9", name: "x", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "-1.00"}) { code } }"#,
        "VALIDATION",
        "input.approvedInvestment",
        "负数",
    ),
    (
        "over-precise money",
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "10.005"}) { amount } }"#,
        "VALIDATION",
        "input.amount",
        "超过两位小数",
    ),
    (
        "unknown department",
        r#"mutation { createProject(input: {code: "P9", name: "x", departmentCode: "NOPE", executingUnit: "u", category: "交通基础设施", approvedInvestment: "1.00"}) { code } }"#,
        "NOT_FOUND",
        "input.departmentCode",
        "NOPE",
    ),
    (
        "duplicate project code",
        r#"mutation { createProject(input: {code: "P1", name: "x", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "1.00"}) { code } }"#,
        "CONFLICT",
        "input.code",
        "已存在",
    ),
    (
        "duplicate department code",
        r#"mutation { createDepartment(input: {code: "JT", name: "again"}) { code } }"#,
        "CONFLICT",
        "input.code",
        "已存在",
    ),
    (
        "duplicate bond code",
        r#"mutation { createBond(input: {code: "B1", name: "x", kind: SPECIAL, issueDate: "2025-01-01", termYears: 5, couponRatePercent: "2.5", faceAmount: "100.00"}) { code } }"#,
        "CONFLICT",
        "input.code",
        "已存在",
    ),
    (
        "unknown category",
        r#"mutation { createProject(input: {code: "P9", name: "x", departmentCode: "JT", executingUnit: "u", category: "高尔夫球场", approvedInvestment: "1.00"}) { code } }"#,
        "VALIDATION",
        "input.category",
        "项目类别",
    ),
    (
        "bad code",
        r#"mutation { createDepartment(input: {code: "汉 阳", name: "x"}) { code } }"#,
        "VALIDATION",
        "input.code",
        "不是有效的代码",
    ),
    (
        "end before start",
        r#"mutation { createProject(input: {code: "P9", name: "x", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "1.00", plannedStart: "2025-05-01", plannedCompletion: "2025-01-01"}) { code } }"#,
        "VALIDATION",
        "input.plannedCompletion",
        "早于开始日期",
    ),
    (
        "revenue end before start",
        r#"mutation { updateProject(code: "P1", expectedVersion: 1, input: {revenueStart: "2030-01-01", revenueEnd: "2029-01-01"}) { code } }"#,
        "VALIDATION",
        "input.revenueEnd",
        "早于开始日期",
    ),
    (
        "malformed date",
        r#"mutation { recordDisbursement(input: {projectCode: "P1", paidOn: "2025-02-30", amount: "1.00", payee: "p", economicClass: "c"}) { id } }"#,
        "VALIDATION",
        "input.paidOn",
        "不是日期",
    ),
    (
        "malformed period",
        r#"mutation { recordProgress(input: {projectCode: "P1", period: "2025-13", plannedPercent: "1", actualPercent: "1"}) { period } }"#,
        "VALIDATION",
        "input.period",
        "YYYY-MM",
    ),
    (
        "percent above 100",
        r#"mutation { recordProgress(input: {projectCode: "P1", period: "2025-03", plannedPercent: "10", actualPercent: "120"}) { period } }"#,
        "VALIDATION",
        "input.actualPercent",
        "0 至 100",
    ),
    (
        "allocation beyond the face",
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "500000000.01"}) { amount } }"#,
        "VALIDATION",
        "input.amount",
        "尚可分配",
    ),
    (
        "unknown bond",
        r#"mutation { recordReceipt(input: {bondCode: "NOPE", projectCode: "P1", amount: "1.00", receivedOn: "2025-03-01"}) { amount } }"#,
        "NOT_FOUND",
        "input.bondCode",
        "NOPE",
    ),
    (
        "receipt without allocation",
        r#"mutation { recordReceipt(input: {bondCode: "B1", projectCode: "P1", amount: "1.00", receivedOn: "2025-03-01"}) { amount } }"#,
        "NOT_FOUND",
        "input.projectCode",
        "请先分配",
    ),
    (
        "adjustment beyond holdings",
        r#"mutation { adjustUse(input: {bondCode: "B1", fromProjectCode: "P1", toProjectCode: "P1", amount: "1.00", reason: "其他", approvedOn: "2025-03-01"}) { amount } }"#,
        "VALIDATION",
        "input.toProjectCode",
        "不能相同",
    ),
    (
        "adjustment reason not allowed",
        r#"mutation { adjustUse(input: {bondCode: "B1", fromProjectCode: "P1", toProjectCode: "P2", amount: "1.00", reason: "领导要求", approvedOn: "2025-03-01"}) { amount } }"#,
        "VALIDATION",
        "input.reason",
        "110号",
    ),
    (
        "amortization not 100%",
        r#"mutation { createBond(input: {code: "B9", name: "x", kind: SPECIAL, issueDate: "2025-01-01", termYears: 5, couponRatePercent: "2.5", faceAmount: "100.00", amortization: [{year: 3, percentOfFace: "50"}]}) { code } }"#,
        "VALIDATION",
        "input.amortization",
        "100%",
    ),
    (
        "coupon out of range",
        r#"mutation { createBond(input: {code: "B9", name: "x", kind: SPECIAL, issueDate: "2025-01-01", termYears: 5, couponRatePercent: "35", faceAmount: "100.00"}) { code } }"#,
        "VALIDATION",
        "input.couponRatePercent",
        "不合理",
    ),
    (
        "spending plan falls",
        r#"mutation { setSpendingPlan(projectCode: "P1", months: [{period: "2025-03", cumulativePercent: "40"}, {period: "2025-04", cumulativePercent: "30"}]) { code } }"#,
        "VALIDATION",
        "months[1].cumulativePercent",
        "累计",
    ),
    (
        "forecast year twice",
        r#"mutation { setRevenueForecast(projectCode: "P1", years: [{year: 2027, revenue: "1.00", operatingCost: "0.00"}, {year: 2027, revenue: "2.00", operatingCost: "0.00"}]) { code } }"#,
        "VALIDATION",
        "years[1].year",
        "重复填写",
    ),
    (
        "unknown project in patch",
        r#"mutation { updateProject(code: "NOPE", expectedVersion: 1, input: {name: "x"}) { code } }"#,
        "NOT_FOUND",
        "code",
        "NOPE",
    ),
    (
        "unknown disbursement",
        r#"mutation { reverseDisbursement(id: "99999", reason: "x") { id } }"#,
        "NOT_FOUND",
        "id",
        "99999",
    ),
    (
        "reversal without reason",
        r#"mutation { reverseDisbursement(id: "1", reason: "  ") { id } }"#,
        "VALIDATION",
        "reason",
        "不能为空",
    ),
    (
        "target with two owners",
        r#"mutation { declareTarget(input: {projectCode: "P1", departmentCode: "JT", scope: "ANNUAL", year: 2025, description: "x", indicators: []}) { id } }"#,
        "VALIDATION",
        "input.projectCode",
        "须填且只填一个",
    ),
    (
        "actual period malformed",
        r#"mutation { recordIndicatorActual(input: {indicatorId: "1", period: "2025-Q5", actual: "1"}) { id } }"#,
        "VALIDATION",
        "input.period",
        "季度",
    ),
    (
        "assessment conclusion",
        r#"mutation { submitAssessment(input: {projectCode: "P1", submittedOn: "2025-01-01", conclusion: "同意", points: []}) { conclusion } }"#,
        "VALIDATION",
        "input.conclusion",
        "予以支持",
    ),
    (
        "assessment point 9",
        r#"mutation { submitAssessment(input: {projectCode: "P1", submittedOn: "2025-01-01", conclusion: "予以支持", points: [{point: 9}]}) { conclusion } }"#,
        "VALIDATION",
        "input.points[0].point",
        "1 至 8",
    ),
    (
        "budget percent",
        r#"mutation { recordDepartmentBudget(input: {departmentCode: "JT", year: 2023, incomeTotal: "1.00", income: [{label: "财政拨款", amount: "1.00", statedPercent: "101"}], expenditureTotal: "1.00", expenditure: []}) { year } }"#,
        "VALIDATION",
        "input.income[0].statedPercent",
        "0 至 100",
    ),
    (
        "revenue with nothing",
        r#"mutation { recordRevenue(input: {projectCode: "P1", period: "2025-03", source: "停车费", collected: "0.00", transferred: "0.00"}) { id } }"#,
        "VALIDATION",
        "input.collected",
        "都为零",
    ),
    ("page too large", r#"{ projects(first: 1000) { totalCount } }"#, "VALIDATION", "first", "每页最多"),
    ("foreign cursor", r#"{ projects(after: "!!!") { totalCount } }"#, "VALIDATION", "after", "游标"),
    // "abc" is valid base64 and decodes to text: still not a cursor bondwatch gave.
    (
        "a cursor that decodes but is not ours",
        r#"{ projects(after: "abc") { totalCount } }"#,
        "VALIDATION",
        "after",
        "游标",
    ),
    (
        "money with a space",
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: " 1.00"}) { amount } }"#,
        "VALIDATION",
        "input.amount",
        "不是金额",
    ),
    (
        "money ending in a point",
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1."}) { amount } }"#,
        "VALIDATION",
        "input.amount",
        "不是金额",
    ),
    (
        "money starting with a point",
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: ".5"}) { amount } }"#,
        "VALIDATION",
        "input.amount",
        "不是金额",
    ),
    (
        "money with three decimals, even zero",
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1.000"}) { amount } }"#,
        "VALIDATION",
        "input.amount",
        "超过两位小数",
    ),
    (
        "a date without its leading zeros",
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1.00", allocatedOn: "2025-3-1"}) { amount } }"#,
        "VALIDATION",
        "input.allocatedOn",
        "YYYY-MM-DD",
    ),
    (
        "a search of 100,000 characters",
        r#"{ projects(filter: {search: "LONG"}) { totalCount } }"#,
        "VALIDATION",
        "filter.search",
        "200",
    ),
];

#[tokio::test]
async fn malformed_input_is_refused_with_code_and_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    app.basics().await;
    app.ok(
        r#"mutation { createProject(input: {code: "P2", name: "停车场", departmentCode: "JT", executingUnit: "区交投", category: "交通基础设施", approvedInvestment: "5000000.00"}) { code } }"#,
        json!({}),
    )
    .await;
    let before = app.snapshot().await;
    for (what, mutation, code, field, words) in CASES {
        let mutation = mutation.replace("LONG", &"长".repeat(100_000));
        let (got_code, got_field, message) = app.err(&mutation, json!({})).await;
        assert_eq!(got_code, *code, "{what}: {message}");
        assert_eq!(got_field, *field, "{what}: {message}");
        assert!(message.contains(words), "{what}: the message '{message}' should say '{words}'");
        assert_eq!(app.snapshot().await, before, "{what}: a refused mutation wrote something");
    }
}

#[tokio::test]
async fn impossible_receipts_and_adjustments_are_refused() {
    let app = TestApp::spawn().await;
    app.basics().await;
    app.ok(
        r#"mutation {
            createProject(input: {code: "P2", name: "停车场", departmentCode: "JT", executingUnit: "区交投", category: "交通基础设施", approvedInvestment: "5000000.00"}) { code }
            allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000.00", allocatedOn: "2025-02-01", receivedOn: "2025-02-02"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    let before = app.snapshot().await;
    let (code, field, message) = app
        .err(r#"mutation { recordReceipt(input: {bondCode: "B1", projectCode: "P1", amount: "0.01", receivedOn: "2025-03-01"}) { amount } }"#, json!({}))
        .await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "input.amount"), "{message}");
    let (code, field, message) = app
        .err(
            r#"mutation { adjustUse(input: {bondCode: "B1", fromProjectCode: "P1", toProjectCode: "P2", amount: "1000.01", reason: "其他", approvedOn: "2025-03-01"}) { amount } }"#,
            json!({}),
        )
        .await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "input.amount"));
    // Allocation in force 1000.00 − paid 0.00 = 1000.00 can move at most.
    assert!(message.contains("最多可调出1000.00元"), "{message}");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_qualitative_actual_needs_its_judgement_and_spaces_keep_a_target() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let data = app
        .ok(
            r#"mutation { declareTarget(input: {projectCode: "P1", scope: "ANNUAL", year: 2026, description: "年度目标", indicators: [
                {level1: "效益指标", level2: "社会效益指标", name: "群众出行条件", targetText: "有较大 提升"},
                {level1: "产出指标", level2: "数量指标", name: "服务人次", targetText: "≥2000 人次"}]})
                { indicators { id name target { kind } } } }"#,
            json!({}),
        )
        .await;
    let indicators = data["declareTarget"]["indicators"].as_array().unwrap();
    // "≥2000 人次": the space between number and unit does not lose the quantity target.
    assert_eq!(indicators[1]["target"]["kind"], "QUANTITY");
    let qualitative = indicators[0]["id"].as_str().unwrap().to_string();
    let before = app.snapshot().await;
    let record = r#"mutation($i: ID!, $j: String) { recordIndicatorActual(input: {indicatorId: $i, period: "2026-05", actual: "明显改善", judgement: $j}) { id } }"#;
    let (code, field, message) = app.err(record, json!({"i": qualitative})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "input.judgement"), "{message}");
    assert!(message.contains("定性目标"), "{message}");
    assert_eq!(app.snapshot().await, before, "nothing written");
    app.ok(record, json!({"i": qualitative, "j": "部分达成"})).await;
}

/// What is not one GraphQL request, or breaks its rules before any resolver runs, is
/// still answered in the GraphQL error shape with a code: never plain text, never a 500.
#[tokio::test]
async fn every_error_has_a_code() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let before = app.snapshot().await;
    let post = |body: String, content_type: &'static str| {
        let r = app
            .client
            .post(format!("{}/graphql", app.url))
            .bearer_auth(app.token.clone())
            .header("content-type", content_type)
            .body(body);
        async move {
            let response = r.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            (status, serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|_| panic!("not JSON: {text}")))
        }
    };
    let q = |query: &str, variables: serde_json::Value| json!({"query": query, "variables": variables}).to_string();
    let cases = [
        ("malformed JSON", "{\"query\": ".to_string()),
        ("a batch", format!("[{}, {}]", q("{ me { username } }", json!({})), q("{ me { username } }", json!({})))),
        ("a syntax error", q("{ projects { ", json!({}))),
        ("an unknown field", q("{ nothing }", json!({}))),
        ("null for a Date!", q("query($d: Date!) { portfolio(asOf: $d) { projects } }", json!({"d": null}))),
        (
            "a JSON number as money",
            q(
                r#"mutation($a: Money!) { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: $a}) { amount } }"#,
                json!({"a": 1.5}),
            ),
        ),
        (
            "20,000 indicators in one declaration",
            q(
                r#"mutation($i: [IndicatorInput!]!) { declareTarget(input: {projectCode: "P1", scope: "ANNUAL", year: 2026, description: "d", indicators: $i}) { id } }"#,
                json!({"i": vec![json!({"level1": "产出指标", "level2": "数量指标", "name": "n", "targetText": "≥1个"}); 20_000]}),
            ),
        ),
        (
            "a NUL in a name",
            q(r#"mutation { createDepartment(input: {code: "X1", name: "a\u0000b"}) { code } }"#, json!({})),
        ),
    ];
    for (what, body) in cases {
        let (status, answer) = post(body, "application/json").await;
        assert!(status < 500, "{what}: {status} {answer}");
        let code = answer["errors"][0]["extensions"]["code"].as_str();
        assert!(matches!(code, Some("VALIDATION") | Some("LIMIT_EXCEEDED")), "{what}: {answer}");
    }
    assert_eq!(app.snapshot().await, before, "nothing written");
}

/// A stored code that no enum names (a hand-edited row, a code from a newer version) is
/// said as the store's fault, never shown as some other value.
#[tokio::test]
async fn a_stored_code_no_enum_names_is_an_error_not_another_value() {
    let app = TestApp::spawn().await;
    app.basics().await;
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.ctx.db;
    db.execute_raw(Statement::from_string(db.get_database_backend(), "UPDATE bonds SET kind = 'PURPLE'".to_string()))
        .await
        .unwrap();
    let (_, body) = app.send(Some(&app.token), r#"{ bond(code: "B1") { kind } }"#, serde_json::json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL", "{body}");
    assert!(body["data"].is_null() || body["data"]["bond"].is_null(), "no value in its place: {body}");
}
