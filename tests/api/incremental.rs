//! The incremental sweep and the follower (issue #19): a sweep evaluates only the
//! projects changed since their last evaluation or whose next date has come, and a
//! recorded change re-evaluates its project's alerts right after it commits.

use std::time::Duration;

use bondwatch::monitoring::follow;
use bondwatch::monitoring::sweep::{self, SweepOptions};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};

use crate::helpers::TestApp;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn open_of(app: &TestApp, rule: &str) -> Vec<Value> {
    let data = app
        .ok(
            r#"query($r: String!) { alerts(filter: {rule: $r, unresolved: true}) { nodes { severity status project { code } } } }"#,
            json!({"r": rule}),
        )
        .await;
    data["alerts"]["nodes"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_unchanged_project_whose_money_turns_31_days_old_gets_its_m1() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // 1,000.00 arrives in the treasury on 10 June 2026 and stays there.
    app.ok(r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000.00", allocatedOn: "2026-06-01", receivedOn: "2026-06-10"}) { amount } }"#, json!({})).await;
    let daily = || SweepOptions::default();
    // 15 June: P1 is new, so evaluated; 5 days held, no M1.
    let first = sweep::run(&app.ctx, &app.ctx.rules, day(2026, 6, 15), daily()).await.unwrap();
    assert_eq!(first.projects, 1);
    assert!(open_of(&app, "M1").await.is_empty());
    // The same day again: nothing changed and no date has come, so nothing is evaluated.
    let again = sweep::run(&app.ctx, &app.ctx.rules, day(2026, 6, 15), daily()).await.unwrap();
    assert_eq!(again.projects, 0, "an unchanged project is not evaluated again the same day");
    // 10 July: 30 days held (10 June + 30), still not more than M1's 30 days.
    sweep::run(&app.ctx, &app.ctx.rules, day(2026, 7, 10), daily()).await.unwrap();
    assert!(open_of(&app, "M1").await.is_empty());
    // 11 July: 31 days (> 30): yellow, though nothing was recorded since 15 June.
    let turned = sweep::run(&app.ctx, &app.ctx.rules, day(2026, 7, 11), daily()).await.unwrap();
    assert_eq!(turned.projects, 1, "its next date has come");
    let m1 = open_of(&app, "M1").await;
    assert_eq!(m1.len(), 1, "{m1:?}");
    assert_eq!((m1[0]["severity"].as_str(), m1[0]["project"]["code"].as_str()), (Some("YELLOW"), Some("P1")));
}

#[tokio::test]
async fn a_sweep_evaluates_the_changed_projects_and_a_full_one_every_project() {
    let app = TestApp::spawn().await;
    app.basics().await;
    app.ok(
        r#"mutation { createProject(input: {code: "P2", name: "x", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "10.00", currentEstimate: "20.00"}) { code } }"#,
        json!({}),
    )
    .await;
    let today = day(2026, 6, 15);
    assert_eq!(sweep::run(&app.ctx, &app.ctx.rules, today, SweepOptions::default()).await.unwrap().projects, 2);
    // A change to P2 alone: its estimate back within the investment clears O4 at the next sweep.
    app.ok(
        r#"mutation { o4: updateProject(code: "P2", expectedVersion: 1, input: {currentEstimate: "10.00"}) { code } }"#,
        json!({}),
    )
    .await;
    let after = sweep::run(&app.ctx, &app.ctx.rules, today, SweepOptions::default()).await.unwrap();
    assert_eq!(after.projects, 1, "only the changed project");
    assert!(after.resolved >= 1);
    assert!(open_of(&app, "O4").await.is_empty());
    let full = SweepOptions { full: true, ..Default::default() };
    assert_eq!(sweep::run(&app.ctx, &app.ctx.rules, today, full).await.unwrap().projects, 2);
    // Other rules: every project is due again.
    let stricter = bondwatch::monitoring::RuleConfig::parse(
        &bondwatch::monitoring::config::DEFAULT_RULES.replace("yellow_days = 30", "yellow_days = 31"),
        "rules.toml",
    )
    .unwrap();
    assert_eq!(sweep::run(&app.ctx, &stricter, today, SweepOptions::default()).await.unwrap().projects, 2);
}

#[tokio::test]
async fn an_allocation_to_another_holder_of_the_bond_makes_the_first_due_again() {
    let app = TestApp::spawn().await;
    app.basics().await;
    app.ok(
        r#"mutation { createProject(input: {code: "P2", name: "x", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "10.00"}) { code } }"#,
        json!({}),
    )
    .await;
    app.ok(r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000.00", allocatedOn: "2026-06-01"}) { amount } }"#, json!({})).await;
    let today = day(2026, 6, 15);
    assert_eq!(sweep::run(&app.ctx, &app.ctx.rules, today, SweepOptions::default()).await.unwrap().projects, 2);
    // B1's lines are split between its holders: P2's allocation moves P1's share too.
    app.ok(r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P2", amount: "1000.00", allocatedOn: "2026-06-15"}) { amount } }"#, json!({})).await;
    assert_eq!(sweep::run(&app.ctx, &app.ctx.rules, today, SweepOptions::default()).await.unwrap().projects, 2);
}

#[tokio::test]
async fn a_payment_clears_its_m2_right_after_it_is_recorded() {
    let app = TestApp::spawn().await;
    // This replica's follower, woken by each committed mutation (and otherwise only hourly).
    let follower = follow::spawn(app.ctx.clone(), app.ctx.changed.clone(), Duration::from_secs(3600));
    app.basics().await;
    // 15 June 2026: 1,000,000.00 received on 5 January and transferred to the unit on 10 January,
    // unspent since: 156 days (> 90, M2 yellow).
    app.ok(
        r#"mutation {
            allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "1000000.00", allocatedOn: "2026-01-05", receivedOn: "2026-01-05"}) { amount }
            recordDisbursement(input: {projectCode: "P1", bondCode: "B1", kind: TRANSFER, paidOn: "2026-01-10", amount: "1000000.00", payee: "区交投", economicClass: "资本性支出"}) { id }
        }"#,
        json!({}),
    )
    .await;
    let m2 = wait_for(&app, "M2", 1).await;
    assert_eq!(m2[0]["severity"], "YELLOW", "{m2:?}");
    // 10:05 the same day, the unit pays it all: no sweep runs, the follower clears M2.
    app.clock.set(Utc.with_ymd_and_hms(2026, 6, 15, 2, 5, 0).unwrap());
    app.ok(
        r#"mutation { recordDisbursement(input: {projectCode: "P1", bondCode: "B1", kind: PAYMENT, paidOn: "2026-06-15", amount: "1000000.00", payee: "中建三局", economicClass: "资本性支出"}) { id } }"#,
        json!({}),
    )
    .await;
    assert!(wait_for(&app, "M2", 0).await.is_empty());
    follower.abort();
}

/// The open alerts of a rule once there are `n` of them (the follower runs beside the
/// test; it is given ten seconds).
async fn wait_for(app: &TestApp, rule: &str, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let open = open_of(app, rule).await;
        if open.len() == n {
            return open;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{rule}: not {n} open alerts after 10 s: {:?}", open_of(app, rule).await);
}
