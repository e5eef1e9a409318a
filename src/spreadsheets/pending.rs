//! Workbooks uploaded from the dashboard for a dry run, kept in the database until the
//! clerk confirms (or a day passes): a confirmation that reaches another replica finds
//! the same bytes, and what is imported is exactly what was checked.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set};

use crate::Ctx;
use crate::base::Caller;
use crate::error::{Error, Result};

pub mod pending_upload {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pending_uploads")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub token: String,
        pub username: String,
        pub file_name: String,
        pub content: Vec<u8>,
        pub uploaded_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

/// How long an upload waits for its confirmation.
const KEPT_FOR: chrono::Duration = chrono::Duration::hours(24);

/// Keeps an upload for `caller`; its token names it in the confirmation. Uploads older
/// than a day are dropped on the way.
pub async fn keep(ctx: &Ctx, caller: &Caller, file_name: &str, content: Vec<u8>) -> Result<String> {
    let now = ctx.clock.now();
    pending_upload::Entity::delete_many()
        .filter(pending_upload::Column::UploadedAt.lt(now - KEPT_FOR))
        .exec(&ctx.db)
        .await?;
    let token = crate::db::once::new_key();
    pending_upload::ActiveModel {
        id: NotSet,
        token: Set(token.clone()),
        username: Set(caller.username.clone()),
        file_name: Set(file_name.chars().take(200).collect()),
        content: Set(content),
        uploaded_at: Set(now),
    }
    .insert(&ctx.db)
    .await?;
    Ok(token)
}

/// The upload `token` names, when it is `caller`'s and still kept.
pub async fn find(ctx: &Ctx, caller: &Caller, token: &str) -> Result<pending_upload::Model> {
    let found = pending_upload::Entity::find()
        .filter(pending_upload::Column::Token.eq(token))
        .filter(pending_upload::Column::Username.eq(caller.username.as_str()))
        .filter(pending_upload::Column::UploadedAt.gte(ctx.clock.now() - KEPT_FOR))
        .one(&ctx.db)
        .await?;
    found.ok_or_else(|| {
        Error::not_found("upload", "找不到待确认的上传文件(已导入、已超过一天或不是您上传的);请重新上传")
    })
}

/// Drops an upload once imported.
pub async fn drop_upload(db: &impl ConnectionTrait, id: i64) -> Result<()> {
    pending_upload::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
