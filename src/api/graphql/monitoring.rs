//! Monitoring: the stored alerts and the runs of the scheduled jobs; the rules (their
//! catalogue, the figures they read for every project, what they would find on a
//! date); and the sweep with what an office does about an alert.

use async_graphql::{Context, ID, InputObject, Object};

use super::department_scope;
use super::ledger::ProjectFilter;
use crate::api::error::{GqlResult, IntoGql};
use crate::api::paging::{Connection, after_key, page_size};
use crate::api::scalars::{DateScalar, DateTimeScalar};
use crate::api::types::{
    Alert, AlertRule, AlertStatus, Dimension, Figures, JobRun, Severity, Stage, SweepResult, app, caller,
    enum_from_name, enum_name, preview_alert,
};
use crate::error::Error;
use crate::ledger::{queries, records};

/// The mark of a cursor that is a position in an ordered list, not an id.
const POSITION: &str = "+";

/// The order of a list of alerts.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
#[graphql(remote = "crate::monitoring::store::AlertOrder")]
pub enum AlertOrder {
    #[default]
    Newest,
    Severity,
    Rule,
    Dimension,
    Stage,
    Status,
    FirstSeen,
    LastSeen,
}

#[derive(InputObject, Default)]
pub struct AlertFilter {
    pub status: Option<AlertStatus>,
    pub severity: Option<Severity>,
    pub dimension: Option<Dimension>,
    pub stage: Option<Stage>,
    pub rule: Option<String>,
    pub project_code: Option<String>,
    pub department_code: Option<String>,
    /// Only alerts not resolved: open, acknowledged or waived (what the portfolio counts).
    pub unresolved: Option<bool>,
}

#[derive(Default)]
pub struct MonitoringQuery;

#[Object(name = "MonitoringQuery")]
impl MonitoringQuery {
    /// Alerts in an order (newest first unless asked; SEVERITY is the office's work list:
    /// most severe, then longest open, first; `reverse` turns an order round), fifty a
    /// page. A cursor belongs to its order: newest-first pages follow an id, the others a
    /// position (a sweep that resolves alerts meanwhile moves the later pages).
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        filter: Option<AlertFilter>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] order_by: AlertOrder,
        #[graphql(default = false)] reverse: bool,
    ) -> GqlResult<Connection<Alert>> {
        let first = page_size(first, 50)?;
        let order: crate::monitoring::store::AlertOrder = order_by.into();
        let newest = order == crate::monitoring::store::AlertOrder::Newest;
        let after = match after_key(after)? {
            None => None,
            Some(key) => {
                let position = key.strip_prefix(POSITION);
                if position.is_some() == newest {
                    return Err(Error::validation("after", "该游标属于另一种排序;请从第一页重新翻页")).gql();
                }
                Some(crate::ledger::records::parse_id("after", position.unwrap_or(&key)).gql()?)
            }
        };
        let f = filter.unwrap_or_default();
        let db = &app(ctx).db;
        let project_id = match &f.project_code {
            Some(code) => Some(crate::ledger::project_by_code(db, "filter.projectCode", code).await.gql()?.id),
            None => None,
        };
        let department_code = department_scope(ctx, f.department_code.clone()).await?;
        let department_id = match &department_code {
            Some(code) => Some(crate::ledger::department_by_code(db, "filter.departmentCode", code).await.gql()?.id),
            None => None,
        };
        let filter = crate::monitoring::store::AlertFilter {
            status: f.status.map(enum_name),
            severity: f.severity.map(enum_name),
            dimension: f.dimension.map(enum_name),
            stage: f.stage.map(enum_name),
            rule: f.rule,
            project_id,
            department_id,
            unresolved: f.unresolved.unwrap_or(false),
        };
        let (rows, more, total) =
            crate::monitoring::store::list(db, &filter, order, reverse, first, after).await.gql()?;
        // Newest first pages by id; any other order by how many are listed already.
        let end = match newest {
            true => rows.last().map(|a| a.id.to_string()),
            false => (!rows.is_empty()).then(|| format!("{POSITION}{}", after.unwrap_or(0) + rows.len() as i64)),
        };
        Ok(Connection::ending(rows.into_iter().map(Alert).collect(), more, total, end))
    }

    /// Scheduled job runs, newest first.
    async fn job_runs(
        &self,
        ctx: &Context<'_>,
        job: Option<String>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> GqlResult<Vec<JobRun>> {
        let first = page_size(first, 20)?;
        let runs = crate::jobs::runs(app(ctx), job.as_deref(), first).await.gql()?;
        Ok(runs.into_iter().map(JobRun).collect())
    }
}

#[derive(Default)]
pub struct RulesQuery;

#[Object(name = "RulesQuery")]
impl RulesQuery {
    async fn alert_rules(&self, ctx: &Context<'_>) -> Vec<AlertRule> {
        let rules = &app(ctx).rules;
        crate::monitoring::catalogue::CATALOGUE
            .iter()
            .map(|d| AlertRule {
                id: d.id.into(),
                dimension: d.dimension.into(),
                stage: enum_from_name(d.stage).unwrap_or(Stage::Borrowing),
                title: d.title.into(),
                enabled: rules.enabled(d.id),
                thresholds: rules.describe(d.id),
            })
            .collect()
    }

    /// Every project's figures as of a date, for research panels: the same definitions
    /// as Project.figures. Status, stage and hasOpenAlert are read as of the date.
    #[graphql(complexity = "first.unwrap_or(100).max(1) as usize * child_complexity")]
    async fn figures(
        &self,
        ctx: &Context<'_>,
        as_of: DateScalar,
        known_at: Option<DateTimeScalar>,
        filter: Option<ProjectFilter>,
        #[graphql(default = 100)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<Figures>> {
        let known_at = known_at.map(|t| t.0);
        let as_of = as_of.parse_at("asOf").gql()?;
        let first = page_size(first, 100)?;
        let f = filter.unwrap_or_default();
        let filter = crate::monitoring::panel::PanelFilter {
            projects: queries::ProjectFilter {
                department_code: department_scope(ctx, f.department_code).await?,
                category: f.category,
                search: f.search,
                ..Default::default()
            },
            status: f.status.map(Into::into),
            stage: f.stage.map(Into::into),
            has_open_alert: f.has_open_alert.map(Into::into),
        };
        let after = after_key(after)?;
        let app = app(ctx);
        let count = ctx.look_ahead().field("totalCount").exists();
        let panel = crate::monitoring::panel::panel(
            &app.db,
            &app.settings.debt,
            &filter,
            (as_of, known_at),
            first,
            after.as_deref(),
            count,
        )
        .await
        .gql()?;
        Ok(Connection::page(
            (panel.rows, panel.more, panel.total),
            |(p, _)| p.code.clone(),
            |(project, figures)| Figures { project, figures, known_at },
        ))
    }

    /// Evaluates the alert rules as of a past or future date without storing anything;
    /// with knownAt, only rows recorded by then count (domain.md §4, as of / as known).
    /// For one project anyone who may read it; for the whole portfolio (every rule on
    /// every project) the office (ADMIN) alone, and costly: a request holds few.
    #[graphql(complexity = "if project_code.is_some() { 500 + child_complexity } else { 10_000 + child_complexity }")]
    async fn preview_alerts(
        &self,
        ctx: &Context<'_>,
        as_of: DateScalar,
        project_code: Option<String>,
        known_at: Option<DateTimeScalar>,
    ) -> GqlResult<Vec<Alert>> {
        let app = app(ctx);
        let office = ctx.data_opt::<crate::auth::Caller>().is_some_and(|c| c.role == crate::auth::Role::Admin);
        if project_code.is_none() && !office {
            return Err(Error::Forbidden(
                "预览整个项目库的预警只限债务管理部门(ADMIN);请用 projectCode 预览一个项目".into(),
            ))
            .gql();
        }
        let as_of = as_of.parse_at("asOf").gql()?;
        let known_at = known_at.map(|t| t.0);
        let findings =
            crate::monitoring::sweep::preview(app, &app.rules, as_of, project_code.as_deref(), known_at).await.gql()?;
        let now = app.clock.now();
        Ok(findings.into_iter().map(|f| preview_alert(f, now)).collect())
    }
}

#[derive(Default)]
pub struct MonitoringMutation;

#[Object(name = "MonitoringMutation")]
impl MonitoringMutation {
    /// Runs every alert rule now and stores the result; the scheduled job calls the same code.
    async fn run_alert_sweep(&self, ctx: &Context<'_>) -> GqlResult<SweepResult> {
        let app = app(ctx);
        // Asked for by hand: every project, not only those changed or due.
        let options = crate::monitoring::sweep::SweepOptions { full: true, ..Default::default() };
        let r = crate::monitoring::sweep::run(app, &app.rules, app.clock.today(), options).await.gql()?;
        Ok(SweepResult {
            projects: r.projects as i32,
            raised: r.raised as i32,
            updated: r.updated as i32,
            resolved: r.resolved as i32,
            millis: r.millis as i32,
        })
    }

    async fn acknowledge_alert(&self, ctx: &Context<'_>, id: ID, note: Option<String>) -> GqlResult<Alert> {
        let id = records::parse_id("id", &id).gql()?;
        crate::monitoring::store::acknowledge(app(ctx), caller(ctx)?, id, note).await.map(Alert).gql()
    }

    async fn waive_alert(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<Alert> {
        let id = records::parse_id("id", &id).gql()?;
        crate::monitoring::store::waive(app(ctx), caller(ctx)?, id, &reason).await.map(Alert).gql()
    }
}
