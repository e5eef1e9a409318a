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

/// The one mapping from an error's code to an HTTP status: the API's own refusals, the
/// exports, the reports and the dashboard's pages all answer with it.
pub fn status_of(code: &str) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    match code {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "VALIDATION" => StatusCode::BAD_REQUEST,
        "CONFLICT" => StatusCode::CONFLICT,
        "LIMIT_EXCEEDED" => StatusCode::TOO_MANY_REQUESTS,
        "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error as a plain HTTP answer (a file that could not be made): its status and its
/// message; an internal failure is logged in full and answered only with `what` failed.
pub fn http_error(e: &Error, what: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = status_of(e.code());
    match e {
        Error::Database(_) | Error::Internal(_) => {
            tracing::error!(error = %e, "{what}");
            (status, format!("{what}:内部错误,请稍后再试")).into_response()
        }
        other => (status, other.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_status_and_an_internal_fault_hides_its_detail() {
        use axum::http::StatusCode;
        assert_eq!(status_of(Error::validation("year", "x").code()), StatusCode::BAD_REQUEST);
        assert_eq!(status_of(Error::not_found("code", "x").code()), StatusCode::NOT_FOUND);
        assert_eq!(status_of(Error::conflict(None, "x".to_string()).code()), StatusCode::CONFLICT);
        assert_eq!(status_of(Error::Forbidden("x".into()).code()), StatusCode::FORBIDDEN);
        assert_eq!(status_of(Error::Unavailable("x".into()).code()), StatusCode::SERVICE_UNAVAILABLE);
        // A database fault is a 500, not the 404 a failed lookup used to become.
        let db = Error::Database(sea_orm::DbErr::Custom("connection reset".into()));
        let response = http_error(&db, "报告生成失败");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
