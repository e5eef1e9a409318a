//! The audit trail: who changed what, when, with the values before and after,
//! written in the same transaction as the change. There is no way to edit or
//! delete it through the API.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

use super::Caller;
use crate::error::Result;

pub mod audit_entry {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub username: String,
        pub operation: String,
        pub subject: Option<String>,
        pub before: Option<String>,
        pub after: Option<String>,
    }
    crate::plain_entity!();
}

pub async fn record<B: Serialize + ?Sized, A: Serialize + ?Sized>(
    db: &impl ConnectionTrait,
    caller: &Caller,
    at: DateTime<Utc>,
    operation: &str,
    subject: Option<String>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    audit_entry::ActiveModel {
        id: NotSet,
        at: Set(at),
        username: Set(caller.username.clone()),
        operation: Set(operation.into()),
        subject: Set(subject),
        before: Set(before.map(to_json)),
        after: Set(after.map(to_json)),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"unserializable\":\"{e}\"}}"))
}

#[derive(Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub operation: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first, after the id `after`.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    first: u64,
    after: Option<i64>,
) -> Result<(Vec<audit_entry::Model>, bool, u64)> {
    let mut select = audit_entry::Entity::find();
    if let Some(u) = &filter.username {
        select = select.filter(audit_entry::Column::Username.eq(u.as_str()));
    }
    if let Some(o) = &filter.operation {
        select = select.filter(audit_entry::Column::Operation.eq(o.as_str()));
    }
    if let Some(from) = filter.from {
        select = select.filter(audit_entry::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(audit_entry::Column::At.lte(to));
    }
    let total = select.clone().count(db).await?;
    if let Some(after) = after {
        select = select.filter(audit_entry::Column::Id.lt(after));
    }
    let mut rows = select.order_by_desc(audit_entry::Column::Id).limit(first + 1).all(db).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more, total))
}
