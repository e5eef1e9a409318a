//! This year's annual targets of a project and the actuals reported against them.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::indicators::KindIndicator;
use super::portfolio::Spec;
use super::{Calendar, demo_caller};
use crate::Ctx;
use crate::db::values::Month;
use crate::error::{Error, Result};
use crate::targets::{self, IndicatorActualInput, IndicatorInput, TargetInput, entities::indicator};

/// This year's annual targets: the indicator set of the project's kind
/// ([`indicators`](super::indicators)); then an actual for last month of each indicator,
/// met but for the troubled ones.
pub(super) async fn load_targets(ctx: &Ctx, cal: &Calendar, spec: &Spec) -> Result<()> {
    let chosen = declared_indicators(spec);
    let year = cal.today.year();
    let approved_on = if spec.code == "HY-ZJ-03" {
        None
    } else {
        Some(cal.ago(2, 1).min(NaiveDate::from_ymd_opt(year, 1, 15).unwrap_or(cal.today)))
    };
    let target = targets::declare_target(
        ctx,
        &demo_caller(),
        TargetInput {
            project_code: Some(spec.code.into()),
            department_code: None,
            scope: "ANNUAL".into(),
            year: Some(year),
            description: format!("{}年度绩效目标", spec.name),
            approved_on,
            indicators: chosen,
        },
    )
    .await?;
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::TargetId.eq(target.id))
        .order_by_asc(indicator::Column::Position)
        .all(&ctx.db)
        .await?;
    // Actuals of last month, a period that has ended (this January: of January itself).
    let period = Month::of(if cal.today.month() == 1 { cal.today } else { cal.ago(1, 1) }).to_string();
    for ind in indicators {
        let actual = actual_of(spec.code, &ind.level2, &ind.target_text);
        if let Some((value, judgement)) = actual {
            targets::record_indicator_actual(
                ctx,
                &demo_caller(),
                IndicatorActualInput {
                    indicator_id: ind.id,
                    period: period.clone(),
                    actual: value,
                    judgement: judgement.map(str::to_string),
                },
            )
            .await?;
        }
    }
    if spec.code == "HY-SW-03" {
        load_last_year_supply(ctx, spec, year).await?;
    }
    Ok(())
}

/// The indicators a project declares: those of its kind, HY-MZ-01's poorly.
fn declared_indicators(spec: &Spec) -> Vec<IndicatorInput> {
    let mut chosen: Vec<IndicatorInput> = spec.kind.indicators().iter().map(KindIndicator::input).collect();
    // Poorly declared: no satisfaction indicator, mostly qualitative texts and no basis
    // (D3, D4), and its zero-target safety indicator kept (O5).
    if spec.code == "HY-MZ-01" {
        let zero_target =
            |i: &IndicatorInput| crate::targets::parse::parse_target(&i.target_text).is_some_and(|t| t.zero_target());
        let (safety, mut declared): (Vec<IndicatorInput>, Vec<IndicatorInput>) =
            chosen.into_iter().filter(|i| i.level1 != "满意度指标").partition(zero_target);
        declared.truncate(3);
        for (n, i) in declared.iter_mut().enumerate() {
            i.basis = None;
            if n > 0 {
                i.target_text = "有较大提升".into();
            }
        }
        declared.extend(safety);
        chosen = declared;
    }
    chosen
}

/// The actual of an indicator of project `code`: off track for the troubled, else met if
/// a figure can meet its target.
fn actual_of(code: &str, level2: &str, target_text: &str) -> Option<(String, Option<&'static str>)> {
    let qualitative = |text: &str| {
        crate::targets::parse::parse_target(text)
            .is_some_and(|t| t.kind == crate::targets::parse::TargetKind::Qualitative)
    };
    let key = (code, level2, target_text);
    let troubled: Option<(String, Option<&str>)> = match key {
        // Not started: a fifth of the year's quantities (M10).
        ("HY-SW-03", "数量指标", t) => behind(t, 20).map(|v| (v, None)),
        // A stretch of the network failed its acceptance (O2).
        ("HY-SW-02", "质量指标", "合格") => Some(("不合格".into(), Some("未达成"))),
        ("HY-MZ-01", _, "0次") => Some(("1次".into(), None)),
        // A qualitative target is judged by a person: its actual comes with the judgement.
        ("HY-MZ-01", _, t) if qualitative(t) => Some(("有所提升".into(), Some("部分达成"))),
        ("HY-MZ-01", "数量指标", t) => behind(t, 15).map(|v| (v, None)),
        ("HY-WJ-01", "服务对象满意度指标", _) => Some(("82%".into(), None)),
        _ => None,
    };
    troubled.or_else(|| met_actual(target_text).map(|v| (v, None)))
}

/// HY-SW-03's target of last year, with the actual it ended the year on.
async fn load_last_year_supply(ctx: &Ctx, spec: &Spec, year: i32) -> Result<()> {
    // Last year's supply fell short at the year's end (O1).
    let last_year = year - 1;
    let supply = spec
        .kind
        .indicators()
        .iter()
        .find(|i| i.name == "年生态补水量")
        .ok_or_else(|| Error::Internal(format!("the {} indicators have no 年生态补水量", spec.kind.label())))?;
    let indicator = IndicatorInput { history: vec![None, None], ..supply.input() };
    let input = TargetInput {
        project_code: Some(spec.code.into()),
        department_code: None,
        scope: "ANNUAL".into(),
        year: Some(last_year),
        description: format!("{}{last_year}年度绩效目标", spec.name),
        approved_on: NaiveDate::from_ymd_opt(last_year, 1, 15),
        indicators: vec![indicator],
    };
    let old = targets::declare_target(ctx, &demo_caller(), input).await?;
    let ind = indicator::Entity::find().filter(indicator::Column::TargetId.eq(old.id)).one(&ctx.db).await?;
    if let Some(ind) = ind {
        let actual = IndicatorActualInput {
            indicator_id: ind.id,
            period: last_year.to_string(),
            actual: "1100万立方米".into(),
            judgement: None,
        };
        targets::record_indicator_actual(ctx, &demo_caller(), actual).await?;
    }
    Ok(())
}

/// An actual that meets a numeric, yes/no or days target (a little above a quantity),
/// for the healthy projects; none for a date or a target a person must judge.
fn met_actual(target_text: &str) -> Option<String> {
    use crate::targets::parse::{Comparator, TargetKind, parse_target};
    let target = parse_target(target_text)?;
    match target.kind {
        TargetKind::Binary => Some(if target.met_by_no() { "否" } else { "是" }.into()),
        // Done in the days allowed (a day less under a strict `<`).
        TargetKind::Deadline => {
            let part = &target.parts[0];
            let days = part.value?;
            let days = if part.comparator == Some(Comparator::Lt) { days - Decimal::ONE } else { days };
            let unit = if part.unit.as_deref() == Some("工作日") { "个工作日" } else { "天" };
            Some(format!("{}{unit}", days.normalize()))
        }
        TargetKind::Quantity | TargetKind::Rate if target.parts.len() == 1 => {
            let part = &target.parts[0];
            let value = part.value?;
            let unit = part.unit.clone().unwrap_or_default();
            let met = match part.comparator? {
                Comparator::Le | Comparator::Lt | Comparator::Eq => value,
                Comparator::Ge | Comparator::Gt if unit == "%" => (value + Decimal::ONE).min(Decimal::ONE_HUNDRED),
                // To the target's own decimals: 4.2公里 is met by 4.4, not by 4.
                Comparator::Ge | Comparator::Gt => (value * Decimal::new(105, 2)).round_dp(value.scale()),
            };
            Some(format!("{}{unit}", met.normalize()))
        }
        _ => None,
    }
}

/// An actual far behind a single numeric target: `percent` of it, in its unit.
fn behind(target_text: &str, percent: i64) -> Option<String> {
    let target = crate::targets::parse::parse_target(target_text)?;
    let [part] = target.parts.as_slice() else { return None };
    let value = part.value? * Decimal::from(percent) / Decimal::ONE_HUNDRED;
    Some(format!("{}{}", value.normalize(), part.unit.as_deref().unwrap_or("")))
}
