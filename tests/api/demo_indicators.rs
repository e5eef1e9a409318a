//! The demo's indicators fit its projects (issue 17): each project declares the set of
//! its kind (`demo::indicators`), no road, water, housing or park project counts hospital
//! stays or medical aid, and the troubles that rest on indicators still fire, on rows of
//! the project's own kind.

use std::collections::BTreeSet;

use bondwatch::demo::{self, indicators::Kind};
use bondwatch::targets::parse::{TargetKind, parse_target};
use serde_json::{Value, json};

use crate::helpers::TestApp;

#[tokio::test]
async fn every_demo_project_declares_the_indicators_of_its_kind() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    let data = app
        .ok(
            r#"{ projects(first: 50) { nodes { code name category constructionContent
                   targets { year indicators { level1 level2 name targetText } } } } }"#,
            json!({}),
        )
        .await;
    let nodes = data["projects"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 13);
    let medical = ["住院", "救助", "医疗", "门诊"];
    let mut kinds = BTreeSet::new();
    for n in nodes {
        let code = n["code"].as_str().unwrap();
        let about = format!(
            "{} {} {}",
            n["name"].as_str().unwrap(),
            n["category"].as_str().unwrap(),
            n["constructionContent"].as_str().unwrap_or("")
        );
        let indicators: Vec<&Value> =
            n["targets"].as_array().unwrap().iter().flat_map(|t| t["indicators"].as_array().unwrap()).collect();
        assert!(!indicators.is_empty(), "{code} declares indicators");
        // Only a hospital or a medical-and-elderly-care centre speaks of medical care.
        if !["医院", "医养"].iter().any(|w| about.contains(w)) {
            for i in &indicators {
                let name = i["name"].as_str().unwrap();
                assert!(!medical.iter().any(|w| name.contains(w)), "{code} ({about}) carries the indicator {name}");
            }
        }
        let kind = demo::kind_of(code).unwrap_or_else(|| panic!("{code} has a kind"));
        kinds.insert(kind.label());
        for i in &indicators {
            let row = (i["level1"].as_str().unwrap(), i["level2"].as_str().unwrap(), i["name"].as_str().unwrap());
            assert!(
                kind.indicators().iter().any(|k| (k.level1, k.level2, k.name) == row),
                "{code}: {row:?} is not a row of the {} set",
                kind.label()
            );
        }
    }
    assert!(kinds.len() >= 10, "roads, parking, housing, water, hospital, elderly care and parks apart: {kinds:?}");
    // The README's counts: 125 project indicators (12 sets of 10, HY-MZ-01's 4, HY-SW-03's
    // last year's), and the 55 long-term ones of the two department tables.
    let declared: usize = nodes
        .iter()
        .flat_map(|n| n["targets"].as_array().unwrap())
        .map(|t| t["indicators"].as_array().unwrap().len())
        .sum();
    assert_eq!(declared, 125);
    let all = app.ok("{ indicators { totalCount } departments { code } bonds { totalCount } }", json!({})).await;
    assert_eq!(all["indicators"]["totalCount"], 125 + 55);
    // And the README's 7 departments, 5 bonds and 4 users.
    assert_eq!((all["departments"].as_array().unwrap().len(), all["bonds"]["totalCount"].as_i64()), (7, Some(5)));
    assert_eq!(demo::DEMO_USERS.len(), 4);
    // Each set is whole and quantified, as a healthy project declares it: no D3, no D4.
    for kind in Kind::ALL {
        let set = kind.indicators();
        for level in ["产出指标", "效益指标", "满意度指标"] {
            assert!(set.iter().any(|i| i.level1 == level), "{} has no {level}", kind.label());
        }
        for i in set {
            let parsed = parse_target(i.target).unwrap_or_else(|| panic!("{}: {} has no target", kind.label(), i.name));
            assert_ne!(parsed.kind, TargetKind::Qualitative, "{}: {} {}", kind.label(), i.name, i.target);
            assert!(["计划标准", "行业标准", "历史标准"].contains(&i.basis), "{}: {}", kind.label(), i.name);
        }
    }
}

/// demo::TROUBLES: HY-SW-02's failed acceptance (O2, not O5), HY-SW-03's quantities far
/// behind this year (M10) and last year (O1), the hospital's satisfaction (S7), and the
/// elderly-care centre's poor declaration (D3, D4), its beds behind (M10) and its safety
/// accident (O5); nowhere else.
#[tokio::test]
async fn the_indicator_troubles_fire_where_the_demo_puts_them() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    app.ok("mutation { runAlertSweep { raised } }", json!({})).await;
    let data = app
        .ok(
            "{ alerts(first: 200, filter: {unresolved: true}) { nodes { rule severity project { code } indicator { name } } } }",
            json!({}),
        )
        .await;
    let nodes = data["alerts"]["nodes"].as_array().unwrap();
    let of = |rule: &str| -> Vec<(String, String, String)> {
        let mut found: Vec<_> = nodes
            .iter()
            .filter(|a| a["rule"] == rule)
            .map(|a| {
                (
                    a["project"]["code"].as_str().unwrap_or("").to_string(),
                    a["severity"].as_str().unwrap().to_string(),
                    a["indicator"]["name"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let row =
        |code: &str, severity: &str, indicator: &str| (code.to_string(), severity.to_string(), indicator.to_string());
    assert_eq!(of("O2"), [row("HY-SW-02", "RED", "排水管网改造工程质量验收")]);
    assert_eq!(of("O5"), [row("HY-MZ-01", "RED", "养老服务安全事故")]);
    assert_eq!(of("S7"), [row("HY-WJ-01", "YELLOW", "患者满意度")]);
    assert_eq!(of("O1"), [row("HY-SW-03", "RED", "年生态补水量")]);
    assert_eq!(
        of("M10"),
        [
            row("HY-MZ-01", "RED", "新增养老床位"),
            row("HY-SW-03", "RED", "年生态补水量"),
            row("HY-SW-03", "RED", "铺设输水管线"),
        ]
    );
    assert_eq!(of("D3"), [row("HY-MZ-01", "YELLOW", "")]);
    assert_eq!(of("D4"), [row("HY-MZ-01", "YELLOW", "")]);
}
