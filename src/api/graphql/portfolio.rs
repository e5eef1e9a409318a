//! The whole portfolio's totals as of a date: the ledger's money, the debt still owed,
//! and the open alerts.

use async_graphql::{Context, Object};

use crate::api::error::{GqlResult, IntoGql};
use crate::api::scalars::{DateScalar, DecimalScalar, opt};
use crate::api::types::{DimensionSeverityCount, Portfolio, SeverityCount, app};
use crate::ledger::queries;

#[derive(Default)]
pub struct PortfolioQuery;

#[Object(name = "PortfolioQuery")]
impl PortfolioQuery {
    /// Totals for the whole portfolio as of a date (default today).
    async fn portfolio(&self, ctx: &Context<'_>, as_of: Option<DateScalar>) -> GqlResult<Portfolio> {
        let app = app(ctx);
        let as_of = opt(&as_of, "asOf", DateScalar::parse_at).gql()?.unwrap_or_else(|| app.clock.today());
        let totals = queries::portfolio_totals(&app.db, as_of).await.gql()?;
        // The debt figures need every bond's schedule: built only when asked for.
        let look = ctx.look_ahead();
        let (outstanding, next) =
            if look.field("outstandingPrincipal").exists() || look.field("debtServiceNext12Months").exists() {
                let books = crate::debt::load_books(&app.db, &app.settings.debt, None).await.gql()?;
                crate::debt::outstanding_and_next_12_months(&books, as_of)
            } else {
                (crate::db::Money::ZERO, crate::db::Money::ZERO)
            };
        let counts = crate::monitoring::store::open_counts(&app.db).await.gql()?;
        Ok(Portfolio {
            as_of: as_of.into(),
            projects: totals.projects as i32,
            bond_funding: totals.money.bond_funding.into(),
            received: totals.money.received.into(),
            disbursed: totals.money.paid.into(),
            spend_rate_percent: totals.money.spend_rate_percent().map(|d| DecimalScalar::rounded(d, 2)),
            outstanding_principal: outstanding.into(),
            debt_service_next12_months: next.into(),
            open_alerts: crate::monitoring::Severity::ALL
                .iter()
                .map(|s| SeverityCount {
                    severity: (*s).into(),
                    count: counts.iter().filter(|(_, k, _)| k == s).map(|(_, _, n)| *n as i32).sum(),
                })
                .collect(),
            open_alerts_by_dimension: counts
                .into_iter()
                .map(|(d, s, n)| DimensionSeverityCount { dimension: d.into(), severity: s.into(), count: n as i32 })
                .collect(),
        })
    }
}
