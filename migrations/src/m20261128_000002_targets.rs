//! Performance targets with three-level indicators and their actuals; ex-ante
//! assessments with their eight points.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, drop_all, fk, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000002_targets"
    }
}

const TABLES: &[&str] = &["performance_targets", "indicators", "indicator_actuals", "assessments", "assessment_points"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut targets = table("performance_targets");
        fk(&mut targets, "performance_targets", "project_id", "projects", true);
        fk(&mut targets, "performance_targets", "department_id", "departments", true);
        targets
            .col(string("scope"))
            .col(integer_null("year"))
            .col(text("description"))
            .col(date_null("approved_on"))
            .col(timestamp_with_time_zone("declared_at"))
            .col(timestamp_with_time_zone_null("superseded_at"));

        let mut indicators = table("indicators");
        fk(&mut indicators, "indicators", "target_id", "performance_targets", false);
        indicators
            .col(integer("position"))
            .col(text("level1"))
            .col(text("level2"))
            .col(text("name"))
            .col(text("target_text"))
            .col(text_null("basis"))
            .col(text("history"));

        let mut actuals = table("indicator_actuals");
        fk(&mut actuals, "indicator_actuals", "indicator_id", "indicators", false);
        actuals
            .col(string("period"))
            .col(text("value"))
            .col(string_null("judgement"))
            .col(date("recorded_on"))
            .col(timestamp_with_time_zone("recorded_at"));

        let mut assessments = table("assessments");
        fk(&mut assessments, "assessments", "project_id", "projects", false);
        assessments.col(date("submitted_on")).col(string("conclusion")).col(timestamp_with_time_zone("recorded_at"));

        let mut points = table("assessment_points");
        fk(&mut points, "assessment_points", "assessment_id", "assessments", false);
        points.col(integer("point")).col(string_null("score")).col(text_null("comment"));

        create_all(
            manager,
            vec![targets, indicators, actuals, assessments, points],
            vec![
                index("performance_targets", &["project_id"], false),
                index("performance_targets", &["department_id"], false),
                index("indicators", &["target_id"], false),
                index("indicator_actuals", &["indicator_id"], false),
                index("assessments", &["project_id"], false),
                index("assessment_points", &["assessment_id", "point"], true),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, TABLES).await
    }
}
