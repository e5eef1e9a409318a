//! The import template: its sheets and columns, one description that both the
//! template and the import read. A header names its column and, for an amount, the
//! unit in brackets — `批复概算(万元)` or `金额(元)`; the import reads the unit from
//! the header, so a clerk who keeps yuan writes `(元)` and nothing is scaled wrongly.

use super::{Cell, Table, workbook};
use crate::error::Result;

/// One column of a sheet.
pub struct Column {
    /// The header as the template writes it, unit included.
    pub header: &'static str,
    pub required: bool,
    /// The field name a service's error uses for this column (`approvedInvestment`).
    pub field: &'static str,
    pub note: &'static str,
}

impl Column {
    /// The header without its unit: what the import matches.
    pub fn label(&self) -> &'static str {
        label_of(self.header)
    }
}

/// The part of a header before its bracketed unit.
pub fn label_of(header: &str) -> &str {
    header.split(['(', '（']).next().unwrap_or(header).trim()
}

pub struct Sheet {
    pub name: &'static str,
    pub about: &'static str,
    /// Only the debt office (ADMIN) may import it, as only it may make these at the API.
    pub admin_only: bool,
    pub columns: &'static [Column],
}

const fn col(header: &'static str, required: bool, field: &'static str, note: &'static str) -> Column {
    Column { header, required, field, note }
}

/// The sheets, in the order an import applies them: what a row refers to comes first.
pub const SHEETS: &[Sheet] = &[
    Sheet {
        name: "部门",
        about: "主管部门(预算单位)。编码已存在且名称相同的行跳过。",
        admin_only: true,
        columns: &[
            col("部门编码", true, "code", "字母、数字、-、_ 或 .,最长 64 位"),
            col("部门名称", true, "name", ""),
        ],
    },
    Sheet {
        name: "项目",
        about: "专项债项目。编码已存在且内容相同的行跳过;内容不同请用 updateProject 修改。",
        admin_only: true,
        columns: &[
            col("项目编码", true, "code", "如 42010523040T000000103"),
            col("项目名称", true, "name", ""),
            col("主管部门编码", true, "departmentCode", "须在“部门”表或系统中"),
            col("项目单位", true, "executingUnit", ""),
            col(
                "项目类型",
                true,
                "category",
                "交通基础设施、市政和产业园区基础设施、保障性安居工程、社会事业、农林水利、生态环保、能源、城乡冷链物流、新型基础设施、其他",
            ),
            col("建设内容", false, "constructionContent", ""),
            col("计划开工日期", false, "plannedStart", "YYYY-MM-DD 或日期单元格"),
            col("计划完工日期", false, "plannedCompletion", ""),
            col("批复概算(万元)", true, "approvedInvestment", ""),
            col("当前估算(万元)", false, "currentEstimate", "空则等于批复概算"),
            col("计划专项债资金(万元)", false, "plannedBondFunding", ""),
            col("资本金(万元)", false, "capitalFund", ""),
            col("自有资金(万元)", false, "ownFunds", ""),
            col("其他融资(万元)", false, "otherFunding", ""),
            col("收益期起", false, "revenueStart", ""),
            col("收益期止", false, "revenueEnd", ""),
            col("成熟度要件", false, "maturityDocuments", "可研批复、用地、环评、施工许可,以顿号或逗号分隔"),
        ],
    },
    Sheet {
        name: "债券",
        about: "专项债券。分期还本写“债券年度:比例”,以分号分隔,如 3:10;4:10;5:80;空则到期一次还本。",
        admin_only: true,
        columns: &[
            col("债券编码", true, "code", ""),
            col("债券名称", true, "name", "如 2023年湖北省政府专项债券(五期)"),
            col("债券种类", true, "kind", "普通专项、项目收益专项、再融资专项"),
            col("发行日期", true, "issueDate", ""),
            col("起息日期", false, "valueDate", "空则为发行日期"),
            col("期限(年)", true, "termYears", ""),
            col("票面利率(%)", true, "couponRatePercent", "如 3.25"),
            col("发行金额(万元)", true, "faceAmount", ""),
            col("付息频率", false, "interestFrequency", "按年 或 按半年"),
            col("分期还本", false, "amortization", "如 3:10;4:10;5:80"),
        ],
    },
    Sheet {
        name: "分配",
        about: "债券资金分配(转贷)到项目;同一债券与项目的第二次分配累加。",
        admin_only: true,
        columns: &[
            col("债券编码", true, "bondCode", ""),
            col("项目编码", true, "projectCode", ""),
            col("分配金额(万元)", true, "amount", ""),
            col("分配日期", false, "allocatedOn", ""),
        ],
    },
    Sheet {
        name: "到账",
        about: "债券资金到账,可分多次。",
        admin_only: true,
        columns: &[
            col("债券编码", true, "bondCode", ""),
            col("项目编码", true, "projectCode", ""),
            col("到账金额(元)", true, "amount", ""),
            col("到账日期", true, "receivedOn", ""),
        ],
    },
    Sheet {
        name: "支出",
        about: "资金拨付与支出台账(可由国库系统导出);冲销为负数。",
        admin_only: false,
        columns: &[
            col("项目编码", true, "projectCode", ""),
            col("债券编码", false, "bondCode", ""),
            col("类型", true, "kind", "拨付(国库→项目单位)或 支出(项目单位→最终收款人)"),
            col("日期", true, "paidOn", ""),
            col("金额(元)", true, "amount", ""),
            col("收款单位", true, "payee", ""),
            col("支出经济分类", true, "economicClass", ""),
            col("凭证号", false, "voucherNo", ""),
        ],
    },
    Sheet {
        name: "进度",
        about: "月度建设进度;同月第二次报送替代第一次。",
        admin_only: false,
        columns: &[
            col("项目编码", true, "projectCode", ""),
            col("月份", true, "period", "YYYY-MM"),
            col("计划进度(%)", true, "plannedPercent", ""),
            col("实际进度(%)", true, "actualPercent", ""),
            col("报送日期", false, "submittedOn", ""),
            col("说明", false, "note", ""),
        ],
    },
    Sheet {
        name: "收益",
        about: "项目收益;来源为“财政补助”的是偿债的预算支持。",
        admin_only: false,
        columns: &[
            col("项目编码", true, "projectCode", ""),
            col("月份", true, "period", "YYYY-MM"),
            col("收益来源", true, "source", ""),
            col("收取金额(元)", true, "collected", ""),
            col("收取日期", false, "collectedOn", ""),
            col("转入专户金额(元)", false, "transferred", ""),
            col("转入日期", false, "transferredOn", ""),
        ],
    },
    Sheet {
        name: "收益预测",
        about: "实施方案的收益预测,每项目每年一行;一个项目的各行一起替换原预测。",
        admin_only: false,
        columns: &[
            col("项目编码", true, "projectCode", ""),
            col("年度", true, "year", ""),
            col("收入(万元)", true, "revenue", ""),
            col("运营成本(万元)", true, "operatingCost", ""),
        ],
    },
    Sheet {
        name: "绩效目标",
        about: "绩效目标申报表,每个指标一行;同一项目(或部门)、目标类型与年度的各行是一次申报,替代之前的申报。",
        admin_only: false,
        columns: &[
            col("项目编码", false, "projectCode", "项目编码与部门编码填一个"),
            col("部门编码", false, "departmentCode", ""),
            col("目标类型", true, "scope", "年度 或 长期"),
            col("年度", false, "year", "年度目标必填"),
            col("目标内容", false, "description", ""),
            col("一级指标", false, "level1", "产出指标、效益指标、满意度指标、成本指标"),
            col("二级指标", false, "level2", "数量指标、质量指标、时效指标 …"),
            col("三级指标", false, "name", ""),
            col("指标值", false, "targetText", "如 ≥2000人次、100%、≤1.5个月"),
            col("指标值确定依据", false, "basis", "计划标准、行业标准、历史标准、其他"),
            col("前年", false, "history", ""),
            col("上年", false, "history", ""),
        ],
    },
    Sheet {
        name: "部门整体支出",
        about: "部门整体支出表:收入构成、支出构成与项目。“部分”为 收入、支出 或 项目;名称为“合计”的收入、支出行是填报的合计。",
        admin_only: false,
        columns: &[
            col("部门编码", true, "departmentCode", ""),
            col("年度", true, "year", ""),
            col("部分", true, "section", "收入、支出 或 项目"),
            col("名称", true, "label", "如 财政拨款、人员类项目支出、合计,或项目名称"),
            col("金额(万元)", false, "amount", "收入、支出行"),
            col("占比(%)", false, "statedPercent", "表上所填的百分比,如 97.11"),
            col("项目类别", false, "category", "项目行;如 特定目标类"),
            col("项目总预算(万元)", false, "totalBudget", "项目行"),
            col("项目本年预算(万元)", false, "currentYearBudget", "项目行"),
            col("用途", false, "purpose", "项目行"),
        ],
    },
    Sheet {
        name: "自评",
        about: "项目单位绩效自评(财预〔2020〕10号自评表),每项目每年一行;同一项目与年度再次报送替代前一次(前一次保留)。",
        admin_only: false,
        columns: &[
            col("项目编码", true, "projectCode", ""),
            col("年度", true, "year", "评价的年度,如 2025"),
            col("自评总分", true, "totalScore", "0 至 100 分,最多两位小数"),
            col("预算执行率得分", false, "budgetExecutionScore", "满分 10;四部分全填或全不填,全填时之和须等于总分"),
            col("产出得分", false, "outputScore", "满分 50"),
            col("效益得分", false, "benefitScore", "满分 30"),
            col("满意度得分", false, "satisfactionScore", "满分 10"),
            col("自评日期", false, "submittedOn", "空则为导入当天"),
            col("说明", false, "note", ""),
        ],
    },
];

/// The sheet with this name.
pub fn sheet(name: &str) -> Option<&'static Sheet> {
    SHEETS.iter().find(|s| s.name == name)
}

/// The empty template: a 说明 sheet documenting every column, then one sheet each.
pub fn template() -> Result<Vec<u8>> {
    let mut guide = Table {
        sheet: "说明",
        headers: crate::spreadsheets::headers(&["工作表", "列", "必填", "说明"]),
        rows: Vec::new(),
    };
    for s in SHEETS {
        guide.rows.push(vec![s.name.into(), Cell::Empty, Cell::Empty, s.about.into()]);
        for c in s.columns {
            let required = if c.required { "是" } else { "" };
            guide.rows.push(vec![Cell::Empty, c.header.into(), required.into(), c.note.into()]);
        }
    }
    let mut tables = vec![guide];
    tables.extend(SHEETS.iter().map(|s| Table {
        sheet: s.name,
        headers: s.columns.iter().map(|c| c.header.to_string()).collect(),
        rows: vec![],
    }));
    workbook(&tables)
}
