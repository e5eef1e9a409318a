//! The dashboard as the office's workplace (#20): the clerk's forms on a project's page,
//! in headless Chromium and over HTTP — a unit's staff record a payment and a monthly
//! progress report and see the figures move; the office records a receipt and a
//! debt-service payment; a bad amount is refused beside its field and writes nothing; a
//! form posted twice records once.

use calamine::Reader;
use rust_decimal::Decimal;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::dashboard::{cookie_of, demo_app, no_redirects};
use crate::helpers::TestApp;
use bondwatch::demo::DEMO_PASSWORD;
use bondwatch::ledger::entities::disbursement;

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("a decimal, not {v}")).parse().unwrap()
}

async fn disbursements(app: &TestApp) -> u64 {
    disbursement::Entity::find().count(&app.ctx.db).await.unwrap()
}

/// The department's projects with their allocations, unpaid lines and figures.
async fn projects_of(app: &TestApp, department: Option<&str>) -> Vec<Value> {
    let data = app
        .ok(
            "query($d: String) { projects(filter: {departmentCode: $d}, first: 100) { nodes { code
               allocations { bond { code } amount received } figures { paid received }
               debtService { dueDate bond { code } principal interest paid } latestProgress { period actualPercent } } } }",
            json!({"d": department}),
        )
        .await;
    data["projects"]["nodes"].as_array().unwrap().clone()
}

async fn figures_of(app: &TestApp, code: &str) -> Value {
    let data =
        app.ok("query($c: String!) { project(code: $c) { figures { paid received } } }", json!({"c": code})).await;
    data["project"]["figures"].clone()
}

/// Sets a date, month or text input by script (a date input's typing is the locale's).
async fn set(b: &Browser, css: &str, value: &str) {
    b.client
        .execute("document.querySelector(arguments[0]).value = arguments[1];", vec![json!(css), json!(value)])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_unit_records_a_payment_and_its_progress_on_its_project_page() {
    let app = demo_app().await;
    let own = projects_of(&app, Some("HY-JT")).await;
    let project = own.iter().find(|p| dec(&p["figures"]["received"]) > Decimal::ZERO).expect("a JT project with money");
    let code = project["code"].as_str().unwrap();
    let other = projects_of(&app, Some("HY-MZ")).await[0]["code"].as_str().unwrap().to_string();

    let b = Browser::start("workplace-unit").await;
    b.log_in(&app.url, "jiaotong", DEMO_PASSWORD).await;
    b.goto(&format!("{}/projects/{code}", app.url)).await;
    assert!(!b.all("#form-payment").await.is_empty() && !b.all("#form-progress").await.is_empty());
    assert!(b.all("#form-receipt").await.is_empty(), "receipts are the office's");
    b.shot("1-forms").await;

    // A bad amount: 12.345 元 is not a fen. Refused beside the field, the rest kept, nothing written.
    let before = disbursements(&app).await;
    b.click("#form-payment summary").await;
    b.find("#form-payment input[name=amount]").await.send_keys("12.345").await.unwrap();
    set(&b, "#form-payment input[name=paidOn]", "2026-06-10").await;
    b.find("#form-payment input[name=payee]").await.send_keys("武汉某建设工程有限公司").await.unwrap();
    b.find("#form-payment input[name=economicClass]").await.send_keys("31005 基础设施建设").await.unwrap();
    b.click("#form-payment button[type=submit]").await;
    b.wait_text("#form-payment span.invalid[data-field=amount]", "金额(元):12.345 元 精确不到分(换算为元最多两位小数)")
        .await;
    assert_eq!(
        b.find("#form-payment input[name=payee]").await.prop("value").await.unwrap().as_deref(),
        Some("武汉某建设工程有限公司")
    );
    assert_eq!(disbursements(&app).await, before, "nothing written");
    b.shot("2-bad-amount").await;

    // Corrected: 12,345.67 元 paid; 支出 rises by exactly that.
    let paid_before = dec(&figures_of(&app, code).await["paid"]);
    let amount = b.find("#form-payment input[name=amount]").await;
    amount.clear().await.unwrap();
    amount.send_keys("12,345.67").await.unwrap();
    b.click("#form-payment button[type=submit]").await;
    b.wait_text("p.notice", "已记录:支出(项目单位→最终收款人)。").await;
    let paid_after = dec(&figures_of(&app, code).await["paid"]);
    assert_eq!(paid_after - paid_before, Decimal::new(1_234_567, 2), "12,345.67 元 more paid");
    assert_eq!(disbursements(&app).await, before + 1);
    let shown = bondwatch::reports::wan(bondwatch::db::Money::round_half_up(paid_after));
    let mut values = Vec::new();
    for f in b.all(".figures .figure").await {
        values.push(f.text().await.unwrap().replace('\n', " "));
    }
    assert!(values.contains(&format!("支出(万元) {shown}")), "the page shows the new 支出: {values:?}");

    // The month's progress: 40% planned, 35% done.
    b.click("#form-progress summary").await;
    set(&b, "#form-progress input[name=period]", "2026-05").await;
    b.find("#form-progress input[name=plannedPercent]").await.send_keys("40").await.unwrap();
    b.find("#form-progress input[name=actualPercent]").await.send_keys("35").await.unwrap();
    b.click("#form-progress button[type=submit]").await;
    b.wait_text("p.notice", "已记录:月度进度(双监控)。").await;
    let p = app
        .ok("query($c: String!) { project(code: $c) { progress { period actualPercent } } }", json!({"c": code}))
        .await;
    assert!(
        p["project"]["progress"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["period"] == "2026-05" && dec(&r["actualPercent"]) == Decimal::from(35)),
        "{p}"
    );
    b.shot("3-recorded").await;

    // Another department's project: no forms at all.
    b.goto(&format!("{}/projects/{other}", app.url)).await;
    b.find("section#alerts").await;
    assert!(b.all("section#record").await.is_empty());
    b.finish().await;
}

#[tokio::test]
async fn the_office_records_a_receipt_and_a_debt_service_payment() {
    let app = demo_app().await;
    let all = projects_of(&app, None).await;
    let short = all
        .iter()
        .find_map(|p| {
            let a = p["allocations"].as_array().unwrap().iter().find(|a| dec(&a["received"]) < dec(&a["amount"]))?;
            Some((p["code"].as_str().unwrap().to_string(), a["bond"]["code"].as_str().unwrap().to_string()))
        })
        .expect("an allocation not wholly received");
    let b = Browser::start("workplace-office").await;
    b.log_in(&app.url, "admin", DEMO_PASSWORD).await;
    b.goto(&format!("{}/projects/{}", app.url, short.0)).await;
    let received_before = dec(&figures_of(&app, &short.0).await["received"]);
    b.click("#form-receipt summary").await;
    b.find(&format!("#form-receipt select[name=bondCode] option[value='{}']", short.1)).await.click().await.unwrap();
    b.find("#form-receipt input[name=amount]").await.send_keys("1.5").await.unwrap();
    set(&b, "#form-receipt input[name=receivedOn]", "2026-06-01").await;
    b.click("#form-receipt button[type=submit]").await;
    b.wait_text("p.notice", "已记录:到账(债券资金到达国库)。").await;
    // 1.5 万元 = 15,000.00 元 more received.
    assert_eq!(dec(&figures_of(&app, &short.0).await["received"]) - received_before, Decimal::from(15_000));

    // A debt-service line not yet paid, paid in full: 本金 + 利息 in 万元, exact.
    let (code, line) = all
        .iter()
        .find_map(|p| {
            let l = p["debtService"].as_array().unwrap().iter().find(|l| dec(&l["paid"]).is_zero())?.clone();
            Some((p["code"].as_str().unwrap().to_string(), l))
        })
        .expect("an unpaid line");
    let owed = dec(&line["principal"]) + dec(&line["interest"]);
    let value = format!("{}|{}", line["bond"]["code"].as_str().unwrap(), line["dueDate"].as_str().unwrap());
    b.goto(&format!("{}/projects/{code}", app.url)).await;
    b.click("#form-debt-service summary").await;
    b.find(&format!("#form-debt-service select[name=line] option[value='{value}']")).await.click().await.unwrap();
    b.find("#form-debt-service input[name=amount]")
        .await
        .send_keys(&(owed / Decimal::from(10_000)).normalize().to_string())
        .await
        .unwrap();
    set(&b, "#form-debt-service input[name=paidOn]", "2026-06-15").await;
    b.click("#form-debt-service button[type=submit]").await;
    b.wait_text("p.notice", "已记录:还本付息。").await;
    let after = app
        .ok(
            "query($c: String!) { project(code: $c) { debtService { dueDate bond { code } paid } } }",
            json!({"c": code}),
        )
        .await;
    let paid = after["project"]["debtService"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["dueDate"] == line["dueDate"] && l["bond"]["code"] == line["bond"]["code"])
        .map(|l| dec(&l["paid"]))
        .unwrap();
    assert_eq!(paid, owed, "the line is paid in full");
    b.shot("1-debt-service").await;
    b.finish().await;
}

/// The form's key as the page rendered it.
fn form_key(page: &str, form: &str) -> String {
    let at = page.find(&format!("id=\"form-{form}\"")).expect("the form");
    let rest = &page[at..];
    let key = rest.find("name=\"formKey\" value=\"").expect("its key") + "name=\"formKey\" value=\"".len();
    rest[key..key + 32].to_string()
}

#[tokio::test]
async fn a_form_posted_twice_records_once() {
    let app = demo_app().await;
    let code = projects_of(&app, Some("HY-JT")).await[0]["code"].as_str().unwrap().to_string();
    let client = no_redirects();
    let cookie = cookie_of(&app, "jiaotong").await;
    let page = client
        .get(format!("{}/projects/{code}", app.url))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = form_key(&page, "progress");
    let before = bondwatch::ledger::entities::progress_report::Entity::find().count(&app.ctx.db).await.unwrap();
    let post = || {
        client
            .post(format!("{}/projects/{code}/record/progress", app.url))
            .header("origin", &app.url)
            .header("cookie", &cookie)
            .form(&[
                ("formKey", key.as_str()),
                ("period", "2026-04"),
                ("plannedPercent", "30"),
                ("actualPercent", "31"),
                ("note", "第一次"),
            ])
    };
    let (first, second) = tokio::join!(post().send(), post().send());
    let mut locations: Vec<String> = [first.unwrap(), second.unwrap()]
        .iter()
        .map(|r| {
            assert_eq!(r.status(), 303);
            r.headers()["location"].to_str().unwrap().to_string()
        })
        .collect();
    locations.sort();
    assert_eq!(
        locations,
        [
            format!("/projects/{code}?recorded=progress#record"),
            format!("/projects/{code}?recorded=progress&again=1#record")
        ]
    );
    let after = bondwatch::ledger::entities::progress_report::Entity::find().count(&app.ctx.db).await.unwrap();
    assert_eq!(after, before + 1, "one report, not two");
    // Back and resubmit, later: still once.
    let third = post().send().await.unwrap();
    assert!(third.headers()["location"].to_str().unwrap().contains("again=1"));
    let page = client
        .get(format!("{}/projects/{code}?recorded=progress&again=1", app.url))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("“月度进度(双监控)”已提交过,本次未重复记录。"));
    // A refused post gives its key back: the corrected form goes through with it.
    let refused_key = form_key(&page, "payment");
    let pay = |amount: &'static str| {
        client
            .post(format!("{}/projects/{code}/record/payment", app.url))
            .header("origin", &app.url)
            .header("cookie", &cookie)
            .form(&[
                ("formKey", refused_key.as_str()),
                ("amount", amount),
                ("paidOn", "2026-06-01"),
                ("payee", "某公司"),
                ("economicClass", "310"),
            ])
    };
    let bad = pay("-5").send().await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("data-field=\"amount\""));
    let good = pay("5").send().await.unwrap();
    assert_eq!(good.headers()["location"].to_str().unwrap(), format!("/projects/{code}?recorded=payment#record"));
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> String {
    let r = no_redirects().get(format!("{}{path}", app.url)).header("cookie", cookie).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// The ids of the alert rows of a page, in order.
fn row_ids(html: &str) -> Vec<String> {
    html.split("<tr id=\"alert-").skip(1).map(|r| r.split('"').next().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_alerts_are_a_work_list_sorted_by_severity_with_their_history() {
    let app = demo_app().await;
    let listed = app
        .ok("{ alerts(filter: {unresolved: true}, first: 200) { nodes { id severity rule firstSeenAt } } }", json!({}))
        .await;
    let mut open: Vec<Value> = listed["alerts"]["nodes"].as_array().unwrap().clone();
    assert!(open.len() > 10, "the demo has alerts to order");
    // The work list by hand: RED, ORANGE, YELLOW, BLUE; within one, the longest open first, then by id.
    let rank = |s: &Value| ["RED", "ORANGE", "YELLOW", "BLUE"].iter().position(|x| s == x).unwrap();
    open.sort_by(|a, b| {
        (rank(&a["severity"]), a["firstSeenAt"].as_str(), a["id"].as_str().unwrap().parse::<i64>().unwrap()).cmp(&(
            rank(&b["severity"]),
            b["firstSeenAt"].as_str(),
            b["id"].as_str().unwrap().parse::<i64>().unwrap(),
        ))
    });
    let expected: Vec<String> = open.iter().take(50).map(|a| a["id"].as_str().unwrap().to_string()).collect();
    let cookie = cookie_of(&app, "admin").await;
    let first = page(&app, &cookie, "/alerts?department=*").await;
    assert_eq!(row_ids(&first), expected, "most severe, then longest open, first");
    // The next page goes on where the first stopped.
    if open.len() > 50 {
        let next =
            first.split("class=\"more\"><a href=\"").nth(1).and_then(|r| r.split('"').next()).expect("a next page");
        let second = page(&app, &cookie, &next.replace("&amp;", "&")).await;
        let rest: Vec<String> = open.iter().skip(50).take(50).map(|a| a["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(row_ids(&second), rest);
    }
    // By rule, A to Z; the same header again, Z to A.
    let by_rule = |html: &str| -> Vec<String> {
        row_ids(html)
            .iter()
            .map(|id| open.iter().find(|a| a["id"] == id.as_str()).unwrap()["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let ascending = by_rule(&page(&app, &cookie, "/alerts?department=*&sort=rule").await);
    assert!(ascending.windows(2).all(|w| w[0] <= w[1]), "{ascending:?}");
    let descending = by_rule(&page(&app, &cookie, "/alerts?department=*&sort=rule&desc=1").await);
    assert!(descending.windows(2).all(|w| w[0] >= w[1]), "{descending:?}");
    assert!(first.contains("href=\"/alerts?department=*&amp;sort=rule\""), "the header orders by its column");

    // Acknowledged with a note, waived with a reason (by the test's office user): both are told under the status.
    let (a, w) = (expected[0].clone(), expected[1].clone());
    app.ok("mutation($id: ID!) { acknowledgeAlert(id: $id, note: \"已电话督促\") { id } }", json!({"id": a})).await;
    app.ok("mutation($id: ID!) { waiveAlert(id: $id, reason: \"经区政府批准暂缓\") { id } }", json!({"id": w})).await;
    let html = page(&app, &cookie, "/alerts?department=*").await;
    let row = |id: &str| {
        let at = html.find(&format!("<tr id=\"alert-{id}\"")).unwrap();
        html[at..at + html[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row(&a).contains("确认 · office:<span class=\"note\">已电话督促</span>"), "{}", row(&a));
    assert!(row(&w).contains("豁免 · office:<span class=\"note\">经区政府批准暂缓</span>"), "{}", row(&w));
    assert!(row(&a).contains("发现 · 系统巡检"), "raised by the sweep");
}

/// An export downloaded with the session cookie, opened as a workbook.
async fn xlsx(app: &TestApp, cookie: &str, path: &str) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    let r = no_redirects().get(format!("{}{path}", app.url)).header("cookie", cookie).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).expect("an xlsx workbook")
}

/// The text of a PDF, page by page (poppler's pdftotext).
fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) runs");
    String::from_utf8(out.stdout).unwrap().split('\u{c}').filter(|p| !p.trim().is_empty()).map(str::to_string).collect()
}

#[tokio::test]
async fn a_printed_page_has_no_navigation_and_names_the_user_and_day_on_every_sheet() {
    let app = demo_app().await;
    let b = Browser::start("print").await;
    b.log_in(&app.url, "admin", DEMO_PASSWORD).await;
    for (path, must) in
        [("/projects/HY-ZJ-02", "资金支出进度"), ("/alerts?department=*", "预警内容"), ("/", "未来12个月应还本息")]
    {
        b.goto(&format!("{}{path}", app.url)).await;
        b.find("main h1").await;
        let pdf = b.client.print(fantoccini::wd::PrintConfiguration::default()).await.expect("print to PDF");
        let pages = pdf_pages(&pdf);
        assert!(!pages.is_empty(), "{path}");
        let all = pages.concat();
        for gone in ["退出", "搜索", "确认豁免", "下达整改", "录入"] {
            assert!(!all.contains(gone), "{path} printed with “{gone}”");
        }
        assert!(all.contains(must), "{path} keeps its content ({must})");
        for (i, page) in pages.iter().enumerate() {
            assert!(page.contains("打印:admin · 2026-06-15"), "{path}: page {} names the user and the day", i + 1);
        }
        std::fs::create_dir_all(crate::browser::screenshot_dir()).unwrap();
        let name = path.trim_matches('/').split(['/', '?']).next().filter(|n| !n.is_empty()).unwrap_or("portfolio");
        std::fs::write(crate::browser::screenshot_dir().join(format!("print-{name}.pdf")), &pdf).unwrap();
    }
    b.finish().await;
}

/// A 进度 sheet of one row for `project`: planned 40%, actual as given.
fn progress_book(project: &str, actual: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("进度").unwrap();
    for (c, h) in ["项目编码", "月份", "计划进度(%)", "实际进度(%)"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in [project, "2026-03", "40", actual].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_workbook_is_checked_then_imported_and_exports_download_from_the_browser() {
    use bondwatch::ledger::entities::progress_report;
    use bondwatch::spreadsheets::pending::pending_upload;
    let app = demo_app().await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("进度-有误.xlsx");
    let good = dir.path().join("进度.xlsx");
    std::fs::write(&bad, progress_book("HY-JT-01", "八十")).unwrap();
    std::fs::write(&good, progress_book("HY-JT-01", "38.5")).unwrap();
    let reports = async || progress_report::Entity::find().count(&app.ctx.db).await.unwrap();
    let before = reports().await;

    let b = Browser::start("sheets").await;
    b.log_in(&app.url, "jiaotong", DEMO_PASSWORD).await;
    b.goto(&format!("{}/sheets", app.url)).await;
    assert_eq!(b.find("a[href='/templates/bondwatch.xlsx']").await.text().await.unwrap(), "导入模板");
    b.find("input[type=file]").await.send_keys(bad.to_str().unwrap()).await.unwrap();
    b.click("#upload button[type=submit]").await;
    b.wait_text("main h1", "导入检查进度-有误.xlsx").await;
    let cells: Vec<String> = {
        let mut out = Vec::new();
        for c in b.all("table.problems tbody tr td").await {
            out.push(c.text().await.unwrap());
        }
        out
    };
    assert_eq!(cells[..4], ["进度", "2", "D 实际进度(%)", "八十"], "{cells:?}");
    assert!(cells[4].contains("不是数字"), "{cells:?}");
    assert!(b.all("form[action='/sheets/import']").await.is_empty(), "nothing to confirm");
    assert_eq!(reports().await, before, "a check writes nothing");
    b.shot("1-problems").await;

    b.goto(&format!("{}/sheets", app.url)).await;
    b.find("input[type=file]").await.send_keys(good.to_str().unwrap()).await.unwrap();
    b.click("#upload button[type=submit]").await;
    b.wait_text("p.notice", "检查通过,可以导入。").await;
    assert_eq!(reports().await, before, "still nothing written");
    assert_eq!(pending_upload::Entity::find().count(&app.ctx.db).await.unwrap(), 1, "the upload waits in the database");
    b.click("form[action='/sheets/import'] button").await;
    b.wait_text("p.notice", "已导入。").await;
    assert_eq!(reports().await, before + 1);
    assert_eq!(pending_upload::Entity::find().count(&app.ctx.db).await.unwrap(), 0, "and is dropped once imported");
    b.shot("2-imported").await;
    b.finish().await;

    // The alerts export is what the filtered list shows: the red ones not resolved.
    let cookie = cookie_of(&app, "admin").await;
    let html = page(&app, &cookie, "/alerts?severity=RED&department=*").await;
    assert!(html.contains("href=\"/exports/alerts.xlsx?severity=RED&amp;unresolved=1\""), "the list links its export");
    let mut book = xlsx(&app, &cookie, "/exports/alerts.xlsx?severity=RED&unresolved=1").await;
    let rows = book.worksheet_range("预警").unwrap().rows().count() - 1;
    let api = app.ok("{ alerts(filter: {severity: RED, unresolved: true}) { totalCount } }", json!({})).await;
    assert_eq!(rows as i64, api["alerts"]["totalCount"].as_i64().unwrap());
    // A bond's schedule, from its page: its lines only.
    let bond = app.ok("{ bonds(first: 1) { nodes { code schedule { dueDate } } } }", json!({})).await;
    let code = bond["bonds"]["nodes"][0]["code"].as_str().unwrap();
    let mut book = xlsx(&app, &cookie, &format!("/exports/schedule.xlsx?bond={code}")).await;
    let lines = book.worksheet_range("还本付息计划").unwrap().rows().count() - 1;
    assert_eq!(lines, bond["bonds"]["nodes"][0]["schedule"].as_array().unwrap().len());
    let refused = no_redirects()
        .get(format!("{}/exports/alerts.xlsx?severity=PURPLE", app.url))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("“PURPLE”不是可选的severity"));
    // A filter naming a department or bond that does not exist is a bad request too.
    for path in ["/exports/alerts.xlsx?department=NOPE", "/exports/schedule.xlsx?bond=NOPE"] {
        let refused = no_redirects().get(format!("{}{path}", app.url)).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(refused.status(), 400, "{path}");
        assert!(refused.text().await.unwrap().contains("NOPE"), "{path}: the reason names it");
    }
}
