//! Alerts with their history, the rule catalogue, a sweep's result, and the runs of the
//! scheduled jobs.

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::{Bond, Department, Indicator, Project, Stage, load_many, load_opt, loaders, stored};
use crate::api::error::GqlResult;
use crate::api::scalars::DateTimeScalar;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::monitoring::Severity")]
pub enum Severity {
    Red,
    Orange,
    Yellow,
    Blue,
}

/// 决策 管理 产出 可持续性.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::monitoring::Dimension")]
pub enum Dimension {
    Decision,
    Management,
    Output,
    Sustainability,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Resolved,
    Waived,
}

pub struct Alert(pub crate::monitoring::store::alert::Model);

#[Object]
impl Alert {
    async fn id(&self) -> async_graphql::ID {
        if self.0.id == 0 { format!("preview:{}:{}", self.0.rule, self.0.subject_key).into() } else { self.0.id.into() }
    }
    /// D1..S7 or a data-check id C1..C5.
    async fn rule(&self) -> &str {
        &self.0.rule
    }
    async fn dimension(&self) -> GqlResult<Dimension> {
        stored(&self.0.dimension, "alert dimension")
    }
    async fn stage(&self) -> GqlResult<Stage> {
        stored(&self.0.stage, "alert stage")
    }
    async fn severity(&self) -> GqlResult<Severity> {
        stored(&self.0.severity, "alert severity")
    }
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Option<Project>> {
        match self.0.project_id {
            Some(id) => Ok(load_opt(&loaders(ctx).project, id).await?.map(Project)),
            None => Ok(None),
        }
    }
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Option<Bond>> {
        match self.0.bond_id {
            Some(id) => Ok(load_opt(&loaders(ctx).bond, id).await?.map(Bond)),
            None => Ok(None),
        }
    }
    /// The department of the alert, or of its project. Null for the subject of a
    /// check an import did not write (a dry run).
    async fn department(&self, ctx: &Context<'_>) -> GqlResult<Option<Department>> {
        let id = match (self.0.department_id, self.0.project_id) {
            (Some(d), _) => Some(d),
            (None, Some(p)) => load_opt(&loaders(ctx).project, p).await?.map(|p| p.department_id),
            _ => None,
        };
        match id {
            Some(id) => Ok(load_opt(&loaders(ctx).department, id).await?.map(Department)),
            None => Ok(None),
        }
    }
    async fn indicator(&self, ctx: &Context<'_>) -> GqlResult<Option<Indicator>> {
        match self.0.indicator_id {
            Some(id) => Ok(load_opt(&loaders(ctx).indicator, id).await?.map(|row| Indicator { row, target: None })),
            None => Ok(None),
        }
    }
    /// In Chinese, for a manager to act on.
    async fn message(&self) -> &str {
        &self.0.message
    }
    async fn measured(&self) -> Option<&str> {
        self.0.measured.as_deref()
    }
    async fn threshold(&self) -> Option<&str> {
        self.0.threshold.as_deref()
    }
    /// JSON of the figures used.
    async fn evidence(&self) -> &str {
        &self.0.evidence
    }
    async fn status(&self) -> GqlResult<AlertStatus> {
        stored(&self.0.status, "alert status")
    }
    async fn first_seen_at(&self) -> DateTimeScalar {
        DateTimeScalar(self.0.first_seen_at)
    }
    async fn last_seen_at(&self) -> DateTimeScalar {
        DateTimeScalar(self.0.last_seen_at)
    }
    async fn resolved_at(&self) -> Option<DateTimeScalar> {
        self.0.resolved_at.map(DateTimeScalar)
    }
    /// Its life, oldest first: raised, updated, acknowledged (with the note), waived
    /// (with the reason), reopened, resolved — and by whom.
    async fn history(&self, ctx: &Context<'_>) -> GqlResult<Vec<AlertEvent>> {
        let mut rows = load_many(&loaders(ctx).events_by_alert, self.0.id).await?;
        rows.sort_by_key(|e| e.id);
        Ok(rows.into_iter().map(AlertEvent).collect())
    }
}

pub struct AlertEvent(pub crate::monitoring::store::alert_event::Model);

#[Object]
impl AlertEvent {
    /// RAISED, UPDATED, ACKNOWLEDGED, WAIVED, REOPENED or RESOLVED.
    async fn event(&self) -> &str {
        &self.0.event
    }
    async fn at(&self) -> DateTimeScalar {
        DateTimeScalar(self.0.at)
    }
    /// Who: a user, or the sweep.
    async fn username(&self) -> &str {
        &self.0.username
    }
    /// The note of an acknowledgement or the reason of a waiver.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

#[derive(SimpleObject)]
pub struct AlertRule {
    pub id: String,
    pub dimension: Dimension,
    pub stage: Stage,
    pub title: String,
    pub enabled: bool,
    /// `key=value` pairs from jobs/rules.toml.
    pub thresholds: String,
}

#[derive(SimpleObject)]
pub struct SweepResult {
    pub projects: i32,
    pub raised: i32,
    pub updated: i32,
    pub resolved: i32,
    pub millis: i32,
}

pub struct JobRun(pub crate::jobs::job_run::Model);

#[Object]
impl JobRun {
    async fn job(&self) -> &str {
        &self.0.job
    }
    async fn scheduled_for(&self) -> DateTimeScalar {
        DateTimeScalar(self.0.scheduled_for)
    }
    async fn started_at(&self) -> Option<DateTimeScalar> {
        self.0.started_at.map(DateTimeScalar)
    }
    async fn finished_at(&self) -> Option<DateTimeScalar> {
        self.0.finished_at.map(DateTimeScalar)
    }
    /// RUNNING, SUCCEEDED, FAILED or SKIPPED.
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }
    /// The replica that ran it (its host and process).
    async fn claimed_by(&self) -> &str {
        &self.0.claimed_by
    }
    /// The last beat of the replica while it ran.
    async fn heartbeat_at(&self) -> Option<DateTimeScalar> {
        self.0.heartbeat_at.map(DateTimeScalar)
    }
}

/// A finding shown as an alert that is not stored (previewAlerts).
pub fn preview_alert(f: crate::monitoring::Finding, now: chrono::DateTime<chrono::Utc>) -> Alert {
    let def = crate::monitoring::catalogue::rule(f.rule);
    Alert(crate::monitoring::store::alert::Model {
        id: 0,
        rule: f.rule.into(),
        dimension: def.map(|d| d.dimension.as_str()).unwrap_or("DECISION").into(),
        stage: def.map(|d| d.stage).unwrap_or("BORROWING").into(),
        severity: f.severity.as_str().into(),
        project_id: f.subject.project_id,
        bond_id: f.subject.bond_id,
        department_id: f.subject.department_id,
        indicator_id: f.subject.indicator_id,
        subject_key: f.subject.key(),
        open_key: None,
        message: f.message,
        measured: f.measured,
        threshold: f.threshold,
        evidence: f.evidence.to_string(),
        status: crate::codes::AlertStatus::Open.as_str().into(),
        first_seen_at: now,
        last_seen_at: now,
        resolved_at: None,
        note: None,
    })
}
