//! 总览, the dashboard's first page: the portfolio's totals, each department's spend
//! rate, the open alerts by dimension and severity, and the debt service month by month.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use maud::{Markup, html};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::layout::*;
use super::{AppState, run, show};
use crate::figures;
use crate::monitoring::{Dimension, Severity};
use crate::reports::paired_bars;

/// A decimal of the API's answer; zero when absent.
fn amount(v: &Value) -> Decimal {
    decimal(v).unwrap_or_default()
}

const PORTFOLIO: &str = r#"query($from: Date!, $to: Date!, $dept: String) {
  portfolio { asOf projects bondFunding received disbursed spendRatePercent outstandingPrincipal debtServiceNext12Months
    openAlerts { severity count } openAlertsByDimension { dimension severity count } }
  departments { code name projects { bondFunding received disbursed } }
  debtService(from: $from, to: $to, departmentCode: $dept) { dueDate principal interest }
}"#;

/// 总览: totals, spend rate by department, open alerts by dimension and severity, and
/// the debt service of the next twelve months (a department's own for its staff).
pub async fn portfolio(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    show(&state, &headers, &uri, async |viewer: Viewer| {
        // The window of 未来12个月应付本息: due on or after today, before the same day
        // 12 months on; a bar for each of its twelve months, which add up to the figure.
        let today = state.ctx.clock.today();
        let buckets = twelve_months(today);
        let (from, to) = (buckets[0].0, buckets[11].1);
        let vars = json!({"from": from.to_string(), "to": to.to_string(), "dept": viewer.department_code});
        let data = run(&state, &viewer.caller, PORTFOLIO, vars).await?;
        let p = &data["portfolio"];
        let empty = Vec::new();
        let departments = data["departments"].as_array().unwrap_or(&empty);
        let by_dimension = p["openAlertsByDimension"].as_array().unwrap_or(&empty);
        let months = monthly_debt_service(data["debtService"].as_array().unwrap_or(&empty), &buckets);
        let content = html! {
            h1 { "专项债项目总览" span.asof { "截至 " (text(p, "asOf")) } }
            div.figures {
                (figure("项目数", &p["projects"].to_string()))
                (figure("债券资金(万元)", &wan(&p["bondFunding"])))
                (figure("到账(万元)", &wan(&p["received"])))
                (figure("支出(万元)", &wan(&p["disbursed"])))
                (figure(figures::SPEND_RATE.label, &percent(&p["spendRatePercent"])))
                (figure("未偿本金(万元)", &wan(&p["outstandingPrincipal"])))
                (figure("未来12个月本息(万元)", &wan(&p["debtServiceNext12Months"])))
            }
            div.columns {
                (departments_section(&viewer, departments))
                (alerts_section(by_dimension))
            }
            (debt_service_section(&viewer, &buckets, &months))
        };
        Ok(("总览".to_string(), content))
    })
    .await
}

/// The principal and interest due in each of the months of `buckets`, from the API's
/// debt service lines; a line due outside them (or with no date) counts in none.
fn monthly_debt_service(
    lines: &[Value],
    buckets: &[(chrono::NaiveDate, chrono::NaiveDate)],
) -> Vec<(Decimal, Decimal)> {
    let mut months: Vec<(Decimal, Decimal)> = vec![Default::default(); buckets.len()];
    for line in lines {
        let due = chrono::NaiveDate::parse_from_str(text(line, "dueDate"), "%Y-%m-%d").ok();
        if let Some(i) = due.and_then(|d| buckets.iter().position(|(a, b)| *a <= d && d <= *b)) {
            months[i].0 += amount(&line["principal"]);
            months[i].1 += amount(&line["interest"]);
        }
    }
    months
}

/// 各部门支出进度: each department's funding, received, disbursed and spend rate, the
/// viewer's own department marked.
fn departments_section(viewer: &Viewer, departments: &[Value]) -> Markup {
    let empty = Vec::new();
    html! {
        section {
            h2 { "各部门支出进度" }
            table.departments {
                thead { tr { th { "部门" } th.num { "项目" } th.num { "债券资金(万元)" } th.num { "到账(万元)" } th.num { "支出(万元)" } th { "支出进度" } } }
                tbody {
                    @for d in departments {
                        @let projects = d["projects"].as_array().unwrap_or(&empty);
                        @let sum = |k: &str| projects.iter().map(|x| amount(&x[k])).sum::<Decimal>();
                        @let (received, disbursed) = (sum("received"), sum("disbursed"));
                        @let rate = (!received.is_zero()).then(|| disbursed * Decimal::ONE_HUNDRED / received);
                        tr class=[(viewer.department_code.as_deref() == Some(text(d, "code"))).then_some("own")] {
                            td { a href={"/projects?department=" (text(d, "code"))} { (text(d, "name")) } }
                            td.num { (projects.len()) }
                            td.num { (wan_of(sum("bondFunding"))) }
                            td.num { (wan_of(received)) }
                            td.num { (wan_of(disbursed)) }
                            td {
                                @if let Some(r) = rate {
                                    span.bar { span style={"width:" (r.min(Decimal::ONE_HUNDRED).round_dp(1)) "%"} {} }
                                    (format!("{}%", crate::figures::fixed(r, 2)))
                                } @else { "—" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 未解除预警(按维度与等级): the open alerts counted by dimension and severity, each
/// count a link to those alerts, with a total per severity.
fn alerts_section(by_dimension: &[Value]) -> Markup {
    let count = |d: &str, s: &str| {
        by_dimension
            .iter()
            .find(|c| text(c, "dimension") == d && text(c, "severity") == s)
            .and_then(|c| c["count"].as_i64())
            .unwrap_or(0)
    };
    html! {
        section {
            h2 { "未解除预警(按维度与等级)" }
            table.matrix {
                thead { tr { th { "维度" } @for s in Severity::ALL { th.num { (severity_badge(s.as_str())) } } } }
                tbody {
                    @for d in Dimension::ALL {
                        tr {
                            th { (d.label()) }
                            @for s in Severity::ALL {
                                @let n = count(d.as_str(), s.as_str());
                                td.num { @if n > 0 { a href={"/alerts?dimension=" (d.as_str()) "&severity=" (s.as_str())} { (n) } } @else { span.zero { "0" } } }
                            }
                        }
                    }
                    tr.total {
                        th { "合计" }
                        @for s in Severity::ALL {
                            @let n = Dimension::ALL.iter().map(|d| count(d.as_str(), s.as_str())).sum::<i64>();
                            td.num { a href={"/alerts?severity=" (s.as_str())} { (n) } }
                        }
                    }
                }
            }
        }
    }
}

/// 未来12个月应还本息: the chart of the months' principal and interest (a department's
/// own for its staff) and the table of them with their sums.
fn debt_service_section(
    viewer: &Viewer,
    buckets: &[(chrono::NaiveDate, chrono::NaiveDate)],
    months: &[(Decimal, Decimal)],
) -> Markup {
    let debt_chart = paired_bars(
        format!(
            "未来12个月应还本息(万元){}",
            viewer.department_code.as_deref().map(|d| format!(" · {d}")).unwrap_or_default()
        ),
        buckets.iter().map(|(start, _)| start.format("%y.%m").to_string()).collect(),
        ["本金", "利息"],
        months.iter().map(|(p, i)| (wan_f64(*p), wan_f64(*i))),
    );
    html! {
        section {
            (chart(&debt_chart))
            table.monthly {
                thead { tr { th { "万元" } @for (start, end) in buckets { th.num title=(format!("{start} 至 {end}")) { (start.format("%y.%m")) } } th.num { "合计" } } }
                tbody {
                    (monthly_row("本金", months.iter().map(|(p, _)| *p)))
                    (monthly_row("利息", months.iter().map(|(_, i)| *i)))
                    (monthly_row("合计", months.iter().map(|(p, i)| *p + *i)))
                }
            }
        }
    }
}

/// A row of monthly amounts and their sum.
fn monthly_row(label: &str, amounts: impl Iterator<Item = Decimal>) -> Markup {
    let amounts: Vec<Decimal> = amounts.collect();
    html! {
        tr {
            th { (label) }
            @for a in &amounts { td.num { (wan_of(*a)) } }
            td.num { (wan_of(amounts.iter().sum())) }
        }
    }
}

/// The twelve months from `today`, each from a day to the day before the same day a month
/// on (both included): together they cover the window of 未来12个月应付本息, no more.
pub fn twelve_months(today: chrono::NaiveDate) -> Vec<(chrono::NaiveDate, chrono::NaiveDate)> {
    use crate::db::values::add_months;
    (0..12).map(|i| (add_months(today, i), add_months(today, i + 1) - chrono::Duration::days(1))).collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[test]
    fn the_debt_chart_has_twelve_months_covering_the_figure_s_window() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let months = super::twelve_months(d(2026, 12, 15));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], (d(2026, 12, 15), d(2027, 1, 14)));
        // Before 15 December 2027, as the figure counts: 12 months, not 13.
        assert_eq!(months[11].1, d(2027, 12, 14));
        assert!(months.windows(2).all(|w| w[0].1 + chrono::Duration::days(1) == w[1].0), "contiguous");
        let first_day = super::twelve_months(d(2026, 12, 1));
        assert_eq!((first_day[0].0, first_day[11].1), (d(2026, 12, 1), d(2027, 11, 30)));
    }
}
