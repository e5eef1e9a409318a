//! The test harness: each test gets its own database (a temporary SQLite file, or a
//! fresh schema on the PostgreSQL named by BONDWATCH_TEST_DATABASE_URL), the real
//! router served on a random loopback port, a fixed clock, and a counter of the SQL
//! statements the app issues.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::net::SocketAddr;

use bondwatch::api::Anonymous;
use bondwatch::auth::{Role, tokens};
use bondwatch::clock::FixedClock;
use bondwatch::config::Settings;
use bondwatch::{Ctx, api, db};
use chrono::{TimeZone, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::{Value, json};

pub struct TestApp {
    pub url: String,
    pub client: reqwest::Client,
    pub ctx: Ctx,
    pub clock: Arc<FixedClock>,
    /// The token `gql` sends: an ADMIN's.
    pub token: String,
    statements: Arc<AtomicUsize>,
    place: Place,
    _dir: Option<tempfile::TempDir>,
}

pub fn postgres_url() -> Option<String> {
    std::env::var("BONDWATCH_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())
}

/// A fresh, migrated database of the backend under test, with a statement counter.
/// Where a test database is: its URL and, on PostgreSQL, its schema.
pub type Place = (String, Option<String>);

pub async fn fresh_database() -> (sea_orm::DatabaseConnection, Arc<AtomicUsize>, Option<tempfile::TempDir>, Place) {
    let (mut conn, dir, place) = match postgres_url() {
        Some(url) => {
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = db::connect(&url, None).await.expect("PostgreSQL for tests is reachable");
            admin
                .execute_raw(Statement::from_string(DatabaseBackend::Postgres, format!("CREATE SCHEMA {schema}")))
                .await
                .expect("create test schema");
            admin.close().await.ok();
            (db::connect(&url, Some(&schema)).await.expect("connect to test schema"), None, (url, Some(schema)))
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (db::connect(&url, None).await.expect("open SQLite"), Some(dir), (url, None))
        }
    };
    db::migrate(&conn).await.expect("migrations run");
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    conn.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (conn, statements, dir, place)
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Settings::default(), Anonymous::Refused).await
    }

    pub async fn spawn_with(settings: Settings, anonymous: Anonymous) -> TestApp {
        // Errors the app logs show up beside a failing test's output.
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
        let (conn, statements, dir, place) = fresh_database().await;
        // 10:00 in Shanghai on 15 June 2026.
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 6, 15, 2, 0, 0).unwrap()));
        let ctx = Ctx::with(conn, clock.clone(), settings);
        let token = tokens::create_api_token(&ctx, "office", Role::Admin, None, None).await.expect("admin token");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let app = api::router(ctx.clone(), anonymous).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        TestApp {
            url: format!("http://{addr}"),
            client: reqwest::Client::new(),
            ctx,
            clock,
            token,
            statements,
            place,
            _dir: dir,
        }
    }

    /// A token for a new user of this role (and department).
    pub async fn token_for(&self, username: &str, role: Role, department: Option<&str>) -> String {
        tokens::create_api_token(&self.ctx, username, role, department.map(str::to_string), None).await.expect("token")
    }

    /// Sends a GraphQL request with these credentials (none: anonymous); returns status and body.
    pub async fn send(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        self.send_to(&self.url, token, query, variables).await
    }

    /// [`send`](Self::send) to another server of this app's database.
    pub async fn send_to(&self, url: &str, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request =
            self.client.post(format!("{url}/graphql")).json(&json!({"query": query, "variables": variables}));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Another replica on the same database: its own connection pool, the same clock.
    pub async fn replica(&self) -> Ctx {
        let conn = db::connect(&self.place.0, self.place.1.as_deref()).await.expect("a second pool");
        Ctx::new(conn, self.clock.clone())
    }

    /// The same test schema on another server (a standby of this one).
    pub async fn connect_elsewhere(&self, url: &str) -> sea_orm::DatabaseConnection {
        db::connect(url, self.place.1.as_deref()).await.expect("connect to the other server")
    }

    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        bondwatch::clock::Clock::now(self.clock.as_ref())
    }

    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.send(Some(&self.token.clone()), query, variables).await;
        assert_eq!(status, 200, "HTTP {status}: {body}");
        body
    }

    /// Runs a query that must succeed and returns its data.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        let answer = self.gql(query, variables).await;
        assert!(answer.get("errors").is_none(), "unexpected errors: {answer:#}");
        answer["data"].clone()
    }

    /// Runs a query that must fail; returns (code, field, message) of the first error.
    pub async fn err(&self, query: &str, variables: Value) -> (String, String, String) {
        let answer = self.gql(query, variables).await;
        let error = &answer["errors"][0];
        assert!(!error.is_null(), "expected an error, got {answer:#}");
        (
            error["extensions"]["code"].as_str().unwrap_or("").to_string(),
            error["extensions"]["field"].as_str().unwrap_or("").to_string(),
            error["message"].as_str().unwrap_or("").to_string(),
        )
    }

    /// Row counts of every table (as the database lists them): equal before and after
    /// means nothing was written.
    pub async fn snapshot(&self) -> Vec<(String, i64)> {
        let db = &self.ctx.db;
        let backend = db.get_database_backend();
        let list = match backend {
            DatabaseBackend::Sqlite => {
                "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            _ => {
                "SELECT CAST(table_name AS TEXT) AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
            }
        };
        let tables = db.query_all_raw(Statement::from_string(backend, list)).await.expect("list tables");
        let mut counts = Vec::new();
        for row in tables {
            let table: String = row.try_get("", "t").expect("a table name");
            let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}");
            let n = db.query_one_raw(Statement::from_string(backend, sql)).await.expect("count").expect("a row");
            counts.push((table, n.try_get::<i64>("", "n").expect("n")));
        }
        assert!(counts.len() > 20, "every table is counted: {counts:?}");
        counts
    }

    /// A department, a project and a bond to record against.
    pub async fn basics(&self) {
        self.ok(
            r#"mutation {
                createDepartment(input: {code: "JT", name: "汉阳区交通运输局"}) { code }
                createProject(input: {code: "P1", name: "四新大道", departmentCode: "JT", executingUnit: "区交投",
                    category: "交通基础设施", approvedInvestment: "100000000.00", plannedBondFunding: "60000000.00",
                    plannedStart: "2025-03-01", plannedCompletion: "2027-03-01"}) { code }
                createBond(input: {code: "B1", name: "2025年湖北省政府专项债券(五期)", kind: PROJECT_REVENUE,
                    issueDate: "2025-01-10", termYears: 10, couponRatePercent: "3.27", faceAmount: "500000000.00"}) { code }
            }"#,
            json!({}),
        )
        .await;
    }
}

/// Runs the bondwatch binary on a database; it must succeed. Its standard output and error.
pub fn bondwatch(url: &str, args: &[&str]) -> (String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .args(args)
        .args(["--database-url", url])
        .env("BONDWATCH_LOG", "warn")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}
