//! Alerts with their lifecycle history, and the claims of scheduled job runs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{create_all, drop_all, fk, index, table};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000004_monitoring"
    }
}

const TABLES: &[&str] = &["alerts", "alert_events", "job_runs"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut alerts = table("alerts");
        alerts.col(string("rule")).col(string("dimension")).col(string("stage")).col(string("severity"));
        fk(&mut alerts, "alerts", "project_id", "projects", true);
        fk(&mut alerts, "alerts", "bond_id", "bonds", true);
        fk(&mut alerts, "alerts", "department_id", "departments", true);
        fk(&mut alerts, "alerts", "indicator_id", "indicators", true);
        alerts
            .col(string("subject_key"))
            // Set while the alert is not resolved: unique, so one open alert per rule and subject.
            .col(string_null("open_key"))
            .col(text("message"))
            .col(text_null("measured"))
            .col(text_null("threshold"))
            .col(text("evidence"))
            .col(string("status"))
            .col(timestamp_with_time_zone("first_seen_at"))
            .col(timestamp_with_time_zone("last_seen_at"))
            .col(timestamp_with_time_zone_null("resolved_at"))
            .col(text_null("note"));

        let mut events = table("alert_events");
        fk(&mut events, "alert_events", "alert_id", "alerts", false);
        events
            .col(timestamp_with_time_zone("at"))
            .col(string("event"))
            .col(text("username"))
            .col(string_null("severity"))
            .col(text_null("note"));

        let runs = table("job_runs")
            .col(string("job"))
            .col(timestamp_with_time_zone("scheduled_for"))
            .col(timestamp_with_time_zone_null("started_at"))
            .col(timestamp_with_time_zone_null("finished_at"))
            .col(string("status"))
            .col(text_null("detail"))
            .col(text("claimed_by"))
            .to_owned();

        create_all(
            manager,
            vec![alerts, events, runs],
            vec![
                index("alerts", &["open_key"], true),
                index("alerts", &["project_id", "status"], false),
                index("alerts", &["status", "severity"], false),
                index("alert_events", &["alert_id"], false),
                index("job_runs", &["job", "scheduled_for"], true),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, TABLES).await
    }
}
