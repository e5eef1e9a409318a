//! Users, sessions and the audit trail.

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::{load_one, loaders};
use crate::api::error::GqlResult;
use crate::api::scalars::DateTimeScalar;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::auth::Role")]
pub enum Role {
    Admin,
    Reporter,
    Researcher,
    Manager,
}

/// A user as the API shows it (never the password).
pub struct User {
    pub username: String,
    pub role: crate::auth::Role,
    pub department_id: Option<i64>,
    pub email: Option<String>,
}

#[Object]
impl User {
    async fn username(&self) -> &str {
        &self.username
    }
    async fn role(&self) -> Role {
        self.role.into()
    }
    async fn department_code(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        match self.department_id {
            Some(id) => Ok(Some(load_one(&loaders(ctx).department, id).await?.code)),
            None => Ok(None),
        }
    }
    async fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
}

#[derive(SimpleObject)]
pub struct Session {
    /// Send it as `Authorization: Bearer …`; a browser gets it as a cookie too.
    pub token: String,
    pub user: User,
    pub expires_at: Option<DateTimeScalar>,
}

pub struct AuditEntry(pub crate::auth::entities::audit_entry::Model);

#[Object]
impl AuditEntry {
    async fn at(&self) -> DateTimeScalar {
        DateTimeScalar(self.0.at)
    }
    async fn username(&self) -> &str {
        &self.0.username
    }
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// The values before the change, as JSON.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }
    /// The values after the change, as JSON.
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }
}
