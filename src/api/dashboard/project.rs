//! A project's page: its figures, alerts, the clerk's forms (receipts, payments, progress,
//! revenue, debt service …), its self-evaluation and rectifications, its reports.

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

use super::forms::{self, Choices, Draft};
use super::layout::*;
use super::pages::{alert_table, not_found};
use super::{AppState, PageError, Posted, answer, poster, run, show, urlencode};
use crate::codes::AlertStatus;
use crate::figures;
use crate::monitoring::Severity;

const PROJECT: &str = r#"query($code: String!, $last: Int!, $this: Int!) {
  project(code: $code) { code name status stage department { code name }
    figures { bondFunding received transferred paid spendRatePercent spendProgressPercent plannedSpendPercent
      coverageRatio rollingCoverageRatio overdueDebtService }
    alerts { id rule dimension stage severity message measured threshold status firstSeenAt lastSeenAt resolvedAt
      project { code } history { event at username note } }
    lastEvaluation: evaluation(year: $last) { totalScore grade }
    lastSelf: selfEvaluation(year: $last) { ...own }
    thisEvaluation: evaluation(year: $this) { totalScore grade }
    thisSelf: selfEvaluation(year: $this) { ...own }
    rectifications { id year source issue dueOn status overdueDays }
    allocations { bond { code name } }
    disbursements(first: 100) { nodes { id kind paidOn amount payee reversalOf } }
    revenue { id period source collected reversalOf }
    targets { indicators { id name targetText } }
    debtService { dueDate bond { code } principal interest paid } }
}
fragment own on SelfEvaluation { totalScore budgetExecutionScore outputScore benefitScore satisfactionScore
  submittedOn deviation note }"#;

/// 项目: its figures, its alerts with their buttons, the forms its viewer may use, links
/// to its reports, and the evaluation report's sections one to seven as of today.
pub async fn project(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Recorded>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let notice = q.recorded.as_deref().and_then(forms::project_form).map(|f| match q.again {
        Some(_) => format!("“{}”已提交过,本次未重复记录。", f.title),
        None => format!("已记录:{}。", f.title),
    });
    show(&state, &headers, &uri, async |viewer: Viewer| {
        project_page(&state, &viewer, &code, &Draft::default(), notice.as_deref()).await
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct Recorded {
    recorded: Option<String>,
    again: Option<String>,
}

async fn project_page(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    draft: &Draft,
    notice: Option<&str>,
) -> Result<(String, Markup), PageError> {
    let year = state.ctx.clock.today().year();
    let vars = json!({"code": code, "last": year - 1, "this": year});
    let data = run(state, &viewer.caller, PROJECT, vars).await?;
    let p = &data["project"];
    if p.is_null() {
        return Err(not_found(format!("没有编码为 {code} 的项目")));
    }
    let overview = crate::reports::project_overview(&state.ctx, code).await?;
    let department = text(&p["department"], "code");
    let empty = Vec::new();
    let alerts = p["alerts"].as_array().unwrap_or(&empty);
    let (past, mut open): (Vec<&Value>, Vec<&Value>) =
        alerts.iter().partition(|a| text(a, "status") == AlertStatus::Resolved.as_str());
    // Most severe first; newest first within a severity, as the API gives them.
    open.sort_by_key(|a| Severity::parse(text(a, "severity")));
    let back = format!("/projects/{}", urlencode(code));
    let content = html! {
        h1 { (text(p, "name")) span.code { (text(p, "code")) } }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        p.facts {
            (text(&p["department"], "name")) " · " (project_status_name(text(p, "status")))
            " · 阶段:" (stage_name(text(p, "stage")))
        }
        div.figures {
            @for f in figures::PROJECT_PAGE {
                (figure(&f.page_label(), &shown(*f, &p["figures"][f.id])))
            }
            (figure("未解除预警", &open.len().to_string()))
        }
        section #alerts {
            h2 { "预警" }
            (alert_table(viewer, &open, Some(department), &back, None))
            @if !past.is_empty() {
                details.past {
                    summary { "已解除的预警(" (past.len()) ")" }
                    (alert_table(viewer, &past, Some(department), &back, None))
                }
            }
        }
        (record_section(viewer, p, code, department, draft))
        (results_section(p, code, year))
        section #reports {
            h2 { "报告" }
            @if viewer.reads_reports_of(department) {
                ul.reports {
                    @for y in [year, year - 1] {
                        li { (y) "年度绩效评价报告:"
                            a href={"/reports/" (urlencode(code)) "/" (y) "/evaluation.html"} { "网页" } " · "
                            a href={"/reports/" (urlencode(code)) "/" (y) "/evaluation.pdf"} { "PDF" } }
                    }
                    li { "事前绩效评估报告:"
                        a href={"/reports/" (urlencode(code)) "/assessment.html"} { "网页" } " · "
                        a href={"/reports/" (urlencode(code)) "/assessment.pdf"} { "PDF" } }
                }
            } @else {
                p.hint { "本项目属其他部门,报告由其主管部门和债务办查阅。" }
            }
        }
        div.overview { (PreEscaped(crate::reports::html::sections(&overview.sections))) }
    };
    Ok((text(p, "name").to_string(), content))
}

/// 绩效评价与整改: the unit's self-evaluation beside the office's evaluation, last year
/// and this, and the rectifications not yet accepted.
fn results_section(p: &Value, code: &str, year: i32) -> Markup {
    use crate::codes::{Grade, RectificationStatus, label_or_code};
    let points = |v: &Value| decimal(v).map(|d| figures::fixed(d, 2)).unwrap_or_else(|| "—".into());
    let years = [(year - 1, "last"), (year, "this")];
    let shown: Vec<_> = years
        .iter()
        .filter(|(_, k)| !p[format!("{k}Evaluation")].is_null() || !p[format!("{k}Self")].is_null())
        .collect();
    let empty = Vec::new();
    let open: Vec<&Value> = p["rectifications"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter(|r| text(r, "status") != RectificationStatus::Accepted.as_str())
        .collect();
    let all = p["rectifications"].as_array().map_or(0, Vec::len);
    html! {
        section #results {
            h2 { "绩效评价与整改" }
            @if shown.is_empty() {
                p.hint { "尚无绩效评价或单位自评。" }
            } @else {
                table.evaluations {
                    thead { tr {
                        th { "年度" } th.num { "单位自评" } th.num { "预算执行率/10" } th.num { "产出/50" } th.num { "效益/30" }
                        th.num { "满意度/10" } th.num { "再评价" } th { "等级" } th.num { "自评偏差" } th { "自评日期" }
                    } }
                    tbody {
                        @for (y, k) in &shown {
                            @let own = &p[format!("{k}Self")];
                            @let ev = &p[format!("{k}Evaluation")];
                            tr #{"evaluation-" (y)} {
                                th { (y) }
                                td.num { (points(&own["totalScore"])) }
                                td.num { (points(&own["budgetExecutionScore"])) }
                                td.num { (points(&own["outputScore"])) }
                                td.num { (points(&own["benefitScore"])) }
                                td.num { (points(&own["satisfactionScore"])) }
                                td.num { (points(&ev["totalScore"])) }
                                td { (ev["grade"].as_str().map(|g| label_or_code(g, Grade::parse, Grade::label)).unwrap_or_else(|| "—".into())) }
                                td.num { (points(&own["deviation"])) }
                                td { (own["submittedOn"].as_str().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
            h3 { "未完成的整改事项(" (open.len()) ")" }
            @if open.is_empty() {
                p.hint { "没有未完成的整改事项。" }
            } @else {
                table.rectifications {
                    thead { tr { th.num { "编号" } th { "问题" } th { "整改期限" } th { "状态" } th.num { "逾期天数" } } }
                    tbody {
                        @for r in &open {
                            tr #{"rectification-" (text(r, "id"))} {
                                td.num { a href={"/rectifications/" (text(r, "id"))} { (text(r, "id")) } }
                                td.issue { (text(r, "issue").lines().next().unwrap_or("")) }
                                td { (text(r, "dueOn")) }
                                td { (label_or_code(text(r, "status"), RectificationStatus::parse, RectificationStatus::label)) }
                                td.num { (r["overdueDays"]) }
                            }
                        }
                    }
                }
            }
            @if all > 0 { p { a href={"/rectifications?project=" (urlencode(code)) "&department=*"} { "本项目全部整改事项(" (all) ")" } } }
        }
    }
}

/// 录入: the forms this viewer may use on this project, each folded until opened.
fn record_section(viewer: &Viewer, p: &Value, code: &str, department: &str, draft: &Draft) -> Markup {
    let usable: Vec<&forms::Form> = forms::PROJECT_FORMS.iter().filter(|f| f.usable_by(viewer, department)).collect();
    if usable.is_empty() {
        return html! {};
    }
    let choices = choices_of(p);
    html! {
        section #record {
            h2 { "录入" }
            p.hint { "金额按栏目所示单位填写(万元或元),精确到分;标 * 的必填。提交后按与接口相同的规则校验,有误不会写入。" }
            div.forms {
                @for f in usable {
                    (forms::render(f, &format!("/projects/{}/record/{}", urlencode(code), f.id), &choices, draft))
                }
            }
        }
    }
}

/// The choices of the project's forms: its bonds, the entries that may be reversed, its
/// indicators, its unpaid debt-service lines, the statuses.
fn choices_of(p: &Value) -> Choices {
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let mut bonds: Vec<(String, String)> = list(&p["allocations"])
        .iter()
        .map(|a| {
            (text(&a["bond"], "code").to_string(), format!("{} {}", text(&a["bond"], "code"), text(&a["bond"], "name")))
        })
        .collect();
    bonds.sort();
    bonds.dedup();
    let reversible = |rows: &[Value]| -> Vec<Value> {
        let reversed: Vec<&str> = rows.iter().filter_map(|r| r["reversalOf"].as_str()).collect();
        rows.iter().filter(|r| r["reversalOf"].is_null() && !reversed.contains(&text(r, "id"))).cloned().collect()
    };
    let disbursements = reversible(&list(&p["disbursements"]["nodes"]))
        .iter()
        .map(|d| {
            let kind = crate::codes::label_or_code(
                text(d, "kind"),
                crate::codes::DisbursementKind::parse,
                crate::codes::DisbursementKind::label,
            );
            (
                text(d, "id").to_string(),
                format!("{} {kind} {} 元 {}", text(d, "paidOn"), text(d, "amount"), text(d, "payee")),
            )
        })
        .collect();
    let revenue = reversible(&list(&p["revenue"]))
        .iter()
        .map(|r| {
            (
                text(r, "id").to_string(),
                format!("{} {} {} 元", text(r, "period"), text(r, "source"), text(r, "collected")),
            )
        })
        .collect();
    let indicators = list(&p["targets"])
        .iter()
        .flat_map(|t| list(&t["indicators"]))
        .map(|i| (text(&i, "id").to_string(), format!("{}({})", text(&i, "name"), text(&i, "targetText"))))
        .collect();
    let lines = list(&p["debtService"])
        .iter()
        .filter(|l| {
            let owed = decimal(&l["principal"]).unwrap_or_default() + decimal(&l["interest"]).unwrap_or_default();
            decimal(&l["paid"]).unwrap_or_default() < owed
        })
        .map(|l| {
            let bond = text(&l["bond"], "code");
            let owed = decimal(&l["principal"]).unwrap_or_default() + decimal(&l["interest"]).unwrap_or_default();
            (
                format!("{bond}|{}", text(l, "dueDate")),
                format!("{} {bond} 应还 {} 万元", text(l, "dueDate"), wan_of(owed)),
            )
        })
        .collect();
    let statuses = crate::ledger::projects::ProjectStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    Choices::from([
        ("bonds", bonds),
        ("disbursements", disbursements),
        ("revenue", revenue),
        ("indicators", indicators),
        ("lines", lines),
        ("statuses", statuses),
    ])
}

/// `POST /projects/{code}/record/{form}`: a form of the project's page, through its
/// mutation once per form key; back to the page with a notice, or the page again with
/// the form as typed and the reason beside its field.
pub async fn record(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(posted): Form<HashMap<String, String>>,
) -> Response {
    let back = format!("/projects/{}", urlencode(&code));
    let caller = match poster(&state, &headers, &back).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let Some(form) = forms::project_form(&id) else {
        return PageError::new(StatusCode::NOT_FOUND, format!("没有“{id}”这张表单")).render(None, Some(&back));
    };
    let key = match super::form_key(posted.get("formKey")) {
        Ok(k) => k,
        Err(e) => return e.render(None, Some(&back)),
    };
    let shown_again = async |refusal: super::Refusal, caller: crate::auth::Caller| {
        let status = refusal.status();
        let draft = Draft { form: form.id, values: posted.clone(), refusal: Some(refusal) };
        answer(&state, caller, status, async |viewer: Viewer| project_page(&state, &viewer, &code, &draft, None).await)
            .await
    };
    let variables = match forms::variables(form, &code, &posted) {
        Ok(v) => v,
        Err(refusal) => return shown_again(refusal, caller).await,
    };
    match super::once(&state, &caller, &key, form.id, form.document, variables).await {
        Ok(Posted::Done(_)) => Redirect::to(&format!("{back}?recorded={}#record", form.id)).into_response(),
        Ok(Posted::Again) => Redirect::to(&format!("{back}?recorded={}&again=1#record", form.id)).into_response(),
        Ok(Posted::Refused(refusal)) if refusal.on_the_form() => shown_again(refusal, caller).await,
        Ok(Posted::Refused(refusal)) => PageError::from(refusal).render(None, Some(&back)),
        Err(e) => e.render(None, Some(&back)),
    }
}
