//! The whole portfolio's totals and its open alerts as counted.

use async_graphql::SimpleObject;

use super::{Dimension, Severity};
use crate::api::scalars::{DateScalar, DecimalScalar, MoneyScalar};

/// Totals for the whole portfolio as of a date.
#[derive(SimpleObject)]
pub struct Portfolio {
    pub as_of: DateScalar,
    pub projects: i32,
    pub bond_funding: MoneyScalar,
    pub received: MoneyScalar,
    pub disbursed: MoneyScalar,
    pub spend_rate_percent: Option<DecimalScalar>,
    /// Principal of project lines falling due after the date.
    pub outstanding_principal: MoneyScalar,
    /// Principal and interest of project lines due in the 12 months after the date.
    pub debt_service_next12_months: MoneyScalar,
    /// Alerts not resolved, by severity (as stored by the last sweep).
    pub open_alerts: Vec<SeverityCount>,
    /// The same alerts by dimension and severity: every pair, zero included.
    pub open_alerts_by_dimension: Vec<DimensionSeverityCount>,
}

#[derive(SimpleObject)]
pub struct SeverityCount {
    pub severity: Severity,
    pub count: i32,
}

#[derive(SimpleObject)]
pub struct DimensionSeverityCount {
    pub dimension: Dimension,
    pub severity: Severity,
    pub count: i32,
}
