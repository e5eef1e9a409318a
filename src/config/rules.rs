//! `jobs/rules.toml`: switches and thresholds of the alert rules, validated at start.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use crate::codes::catalogue::{CATALOGUE, RuleDef};

/// The rules file shipped with bondwatch, used when none is configured.
pub const DEFAULT_RULES: &str = include_str!("../../jobs/rules.toml");

#[derive(Debug, Clone)]
pub struct RuleConfig {
    enabled: HashMap<&'static str, bool>,
    thresholds: HashMap<(&'static str, &'static str), Decimal>,
    pub negative_list: Vec<String>,
    /// 52号's exceptions to 房地产开发: a category, and words of the name or content.
    pub real_estate_exception_category: String,
    pub real_estate_exceptions: Vec<String>,
    pub forbidden_classes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Lists {
    negative_list: Vec<String>,
    real_estate_exception_category: String,
    real_estate_exceptions: Vec<String>,
    forbidden_classes: Vec<String>,
}

#[derive(Deserialize)]
struct File {
    lists: Lists,
    rules: BTreeMap<String, Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl RuleConfig {
    /// The switches, thresholds and lists as one text, the same for the same rules
    /// however they were read: an evaluation remembers it, and a change of rules
    /// makes every project due again.
    pub fn fingerprint(&self) -> String {
        let enabled: BTreeMap<_, _> = self.enabled.iter().collect();
        let thresholds: BTreeMap<_, _> = self.thresholds.iter().collect();
        format!(
            "{enabled:?}|{thresholds:?}|{:?}|{}|{:?}|{:?}",
            self.negative_list,
            self.real_estate_exception_category,
            self.real_estate_exceptions,
            self.forbidden_classes
        )
    }

    /// Parses and checks a rules file; the error names the file's line.
    pub fn parse(text: &str, name: &str) -> Result<RuleConfig, String> {
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            format!("{name} line {line}: {}", e.message())
        })?;
        let mut enabled = HashMap::new();
        let mut thresholds = HashMap::new();
        for (id, table) in &file.rules {
            let line = line_of(text, table.span().start);
            let def: &RuleDef = CATALOGUE
                .iter()
                .find(|d| d.id == id.as_str())
                .ok_or_else(|| format!("{name} line {line}: unknown rule '{id}'; the rules are {}", ids()))?;
            for (key, value) in table.get_ref() {
                let at = line_of(text, value.span().start);
                if key == "enabled" {
                    let on = value
                        .get_ref()
                        .as_bool()
                        .ok_or_else(|| format!("{name} line {at}: {id}.enabled must be true or false"))?;
                    enabled.insert(def.id, on);
                    continue;
                }
                let known = def.thresholds.iter().find(|t| *t == key).ok_or_else(|| {
                    format!("{name} line {at}: rule {id} has no threshold '{key}'; it takes {}", list(def.thresholds))
                })?;
                let number = match value.get_ref() {
                    toml::Value::Integer(i) => Decimal::from(*i),
                    toml::Value::Float(f) => Decimal::from_str(&f.to_string())
                        .map_err(|_| format!("{name} line {at}: {id}.{key} is not a number"))?,
                    _ => return Err(format!("{name} line {at}: {id}.{key} must be a number")),
                };
                if number < Decimal::ZERO {
                    return Err(format!(
                        "{name} line {at}: {id}.{key} = {number} makes no sense; thresholds are not negative"
                    ));
                }
                thresholds.insert((def.id, *known), number);
            }
            for t in def.thresholds {
                if !thresholds.contains_key(&(def.id, *t)) {
                    return Err(format!("{name} line {line}: rule {id} needs the threshold '{t}'"));
                }
            }
            for pair in def.ascending.windows(2) {
                let (a, b) = (thresholds[&(def.id, pair[0])], thresholds[&(def.id, pair[1])]);
                if a > b {
                    return Err(format!(
                        "{name} line {line}: rule {id}: {} ({a}) must not be above {} ({b})",
                        pair[0], pair[1]
                    ));
                }
            }
        }
        if let Some(missing) = CATALOGUE.iter().find(|d| !file.rules.contains_key(d.id)) {
            return Err(format!(
                "{name}: rule {} is missing; list every rule, with enabled = false to switch one off",
                missing.id
            ));
        }
        Ok(RuleConfig {
            enabled,
            thresholds,
            negative_list: file.lists.negative_list,
            real_estate_exception_category: file.lists.real_estate_exception_category,
            real_estate_exceptions: file.lists.real_estate_exceptions,
            forbidden_classes: file.lists.forbidden_classes,
        })
    }

    /// The rules shipped with bondwatch.
    pub fn default_rules() -> RuleConfig {
        RuleConfig::parse(DEFAULT_RULES, "jobs/rules.toml")
            .unwrap_or_else(|e| panic!("the shipped rules file is invalid: {e}"))
    }

    pub fn enabled(&self, rule: &str) -> bool {
        self.enabled.get(rule).copied().unwrap_or(true)
    }

    /// A validated threshold; rules only ask for thresholds their definition lists.
    pub fn t(&self, rule: &'static str, key: &'static str) -> Decimal {
        self.thresholds.get(&(rule, key)).copied().unwrap_or_default()
    }

    pub fn days(&self, rule: &'static str, key: &'static str) -> i64 {
        self.t(rule, key).trunc().to_string().parse().unwrap_or(0)
    }

    /// The thresholds of a rule as `key=value` text, for the API.
    pub fn describe(&self, rule: &'static str) -> String {
        let def = CATALOGUE.iter().find(|d| d.id == rule);
        def.map(|d| d.thresholds.iter().map(|t| format!("{t}={}", self.t(rule, t))).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    }
}

fn ids() -> String {
    CATALOGUE.iter().map(|d| d.id).collect::<Vec<_>>().join(" ")
}

fn list(items: &[&str]) -> String {
    if items.is_empty() { "none".into() } else { items.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_are_valid() {
        let config = RuleConfig::default_rules();
        assert_eq!(config.t("D5", "red_below"), Decimal::ONE);
        assert!(config.enabled("M1"));
    }

    #[test]
    fn mistakes_name_the_line() {
        let unknown = DEFAULT_RULES.replace("[rules.D1]", "[rules.D9]");
        let err = RuleConfig::parse(&unknown, "rules.toml").unwrap_err();
        assert!(err.contains("unknown rule 'D9'") && err.starts_with("rules.toml line "), "{err}");
        let line: usize = err["rules.toml line ".len()..].split(':').next().unwrap().parse().unwrap();
        assert_eq!(DEFAULT_RULES.lines().nth(line - 1), Some("[rules.D1]"));

        let missing = DEFAULT_RULES.replace("orange_days = 90\n", "");
        let err = RuleConfig::parse(&missing, "rules.toml").unwrap_err();
        assert!(err.contains("rule M1 needs the threshold 'orange_days'"), "{err}");

        let reversed =
            DEFAULT_RULES.replace("red_below = 1.0\norange_below = 1.1", "red_below = 1.3\norange_below = 1.1");
        let err = RuleConfig::parse(&reversed, "rules.toml").unwrap_err();
        assert!(err.contains("rule D5: red_below (1.3) must not be above orange_below (1.1)"), "{err}");

        let negative = DEFAULT_RULES.replace("days = 90\n[rules.M12]", "days = -5\n[rules.M12]");
        assert!(RuleConfig::parse(&negative, "rules.toml").unwrap_err().contains("not negative"));
        let typo = DEFAULT_RULES.replace("min_indicators = 3", "min_indicator = 3");
        assert!(RuleConfig::parse(&typo, "rules.toml").unwrap_err().contains("has no threshold 'min_indicator'"));
        let dropped = DEFAULT_RULES.replace("[rules.S7]\nenabled = true\n", "");
        assert!(RuleConfig::parse(&dropped, "rules.toml").unwrap_err().contains("rule S7 is missing"));
    }
}
