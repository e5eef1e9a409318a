//! The one mapping from domain errors to GraphQL errors: the message in words a
//! clerk understands, `extensions.code` and, where there is one, `extensions.field`.
//! Internal failures are logged in full and shown only as a short message.

use async_graphql::ErrorExtensions;

use crate::error::Error;

impl ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        let message = match self {
            Error::Database(e) => {
                tracing::error!(error = %e, "database error");
                "the database could not complete the request; nothing was written".to_string()
            }
            Error::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                "an internal error occurred; nothing was written".to_string()
            }
            other => other.to_string(),
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let Some(field) = self.field() {
                ext.set("field", field);
            }
            if let Error::Limited { limit, .. } = self {
                ext.set("limit", *limit);
            }
            // Every problem of the input, each with its field.
            if let Error::Several(all) = self {
                let each: Vec<serde_json::Value> = all
                    .iter()
                    .map(|e| serde_json::json!({ "message": e.to_string(), "code": e.code(), "field": e.field() }))
                    .collect();
                if let Ok(list) = async_graphql::Value::from_json(serde_json::Value::Array(each)) {
                    ext.set("problems", list);
                }
            }
        })
    }
}

/// Resolver results: domain errors become extended GraphQL errors.
pub type GqlResult<T> = async_graphql::Result<T>;

pub trait IntoGql<T> {
    fn gql(self) -> GqlResult<T>;
}

impl<T> IntoGql<T> for Result<T, Error> {
    fn gql(self) -> GqlResult<T> {
        self.map_err(|e| e.extend())
    }
}
