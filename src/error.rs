//! The error policy of bondwatch.
//!
//! Domain code returns [`Error`]. Its variants are the answers a caller can act on:
//! `Validation` (malformed or impossible input, with the field named), `NotFound`
//! (a code or id that does not exist), `Conflict` (the input is fine but the state
//! refuses it: duplicate code, stale version, reused idempotency key). Anything else
//! is `Database`/`Internal`: logged in full, shown to the caller only as a short
//! message. The one mapping to GraphQL extensions (`code`, `field`) lives in `api/`.
//! Messages are written for a clerk of the debt office: they say what is wrong and
//! what would be right.

use sea_orm::DbErr;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{message}")]
    NotFound { field: String, message: String },
    #[error("{message}")]
    Conflict { field: Option<String>, message: String },
    /// No valid credentials: log in, or send a token.
    #[error("{0}")]
    Unauthenticated(String),
    /// Known caller, not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// A configured limit was reached; the message names it.
    #[error("{message}")]
    Limited { limit: &'static str, message: String },
    /// Something the machine lacks (a font, a service); the message says what to install.
    #[error("{0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation { field: field.into(), message: message.into() }
    }

    pub fn not_found(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::NotFound { field: field.into(), message: message.into() }
    }

    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> Self {
        Error::Conflict { field: field.map(str::to_string), message: message.into() }
    }

    /// The machine-readable code the API reports (`extensions.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation { .. } => "VALIDATION",
            Error::NotFound { .. } => "NOT_FOUND",
            Error::Conflict { .. } => "CONFLICT",
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::Limited { .. } => "LIMIT_EXCEEDED",
            Error::Unavailable(_) => "UNAVAILABLE",
            Error::Database(_) | Error::Internal(_) => "INTERNAL",
        }
    }

    /// The input field the error is about, when there is one (`extensions.field`).
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } | Error::NotFound { field, .. } => Some(field),
            Error::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}
