//! Performance evaluation scoring (绩效评价, domain.md §6): pure functions of a
//! project's facts, the alerts seen in the year, and the year's end.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::codes::Conclusion;
use crate::db::values::Month;
use crate::debt;
use crate::monitoring::facts::{IndicatorFacts, ProjectFacts};
use crate::monitoring::{Finding, Severity};

pub use crate::config::evaluation::{AssessmentMaxima, DEFAULT_EVALUATION, EvaluationConfig, Grades, Weights};

/// One scored item: its share of the dimension and its score as a fraction 0..1, or
/// none when there is nothing to measure (its share then goes to the others).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Item {
    pub name: String,
    pub share: Decimal,
    pub fraction: Option<Decimal>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScoredItem {
    pub name: String,
    pub max_score: Decimal,
    pub score: Decimal,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DimensionScore {
    pub dimension: &'static str,
    pub weight: Decimal,
    pub score: Decimal,
    pub items: Vec<ScoredItem>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Evaluation {
    pub year: i32,
    pub profile: String,
    pub total: Decimal,
    pub grade: &'static str,
    pub dimensions: Vec<DimensionScore>,
}

fn capped(x: Decimal) -> Decimal {
    x.clamp(Decimal::ZERO, Decimal::ONE)
}

fn item(name: &str, share: Decimal, fraction: Option<Decimal>, reason: String) -> Item {
    Item { name: name.into(), share, fraction, reason }
}

/// Shares the dimension's weight over its items; items with nothing to measure hand
/// their share to the others pro rata.
fn score_dimension(dimension: &'static str, weight: Decimal, items: Vec<Item>) -> DimensionScore {
    let measured: Decimal = items.iter().filter(|i| i.fraction.is_some()).map(|i| i.share).sum();
    if measured.is_zero() {
        // Listed all the same, with why its weight went to the other dimensions.
        let items = items
            .into_iter()
            .map(|i| ScoredItem {
                name: i.name,
                max_score: Decimal::ZERO,
                score: Decimal::ZERO,
                reason: format!("本维度无可计量数据,权重按比例转入其他维度:{}", i.reason),
            })
            .collect();
        return DimensionScore { dimension, weight: Decimal::ZERO, score: Decimal::ZERO, items };
    }
    let scored = items
        .into_iter()
        .map(|i| match i.fraction {
            Some(f) => {
                let max = weight * i.share / measured;
                let score = max * f;
                let reason = if f < Decimal::ONE {
                    format!("扣{}分:{}", crate::figures::fixed(max - score, 2), i.reason)
                } else {
                    i.reason
                };
                ScoredItem { name: i.name, max_score: max, score, reason }
            }
            None => ScoredItem {
                name: i.name,
                max_score: Decimal::ZERO,
                score: Decimal::ZERO,
                reason: format!("无可计量数据,分值按比例转入本维度其他指标:{}", i.reason),
            },
        })
        .collect::<Vec<_>>();
    DimensionScore { dimension, weight, score: scored.iter().map(|s| s.score).sum(), items: scored }
}

/// An indicator's attainment from its actual of the year (§6), if it can be judged.
fn attained(i: &IndicatorFacts, year: i32) -> Option<Decimal> {
    let actual = i.actual_of_year(year)?;
    crate::targets::parse::attainment(i.target.as_ref()?, &actual.value, actual.judgement.as_deref())
}

/// The mean attainment of a group of the year's indicators (§6, missing is not empty):
/// 0 when the project declared no targets for the year; handed on when its declared
/// targets rightly have no indicator of the group; an indicator without an actual of
/// the year counts 0.
fn group_score(group: &[&IndicatorFacts], declared: bool, year: i32) -> (Option<Decimal>, String) {
    if !declared {
        return (Some(Decimal::ZERO), "未申报本年度绩效目标,无从体现结果".into());
    }
    let with_target: Vec<&&IndicatorFacts> = group.iter().filter(|i| i.target.is_some()).collect();
    if with_target.is_empty() {
        return (None, "绩效目标未设此类指标".into());
    }
    let values: Vec<Decimal> = with_target.iter().map(|i| attained(i, year).unwrap_or(Decimal::ZERO)).collect();
    let measured = with_target.iter().filter(|i| attained(i, year).is_some()).count();
    let mean = capped(values.iter().sum::<Decimal>() / Decimal::from(values.len()));
    (Some(mean), format!("{}个指标,{measured}个有{year}年实际值", with_target.len()))
}

/// The worst severity a rule reached for this project in the year, from the alerts
/// seen in it and those the rules find at its end.
fn worst(findings: &[Finding], rule: &str) -> Option<Severity> {
    findings.iter().filter(|f| f.rule == rule).map(|f| f.severity).min()
}

/// Scores a project for `year`, as of `as_of` (31 December, or today for the current
/// year). `findings` are the alerts of the project (and its bonds) seen in the year.
/// The four dimensions mirror the rules' (`monitoring/rules/*`).
pub fn evaluate(
    f: &ProjectFacts,
    findings: &[Finding],
    config: &EvaluationConfig,
    year: i32,
    as_of: NaiveDate,
) -> Evaluation {
    use crate::ledger::projects::ProjectStatus;
    let operating = matches!(f.stage_status_on(as_of), ProjectStatus::Operating | ProjectStatus::Repaid);
    let profile = if operating { "operating" } else { "construction" };
    let weights = config.profiles.get(profile).copied().unwrap_or(Weights {
        decision: Decimal::from(25),
        management: Decimal::from(25),
        output: Decimal::from(25),
        sustainability: Decimal::from(25),
    });
    let of_year = f.indicators_of_year(year);
    let candidates = [
        ("DECISION", weights.decision, decision(f, findings, &of_year, year, as_of)),
        ("MANAGEMENT", weights.management, management(f, findings, year, as_of)),
        ("OUTPUT", weights.output, output(&of_year, year)),
        ("SUSTAINABILITY", weights.sustainability, sustainability(f, &of_year, year, as_of)),
    ];
    // A dimension with nothing to measure hands its weight to the others pro rata.
    let measurable: Decimal =
        candidates.iter().filter(|(_, _, items)| items.iter().any(|i| i.fraction.is_some())).map(|(_, w, _)| *w).sum();
    let dimensions: Vec<DimensionScore> = candidates
        .into_iter()
        .map(|(name, w, items)| {
            let weight = if measurable.is_zero() { Decimal::ZERO } else { w * Decimal::ONE_HUNDRED / measurable };
            score_dimension(name, weight, items)
        })
        .collect();
    let total = crate::figures::round_half_up(dimensions.iter().map(|d| d.score).sum::<Decimal>(), 2);
    Evaluation { year, profile: profile.into(), total, grade: config.grade(total).as_str(), dimensions }
}

/// 决策: the ex-ante assessment, the year's targets, coverage and the term match.
fn decision(
    f: &ProjectFacts,
    findings: &[Finding],
    of_year: &[&IndicatorFacts],
    year: i32,
    as_of: NaiveDate,
) -> Vec<Item> {
    let assessment = f.assessment_on(as_of).map(|a| a.conclusion.as_str());
    let assessed = match assessment {
        Some(c) if c == Conclusion::Support.as_str() => (Decimal::ONE, "事前绩效评估结论为予以支持".to_string()),
        Some(c) if c == Conclusion::SupportAfterChanges.as_str() => {
            (Decimal::new(6, 1), "事前绩效评估结论为调整完善后予以支持".into())
        }
        Some(other) => (Decimal::ZERO, format!("事前绩效评估结论为{other}")),
        None => (Decimal::ZERO, "未开展事前绩效评估".into()),
    };
    // Only the year's targets (§6): annual ones declared for it, long-term ones in force.
    let declared = !of_year.is_empty();
    let levels = ["产出指标", "效益指标", "满意度指标"]
        .iter()
        .filter(|l| of_year.iter().any(|i| i.indicator.level1 == **l))
        .count();
    let with_target: Vec<_> = of_year.iter().filter(|i| i.target.is_some()).collect();
    let quantified = with_target
        .iter()
        .filter(|i| i.target.as_ref().is_some_and(|t| t.kind != crate::targets::parse::TargetKind::Qualitative))
        .count();
    let targets = Some(if !declared {
        Decimal::ZERO
    } else {
        Decimal::new(5, 1) * Decimal::from(levels) / Decimal::from(3)
            + if with_target.is_empty() {
                Decimal::ZERO
            } else {
                Decimal::new(5, 1) * Decimal::from(quantified) / Decimal::from(with_target.len())
            }
    });
    let coverage = debt::project_coverage(&f.books, f.project.id, &f.forecast);
    let coverage_fraction = coverage.map(|c| capped((c - Decimal::ONE) / Decimal::new(2, 1)));
    let mismatched = findings.iter().any(|x| x.rule == "D7");
    vec![
        item("事前绩效评估", Decimal::new(3, 1), Some(assessed.0), assessed.1),
        item(
            "绩效目标完整性和量化程度",
            Decimal::new(3, 1),
            targets,
            if declared {
                format!("具备{levels}类一级指标,{quantified}/{}个指标已量化", with_target.len())
            } else {
                format!("未申报{year}年度绩效目标")
            },
        ),
        item(
            "本息覆盖倍数",
            Decimal::new(2, 1),
            coverage_fraction,
            coverage
                .map(|c| format!("本息覆盖倍数{}(1.2及以上满分,1.0以下不得分)", crate::figures::COVERAGE.show(c)))
                .unwrap_or_else(|| "无债券或无收益预测".into()),
        ),
        item(
            "期限匹配",
            Decimal::new(2, 1),
            (!f.books.is_empty()).then_some(if mismatched { Decimal::ZERO } else { Decimal::ONE }),
            if mismatched {
                "债券期限与收益期不匹配".into()
            } else {
                "债券期限与收益期匹配".into()
            },
        ),
    ]
}

/// 管理: money in place, spending against plan, idle money, compliant payments, timely
/// reports and use adjustments.
fn management(f: &ProjectFacts, findings: &[Finding], year: i32, as_of: NaiveDate) -> Vec<Item> {
    let totals = f.totals(as_of);
    let (funding, received) = (totals.bond_funding, totals.received);
    let planned = f.project.planned_bond_funding;
    let in_place = (planned.fen() > 0).then(|| capped(received.to_decimal() / planned.to_decimal()));
    let paid = totals.paid;
    let spend_vs_plan = match (crate::figures::planned_spend_percent(f, as_of), funding.fen() > 0) {
        (Some(p), true) if p > Decimal::ZERO => {
            Some(capped(paid.to_decimal() * Decimal::ONE_HUNDRED / funding.to_decimal() / p))
        }
        _ => None,
    };
    let level = |rule: &str| match worst(findings, rule) {
        None | Some(Severity::Blue) => (Decimal::ONE, "年内无预警".to_string()),
        Some(Severity::Yellow) => (Decimal::new(5, 1), "年内出现黄色预警".to_string()),
        Some(s) => (Decimal::ZERO, format!("年内出现{}色预警", s.label())),
    };
    let idle = level("M2");
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(as_of);
    let paid_in_year = paid - f.totals(year_start - chrono::Duration::days(1)).paid;
    let bad = misused(findings, year_start);
    let payments =
        (paid_in_year.fen() > 0).then(|| capped(Decimal::ONE - bad.to_decimal() / paid_in_year.to_decimal()));
    let months = report_months(f, year, as_of);
    let on_time = months.iter().filter(|m| reported_in_time(f, **m)).count();
    let reports = (!months.is_empty()).then(|| Decimal::from(on_time) / Decimal::from(months.len()));
    let adjusted = level("M7");
    vec![
        item(
            "资金到位率",
            Decimal::new(2, 1),
            in_place,
            format!("到位{}/计划{}", crate::monitoring::wan(received), crate::monitoring::wan(planned)),
        ),
        item(
            "支出进度与用款计划",
            Decimal::new(25, 2),
            spend_vs_plan,
            format!("已支出{}", crate::monitoring::wan(paid)),
        ),
        item("资金闲置", Decimal::new(15, 2), Some(idle.0), format!("资金闲置(M2){}", idle.1)),
        item("支出合规", Decimal::new(2, 1), payments, format!("违规或挪用支出{}", crate::monitoring::wan(bad))),
        item("监控报告及时性", Decimal::new(1, 1), reports, format!("{on_time}/{}个月按时报送", months.len())),
        item("用途调整", Decimal::new(1, 1), Some(adjusted.0), format!("用途调整(M7){}", adjusted.1)),
    ]
}

/// The payments of the year the rules named forbidden (M5) or misdirected (M6), each
/// counted once however many of the year's replays named it.
fn misused(findings: &[Finding], year_start: NaiveDate) -> crate::db::Money {
    let named: std::collections::BTreeMap<i64, crate::db::Money> = findings
        .iter()
        .filter(|x| x.rule == "M5" || x.rule == "M6")
        .flat_map(|x| x.payments.iter())
        .filter(|p| p.paid_on >= year_start)
        .map(|p| (p.id, p.amount))
        .collect();
    named.values().copied().sum()
}

/// The months of `year` whose report was due (the 10th of the next month) by `as_of`,
/// from the project's start to its completion.
fn report_months(f: &ProjectFacts, year: i32, as_of: NaiveDate) -> Vec<Month> {
    let mut out = Vec::new();
    if let Some(mut m) = f.project.actual_start.map(Month::of) {
        let last = Month::of(as_of);
        while m < last && m.year <= year {
            if m.year == year && report_due(m) <= as_of && f.project.actual_completion.is_none_or(|c| m <= Month::of(c))
            {
                out.push(m);
            }
            m = m.next();
        }
    }
    out
}

/// A month's report is due on the 10th of the next.
fn report_due(m: Month) -> NaiveDate {
    m.next().first_day().with_day(10).unwrap_or(m.next().first_day())
}

/// Was the month's first report in by its due date?
fn reported_in_time(f: &ProjectFacts, m: Month) -> bool {
    let period = m.to_string();
    f.progress.iter().filter(|r| r.period == period).map(|r| r.submitted_on).min().is_some_and(|d| d <= report_due(m))
}

/// The item of a group of the year's indicators (those `pred` picks).
fn scored(
    name: &str,
    share: Decimal,
    of_year: &[&IndicatorFacts],
    year: i32,
    pred: impl Fn(&IndicatorFacts) -> bool,
) -> Item {
    let list: Vec<&IndicatorFacts> = of_year.iter().copied().filter(|i| pred(i)).collect();
    let (fraction, reason) = group_score(&list, !of_year.is_empty(), year);
    item(name, share, fraction, reason)
}

/// 产出: the year's quantity, quality, time and cost indicators.
fn output(of_year: &[&IndicatorFacts], year: i32) -> Vec<Item> {
    vec![
        scored("数量指标完成", Decimal::new(35, 2), of_year, year, |i| i.indicator.level2 == "数量指标"),
        scored("质量指标达标", Decimal::new(25, 2), of_year, year, |i| i.indicator.level2 == "质量指标"),
        scored("时效指标", Decimal::new(2, 1), of_year, year, |i| i.indicator.level2 == "时效指标"),
        scored("成本指标", Decimal::new(2, 1), of_year, year, |i| i.indicator.level1 == "成本指标"),
    ]
}

/// 可持续性: benefit and satisfaction indicators, revenue realised, rolling coverage and
/// debt service paid on time.
fn sustainability(f: &ProjectFacts, of_year: &[&IndicatorFacts], year: i32, as_of: NaiveDate) -> Vec<Item> {
    let position = debt::repayment_position(&f.books, f.project.id, &f.revenue, as_of);
    // No forecast scores 0; one whose first year has not begun has nothing to realise yet.
    let forecast_started = f.forecast.iter().any(|y| y.year <= as_of.year());
    let realisation = if f.forecast.is_empty() {
        Some(Decimal::ZERO)
    } else {
        forecast_started.then(|| capped(debt::coverage::realisation_rate(position.collected, &f.forecast, as_of)))
    };
    let rolling = debt::project_rolling_coverage(&f.books, f.project.id, &f.forecast, &f.revenue, as_of)
        .map(|r| capped((r - Decimal::ONE) / Decimal::new(2, 1)));
    let due_in_year: Vec<_> = debt::project_lines(&f.books, f.project.id)
        .into_iter()
        .filter(|l| l.line.due.year() == year && l.line.due <= as_of)
        .collect();
    let paid_on_time = (!due_in_year.is_empty()).then(|| {
        Decimal::from(
            due_in_year
                .iter()
                .filter(|l| l.paid >= l.line.total() && l.paid_on.is_some_and(|d| d <= l.line.due))
                .count(),
        ) / Decimal::from(due_in_year.len())
    });
    let repayment = match (rolling, paid_on_time) {
        (Some(a), Some(b)) => Some((a + b) / Decimal::TWO),
        (a, b) => a.or(b),
    };
    vec![
        scored("效益指标", Decimal::new(3, 1), of_year, year, |i| i.indicator.level1 == "效益指标"),
        scored("满意度指标", Decimal::new(2, 1), of_year, year, |i| i.indicator.level1 == "满意度指标"),
        item(
            "收益实现率",
            Decimal::new(25, 2),
            realisation,
            if f.forecast.is_empty() {
                "未登记收益预测".to_string()
            } else {
                format!("已实现专项收入{}", crate::monitoring::wan(position.collected))
            },
        ),
        item("滚动覆盖与按时还本付息", Decimal::new(25, 2), repayment, format!("年内到期{}笔", due_in_year.len())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Grade;

    #[test]
    fn the_weights_and_grades_are_checked() {
        let config = EvaluationConfig::default_config();
        assert_eq!(config.grade(Decimal::new(8999, 2)), Grade::Good);
        assert_eq!(config.grade(Decimal::from(90)), Grade::Excellent);
        assert_eq!(config.grade(Decimal::new(5999, 2)), Grade::Poor);
        let off = DEFAULT_EVALUATION.replace("decision = 15", "decision = 16");
        assert!(EvaluationConfig::parse(&off, "evaluation.toml").unwrap_err().contains("add up to 101"));
        // The eight maxima of the ex-ante assessment: 20+15+15+15+10+10+10+5 = 100; one point more is refused.
        let shipped = EvaluationConfig::default_config();
        assert_eq!(shipped.assessment.maxima.iter().sum::<Decimal>(), Decimal::ONE_HUNDRED);
        assert_eq!(shipped.assessment.maxima, AssessmentMaxima::default().maxima, "the file and the default agree");
        let older = DEFAULT_EVALUATION.split("[assessment]").next().unwrap();
        assert_eq!(
            EvaluationConfig::parse(older, "evaluation.toml").unwrap().assessment.maxima,
            shipped.assessment.maxima
        );
        let more = DEFAULT_EVALUATION.replace("maxima = [20,", "maxima = [21,");
        assert!(EvaluationConfig::parse(&more, "evaluation.toml").unwrap_err().contains("add up to 101, not 100"));
        let missing = DEFAULT_EVALUATION.replace("[profiles.construction]", "[profiles.building]");
        assert!(
            EvaluationConfig::parse(&missing, "evaluation.toml").unwrap_err().contains("'construction' is missing")
        );
    }

    #[test]
    fn a_dimension_shares_its_weight_over_what_can_be_measured() {
        let items = vec![
            item("a", Decimal::new(5, 1), Some(Decimal::ONE), "满分".into()),
            item("b", Decimal::new(3, 1), Some(Decimal::new(5, 1)), "一半".into()),
            item("c", Decimal::new(2, 1), None, "无数据".into()),
        ];
        let d = score_dimension("DECISION", Decimal::from(40), items);
        // a: 40 × 0.5/0.8 = 25; b: 40 × 0.3/0.8 = 15, half of it = 7.5; c hands its share on.
        assert_eq!(d.items[0].max_score, Decimal::from(25));
        assert_eq!(d.items[1].score, Decimal::new(75, 1));
        assert!(d.items[1].reason.starts_with("扣7.50分"));
        assert_eq!(d.score, Decimal::new(325, 1));
        assert!(d.items[2].reason.contains("转入"));
    }
}
