//! The pages: alerts, projects (search), bonds and a bond (the portfolio is in
//! `portfolio.rs`, a project in `project.rs`). Each asks the API one query as its viewer
//! and lays the answer out; the alerts table is shared with the project page.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::layout::*;
use super::{AppState, PageError, run, show, urlencode};
use crate::codes::AlertStatus;
use crate::monitoring::{Dimension, Severity};

pub(super) fn not_found(what: String) -> PageError {
    PageError::new(axum::http::StatusCode::NOT_FOUND, what)
}

/// A filter's value when the page offers it; otherwise a 400 saying, in Chinese, what
/// the filter allows.
pub(super) fn offered(
    filter: &str,
    value: Option<String>,
    options: &[(&str, &str)],
) -> Result<Option<String>, PageError> {
    match value {
        Some(v) if !options.iter().any(|(code, _)| *code == v) => {
            let allowed: Vec<String> = options.iter().map(|(code, name)| format!("{name}({code})")).collect();
            Err(PageError::new(
                axum::http::StatusCode::BAD_REQUEST,
                format!("{filter}“{v}”不是可选的值;可选:{}", allowed.join("、")),
            ))
        }
        other => Ok(other),
    }
}

/// Alerts in a table, with the buttons the viewer may use on each: 确认 (acknowledge)
/// and 豁免 (waive, which asks for a reason).
pub(super) fn alert_table(
    viewer: &Viewer,
    alerts: &[&Value],
    department: Option<&str>,
    back: &str,
    list: Option<&Sorting>,
) -> Markup {
    let with_subject = list.is_some();
    let head = |key: &str, label: &str| match list {
        Some(s) => s.header(key, label),
        None => html! { th { (label) } },
    };
    html! {
        @if alerts.is_empty() {
            p.hint { "没有预警。" }
        } @else {
            table.alerts {
                thead { tr {
                    (head("severity", "等级")) (head("rule", "规则")) (head("dimension", "维度")) (head("stage", "阶段"))
                    @if with_subject { th { "对象" } }
                    th { "预警内容" } (head("status", "状态")) (head("firstSeen", "首次发现")) (head("lastSeen", "最近发现")) th { "处置" }
                } }
                tbody {
                    @for a in alerts {
                        @let id = text(a, "id");
                        @let dept = department.or_else(|| a["department"]["code"].as_str());
                        @let status = text(a, "status");
                        tr #{"alert-" (id)} class={"status-" (status.to_lowercase())} {
                            td { (severity_badge(text(a, "severity"))) }
                            td { (text(a, "rule")) }
                            td { (dimension_name(text(a, "dimension"))) }
                            td { (stage_name(text(a, "stage"))) }
                            @if with_subject {
                                td {
                                    @if let Some(code) = a["project"]["code"].as_str() {
                                        a href={"/projects/" (urlencode(code))} { (text(&a["project"], "name")) }
                                    } @else if let Some(code) = a["bond"]["code"].as_str() {
                                        a href={"/bonds/" (urlencode(code))} { "债券 " (code) }
                                    } @else {
                                        (text(&a["department"], "name"))
                                    }
                                }
                            }
                            td.message {
                                (text(a, "message"))
                                @if let (Some(m), Some(t)) = (a["measured"].as_str(), a["threshold"].as_str()) {
                                    span.measure { "实测 " (m) ",阈值 " (t) }
                                }
                            }
                            td.status {
                                span.state { (alert_status_name(status)) }
                                (history(&a["history"]))
                            }
                            td { (day(&a["firstSeenAt"])) }
                            td { (day(&a["lastSeenAt"])) }
                            td.actions {
                                @if status == AlertStatus::Open.as_str() && viewer.may("acknowledgeAlert", dept) {
                                    form.inline method="post" action={"/alerts/" (id) "/acknowledge"} {
                                        input type="hidden" name="back" value=(back);
                                        button.ack type="submit" { "确认" }
                                    }
                                }
                                @if let Some(project) = a["project"]["code"].as_str().filter(|_| status != AlertStatus::Resolved.as_str() && viewer.may("openRectification", dept)) {
                                    a.rectify href={"/rectifications/new?project=" (urlencode(project)) "&alert=" (id) "&issue=" (urlencode(text(a, "message")))} { "下达整改" }
                                }
                                @if (status == AlertStatus::Open.as_str() || status == AlertStatus::Acknowledged.as_str()) && viewer.may("waiveAlert", dept) {
                                    details.waive {
                                        summary { "豁免" }
                                        form method="post" action={"/alerts/" (id) "/waive"} {
                                            input type="hidden" name="back" value=(back);
                                            textarea name="reason" required placeholder="豁免理由(必填)" maxlength="2000" {}
                                            button type="submit" { "确认豁免" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An alert's life under its status: who acknowledged (with the note), waived (with
/// the reason), reopened or resolved it, and when.
fn history(events: &Value) -> Markup {
    use crate::codes::{AlertEvent, label_or_code};
    let Some(events) = events.as_array().filter(|e| !e.is_empty()) else { return html! {} };
    html! {
        details.history {
            summary { "经过(" (events.len()) ")" }
            ol {
                @for e in events {
                    li {
                        span.when { (office_time(&e["at"])) }
                        " " (label_or_code(text(e, "event"), AlertEvent::parse, AlertEvent::label))
                        " · " (if text(e, "username") == "sweep" { "系统巡检" } else { text(e, "username") })
                        @if let Some(n) = e["note"].as_str() { ":" span.note { (n) } }
                    }
                }
            }
        }
    }
}

/// The sortable headers of the alerts list: each a link to the list ordered by it,
/// a second click turning the order round.
pub(super) struct Sorting {
    /// The list's query without its order and page.
    query: String,
    sort: String,
    descending: bool,
}

impl Sorting {
    fn header(&self, key: &str, label: &str) -> Markup {
        let current = self.sort == key;
        let descending = current && !self.descending;
        let mut href = format!(
            "/alerts?{}sort={key}",
            if self.query.is_empty() { String::new() } else { format!("{}&", self.query) }
        );
        if descending {
            href.push_str("&desc=1");
        }
        html! {
            th class=[current.then_some("sorted")] {
                a href=(href) { (label) @if current { (if self.descending { " ▲" } else { " ▼" }) } }
            }
        }
    }
}

/// The orders the list offers: (key in the address, the API's order, its name).
const SORTS: &[(&str, &str, &str)] = &[
    ("severity", "SEVERITY", "等级"),
    ("rule", "RULE", "规则"),
    ("dimension", "DIMENSION", "维度"),
    ("stage", "STAGE", "阶段"),
    ("status", "STATUS", "状态"),
    ("firstSeen", "FIRST_SEEN", "首次发现"),
    ("lastSeen", "LAST_SEEN", "最近发现"),
];

#[derive(Deserialize, Default)]
pub struct AlertQuery {
    severity: Option<String>,
    dimension: Option<String>,
    stage: Option<String>,
    department: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    desc: Option<String>,
    after: Option<String>,
}

const ALERTS: &str = r#"query($filter: AlertFilter, $after: String, $order: AlertOrder!, $reverse: Boolean!) {
  departments { code name }
  alerts(filter: $filter, first: 50, after: $after, orderBy: $order, reverse: $reverse) { totalCount pageInfo { hasNextPage endCursor }
    nodes { id rule dimension stage severity message measured threshold status firstSeenAt lastSeenAt
      project { code name } bond { code } department { code name } history { event at username note } } }
}"#;

/// 预警: the work list — every alert the filters let through, most severe and longest open
/// first unless a column header orders it otherwise, fifty a page. With no
/// status chosen it lists those not resolved; a department's staff see their own
/// department's unless they choose 全部部门.
pub async fn alerts(
    State(state): State<AppState>,
    Query(q): Query<AlertQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        let department = department_filter(&viewer, q.department.as_deref());
        // A value the filters do not offer (a hand-edited address) is said in Chinese, with what is allowed.
        let severities: Vec<(&str, &str)> = Severity::ALL.iter().map(|s| (s.as_str(), s.label())).collect();
        let dimensions: Vec<(&str, &str)> = Dimension::ALL.iter().map(|d| (d.as_str(), d.label())).collect();
        let stages: Vec<(&str, &str)> = stages().map(|s| (s, stage_name(s))).collect();
        let statuses: Vec<(&str, &str)> = std::iter::once(("ALL", "全部"))
            .chain(alert_statuses().map(|s| (s, alert_status_name(s))))
            .collect();
        let severity = offered("等级", chosen(&q.severity), &severities)?;
        let dimension = offered("维度", chosen(&q.dimension), &dimensions)?;
        let stage = offered("阶段", chosen(&q.stage), &stages)?;
        let status = offered("状态", chosen(&q.status), &statuses)?;
        let filter = json!({
            "severity": severity,
            "dimension": dimension,
            "stage": stage,
            "departmentCode": department,
            "status": status.as_deref().filter(|s| *s != "ALL"),
            "unresolved": status.is_none(),
        });
        let sorts: Vec<(&str, &str)> = SORTS.iter().map(|(k, _, name)| (*k, *name)).collect();
        let sort = offered("排序", chosen(&q.sort), &sorts)?.unwrap_or_else(|| "severity".into());
        let order = SORTS.iter().find(|(k, _, _)| *k == sort).map_or("SEVERITY", |(_, o, _)| *o);
        let descending = q.desc.as_deref() == Some("1");
        let vars = json!({"filter": filter, "after": chosen(&q.after), "order": order, "reverse": descending});
        let data = run(&state, &viewer.caller, ALERTS, vars).await?;
        let sorting = Sorting {
            query: uri
                .query()
                .unwrap_or("")
                .split('&')
                .filter(|kv| !kv.is_empty() && !["sort=", "desc=", "after="].iter().any(|k| kv.starts_with(k)))
                .collect::<Vec<_>>()
                .join("&"),
            sort,
            descending,
        };
        let empty = Vec::new();
        let nodes: Vec<&Value> = data["alerts"]["nodes"].as_array().unwrap_or(&empty).iter().collect();
        let back = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/alerts".into());
        let select = |name: &str, label: &str, options: Vec<(String, String)>, current: Option<&str>| {
            choice(name, label, &options, current.unwrap_or(""))
        };
        let with_all = |all: &str, rest: Vec<(String, String)>| {
            std::iter::once((String::new(), all.to_string())).chain(rest).collect::<Vec<_>>()
        };
        let export = alerts_export(&severity, &dimension, &stage, &department, status.as_deref());
        let content = html! {
            h1 { "预警" span.count { "共 " (data["alerts"]["totalCount"]) " 条" } }
            form.filters method="get" action="/alerts" {
                (select("severity", "等级", with_all("全部", Severity::ALL.iter().map(|s| (s.as_str().into(), s.label().into())).collect()), q.severity.as_deref()))
                (select("dimension", "维度", with_all("全部", Dimension::ALL.iter().map(|d| (d.as_str().into(), d.label().into())).collect()), q.dimension.as_deref()))
                (select("stage", "阶段", with_all("全部", super::layout::stages().map(|s| (s.to_string(), stage_name(s).into())).collect()), q.stage.as_deref()))
                (department_choice(&data["departments"], department.as_deref()))
                (select("status", "状态",
                    with_all("未解除", std::iter::once(("ALL".to_string(), "全部".to_string()))
                        .chain(alert_statuses().map(|s| (s.to_string(), alert_status_name(s).into()))).collect()),
                    q.status.as_deref()))
                button type="submit" { "筛选" }
                a.export href=(export) { "导出当前筛选(Excel)" }
            }
            (alert_table(&viewer, &nodes, None, &back, Some(&sorting)))
            (next_page(&uri, &data["alerts"]["pageInfo"]))
        };
        Ok(("预警".to_string(), content))
    })
    .await
}

/// The export of the alerts list: the same filters, most severe first.
fn alerts_export(
    severity: &Option<String>,
    dimension: &Option<String>,
    stage: &Option<String>,
    department: &Option<String>,
    status: Option<&str>,
) -> String {
    let mut q: Vec<String> = [("severity", severity), ("dimension", dimension), ("stage", stage)]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", urlencode(v))))
        .collect();
    q.extend(department.as_ref().map(|d| format!("department={}", urlencode(d))));
    match status {
        None => q.push("unresolved=1".into()),
        Some("ALL") => {}
        Some(s) => q.push(format!("status={s}")),
    }
    format!("/exports/alerts.xlsx?{}", q.join("&"))
}

/// The link to the next page of a list: this page's query with `after` set to the
/// list's end cursor; nothing on the last page.
pub(super) fn next_page(uri: &Uri, page_info: &Value) -> Markup {
    let Some(cursor) = page_info["endCursor"].as_str().filter(|_| page_info["hasNextPage"] == true) else {
        return html! {};
    };
    let query = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("after="))
        .map(str::to_string)
        .chain([format!("after={}", urlencode(cursor))])
        .collect::<Vec<_>>()
        .join("&");
    html! { p.more { a href={(uri.path()) "?" (query)} { "下一页" } } }
}

#[derive(Deserialize)]
pub struct ProjectQuery {
    q: Option<String>,
    department: Option<String>,
    after: Option<String>,
}

const PROJECTS: &str = r#"query($filter: ProjectFilter, $after: String) {
  projects(filter: $filter, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { code name department { code name } status stage bondFunding disbursed spendRatePercent
      alerts(status: OPEN) { severity } } }
}"#;

/// 项目: the search box's answer (name or code), or a department's projects.
pub async fn projects(
    State(state): State<AppState>,
    Query(q): Query<ProjectQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        let search = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let department = q.department.as_deref().filter(|d| !d.is_empty());
        let filter = json!({"search": search, "departmentCode": department});
        let data = run(&state, &viewer.caller, PROJECTS, json!({"filter": filter, "after": q.after})).await?;
        let empty = Vec::new();
        let nodes = data["projects"]["nodes"].as_array().unwrap_or(&empty);
        let content = html! {
            h1 { "项目"
                @if let Some(s) = search { span.count { "“" (s) "”" } }
                span.count { "共 " (data["projects"]["totalCount"]) " 个" } }
            @if nodes.is_empty() {
                p.hint { "没有找到项目。可按项目名称的一部分或项目编码搜索。" }
            } @else {
                table.projects {
                    thead { tr { th { "编码" } th { "项目名称" } th { "部门" } th { "状态" } th { "阶段" } th.num { "债券资金(万元)" } th.num { "支出(万元)" } th.num { "支出进度" } th { "待处理预警" } } }
                    tbody {
                        @for p in nodes {
                            @let severities = most_severe_first(&p["alerts"]);
                            tr {
                                td { a href={"/projects/" (urlencode(text(p, "code")))} { (text(p, "code")) } }
                                td { a href={"/projects/" (urlencode(text(p, "code")))} { (text(p, "name")) } }
                                td { (text(&p["department"], "name")) }
                                td { (project_status_name(text(p, "status"))) }
                                td { (stage_name(text(p, "stage"))) }
                                td.num { (wan(&p["bondFunding"])) }
                                td.num { (wan(&p["disbursed"])) }
                                td.num { (percent(&p["spendRatePercent"])) }
                                td {
                                    @for s in severities.iter().take(6) { (severity_badge(s)) }
                                    @if severities.len() > 6 { "…" }
                                }
                            }
                        }
                    }
                }
                (next_page(&uri, &data["projects"]["pageInfo"]))
            }
        };
        Ok(("项目".to_string(), content))
    })
    .await
}

fn most_severe_first(alerts: &Value) -> Vec<&str> {
    let mut severities: Vec<&str> = alerts.as_array().into_iter().flatten().map(|a| text(a, "severity")).collect();
    severities.sort_by_key(|s| Severity::parse(s));
    severities
}

const BONDS: &str = r#"{ bonds(first: 200) { totalCount nodes { code name kind issueDate maturityDate termYears couponRatePercent faceAmount } } }"#;

pub async fn bonds(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        let data = run(&state, &viewer.caller, BONDS, Value::Null).await?;
        let empty = Vec::new();
        let content = html! {
            h1 { "债券" span.count { "共 " (data["bonds"]["totalCount"]) " 只" } }
            table.bonds {
                thead { tr { th { "编码" } th { "名称" } th { "类型" } th { "发行日" } th { "到期日" } th.num { "期限(年)" } th.num { "票面利率" } th.num { "面值(万元)" } } }
                tbody {
                    @for b in data["bonds"]["nodes"].as_array().unwrap_or(&empty) {
                        tr {
                            td { a href={"/bonds/" (urlencode(text(b, "code")))} { (text(b, "code")) } }
                            td { (text(b, "name")) }
                            td { (bond_kind_name(text(b, "kind"))) }
                            td { (text(b, "issueDate")) }
                            td { (text(b, "maturityDate")) }
                            td.num { (b["termYears"]) }
                            td.num { (percent(&b["couponRatePercent"])) }
                            td.num { (wan(&b["faceAmount"])) }
                        }
                    }
                }
            }
        };
        Ok(("债券".to_string(), content))
    })
    .await
}

fn bond_kind_name(kind: &str) -> String {
    crate::codes::label_or_code(kind, crate::codes::BondKind::parse, crate::codes::BondKind::label)
}

const BOND: &str = r#"query($code: String!) {
  bond(code: $code) { code name kind issueDate valueDate maturityDate termYears couponRatePercent faceAmount interestFrequency
    schedule { dueDate project { code name } principal interest paid paidOn }
    allocations { project { code name department { name } } amount allocatedOn received } }
}"#;

/// 债券: its terms, the projects it funds, and its schedule line by line.
pub async fn bond(State(state): State<AppState>, Path(code): Path<String>, headers: HeaderMap, uri: Uri) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        let data = run(&state, &viewer.caller, BOND, json!({"code": code})).await?;
        let b = &data["bond"];
        if b.is_null() {
            return Err(not_found(format!("没有编码为 {code} 的债券")));
        }
        let empty = Vec::new();
        let schedule = b["schedule"].as_array().unwrap_or(&empty);
        let content = html! {
            h1 { (text(b, "name")) span.code { (text(b, "code")) } }
            div.figures {
                (figure("类型", &bond_kind_name(text(b, "kind"))))
                (figure("面值(万元)", &wan(&b["faceAmount"])))
                (figure("票面利率", &percent(&b["couponRatePercent"])))
                (figure("期限", &format!("{} 年", b["termYears"])))
                (figure("起息日", text(b, "valueDate")))
                (figure("到期日", text(b, "maturityDate")))
                (figure("付息", &crate::codes::label_or_code(text(b, "interestFrequency"), crate::codes::InterestFrequency::parse, crate::codes::InterestFrequency::label)))
            }
            section {
                h2 { "资金分配" }
                table.allocations {
                    thead { tr { th { "项目" } th { "部门" } th { "分配日期" } th.num { "分配(万元)" } th.num { "到账(万元)" } } }
                    tbody {
                        @for a in b["allocations"].as_array().unwrap_or(&empty) {
                            tr {
                                td { a href={"/projects/" (urlencode(text(&a["project"], "code")))} { (text(&a["project"], "name")) } }
                                td { (text(&a["project"]["department"], "name")) }
                                td { (text(a, "allocatedOn")) }
                                td.num { (wan(&a["amount"])) }
                                td.num { (wan(&a["received"])) }
                            }
                        }
                    }
                }
            }
            section {
                h2 { "还本付息计划" a.export href={"/exports/schedule.xlsx?bond=" (urlencode(text(b, "code")))} { "导出(Excel)" } }
                table.schedule {
                    thead { tr { th { "到期日" } th { "项目" } th.num { "本金(万元)" } th.num { "利息(万元)" } th.num { "已还(万元)" } th { "还款日" } } }
                    tbody {
                        @for l in schedule {
                            tr {
                                td { (text(l, "dueDate")) }
                                td {
                                    @if let Some(code) = l["project"]["code"].as_str() {
                                        a href={"/projects/" (urlencode(code))} { (text(&l["project"], "name")) }
                                    } @else { "未分配部分" }
                                }
                                td.num { (wan(&l["principal"])) }
                                td.num { (wan(&l["interest"])) }
                                td.num { (wan(&l["paid"])) }
                                td { (day(&l["paidOn"])) }
                            }
                        }
                    }
                }
            }
        };
        Ok((text(b, "name").to_string(), content))
    })
    .await
}
