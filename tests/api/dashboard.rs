//! The dashboard in a real browser (headless Chromium) on the demo portfolio after a
//! sweep: log in, the portfolio, a project found with the search box, acknowledging and
//! waiving alerts, a report, the alerts filters, a bond; what each role may see and do;
//! and the session and form rules over plain HTTP.

use bondwatch::db::Money;
use bondwatch::demo::{self, DEMO_PASSWORD};
use bondwatch::monitoring::store::alert;
use bondwatch::monitoring::sweep::{self, SweepOptions};
use reqwest::redirect::Policy;
use rust_decimal::Decimal;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::helpers::TestApp;
use fantoccini::Locator;

/// The demo portfolio, swept as of the test clock's today.
pub(crate) async fn demo_app() -> TestApp {
    let app = TestApp::spawn().await;
    demo::load(&app.ctx, |_| {}).await.expect("the demo loads");
    sweep::run(&app.ctx, &app.ctx.rules, app.ctx.clock.today(), SweepOptions::default()).await.expect("a sweep");
    app
}

fn wan(text: &str) -> String {
    bondwatch::reports::wan(Money::round_half_up(text.parse::<Decimal>().expect("an amount")))
}

/// Projects with open alerts, most first: (code, name, department code, open alert ids).
async fn projects_with_open_alerts(app: &TestApp) -> Vec<(String, String, String, Vec<String>)> {
    let data = app
        .ok(
            "{ projects(first: 100) { nodes { code name department { code } alerts(status: OPEN) { id } } } }",
            json!({}),
        )
        .await;
    let mut found: Vec<_> = data["projects"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let ids = p["alerts"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
            (
                p["code"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["department"]["code"].as_str().unwrap().to_string(),
                ids,
            )
        })
        .filter(|p: &(String, String, String, Vec<String>)| !p.3.is_empty())
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(p.3.len()));
    found
}

async fn alert_row(app: &TestApp, id: &str) -> alert::Model {
    alert::Entity::find_by_id(id.parse::<i64>().unwrap()).one(&app.ctx.db).await.unwrap().expect("the alert")
}

#[tokio::test]
async fn the_debt_office_logs_in_reads_the_portfolio_and_handles_a_projects_alerts_in_a_browser() {
    let app = demo_app().await;
    let b = Browser::start("office").await;

    // Not logged in: the login page, which comes back to the page asked for.
    b.goto(&format!("{}/alerts?severity=RED", app.url)).await;
    b.wait_path("/login").await;
    b.shot("1-login").await;
    b.find("input[name=username]").await.send_keys("admin").await.unwrap();
    b.find("input[name=password]").await.send_keys(DEMO_PASSWORD).await.unwrap();
    b.click("section.login button[type=submit]").await;
    b.wait_path("/alerts?severity=RED").await;
    assert_eq!(b.text("header.top .who .user").await, "admin");

    // The portfolio: the API's totals, every department, the alert matrix, the chart.
    b.goto(&format!("{}/", app.url)).await;
    let api = app
        .ok(
            "{ portfolio { projects bondFunding received disbursed spendRatePercent outstandingPrincipal debtServiceNext12Months
               openAlerts { severity count } } departments { name } }",
            json!({}),
        )
        .await;
    let p = &api["portfolio"];
    assert!(b.text("main h1").await.starts_with("专项债项目总览"));
    let mut figures = Vec::new();
    for f in b.all(".figures .figure").await {
        figures.push(f.text().await.unwrap().replace('\n', " "));
    }
    assert_eq!(
        figures,
        [
            format!("项目数 {}", p["projects"]),
            format!("债券资金(万元) {}", wan(p["bondFunding"].as_str().unwrap())),
            format!("到账(万元) {}", wan(p["received"].as_str().unwrap())),
            format!("支出(万元) {}", wan(p["disbursed"].as_str().unwrap())),
            format!("支出率 {}", p["spendRatePercent"].as_str().unwrap().to_string() + "%"),
            format!("未偿本金(万元) {}", wan(p["outstandingPrincipal"].as_str().unwrap())),
            format!("未来12个月本息(万元) {}", wan(p["debtServiceNext12Months"].as_str().unwrap())),
        ]
    );
    assert_eq!(b.all("table.departments tbody tr").await.len(), api["departments"].as_array().unwrap().len());
    let totals = b.all("table.matrix tr.total td").await;
    for (cell, count) in totals.iter().zip(p["openAlerts"].as_array().unwrap()) {
        assert_eq!(cell.text().await.unwrap(), count["count"].to_string(), "open {} alerts", count["severity"]);
    }
    assert!(b.text("figure.chart figcaption").await.starts_with("未来12个月应还本息"));
    // 15 June 2026 to 14 June 2027, the figure's window: twelve months (15 June to 14 July,
    // …), not the thirteen calendar months it touches; a bar each for principal and interest.
    assert_eq!(b.all("table.monthly thead th.num").await.len(), 12 + 1);
    assert_eq!(b.all("figure.chart svg rect").await.len(), 2 * 12);
    assert_eq!(
        b.text("table.monthly tbody tr:last-child td:last-child").await,
        wan(p["debtServiceNext12Months"].as_str().unwrap()),
        "the months add up to the portfolio's figure"
    );
    // Spend rate by department: received and disbursed of its projects, as the API has them.
    let depts = app.ok("{ departments { name projects { received disbursed } } }", json!({})).await;
    for (row, d) in b.all("table.departments tbody tr").await.iter().zip(depts["departments"].as_array().unwrap()) {
        let sum = |k: &str| {
            d["projects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p[k].as_str().unwrap().parse::<Decimal>().unwrap())
                .sum::<Decimal>()
        };
        let expected = if sum("received").is_zero() {
            "—".to_string()
        } else {
            format!("{:.2}%", (sum("disbursed") * Decimal::ONE_HUNDRED / sum("received")).round_dp(2))
        };
        let cells = row.find_all(Locator::Css("td")).await.unwrap();
        assert_eq!(cells[0].text().await.unwrap(), d["name"].as_str().unwrap());
        assert_eq!(cells[5].text().await.unwrap(), expected);
    }
    assert!(b.fits_width().await, "the portfolio fits a 1366-pixel screen");
    b.shot("2-portfolio").await;
    b.client.execute("document.querySelector('table.monthly').scrollIntoView({block: 'end'});", vec![]).await.unwrap();
    b.shot("2-portfolio-debt-service").await;

    // A project found with the search box.
    let troubled = projects_with_open_alerts(&app).await;
    let (code, name, _, open) = troubled.first().expect("the demo has projects with open alerts").clone();
    assert!(open.len() >= 2, "a project with two open alerts: {troubled:?}");
    b.find("form.search input[name=q]").await.send_keys(&code).await.unwrap();
    b.click("form.search button").await;
    b.wait_path("/projects?q=").await;
    b.click(&format!("table.projects a[href='/projects/{code}']")).await;
    b.wait_path(&format!("/projects/{code}")).await;
    assert!(b.text("main h1").await.starts_with(&name));
    let mut headings = Vec::new();
    for h in b.all(".overview h2").await {
        headings.push(h.text().await.unwrap());
    }
    assert_eq!(
        headings,
        [
            "一、项目基本情况",
            "二、资金筹措与分配",
            "三、资金支出与建设进度",
            "四、还本付息计划",
            "五、本息覆盖与敏感性分析",
            "六、项目收益实现情况",
            "七、绩效指标完成情况"
        ]
    );
    assert!(b.all(".overview svg").await.len() >= 3, "spending, debt service and revenue charts");
    // Indicators with their targets, actuals and attainment, as the API has them.
    let indicators = app
        .ok(
            "query($c: String!) { project(code: $c) { targets { indicators { name targetText actual } } } }",
            json!({"c": code}),
        )
        .await;
    let declared: Vec<&Value> = indicators["project"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["indicators"].as_array().unwrap())
        .collect();
    assert!(!declared.is_empty(), "the demo's project has indicators");
    let overview = b.text(".overview").await;
    for i in &declared {
        assert!(overview.contains(i["name"].as_str().unwrap()) && overview.contains(i["targetText"].as_str().unwrap()));
    }
    // Spending against plan over the last twelve months, whatever the month of the year.
    let spending = b.find(".overview figure").await;
    assert_eq!(
        spending.find(Locator::Css("figcaption")).await.unwrap().text().await.unwrap(),
        "近12个月累计支出进度与计划(%)"
    );
    assert_eq!(spending.find_all(Locator::Css("svg text[text-anchor=middle]")).await.unwrap().len(), 12);
    assert!(b.fits_width().await, "the project page fits a 1366-pixel screen");
    b.shot("3-project").await;
    b.client.execute("document.querySelector('.overview figure').scrollIntoView();", vec![]).await.unwrap();
    b.shot("3-project-charts").await;

    // Acknowledge: the row changes from 待处理 to 已确认 and loses its button.
    let (first, second) = (&open[0], &open[1]);
    let row = |id: &str| format!("#alert-{id}");
    assert_eq!(b.text(&format!("{} td.status .state", row(first))).await, "待处理");
    b.click(&format!("{} button.ack", row(first))).await;
    b.wait_text(&format!("{} td.status .state", row(first)), "已确认").await;
    assert!(b.all(&format!("{} button.ack", row(first))).await.is_empty());
    assert_eq!(alert_row(&app, first).await.status, "ACKNOWLEDGED");
    b.shot("4-acknowledged").await;

    // Waive asks for a reason: without one the form does not go.
    b.click(&format!("{} details.waive summary", row(second))).await;
    let waive = format!("{} details.waive button", row(second));
    b.click(&waive).await;
    let missing = b
        .client
        .execute(
            &format!("return document.querySelector('{} details.waive textarea').validity.valueMissing;", row(second)),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(missing, Value::Bool(true));
    assert_eq!(alert_row(&app, second).await.status, "OPEN");
    let reason = "已列入下年度预算安排,经局务会同意";
    b.find(&format!("{} details.waive textarea", row(second))).await.send_keys(reason).await.unwrap();
    b.shot("5-waive-reason").await;
    b.click(&waive).await;
    b.wait_text(&format!("{} td.status .state", row(second)), "已豁免").await;
    let waived = alert_row(&app, second).await;
    assert_eq!((waived.status.as_str(), waived.note.as_deref()), ("WAIVED", Some(reason)));

    // The evaluation report of this year, from the project's report links.
    let year = chrono::Datelike::year(&app.ctx.clock.today());
    b.click(&format!("#reports a[href='/reports/{code}/{year}/evaluation.html']")).await;
    b.wait_path(&format!("/reports/{code}/{year}/evaluation.html")).await;
    assert_eq!(b.text("h1").await, format!("{year}年度专项债券项目绩效评价报告"));
    assert!(b.text(".subtitle").await.contains(&name));
    b.shot("6-report").await;

    // The alerts page, filtered by severity, then by dimension with the form.
    b.goto(&format!("{}/alerts?severity=RED", app.url)).await;
    let red = app.ok("{ alerts(filter: {severity: RED, unresolved: true}) { totalCount } }", json!({})).await;
    let rows = b.all("table.alerts tbody tr").await;
    assert_eq!(rows.len() as i64, red["alerts"]["totalCount"].as_i64().unwrap().min(50));
    assert_eq!(b.all("table.alerts tbody tr .badge.sev-red").await.len(), rows.len());
    b.find("select[name=dimension]").await.select_by_value("MANAGEMENT").await.unwrap();
    b.click("form.filters button").await;
    b.wait_path("/alerts?severity=RED&dimension=MANAGEMENT").await;
    for cell in b.all("table.alerts tbody tr td:nth-child(3)").await {
        assert_eq!(cell.text().await.unwrap(), "管理");
    }
    b.find("select[name=stage]").await.select_by_value("USE").await.unwrap();
    b.click("form.filters button").await;
    b.wait_path("/alerts?severity=RED&dimension=MANAGEMENT&stage=USE").await;
    let rows = b.all("table.alerts tbody tr td:nth-child(4)").await;
    assert!(!rows.is_empty());
    for cell in rows {
        assert_eq!(cell.text().await.unwrap(), "用(使用)");
    }
    assert!(b.fits_width().await, "the alerts page fits a 1366-pixel screen");
    b.shot("7-alerts").await;

    // A bond: its terms, its projects and every line of its schedule.
    b.goto(&format!("{}/bonds", app.url)).await;
    let first_bond = b.find("table.bonds tbody tr td a").await;
    let bond_code = first_bond.text().await.unwrap();
    first_bond.click().await.unwrap();
    b.wait_path(&format!("/bonds/{bond_code}")).await;
    let bond = app
        .ok(
            "query($c: String!) { bond(code: $c) { schedule { dueDate } allocations { amount } } }",
            json!({"c": bond_code}),
        )
        .await;
    assert_eq!(b.all("table.schedule tbody tr").await.len(), bond["bond"]["schedule"].as_array().unwrap().len());
    assert_eq!(b.all("table.allocations tbody tr").await.len(), bond["bond"]["allocations"].as_array().unwrap().len());
    assert!(b.fits_width().await, "the bond page fits a 1366-pixel screen");
    b.shot("8-bond").await;
    b.finish().await;
}

#[tokio::test]
async fn what_a_page_shows_and_which_buttons_work_follow_role_and_department() {
    let app = demo_app().await;
    let troubled = projects_with_open_alerts(&app).await;
    let own = troubled.iter().find(|p| p.2 == "HY-JT").expect("a 交通运输局 project with an open alert").clone();
    let other =
        troubled.iter().find(|p| p.2 != "HY-JT").expect("another department's project with an open alert").clone();

    // A REPORTER of 交通运输局: acknowledges its own department's alerts, waives none.
    let b = Browser::start("reporter").await;
    b.log_in(&app.url, "jiaotong", DEMO_PASSWORD).await;
    assert_eq!(b.text("table.departments tr.own td a").await, "武汉市汉阳区交通运输局");
    b.goto(&format!("{}/projects/{}", app.url, own.0)).await;
    assert!(!b.all(&format!("#alert-{} button.ack", own.3[0])).await.is_empty());
    assert!(b.all("details.waive").await.is_empty(), "only the debt office waives");
    assert!(!b.all("#reports a").await.is_empty());
    b.goto(&format!("{}/projects/{}", app.url, other.0)).await;
    assert!(b.all("button.ack").await.is_empty() && b.all("details.waive").await.is_empty());
    assert!(b.all("#reports a").await.is_empty(), "another department's reports are not linked");
    b.shot("1-other-department").await;
    // The alerts page starts at its own department.
    b.goto(&format!("{}/alerts", app.url)).await;
    assert_eq!(b.find("select[name=department]").await.prop("value").await.unwrap().as_deref(), Some("HY-JT"));
    for link in b.all("table.alerts tbody td:nth-child(5) a").await {
        assert!(link.attr("href").await.unwrap().unwrap().starts_with("/projects/HY-JT"));
    }
    // A forged form for another department's alert is refused, and changes nothing.
    let forge = |id: &str| {
        format!(
            "const f = document.createElement('form'); f.method = 'post'; f.action = '/alerts/{id}/acknowledge';\
             document.body.appendChild(f); f.submit();"
        )
    };
    b.client.execute(&forge(&other.3[0]), vec![]).await.unwrap();
    b.wait_text("section.error h1", "无权操作").await;
    assert!(b.text("section.error .message").await.contains("属于其他部门"));
    assert!(b.text("section.error p").await.contains("请联系债务办"), "what to do, in Chinese");
    assert_eq!(alert_row(&app, &other.3[0]).await.status, "OPEN");
    b.shot("2-refused").await;
    b.finish().await;

    // A RESEARCHER reads everything and has no buttons; a forged form is refused.
    let b = Browser::start("researcher").await;
    b.log_in(&app.url, "researcher", DEMO_PASSWORD).await;
    b.goto(&format!("{}/projects/{}", app.url, own.0)).await;
    assert!(b.all("button.ack").await.is_empty() && b.all("details.waive").await.is_empty());
    assert!(!b.all("#reports a").await.is_empty(), "a researcher reads every report");
    b.client.execute(&forge(&own.3[0]), vec![]).await.unwrap();
    b.wait_text("section.error h1", "无权操作").await;
    assert_eq!(alert_row(&app, &own.3[0]).await.status, "OPEN");
    b.finish().await;
}

/// Logs `username` in over HTTP: the session cookie.
pub(crate) async fn cookie_of(app: &TestApp, username: &str) -> String {
    let r = no_redirects()
        .post(format!("{}/login", app.url))
        .header("origin", &app.url)
        .form(&[("username", username), ("password", DEMO_PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
}

pub(crate) fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

async fn log_in(app: &TestApp, client: &reqwest::Client, next: &str) -> (String, String) {
    let r = client
        .post(format!("{}/login", app.url))
        .header("origin", &app.url)
        .form(&[("username", "admin"), ("password", DEMO_PASSWORD), ("next", next)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    (cookie.split(';').next().unwrap().to_string(), r.headers()["location"].to_str().unwrap().to_string())
}

#[tokio::test]
async fn sessions_and_forms_of_the_dashboard_over_http() {
    let app = demo_app().await;
    let client = no_redirects();

    // No cookie: to the login page, remembering where the browser was going.
    let r = client.get(format!("{}/projects?q=道路", app.url)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=/projects%3Fq%3D%25E9%2581%2593%25E8%25B7%25AF");

    // A wrong password: the form again, with the reason, and no cookie.
    let r = client
        .post(format!("{}/login", app.url))
        .header("origin", &app.url)
        .form(&[("username", "admin"), ("password", "wrong-password"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("set-cookie").is_none());
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));

    // The session cookie is HttpOnly and SameSite=Strict; `next` never leaves the site.
    let r = client
        .post(format!("{}/login", app.url))
        .header("origin", &app.url)
        .form(&[("username", "admin"), ("password", DEMO_PASSWORD), ("next", "/alerts")])
        .send()
        .await
        .unwrap();
    let set = r.headers()["set-cookie"].to_str().unwrap();
    assert!(set.starts_with("bondwatch_session=") && set.contains("HttpOnly") && set.contains("SameSite=Strict"));
    assert_eq!(r.headers()["location"], "/alerts");
    let (cookie, location) = log_in(&app, &client, "https://evil.example/").await;
    assert_eq!(location, "/");

    // Every page is whole without the internet: nothing loaded from another host.
    let open = projects_with_open_alerts(&app).await;
    let code = &open[0].0;
    // The search box finds a project by a part of its name, too.
    let part: String = open[0].1.chars().skip(2).take(4).collect();
    let r = client.get(format!("{}/projects", app.url)).query(&[("q", &part)]).header("cookie", &cookie).send().await;
    let found = r.unwrap().text().await.unwrap();
    assert!(found.contains(&format!("href=\"/projects/{code}\"")), "'{part}' finds {code}");
    for path in ["/".to_string(), format!("/projects/{code}"), "/alerts".into(), "/bonds".into()] {
        let r = client.get(format!("{}{path}", app.url)).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import", "url(http"] {
            assert!(!html.contains(attr), "{path} loads something from elsewhere ({attr})");
        }
        assert!(html.contains("/assets/dashboard.css"));
    }
    let css = client.get(format!("{}/assets/dashboard.css", app.url)).send().await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(!css.text().await.unwrap().contains("url("));

    // A form posted from another site is refused.
    let id = &open[0].3[0];
    let r = client
        .post(format!("{}/alerts/{id}/acknowledge", app.url))
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .form(&[("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(alert_row(&app, id).await.status, "OPEN");

    // Waiving without a reason (a browser would not send it) names the field, changes nothing.
    let r = client
        .post(format!("{}/alerts/{id}/waive", app.url))
        .header("origin", &app.url)
        .header("cookie", &cookie)
        .form(&[("reason", "  "), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("reason"));
    assert_eq!(alert_row(&app, id).await.status, "OPEN");

    // Acknowledged over a plain form post, then found with the status filter.
    let acknowledged = &open[0].3[1];
    let back = "/alerts?status=ACKNOWLEDGED&department=*";
    let r = client
        .post(format!("{}/alerts/{acknowledged}/acknowledge", app.url))
        .header("origin", &app.url)
        .header("cookie", &cookie)
        .form(&[("note", "已督促整改"), ("back", back)])
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, back));
    let html = client.get(format!("{}{back}", app.url)).header("cookie", &cookie).send().await.unwrap();
    let html = html.text().await.unwrap();
    assert!(html.contains(&format!("id=\"alert-{acknowledged}\"")) && html.contains("共 1 条"), "{html}");

    // A resolved alert is listed apart, under the project's past alerts.
    let resolved = &open[0].3[2];
    let mut row: alert::ActiveModel = alert_row(&app, resolved).await.into();
    row.status = sea_orm::Set("RESOLVED".into());
    row.open_key = sea_orm::Set(None);
    sea_orm::ActiveModelTrait::update(row, &app.ctx.db).await.unwrap();
    let html = client.get(format!("{}/projects/{code}", app.url)).header("cookie", &cookie).send().await.unwrap();
    let html = html.text().await.unwrap();
    let past = html.find("已解除的预警(1)").expect("a past alerts list");
    assert!(html.find(&format!("id=\"alert-{resolved}\"")).expect("the resolved alert") > past);
    // Its severity and dimension keep the list under one page of 50.
    let model = alert_row(&app, resolved).await;
    let listed = |status: &'static str| {
        let (client, cookie) = (client.clone(), cookie.clone());
        let url = format!(
            "{}/alerts?department=*&severity={}&dimension={}{status}",
            app.url, model.severity, model.dimension
        );
        async move {
            let r = client.get(url).header("cookie", &cookie).send().await.unwrap();
            r.text().await.unwrap().contains(&format!("id=\"alert-{resolved}\""))
        }
    };
    assert!(!listed("").await, "by default the alerts page lists those not resolved");
    assert!(listed("&status=RESOLVED").await);
    assert!(listed("&status=ALL").await);

    // An unknown project or bond: 404 with the code named.
    let r = client.get(format!("{}/projects/NO-SUCH", app.url)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("NO-SUCH"));

    // Logging out ends the session: the cookie no longer opens a page.
    let r = client
        .post(format!("{}/logout", app.url))
        .header("origin", &app.url)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/login"));
    let r = client.get(format!("{}/", app.url)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 303);
    // A button pressed after the session ended: to the login page, then back to the page.
    let r = client
        .post(format!("{}/alerts/{id}/acknowledge", app.url))
        .header("origin", &app.url)
        .header("cookie", &cookie)
        .form(&[("back", "/alerts")])
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/login?next=/alerts"));
    assert_eq!(alert_row(&app, id).await.status, "OPEN");
}

#[tokio::test]
async fn long_alert_lists_come_in_pages_of_fifty() {
    let app = demo_app().await;
    let client = no_redirects();
    let (cookie, _) = log_in(&app, &client, "/").await;
    let total = app.ok("{ alerts { totalCount } }", json!({})).await["alerts"]["totalCount"].as_i64().unwrap();
    assert!(total > 50, "the demo has more alerts than a page holds: {total}");
    let page = |path: String| {
        let (client, cookie, url) = (client.clone(), cookie.clone(), app.url.clone());
        async move {
            client.get(format!("{url}{path}")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap()
        }
    };
    let first = page("/alerts?status=ALL&department=*".into()).await;
    assert_eq!(first.matches("<tr id=\"alert-").count(), 50);
    let link = first.split("<p class=\"more\"><a href=\"").nth(1).expect("a link to the next page");
    let next = link[..link.find('"').unwrap()].replace("&amp;", "&");
    assert!(next.starts_with("/alerts?status=ALL&department=*&after="), "{next}");
    let second = page(next).await;
    assert_eq!(second.matches("<tr id=\"alert-").count() as i64, total - 50);
    assert!(!second.contains("class=\"more\""), "the last page has no next link");
}

/// What a request answers, as text.
async fn body(request: reqwest::RequestBuilder) -> String {
    request.send().await.unwrap().text().await.unwrap()
}

/// A page's text without its tags, spaces collapsed.
fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One truth (domain.md §4a): for every demo project, what the project page, the evaluation
/// report's HTML and the portfolio export say of each figure is what Project.figures says.
#[tokio::test]
async fn every_figure_says_the_same_number_everywhere() {
    use bondwatch::figures;
    use calamine::Reader;
    let app = demo_app().await;
    let data = app
        .ok(
            r#"{ projects(first: 100) { nodes { code figures { bondFunding received transferred paid
                spendRatePercent spendProgressPercent plannedSpendPercent coverageRatio rollingCoverageRatio overdueDebtService } } } }"#,
            json!({}),
        )
        .await;
    let projects = data["projects"]["nodes"].as_array().unwrap().clone();
    assert_eq!(projects.len(), 13);
    let client = no_redirects();
    let (cookie, _) = log_in(&app, &client, "/").await;
    let export = client
        .get(format!("{}/exports/portfolio.xlsx", app.url))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(export.to_vec())).unwrap();
    let sheet = book.worksheet_range("项目总览").unwrap();
    let rows: Vec<Vec<calamine::Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let column = |header: &str| rows[0].iter().position(|h| *h == header).unwrap_or_else(|| panic!("{header}"));
    // The shown form of a figure as the API gives it: 万元 with separators, percents with %.
    let shown = |f: figures::Figure, v: &Value| match (f.unit, v.as_str()) {
        (_, None) => "—".to_string(),
        (figures::Unit::Money, Some(t)) => figures::wan_number(t.parse().unwrap()),
        (figures::Unit::Percent, Some(t)) => format!("{t}%"),
        (figures::Unit::Ratio, Some(t)) => t.to_string(),
    };
    for p in &projects {
        let code = p["code"].as_str().unwrap();
        let x = &p["figures"];
        // The project page: each figure under its one name.
        let page = page_text(&body(client.get(format!("{}/projects/{code}", app.url)).header("cookie", &cookie)).await);
        for f in figures::PROJECT_PAGE.iter().copied() {
            let expected = format!("{} {}", f.page_label(), shown(f, &x[f.id]));
            assert!(
                page.contains(&expected),
                "{code}: the page should say '{expected}':\n{}",
                page.chars().take(600).collect::<String>()
            );
        }
        // The evaluation report of this year (as of today), its spending paragraph.
        let report =
            body(app.client.get(format!("{}/reports/{code}/2026/evaluation.html", app.url)).bearer_auth(&app.token))
                .await;
        let progress = x["spendProgressPercent"].as_str().map(|t| format!("{t}%")).unwrap_or_else(|| "无从计算".into());
        let sentence = format!(
            "项目获得债券资金{}万元,到账{}万元,拨付{}万元,支出{}万元,资金支出进度{progress}",
            shown(figures::BOND_FUNDING, &x["bondFunding"]),
            shown(figures::RECEIVED, &x["received"]),
            shown(figures::TRANSFERRED, &x["transferred"]),
            shown(figures::PAID, &x["paid"]),
        );
        assert!(page_text(&report).contains(&sentence), "{code}: the report should say '{sentence}'");
        // The portfolio export: yuan, percents and ratios as numbers.
        let row = rows.iter().find(|r| r[0] == code).unwrap_or_else(|| panic!("{code} exported"));
        let number = |header: &str| row[column(header)].to_string();
        let api_number = |v: &Value| v.as_str().map(|t| t.parse::<f64>().unwrap().to_string()).unwrap_or_default();
        for (header, id) in [
            ("债券资金(元)", "bondFunding"),
            ("到账(元)", "received"),
            ("拨付(元)", "transferred"),
            ("支出(元)", "paid"),
            ("支出率(%)", "spendRatePercent"),
            ("资金支出进度(%)", "spendProgressPercent"),
            ("本息覆盖倍数", "coverageRatio"),
            ("逾期未付本息(元)", "overdueDebtService"),
        ] {
            assert_eq!(number(header), api_number(&x[id]), "{code}: {header} in the export");
        }
    }
}

#[tokio::test]
async fn a_filter_value_the_page_does_not_offer_is_said_in_chinese() {
    let app = demo_app().await;
    let client = no_redirects();
    let (cookie, _) = log_in(&app, &client, "/").await;
    for (query, words) in [
        ("severity=PURPLE", "等级“PURPLE”不是可选的值;可选:红(RED)"),
        ("dimension=money", "维度“money”不是可选的值"),
        ("status=CLOSED", "状态“CLOSED”不是可选的值"),
    ] {
        let r = client.get(format!("{}/alerts?{query}", app.url)).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(r.status(), 400, "{query}");
        let text = page_text(&r.text().await.unwrap());
        assert!(text.contains("输入有误") && text.contains(words), "{query}: {text}");
    }
    let ok = client.get(format!("{}/alerts?severity=RED", app.url)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(ok.status(), 200);
}

/// Results application in the browser (domain.md §9): the 整改 list as the API has it, a
/// rectification opened from an alert, answered by the unit, returned, answered again and
/// accepted — each refused step shown again with the reason beside its field and nothing
/// written — then the year's 结果应用 and a project's self-evaluation beside its evaluation.
#[tokio::test]
async fn a_rectification_is_opened_answered_returned_and_accepted_in_the_dashboard() {
    use bondwatch::performance::rectification;
    let app = demo_app().await;
    let api = app
        .ok(
            "{ rectifications(first: 200) { totalCount nodes { id status overdueDays project { code department { code } } } } }",
            json!({}),
        )
        .await;
    let listed = api["rectifications"]["nodes"].as_array().unwrap().clone();
    assert!(listed.len() >= 3, "the demo has rectifications to show: {api}");

    let b = Browser::start("rectification").await;
    b.log_in(&app.url, "admin", DEMO_PASSWORD).await;
    b.goto(&format!("{}/rectifications", app.url)).await;
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for cell in b.all("table.rectifications tbody td:first-child").await {
            ids.push(cell.text().await.unwrap());
        }
        ids
    };
    let expected: Vec<String> = listed.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, expected, "the list is the API's, oldest first");
    // Overdue: late and not accepted, as the API counts the days.
    let late: Vec<&Value> =
        listed.iter().filter(|r| r["overdueDays"].as_i64().unwrap() > 0 && r["status"] != "ACCEPTED").collect();
    assert!(!late.is_empty(), "the demo has an overdue rectification");
    for r in &late {
        let id = r["id"].as_str().unwrap();
        assert_eq!(
            b.text(&format!("#rectification-{id} td:last-child")).await,
            r["overdueDays"].to_string(),
            "overdue days of {id}"
        );
        assert!(!b.all(&format!("tr.late#rectification-{id}")).await.is_empty());
    }
    b.shot("1-list").await;
    b.goto(&format!("{}/rectifications?overdue=true&department=*", app.url)).await;
    assert_eq!(b.all("table.rectifications tbody tr").await.len(), late.len());

    // From an open alert of a 交通运输局 project: the form carries the alert's message as the issue.
    let own = projects_with_open_alerts(&app).await.into_iter().find(|p| p.2 == "HY-JT").expect("a JT project");
    b.goto(&format!("{}/projects/{}", app.url, own.0)).await;
    b.click("section#alerts a.rectify").await;
    b.wait_path("/rectifications/new").await;
    let issue = b.find("textarea[name=issue]").await.prop("value").await.unwrap().unwrap_or_default();
    assert!(!issue.is_empty(), "the alert's message is the issue");
    b.find("textarea[name=requirement]").await.send_keys("30日内补报并说明原因").await.unwrap();
    // A due date already past (the test clock's today is 2026-06-15): refused beside the field.
    b.client.execute("document.querySelector('input[name=dueOn]').value = '2026-01-31';", vec![]).await.unwrap();
    let before = rectification::Entity::find().all(&app.ctx.db).await.unwrap().len();
    b.click("form.record button[type=submit]").await;
    b.wait_text("span.invalid[data-field=dueOn]", "整改期限 2026-01-31 早于今天 2026-06-15").await;
    assert_eq!(
        b.find("textarea[name=requirement]").await.prop("value").await.unwrap().as_deref(),
        Some("30日内补报并说明原因"),
        "what was typed is kept"
    );
    assert_eq!(rectification::Entity::find().all(&app.ctx.db).await.unwrap().len(), before, "nothing written");
    b.shot("2-refused-date").await;
    b.client.execute("document.querySelector('input[name=dueOn]').value = '2026-07-15';", vec![]).await.unwrap();
    b.click("form.record button[type=submit]").await;
    b.wait_text(".figures .figure:first-child .value", "待整改").await;
    let path = b.path().await;
    let id = path.strip_prefix("/rectifications/").expect("the new rectification's page").to_string();
    assert_eq!(b.text(".figures .figure:nth-child(3) .value").await, "2026-07-15");
    assert_eq!(b.all("table.steps tbody tr").await.len(), 1);
    assert!(b.all("#respond").await.len() + b.all("#review").await.len() == 1, "the office may answer, not review");
    b.finish().await;

    // The unit answers on the page; the office returns it (a return needs its reason), the
    // unit answers again and the office accepts.
    let answer = async |text: &str| {
        let b = Browser::start("rectification-unit").await;
        b.log_in(&app.url, "jiaotong", DEMO_PASSWORD).await;
        b.goto(&format!("{}/rectifications/{id}", app.url)).await;
        assert!(b.all("#review").await.is_empty(), "a unit does not review");
        b.find("#respond textarea[name=response]").await.send_keys(text).await.unwrap();
        b.click("#respond button[type=submit]").await;
        b.wait_text(".figures .figure:first-child .value", "已提交待审核").await;
        b.shot("3-answered").await;
        b.finish().await;
    };
    answer("已补报,说明见附件").await;
    let b = Browser::start("rectification-review").await;
    b.log_in(&app.url, "admin", DEMO_PASSWORD).await;
    b.goto(&format!("{}/rectifications/{id}", app.url)).await;
    b.click("#review button.return").await;
    b.wait_text("span.invalid[data-field=note]", "退回整改须写明原因").await;
    let stored = rectification::Entity::find_by_id(id.parse::<i64>().unwrap()).one(&app.ctx.db).await.unwrap();
    assert_eq!(stored.unwrap().status, "SUBMITTED", "nothing written");
    b.find("#review textarea[name=note]").await.send_keys("附件缺少资金支付凭证").await.unwrap();
    b.click("#review button.return").await;
    b.wait_text(".figures .figure:first-child .value", "已退回").await;
    b.finish().await;
    answer("已补充支付凭证").await;
    let b = Browser::start("rectification-accept").await;
    b.log_in(&app.url, "admin", DEMO_PASSWORD).await;
    b.goto(&format!("{}/rectifications/{id}", app.url)).await;
    b.click("#review button.accept").await;
    b.wait_text(".figures .figure:first-child .value", "整改到位").await;
    let mut steps = Vec::new();
    for r in b.all("table.steps tbody tr td:nth-child(2)").await {
        steps.push(r.text().await.unwrap());
    }
    assert_eq!(steps, ["下达整改", "提交整改情况", "退回重新整改", "提交整改情况", "审核通过(整改到位)"]);
    assert!(b.all("#respond").await.is_empty() && b.all("#review").await.is_empty(), "no step is left");
    b.shot("4-accepted").await;

    // 结果应用 of 2025, as the API has it, department by department.
    let results = app
        .ok(
            "{ resultApplication(year: 2025) { department { name } meanScore rectificationsIssued rectificationRatePercent suggestion } }",
            json!({}),
        )
        .await;
    b.goto(&format!("{}/results?year=2025", app.url)).await;
    let rows = b.all("table.results tbody tr").await;
    assert_eq!(rows.len(), results["resultApplication"].as_array().unwrap().len());
    for (row, r) in rows.iter().zip(results["resultApplication"].as_array().unwrap()) {
        let cells = row.find_all(Locator::Css("td")).await.unwrap();
        let text = async |i: usize| cells[i].text().await.unwrap();
        assert_eq!(text(0).await, r["department"]["name"].as_str().unwrap());
        assert_eq!(text(2).await, r["meanScore"].as_str().unwrap_or("—"));
        assert_eq!(text(5).await, r["rectificationsIssued"].to_string());
        let rate = r["rectificationRatePercent"].as_str().map_or("—".to_string(), |p| format!("{p}%"));
        assert_eq!(text(8).await, rate);
        assert_eq!(text(10).await, r["suggestion"].as_str().unwrap());
    }
    b.shot("5-results").await;

    // HY-ZJ-02 judged itself at 95 against the office's score: the page says the deviation.
    let p = app
        .ok(
            r#"{ project(code: "HY-ZJ-02") { selfEvaluation(year: 2025) { totalScore evaluatedScore deviation }
                 rectifications { status } } }"#,
            json!({}),
        )
        .await;
    let own = &p["project"]["selfEvaluation"];
    b.goto(&format!("{}/projects/HY-ZJ-02", app.url)).await;
    let cells = b.all("#evaluation-2025 td").await;
    assert_eq!(cells[0].text().await.unwrap(), own["totalScore"].as_str().unwrap());
    assert_eq!(cells[5].text().await.unwrap(), own["evaluatedScore"].as_str().unwrap());
    assert_eq!(cells[7].text().await.unwrap(), own["deviation"].as_str().unwrap());
    let open = p["project"]["rectifications"].as_array().unwrap().iter().filter(|r| r["status"] != "ACCEPTED").count();
    assert_eq!(b.all("#results table.rectifications tbody tr").await.len(), open);
    b.client.execute("document.getElementById('results').scrollIntoView();", vec![]).await.unwrap();
    b.shot("6-project").await;
    b.finish().await;
}

/// A unit's staff see their own department's rectifications only, and none of another's.
#[tokio::test]
async fn a_unit_sees_its_own_rectifications_only() {
    let app = demo_app().await;
    let api =
        app.ok("{ rectifications(first: 200) { nodes { id project { department { code } } } } }", json!({})).await;
    let (own, other): (Vec<&Value>, Vec<&Value>) = api["rectifications"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .partition(|r| r["project"]["department"]["code"] == "HY-JT");
    assert!(!own.is_empty() && !other.is_empty(), "{api}");
    let client = no_redirects();
    let cookie = cookie_of(&app, "jiaotong").await;
    let get = |path: String| client.get(format!("{}{path}", app.url)).header("cookie", &cookie).send();
    let page = get("/rectifications?department=*".into()).await.unwrap().text().await.unwrap();
    assert_eq!(page.matches("<tr id=\"rectification-").count(), own.len(), "its own, even when asking for all");
    let other_id = other[0]["id"].as_str().unwrap();
    let r = get(format!("/rectifications/{other_id}")).await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("或它属于其他部门"));
    // A forged response to another department's rectification is refused and writes nothing.
    let r = client
        .post(format!("{}/rectifications/{other_id}/submit", app.url))
        .header("origin", &app.url)
        .header("cookie", &cookie)
        .form(&[("response", "伪造")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let row = bondwatch::performance::rectification::Entity::find_by_id(other_id.parse::<i64>().unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(row.response.as_deref(), Some("伪造"));
    // Nor does the API show another department's rectifications on its project: the
    // unit's staff see their own department's only, the office every one.
    let reporter = app.token_for("jt-api", bondwatch::auth::Role::Reporter, Some("HY-JT")).await;
    let query = "query($id: ID!) { rectification(id: $id) { project { code rectifications { id steps { body } } } } }";
    let seen = app.ok(query, json!({"id": other_id})).await;
    let code = seen["rectification"]["project"]["code"].as_str().unwrap().to_string();
    assert!(!seen["rectification"]["project"]["rectifications"].as_array().unwrap().is_empty(), "the office sees them");
    let (_, body) = app
        .send(
            Some(&reporter),
            "query($c: String!) { project(code: $c) { rectifications { id steps { body } } } }",
            json!({"c": code}),
        )
        .await;
    assert_eq!(body["data"]["project"]["rectifications"], json!([]), "{body}");
    // A form posted without an Origin (a browser that sends none, a script) is refused too.
    let r = client
        .post(format!("{}/rectifications/{}/submit", app.url, own[0]["id"].as_str().unwrap()))
        .header("cookie", &cookie)
        .form(&[("response", "无来源")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("须从本系统的页面提交"));
}
