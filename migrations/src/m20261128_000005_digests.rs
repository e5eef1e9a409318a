//! Digest subscriptions and the outbox of digests to deliver.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, drop_all, fk, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000005_digests"
    }
}

const TABLES: &[&str] = &["digest_subscriptions", "digest_outbox"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut subs = table("digest_subscriptions");
        subs.col(text("recipient"))
            .col(text("email"))
            .col(text("department_codes"))
            .col(string("min_severity"))
            .col(string("job"))
            .col(boolean("paused"))
            .col(boolean("send_empty"))
            .col(boolean("active"));
        fk(&mut subs, "digest_subscriptions", "user_id", "users", true);
        subs.col(timestamp_with_time_zone("created_at"));

        let mut outbox = table("digest_outbox");
        fk(&mut outbox, "digest_outbox", "subscription_id", "digest_subscriptions", false);
        outbox
            .col(string("period"))
            .col(string("message_id"))
            .col(text("subject"))
            .col(text("text_body"))
            .col(text("html_body"))
            .col(string("status"))
            .col(integer("attempts"))
            .col(text_null("last_error"))
            .col(timestamp_with_time_zone("next_attempt_at"))
            .col(timestamp_with_time_zone_null("lease_until"))
            .col(timestamp_with_time_zone_null("sent_at"))
            .col(timestamp_with_time_zone("created_at"));

        create_all(
            manager,
            vec![subs, outbox],
            vec![
                index("digest_outbox", &["subscription_id", "period"], true),
                index("digest_outbox", &["status"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, TABLES).await
    }
}
