//! One annual target a project, with its indicators and last month's actuals.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ActiveValue::NotSet, Set};

use super::{GenCount, Span, TargetRow, insert_chunks};
use crate::db::values::Month;
use crate::error::Result;
use crate::targets::entities::{indicator, indicator_actual, performance_target};

const TARGETS: [(&str, &str, &str); 8] = [
    ("产出指标", "数量指标", "≥2000人次"),
    ("产出指标", "数量指标", "≥50个"),
    ("产出指标", "质量指标", "100%"),
    ("产出指标", "质量指标", "无差错"),
    ("产出指标", "时效指标", "5个工作日完成"),
    ("效益指标", "社会效益指标", "是"),
    ("满意度指标", "服务对象满意度指标", "≥90%"),
    ("成本指标", "经济成本指标", "预算范围内"),
];

/// One annual target a project, with its indicators; returns the targets as stored.
pub(super) async fn insert_targets(
    txn: &sea_orm::DatabaseTransaction,
    target_rows: &[TargetRow],
    span: &Span,
    count: &mut GenCount,
) -> Result<Vec<performance_target::Model>> {
    let (today, now) = (span.today, span.now);
    let targets: Vec<performance_target::ActiveModel> = target_rows
        .iter()
        .map(|(pid, _, _)| performance_target::ActiveModel {
            id: NotSet,
            project_id: Set(Some(*pid)),
            department_id: Set(None),
            scope: Set("ANNUAL".into()),
            year: Set(Some(today.year())),
            description: Set("年度绩效目标".into()),
            approved_on: Set(NaiveDate::from_ymd_opt(today.year(), 1, 15)),
            approved_at: Set(Some(now)),
            declared_at: Set(now),
            superseded_at: Set(None),
        })
        .collect();
    count.rows += insert_chunks(txn, targets).await?;
    let pids: Vec<i64> = target_rows.iter().map(|(p, ..)| *p).collect();
    let stored = crate::targets::current_targets(txn, performance_target::Column::ProjectId, &pids).await?;
    let mut indicators = Vec::new();
    for t in &stored {
        let (_, n, _) = target_rows.iter().find(|(p, ..)| Some(*p) == t.project_id).copied().unwrap_or((0, 6, false));
        for k in 0..n {
            let (l1, l2, text) = TARGETS[k % TARGETS.len()];
            indicators.push(indicator::ActiveModel {
                id: NotSet,
                target_id: Set(t.id),
                position: Set(k as i32),
                level1: Set(l1.into()),
                level2: Set(l2.into()),
                name: Set(format!("指标{k}")),
                target_text: Set(text.into()),
                basis: Set(Some("计划标准".into())),
                history: Set("[]".into()),
            });
        }
    }
    count.rows += insert_chunks(txn, indicators).await?;
    Ok(stored)
}

/// An actual of last month for each quantity and satisfaction indicator of `stored`.
pub(super) async fn insert_actuals(
    txn: &sea_orm::DatabaseTransaction,
    stored: &[performance_target::Model],
    span: &Span,
    count: &mut GenCount,
) -> Result<()> {
    let (today, now) = (span.today, span.now);
    let tids: Vec<i64> = stored.iter().map(|t| t.id).collect();
    let inds = crate::ledger::queries::rows_in::<indicator::Entity>(txn, indicator::Column::TargetId, &tids).await?;
    let period = Month::of(today.with_day(1).unwrap_or(today) - chrono::Duration::days(1)).to_string();
    let actuals: Vec<indicator_actual::ActiveModel> = inds
        .iter()
        .filter(|i| i.level2 == "数量指标" || i.level2 == "服务对象满意度指标")
        .map(|i| indicator_actual::ActiveModel {
            id: NotSet,
            indicator_id: Set(i.id),
            period: Set(period.clone()),
            value: Set(if i.target_text.contains('%') {
                "95%"
            } else if i.target_text.contains('个') {
                "60个"
            } else {
                "2100人次"
            }
            .into()),
            judgement: Set(None),
            recorded_on: Set(today),
            recorded_at: Set(now),
        })
        .collect();
    count.rows += insert_chunks(txn, actuals).await?;
    Ok(())
}
