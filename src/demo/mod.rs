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
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::Ctx;
use crate::base::Caller;
use crate::db::Money;
use crate::db::values::Month;
use crate::error::Result;
use crate::ledger::departments;
use crate::ledger::entities::project;

mod annual_targets;
mod debt;
mod evaluations;
pub mod indicators;
mod money;
mod portfolio;
mod project_history;
mod seed_forms;

use indicators::Kind;
use portfolio::{BONDS, DEPARTMENTS, SPECS};

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

fn yuan(amount: i64) -> Money {
    Money::from_fen(amount * 100)
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

/// The demo's users, one of each role, all with [`DEMO_PASSWORD`]: for trying the
/// dashboard, never for a real database.
pub const DEMO_USERS: [(&str, crate::base::Role, Option<&str>); 4] = [
    ("admin", crate::base::Role::Admin, None),
    ("jiaotong", crate::base::Role::Reporter, Some("HY-JT")),
    ("researcher", crate::base::Role::Researcher, None),
    ("manager", crate::base::Role::Manager, None),
];
pub const DEMO_PASSWORD: &str = "bondwatch-demo";

/// Loads the demo portfolio into an empty database; `progress` hears each step.
pub async fn load(ctx: &Ctx, progress: impl Fn(&str)) -> Result<Outcome> {
    if project::Entity::find().count(&ctx.db).await? > 0 {
        return Ok(Outcome::AlreadyPresent);
    }
    let cal = Calendar { today: ctx.clock.today() };
    let forms = seed_forms::forms()?;

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
    seed_forms::load_department_forms(ctx, &forms).await?;

    progress("bonds");
    let bond_codes = debt::load_bonds(ctx, &cal).await?;

    let mut counts = (0usize, 0usize, 0usize);
    for spec in &SPECS {
        progress(&format!("project {} {}", spec.code, spec.name));
        let n = project_history::load_project(ctx, &cal, &bond_codes, spec).await?;
        counts.0 += n.0;
        counts.1 += n.1;
        counts.2 += n.2;
    }
    progress("use adjustments");
    money::load_adjustments(ctx, &cal, &bond_codes).await?;
    progress("debt service paid so far");
    let payments = debt::load_debt_service(ctx, &cal, &bond_codes).await?;
    progress("evaluations, self-evaluations and rectifications");
    evaluations::load_results(ctx, &cal).await?;
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

/// The kind of a demo project: the indicator set it declares ([`indicators`]).
pub fn kind_of(project_code: &str) -> Option<Kind> {
    SPECS.iter().find(|s| s.code == project_code).map(|s| s.kind)
}
