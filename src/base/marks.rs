//! Each project's count of recorded changes (issue #19): every write to a project's
//! facts counts one in its own transaction (a write to a bond's allocations counts one
//! for each holder, whose share of its lines may move; the synthetic portfolio's
//! projects start without a mark, as never evaluated), so the sweep can tell which projects
//! changed since it last evaluated them, and the follower re-evaluates them right
//! after. The sweep's side of the row (what it saw, as of when, the next date due)
//! is written by monitoring; only the count lives here, below every domain that writes.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait, NotSet, Set};

use crate::error::Result;

pub mod project_mark {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "project_marks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub project_id: i64,
        /// Changes recorded to the project's facts, ever.
        pub changes: i64,
        /// The count the last evaluation saw; none before the first.
        pub evaluated: Option<i64>,
        /// That evaluation's as-of date.
        pub evaluated_on: Option<Date>,
        /// The fingerprint of the rules and settings it ran with.
        pub rules: Option<String>,
        /// The first date on which time alone could change a rule's result; none when never.
        pub next_due: Option<Date>,
    }
    crate::plain_entity!();
}

/// Counts a change to each of these projects' facts, in the writer's transaction.
pub async fn changed(db: &impl ConnectionTrait, projects: impl IntoIterator<Item = i64>) -> Result<()> {
    use project_mark::{Column, Entity};
    let mut ids: Vec<i64> = projects.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let rows = ids.into_iter().map(|id| new_mark(id, 1));
    let bump = OnConflict::column(Column::ProjectId)
        .value(Column::Changes, Expr::col((Entity, Column::Changes)).add(1))
        .to_owned();
    Entity::insert_many(rows).on_conflict(bump).exec_without_returning(db).await?;
    Ok(())
}

/// A project's first mark, with this many changes counted and no evaluation yet.
pub fn new_mark(project_id: i64, changes: i64) -> project_mark::ActiveModel {
    project_mark::ActiveModel {
        project_id: Set(project_id),
        changes: Set(changes),
        evaluated: NotSet,
        evaluated_on: NotSet,
        rules: NotSet,
        next_due: NotSet,
    }
}
