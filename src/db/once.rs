//! Form keys: a form carries a key made when it was shown; the first post with it claims
//! it, a second (a double click, back and resubmit, on any replica) finds it taken. A
//! post refused by its service releases its key, so the corrected form can be sent again.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set};

use crate::error::Result;

pub mod form_submission {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "form_submissions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub form_key: String,
        pub form: String,
        pub username: String,
        pub submitted_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

/// A fresh key for a form about to be shown.
pub fn new_key() -> String {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Claims `key` for a post of `form`; false when an earlier post holds it.
pub async fn claim(
    db: &impl ConnectionTrait,
    key: &str,
    form: &str,
    username: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let row = form_submission::ActiveModel {
        id: NotSet,
        form_key: Set(key.to_string()),
        form: Set(form.to_string()),
        username: Set(username.to_string()),
        submitted_at: Set(now),
    };
    // Keys of posts a month old are of no more use: a form is not resubmitted after that.
    form_submission::Entity::delete_many()
        .filter(form_submission::Column::SubmittedAt.lt(now - chrono::Duration::days(30)))
        .exec(db)
        .await?;
    match row.insert(db).await {
        Ok(_) => Ok(true),
        Err(e) if super::Unique::on("form_submissions", &["form_key"]).refused(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Gives a key back after its post was refused.
pub async fn release(db: &impl ConnectionTrait, key: &str) -> Result<()> {
    form_submission::Entity::delete_many().filter(form_submission::Column::FormKey.eq(key)).exec(db).await?;
    Ok(())
}
