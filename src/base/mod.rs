//! What every domain module stands on and nothing of theirs: the caller and its role,
//! the checks applied to input, the audit trail, the login rate limit, the tokens remembered and each project's count of changes. It imports
//! only `db` and `error`, so the ledger, auth and monitoring can all use it without
//! importing each other.

pub mod audit;
pub mod caller;
pub mod limiter;
pub mod marks;
pub mod remembered;
pub mod validate;

pub use caller::{Caller, Role};
