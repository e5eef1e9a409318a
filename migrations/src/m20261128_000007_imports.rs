//! Workbook imports: the key of every row (or group of rows) an import wrote, so that
//! importing the same file again writes nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, drop_all, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000007_imports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut imported = table("imported_rows");
        imported.col(string("row_key")).col(string("sheet")).col(timestamp_with_time_zone("imported_at"));
        create_all(manager, vec![imported], vec![index("imported_rows", &["row_key"], true)]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["imported_rows"]).await
    }
}
