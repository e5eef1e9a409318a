//! The rules, by dimension. Each is a pure function of one subject's facts, the
//! configuration and an as-of date; none reads the database or the clock.

pub mod checks;
pub mod decision;
pub mod management;
pub mod next;
pub mod output;
pub mod results;
pub mod sustainability;
#[cfg(test)]
pub(crate) mod tests;

use chrono::NaiveDate;

use super::facts::{BondFacts, DepartmentFacts, IndicatorFacts, ProjectFacts};
use super::{Finding, RuleConfig, Subject};
use crate::targets::parse::{TargetKind, attainment};

type ProjectRule = fn(&ProjectFacts, &RuleConfig, NaiveDate) -> Vec<Finding>;

/// Every project rule with its id and its companion: when time alone could next
/// change its result (`next`).
pub const PROJECT_RULES: &[(&str, ProjectRule, next::NextDate)] = &[
    ("D1", decision::d1, next::decision::d1),
    ("D2", decision::d2, next::decision::d2),
    ("D3", decision::d3, next::decision::d3),
    ("D4", decision::d4, next::decision::d4),
    ("D5", decision::d5, next::decision::d5),
    ("D6", decision::d6, next::decision::d6),
    ("D7", decision::d7, next::decision::d7),
    ("D8", decision::d8, next::decision::d8),
    ("M1", management::m1, next::management::m1),
    ("M2", management::m2, next::management::m2),
    ("M3", management::m3, next::management::m3),
    ("M4", management::m4, next::management::m4),
    ("M5", management::m5, next::management::m5),
    ("M6", management::m6, next::management::m6),
    ("M8", management::m8, next::management::m8),
    ("M9", management::m9, next::management::m9),
    ("M10", management::m10, next::management::m10),
    ("M11", management::m11, next::management::m11),
    ("M12", management::m12, next::management::m12),
    ("O1", output::o1, next::output::o1),
    ("O2", output::o2, next::output::o2),
    ("O3", output::o3, next::output::o3),
    ("O4", output::o4, next::output::o4),
    ("O5", output::o5, next::output::o5),
    ("S1", sustainability::s1, next::sustainability::s1),
    ("S2", sustainability::s2, next::sustainability::s2),
    ("S3", sustainability::s3, next::sustainability::s3),
    ("S4", sustainability::s4, next::sustainability::s4),
    ("S5", sustainability::s5, next::sustainability::s5),
    ("S6", sustainability::s6, next::sustainability::s6),
    ("S7", sustainability::s7, next::sustainability::s7),
    ("S8", sustainability::s8, next::sustainability::s8),
    ("R1", results::r1, next::results::r1),
    ("R2", results::r2, next::results::r2),
    ("R3", results::r3, next::results::r3),
    ("C1", checks::c1_project, next::results::c1),
    ("C5", checks::c5_project, next::results::c5),
];

/// The data checks on declarations (domain.md §8): what an import reports.
pub const CHECK_RULES: &[&str] = &["C1", "C2", "C3", "C4", "C5"];

pub fn evaluate_project(facts: &ProjectFacts, config: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    project_rules(facts, config, as_of, |_| true)
}

/// The declaration checks of a project alone.
pub fn check_project(facts: &ProjectFacts, config: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    project_rules(facts, config, as_of, |id| CHECK_RULES.contains(&id))
}

fn project_rules(
    facts: &ProjectFacts,
    config: &RuleConfig,
    as_of: NaiveDate,
    wanted: impl Fn(&str) -> bool,
) -> Vec<Finding> {
    PROJECT_RULES
        .iter()
        .filter(|(id, ..)| wanted(id) && config.enabled(id))
        .flat_map(|(_, rule, _)| rule(facts, config, as_of))
        .collect()
}

pub fn evaluate_bond(facts: &BondFacts, config: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    if config.enabled("M7") { management::m7(facts, config, as_of) } else { Vec::new() }
}

pub fn evaluate_department(facts: &DepartmentFacts, config: &RuleConfig, as_of: NaiveDate) -> Vec<Finding> {
    type DepartmentRule = fn(&DepartmentFacts, &RuleConfig, NaiveDate) -> Vec<Finding>;
    let rules: [(&str, DepartmentRule); 5] =
        [("C1", checks::c1), ("C2", checks::c2), ("C3", checks::c3), ("C4", checks::c4), ("C5", checks::c5_department)];
    rules.iter().filter(|(id, _)| config.enabled(id)).flat_map(|(_, rule)| rule(facts, config, as_of)).collect()
}

impl ProjectFacts {
    pub fn subject(&self) -> Subject {
        Subject { project_id: Some(self.project.id), ..Subject::default() }
    }

    pub fn bond_subject(&self, bond_id: i64) -> Subject {
        Subject { bond_id: Some(bond_id), ..self.subject() }
    }

    pub fn indicator_subject(&self, indicator_id: i64) -> Subject {
        Subject { indicator_id: Some(indicator_id), ..self.subject() }
    }
}

/// An indicator's attainment from its latest actual as of `on`, if it can be judged.
pub fn latest_attainment(ind: &IndicatorFacts, on: NaiveDate) -> Option<rust_decimal::Decimal> {
    let target = ind.target.as_ref()?;
    let actual = ind.latest_on(on)?;
    attainment(target, &actual.value, actual.judgement.as_deref())
}

pub fn is_measurable(ind: &IndicatorFacts) -> bool {
    matches!(ind.target.as_ref().map(|t| t.kind), Some(TargetKind::Quantity | TargetKind::Rate))
}
