//! The performance evaluation report (绩效评价报告) in the outline of the project
//! expenditure evaluation rules (财预〔2020〕10号's reference outline): a cover; 一 the
//! project, its funding and targets; 二 how the evaluation was done; 三 the overall
//! result; 四 the analysis dimension by dimension, each item with its score, maximum and
//! basis; 五 experience, problems and their causes, grouped from the deductions and the
//! year's alerts; 六 a suggestion for each problem (and the rectification a 差 opened);
//! 七 other matters; an appendix with the schedule, sensitivity and indicator tables.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    Context, Document, Section, basic_facts, context, coverage, debt_service, declared_targets, dimension_name,
    funding, grade_name, indicators, months_of, part, revenue, section, spending, table,
};
use crate::Ctx;
use crate::codes::AlertStatus;
use crate::codes::{Profile, RectificationSource, RectificationStatus, label_or_code};
use crate::error::Result;
use crate::evaluation::{self, score::DimensionScore};
use crate::figures::fixed;
use crate::monitoring::facts::ProjectFacts;
use crate::monitoring::store::alert;

/// Who evaluates: the district finance bureau's debt office re-evaluates (再评价).
const EVALUATOR: &str = "区财政局债务管理部门";

/// An item's deduction of less than half a hundredth of a point is rounding.
fn deducted(max: Decimal, score: Decimal) -> bool {
    max - score >= Decimal::new(5, 3)
}

/// What each dimension asks of the project, for the analysis and the suggestions.
fn dimension_words(d: &str) -> (&'static str, &'static str) {
    match d {
        "DECISION" => ("(一)决策", "完善项目前期论证、事前绩效评估与绩效目标,确保目标明确、细化、可衡量"),
        "MANAGEMENT" => ("(二)管理(过程)", "加快资金拨付与支出进度,规范资金使用与台账管理,按月报送双监控信息"),
        "OUTPUT" => ("(三)产出", "加强建设进度管理,确保产出数量、质量与时效达到绩效目标"),
        _ => ("(四)可持续性(效益)", "落实项目收益,及时归集至专户,加强偿债能力监测,防范偿债风险"),
    }
}

/// The performance evaluation report of a project for a year (as of its 31 December,
/// or today for the current year).
pub async fn evaluation_report(ctx: &Ctx, code: &str, year: i32) -> Result<Document> {
    let (facts, result) = evaluation::score_project(ctx, code, year).await?;
    evaluation_document(ctx, &facts, &result, year).await
}

/// The evaluation report of a project already scored (the batch scores, stores, then writes).
pub async fn evaluation_document(
    ctx: &Ctx,
    facts: &ProjectFacts,
    result: &evaluation::score::Evaluation,
    year: i32,
) -> Result<Document> {
    let as_of = evaluation::evaluated_as_of(year, ctx.clock.today());
    let c = context(ctx, facts, as_of).await?;
    let p = &facts.project;
    let grade = grade_name(result.grade);
    let total = fixed(result.total, 2);
    let alerts = alerts_of_year(ctx, &c, year).await?;
    let rectification = crate::results::of_project(&ctx.db, p.id)
        .await?
        .into_iter()
        .find(|r| r.year == Some(year) && r.source == RectificationSource::Evaluation.as_str());
    let today = ctx.clock.today();

    let cover = vec![
        ["项目名称".into(), p.name.clone()],
        ["项目编码".into(), p.code.clone()],
        ["主管部门".into(), c.department.name.clone()],
        ["项目单位".into(), p.executing_unit.clone()],
        ["评价年度".into(), format!("{year}年度")],
        ["评价机构".into(), EVALUATOR.into()],
        ["评价日期".into(), today.format("%Y年%-m月%-d日").to_string()],
        ["评价得分与等级".into(), format!("{total}分 · {grade}")],
    ];

    // 一: the project, its funding and bonds, its targets.
    let facts_parts = vec![
        section("一、项目基本情况"),
        part(basic_facts(&c), "(一)项目概况"),
        part(funding(&c, ""), "(二)资金筹措与债券"),
        part(declared_targets(&c, ""), "(三)绩效目标"),
    ];

    let how = how_it_was_done(ctx, &c, result, year);
    let overall = overall_result(&p.name, result, year);
    let analysis = analysis_of(result);
    // 五 and 六: what went well, what did not and why, and what to do about each.
    let (lessons, advice) = lessons_and_advice(&result.dimensions, &alerts, year);
    let mut suggestions = advice;
    let poor = result.grade == crate::codes::Grade::Poor.as_str();
    if let Some(r) = &rectification {
        let status = RectificationStatus::parse(&r.status).map_or(r.status.as_str(), |s| s.label());
        suggestions.paragraphs.push(format!(
            "{}已于{}下达整改事项,整改期限为{},当前状态:{status}。整改情况作为下一年度债券额度安排的依据。",
            if poor { "评价等级为“差”," } else { "本年度评价" },
            r.opened_on.format("%Y年%-m月%-d日"),
            r.due_on.format("%Y年%-m月%-d日")
        ));
    } else if poor {
        suggestions
            .paragraphs
            .push("评价等级为“差”,应向主管部门反馈并限期整改,整改情况作为下一年度债券额度安排的依据。".into());
    }

    let other = other_matters(facts, result, year);

    // 附件: the tables a reviewer checks the figures against.
    let appendix = vec![
        section("附件"),
        part(spending(&c, &months_of(year, as_of), &format!("{year}年")), "附件1 资金支出与建设进度"),
        part(debt_service(&c, ""), "附件2 还本付息计划"),
        part(coverage(&c, ""), "附件3 本息覆盖与敏感性分析"),
        part(revenue(&c), "附件4 项目收益实现情况"),
        part(indicators(&c, ""), "附件5 绩效指标完成情况"),
        part(alerts_table(&alerts, year), "附件6 年度预警及处置情况"),
    ];

    Ok(Document {
        title: format!("{year}年度专项债券项目绩效评价报告"),
        subtitle: format!("{}({})", p.name, p.code),
        generated: today.to_string(),
        cover,
        sections: facts_parts
            .into_iter()
            .chain([how, overall])
            .chain(analysis)
            .chain([lessons, suggestions, other])
            .chain(appendix)
            .collect(),
    })
}

/// 二: how the evaluation was done: purpose, scope, principles, the indicator system
/// with the profile's weights and why, method and standards, the data and its date.
fn how_it_was_done(ctx: &Ctx, c: &Context<'_>, result: &evaluation::score::Evaluation, year: i32) -> Section {
    let (facts, as_of) = (c.facts, c.as_of);
    let p = &facts.project;
    let profile = label_or_code(&result.profile, Profile::parse, Profile::label);
    let mut how = section("二、绩效评价工作开展情况");
    how.paragraphs.extend([
        format!(
            "(一)评价目的。按照全面实施预算绩效管理和专项债券项目全生命周期管理的要求,评价{}{year}年度专项债券资金使用的绩效,\
             评价结果作为下一年度项目安排和预算编制的依据。",
            p.name
        ),
        format!(
            "(二)评价对象和范围。对象为{}({}),范围为截至{}的债券资金筹措、分配、拨付、支出、建设进度、收益、还本付息及绩效目标实现情况。",
            p.name,
            p.code,
            as_of.format("%Y年%-m月%-d日")
        ),
        "(三)评价原则。科学公正、统筹兼顾、激励约束、公开透明;以数据说话,每项扣分均列明依据。".into(),
        format!(
            "(四)评价指标体系。项目在{year}年末处于“{}”状态,{},故采用{profile}类权重:{}。",
            facts.status_on(as_of).label(),
            if result.profile == "operating" { "已进入运营期,效益可以计量" } else { "尚在建设期,效益尚难计量" },
            result
                .dimensions
                .iter()
                .map(|d| format!("{}{}分", dimension_name(d.dimension), fixed(d.weight, 2)))
                .collect::<Vec<_>>()
                .join("、")
        ),
        {
            let g = ctx.evaluation.grades;
            let (e, good, f) = (g.excellent.normalize(), g.good.normalize(), g.fair.normalize());
            format!(
                "(五)评价方法和标准。采用比较法与因素分析法:支出进度与用款计划比较,实际产出与绩效目标比较,收益与实施方案预测比较;\
                 评分标准见 jobs/evaluation.toml,总分{e}分(含)以上为优、{good}至{e}分为良、{f}至{good}分为中、{f}分以下为差。"
            )
        },
        format!(
            "(六)评价数据。使用系统登记的台账数据(资金到账、拨付、支出、月度进度、收益、还本付息、绩效指标实际值)及年度预警,数据截止日期为{}。",
            as_of.format("%Y年%-m月%-d日")
        ),
    ]);
    how.tables.push(table(
        "评价指标体系",
        &["维度", "权重", "指标", "分值"],
        result
            .dimensions
            .iter()
            .flat_map(|d| {
                d.items.iter().enumerate().map(move |(i, item)| {
                    vec![
                        if i == 0 { dimension_name(d.dimension).to_string() } else { String::new() },
                        if i == 0 { fixed(d.weight, 2) } else { String::new() },
                        item.name.clone(),
                        fixed(item.max_score, 2),
                    ]
                })
            })
            .collect(),
    ));

    how
}

/// 三: the overall result, in a paragraph a reader can quote, and the score by dimension.
fn overall_result(name: &str, result: &evaluation::score::Evaluation, year: i32) -> Section {
    let (grade, total) = (grade_name(result.grade), fixed(result.total, 2));
    let mut overall = section("三、综合评价结论");
    let parts: Vec<String> = result
        .dimensions
        .iter()
        .map(|d| format!("{}{}分(满分{})", dimension_name(d.dimension), fixed(d.score, 2), fixed(d.weight, 2)))
        .collect();
    let lost: Vec<(String, Decimal)> = result
        .dimensions
        .iter()
        .map(|d| (dimension_name(d.dimension), d.weight - d.score))
        .filter(|(_, l)| *l >= Decimal::new(5, 3))
        .collect();
    overall.paragraphs.push(format!(
        "{}{year}年度绩效评价总分{total}分,评价等级为“{grade}”。其中{}。{}",
        name,
        parts.join("、"),
        match lost.iter().max_by_key(|(_, l)| *l) {
            Some((d, l)) => format!("失分主要在{d}方面({}分)。", fixed(*l, 2)),
            None => "各维度均未失分。".into(),
        }
    ));
    overall.tables.push(table(
        "评分汇总",
        &["维度", "权重", "得分", "得分率"],
        result
            .dimensions
            .iter()
            .map(|d| {
                let rate = (!d.weight.is_zero()).then(|| d.score * Decimal::ONE_HUNDRED / d.weight);
                vec![
                    dimension_name(d.dimension).to_string(),
                    fixed(d.weight, 2),
                    fixed(d.score, 2),
                    rate.map(|r| format!("{}%", fixed(r, 2))).unwrap_or_else(|| "—".into()),
                ]
            })
            .chain(std::iter::once(vec!["合计".into(), "100.00".into(), total.clone(), String::new()]))
            .collect(),
    ));

    overall
}

/// 四: dimension by dimension, each item with its score, maximum and basis.
fn analysis_of(result: &evaluation::score::Evaluation) -> Vec<Section> {
    let mut analysis = vec![section("四、绩效分析")];
    for d in &result.dimensions {
        let (heading, _) = dimension_words(d.dimension);
        let mut s = part(section(""), heading);
        s.paragraphs.push(format!(
            "{}维度权重{}分,得{}分。",
            dimension_name(d.dimension),
            fixed(d.weight, 2),
            fixed(d.score, 2)
        ));
        s.tables.push(table(
            &format!("{}指标评分", dimension_name(d.dimension)),
            &["指标", "分值", "得分", "评分依据与扣分原因"],
            d.items
                .iter()
                .map(|i| vec![i.name.clone(), fixed(i.max_score, 2), fixed(i.score, 2), i.reason.clone()])
                .collect(),
        ));
        analysis.push(s);
    }

    analysis
}

/// 七: what a reader should know about how the score came about: weight handed over,
/// qualitative judgements, actuals missing.
fn other_matters(facts: &ProjectFacts, result: &evaluation::score::Evaluation, year: i32) -> Section {
    let mut other = section("七、其他需要说明的问题");
    let handed: Vec<String> = result
        .dimensions
        .iter()
        .flat_map(|d| d.items.iter().map(move |i| (d, i)))
        .filter(|(_, i)| i.max_score.is_zero())
        .map(|(d, i)| format!("{}“{}”:{}", dimension_name(d.dimension), i.name, i.reason))
        .collect();
    let qualitative: Vec<String> = facts
        .indicators
        .iter()
        .filter_map(|i| {
            let a = i.actual_of_year(year)?;
            let j = a.judgement.as_deref()?;
            Some(format!("“{}”为定性指标,采用评判“{j}”", i.indicator.name))
        })
        .collect();
    if handed.is_empty() && qualitative.is_empty() {
        other.paragraphs.push("无。".into());
    }
    if !handed.is_empty() {
        other.paragraphs.push(format!("(一)权重转移:{}。", handed.join(";")));
    }
    if !qualitative.is_empty() {
        other.paragraphs.push(format!("(二)定性判断:{}。", qualitative.join(";")));
    }
    let missing = facts.indicators.iter().filter(|i| i.actual_of_year(year).is_none()).count();
    if missing > 0 {
        other.paragraphs.push(format!("(三)数据缺失:{missing}个绩效指标未填报{year}年实际值,按未完成计分。"));
    }

    other
}

/// 五 and 六: the dimensions with no deduction as experience; the deductions and the
/// year's alerts grouped by dimension as problems, each item's reason as its cause; and
/// one suggestion for each dimension with a problem.
fn lessons_and_advice(dimensions: &[DimensionScore], alerts: &[alert::Model], year: i32) -> (Section, Section) {
    let mut lessons = section("五、主要经验做法、存在的问题及原因");
    let clean: Vec<String> = dimensions
        .iter()
        .filter(|d| !d.weight.is_zero() && !d.items.iter().any(|i| deducted(i.max_score, i.score)))
        .map(|d| dimension_name(d.dimension).to_string())
        .collect();
    let full: Vec<String> = dimensions
        .iter()
        .flat_map(|d| d.items.iter())
        .filter(|i| !i.max_score.is_zero() && !deducted(i.max_score, i.score))
        .map(|i| i.name.clone())
        .collect();
    lessons.paragraphs.push(match (clean.is_empty(), full.is_empty()) {
        (false, _) => format!("(一)主要经验做法。{}方面未失分;{}等指标得满分。", clean.join("、"), full.join("、")),
        (true, false) => format!("(一)主要经验做法。{}等指标得满分。", full.join("、")),
        (true, true) => "(一)主要经验做法。本年度各项指标均有失分,暂无可总结的经验做法。".into(),
    });
    // Alerts of the year by dimension: how many, of which rules, how many resolved.
    let mut by_dimension: BTreeMap<&str, Vec<&alert::Model>> = BTreeMap::new();
    for a in alerts {
        by_dimension.entry(a.dimension.as_str()).or_default().push(a);
    }
    let mut advice = section("六、有关建议");
    let mut problems = Vec::new();
    for d in dimensions {
        let items: Vec<String> = d
            .items
            .iter()
            .filter(|i| deducted(i.max_score, i.score))
            .map(|i| format!("{}失{}分,原因:{}", i.name, fixed(i.max_score - i.score, 2), cause(&i.reason)))
            .collect();
        let raised = by_dimension.get(d.dimension).map(Vec::as_slice).unwrap_or_default();
        if items.is_empty() && raised.is_empty() {
            continue;
        }
        let mut text = format!("{}方面:", dimension_name(d.dimension));
        if !items.is_empty() {
            text.push_str(&items.join(";"));
            text.push('。');
        }
        if !raised.is_empty() {
            let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
            for a in raised {
                *rules.entry(a.rule.as_str()).or_default() += 1;
            }
            let resolved = raised.iter().filter(|a| a.status == AlertStatus::Resolved.as_str()).count();
            text.push_str(&format!(
                "{year}年发生预警{}条({}),已解除{resolved}条。",
                raised.len(),
                rules.iter().map(|(r, n)| format!("{r} {n}条")).collect::<Vec<_>>().join("、")
            ));
        }
        problems.push(text);
        let (_, suggestion) = dimension_words(d.dimension);
        advice.paragraphs.push(format!(
            "{}. 针对{}方面的问题:{suggestion}。",
            advice.paragraphs.len() + 1,
            dimension_name(d.dimension)
        ));
    }
    if problems.is_empty() {
        lessons.paragraphs.push("(二)存在的问题及原因。未发现问题。".into());
        advice.paragraphs.push("各项指标均未扣分,建议保持现有管理水平。".into());
    } else {
        lessons.paragraphs.push("(二)存在的问题及原因。".into());
        lessons.paragraphs.extend(problems.into_iter().enumerate().map(|(i, p)| format!("{}. {p}", i + 1)));
    }
    (lessons, advice)
}

/// A deduction's reason without its "扣N分:" lead: the cause itself.
fn cause(reason: &str) -> &str {
    match reason.strip_prefix('扣').and_then(|r| r.split_once("分:")) {
        Some((points, rest)) if points.parse::<Decimal>().is_ok() => rest,
        _ => reason,
    }
}

/// The alerts of the project seen in the year, by first sighting.
async fn alerts_of_year(ctx: &Ctx, c: &Context<'_>, year: i32) -> Result<Vec<alert::Model>> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(c.as_of);
    let rows = alert::Entity::find()
        .filter(alert::Column::ProjectId.eq(c.facts.project.id))
        .order_by_asc(alert::Column::FirstSeenAt)
        .all(&ctx.db)
        .await?;
    Ok(rows.into_iter().filter(|a| super::seen_between(a, start, c.as_of)).collect())
}

fn alerts_table(alerts: &[alert::Model], year: i32) -> Section {
    let mut s = section("");
    let resolved = alerts.iter().filter(|a| a.status == AlertStatus::Resolved.as_str()).count();
    s.paragraphs.push(format!("{year}年共发生预警{}条,已解除{resolved}条。", alerts.len()));
    s.tables.push(table(
        "年度预警",
        &["规则", "等级", "状态", "首次发现", "内容"],
        alerts
            .iter()
            .map(|a| {
                vec![
                    a.rule.clone(),
                    label_or_code(&a.severity, crate::codes::Severity::parse, crate::codes::Severity::label),
                    label_or_code(&a.status, crate::codes::AlertStatus::parse, crate::codes::AlertStatus::label),
                    a.first_seen_at.with_timezone(&crate::clock::OFFICE_TZ).date_naive().to_string(),
                    a.message.clone(),
                ]
            })
            .collect(),
    ));
    s
}
