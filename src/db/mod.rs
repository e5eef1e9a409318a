//! Connections (SQLite or PostgreSQL), write transactions and the migrations runner.

#[macro_use]
mod entity_macro;
pub mod money;
pub mod once;
pub mod values;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

pub use money::Money;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://bondwatch.db?mode=rwc";

/// Opens a pool. SQLite gets WAL, a 5 s busy timeout and enforced foreign keys;
/// PostgreSQL may be pointed at one schema (tests give each its own). With
/// `BONDWATCH_LOG_SQL` set, every statement is logged (target `bondwatch::sql`).
pub async fn connect(url: &str, schema: Option<&str>) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_string());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).map_sqlx_sqlite_opts(|o| {
        o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .create_if_missing(true)
    });
    if url.starts_with("sqlite:") {
        options.max_connections(8);
    } else {
        options.max_connections(16);
    }
    if let Some(schema) = schema {
        options.set_schema_search_path(schema.to_string());
    }
    let mut conn = Database::connect(options).await?;
    // For the benchmarks' statements-per-request figure, and for debugging.
    if std::env::var_os("BONDWATCH_LOG_SQL").is_some() {
        conn.set_metric_callback(|info| {
            tracing::info!(target: "bondwatch::sql", micros = info.elapsed.as_micros() as u64, "{}", info.statement);
        });
    }
    Ok(conn)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let pending = Migrator::get_pending_migrations(db).await?;
    if pending.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = pending.iter().map(|m| m.name()).collect();
    tracing::info!("applying {} migration(s): {}", names.len(), names.join(", "));
    Migrator::up(db, None).await
}

/// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so two writers
/// queue on the busy timeout instead of failing to upgrade a read lock.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let mut options = TransactionOptions::default();
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        options.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
    }
    db.begin_with_options(options).await
}

/// A unique constraint as the migrations make it: on `table`'s `columns`. A refused
/// write is matched to the constraint it ran into by name, never by guessing: a
/// different unique violation stays a database error, not a conflict on this field.
#[derive(Clone, Copy, Debug)]
pub struct Unique {
    pub table: &'static str,
    pub columns: &'static [&'static str],
}

impl Unique {
    pub const fn on(table: &'static str, columns: &'static [&'static str]) -> Unique {
        Unique { table, columns }
    }

    /// Did `err` run into this constraint?
    pub fn refused(&self, err: &DbErr) -> bool {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(message)) => self.named_in(&message),
            _ => false,
        }
    }

    /// PostgreSQL names the constraint: `ux_<table>_<columns>` for an index of the
    /// migrations, `<table>_<column>_key` for a column's own. SQLite lists its columns
    /// (`UNIQUE constraint failed: <table>.<column>, …`).
    fn named_in(&self, message: &str) -> bool {
        let joined = self.columns.join("_");
        let index = format!("\"ux_{}_{joined}\"", self.table);
        let column = format!("\"{}_{joined}_key\"", self.table);
        let listed: Vec<String> = self.columns.iter().map(|c| format!("{}.{c}", self.table)).collect();
        let sqlite = format!("UNIQUE constraint failed: {}", listed.join(", "));
        message.contains(&index)
            || (self.columns.len() == 1 && message.contains(&column))
            || message.trim_end().ends_with(&sqlite)
            || message.contains(&format!("{sqlite} "))
    }
}

/// A change keyed by an idempotency key lost the race to a concurrent request with the
/// same key: the key's unique index refused it. Run once more, it finds that record (or
/// answers `CONFLICT` when the content differs).
pub fn lost_key_race<T>(result: &crate::error::Result<T>, key: Option<Unique>) -> bool {
    matches!((result, key), (Err(crate::error::Error::Database(e)), Some(k)) if k.refused(e))
}

/// Runs `work` in a write transaction: committed when it succeeds, rolled back when
/// it fails. Services are written against a transaction so that an import can run
/// many of them in one.
pub async fn in_write<T>(
    db: &DatabaseConnection,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> crate::error::Result<T>,
) -> crate::error::Result<T> {
    let txn = begin_write(db).await?;
    let out = work(&txn).await?;
    txn.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod unique_tests {
    use super::Unique;

    #[test]
    fn a_refusal_is_matched_to_its_constraint_by_name_on_both_databases() {
        let code = Unique::on("projects", &["code"]);
        // PostgreSQL, a column's own constraint and an index of the migrations.
        assert!(code.named_in("duplicate key value violates unique constraint \"projects_code_key\""));
        let key = Unique::on("disbursements", &["idempotency_key"]);
        assert!(key.named_in("duplicate key value violates unique constraint \"ux_disbursements_idempotency_key\""));
        assert!(!key.named_in("duplicate key value violates unique constraint \"ux_disbursements_reversal_of\""));
        // SQLite lists the columns.
        assert!(code.named_in("UNIQUE constraint failed: projects.code"));
        assert!(!code.named_in("UNIQUE constraint failed: projects.code_name"));
        let pair = Unique::on("allocations", &["bond_id", "project_id"]);
        assert!(pair.named_in("UNIQUE constraint failed: allocations.bond_id, allocations.project_id"));
        assert!(
            !Unique::on("allocations", &["bond_id"])
                .named_in("UNIQUE constraint failed: allocations.bond_id, allocations.project_id")
        );
    }
}
