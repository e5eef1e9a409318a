//! The two reports: PDF typeset by Typst (text read back with pdftotext), HTML, the
//! assessment's own checks, the department ranking, the batch and the scoring sheet,
//! and a clear refusal when no CJK font is there.

use std::process::Command;

use bondwatch::api::Anonymous;
use bondwatch::auth::Role;
use bondwatch::config::Settings;
use bondwatch::demo;
use rust_decimal::Decimal;
use serde_json::json;

use crate::helpers::TestApp;

/// The text of a PDF, by poppler's pdftotext (.ci/run installs poppler-utils).
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.url));
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_evaluation_report_in_pdf_and_html_carries_every_section_and_the_figures() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    app.ok("mutation { runAlertSweep { raised } }", json!({})).await;
    let score =
        app.ok(r#"mutation { evaluate(projectCode: "HY-JT-01", year: 2025) { totalScore grade } }"#, json!({})).await;
    let total = score["evaluate"]["totalScore"].as_str().unwrap().to_string();

    let response = get(&app, "/reports/HY-JT-01/2025/evaluation.pdf", Some(&app.token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = pdf_text(&bytes);
    // The outline of 财预〔2020〕10号, in order (lines joined and spaces dropped: pdftotext
    // spaces out a justified line).
    let flat = text.replace(['\n', ' '], "");
    let mut at = 0;
    for heading in [
        "2025年度专项债券项目绩效评价报告",
        "评价机构",
        "评价得分与等级",
        "一、项目基本情况",
        "(一)项目概况",
        "(二)资金筹措与债券",
        "(三)绩效目标",
        "二、绩效评价工作开展情况",
        "(四)评价指标体系",
        "三、综合评价结论",
        "四、绩效分析",
        "(一)决策",
        "(二)管理(过程)",
        "(三)产出",
        "(四)可持续性(效益)",
        "五、主要经验做法、存在的问题及原因",
        "六、有关建议",
        "七、其他需要说明的问题",
        "附件",
        "附件2还本付息计划",
        "附件3本息覆盖与敏感性分析",
        "附件5绩效指标完成情况",
    ] {
        let found = flat[at..].find(heading).unwrap_or_else(|| panic!("{heading} after {at} in:\n{text}"));
        at += found + heading.len();
    }
    let pages = text.matches("页 共").count();
    assert!(text.contains(&format!("第 1 页 共 {pages} 页")), "第 n 页 共 m 页");
    assert!(text.contains("42,000.00"), "the approved investment in 万元, with its thousands separator");
    assert!(flat.contains(&format!("总分{total}分")), "总分{total}分 in:\n{text}");

    let html = get(&app, "/reports/HY-JT-01/2025/evaluation.html", Some(&app.token)).await;
    assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
    let html = html.text().await.unwrap();
    assert!(html.contains("三、综合评价结论") && html.contains("<svg") && html.contains(&format!("总分{total}分")));
    // The items of the four dimensions' tables as printed add up to the printed total,
    // within 0.01 for each item.
    let mut sum = Decimal::ZERO;
    let mut items = 0;
    for caption in ["决策指标评分", "管理指标评分", "产出指标评分", "可持续性指标评分"] {
        let table = &html[html.find(caption).unwrap_or_else(|| panic!("{caption}"))..];
        let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
        for row in body.split("<tr>").skip(1) {
            let cells: Vec<&str> =
                row.split("<td").skip(1).map(|c| &c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()]).collect();
            sum += cells[2].parse::<Decimal>().unwrap();
            items += 1;
        }
    }
    let printed: Decimal = total.parse().unwrap();
    assert!((sum - printed).abs() <= Decimal::new(1, 2) * Decimal::from(items), "{sum} against {printed}");
    assert!(!html.contains("<script"), "a static page");
    // Amounts right-aligned in 万元 with separators; the header repeats on each printed page.
    assert!(html.contains(r#"<td class="num">42,000.00</td>"#), "the approved investment, right-aligned");
    assert!(html.contains("<thead>") && html.contains("thead{display:table-header-group}"));
}

#[tokio::test]
async fn the_assessment_checks_itself_and_its_report_says_so() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    // HY-MZ-02 is on the negative list and its assessment was not supported (demo::TROUBLES).
    let q =
        r#"query($c: String!) { project(code: $c) { assessment { conclusion checks { point name passed detail } } } }"#;
    let troubled = app.ok(q, json!({"c": "HY-MZ-02"})).await;
    let checks = troubled["project"]["assessment"]["checks"].as_array().unwrap().clone();
    let negative = checks.iter().find(|c| c["name"] == "负面清单").unwrap();
    assert_eq!((negative["point"].as_i64(), negative["passed"].as_bool()), (Some(2), Some(false)), "{negative}");
    let names: Vec<&str> = checks.iter().map(|c| c["name"].as_str().unwrap()).collect();
    for n in ["负面清单", "成熟度要件", "本息覆盖倍数", "债券期限与收益期匹配", "绩效目标完整", "绩效目标量化"]
    {
        assert!(names.contains(&n), "{n}: {names:?}");
    }
    let table = app
        .ok(
            r#"{ project(code: "HY-JT-01") { coverageRatio assessment { sensitivity { scenario coverageRatio } } } }"#,
            json!({}),
        )
        .await;
    let rows = table["project"]["assessment"]["sensitivity"].as_array().unwrap();
    assert_eq!(rows.len(), 8, "revenue and cost, ±5% and ±10%");
    let ratio = |scenario: &str| -> f64 {
        let row = rows.iter().find(|r| r["scenario"] == scenario).unwrap();
        row["coverageRatio"].as_str().unwrap().parse().unwrap()
    };
    let base: f64 = table["project"]["coverageRatio"].as_str().unwrap().parse().unwrap();
    assert!(ratio("收入-10%") < base && base < ratio("收入+10%") && ratio("成本+10%") < base, "{rows:?}");
    let clean = app.ok(q, json!({"c": "HY-JT-01"})).await;
    let clean_checks = clean["project"]["assessment"]["checks"].as_array().unwrap();
    let coverage = clean_checks.iter().find(|c| c["name"] == "本息覆盖倍数").unwrap();
    assert_eq!(coverage["passed"], true, "{coverage}");
    assert!(coverage["detail"].as_str().unwrap().contains("本息覆盖倍数"));

    let pdf = get(&app, "/reports/HY-MZ-02/assessment.pdf", Some(&app.token)).await;
    assert_eq!(pdf.status(), 200);
    let text = pdf_text(&pdf.bytes().await.unwrap());
    // The outline of 财预〔2021〕61号, in order (lines joined and spaces dropped: pdftotext spaces out a justified line).
    let flat = text.replace(['\n', ' '], "");
    let mut at = 0;
    for heading in [
        "事前绩效评估报告",
        "一、",
        "二、资金来源与到位可行性",
        "三、收入、成本与收益预测",
        "四、本息覆盖与敏感性分析",
        "本息覆盖倍数敏感性分析",
        "五、偿债计划与偿债风险点",
        "偿债风险点:",
        "六、绩效目标(申报)",
        "七、评估要点与评分",
        "八、评估结论",
    ] {
        let found = flat[at..].find(heading).unwrap_or_else(|| panic!("{heading} after {at} in:\n{text}"));
        at += found + heading.len();
    }
    assert!(text.contains("负面清单"));
    let conclusion = troubled["project"]["assessment"]["conclusion"].as_str().unwrap();
    assert!(text.contains(&format!("评估结论:{conclusion}")), "the recorded conclusion {conclusion}");
    assert!(text.contains("收入-10%"), "the sensitivity table");
    // Before the project starts there is nothing to measure: targets without actuals.
    assert!(!text.contains("实际完成") && !text.contains("达成率"), "no actuals in an ex-ante assessment");
    let pages = text.matches("页 共").count();
    assert!(pages >= 2 && text.contains(&format!("第 1 页 共 {pages} 页")), "第 n 页 共 m 页 on each of {pages} pages");

    // The scoring table of the HTML (the same document): eight maxima adding up to 100,
    // the scores as printed adding up to the printed total, a failed finding never left
    // beside a bare approval.
    let html = get(&app, "/reports/HY-MZ-02/assessment.html", Some(&app.token)).await.text().await.unwrap();
    let table = &html[html.find("评估要点评分表").expect("the scoring table")..];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    let rows: Vec<Vec<String>> = body
        .split("<tr>")
        .skip(1)
        .map(|r| {
            r.split("<td").skip(1).map(|c| c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()].to_string()).collect()
        })
        .collect();
    assert_eq!(rows.len(), 9, "eight points and the total");
    let number = |s: &str| s.parse::<Decimal>().unwrap_or_else(|_| panic!("a number, not {s}"));
    // 20 + 15 + 15 + 15 + 10 + 10 + 10 + 5 = 100 (jobs/evaluation.toml).
    let maxima: Vec<Decimal> = rows[..8].iter().map(|r| number(&r[2])).collect();
    assert_eq!(maxima.iter().sum::<Decimal>(), Decimal::ONE_HUNDRED);
    assert_eq!(rows[8][2], "100.00");
    // Not supported: each point scored 55% of its maximum, 11 + 8.25 × 3 + 5.5 × 3 + 2.75 = 55.
    let scores: Vec<Decimal> = rows[..8].iter().map(|r| number(&r[3])).collect();
    assert_eq!(scores[0], Decimal::new(11, 0));
    let total = number(&rows[8][3]);
    assert_eq!(total, Decimal::from(55));
    assert!((scores.iter().sum::<Decimal>() - total).abs() <= Decimal::new(1, 2) * Decimal::from(8));
    for r in &rows[..8] {
        if r[4].contains("未通过") {
            assert!(r[5].contains("未通过"), "a failed finding is said beside the judgement: {r:?}");
        }
    }
    assert!(!html.contains("经审核,符合要求"), "no generic approval");
}

#[tokio::test]
async fn reports_need_credentials_and_keep_to_the_callers_department() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    assert_eq!(get(&app, "/reports/HY-JT-01/assessment.html", None).await.status(), 401);
    let reporter = app.token_for("jt", Role::Reporter, Some("HY-JT")).await;
    assert_eq!(get(&app, "/reports/HY-JT-01/assessment.html", Some(&reporter)).await.status(), 200);
    assert_eq!(get(&app, "/reports/HY-MZ-02/assessment.html", Some(&reporter)).await.status(), 403);
    assert_eq!(get(&app, "/reports/NOPE/assessment.html", Some(&app.token)).await.status(), 404);
    let future = get(&app, "/reports/HY-JT-01/2030/evaluation.html", Some(&app.token)).await;
    assert_eq!(future.status(), 400);
    assert!(future.text().await.unwrap().contains("2030"));
}

#[tokio::test]
async fn without_a_cjk_font_a_pdf_is_refused_naming_the_package() {
    let mut settings = Settings::default();
    settings.reports.font = Some("/nonexistent/font.ttc".into());
    let app = TestApp::spawn_with(settings, Anonymous::Refused).await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    let response = get(&app, "/reports/HY-JT-01/assessment.pdf", Some(&app.token)).await;
    assert_eq!(response.status(), 503);
    let message = response.text().await.unwrap();
    assert!(message.contains("fonts-noto-cjk") && message.contains("BONDWATCH_FONT"), "{message}");
    // A font without Chinese characters is refused too, rather than printing boxes.
    let latin = std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    if latin.exists() {
        let err = bondwatch::reports::pdf::check_font(Some(latin)).unwrap_err().to_string();
        assert!(err.contains("has no Chinese characters"), "{err}");
    }
    // The HTML report needs no font.
    assert_eq!(get(&app, "/reports/HY-JT-01/assessment.html", Some(&app.token)).await.status(), 200);
}

#[tokio::test]
async fn departments_are_ranked_with_the_projects_under_60() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    // The demo's projects all pass; P1 got its bond money in 2025 and did nothing with it:
    // no assessment, no targets, no forecast, no payment.
    app.basics().await;
    app.ok(
        r#"mutation { allocateBond(input: {bondCode: "B1", projectCode: "P1", amount: "60000000.00", allocatedOn: "2025-03-01", receivedOn: "2025-03-05"}) { amount } }"#,
        json!({}),
    )
    .await;
    let codes = bondwatch::ledger::queries::all_project_codes(&app.ctx.db).await.unwrap();
    for code in &codes {
        app.ok("mutation($c: String!) { evaluate(projectCode: $c, year: 2025) { totalScore } }", json!({"c": code}))
            .await;
    }
    let list = app.ok("{ evaluations(year: 2025) { totalScore project { department { code } } } }", json!({})).await;
    let ranking = app
        .ok("{ departmentRanking(year: 2025) { rank department { code } projects averageScore under60 } }", json!({}))
        .await;
    let ranks = ranking["departmentRanking"].as_array().unwrap();
    assert_eq!(ranks.iter().map(|r| r["projects"].as_i64().unwrap()).sum::<i64>(), codes.len() as i64);
    let mut last = f64::MAX;
    for r in ranks {
        let code = r["department"]["code"].as_str().unwrap();
        let scores: Vec<f64> = list["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["project"]["department"]["code"] == code)
            .map(|e| e["totalScore"].as_str().unwrap().parse().unwrap())
            .collect();
        assert_eq!(r["under60"].as_i64().unwrap(), scores.iter().filter(|s| **s < 60.0).count() as i64, "{code}");
        let average: f64 = r["averageScore"].as_str().unwrap().parse().unwrap();
        assert!(average <= last, "ranked best first");
        last = average;
    }
    let jt = ranks.iter().find(|r| r["department"]["code"] == "JT").unwrap();
    assert_eq!((jt["projects"].as_i64(), jt["under60"].as_i64()), (Some(1), Some(1)), "{ranks:?}");
}

#[test]
fn the_cli_writes_every_project_with_progress_and_the_scoring_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("r.db").display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bondwatch")).args(args).arg("--database-url").arg(&url).output().unwrap()
    };
    assert!(run(&["demo"]).status.success());
    let out = dir.path().join("reports");
    let batch = run(&["report", "evaluation", "--year", "2025", "--format", "html", "--out", out.to_str().unwrap()]);
    assert!(batch.status.success(), "{batch:?}");
    let stdout = String::from_utf8_lossy(&batch.stdout);
    assert!(stdout.contains("13 projects evaluated for 2025"), "{stdout}");
    let pages =
        std::fs::read_dir(&out).unwrap().filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "html").count();
    assert_eq!(pages, 13);
    let sheet = std::fs::read(out.join("2025-scoring.xlsx")).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(sheet)).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), ["评分表", "部门排名", "结果应用"]);
    let ranking = book.worksheet_range("部门排名").unwrap();
    assert_eq!(ranking.rows().next().unwrap()[5], calamine::Data::String("60分以下项目数".into()));
    assert!(ranking.rows().count() > 3);

    // A department's year for its feedback meeting: the sections in order, its place in
    // the ranking, and the suggestion the 结果应用 sheet gives it.
    let results = book.worksheet_range("结果应用").unwrap();
    let header: Vec<String> = results.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let col =
        |name: &str| header.iter().position(|h| h.contains(name)).unwrap_or_else(|| panic!("{name} in {header:?}"));
    let row = results.rows().find(|r| r[col("部门编码")] == "HY-ZJ").expect("the department's row").to_vec();
    let suggestion = row[col("建议")].to_string();
    let feedback = dir.path().join("dept.pdf");
    let dept =
        run(&["report", "department", "--department", "HY-ZJ", "--year", "2025", "--out", feedback.to_str().unwrap()]);
    assert!(dept.status.success(), "{dept:?}");
    let text = pdf_text(&std::fs::read(&feedback).unwrap());
    let flat = text.replace(['\n', ' '], "");
    let mut at = 0;
    for heading in [
        "2025年度专项债券项目绩效评价结果反馈",
        "一、项目绩效评价结果",
        "二、部门排名",
        "三、预警情况",
        "四、整改情况",
        "五、评价结果应用建议",
    ] {
        at += flat[at..].find(heading).unwrap_or_else(|| panic!("{heading} in:\n{text}")) + heading.len();
    }
    assert!(flat.contains("个部门中排第"), "its place:\n{text}");
    assert!(flat.contains(&suggestion.replace(' ', "")), "the suggestion “{suggestion}” in:\n{text}");
    for code in ["HY-ZJ-01", "HY-ZJ-02", "HY-ZJ-03"] {
        assert!(flat.contains(code), "{code} is listed");
    }

    let one = dir.path().join("one.pdf");
    let pdf = run(&["report", "evaluation", "--project", "HY-JT-01", "--year", "2025", "--out", one.to_str().unwrap()]);
    assert!(pdf.status.success(), "{pdf:?}");
    assert!(std::fs::read(&one).unwrap().starts_with(b"%PDF"));
    let fontless = Command::new(env!("CARGO_BIN_EXE_bondwatch"))
        .env("BONDWATCH_FONT", "/nonexistent.ttc")
        .args(["report", "assessment", "--database-url", &url, "--project", "HY-JT-01", "--out"])
        .arg(dir.path().join("a.pdf"))
        .output()
        .unwrap();
    assert!(!fontless.status.success());
    assert!(String::from_utf8_lossy(&fontless.stderr).contains("apt-get install fonts-noto-cjk"), "{fontless:?}");
}

/// Both reports of every demo project render to the end, in PDF and HTML.
#[tokio::test]
async fn both_reports_of_every_demo_project_render() {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.unwrap();
    let codes = bondwatch::ledger::queries::all_project_codes(&app.ctx.db).await.unwrap();
    assert_eq!(codes.len(), 13);
    for code in &codes {
        for (path, last) in [
            (format!("/reports/{code}/2025/evaluation.pdf"), "附件6 年度预警及处置情况"),
            (format!("/reports/{code}/assessment.pdf"), "八、评估结论"),
        ] {
            let r = get(&app, &path, Some(&app.token)).await;
            assert_eq!(r.status(), 200, "{path}");
            let text = pdf_text(&r.bytes().await.unwrap()).replace(['\n', ' '], "");
            assert!(text.contains(&last.replace(' ', "")), "{path} reaches {last}");
            let html = get(&app, &path.replace(".pdf", ".html"), Some(&app.token)).await.text().await.unwrap();
            assert!(html.contains(last) && html.ends_with("</html>"), "{path} as HTML");
        }
    }
}
