//! The frame every page shares (navigation, search box, who is logged in) and the
//! small pieces pages are made of: amounts in 万元, badges, names in Chinese.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::auth::{Caller, Role};
use crate::monitoring::Severity;

/// Who is looking at a page: the caller, and its department's code when it has one.
#[derive(Clone)]
pub struct Viewer {
    pub caller: Caller,
    pub department_code: Option<String>,
    /// The office's day, printed atop each page of a printout.
    pub today: chrono::NaiveDate,
}

impl Viewer {
    /// May this caller act (acknowledge) on something of `department`? The API's policy
    /// decides the role; a REPORTER acts for its own department only.
    pub fn may(&self, mutation: &str, department: Option<&str>) -> bool {
        super::super::policy::refusal(Some(&self.caller), "Mutation", mutation).is_none()
            && (self.caller.role != Role::Reporter
                || department.is_some() && department == self.department_code.as_deref())
    }

    /// May this caller read the reports of a project of `department`?
    pub fn reads_reports_of(&self, department: &str) -> bool {
        self.caller.department_id.is_none() || self.department_code.as_deref() == Some(department)
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "债务办(管理员)",
        Role::Reporter => "部门填报",
        Role::Researcher => "研究人员(只读)",
        Role::Manager => "管理者",
    }
}

/// A query parameter as chosen: a blank one is no choice.
pub fn chosen(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// The department a list is filtered to: as asked (`*` or blank: all), else the
/// viewer's own — a department's staff start at their department.
pub fn department_filter(viewer: &Viewer, asked: Option<&str>) -> Option<String> {
    match asked {
        None => viewer.department_code.clone(),
        Some("*") | Some("") => None,
        Some(d) => Some(d.to_string()),
    }
}

/// A filter's select box: (value, text) options, the current value selected.
pub fn choice(name: &str, label: &str, options: &[(String, String)], current: &str) -> Markup {
    html! {
        label { (label)
            select name=(name) {
                @for (value, text) in options { option value=(value) selected[current == value] { (text) } }
            }
        }
    }
}

/// The department filter's select box: 全部部门, then the API's departments.
pub fn department_choice(departments: &Value, current: Option<&str>) -> Markup {
    let options: Vec<(String, String)> = std::iter::once(("*".to_string(), "全部部门".to_string()))
        .chain(departments.as_array().into_iter().flatten().map(|d| (text(d, "code").into(), text(d, "name").into())))
        .collect();
    choice("department", "部门", &options, current.unwrap_or("*"))
}

/// Text of a JSON field, or "".
pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// A decimal the API sends as a string (amounts, percents, ratios).
pub fn decimal(v: &Value) -> Option<Decimal> {
    v.as_str()?.parse().ok()
}

/// An amount of yuan in 万元 (§4a: two decimals, half up, thousands separators).
pub fn wan_of(yuan: Decimal) -> String {
    crate::figures::wan_number(yuan)
}

/// An amount of yuan as the API sends it, in 万元, exact.
pub fn wan(v: &Value) -> String {
    decimal(v).map(wan_of).unwrap_or_else(|| "—".into())
}

/// An amount of yuan in 万元 as a drawing position for a chart.
pub fn wan_f64(yuan: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    (yuan / Decimal::from(10_000)).to_f64().unwrap_or(0.0)
}

/// A figure as the API sent it, shown as §4a shows it, or "—" when there is none.
pub fn shown(f: crate::figures::Figure, v: &Value) -> String {
    match (f.unit, decimal(v)) {
        (_, None) => "—".into(),
        (crate::figures::Unit::Money, Some(d)) => wan_of(d),
        (_, Some(d)) => f.show(d),
    }
}

/// A percent with two places, or "—" when there is none.
pub fn percent(v: &Value) -> String {
    decimal(v).map(|d| format!("{}%", crate::figures::fixed(d, 2))).unwrap_or_else(|| "—".into())
}

/// A date as it is, or the office's day (Asia/Shanghai) of a date-time.
pub fn day(v: &Value) -> String {
    match v.as_str() {
        None => "—".into(),
        Some(t) => match chrono::DateTime::parse_from_rfc3339(t) {
            Ok(at) => at.with_timezone(&crate::clock::OFFICE_TZ).format("%Y-%m-%d").to_string(),
            Err(_) => t.get(..10).unwrap_or(t).to_string(),
        },
    }
}

/// A date-time in the office's time (Asia/Shanghai), to the minute.
pub fn office_time(v: &Value) -> String {
    match v.as_str().map(chrono::DateTime::parse_from_rfc3339) {
        Some(Ok(at)) => at.with_timezone(&crate::clock::OFFICE_TZ).format("%Y-%m-%d %H:%M").to_string(),
        Some(Err(_)) => v.as_str().unwrap_or("").to_string(),
        None => "—".into(),
    }
}

pub fn severity_badge(severity: &str) -> Markup {
    let name = Severity::parse(severity).map(Severity::label).unwrap_or("?");
    html! { span class={"badge sev-" (severity.to_lowercase())} title=(severity) { (name) } }
}

use crate::codes::AlertStatus;
use crate::ledger::projects::Stage;
pub use crate::reports::dimension_name;

/// 借 用 管 还.
pub fn stage_name(stage: &str) -> &'static str {
    Stage::parse(stage).map_or("", Stage::label)
}

pub fn stages() -> impl Iterator<Item = &'static str> {
    Stage::ALL.iter().map(|s| s.as_str())
}

pub fn alert_status_name(status: &str) -> &'static str {
    AlertStatus::parse(status).map_or("", AlertStatus::label)
}

pub fn alert_statuses() -> impl Iterator<Item = &'static str> {
    AlertStatus::ALL.iter().map(|s| s.as_str())
}

pub fn project_status_name(status: &str) -> &'static str {
    crate::ledger::projects::ProjectStatus::parse(status).map_or("", |s| s.label())
}

/// A figure with its label, for the rows of key figures atop a page.
pub fn figure(label: &str, value: &str) -> Markup {
    html! { div.figure { div.label { (label) } div.value { (value) } } }
}

pub fn chart(chart: &crate::reports::Chart) -> Markup {
    html! { figure.chart { figcaption { (chart.title) } (PreEscaped(crate::reports::html::svg(chart))) } }
}

/// What a printout says atop and below every sheet: the page, who printed it and on
/// which day, the sheet's number. Written into the page (CSS has no other way to the
/// viewer's name), as CSS strings.
fn printed_by(title: &str, viewer: &Viewer) -> String {
    let quoted = |text: &str| {
        let escaped: String = text
            .chars()
            .map(|c| match c {
                '"' | '\\' | '<' | '>' => format!("\\{:x} ", c as u32),
                // A newline, \r or \f would end a CSS string: every control character is escaped.
                c if c.is_control() => format!("\\{:x} ", c as u32),
                c => c.to_string(),
            })
            .collect();
        format!("\"{escaped}\"")
    };
    format!(
        "@media print {{ @page {{ @top-left {{ content: {}; }} @top-right {{ content: {}; }} \
         @bottom-center {{ content: \"第 \" counter(page) \" 页 共 \" counter(pages) \" 页\"; }} }} }}",
        quoted(&format!("专项债项目全生命周期监测 · {title}")),
        quoted(&format!("打印:{} · {}", viewer.caller.username, viewer.today)),
    )
}

/// The whole page: navigation with the search box, the viewer, the content.
pub fn page(title: &str, viewer: Option<&Viewer>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 专项债项目监测" }
                link rel="stylesheet" href="/assets/dashboard.css";
                @if let Some(v) = viewer { style { (PreEscaped(printed_by(title, v))) } }
            }
            body {
                header.top {
                    a.brand href="/" { "专项债项目全生命周期监测" }
                    @if let Some(v) = viewer {
                        nav {
                            a href="/" { "总览" }
                            a href="/alerts" { "预警" }
                            a href="/projects" { "项目" }
                            a href="/bonds" { "债券" }
                            a href="/rectifications" { "整改" }
                            a href="/results" { "结果应用" }
                            a href="/sheets" { "表格" }
                        }
                        form.search method="get" action="/projects" {
                            input type="search" name="q" placeholder="项目名称或编码" aria-label="搜索项目";
                            button type="submit" { "搜索" }
                        }
                        div.who {
                            span.user { (v.caller.username) } " · " (role_name(v.caller.role))
                            @if let Some(d) = &v.department_code { " · " (d) }
                            @if v.caller.username == "anonymous" {
                                a href="/login" { "登录" }
                            } @else {
                                form.inline method="post" action="/logout" { button.link type="submit" { "退出" } }
                            }
                        }
                    }
                }
                main { (content) }
            }
        }
    }
}
