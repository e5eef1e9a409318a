//! The research panel: every project's figures on one date (domain.md §4a), paged by
//! project code. Its filters on status, stage and open alerts are read as of that
//! date, so they are applied to the figures, not to today's columns: a page scans
//! chunks of projects (a fixed number of statements each) until it is full.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::Severity;
use super::store::alert;
use crate::clock::shanghai_date;
use crate::config::DebtSettings;
use crate::error::Result;
use crate::facts::load_projects_known;
use crate::figures::{ProjectFigures, project_figures};
use crate::ledger::entities::project;
use crate::ledger::projects::{ProjectStatus, Stage};
use crate::ledger::queries::{ProjectFilter, list_projects};

/// What a panel is filtered by on its date.
#[derive(Clone, Default)]
pub struct PanelFilter {
    /// Department, category and search: read from the projects as they are.
    pub projects: ProjectFilter,
    pub status: Option<ProjectStatus>,
    pub stage: Option<Stage>,
    /// An alert of at least this severity open on the date (seen by then, not resolved by then).
    pub has_open_alert: Option<Severity>,
}

impl PanelFilter {
    fn on_the_date(&self) -> bool {
        self.status.is_some() || self.stage.is_some() || self.has_open_alert.is_some()
    }
}

pub struct Panel {
    pub rows: Vec<(project::Model, ProjectFigures)>,
    pub more: bool,
    /// Projects matching the filter, when asked for (it scans them all when a filter is read on the date).
    pub total: u64,
}

/// A page of `first` projects' figures as of `as_of`, after the code `after`.
pub async fn panel(
    db: &impl ConnectionTrait,
    settings: &DebtSettings,
    filter: &PanelFilter,
    (as_of, known_at): (NaiveDate, Option<DateTime<Utc>>),
    first: u64,
    after: Option<&str>,
    count: bool,
) -> Result<Panel> {
    let mut sql = filter.projects.clone();
    (sql.status, sql.stage, sql.has_open_alert) = (None, None, None);
    let mut rows = Vec::new();
    let mut more = false;
    let mut total = 0;
    let mut cursor = after.map(str::to_string);
    loop {
        let (chunk, chunk_more, _) = list_projects(db, &sql, as_of, first.max(50), cursor.as_deref(), false).await?;
        cursor = chunk.last().map(|p| p.code.clone());
        let matched = matching(db, settings, filter, chunk, (as_of, known_at)).await?;
        total += matched.len() as u64;
        for row in matched {
            if rows.len() as u64 == first {
                more = true;
            } else {
                rows.push(row);
            }
        }
        let full = more && !count;
        if !chunk_more || full {
            break;
        }
    }
    if count && !filter.on_the_date() {
        total = list_projects(db, &sql, as_of, 1, None, true).await?.2;
    } else if count && after.is_some() {
        // The total counts the whole filter, not what follows the cursor.
        total = Box::pin(panel(db, settings, filter, (as_of, known_at), first, None, true)).await?.total;
    }
    Ok(Panel { rows, more, total })
}

/// The figures of a chunk of projects, kept where the date's filters hold.
async fn matching(
    db: &impl ConnectionTrait,
    settings: &DebtSettings,
    filter: &PanelFilter,
    chunk: Vec<project::Model>,
    (as_of, known_at): (NaiveDate, Option<DateTime<Utc>>),
) -> Result<Vec<(project::Model, ProjectFigures)>> {
    // As known at T, a project registered later did not exist yet.
    let chunk: Vec<project::Model> = chunk.into_iter().filter(|p| known_at.is_none_or(|t| p.created_at <= t)).collect();
    let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
    let open: HashMap<i64, Severity> = match filter.has_open_alert {
        Some(_) => open_alerts_on(db, &ids, as_of, known_at).await?,
        None => HashMap::new(),
    };
    let facts = load_projects_known(db, settings, chunk, known_at).await?;
    Ok(facts
        .into_iter()
        .map(|f| {
            let figures = project_figures(&f, as_of);
            (f.project, figures)
        })
        .filter(|(p, x)| {
            filter.status.is_none_or(|s| s == x.status)
                && filter.stage.is_none_or(|s| s == x.stage)
                && filter.has_open_alert.is_none_or(|least| open.get(&p.id).is_some_and(|worst| *worst <= least))
        })
        .collect())
}

/// The most severe alert of each project open on `on` (Asia/Shanghai days): first seen
/// by then and not resolved by then (and, as known at T, first seen by T).
async fn open_alerts_on(
    db: &impl ConnectionTrait,
    ids: &[i64],
    on: NaiveDate,
    known_at: Option<DateTime<Utc>>,
) -> Result<HashMap<i64, Severity>> {
    let alerts = alert::Entity::find().filter(alert::Column::ProjectId.is_in(ids.iter().copied())).all(db).await?;
    let mut worst: HashMap<i64, Severity> = HashMap::new();
    for a in alerts {
        let seen = shanghai_date(a.first_seen_at) <= on && known_at.is_none_or(|t| a.first_seen_at <= t);
        let resolved = a.resolved_at.is_some_and(|r| shanghai_date(r) <= on && known_at.is_none_or(|t| r <= t));
        let open = seen && !resolved;
        if let (true, Some(project), Some(severity)) = (open, a.project_id, Severity::parse(&a.severity)) {
            let entry = worst.entry(project).or_insert(severity);
            *entry = (*entry).min(severity);
        }
    }
    Ok(worst)
}
