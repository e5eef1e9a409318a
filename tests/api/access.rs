//! Who may do what: the policy covers every root field; every mutation against every
//! role; department scope; tokens that are revoked or expired; the session cookie;
//! the login rate limit; the audit trail; and the request limits.

use bondwatch::api::{Anonymous, policy};
use bondwatch::auth::{Role, tokens};
use bondwatch::config::Settings;
use serde_json::{Value, json};

use crate::helpers::TestApp;

#[test]
fn every_root_field_has_an_access_rule() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let doc = async_graphql::parser::parse_schema(bondwatch::api::sdl()).unwrap();
    let mut checked = 0;
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else { continue };
        let parent = t.node.name.node.as_str();
        if let (TypeKind::Object(object), "Query" | "Mutation") = (&t.node.kind, parent) {
            for field in &object.fields {
                let name = field.node.name.node.as_str();
                assert!(
                    policy::access(parent, name).is_some(),
                    "{parent}.{name} has no access rule in api::policy::POLICY"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, policy::POLICY.len(), "the policy lists only fields that exist");
}

/// A small world: departments JT and SW, project P1 (JT) and P2 (SW), a bond, a
/// payment, a revenue record and a target with an indicator on each project.
async fn world(app: &TestApp) -> Value {
    app.ok(
        r#"mutation {
            jt: createDepartment(input: {code: "JT", name: "交通运输局"}) { code }
            sw: createDepartment(input: {code: "SW", name: "水务局"}) { code }
            p1: createProject(input: {code: "P1", name: "道路", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "100.00"}) { code }
            p2: createProject(input: {code: "P2", name: "管网", departmentCode: "SW", executingUnit: "u", category: "生态环保", approvedInvestment: "100.00"}) { code }
            b: createBond(input: {code: "B1", name: "b", kind: SPECIAL, issueDate: "2025-01-10", termYears: 5, couponRatePercent: "3", faceAmount: "1000.00"}) { code }
            a1: allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "100.00", allocatedOn: "2025-02-01", receivedOn: "2025-02-02"}) { amount }
            a2: allocateBond(input: {bondCode: "B1", projectCode: "P2", amount: "100.00", allocatedOn: "2025-02-01", receivedOn: "2025-02-02"}) { amount }
        }"#,
        json!({}),
    )
    .await;
    let mut ids = serde_json::Map::new();
    for p in ["P1", "P2"] {
        let data = app
            .ok(
                r#"mutation($p: String!) {
                    d: recordDisbursement(input: {projectCode: $p, paidOn: "2025-03-01", amount: "1.00", payee: "x", economicClass: "建筑安装工程费"}) { id }
                    r: recordRevenue(input: {projectCode: $p, period: "2025-03", source: "停车费", collected: "1.00", transferred: "0.00"}) { id }
                    t: declareTarget(input: {projectCode: $p, scope: "ANNUAL", year: 2025, description: "d", indicators: [{level1: "产出指标", level2: "数量指标", name: "n", targetText: "≥1"}]}) { id indicators { id } }
                    x: openRectification(input: {projectCode: $p, issue: "问题", requirement: "要求", dueOn: "2026-12-31"}) { id }
                }"#,
                json!({"p": p}),
            )
            .await;
        ids.insert(format!("{p}_D"), data["d"]["id"].clone());
        ids.insert(format!("{p}_R"), data["r"]["id"].clone());
        ids.insert(format!("{p}_T"), data["t"]["id"].clone());
        ids.insert(format!("{p}_I"), data["t"]["indicators"][0]["id"].clone());
        ids.insert(format!("{p}_X"), data["x"]["id"].clone());
    }
    app.ok("mutation { runAlertSweep { raised } }", json!({})).await;
    for p in ["P1", "P2"] {
        let data = app
            .ok(
                "query($p: String) { alerts(filter: {projectCode: $p, rule: \"D1\"}) { nodes { id } } }",
                json!({"p": p}),
            )
            .await;
        ids.insert(format!("{p}_A"), data["alerts"]["nodes"][0]["id"].clone());
    }
    Value::Object(ids)
}

/// Every mutation, written against project `{P}` (and its department `{DEPT}`).
const MUTATIONS: &[(&str, &str)] = &[
    ("createDepartment", r#"mutation { createDepartment(input: {code: "NEW{P}", name: "新"}) { code } }"#),
    (
        "createProject",
        r#"mutation { createProject(input: {code: "N{P}", name: "n", departmentCode: "{DEPT}", executingUnit: "u", category: "其他", approvedInvestment: "1.00"}) { code } }"#,
    ),
    ("updateProject", r#"mutation { updateProject(code: "{P}", expectedVersion: 1, input: {name: "改名"}) { code } }"#),
    ("setProjectStatus", r#"mutation { setProjectStatus(code: "{P}", status: APPROVED) { code } }"#),
    (
        "setSpendingPlan",
        r#"mutation { setSpendingPlan(projectCode: "{P}", months: [{period: "2025-03", cumulativePercent: "10"}]) { code } }"#,
    ),
    (
        "setRevenueForecast",
        r#"mutation { setRevenueForecast(projectCode: "{P}", years: [{year: 2027, revenue: "1.00", operatingCost: "0.00"}]) { code } }"#,
    ),
    (
        "createBond",
        r#"mutation { createBond(input: {code: "NB{P}", name: "b", kind: SPECIAL, issueDate: "2025-01-10", termYears: 5, couponRatePercent: "3", faceAmount: "1.00"}) { code } }"#,
    ),
    (
        "allocateBond",
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "{P}", amount: "1.00"}) { amount } }"#,
    ),
    (
        "recordReceipt",
        r#"mutation { recordReceipt(input: {bondCode: "B1", projectCode: "{P}", amount: "0.01", receivedOn: "2025-03-01"}) { amount } }"#,
    ),
    (
        "recordDisbursement",
        r#"mutation { recordDisbursement(input: {projectCode: "{P}", paidOn: "2025-03-02", amount: "1.00", payee: "x", economicClass: "建筑安装工程费"}) { id } }"#,
    ),
    ("reverseDisbursement", r#"mutation { reverseDisbursement(id: "{D}", reason: "错") { id } }"#),
    (
        "recordProgress",
        r#"mutation { recordProgress(input: {projectCode: "{P}", period: "2025-03", plannedPercent: "1", actualPercent: "1"}) { period } }"#,
    ),
    (
        "recordRevenue",
        r#"mutation { recordRevenue(input: {projectCode: "{P}", period: "2025-04", source: "停车费", collected: "1.00", transferred: "0.00"}) { id } }"#,
    ),
    ("reverseRevenue", r#"mutation { reverseRevenue(id: "{R}", reason: "错") { id } }"#),
    (
        "recordDepartmentBudget",
        r#"mutation { recordDepartmentBudget(input: {departmentCode: "{DEPT}", year: 2023, incomeTotal: "1.00", income: [], expenditureTotal: "1.00", expenditure: []}) { year } }"#,
    ),
    ("approveTarget", r#"mutation { approveTarget(id: "{T}", approvedOn: "2025-01-20") { id } }"#),
    (
        "recordDebtServicePayment",
        r#"mutation { recordDebtServicePayment(input: {bondCode: "B1", projectCode: "{P}", dueDate: "2026-01-10", amount: "0.01", paidOn: "2026-01-10"}) { paid } }"#,
    ),
    (
        "adjustUse",
        r#"mutation { adjustUse(input: {bondCode: "B1", fromProjectCode: "{P}", toProjectCode: "{OTHER}", amount: "0.01", reason: "其他", approvedOn: "2025-05-01"}) { amount } }"#,
    ),
    (
        "declareTarget",
        r#"mutation { declareTarget(input: {projectCode: "{P}", scope: "LONG_TERM", description: "d", indicators: []}) { id } }"#,
    ),
    (
        "recordIndicatorActual",
        r#"mutation { recordIndicatorActual(input: {indicatorId: "{I}", period: "2025", actual: "1"}) { id } }"#,
    ),
    (
        "submitAssessment",
        r#"mutation { submitAssessment(input: {projectCode: "{P}", submittedOn: "2025-01-01", conclusion: "予以支持", points: []}) { conclusion } }"#,
    ),
    ("runAlertSweep", r#"mutation { runAlertSweep { projects } }"#),
    ("acknowledgeAlert", r#"mutation { acknowledgeAlert(id: "{A}", note: "已阅") { status } }"#),
    ("waiveAlert", r#"mutation { waiveAlert(id: "{A}", reason: "经批准") { status } }"#),
    (
        "subscribeDigest",
        r#"mutation { subscribeDigest(input: {recipient: "r", email: "r@example.org", job: "digest_daily"}) { id } }"#,
    ),
    (
        "updateDigestSubscription",
        r#"mutation { updateDigestSubscription(id: "{S}", input: {recipient: "r", email: "r@example.org", job: "digest_weekly"}) { id } }"#,
    ),
    ("pauseDigestSubscription", r#"mutation { pauseDigestSubscription(id: "{S}", paused: true) { paused } }"#),
    ("unsubscribeDigest", r#"mutation { unsubscribeDigest(id: "{S}") }"#),
    ("evaluate", r#"mutation { evaluate(projectCode: "{P}", year: 2026) { grade } }"#),
    (
        "submitSelfEvaluation",
        r#"mutation { submitSelfEvaluation(input: {projectCode: "{P}", year: 2025, totalScore: "80"}) { year } }"#,
    ),
    (
        "openRectification",
        r#"mutation { openRectification(input: {projectCode: "{P}", issue: "i", requirement: "r", dueOn: "2026-12-31"}) { id } }"#,
    ),
    ("submitRectification", r#"mutation { submitRectification(id: "{X}", response: "已整改") { status } }"#),
    ("reviewRectification", r#"mutation { reviewRectification(id: "{X}", accepted: true) { status } }"#),
];

/// What a REPORTER may do for its own department (the issue's matrix).
const REPORTER_MAY: &[&str] = &[
    "updateProject",
    "setProjectStatus",
    "setSpendingPlan",
    "setRevenueForecast",
    "recordDisbursement",
    "reverseDisbursement",
    "recordProgress",
    "recordRevenue",
    "reverseRevenue",
    "recordDepartmentBudget",
    "declareTarget",
    "recordIndicatorActual",
    "submitAssessment",
    "acknowledgeAlert",
    "submitSelfEvaluation",
    "submitRectification",
];

/// What a MANAGER may do: acknowledge alerts and manage its own digest subscriptions.
const MANAGER_MAY: &[&str] = &[
    "acknowledgeAlert",
    "subscribeDigest",
    "updateDigestSubscription",
    "pauseDigestSubscription",
    "unsubscribeDigest",
];

fn fill(template: &str, project: &str, ids: &Value) -> String {
    let (dept, other) = if project == "P1" { ("JT", "P2") } else { ("SW", "P1") };
    template
        .replace("{P}", project)
        .replace("{DEPT}", dept)
        .replace("{OTHER}", other)
        .replace("{D}", ids[format!("{project}_D")].as_str().unwrap())
        .replace("{R}", ids[format!("{project}_R")].as_str().unwrap())
        .replace("{T}", ids[format!("{project}_T")].as_str().unwrap())
        .replace("{I}", ids[format!("{project}_I")].as_str().unwrap())
        .replace("{A}", ids[format!("{project}_A")].as_str().unwrap())
        .replace("{X}", ids[format!("{project}_X")].as_str().unwrap())
        .replace("{S}", ids["S"].as_str().unwrap())
}

fn code_of(body: &Value) -> Option<String> {
    body["errors"][0]["extensions"]["code"].as_str().map(str::to_string)
}

#[tokio::test]
async fn every_mutation_against_every_role() {
    let app = TestApp::spawn().await;
    let mut ids = world(&app).await;
    let reporter = app.token_for("jt_clerk", Role::Reporter, Some("JT")).await;
    let researcher = app.token_for("scholar", Role::Researcher, None).await;
    let manager = app.token_for("boss", Role::Manager, None).await;
    // The manager's own subscription, for the mutations that change one.
    let (_, body) = app
        .send(Some(&manager), r#"mutation { subscribeDigest(input: {recipient: "boss", email: "boss@example.org", job: "digest_daily"}) { id } }"#, json!({}))
        .await;
    ids["S"] = body["data"]["subscribeDigest"]["id"].clone();
    // importWorkbook is an upload: imports.rs checks it for every role.
    assert_eq!(
        MUTATIONS.len() + 2,
        policy::POLICY.iter().filter(|(p, _, _)| *p == "Mutation").count(),
        "the table covers every mutation but login and importWorkbook"
    );

    let cases: Vec<(&str, Option<&str>, &str)> = vec![
        ("RESEARCHER", Some(researcher.as_str()), "P1"),
        ("MANAGER", Some(manager.as_str()), "P1"),
        ("REPORTER of JT on P1", Some(reporter.as_str()), "P1"),
        ("REPORTER of JT on SW's P2", Some(reporter.as_str()), "P2"),
        ("nobody", None, "P1"),
        ("ADMIN", Some(app.token.as_str()), "P1"),
    ];
    for (who, token, project) in cases {
        for (name, template) in MUTATIONS {
            let expected_denial = match who {
                "ADMIN" => None,
                "nobody" => Some("UNAUTHENTICATED"),
                "REPORTER of JT on P1" if REPORTER_MAY.contains(name) => None,
                "MANAGER" if MANAGER_MAY.contains(name) => None,
                _ => Some("FORBIDDEN"),
            };
            let before = app.snapshot().await;
            let (status, body) = app.send(token, &fill(template, project, &ids), json!({})).await;
            assert_eq!(status, 200, "{who} {name}: {body}");
            let code = code_of(&body);
            match expected_denial {
                Some(denial) => {
                    assert_eq!(code.as_deref(), Some(denial), "{who} {name} must be refused: {body}");
                    assert_eq!(app.snapshot().await, before, "{who} {name}: a refused mutation wrote something");
                }
                None => assert!(
                    !matches!(code.as_deref(), Some("FORBIDDEN" | "UNAUTHENTICATED")),
                    "{who} {name} must be allowed: {body}"
                ),
            }
        }
    }
    // A REPORTER records payments, not the treasury's transfers.
    let (_, body) = app
        .send(
            Some(&reporter),
            r#"mutation { recordDisbursement(input: {projectCode: "P1", kind: TRANSFER, paidOn: "2025-03-02", amount: "1.00", payee: "x", economicClass: "资本性支出"}) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code_of(&body).as_deref(), Some("FORBIDDEN"));
    // Everyone signed in reads; only ADMIN reads the audit trail.
    for token in [&researcher, &manager, &reporter] {
        let (_, body) = app.send(Some(token), "{ projects { totalCount } portfolio { projects } }", json!({})).await;
        assert!(body["data"]["projects"]["totalCount"].as_i64().unwrap() >= 2, "{body}");
        let (_, body) = app.send(Some(token), "{ auditLog { totalCount } }", json!({})).await;
        assert_eq!(code_of(&body).as_deref(), Some("FORBIDDEN"));
    }
}

#[tokio::test]
async fn revoked_and_expired_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.token_for("scholar", Role::Researcher, None).await;
    let (status, body) = app.send(Some(&token), "{ me { username role } }", json!({})).await;
    assert_eq!((status, &body["data"]["me"]), (200, &json!({"username": "scholar", "role": "RESEARCHER"})));
    tokens::revoke(&app.ctx, Some(&token), None).await.unwrap();
    let (status, body) = app.send(Some(&token), "{ me { username } }", json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(code_of(&body).as_deref(), Some("UNAUTHENTICATED"));
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("已吊销"));

    let soon = app.clock_now() + chrono::Duration::hours(1);
    let expiring = tokens::create_api_token(&app.ctx, "scholar", Role::Researcher, None, Some(soon)).await.unwrap();
    assert_eq!(app.send(Some(&expiring), "{ me { username } }", json!({})).await.0, 200);
    app.clock.set(soon + chrono::Duration::seconds(1));
    let (status, body) = app.send(Some(&expiring), "{ me { username } }", json!({})).await;
    assert_eq!(status, 401);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("已过期"));
    assert_eq!(app.send(Some("bw_made_up"), "{ me { username } }", json!({})).await.0, 401);
}

#[tokio::test]
async fn a_verified_token_is_remembered_for_five_seconds_and_no_longer() {
    let app = TestApp::spawn().await;
    let token = app.token_for("scholar", Role::Researcher, None).await;
    let me = "{ me { username } }";
    let before = app.statements();
    assert_eq!(app.send(Some(&token), me, json!({})).await.0, 200);
    let first = app.statements() - before;
    // Checked again within the seconds, the token costs none of its two statements
    // (the token's row and its user's).
    let before = app.statements();
    assert_eq!(app.send(Some(&token), me, json!({})).await.0, 200);
    assert_eq!(app.statements() - before, first - 2, "the token came from memory");
    // Revoked on another replica: this one lets it through until 5 s after it verified it …
    let other = app.replica().await;
    tokens::revoke(&other, Some(&token), None).await.unwrap();
    app.clock.set(app.clock_now() + chrono::Duration::milliseconds(4_900));
    assert_eq!(app.send(Some(&token), me, json!({})).await.0, 200, "4.9 s: still remembered");
    // … and refuses it from then on.
    app.clock.set(app.clock_now() + chrono::Duration::milliseconds(100));
    let (status, body) = app.send(Some(&token), me, json!({})).await;
    assert_eq!(status, 401, "5 s: checked again, and revoked");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("已吊销"));
    // Revoked on this replica, a token stops at once.
    let second = app.token_for("scholar2", Role::Researcher, None).await;
    assert_eq!(app.send(Some(&second), me, json!({})).await.0, 200);
    tokens::revoke(&app.ctx, Some(&second), None).await.unwrap();
    assert_eq!(app.send(Some(&second), me, json!({})).await.0, 401);
}

#[tokio::test]
async fn without_credentials_only_the_public_surface_answers() {
    let app = TestApp::spawn().await;
    let (status, body) = app.send(None, "{ projects { totalCount } }", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(code_of(&body).as_deref(), Some("UNAUTHENTICATED"));
    let (_, body) = app.send(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query", "the schema is public (GraphiQL needs it)");
    for path in ["/healthz", "/graphiql", "/schema.graphql", "/graphiql/graphiql.min.js"] {
        let status = app.client.get(format!("{}{path}", app.url)).send().await.unwrap().status();
        assert_eq!(status, 200, "{path}");
    }
}

#[tokio::test]
async fn a_demo_server_lets_anonymous_callers_read_but_not_write() {
    let app = TestApp::spawn_with(Settings::default(), Anonymous::ReadOnly).await;
    let (_, body) = app.send(None, "{ me { username role } projects { totalCount } }", json!({})).await;
    assert_eq!(body["data"]["me"], json!({"username": "anonymous", "role": "RESEARCHER"}));
    let (_, body) =
        app.send(None, r#"mutation { createDepartment(input: {code: "X", name: "x"}) { code } }"#, json!({})).await;
    assert_eq!(code_of(&body).as_deref(), Some("FORBIDDEN"));
}

const LOGIN: &str = r#"mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt user { username role departmentCode } } }"#;

#[tokio::test]
async fn login_opens_a_cookie_session_and_is_rate_limited() {
    let app = TestApp::spawn().await;
    app.ok(r#"mutation { createDepartment(input: {code: "JT", name: "交通运输局"}) { code } }"#, json!({})).await;
    bondwatch::auth::add_user(
        &app.ctx,
        bondwatch::auth::NewUser {
            username: "clerk".into(),
            role: Role::Reporter,
            department_code: Some("JT".into()),
            email: Some("clerk@hanyang.gov.cn".into()),
            password: Some("correct horse".into()),
        },
    )
    .await
    .unwrap();
    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({"query": LOGIN, "variables": {"u": "clerk", "p": "correct horse"}}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers().get("set-cookie").expect("a session cookie").to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["login"]["user"], json!({"username": "clerk", "role": "REPORTER", "departmentCode": "JT"}));
    assert_eq!(body["data"]["login"]["expiresAt"], "2026-06-15T14:00:00Z", "12 hours on the injected clock");
    // The cookie alone authenticates.
    let session = cookie.split(';').next().unwrap().to_string();
    let me: Value = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("cookie", session)
        .json(&json!({"query": "{ me { username } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["data"]["me"]["username"], "clerk");

    // Five failures lock the username for the window, even for the right password.
    for _ in 0..5 {
        let (_, body) = app.send(None, LOGIN, json!({"u": "clerk", "p": "wrong"})).await;
        assert_eq!(code_of(&body).as_deref(), Some("UNAUTHENTICATED"));
    }
    let (_, body) = app.send(None, LOGIN, json!({"u": "clerk", "p": "correct horse"})).await;
    assert_eq!(code_of(&body).as_deref(), Some("LIMIT_EXCEEDED"));
    assert_eq!(body["errors"][0]["extensions"]["limit"], "login_rate");
    app.clock.set(app.clock_now() + chrono::Duration::minutes(16));
    let (_, body) = app.send(None, LOGIN, json!({"u": "clerk", "p": "correct horse"})).await;
    assert!(body["errors"].is_null(), "the window passed: {body}");
    // The address is limited too: failures spread over unknown usernames.
    for i in 0..5 {
        app.send(None, LOGIN, json!({"u": format!("nobody{i}"), "p": "x"})).await;
    }
    let (_, body) = app.send(None, LOGIN, json!({"u": "clerk", "p": "correct horse"})).await;
    assert_eq!(code_of(&body).as_deref(), Some("LIMIT_EXCEEDED"));
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("address:"));
}

async fn clerk(app: &TestApp) {
    app.ok(r#"mutation { createDepartment(input: {code: "JT", name: "交通运输局"}) { code } }"#, json!({})).await;
    bondwatch::auth::add_user(
        &app.ctx,
        bondwatch::auth::NewUser {
            username: "clerk".into(),
            role: Role::Admin,
            department_code: None,
            email: None,
            password: Some("correct horse".into()),
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn parallel_guesses_cannot_pass_the_login_limit() {
    let app = TestApp::spawn().await;
    clerk(&app).await;
    // 200 guesses at once, the right password among them: five are checked (the limit),
    // every other is refused before its password is looked at.
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..200 {
        let p = if i == 150 { "correct horse".to_string() } else { format!("guess{i}") };
        let (client, url) = (app.client.clone(), format!("{}/graphql", app.url));
        guesses.spawn(async move {
            let body = json!({"query": LOGIN, "variables": {"u": "clerk", "p": p}});
            client.post(url).json(&body).send().await.unwrap().json::<Value>().await.unwrap()
        });
    }
    let answers = guesses.join_all().await;
    let checked = answers.iter().filter(|b| code_of(b).as_deref() != Some("LIMIT_EXCEEDED")).count();
    assert!(checked <= 5, "{checked} guesses were checked, the limit is 5");
    assert_eq!(answers.len() - checked, 200 - checked);
}

#[tokio::test]
async fn a_cookie_session_changes_nothing_from_another_site() {
    let app = TestApp::spawn().await;
    clerk(&app).await;
    let (_, body) = app.send(None, LOGIN, json!({"u": "clerk", "p": "correct horse"})).await;
    let session = format!("bondwatch_session={}", body["data"]["login"]["token"].as_str().unwrap());
    let host = app.url.trim_start_matches("http://").to_string();
    let create = r#"mutation { createDepartment(input: {code: "EVIL", name: "外站"}) { code } }"#;
    let post = |origin: Option<&str>, auth: &str, query: &str| {
        let mut r = app.client.post(format!("{}/graphql", app.url)).json(&json!({"query": query}));
        r = if auth == "cookie" { r.header("cookie", session.clone()) } else { r.bearer_auth(app.token.clone()) };
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        async move {
            let response = r.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let before = app.snapshot().await;
    for origin in [Some("http://evil.example"), Some("http://127.0.0.1:1"), None] {
        let (status, body) = post(origin, "cookie", create).await;
        assert_eq!((status, code_of(&body).as_deref()), (403, Some("FORBIDDEN")), "{origin:?}: {body}");
    }
    // A text/plain body from a foreign form is refused the same way.
    let plain = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("cookie", session.clone())
        .header("origin", "http://evil.example")
        .header("content-type", "text/plain")
        .body(json!({"query": create}).to_string())
        .send()
        .await
        .unwrap();
    assert_ne!(plain.status().as_u16(), 200);
    assert_eq!(app.snapshot().await, before, "nothing was created");
    // Reading with the cookie, a change from the server's own page, or with a bearer token.
    let (status, body) = post(Some("http://evil.example"), "cookie", "{ me { username } }").await;
    assert_eq!((status, body["data"]["me"]["username"].as_str()), (200, Some("clerk")));
    let (_, body) = post(Some(&format!("http://{host}")), "cookie", create).await;
    assert_eq!(body["data"]["createDepartment"]["code"], "EVIL", "{body}");
    let (_, body) = post(
        Some("http://evil.example"),
        "bearer",
        r#"mutation { createDepartment(input: {code: "API", name: "程序"}) { code } }"#,
    )
    .await;
    assert_eq!(body["data"]["createDepartment"]["code"], "API", "{body}");
}

#[tokio::test]
async fn behind_tls_the_session_cookie_is_secure() {
    let mut settings = Settings::default();
    settings.auth.secure_cookies = true;
    let app = TestApp::spawn_with(settings, Anonymous::Refused).await;
    let new = bondwatch::auth::NewUser {
        username: "li".into(),
        role: Role::Researcher,
        department_code: None,
        email: None,
        password: Some("long enough".into()),
    };
    bondwatch::auth::add_user(&app.ctx, new).await.unwrap();
    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({"query": LOGIN, "variables": {"u": "li", "p": "long enough"}}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly"), "{cookie}");
}

#[tokio::test]
async fn every_change_leaves_an_audit_entry_with_before_and_after() {
    let app = TestApp::spawn().await;
    app.ok(
        r#"mutation {
            createDepartment(input: {code: "JT", name: "交通运输局"}) { code }
            createProject(input: {code: "P1", name: "旧名", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "100.00"}) { code }
        }"#,
        json!({}),
    )
    .await;
    app.ok(
        r#"mutation { updateProject(code: "P1", expectedVersion: 1, input: {name: "新名"}) { version } }"#,
        json!({}),
    )
    .await;
    let data = app
        .ok(r#"{ auditLog(filter: {operation: "updateProject"}) { totalCount nodes { at username operation subject before after } } all: auditLog { totalCount } }"#, json!({}))
        .await;
    let entry = &data["auditLog"]["nodes"][0];
    assert_eq!(entry["username"], "office");
    assert_eq!(entry["subject"], "P1");
    assert_eq!(entry["at"], "2026-06-15T02:00:00Z");
    let before: Value = serde_json::from_str(entry["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(entry["after"].as_str().unwrap()).unwrap();
    assert_eq!((before["name"].as_str(), after["name"].as_str()), (Some("旧名"), Some("新名")));
    assert_eq!(after["approved_investment"], "100.00", "money in the trail is exact text");
    assert!(data["all"]["totalCount"].as_i64().unwrap() >= 3, "createDepartment, createProject, updateProject");
    // The schema has no way to change the trail.
    let sdl = bondwatch::api::sdl();
    assert!(!sdl.to_lowercase().contains("deleteaudit") && !sdl.to_lowercase().contains("updateaudit"));
}

#[tokio::test]
async fn limits_name_themselves() {
    // A 1 ms limit against a request that needs far longer: the schedules and coverage
    // of 60 generated projects.
    let settings = Settings {
        auth: bondwatch::config::AuthSettings { request_timeout_ms: 1, ..Settings::default().auth },
        ..Settings::default()
    };
    let slow = TestApp::spawn_with(settings, Anonymous::Refused).await;
    let options = bondwatch::synthetic::GenOptions { projects: 60, years: 2, seed: 5 };
    bondwatch::synthetic::generate(&slow.ctx, &options, |_, _| {}).await.unwrap();
    let heavy = "{ projects(first: 200) { nodes { debtService { principal } coverageRatio rollingCoverageRatio disbursements { totalCount } } } }";
    let (status, _) = slow.send(Some(&slow.token.clone()), heavy, json!({})).await;
    assert_eq!(status, 408, "a request past the timeout is answered 408");

    let app = TestApp::spawn().await;
    let deep = format!(
        "{{ projects {{ nodes {{ {} }} }} }}",
        "allocations { project { ".repeat(8) + "code" + &" } }".repeat(8)
    );
    let (_, body) = app.send(Some(&app.token.clone()), &deep, json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("nested too deep"), "{body}");
    let wide = format!(
        "{{ {} }}",
        (0..40)
            .map(|i| format!("p{i}: projects(first: 200) {{ nodes {{ code name }} }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (_, body) = app.send(Some(&app.token.clone()), &wide, json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("too complex"), "{body}");
    let (_, body) = app.send(Some(&app.token.clone()), "{ projects(first: 201) { totalCount } }", json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("每页最多"));
    let huge = "x".repeat(bondwatch::api::MAX_BODY_BYTES + 10);
    let status = app
        .client
        .post(format!("{}/graphql", app.url))
        .bearer_auth(&app.token)
        .json(&json!({"query": "{ departments { code } }", "variables": {"pad": huge}}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 413, "a body over the limit is refused");
}

#[tokio::test]
async fn a_manager_of_a_department_reads_that_department() {
    let app = TestApp::spawn().await;
    world(&app).await;
    let manager = app.token_for("jt_head", Role::Manager, Some("JT")).await;
    let (_, body) = app
        .send(
            Some(&manager),
            r#"{ projects { totalCount nodes { code } } p2: project(code: "P2") { code } p1: project(code: "P1") { code }
                 alerts { nodes { project { code } } } indicators { nodes { project { code } } }
                 debtService(from: "2025-01-01", to: "2031-12-31") { project { code } } }"#,
            json!({}),
        )
        .await;
    let data = &body["data"];
    assert_eq!(data["projects"]["nodes"], json!([{"code": "P1"}]), "{body}");
    assert_eq!(data["p2"], Value::Null);
    assert_eq!(data["p1"]["code"], "P1");
    for key in ["alerts", "indicators"] {
        let nodes = data[key]["nodes"].as_array().unwrap();
        assert!(!nodes.is_empty() && nodes.iter().all(|n| n["project"]["code"] == "P1"), "{key}: {nodes:?}");
    }
    assert!(data["debtService"].as_array().unwrap().iter().all(|l| l["project"]["code"] == "P1"));
    let (_, body) =
        app.send(Some(&manager), r#"{ projects(filter: {departmentCode: "SW"}) { totalCount } }"#, json!({})).await;
    assert_eq!(code_of(&body).as_deref(), Some("FORBIDDEN"));
    // A manager without a department reads the whole portfolio.
    let all = app.token_for("district_head", Role::Manager, None).await;
    let (_, body) = app.send(Some(&all), "{ projects { totalCount } }", json!({})).await;
    assert_eq!(body["data"]["projects"]["totalCount"], 2);
}

/// graphql-js 16's `getIntrospectionQuery({ descriptions: true })`: what GraphiQL, codegen
/// tools and Apollo send. Its `ofType` nesting goes deeper than the data depth limit.
const INTROSPECTION: &str = r#"query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}"#;

/// The named type at the bottom of a type reference.
fn named(type_ref: &Value) -> &str {
    match type_ref["name"].as_str() {
        Some(name) => name,
        None => named(&type_ref["ofType"]),
    }
}

#[tokio::test]
async fn the_standard_introspection_query_passes_and_deep_data_stays_refused() {
    let app = TestApp::spawn().await;
    // Without credentials, as GraphiQL first asks.
    let (status, body) = app.send(None, INTROSPECTION, json!({})).await;
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body}");
    let schema = &body["data"]["__schema"];
    assert_eq!(
        (schema["queryType"]["name"].as_str(), schema["mutationType"]["name"].as_str()),
        (Some("Query"), Some("Mutation"))
    );
    // What a client builds its schema from holds together: every type a field, argument or
    // input field names is among the types, Query among them with its fields documented.
    let types: std::collections::HashMap<&str, &Value> =
        schema["types"].as_array().unwrap().iter().map(|t| (t["name"].as_str().unwrap(), t)).collect();
    for t in types.values() {
        for f in t["fields"].as_array().into_iter().flatten().chain(t["inputFields"].as_array().into_iter().flatten()) {
            assert!(types.contains_key(named(&f["type"])), "{}.{} names an unknown type", t["name"], f["name"]);
            for a in f["args"].as_array().into_iter().flatten() {
                assert!(
                    types.contains_key(named(&a["type"])),
                    "{}.{}({}) names an unknown type",
                    t["name"],
                    f["name"],
                    a["name"]
                );
            }
        }
    }
    let query_fields: Vec<&str> =
        types["Query"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert!(query_fields.contains(&"figures") && query_fields.contains(&"previewAlerts"), "{query_fields:?}");
    // A data query as deep is still refused, also when it hides behind an introspection field.
    let deep = format!(
        "{{ __typename projects {{ nodes {{ {} }} }} }}",
        "allocations { project { ".repeat(8) + "code" + &" } }".repeat(8)
    );
    let (_, body) = app.send(Some(&app.token.clone()), &deep, json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("nested too deep"), "{body}");
}

/// An alert of a bond touches every department the bond funds: a department's REPORTER
/// may not acknowledge it for all of them; the office may.
#[tokio::test]
async fn a_bond_s_alert_is_the_office_s_to_handle() {
    let app = TestApp::spawn().await;
    bondwatch::demo::load(&app.ctx, |_| {}).await.unwrap();
    app.ok("mutation { runAlertSweep { raised } }", json!({})).await;
    let data = app
        .ok(
            r#"{ alerts(first: 200, filter: {rule: "M7"}) { nodes { id bond { code } project { code } } } }"#,
            json!({}),
        )
        .await;
    let alert = &data["alerts"]["nodes"][0];
    assert!(alert["project"].is_null() && !alert["bond"].is_null(), "M7 is a bond's alert: {alert}");
    let id = alert["id"].as_str().unwrap();
    let reporter = app.token_for("jt-clerk", Role::Reporter, Some("HY-JT")).await;
    let ack = r#"mutation($id: ID!) { acknowledgeAlert(id: $id, note: "已阅") { status } }"#;
    let (_, body) = app.send(Some(&reporter), ack, json!({"id": id})).await;
    assert_eq!(code_of(&body).as_deref(), Some("FORBIDDEN"), "{body}");
    let after = app.ok(r#"{ alerts(first: 200, filter: {rule: "M7"}) { nodes { id status } } }"#, json!({})).await;
    let same = after["alerts"]["nodes"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap().clone();
    assert_eq!(same["status"], "OPEN", "nothing changed");
    let manager = app.token_for("boss", Role::Manager, None).await;
    let (_, body) = app.send(Some(&manager), ack, json!({"id": id})).await;
    assert_eq!(body["data"]["acknowledgeAlert"]["status"], "ACKNOWLEDGED", "{body}");
}

/// A kilobyte that would pin a core: fragments that each spread the one before twice
/// (27 levels, 2^27 fields once expanded), or a reader's 1,000 aliased portfolio
/// previews. Each is refused with a code before any resolver runs: no statement beyond
/// the credentials' check.
#[tokio::test]
async fn a_costly_request_is_refused_before_any_work() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let mut q = String::from("fragment F0 on Project { code name }\n");
    for i in 1..=27 {
        q += &format!("fragment F{i} on Project {{ ...F{} ...F{} }}\n", i - 1, i - 1);
    }
    q += "{ projects { nodes { ...F27 } } }";
    assert!(q.len() < 1500, "{} bytes", q.len());
    let before = app.statements();
    let (status, body) = app.send(None, &q, json!({})).await;
    assert_eq!((status, code_of(&body).as_deref()), (200, Some("LIMIT_EXCEEDED")), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "expanded_fields");
    assert_eq!(app.statements(), before, "refused before anything ran");
    // A fragment that spreads itself is refused the same way.
    let (_, body) = app.send(None, "fragment A on Project { ...A } { projects { nodes { ...A } } }", json!({})).await;
    assert!(code_of(&body).is_some(), "{body}");

    let reader = app.token_for("scholar", Role::Researcher, None).await;
    let count = |query: String| {
        let (app, reader) = (&app, reader.clone());
        async move {
            let before = app.statements();
            let (_, body) = app.send(Some(&reader), &query, json!({})).await;
            (app.statements() - before, body)
        }
    };
    // The token's check is remembered after the first request: measure after it.
    count("{ __typename }".to_string()).await;
    let (credentials_only, _) = count("{ __typename }".to_string()).await;
    let previews: Vec<String> =
        (0..1000).map(|i| format!("p{i}: previewAlerts(asOf: \"2026-06-15\") {{ rule }}")).collect();
    let (statements, body) = count(format!("{{ {} }}", previews.join(" "))).await;
    assert_eq!(code_of(&body).as_deref(), Some("LIMIT_EXCEEDED"), "{body}");
    assert_eq!(statements, credentials_only, "no resolver ran");
    // One portfolio preview is the office's; a reader previews a project.
    let (_, body) = count(r#"{ previewAlerts(asOf: "2026-06-15") { rule } }"#.to_string()).await;
    assert_eq!(code_of(&body).as_deref(), Some("FORBIDDEN"), "{body}");
    let (_, body) = count(r#"{ previewAlerts(asOf: "2026-06-15", projectCode: "P1") { rule } }"#.to_string()).await;
    assert!(body["errors"].is_null(), "{body}");
}
