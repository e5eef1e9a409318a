//! The served surface and the binary: the SDL file, GraphiQL offline, health, the
//! demo portfolio, the README's example, and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use bondwatch::demo;
use serde_json::json;

use crate::helpers::TestApp;

#[test]
fn schema_file_is_the_served_schema() {
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql at the repo root");
    assert!(
        file == bondwatch::api::sdl(),
        "schema.graphql differs from the served schema; run `cargo run -- export-schema > schema.graphql`"
    );
}

#[tokio::test]
async fn serves_schema_health_and_an_offline_graphiql() {
    let app = TestApp::spawn().await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.url)).send();
    let health = get("/healthz").await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<serde_json::Value>().await.unwrap(), json!({"status": "ok"}));
    let sdl = get("/schema.graphql").await.unwrap().text().await.unwrap();
    assert_eq!(sdl, bondwatch::api::sdl());
    let page = get("/graphiql").await.unwrap().text().await.unwrap();
    assert!(
        !page.contains("https://") && !page.contains("http://"),
        "GraphiQL must not load anything from the internet"
    );
    for asset in ["graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js"] {
        assert!(page.contains(&format!("/graphiql/{asset}")), "{asset} is not referenced");
        let response = get(&format!("/graphiql/{asset}")).await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        assert!(response.bytes().await.unwrap().len() > 5_000, "{asset} is served from the binary");
    }
}

/// GraphiQL as a researcher first opens it: the schema loads (the standard introspection
/// query passes the depth limit) and the Docs pane lists the root type Query.
#[tokio::test]
async fn graphiql_loads_the_schema_and_its_docs_list_query() {
    let app = TestApp::spawn().await;
    let b = crate::browser::Browser::start("graphiql").await;
    b.goto(&format!("{}/graphiql", app.url)).await;
    b.click("button[aria-label$='Documentation Explorer']").await;
    let mut docs = String::new();
    for _ in 0..150 {
        docs = b.text(".graphiql-doc-explorer").await;
        if docs.contains("Query") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.shot("docs").await;
    assert!(docs.contains("Query") && docs.contains("Mutation"), "the Docs pane: {docs}");
    let page = b.text("body").await;
    assert!(!page.contains("Error fetching schema") && !page.contains("nested too deep"), "{page}");
    b.finish().await;
}

#[tokio::test]
async fn demo_loads_a_realistic_current_portfolio_once() {
    let app = TestApp::spawn().await;
    assert!(matches!(demo::load(&app.ctx, |_| {}).await.unwrap(), demo::Outcome::Loaded(_)));
    let before = app.snapshot().await;
    assert!(matches!(demo::load(&app.ctx, |_| {}).await.unwrap(), demo::Outcome::AlreadyPresent));
    assert_eq!(app.snapshot().await, before, "loading twice does not duplicate");

    let data = app
        .ok(
            r#"{ projects(first: 50) { totalCount nodes { code category department { code } status assessment { conclusion } targets { indicators { name } }
                   latestProgress { period } disbursements { totalCount } revenueForecast { year } } }
                 bonds { nodes { code kind interestFrequency amortization { year } allocations { amount } } }
                 departments { code budgets { year projects { totalBudget currentYearBudget } } } }"#,
            json!({}),
        )
        .await;
    let nodes = data["projects"]["nodes"].as_array().unwrap();
    assert!(nodes.len() >= 12);
    let distinct = |key: &dyn Fn(&serde_json::Value) -> String| {
        nodes.iter().map(key).collect::<std::collections::BTreeSet<_>>().len()
    };
    assert!(distinct(&|n| n["department"]["code"].to_string()) >= 5);
    assert!(distinct(&|n| n["category"].to_string()) >= 6);
    assert!(distinct(&|n| n["status"].to_string()) >= 4);
    assert!(nodes.iter().all(|n| !n["assessment"].is_null()), "one assessment per project");
    assert!(nodes.iter().all(|n| !n["targets"][0]["indicators"].as_array().unwrap().is_empty()));
    // Dated relative to the (injected) day of loading: last month's reports are in.
    assert!(nodes.iter().any(|n| n["latestProgress"]["period"] == "2026-05"));

    let bonds = data["bonds"]["nodes"].as_array().unwrap();
    assert!(bonds.len() >= 4);
    assert!(bonds.iter().any(|b| b["amortization"].as_array().unwrap().is_empty()), "a bullet bond");
    assert!(bonds.iter().any(|b| !b["amortization"].as_array().unwrap().is_empty()), "an amortizing bond");
    assert!(bonds.iter().any(|b| b["interestFrequency"] == "SEMI_ANNUAL"));
    assert!(bonds.iter().any(|b| b["interestFrequency"] == "ANNUAL"));
    assert!(bonds.iter().any(|b| b["kind"] == "REFINANCING" && !b["allocations"].as_array().unwrap().is_empty()));
    // Debt service falls due and is paid: a project's past lines carry payments.
    let paid =
        app.ok(r#"{ project(code: "HY-JT-01") { coverageRatio debtService { dueDate paid } } }"#, json!({})).await;
    let lines = paid["project"]["debtService"].as_array().unwrap();
    assert!(lines.iter().any(|l| l["paid"] != "0.00"), "some debt service was paid");
    assert!(paid["project"]["coverageRatio"].is_string());

    // The civil-affairs table keeps the seed's slipped digit (C4): 155614.41 against 15514.41 万元.
    let mz = data["departments"].as_array().unwrap().iter().find(|d| d["code"] == "HY-MZ").unwrap();
    assert!(
        mz["budgets"][0]["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["totalBudget"] == "1556144100.00" && p["currentYearBudget"] == "155144100.00")
    );
    // 2896.665 万元 converts exactly.
    assert!(mz["budgets"][0]["projects"].as_array().unwrap().iter().any(|p| p["totalBudget"] == "28966650.00"));
}

/// The first ```graphql block of the README.
fn readme_query() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```graphql").expect("README has a GraphQL example") + "```graphql".len();
    let end = readme[start..].find("```").unwrap();
    readme[start..start + end].to_string()
}

#[tokio::test]
async fn the_readme_example_answers_on_the_demo() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    let data = app.ok(&readme_query(), json!({})).await;
    let nodes = data["projects"]["nodes"].as_array().expect("the example lists projects");
    assert!(!nodes.is_empty());
    assert!(
        nodes.iter().all(|n| { n["bondFunding"].as_str().is_some_and(|m| m.ends_with(|c: char| c.is_ascii_digit())) })
    );
}

#[test]
fn the_binary_migrates_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("fresh.db").display());
    // The database is created by migrate; then a token made on the command line.
    crate::helpers::bondwatch(&url, &["migrate"]);
    let out = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args(["token", "create", "--username", "ops", "--role", "researcher", "--database-url", &url])
        .env("BONDWATCH_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().lines().last().unwrap().trim().to_string();
    assert!(token.starts_with("bw_"), "the token is the last line: {token}");
    // A user whose password comes on standard input.
    let mut add = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args([
            "user",
            "add",
            "--username",
            "li",
            "--role",
            "admin",
            "--email",
            "li@example.org",
            "--database-url",
            &url,
        ])
        .env("BONDWATCH_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(add.stdin.as_mut().unwrap(), b"s3cret-passw0rd\n").unwrap();
    let added = add.wait_with_output().unwrap();
    assert!(added.status.success() && String::from_utf8_lossy(&added.stdout).contains("user li added"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &url])
        .env("BONDWATCH_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().trim_start_matches("bondwatch serving on ").split_whitespace().next().unwrap_or_default();
    let base = address.trim_end_matches('/').to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let answer: serde_json::Value = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{base}/graphql"))
            .bearer_auth(&token)
            .json(&json!({"query": "{ me { username role } departments { code } projects { totalCount } }"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(
        answer["data"]["projects"]["totalCount"], 0,
        "a fresh database, created and migrated on start: {answer}"
    );
    assert!(dir.path().join("fresh.db").exists());
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "a graceful stop exits 0, not {exit}");
}

#[test]
fn export_schema_prints_the_sdl() {
    let out = Command::new(env!("CARGO_BIN_EXE_bondwatch")).arg("export-schema").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), bondwatch::api::sdl());
}

#[test]
fn migrate_creates_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.db");
    let out = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args(["migrate", "--database-url", &format!("sqlite://{}?mode=rwc", file.display())])
        .env("BONDWATCH_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is up to date"));
    assert!(file.exists());
    let bad = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args(["migrate", "--database-url", "postgres://nobody@127.0.0.1:1/none"])
        .env("BONDWATCH_LOG", "off")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    // Said from the first attempt (the pool would say "pool timed out" after ten seconds), once.
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(said.contains("无法连接 PostgreSQL") && !said.contains("pool timed out"), "{said}");
    assert!(said.contains("127.0.0.1:1"), "a clear message when the database is unreachable");
}

#[test]
fn logs_say_a_migration_only_when_one_runs_and_colour_only_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("logs.db").display());
    // The default log level, stderr a pipe (not a terminal).
    let migrate = || {
        let out = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
            .args(["migrate", "--database-url", &url])
            .env_remove("BONDWATCH_LOG")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let first = migrate();
    assert!(first.contains("applying") && first.contains("m20"), "the first run migrates: {first}");
    let second = migrate();
    assert!(!second.to_lowercase().contains("migration"), "nothing to say when nothing runs: {second}");
    assert!(!first.contains('\u{1b}') && !second.contains('\u{1b}'), "no colour codes in a pipe: {first:?}");
}

#[test]
fn each_command_s_help_lists_its_own_options() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_bondwatch")).args(args).arg("--help").output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let export = help(&["export"]);
    assert!(export.contains("--database-url") && export.contains("--out"), "{export}");
    assert!(!export.contains("--smtp-url") && !export.contains("--session-hours") && !export.contains("--listen"));
    let serve = help(&["serve"]);
    assert!(serve.contains("--smtp-url") && serve.contains("--listen") && serve.contains("--base-url"), "{serve}");
    let template = help(&["template"]);
    assert!(!template.contains("--database-url"), "the template needs no database: {template}");
}

#[test]
fn sweep_replays_a_date_as_known_at_a_moment_and_names_projects_by_code() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("demo.db").display());
    let run = |args: &[&str]| crate::helpers::bondwatch(&url, args).0;
    run(&["demo"]);
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive().to_string();
    let now = run(&["sweep", "--as-of", &today]);
    assert!(now.contains("HY-WJ-02") && now.contains("S8"), "subjects by project code: {now}");
    // Before anything was recorded nothing can be seen.
    let before = run(&["sweep", "--as-of", &today, "--known-at", "2020-01-01T00:00:00+08:00"]);
    assert!(before.contains("as known at 2020-01-01 00:00:00") && before.contains(": 0 alert(s)"), "{before}");
}

#[test]
fn commands_refuse_a_database_that_does_not_exist_or_has_no_schema() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("typo.db");
    let out_file = dir.path().join("alerts.xlsx");
    let export = |db: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_bondwatch"))
            .args(["export", "alerts", "--out", out_file.to_str().unwrap()])
            .args(["--database-url", &format!("sqlite://{}?mode=rwc", db.display())])
            .env("BONDWATCH_LOG", "warn")
            .output()
            .unwrap()
    };
    // A mistyped file: refused, nothing created, no workbook written.
    let out = export(&typo);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不存在"), "{out:?}");
    assert!(!typo.exists() && !out_file.exists(), "no empty database, no empty workbook");
    // A file that is not a bondwatch database.
    let other = dir.path().join("other.db");
    std::fs::write(&other, b"").unwrap();
    let out = export(&other);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有 bondwatch 的表"), "{out:?}");
    assert!(!out_file.exists());
}

/// A database of its own for servers run as processes: a new PostgreSQL database (the
/// binary takes a URL, not a schema) or a SQLite file; dropped by `drop_database`.
async fn process_database(dir: &std::path::Path) -> (String, Option<(sea_orm::DatabaseConnection, String)>) {
    use sea_orm::ConnectionTrait;
    match crate::helpers::postgres_url() {
        Some(test_url) => {
            let name = format!("bw_proc_{}", uuid::Uuid::new_v4().simple());
            let admin = bondwatch::db::connect(&test_url, None).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            let base = test_url.rsplit_once('/').unwrap().0.to_string();
            (format!("{base}/{name}"), Some((admin, name)))
        }
        None => (format!("sqlite://{}?mode=rwc", dir.join("proc.db").display()), None),
    }
}

async fn drop_database(db: Option<(sea_orm::DatabaseConnection, String)>) {
    use sea_orm::ConnectionTrait;
    if let Some((admin, name)) = db {
        admin.execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)")).await.unwrap();
    }
}

/// The runs of a job, newest first.
async fn runs_of(url: &str, job: &str) -> Vec<bondwatch::jobs::job_run::Model> {
    let db = bondwatch::db::connect(url, None).await.unwrap();
    let runs = bondwatch::jobs::runs(&bondwatch::Ctx::new(db.clone(), bondwatch::clock::system()), Some(job), 100)
        .await
        .unwrap();
    db.close().await.ok();
    runs
}

/// Two real servers on one database, a job every two seconds, for about twenty seconds
/// (the one test that must use the wall clock: real ticks arrive milliseconds apart,
/// each with its own sub-second time): every slot runs once, named to the second.
#[tokio::test(flavor = "multi_thread")]
async fn two_servers_run_each_slot_of_a_seconds_schedule_once() {
    let dir = tempfile::tempdir().unwrap();
    let (url, drop_db) = process_database(dir.path()).await;
    crate::helpers::bondwatch(&url, &["migrate"]);
    let schedule = dir.path().join("schedule.toml");
    std::fs::write(&schedule, "[jobs.every_two]\ncron = \"*/2 * * * * *\"\nrun = \"sweep\"\n").unwrap();
    let serve = || {
        Command::new(env!("CARGO_BIN_EXE_bondwatch"))
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &url])
            .arg("--schedule")
            .arg(&schedule)
            .env("BONDWATCH_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (serve(), serve());
    tokio::time::sleep(std::time::Duration::from_secs(20)).await;
    for child in [&mut a, &mut b] {
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let _ = child.wait();
    }
    let runs = runs_of(&url, "every_two").await;
    drop_database(drop_db).await;
    // About ten slots in twenty seconds; each once (two rows a slot was the bug).
    assert!((5..=12).contains(&runs.len()), "{} runs: {runs:?}", runs.len());
    let slots: std::collections::BTreeSet<_> = runs.iter().map(|r| r.scheduled_for).collect();
    assert_eq!(slots.len(), runs.len());
    // The stop ends whatever still runs: the last slot, claimed as the servers were
    // stopped, may stay RUNNING (a replica takes it over once its lease is past).
    let last = slots.last().copied();
    for r in &runs {
        use chrono::Timelike;
        assert_eq!((r.scheduled_for.nanosecond(), r.scheduled_for.second() % 2), (0, 0), "{r:?}");
        let cut_off = r.status == "RUNNING" && Some(r.scheduled_for) == last;
        assert!(r.status == "SUCCEEDED" || r.status == "SKIPPED" || cut_off, "{r:?}");
    }
}

/// A stop asked for while a request is still coming in (a body sent half, as a slow or
/// hostile client would) takes seconds, not the request timeout (30 s) or for ever.
#[test]
fn a_stop_takes_seconds_whatever_is_running() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("stop.db").display());
    crate::helpers::bondwatch(&url, &["migrate"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args(["serve", "--listen", "127.0.0.1:0", "--no-scheduler", "--database-url", &url])
        .env("BONDWATCH_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.split("http://").nth(1).and_then(|a| a.split('/').next()).unwrap().to_string();
    let mut slow = std::net::TcpStream::connect(&address).unwrap();
    write!(slow, "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"query\":").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let asked = std::time::Instant::now();
    let stopped = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if asked.elapsed() > std::time::Duration::from_secs(20) {
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let waited = asked.elapsed();
    if stopped.is_none() {
        let _ = child.kill();
    }
    assert!(stopped.is_some() && waited < std::time::Duration::from_secs(15), "still running after {waited:?}");
    drop(slow);
}

/// A server killed (SIGKILL) in the middle of a run: its slot is not lost. Another
/// server, once the run has missed its beats for the lease (3 s here), takes the slot
/// over and runs it.
#[tokio::test(flavor = "multi_thread")]
async fn a_slot_lost_with_a_killed_server_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let (url, drop_db) = process_database(dir.path()).await;
    crate::helpers::bondwatch(&url, &["gen", "--projects", "400", "--years", "1"]);
    // Once a year: the latest slot is the one the killed server was running.
    let schedule = dir.path().join("schedule.toml");
    std::fs::write(&schedule, "[jobs.yearly]\ncron = \"0 0 0 1 1 *\"\nrun = \"sweep\"\n").unwrap();
    let serve = || {
        Command::new(env!("CARGO_BIN_EXE_bondwatch"))
            .args(["serve", "--listen", "127.0.0.1:0", "--job-lease-seconds", "3", "--database-url", &url])
            .arg("--schedule")
            .arg(&schedule)
            .env("BONDWATCH_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let wait_for = async |what: &str, done: &dyn Fn(&[bondwatch::jobs::job_run::Model]) -> bool| {
        for _ in 0..1200 {
            let runs = runs_of(&url, "yearly").await;
            if done(&runs) {
                return runs;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("{what}: not within 30 s");
    };
    let mut first = serve();
    wait_for("the first server starts the run", &|r| r.first().is_some_and(|r| r.status == "RUNNING")).await;
    first.kill().unwrap();
    first.wait().unwrap();
    let killed = runs_of(&url, "yearly").await;
    assert_eq!(killed[0].status, "RUNNING", "killed in the middle of the run (generate more projects if not)");
    let mut second = serve();
    let runs =
        wait_for("the second server takes the slot over", &|r| r.first().is_some_and(|r| r.status == "SUCCEEDED"))
            .await;
    let _ = Command::new("kill").args(["-TERM", &second.id().to_string()]).status();
    second.wait().unwrap();
    drop_database(drop_db).await;
    assert_eq!(runs.len(), 1, "the same slot, run once to its end: {runs:?}");
    assert_eq!(runs[0].scheduled_for, killed[0].scheduled_for);
    assert_ne!(runs[0].claimed_by, killed[0].claimed_by, "by the second server");
}

#[test]
fn the_settings_file_sits_between_the_environment_and_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let (from_file, from_env) = (dir.path().join("file.db"), dir.path().join("env.db"));
    let config = dir.path().join("bondwatch.toml");
    std::fs::write(&config, format!("database_url = \"sqlite://{}?mode=rwc\"\n", from_file.display())).unwrap();
    let migrate = |env: Option<&std::path::Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bondwatch"));
        cmd.args(["migrate", "--config"])
            .arg(&config)
            .env("BONDWATCH_LOG", "warn")
            .env_remove("BONDWATCH_DATABASE_URL");
        if let Some(db) = env {
            cmd.env("BONDWATCH_DATABASE_URL", format!("sqlite://{}?mode=rwc", db.display()));
        }
        cmd.output().unwrap()
    };
    // The file's database over the default bondwatch.db …
    assert!(migrate(None).status.success());
    assert!(from_file.exists() && !from_env.exists());
    // … and the environment's over the file's.
    std::fs::remove_file(&from_file).unwrap();
    assert!(migrate(Some(&from_env)).status.success());
    assert!(from_env.exists() && !from_file.exists());
    // A misspelt key stops the start, naming the file and the key, and creates nothing.
    std::fs::write(&config, "databse_url = \"sqlite://nowhere.db?mode=rwc\"\n").unwrap();
    let out = migrate(None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("bondwatch.toml: databse_url is not a setting bondwatch knows"), "{err}");
    assert!(err.contains("database_url"), "the settings it knows are listed: {err}");
}
