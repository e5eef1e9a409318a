//! Researchers on a read replica (issue #19): a real streaming standby of the test
//! server, made with `pg_basebackup -R` and run as a second cluster on another port.
//! A read is answered from the standby, a mutation lands on the primary, and the
//! writer's own reads stay on the primary for the seconds after its write. PostgreSQL
//! only: SQLite has no standby (on SQLite the test has nothing to run).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bondwatch::api::{self, Anonymous};
use bondwatch::auth::Role;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::{Value, json};

use crate::helpers::{TestApp, postgres_url};

/// A standby cluster, stopped and removed when dropped.
struct Standby {
    server: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Standby {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// PostgreSQL refuses to run as root: the cluster is the `postgres` user's when the
/// tests run as root.
fn as_postgres(program: &Path) -> Command {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn postgres_bin(name: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries in /usr/lib/postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
        .filter(|p| p.exists())
        .collect();
    versions.sort();
    versions.pop().unwrap_or_else(|| panic!("{name} of PostgreSQL"))
}

/// Host and port of a postgres:// URL.
fn host_port(url: &str) -> (String, String) {
    let rest = url.split_once('@').map_or(url, |(_, r)| r);
    let server = rest.split('/').next().unwrap_or(rest);
    let (host, port) = server.split_once(':').unwrap_or((server, "5432"));
    (host.to_string(), port.to_string())
}

fn start_standby(primary: &str) -> Standby {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    let status = Command::new("chown").args(["postgres:postgres"]).arg(dir.path()).status();
    assert!(status.is_ok(), "chown the standby's directory");
    let (host, port) = host_port(primary);
    let backup = as_postgres(&postgres_bin("pg_basebackup"))
        .args(["-h", &host, "-p", &port, "-U", "postgres", "-R", "-X", "stream", "-c", "fast", "-D"])
        .arg(&data)
        .output()
        .expect("pg_basebackup runs");
    assert!(
        backup.status.success(),
        "pg_basebackup (the primary must allow replication from loopback, as .ci/run sets): {}",
        String::from_utf8_lossy(&backup.stderr)
    );
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let standby_port = free.local_addr().expect("its port").port();
    drop(free);
    // Debian keeps the primary's configuration outside its data directory: the standby's own.
    let conf = format!(
        "listen_addresses = '127.0.0.1'\nport = {standby_port}\nunix_socket_directories = '{}'\nhot_standby = on\n",
        dir.path().display()
    );
    let write = |name: &str, text: &str| {
        let path = data.join(name);
        std::fs::write(&path, text).expect("the standby's configuration");
        Command::new("chown").args(["postgres:postgres"]).arg(&path).status().ok();
    };
    write("postgresql.conf", &conf);
    write("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n");
    let log = std::fs::File::create(dir.path().join("standby.log")).expect("a log file");
    let server = as_postgres(&postgres_bin("postgres"))
        .arg("-D")
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the standby starts");
    let url = primary.replacen(&format!("{host}:{port}"), &format!("127.0.0.1:{standby_port}"), 1);
    Standby { server, url, _dir: dir }
}

async fn count(app: &TestApp, url: &str, token: &str) -> Value {
    let (status, body) = app.send_to(url, Some(token), "{ projects { totalCount } }", json!({})).await;
    assert_eq!(status, 200, "{body}");
    body["data"]["projects"]["totalCount"].clone()
}

async fn until(app: &TestApp, url: &str, token: &str, n: i64, what: &str) {
    for _ in 0..300 {
        if count(app, url, token).await == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: the standby did not show {n} projects within 30 s");
}

#[tokio::test]
async fn reads_go_to_a_streaming_standby_and_writes_to_the_primary() {
    let Some(primary) = postgres_url() else { return };
    let app = TestApp::spawn().await;
    app.basics().await;
    let researcher = app.token_for("researcher", Role::Researcher, None).await;
    let standby = start_standby(&primary);
    // The standby is up once it answers; it replays the test schema from the primary.
    let mut conn = None;
    for _ in 0..300 {
        if let Ok(c) = sea_orm::Database::connect(standby.url.as_str()).await {
            conn = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let admin = conn.expect("the standby accepts connections within 30 s");
    let on_standby = app.connect_elsewhere(&standby.url).await;
    // A replica of the app whose read-only requests go to the standby.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let router = api::router(app.ctx.clone().with_standby(on_standby), Anonymous::Refused);
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.ok();
    });
    until(&app, &url, &researcher, 1, "P1, replayed").await;

    // Replay held: what the standby answers stays as it is.
    let pause = |sql: &str| Statement::from_string(DatabaseBackend::Postgres, sql.to_string());
    admin.execute_raw(pause("SELECT pg_wal_replay_pause()")).await.expect("pause the replay");
    let (status, body) = app
        .send_to(
            &url,
            Some(&app.token),
            r#"mutation { createProject(input: {code: "P2", name: "x", departmentCode: "JT", executingUnit: "u", category: "交通基础设施", approvedInvestment: "10.00"}) { code } }"#,
            json!({}),
        )
        .await;
    assert_eq!((status, &body["data"]["createProject"]["code"]), (200, &json!("P2")), "the write lands: {body}");
    assert_eq!(count(&app, &app.url, &app.token).await, 2, "on the primary");
    // The writer reads its own write, from the primary, for five seconds…
    assert_eq!(count(&app, &url, &app.token).await, 2, "the writer's read right after its write");
    // …while another caller's read is the standby's, which has not replayed it.
    assert_eq!(count(&app, &url, &researcher).await, 1, "answered from the standby");
    // Five seconds on (the injected clock), the writer's reads go to the standby too.
    app.clock.set(app.clock_now() + chrono::Duration::seconds(5));
    assert_eq!(count(&app, &url, &app.token).await, 1, "the writer's read, the window over");
    admin.execute_raw(pause("SELECT pg_wal_replay_resume()")).await.expect("resume the replay");
    until(&app, &url, &researcher, 2, "P2, replayed").await;
}
