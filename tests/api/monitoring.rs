//! Monitoring through the API and the jobs: the demo fires every rule; the alert
//! lifecycle; previews that store nothing; an interrupted sweep; one run per slot
//! across replicas, missed slots, dead runs.

use std::collections::BTreeSet;

use bondwatch::demo;
use bondwatch::jobs::{self, Outcome};
use bondwatch::monitoring::catalogue::CATALOGUE;
use bondwatch::monitoring::sweep::{self, SweepOptions};
use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_demo_portfolio_fires_every_rule() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    let data = app.ok("mutation { runAlertSweep { projects raised updated resolved } }", json!({})).await;
    assert_eq!(data["runAlertSweep"]["projects"], 13);
    let data =
        app.ok("{ alerts(first: 200) { totalCount nodes { rule } } alertRules { id enabled } }", json!({})).await;
    let fired: BTreeSet<&str> =
        data["alerts"]["nodes"].as_array().unwrap().iter().map(|n| n["rule"].as_str().unwrap()).collect();
    let never: Vec<&str> = CATALOGUE.iter().map(|d| d.id).filter(|id| !fired.contains(id)).collect();
    assert!(never.is_empty(), "rules that never fire on the demo: {never:?}");
    assert_eq!(data["alertRules"].as_array().unwrap().len(), 41, "38 and R1–R3 of domain.md §9");
    // Running it again changes nothing but last-seen.
    let again = app.ok("mutation { runAlertSweep { raised resolved } }", json!({})).await;
    assert_eq!(again["runAlertSweep"], json!({"raised": 0, "resolved": 0}));
}

/// Every alert of the demo reads cleanly: a measured value or threshold is never a bare
/// number (it says 万元, %, 天, 倍 …), money is never bare yuan, a ratio is not printed to
/// 28 decimals, a shortfall is not "仅-…", a project's code never runs into a number.
#[tokio::test]
async fn alert_texts_carry_their_units() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    app.ok("mutation { runAlertSweep { raised } }", json!({})).await;
    let data = app
        .ok("{ alerts(first: 200) { nodes { rule message measured threshold project { code } } } }", json!({}))
        .await;
    let bare = |v: &str| v.trim_start_matches(['≥', '≤', '<', '>', '=']).parse::<rust_decimal::Decimal>().is_ok();
    let mut wrong = Vec::new();
    for a in data["alerts"]["nodes"].as_array().unwrap() {
        let (rule, message) = (a["rule"].as_str().unwrap(), a["message"].as_str().unwrap());
        for key in ["measured", "threshold"] {
            if let Some(v) = a[key].as_str().filter(|v| bare(v)) {
                wrong.push(format!("{rule} {key} “{v}” has no unit"));
            }
        }
        let long_decimals = message
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .any(|n| n.split_once('.').is_some_and(|(_, d)| d.len() > 4));
        if long_decimals || message.contains("仅-") {
            wrong.push(format!("{rule}: {message}"));
        }
        if let Some(code) = a["project"]["code"].as_str()
            && message.split(code).skip(1).any(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        {
            wrong.push(format!("{rule}: the code runs into a number: {message}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

const SWEEP: &str = "mutation { runAlertSweep { raised updated resolved } }";
const D1: &str =
    r#"{ alerts(filter: {rule: "D1"}) { totalCount nodes { id severity status project { code } message evidence } } }"#;

async fn assess(app: &TestApp, conclusion: &str) {
    app.ok(
        "mutation($c: String!) { submitAssessment(input: {projectCode: \"P1\", submittedOn: \"2026-06-01\", conclusion: $c, points: []}) { conclusion } }",
        json!({"c": conclusion}),
    )
    .await;
}

#[tokio::test]
async fn alerts_live_through_their_lifecycle() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // Allocated after the assessment of 1 June: D1 reads only the assessment's conclusion.
    app.ok(r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000.00", allocatedOn: "2026-06-10"}) { amount } }"#, json!({})).await;
    assess(&app, "调整完善后予以支持").await;
    let r = app.ok(SWEEP, json!({})).await;
    assert!(r["runAlertSweep"]["raised"].as_i64().unwrap() >= 1);
    let data = app.ok(D1, json!({})).await;
    let alert = &data["alerts"]["nodes"][0];
    assert_eq!((alert["severity"].as_str(), alert["status"].as_str()), (Some("YELLOW"), Some("OPEN")));
    assert!(alert["message"].as_str().unwrap().contains("调整完善后予以支持"));
    let id = alert["id"].as_str().unwrap().to_string();

    // Acknowledged stays acknowledged while the condition holds.
    app.ok("mutation($id: ID!) { acknowledgeAlert(id: $id, note: \"已督促整改\") { status } }", json!({"id": id}))
        .await;
    app.ok(SWEEP, json!({})).await;
    assert_eq!(app.ok(D1, json!({})).await["alerts"]["nodes"][0]["status"], "ACKNOWLEDGED");
    // A waive needs a reason; a waived alert stays waived…
    let (code, field, _) =
        app.err("mutation($id: ID!) { waiveAlert(id: $id, reason: \"\") { status } }", json!({"id": id})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "reason"));
    app.ok("mutation($id: ID!) { waiveAlert(id: $id, reason: \"已报区政府同意\") { status } }", json!({"id": id}))
        .await;
    app.ok(SWEEP, json!({})).await;
    assert_eq!(app.ok(D1, json!({})).await["alerts"]["nodes"][0]["status"], "WAIVED");
    // …until it rises to red, which opens it again (the same alert: one per rule and subject).
    assess(&app, "不予支持").await;
    app.ok(SWEEP, json!({})).await;
    let data = app.ok(D1, json!({})).await;
    assert_eq!(data["alerts"]["totalCount"], 1);
    assert_eq!(data["alerts"]["nodes"][0]["id"], id.as_str());
    assert_eq!(
        (data["alerts"]["nodes"][0]["severity"].as_str(), data["alerts"]["nodes"][0]["status"].as_str()),
        (Some("RED"), Some("OPEN"))
    );
    let data = app
        .ok(r#"{ projects(filter: {hasOpenAlert: RED}) { totalCount } portfolio { openAlerts { severity count } } project(code: "P1") { alerts(status: OPEN) { rule } } }"#, json!({}))
        .await;
    assert_eq!(data["projects"]["totalCount"], 1);
    assert!(
        data["portfolio"]["openAlerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["severity"] == "RED" && c["count"].as_i64().unwrap() >= 1)
    );
    assert!(data["project"]["alerts"].as_array().unwrap().iter().any(|a| a["rule"] == "D1"));
    // The condition clears: resolved, and kept.
    assess(&app, "予以支持").await;
    let r = app.ok(SWEEP, json!({})).await;
    assert!(r["runAlertSweep"]["resolved"].as_i64().unwrap() >= 1);
    let data = app.ok(D1, json!({})).await;
    assert_eq!(data["alerts"]["nodes"][0]["status"], "RESOLVED");
    let (code, _, _) = app.err("mutation($id: ID!) { acknowledgeAlert(id: $id) { status } }", json!({"id": id})).await;
    assert_eq!(code, "CONFLICT");
    // It comes back: a new alert, the old one stays resolved.
    assess(&app, "不予支持").await;
    app.ok(SWEEP, json!({})).await;
    let data = app.ok(D1, json!({})).await;
    assert_eq!(data["alerts"]["totalCount"], 2);
    let statuses: BTreeSet<&str> =
        data["alerts"]["nodes"].as_array().unwrap().iter().map(|n| n["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, BTreeSet::from(["OPEN", "RESOLVED"]));
}

#[tokio::test]
async fn previews_replay_any_date_and_store_nothing() {
    let app = TestApp::spawn().await;
    app.basics().await;
    app.ok(r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000.00", allocatedOn: "2025-02-01", receivedOn: "2025-02-05"}) { amount } }"#, json!({})).await;
    let before = app.snapshot().await;
    let data = app
        .ok(
            r#"{ early: previewAlerts(asOf: "2025-02-20", projectCode: "P1") { rule severity status }
                 late: previewAlerts(asOf: "2025-06-20", projectCode: "P1") { rule severity } }"#,
            json!({}),
        )
        .await;
    let rules = |key: &str| {
        data[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["rule"].as_str().unwrap().to_string(), a["severity"].as_str().unwrap().to_string()))
            .collect::<Vec<_>>()
    };
    assert!(!rules("early").iter().any(|(r, _)| r == "M1"), "15 days after arrival the money is not yet held too long");
    assert!(rules("late").contains(&("M1".into(), "ORANGE".into())), "four months later it is: {:?}", rules("late"));
    assert_eq!(app.snapshot().await, before, "a preview stores nothing");
    let (code, field, _) = app.err(r#"{ previewAlerts(asOf: "2025-02-30") { rule } }"#, json!({})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "asOf"));
}

#[tokio::test]
async fn an_interrupted_sweep_leaves_whole_batches_and_the_next_completes() {
    let app = TestApp::spawn().await;
    app.basics().await;
    for code in ["P2", "P3"] {
        app.ok(
            "mutation($c: String!) { createProject(input: {code: $c, name: \"x\", departmentCode: \"JT\", executingUnit: \"u\", category: \"交通基础设施\", approvedInvestment: \"10.00\", currentEstimate: \"20.00\"}) { code } }",
            json!({"c": code}),
        )
        .await;
    }
    // O4 (cost overrun) fires on P2 and P3; a sweep of one project a batch stops after the first.
    let today = app.ctx.clock.today();
    let stop = SweepOptions { batch: 1, fail_after_batches: Some(2), ..Default::default() };
    assert!(sweep::run(&app.ctx, &app.ctx.rules, today, stop).await.is_err());
    let data = app.ok(r#"{ alerts(filter: {rule: "O4"}) { nodes { project { code } } } }"#, json!({})).await;
    assert_eq!(
        data["alerts"]["nodes"].as_array().unwrap().len(),
        1,
        "P1 and P2 swept, P2's alert whole, P3 not reached"
    );
    let done =
        sweep::run(&app.ctx, &app.ctx.rules, today, SweepOptions { batch: 1, ..Default::default() }).await.unwrap();
    assert_eq!(done.projects, 1, "P1 and P2 were stored by the first and have not changed since: only P3");
    let data =
        app.ok(r#"{ alerts(filter: {rule: "O4"}) { totalCount nodes { project { code } status } } }"#, json!({})).await;
    assert_eq!(data["alerts"]["totalCount"], 2, "no duplicate for P2, and P3's raised");
}

/// The shipped schedule's sweep job alone.
fn sweep_only() -> Vec<jobs::JobDef> {
    jobs::parse_schedule(jobs::DEFAULT_SCHEDULE, "schedule.toml")
        .unwrap()
        .into_iter()
        .filter(|j| j.name == "alert_sweep")
        .collect()
}

/// A run of the sweep claimed for `slot`, started at `started` and last beating then,
/// never finished.
async fn running(app: &TestApp, slot: chrono::DateTime<Utc>, started: chrono::DateTime<Utc>, by: &str) {
    use bondwatch::jobs::job_run;
    use sea_orm::{ActiveModelTrait, NotSet, Set};
    job_run::ActiveModel {
        id: NotSet,
        job: Set("alert_sweep".into()),
        scheduled_for: Set(slot),
        started_at: Set(Some(started)),
        finished_at: Set(None),
        status: Set("RUNNING".into()),
        detail: Set(None),
        claimed_by: Set(by.into()),
        heartbeat_at: Set(Some(started)),
    }
    .insert(&app.ctx.db)
    .await
    .unwrap();
}

fn at(d: u32, h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, d, h, m, 0).unwrap()
}

#[tokio::test]
async fn each_slot_runs_once_across_replicas() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let schedule = sweep_only();
    // A second replica: its own connection pool on the same database.
    let other = app.replica().await;
    let mut succeeded = 0;
    // 06:30 Shanghai = 22:30 UTC the day before: ticks just after three slots.
    for day in [10, 11, 12] {
        let now = at(day, 22, 31);
        let (a, b) = tokio::join!(
            jobs::tick(&app.ctx, &schedule, now, "replica-a"),
            jobs::tick(&other, &schedule, now, "replica-b")
        );
        let outcomes: Vec<Outcome> = a.unwrap().into_iter().chain(b.unwrap()).map(|(_, o)| o).collect();
        succeeded += outcomes.iter().filter(|o| matches!(o, Outcome::Succeeded(_))).count();
        assert_eq!(outcomes.iter().filter(|o| **o == Outcome::AlreadyClaimed).count(), 1, "{outcomes:?}");
        // Ticking again in the same slot does nothing.
        let again = jobs::tick(&app.ctx, &schedule, now + chrono::Duration::minutes(5), "replica-a").await.unwrap();
        assert_eq!(again[0].1, Outcome::AlreadyClaimed);
    }
    assert_eq!(succeeded, 3);
    // Down for three days: only the latest missed slot runs, once.
    let outcomes = jobs::tick(&app.ctx, &schedule, at(16, 1, 0), "replica-a").await.unwrap();
    assert!(matches!(outcomes[0].1, Outcome::Succeeded(_)));
    let data = app.ok("{ jobRuns(job: \"alert_sweep\") { job scheduledFor status detail } }", json!({})).await;
    let runs = data["jobRuns"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    assert_eq!(runs[0]["scheduledFor"], "2026-06-15T22:30:00Z");
    assert!(runs.iter().all(|r| r["status"] == "SUCCEEDED"));
}

#[tokio::test]
async fn dead_and_overlapping_runs_are_visible_and_later_slots_run() {
    let app = TestApp::spawn().await;
    let schedule = sweep_only();
    // A run that started and never finished: its replica died.
    running(&app, at(10, 22, 30), at(10, 22, 30), "gone").await;
    // Within the lease (2 minutes) its slot is taken: ticking in it again does nothing.
    let outcomes = jobs::tick(&app.ctx, &schedule, at(10, 22, 31), "a").await.unwrap();
    assert_eq!(outcomes[0].1, Outcome::AlreadyClaimed);
    // A day later the 10th's run is marked failed, and the next slot runs normally.
    let outcomes = jobs::tick(&app.ctx, &schedule, at(12, 1, 0), "a").await.unwrap();
    assert!(matches!(outcomes[0].1, Outcome::Succeeded(_)), "{outcomes:?}");
    // Past the lease it is marked failed, and the next slot runs normally.
    let data = app.ok("{ jobRuns { scheduledFor status detail } }", json!({})).await;
    let runs = data["jobRuns"].as_array().unwrap();
    assert!(
        runs.iter().any(|r| r["status"] == "FAILED" && r["detail"].as_str().unwrap().contains("运行中断")),
        "{runs:?}"
    );
    assert!(runs.iter().any(|r| r["scheduledFor"] == "2026-06-11T22:30:00Z" && r["status"] == "SUCCEEDED"), "{runs:?}");
}

/// A replica died in the middle of a run: after the lease (no beat for 2 minutes) the
/// next replica to tick takes the slot over and runs it — that day's sweep is not lost.
#[tokio::test]
async fn a_slot_lost_with_its_replica_is_taken_over_and_runs() {
    let app = TestApp::spawn().await;
    app.basics().await;
    let schedule = sweep_only();
    running(&app, at(10, 22, 30), at(10, 22, 30), "died").await;
    let other = app.replica().await;
    let (a, b) = tokio::join!(
        jobs::tick(&app.ctx, &schedule, at(10, 22, 35), "a"),
        jobs::tick(&other, &schedule, at(10, 22, 35), "b")
    );
    let outcomes: Vec<Outcome> = a.unwrap().into_iter().chain(b.unwrap()).map(|(_, o)| o).collect();
    assert_eq!(outcomes.iter().filter(|o| matches!(o, Outcome::Succeeded(_))).count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::AlreadyClaimed).count(), 1, "taken over once: {outcomes:?}");
    let data = app.ok("{ jobRuns { scheduledFor status claimedBy } }", json!({})).await;
    let runs = data["jobRuns"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "the same slot, not a second row: {runs:?}");
    assert_eq!(runs[0]["status"], "SUCCEEDED");
    assert_ne!(runs[0]["claimedBy"], "died");
}

#[tokio::test]
async fn a_run_still_going_makes_the_next_slot_skip() {
    let app = TestApp::spawn().await;
    let schedule = sweep_only();
    // Still beating a minute before the next slot: alive, only slow.
    running(&app, at(10, 22, 30), at(11, 22, 30) - chrono::Duration::seconds(30), "slow").await;
    let outcomes = jobs::tick(&app.ctx, &schedule, at(11, 22, 31), "a").await.unwrap();
    assert_eq!(outcomes[0].1, Outcome::Skipped, "runs of one job never overlap");
    let data = app.ok("{ jobRuns { status detail } }", json!({})).await;
    assert!(
        data["jobRuns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "SKIPPED" && r["detail"].as_str().unwrap().contains("尚未结束"))
    );
}

#[test]
fn the_command_line_sweeps_and_previews() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("gen.db").display());
    let run = |args: &[&str]| crate::helpers::bondwatch(&url, args);
    let (out, progress) = run(&["gen", "--projects", "40", "--seed", "7"]);
    assert!(out.contains("generated 40 projects"), "{out}");
    assert!(progress.contains("gen: 40/40"), "progress output: {progress}");
    let (preview, _) = run(&["sweep", "--as-of", "2026-06-15"]);
    assert!(preview.contains("would be raised (nothing stored)"), "{preview}");
    let (swept, progress) = run(&["sweep"]);
    assert!(swept.contains("swept 40 projects") && swept.contains("peak memory"), "{swept}");
    // The last progress line counts what was swept: the bonds gen made, not projects.
    let bonds = out.split(" bonds").next().and_then(|t| t.rsplit(' ').next()).unwrap();
    assert!(progress.contains(&format!("sweep: 40 projects, {bonds} bonds and ")), "{progress}");
    assert!(swept.contains(&format!("swept 40 projects, {bonds} bonds and ")), "{swept}");
    // A second run raises nothing new: the first stored what the preview only printed.
    let (again, _) = run(&["sweep"]);
    assert!(again.contains(" 0 raised"), "{again}");
    // A bad rules file stops the start, naming its line.
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, bondwatch::monitoring::config::DEFAULT_RULES.replace("[rules.M9]", "[rules.M99]")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args(["sweep", "--rules", rules.to_str().unwrap(), "--database-url", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line ")
            && String::from_utf8_lossy(&out.stderr).contains("unknown rule 'M99'")
    );
}

#[tokio::test]
async fn facts_load_in_a_fixed_number_of_statements_whatever_the_batch() {
    use bondwatch::ledger::entities::project;
    use bondwatch::monitoring::facts::load_projects;
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    let app = TestApp::spawn().await;
    bondwatch::synthetic::generate(
        &app.ctx,
        &bondwatch::synthetic::GenOptions { projects: 60, years: 2, seed: 3 },
        |_, _| {},
    )
    .await
    .unwrap();
    let mut counts = Vec::new();
    for n in [5u64, 50] {
        let projects =
            project::Entity::find().order_by_asc(project::Column::Id).limit(n).all(&app.ctx.db).await.unwrap();
        let before = app.statements();
        let facts = load_projects(&app.ctx.db, &app.ctx.settings.debt, projects).await.unwrap();
        counts.push(app.statements() - before);
        assert_eq!(facts.len() as u64, n);
        assert!(facts.iter().all(|f| !f.disbursements.is_empty() && !f.books.is_empty()));
    }
    assert_eq!(counts[0], counts[1], "statements to load 5 and 50 projects' facts: {counts:?}");
}

#[tokio::test]
async fn a_failed_run_is_visible_and_the_next_slot_runs() {
    use bondwatch::config::Settings;
    let mut broken = Settings::default();
    broken.mail.smtp_url = Some("no such scheme".into());
    let app = TestApp::spawn_with(broken, bondwatch::api::Anonymous::Refused).await;
    let digests: Vec<jobs::JobDef> = jobs::parse_schedule(jobs::DEFAULT_SCHEDULE, "schedule.toml")
        .unwrap()
        .into_iter()
        .filter(|j| j.name == "digest_daily")
        .collect();
    let outcomes = jobs::tick(&app.ctx, &digests, at(16, 0, 1), "a").await.unwrap();
    assert!(matches!(&outcomes[0].1, Outcome::Failed(e) if e.contains("SMTP")), "{outcomes:?}");
    // Mended, the next day's slot runs normally.
    let mended = bondwatch::Ctx::new(app.ctx.db.clone(), app.clock.clone());
    let outcomes = jobs::tick(&mended, &digests, at(17, 0, 1), "a").await.unwrap();
    assert!(matches!(&outcomes[0].1, Outcome::Succeeded(_)), "{outcomes:?}");
    let data = app.ok("{ jobRuns(job: \"digest_daily\") { status detail } }", json!({})).await;
    let statuses: Vec<&str> =
        data["jobRuns"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["SUCCEEDED", "FAILED"]);
}
