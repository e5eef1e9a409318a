//! Results application (domain.md §9): self-evaluations (a second replaces the first,
//! which is kept), rectifications and their steps.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, fk, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000011_results"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut selfs = table("self_evaluations");
        fk(&mut selfs, "self_evaluations", "project_id", "projects", false);
        selfs
            .col(integer("year"))
            .col(string("total_score"))
            .col(string_null("budget_execution_score"))
            .col(string_null("output_score"))
            .col(string_null("benefit_score"))
            .col(string_null("satisfaction_score"))
            .col(text_null("note"))
            .col(date("submitted_on"))
            .col(string("submitted_by"))
            .col(timestamp_with_time_zone("recorded_at"))
            .col(timestamp_with_time_zone_null("superseded_at"));
        let mut rects = table("rectifications");
        fk(&mut rects, "rectifications", "project_id", "projects", false);
        fk(&mut rects, "rectifications", "alert_id", "alerts", true);
        rects
            .col(integer_null("year"))
            .col(string("source"))
            .col(text("issue"))
            .col(text("requirement"))
            .col(date("opened_on"))
            .col(date("due_on"))
            .col(string("status"))
            .col(text_null("response"))
            .col(date_null("submitted_on"))
            .col(text_null("review_note"))
            .col(date_null("accepted_on"))
            .col(string("opened_by"))
            // `p{project}:{year}` for the one an evaluation graded 差 opens: stored twice,
            // it opens one.
            .col(string_null("evaluation_key"))
            .col(timestamp_with_time_zone("created_at"));
        let mut steps = table("rectification_steps");
        fk(&mut steps, "rectification_steps", "rectification_id", "rectifications", false);
        steps
            .col(string("step"))
            .col(date("on_date"))
            .col(string("by_user"))
            .col(text_null("body"))
            .col(timestamp_with_time_zone("recorded_at"));
        create_all(
            manager,
            vec![selfs, rects, steps],
            vec![
                index("self_evaluations", &["project_id", "year"], false),
                index("rectifications", &["project_id"], false),
                index("rectifications", &["evaluation_key"], true),
                index("rectification_steps", &["rectification_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["rectification_steps", "rectifications", "self_evaluations"] {
            manager.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
