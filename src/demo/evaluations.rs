//! The assessment before issuance (事前评估), and the loop of evaluation,
//! self-evaluation and rectification after it.

use chrono::Datelike;
use rust_decimal::Decimal;

use super::portfolio::Spec;
use super::{Calendar, demo_caller};
use crate::Ctx;
use crate::error::Result;
use crate::evaluation::{self, AssessmentInput, AssessmentPointInput};

/// The assessment before issuance: 予以支持 but for HY-MZ-02 and HY-ZJ-02 (D1).
pub(super) async fn load_assessment(ctx: &Ctx, cal: &Calendar, spec: &Spec, first_alloc: u32) -> Result<()> {
    let conclusion = match spec.code {
        "HY-MZ-02" => "不予支持",
        "HY-ZJ-02" => "调整完善后予以支持",
        _ => "予以支持",
    };
    let points = (1..=8)
        .map(|point| AssessmentPointInput {
            point,
            // 90% of each point's maximum for a supported project, 55% otherwise.
            score: Some(
                ctx.evaluation.assessment.maxima[(point - 1) as usize]
                    * if conclusion == "予以支持" { Decimal::new(9, 1) } else { Decimal::new(55, 2) },
            ),
            comment: match (point, conclusion) {
                (4, "调整完善后予以支持") => Some("收益预测偏低,本息覆盖倍数不足,需补充收益来源".into()),
                (1, "不予支持") => Some("项目属主题公园等商业设施,列入负面清单".into()),
                (1, _) => Some("项目属公益性基础设施,有一定收益,符合专项债券支持方向".into()),
                (2, _) => Some("已取得可研批复与用地手续".into()),
                _ => None,
            },
        })
        .collect();
    evaluation::submit_assessment(
        ctx,
        &demo_caller(),
        AssessmentInput {
            project_code: spec.code.into(),
            submitted_on: cal.ago(first_alloc + 3, 15),
            conclusion: conclusion.into(),
            points,
        },
    )
    .await?;
    Ok(())
}

/// The same services on a clock set back `days`: what the office did then.
fn days_ago(ctx: &Ctx, cal: &Calendar, days: i64) -> Ctx {
    let at = (cal.today - chrono::Duration::days(days)).and_hms_opt(10, 0, 0).unwrap_or_default().and_utc();
    let clock: crate::clock::SharedClock = std::sync::Arc::new(crate::clock::FixedClock::new(at));
    Ctx::with(ctx.db.clone(), clock, (*ctx.settings).clone()).with_settings_of(ctx)
}

/// The loop of domain.md §9 (demo::TROUBLES): last year evaluated (each 差 opening its
/// rectification 100 days ago, due 40 days ago: R2), HY-ZJ-02 also graded 差 the year
/// before with that rectification still open (R3) and self-evaluated far above the
/// office (R1); HY-MZ-02's answer awaits review, HY-JT-03's was accepted.
pub(super) async fn load_results(ctx: &Ctx, cal: &Calendar) -> Result<()> {
    use crate::results::{self, SelfEvaluationInput};
    let year = cal.today.year() - 1;
    let office = demo_caller();
    let before = days_ago(ctx, cal, 200);
    let (facts, result) = crate::evaluation::score_project(&before, "HY-ZJ-02", year - 1).await?;
    crate::results::store_evaluation(&before, &office, &facts.project, year - 1, &result).await?;
    let then = days_ago(ctx, cal, 100);
    for code in crate::ledger::queries::all_project_codes(&ctx.db).await? {
        let (facts, result) = crate::evaluation::score_project(&then, &code, year).await?;
        let stored = crate::results::store_evaluation(&then, &office, &facts.project, year, &result).await?;
        // Units grade themselves a little above the office; HY-ZJ-02 far above.
        let own = crate::db::values::stored_decimal(&stored.total_score);
        let total =
            if code == "HY-ZJ-02" { Decimal::from(95) } else { (own + Decimal::from(4)).min(Decimal::ONE_HUNDRED) };
        let input = SelfEvaluationInput {
            project_code: code.clone(),
            year,
            total_score: crate::figures::fixed(total, 2),
            parts: [None, None, None, None],
            note: Some("单位自评".into()),
            submitted_on: Some(cal.today - chrono::Duration::days(110)),
        };
        results::submit_self_evaluation(&then, &office, input).await?;
    }
    let of = async |code: &str| -> Result<Option<crate::performance::rectification::Model>> {
        let p = crate::ledger::project_by_code(&ctx.db, "code", code).await?;
        Ok(results::of_project(&ctx.db, p.id).await?.into_iter().find(|r| r.year == Some(year)))
    };
    if let Some(r) = of("HY-MZ-02").await? {
        let answered = days_ago(ctx, cal, 20);
        results::submit_rectification(
            &answered,
            &office,
            r.id,
            "已调整项目内容,剔除负面清单事项,重新报送实施方案",
            None,
        )
        .await?;
    }
    if let Some(r) = of("HY-JT-03").await? {
        let answered = days_ago(ctx, cal, 50);
        results::submit_rectification(&answered, &office, r.id, "已补充收益预测并报送", None).await?;
        results::review_rectification(&days_ago(ctx, cal, 45), &office, r.id, true, Some("整改到位"), None).await?;
    }
    Ok(())
}
