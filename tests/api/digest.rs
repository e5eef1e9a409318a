//! Digests delivered to a real SMTP server on loopback (Debian's python3-aiosmtpd,
//! writing each message it accepts to a maildir): once, with the alerts and amounts;
//! once across two replicas; after a retry when the server was down; and once more,
//! with the same Message-ID, when a sender died between claim and send.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bondwatch::api::Anonymous;
use bondwatch::config::Settings;
use bondwatch::digest::{self, mail};
use bondwatch::jobs::{self, Outcome};
use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::helpers::TestApp;

/// An SMTP server on a loopback port, storing what it accepts in a maildir.
struct SmtpServer {
    child: Child,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpServer {
    fn start(port: u16) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir");
        let mut child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd is installed (.ci/run installs it)");
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return SmtpServer { child, maildir, _dir: dir };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.kill().ok();
        child.wait().ok();
        panic!("the SMTP server did not start on port {port}");
    }

    /// The messages received, as text.
    fn messages(&self) -> Vec<String> {
        let new = self.maildir.join("new");
        let Ok(entries) = std::fs::read_dir(&new) else { return Vec::new() };
        entries.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn settings(port: u16, mail_dir: &Path) -> Settings {
    let mut s = Settings::default();
    s.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    s.mail.mail_from = "区财政局债务科 <debt@hanyang.example>".into();
    s.mail.base_url = Some("https://bondwatch.hanyang.example".into());
    s.mail.mail_dir = mail_dir.to_path_buf();
    s
}

fn digest_daily() -> Vec<jobs::JobDef> {
    jobs::parse_schedule(jobs::DEFAULT_SCHEDULE, "schedule.toml")
        .unwrap()
        .into_iter()
        .filter(|j| j.name == "digest_daily")
        .collect()
}

/// 08:00 in Shanghai on 16 June 2026, a minute after.
fn morning() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 16, 0, 1, 0).unwrap()
}

/// A project with a red alert (no assessment) and a coupon of 30,000.00 due on 20 July.
async fn portfolio_with_alerts(app: &TestApp) -> String {
    app.basics().await;
    app.ok(
        r#"mutation {
            createBond(input: {code: "B2", name: "b2", kind: SPECIAL, issueDate: "2025-07-20", termYears: 5, couponRatePercent: "3", faceAmount: "1000000.00"}) { code }
            allocateBond(input: {bondCode: "B2", projectCode: "P1", amount: "1000000.00", allocatedOn: "2025-07-20"}) { amount }
            runAlertSweep { raised }
        }"#,
        json!({}),
    )
    .await;
    subscribe_daily(app).await
}

/// 王科长's daily digest of the whole portfolio (yellow and above, the default): its id.
async fn subscribe_daily(app: &TestApp) -> String {
    let data = app
        .ok(
            r#"mutation { subscribeDigest(input: {recipient: "王科长", email: "wang@hanyang.example", job: "digest_daily"}) { id minSeverity departmentCodes sendEmpty } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["subscribeDigest"]["minSeverity"], "YELLOW");
    data["subscribeDigest"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_digest_arrives_once_with_the_alerts_and_amounts() {
    let port = free_port();
    let smtp = SmtpServer::start(port);
    let out = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(settings(port, out.path()), Anonymous::Refused).await;
    let id = portfolio_with_alerts(&app).await;
    let preview =
        app.ok("query($id: ID!) { digestPreview(subscriptionId: $id) { subject text html } }", json!({"id": id})).await;
    assert!(preview["digestPreview"]["subject"].as_str().unwrap().contains("新增预警"), "{preview}");
    // The HTML part links each project by its name and code, styled inline for a mail
    // client (no style sheet, which clients drop).
    let html = preview["digestPreview"]["html"].as_str().unwrap();
    assert!(html.contains(r#"<a href="https://bondwatch.hanyang.example/projects/P1""#), "{html}");
    assert!(html.contains("(P1)</a>") && html.contains("style=\"") && !html.contains("<style"), "{html}");
    let text = preview["digestPreview"]["text"].as_str().unwrap();
    assert!(text.contains("(P1):"), "the text part names the project with its code: {text}");
    assert!(smtp.messages().is_empty(), "a preview sends nothing");

    app.clock.set(morning());
    let outcomes = jobs::tick(&app.ctx, &digest_daily(), morning(), "a").await.unwrap();
    assert!(matches!(&outcomes[0].1, Outcome::Succeeded(d) if d.contains("1 digests queued; 1 sent")), "{outcomes:?}");
    // Again in the same slot, and another delivery pass: nothing more.
    jobs::tick(&app.ctx, &digest_daily(), morning() + chrono::Duration::minutes(3), "a").await.unwrap();
    mail::deliver_due(&app.ctx).await.unwrap();
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "exactly one message");
    let m = &messages[0];
    assert!(m.contains("wang@hanyang.example") && m.contains("Message-ID: <digest."), "{m}");
    let text = decoded(m);
    assert!(text.contains("D1") && text.contains("未开展事前绩效评估"), "the red alert: {text}");
    assert!(text.contains("https://bondwatch.hanyang.example/projects/P1"), "a link to the project");
    assert!(
        text.contains("30天内") && text.contains("60天内 3.00万元"),
        "the coupon of 30,000.00 due on 20 July: {text}"
    );
    let data = app
        .ok("{ digestDeliveries { status attempts lastError messageId period subscription { email } } }", json!({}))
        .await;
    let d = &data["digestDeliveries"][0];
    assert_eq!((d["status"].as_str(), d["attempts"].as_i64()), (Some("SENT"), Some(1)));
    assert!(m.contains(d["messageId"].as_str().unwrap()));
}

/// The plain-text part of a message, decoded from base64.
fn decoded(message: &str) -> String {
    use base64::Engine;
    let plain = message.find("Content-Type: text/plain").expect("a plain-text part");
    let rest = &message[plain..];
    let body_start = rest.find("\r\n\r\n").map(|i| i + 4).or_else(|| rest.find("\n\n").map(|i| i + 2)).unwrap();
    // Base64 has no '-': the part ends where its boundary starts.
    let body: String = rest[body_start..].chars().take_while(|c| *c != '-').filter(|c| !c.is_whitespace()).collect();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(
                body.trim_end_matches('=').to_string() + &"=".repeat((4 - body.trim_end_matches('=').len() % 4) % 4),
            )
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn two_replicas_deliver_a_digest_once() {
    let port = free_port();
    let smtp = SmtpServer::start(port);
    let out = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(settings(port, out.path()), Anonymous::Refused).await;
    portfolio_with_alerts(&app).await;
    app.clock.set(morning());
    let other = app.replica().await.with_settings_of(&app.ctx);
    let daily = digest_daily();
    let (a, b) = tokio::join!(jobs::tick(&app.ctx, &daily, morning(), "a"), jobs::tick(&other, &daily, morning(), "b"));
    let outcomes: Vec<Outcome> = a.unwrap().into_iter().chain(b.unwrap()).map(|(_, o)| o).collect();
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::AlreadyClaimed).count(), 1, "{outcomes:?}");
    let (x, y) = tokio::join!(mail::deliver_due(&app.ctx), mail::deliver_due(&other));
    assert_eq!(x.unwrap().sent + y.unwrap().sent, 0, "nothing left after the run");
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn a_server_that_was_down_gets_the_digest_after_a_retry() {
    let port = free_port();
    let out = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(settings(port, out.path()), Anonymous::Refused).await;
    portfolio_with_alerts(&app).await;
    app.clock.set(morning());
    let outcomes = jobs::tick(&app.ctx, &digest_daily(), morning(), "a").await.unwrap();
    assert!(matches!(&outcomes[0].1, Outcome::Succeeded(d) if d.contains("1 to retry")), "{outcomes:?}");
    let data = app.ok("{ digestDeliveries { status attempts lastError } }", json!({})).await;
    assert_eq!(data["digestDeliveries"][0]["status"], "PENDING");
    assert!(data["digestDeliveries"][0]["lastError"].as_str().is_some_and(|e| !e.is_empty()));
    let smtp = SmtpServer::start(port);
    // Within the backoff nothing is tried; after it, the digest goes.
    assert_eq!(mail::deliver_due(&app.ctx).await.unwrap().sent, 0);
    app.clock.set(morning() + mail::backoff(1) + chrono::Duration::seconds(1));
    assert_eq!(mail::deliver_due(&app.ctx).await.unwrap().sent, 1);
    assert_eq!(smtp.messages().len(), 1);
    let data = app.ok("{ digestDeliveries { status attempts } }", json!({})).await;
    assert_eq!(data["digestDeliveries"][0], json!({"status": "SENT", "attempts": 2}));
}

#[tokio::test]
async fn a_crash_between_claim_and_send_loses_nothing() {
    let port = free_port();
    let smtp = SmtpServer::start(port);
    let out = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(settings(port, out.path()), Anonymous::Refused).await;
    let id: i64 = portfolio_with_alerts(&app).await.parse().unwrap();
    app.clock.set(morning());
    let sub = digest::owned(&app.ctx, &bondwatch::auth::Caller::system("test"), id).await.unwrap();
    let slot = digest_daily()[0].slot(morning()).unwrap();
    assert!(digest::enqueue(&app.ctx, &sub, slot).await.unwrap());
    // A sender claims the row and dies before sending.
    let row = mail::due(&app.ctx, morning()).await.unwrap().pop().unwrap();
    assert!(mail::claim_one(&app.ctx, &row).await.unwrap().is_some());
    assert_eq!(mail::deliver_due(&app.ctx).await.unwrap().sent, 0, "the claim holds while its lease runs");
    app.clock.set(morning() + mail::LEASE + chrono::Duration::seconds(1));
    assert_eq!(mail::deliver_due(&app.ctx).await.unwrap().sent, 1, "after the lease another sender takes it");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let period = slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(messages[0].contains(&digest::message_id(id, &period)), "the stable Message-ID");
}

#[tokio::test]
async fn without_smtp_digests_are_written_as_eml_files() {
    let out = tempfile::tempdir().unwrap();
    let mut s = Settings::default();
    s.mail.mail_dir = out.path().join("eml");
    let app = TestApp::spawn_with(s, Anonymous::Refused).await;
    portfolio_with_alerts(&app).await;
    app.clock.set(morning());
    jobs::tick(&app.ctx, &digest_daily(), morning(), "a").await.unwrap();
    let files: Vec<_> = std::fs::read_dir(out.path().join("eml")).unwrap().collect();
    assert_eq!(files.len(), 1);
    assert!(mail::describe(&app.ctx.settings.mail).contains(".eml"));
}

#[tokio::test]
async fn subscriptions_are_checked_paused_and_ended() {
    let out = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(settings(free_port(), out.path()), Anonymous::Refused).await;
    let id = portfolio_with_alerts(&app).await;
    let bad =
        r#"mutation($e: String!, $j: String!) { subscribeDigest(input: {recipient: "x", email: $e, job: $j}) { id } }"#;
    let (code, field, _) = app.err(bad, json!({"e": "not-an-address", "j": "digest_daily"})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "input.email"));
    let (code, field, message) = app.err(bad, json!({"e": "a@b.cn", "j": "alert_sweep"})).await;
    assert_eq!((code.as_str(), field.as_str()), ("VALIDATION", "input.job"));
    assert!(message.contains("digest_daily"));
    // A manager sees and changes its own subscriptions only.
    let manager = app.token_for("head", bondwatch::auth::Role::Manager, None).await;
    let (_, body) = app.send(Some(&manager), r#"mutation { subscribeDigest(input: {recipient: "张局长", email: "zhang@hanyang.example", job: "digest_weekly", minSeverity: RED, sendEmpty: false}) { id } }"#, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    let (_, body) = app.send(Some(&manager), "{ digestSubscriptions { recipient minSeverity job } }", json!({})).await;
    assert_eq!(
        body["data"]["digestSubscriptions"],
        json!([{"recipient": "张局长", "minSeverity": "RED", "job": "digest_weekly"}])
    );
    let (_, body) = app
        .send(
            Some(&manager),
            "mutation($id: ID!) { pauseDigestSubscription(id: $id, paused: true) { paused } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    // Paused: nothing is queued; ended: gone from the list, its history kept.
    app.ok("mutation($id: ID!) { pauseDigestSubscription(id: $id, paused: true) { paused } }", json!({"id": id})).await;
    app.clock.set(morning());
    let outcomes = jobs::tick(&app.ctx, &digest_daily(), morning(), "a").await.unwrap();
    assert!(matches!(&outcomes[0].1, Outcome::Succeeded(d) if d.starts_with("0 digests queued")), "{outcomes:?}");
    app.ok("mutation($id: ID!) { unsubscribeDigest(id: $id) }", json!({"id": id})).await;
    let data = app.ok("{ digestSubscriptions { recipient } }", json!({})).await;
    assert_eq!(data["digestSubscriptions"], json!([{"recipient": "张局长"}]));
}

#[tokio::test]
async fn an_operator_runs_one_subscription_now() {
    let port = free_port();
    let smtp = SmtpServer::start(port);
    let out = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(settings(port, out.path()), Anonymous::Refused).await;
    let first: i64 = portfolio_with_alerts(&app).await.parse().unwrap();
    app.ok(r#"mutation { subscribeDigest(input: {recipient: "李", email: "li@hanyang.example", job: "digest_daily"}) { id } }"#, json!({})).await;
    app.clock.set(morning());
    // What `bondwatch digest run --subscription ID` does for each digest job: that
    // subscription's digest, now, in its own job only (not again under the weekly slot).
    let weekly = jobs::parse_schedule(jobs::DEFAULT_SCHEDULE, "schedule.toml")
        .unwrap()
        .into_iter()
        .find(|j| j.name == "digest_weekly")
        .unwrap();
    let (queued, _) =
        digest::run_job(&app.ctx, "digest_weekly", weekly.slot(morning()).unwrap(), Some(first)).await.unwrap();
    assert_eq!(queued, 0, "a daily subscription is not queued by the weekly job");
    let slot = digest_daily()[0].slot(morning()).unwrap();
    let (queued, delivered) = digest::run_job(&app.ctx, "digest_daily", slot, Some(first)).await.unwrap();
    assert_eq!((queued, delivered.sent), (1, 1));
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("wang@hanyang.example"));
}

#[tokio::test]
async fn nothing_to_report_sends_a_short_digest_or_none_as_asked() {
    let out = tempfile::tempdir().unwrap();
    let mut s = Settings::default();
    s.mail.mail_dir = out.path().join("eml");
    let app = TestApp::spawn_with(s, Anonymous::Refused).await;
    let subscribe = r#"mutation($r: String!, $e: Boolean!) { subscribeDigest(input: {recipient: $r, email: "a@hanyang.example", job: "digest_daily", sendEmpty: $e}) { id } }"#;
    app.ok(subscribe, json!({"r": "想要空摘要", "e": true})).await;
    app.ok(subscribe, json!({"r": "不要空摘要", "e": false})).await;
    app.clock.set(morning());
    let outcomes = jobs::tick(&app.ctx, &digest_daily(), morning(), "a").await.unwrap();
    assert!(matches!(&outcomes[0].1, Outcome::Succeeded(d) if d.starts_with("1 digests queued")), "{outcomes:?}");
    let files: Vec<String> = std::fs::read_dir(out.path().join("eml"))
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    assert_eq!(files.len(), 1);
    // 【专项债监测】无新增预警, encoded in the subject.
    assert!(files[0].contains("Subject: =?utf-8?b?44CQ5LiT6aG55YC655uR5rWL44CR5peg5paw5aKe6aKE6K2m?="), "{}", files[0]);
}

#[tokio::test]
async fn a_digest_fails_for_good_after_the_last_attempt_and_says_why() {
    let out = tempfile::tempdir().unwrap();
    let mut s = settings(free_port(), out.path());
    s.mail.smtp_url = Some(format!("smtp://digest-user:Secr3t@127.0.0.1:{}", free_port()));
    let app = TestApp::spawn_with(s, Anonymous::Refused).await;
    assert!(!mail::describe(&app.ctx.settings.mail).contains("Secr3t"), "credentials are never shown");
    portfolio_with_alerts(&app).await;
    let mut now = morning();
    app.clock.set(now);
    jobs::tick(&app.ctx, &digest_daily(), now, "a").await.unwrap();
    for attempt in 1..mail::MAX_ATTEMPTS {
        now += mail::backoff(attempt) + chrono::Duration::seconds(1);
        app.clock.set(now);
        mail::deliver_due(&app.ctx).await.unwrap();
    }
    let data = app.ok("{ digestDeliveries { status attempts lastError } }", json!({})).await;
    let d = &data["digestDeliveries"][0];
    assert_eq!(
        (d["status"].as_str(), d["attempts"].as_i64()),
        (Some("FAILED"), Some(mail::MAX_ATTEMPTS as i64)),
        "{d}"
    );
    assert!(d["lastError"].as_str().is_some_and(|e| !e.is_empty() && !e.contains("Secr3t")));
}

#[test]
fn the_command_line_runs_the_digests_due_now() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("d.db").display());
    crate::helpers::bondwatch(&url, &["migrate"]);
    let out = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args(["digest", "run", "--database-url", &url, "--mail-dir", dir.path().join("eml").to_str().unwrap()])
        .env("BONDWATCH_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 digests queued; 0 sent"));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".eml files"), "says where mail goes");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("(Asia/Shanghai)") && !said.contains("UTC"), "slots in the office's time: {said}");
}

#[tokio::test]
async fn overdue_debt_service_reaches_the_digest_in_red() {
    let app = TestApp::spawn().await;
    app.basics().await;
    // 1,000,000 at 3% from 1 May 2024: coupons of 30,000.00 due 1 May 2025 and 1 May 2026, unpaid.
    app.ok(
        r#"mutation {
            createBond(input: {code: "B3", name: "b3", kind: SPECIAL, issueDate: "2024-05-01", termYears: 5, couponRatePercent: "3", faceAmount: "1000000.00"}) { code }
            allocateBond(input: {bondCode: "B3", projectCode: "P1", amount: "1000000.00", allocatedOn: "2024-05-01"}) { amount }
            runAlertSweep { raised }
        }"#,
        json!({}),
    )
    .await;
    let id = subscribe_daily(&app).await;
    let preview = app.ok("query($id: ID!) { digestPreview(subscriptionId: $id) { text } }", json!({"id": id})).await;
    let text = preview["digestPreview"]["text"].as_str().unwrap();
    // 2 × 30,000.00 = 6.00万元, overdue from 1 May 2025 to 15 June 2026: 365 + 45 = 410 days.
    assert!(text.contains("S8") && text.contains("6.00万元未支付,已逾期410天"), "{text}");
}
