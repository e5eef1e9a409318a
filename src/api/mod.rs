//! The edge: GraphQL (schema, types, loaders, error mapping, access policy) and HTTP
//! (router, credentials, pages). Everything here is a thin call into the domain modules.

mod dashboard;
pub mod error;
mod graphiql;
pub mod graphql;
pub mod loaders;
pub mod paging;
pub mod policy;
mod reads;
pub mod scalars;
pub mod types;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{EmptySubscription, Schema};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::Ctx;
use crate::auth::{Caller, tokens};
pub use graphql::{MutationRoot, QueryRoot};
use loaders::Loaders;

pub type BondwatchSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Largest accepted request body: a department's tables fit many times over.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Largest workbook upload (`importWorkbook`, a multipart request); larger ledgers go
/// through `bondwatch import`.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// Query limits: nesting depth and complexity (fields weighted by page sizes).
pub const MAX_DEPTH: usize = 12;
pub const MAX_COMPLEXITY: usize = 20_000;
/// Fields a request may select once its fragments are expanded. A kilobyte of
/// fragments that each spread the one before twice expands to millions of fields, and
/// async-graphql's own depth and complexity checks walk every one of them.
pub const MAX_EXPANDED_FIELDS: u64 = 5_000;
/// The name of the session cookie a login sets.
pub const SESSION_COOKIE: &str = "bondwatch_session";

/// The `Set-Cookie` value of a session: HttpOnly, and SameSite=Strict so that no other
/// site's page can post a form with it.
fn session_cookie(auth: &crate::config::AuthSettings, token: &str) -> String {
    let max_age = auth.session_duration().num_seconds();
    let secure = if auth.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}")
}

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .extension(policy::Policy)
}

/// The schema, with the limits and the access policy every request runs under.
pub fn schema(ctx: Ctx) -> BondwatchSchema {
    builder().data(ctx).finish()
}

/// The same schema without the depth limit, for requests that read nothing but the
/// schema itself: the standard introspection query (GraphiQL's, codegen's) nests
/// `ofType` deeper than any data query may, and reads no data.
fn introspection_schema(ctx: Ctx) -> BondwatchSchema {
    Schema::build(QueryRoot::default(), MutationRoot::default(), EmptySubscription)
        .limit_complexity(MAX_COMPLEXITY)
        .extension(policy::Policy)
        .data(ctx)
        .finish()
}

/// Whether every operation of a query selects only introspection fields (`__schema`,
/// `__type`, `__typename`) at its root, through fragments too. A query that does not
/// parse is not: the limited schema answers it with the parse error.
pub fn introspection_only(doc: &ExecutableDocument) -> bool {
    use async_graphql::parser::types::{Selection, SelectionSet};
    fn root_only(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
        depth < 8
            && set.items.iter().all(|item| match &item.node {
                Selection::Field(f) => f.node.name.node.starts_with("__"),
                Selection::InlineFragment(i) => root_only(doc, &i.node.selection_set.node, depth + 1),
                Selection::FragmentSpread(s) => doc
                    .fragments
                    .get(&s.node.fragment_name.node)
                    .is_some_and(|f| root_only(doc, &f.node.selection_set.node, depth + 1)),
            })
    }
    let mut operations = doc.operations.iter().peekable();
    operations.peek().is_some() && operations.all(|(_, op)| root_only(doc, &op.node.selection_set.node, 0))
}

/// The schema's SDL, as served at `/schema.graphql` and kept in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// How the server treats requests without credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anonymous {
    /// Refused, except the public fields (login, the schema).
    Refused,
    /// Read as a RESEARCHER: a server started with `--demo`.
    ReadOnly,
}

#[derive(Clone)]
struct AppState {
    schema: BondwatchSchema,
    introspection: BondwatchSchema,
    /// Read-only requests on the standby, when one is configured.
    reads: Option<Arc<reads::Reads>>,
    ctx: Ctx,
    anonymous: Anonymous,
}

/// The address a request came from, for the login rate limit.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// The credentials are the session cookie: no bearer token (another kind of
/// `Authorization`, which a browser may attach by itself, does not count).
fn from_cookie(headers: &HeaderMap) -> bool {
    bearer(headers).is_none() && credentials(headers).is_some()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string())
}

/// Whether the request has a mutation among its operations.
fn writes(doc: &ExecutableDocument) -> bool {
    use async_graphql::parser::types::OperationType;
    doc.operations.iter().any(|(_, op)| op.node.ty == OperationType::Mutation)
}

/// The fields a query selects with every fragment spread expanded, counted without
/// expanding them (each fragment's size once, memoised): linear in the query's text.
/// A fragment that spreads itself counts as too many.
pub fn expanded_fields(doc: &ExecutableDocument) -> u64 {
    use async_graphql::parser::types::{Selection, SelectionSet};
    use std::collections::HashMap;
    fn size(
        doc: &ExecutableDocument,
        set: &SelectionSet,
        memo: &mut HashMap<String, u64>,
        open: &mut Vec<String>,
    ) -> u64 {
        set.items.iter().fold(0u64, |sum, item| {
            let n = match &item.node {
                Selection::Field(f) => 1u64.saturating_add(size(doc, &f.node.selection_set.node, memo, open)),
                Selection::InlineFragment(i) => size(doc, &i.node.selection_set.node, memo, open),
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.to_string();
                    if let Some(n) = memo.get(&name) {
                        *n
                    } else if open.contains(&name) {
                        u64::MAX
                    } else {
                        open.push(name.clone());
                        let n = doc
                            .fragments
                            .get(&s.node.fragment_name.node)
                            .map_or(0, |f| size(doc, &f.node.selection_set.node, memo, open));
                        open.pop();
                        memo.insert(name, n);
                        n
                    }
                }
            };
            sum.saturating_add(n)
        })
    }
    let mut memo = HashMap::new();
    doc.operations.iter().fold(0u64, |sum, (_, op)| {
        sum.saturating_add(size(doc, &op.node.selection_set.node, &mut memo, &mut Vec::new()))
    })
}

/// A variable declared non-null (`$d: Date!`) that the request gives as `null`:
/// async-graphql would pass it on as if it were absent.
fn null_for_non_null(doc: &ExecutableDocument, request: &async_graphql::Request) -> Option<String> {
    doc.operations.iter().flat_map(|(_, op)| op.node.variable_definitions.clone()).find_map(|v| {
        let name = v.node.name.node.to_string();
        let given = request.variables.get(&async_graphql::Name::new(&name));
        (!v.node.var_type.node.nullable && matches!(given, Some(async_graphql::Value::Null))).then_some(name)
    })
}

/// `Origin` names the host the request was sent to (`Host`): the page is this server's.
pub(super) fn same_origin(headers: &HeaderMap) -> bool {
    let value = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    match (value(header::ORIGIN), value(header::HOST)) {
        (Some(origin), Some(host)) => {
            origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
        }
        _ => false,
    }
}

/// The bearer token of `Authorization`, or the session cookie.
fn credentials(headers: &HeaderMap) -> Option<String> {
    bearer(headers).or_else(|| {
        headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
            |c| c.trim().strip_prefix(SESSION_COOKIE).and_then(|rest| rest.strip_prefix('=')).map(str::to_string),
        )
    })
}

/// An answer in the GraphQL error shape, refused before the schema ran.
fn refusal(status: StatusCode, message: String, extensions: serde_json::Value) -> Response {
    (status, Json(serde_json::json!({"errors": [{"message": message, "extensions": extensions}]}))).into_response()
}

fn unauthenticated(message: String) -> Response {
    refusal(StatusCode::UNAUTHORIZED, message, serde_json::json!({"code": "UNAUTHENTICATED"}))
}

/// The caller of a request: from its token, as a demo reader, or nobody. A token that
/// is wrong or expired is `Unauthenticated`.
async fn identify(state: &AppState, headers: &HeaderMap) -> crate::error::Result<Option<Caller>> {
    match credentials(headers) {
        Some(token) => tokens::authenticate(&state.ctx, &token).await.map(Some),
        None if state.anonymous == Anonymous::ReadOnly => Ok(Some(Caller::demo_reader())),
        None => Ok(None),
    }
}

/// [`identify`], with its failures as the API's responses.
async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, Response> {
    identify(state, headers).await.map_err(|e| match e {
        crate::error::Error::Unauthenticated(m) => unauthenticated(m),
        other => {
            tracing::error!(error = %other, "cannot check a token");
            (StatusCode::SERVICE_UNAVAILABLE, "暂时无法核验登录凭据;请稍后再试").into_response()
        }
    })
}

/// The caller of a file download, which needs credentials; `what` names the file.
async fn signed_in(state: &AppState, headers: &HeaderMap, what: &str) -> Result<Caller, Response> {
    match caller(state, headers).await? {
        Some(c) => Ok(c),
        None => Err(unauthenticated(format!("下载{what}需要登录:请先登录,或附上 bearer 令牌"))),
    }
}

/// A body that is not one GraphQL request (malformed JSON, a batch, a broken upload),
/// answered in the GraphQL error shape with its code, not as a parser's debug text.
struct BadRequest(async_graphql::ParseRequestError);

impl From<async_graphql::ParseRequestError> for BadRequest {
    fn from(e: async_graphql::ParseRequestError) -> Self {
        BadRequest(e)
    }
}

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        let (status, code, message) = match self.0 {
            async_graphql::ParseRequestError::PayloadTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "LIMIT_EXCEEDED", "请求体过大".to_string())
            }
            other => {
                tracing::debug!(error = %other, "a request that is not GraphQL");
                let message = "请求体不是一个 GraphQL 请求:须为 JSON 对象 {\"query\": …, \"variables\": {…}}(不支持批量请求),或 GraphQL 文件上传的 multipart 表单";
                (StatusCode::BAD_REQUEST, "VALIDATION", message.to_string())
            }
        };
        refusal(status, message, serde_json::json!({"code": code}))
    }
}

/// Errors of the request itself (its syntax, unknown fields, a variable of the wrong
/// type, the depth limit) come from async-graphql without a code: they are the caller's
/// input, `VALIDATION`. Every error carries a code.
fn coded(mut response: async_graphql::Response) -> async_graphql::Response {
    for e in &mut response.errors {
        let has_code = e.extensions.as_ref().is_some_and(|x| x.get("code").is_some());
        if !has_code {
            // The depth and complexity limits are limits; the rest is malformed input.
            let limit =
                e.message.starts_with("Query is too complex") || e.message.starts_with("Query is nested too deep");
            let code = if limit { "LIMIT_EXCEEDED" } else { "VALIDATION" };
            e.extensions.get_or_insert_with(Default::default).set("code", code);
        }
    }
    response
}

async fn graphql(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: GraphQLRequest<BadRequest>,
) -> Response {
    let caller = match caller(&state, &headers).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let username = caller.as_ref().map(|c| c.username.clone());
    let mut request = request.into_inner().data(ClientAddress(peer.ip().to_string()));
    if let Some(c) = caller {
        request = request.data(c);
    }
    // The checks before the schema runs read the query parsed once; one that does not
    // parse goes on to the schema, which answers the parse error.
    let Ok(doc) = async_graphql::parser::parse_query(&request.query) else {
        let request = request.data(Loaders::new(&state.ctx));
        return GraphQLResponse::from(coded(state.schema.execute(request).await)).into_response();
    };
    // A browser sends the session cookie to any site's request: a change made with it
    // must come from a page of this server (CSRF). A bearer token is never sent unasked.
    if from_cookie(&headers) && writes(&doc) && !same_origin(&headers) {
        let message = "跨站请求被拒绝:以登录会话(cookie)提交的修改须来自本系统的页面;程序调用请使用 bearer 令牌";
        return refusal(StatusCode::FORBIDDEN, message.into(), serde_json::json!({"code": "FORBIDDEN"}));
    }
    // Before anything else looks at the query: its size with fragments expanded.
    let n = expanded_fields(&doc);
    if n > MAX_EXPANDED_FIELDS {
        let shown = if n == u64::MAX { "无穷(片段引用了自己)".to_string() } else { n.to_string() };
        let message = format!(
            "查询展开片段后共选择 {shown} 个字段,超过上限 {MAX_EXPANDED_FIELDS};请减少片段的重复引用或拆分查询"
        );
        return refusal(
            StatusCode::OK,
            message,
            serde_json::json!({"code": "LIMIT_EXCEEDED", "limit": "expanded_fields"}),
        );
    }
    if let Some(name) = null_for_non_null(&doc, &request) {
        let message = format!("变量 ${name} 声明为必填(非空),不能为 null");
        return refusal(StatusCode::OK, message, serde_json::json!({"code": "VALIDATION", "field": name}));
    }
    let (now, write) = (state.ctx.clock.now(), writes(&doc));
    let (schema, ctx) = match &state.reads {
        _ if introspection_only(&doc) => (&state.introspection, &state.ctx),
        Some(reads) if !write && reads.may_read(username.as_deref(), now) => (&reads.schema, &reads.ctx),
        _ => (&state.schema, &state.ctx),
    };
    let response = coded(schema.execute(request.data(Loaders::new(ctx))).await);
    if write {
        // Committed by now: the read window starts, the follower evaluates the changed projects' alerts.
        if let (Some(reads), Some(username)) = (&state.reads, &username) {
            reads.wrote(username, state.ctx.clock.now());
        }
        state.ctx.changed.notify_one();
    }
    GraphQLResponse::from(response).into_response()
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    year: Option<i32>,
    /// The alerts page's filters, so that its export is what it shows.
    severity: Option<String>,
    dimension: Option<String>,
    stage: Option<String>,
    status: Option<String>,
    department: Option<String>,
    unresolved: Option<String>,
    /// One bond's schedule.
    bond: Option<String>,
}

impl ExportQuery {
    /// The export asked for, its filters read: a code the lists do not know is refused.
    async fn narrow(
        &self,
        db: &sea_orm::DatabaseConnection,
        export: crate::spreadsheets::Export,
    ) -> Result<crate::spreadsheets::Export, Error> {
        use crate::codes::AlertStatus;
        use crate::ledger::projects::Stage;
        use crate::monitoring::{Dimension, Severity};
        use crate::spreadsheets::Export;
        // A filter naming a department or bond that does not exist is a bad request for
        // the export (400), not a missing file.
        fn as_filter(e: Error) -> Error {
            match e {
                Error::NotFound { field, message } => Error::Validation { field, message },
                other => other,
            }
        }
        fn code<T>(field: &str, value: &Option<String>, parse: fn(&str) -> Option<T>) -> Result<Option<String>, Error> {
            match value.as_deref().filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) if parse(v).is_some() => Ok(Some(v.to_string())),
                Some(v) => Err(Error::validation(field, format!("“{v}”不是可选的{field}"))),
            }
        }
        Ok(match export {
            Export::Alerts(_) => {
                let department_id = match self.department.as_deref().filter(|d| !d.is_empty() && *d != "*") {
                    Some(d) => {
                        Some(crate::ledger::department_by_code(db, "department", d).await.map_err(as_filter)?.id)
                    }
                    None => None,
                };
                Export::Alerts(crate::monitoring::store::AlertFilter {
                    status: code("status", &self.status, AlertStatus::parse)?,
                    severity: code("severity", &self.severity, Severity::parse)?,
                    dimension: code("dimension", &self.dimension, Dimension::parse)?,
                    stage: code("stage", &self.stage, Stage::parse)?,
                    department_id,
                    unresolved: self.unresolved.as_deref() == Some("1"),
                    ..Default::default()
                })
            }
            Export::Schedule(_) => match self.bond.as_deref().filter(|b| !b.is_empty()) {
                Some(b) => {
                    Export::Schedule(Some(crate::ledger::bond_by_code(db, "bond", b).await.map_err(as_filter)?.id))
                }
                None => Export::Schedule(None),
            },
            other => other,
        })
    }
}

/// `GET /exports/{alerts|portfolio|schedule|evaluations}.xlsx`, with the session cookie
/// or a bearer token.
async fn export_file(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    axum::extract::Query(query): axum::extract::Query<ExportQuery>,
    headers: HeaderMap,
) -> Response {
    let caller = match signed_in(&state, &headers, "导出文件").await {
        Ok(c) => c,
        Err(response) => return response,
    };
    if caller.reads_portfolio_of().is_some() {
        return (StatusCode::FORBIDDEN, "导出文件涵盖全部项目;只负责一个部门的管理者请通过 API 查看本部门的数据")
            .into_response();
    }
    let Some(name) = file.strip_suffix(".xlsx") else {
        return (StatusCode::NOT_FOUND, "导出文件须为 .xlsx 格式").into_response();
    };
    let export = match crate::spreadsheets::Export::parse(name, query.year, state.ctx.clock.today()) {
        Ok(e) => e,
        Err(e) => return error::http_error(&e, "导出文件生成失败"),
    };
    let export = match query.narrow(&state.ctx.db, export).await {
        Ok(e) => e,
        Err(e) => return error::http_error(&e, "导出文件生成失败"),
    };
    match crate::spreadsheets::export(&state.ctx, export).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error::http_error(&e, "导出文件生成失败"),
    }
}

/// `GET /reports/{code}/{year}/evaluation.{pdf,html}` and `GET /reports/{code}/assessment.{pdf,html}`,
/// with the session cookie or a token; a caller tied to a department reads its own.
async fn report_file(
    State(state): State<AppState>,
    axum::extract::Path(parts): axum::extract::Path<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    use crate::reports::{Format, assessment_report, evaluation_report, render};
    let caller = match signed_in(&state, &headers, "报告").await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let get = |k: &str| parts.iter().find(|(name, _)| name == k).map(|(_, v)| v.as_str());
    let (code, file) = (get("code").unwrap_or_default(), get("file").unwrap_or_default());
    let (name, format) = match file.rsplit_once('.') {
        Some((name, "pdf")) => (name, Format::Pdf),
        Some((name, "html")) => (name, Format::Html),
        _ => return (StatusCode::NOT_FOUND, "报告须为 .pdf 或 .html 格式").into_response(),
    };
    let project = match crate::ledger::project_by_code(&state.ctx.db, "code", code).await {
        Ok(p) => p,
        Err(e) => return error::http_error(&e, "报告生成失败"),
    };
    if !caller.reads_department(project.department_id) {
        return (StatusCode::FORBIDDEN, format!("项目 {code} 属于其他部门")).into_response();
    }
    let doc = match (name, get("year").map(str::parse::<i32>)) {
        ("evaluation", Some(Ok(year))) => evaluation_report(&state.ctx, code, year).await,
        ("assessment", None) => assessment_report(&state.ctx, code).await,
        _ => {
            return (
                StatusCode::NOT_FOUND,
                "请使用 /reports/项目代码/年度/evaluation.pdf 或 /reports/项目代码/assessment.pdf",
            )
                .into_response();
        }
    };
    match doc {
        Ok(doc) => match render(&state.ctx, doc, format).await {
            Ok(bytes) => (
                [
                    (header::CONTENT_TYPE, format.content_type().to_string()),
                    (header::CONTENT_DISPOSITION, format!("inline; filename=\"{code}-{file}\"")),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => error::http_error(&e, "报告生成失败"),
        },
        Err(e) => error::http_error(&e, "报告生成失败"),
    }
}

/// `GET /templates/bondwatch.xlsx`: the empty import template; it holds no data.
async fn template_file() -> Response {
    match crate::spreadsheets::template::template() {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"bondwatch.xlsx\""),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error::http_error(&e, "导入模板生成失败"),
    }
}

/// Only a workbook upload may be larger than [`MAX_BODY_BYTES`].
async fn body_limit(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if multipart { MAX_UPLOAD_BYTES } else { MAX_BODY_BYTES };
    let length = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if length.is_some_and(|l| l > limit) {
        return (StatusCode::PAYLOAD_TOO_LARGE, format!("请求内容超过 {limit} 字节的上限")).into_response();
    }
    next.run(request).await
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.ctx.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "database unreachable"})))
        }
    }
}

async fn schema_sdl() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], sdl())
}

/// The router; serve it with `into_make_service_with_connect_info::<SocketAddr>()`.
pub fn router(ctx: Ctx, anonymous: Anonymous) -> Router {
    let timeout = Duration::from_millis(ctx.settings.auth.request_timeout_ms);
    let state = AppState {
        schema: schema(ctx.clone()),
        introspection: introspection_schema(ctx.clone()),
        reads: reads::Reads::new(&ctx).map(Arc::new),
        ctx,
        anonymous,
    };
    Router::new()
        .route("/graphql", axum::routing::post(graphql))
        .route("/healthz", get(healthz))
        .route("/schema.graphql", get(schema_sdl))
        .route("/exports/{file}", get(export_file))
        .route("/templates/bondwatch.xlsx", get(template_file))
        .route("/reports/{code}/{year}/{file}", get(report_file))
        .route("/reports/{code}/{file}", get(report_file))
        .merge(graphiql::routes())
        .merge(
            dashboard::routes()
                .route_layer(axum::middleware::from_fn_with_state(state.clone(), dashboard::follow_forms)),
        )
        .layer(axum::middleware::from_fn(body_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
