//! Use adjustments record the money that moved with them (domain.md §2: money moves
//! only if it exists), split by where it was held: the treasury or the project unit.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000008_adjustment_moves"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One change per ALTER TABLE: SQLite takes no more.
        for column in ["moved_from_treasury", "moved_from_unit"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("use_adjustments")
                        .add_column(ColumnDef::new(column).big_integer().not_null().default(0))
                        .to_owned(),
                )
                .await?;
        }
        // Adjustments recorded before this moved their whole amount as received money:
        // keep what they meant then.
        manager.get_connection().execute_unprepared("UPDATE use_adjustments SET moved_from_treasury = amount").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["moved_from_unit", "moved_from_treasury"] {
            manager.alter_table(Table::alter().table("use_adjustments").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
