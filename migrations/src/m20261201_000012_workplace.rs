//! The dashboard as a workplace: the key of every form submitted (a form posted twice
//! records once, whichever replica each post reaches), and workbooks uploaded for a dry
//! run, kept until their confirmation (which may reach another replica).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, drop_all, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000012_workplace"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut forms = table("form_submissions");
        forms
            .col(string("form_key"))
            .col(string("form"))
            .col(string("username"))
            .col(timestamp_with_time_zone("submitted_at"));
        let mut uploads = table("pending_uploads");
        uploads
            .col(string("token"))
            .col(string("username"))
            .col(string("file_name"))
            .col(blob("content"))
            .col(timestamp_with_time_zone("uploaded_at"));
        create_all(
            manager,
            vec![forms, uploads],
            vec![index("form_submissions", &["form_key"], true), index("pending_uploads", &["token"], true)],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["form_submissions", "pending_uploads"]).await
    }
}
