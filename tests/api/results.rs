//! Results application (domain.md §9): self-evaluation against the office's evaluation,
//! rectifications through their life, and each department's results of a year.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use bondwatch::auth::Role;

fn code_of(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// P1 (JT) evaluated for 2025 as stored by the office: an evaluation row with this total.
async fn evaluated(app: &TestApp, total: &str) {
    app.ok(r#"mutation { evaluate(projectCode: "P1", year: 2025) { totalScore } }"#, json!({})).await;
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.ctx.db;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!("UPDATE evaluations SET total_score = '{total}'"),
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn a_self_evaluation_is_checked_replaced_and_compared() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let submit = r#"mutation($i: SelfEvaluationInput!) { submitSelfEvaluation(input: $i) { totalScore budgetExecutionScore evaluatedScore deviation } }"#;
    let before = app.snapshot().await;
    // The four parts must all be given and add up to the total: 8 + 40 + 25 + 9 = 82, not 85.
    for (input, field) in [
        (
            json!({"projectCode": "P1", "year": 2025, "totalScore": "85", "budgetExecutionScore": "8", "outputScore": "40", "benefitScore": "25", "satisfactionScore": "9"}),
            "input.totalScore",
        ),
        (
            json!({"projectCode": "P1", "year": 2025, "totalScore": "85", "outputScore": "40"}),
            "input.budgetExecutionScore",
        ),
        (
            json!({"projectCode": "P1", "year": 2025, "totalScore": "85", "budgetExecutionScore": "11", "outputScore": "40", "benefitScore": "25", "satisfactionScore": "9"}),
            "input.budgetExecutionScore",
        ),
        (json!({"projectCode": "P1", "year": 2025, "totalScore": "101"}), "input.totalScore"),
    ] {
        let (code, got, message) = app.err(submit, json!({"i": input})).await;
        assert_eq!((code.as_str(), got.as_str()), ("VALIDATION", field), "{message}");
    }
    assert_eq!(app.snapshot().await, before, "nothing written");
    let first = app
        .ok(submit, json!({"i": {"projectCode": "P1", "year": 2025, "totalScore": "82", "budgetExecutionScore": "8", "outputScore": "40", "benefitScore": "25", "satisfactionScore": "9"}}))
        .await;
    assert_eq!(first["submitSelfEvaluation"]["evaluatedScore"], Value::Null, "no evaluation yet");
    // A second replaces the first (which is kept); against the office's 61.50: 95 − 61.50 = 33.50.
    app.ok(submit, json!({"i": {"projectCode": "P1", "year": 2025, "totalScore": "95"}})).await;
    evaluated(&app, "61.50").await;
    let data = app
        .ok(r#"{ project(code: "P1") { selfEvaluation(year: 2025) { totalScore budgetExecutionScore evaluatedScore deviation } } selfEvaluations(year: 2025) { totalScore } }"#, json!({}))
        .await;
    assert_eq!(
        data["project"]["selfEvaluation"],
        json!({"totalScore": "95.00", "budgetExecutionScore": null, "evaluatedScore": "61.50", "deviation": "33.50"})
    );
    assert_eq!(data["selfEvaluations"].as_array().unwrap().len(), 1, "the one in force");
    // R1: 33.50 points off, above 20: orange.
    let preview = app
        .ok(r#"{ previewAlerts(asOf: "2026-06-15", projectCode: "P1") { rule severity measured } }"#, json!({}))
        .await;
    let r1: Vec<&Value> = preview["previewAlerts"].as_array().unwrap().iter().filter(|a| a["rule"] == "R1").collect();
    assert_eq!(r1.len(), 1, "{preview}");
    assert_eq!((r1[0]["severity"].as_str(), r1[0]["measured"].as_str()), (Some("ORANGE"), Some("偏差33.50分")));
    // A department's REPORTER for its own projects only.
    app.ok(r#"mutation { createDepartment(input: {code: "SW", name: "水务局"}) { code } }"#, json!({})).await;
    let other = app.token_for("sw", Role::Reporter, Some("SW")).await;
    let (_, body) =
        app.send(Some(&other), submit, json!({"i": {"projectCode": "P1", "year": 2025, "totalScore": "70"}})).await;
    assert_eq!(code_of(&body), Some("FORBIDDEN"), "{body}");
}

#[tokio::test]
async fn a_rectification_lives_from_open_to_accepted_and_refuses_impossible_steps() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let opened = app
        .ok(r#"mutation { openRectification(input: {projectCode: "P1", year: 2025, issue: "资金闲置", requirement: "加快支出", dueOn: "2026-07-15"}) { id status source dueOn overdueDays } }"#, json!({}))
        .await;
    let r = &opened["openRectification"];
    assert_eq!(
        (r["status"].as_str(), r["source"].as_str(), r["overdueDays"].as_i64()),
        (Some("OPEN"), Some("OFFICE"), Some(0))
    );
    let id = r["id"].as_str().unwrap().to_string();
    let review = r#"mutation($id: ID!, $ok: Boolean!, $note: String) { reviewRectification(id: $id, accepted: $ok, note: $note) { status reviewNote acceptedOn } }"#;
    let submit = r#"mutation($id: ID!, $on: Date) { submitRectification(id: $id, response: "已加快支出", submittedOn: $on) { status submittedOn overdueDays } }"#;
    app.ok(r#"mutation { createDepartment(input: {code: "SW", name: "水务局"}) { code } }"#, json!({})).await;
    let jt = app.token_for("jt", Role::Reporter, Some("JT")).await;
    let sw = app.token_for("sw", Role::Reporter, Some("SW")).await;
    let before = app.snapshot().await;
    // Accepting an open one, and a REPORTER reviewing, are refused; nothing written.
    let (code, _, _) = app.err(review, json!({"id": id, "ok": true})).await;
    assert_eq!(code, "CONFLICT");
    let (_, body) = app.send(Some(&jt), review, json!({"id": id, "ok": true})).await;
    assert_eq!(code_of(&body), Some("FORBIDDEN"));
    let (_, body) = app.send(Some(&sw), submit, json!({"id": id})).await;
    assert_eq!(code_of(&body), Some("FORBIDDEN"), "another department's");
    assert_eq!(app.snapshot().await, before, "impossible steps write nothing");
    // An answer dated before the rectification was opened (15 June) is refused.
    let (_, body) = app.send(Some(&jt), submit, json!({"id": id, "on": "2026-01-01"})).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "submittedOn", "{body}");
    // The unit answers on 20 July, five days after the due date: 5 days late, awaiting review.
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 7, 26, 2, 0, 0).unwrap());
    let (_, body) = app.send(Some(&jt), submit, json!({"id": id, "on": "2026-07-20"})).await;
    assert_eq!(
        body["data"]["submitRectification"],
        json!({"status": "SUBMITTED", "submittedOn": "2026-07-20", "overdueDays": 5}),
        "{body}"
    );
    // Returned without a reason: refused; with one: returned, and the unit answers again.
    let (code, field, _) = app.err(review, json!({"id": id, "ok": false})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "note"));
    let back = app.ok(review, json!({"id": id, "ok": false, "note": "未附凭证"})).await;
    assert_eq!(back["reviewRectification"]["status"], "RETURNED");
    app.send(Some(&jt), submit, json!({"id": id, "on": "2026-07-25"})).await;
    let done = app.ok(review, json!({"id": id, "ok": true, "note": "整改到位"})).await;
    assert_eq!(done["reviewRectification"]["status"], "ACCEPTED");
    let (code, _, _) = app.err(submit, json!({"id": id})).await;
    assert_eq!(code, "CONFLICT", "an accepted one takes no more answers");
    // Its steps are audited; the list filters by status.
    let list = app
        .ok(r#"{ rectifications(filter: {status: ACCEPTED}) { totalCount nodes { overdueDays } } }"#, json!({}))
        .await;
    // Accepted from the submission of 25 July: 25 July − 15 July = 10 days late.
    assert_eq!(list["rectifications"], json!({"totalCount": 1, "nodes": [{"overdueDays": 10}]}));
}

#[tokio::test]
async fn a_poor_grade_opens_one_rectification_and_the_year_ends_in_a_suggestion() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // Nothing recorded for P1 in 2025: the evaluation grades it 差.
    let e = app.ok(r#"mutation { evaluate(projectCode: "P1", year: 2025) { grade totalScore } }"#, json!({})).await;
    assert_eq!(e["evaluate"]["grade"], "POOR", "{e}");
    app.ok(r#"mutation { evaluate(projectCode: "P1", year: 2025) { grade } }"#, json!({})).await;
    let data =
        app.ok(r#"{ project(code: "P1") { rectifications { source year dueOn status issue } } }"#, json!({})).await;
    let rects = data["project"]["rectifications"].as_array().unwrap();
    assert_eq!(rects.len(), 1, "stored twice, opened once: {rects:?}");
    // Due 60 days after 15 June 2026: 14 August.
    assert_eq!((rects[0]["source"].as_str(), rects[0]["dueOn"].as_str()), (Some("EVALUATION"), Some("2026-08-14")));
    assert!(rects[0]["issue"].as_str().unwrap().contains("等级为“差”"));
    // The department's results: one project, its score the mean, 差, 压减 −20%; one issued,
    // none accepted or late (rate 0 ÷ 1 = 0.00%).
    let total = e["evaluate"]["totalScore"].as_str().unwrap().to_string();
    let results = app
        .ok(r#"{ resultApplication(year: 2025) { department { code } projectsEvaluated meanScore grade projectsUnder60 rectificationsIssued rectificationsAccepted rectificationsOverdue rectificationRatePercent suggestion budgetChangePercent } }"#, json!({}))
        .await;
    let jt = results["resultApplication"].as_array().unwrap().iter().find(|r| r["department"]["code"] == "JT").unwrap();
    assert_eq!(jt["projectsEvaluated"], 1);
    assert_eq!(jt["meanScore"].as_str(), Some(total.as_str()));
    assert_eq!((jt["grade"].as_str(), jt["projectsUnder60"].as_i64()), (Some("POOR"), Some(1)));
    assert_eq!(
        (
            jt["rectificationsIssued"].as_i64(),
            jt["rectificationsAccepted"].as_i64(),
            jt["rectificationsOverdue"].as_i64()
        ),
        (Some(1), Some(0), Some(0))
    );
    assert_eq!(jt["rectificationRatePercent"], "0.00");
    assert_eq!(jt["budgetChangePercent"], "-20.00");
    assert!(jt["suggestion"].as_str().unwrap().contains("压减"));
    // The evaluation report says the rectification and its due date; the 结果应用 export
    // and the scoring workbook's sheet carry the department's row.
    let doc = bondwatch::reports::evaluation_report(&app.ctx, "P1", 2025).await.unwrap();
    let html = String::from_utf8(
        bondwatch::reports::render(&app.ctx, doc.clone(), bondwatch::reports::Format::Html).await.unwrap(),
    )
    .unwrap();
    assert!(html.contains("下达整改事项,整改期限为2026年8月14日,当前状态:待整改"), "the report's conclusion");
    // And the PDF, read back, says it under 六、有关建议.
    let pdf = bondwatch::reports::render(&app.ctx, doc, bondwatch::reports::Format::Pdf).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.pdf"), &pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(dir.path().join("r.pdf")).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace(['\n', ' '], "");
    let advice = text.find("六、有关建议").expect("the suggestions");
    let sentence =
        text.find("下达整改事项,整改期限为2026年8月14日,当前状态:待整改").expect("the rectification in the PDF");
    assert!(sentence > advice && sentence < text.find("七、其他需要说明的问题").unwrap(), "among the suggestions");
    let table = bondwatch::spreadsheets::table(&app.ctx, bondwatch::spreadsheets::Export::Results(2025)).await.unwrap();
    assert_eq!(table.sheet, "结果应用");
    let book = bondwatch::reports::scoring_workbook(&app.ctx, 2025, None).await.unwrap();
    let sheets = calamine::Reader::sheet_names(
        &calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(book)).unwrap(),
    );
    assert!(sheets.contains(&"结果应用".to_string()), "{sheets:?}");
    let export =
        bondwatch::spreadsheets::export(&app.ctx, bondwatch::spreadsheets::Export::Results(2025)).await.unwrap();
    let mut xlsx: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(export)).unwrap();
    let range = calamine::Reader::worksheet_range(&mut xlsx, "结果应用").unwrap();
    let jt_row: Vec<String> = range
        .rows()
        .find(|r| r[0] == calamine::Data::String("JT".into()))
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!((jt_row[5].as_str(), jt_row[13].as_str()), ("差", "-20"), "{jt_row:?}");
    assert!(jt_row[12].contains("压减"));
    // 差 again the next year while 2025's is not accepted: R3; and after 14 August, R2.
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 3, 1, 2, 0, 0).unwrap());
    app.ok(r#"mutation { evaluate(projectCode: "P1", year: 2026) { grade } }"#, json!({})).await;
    let preview =
        app.ok(r#"{ previewAlerts(asOf: "2027-03-01", projectCode: "P1") { rule severity } }"#, json!({})).await;
    let rules: Vec<(&str, &str)> = preview["previewAlerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["rule"].as_str().unwrap(), a["severity"].as_str().unwrap()))
        .collect();
    assert!(rules.contains(&("R3", "RED")), "{rules:?}");
    // 14 August 2026 to 1 March 2027: 17 + 30 + 31 + 30 + 31 + 31 + 28 + 1 = 199 days, past 30: orange.
    assert!(rules.contains(&("R2", "ORANGE")), "{rules:?}");
    let none = results["resultApplication"].as_array().unwrap().iter().find(|r| r["department"]["code"] != "JT");
    if let Some(other) = none {
        assert_eq!(
            (other["suggestion"].as_str(), other["budgetChangePercent"].as_str()),
            (Some("无评价结果"), Some("0.00"))
        );
    }
}
