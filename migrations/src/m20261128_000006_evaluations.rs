//! Performance evaluations (绩效评价): one result per project and year, recomputed in place.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, drop_all, fk, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000006_evaluations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut evaluations = table("evaluations");
        fk(&mut evaluations, "evaluations", "project_id", "projects", false);
        evaluations
            .col(integer("year"))
            .col(string("total_score"))
            .col(string("grade"))
            .col(string("profile"))
            .col(text("detail"))
            .col(timestamp_with_time_zone("computed_at"));
        create_all(manager, vec![evaluations], vec![index("evaluations", &["project_id", "year"], true)]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["evaluations"]).await
    }
}
