//! The alert store and its lifecycle (domain.md §7): at most one open alert per rule
//! and subject; a sweep raises, updates and resolves; acknowledged and waived
//! alerts keep their status while the condition holds, except that a waived alert
//! rising to red opens again. Nothing is deleted: resolved alerts and every event
//! stay.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::rules::CHECK_RULES;
use super::{Finding, Subject};
use crate::Ctx;
use crate::base::Caller;
use crate::codes::catalogue::{Dimension, Severity, rule};
use crate::codes::{AlertEvent, AlertStatus};
use crate::db::{begin_write, in_write};
use crate::error::{Error, Result};
use crate::ledger::projects::Stage;

pub mod alert {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "alerts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub rule: String,
        pub dimension: String,
        pub stage: String,
        pub severity: String,
        pub project_id: Option<i64>,
        pub bond_id: Option<i64>,
        pub department_id: Option<i64>,
        pub indicator_id: Option<i64>,
        pub subject_key: String,
        pub open_key: Option<String>,
        pub message: String,
        pub measured: Option<String>,
        pub threshold: Option<String>,
        pub evidence: String,
        /// OPEN, ACKNOWLEDGED, WAIVED or RESOLVED.
        pub status: String,
        pub first_seen_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        pub resolved_at: Option<DateTimeUtc>,
        /// The acknowledgement's note or the waiver's reason.
        pub note: Option<String>,
    }
    crate::plain_entity!();
}

pub mod alert_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "alert_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub alert_id: i64,
        pub at: DateTimeUtc,
        /// RAISED, UPDATED, ACKNOWLEDGED, WAIVED, REOPENED, RESOLVED.
        pub event: String,
        pub username: String,
        pub severity: Option<String>,
        pub note: Option<String>,
    }
    crate::plain_entity!();
}

fn open_key(rule: &str, subject: &Subject) -> String {
    format!("{rule}|{}", subject.key())
}

/// Which alerts a batch of findings speaks for: those it may resolve.
#[derive(Clone, Debug)]
pub enum Scope {
    /// Every alert of these projects (their bonds and indicators included).
    Projects(Vec<i64>),
    /// Alerts about bonds alone.
    Bonds,
    /// Alerts about departments (and department indicators), not projects.
    Departments,
    /// The declaration checks (C1–C5) of these projects and departments: what an
    /// import recomputes for what it touched.
    Checks { projects: Vec<i64>, departments: Vec<i64> },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub raised: usize,
    pub updated: usize,
    pub resolved: usize,
}

/// The open alerts a scope speaks for.
pub async fn open_in(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<alert::Model>> {
    let base = alert::Entity::find().filter(alert::Column::OpenKey.is_not_null()).order_by_asc(alert::Column::Id);
    let rows = match scope {
        Scope::Projects(ids) if ids.is_empty() => Vec::new(),
        Scope::Projects(ids) => base.filter(alert::Column::ProjectId.is_in(ids.iter().copied())).all(db).await?,
        Scope::Bonds => {
            base.filter(alert::Column::ProjectId.is_null()).filter(alert::Column::BondId.is_not_null()).all(db).await?
        }
        Scope::Departments => {
            base.filter(alert::Column::ProjectId.is_null())
                .filter(alert::Column::DepartmentId.is_not_null())
                .all(db)
                .await?
        }
        Scope::Checks { projects, departments } => {
            let departments_alone = Condition::all()
                .add(alert::Column::ProjectId.is_null())
                .add(alert::Column::DepartmentId.is_in(departments.iter().copied()));
            base.filter(alert::Column::Rule.is_in(CHECK_RULES.iter().copied()))
                .filter(
                    Condition::any()
                        .add(alert::Column::ProjectId.is_in(projects.iter().copied()))
                        .add(departments_alone),
                )
                .all(db)
                .await?
        }
    };
    Ok(rows)
}

async fn event(
    db: &impl ConnectionTrait,
    alert_id: i64,
    at: DateTime<Utc>,
    kind: AlertEvent,
    username: &str,
    note: Option<String>,
) -> Result<()> {
    new_event(alert_id, at, kind, username, None, note.as_deref()).insert(db).await?;
    Ok(())
}

fn new_event(
    alert_id: i64,
    at: DateTime<Utc>,
    kind: AlertEvent,
    username: &str,
    severity: Option<&str>,
    note: Option<&str>,
) -> alert_event::ActiveModel {
    alert_event::ActiveModel {
        id: NotSet,
        alert_id: Set(alert_id),
        at: Set(at),
        event: Set(kind.as_str().into()),
        username: Set(username.into()),
        severity: Set(severity.map(str::to_string)),
        note: Set(note.map(str::to_string)),
    }
}

/// Rows a multi-row statement carries: well inside SQLite's and PostgreSQL's parameter limits.
const CHUNK: usize = 200;

/// Applies one batch of findings to the store in one transaction: the batch speaks
/// for `scope`, so open alerts in it that no finding matches are resolved. Writes are
/// multi-row statements: a batch costs a few statements, plus one per alert whose
/// content changed.
pub async fn apply(ctx: &Ctx, scope: &Scope, findings: Vec<Finding>, now: DateTime<Utc>) -> Result<Applied> {
    in_write(&ctx.db, async |txn| apply_in(txn, scope, findings, now).await).await
}

/// [`apply`] inside the caller's transaction.
pub async fn apply_in(
    txn: &DatabaseTransaction,
    scope: &Scope,
    findings: Vec<Finding>,
    now: DateTime<Utc>,
) -> Result<Applied> {
    use sea_orm::sea_query::Expr;
    let mut open: HashMap<String, alert::Model> =
        open_in(txn, scope).await?.into_iter().filter_map(|a| a.open_key.clone().map(|k| (k, a))).collect();
    let mut applied = Applied::default();
    let mut seen_again = Vec::new();
    let mut events = Vec::new();
    let mut created = Vec::new();
    for f in findings {
        let key = open_key(f.rule, &f.subject);
        match open.remove(&key) {
            Some(existing) => {
                applied.updated += 1;
                match update(txn, existing, f, now).await? {
                    Updated::Same(id) => seen_again.push(id),
                    Updated::Changed(event) => events.extend(event),
                }
            }
            None => {
                let alert = new_alert(f, key.clone(), now)?;
                created.push((key, alert));
            }
        }
    }
    for chunk in seen_again.chunks(CHUNK) {
        alert::Entity::update_many()
            .col_expr(alert::Column::LastSeenAt, Expr::value(now))
            .filter(alert::Column::Id.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    applied.raised = created.len();
    events.extend(raise(txn, created, now).await?);
    let stale: Vec<i64> = open.values().map(|a| a.id).collect();
    applied.resolved = stale.len();
    events.extend(resolve(txn, &stale, now).await?);
    let mut events = events.into_iter().peekable();
    while events.peek().is_some() {
        let chunk: Vec<_> = events.by_ref().take(CHUNK).collect();
        alert_event::Entity::insert_many(chunk).exec_without_returning(txn).await?;
    }
    Ok(applied)
}

/// What a finding did to the open alert it matches.
enum Updated {
    /// Nothing changed but the time it was last seen.
    Same(i64),
    /// Its text or severity changed; a reopening or a change of severity is an event.
    Changed(Option<alert_event::ActiveModel>),
}

/// Brings an open alert up to its finding. A waived alert that turns red is reopened.
async fn update(txn: &DatabaseTransaction, existing: alert::Model, f: Finding, now: DateTime<Utc>) -> Result<Updated> {
    let evidence = f.evidence.to_string();
    let reopen = existing.status == AlertStatus::Waived.as_str()
        && f.severity == Severity::Red
        && existing.severity != Severity::Red.as_str();
    let changed_severity = existing.severity != f.severity.as_str();
    let same = !reopen
        && !changed_severity
        && existing.message == f.message
        && existing.measured == f.measured
        && existing.threshold == f.threshold
        && existing.evidence == evidence;
    if same {
        return Ok(Updated::Same(existing.id));
    }
    let mut active: alert::ActiveModel = existing.clone().into();
    active.severity = Set(f.severity.as_str().into());
    active.message = Set(f.message);
    active.measured = Set(f.measured);
    active.threshold = Set(f.threshold);
    active.evidence = Set(evidence);
    active.last_seen_at = Set(now);
    if reopen {
        active.status = Set(AlertStatus::Open.as_str().into());
    }
    active.update(txn).await?;
    let event = if reopen {
        Some(new_event(
            existing.id,
            now,
            AlertEvent::Reopened,
            "sweep",
            Some(Severity::Red.as_str()),
            Some("豁免后升级为红色预警,重新打开"),
        ))
    } else if changed_severity {
        Some(new_event(existing.id, now, AlertEvent::Updated, "sweep", Some(f.severity.as_str()), None))
    } else {
        None
    };
    Ok(Updated::Changed(event))
}

/// The new alert of a finding no open alert matches, under its open key.
fn new_alert(f: Finding, key: String, now: DateTime<Utc>) -> Result<alert::ActiveModel> {
    let def = rule(f.rule).ok_or_else(|| Error::Internal(format!("finding of an unknown rule {}", f.rule)))?;
    Ok(alert::ActiveModel {
        id: NotSet,
        rule: Set(f.rule.into()),
        dimension: Set(def.dimension.as_str().into()),
        stage: Set(def.stage.into()),
        severity: Set(f.severity.as_str().into()),
        project_id: Set(f.subject.project_id),
        bond_id: Set(f.subject.bond_id),
        department_id: Set(f.subject.department_id),
        indicator_id: Set(f.subject.indicator_id),
        subject_key: Set(f.subject.key()),
        open_key: Set(Some(key)),
        message: Set(f.message),
        measured: Set(f.measured),
        threshold: Set(f.threshold),
        evidence: Set(f.evidence.to_string()),
        status: Set(AlertStatus::Open.as_str().into()),
        first_seen_at: Set(now),
        last_seen_at: Set(now),
        resolved_at: Set(None),
        note: Set(None),
    })
}

/// Inserts the new alerts in chunks and returns their 'raised' events.
async fn raise(
    txn: &DatabaseTransaction,
    created: Vec<(String, alert::ActiveModel)>,
    now: DateTime<Utc>,
) -> Result<Vec<alert_event::ActiveModel>> {
    let keys: Vec<String> = created.iter().map(|(k, _)| k.clone()).collect();
    let mut created = created.into_iter().map(|(_, a)| a).peekable();
    while created.peek().is_some() {
        let chunk: Vec<_> = created.by_ref().take(CHUNK).collect();
        alert::Entity::insert_many(chunk).exec_without_returning(txn).await?;
    }
    let mut events = Vec::new();
    for keys in keys.chunks(CHUNK) {
        let rows = alert::Entity::find().filter(alert::Column::OpenKey.is_in(keys.iter().cloned())).all(txn).await?;
        events.extend(rows.iter().map(|a| new_event(a.id, now, AlertEvent::Raised, "sweep", Some(&a.severity), None)));
    }
    Ok(events)
}

/// Resolves the open alerts no finding matched and returns their 'resolved' events.
async fn resolve(
    txn: &DatabaseTransaction,
    stale: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<alert_event::ActiveModel>> {
    use sea_orm::sea_query::Expr;
    let mut events = Vec::new();
    for chunk in stale.chunks(CHUNK) {
        alert::Entity::update_many()
            .col_expr(alert::Column::Status, Expr::value(AlertStatus::Resolved.as_str()))
            .col_expr(alert::Column::OpenKey, Expr::value(Option::<String>::None))
            .col_expr(alert::Column::ResolvedAt, Expr::value(now))
            .filter(alert::Column::Id.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
        events.extend(
            chunk.iter().map(|id| new_event(*id, now, AlertEvent::Resolved, "sweep", None, Some("条件已解除"))),
        );
    }
    Ok(events)
}

async fn open_alert(db: &impl ConnectionTrait, id: i64) -> Result<alert::Model> {
    let found = alert::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("id", format!("没有 id 为 {id} 的预警")))?;
    if found.status == AlertStatus::Resolved.as_str() {
        return Err(Error::conflict(Some("id"), format!("预警 {id} 已解除:其触发条件已不存在")));
    }
    Ok(found)
}

/// Checks a REPORTER acts on its own department's alerts only. An alert of a bond (or of
/// the whole district) touches every department the bond funds: the office's alone.
async fn check_scope(db: &impl ConnectionTrait, caller: &Caller, a: &alert::Model) -> Result<()> {
    if let Some(project) = a.project_id {
        crate::ledger::check_project_scope(db, caller, project).await
    } else if let Some(dept) = a.department_id {
        caller.check_department(dept, "该预警")
    } else if caller.role == crate::base::Role::Reporter {
        let whose = if a.bond_id.is_some() { "债券的预警涉及多个部门" } else { "全区性的预警" };
        Err(Error::Forbidden(format!("{whose},由债务管理部门处理;用户 {} 只能处理本部门项目的预警", caller.username)))
    } else {
        Ok(())
    }
}

pub async fn acknowledge(ctx: &Ctx, caller: &Caller, id: i64, note: Option<String>) -> Result<alert::Model> {
    let note = crate::ledger::optional_text("note", note.as_deref(), 2000)?;
    let txn = begin_write(&ctx.db).await?;
    let before = open_alert(&txn, id).await?;
    check_scope(&txn, caller, &before).await?;
    let mut active: alert::ActiveModel = before.clone().into();
    if before.status == AlertStatus::Open.as_str() {
        active.status = Set(AlertStatus::Acknowledged.as_str().into());
    }
    active.note = Set(note.clone().or(before.note.clone()));
    let after = active.update(&txn).await?;
    event(&txn, id, ctx.clock.now(), AlertEvent::Acknowledged, &caller.username, note).await?;
    crate::ledger::audit(&txn, ctx, caller, "acknowledgeAlert", id.to_string(), Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

pub async fn waive(ctx: &Ctx, caller: &Caller, id: i64, reason: &str) -> Result<alert::Model> {
    let reason = crate::ledger::required_text("reason", reason, 2000)?;
    let txn = begin_write(&ctx.db).await?;
    let before = open_alert(&txn, id).await?;
    let mut active: alert::ActiveModel = before.clone().into();
    active.status = Set(AlertStatus::Waived.as_str().into());
    active.note = Set(Some(reason.clone()));
    let after = active.update(&txn).await?;
    event(&txn, id, ctx.clock.now(), AlertEvent::Waived, &caller.username, Some(reason)).await?;
    crate::ledger::audit(&txn, ctx, caller, "waiveAlert", id.to_string(), Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

#[derive(Default, Clone, Debug, PartialEq, Eq)]
pub struct AlertFilter {
    pub status: Option<String>,
    pub severity: Option<String>,
    pub dimension: Option<String>,
    pub stage: Option<String>,
    pub rule: Option<String>,
    pub project_id: Option<i64>,
    pub department_id: Option<i64>,
    /// Only alerts not resolved (open, acknowledged or waived).
    pub unresolved: bool,
}

/// How a list of alerts is ordered; each order has its natural direction, which
/// `reverse` turns round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AlertOrder {
    /// Newest first; a page starts after an alert's id.
    #[default]
    Newest,
    /// Most severe first, then the longest open first: the office's work list.
    Severity,
    Rule,
    Dimension,
    Stage,
    Status,
    /// Longest open first.
    FirstSeen,
    /// Most recently seen first.
    LastSeen,
}

/// The rank of a stored code in SQL, in the order of its one list (red first; an open
/// alert before an acknowledged one; 借 before 用).
fn rank(column: &str, codes: &[&str]) -> sea_orm::sea_query::SimpleExpr {
    let cases: String = codes.iter().enumerate().map(|(i, c)| format!(" WHEN '{c}' THEN {i}")).collect();
    sea_orm::sea_query::Expr::cust(format!("CASE {column}{cases} ELSE {} END", codes.len()))
}

fn severity_rank() -> sea_orm::sea_query::SimpleExpr {
    rank("severity", &Severity::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>())
}

/// Alerts in `order`, a page of `first` after `after`: an alert's id when newest first,
/// the number of alerts already listed in any other order.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &AlertFilter,
    order: AlertOrder,
    reverse: bool,
    first: u64,
    after: Option<i64>,
) -> Result<(Vec<alert::Model>, bool, u64)> {
    use sea_orm::Order::{Asc, Desc};
    use sea_orm::sea_query::{IntoColumnRef, SimpleExpr};
    let mut cond = Condition::all();
    for (column, value) in [
        (alert::Column::Status, &f.status),
        (alert::Column::Severity, &f.severity),
        (alert::Column::Dimension, &f.dimension),
        (alert::Column::Stage, &f.stage),
        (alert::Column::Rule, &f.rule),
    ] {
        if let Some(v) = value {
            cond = cond.add(column.eq(v.as_str()));
        }
    }
    if let Some(p) = f.project_id {
        cond = cond.add(alert::Column::ProjectId.eq(p));
    }
    if f.unresolved {
        cond = cond.add(alert::Column::OpenKey.is_not_null());
    }
    if let Some(d) = f.department_id {
        use crate::ledger::entities::project;
        let in_dept = sea_orm::sea_query::Query::select()
            .column(project::Column::Id)
            .from(project::Entity)
            .and_where(project::Column::DepartmentId.eq(d))
            .to_owned();
        cond = cond.add(
            Condition::any().add(alert::Column::DepartmentId.eq(d)).add(alert::Column::ProjectId.in_subquery(in_dept)),
        );
    }
    let total = alert::Entity::find().filter(cond.clone()).count(db).await?;
    let mut select = alert::Entity::find().filter(cond);
    let col = |c: alert::Column| SimpleExpr::Column(c.into_column_ref());
    let keys: Vec<(SimpleExpr, bool)> = match order {
        AlertOrder::Newest => vec![(col(alert::Column::Id), false)],
        AlertOrder::Severity => {
            vec![(severity_rank(), true), (col(alert::Column::FirstSeenAt), true), (col(alert::Column::Id), true)]
        }
        AlertOrder::Rule | AlertOrder::Dimension | AlertOrder::Stage | AlertOrder::Status => {
            let by = match order {
                AlertOrder::Rule => col(alert::Column::Rule),
                AlertOrder::Dimension => {
                    rank("dimension", &Dimension::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>())
                }
                AlertOrder::Stage => rank("stage", &Stage::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
                _ => rank("status", &AlertStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            };
            vec![(by, true), (severity_rank(), true), (col(alert::Column::Id), true)]
        }
        AlertOrder::FirstSeen => vec![(col(alert::Column::FirstSeenAt), true), (col(alert::Column::Id), true)],
        AlertOrder::LastSeen => vec![(col(alert::Column::LastSeenAt), false), (col(alert::Column::Id), false)],
    };
    for (key, ascending) in keys {
        select = select.order_by(key, if ascending != reverse { Asc } else { Desc });
    }
    match (order, after) {
        (AlertOrder::Newest, Some(id)) if reverse => select = select.filter(alert::Column::Id.gt(id)),
        (AlertOrder::Newest, Some(id)) => select = select.filter(alert::Column::Id.lt(id)),
        (_, Some(offset)) => select = select.offset(offset.max(0) as u64),
        (_, None) => {}
    }
    let mut rows = select.limit(first + 1).all(db).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more, total))
}

/// Open (and acknowledged or waived) alerts counted by dimension and severity; every
/// pair is present, zero included.
pub async fn open_counts(db: &impl ConnectionTrait) -> Result<Vec<(Dimension, Severity, u64)>> {
    let rows: Vec<(String, String, i64)> = alert::Entity::find()
        .select_only()
        .column(alert::Column::Dimension)
        .column(alert::Column::Severity)
        .column_as(sea_orm::sea_query::Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .filter(alert::Column::OpenKey.is_not_null())
        .group_by(alert::Column::Dimension)
        .group_by(alert::Column::Severity)
        .into_tuple()
        .all(db)
        .await?;
    let count = |d: Dimension, s: Severity| {
        rows.iter().find(|(k, v, _)| k == d.as_str() && v == s.as_str()).map(|(_, _, n)| *n as u64).unwrap_or(0)
    };
    Ok(Dimension::ALL.iter().flat_map(|d| Severity::ALL.iter().map(move |s| (*d, *s, count(*d, *s)))).collect())
}
