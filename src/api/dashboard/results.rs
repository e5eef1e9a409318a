//! Results application in the dashboard (domain.md §9): the 整改 work list, a
//! rectification's page with its history and the forms its viewer may use (the unit's
//! response, the office's review), opening one from an alert, and the year's 结果应用.
//! Every form goes through the API's mutation as its viewer; a refused one is shown
//! again with what was typed and the reason beside the field.

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::forms::Draft;
use super::layout::*;
use super::pages::{next_page, not_found, offered};
use super::{AppState, PageError, Posted, Refusal, answer, ask, poster, run, show, urlencode};
use crate::codes::{Grade, RectificationSource, RectificationStatus, RectificationStep, label_or_code};

fn status_name(code: &str) -> String {
    label_or_code(code, RectificationStatus::parse, RectificationStatus::label)
}

fn status_badge(code: &str) -> Markup {
    html! { span class={"rstatus rstatus-" (code.to_lowercase())} { (status_name(code)) } }
}

/// A year typed in the address, said in Chinese when it is not one.
fn year_of(text: Option<String>, default: i32) -> Result<i32, PageError> {
    match text {
        None => Ok(default),
        Some(t) => {
            t.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| {
                PageError::new(StatusCode::BAD_REQUEST, format!("年度“{t}”不是 2000 至 2100 之间的年份"))
            })
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    department: Option<String>,
    project: Option<String>,
    overdue: Option<String>,
    year: Option<String>,
    after: Option<String>,
}

const LIST: &str = r#"query($filter: RectificationFilter, $after: String) {
  departments { code name }
  rectifications(filter: $filter, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { id year source issue openedOn dueOn status submittedOn acceptedOn overdueDays
      project { code name department { code name } } } }
}"#;

/// 整改: the rectifications the filters let through, oldest first, fifty a page. A
/// department's staff start at their own department (and a REPORTER sees only it).
pub async fn rectifications(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        let department = department_filter(&viewer, q.department.as_deref());
        let statuses: Vec<(&str, &str)> = RectificationStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect();
        let status = offered("状态", chosen(&q.status), &statuses)?;
        let overdue = offered("逾期", chosen(&q.overdue), &[("true", "已逾期"), ("false", "未逾期")])?;
        let year = chosen(&q.year).map(|y| year_of(Some(y), 0)).transpose()?;
        let filter = json!({
            "status": status,
            "departmentCode": department,
            "projectCode": chosen(&q.project),
            "overdue": overdue.as_deref().map(|o| o == "true"),
            "year": year,
        });
        let data = run(&state, &viewer.caller, LIST, json!({"filter": filter, "after": chosen(&q.after)})).await?;
        let empty = Vec::new();
        let nodes = data["rectifications"]["nodes"].as_array().unwrap_or(&empty);
        let select =
            |name: &str, label: &str, options: Vec<(String, String)>, current: &str| choice(name, label, &options, current);
        let all = |rest: Vec<(String, String)>| std::iter::once((String::new(), "全部".to_string())).chain(rest).collect();
        let content = html! {
            h1 { "整改事项" span.count { "共 " (data["rectifications"]["totalCount"]) " 项" } }
            form.filters method="get" action="/rectifications" {
                (select("status", "状态", all(statuses.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect()), status.as_deref().unwrap_or("")))
                (department_choice(&data["departments"], department.as_deref()))
                (select("overdue", "逾期", all(vec![("true".into(), "已逾期".into()), ("false".into(), "未逾期".into())]), overdue.as_deref().unwrap_or("")))
                label { "年度" input type="number" name="year" min="2000" max="2100" value=[year] placeholder="全部"; }
                @if let Some(p) = chosen(&q.project) { input type="hidden" name="project" value=(p); }
                button type="submit" { "筛选" }
            }
            @if nodes.is_empty() {
                p.hint { "没有符合条件的整改事项。" }
            } @else {
                table.rectifications {
                    thead { tr {
                        th.num { "编号" } th { "项目" } th { "部门" } th { "来源" } th.num { "年度" } th { "问题" }
                        th { "下达日期" } th { "整改期限" } th { "状态" } th.num { "逾期天数" }
                    } }
                    tbody {
                        @for r in nodes {
                            @let late = r["overdueDays"].as_i64().unwrap_or(0);
                            tr #{"rectification-" (text(r, "id"))} class=[(late > 0 && text(r, "status") != "ACCEPTED").then_some("late")] {
                                td.num { a href={"/rectifications/" (text(r, "id"))} { (text(r, "id")) } }
                                td { a href={"/projects/" (urlencode(text(&r["project"], "code")))} { (text(&r["project"], "name")) } }
                                td { (text(&r["project"]["department"], "name")) }
                                td { (label_or_code(text(r, "source"), RectificationSource::parse, RectificationSource::label)) }
                                td.num { @if let Some(y) = r["year"].as_i64() { (y) } @else { "—" } }
                                td.issue { a href={"/rectifications/" (text(r, "id"))} { (first_line(text(r, "issue"))) } }
                                td { (text(r, "openedOn")) }
                                td { (text(r, "dueOn")) }
                                td { (status_badge(text(r, "status"))) }
                                td.num { (late) }
                            }
                        }
                    }
                }
                (next_page(&uri, &data["rectifications"]["pageInfo"]))
            }
        };
        Ok(("整改事项".to_string(), content))
    })
    .await
}

/// The first line of a long text, cut at 60 characters.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let cut: String = line.chars().take(60).collect();
    if cut.chars().count() < text.chars().count() { format!("{cut}…") } else { cut }
}

const ONE: &str = r#"query($id: ID!) {
  rectification(id: $id) { id year source issue requirement openedOn dueOn status response submittedOn reviewNote
    acceptedOn overdueDays alert { id rule message } project { code name department { code name } }
    steps { step onDate byUser body } }
}"#;

/// 整改事项: its facts, its history step by step, and the forms its viewer may use.
pub async fn rectification(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        rectification_page(&state, &viewer, &id, &Draft::default()).await
    })
    .await
}

async fn rectification_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    draft: &Draft,
) -> Result<(String, Markup), PageError> {
    let data = run(state, &viewer.caller, ONE, json!({"id": id})).await?;
    let r = &data["rectification"];
    if r.is_null() {
        return Err(not_found(format!("没有编号为 {id} 的整改事项,或它属于其他部门")));
    }
    let department = text(&r["project"]["department"], "code");
    let status = text(r, "status");
    let answerable = [RectificationStatus::Open, RectificationStatus::Returned].iter().any(|s| s.as_str() == status)
        && viewer.may("submitRectification", Some(department));
    let reviewable = status == "SUBMITTED" && viewer.may("reviewRectification", Some(department));
    let empty = Vec::new();
    let action = |what: &str| format!("/rectifications/{}/{what}", urlencode(id));
    let late = r["overdueDays"].as_i64().unwrap_or(0);
    let content = html! {
        h1 { "整改事项 " (text(r, "id")) span.code { (text(&r["project"], "name")) } }
        p.facts {
            a href={"/projects/" (urlencode(text(&r["project"], "code")))} { (text(&r["project"], "name")) "(" (text(&r["project"], "code")) ")" }
            " · " (text(&r["project"]["department"], "name"))
            " · 来源:" (label_or_code(text(r, "source"), RectificationSource::parse, RectificationSource::label))
            @if let Some(y) = r["year"].as_i64() { " · " (y) " 年度" }
            @if let Some(a) = r["alert"].as_object() {
                " · 预警 " (a.get("rule").and_then(Value::as_str).unwrap_or("")) " #" (a.get("id").and_then(Value::as_str).unwrap_or(""))
            }
        }
        div.figures {
            (figure("状态", &status_name(status)))
            (figure("下达日期", text(r, "openedOn")))
            (figure("整改期限", text(r, "dueOn")))
            (figure("逾期天数", &late.to_string()))
            @if let Some(on) = r["acceptedOn"].as_str() { (figure("整改到位日期", on)) }
        }
        section.texts {
            h2 { "问题" } p.body { (text(r, "issue")) }
            h2 { "整改要求" } p.body { (text(r, "requirement")) }
            @if let Some(resp) = r["response"].as_str() {
                h2 { "整改情况" span.asof { "提交于 " (day(&r["submittedOn"])) } } p.body { (resp) }
            }
            @if let Some(note) = r["reviewNote"].as_str() { h2 { "审核意见" } p.body { (note) } }
        }
        section #steps {
            h2 { "办理过程" }
            table.steps {
                thead { tr { th { "日期" } th { "环节" } th { "办理人" } th { "内容" } } }
                tbody {
                    @for s in r["steps"].as_array().unwrap_or(&empty) {
                        tr {
                            td { (text(s, "onDate")) }
                            td { (label_or_code(text(s, "step"), RectificationStep::parse, RectificationStep::label)) }
                            td { (text(s, "byUser")) }
                            td.body { (text(s, "body")) }
                        }
                    }
                }
            }
        }
        @if answerable {
            section #respond {
                h2 { "提交整改情况" }
                form.record method="post" action=(action("submit")) {
                    (draft.atop("submit", &["response", "submittedOn"]))
                    label { "整改情况(必填)"
                        textarea name="response" required maxlength="4000" rows="5" { (draft.value("submit", "response")) }
                        (draft.beside("submit", "response", &[])) }
                    label { "提交日期(默认今天)"
                        input type="date" name="submittedOn" value=(draft.value("submit", "submittedOn"));
                        (draft.beside("submit", "submittedOn", &[])) }
                    button type="submit" { "提交整改情况" }
                }
            }
        }
        @if reviewable {
            section #review {
                h2 { "审核" }
                form.record method="post" action=(action("review")) {
                    (draft.atop("review", &["note", "reviewedOn"]))
                    label { "审核意见(退回时必填)"
                        textarea name="note" maxlength="2000" rows="3" { (draft.value("review", "note")) }
                        (draft.beside("review", "note", &[])) }
                    label { "审核日期(默认今天)"
                        input type="date" name="reviewedOn" value=(draft.value("review", "reviewedOn"));
                        (draft.beside("review", "reviewedOn", &[])) }
                    div.buttons {
                        button.accept type="submit" name="decision" value="accept" { "审核通过(整改到位)" }
                        button.return type="submit" name="decision" value="return" { "退回重新整改" }
                    }
                }
            }
        }
    };
    Ok((format!("整改事项 {id}"), content))
}

#[derive(Deserialize)]
pub struct StepForm {
    response: Option<String>,
    #[serde(rename = "submittedOn")]
    submitted_on: Option<String>,
    note: Option<String>,
    #[serde(rename = "reviewedOn")]
    reviewed_on: Option<String>,
    decision: Option<String>,
}

/// `POST /rectifications/{id}/submit` (the unit's response) and `/review` (the office's
/// decision): through the API, then back to the rectification's page; refused, the
/// page again with what was typed and the reason.
pub async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<StepForm>,
) -> Response {
    let back = format!("/rectifications/{}", urlencode(&id));
    let caller = match poster(&state, &headers, &back).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let blank = |v: &Option<String>| chosen(v);
    let (name, mutation, variables, values) = match action.as_str() {
        "submit" => (
            "submit",
            "mutation($id: ID!, $response: String!, $on: Date) { submitRectification(id: $id, response: $response, submittedOn: $on) { id } }",
            json!({"id": id, "response": form.response.clone().unwrap_or_default(), "on": blank(&form.submitted_on)}),
            [("response", &form.response), ("submittedOn", &form.submitted_on)],
        ),
        "review" => {
            let accepted = match form.decision.as_deref() {
                Some("accept") => true,
                Some("return") => false,
                _ => {
                    return PageError::new(StatusCode::BAD_REQUEST, "请选择“审核通过”或“退回重新整改”")
                        .render(None, Some(&back));
                }
            };
            (
                "review",
                "mutation($id: ID!, $accepted: Boolean!, $note: String, $on: Date) { reviewRectification(id: $id, accepted: $accepted, note: $note, reviewedOn: $on) { id } }",
                json!({"id": id, "accepted": accepted, "note": blank(&form.note), "on": blank(&form.reviewed_on)}),
                [("note", &form.note), ("reviewedOn", &form.reviewed_on)],
            )
        }
        _ => return PageError::new(StatusCode::NOT_FOUND, format!("没有“{action}”这项操作")).render(None, Some(&back)),
    };
    match ask(&state, &caller, mutation, variables).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(refusal) if refusal.on_the_form() => {
            let status = refusal.status();
            let draft = Draft {
                form: name,
                values: values.iter().map(|(k, v)| (k.to_string(), v.as_deref().unwrap_or("").to_string())).collect(),
                refusal: Some(refusal),
            };
            answer(&state, caller, status, async |viewer: Viewer| {
                rectification_page(&state, &viewer, &id, &draft).await
            })
            .await
        }
        Err(refusal) => PageError::from(refusal).render(None, Some(&back)),
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    project: Option<String>,
    alert: Option<String>,
    issue: Option<String>,
}

/// 下达整改: the office's form, from an alert (its message as the issue) or blank.
pub async fn new_rectification(
    State(state): State<AppState>,
    Query(q): Query<NewQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let mut values = std::collections::HashMap::new();
    for (k, v) in [("projectCode", &q.project), ("alertId", &q.alert), ("issue", &q.issue)] {
        values.insert(k.to_string(), v.as_deref().unwrap_or("").to_string());
    }
    let draft = Draft { form: "open", values, refusal: None };
    show(&state, &headers, &uri, async |viewer: Viewer| open_page(&state, &viewer, &draft).await).await
}

const OPEN_INPUTS: [&str; 6] = ["projectCode", "alertId", "year", "issue", "requirement", "dueOn"];

async fn open_page(state: &AppState, viewer: &Viewer, draft: &Draft) -> Result<(String, Markup), PageError> {
    if !viewer.may("openRectification", None) {
        return Err(PageError::new(StatusCode::FORBIDDEN, "整改事项由债务管理部门(ADMIN)下达"));
    }
    let due = draft.value("open", "dueOn");
    let default_due = (state.ctx.clock.today() + chrono::Duration::days(60)).to_string();
    let v = |name: &str| draft.value("open", name);
    let content = html! {
        h1 { "下达整改" }
        form.record method="post" action="/rectifications" {
            input type="hidden" name="formKey" value=(match v("formKey") { "" => crate::db::once::new_key(), k => k.to_string() });
            (draft.atop("open", &OPEN_INPUTS))
            label { "项目编码(必填)" input type="text" name="projectCode" required value=(v("projectCode")); (draft.beside("open", "projectCode", &[])) }
            label { "来源预警编号(可空)" input type="text" name="alertId" value=(v("alertId")); (draft.beside("open", "alertId", &[])) }
            label { "评价年度(可空)" input type="number" name="year" min="2000" max="2100" value=(v("year")); (draft.beside("open", "year", &[])) }
            label { "问题(必填)" textarea name="issue" required maxlength="4000" rows="4" { (v("issue")) } (draft.beside("open", "issue", &[])) }
            label { "整改要求(必填)" textarea name="requirement" required maxlength="4000" rows="3" { (v("requirement")) } (draft.beside("open", "requirement", &[])) }
            label { "整改期限(必填)" input type="date" name="dueOn" required value=(if due.is_empty() { default_due.as_str() } else { due }); (draft.beside("open", "dueOn", &[])) }
            button type="submit" { "下达整改" }
        }
    };
    Ok(("下达整改".to_string(), content))
}

#[derive(Deserialize)]
pub struct OpenForm {
    #[serde(rename = "formKey")]
    form_key: Option<String>,
    #[serde(rename = "projectCode")]
    project_code: Option<String>,
    #[serde(rename = "alertId")]
    alert_id: Option<String>,
    year: Option<String>,
    issue: Option<String>,
    requirement: Option<String>,
    #[serde(rename = "dueOn")]
    due_on: Option<String>,
}

/// `POST /rectifications`: opens one through the API, then shows it.
pub async fn open(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<OpenForm>) -> Response {
    let caller = match poster(&state, &headers, "/rectifications/new").await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let key = match super::form_key(form.form_key.as_ref()) {
        Ok(k) => k,
        Err(e) => return e.render(None, Some("/rectifications/new")),
    };
    let typed = [
        ("formKey", &form.form_key),
        ("projectCode", &form.project_code),
        ("alertId", &form.alert_id),
        ("year", &form.year),
        ("issue", &form.issue),
        ("requirement", &form.requirement),
        ("dueOn", &form.due_on),
    ];
    let draft_of = |refusal: Refusal| Draft {
        form: "open",
        values: typed.iter().map(|(k, v)| (k.to_string(), v.as_deref().unwrap_or("").to_string())).collect(),
        refusal: Some(refusal),
    };
    // A year that is not a number is refused here, in the same words, before the API.
    let year = match chosen(&form.year).map(|y| y.parse::<i32>()) {
        Some(Err(_)) => {
            let refusal = Refusal {
                code: "VALIDATION".into(),
                field: Some("input.year".into()),
                message: "评价年度须是四位年份".into(),
            };
            let draft = draft_of(refusal);
            return answer(&state, caller, StatusCode::BAD_REQUEST, async |viewer: Viewer| {
                open_page(&state, &viewer, &draft).await
            })
            .await;
        }
        other => other.and_then(Result::ok),
    };
    let input = json!({
        "projectCode": chosen(&form.project_code).unwrap_or_default(),
        "alertId": chosen(&form.alert_id),
        "year": year,
        "issue": form.issue.clone().unwrap_or_default(),
        "requirement": form.requirement.clone().unwrap_or_default(),
        "dueOn": chosen(&form.due_on).unwrap_or_default(),
    });
    let mutation = "mutation($input: RectificationInput!) { openRectification(input: $input) { id } }";
    match super::once(&state, &caller, &key, "openRectification", mutation, json!({"input": input})).await {
        Ok(Posted::Done(data)) => {
            let id = data["openRectification"]["id"].as_str().unwrap_or("").to_string();
            Redirect::to(&format!("/rectifications/{}", urlencode(&id))).into_response()
        }
        // Posted twice: the first opened it; the list shows it.
        Ok(Posted::Again) => Redirect::to("/rectifications").into_response(),
        Ok(Posted::Refused(refusal)) if refusal.on_the_form() => {
            let status = refusal.status();
            let draft = draft_of(refusal);
            answer(&state, caller, status, async |viewer: Viewer| open_page(&state, &viewer, &draft).await).await
        }
        Ok(Posted::Refused(refusal)) => PageError::from(refusal).render(None, Some("/rectifications/new")),
        Err(e) => e.render(None, Some("/rectifications/new")),
    }
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<String>,
}

const RESULTS: &str = r#"query($year: Int!) {
  resultApplication(year: $year) { department { code name } projectsEvaluated meanScore grade projectsUnder60
    rectificationsIssued rectificationsAccepted rectificationsOverdue rectificationRatePercent meanSelfDeviation
    suggestion budgetChangePercent }
}"#;

/// 结果应用: each department's year — scores, rectifications, and the suggestion for
/// next year's project arrangements and budget. Last year by default (the year evaluated).
pub async fn result_application(
    State(state): State<AppState>,
    Query(q): Query<YearQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        let year = year_of(chosen(&q.year), state.ctx.clock.today().year() - 1)?;
        let data = run(&state, &viewer.caller, RESULTS, json!({"year": year})).await?;
        let empty = Vec::new();
        let rows = data["resultApplication"].as_array().unwrap_or(&empty);
        let points = |v: &Value| decimal(v).map(|d| crate::figures::fixed(d, 2)).unwrap_or_else(|| "—".into());
        let content = html! {
            h1 { "评价结果应用" span.asof { (year) " 年度评价,用于 " (year + 1) " 年项目安排和预算" } }
            form.filters method="get" action="/results" {
                label { "评价年度" input type="number" name="year" min="2000" max="2100" value=(year); }
                button type="submit" { "查看" }
                a href={"/exports/results.xlsx?year=" (year)} { "下载结果应用表(Excel)" }
            }
            table.results {
                thead { tr {
                    th { "部门" } th.num { "评价项目" } th.num { "平均分" } th { "等级" } th.num { "60分以下" }
                    th.num { "下达整改" } th.num { "整改到位" } th.num { "逾期" } th.num { "整改率" } th.num { "自评偏差(分)" }
                    th { "应用建议" } th.num { "预算调整" }
                } }
                tbody {
                    @for r in rows {
                        tr class=[(viewer.department_code.as_deref() == Some(text(&r["department"], "code"))).then_some("own")] {
                            td { a href={"/rectifications?department=" (urlencode(text(&r["department"], "code"))) "&year=" (year)} { (text(&r["department"], "name")) } }
                            td.num { (r["projectsEvaluated"]) }
                            td.num { (points(&r["meanScore"])) }
                            td { (r["grade"].as_str().map(|g| label_or_code(g, Grade::parse, Grade::label)).unwrap_or_else(|| "—".into())) }
                            td.num { (r["projectsUnder60"]) }
                            td.num { (r["rectificationsIssued"]) }
                            td.num { (r["rectificationsAccepted"]) }
                            td.num { (r["rectificationsOverdue"]) }
                            td.num { (percent(&r["rectificationRatePercent"])) }
                            td.num { (points(&r["meanSelfDeviation"])) }
                            td { (text(r, "suggestion")) }
                            td.num { (percent(&r["budgetChangePercent"])) }
                        }
                    }
                }
            }
            p.hint { "整改率 = 整改到位 ÷ 下达整改;自评偏差 = 单位自评得分 − 再评价得分的平均;建议与预算调整比例见 jobs/results.toml。" }
        };
        Ok((format!("{year} 年度结果应用"), content))
    })
    .await
}
