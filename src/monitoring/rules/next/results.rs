//! When time could next change a results rule's (R1–R3) or a project check's (C1, C5) result.

use chrono::NaiveDate;

use super::{after, earliest};
use crate::codes::RectificationStatus;
use crate::monitoring::RuleConfig;
use crate::monitoring::facts::ProjectFacts;
use crate::performance::rectification;

/// R1: never, since it compares self-evaluations with evaluations whatever the date.
pub fn r1(_: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Option<NaiveDate> {
    None
}

/// R2: a rectification's opening, the day after its due date (yellow), the day it passes the orange days.
pub fn r2(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let orange = c.days("R2", "orange_days");
    let dates = f
        .results
        .rectifications
        .iter()
        .filter(|r| r.status != RectificationStatus::Accepted.as_str())
        .flat_map(|r| {
            if r.opened_on > as_of {
                // Not counted before it opens; it then enters with whatever lateness it has.
                vec![Some(r.opened_on)]
            } else if counts_to_today(r) {
                // Late = as_of − due: 1 day (yellow) the day after the due date, orange past `orange` days.
                vec![after(r.due_on, 1), after(r.due_on, orange.saturating_add(1))]
            } else {
                // Lateness stops at the submission's date, so it no longer moves.
                Vec::new()
            }
        })
        .flatten();
    earliest(as_of, dates)
}

/// Whether `crate::performance::overdue_days` counts to the as-of date rather than to a submission's date.
fn counts_to_today(r: &rectification::Model) -> bool {
    use RectificationStatus::{Accepted, Submitted};
    let submitted = matches!(RectificationStatus::parse(&r.status), Some(Submitted | Accepted));
    !(submitted && r.submitted_on.is_some())
}

/// R3: never, since grades and rectification statuses are read whatever the date.
pub fn r3(_: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Option<NaiveDate> {
    None
}

/// C1: never, since the funding plan is checked against the approved investment whatever the date.
pub fn c1(_: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Option<NaiveDate> {
    None
}

/// C5: never, since the indicators' missing parts are checked whatever the date.
pub fn c5(_: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Option<NaiveDate> {
    None
}
