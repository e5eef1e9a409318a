//! What the sweep knows of each project since it last looked (issue #19): a count of
//! the changes recorded to its facts, the count its last evaluation saw, that
//! evaluation's as-of date and rules, and the next date on which time alone could
//! change a rule's result. A project with no row has never been evaluated.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000013_project_marks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let marks = Table::create()
            .table("project_marks")
            .if_not_exists()
            .col(big_integer("project_id").primary_key())
            .col(big_integer("changes").default(0))
            .col(big_integer_null("evaluated"))
            .col(date_null("evaluated_on"))
            .col(string_null("rules"))
            .col(date_null("next_due"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_project_marks_project_id")
                    .from("project_marks", "project_id")
                    .to("projects", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .to_owned();
        manager.create_table(marks).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("project_marks").if_exists().to_owned()).await
    }
}
