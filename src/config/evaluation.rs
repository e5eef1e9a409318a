//! `jobs/evaluation.toml`: the weights of each profile, the grade bounds and the
//! assessment's maxima, parsed and checked at start.

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::codes::Grade;

/// `jobs/evaluation.toml`.
#[derive(Clone, Debug, Deserialize)]
pub struct EvaluationConfig {
    pub profiles: std::collections::BTreeMap<String, Weights>,
    pub grades: Grades,
    /// A file written before the maxima existed gets the shipped ones.
    #[serde(default)]
    pub assessment: AssessmentMaxima,
}

/// The maximum score of each of the eight points of the ex-ante assessment, in order.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct AssessmentMaxima {
    pub maxima: [Decimal; 8],
}

impl Default for AssessmentMaxima {
    /// 20 + 15 + 15 + 15 + 10 + 10 + 10 + 5 = 100, as jobs/evaluation.toml ships them.
    fn default() -> Self {
        AssessmentMaxima { maxima: [20, 15, 15, 15, 10, 10, 10, 5].map(Decimal::from) }
    }
}

#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Weights {
    pub decision: Decimal,
    pub management: Decimal,
    pub output: Decimal,
    pub sustainability: Decimal,
}

#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Grades {
    pub excellent: Decimal,
    pub good: Decimal,
    pub fair: Decimal,
}

pub const DEFAULT_EVALUATION: &str = include_str!("../../jobs/evaluation.toml");

impl EvaluationConfig {
    /// Parses and checks the file: both profiles, weights adding up to 100, grades in order.
    pub fn parse(text: &str, name: &str) -> Result<EvaluationConfig, String> {
        let config: EvaluationConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(0);
            format!("{name} line {line}: {}", e.message())
        })?;
        for profile in ["operating", "construction"] {
            let w =
                config.profiles.get(profile).ok_or_else(|| format!("{name}: the profile '{profile}' is missing"))?;
            let sum = w.decision + w.management + w.output + w.sustainability;
            if sum != Decimal::ONE_HUNDRED {
                return Err(format!("{name}: the weights of '{profile}' add up to {sum}, not 100"));
            }
        }
        let g = config.grades;
        if !(g.fair < g.good && g.good < g.excellent) {
            return Err(format!("{name}: grades must rise fair < good < excellent"));
        }
        let maxima = config.assessment.maxima;
        if let Some(i) = maxima.iter().position(|m| *m <= Decimal::ZERO) {
            return Err(format!("{name}: assessment.maxima: point {} has no positive maximum", i + 1));
        }
        let sum: Decimal = maxima.iter().sum();
        if sum != Decimal::ONE_HUNDRED {
            return Err(format!("{name}: assessment.maxima add up to {sum}, not 100"));
        }
        Ok(config)
    }

    pub fn default_config() -> EvaluationConfig {
        EvaluationConfig::parse(DEFAULT_EVALUATION, "jobs/evaluation.toml")
            .unwrap_or_else(|e| panic!("the shipped evaluation file is invalid: {e}"))
    }

    pub fn grade(&self, total: Decimal) -> Grade {
        if total >= self.grades.excellent {
            Grade::Excellent
        } else if total >= self.grades.good {
            Grade::Good
        } else if total >= self.grades.fair {
            Grade::Fair
        } else {
            Grade::Poor
        }
    }
}
