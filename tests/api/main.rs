//! One integration-test binary: the real router on a loopback port, over SQLite by
//! default or PostgreSQL when BONDWATCH_TEST_DATABASE_URL is set (`.ci/run` does both).

mod access;
mod browser;
mod cli;
mod dashboard;
mod debt;
mod demo_indicators;
mod digest;
mod evaluation;
mod figures;
mod fuzz;
mod helpers;
mod imports;
mod incremental;
mod ledger;
mod money;
mod monitoring;
mod positions;
mod queries;
mod replica;
mod reports;
mod results;
mod snapshots;
mod spreadsheets;
mod structure;
mod validation;
mod workplace;
