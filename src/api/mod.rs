//! The edge: GraphQL (schema, types, loaders, error mapping) and HTTP (router,
//! pages). Everything here is a thin call into the domain modules.

pub mod error;
mod graphiql;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod scalars;
pub mod types;

use async_graphql::{EmptySubscription, Schema};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

use crate::Ctx;
use loaders::Loaders;

pub type BondwatchSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// Largest accepted request body: a department's tables fit many times over.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The schema, with the limits every request runs under.
pub fn schema(ctx: Ctx) -> BondwatchSchema {
    Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        .data(ctx)
        .limit_depth(12)
        .limit_complexity(20_000)
        .finish()
}

/// The schema's SDL, as served at `/schema.graphql` and kept in `schema.graphql`.
pub fn sdl() -> String {
    // The SDL does not depend on the data; a schema without data prints the same.
    Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        .finish()
        .sdl()
}

#[derive(Clone)]
struct AppState {
    schema: BondwatchSchema,
    ctx: Ctx,
}

async fn graphql(State(state): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    let loaders = Loaders::new(&state.ctx);
    state
        .schema
        .execute(request.into_inner().data(loaders))
        .await
        .into()
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.ctx.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "database unreachable"})),
            )
        }
    }
}

async fn schema_sdl() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], sdl())
}

pub fn router(ctx: Ctx) -> Router {
    let state = AppState {
        schema: schema(ctx.clone()),
        ctx,
    };
    Router::new()
        .route("/graphql", axum::routing::post(graphql))
        .route("/healthz", get(healthz))
        .route("/schema.graphql", get(schema_sdl))
        .merge(graphiql::routes())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
