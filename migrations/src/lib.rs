//! The database schema of bondwatch, one migration per file; every migration runs
//! on SQLite and on PostgreSQL.
//!
//! Conventions: money is BIGINT fen (see `bondwatch::db::money`); percents, rates and
//! other decimals are TEXT holding the exact decimal, because sea-orm reads a SQLite
//! DECIMAL as a float. Nothing in the ledger is deleted: corrections are new rows.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261128_000001_ledger;
mod m20261128_000002_targets;
mod m20261128_000003_auth;
mod m20261128_000004_monitoring;
mod m20261128_000005_digests;
mod m20261128_000006_evaluations;
mod m20261128_000007_imports;
mod m20261201_000008_adjustment_moves;
mod m20261201_000009_fact_versions;
mod m20261201_000010_job_heartbeat;
mod m20261201_000011_results;
mod m20261201_000012_workplace;
mod m20261201_000013_project_marks;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_ledger::Migration),
            Box::new(m20261128_000002_targets::Migration),
            Box::new(m20261128_000003_auth::Migration),
            Box::new(m20261128_000004_monitoring::Migration),
            Box::new(m20261128_000005_digests::Migration),
            Box::new(m20261128_000006_evaluations::Migration),
            Box::new(m20261128_000007_imports::Migration),
            Box::new(m20261201_000008_adjustment_moves::Migration),
            Box::new(m20261201_000009_fact_versions::Migration),
            Box::new(m20261201_000010_job_heartbeat::Migration),
            Box::new(m20261201_000011_results::Migration),
            Box::new(m20261201_000012_workplace::Migration),
            Box::new(m20261201_000013_project_marks::Migration),
        ]
    }
}
