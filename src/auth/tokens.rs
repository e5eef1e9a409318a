//! Bearer tokens: random, shown once, stored as SHA-256 (they carry 256 bits of
//! randomness, so a slow hash adds nothing), expiring and revocable.

use chrono::{DateTime, Utc};
use rand_core::{OsRng, RngCore};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set};
use sha2::{Digest, Sha256};

use super::entities::{api_token, user};
use super::{Caller, NewUser, Role, add_user, audit, caller_of, user_by_name};
use crate::Ctx;
use crate::db::begin_write;
use crate::error::{Error, Result};

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(super) async fn issue(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: &str,
    now: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<String> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("bw_{}", hex::encode(bytes));
    api_token::ActiveModel {
        id: NotSet,
        user_id: Set(user_id),
        token_hash: Set(digest(&token)),
        kind: Set(kind.into()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Creates an API token for `username`, creating the user (without a password) when
/// there is none yet. Returns the token; it is not stored and cannot be shown again.
pub async fn create_api_token(
    ctx: &Ctx,
    username: &str,
    role: Role,
    department_code: Option<String>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<String> {
    let user = match user_by_name(&ctx.db, username).await? {
        Some(u) if u.role != role.as_str() => {
            return Err(Error::conflict(
                Some("role"),
                format!("用户 {username} 已存在,其角色为 {},而不是 {}", u.role, role.as_str()),
            ));
        }
        Some(u) => u,
        None => {
            add_user(ctx, NewUser { username: username.into(), role, department_code, email: None, password: None })
                .await?
        }
    };
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let token = issue(&txn, user.id, "API", now, expires_at).await?;
    audit::record(
        &txn,
        &Caller::system("command line"),
        now,
        "createToken",
        Some(username.into()),
        None::<&()>,
        Some(&serde_json::json!({"expiresAt": expires_at})),
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Revokes one token, or every token of a user; returns how many were revoked.
pub async fn revoke(ctx: &Ctx, token: Option<&str>, username: Option<&str>) -> Result<u64> {
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let mut update = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::RevokedAt.is_null());
    let subject = match (token, username) {
        (Some(t), _) => {
            update = update.filter(api_token::Column::TokenHash.eq(digest(t)));
            "a token".to_string()
        }
        (None, Some(name)) => {
            let user = user_by_name(&txn, name)
                .await?
                .ok_or_else(|| Error::not_found("username", format!("没有名为 {name} 的用户")))?;
            update = update.filter(api_token::Column::UserId.eq(user.id));
            format!("every token of {name}")
        }
        (None, None) => {
            return Err(Error::validation("token", "请用 --token 令牌 或 --username 用户名 指定要吊销的令牌"));
        }
    };
    let revoked = update.exec(&txn).await?.rows_affected;
    audit::record(
        &txn,
        &Caller::system("command line"),
        now,
        "revokeToken",
        Some(subject),
        None::<&()>,
        Some(&serde_json::json!({"revoked": revoked})),
    )
    .await?;
    txn.commit().await?;
    ctx.tokens.forget_all();
    Ok(revoked)
}

/// The caller a token stands for, if it is known, unexpired and not revoked: remembered
/// for a few seconds once verified (`Ctx::tokens`).
pub async fn authenticate(ctx: &Ctx, token: &str) -> Result<Caller> {
    let hash = digest(token.trim());
    let now = ctx.clock.now();
    let since = match ctx.tokens.get(&hash, now) {
        Ok(caller) => return Ok(caller),
        Err(since) => since,
    };
    let row = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(hash.as_str())).one(&ctx.db).await?;
    let Some(row) = row else {
        return Err(Error::Unauthenticated("此令牌无法识别;请重新登录或申请新的令牌".into()));
    };
    if row.revoked_at.is_some() {
        return Err(Error::Unauthenticated("此令牌已吊销;请重新登录或申请新的令牌".into()));
    }
    if row.expires_at.is_some_and(|at| at <= now) {
        return Err(Error::Unauthenticated("此令牌已过期;请重新登录".into()));
    }
    let user = user::Entity::find_by_id(row.user_id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| Error::Unauthenticated("此令牌所属的用户已不存在".into()))?;
    let caller = caller_of(&user);
    ctx.tokens.put(since, hash, caller.clone(), row.expires_at, now);
    Ok(caller)
}
