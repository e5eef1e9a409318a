//! bondwatch: follows special-purpose bond projects (专项债项目) through borrowing,
//! use, management and repayment (借、用、管、还).

pub mod api;
pub mod auth;
pub mod base;
pub mod clock;
pub mod codes;
pub mod config;
mod ctx;
pub mod db;
pub mod debt;
pub mod demo;
pub mod digest;
pub mod error;
pub mod evaluation;
pub mod facts;
pub mod figures;
#[cfg(test)]
mod fixtures;
pub mod jobs;
pub mod ledger;
pub mod monitoring;
pub mod performance;
pub mod reports;
pub mod results;
pub mod spreadsheets;
pub mod synthetic;
pub mod targets;

pub use ctx::Ctx;
