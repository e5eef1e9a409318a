//! Debt service through the API: schedules from bond terms, project shares, use
//! adjustments, payments (refinanced or not), coverage and the portfolio, with the
//! expected figures computed by hand in each test.

use serde_json::json;

use crate::helpers::TestApp;

const SETUP: &str = r#"mutation {
    createDepartment(input: {code: "JT", name: "交通运输局"}) { code }
    a: createProject(input: {code: "PA", name: "A", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "1000.00"}) { code }
    b: createProject(input: {code: "PB", name: "B", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "1000.00"}) { code }
    c: createProject(input: {code: "PC", name: "C", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "1000.00"}) { code }
}"#;

const SCHEDULE: &str = r#"query($b: String!) { bond(code: $b) { interestFrequency maturityDate schedule { dueDate project { code } principal interest paid paidOn } } }"#;

#[tokio::test]
async fn ten_year_bullet_bond_with_annual_coupons() {
    let app = TestApp::spawn().await;
    app.ok(SETUP, json!({})).await;
    app.ok(
        r#"mutation {
            createBond(input: {code: "B10", name: "十年期", kind: PROJECT_REVENUE, issueDate: "2023-06-30", termYears: 10, couponRatePercent: "3.27", faceAmount: "100000000.00", interestFrequency: ANNUAL}) { code }
            allocateBond(input: {bondCode: "B10", projectCode: "PA", amount: "100000000.00", allocatedOn: "2023-07-01"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    let data = app.ok(SCHEDULE, json!({"b": "B10"})).await;
    let lines = data["bond"]["schedule"].as_array().unwrap();
    // 100,000,000.00 × 3.27% = 3,270,000.00 each 30 June from 2024; the face in 2033.
    assert_eq!(lines.len(), 10);
    assert_eq!(
        lines[0],
        json!({"dueDate": "2024-06-30", "project": {"code": "PA"}, "principal": "0.00", "interest": "3270000.00", "paid": "0.00", "paidOn": null})
    );
    assert_eq!(lines[9]["dueDate"], "2033-06-30");
    assert_eq!(lines[9]["principal"], "100000000.00");
    assert_eq!(lines[9]["interest"], "3270000.00");
}

#[tokio::test]
async fn seven_year_amortizing_bond() {
    let app = TestApp::spawn().await;
    app.ok(SETUP, json!({})).await;
    app.ok(
        r#"mutation {
            createBond(input: {code: "B7", name: "七年期", kind: SPECIAL, issueDate: "2024-03-15", termYears: 7, couponRatePercent: "2.98", faceAmount: "30000000.00",
                amortization: [{year: 3, percentOfFace: "20"}, {year: 4, percentOfFace: "20"}, {year: 5, percentOfFace: "20"}, {year: 6, percentOfFace: "20"}, {year: 7, percentOfFace: "20"}]}) { code }
            allocateBond(input: {bondCode: "B7", projectCode: "PA", amount: "30000000.00", allocatedOn: "2024-03-20"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    let data = app.ok(SCHEDULE, json!({"b": "B7"})).await;
    assert_eq!(data["bond"]["interestFrequency"], "ANNUAL", "7 years without a frequency: annual");
    let got: Vec<(String, String, String)> = data["bond"]["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["dueDate"].as_str().unwrap().into(),
                l["principal"].as_str().unwrap().into(),
                l["interest"].as_str().unwrap().into(),
            )
        })
        .collect();
    // Interest on the outstanding balance: 30m × 2.98% = 894,000 for years 1–3, then
    // 24m → 715,200; 18m → 536,400; 12m → 357,600; 6m → 178,800.
    let expected = [
        ("2025-03-15", "0.00", "894000.00"),
        ("2026-03-15", "0.00", "894000.00"),
        ("2027-03-15", "6000000.00", "894000.00"),
        ("2028-03-15", "6000000.00", "715200.00"),
        ("2029-03-15", "6000000.00", "536400.00"),
        ("2030-03-15", "6000000.00", "357600.00"),
        ("2031-03-15", "6000000.00", "178800.00"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn fifteen_year_bond_defaults_to_semi_annual_and_splits_three_ways() {
    let app = TestApp::spawn().await;
    app.ok(SETUP, json!({})).await;
    // Face 1,000.00 at 2% over 15 years, no frequency: semi-annual, 10.00 a coupon.
    // Holdings 333.33 / 333.33 / 333.34: 10.00 × 333.33 / 1000 = 3.33 (×2), and
    // 3.3334 → 3.33 for the largest; 9.99 in all, so the fen left goes to PC (largest).
    app.ok(
        r#"mutation {
            createBond(input: {code: "B15", name: "十五年期", kind: PROJECT_REVENUE, issueDate: "2023-08-31", termYears: 15, couponRatePercent: "2", faceAmount: "1000.00"}) { code }
            a: allocateBond(input: {bondCode: "B15", projectCode: "PA", amount: "333.33", allocatedOn: "2023-09-01"}) { amount }
            b: allocateBond(input: {bondCode: "B15", projectCode: "PB", amount: "333.33", allocatedOn: "2023-09-01"}) { amount }
            c: allocateBond(input: {bondCode: "B15", projectCode: "PC", amount: "333.34", allocatedOn: "2023-09-02"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    let data = app.ok(SCHEDULE, json!({"b": "B15"})).await;
    assert_eq!(data["bond"]["interestFrequency"], "SEMI_ANNUAL");
    let lines = data["bond"]["schedule"].as_array().unwrap();
    assert_eq!(lines.len(), 30 * 3, "30 coupons, three projects each, no unallocated face");
    let first: Vec<(&str, &str, &str)> = lines
        .iter()
        .filter(|l| l["dueDate"] == "2024-02-29")
        .map(|l| {
            (l["project"]["code"].as_str().unwrap(), l["interest"].as_str().unwrap(), l["principal"].as_str().unwrap())
        })
        .collect();
    assert_eq!(first, [("PA", "3.33", "0.00"), ("PB", "3.33", "0.00"), ("PC", "3.34", "0.00")]);
    let last: Vec<&str> =
        lines.iter().filter(|l| l["dueDate"] == "2038-08-31").map(|l| l["principal"].as_str().unwrap()).collect();
    assert_eq!(last, ["333.33", "333.33", "333.34"]);
}

#[tokio::test]
async fn a_project_on_two_bonds_its_coverage_and_unallocated_face() {
    let app = TestApp::spawn().await;
    app.ok(SETUP, json!({})).await;
    // B1: 2,000.00 at 5% annual for 2 years from 2024-01-10, half held by PA (the rest
    //     unallocated): PA owes 50 + 50 interest and 1,000 principal = 1,100.
    // B2: 1,000.00 at 4% annual for 3 years from 2025-01-10, all PA: 40 × 3 + 1,000 = 1,120.
    // Window 2024–2028; forecast nets 2023: 5,000 (outside), 2024–2026: 800 each,
    // 2027: 200, 2029: 9,000 (outside) → 2,600 ÷ 2,220 = 1.1711711…
    app.ok(
        r#"mutation {
            b1: createBond(input: {code: "B1", name: "b1", kind: SPECIAL, issueDate: "2024-01-10", termYears: 2, couponRatePercent: "5", faceAmount: "2000.00"}) { code }
            b2: createBond(input: {code: "B2", name: "b2", kind: SPECIAL, issueDate: "2025-01-10", termYears: 3, couponRatePercent: "4", faceAmount: "1000.00"}) { code }
            a1: allocateBond(input: {bondCode: "B1", projectCode: "PA", amount: "1000.00", allocatedOn: "2024-01-10"}) { amount }
            a2: allocateBond(input: {bondCode: "B2", projectCode: "PA", amount: "1000.00", allocatedOn: "2025-01-10"}) { amount }
            setRevenueForecast(projectCode: "PA", years: [
                {year: 2023, revenue: "5000.00", operatingCost: "0.00"},
                {year: 2024, revenue: "1000.00", operatingCost: "200.00"},
                {year: 2025, revenue: "1000.00", operatingCost: "200.00"},
                {year: 2026, revenue: "1000.00", operatingCost: "200.00"},
                {year: 2027, revenue: "300.00", operatingCost: "100.00"},
                {year: 2029, revenue: "9000.00", operatingCost: "0.00"}]) { code }
        }"#,
        json!({}),
    )
    .await;
    let data = app
        .ok(
            r#"{ project(code: "PA") { coverageRatio debtService { dueDate bond { code } principal interest } }
                 bond(code: "B1") { schedule { dueDate project { code } principal interest } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["project"]["coverageRatio"], "1.1712");
    let service = data["project"]["debtService"].as_array().unwrap();
    assert_eq!(service.len(), 5);
    let owed: i64 = service
        .iter()
        .map(|l| {
            bondwatch::db::Money::from_fen(0).fen()
                + l["principal"].as_str().unwrap().replace('.', "").parse::<i64>().unwrap()
                + l["interest"].as_str().unwrap().replace('.', "").parse::<i64>().unwrap()
        })
        .sum();
    assert_eq!(owed, 222_000, "2,220.00 owed in all");
    let unallocated: Vec<&serde_json::Value> =
        data["bond"]["schedule"].as_array().unwrap().iter().filter(|l| l["project"].is_null()).collect();
    assert_eq!(unallocated.len(), 2);
    assert_eq!(unallocated[1]["principal"], "1000.00");
    assert_eq!(unallocated[1]["interest"], "50.00");
}

#[tokio::test]
async fn adjustments_move_shares_from_their_approval_date() {
    let app = TestApp::spawn().await;
    app.ok(SETUP, json!({})).await;
    app.ok(
        r#"mutation {
            createBond(input: {code: "B", name: "b", kind: SPECIAL, issueDate: "2024-01-10", termYears: 3, couponRatePercent: "10", faceAmount: "1000.00"}) { code }
            allocateBond(input: {bondCode: "B", projectCode: "PA", amount: "1000.00", allocatedOn: "2024-01-10"}) { amount }
            adjustUse(input: {bondCode: "B", fromProjectCode: "PA", toProjectCode: "PB", amount: "400.00", reason: "项目建成后资金结余", approvedOn: "2025-06-01"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    let data = app.ok(SCHEDULE, json!({"b": "B"})).await;
    let lines: Vec<(&str, &str, &str)> = data["bond"]["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (l["dueDate"].as_str().unwrap(), l["project"]["code"].as_str().unwrap(), l["interest"].as_str().unwrap())
        })
        .collect();
    // 2025-01-10 is before the approval: all PA's. Later lines split 600 / 400.
    assert_eq!(
        lines,
        [
            ("2025-01-10", "PA", "100.00"),
            ("2026-01-10", "PA", "60.00"),
            ("2026-01-10", "PB", "40.00"),
            ("2027-01-10", "PA", "60.00"),
            ("2027-01-10", "PB", "40.00")
        ]
    );
}

const PAY: &str = r#"mutation($p: String, $due: Date!, $amount: Money!, $rf: String, $rfa: Money) {
    recordDebtServicePayment(input: {bondCode: "B", projectCode: $p, dueDate: $due, amount: $amount, paidOn: "2025-01-09", refinancingBondCode: $rf, refinancedAmount: $rfa}) {
        dueDate principal interest paid paidOn project { code } }
}"#;

#[tokio::test]
async fn payments_against_lines_and_refinancing() {
    let app = TestApp::spawn().await;
    app.ok(SETUP, json!({})).await;
    app.ok(
        r#"mutation {
            b: createBond(input: {code: "B", name: "b", kind: SPECIAL, issueDate: "2024-01-10", termYears: 1, couponRatePercent: "10", faceAmount: "1000.00"}) { code }
            rf: createBond(input: {code: "RF", name: "再融资", kind: REFINANCING, issueDate: "2024-12-20", termYears: 5, couponRatePercent: "2.4", faceAmount: "600.00"}) { code }
            allocateBond(input: {bondCode: "B", projectCode: "PA", amount: "800.00", allocatedOn: "2024-01-10"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    // PA's line on 2025-01-10: principal 800.00, interest 80.00; unallocated 200 + 20.
    let data =
        app.ok(PAY, json!({"p": "PA", "due": "2025-01-10", "amount": "300.00", "rf": "RF", "rfa": "250.00"})).await;
    assert_eq!(data["recordDebtServicePayment"]["paid"], "300.00");
    assert_eq!(data["recordDebtServicePayment"]["paidOn"], "2025-01-09");
    let data = app.ok(PAY, json!({"p": null, "due": "2025-01-10", "amount": "220.00"})).await;
    assert_eq!(data["recordDebtServicePayment"]["project"], json!(null));

    let before = app.snapshot().await;
    let refused = [
        (json!({"p": "PA", "due": "2025-01-11", "amount": "1.00"}), "NOT_FOUND", "input.dueDate", "2025-01-10"),
        (json!({"p": "PA", "due": "2025-01-10", "amount": "580.01"}), "VALIDATION", "input.amount", "580.00"),
        (json!({"p": null, "due": "2025-01-10", "amount": "0.01"}), "VALIDATION", "input.amount", "尚欠"),
        (json!({"p": "PB", "due": "2025-01-10", "amount": "1.00"}), "NOT_FOUND", "input.dueDate", "到期日为:无"),
        (
            json!({"p": "PA", "due": "2025-01-10", "amount": "10.00", "rf": "B"}),
            "VALIDATION",
            "input.refinancingBondCode",
            "不是再融资专项债券",
        ),
        (
            json!({"p": "PA", "due": "2025-01-10", "amount": "10.00", "rfa": "5.00"}),
            "VALIDATION",
            "input.refinancingBondCode",
            "须同时填写",
        ),
        (
            json!({"p": "PA", "due": "2025-01-10", "amount": "560.00", "rf": "RF", "rfa": "551.00"}),
            "VALIDATION",
            "input.refinancedAmount",
            "本金",
        ),
    ];
    for (vars, code, field, words) in refused {
        let (c, f, m) = app.err(PAY, vars.clone()).await;
        assert_eq!((c.as_str(), f.as_str()), (code, field), "{vars}: {m}");
        assert!(m.contains(words), "{vars}: {m}");
    }
    assert_eq!(app.snapshot().await, before, "refused payments wrote nothing");

    let data = app
        .ok(
            r#"{ debtService(from: "2025-01-01", to: "2025-12-31") { project { code } principal interest paid }
                 d: debtService(from: "2025-01-01", to: "2025-12-31", departmentCode: "JT") { paid }
                 none: debtService(from: "2026-01-01", to: "2026-12-31") { paid } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["debtService"],
        json!([{"project": {"code": "PA"}, "principal": "800.00", "interest": "80.00", "paid": "300.00"}])
    );
    assert_eq!(data["d"].as_array().unwrap().len(), 1);
    assert_eq!(data["none"], json!([]));
    // The refinanced part is stored for rule S6.
    let stored = bondwatch::debt::load_books(&app.ctx.db, &app.ctx.settings.debt, None).await.unwrap();
    let pa = stored.iter().flat_map(|b| b.lines.iter()).find(|l| l.project_id.is_some()).unwrap();
    assert_eq!(pa.refinanced.to_string(), "250.00");
}

#[tokio::test]
async fn portfolio_and_rolling_coverage() {
    let app = TestApp::spawn().await;
    app.ok(SETUP, json!({})).await;
    // Clock: 2026-06-15. Bond from 2025-07-01, 3 years, 10% annual, face 1,000 all PA:
    // lines 2026-07-01 (100), 2027-07-01 (100), 2028-07-01 (100 + 1,000).
    app.ok(
        r#"mutation {
            createBond(input: {code: "B", name: "b", kind: SPECIAL, issueDate: "2025-07-01", termYears: 3, couponRatePercent: "10", faceAmount: "1000.00"}) { code }
            allocateBond(input: {bondCode: "B", projectCode: "PA", amount: "1000.00", allocatedOn: "2025-07-01", receivedOn: "2025-07-02"}) { amount }
            recordDisbursement(input: {projectCode: "PA", paidOn: "2025-08-01", amount: "250.00", payee: "p", economicClass: "建筑安装工程费"}) { id }
            setRevenueForecast(projectCode: "PA", years: [{year: 2025, revenue: "240.00", operatingCost: "40.00"}, {year: 2026, revenue: "600.00", operatingCost: "100.00"},
                {year: 2027, revenue: "600.00", operatingCost: "100.00"}, {year: 2028, revenue: "600.00", operatingCost: "100.00"}]) { code }
            r1: recordRevenue(input: {projectCode: "PA", period: "2025-12", source: "停车费", collected: "300.00", transferred: "300.00", collectedOn: "2025-12-31", transferredOn: "2026-01-05"}) { id }
            r2: recordRevenue(input: {projectCode: "PA", period: "2026-03", source: "财政补助", collected: "50.00", transferred: "50.00", collectedOn: "2026-03-31", transferredOn: "2026-03-31"}) { id }
        }"#,
        json!({}),
    )
    .await;
    let data = app
        .ok(
            r#"{ portfolio { asOf projects bondFunding received disbursed spendRatePercent outstandingPrincipal debtServiceNext12Months }
                 later: portfolio(asOf: "2027-08-01") { outstandingPrincipal debtServiceNext12Months }
                 project(code: "PA") { coverageRatio rollingCoverageRatio } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["portfolio"],
        json!({"asOf": "2026-06-15", "projects": 3, "bondFunding": "1000.00", "received": "1000.00", "disbursed": "250.00", "spendRatePercent": "25.00",
               "outstandingPrincipal": "1000.00", "debtServiceNext12Months": "100.00"})
    );
    assert_eq!(data["later"], json!({"outstandingPrincipal": "1000.00", "debtServiceNext12Months": "1100.00"}));
    // Coverage: window 2025–2028, net 200 + 500 × 3 = 1,700 ÷ 1,300 = 1.3076923…
    assert_eq!(data["project"]["coverageRatio"], "1.3077");
    // Rolling, 15 June 2026 (day 166 of 365): balance 350 (transfers, budget support included);
    // realised 300 ÷ (240 + 600 × 166/365 = 512.8767…) = 0.5849359…; future years 2027–2028 net
    // 1,000; unpaid 1,300 → (350 + 1,000 × 0.5849359) ÷ 1,300 = 0.7191815…
    assert_eq!(data["project"]["rollingCoverageRatio"], "0.7192");
}
