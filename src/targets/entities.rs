//! Performance targets (绩效目标), their indicators and actuals.

pub mod performance_target {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "performance_targets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: Option<i64>,
        pub department_id: Option<i64>,
        /// `LONG_TERM` or `ANNUAL`.
        pub scope: String,
        pub year: Option<i32>,
        pub description: String,
        pub approved_on: Option<Date>,
        /// When the approval was recorded: a replay as known before it sees none.
        pub approved_at: Option<DateTimeUtc>,
        pub declared_at: DateTimeUtc,
        /// Set when a later declaration for the same owner, scope and year replaced it.
        pub superseded_at: Option<DateTimeUtc>,
    }
    crate::plain_entity!();
}

pub mod indicator {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "indicators")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub target_id: i64,
        pub position: i32,
        pub level1: String,
        pub level2: String,
        pub name: String,
        pub target_text: String,
        pub basis: Option<String>,
        /// JSON array of the two previous years' values (前年, 上年) as written.
        pub history: String,
    }
    crate::plain_entity!();
}

pub mod indicator_actual {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "indicator_actuals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub indicator_id: i64,
        pub period: String,
        pub value: String,
        pub judgement: Option<String>,
        pub recorded_on: Date,
        pub recorded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}
