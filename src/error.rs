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
    /// Several problems of one input found in one pass (an import row reports them all
    /// at once); never empty, never nested. Code and field are those of the first.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(";"))]
    Several(Vec<Error>),
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

    /// Every problem collected, as one error: the one itself when there is one, `None`
    /// when there is none.
    pub fn several(errors: Vec<Error>) -> Option<Error> {
        let mut flat: Vec<Error> = errors.into_iter().flat_map(Error::into_each).collect();
        match flat.len() {
            0 => None,
            1 => flat.pop(),
            _ => Some(Error::Several(flat)),
        }
    }

    /// The problems one by one (a single error is one).
    pub fn into_each(self) -> Vec<Error> {
        match self {
            Error::Several(all) => all,
            one => vec![one],
        }
    }

    /// The machine-readable code the API reports (`extensions.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Several(all) => all.first().map_or("VALIDATION", Error::code),
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
            Error::Several(all) => all.first().and_then(Error::field),
            Error::Validation { field, .. } | Error::NotFound { field, .. } => Some(field),
            Error::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

/// Collects the problems of one input instead of stopping at the first.
#[derive(Default)]
pub struct Problems(Vec<Error>);

impl Problems {
    /// The value, or `None` with its error noted.
    pub fn take<T>(&mut self, result: Result<T>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    pub fn push(&mut self, error: Error) {
        self.0.push(error);
    }

    /// `Ok` when nothing was noted, else every problem as one error.
    pub fn finish(self) -> Result<()> {
        Error::several(self.0).map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn several_problems_keep_each_and_the_first_code() {
        let all = Error::several(vec![
            Error::validation("input.category", "类别不对"),
            Error::several(vec![Error::validation("input.revenueEnd", "收益期止早于收益期起")]).unwrap(),
        ])
        .unwrap();
        assert_eq!((all.code(), all.field()), ("VALIDATION", Some("input.category")));
        assert_eq!(all.to_string(), "类别不对;收益期止早于收益期起");
        assert_eq!(all.into_each().len(), 2);
        assert!(Error::several(Vec::new()).is_none());
    }
}
