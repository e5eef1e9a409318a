//! Ex-ante assessments (事前绩效评估) and their eight points.

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
