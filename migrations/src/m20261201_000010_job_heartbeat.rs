//! A running job beats while it runs: a run whose beat stopped (its replica died) is
//! taken over after a short lease, instead of blocking the job for hours.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000010_job_heartbeat"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table("job_runs").add_column(timestamp_with_time_zone_null("heartbeat_at")).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("job_runs").drop_column("heartbeat_at").to_owned()).await
    }
}
