//! Ex-ante assessment (事前绩效评估) and performance evaluation (绩效评价).

pub mod entities;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, NotSet, Set};

use crate::Ctx;
use crate::auth::Caller;
use crate::db::begin_write;
use crate::error::{Error, Result};
use crate::ledger::{audit, optional_text, project_in_scope};
use entities::{assessment, assessment_point};

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

pub const CONCLUSIONS: &[&str] = &["予以支持", "调整完善后予以支持", "不予支持"];

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
    if !CONCLUSIONS.contains(&conclusion) {
        return Err(Error::validation(
            "input.conclusion",
            format!("'{conclusion}' is not a conclusion; use 予以支持, 调整完善后予以支持 or 不予支持"),
        ));
    }
    let mut seen = [false; 8];
    for (i, p) in input.points.iter().enumerate() {
        let f = format!("input.points[{i}]");
        if !(1..=8).contains(&p.point) {
            return Err(Error::validation(
                format!("{f}.point"),
                format!("point {} does not exist; the assessment has points 1 to 8", p.point),
            ));
        }
        if std::mem::replace(&mut seen[(p.point - 1) as usize], true) {
            return Err(Error::validation(format!("{f}.point"), format!("point {} is given twice", p.point)));
        }
        if let Some(s) = p.score
            && (s < Decimal::ZERO || s > Decimal::ONE_HUNDRED)
        {
            return Err(Error::validation(format!("{f}.score"), format!("a score of {s} is outside 0 to 100")));
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
    audit(&txn, ctx, caller, "submitAssessment", &project.code, None::<&()>, Some(&model)).await?;
    txn.commit().await?;
    Ok(model)
}
