//! Ex-ante assessment (事前绩效评估) and performance evaluation (绩效评价).

pub mod checks;
pub mod score;

use crate::performance::stored;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, NotSet, Set};

use crate::Ctx;
use crate::base::Caller;
use crate::db::begin_write;
use crate::error::{Error, Result};
use crate::ledger::{audit, optional_text, project_in_scope};
use crate::performance::{assessment, assessment_point};

/// The eight points of 财预〔2021〕61号.
pub const ASSESSMENT_POINTS: [&str; 8] = [
    "项目实施的必要性、公益性、收益性",
    "项目建设投资合规性与项目成熟度",
    "项目资金来源和到位可行性",
    "项目收入、成本、收益预测合理性",
    "债券资金需求合理性",
    "项目偿债计划可行性和偿债风险点",
    "绩效目标合理性",
    "其他需要纳入事前绩效评估的事项",
];

pub struct AssessmentPointInput {
    pub point: i32,
    pub score: Option<Decimal>,
    pub comment: Option<String>,
}

pub struct AssessmentInput {
    pub project_code: String,
    pub submitted_on: NaiveDate,
    pub conclusion: String,
    pub points: Vec<AssessmentPointInput>,
}

/// Records an assessment; the latest one of a project counts, earlier ones stay.
pub async fn submit_assessment(ctx: &Ctx, caller: &Caller, input: AssessmentInput) -> Result<assessment::Model> {
    let conclusion = input.conclusion.trim();
    if crate::codes::Conclusion::parse(conclusion).is_none() {
        return Err(Error::validation(
            "input.conclusion",
            format!("“{conclusion}”不是评估结论;请填写 予以支持、调整完善后予以支持 或 不予支持"),
        ));
    }
    let mut seen = [false; 8];
    for (i, p) in input.points.iter().enumerate() {
        let f = format!("input.points[{i}]");
        if !(1..=8).contains(&p.point) {
            return Err(Error::validation(
                format!("{f}.point"),
                format!("第 {} 项评估要点不存在:事前绩效评估共有第 1 至 8 项要点", p.point),
            ));
        }
        if std::mem::replace(&mut seen[(p.point - 1) as usize], true) {
            return Err(Error::validation(format!("{f}.point"), format!("第 {} 项评估要点重复填写", p.point)));
        }
        let max = ctx.evaluation.assessment.maxima[(p.point - 1) as usize];
        if let Some(s) = p.score
            && (s < Decimal::ZERO || s > max)
        {
            return Err(Error::validation(
                format!("{f}.score"),
                format!(
                    "第 {} 项“{}”满分 {} 分,评分 {s} 超出 0 至 {} 的范围",
                    p.point,
                    ASSESSMENT_POINTS[(p.point - 1) as usize],
                    max.normalize(),
                    max.normalize()
                ),
            ));
        }
        optional_text(&format!("{f}.comment"), p.comment.as_deref(), 4000)?;
    }
    let txn = begin_write(&ctx.db).await?;
    let project = project_in_scope(&txn, caller, "input.projectCode", &input.project_code).await?;
    let model = assessment::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        submitted_on: Set(input.submitted_on),
        conclusion: Set(conclusion.to_string()),
        recorded_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await?;
    for p in input.points {
        assessment_point::ActiveModel {
            id: NotSet,
            assessment_id: Set(model.id),
            point: Set(p.point),
            score: Set(p.score.map(|s| s.normalize().to_string())),
            comment: Set(optional_text("", p.comment.as_deref(), 4000)?),
        }
        .insert(&txn)
        .await?;
    }
    crate::base::marks::changed(&txn, [project.id]).await?;
    audit(&txn, ctx, caller, "submitAssessment", &project.code, None::<&()>, Some(&model)).await?;
    txn.commit().await?;
    Ok(model)
}

/// An evaluation's dimensions and items as stored (`stored::Model::detail`), read back
/// typed: what the API, the scoring sheet and the exports show of a stored evaluation.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct StoredDetail {
    pub dimensions: Vec<StoredDimension>,
}

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct StoredDimension {
    pub dimension: String,
    pub weight: Decimal,
    pub score: Decimal,
    pub items: Vec<StoredItem>,
}

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct StoredItem {
    pub name: String,
    pub max_score: Decimal,
    pub score: Decimal,
    pub reason: String,
}

impl stored::Model {
    /// Its dimensions and items; a detail that cannot be read is the store's fault.
    pub fn dimensions(&self) -> Result<Vec<StoredDimension>> {
        serde_json::from_str::<StoredDetail>(&self.detail)
            .map(|d| d.dimensions)
            .map_err(|e| Error::Internal(format!("the stored evaluation {} cannot be read: {e}", self.id)))
    }
}

impl From<&score::Evaluation> for StoredDetail {
    fn from(e: &score::Evaluation) -> StoredDetail {
        let dimensions = e
            .dimensions
            .iter()
            .map(|d| StoredDimension {
                dimension: d.dimension.into(),
                weight: d.weight,
                score: d.score,
                items: d
                    .items
                    .iter()
                    .map(|i| StoredItem {
                        name: i.name.clone(),
                        max_score: i.max_score,
                        score: i.score,
                        reason: i.reason.clone(),
                    })
                    .collect(),
            })
            .collect();
        StoredDetail { dimensions }
    }
}

/// The date a year is evaluated as of: 31 December, or today for the current year.
pub fn evaluated_as_of(year: i32, today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today).min(today)
}

/// The last day of each month of `year` up to `as_of`, and `as_of` itself.
fn month_ends(year: i32, as_of: NaiveDate) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = (1..=12)
        .filter_map(|m| NaiveDate::from_ymd_opt(year, m, 1))
        .map(|first| crate::db::values::add_months(first, 1) - chrono::Duration::days(1))
        .filter(|d| *d < as_of)
        .collect();
    days.push(as_of);
    days
}

/// Scores a project for a year without storing anything: what a report reads.
pub async fn score_project(
    ctx: &Ctx,
    code: &str,
    year: i32,
) -> Result<(crate::monitoring::facts::ProjectFacts, score::Evaluation)> {
    use chrono::Datelike;
    crate::db::values::check_year("year", year)?;
    let today = ctx.clock.today();
    if year > today.year() {
        return Err(Error::validation(
            "year",
            format!("{year} 年尚未开始:年度绩效评价依据该年的实际情况,只能评价已开始的年度"),
        ));
    }
    let as_of = evaluated_as_of(year, today);
    let project = crate::ledger::project_by_code(&ctx.db, "projectCode", code).await?;
    let facts = crate::monitoring::facts::load_project(&ctx.db, &ctx.settings.debt, project.clone()).await?;
    // The alerts of the year: the rules replayed as of each month's last day of it (up
    // to the evaluation's date), so that a score never depends on whether a sweep ran.
    let project_bonds: Vec<i64> = facts.books.iter().map(|b| b.bond.id).collect();
    let bonds = crate::monitoring::facts::load_bonds(&ctx.db, Some(&project_bonds)).await?;
    let mut findings = Vec::new();
    for day in month_ends(year, as_of) {
        findings.extend(crate::monitoring::rules::evaluate_project(&facts, &ctx.rules, day));
        for b in &bonds {
            findings.extend(crate::monitoring::rules::evaluate_bond(b, &ctx.rules, day));
        }
    }
    let result = score::evaluate(&facts, &findings, ctx.evaluation.as_ref(), year, as_of);
    Ok((facts, result))
}

/// Stores a project's score for a year in place of any earlier one, in the caller's
/// transaction (results application opens a 差's rectification in the same one).
pub async fn store_in(
    txn: &sea_orm::DatabaseTransaction,
    ctx: &Ctx,
    caller: &Caller,
    project: &crate::ledger::entities::project::Model,
    year: i32,
    result: &score::Evaluation,
) -> Result<stored::Model> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let code = &project.code;
    let detail = serde_json::to_string(result)
        .map_err(|e| Error::Internal(format!("the evaluation of {code} {year} cannot be stored: {e}")))?;
    let before = stored::Entity::find()
        .filter(stored::Column::ProjectId.eq(project.id))
        .filter(stored::Column::Year.eq(year))
        .one(txn)
        .await?;
    let row = stored::ActiveModel {
        id: before.as_ref().map(|b| sea_orm::Set(b.id)).unwrap_or(NotSet),
        project_id: Set(project.id),
        year: Set(year),
        total_score: Set(crate::figures::fixed(result.total, 2)),
        grade: Set(result.grade.into()),
        profile: Set(result.profile.clone()),
        detail: Set(detail),
        computed_at: Set(ctx.clock.now()),
    };
    let saved = match before {
        Some(_) => row.update(txn).await?,
        None => row.insert(txn).await?,
    };
    crate::base::marks::changed(txn, [project.id]).await?;
    audit(
        txn,
        ctx,
        caller,
        "evaluate",
        format!("{code} {year}"),
        None::<&()>,
        Some(&serde_json::json!({"total": saved.total_score, "grade": saved.grade})),
    )
    .await?;
    Ok(saved)
}

/// Stored evaluations of a year, best first; of one department's projects when given.
pub async fn ranked(ctx: &Ctx, year: i32, department_code: Option<&str>) -> Result<Vec<stored::Model>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut rows = stored::Entity::find().filter(stored::Column::Year.eq(year)).all(&ctx.db).await?;
    if let Some(code) = department_code {
        let dept = crate::ledger::department_by_code(&ctx.db, "departmentCode", code).await?;
        let ids: Vec<i64> = crate::ledger::entities::project::Entity::find()
            .filter(crate::ledger::entities::project::Column::DepartmentId.eq(dept.id))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        rows.retain(|r| ids.contains(&r.project_id));
    }
    rows.sort_by(|a, b| {
        let (x, y) =
            (crate::db::values::stored_decimal(&a.total_score), crate::db::values::stored_decimal(&b.total_score));
        y.cmp(&x).then(a.project_id.cmp(&b.project_id))
    });
    Ok(rows)
}

/// A department's place among departments in a year, by the mean score of its
/// evaluated projects; the seed's office fed back to every unit under 60.
#[derive(Clone, Debug, PartialEq)]
pub struct DepartmentRank {
    pub rank: usize,
    pub department: crate::ledger::entities::department::Model,
    pub projects: usize,
    pub average: Decimal,
    pub under_60: usize,
}

pub async fn department_ranking(ctx: &Ctx, year: i32) -> Result<Vec<DepartmentRank>> {
    use sea_orm::EntityTrait;
    use std::collections::BTreeMap;
    let projects: std::collections::HashMap<i64, i64> = crate::ledger::entities::project::Entity::find()
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.department_id))
        .collect();
    let mut scores: BTreeMap<i64, Vec<Decimal>> = BTreeMap::new();
    for e in ranked(ctx, year, None).await? {
        if let Some(d) = projects.get(&e.project_id) {
            scores.entry(*d).or_default().push(crate::db::values::stored_decimal(&e.total_score));
        }
    }
    let departments = crate::ledger::entities::department::Entity::find().all(&ctx.db).await?;
    let mut ranks: Vec<DepartmentRank> = departments
        .into_iter()
        .filter_map(|d| {
            let s = scores.remove(&d.id)?;
            Some(DepartmentRank {
                rank: 0,
                projects: s.len(),
                average: crate::figures::round_half_up(s.iter().sum::<Decimal>() / Decimal::from(s.len()), 2),
                under_60: s.iter().filter(|x| **x < Decimal::from(60)).count(),
                department: d,
            })
        })
        .collect();
    ranks.sort_by(|a, b| b.average.cmp(&a.average).then(a.department.code.cmp(&b.department.code)));
    for (i, r) in ranks.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ok(ranks)
}
