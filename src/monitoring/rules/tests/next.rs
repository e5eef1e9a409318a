//! The next dates are never late: on every day of two and a half years, each rule's
//! result (the subjects it finds, with their severities) is computed for the healthy
//! project (every rule) and for each rule's raising case (that rule), and on every
//! day the rule's companion must not name a date after the day its result next
//! changes.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::super::PROJECT_RULES;
use super::cases::cases;
use crate::fixtures::*;
use crate::monitoring::facts::ProjectFacts;
use crate::monitoring::{RuleConfig, Severity};

type Result = BTreeSet<(String, Severity)>;

/// Each of these rules' result on each day.
fn timeline(
    facts: &ProjectFacts,
    config: &RuleConfig,
    rules: &[&'static str],
    days: &[NaiveDate],
) -> HashMap<&'static str, Vec<Result>> {
    let mut by_rule = HashMap::new();
    for (id, rule, _) in PROJECT_RULES.iter().filter(|(id, ..)| rules.contains(id)) {
        let results = days
            .iter()
            .map(|on| rule(facts, config, *on).into_iter().map(|f| (f.subject.key(), f.severity)).collect())
            .collect();
        by_rule.insert(*id, results);
    }
    by_rule
}

/// For each day, the index of the first later day whose result differs.
fn changes(results: &[Result]) -> Vec<Option<usize>> {
    let mut next = vec![None; results.len()];
    for i in (0..results.len().saturating_sub(1)).rev() {
        next[i] = if results[i + 1] != results[i] { Some(i + 1) } else { next[i + 1] };
    }
    next
}

#[test]
fn next_dates_are_never_late() {
    let config = RuleConfig::default_rules();
    let days: Vec<NaiveDate> = d(2025, 6, 1).iter_days().take_while(|on| *on <= d(2027, 12, 31)).collect();
    let every: Vec<&'static str> = PROJECT_RULES.iter().map(|(id, ..)| *id).collect();
    let mut fixtures = vec![("healthy".to_string(), healthy(), every)];
    for (rule, make, ..) in cases() {
        let mut facts = healthy();
        make(&mut facts);
        fixtures.push((format!("{rule}'s case"), facts, vec![rule]));
    }
    let mut late = Vec::new();
    for (name, facts, rules) in &fixtures {
        for (id, results) in timeline(facts, &config, rules, &days) {
            let (.., next) = PROJECT_RULES.iter().find(|(n, ..)| *n == id).expect("a rule of the table");
            let changes = changes(&results);
            for (i, on) in days.iter().enumerate() {
                let said = next(facts, &config, *on);
                assert!(said.is_none_or(|n| n > *on), "{name}: {id} as of {on} names {said:?}, not a later day");
                let Some(changed) = changes[i].map(|j| days[j]) else { continue };
                if said.is_none_or(|n| n > changed) {
                    late.push(format!("{name}, {id} as of {on} says {said:?}, but its result changes on {changed}"));
                }
            }
        }
    }
    // The first late answer of each case and rule.
    let mut first: Vec<&String> = Vec::new();
    for l in &late {
        let case = l.split(" as of ").next();
        if !first.iter().any(|f| f.split(" as of ").next() == case) {
            first.push(l);
        }
    }
    assert!(late.is_empty(), "{} late answers; the first of each case and rule:\n{first:#?}", late.len());
}

#[test]
fn a_stable_project_is_due_only_when_a_rule_s_date_comes() {
    use super::super::next::project_next;
    // The healthy project reports each month by the 10th (M9's due_day) and reports on
    // 15 June 2026 are in for May: June's report falls due on 10 July, so from 11 July
    // it could be missing. Nothing else can change before then.
    let config = RuleConfig::default_rules();
    assert_eq!(project_next(&healthy(), &config, d(2026, 6, 15)), Some(d(2026, 7, 11)));
    // A rule switched off does not make the project due.
    let text =
        crate::monitoring::config::DEFAULT_RULES.replace("[rules.M9]\nenabled = true", "[rules.M9]\nenabled = false");
    let without_m9 = RuleConfig::parse(&text, "rules.toml").unwrap();
    // Then M10: 1,200 of ≥2,000 人次 is 0.6 attained, behind time once 0.6 ÷ (day ÷ 365) < 0.8,
    // i.e. day > 273.75: day 274 of 2026 is 1 October (31+28+31+30+31+30+31+31+30 = 273).
    assert_eq!(project_next(&healthy(), &without_m9, d(2026, 6, 15)), Some(d(2026, 10, 1)));
}
