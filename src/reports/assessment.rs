//! The ex-ante assessment report (事前绩效评估报告) in the shape of 财预〔2021〕61号: the
//! project, its funding, its revenue and cost forecast, coverage and sensitivity, its
//! repayment plan and risk points, its targets as declared (nothing has happened yet,
//! so no actuals), then the eight points — each with its maximum, the score given, what
//! the system found where it can check, and the office's judgement beside it — the total
//! and the conclusion with its reasons.

use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    Document, Section, basic_facts, context, coverage, debt_service, declared_targets, funding, section, table, wan,
};
use crate::Ctx;
use crate::codes::Conclusion;
use crate::db::Money;
use crate::error::Result;
use crate::evaluation::{ASSESSMENT_POINTS, checks};

/// A point scoring under this share of its maximum is a weakness the conclusion names.
const WEAK: Decimal = Decimal::from_parts(6, 0, 0, false, 1);

pub async fn assessment_report(ctx: &Ctx, code: &str) -> Result<Document> {
    let project = crate::ledger::project_by_code(&ctx.db, "projectCode", code).await?;
    let (facts, auto) = checks::checks_of(ctx, project).await?;
    let c = context(ctx, &facts, ctx.clock.today()).await?;
    let recorded = facts.assessment();
    let points = match recorded {
        Some(a) => {
            crate::performance::assessment_point::Entity::find()
                .filter(crate::performance::assessment_point::Column::AssessmentId.eq(a.id))
                .all(&ctx.db)
                .await?
        }
        None => Vec::new(),
    };
    let maxima = ctx.evaluation.assessment.maxima;

    let Scored { review, total, scored, weak } = scored(&points, &auto, &maxima);

    // 八: the conclusion and its reasons.
    let failed: Vec<&checks::AutoCheck> = auto.iter().filter(|a| !a.passed).collect();
    let mut conclusion = section("八、评估结论");
    match recorded {
        Some(a) => {
            let scores = match scored {
                0 => "各要点未评分".to_string(),
                8 => format!("评分合计{}分(满分100分)", crate::figures::fixed(total, 2)),
                n => format!("已评分{n}项,合计{}分(八项满分合计100分)", crate::figures::fixed(total, 2)),
            };
            conclusion.paragraphs.push(format!(
                "评估结论:{}。评估日期{},{scores}。",
                a.conclusion,
                a.submitted_on.format("%Y年%-m月%-d日")
            ));
        }
        None => conclusion
            .paragraphs
            .push(format!("尚未登记评估结论,本报告为系统核验稿;按系统核验,建议结论为“{}”。", suggested(&failed))),
    }
    let mut reasons = Vec::new();
    if failed.is_empty() {
        reasons.push("系统可核验的事项均已通过".to_string());
    } else {
        reasons.extend(failed.iter().map(|a| format!("{}未通过({})", a.name, bare(&a.detail))));
    }
    if !weak.is_empty() {
        reasons.push(format!("得分偏低的要点:{}", weak.join("、")));
    }
    conclusion.paragraphs.push(format!("理由:{}。", reasons.join(";")));
    if let Some(a) = recorded
        && a.conclusion == Conclusion::Support.as_str()
        && !failed.is_empty()
    {
        let mut points: Vec<i32> = failed.iter().map(|a| a.point).collect();
        points.dedup();
        conclusion.paragraphs.push(format!(
            "注意:登记的结论为“予以支持”,但系统核验有{}项未通过(第{}项要点),二者不一致,建议复核后再申报。",
            failed.len(),
            points.iter().map(|n| n.to_string()).collect::<Vec<_>>().join("、")
        ));
    }

    Ok(Document {
        title: "专项债券项目事前绩效评估报告".into(),
        subtitle: format!("{}({})", facts.project.name, facts.project.code),
        generated: ctx.clock.today().to_string(),
        cover: Vec::new(),
        sections: vec![
            basic_facts(&c),
            funding(&c, "二、资金来源与到位可行性"),
            forecast(&c),
            coverage(&c, "四、本息覆盖与敏感性分析"),
            repayment(&c, &auto),
            declared_targets(&c, "六、绩效目标(申报)"),
            review,
            conclusion,
        ],
    })
}

/// 七 as scored: the table, the total, how many points were scored, the weak ones.
struct Scored {
    review: Section,
    total: Decimal,
    scored: usize,
    weak: Vec<String>,
}

/// 七: each point with its maximum, score, the system's findings and the office's judgement.
fn scored(
    points: &[crate::performance::assessment_point::Model],
    auto: &[checks::AutoCheck],
    maxima: &[Decimal; 8],
) -> Scored {
    let mut review = section("七、评估要点与评分");
    review.paragraphs.push(
        "按财预〔2021〕61号的八项评估要点逐项评分(满分合计100分)。系统能核验的事项列出核验发现及其数据;\
         评估意见为评估机构(债务管理部门)登记的意见。"
            .into(),
    );
    let mut rows = Vec::new();
    let mut total = Decimal::ZERO;
    let mut scored = 0;
    let mut weak = Vec::new();
    for (i, title) in ASSESSMENT_POINTS.iter().enumerate() {
        let n = i as i32 + 1;
        let row = points.iter().find(|p| p.point == n);
        let score = row.and_then(|r| r.score.as_deref()).map(crate::db::values::stored_decimal);
        let over = score.is_some_and(|s| s > maxima[i]);
        if let Some(s) = score {
            total += s;
            scored += 1;
            if s < maxima[i] * WEAK {
                weak.push(format!(
                    "第{n}项“{title}”得{}分(满分{})",
                    crate::figures::fixed(s, 2),
                    maxima[i].normalize()
                ));
            }
        }
        let found: Vec<&checks::AutoCheck> = auto.iter().filter(|a| a.point == n).collect();
        let findings: Vec<String> = found
            .iter()
            .map(|a| format!("{}{}:{}", if a.passed { "通过 · " } else { "未通过 · " }, a.name, bare(&a.detail)))
            .collect();
        let failed = found.iter().any(|a| !a.passed);
        let comment = row.and_then(|r| r.comment.clone()).filter(|c| !c.trim().is_empty());
        let judgement = match (comment, failed) {
            (Some(c), true) => format!("{c}(系统核验:未通过)"),
            (Some(c), false) => c,
            (None, true) => "未登记意见;系统核验未通过".into(),
            (None, false) => "未登记意见".into(),
        };
        rows.push(vec![
            n.to_string(),
            title.to_string(),
            crate::figures::fixed(maxima[i], 2),
            match score {
                // Recorded before the points had their maxima (each was out of 100).
                Some(s) if over => format!("{}(超过满分)", crate::figures::fixed(s, 2)),
                Some(s) => crate::figures::fixed(s, 2),
                None => "—".into(),
            },
            if findings.is_empty() { "(无系统可核验事项)".into() } else { findings.join(";") },
            judgement,
        ]);
    }
    rows.push(vec![
        String::new(),
        "合计".into(),
        crate::figures::fixed(maxima.iter().sum(), 2),
        if scored > 0 { crate::figures::fixed(total, 2) } else { "—".into() },
        String::new(),
        if scored < 8 && scored > 0 { format!("{scored}项已评分") } else { String::new() },
    ]);
    review.tables.push(table(
        "评估要点评分表",
        &["序号", "评估要点", "满分", "得分", "系统核验发现", "评估意见"],
        rows,
    ));

    Scored { review, total, scored, weak }
}

/// A finding's sentence without its full stop, to sit inside another sentence.
fn bare(detail: &str) -> &str {
    detail.trim_end_matches(['。', ';', ';'])
}

/// The system's conclusion when the office has recorded none: a project on the negative
/// list or not compliant is not supported; other failed checks ask for improvements.
fn suggested(failed: &[&checks::AutoCheck]) -> &'static str {
    let conclusion = if failed.iter().any(|a| a.point <= 2) {
        Conclusion::Reject
    } else if failed.is_empty() {
        Conclusion::Support
    } else {
        Conclusion::SupportAfterChanges
    };
    conclusion.as_str()
}

/// 三: the implementation plan's forecast of revenue and operating cost, year by year.
fn forecast(c: &super::Context<'_>) -> Section {
    let mut s = section("三、收入、成本与收益预测");
    let f = &c.facts.forecast;
    if f.is_empty() {
        s.paragraphs.push("实施方案未提供收益预测。".into());
        return s;
    }
    let revenue: Money = f.iter().map(|y| y.revenue).sum();
    let cost: Money = f.iter().map(|y| y.operating_cost).sum();
    s.paragraphs.push(format!(
        "实施方案预测{}至{}年收入合计{}万元,运营成本合计{}万元,净收益合计{}万元。",
        f.iter().map(|y| y.year).min().unwrap_or_default(),
        f.iter().map(|y| y.year).max().unwrap_or_default(),
        wan(revenue),
        wan(cost),
        wan(revenue - cost)
    ));
    let mut rows: Vec<Vec<String>> = f
        .iter()
        .map(|y| vec![y.year.to_string(), wan(y.revenue), wan(y.operating_cost), wan(y.revenue - y.operating_cost)])
        .collect();
    rows.push(vec!["合计".into(), wan(revenue), wan(cost), wan(revenue - cost)]);
    s.tables.push(table("收益预测", &["年度", "收入(万元)", "运营成本(万元)", "净收益(万元)"], rows));
    s
}

/// 五: the repayment plan and the risk points found in it.
fn repayment(c: &super::Context<'_>, auto: &[checks::AutoCheck]) -> Section {
    let mut s = debt_service(c, "五、偿债计划与偿债风险点");
    let mut risks: Vec<String> =
        auto.iter().filter(|a| a.point == 6 && !a.passed).map(|a| format!("{}:{}", a.name, bare(&a.detail))).collect();
    let ratio = crate::debt::project_coverage(&c.facts.books, c.facts.project.id, &c.facts.forecast);
    if let Some(r) = ratio.filter(|r| *r < Decimal::new(12, 1)) {
        risks.push(format!("本息覆盖倍数{}低于1.2倍", crate::figures::fixed(r, 2)));
    }
    if let Some(r) = checks::sensitivity_table(c.facts)
        .iter()
        .filter_map(|r| r.coverage.map(|v| (v, &r.label)))
        .min_by_key(|(v, _)| *v)
        && r.0 < Decimal::ONE
    {
        risks.push(format!("“{}”情景下覆盖倍数降至{},收益不足以偿还本息", r.1, crate::figures::fixed(r.0, 2)));
    }
    s.paragraphs.push(if risks.is_empty() {
        "偿债风险点:未发现。".into()
    } else {
        format!("偿债风险点:{}。", risks.join(";"))
    });
    s
}
