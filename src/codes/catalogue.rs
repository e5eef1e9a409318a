//! The alert catalogue of domain.md §7 and the data checks of §8.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    Decision,
    Management,
    Output,
    Sustainability,
}

impl Dimension {
    pub const ALL: [Dimension; 4] =
        [Dimension::Decision, Dimension::Management, Dimension::Output, Dimension::Sustainability];

    pub fn parse(text: &str) -> Option<Dimension> {
        Self::ALL.into_iter().find(|d| d.as_str() == text)
    }

    /// 决策 管理 产出 可持续性.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Decision => "决策",
            Dimension::Management => "管理",
            Dimension::Output => "产出",
            Dimension::Sustainability => "可持续性",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Decision => "DECISION",
            Dimension::Management => "MANAGEMENT",
            Dimension::Output => "OUTPUT",
            Dimension::Sustainability => "SUSTAINABILITY",
        }
    }
}

/// 红 橙 黄 蓝, most severe first (the derived order compares that way).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Red,
    Orange,
    Yellow,
    Blue,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Red, Severity::Orange, Severity::Yellow, Severity::Blue];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Red => "RED",
            Severity::Orange => "ORANGE",
            Severity::Yellow => "YELLOW",
            Severity::Blue => "BLUE",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Red => "红",
            Severity::Orange => "橙",
            Severity::Yellow => "黄",
            Severity::Blue => "蓝",
        }
    }
}

pub struct RuleDef {
    pub id: &'static str,
    pub dimension: Dimension,
    /// `BORROWING`, `USE`, `MANAGEMENT` or `REPAYMENT`: a label, not a gate.
    pub stage: &'static str,
    pub title: &'static str,
    pub thresholds: &'static [&'static str],
    /// Thresholds that must not decrease in this order.
    pub ascending: &'static [&'static str],
}

use Dimension::*;

macro_rules! rule {
    ($id:literal, $dim:expr, $stage:literal, $title:literal, [$($t:literal),*], [$($a:literal),*]) => {
        RuleDef { id: $id, dimension: $dim, stage: $stage, title: $title, thresholds: &[$($t),*], ascending: &[$($a),*] }
    };
}

pub const CATALOGUE: &[RuleDef] = &[
    rule!("D1", Decision, "BORROWING", "事前绩效评估缺失或未予支持", [], []),
    rule!("D2", Decision, "BORROWING", "绩效目标未随资金申报", [], []),
    rule!("D3", Decision, "BORROWING", "绩效目标不完整", ["min_indicators"], []),
    rule!("D4", Decision, "BORROWING", "绩效目标未量化", ["qualitative_share_above"], []),
    rule!(
        "D5",
        Decision,
        "BORROWING",
        "本息覆盖倍数不足",
        ["red_below", "orange_below", "yellow_below", "blue_above"],
        ["red_below", "orange_below", "yellow_below", "blue_above"]
    ),
    rule!("D6", Decision, "BORROWING", "属于负面清单", [], []),
    rule!("D7", Decision, "BORROWING", "债券期限与项目收益期不匹配", ["slack_years"], []),
    rule!("D8", Decision, "BORROWING", "项目成熟度不足", ["start_slack_months"], []),
    rule!("M1", Management, "USE", "资金滞留国库", ["yellow_days", "orange_days"], ["yellow_days", "orange_days"]),
    rule!(
        "M2",
        Management,
        "USE",
        "项目单位资金闲置",
        ["yellow_days", "orange_days", "red_days"],
        ["yellow_days", "orange_days", "red_days"]
    ),
    rule!(
        "M3",
        Management,
        "USE",
        "支出进度落后于用款计划",
        ["yellow_points", "red_points", "year_end_orange_share"],
        ["yellow_points", "red_points"]
    ),
    rule!("M4", Management, "USE", "资金支付与工程进度不匹配", ["yellow_points", "blue_points"], []),
    rule!("M5", Management, "USE", "违规支出(94号负面清单)", [], []),
    rule!("M6", Management, "USE", "债券资金用于未安排的项目", [], []),
    rule!(
        "M7",
        Management,
        "MANAGEMENT",
        "用途调整频繁或金额较大",
        ["yellow_count", "yellow_share", "orange_share"],
        ["yellow_share", "orange_share"]
    ),
    rule!("M8", Management, "MANAGEMENT", "调入项目与债券期限不匹配", [], []),
    rule!("M9", Management, "MANAGEMENT", "监控报告逾期", ["due_day", "orange_days_late", "lookback_months"], []),
    rule!(
        "M10",
        Management,
        "MANAGEMENT",
        "绩效目标严重偏离",
        ["red_ratio", "yellow_ratio"],
        ["red_ratio", "yellow_ratio"]
    ),
    rule!("M11", Management, "MANAGEMENT", "结余资金未处置", ["days"], []),
    rule!("M12", Management, "USE", "超拨超支(拨付或支出超过到账资金)", [], []),
    rule!(
        "O1",
        Output,
        "USE",
        "数量指标完成不足",
        ["red_below", "orange_below", "yellow_below"],
        ["red_below", "orange_below", "yellow_below"]
    ),
    rule!("O2", Output, "MANAGEMENT", "质量指标未达标", [], []),
    rule!("O3", Output, "USE", "开工或完工延误", ["start_grace_days", "red_days_late"], []),
    rule!("O4", Output, "USE", "投资超概算", ["blue_above", "orange_above"], ["blue_above", "orange_above"]),
    rule!("O5", Output, "MANAGEMENT", "否决性指标未达成", [], []),
    rule!(
        "S1",
        Sustainability,
        "MANAGEMENT",
        "项目收益低于预期",
        ["red_below", "yellow_below"],
        ["red_below", "yellow_below"]
    ),
    rule!(
        "S2",
        Sustainability,
        "REPAYMENT",
        "滚动本息覆盖倍数下降",
        ["red_below", "orange_below"],
        ["red_below", "orange_below"]
    ),
    rule!("S3", Sustainability, "REPAYMENT", "偿债资金缺口", ["red_days", "yellow_days"], ["red_days", "yellow_days"]),
    rule!(
        "S4",
        Sustainability,
        "REPAYMENT",
        "还本付息临近",
        ["yellow_days", "blue_days"],
        ["yellow_days", "blue_days"]
    ),
    rule!("S5", Sustainability, "MANAGEMENT", "专项收入未及时缴入专户", ["days"], []),
    rule!("S6", Sustainability, "REPAYMENT", "过度依赖再融资", ["years", "yellow_share_above"], []),
    rule!("S7", Sustainability, "MANAGEMENT", "满意度未达目标", [], []),
    rule!("S8", Sustainability, "REPAYMENT", "还本付息逾期", ["lead_days"], []),
    rule!(
        "R1",
        Decision,
        "MANAGEMENT",
        "自评结果与再评价偏差过大",
        ["yellow_points", "orange_points"],
        ["yellow_points", "orange_points"]
    ),
    rule!("R2", Management, "MANAGEMENT", "整改逾期", ["orange_days"], []),
    rule!("R3", Sustainability, "MANAGEMENT", "连续评价为差且上年整改未完成", [], []),
    rule!("C1", Decision, "BORROWING", "分项之和与合计不符", ["tolerance"], []),
    rule!("C2", Decision, "BORROWING", "填报比例与金额不符", ["tolerance_points"], []),
    rule!("C3", Decision, "BORROWING", "项目当年预算与特定目标类支出不符", ["tolerance"], []),
    rule!(
        "C4",
        Decision,
        "BORROWING",
        "项目总预算疑似错位(约为当年预算10倍)",
        ["low_ratio", "high_ratio"],
        ["low_ratio", "high_ratio"]
    ),
    rule!("C5", Decision, "BORROWING", "绩效指标要素缺失", [], []),
];

pub fn rule(id: &str) -> Option<&'static RuleDef> {
    CATALOGUE.iter().find(|d| d.id == id)
}
