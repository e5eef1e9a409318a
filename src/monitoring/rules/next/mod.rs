//! When time alone could next change a rule's result (issue #19's incremental sweep).
//!
//! For each project rule a companion answers: with these facts unchanged, what is the
//! first date after `as_of` on which the rule's result — the set of subjects it finds
//! and each one's severity — could differ from its result as of `as_of`? `None` when
//! no passing of time alone ever changes it. Answering earlier than needed is always
//! safe (the project is only evaluated again sooner); answering later is a missed
//! alert, which the test `next_dates_are_never_late` looks for day by day. Messages
//! and measured values (an age in days, say) move every day and are not the result:
//! they are brought up to date whenever the project is evaluated.

pub mod decision;
pub mod management;
pub mod output;
pub mod results;
pub mod sustainability;

use chrono::{Days, NaiveDate};

use super::super::RuleConfig;
use super::super::facts::ProjectFacts;
use super::PROJECT_RULES;

pub type NextDate = fn(&ProjectFacts, &RuleConfig, NaiveDate) -> Option<NaiveDate>;

/// The always-safe answer: look again tomorrow.
pub fn tomorrow(as_of: NaiveDate) -> Option<NaiveDate> {
    as_of.checked_add_days(Days::new(1))
}

/// The earliest of `dates` after `as_of`.
pub fn earliest(as_of: NaiveDate, dates: impl IntoIterator<Item = NaiveDate>) -> Option<NaiveDate> {
    dates.into_iter().filter(|d| *d > as_of).min()
}

/// `days` days after `date`, e.g. the day money received on `date` turns `days` old.
pub fn after(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    u64::try_from(days).ok().and_then(|n| date.checked_add_days(Days::new(n)))
}

/// The first day in `from..=to` on which `differs` holds, given it holds on `to` and, once it
/// holds, on every later day.
pub fn first_day(mut from: NaiveDate, mut to: NaiveDate, differs: impl Fn(NaiveDate) -> bool) -> NaiveDate {
    while from < to {
        let half = u64::try_from((to - from).num_days() / 2).unwrap_or(0);
        let mid = from.checked_add_days(Days::new(half)).unwrap_or(from);
        if differs(mid) {
            to = mid;
        } else {
            from = mid.succ_opt().unwrap_or(to);
        }
    }
    to
}

/// The first date after `as_of` on which time alone could change any enabled rule's
/// result for this project; `None` when none ever could.
pub fn project_next(facts: &ProjectFacts, config: &RuleConfig, as_of: NaiveDate) -> Option<NaiveDate> {
    PROJECT_RULES
        .iter()
        .filter(|(id, ..)| config.enabled(id))
        .filter_map(|(_, _, next)| next(facts, config, as_of))
        .min()
}
