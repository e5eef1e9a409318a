//! The annual indicator sets of the demo's projects, one for each kind of project, in the
//! shape and wording of the seed's target-declaration forms (`forms.json`): level 1
//! 产出指标, 效益指标, 满意度指标 or 成本指标; level 2 as the forms name them; the target
//! as the forms write it (`≥1800个`, `=100%`, `≤26000万元`, `10个工作日完成`, `0次`, `是`,
//! `合格`); the basis (指标值确定依据); the values of the two previous years (前年, 上年),
//! left empty before the project had money.
//!
//! None of the demo's projects is a medical-assistance one, so the seed's own project forms
//! (医疗救助, 市场秩序执法) lend their shape, not their indicators. Every set has 产出, 效益
//! and 满意度 indicators, each with a basis, and every target is quantified: a project
//! that declares its set raises neither D3 nor D4. The troubles of [`super::TROUBLES`]
//! rest on particular rows: the drainage network's acceptance `合格` (O2), the water
//! replenishment's two quantities (M10, and O1 on last year's 年生态补水量), the
//! hospital's one satisfaction indicator (S7), the elderly-care centre's beds, its
//! qualitative rewrites and its zero-target 养老服务安全事故 (D3, D4, M10, O5).

use crate::targets::IndicatorInput;

/// The kinds of project of the demo, each with its indicator set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    UrbanRoad,
    Parking,
    SmartParkingAndCharging,
    OldCommunityRenewal,
    RentalHousing,
    ResettlementHousing,
    LakeTreatment,
    DrainageNetwork,
    WaterReplenishment,
    Hospital,
    MedicalElderlyCare,
    ElderlyCare,
    CulturalPark,
}

/// One row of a kind's set, as a form would write it.
pub struct KindIndicator {
    pub level1: &'static str,
    pub level2: &'static str,
    pub name: &'static str,
    pub target: &'static str,
    pub basis: &'static str,
    /// 前年, 上年.
    pub history: [Option<&'static str>; 2],
}

impl KindIndicator {
    /// The row as a declaration's indicator.
    pub fn input(&self) -> IndicatorInput {
        IndicatorInput {
            level1: self.level1.into(),
            level2: self.level2.into(),
            name: self.name.into(),
            target_text: self.target.into(),
            basis: Some(self.basis.into()),
            history: Vec::from(self.history.map(|h| h.map(str::to_string))),
        }
    }
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::UrbanRoad,
        Kind::Parking,
        Kind::SmartParkingAndCharging,
        Kind::OldCommunityRenewal,
        Kind::RentalHousing,
        Kind::ResettlementHousing,
        Kind::LakeTreatment,
        Kind::DrainageNetwork,
        Kind::WaterReplenishment,
        Kind::Hospital,
        Kind::MedicalElderlyCare,
        Kind::ElderlyCare,
        Kind::CulturalPark,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::UrbanRoad => "城市道路及配套管网",
            Kind::Parking => "公共停车场",
            Kind::SmartParkingAndCharging => "智慧停车与充电设施",
            Kind::OldCommunityRenewal => "老旧小区改造",
            Kind::RentalHousing => "保障性租赁住房",
            Kind::ResettlementHousing => "城中村改造安置房",
            Kind::LakeTreatment => "湖泊水环境治理",
            Kind::DrainageNetwork => "排水管网",
            Kind::WaterReplenishment => "湖泊生态补水",
            Kind::Hospital => "公立医院",
            Kind::MedicalElderlyCare => "医养结合服务设施",
            Kind::ElderlyCare => "养老服务设施",
            Kind::CulturalPark => "文化公园",
        }
    }

    /// The kind's annual indicators, in the order a form lists them.
    pub fn indicators(self) -> &'static [KindIndicator] {
        match self {
            Kind::UrbanRoad => URBAN_ROAD,
            Kind::Parking => PARKING,
            Kind::SmartParkingAndCharging => SMART_PARKING_AND_CHARGING,
            Kind::OldCommunityRenewal => OLD_COMMUNITY_RENEWAL,
            Kind::RentalHousing => RENTAL_HOUSING,
            Kind::ResettlementHousing => RESETTLEMENT_HOUSING,
            Kind::LakeTreatment => LAKE_TREATMENT,
            Kind::DrainageNetwork => DRAINAGE_NETWORK,
            Kind::WaterReplenishment => WATER_REPLENISHMENT,
            Kind::Hospital => HOSPITAL,
            Kind::MedicalElderlyCare => MEDICAL_ELDERLY_CARE,
            Kind::ElderlyCare => ELDERLY_CARE,
            Kind::CulturalPark => CULTURAL_PARK,
        }
    }
}

const fn row(
    level1: &'static str,
    level2: &'static str,
    name: &'static str,
    target: &'static str,
    basis: &'static str,
    history: [Option<&'static str>; 2],
) -> KindIndicator {
    KindIndicator { level1, level2, name, target, basis, history }
}

const NONE: [Option<&str>; 2] = [None, None];

/// 四新片区道路及配套管网工程: 主干道4.2公里 and the sewers under it.
const URBAN_ROAD: &[KindIndicator] = &[
    row("产出指标", "数量指标", "新建城市主干道长度", "≥4.2公里", "计划标准", [Some("≥4.2公里"), Some("≥4.2公里")]),
    row("产出指标", "数量指标", "新建雨污分流管网长度", "≥8.4公里", "计划标准", [Some("≥8.4公里"), Some("≥8.4公里")]),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "质量指标", "路基压实度检测合格率", "≥98%", "行业标准", [Some("≥98%"), Some("≥98%")]),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤42000万元", "计划标准", [Some("≤42000万元"), Some("≤42000万元")]),
    row("效益指标", "社会效益指标", "主干道高峰小时通行能力", "≥3000辆/小时", "行业标准", NONE),
    row("效益指标", "社会效益指标", "施工重大安全事故", "0次", "行业标准", [Some("0次"), Some("0次")]),
    row("效益指标", "可持续影响指标", "道路设计使用年限", "≥15年", "行业标准", [Some("≥15年"), Some("≥15年")]),
    row("满意度指标", "服务对象满意度指标", "沿线居民及通行群众满意度", "≥90%", "历史标准", [Some("91%"), Some("93%")]),
];

/// 汉阳大道快速化改造配套停车场: 立体停车场3处, 泊位1800个.
const PARKING: &[KindIndicator] = &[
    row("产出指标", "数量指标", "建成立体停车场", "≥3处", "计划标准", [Some("≥3处"), Some("≥3处")]),
    row("产出指标", "数量指标", "新增公共停车泊位", "≥1800个", "计划标准", [Some("≥1800个"), Some("≥1800个")]),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "质量指标", "消防验收", "合格", "行业标准", NONE),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤26000万元", "计划标准", [Some("≤26000万元"), Some("≤26000万元")]),
    row("效益指标", "经济效益指标", "停车泊位年均利用率", "≥70%", "行业标准", NONE),
    row("效益指标", "社会效益指标", "周边道路占道停车减少率", "≥30%", "计划标准", NONE),
    row("效益指标", "可持续影响指标", "停车场设计使用年限", "≥50年", "行业标准", [Some("≥50年"), Some("≥50年")]),
    row("满意度指标", "服务对象满意度指标", "停车群众满意度", "≥90%", "历史标准", [Some("90%"), Some("92%")]),
];

/// 琴台片区智慧停车与充电设施: 诱导系统及充电桩600个.
const SMART_PARKING_AND_CHARGING: &[KindIndicator] = &[
    row("产出指标", "数量指标", "新建公共充电桩", "≥600个", "计划标准", [None, Some("≥600个")]),
    row("产出指标", "数量指标", "设置智慧停车诱导屏", "≥40块", "计划标准", [None, Some("≥40块")]),
    row("产出指标", "质量指标", "充电设施验收合格率", "=100%", "行业标准", [None, Some("100%")]),
    row("产出指标", "质量指标", "停车诱导信息准确率", "≥98%", "行业标准", [None, Some("≥98%")]),
    row("产出指标", "时效指标", "充电桩故障修复时限", "≤2天", "行业标准", NONE),
    row("成本指标", "经济成本指标", "项目总投资", "≤14000万元", "计划标准", [None, Some("≤14000万元")]),
    row("效益指标", "经济效益指标", "充电桩时间利用率", "≥15%", "行业标准", NONE),
    row("效益指标", "社会效益指标", "年充电服务车次", "≥20万车次", "计划标准", NONE),
    row("效益指标", "可持续影响指标", "智慧停车平台正常运行率", "≥99%", "行业标准", NONE),
    row("满意度指标", "服务对象满意度指标", "停车及充电用户满意度", "≥90%", "计划标准", NONE),
];

/// 汉阳区老旧小区改造(二期): 小区32个, 电梯120部.
const OLD_COMMUNITY_RENEWAL: &[KindIndicator] = &[
    row("产出指标", "数量指标", "改造老旧小区", "≥32个", "计划标准", [Some("≥32个"), Some("≥32个")]),
    row("产出指标", "数量指标", "加装电梯", "≥120部", "计划标准", [Some("≥120部"), Some("≥120部")]),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "质量指标", "加装电梯监督检验合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤18000万元", "计划标准", [Some("≤18000万元"), Some("≤18000万元")]),
    row("效益指标", "社会效益指标", "惠及居民户数", "≥8000户", "计划标准", [Some("≥8000户"), Some("≥8000户")]),
    row("效益指标", "社会效益指标", "施工重大安全事故", "0次", "行业标准", [Some("0次"), Some("0次")]),
    row("效益指标", "可持续影响指标", "建立长效管理机制的小区占比", "≥90%", "计划标准", [None, Some("≥90%")]),
    row("满意度指标", "服务对象满意度指标", "小区居民满意度", "≥90%", "历史标准", [Some("89%"), Some("92%")]),
];

/// 黄金口保障性租赁住房: 1200套, funded this year.
const RENTAL_HOUSING: &[KindIndicator] = &[
    row("产出指标", "数量指标", "新建保障性租赁住房", "≥1200套", "计划标准", NONE),
    row("产出指标", "数量指标", "配建社区服务用房面积", "≥2000平方米", "计划标准", NONE),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", NONE),
    row("产出指标", "质量指标", "绿色建筑标准执行率", "=100%", "行业标准", NONE),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", NONE),
    row("成本指标", "经济成本指标", "项目总投资", "≤20000万元", "计划标准", NONE),
    row("效益指标", "经济效益指标", "租金与同地段同品质市场租金之比", "≤90%", "行业标准", NONE),
    row("效益指标", "社会效益指标", "解决新市民、青年人住房", "≥3000人", "计划标准", NONE),
    row("效益指标", "可持续影响指标", "运营期出租率", "≥90%", "行业标准", NONE),
    row("满意度指标", "服务对象满意度指标", "租户满意度", "≥90%", "行业标准", NONE),
];

/// 江堤街城中村改造安置房: 2400套及配套设施.
const RESETTLEMENT_HOUSING: &[KindIndicator] = &[
    row("产出指标", "数量指标", "建设安置房", "≥2400套", "计划标准", [None, Some("≥2400套")]),
    row("产出指标", "数量指标", "建设配套公共服务设施", "≥5处", "计划标准", [None, Some("≥5处")]),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", [None, Some("100%")]),
    row("产出指标", "质量指标", "分户验收合格率", "=100%", "行业标准", [None, Some("100%")]),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤36000万元", "计划标准", [None, Some("≤36000万元")]),
    row("效益指标", "社会效益指标", "安置被征收户", "≥2400户", "计划标准", [None, Some("≥2400户")]),
    row("效益指标", "社会效益指标", "施工重大安全事故", "0次", "行业标准", [None, Some("0次")]),
    row("效益指标", "可持续影响指标", "建筑设计使用年限", "≥50年", "行业标准", [None, Some("≥50年")]),
    row("满意度指标", "服务对象满意度指标", "被安置群众满意度", "≥90%", "计划标准", [None, Some("≥90%")]),
];

/// 墨水湖水环境综合治理: 截污管网、生态清淤及岸线修复.
const LAKE_TREATMENT: &[KindIndicator] = &[
    row("产出指标", "数量指标", "新建截污管网", "≥12公里", "计划标准", [Some("≥12公里"), Some("≥12公里")]),
    row("产出指标", "数量指标", "生态清淤量", "≥30万立方米", "计划标准", [Some("≥30万立方米"), Some("≥30万立方米")]),
    row("产出指标", "数量指标", "修复生态岸线", "≥5公里", "计划标准", [Some("≥5公里"), Some("≥5公里")]),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤12000万元", "计划标准", [Some("≤12000万元"), Some("≤12000万元")]),
    row("效益指标", "生态效益指标", "入湖排口污水截流率", "≥95%", "行业标准", [Some("≥90%"), Some("≥95%")]),
    row("效益指标", "生态效益指标", "墨水湖水质稳定达到地表水Ⅳ类", "是", "行业标准", [Some("是"), Some("是")]),
    row("效益指标", "可持续影响指标", "建立湖泊长效管护机制", "是", "计划标准", [None, Some("是")]),
    row("满意度指标", "服务对象满意度指标", "周边居民满意度", "≥90%", "历史标准", [Some("88%"), Some("91%")]),
];

/// 汉阳区排水管网提标改造: 管网56公里, 泵站2座. The network's acceptance `合格` is the
/// row HY-SW-02 answers 不合格 (O2); the pumps' rate is another works' (no contradiction).
const DRAINAGE_NETWORK: &[KindIndicator] = &[
    row("产出指标", "数量指标", "改造排水管网", "≥56公里", "计划标准", [Some("≥56公里"), Some("≥56公里")]),
    row("产出指标", "数量指标", "新建排水泵站", "≥2座", "计划标准", [Some("≥2座"), Some("≥2座")]),
    row("产出指标", "质量指标", "排水管网改造工程质量验收", "合格", "行业标准", [Some("合格"), Some("合格")]),
    row("产出指标", "质量指标", "泵站机电设备安装调试合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤8000万元", "计划标准", [Some("≤8000万元"), Some("≤8000万元")]),
    row("效益指标", "社会效益指标", "消除城市易涝点", "≥15处", "计划标准", [Some("≥15处"), Some("≥15处")]),
    row("效益指标", "生态效益指标", "片区污水集中收集率", "≥90%", "行业标准", [Some("≥85%"), Some("≥90%")]),
    row("效益指标", "可持续影响指标", "雨水管网设计暴雨重现期", "≥3年", "行业标准", [Some("≥3年"), Some("≥3年")]),
    row("满意度指标", "服务对象满意度指标", "周边居民满意度", "≥90%", "历史标准", [Some("90%"), Some("91%")]),
];

/// 龙阳湖生态补水工程: 补水泵站及输水管线9公里. Exactly two quantities: the ones
/// HY-SW-03, not yet started, reports far behind (M10); 年生态补水量 is also last year's
/// target it fell short of (O1).
const WATER_REPLENISHMENT: &[KindIndicator] = &[
    row("产出指标", "数量指标", "铺设输水管线", "≥9公里", "计划标准", [None, Some("≥9公里")]),
    row("产出指标", "数量指标", "年生态补水量", "≥2000万立方米", "计划标准", [None, Some("≥2000万立方米")]),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", [None, Some("100%")]),
    row("产出指标", "质量指标", "补水水质达标率", "=100%", "行业标准", [None, Some("100%")]),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤14000万元", "计划标准", [None, Some("≤14000万元")]),
    row("效益指标", "生态效益指标", "龙阳湖水质达到地表水Ⅳ类", "是", "行业标准", [None, Some("是")]),
    row("效益指标", "生态效益指标", "湖泊最低生态水位保障率", "≥95%", "行业标准", [None, Some("≥95%")]),
    row("效益指标", "可持续影响指标", "补水泵站设计使用年限", "≥30年", "行业标准", [None, Some("≥30年")]),
    row("满意度指标", "服务对象满意度指标", "周边居民满意度", "≥90%", "计划标准", [None, Some("≥90%")]),
];

/// 汉阳区人民医院新院区: 住院楼及医技楼, 床位800张, in operation. Exactly one
/// satisfaction indicator: the one below target (S7).
const HOSPITAL: &[KindIndicator] = &[
    row("产出指标", "数量指标", "新增床位", "≥800张", "计划标准", [Some("≥800张"), Some("≥800张")]),
    row("产出指标", "数量指标", "年门急诊服务人次", "≥30万人次", "历史标准", [None, Some("≥25万人次")]),
    row("产出指标", "质量指标", "工程竣工验收合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "质量指标", "医疗设备安装验收合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "时效指标", "急诊患者平均候诊时间", "≤30分钟", "行业标准", [None, Some("≤30分钟")]),
    row("成本指标", "经济成本指标", "年度运营成本", "≤1200万元", "计划标准", [None, Some("≤1200万元")]),
    row("效益指标", "经济效益指标", "新院区床位使用率", "≥85%", "行业标准", [None, Some("≥80%")]),
    row("效益指标", "社会效益指标", "每千常住人口医疗机构床位数", "≥7张", "行业标准", [Some("≥6张"), Some("≥7张")]),
    row("效益指标", "可持续影响指标", "新院区设计使用年限", "≥50年", "行业标准", [Some("≥50年"), Some("≥50年")]),
    row("满意度指标", "服务对象满意度指标", "患者满意度", "≥90%", "历史标准", [None, Some("91%")]),
];

/// 社区医养结合服务中心: 改建6处, in operation.
const MEDICAL_ELDERLY_CARE: &[KindIndicator] = &[
    row("产出指标", "数量指标", "改建医养结合服务中心", "≥6处", "计划标准", [Some("≥6处"), Some("≥6处")]),
    row("产出指标", "数量指标", "年提供医养结合服务人次", "≥20000人次", "计划标准", [None, Some("≥15000人次")]),
    row("产出指标", "质量指标", "改建工程验收合格率", "=100%", "行业标准", [Some("100%"), Some("100%")]),
    row("产出指标", "质量指标", "医养结合服务规范达标率", "≥95%", "行业标准", [None, Some("≥95%")]),
    row("产出指标", "时效指标", "服务需求响应时限", "≤2天", "计划标准", [None, Some("≤2天")]),
    row("成本指标", "经济成本指标", "年度运营成本", "≤280万元", "计划标准", [None, Some("≤280万元")]),
    row("效益指标", "经济效益指标", "服务中心床位使用率", "≥80%", "行业标准", [None, Some("≥75%")]),
    row("效益指标", "社会效益指标", "辖区失能半失能老人医养服务覆盖率", "≥80%", "计划标准", [None, Some("≥70%")]),
    row("效益指标", "可持续影响指标", "服务中心持续运营", "是", "计划标准", [None, Some("是")]),
    row("满意度指标", "服务对象满意度指标", "入住老人及家属满意度", "≥90%", "历史标准", [None, Some("92%")]),
];

/// 汉阳区养老服务综合体: 养老床位500张及社区嵌入式服务站. HY-MZ-01 declares the first
/// three rows other than satisfaction and the zero-target, all without a basis, the second
/// and third rewritten as 有较大提升 (D4), and the zero-target 养老服务安全事故 (O5); no
/// satisfaction indicator (D3). Its beds are far behind (M10).
const ELDERLY_CARE: &[KindIndicator] = &[
    row("产出指标", "数量指标", "新增养老床位", "≥500张", "计划标准", [None, Some("≥500张")]),
    row("产出指标", "数量指标", "年提供居家社区养老服务人次", "≥20000人次", "计划标准", [None, Some("≥20000人次")]),
    row("效益指标", "社会效益指标", "护理型床位占比", "≥60%", "行业标准", [None, Some("≥60%")]),
    row("产出指标", "数量指标", "建成社区嵌入式养老服务站", "≥12个", "计划标准", [None, Some("≥12个")]),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", [None, Some("100%")]),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤4500万元", "计划标准", [None, Some("≤4500万元")]),
    row("效益指标", "社会效益指标", "养老服务安全事故", "0次", "行业标准", [Some("0次"), Some("0次")]),
    row("效益指标", "可持续影响指标", "养老服务综合体设计使用年限", "≥50年", "行业标准", [None, Some("≥50年")]),
    row("满意度指标", "服务对象满意度指标", "入住老人及家属满意度", "≥90%", "计划标准", [None, Some("≥90%")]),
];

/// 汉阳民俗文化主题公园 and its visitor centre.
const CULTURAL_PARK: &[KindIndicator] = &[
    row("产出指标", "数量指标", "建设公园面积", "≥8万平方米", "计划标准", [None, Some("≥8万平方米")]),
    row("产出指标", "数量指标", "建设游客服务中心", "≥1处", "计划标准", [None, Some("≥1处")]),
    row("产出指标", "质量指标", "工程质量验收合格率", "=100%", "行业标准", [None, Some("100%")]),
    row("产出指标", "质量指标", "绿化苗木成活率", "≥95%", "行业标准", [None, Some("≥95%")]),
    row("产出指标", "时效指标", "工程进度款支付审核时限", "10个工作日完成", "计划标准", [None, Some("10个工作日完成")]),
    row("成本指标", "经济成本指标", "项目总投资", "≤5000万元", "计划标准", [None, Some("≤5000万元")]),
    row("效益指标", "经济效益指标", "年接待游客", "≥50万人次", "计划标准", [None, Some("≥50万人次")]),
    row("效益指标", "社会效益指标", "年举办民俗文化活动", "≥12场", "计划标准", [None, Some("≥12场")]),
    row("效益指标", "可持续影响指标", "园区绿地率", "≥70%", "行业标准", [None, Some("≥70%")]),
    row("满意度指标", "服务对象满意度指标", "游客满意度", "≥90%", "计划标准", [None, Some("≥90%")]),
];
