//! Users, their tokens (stored hashed) and the audit trail.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, drop_all, fk, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000003_auth"
    }
}

const TABLES: &[&str] = &["users", "api_tokens", "audit_log"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut users = table("users");
        users.col(string_uniq("username")).col(text_null("password_hash")).col(string("role"));
        fk(&mut users, "users", "department_id", "departments", true);
        users.col(text_null("email")).col(timestamp_with_time_zone("created_at"));

        let mut tokens = table("api_tokens");
        fk(&mut tokens, "api_tokens", "user_id", "users", false);
        tokens
            .col(string_uniq("token_hash"))
            .col(string("kind"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("expires_at"))
            .col(timestamp_with_time_zone_null("revoked_at"));

        let audit = table("audit_log")
            .col(timestamp_with_time_zone("at"))
            .col(text("username"))
            .col(string("operation"))
            .col(text_null("subject"))
            .col(text_null("before"))
            .col(text_null("after"))
            .to_owned();

        create_all(
            manager,
            vec![users, tokens, audit],
            vec![
                index("api_tokens", &["user_id"], false),
                index("audit_log", &["at"], false),
                index("audit_log", &["username"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, TABLES).await
    }
}
