//! Delivering the outbox: rows are claimed under a lease (a compare-and-set on the
//! row, so two replicas never send the same claim), sent over SMTP with lettre —
//! or written as `.eml` files when no SMTP server is configured — marked sent after
//! the server accepts, retried with backoff, and failed for good on a permanent
//! error or after the last attempt. Secrets in the SMTP URL are never logged.

use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};

use super::{outbox, subscription};
use crate::Ctx;
use crate::config::MailSettings;
use crate::error::{Error, Result};

/// A claim lasts this long; a sender that dies holding one loses it after.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(5);
pub const MAX_ATTEMPTS: i32 = 6;

/// The wait before attempt `n + 1`: 1, 2, 4, 8, 16 minutes.
pub fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::minutes(1 << (attempts.clamp(1, 5) - 1))
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(std::path::PathBuf),
}

/// `tls=starttls` is the office's word for lettre's `tls=required`.
fn lettre_url(url: &str) -> String {
    url.replace("tls=starttls", "tls=required")
}

/// Where mail goes, for the start-up log: the host, never the credentials.
pub fn describe(settings: &MailSettings) -> String {
    match &settings.smtp_url {
        Some(url) => {
            let host = url.split('@').next_back().unwrap_or(url).split('?').next().unwrap_or("");
            format!("SMTP at {}", host.trim_start_matches("smtp://").trim_start_matches("smtps://"))
        }
        None => format!("no SMTP configured: digests are written as .eml files to {}", settings.mail_dir.display()),
    }
}

fn transport(settings: &MailSettings) -> Result<Transport> {
    match &settings.smtp_url {
        Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url(url))
            .map(|b| Transport::Smtp(b.timeout(Some(std::time::Duration::from_secs(20))).build()))
            .map_err(|e| Error::Internal(format!("BONDWATCH_SMTP_URL 不是可用的 SMTP 地址:{e}"))),
        None => Ok(Transport::Files(settings.mail_dir.clone())),
    }
}

fn message(settings: &MailSettings, row: &outbox::Model, to: &subscription::Model) -> Result<Message> {
    let from: Mailbox = settings
        .mail_from
        .parse()
        .map_err(|e| Error::Internal(format!("BONDWATCH_MAIL_FROM 不是有效的邮件地址:{e}")))?;
    let to: Mailbox = format!("{} <{}>", to.recipient.replace(['<', '>', '"'], ""), to.email)
        .parse()
        .or_else(|_| to.email.parse())
        .map_err(|e| Error::Internal(format!("收件人地址 {} 无效:{e}", to.email)))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(&row.subject)
        .message_id(Some(row.message_id.clone()))
        .multipart(MultiPart::alternative_plain_html(row.text_body.clone(), row.html_body.clone()))
        .map_err(|e| Error::Internal(format!("无法生成预警摘要邮件:{e}")))
}

/// Sends; `Err((permanent, reason))` on failure.
async fn send(t: &Transport, msg: Message, row: &outbox::Model) -> std::result::Result<(), (bool, String)> {
    match t {
        Transport::Smtp(smtp) => smtp.send(msg).await.map(|_| ()).map_err(|e| (e.is_permanent(), e.to_string())),
        Transport::Files(dir) => {
            let name = format!("{}.eml", row.message_id.trim_matches(['<', '>']).replace(['@', '/'], "_"));
            std::fs::create_dir_all(dir)
                .and_then(|_| std::fs::write(dir.join(name), msg.formatted()))
                .map_err(|e| (false, format!("无法写入 {}:{e}", dir.display())))
        }
    }
}

/// Claims a row: PENDING and due, or SENDING with an expired lease.
async fn claim(ctx: &Ctx, row: &outbox::Model, now: DateTime<Utc>) -> Result<bool> {
    let due = Condition::any()
        .add(Condition::all().add(outbox::Column::Status.eq("PENDING")).add(outbox::Column::NextAttemptAt.lte(now)))
        .add(Condition::all().add(outbox::Column::Status.eq("SENDING")).add(outbox::Column::LeaseUntil.lt(now)));
    let claimed = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("SENDING"))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(now + LEASE))
        .col_expr(outbox::Column::Attempts, Expr::value(row.attempts + 1))
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::Attempts.eq(row.attempts))
        .filter(due)
        .exec(&ctx.db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// The rows a sender may claim now.
pub async fn due(ctx: &Ctx, now: DateTime<Utc>) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(outbox::Column::Status.eq("PENDING"))
                        .add(outbox::Column::NextAttemptAt.lte(now)),
                )
                .add(
                    Condition::all().add(outbox::Column::Status.eq("SENDING")).add(outbox::Column::LeaseUntil.lt(now)),
                ),
        )
        .all(&ctx.db)
        .await?)
}

/// Claims one row and returns it as claimed, if this sender got it.
pub async fn claim_one(ctx: &Ctx, row: &outbox::Model) -> Result<Option<outbox::Model>> {
    let now = ctx.clock.now();
    if !claim(ctx, row, now).await? {
        return Ok(None);
    }
    Ok(outbox::Entity::find_by_id(row.id).one(&ctx.db).await?)
}

/// Delivers every digest that is due: claim, send, mark.
pub async fn deliver_due(ctx: &Ctx) -> Result<Delivered> {
    let settings = &ctx.settings.mail;
    let t = transport(settings)?;
    let mut delivered = Delivered::default();
    for row in due(ctx, ctx.clock.now()).await? {
        let Some(row) = claim_one(ctx, &row).await? else { continue };
        let Some(sub) = subscription::Entity::find_by_id(row.subscription_id).one(&ctx.db).await? else { continue };
        let outcome = match message(settings, &row, &sub) {
            Ok(msg) => send(&t, msg, &row).await,
            Err(e) => Err((true, e.to_string())),
        };
        let now = ctx.clock.now();
        let mut active: outbox::ActiveModel = row.clone().into();
        active.lease_until = Set(None);
        match outcome {
            Ok(()) => {
                active.status = Set("SENT".into());
                active.sent_at = Set(Some(now));
                active.last_error = Set(None);
                delivered.sent += 1;
            }
            Err((permanent, reason)) if permanent || row.attempts >= MAX_ATTEMPTS => {
                tracing::warn!(digest = row.id, attempts = row.attempts, "digest failed for good: {reason}");
                active.status = Set("FAILED".into());
                active.last_error = Set(Some(reason));
                delivered.failed += 1;
            }
            Err((_, reason)) => {
                tracing::info!(digest = row.id, attempts = row.attempts, "digest not delivered, will retry: {reason}");
                active.status = Set("PENDING".into());
                active.next_attempt_at = Set(now + backoff(row.attempts));
                active.last_error = Set(Some(reason));
                delivered.retrying += 1;
            }
        }
        active.update(&ctx.db).await?;
    }
    Ok(delivered)
}
