//! 表格: the spreadsheets of the office from the browser — the template, each export,
//! and an import in two steps: the workbook uploaded is checked (a dry run listing every
//! problem with its sheet, row, column and value) and kept in the database; confirmed,
//! exactly those bytes are imported, on whichever replica the confirmation reaches.

use axum::extract::{Form, Multipart, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::Datelike;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::*;
use super::{AppState, PageError, answer, poster, show};
use crate::auth::Caller;
use crate::spreadsheets::import::{ImportOptions, ImportReport, Source, import};
use crate::spreadsheets::pending;

fn may_import(caller: &Caller) -> bool {
    super::super::policy::refusal(Some(caller), "Mutation", "importWorkbook").is_none()
}

/// 表格: what can be downloaded, and the upload form for those who may import.
pub async fn sheets(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        let year = state.ctx.clock.today().year();
        let scoped = viewer.caller.reads_portfolio_of().is_some();
        let content = html! {
            h1 { "表格" }
            section #downloads {
                h2 { "下载" }
                ul.downloads {
                    li { a href="/templates/bondwatch.xlsx" { "导入模板" } " — 每张工作表的列与填写说明见“说明”表" }
                    @if scoped {
                        li.hint { "导出文件涵盖全部项目;只负责一个部门的管理者请在页面上查看本部门的数据。" }
                    } @else {
                        li { a href="/exports/portfolio.xlsx" { "项目台账" } " — 每个项目的口径数据(截至今天)" }
                        li { a href="/exports/alerts.xlsx?unresolved=1" { "未解除的预警" } " — 也可在“预警”页按筛选导出" }
                        li { a href="/exports/schedule.xlsx" { "还本付息计划" } " — 全部债券;单只债券在其页面导出" }
                        li { a href={"/exports/evaluations.xlsx?year=" (year - 1)} { (year - 1) " 年度绩效评价" } }
                        li { a href={"/exports/results.xlsx?year=" (year - 1)} { (year - 1) " 年度结果应用" } }
                    }
                }
            }
            @if may_import(&viewer.caller) {
                section #upload {
                    h2 { "导入" }
                    p.hint { "先检查:列出全部问题(工作表、行、列、所填的值与原因),不写入任何数据;检查通过后再确认导入。" }
                    form.record method="post" action="/sheets/check" enctype="multipart/form-data" {
                        label { "工作簿(.xlsx,按导入模板填写)" input type="file" name="file" accept=".xlsx" required; }
                        button type="submit" { "检查" }
                    }
                }
            }
        };
        Ok(("表格".to_string(), content))
    })
    .await
}

/// The problems of a check, or what an import did.
fn report_of(report: &ImportReport) -> Markup {
    html! {
        p.summary { "读取 " (report.rows) " 行" @if report.unchanged > 0 { ",其中 " (report.unchanged) " 行此前已导入(跳过)" } "。" }
        @if !report.problems.is_empty() {
            p.problem role="alert" { "发现 " (report.problems.len()) " 个问题,未写入任何数据。请改正后重新上传。" }
            table.problems {
                thead { tr { th { "工作表" } th.num { "行" } th { "列" } th { "所填的值" } th { "原因" } } }
                tbody {
                    @for p in &report.problems {
                        tr {
                            td { (p.sheet) }
                            td.num { @if let Some(r) = p.row { (r) } }
                            td { (p.letter.as_deref().unwrap_or("")) " " (p.column.as_deref().unwrap_or("")) }
                            td { (p.value.as_deref().unwrap_or("")) }
                            td { (p.reason) }
                        }
                    }
                }
            }
        }
        @if !report.checks.is_empty() {
            h3 { "申报核验发现(" (report.checks.len()) ")" }
            ul.checks { @for c in &report.checks { li { (severity_badge(&c.severity)) " " (c.rule) " " (c.message) } } }
        }
    }
}

/// `POST /sheets/check` (multipart): a dry run of the workbook, kept for its confirmation.
pub async fn check(State(state): State<AppState>, headers: HeaderMap, mut multipart: Multipart) -> Response {
    let caller = match poster(&state, &headers, "/sheets").await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("workbook.xlsx").to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(e) => {
                        return PageError::new(StatusCode::BAD_REQUEST, format!("上传未完成:{e}"))
                            .render(None, Some("/sheets"));
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                return PageError::new(StatusCode::BAD_REQUEST, format!("上传的表单无法读取:{e}"))
                    .render(None, Some("/sheets"));
            }
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return PageError::new(StatusCode::BAD_REQUEST, "请选择要上传的工作簿(.xlsx)").render(None, Some("/sheets"));
    };
    if !may_import(&caller) {
        return PageError::new(StatusCode::FORBIDDEN, "您的角色不能导入数据").render(None, Some("/sheets"));
    }
    let options = ImportOptions { dry_run: true, ..Default::default() };
    let report = match import(&state.ctx, &caller, Source::Bytes(bytes.clone()), options).await {
        Ok(r) => r,
        Err(e) => return PageError::from(e).render(None, Some("/sheets")),
    };
    let token = if report.ok {
        match pending::keep(&state.ctx, &caller, &name, bytes).await {
            Ok(t) => Some(t),
            Err(e) => return PageError::from(e).render(None, Some("/sheets")),
        }
    } else {
        None
    };
    let status = if report.ok { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    answer(&state, caller, status, async |_viewer: Viewer| {
        let content = html! {
            h1 { "导入检查" span.code { (name) } }
            (report_of(&report))
            @if let Some(token) = &token {
                p.notice { "检查通过,可以导入。" }
                form.record method="post" action="/sheets/import" {
                    input type="hidden" name="token" value=(token);
                    button type="submit" { "确认导入" }
                }
            }
            p { a href="/sheets" { "重新上传" } }
        };
        Ok(("导入检查".to_string(), content))
    })
    .await
}

#[derive(Deserialize)]
pub struct Confirm {
    token: String,
}

/// `POST /sheets/import`: the checked workbook, imported; the upload is dropped with it.
pub async fn confirm(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<Confirm>) -> Response {
    let caller = match poster(&state, &headers, "/sheets").await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let upload = match pending::find(&state.ctx, &caller, &form.token).await {
        Ok(u) => u,
        Err(e) => return PageError::from(e).render(None, Some("/sheets")),
    };
    // Confirmed twice (a double click, two replicas): the first imports, the second is told.
    let key = format!("upload{}", upload.id);
    let db = &state.ctx.db;
    match crate::db::once::claim(db, &key, "importWorkbook", &caller.username, state.ctx.clock.now()).await {
        Ok(true) => {}
        Ok(false) => {
            return PageError::new(StatusCode::CONFLICT, "该工作簿已确认导入(或正在导入),未重复导入")
                .render(None, Some("/sheets"));
        }
        Err(e) => return PageError::from(e).render(None, Some("/sheets")),
    }
    let report =
        match import(&state.ctx, &caller, Source::Bytes(upload.content.clone()), ImportOptions::default()).await {
            Ok(r) => r,
            Err(e) => return PageError::from(e).render(None, Some("/sheets")),
        };
    if !report.written
        && let Err(e) = crate::db::once::release(db, &key).await
    {
        return PageError::from(e).render(None, Some("/sheets"));
    }
    if report.written
        && let Err(e) = pending::drop_upload(&state.ctx.db, upload.id).await
    {
        tracing::warn!(error = %e, "an imported upload could not be dropped; it expires in a day");
    }
    let status = if report.ok { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    answer(&state, caller, status, async |_viewer: Viewer| {
        let content = html! {
            h1 { "导入结果" span.code { (upload.file_name) } }
            @if report.written { p.notice role="status" { "已导入。" } }
            (report_of(&report))
            p { a href="/sheets" { "返回表格" } }
        };
        Ok(("导入结果".to_string(), content))
    })
    .await
}
