//! The performance records as stored (绩效): ex-ante assessments and their points, the
//! office's evaluations, the units' self-evaluations, rectifications and their steps.
//! The facts, the rules, the evaluation and results application all read them, so they
//! live below all four; and so do the two readings of them the rules share.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codes::RectificationStatus;
use crate::db::values::stored_decimal;

pub mod assessment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "assessments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub submitted_on: Date,
        pub conclusion: String,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod assessment_point {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "assessment_points")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub assessment_id: i64,
        pub point: i32,
        pub score: Option<String>,
        pub comment: Option<String>,
    }
    crate::plain_entity!();
}

pub mod stored {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "evaluations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub year: i32,
        pub total_score: String,
        pub grade: String,
        pub profile: String,
        /// The dimensions and items as JSON (`crate::evaluation::StoredDetail`).
        pub detail: String,
        pub computed_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod self_evaluation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "self_evaluations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub year: i32,
        pub total_score: String,
        pub budget_execution_score: Option<String>,
        pub output_score: Option<String>,
        pub benefit_score: Option<String>,
        pub satisfaction_score: Option<String>,
        pub note: Option<String>,
        pub submitted_on: Date,
        pub submitted_by: String,
        pub recorded_at: DateTimeUtc,
        /// Replaced by a later submission for the same project and year.
        pub superseded_at: Option<DateTimeUtc>,
    }
    crate::plain_entity!();
}

pub mod rectification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "rectifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub year: Option<i32>,
        pub source: String,
        pub alert_id: Option<i64>,
        pub issue: String,
        pub requirement: String,
        pub opened_on: Date,
        pub due_on: Date,
        pub status: String,
        pub response: Option<String>,
        pub submitted_on: Option<Date>,
        pub review_note: Option<String>,
        pub accepted_on: Option<Date>,
        pub opened_by: String,
        pub evaluation_key: Option<String>,
        pub created_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod rectification_step {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "rectification_steps")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub rectification_id: i64,
        /// OPENED, SUBMITTED, ACCEPTED or RETURNED.
        pub step: String,
        pub on_date: Date,
        pub by_user: String,
        pub body: Option<String>,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

/// self − evaluated, in points (signed).
pub fn deviation(own: &self_evaluation::Model, evaluated: &stored::Model) -> Decimal {
    stored_decimal(&own.total_score) - stored_decimal(&evaluated.total_score)
}

/// Days late (domain.md §9): from the due date to the submission then accepted or
/// awaiting review, or to `today` while there is none (open, or returned); 0 in time.
pub fn overdue_days(r: &rectification::Model, today: NaiveDate) -> i64 {
    let until = match RectificationStatus::parse(&r.status) {
        Some(RectificationStatus::Submitted | RectificationStatus::Accepted) => r.submitted_on.unwrap_or(today),
        _ => today,
    };
    (until - r.due_on).num_days().max(0)
}
