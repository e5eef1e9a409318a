//! A department's report of the year (部门绩效评价结果反馈): the document the office brings
//! to each unit's feedback meeting — its projects' scores and grades, its place in the
//! ranking, its alerts by dimension, its rectifications and their state, and the results
//! application's suggestion for next year.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Document, Section, dimension_name, grade_name, section, table};
use crate::Ctx;
use crate::codes::AlertStatus;
use crate::codes::{RectificationStatus, label_or_code};
use crate::error::Result;
use crate::figures::fixed;
use crate::ledger::entities::{department, project};
use crate::monitoring::{Dimension, Severity};

pub async fn department_report(ctx: &Ctx, code: &str, year: i32) -> Result<Document> {
    crate::db::values::check_year("year", year)?;
    let department = crate::ledger::department_by_code(&ctx.db, "department", code).await?;
    let projects: Vec<project::Model> =
        project::Entity::find().filter(project::Column::DepartmentId.eq(department.id)).all(&ctx.db).await?;
    let name_of = |id: i64| projects.iter().find(|p| p.id == id).map(|p| format!("{}({})", p.name, p.code));

    // 一: each project's score and grade, lowest first.
    let mut scores = section("一、项目绩效评价结果");
    let mut evaluated = crate::evaluation::ranked(ctx, year, Some(code)).await?;
    evaluated.sort_by_key(|e| crate::db::values::stored_decimal(&e.total_score));
    scores.paragraphs.push(format!(
        "{}共有项目{}个,{year}年度已评价{}个。",
        department.name,
        projects.len(),
        evaluated.len()
    ));
    scores.tables.push(table(
        "项目评价得分",
        &["项目", "得分", "等级"],
        evaluated
            .iter()
            .map(|e| {
                vec![
                    name_of(e.project_id).unwrap_or_default(),
                    fixed(crate::db::values::stored_decimal(&e.total_score), 2),
                    grade_name(&e.grade).to_string(),
                ]
            })
            .collect(),
    ));

    let ranking = ranking_section(ctx, &department, year).await?;
    let alerts = alerts_section(ctx, &department, &projects, year).await?;

    // 四: its rectifications and their state.
    let mut rectifications = section("四、整改情况");
    let caller = crate::base::Caller::system("report");
    let filter = crate::results::RectificationFilter { department_id: Some(department.id), ..Default::default() };
    let (all, _, _) = crate::results::list(ctx, &caller, &filter, 10_000, None).await?;
    // The same rectifications as the results application counts for the year.
    let rows: Vec<_> = all.into_iter().filter(|r| crate::results::counts_in(r, year)).collect();
    let today = ctx.clock.today();
    let accepted = rows.iter().filter(|r| r.status == RectificationStatus::Accepted.as_str()).count();
    rectifications.paragraphs.push(if rows.is_empty() {
        format!("{year}年度无整改事项。")
    } else {
        format!("{year}年度下达整改事项{}项,已整改到位{accepted}项。", rows.len())
    });
    rectifications.tables.push(table(
        "整改事项",
        &["编号", "项目", "整改期限", "状态", "逾期天数"],
        rows.iter()
            .map(|r| {
                vec![
                    r.id.to_string(),
                    name_of(r.project_id).unwrap_or_default(),
                    r.due_on.to_string(),
                    label_or_code(&r.status, RectificationStatus::parse, RectificationStatus::label),
                    crate::performance::overdue_days(r, today).to_string(),
                ]
            })
            .collect(),
    ));

    // 五: what the year means for next year.
    let mut application = section("五、评价结果应用建议");
    let results = crate::results::result_application(ctx, year).await?;
    match results.iter().find(|r| r.department.id == department.id) {
        Some(r) => {
            application.paragraphs.push(format!(
                "{}(预算调整比例{}%)。",
                r.suggestion,
                fixed(r.budget_change_percent, 2)
            ));
            if let Some(rate) = r.rate_percent {
                application.paragraphs.push(format!("整改率{}%,逾期未整改{}项。", fixed(rate, 2), r.overdue));
            }
            if let Some(d) = r.mean_self_deviation.filter(|d| !d.is_zero()) {
                let (way, hint) = if d > Decimal::ZERO { ("高出", ",请核实自评依据") } else { ("低于", "") };
                application.paragraphs.push(format!("单位自评平均{way}再评价{}分{hint}。", fixed(d.abs(), 2)));
            }
        }
        None => application.paragraphs.push("无评价结果。".into()),
    }

    Ok(Document {
        title: format!("{year}年度专项债券项目绩效评价结果反馈"),
        subtitle: department.name.clone(),
        generated: today.to_string(),
        cover: Vec::new(),
        sections: vec![scores, ranking, alerts, rectifications, application],
    })
}

/// 二: its place among the departments.
async fn ranking_section(ctx: &Ctx, department: &department::Model, year: i32) -> Result<Section> {
    let mut ranking = section("二、部门排名");
    let ranks = crate::evaluation::department_ranking(ctx, year).await?;
    ranking.paragraphs.push(match ranks.iter().find(|r| r.department.id == department.id) {
        Some(r) => format!(
            "{year}年度在{}个部门中排第{}名,平均分{}分,60分以下项目{}个。",
            ranks.len(),
            r.rank,
            fixed(r.average, 2),
            r.under_60
        ),
        None => format!("{year}年度尚无评价结果,未参加排名。"),
    });
    ranking.tables.push(table(
        "部门排名",
        &["名次", "部门", "评价项目", "平均分", "60分以下"],
        ranks
            .iter()
            .map(|r| {
                vec![
                    r.rank.to_string(),
                    r.department.name.clone(),
                    r.projects.to_string(),
                    fixed(r.average, 2),
                    r.under_60.to_string(),
                ]
            })
            .collect(),
    ));

    Ok(ranking)
}

/// 三: its alerts of the year, by dimension and severity.
async fn alerts_section(
    ctx: &Ctx,
    department: &department::Model,
    projects: &[project::Model],
    year: i32,
) -> Result<Section> {
    let mut alerts = section("三、预警情况");
    // A year check_year let through has both days.
    let (Some(start), Some(end)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Err(crate::error::Error::validation("year", format!("{year} 不是可评价的年度")));
    };
    let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
    use crate::monitoring::store::alert;
    let seen: Vec<alert::Model> = alert::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(alert::Column::ProjectId.is_in(ids))
                .add(alert::Column::DepartmentId.eq(department.id)),
        )
        .all(&ctx.db)
        .await?
        .into_iter()
        .filter(|a| super::seen_between(a, start, end))
        .collect();
    let count = |d: Dimension, s: Severity| {
        seen.iter().filter(|a| a.dimension == d.as_str() && a.severity == s.as_str()).count()
    };
    alerts.paragraphs.push(format!(
        "{year}年共发生预警{}条,其中红色{}条,已解除{}条。",
        seen.len(),
        seen.iter().filter(|a| a.severity == Severity::Red.as_str()).count(),
        seen.iter().filter(|a| a.status == AlertStatus::Resolved.as_str()).count()
    ));
    let headers: Vec<String> = std::iter::once("维度".to_string())
        .chain(Severity::ALL.iter().map(|s| s.label().to_string()))
        .chain(["合计".into()])
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    alerts.tables.push(table(
        "预警(按维度与等级)",
        &headers,
        Dimension::ALL
            .iter()
            .map(|d| {
                let n: Vec<usize> = Severity::ALL.iter().map(|s| count(*d, *s)).collect();
                std::iter::once(dimension_name(d.as_str()).to_string())
                    .chain(n.iter().map(|x| x.to_string()))
                    .chain([n.iter().sum::<usize>().to_string()])
                    .collect()
            })
            .collect(),
    ));

    Ok(alerts)
}
