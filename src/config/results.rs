//! `jobs/results.toml`: the rectification's due days and the suggestions by grade,
//! checked when read: every grade has its text and percent.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::codes::Grade;

pub const DEFAULT_RESULTS: &str = include_str!("../../jobs/results.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsConfig {
    pub due_days: u32,
    suggestions: BTreeMap<String, Suggestion>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Suggestion {
    text: String,
    percent: Decimal,
}

impl ResultsConfig {
    pub fn parse(text: &str, name: &str) -> Result<ResultsConfig, String> {
        let config: ResultsConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(0);
            format!("{name} line {line}: {}", e.message())
        })?;
        let keys = Grade::ALL.iter().map(|g| g.as_str()).chain(["NONE"]);
        for key in keys {
            if !config.suggestions.contains_key(key) {
                return Err(format!("{name}: [suggestions.{key}] is missing"));
            }
        }
        if let Some(other) = config.suggestions.keys().find(|k| k.as_str() != "NONE" && Grade::parse(k).is_none()) {
            return Err(format!("{name}: [suggestions.{other}] is not a grade (EXCELLENT, GOOD, FAIR, POOR, NONE)"));
        }
        if config.due_days == 0 {
            return Err(format!("{name}: due_days must be at least 1"));
        }
        Ok(config)
    }

    pub fn default_config() -> ResultsConfig {
        ResultsConfig::parse(DEFAULT_RESULTS, "jobs/results.toml")
            .unwrap_or_else(|e| panic!("the shipped results file is invalid: {e}"))
    }

    /// The suggestion and budget change for a department whose mean has this grade
    /// (none: nothing evaluated).
    pub fn suggestion(&self, grade: Option<Grade>) -> (String, Decimal) {
        let key = grade.map_or("NONE", Grade::as_str);
        self.suggestions.get(key).map_or((String::new(), Decimal::ZERO), |s| (s.text.clone(), s.percent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_holds_every_grade_and_a_bad_one_is_refused() {
        let c = ResultsConfig::default_config();
        assert_eq!(c.due_days, 60);
        assert_eq!(c.suggestion(Some(Grade::Poor)).1, Decimal::from(-20));
        assert_eq!(c.suggestion(None), ("无评价结果".to_string(), Decimal::ZERO));
        let missing = DEFAULT_RESULTS.replace("[suggestions.FAIR]", "[suggestions.OK]");
        assert!(ResultsConfig::parse(&missing, "r").unwrap_err().contains("FAIR"));
    }
}
