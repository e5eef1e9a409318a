//! Who may call which root field: the one place authorization is decided by role.
//! Every Query and Mutation field must be listed; a field that is not is refused
//! for everyone (and a test fails), so a new field cannot be left open by accident.
//! Department scope (a REPORTER writes for its own department) is checked by the
//! services, which know what is being written.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo};
use async_graphql::{ServerError, ServerResult, Value};

use crate::auth::{Caller, Role};

const ALL: &[Role] = &[Role::Admin, Role::Reporter, Role::Researcher, Role::Manager];
const ADMIN: &[Role] = &[Role::Admin];
const RECORDERS: &[Role] = &[Role::Admin, Role::Reporter];
/// Digests: the debt office manages all subscriptions, a manager its own.
const SUBSCRIBERS: &[Role] = &[Role::Admin, Role::Manager];

/// Who may call a root field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without credentials.
    Public,
    /// Callers with one of these roles.
    Roles(&'static [Role]),
}

/// Every root field of the schema and who may call it.
pub const POLICY: &[(&str, &str, Access)] = &[
    ("Query", "me", Access::Roles(ALL)),
    ("Query", "departments", Access::Roles(ALL)),
    ("Query", "project", Access::Roles(ALL)),
    ("Query", "projects", Access::Roles(ALL)),
    ("Query", "bond", Access::Roles(ALL)),
    ("Query", "bonds", Access::Roles(ALL)),
    ("Query", "indicators", Access::Roles(ALL)),
    ("Query", "debtService", Access::Roles(ALL)),
    ("Query", "portfolio", Access::Roles(ALL)),
    ("Query", "auditLog", Access::Roles(ADMIN)),
    ("Query", "alerts", Access::Roles(ALL)),
    ("Query", "jobRuns", Access::Roles(ALL)),
    ("Query", "evaluations", Access::Roles(ALL)),
    ("Query", "departmentRanking", Access::Roles(ALL)),
    ("Query", "digestSubscriptions", Access::Roles(SUBSCRIBERS)),
    ("Query", "digestPreview", Access::Roles(SUBSCRIBERS)),
    ("Query", "digestDeliveries", Access::Roles(SUBSCRIBERS)),
    ("Query", "alertRules", Access::Roles(ALL)),
    ("Query", "previewAlerts", Access::Roles(ALL)),
    ("Query", "figures", Access::Roles(ALL)),
    ("Query", "selfEvaluations", Access::Roles(ALL)),
    ("Query", "rectifications", Access::Roles(ALL)),
    ("Query", "rectification", Access::Roles(ALL)),
    ("Query", "resultApplication", Access::Roles(ALL)),
    ("Mutation", "login", Access::Public),
    ("Mutation", "createDepartment", Access::Roles(ADMIN)),
    ("Mutation", "createProject", Access::Roles(ADMIN)),
    ("Mutation", "updateProject", Access::Roles(RECORDERS)),
    ("Mutation", "setProjectStatus", Access::Roles(RECORDERS)),
    ("Mutation", "setSpendingPlan", Access::Roles(RECORDERS)),
    ("Mutation", "setRevenueForecast", Access::Roles(RECORDERS)),
    ("Mutation", "createBond", Access::Roles(ADMIN)),
    ("Mutation", "allocateBond", Access::Roles(ADMIN)),
    ("Mutation", "recordReceipt", Access::Roles(ADMIN)),
    ("Mutation", "recordDisbursement", Access::Roles(RECORDERS)),
    ("Mutation", "reverseDisbursement", Access::Roles(RECORDERS)),
    ("Mutation", "recordProgress", Access::Roles(RECORDERS)),
    ("Mutation", "recordRevenue", Access::Roles(RECORDERS)),
    ("Mutation", "reverseRevenue", Access::Roles(RECORDERS)),
    ("Mutation", "recordDepartmentBudget", Access::Roles(RECORDERS)),
    ("Mutation", "approveTarget", Access::Roles(ADMIN)),
    ("Mutation", "recordDebtServicePayment", Access::Roles(ADMIN)),
    ("Mutation", "adjustUse", Access::Roles(ADMIN)),
    ("Mutation", "declareTarget", Access::Roles(RECORDERS)),
    // Sheets that only the debt office may write are refused inside the import.
    ("Mutation", "importWorkbook", Access::Roles(RECORDERS)),
    ("Mutation", "recordIndicatorActual", Access::Roles(RECORDERS)),
    ("Mutation", "submitAssessment", Access::Roles(RECORDERS)),
    ("Mutation", "runAlertSweep", Access::Roles(ADMIN)),
    ("Mutation", "acknowledgeAlert", Access::Roles(&[Role::Admin, Role::Reporter, Role::Manager])),
    ("Mutation", "waiveAlert", Access::Roles(ADMIN)),
    ("Mutation", "evaluate", Access::Roles(ADMIN)),
    ("Mutation", "submitSelfEvaluation", Access::Roles(RECORDERS)),
    ("Mutation", "openRectification", Access::Roles(ADMIN)),
    ("Mutation", "submitRectification", Access::Roles(RECORDERS)),
    ("Mutation", "reviewRectification", Access::Roles(ADMIN)),
    ("Mutation", "subscribeDigest", Access::Roles(SUBSCRIBERS)),
    ("Mutation", "updateDigestSubscription", Access::Roles(SUBSCRIBERS)),
    ("Mutation", "pauseDigestSubscription", Access::Roles(SUBSCRIBERS)),
    ("Mutation", "unsubscribeDigest", Access::Roles(SUBSCRIBERS)),
];

pub fn access(parent: &str, field: &str) -> Option<Access> {
    POLICY.iter().find(|(p, f, _)| *p == parent && *f == field).map(|(_, _, a)| *a)
}

/// Why a caller may not call a field, or nothing when it may.
pub fn refusal(caller: Option<&Caller>, parent: &str, field: &str) -> Option<(&'static str, String)> {
    match (access(parent, field), caller) {
        (Some(Access::Public), _) => None,
        (None, _) => Some(("FORBIDDEN", format!("{parent}.{field} 没有访问规则,任何人不得调用"))),
        (Some(Access::Roles(_)), None) => {
            Some(("UNAUTHENTICATED", format!("{field} 需要登录:请先登录,或携带 bearer 令牌")))
        }
        (Some(Access::Roles(roles)), Some(c)) if roles.contains(&c.role) => None,
        (Some(Access::Roles(_)), Some(c)) => {
            Some(("FORBIDDEN", format!("用户 {}({})无权调用 {field}", c.username, c.role.as_str())))
        }
    }
}

/// The extension that applies [`POLICY`] to every root field before it resolves.
pub struct Policy;

impl ExtensionFactory for Policy {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PolicyExtension)
    }
}

struct PolicyExtension;

#[async_trait::async_trait]
impl Extension for PolicyExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let root = info.path_node.parent.is_none();
        if root
            && !info.is_for_introspection
            && !info.name.starts_with("__")
            && let Some((code, message)) = refusal(ctx.data_opt::<Caller>(), info.parent_type, info.name)
        {
            let mut error = ServerError::new(message, None);
            let mut ext = async_graphql::ErrorExtensionValues::default();
            ext.set("code", code);
            error.extensions = Some(ext);
            return Err(error);
        }
        next.run(ctx, info).await
    }
}
