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

/// Runs `work` in a write transaction: committed when it succeeds, rolled back when
/// it fails. Services are written against a transaction so that an import can run
/// many of them in one.
/// A unique constraint refused the row, as the driver reports it (not by its text).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// A change keyed by an idempotency key lost the race to a concurrent request with the
/// same key: the unique index refused it. Run once more, it finds that record (or
/// answers `CONFLICT` when the content differs).
pub fn lost_key_race<T>(result: &crate::error::Result<T>, keyed: bool) -> bool {
    matches!(result, Err(crate::error::Error::Database(e)) if keyed && is_unique_violation(e))
}

pub async fn in_write<T>(
    db: &DatabaseConnection,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> crate::error::Result<T>,
) -> crate::error::Result<T> {
    let txn = begin_write(db).await?;
    let out = work(&txn).await?;
    txn.commit().await?;
    Ok(out)
}
