//! Recording the ledger through GraphQL: every mutation of the ledger issue, the
//! derived project fields, optimistic versions, reversals and idempotency.

use serde_json::{Value, json};

use crate::helpers::TestApp;

#[tokio::test]
async fn money_flows_into_the_derived_fields() {
    let app = TestApp::spawn().await;
    app.basics().await;
    app.ok(
        r#"mutation {
            allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "40000000.00", allocatedOn: "2025-02-01"}) { amount }
            second: allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "20000000.00", allocatedOn: "2025-04-01", receivedOn: "2025-04-05"}) { amount allocatedOn }
            recordReceipt(input: {bondCode: "B1", projectCode: "P1", amount: "30000000.00", receivedOn: "2025-02-10"}) { received }
            t: recordDisbursement(input: {projectCode: "P1", bondCode: "B1", kind: TRANSFER, paidOn: "2025-02-20", amount: "25000000.00", payee: "区交投", economicClass: "资本性支出"}) { id }
            p: recordDisbursement(input: {projectCode: "P1", bondCode: "B1", paidOn: "2025-03-01", amount: "12000000.50", payee: "中建三局", economicClass: "建筑安装工程费", voucherNo: "V-1"}) { id kind }
            recordProgress(input: {projectCode: "P1", period: "2025-03", plannedPercent: "15", actualPercent: "12.5", submittedOn: "2025-04-08"}) { period }
        }"#,
        json!({}),
    )
    .await;
    let data = app
        .ok(
            r#"{ project(code: "P1") { bondFunding received transferred disbursed spendRatePercent
                 latestProgress { period plannedPercent actualPercent submittedOn }
                 allocations { amount allocatedOn received receipts { amount receivedOn } bond { code } } } }"#,
            json!({}),
        )
        .await;
    let p = &data["project"];
    assert_eq!(p["bondFunding"], "60000000.00");
    assert_eq!(p["received"], "50000000.00");
    assert_eq!(p["transferred"], "25000000.00");
    assert_eq!(p["disbursed"], "12000000.50");
    // 12000000.50 / 50000000 = 24.000001 %
    assert_eq!(p["spendRatePercent"], "24.00");
    assert_eq!(p["latestProgress"]["actualPercent"], "12.5");
    let alloc = &p["allocations"][0];
    assert_eq!(alloc["amount"], "60000000.00", "a second allocation adds to the first");
    assert_eq!(alloc["allocatedOn"], "2025-02-01");
    assert_eq!(alloc["received"], "50000000.00");
    assert_eq!(alloc["receipts"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn reversals_cancel_entries_and_keep_them() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let data = app
        .ok(
            r#"mutation { recordDisbursement(input: {projectCode: "P1", paidOn: "2025-03-01", amount: "800.00", payee: "错付单位", economicClass: "建筑安装工程费"}) { id } }"#,
            json!({}),
        )
        .await;
    let id = data["recordDisbursement"]["id"].as_str().unwrap().to_string();
    // 23:30 UTC on 1 July is already 2 July in Shanghai, the office's "today".
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 7, 1, 23, 30, 0).unwrap());
    let data = app
        .ok("mutation($id: ID!) { reverseDisbursement(id: $id, reason: \"收款单位错误\") { amount reversalOf reason paidOn } }", json!({"id": id}))
        .await;
    let r = &data["reverseDisbursement"];
    assert_eq!(r["amount"], "-800.00");
    assert_eq!(r["reversalOf"], id.as_str());
    assert_eq!(r["paidOn"], "2026-07-02", "dated by the injected clock, in Asia/Shanghai");
    let data = app.ok(r#"{ project(code: "P1") { disbursed disbursements { totalCount } } }"#, json!({})).await;
    assert_eq!(data["project"]["disbursed"], "0.00");
    assert_eq!(data["project"]["disbursements"]["totalCount"], 2, "the original stays in the ledger");
    let (code, field, _) = app
        .err("mutation($id: ID!) { reverseDisbursement(id: $id, reason: \"again\") { id } }", json!({"id": id}))
        .await;
    assert_eq!((code.as_str(), field.as_str()), ("CONFLICT", "id"));

    // Revenue: the same, for a record with both amounts.
    let data = app
        .ok(
            r#"mutation { recordRevenue(input: {projectCode: "P1", period: "2025-05", source: "停车费", collected: "1000.00", transferred: "900.00", collectedOn: "2025-05-31", transferredOn: "2025-06-02"}) { id } }"#,
            json!({}),
        )
        .await;
    let id = data["recordRevenue"]["id"].as_str().unwrap().to_string();
    let data = app
        .ok(
            "mutation($id: ID!) { reverseRevenue(id: $id, reason: \"重复登记\") { collected transferred reversalOf } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(data["reverseRevenue"]["collected"], "-1000.00");
    assert_eq!(data["reverseRevenue"]["transferred"], "-900.00");
    let (code, _, _) =
        app.err("mutation($id: ID!) { reverseRevenue(id: $id, reason: \"again\") { id } }", json!({"id": id})).await;
    assert_eq!(code, "CONFLICT");
}

const DISBURSE_KEYED: &str = r#"mutation($amount: Money!) {
    recordDisbursement(idempotencyKey: "treasury-2025-0001", input: {projectCode: "P1", paidOn: "2025-03-01", amount: $amount, payee: "中建三局", economicClass: "建筑安装工程费"}) { id amount }
}"#;

#[tokio::test]
async fn idempotency_keys_record_once() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let first = app.ok(DISBURSE_KEYED, json!({"amount": "100.00"})).await;
    let again = app.ok(DISBURSE_KEYED, json!({"amount": "100.00"})).await;
    assert_eq!(first, again, "the same key returns the same record");
    let data = app.ok(r#"{ project(code: "P1") { disbursed disbursements { totalCount } } }"#, json!({})).await;
    assert_eq!(data["project"]["disbursements"]["totalCount"], 1);
    let (code, field, _) = app.err(DISBURSE_KEYED, json!({"amount": "200.00"})).await;
    assert_eq!((code.as_str(), field.as_str()), ("CONFLICT", "idempotencyKey"));

    let revenue = r#"mutation($c: Money!) { recordRevenue(idempotencyKey: "rev-1", input: {projectCode: "P1", period: "2025-05", source: "停车费", collected: $c, transferred: "0.00"}) { id } }"#;
    let a = app.ok(revenue, json!({"c": "50.00"})).await;
    let b = app.ok(revenue, json!({"c": "50.00"})).await;
    assert_eq!(a, b);
    let (code, _, _) = app.err(revenue, json!({"c": "51.00"})).await;
    assert_eq!(code, "CONFLICT");
    let data = app.ok(r#"{ project(code: "P1") { revenue { id } } }"#, json!({})).await;
    assert_eq!(data["project"]["revenue"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_same_key_from_fifty_requests_at_once_records_once() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..50 {
        // Ten of them with another amount: those may only be told CONFLICT.
        let amount = if i % 5 == 4 { "200.00" } else { "100.00" };
        let (client, url, token) = (app.client.clone(), format!("{}/graphql", app.url), app.token.clone());
        requests.spawn(async move {
            let body = json!({"query": DISBURSE_KEYED, "variables": {"amount": amount}});
            let answer: Value =
                client.post(url).bearer_auth(token).json(&body).send().await.unwrap().json().await.unwrap();
            (amount, answer)
        });
    }
    let mut ids = std::collections::BTreeSet::new();
    for (amount, answer) in requests.join_all().await {
        match answer["data"]["recordDisbursement"]["id"].as_str() {
            Some(id) => {
                ids.insert(id.to_string());
            }
            None => {
                assert_eq!(answer["errors"][0]["extensions"]["code"], "CONFLICT", "{amount}: never INTERNAL: {answer}")
            }
        }
    }
    assert_eq!(ids.len(), 1, "one record, answered to every request that matched it: {ids:?}");
    let data = app.ok(r#"{ project(code: "P1") { disbursements { totalCount } } }"#, json!({})).await;
    assert_eq!(data["project"]["disbursements"]["totalCount"], 1);
}

/// The race itself, made certain: a second request with the same key starts while the
/// first's row is written but not committed. On PostgreSQL its insert waits on the unique
/// index and is refused when the first commits; it is answered with the first's record.
#[tokio::test]
async fn a_key_racing_an_uncommitted_record_is_answered_with_it() {
    use bondwatch::ledger::records::{DisbursementInput, record_disbursement, record_disbursement_in};
    let app = TestApp::spawn().await;
    app.basics().await;
    let input = DisbursementInput {
        project_code: "P1".into(),
        bond_code: None,
        kind: "PAYMENT".into(),
        paid_on: chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        amount: bondwatch::db::Money::from_fen(10_000),
        payee: "中建三局".into(),
        economic_class: "建筑安装工程费".into(),
        voucher_no: None,
    };
    let caller = bondwatch::auth::Caller::system("treasury");
    let txn = bondwatch::db::begin_write(&app.ctx.db).await.unwrap();
    let first = record_disbursement_in(&txn, &app.ctx, &caller, input.clone(), Some("race-1")).await.unwrap();
    let (ctx, second_caller) = (app.ctx.clone(), caller.clone());
    let second = tokio::spawn(async move { record_disbursement(&ctx, &second_caller, input, Some("race-1")).await });
    // Long enough for the second to reach the index (PostgreSQL) or the write lock (SQLite).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    txn.commit().await.unwrap();
    let second = second.await.unwrap().unwrap_or_else(|e| panic!("{}: {e}", e.code()));
    assert_eq!(second.id, first.id);
}

#[tokio::test]
async fn update_project_checks_the_expected_version() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let update = r#"mutation($v: Int!, $name: String!) { updateProject(code: "P1", expectedVersion: $v, input: {name: $name, currentEstimate: "110000000.00", maturityDocuments: ["用地", "可研批复"]}) { name version currentEstimate maturityDocuments } }"#;
    let data = app.ok(update, json!({"v": 1, "name": "四新大道(一期)"})).await;
    assert_eq!(data["updateProject"]["version"], 2);
    assert_eq!(data["updateProject"]["currentEstimate"], "110000000.00");
    assert_eq!(data["updateProject"]["maturityDocuments"], json!(["可研批复", "用地"]));
    let before = app.snapshot().await;
    let (code, field, message) = app.err(update, json!({"v": 1, "name": "stale edit"})).await;
    assert_eq!((code.as_str(), field.as_str()), ("CONFLICT", "expectedVersion"));
    assert!(message.contains("第 2 版"), "{message}");
    assert_eq!(app.snapshot().await, before);
    let data = app.ok(r#"{ project(code: "P1") { name } }"#, json!({})).await;
    assert_eq!(data["project"]["name"], "四新大道(一期)");
}

#[tokio::test]
async fn status_moves_forward_and_dates_the_works() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let set = r#"mutation($s: ProjectStatus!, $on: Date) { setProjectStatus(code: "P1", status: $s, effectiveOn: $on, note: "开工令") { status stage actualStart actualCompletion version } }"#;
    let data = app.ok(set, json!({"s": "UNDER_CONSTRUCTION", "on": "2025-03-10"})).await;
    assert_eq!(data["setProjectStatus"]["stage"], "USE");
    assert_eq!(data["setProjectStatus"]["actualStart"], "2025-03-10");
    let (code, field, _) = app.err(set, json!({"s": "APPROVED"})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "status"));
    let data = app.ok(set, json!({"s": "OPERATING"})).await;
    assert_eq!(data["setProjectStatus"]["actualCompletion"], "2026-06-15", "effectiveOn defaults to today");
    assert_eq!(data["setProjectStatus"]["stage"], "MANAGEMENT", "no principal falls due within 12 months");

    // An amortizing bond with an instalment due within 12 months turns it to 还.
    app.ok(
        r#"mutation {
            createBond(input: {code: "B2", name: "2024年湖北省政府专项债券(十二期)", kind: SPECIAL, issueDate: "2024-09-01", termYears: 7,
                couponRatePercent: "2.98", faceAmount: "300000000.00", amortization: [{year: 2, percentOfFace: "50"}, {year: 7, percentOfFace: "50"}]}) { code }
            allocateBond(input: {bondCode: "B2", projectCode: "P1", amount: "1000000.00", allocatedOn: "2024-10-01"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    let data = app.ok(r#"{ project(code: "P1") { stage } r: projects(filter: {stage: REPAYMENT}) { totalCount } m: projects(filter: {stage: MANAGEMENT}) { totalCount } }"#, json!({})).await;
    assert_eq!(data["project"]["stage"], "REPAYMENT");
    assert_eq!(data["r"]["totalCount"], 1);
    assert_eq!(data["m"]["totalCount"], 0);

    let data = app.ok(set, json!({"s": "CANCELLED"})).await;
    assert_eq!(data["setProjectStatus"]["status"], "CANCELLED");
    assert_eq!(data["setProjectStatus"]["stage"], "REPAYMENT", "a cancelled project keeps its stage");
}

#[tokio::test]
async fn plans_forecasts_budgets_targets_and_assessments() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let data = app
        .ok(
            r#"mutation {
                setSpendingPlan(projectCode: "P1", months: [{period: "2025-06", cumulativePercent: "40"}, {period: "2025-03", cumulativePercent: "10"}]) { spendingPlan { period cumulativePercent } }
                setRevenueForecast(projectCode: "P1", years: [{year: 2027, revenue: "9000000.00", operatingCost: "2500000.50"}]) { revenueForecast { year netRevenue } }
                recordDepartmentBudget(input: {departmentCode: "JT", year: 2023, incomeTotal: "76245900.00",
                    income: [{label: "财政拨款", amount: "74045900.00", statedPercent: "97.11"}, {label: "单位资金", amount: "2200000.00", statedPercent: "2.89"}],
                    expenditureTotal: "76245900.00", expenditure: [{label: "人员类项目支出", amount: "53193000.00", statedPercent: "69.88"}],
                    projects: [{name: "社区建设补助经费", category: "特定目标类", totalBudget: "1556144100.00", currentYearBudget: "155144100.00"}]}) {
                    year incomeTotal income { label amount statedPercent } expenditure { label } projects { name totalBudget } department { code } }
                declareTarget(input: {projectCode: "P1", scope: "ANNUAL", year: 2025, description: "年度目标", indicators: [
                    {level1: "产出指标", level2: "数量指标", name: "住院救助人次数", targetText: "≥2000人次", basis: "计划标准", history: ["1800人次", null]},
                    {level1: "满意度指标", level2: "服务对象满意度指标", name: "服务对象满意度", targetText: "≥ 90%"}]}) { id indicators { id name history } }
                submitAssessment(input: {projectCode: "P1", submittedOn: "2024-12-01", conclusion: "予以支持", points: [{point: 1, score: "18", comment: "必要"}, {point: 4, score: "8.5"}]}) {
                    conclusion points { point title score comment } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["setSpendingPlan"]["spendingPlan"],
        json!([{"period": "2025-03", "cumulativePercent": "10"}, {"period": "2025-06", "cumulativePercent": "40"}])
    );
    assert_eq!(data["setRevenueForecast"]["revenueForecast"][0]["netRevenue"], "6499999.50");
    let budget = &data["recordDepartmentBudget"];
    assert_eq!(budget["income"][0]["statedPercent"], "97.11");
    assert_eq!(budget["projects"][0]["totalBudget"], "1556144100.00", "recorded as stated, mistakes kept");
    assert_eq!(data["submitAssessment"]["points"].as_array().unwrap().len(), 8);
    assert_eq!(data["submitAssessment"]["points"][3]["score"], "8.5");
    let target_id = data["declareTarget"]["id"].as_str().unwrap().to_string();
    let indicator_id = data["declareTarget"]["indicators"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(data["declareTarget"]["indicators"][0]["history"], json!(["1800人次", null]));

    let data = app
        .ok(
            r#"mutation($t: ID!, $i: ID!) {
                approveTarget(id: $t, approvedOn: "2025-01-20") { approvedOn }
                recordIndicatorActual(input: {indicatorId: $i, period: "2025-Q1", actual: "900人次"}) { actual actuals { period value recordedOn } }
            }"#,
            json!({"t": target_id, "i": indicator_id}),
        )
        .await;
    assert_eq!(data["approveTarget"]["approvedOn"], "2025-01-20");
    assert_eq!(data["recordIndicatorActual"]["actual"], "900人次");

    // Declaring again replaces the declaration; the old one is no longer read.
    app.ok(r#"mutation { declareTarget(input: {projectCode: "P1", scope: "ANNUAL", year: 2025, description: "修订后", indicators: []}) { id } }"#, json!({})).await;
    let data = app
        .ok(
            r#"{ project(code: "P1") { targets { description } assessment { conclusion } assessments { submittedOn } }
                 indicators(filter: {projectCode: "P1"}) { totalCount }
                 departments { code budgets { year expenditureTotal } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["project"]["targets"], json!([{"description": "修订后"}]));
    assert_eq!(data["project"]["assessment"]["conclusion"], "予以支持");
    assert_eq!(data["indicators"]["totalCount"], 0);
    assert_eq!(data["departments"][0]["budgets"][0]["expenditureTotal"], "76245900.00");
}

#[tokio::test]
async fn use_adjustments_move_funding_and_received_money() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let data = app
        .ok(
            r#"mutation {
                p2: createProject(input: {code: "P2", name: "停车场", departmentCode: "JT", executingUnit: "区交投", category: "交通基础设施", approvedInvestment: "5000000.00"}) { code }
                allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "10000000.00", allocatedOn: "2025-02-01", receivedOn: "2025-02-05"}) { amount }
                adjustUse(input: {bondCode: "B1", fromProjectCode: "P1", toProjectCode: "P2", amount: "4000000.00", reason: "项目建成后资金结余", approvedOn: "2026-01-10"}) {
                    amount reason approvedOn fromProject { code } toProject { code bondFunding received } bond { code } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["adjustUse"]["toProject"]["bondFunding"], "4000000.00");
    assert_eq!(data["adjustUse"]["toProject"]["received"], "4000000.00");
    let data = app.ok(r#"{ project(code: "P1") { bondFunding received } }"#, json!({})).await;
    assert_eq!(data["project"]["bondFunding"], "6000000.00");
    assert_eq!(data["project"]["received"], "6000000.00");
}

#[tokio::test]
async fn rule_breaking_facts_are_recorded_not_refused() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // Nothing allocated or received, a bond that does not fund the project, and a
    // forbidden economic class: all happened, all are recorded for the alerts to see.
    let data = app
        .ok(
            r#"mutation { recordDisbursement(input: {projectCode: "P1", bondCode: "B1", paidOn: "2025-03-01", amount: "186000.00", payee: "项目办", economicClass: "工资福利支出"}) { amount economicClass bond { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["recordDisbursement"]["economicClass"], "工资福利支出");
    let data = app.ok(r#"{ project(code: "P1") { disbursed received spendRatePercent } }"#, json!({})).await;
    assert_eq!(data["project"]["disbursed"], "186000.00");
    assert_eq!(data["project"]["spendRatePercent"], json!(null), "no rate while nothing has arrived");
}

#[tokio::test]
async fn an_allocation_entered_with_its_receipt_date_is_dated_by_it() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // History entered in June 2026: money received on 5 March 2025, no allocation date given.
    let data = app
        .ok(
            r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000.00", receivedOn: "2025-03-05"}) { allocatedOn received } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["allocateBond"]["allocatedOn"], "2025-03-05", "the receipt's date, not today");
    let none = app
        .ok(
            r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1.00"}) { allocatedOn } }"#,
            json!({}),
        )
        .await;
    assert_eq!(none["allocateBond"]["allocatedOn"], "2025-03-05", "the earlier date stays the allocation's");
}
