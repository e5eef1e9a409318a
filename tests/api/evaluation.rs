//! Performance evaluation (绩效评价): scored in four dimensions by the weight profile
//! of the project's status, every deduction with its reason, graded, ranked, and the
//! same when computed again.

use bondwatch::demo;
use serde_json::json;

use crate::helpers::TestApp;

const EVALUATE: &str = r#"mutation($p: String!) { evaluate(projectCode: $p, year: 2026) {
    totalScore grade profile project { code }
    dimensions { dimension weight score items { name maxScore score reason } } } }"#;

#[tokio::test]
async fn projects_are_scored_graded_and_ranked() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    app.ok("mutation { runAlertSweep { raised } }", json!({})).await;
    let healthy = app.ok(EVALUATE, json!({"p": "HY-JT-01"})).await["evaluate"].clone();
    let troubled = app.ok(EVALUATE, json!({"p": "HY-WJ-01"})).await["evaluate"].clone();
    assert_eq!(healthy["profile"], "construction");
    assert_eq!(troubled["profile"], "operating", "an operating project is judged on results");
    let weights: Vec<&str> =
        troubled["dimensions"].as_array().unwrap().iter().map(|d| d["weight"].as_str().unwrap()).collect();
    assert_eq!(weights, ["15.00", "25.00", "35.00", "25.00"]);
    let total = |e: &serde_json::Value| e["totalScore"].as_str().unwrap().parse::<f64>().unwrap();
    assert!(total(&healthy) > total(&troubled), "{} vs {}", total(&healthy), total(&troubled));
    for e in [&healthy, &troubled] {
        let dims = e["dimensions"].as_array().unwrap();
        let sum: f64 = dims.iter().map(|d| d["score"].as_str().unwrap().parse::<f64>().unwrap()).sum();
        assert!((sum - total(e)).abs() < 0.05, "the total is the sum of the dimensions");
        for item in dims.iter().flat_map(|d| d["items"].as_array().unwrap()) {
            let (max, score) = (
                item["maxScore"].as_str().unwrap().parse::<f64>().unwrap(),
                item["score"].as_str().unwrap().parse::<f64>().unwrap(),
            );
            assert!(score <= max + 0.005, "{item}");
            if score + 0.005 < max {
                assert!(item["reason"].as_str().unwrap().starts_with("扣"), "a deduction carries its reason: {item}");
            }
        }
    }
    let grade = |e: &serde_json::Value| match total(e) {
        t if t >= 90.0 => "EXCELLENT",
        t if t >= 80.0 => "GOOD",
        t if t >= 60.0 => "FAIR",
        _ => "POOR",
    };
    assert_eq!(troubled["grade"], grade(&troubled));
    assert_eq!(healthy["grade"], grade(&healthy));
    // The same again gives the same.
    let again = app.ok(EVALUATE, json!({"p": "HY-WJ-01"})).await["evaluate"].clone();
    assert_eq!(again, troubled);
    let data = app
        .ok(
            r#"{ evaluations(year: 2026) { project { code } totalScore } jt: evaluations(year: 2026, departmentCode: "HY-JT") { project { code } }
                 project(code: "HY-WJ-01") { evaluation(year: 2026) { totalScore } none: evaluation(year: 2025) { totalScore } never: evaluation(year: 2023) { totalScore } } }"#,
            json!({}),
        )
        .await;
    let ranked: Vec<&str> =
        data["evaluations"].as_array().unwrap().iter().map(|e| e["project"]["code"].as_str().unwrap()).collect();
    assert_eq!(ranked, ["HY-JT-01", "HY-WJ-01"], "best first");
    assert_eq!(data["jt"], json!([{"project": {"code": "HY-JT-01"}}]));
    assert_eq!(data["project"]["evaluation"]["totalScore"], troubled["totalScore"]);
    // The demo stored last year's (domain.md §9's loop); the year before, nothing.
    assert!(data["project"]["none"]["totalScore"].is_string(), "{data}");
    assert_eq!(data["project"]["never"], serde_json::Value::Null);
    let (code, field, _) =
        app.err(r#"mutation { evaluate(projectCode: "HY-JT-01", year: 2027) { grade } }"#, json!({})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "year"));
}

#[tokio::test]
async fn nothing_to_measure_hands_its_share_on_and_says_so() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // A bare project: no money, no targets. What cannot exist yet (coverage without a bond,
    // spending against a plan with nothing allocated) hands its share on; what is missing
    // (targets, and so every output item) scores 0 (domain.md §6: missing is not empty).
    let e = app.ok(r#"mutation { evaluate(projectCode: "P1", year: 2026) { totalScore grade dimensions { dimension weight items { name reason maxScore } } } }"#, json!({})).await;
    let dims = e["evaluate"]["dimensions"].as_array().unwrap();
    assert_eq!(dims.len(), 4, "every dimension is listed: {dims:?}");
    let output = dims.iter().find(|d| d["dimension"] == "OUTPUT").unwrap();
    assert!(
        output["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["maxScore"] != "0.00" && i["reason"].as_str().unwrap().contains("未申报本年度绩效目标")),
        "{output}"
    );
    let weight_sum: f64 = dims.iter().map(|d| d["weight"].as_str().unwrap().parse::<f64>().unwrap()).sum();
    assert!((weight_sum - 100.0).abs() < 0.05, "its weight went to the others");
    assert!(
        dims.iter()
            .flat_map(|d| d["items"].as_array().unwrap())
            .any(|i| i["reason"].as_str().unwrap().contains("无可计量数据"))
    );
    assert_eq!(e["evaluate"]["grade"], "POOR", "no assessment, no targets");
}

#[tokio::test]
async fn an_evaluation_takes_the_profile_of_the_status_in_force_on_31_december() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // Under construction through 2025; operating from 10 January 2026 (today is 15 June 2026).
    app.ok(
        r#"mutation {
            a: setProjectStatus(code: "P1", status: APPROVED, effectiveOn: "2024-11-01") { status }
            f: setProjectStatus(code: "P1", status: FUNDED, effectiveOn: "2025-02-01") { status }
            u: setProjectStatus(code: "P1", status: UNDER_CONSTRUCTION, effectiveOn: "2025-03-01") { status }
            o: setProjectStatus(code: "P1", status: OPERATING, effectiveOn: "2026-01-10") { status }
        }"#,
        json!({}),
    )
    .await;
    let evaluate = r#"mutation($y: Int!) { evaluate(projectCode: "P1", year: $y) { profile dimensions { weight } } }"#;
    let past = app.ok(evaluate, json!({"y": 2025})).await;
    // Today's status is OPERATING, but on 31 December 2025 the works were still being built:
    // the construction profile (30/45/15/10, before empty dimensions hand their weight on).
    assert_eq!(past["evaluate"]["profile"], "construction");
    let now = app.ok(evaluate, json!({"y": 2026})).await;
    assert_eq!(now["evaluate"]["profile"], "operating");
}

const SCORE_2025: &str = r#"mutation { evaluate(projectCode: "P1", year: 2025) {
    totalScore dimensions { dimension weight score items { name maxScore score reason } } } }"#;

fn item<'a>(e: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    e["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["items"].as_array().unwrap())
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no item {name}: {e}"))
}

#[tokio::test]
async fn only_the_evaluated_years_facts_count_and_missing_is_not_empty() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // No targets declared for 2025: the targets item scores 0, not handed on; every output item 0.
    let none = app.ok(SCORE_2025, json!({})).await["evaluate"].clone();
    let targets = item(&none, "绩效目标完整性和量化程度");
    assert_eq!(targets["score"], "0.00", "{targets}");
    assert!(targets["reason"].as_str().unwrap().contains("未申报2025年度绩效目标"), "{targets}");
    assert_eq!(item(&none, "数量指标完成")["score"], "0.00");
    assert_ne!(item(&none, "数量指标完成")["maxScore"], "0.00", "scored 0, not handed on");
    // Every dimension is listed, an empty one with why its weight moved.
    assert_eq!(none["dimensions"].as_array().unwrap().len(), 4, "{none}");

    // A 2025 target met only by an actual of January 2026: a 2026 actual never scores 2025.
    let data = app
        .ok(
            r#"mutation { declareTarget(input: {projectCode: "P1", scope: "ANNUAL", year: 2025, description: "2025年目标", indicators: [
                {level1: "产出指标", level2: "数量指标", name: "通行车次", targetText: "≥2000车次"}]}) { indicators { id } } }"#,
            json!({}),
        )
        .await;
    let id = data["declareTarget"]["indicators"][0]["id"].as_str().unwrap().to_string();
    let actual = r#"mutation($i: ID!, $p: String!, $a: String!) { recordIndicatorActual(input: {indicatorId: $i, period: $p, actual: $a}) { id } }"#;
    app.ok(actual, json!({"i": id, "p": "2026-01", "a": "2500车次"})).await;
    let next_year = app.ok(SCORE_2025, json!({})).await["evaluate"].clone();
    let quantity = item(&next_year, "数量指标完成");
    assert_eq!(quantity["score"], "0.00", "{quantity}");
    assert!(quantity["reason"].as_str().unwrap().contains("0个有2025年实际值"), "{quantity}");
    // The year's own actual: 1000 of 2000 = 0.5 of the item; the year figure outranks a December month.
    app.ok(actual, json!({"i": id, "p": "2025", "a": "1000车次"})).await;
    app.ok(actual, json!({"i": id, "p": "2025-12", "a": "1900车次"})).await;
    let own = app.ok(SCORE_2025, json!({})).await["evaluate"].clone();
    let quantity = item(&own, "数量指标完成");
    let (max, score): (f64, f64) =
        (quantity["maxScore"].as_str().unwrap().parse().unwrap(), quantity["score"].as_str().unwrap().parse().unwrap());
    assert!((score - max * 0.5).abs() < 0.006, "{quantity}");
    // No 成本 indicator declared: that item hands its share on, and says why.
    let cost = item(&own, "成本指标");
    assert_eq!(cost["maxScore"], "0.00");
    assert!(cost["reason"].as_str().unwrap().contains("未设此类指标"), "{cost}");
}
