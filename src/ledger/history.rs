//! The history of what is updated in place (domain.md §4, "as known at a time"): each
//! change of a project's facts, spending plan or revenue forecast stores a version,
//! and closes the one before, so that a replay as known at a moment reads the version
//! current then.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::entities::fact_version;
use crate::error::{Error, Result};

/// What a version holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The project's row (its facts, status and dates).
    Project,
    /// The spending plan's months.
    Plan,
    /// The revenue forecast's years.
    Forecast,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Project => "PROJECT",
            Kind::Plan => "PLAN",
            Kind::Forecast => "FORECAST",
        }
    }
}

/// Stores `body` as the current version of (project, kind) from `now`, closing the last.
pub async fn record(
    db: &impl ConnectionTrait,
    project_id: i64,
    kind: Kind,
    body: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<()> {
    let body = serde_json::to_string(body).map_err(|e| Error::Internal(format!("a version is not JSON: {e}")))?;
    fact_version::Entity::update_many()
        .col_expr(fact_version::Column::SupersededAt, sea_orm::sea_query::Expr::value(now))
        .filter(fact_version::Column::ProjectId.eq(project_id))
        .filter(fact_version::Column::Kind.eq(kind.as_str()))
        .filter(fact_version::Column::SupersededAt.is_null())
        .exec(db)
        .await?;
    fact_version::ActiveModel {
        id: NotSet,
        project_id: Set(project_id),
        kind: Set(kind.as_str().to_string()),
        body: Set(body),
        recorded_at: Set(now),
        superseded_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The versions of these projects current at `at`, by (project, kind): one statement.
/// A project with no version of a kind recorded by then has none here (its rows of
/// before the history began read as they are).
pub async fn current_at(
    db: &impl ConnectionTrait,
    project_ids: &[i64],
    at: DateTime<Utc>,
) -> Result<HashMap<(i64, Kind), String>> {
    if project_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = fact_version::Entity::find()
        .filter(fact_version::Column::ProjectId.is_in(project_ids.iter().copied()))
        .filter(fact_version::Column::RecordedAt.lte(at))
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for v in rows.into_iter().filter(|v| v.superseded_at.is_none_or(|s| s > at)) {
        let kind = match v.kind.as_str() {
            "PROJECT" => Kind::Project,
            "PLAN" => Kind::Plan,
            "FORECAST" => Kind::Forecast,
            other => return Err(Error::Internal(format!("fact version {} has an unknown kind '{other}'", v.id))),
        };
        out.insert((v.project_id, kind), v.body);
    }
    Ok(out)
}

/// A version's body read back.
pub fn parse<T: DeserializeOwned>(body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|e| Error::Internal(format!("a stored version cannot be read: {e}")))
}
