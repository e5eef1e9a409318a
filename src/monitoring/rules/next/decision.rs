//! When time could next change a decision rule's result (D1–D8).

use chrono::NaiveDate;

use super::earliest;
use crate::codes::TargetScope;
use crate::monitoring::RuleConfig;
use crate::monitoring::facts::ProjectFacts;

/// 1 January of `year`.
fn new_year(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

/// The days on which the targets and indicators "of the year" change: long-term ones
/// always count, so only an annual one's year matters: its 1 January brings it in, the
/// next 1 January takes it out. Indicators carry their target's scope and year; they
/// are read too, in case they were built apart from the targets.
fn year_turns(f: &ProjectFacts) -> impl Iterator<Item = NaiveDate> + '_ {
    let annual = TargetScope::Annual.as_str();
    let targets = f.targets.iter().filter(move |t| t.scope == annual).filter_map(|t| t.year);
    let indicators = f.indicators.iter().filter(move |i| i.scope == annual).filter_map(|i| i.year);
    targets.chain(indicators).flat_map(|y| [new_year(y), y.checked_add(1).and_then(new_year)]).flatten()
}

/// D1: the first money coming in and each assessment's submission (the first one, the latest one).
pub fn d1(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    earliest(as_of, f.first_money_on().into_iter().chain(f.assessments.iter().map(|a| a.submitted_on)))
}

/// D2: a target's approval, and the turn of a year with an annual target; never without an allocation.
pub fn d2(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    // Whether money is allocated is not read as of a date: without it the rule never fires.
    if !f.allocated() {
        return None;
    }
    earliest(as_of, f.targets.iter().filter_map(|t| t.approved_on).chain(year_turns(f)))
}

/// D3: the turn of a year with an annual target (the indicators of the year change).
pub fn d3(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    earliest(as_of, year_turns(f))
}

/// D4: the turn of a year with an annual target (the indicators of the year change).
pub fn d4(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    earliest(as_of, year_turns(f))
}

/// D5: never; the coverage is worked out from the books and the forecast, not the date.
pub fn d5(_: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Option<NaiveDate> {
    None
}

/// D6: never; the negative list is read from the project's text and forecast, not the date.
pub fn d6(_: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Option<NaiveDate> {
    None
}

/// D7: never; maturities are set against the revenue period, not the date.
pub fn d7(_: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Option<NaiveDate> {
    None
}

/// D8: the first receipt, which brings the rule in; documents and the planned start do not move with the date.
pub fn d8(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    earliest(as_of, f.first_receipt())
}
