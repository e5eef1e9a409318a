//! "As known at a time" (domain.md §4): what is replaced or updated in place keeps its
//! history. A project's facts, its spending plan and its revenue forecast each get a
//! version row per change, with the time it was recorded and the time it stopped
//! being current; a target's approval gets the time it was recorded.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, fk, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000009_fact_versions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut versions = table("fact_versions");
        fk(&mut versions, "fact_versions", "project_id", "projects", false);
        versions
            .col(string("kind"))
            .col(text("body"))
            .col(timestamp_with_time_zone("recorded_at"))
            .col(timestamp_with_time_zone_null("superseded_at"));
        create_all(manager, vec![versions], vec![index("fact_versions", &["project_id", "kind"], false)]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("performance_targets")
                    .add_column(timestamp_with_time_zone_null("approved_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("performance_targets").drop_column("approved_at").to_owned()).await?;
        manager.drop_table(Table::drop().table("fact_versions").if_exists().to_owned()).await
    }
}
