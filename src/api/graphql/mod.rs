//! The GraphQL roots, one file per domain. Each file has its `#[Object]` parts of the
//! query and mutation roots, merged here into `QueryRoot` and `MutationRoot`. Every
//! part's fields are thin calls into the domain.

pub mod auth;
pub mod debt;
pub mod digest;
pub mod evaluation;
pub mod import;
pub mod ledger;
pub mod monitoring;
pub mod portfolio;
pub mod records;
pub mod results;
pub mod targets;

use async_graphql::Context;

use super::error::{GqlResult, IntoGql};
use super::loaders::load_err;
use super::types::loaders;
use crate::error::Error;

// The parts merge in the order the schema lists the roots' fields: a domain whose
// fields it lists apart (monitoring, targets, evaluation, the ledger's records) has a
// part for each run of them.
/// The roots, merged from each domain's part.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    auth::AuthQuery,
    ledger::LedgerQuery,
    debt::DebtQuery,
    portfolio::PortfolioQuery,
    monitoring::MonitoringQuery,
    evaluation::EvaluationQuery,
    digest::DigestQuery,
    monitoring::RulesQuery,
    targets::TargetsQuery,
    results::ResultsQuery,
);

#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    auth::AuthMutation,
    ledger::LedgerMutation,
    records::RecordsMutation,
    targets::ApprovalMutation,
    evaluation::EvaluateMutation,
    import::ImportMutation,
    digest::DigestMutation,
    monitoring::MonitoringMutation,
    debt::DebtMutation,
    records::AdjustmentMutation,
    targets::TargetsMutation,
    evaluation::AssessmentMutation,
    results::ResultsMutation,
);

/// The department a caller's reads are limited to: a MANAGER given a department
/// reads that department's projects, indicators, alerts and debt service only.
/// Asking for another department is refused; asking for none means its own.
pub(crate) async fn department_scope(ctx: &Context<'_>, requested: Option<String>) -> GqlResult<Option<String>> {
    let scoped = ctx.data_opt::<crate::auth::Caller>().and_then(crate::auth::Caller::reads_portfolio_of);
    let Some(id) = scoped else { return Ok(requested) };
    let own = loaders(ctx).department.load_one(id).await.map_err(load_err)?.map(|d| d.code).unwrap_or_default();
    match requested {
        Some(other) if other != own => {
            Err(Error::Forbidden(format!("你的查阅范围是主管部门 {own},不能查阅主管部门 {other}"))).gql()
        }
        _ => Ok(Some(own)),
    }
}
