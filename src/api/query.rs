//! Query fields: thin calls into the domain's batched reads.

use async_graphql::{Context, InputObject, Object};
use base64::Engine;
use sea_orm::{EntityTrait, QueryOrder};

use super::error::{GqlResult, IntoGql};
use super::scalars::{DateScalar, DateTimeScalar, DecimalScalar, opt};
use super::types::*;
use crate::error::{Error, Result};
use crate::ledger::entities::department;
use crate::ledger::queries;
use crate::targets;

/// The largest page a client may ask for.
pub const MAX_PAGE: i32 = 200;

/// The page size asked for; an explicit null means the default.
pub fn page_size(first: Option<i32>, default: i32) -> GqlResult<u64> {
    let first = first.unwrap_or(default);
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(Error::validation(
            "first",
            format!("first 须在 1 至 {MAX_PAGE} 之间(每页最多 {MAX_PAGE} 条),不能为 {first}"),
        ))
        .gql();
    }
    Ok(first as u64)
}

/// What every cursor starts with: a string that is not one of ours is refused, not
/// read as some first page.
const CURSOR_MARK: &str = "bondwatch:";

pub fn encode_cursor(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{CURSOR_MARK}{key}"))
}

pub fn decode_cursor(cursor: &str) -> Result<String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|k| k.strip_prefix(CURSOR_MARK).map(str::to_string))
        .ok_or_else(|| Error::validation("after", "此游标不是 bondwatch 给出的;请传入上一页的 pageInfo.endCursor"))
}

/// The department a caller's reads are limited to: a MANAGER given a department
/// reads that department's projects, indicators, alerts and debt service only.
/// Asking for another department is refused; asking for none means its own.
pub(crate) async fn department_scope(ctx: &Context<'_>, requested: Option<String>) -> GqlResult<Option<String>> {
    let scoped = ctx
        .data_opt::<crate::auth::Caller>()
        .filter(|c| c.role == crate::auth::Role::Manager)
        .and_then(|c| c.department_id);
    let Some(id) = scoped else { return Ok(requested) };
    let own = loaders(ctx)
        .department
        .load_one(id)
        .await
        .map_err(super::loaders::load_err)?
        .map(|d| d.code)
        .unwrap_or_default();
    match requested {
        Some(other) if other != own => {
            Err(Error::Forbidden(format!("你的查阅范围是主管部门 {own},不能查阅主管部门 {other}"))).gql()
        }
        _ => Ok(Some(own)),
    }
}

fn after_key(after: Option<String>) -> GqlResult<Option<String>> {
    after.map(|a| decode_cursor(&a)).transpose().gql()
}

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
pub struct ProjectFilter {
    /// Projects with an open alert of at least this severity.
    pub has_open_alert: Option<Severity>,
    pub department_code: Option<String>,
    pub status: Option<ProjectStatus>,
    pub stage: Option<Stage>,
    pub category: Option<String>,
    pub search: Option<String>,
}

#[derive(InputObject, Default)]
pub struct IndicatorFilter {
    /// The kind of the parsed target.
    pub kind: Option<TargetKind>,
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub department_code: Option<String>,
    pub project_code: Option<String>,
    pub year: Option<i32>,
}

#[derive(InputObject, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub operation: Option<String>,
    pub from: Option<super::scalars::DateTimeScalar>,
    pub to: Option<super::scalars::DateTimeScalar>,
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
pub struct Query;

#[Object(name = "LedgerQuery")]
impl Query {
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
    ) -> GqlResult<AuditConnection> {
        let first = page_size(first, 50)?;
        let after = after_key(after)?.map(|a| crate::ledger::records::parse_id("after", &a)).transpose().gql()?;
        let f = filter.unwrap_or_default();
        let filter = crate::auth::audit::AuditFilter {
            username: f.username,
            operation: f.operation,
            from: f.from.map(|d| d.0),
            to: f.to.map(|d| d.0),
        };
        let (rows, more, total) = crate::auth::audit::list(&app(ctx).db, &filter, first, after).await.gql()?;
        let end = rows.last().map(|e| encode_cursor(&e.id.to_string()));
        Ok(AuditConnection {
            nodes: rows.into_iter().map(AuditEntry).collect(),
            page_info: PageInfo { has_next_page: more, end_cursor: end },
            total_count: total as i32,
        })
    }

    async fn departments(&self, ctx: &Context<'_>) -> GqlResult<Vec<Department>> {
        let rows = department::Entity::find()
            .order_by_asc(department::Column::Code)
            .all(&app(ctx).db)
            .await
            .map_err(Error::from)
            .gql()?;
        Ok(rows.into_iter().map(Department).collect())
    }

    async fn project(&self, ctx: &Context<'_>, code: String) -> GqlResult<Option<Project>> {
        let scope = department_scope(ctx, None).await?;
        match crate::ledger::project_by_code(&app(ctx).db, "code", &code).await {
            Ok(p) if scope.is_some() => {
                let dept = loaders(ctx).department.load_one(p.department_id).await.map_err(super::loaders::load_err)?;
                Ok(dept.filter(|d| Some(&d.code) == scope.as_ref()).map(|_| Project(p)))
            }
            Ok(p) => Ok(Some(Project(p))),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }

    /// Complexity grows with the page asked for.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<ProjectConnection> {
        let first = page_size(first, 50)?;
        let f = filter.unwrap_or_default();
        let filter = queries::ProjectFilter {
            department_code: department_scope(ctx, f.department_code).await?,
            status: f.status.map(Into::into),
            stage: f.stage.map(Into::into),
            category: f.category,
            search: f.search,
            has_open_alert: f.has_open_alert.map(Into::into),
        };
        let after = after_key(after)?;
        let app = app(ctx);
        let count = ctx.look_ahead().field("totalCount").exists();
        let (rows, more, total) =
            queries::list_projects(&app.db, &filter, app.clock.today(), first, after.as_deref(), count).await.gql()?;
        let end = rows.last().map(|p| encode_cursor(&p.code));
        Ok(ProjectConnection {
            nodes: rows.into_iter().map(Project).collect(),
            page_info: PageInfo { has_next_page: more, end_cursor: end },
            total_count: total as i32,
        })
    }

    async fn bond(&self, ctx: &Context<'_>, code: String) -> GqlResult<Option<Bond>> {
        match crate::ledger::bond_by_code(&app(ctx).db, "code", &code).await {
            Ok(b) => Ok(Some(Bond(b))),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }

    /// Complexity grows with the page asked for.
    #[graphql(complexity = "first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn bonds(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<BondConnection> {
        let first = page_size(first, 50)?;
        let after = after_key(after)?;
        let (rows, more, total) = queries::list_bonds(&app(ctx).db, first, after.as_deref()).await.gql()?;
        let end = rows.last().map(|b| encode_cursor(&b.code));
        Ok(BondConnection {
            nodes: rows.into_iter().map(Bond).collect(),
            page_info: PageInfo { has_next_page: more, end_cursor: end },
            total_count: total as i32,
        })
    }

    /// Debt service lines due in [from, to], all projects or one department's.
    async fn debt_service(
        &self,
        ctx: &Context<'_>,
        from: DateScalar,
        to: DateScalar,
        department_code: Option<String>,
    ) -> GqlResult<Vec<DebtServiceLine>> {
        let (from, to) = (from.parse_at("from").gql()?, to.parse_at("to").gql()?);
        let department_code = department_scope(ctx, department_code).await?;
        let lines = crate::debt::lines_due(app(ctx), from, to, department_code.as_deref()).await.gql()?;
        Ok(lines.into_iter().map(DebtServiceLine).collect())
    }

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
    ) -> GqlResult<AlertConnection> {
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
        let end = end.map(|e| encode_cursor(&e));
        Ok(AlertConnection {
            nodes: rows.into_iter().map(Alert).collect(),
            page_info: PageInfo { has_next_page: more, end_cursor: end },
            total_count: total as i32,
        })
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

    /// Stored evaluations of a year, best first; of one department's projects when given.
    async fn evaluations(
        &self,
        ctx: &Context<'_>,
        year: i32,
        department_code: Option<String>,
    ) -> GqlResult<Vec<Evaluation>> {
        let department_code = department_scope(ctx, department_code).await?;
        let rows = crate::evaluation::ranked(app(ctx), year, department_code.as_deref()).await.gql()?;
        Ok(rows.into_iter().map(Evaluation).collect())
    }

    /// Departments ranked by the mean score of their evaluated projects in a year,
    /// with how many scored under 60 (fed back for correction).
    async fn department_ranking(&self, ctx: &Context<'_>, year: i32) -> GqlResult<Vec<DepartmentRank>> {
        let rows = crate::evaluation::department_ranking(app(ctx), year).await.gql()?;
        Ok(rows
            .into_iter()
            .map(|r| DepartmentRank {
                rank: r.rank as i32,
                department: Department(r.department),
                projects: r.projects as i32,
                average_score: DecimalScalar::rounded(r.average, 2),
                under60: r.under_60 as i32,
            })
            .collect())
    }

    async fn digest_subscriptions(&self, ctx: &Context<'_>) -> GqlResult<Vec<DigestSubscription>> {
        let caller =
            ctx.data_opt::<crate::auth::Caller>().ok_or_else(|| Error::Unauthenticated("请先登录".into())).gql()?;
        Ok(crate::digest::list(app(ctx), caller).await.gql()?.into_iter().map(DigestSubscription).collect())
    }

    /// The digest this subscription would receive now, without sending it.
    async fn digest_preview(&self, ctx: &Context<'_>, subscription_id: async_graphql::ID) -> GqlResult<DigestPreview> {
        let app = app(ctx);
        let caller =
            ctx.data_opt::<crate::auth::Caller>().ok_or_else(|| Error::Unauthenticated("请先登录".into())).gql()?;
        let id = crate::ledger::records::parse_id("subscriptionId", &subscription_id).gql()?;
        let sub = crate::digest::owned(app, caller, id).await.gql()?;
        let now = app.clock.now();
        let since = crate::digest::last_period(app, &sub).await.gql()?;
        let digest = crate::digest::compose(app, &sub, since, now).await.gql()?;
        let d = digest.unwrap_or(crate::digest::Digest {
            subject: "(无内容:该订阅设置为无新增预警时不发送)".into(),
            text: String::new(),
            html: String::new(),
        });
        Ok(DigestPreview { subject: d.subject, text: d.text, html: d.html })
    }

    async fn digest_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: Option<i32>,
    ) -> GqlResult<Vec<DigestDelivery>> {
        let first = page_size(first, 50)?;
        let caller =
            ctx.data_opt::<crate::auth::Caller>().ok_or_else(|| Error::Unauthenticated("请先登录".into())).gql()?;
        let rows = crate::digest::deliveries(app(ctx), caller, first).await.gql()?;
        Ok(rows.into_iter().map(|(o, s)| DigestDelivery(o, s)).collect())
    }

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
    ) -> GqlResult<super::figures::ProjectFiguresConnection> {
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
        let end = panel.rows.last().map(|(p, _)| encode_cursor(&p.code));
        Ok(super::figures::ProjectFiguresConnection {
            nodes: panel
                .rows
                .into_iter()
                .map(|(project, figures)| super::figures::Figures { project, figures, known_at })
                .collect(),
            page_info: PageInfo { has_next_page: panel.more, end_cursor: end },
            total_count: panel.total as i32,
        })
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

    /// Indicators across all projects, for research: filter by level, department, year.
    /// Complexity grows with the page asked for.
    #[graphql(complexity = "first.unwrap_or(100).max(1) as usize * child_complexity")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        filter: Option<IndicatorFilter>,
        #[graphql(default = 100)] first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<IndicatorConnection> {
        let first = page_size(first, 100)?;
        let after = after_key(after)?.map(|a| crate::ledger::records::parse_id("after", &a)).transpose().gql()?;
        let f = filter.unwrap_or_default();
        let filter = targets::IndicatorFilter {
            level1: f.level1,
            level2: f.level2,
            department_code: department_scope(ctx, f.department_code).await?,
            project_code: f.project_code,
            year: f.year,
            kind: f.kind.map(Into::into),
        };
        let (rows, more, total) = targets::list_indicators(&app(ctx).db, &filter, first, after).await.gql()?;
        let end = rows.last().map(|(i, _)| encode_cursor(&i.id.to_string()));
        Ok(IndicatorConnection {
            nodes: rows.into_iter().map(|(row, target)| Indicator { row, target: Some(target) }).collect(),
            page_info: PageInfo { has_next_page: more, end_cursor: end },
            total_count: total as i32,
        })
    }
}
