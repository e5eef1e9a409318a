//! When time could next change an output rule's result (O1–O5).

use chrono::NaiveDate;

use super::{after, earliest};
use crate::codes::TargetScope;
use crate::ledger::projects::ProjectStatus;
use crate::monitoring::RuleConfig;
use crate::monitoring::facts::ProjectFacts;
use crate::monitoring::rules::is_measurable;
use crate::monitoring::rules::output::period_end;
use crate::targets::parse::TargetKind;

/// O1: the last day of a quantity target's year (judged from then on), then the day a later actual's period begins.
pub fn o1(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let watched = f.indicators.iter().filter(|i| {
        i.indicator.level2 == "数量指标"
            && is_measurable(i)
            && !i.target.as_ref().is_some_and(|t| t.negative())
            && i.scope == TargetScope::Annual.as_str()
    });
    let next = watched.filter_map(|i| {
        // Without a year (or one that cannot end) the indicator is never judged.
        let year_end = period_end(&i.year?.to_string())?;
        // Before the last day of its year it finds nothing, whatever its actuals say.
        if year_end > as_of { Some(year_end) } else { i.next_latest_after(as_of) }
    });
    earliest(as_of, next)
}

/// O2: the day a later actual's period begins, replacing the latest actual a quality indicator is judged by.
pub fn o2(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let watched = f.indicators.iter().filter(|i| i.indicator.level2 == "质量指标" && i.target.is_some());
    earliest(as_of, watched.filter_map(|i| i.next_latest_after(as_of)))
}

/// O3: a status change taking effect, the start grace exceeded, the planned completion passed, red lateness.
pub fn o3(f: &ProjectFacts, c: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let p = &f.project;
    // The status holds until the next change takes effect (a registration row holds throughout),
    // and it decides which clock runs: so only the current status's clock is a candidate.
    let changes = f.status_changes.iter().filter(|s| s.from_status.is_some()).map(|s| s.effective_on);
    let status = f.stage_status_on(as_of);
    let clocks = if f.status_on(as_of) == ProjectStatus::Cancelled {
        [None, None]
    } else if status < ProjectStatus::UnderConstruction {
        // Late once more than the grace has passed since the planned start.
        let grace = c.days("O3", "start_grace_days");
        [p.planned_start.and_then(|d| after(d, grace.saturating_add(1))), None]
    } else if status == ProjectStatus::UnderConstruction {
        // Yellow once past the planned completion, red once more than red_days_late past it.
        let red = c.days("O3", "red_days_late");
        let done = p.planned_completion;
        [done.and_then(|d| after(d, 1)), done.and_then(|d| after(d, red.saturating_add(1)))]
    } else {
        [None, None]
    };
    earliest(as_of, changes.chain(clocks.into_iter().flatten()))
}

/// O4: never moved by time: it reads only the current estimate and the approved investment.
pub fn o4(_: &ProjectFacts, _: &RuleConfig, _: NaiveDate) -> Option<NaiveDate> {
    None
}

/// O5: the day a later actual's period begins, replacing the latest actual a veto indicator is judged by.
pub fn o5(f: &ProjectFacts, _: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    let watched = f.indicators.iter().filter(|i| {
        i.target.as_ref().is_some_and(|t| {
            t.zero_target() || (t.kind == TargetKind::Binary && i.indicator.target_text.trim() == "是")
        })
    });
    earliest(as_of, watched.filter_map(|i| i.next_latest_after(as_of)))
}
