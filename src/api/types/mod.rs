//! The contract's object types over the ledger's rows, one module per domain, all
//! re-exported here. Resolvers only read through the request's loaders; no resolver
//! writes or runs its own SQL.

mod auth;
mod debt;
mod digest;
mod evaluation;
mod figures;
mod import;
mod ledger;
mod monitoring;
mod portfolio;
mod projects;
mod records;
mod results;
mod targets;

pub use auth::*;
pub use debt::*;
pub use digest::*;
pub use evaluation::*;
pub use figures::*;
pub use import::*;
pub use ledger::*;
pub use monitoring::*;
pub use portfolio::*;
pub use projects::*;
pub use records::*;
pub use results::*;
pub use targets::*;

use async_graphql::Context;

use super::error::{GqlResult, IntoGql};
use super::loaders::{Loaders, load_err};
use crate::Ctx;
use crate::auth::Caller;
use crate::error::Error;

pub fn loaders<'a>(ctx: &'a Context<'_>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

pub fn app<'a>(ctx: &'a Context<'_>) -> &'a Ctx {
    ctx.data_unchecked::<Ctx>()
}

/// Who is calling: set by the HTTP layer, checked by the policy before any mutation
/// runs; a field that needs a caller and has none asks to log in.
pub(crate) fn caller<'a>(ctx: &'a Context<'_>) -> GqlResult<&'a Caller> {
    ctx.data_opt::<Caller>().ok_or_else(|| Error::Unauthenticated("请先登录".into())).gql()
}

/// One row by key through a loader; a key the loader does not find is an error.
async fn load_one<L>(loader: &async_graphql::dataloader::DataLoader<L>, id: i64) -> GqlResult<L::Value>
where
    L: async_graphql::dataloader::Loader<i64, Error = std::sync::Arc<crate::error::Error>>,
{
    loader.load_one(id).await.map_err(load_err)?.ok_or_else(|| async_graphql::Error::new(format!("记录 {id} 不存在")))
}

/// One row that may be gone: the subjects of an import's checks that were never written.
async fn load_opt<L>(loader: &async_graphql::dataloader::DataLoader<L>, id: i64) -> GqlResult<Option<L::Value>>
where
    L: async_graphql::dataloader::Loader<i64, Error = std::sync::Arc<crate::error::Error>>,
{
    loader.load_one(id).await.map_err(load_err)
}

pub async fn load_many<L, T>(loader: &async_graphql::dataloader::DataLoader<L>, id: i64) -> GqlResult<Vec<T>>
where
    L: async_graphql::dataloader::Loader<i64, Value = Vec<T>, Error = std::sync::Arc<crate::error::Error>>,
    T: Clone + Send + Sync + 'static,
{
    Ok(loader.load_one(id).await.map_err(load_err)?.unwrap_or_default())
}

/// The SCREAMING_CASE name an enum value has in the contract and in the store.
pub fn enum_name<E: async_graphql::resolver_utils::EnumType>(value: E) -> String {
    let items = E::items();
    items.iter().find(|i| i.value == value).map(|i| i.name.to_string()).unwrap_or_default()
}

pub fn enum_from_name<E: async_graphql::resolver_utils::EnumType>(stored: &str) -> Option<E> {
    enum_from(stored)
}

/// A stored code as its GraphQL enum; a code the enum does not know is the store's
/// fault, said as such — never shown as some other value.
pub fn stored<E: async_graphql::resolver_utils::EnumType>(code: &str, what: &str) -> GqlResult<E> {
    enum_from(code)
        .ok_or_else(|| crate::error::Error::Internal(format!("a stored {what} '{code}' that no code names")))
        .gql()
}

fn enum_from<E: async_graphql::resolver_utils::EnumType>(stored: &str) -> Option<E> {
    E::items().iter().find(|i| i.name == stored).map(|i| i.value)
}
