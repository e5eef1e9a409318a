//! A demo portfolio of a district like Hanyang (汉阳区): 13 projects in 7 departments,
//! 5 bonds (one of them refinancing, one matured), two years of money, works and
//! revenue, dated relative to the day it is loaded so that it always looks current.
//! Most projects are healthy; the troubled ones are chosen so that every alert rule of
//! domain.md §7 and every data check of §8 has facts to fire on (which project carries
//! which trouble is listed in [`TROUBLES`]). The department tables and targets come from
//! the seed's forms (`forms.json`, a copy of `shared/seed/forms.json`, mistakes kept);
//! each project declares the annual indicators of its kind ([`indicators`]), written in
//! the shape and wording of the seed's target forms.
//!
//! Everything goes through the same services as the API, so the demo is validated
//! like any other input. Loading into a database that already has projects does nothing.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

use crate::Ctx;
use crate::auth::Caller;
use crate::db::Money;
use crate::db::values::{Month, add_months};
use crate::error::{Error, Result};
use crate::evaluation::{self, AssessmentInput, AssessmentPointInput};
use crate::ledger::entities::project;
use crate::ledger::projects::{ProjectFacts, ProjectInput, ProjectStatus};
use crate::ledger::{bonds, departments, funding, projects, records};
use crate::targets::{self, IndicatorActualInput, IndicatorInput, TargetInput, entities::indicator};

pub mod indicators;
use indicators::{Kind, KindIndicator};

/// Which project carries which trouble, for the reader of the demo and of the alerts.
pub const TROUBLES: &[(&str, &str)] = &[
    ("HY-JT-02", "M2 idle funds at the unit, M3 spending behind plan, M4 money behind the works"),
    ("HY-ZJ-02", "M1 money held in the treasury, D5 coverage below 1.0, D1 assessment 调整完善后予以支持"),
    ("HY-ZJ-03", "D2 targets not approved, D8 maturity documents missing and late start"),
    (
        "HY-SW-02",
        "M5 forbidden economic class, M6 payment on a bond that does not fund it, M12 a payment without a bond beyond what was transferred, O2 quality indicator 否",
    ),
    (
        "HY-SW-03",
        "M7 two adjustments of its bond in a year, O3 start late, O1 last year's quantity behind, M10 this year's quantities far behind, M1 money held",
    ),
    ("HY-JT-03", "M8 receives adjusted money beyond its revenue period, D7 term mismatch"),
    (
        "HY-WJ-01",
        "S1 revenue below forecast, S2 rolling coverage, S3 repayment gap, S4 coupon due within a month, S5 revenue not transferred, S6 principal repaid by refinancing, S7 satisfaction below target",
    ),
    ("HY-WJ-02", "M11 leftover funds after completion, O4 cost overrun, S8 its latest debt service unpaid"),
    (
        "HY-MZ-01",
        "D3 incomplete targets, D4 qualitative targets, M4 money ahead of the works, M9 late report, M10 targets off track, O5 veto indicator breached",
    ),
    ("HY-MZ-02", "D6 negative list, D1 assessment 不予支持, C1 funding plan does not add up"),
    (
        "market regulation, civil affairs tables",
        "C1 totals, C2 stated percents, C3 specific-purpose lines, C4 slipped digit, C5 indicators without name or target",
    ),
];

/// The demo is loaded as the debt office.
fn demo_caller() -> Caller {
    Caller::system("demo")
}

pub enum Outcome {
    Loaded(String),
    AlreadyPresent,
}

/// The seed's forms: the department tables are loaded from them. Its two project forms
/// (医疗救助, 市场秩序执法) fit none of the demo's projects and are not read; the
/// projects' indicator sets ([`indicators`]) follow their shape.
#[derive(Deserialize)]
struct Forms {
    departments: Vec<FormDepartment>,
}

#[derive(Deserialize)]
struct FormIndicator {
    scope: String,
    level1: Option<String>,
    level2: Option<String>,
    name: Option<String>,
    target: Option<String>,
    basis: Option<String>,
    history: Vec<Option<String>>,
}

#[derive(Deserialize)]
struct FormLine {
    label: String,
    amount: Option<String>,
    stated_percent: Option<String>,
}

#[derive(Deserialize)]
struct FormBudgetProject {
    name: String,
    category: Option<String>,
    total_budget: String,
    current_year_budget: String,
    purpose: Option<String>,
}

#[derive(Deserialize)]
struct FormDepartment {
    name: String,
    year: i32,
    income: Vec<FormLine>,
    income_total: FormLine,
    expenditure: Vec<FormLine>,
    expenditure_total: FormLine,
    projects: Vec<FormBudgetProject>,
    indicators: Vec<FormIndicator>,
}

fn forms() -> Result<Forms> {
    serde_json::from_str(include_str!("forms.json"))
        .map_err(|e| Error::Internal(format!("the demo's forms.json cannot be read: {e}")))
}

/// 万元 as written on a form to yuan, exactly (2896.665 万元 = 28966650.00 元).
fn wan(text: &str) -> Result<Money> {
    let value: Decimal = text.trim().parse().map_err(|_| Error::Internal(format!("not an amount in 万元: {text}")))?;
    Money::from_decimal(value * Decimal::from(10_000)).map_err(|e| Error::Internal(e.to_string()))
}

fn yuan(amount: i64) -> Money {
    Money::from_fen(amount * 100)
}

fn percent_text(text: &str) -> Option<Decimal> {
    text.trim().trim_end_matches('%').replace(' ', "").parse().ok()
}

/// Dates relative to the day the demo is loaded.
struct Calendar {
    today: NaiveDate,
}

impl Calendar {
    /// Day `day` of the month `months` before this one (clamped to the month's end).
    fn ago(&self, months: u32, day: u32) -> NaiveDate {
        let first = Month::of(self.today).first_day();
        let month_start = first.checked_sub_months(chrono::Months::new(months)).unwrap_or(first);
        let d = month_start.with_day(day.min(28)).unwrap_or(month_start);
        d.min(self.today)
    }
    fn days_ago(&self, days: i64) -> NaiveDate {
        self.today - chrono::Duration::days(days)
    }
}

struct Spec {
    code: &'static str,
    dept: &'static str,
    name: &'static str,
    category: &'static str,
    content: &'static str,
    /// What kind of project it is: the indicator set it declares.
    kind: Kind,
    /// Approved investment in 万元.
    investment: i64,
    /// (bond index, amount in 万元, months ago allocated and received).
    allocations: &'static [(usize, i64, u32)],
    status: ProjectStatus,
    /// Months ago the works started (actual start), if they have.
    started: Option<u32>,
    /// Months of construction planned.
    build_months: u32,
    /// Years of revenue after completion.
    revenue_years: i32,
}

const BONDS: [(&str, &str, &str, i32, &str, i64); 5] = [
    // (code suffix, name, kind, term, coupon %, face in 万元)
    ("SP-05", "湖北省政府专项债券(五期)", "PROJECT_REVENUE", 10, "3.27", 60_000),
    ("SP-12", "湖北省政府专项债券(十二期)", "SPECIAL", 7, "2.98", 30_000),
    ("SP-03", "湖北省政府专项债券(三期)", "PROJECT_REVENUE", 15, "2.65", 40_000),
    ("RF-01", "湖北省政府再融资专项债券(一期)", "REFINANCING", 5, "2.40", 5_000),
    ("SP-02", "湖北省政府专项债券(二期)", "PROJECT_REVENUE", 3, "3.05", 3_000),
];

const DEPARTMENTS: [(&str, &str); 7] = [
    ("HY-JT", "武汉市汉阳区交通运输局"),
    ("HY-ZJ", "武汉市汉阳区住房和城市更新局"),
    ("HY-SW", "武汉市汉阳区水务和湖泊局"),
    ("HY-WJ", "武汉市汉阳区卫生健康局"),
    ("HY-MZ", "武汉市汉阳区民政局"),
    ("HY-SC", "武汉市汉阳区市场监督管理局"),
    ("HY-YB", "武汉市汉阳区医疗保障局"),
];

const SPECS: [Spec; 13] = [
    Spec {
        code: "HY-JT-01",
        dept: "HY-JT",
        name: "四新片区道路及配套管网工程",
        category: "交通基础设施",
        content: "新建城市主干道4.2公里及雨污分流管网",
        kind: Kind::UrbanRoad,
        investment: 42_000,
        allocations: &[(0, 20_000, 23)],
        status: ProjectStatus::UnderConstruction,
        started: Some(22),
        build_months: 30,
        revenue_years: 15,
    },
    Spec {
        code: "HY-JT-02",
        dept: "HY-JT",
        name: "汉阳大道快速化改造配套停车场",
        category: "交通基础设施",
        content: "建设立体停车场3处,泊位1800个",
        kind: Kind::Parking,
        investment: 26_000,
        allocations: &[(0, 15_000, 23)],
        status: ProjectStatus::UnderConstruction,
        started: Some(21),
        build_months: 24,
        revenue_years: 15,
    },
    Spec {
        code: "HY-JT-03",
        dept: "HY-JT",
        name: "琴台片区智慧停车与充电设施",
        category: "新型基础设施",
        content: "智慧停车诱导系统及充电桩600个",
        kind: Kind::SmartParkingAndCharging,
        investment: 14_000,
        allocations: &[(2, 10_000, 13)],
        status: ProjectStatus::UnderConstruction,
        started: Some(12),
        build_months: 18,
        revenue_years: 6,
    },
    Spec {
        code: "HY-ZJ-01",
        dept: "HY-ZJ",
        name: "汉阳区老旧小区改造(二期)",
        category: "保障性安居工程",
        content: "改造老旧小区32个,加装电梯120部",
        kind: Kind::OldCommunityRenewal,
        investment: 18_000,
        allocations: &[(0, 12_000, 23)],
        status: ProjectStatus::UnderConstruction,
        started: Some(22),
        build_months: 24,
        revenue_years: 12,
    },
    Spec {
        code: "HY-ZJ-02",
        dept: "HY-ZJ",
        name: "黄金口保障性租赁住房",
        category: "保障性安居工程",
        content: "新建保障性租赁住房1200套",
        kind: Kind::RentalHousing,
        investment: 20_000,
        allocations: &[(1, 6_000, 5)],
        status: ProjectStatus::Funded,
        started: None,
        build_months: 30,
        revenue_years: 20,
    },
    Spec {
        code: "HY-ZJ-03",
        dept: "HY-ZJ",
        name: "江堤街城中村改造安置房",
        category: "保障性安居工程",
        content: "安置房2400套及配套设施",
        kind: Kind::ResettlementHousing,
        investment: 36_000,
        allocations: &[(2, 15_000, 13)],
        status: ProjectStatus::Funded,
        started: None,
        build_months: 36,
        revenue_years: 15,
    },
    Spec {
        code: "HY-SW-01",
        dept: "HY-SW",
        name: "墨水湖水环境综合治理",
        category: "生态环保",
        content: "截污管网、生态清淤及岸线修复",
        kind: Kind::LakeTreatment,
        investment: 12_000,
        allocations: &[(0, 8_000, 23)],
        status: ProjectStatus::UnderConstruction,
        started: Some(22),
        build_months: 24,
        revenue_years: 10,
    },
    Spec {
        code: "HY-SW-02",
        dept: "HY-SW",
        name: "汉阳区排水管网提标改造",
        category: "市政和产业园区基础设施",
        content: "改造排水管网56公里,新建泵站2座",
        kind: Kind::DrainageNetwork,
        investment: 8_000,
        allocations: &[(0, 5_000, 23)],
        status: ProjectStatus::UnderConstruction,
        started: Some(21),
        build_months: 24,
        revenue_years: 10,
    },
    Spec {
        code: "HY-SW-03",
        dept: "HY-SW",
        name: "龙阳湖生态补水工程",
        category: "农林水利",
        content: "补水泵站及输水管线9公里",
        kind: Kind::WaterReplenishment,
        investment: 14_000,
        allocations: &[(2, 10_000, 13)],
        status: ProjectStatus::Funded,
        started: None,
        build_months: 18,
        revenue_years: 12,
    },
    Spec {
        code: "HY-WJ-01",
        dept: "HY-WJ",
        name: "汉阳区人民医院新院区",
        category: "社会事业",
        content: "新建住院楼及医技楼,床位800张",
        kind: Kind::Hospital,
        investment: 30_000,
        allocations: &[(1, 18_000, 19), (3, 3_000, 7), (4, 3_000, 44)],
        status: ProjectStatus::Operating,
        started: Some(18),
        build_months: 12,
        revenue_years: 15,
    },
    Spec {
        code: "HY-WJ-02",
        dept: "HY-WJ",
        name: "社区医养结合服务中心",
        category: "社会事业",
        content: "改建医养结合服务中心6处",
        kind: Kind::MedicalElderlyCare,
        investment: 7_000,
        allocations: &[(1, 6_000, 19)],
        status: ProjectStatus::Operating,
        started: Some(18),
        build_months: 13,
        revenue_years: 10,
    },
    Spec {
        code: "HY-MZ-01",
        dept: "HY-MZ",
        name: "汉阳区养老服务综合体",
        category: "社会事业",
        content: "养老床位500张及社区嵌入式服务站",
        kind: Kind::ElderlyCare,
        investment: 4_500,
        allocations: &[(2, 3_000, 13)],
        status: ProjectStatus::UnderConstruction,
        started: Some(11),
        build_months: 20,
        revenue_years: 15,
    },
    Spec {
        code: "HY-MZ-02",
        dept: "HY-MZ",
        name: "汉阳民俗文化主题公园",
        category: "其他",
        content: "主题公园等商业设施及配套游客中心",
        kind: Kind::CulturalPark,
        investment: 5_000,
        allocations: &[(2, 2_000, 13)],
        status: ProjectStatus::Approved,
        started: None,
        build_months: 24,
        revenue_years: 5,
    },
];

/// The demo's users, one of each role, all with [`DEMO_PASSWORD`]: for trying the
/// dashboard, never for a real database.
pub const DEMO_USERS: [(&str, crate::auth::Role, Option<&str>); 4] = [
    ("admin", crate::auth::Role::Admin, None),
    ("jiaotong", crate::auth::Role::Reporter, Some("HY-JT")),
    ("researcher", crate::auth::Role::Researcher, None),
    ("manager", crate::auth::Role::Manager, None),
];
pub const DEMO_PASSWORD: &str = "bondwatch-demo";

/// Loads the demo portfolio into an empty database; `progress` hears each step.
pub async fn load(ctx: &Ctx, progress: impl Fn(&str)) -> Result<Outcome> {
    if project::Entity::find().count(&ctx.db).await? > 0 {
        return Ok(Outcome::AlreadyPresent);
    }
    let cal = Calendar { today: ctx.clock.today() };
    let forms = forms()?;

    progress("departments");
    for (code, name) in DEPARTMENTS {
        departments::create_department(
            ctx,
            &demo_caller(),
            departments::DepartmentInput { code: code.into(), name: name.into() },
        )
        .await?;
    }
    progress("department tables and targets from the seed's forms");
    for (code, form) in [("HY-SC", &forms.departments[0]), ("HY-MZ", &forms.departments[1])] {
        load_department_form(ctx, code, form).await?;
    }

    progress("bonds");
    let bond_codes = load_bonds(ctx, &cal).await?;

    let mut counts = (0usize, 0usize, 0usize);
    for spec in &SPECS {
        progress(&format!("project {} {}", spec.code, spec.name));
        let n = load_project(ctx, &cal, &bond_codes, spec).await?;
        counts.0 += n.0;
        counts.1 += n.1;
        counts.2 += n.2;
    }
    progress("use adjustments");
    load_adjustments(ctx, &cal, &bond_codes).await?;
    progress("debt service paid so far");
    let payments = load_debt_service(ctx, &cal, &bond_codes).await?;
    progress("evaluations, self-evaluations and rectifications");
    load_results(ctx, &cal).await?;
    progress("demo users");
    for (username, role, department) in DEMO_USERS {
        crate::auth::add_user(
            ctx,
            crate::auth::NewUser {
                username: username.into(),
                role,
                department_code: department.map(str::to_string),
                email: None,
                password: Some(DEMO_PASSWORD.into()),
            },
        )
        .await?;
    }
    Ok(Outcome::Loaded(format!(
        "{} departments, {} projects, {} bonds, {} disbursements, {} progress reports, {} revenue records, {} debt-service payments",
        DEPARTMENTS.len(),
        SPECS.len(),
        BONDS.len(),
        counts.0,
        counts.1,
        counts.2,
        payments
    )))
}

async fn load_department_form(ctx: &Ctx, code: &str, form: &FormDepartment) -> Result<()> {
    let line = |l: &FormLine| -> Result<departments::BudgetLineInput> {
        Ok(departments::BudgetLineInput {
            label: l.label.clone(),
            amount: l.amount.as_deref().map(wan).transpose()?.unwrap_or_default(),
            stated_percent: l.stated_percent.as_deref().and_then(percent_text),
        })
    };
    let income: Vec<_> = form.income.iter().map(line).collect::<Result<_>>()?;
    // A total the form leaves empty is recorded as zero: C1 then reports it against the lines.
    let income_total = form.income_total.amount.as_deref().map(wan).transpose()?.unwrap_or_default();
    let expenditure: Vec<_> = form.expenditure.iter().map(line).collect::<Result<_>>()?;
    let expenditure_total = form.expenditure_total.amount.as_deref().map(wan).transpose()?.unwrap_or_default();
    let projects = form
        .projects
        .iter()
        .map(|p| {
            Ok(departments::BudgetProjectLineInput {
                name: p.name.clone(),
                category: p.category.clone(),
                total_budget: wan(&p.total_budget)?,
                current_year_budget: wan(&p.current_year_budget)?,
                purpose: p.purpose.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    departments::record_department_budget(
        ctx,
        &demo_caller(),
        departments::DepartmentBudgetInput {
            department_code: code.into(),
            year: form.year,
            income_total,
            income,
            expenditure_total,
            expenditure,
            projects,
        },
    )
    .await?;
    let indicators = form.indicators.iter().filter(|i| i.scope == "LONG_TERM").map(indicator_input).collect();
    targets::declare_target(
        ctx,
        &demo_caller(),
        TargetInput {
            project_code: None,
            department_code: Some(code.into()),
            scope: "LONG_TERM".into(),
            year: Some(form.year),
            description: format!("{}部门整体支出绩效目标", form.name),
            approved_on: NaiveDate::from_ymd_opt(form.year, 1, 20),
            indicators,
        },
    )
    .await?;
    Ok(())
}

fn indicator_input(i: &FormIndicator) -> IndicatorInput {
    IndicatorInput {
        level1: i.level1.clone().unwrap_or_default(),
        level2: i.level2.clone().unwrap_or_default(),
        name: i.name.clone().unwrap_or_default(),
        target_text: i.target.clone().unwrap_or_default(),
        basis: i.basis.clone(),
        history: i.history.clone(),
    }
}

async fn load_bonds(ctx: &Ctx, cal: &Calendar) -> Result<Vec<String>> {
    // Issue dates: B1 two years and 45 days ago, B2 20 months ago (amortizing, an
    // instalment due within 12 months), B3 14 months ago (15 years, semi-annual by
    // default), B4 340 days ago (refinancing; its coupon falls due within a month), and
    // B5, a 3-year bond whose principal fell due 8 months ago and was repaid from B4.
    let issued = [cal.days_ago(730 + 45), cal.ago(20, 15), cal.ago(14, 10), cal.days_ago(365 - 25), cal.ago(44, 18)];
    let mut codes = Vec::new();
    for (i, (suffix, name, kind, term, coupon, face)) in BONDS.into_iter().enumerate() {
        let year = issued[i].year();
        let code = format!("HB-{year}-{suffix}");
        let amortization = if i == 1 {
            [(2, 10), (4, 20), (6, 30), (7, 40)]
                .into_iter()
                .map(|(year, pct)| bonds::AmortizationInput { year, percent_of_face: Decimal::from(pct) })
                .collect()
        } else {
            Vec::new()
        };
        bonds::create_bond(
            ctx,
            &demo_caller(),
            bonds::BondInput {
                code: code.clone(),
                name: format!("{year}年{name}"),
                kind: kind.into(),
                issue_date: issued[i],
                value_date: None,
                term_years: term,
                coupon_rate_percent: coupon.parse().unwrap_or_default(),
                face_amount: yuan(face * 10_000),
                interest_frequency: match i {
                    0 | 1 | 3 | 4 => Some("ANNUAL".into()),
                    _ => None,
                },
                amortization,
            },
        )
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Loads one project with its money, works, revenue, targets and assessment; returns
/// the numbers of disbursements, progress reports and revenue records.
async fn load_project(ctx: &Ctx, cal: &Calendar, bond_codes: &[String], spec: &Spec) -> Result<(usize, usize, usize)> {
    let bond_total: i64 = spec.allocations.iter().map(|a| a.1).sum();
    let first_alloc = spec.allocations.iter().map(|a| a.2).max().unwrap_or(0);
    // Planned start: a month after the money, except for the late starters.
    let planned_start = match spec.code {
        "HY-ZJ-03" => cal.ago(first_alloc.saturating_sub(8), 1),
        "HY-SW-03" => cal.ago(5, 1),
        _ => cal.ago(first_alloc.saturating_sub(1), 1),
    };
    let planned_completion = add_months(planned_start, spec.build_months);
    let revenue_start = add_months(planned_completion, 1);
    let revenue_end = add_months(revenue_start, spec.revenue_years as u32 * 12);
    let investment = spec.investment * 10_000;
    let bond = bond_total * 10_000;
    let capital = investment / 5;
    // HY-MZ-02's funding plan does not add up to its investment (C1).
    let own = if spec.code == "HY-MZ-02" { 0 } else { investment - bond - capital };
    let documents: Vec<String> = match spec.code {
        "HY-ZJ-03" => vec!["可研批复".into()],
        _ => crate::ledger::projects::MATURITY_DOCUMENTS.iter().map(|d| d.to_string()).collect(),
    };
    let current_estimate = if spec.code == "HY-WJ-02" { investment * 112 / 100 } else { investment };
    projects::create_project(
        ctx,
        &demo_caller(),
        ProjectInput {
            code: spec.code.into(),
            department_code: spec.dept.into(),
            approved_investment: yuan(investment),
            facts: ProjectFacts {
                name: Some(spec.name.into()),
                executing_unit: Some(format!("{}项目建设管理办公室", spec.name)),
                category: Some(spec.category.into()),
                construction_content: Some(spec.content.into()),
                planned_start: Some(planned_start),
                planned_completion: Some(planned_completion),
                current_estimate: Some(yuan(current_estimate)),
                planned_bond_funding: Some(yuan(bond)),
                capital_fund: Some(yuan(capital)),
                own_funds: Some(yuan(own.max(0))),
                other_funding: Some(Money::ZERO),
                revenue_start: Some(revenue_start),
                revenue_end: Some(revenue_end),
                maturity_documents: Some(documents),
            },
        },
    )
    .await?;

    // Status history: approved and funded with the money, then the works.
    let status_path = [
        (ProjectStatus::Approved, cal.ago(first_alloc + 2, 10)),
        (ProjectStatus::Funded, cal.ago(first_alloc, 20)),
        (ProjectStatus::UnderConstruction, spec.started.map(|m| cal.ago(m, 5)).unwrap_or(cal.today)),
        (
            ProjectStatus::Operating,
            spec.started.map(|m| cal.ago(m.saturating_sub(spec.build_months), 25)).unwrap_or(cal.today),
        ),
    ];
    for (status, on) in status_path {
        if status > spec.status {
            break;
        }
        projects::set_project_status(ctx, &demo_caller(), spec.code, status, Some(on), None).await?;
    }

    for (n, (bond_index, amount, months)) in spec.allocations.iter().enumerate() {
        // Healthy works receive their main bond's money month by month as they go;
        // the rest arrives at once.
        let lump = n > 0 || !receives_monthly(spec);
        funding::allocate_bond(
            ctx,
            &demo_caller(),
            funding::AllocationInput {
                bond_code: bond_codes[*bond_index].clone(),
                project_code: spec.code.into(),
                amount: yuan(amount * 10_000),
                allocated_on: Some(cal.ago(*months, 20)),
                received_on: lump.then(|| cal.ago(*months, 25)),
            },
        )
        .await?;
    }

    let disbursements = load_money(ctx, cal, bond_codes, spec).await?;
    let reports = load_progress(ctx, cal, spec).await?;
    let revenue = load_revenue(ctx, cal, spec, revenue_start, revenue_end, investment).await?;
    load_plan(ctx, cal, spec, first_alloc).await?;
    load_targets(ctx, cal, spec).await?;
    load_assessment(ctx, cal, spec, first_alloc).await?;
    Ok((disbursements, reports, revenue))
}

/// Monthly transfers (拨付) and payments (支出) following a healthy pace, bent for the troubled.
fn receives_monthly(spec: &Spec) -> bool {
    spec.started.is_some() && spec.code != "HY-JT-02"
}

async fn load_money(ctx: &Ctx, cal: &Calendar, bond_codes: &[String], spec: &Spec) -> Result<usize> {
    let Some(started) = spec.started else {
        return Ok(0);
    };
    let bond_code = bond_codes[spec.allocations[0].0].clone();
    let bond = spec.allocations[0].1 * 10_000;
    let months_building = started.min(spec.build_months);
    // Healthy projects receive, transfer and pay their bond money evenly over the
    // construction months, within each month.
    let monthly = bond / i64::from(spec.build_months.max(1));
    let mut count = 0;
    // Never more transferred than the bond money the project got.
    let mut left_to_transfer = bond;
    let mut at_unit = 0;
    for m in (1..=started).rev() {
        let month_index = started - m;
        if month_index >= months_building && spec.status == ProjectStatus::Operating {
            break;
        }
        let (transfer, pay) = match spec.code {
            // Transfers ahead, payments stopped seven months ago: idle money at the unit.
            "HY-JT-02" if m <= 7 => (0, 0),
            "HY-JT-02" => (monthly * 2, monthly / 2),
            // Completed with money left: the last months pay only part.
            "HY-WJ-02" if month_index + 2 >= months_building => (monthly, monthly / 3),
            // Paying faster than the works go.
            "HY-MZ-01" => (monthly * 2, monthly * 2),
            _ => (monthly, monthly),
        };
        let transfer = transfer.min(left_to_transfer);
        left_to_transfer -= transfer;
        // Never more paid than the unit was given.
        at_unit += transfer;
        let pay = pay.min(at_unit);
        at_unit -= pay;
        // The salaries of HY-SW-02's project office (below) come out of that month's payment.
        let pay = if spec.code == "HY-SW-02" && m == 3 { pay - 186_000 } else { pay };
        // Money arrives as the treasury needs it: what is transferred never exceeds it.
        let arrives = if spec.code == "HY-MZ-01" { transfer } else { monthly };
        if receives_monthly(spec) && arrives > 0 {
            let receipt = funding::ReceiptInput {
                bond_code: bond_code.clone(),
                project_code: spec.code.into(),
                amount: yuan(arrives),
                received_on: cal.ago(m, 5),
            };
            funding::record_receipt(ctx, &demo_caller(), receipt).await?;
        }
        let payee = format!("{}施工总承包单位", spec.name);
        if transfer > 0 {
            record(
                ctx,
                spec.code,
                Some(&bond_code),
                "TRANSFER",
                cal.ago(m, 8),
                transfer,
                "区财政国库集中支付中心",
                "资本性支出",
                format!("{}-T{m:02}", spec.code),
            )
            .await?;
            count += 1;
        }
        if pay > 0 {
            record(
                ctx,
                spec.code,
                Some(&bond_code),
                "PAYMENT",
                cal.ago(m, 18),
                pay,
                &payee,
                "建筑安装工程费",
                format!("{}-P{m:02}", spec.code),
            )
            .await?;
            count += 1;
        }
    }
    if spec.code == "HY-SW-02" {
        // Salaries paid from bond money (forbidden, 94号) and a payment charged to
        // a bond that does not fund this project.
        record(
            ctx,
            spec.code,
            Some(&bond_code),
            "PAYMENT",
            cal.ago(3, 12),
            186_000,
            "项目办工作人员",
            "工资福利支出",
            "HY-SW-02-X1".into(),
        )
        .await?;
        record(
            ctx,
            spec.code,
            Some(&bond_codes[2]),
            "PAYMENT",
            cal.ago(2, 14),
            420_000,
            "武汉市政设备有限公司",
            "设备购置费",
            "HY-SW-02-X2".into(),
        )
        .await?;
        // A wrong entry and its correction (红冲).
        let wrong = record(
            ctx,
            spec.code,
            Some(&bond_code),
            "PAYMENT",
            cal.ago(2, 20),
            99_000,
            "误付单位",
            "建筑安装工程费",
            "HY-SW-02-X3".into(),
        )
        .await?;
        records::reverse_disbursement(ctx, &demo_caller(), wrong, "收款单位错误,予以红冲").await?;
        // A payment entered without its bond, beyond every yuan transferred to the unit (M12).
        record(
            ctx,
            spec.code,
            None,
            "PAYMENT",
            cal.ago(1, 20),
            250_000,
            "武汉市政设备有限公司",
            "设备购置费",
            "HY-SW-02-X4".into(),
        )
        .await?;
        count += 5;
    }
    if spec.code == "HY-WJ-01" {
        // The first phase, on the bond that has since matured, was paid out long ago.
        let first_phase = bond_codes[4].as_str();
        record(
            ctx,
            spec.code,
            Some(first_phase),
            "TRANSFER",
            cal.ago(43, 8),
            30_000_000,
            "区财政国库集中支付中心",
            "资本性支出",
            "HY-WJ-01-F1".into(),
        )
        .await?;
        record(
            ctx,
            spec.code,
            Some(first_phase),
            "PAYMENT",
            cal.ago(42, 18),
            30_000_000,
            "一期工程施工单位",
            "建筑安装工程费",
            "HY-WJ-01-F2".into(),
        )
        .await?;
        count += 2;
    }
    if spec.code == "HY-ZJ-02" {
        // Money arrived five months ago, and only a little was transferred: held in the treasury.
        record(
            ctx,
            spec.code,
            Some(&bond_code),
            "TRANSFER",
            cal.ago(4, 2),
            bond / 10,
            "区财政国库集中支付中心",
            "资本性支出",
            "HY-ZJ-02-T01".into(),
        )
        .await?;
        count += 1;
    }
    Ok(count)
}

#[allow(clippy::too_many_arguments)]
async fn record(
    ctx: &Ctx,
    project: &str,
    bond: Option<&str>,
    kind: &str,
    paid_on: NaiveDate,
    amount: i64,
    payee: &str,
    class: &str,
    voucher: String,
) -> Result<i64> {
    let input = records::DisbursementInput {
        project_code: project.into(),
        bond_code: bond.map(str::to_string),
        kind: kind.into(),
        paid_on,
        amount: yuan(amount),
        payee: payee.into(),
        economic_class: class.into(),
        voucher_no: Some(voucher.clone()),
    };
    Ok(records::record_disbursement(ctx, &demo_caller(), input, Some(&format!("demo-{voucher}"))).await?.id)
}

/// A report for every month of the works, in by the 5th of the next month.
async fn load_progress(ctx: &Ctx, cal: &Calendar, spec: &Spec) -> Result<usize> {
    let Some(started) = spec.started else {
        return Ok(0);
    };
    let mut count = 0;
    for m in (1..=started).rev() {
        let elapsed = started - m + 1;
        if elapsed > spec.build_months {
            break;
        }
        let planned = Decimal::from(elapsed * 100) / Decimal::from(spec.build_months);
        let planned = planned.round_dp(2).min(Decimal::ONE_HUNDRED);
        let lag = match spec.code {
            "HY-MZ-01" => Decimal::from(30),
            "HY-JT-02" => Decimal::from(5),
            _ => Decimal::from(2),
        };
        let actual = (planned - lag).max(Decimal::ZERO);
        let month = Month::of(cal.ago(m, 1));
        // HY-MZ-01: last month's report is missing, the one before came 20 days late.
        let submitted_on = match (spec.code, m) {
            ("HY-MZ-01", 1) => continue,
            ("HY-MZ-01", 2) => cal.ago(1, 28).min(cal.today),
            _ => cal.ago(m - 1, 5),
        };
        records::record_progress(
            ctx,
            &demo_caller(),
            records::ProgressInput {
                project_code: spec.code.into(),
                period: month.to_string(),
                planned_percent: planned.to_string(),
                actual_percent: actual.to_string(),
                submitted_on: Some(submitted_on),
                note: None,
            },
        )
        .await?;
        count += 1;
    }
    Ok(count)
}

/// Forecasts for every revenue year; collected revenue for the operating projects.
async fn load_revenue(
    ctx: &Ctx,
    cal: &Calendar,
    spec: &Spec,
    revenue_start: NaiveDate,
    revenue_end: NaiveDate,
    investment: i64,
) -> Result<usize> {
    // Yearly revenue that carries the debt about 1.6 times; HY-ZJ-02's does not (D5).
    let (revenue_share, cost_share) = match spec.code {
        "HY-ZJ-02" => (3, 2),
        _ => (18, 4),
    };
    let years: Vec<projects::RevenueForecastInput> = (revenue_start.year()..=revenue_end.year())
        .map(|year| projects::RevenueForecastInput {
            year,
            revenue: yuan(investment * revenue_share / 100),
            operating_cost: yuan(investment * cost_share / 100),
        })
        .collect();
    if spec.code != "HY-JT-03" {
        projects::set_revenue_forecast(ctx, &demo_caller(), spec.code, years).await?;
    }
    if spec.status != ProjectStatus::Operating {
        return Ok(0);
    }
    // Collected at a quarter of the forecast pace at the hospital (S1, and too little in the account for its next coupon: S3); the rest at pace.
    let monthly = investment * revenue_share / 100 / 12;
    let collected = if spec.code == "HY-WJ-01" { monthly / 4 } else { monthly };
    let mut count = 0;
    let months_operating = spec.started.unwrap_or(0).saturating_sub(spec.build_months);
    for m in (1..=months_operating).rev() {
        let month = Month::of(cal.ago(m, 1));
        let collected_on = cal.ago(m, 28);
        // The hospital's revenue of two months ago was collected but not transferred (S5).
        let transferred = if spec.code == "HY-WJ-01" && m == 2 { 0 } else { collected };
        let input = records::RevenueInput {
            project_code: spec.code.into(),
            period: month.to_string(),
            source: "医疗服务收入".into(),
            collected: yuan(collected),
            transferred: yuan(transferred),
            collected_on: Some(collected_on),
            transferred_on: (transferred > 0).then(|| cal.ago(m.saturating_sub(1), 3)),
        };
        records::record_revenue(ctx, &demo_caller(), input, Some(&format!("demo-{}-{month}", spec.code))).await?;
        count += 1;
    }
    if spec.code == "HY-WJ-01" {
        let input = records::RevenueInput {
            project_code: spec.code.into(),
            period: Month::of(cal.ago(3, 1)).to_string(),
            source: "财政补助".into(),
            collected: yuan(500_000),
            transferred: yuan(500_000),
            collected_on: Some(cal.ago(3, 10)),
            transferred_on: Some(cal.ago(3, 12)),
        };
        records::record_revenue(ctx, &demo_caller(), input, Some("demo-HY-WJ-01-subsidy")).await?;
        count += 1;
    }
    Ok(count)
}

/// The spending plan (用款计划): linear over the construction months; none for some
/// projects, which then fall back on the linear default of domain.md §2.
async fn load_plan(ctx: &Ctx, cal: &Calendar, spec: &Spec, first_alloc: u32) -> Result<()> {
    if matches!(spec.code, "HY-JT-03" | "HY-MZ-02") {
        return Ok(());
    }
    let months: Vec<projects::SpendingPlanInput> = (1..=spec.build_months)
        .map(|i| {
            let month = Month::of(add_months(cal.ago(first_alloc, 1), i));
            let pct = (Decimal::from(i * 100) / Decimal::from(spec.build_months)).round_dp(2);
            projects::SpendingPlanInput { period: month.to_string(), cumulative_percent: pct.to_string() }
        })
        .collect();
    projects::set_spending_plan(ctx, &demo_caller(), spec.code, months).await?;
    Ok(())
}

/// This year's annual targets: the indicator set of the project's kind ([`indicators`]);
/// then an actual for last month of each indicator, met but for the troubled ones.
async fn load_targets(ctx: &Ctx, cal: &Calendar, spec: &Spec) -> Result<()> {
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
    let qualitative = |text: &str| {
        crate::targets::parse::parse_target(text)
            .is_some_and(|t| t.kind == crate::targets::parse::TargetKind::Qualitative)
    };
    for ind in indicators {
        let key = (spec.code, ind.level2.as_str(), ind.target_text.as_str());
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
        let actual = troubled.or_else(|| met_actual(&ind.target_text).map(|v| (v, None)));
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
    }
    Ok(())
}

async fn load_assessment(ctx: &Ctx, cal: &Calendar, spec: &Spec, first_alloc: u32) -> Result<()> {
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

/// Two adjustments of 龙阳湖's bond money in one year, to the smart-parking project.
async fn load_adjustments(ctx: &Ctx, cal: &Calendar, bond_codes: &[String]) -> Result<()> {
    // Both in this calendar year, whatever the day the demo is loaded.
    let new_year = NaiveDate::from_ymd_opt(cal.today.year(), 1, 1).unwrap_or(cal.today);
    let first = cal.days_ago(100).max(new_year);
    let second = cal.days_ago(40).max(first);
    for (approved_on, amount) in [(first, 20_000_000), (second, 15_000_000)] {
        funding::adjust_use(
            ctx,
            &demo_caller(),
            funding::UseAdjustmentInput {
                bond_code: bond_codes[2].clone(),
                from_project_code: "HY-SW-03".into(),
                to_project_code: "HY-JT-03".into(),
                amount: yuan(amount),
                reason: "项目发生重大变化或需求减少".into(),
                approved_on,
            },
        )
        .await?;
    }
    Ok(())
}

/// Every line due by today is paid on its due date, except HY-JT-02's, paid ten days
/// late, and HY-WJ-02's latest, not paid at all; the matured bond's principal is repaid from the refinancing bond (S6).
async fn load_debt_service(ctx: &Ctx, cal: &Calendar, bond_codes: &[String]) -> Result<usize> {
    let books = crate::debt::load_books(&ctx.db, &ctx.settings.debt, None).await?;
    let codes: std::collections::HashMap<i64, String> =
        project::Entity::find().all(&ctx.db).await?.into_iter().map(|p| (p.id, p.code)).collect();
    let mut count = 0;
    for book in &books {
        for line in book.lines.iter().filter(|l| l.line.due <= cal.today) {
            let project_code = line.project_id.and_then(|id| codes.get(&id).cloned());
            let late = project_code.as_deref() == Some("HY-JT-02");
            // HY-WJ-02 has not paid its latest line due before today (S8).
            let latest_due = book
                .lines
                .iter()
                .filter(|l| l.line.due < cal.today && l.project_id == line.project_id)
                .map(|l| l.line.due)
                .max();
            if project_code.as_deref() == Some("HY-WJ-02") && Some(line.line.due) == latest_due {
                continue;
            }
            let refinanced = book.bond.code == bond_codes[4] && !line.line.principal.is_zero();
            // Projects repay from budget support (财政补助) put into the dedicated account a
            // few days before, except the hospital, which must repay from its own revenue.
            if let Some(code) = project_code.as_deref().filter(|c| *c != "HY-WJ-01") {
                let from_account = line.line.total() - if refinanced { line.line.principal } else { Money::ZERO };
                let support_on = line.line.due - chrono::Duration::days(5);
                let input = records::RevenueInput {
                    project_code: code.into(),
                    period: Month::of(support_on).to_string(),
                    source: crate::debt::BUDGET_SUPPORT.into(),
                    collected: from_account,
                    transferred: from_account,
                    collected_on: Some(support_on),
                    transferred_on: Some(support_on),
                };
                if from_account.fen() > 0 {
                    records::record_revenue(
                        ctx,
                        &demo_caller(),
                        input,
                        Some(&format!("demo-support-{}-{}-{}", book.bond.code, code, line.line.due)),
                    )
                    .await?;
                }
            }
            crate::debt::record_debt_service_payment(
                ctx,
                &demo_caller(),
                crate::debt::DebtServicePaymentInput {
                    bond_code: book.bond.code.clone(),
                    project_code,
                    due_date: line.line.due,
                    amount: line.line.total(),
                    // Never dated after today.
                    paid_on: if late {
                        (line.line.due + chrono::Duration::days(10)).min(cal.today)
                    } else {
                        line.line.due
                    },
                    refinancing_bond_code: refinanced.then(|| bond_codes[3].clone()),
                    refinanced_amount: refinanced.then_some(line.line.principal),
                },
            )
            .await?;
            count += 1;
        }
    }
    Ok(count)
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

/// The kind of a demo project: the indicator set it declares ([`indicators`]).
pub fn kind_of(project_code: &str) -> Option<Kind> {
    SPECS.iter().find(|s| s.code == project_code).map(|s| s.kind)
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
async fn load_results(ctx: &Ctx, cal: &Calendar) -> Result<()> {
    use crate::results::{self, SelfEvaluationInput};
    let year = cal.today.year() - 1;
    let office = demo_caller();
    let before = days_ago(ctx, cal, 200);
    let (facts, result) = crate::evaluation::score_project(&before, "HY-ZJ-02", year - 1).await?;
    crate::evaluation::store(&before, &office, &facts.project, year - 1, &result).await?;
    let then = days_ago(ctx, cal, 100);
    for code in crate::ledger::queries::all_project_codes(&ctx.db).await? {
        let (facts, result) = crate::evaluation::score_project(&then, &code, year).await?;
        let stored = crate::evaluation::store(&then, &office, &facts.project, year, &result).await?;
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
    let of = async |code: &str| -> Result<Option<results::rectification::Model>> {
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
