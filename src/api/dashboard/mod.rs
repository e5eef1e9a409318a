//! The debt office's dashboard: pages in Chinese, rendered on the server from the same
//! GraphQL schema the API serves, run as the logged-in caller — so a page shows what
//! its caller may read and a button does only what its caller may do (the API's
//! policy and the services' department checks decide, not the page). No script; every
//! asset is inside the binary (the office network has no internet).
//!
//! Forms post with the session cookie, which is SameSite=Strict; a post whose Origin
//! is another site is refused as well.

mod forms;
mod layout;
mod pages;
mod portfolio;
mod project;
mod results;
mod sheets;

use axum::Router;
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;
use std::net::SocketAddr;

use super::{AppState, SESSION_COOKIE, credentials, identify, loaders::Loaders, session_cookie};
use crate::auth::Caller;
use crate::error::Error;
use layout::{Viewer, page};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(portfolio::portfolio))
        .route("/projects", get(pages::projects))
        .route("/projects/{code}", get(project::project))
        .route("/projects/{code}/record/{form}", post(project::record))
        .route("/alerts", get(pages::alerts))
        .route("/bonds", get(pages::bonds))
        .route("/bonds/{code}", get(pages::bond))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/alerts/{id}/{action}", post(alert_action))
        .route("/rectifications", get(results::rectifications).post(results::open))
        .route("/rectifications/new", get(results::new_rectification))
        .route("/rectifications/{id}", get(results::rectification))
        .route("/rectifications/{id}/{action}", post(results::act))
        .route("/results", get(results::result_application))
        .route("/sheets", get(sheets::sheets))
        .route(
            "/sheets/check",
            post(sheets::check).layer(axum::extract::DefaultBodyLimit::max(super::MAX_UPLOAD_BYTES)),
        )
        .route("/sheets/import", post(sheets::confirm))
        .route("/assets/dashboard.css", get(stylesheet))
}

/// After a dashboard form's change has committed, the follower evaluates the changed
/// projects' alerts (as after a GraphQL mutation).
pub(super) async fn follow_forms(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let posted = request.method() == axum::http::Method::POST;
    let response = next.run(request).await;
    if posted {
        state.ctx.changed.notify_one();
    }
    response
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/dashboard/dashboard.css")),
    )
        .into_response()
}

/// A page that could not be shown: its status and the reason, in words for a clerk.
pub(super) struct PageError {
    status: StatusCode,
    message: String,
}

impl PageError {
    fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError { status, message: message.into() }
    }

    fn internal(what: &str, e: impl std::fmt::Display) -> PageError {
        tracing::error!(error = %e, "dashboard: {what}");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{what}:内部错误,请稍后再试"))
    }

    fn from_code(code: &str, message: String) -> PageError {
        PageError::new(super::error::status_of(code), message)
    }

    fn render(self, viewer: Option<&Viewer>, back: Option<&str>) -> Response {
        let (title, advice) = match self.status {
            StatusCode::FORBIDDEN => ("无权操作", "您的角色或所属部门不能进行此操作;如需办理,请联系债务办。"),
            StatusCode::NOT_FOUND => ("未找到", "请检查编码,或用页首的搜索框查找。"),
            StatusCode::BAD_REQUEST => ("输入有误", "请按提示修改后重试。"),
            StatusCode::CONFLICT => ("状态已变化", "该记录已被处理或已变化,请返回刷新后再试。"),
            StatusCode::UNAUTHORIZED => ("请重新登录", "登录已失效。"),
            _ => ("出错了", "请稍后再试;如仍出错,请联系系统管理员。"),
        };
        let body = html! {
            section.error {
                h1 { (title) }
                p { (advice) }
                p.message { (self.message) }
                p { a href=(back.unwrap_or("/")) { "返回" } }
            }
        };
        (self.status, Html(page(title, viewer, body).into_string())).into_response()
    }
}

impl From<Error> for PageError {
    fn from(e: Error) -> PageError {
        match e {
            Error::Database(_) | Error::Internal(_) => PageError::internal("读取数据失败", e),
            other => PageError::from_code(other.code(), other.to_string()),
        }
    }
}

/// The logged-in caller of a page, or the response that sends the browser to log in.
async fn visitor(state: &AppState, headers: &HeaderMap, uri: &Uri) -> Result<Caller, Response> {
    let to_login = || {
        let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let target = format!("/login?next={}", urlencode(next));
        ([(header::SET_COOKIE, cleared_cookie())], Redirect::to(&target)).into_response()
    };
    match identify(state, headers).await {
        Ok(Some(caller)) => Ok(caller),
        Ok(None) | Err(Error::Unauthenticated(_)) => Err(to_login()),
        Err(e) => Err(PageError::internal("无法核验登录状态", e).render(None, None)),
    }
}

fn cleared_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A path on this site to go back to; anything else (another site, a scheme) is `/`.
fn local_path(target: Option<&str>) -> String {
    match target {
        Some(t) if t.starts_with('/') && !t.starts_with("//") && !t.contains('\\') => t.to_string(),
        _ => "/".into(),
    }
}

/// Why the API refused a request: its code, the field it names and its message.
pub(super) struct Refusal {
    code: String,
    field: Option<String>,
    message: String,
}

impl Refusal {
    /// A refusal the clerk can put right on the form (a value, or a state that moved on).
    fn on_the_form(&self) -> bool {
        matches!(self.code.as_str(), "VALIDATION" | "CONFLICT" | "NOT_FOUND")
    }

    /// The status a form shown again with this refusal answers with.
    fn status(&self) -> StatusCode {
        if self.code == "CONFLICT" { StatusCode::CONFLICT } else { StatusCode::BAD_REQUEST }
    }

    /// Does it name this input of a form (`dueOn` for the API's `input.dueOn`)?
    fn names(&self, input: &str) -> bool {
        self.field.as_deref().is_some_and(|f| f.rsplit('.').next() == Some(input))
    }
}

impl From<Refusal> for PageError {
    fn from(r: Refusal) -> PageError {
        let message = match r.field {
            Some(field) => format!("{}(字段 {field})", r.message),
            None => r.message,
        };
        PageError::from_code(&r.code, message)
    }
}

/// What a form's post came to, run once per form key.
pub(super) enum Posted {
    Done(Value),
    /// An earlier post with the same key holds it: nothing more was recorded.
    Again,
    Refused(Refusal),
}

/// Runs a form's mutation as `caller` once for `key` (the form's, made when it was
/// shown). A refusal the clerk can put right, or one of rights, gives the key back so
/// the corrected form can go; any other failure keeps it, as the write may have
/// happened.
async fn once(
    state: &AppState,
    caller: &Caller,
    key: &str,
    form: &str,
    document: &str,
    variables: Value,
) -> Result<Posted, PageError> {
    let db = &state.ctx.db;
    if !crate::db::once::claim(db, key, form, &caller.username, state.ctx.clock.now()).await? {
        return Ok(Posted::Again);
    }
    match ask(state, caller, document, variables).await {
        Ok(data) => Ok(Posted::Done(data)),
        Err(refusal) => {
            if refusal.on_the_form() || refusal.code == "FORBIDDEN" {
                crate::db::once::release(db, key).await?;
            }
            Ok(Posted::Refused(refusal))
        }
    }
}

/// A form's key as posted: made by this server, so short and plain.
fn form_key(posted: Option<&String>) -> Result<String, PageError> {
    posted
        .filter(|k| !k.is_empty() && k.len() <= 64 && k.chars().all(|c| c.is_ascii_alphanumeric()))
        .cloned()
        .ok_or_else(|| PageError::new(StatusCode::BAD_REQUEST, "表单已失效,请刷新页面后重新填写"))
}

/// Runs a query or mutation of the API as `caller`; the first error becomes the page's.
async fn run(state: &AppState, caller: &Caller, query: &str, variables: Value) -> Result<Value, PageError> {
    ask(state, caller, query, variables).await.map_err(PageError::from)
}

/// Runs a query or mutation of the API as `caller`: its data, or its first error.
async fn ask(state: &AppState, caller: &Caller, query: &str, variables: Value) -> Result<Value, Refusal> {
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(Loaders::new(&state.ctx))
        .data(caller.clone());
    let response = state.schema.execute(request).await;
    if let Some(e) = response.errors.first() {
        let extension = |key: &str| {
            e.extensions.as_ref().and_then(|x| x.get(key)).map(|v| v.to_string().trim_matches('"').to_string())
        };
        return Err(Refusal {
            // An error without a code is none the API meant to give: an internal one.
            code: extension("code").unwrap_or_else(|| "INTERNAL".into()),
            field: extension("field"),
            message: e.message.clone(),
        });
    }
    response.data.into_json().map_err(|e| {
        tracing::error!(error = %e, "dashboard: an answer of the API could not be read");
        Refusal {
            code: "INTERNAL".into(), field: None, message: "读取数据失败:内部错误,请稍后再试".into()
        }
    })
}

/// A page's handler body: who is looking, then its title and content, or its error.
async fn show<F, Fut>(state: &AppState, headers: &HeaderMap, uri: &Uri, build: F) -> Response
where
    F: FnOnce(Viewer) -> Fut,
    Fut: std::future::Future<Output = Result<(String, Markup), PageError>>,
{
    let caller = match visitor(state, headers, uri).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    answer(state, caller, StatusCode::OK, build).await
}

/// A page for a caller already known, with the status it is answered with (a form
/// shown again with its problem is a 400 or a 409, not a 200).
async fn answer<F, Fut>(state: &AppState, caller: Caller, status: StatusCode, build: F) -> Response
where
    F: FnOnce(Viewer) -> Fut,
    Fut: std::future::Future<Output = Result<(String, Markup), PageError>>,
{
    let viewer = match viewer_of(state, caller).await {
        Ok(v) => v,
        Err(e) => return e.render(None, None),
    };
    match build(viewer.clone()).await {
        Ok((title, content)) => (status, Html(page(&title, Some(&viewer), content).into_string())).into_response(),
        Err(e) => e.render(Some(&viewer), None),
    }
}

/// The caller of a form's post: refused when posted from another site; sent to log in
/// (and then back to `back`, the page of the form) when logged out meanwhile.
async fn poster(state: &AppState, headers: &HeaderMap, back: &str) -> Result<Caller, Response> {
    if let Some(refused) = refuse_other_site(headers) {
        return Err(refused);
    }
    visitor(state, headers, &back.parse().unwrap_or_default()).await
}

/// The viewer of a caller: the code of its department, when it has one.
async fn viewer_of(state: &AppState, caller: Caller) -> Result<Viewer, PageError> {
    let department_code = match caller.department_id {
        Some(id) => Some(crate::ledger::department_by_id(&state.ctx.db, id).await?.code),
        None => None,
    };
    Ok(Viewer { caller, department_code, today: state.ctx.clock.today() })
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

fn login_form(next: &str, username: &str, problem: Option<&str>) -> Markup {
    page(
        "登录",
        None,
        html! {
            section.login {
                h1 { "登录" }
                p.hint { "区财政局债务办、主管部门、研究团队与管理者使用。" }
                @if let Some(p) = problem { p.problem role="alert" { (p) } }
                form method="post" action="/login" {
                    input type="hidden" name="next" value=(next);
                    label { "用户名" input type="text" name="username" value=(username) required autofocus autocomplete="username"; }
                    label { "密码" input type="password" name="password" required autocomplete="current-password"; }
                    button type="submit" { "登录" }
                }
            }
        },
    )
}

async fn login_page(axum::extract::Query(q): axum::extract::Query<Next>) -> Html<String> {
    Html(login_form(&local_path(q.next.as_deref()), "", None).into_string())
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if let Some(refused) = refuse_other_site(&headers) {
        return refused;
    }
    let next = local_path(form.next.as_deref());
    match crate::auth::login(&state.ctx, form.username.trim(), &form.password, &peer.ip().to_string()).await {
        Ok(session) => {
            ([(header::SET_COOKIE, session_cookie(&state.ctx.settings.auth, &session.token))], Redirect::to(&next))
                .into_response()
        }
        Err(e) => {
            let (status, problem) = match &e {
                Error::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "用户名或密码错误。".to_string()),
                Error::Limited { .. } => (StatusCode::TOO_MANY_REQUESTS, format!("尝试次数过多,请稍后再试({e})。")),
                _ => {
                    tracing::error!(error = %e, "dashboard: login failed");
                    (StatusCode::SERVICE_UNAVAILABLE, "暂时无法登录,请稍后再试。".to_string())
                }
            };
            (status, Html(login_form(&next, form.username.trim(), Some(&problem)).into_string())).into_response()
        }
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(refused) = refuse_other_site(&headers) {
        return refused;
    }
    if let Some(token) = credentials(&headers)
        && let Err(e) = crate::auth::tokens::revoke(&state.ctx, Some(&token), None).await
    {
        tracing::warn!(error = %e, "dashboard: the session could not be revoked at logout");
    }
    ([(header::SET_COOKIE, cleared_cookie())], Redirect::to("/login")).into_response()
}

/// Refuses a form not posted from this site's own page: the Origin must name this host,
/// as for the API's cookie-authenticated writes (the cookie's SameSite=Strict already
/// keeps other sites out; this also covers browsers that ignore SameSite).
fn refuse_other_site(headers: &HeaderMap) -> Option<Response> {
    (!super::same_origin(headers))
        .then(|| (StatusCode::FORBIDDEN, "表单须从本系统的页面提交(请求来源 Origin 不是本站)").into_response())
}

#[derive(Deserialize)]
struct AlertAction {
    note: Option<String>,
    reason: Option<String>,
    back: Option<String>,
}

/// `POST /alerts/{id}/acknowledge` and `/alerts/{id}/waive`: done through the API,
/// then back to the page it was done from; an error (no right, a reason missing) is
/// shown instead.
async fn alert_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<AlertAction>,
) -> Response {
    let mutation = match action.as_str() {
        "acknowledge" => "mutation($id: ID!, $note: String) { acknowledgeAlert(id: $id, note: $note) { id status } }",
        "waive" => "mutation($id: ID!, $reason: String!) { waiveAlert(id: $id, reason: $reason) { id status } }",
        _ => return PageError::new(StatusCode::NOT_FOUND, format!("没有“{action}”这项操作")).render(None, None),
    };
    let back = local_path(form.back.as_deref());
    let caller = match poster(&state, &headers, &back).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let note = form.note.filter(|n| !n.trim().is_empty());
    let reason = form.reason.unwrap_or_default();
    let variables = serde_json::json!({"id": id, "note": note, "reason": reason});
    match run(&state, &caller, mutation, variables).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => e.render(viewer_of(&state, caller).await.ok().as_ref(), Some(&back)),
    }
}
