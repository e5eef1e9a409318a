//! Who is calling, logging in, and the audit trail.

use async_graphql::{Context, InputObject, Object};

use crate::api::error::{GqlResult, IntoGql};
use crate::api::paging::{Connection, after_id, page_size};
use crate::api::scalars::DateTimeScalar;
use crate::api::types::{AuditEntry, Session, User, app};

#[derive(InputObject, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub operation: Option<String>,
    pub from: Option<DateTimeScalar>,
    pub to: Option<DateTimeScalar>,
}

#[derive(Default)]
pub struct AuthQuery;

#[Object(name = "AuthQuery")]
impl AuthQuery {
    /// Who is calling.
    async fn me(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        let Some(caller) = ctx.data_opt::<crate::auth::Caller>() else {
            return Ok(None);
        };
        let user = crate::auth::user_by_name(&app(ctx).db, &caller.username).await.gql()?;
        Ok(Some(User {
            username: caller.username.clone(),
            role: caller.role,
            department_id: caller.department_id,
            email: user.and_then(|u| u.email),
        }))
    }

    /// ADMIN only.
    /// Complexity grows with the page asked for.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilter>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<AuditEntry>> {
        let first = page_size(first, 50)?;
        let after = after_id(after)?;
        let f = filter.unwrap_or_default();
        let filter = crate::auth::audit::AuditFilter {
            username: f.username,
            operation: f.operation,
            from: f.from.map(|d| d.0),
            to: f.to.map(|d| d.0),
        };
        let page = crate::auth::audit::list(&app(ctx).db, &filter, first, after).await.gql()?;
        Ok(Connection::page(page, |e| e.id.to_string(), AuditEntry))
    }
}

#[derive(Default)]
pub struct AuthMutation;

#[Object(name = "AuthMutation")]
impl AuthMutation {
    /// Opens a session: the token, and an HttpOnly session cookie for browsers.
    async fn login(&self, ctx: &Context<'_>, username: String, password: String) -> GqlResult<Session> {
        let app = app(ctx);
        let address = ctx.data_opt::<crate::api::ClientAddress>().map(|a| a.0.as_str()).unwrap_or("unknown");
        let session = crate::auth::login(app, &username, &password, address).await.gql()?;
        ctx.append_http_header("Set-Cookie", crate::api::session_cookie(&app.settings.auth, &session.token));
        Ok(Session {
            token: session.token,
            user: User {
                username: session.user.username.clone(),
                role: crate::auth::Role::parse(&session.user.role).unwrap_or(crate::auth::Role::Researcher),
                department_id: session.user.department_id,
                email: session.user.email.clone(),
            },
            expires_at: session.expires_at.map(DateTimeScalar),
        })
    }
}
