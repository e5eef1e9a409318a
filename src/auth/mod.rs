//! Who may do what: users and roles, tokens, the caller of a request, department
//! scope, the login rate limit, and the audit trail.
//!
//! Role checks happen once per root field in the API's policy (default deny);
//! department scope is checked by the domain services through [`Caller`], where the
//! project or department being written is known.

pub mod entities;
pub mod tokens;

pub use crate::base::{Caller, Role, audit, limiter};

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set};

use crate::Ctx;
use crate::base::validate::{optional_text, required_text, unique_or};
use crate::db::Unique;
use crate::db::begin_write;
use crate::error::{Error, Result};
use crate::ledger::department_by_code;
use entities::user;

pub struct NewUser {
    pub username: String,
    pub role: Role,
    pub department_code: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
}

fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("cannot hash a password: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .is_ok_and(|parsed| argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Adds a user. A REPORTER needs its department; passwords need 8 characters.
pub async fn add_user(ctx: &Ctx, new: NewUser) -> Result<user::Model> {
    let username = required_text("username", &new.username, 64)?;
    if !username.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c)) {
        return Err(Error::validation("username", "用户名只能使用字母、数字或 '.'、'_'、'-'、'@'"));
    }
    let email = optional_text("email", new.email.as_deref(), 200)?;
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(Error::validation("email", "这不是有效的电子邮件地址"));
    }
    let password_hash = match new.password.as_deref() {
        Some(p) if p.chars().count() < 8 => {
            return Err(Error::validation("password", "密码至少需要 8 个字符"));
        }
        Some(p) => Some(hash_password(p)?),
        None => None,
    };
    let txn = begin_write(&ctx.db).await?;
    let department_id = match new.department_code.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => Some(department_by_code(&txn, "department", code).await?.id),
        None if new.role == Role::Reporter => {
            return Err(Error::validation(
                "department",
                "部门填报人员(REPORTER)须属于一个主管部门:请用 --department 部门代码 指定",
            ));
        }
        None => None,
    };
    let model = user::ActiveModel {
        id: NotSet,
        username: Set(username.clone()),
        password_hash: Set(password_hash),
        role: Set(new.role.as_str().into()),
        department_id: Set(department_id),
        email: Set(email),
        created_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        unique_or(e, Unique::on("users", &["username"]), "username", format!("名为 {username} 的用户已存在"))
    })?;
    audit::record(
        &txn,
        &Caller::system("command line"),
        ctx.clock.now(),
        "addUser",
        Some(username.clone()),
        None::<&()>,
        Some(&serde_json::json!({"username": username, "role": new.role.as_str()})),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn user_by_name(db: &impl ConnectionTrait, username: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find().filter(user::Column::Username.eq(username)).one(db).await?)
}

pub fn caller_of(user: &user::Model) -> Caller {
    Caller {
        username: user.username.clone(),
        role: Role::parse(&user.role).unwrap_or(Role::Researcher),
        department_id: user.department_id,
    }
}

/// A logged-in session: the token (shown once) and when it expires.
pub struct Session {
    pub token: String,
    pub user: user::Model,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Checks a password and opens a session. Failures count against the username and
/// the address; past the limit, even a right password is refused until the window passes.
pub async fn login(ctx: &Ctx, username: &str, password: &str, address: &str) -> Result<Session> {
    let now = ctx.clock.now();
    let keys = [format!("user:{username}"), format!("address:{address}")];
    ctx.login_limiter.attempt(&keys, now)?;
    let user = user_by_name(&ctx.db, username).await?;
    let ok = user.as_ref().and_then(|u| u.password_hash.as_deref()).is_some_and(|h| verify_password(password, h));
    let Some(user) = user.filter(|_| ok) else {
        return Err(Error::Unauthenticated("用户名或密码错误".into()));
    };
    ctx.login_limiter.succeeded(&keys, now);
    let txn = begin_write(&ctx.db).await?;
    let expires_at = Some(now + ctx.settings.auth.session_duration());
    let token = tokens::issue(&txn, user.id, "SESSION", now, expires_at).await?;
    audit::record(
        &txn,
        &caller_of(&user),
        now,
        "login",
        Some(user.username.clone()),
        None::<&()>,
        Some(&serde_json::json!({"address": address})),
    )
    .await?;
    txn.commit().await?;
    Ok(Session { token, user, expires_at })
}
