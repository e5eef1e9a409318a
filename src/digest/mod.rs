//! Alert digests for managers (预警摘要): subscriptions, composing a digest in
//! Chinese (plain text and HTML), and the outbox it is delivered from. A digest is
//! written to the outbox once per (subscription, period), in the same transaction
//! as its content; [`mail`] sends it at least once, with a stable Message-ID, so the
//! one resend a crash can force is recognisably the same message.

mod body;
pub mod mail;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, Set};
use sha2::{Digest as _, Sha256};

use crate::Ctx;
use crate::base::{Caller, Role};
use crate::db::{Money, begin_write};
use crate::error::{Error, Result};
use crate::ledger::entities::{department, project};
use crate::ledger::{department_by_code, required_text};
use crate::monitoring::Severity;
use crate::monitoring::store::alert;
use body::{Body, Item};

pub mod subscription {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "digest_subscriptions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub recipient: String,
        pub email: String,
        /// JSON array of department codes; empty for the whole portfolio.
        pub department_codes: String,
        pub min_severity: String,
        pub job: String,
        pub paused: bool,
        /// Send a short "no new alerts" digest when there is nothing to report.
        pub send_empty: bool,
        /// False once unsubscribed (kept: its deliveries point at it).
        pub active: bool,
        pub user_id: Option<i64>,
        pub created_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod outbox {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "digest_outbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub subscription_id: i64,
        /// The scheduled slot the digest covers up to, RFC 3339.
        pub period: String,
        pub message_id: String,
        pub subject: String,
        pub text_body: String,
        pub html_body: String,
        /// PENDING, SENDING (claimed under a lease), SENT or FAILED (permanently).
        pub status: String,
        pub attempts: i32,
        pub last_error: Option<String>,
        pub next_attempt_at: DateTimeUtc,
        pub lease_until: Option<DateTimeUtc>,
        pub sent_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub struct SubscriptionInput {
    pub recipient: String,
    pub email: String,
    pub department_codes: Vec<String>,
    pub min_severity: Severity,
    pub job: String,
    pub send_empty: bool,
}

async fn user_id_of(ctx: &Ctx, caller: &Caller) -> Result<Option<i64>> {
    Ok(crate::auth::user_by_name(&ctx.db, &caller.username).await?.map(|u| u.id))
}

async fn check_input(ctx: &Ctx, input: &SubscriptionInput) -> Result<String> {
    required_text("input.recipient", &input.recipient, 100)?;
    let email = input.email.trim();
    if !email.contains('@') || email.parse::<lettre::Address>().is_err() {
        return Err(Error::validation("input.email", format!("“{email}”不是有效的电子邮件地址")));
    }
    for (i, code) in input.department_codes.iter().enumerate() {
        department_by_code(&ctx.db, &format!("input.departmentCodes[{i}]"), code).await?;
    }
    let digest_jobs: Vec<&str> = ctx
        .schedule
        .iter()
        .filter(|j| j.kind == crate::config::schedule::JobKind::Digest)
        .map(|j| j.name.as_str())
        .collect();
    if !digest_jobs.contains(&input.job.as_str()) {
        return Err(Error::validation(
            "input.job",
            format!("“{}”不是 jobs/schedule.toml 中的预警摘要任务;请填写 {}", input.job, digest_jobs.join(" 或 ")),
        ));
    }
    Ok(serde_json::to_string(&input.department_codes).unwrap_or_else(|_| "[]".into()))
}

/// The subscription, if the caller may manage it: ADMIN any, a MANAGER its own.
pub async fn owned(ctx: &Ctx, caller: &Caller, id: i64) -> Result<subscription::Model> {
    let sub = subscription::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|s| s.active)
        .ok_or_else(|| Error::not_found("id", format!("没有 id 为 {id} 的预警摘要订阅")))?;
    if caller.role != Role::Admin && sub.user_id != user_id_of(ctx, caller).await? {
        return Err(Error::Forbidden(format!("预警摘要订阅 {id} 不属于用户 {};只能管理自己的订阅", caller.username)));
    }
    Ok(sub)
}

pub async fn subscribe(ctx: &Ctx, caller: &Caller, input: SubscriptionInput) -> Result<subscription::Model> {
    let codes = check_input(ctx, &input).await?;
    let user_id = if caller.role == Role::Manager { user_id_of(ctx, caller).await? } else { None };
    let txn = begin_write(&ctx.db).await?;
    let created = subscription::ActiveModel {
        id: NotSet,
        recipient: Set(input.recipient.trim().into()),
        email: Set(input.email.trim().into()),
        department_codes: Set(codes),
        min_severity: Set(input.min_severity.as_str().into()),
        job: Set(input.job),
        paused: Set(false),
        send_empty: Set(input.send_empty),
        active: Set(true),
        user_id: Set(user_id),
        created_at: Set(ctx.clock.now()),
    }
    .insert(&txn)
    .await?;
    crate::ledger::audit(&txn, ctx, caller, "subscribeDigest", created.id.to_string(), None::<&()>, Some(&created))
        .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn update(ctx: &Ctx, caller: &Caller, id: i64, input: SubscriptionInput) -> Result<subscription::Model> {
    let before = owned(ctx, caller, id).await?;
    let codes = check_input(ctx, &input).await?;
    let txn = begin_write(&ctx.db).await?;
    let mut active: subscription::ActiveModel = before.clone().into();
    active.recipient = Set(input.recipient.trim().into());
    active.email = Set(input.email.trim().into());
    active.department_codes = Set(codes);
    active.min_severity = Set(input.min_severity.as_str().into());
    active.job = Set(input.job);
    active.send_empty = Set(input.send_empty);
    let after = active.update(&txn).await?;
    crate::ledger::audit(&txn, ctx, caller, "updateDigestSubscription", id.to_string(), Some(&before), Some(&after))
        .await?;
    txn.commit().await?;
    Ok(after)
}

/// Pauses (or resumes) a subscription, or ends it (`active` false); history stays.
pub async fn set_flags(
    ctx: &Ctx,
    caller: &Caller,
    id: i64,
    paused: Option<bool>,
    end: bool,
) -> Result<subscription::Model> {
    let before = owned(ctx, caller, id).await?;
    let txn = begin_write(&ctx.db).await?;
    let mut active: subscription::ActiveModel = before.clone().into();
    if let Some(p) = paused {
        active.paused = Set(p);
    }
    if end {
        active.active = Set(false);
    }
    let after = active.update(&txn).await?;
    let operation = if end { "unsubscribeDigest" } else { "pauseDigestSubscription" };
    crate::ledger::audit(&txn, ctx, caller, operation, id.to_string(), Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

/// The subscriptions the caller may see: all for ADMIN, its own for a MANAGER.
pub async fn list(ctx: &Ctx, caller: &Caller) -> Result<Vec<subscription::Model>> {
    let mut select = subscription::Entity::find()
        .filter(subscription::Column::Active.eq(true))
        .order_by_asc(subscription::Column::Id);
    if caller.role != Role::Admin {
        select = select.filter(subscription::Column::UserId.eq(user_id_of(ctx, caller).await?));
    }
    Ok(select.all(&ctx.db).await?)
}

pub fn departments_of(sub: &subscription::Model) -> Vec<String> {
    serde_json::from_str(&sub.department_codes).unwrap_or_default()
}

/// One digest, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Composes the digest for `(since, until]`; none when there is nothing to report
/// and the subscription does not want an empty digest.
pub async fn compose(
    ctx: &Ctx,
    sub: &subscription::Model,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<Digest>> {
    let min = Severity::parse(&sub.min_severity).unwrap_or(Severity::Yellow);
    let scope = departments_of(sub);
    let departments: BTreeMap<i64, department::Model> =
        department::Entity::find().all(&ctx.db).await?.into_iter().map(|d| (d.id, d)).collect();
    let projects: BTreeMap<i64, project::Model> =
        project::Entity::find().all(&ctx.db).await?.into_iter().map(|p| (p.id, p)).collect();
    let dept_of = |a: &alert::Model| {
        a.project_id
            .and_then(|p| projects.get(&p))
            .map(|p| p.department_id)
            .or(a.department_id)
            .and_then(|d| departments.get(&d))
    };
    let in_scope = |a: &alert::Model| {
        Severity::parse(&a.severity).is_some_and(|s| s <= min)
            && (scope.is_empty() || dept_of(a).is_some_and(|d| scope.contains(&d.code)))
    };
    let alerts = alerts_touching(ctx, since).await?;
    let raised: Vec<&alert::Model> =
        alerts.iter().filter(|a| a.first_seen_at > since && a.first_seen_at <= until && in_scope(a)).collect();
    let resolved: Vec<&alert::Model> =
        alerts.iter().filter(|a| a.resolved_at.is_some_and(|r| r > since && r <= until) && in_scope(a)).collect();
    let open_severe: Vec<&alert::Model> = alerts
        .iter()
        .filter(|a| {
            a.open_key.is_some()
                && [Severity::Red, Severity::Orange].iter().any(|s| s.as_str() == a.severity)
                && in_scope(a)
        })
        .collect();
    let today = until.with_timezone(&crate::clock::OFFICE_TZ).date_naive();
    let due = due_within_90_days(ctx, today, &scope, &projects, &departments).await?;
    let owed =
        |days: i64| -> Money { due.iter().filter(|(d, _)| *d <= days).map(|(_, l)| l.line.total() - l.paid).sum() };
    let (d30, d60, d90) = (owed(30), owed(60), owed(90));
    if raised.is_empty() && resolved.is_empty() && open_severe.is_empty() && due.is_empty() && !sub.send_empty {
        return Ok(None);
    }
    let subject = subject_of(&raised, &resolved, &open_severe);
    let base_url = ctx.settings.mail.base_url();
    let base = base_url.trim_end_matches('/');
    let item = |a: &alert::Model| Item {
        severity: Severity::parse(&a.severity),
        rule: a.rule.clone(),
        project: a.project_id.and_then(|p| projects.get(&p)).map(|p| (p.name.clone(), p.code.clone())),
        message: a.message.clone(),
    };
    let group = |list: &[&alert::Model]| -> BTreeMap<String, Vec<Item>> {
        let mut by: BTreeMap<String, Vec<Item>> = BTreeMap::new();
        for a in list {
            let dept = dept_of(a).map(|d| d.name.clone()).unwrap_or_else(|| "全区".into());
            by.entry(dept).or_default().push(item(a));
        }
        by
    };
    let by_project = owed_by_project(&due, &projects);
    let body = Body {
        recipient: &sub.recipient,
        until: until.with_timezone(&crate::clock::OFFICE_TZ).format("%Y-%m-%d %H:%M").to_string(),
        sections: vec![
            ("一、新增预警", group(&raised)),
            ("二、已解除预警", group(&resolved)),
            ("三、尚未处理的红色、橙色预警", group(&open_severe)),
        ],
        counts: [raised.len(), resolved.len(), open_severe.len()],
        owed: [d30, d60, d90],
        by_project,
        base,
    };
    Ok(Some(Digest { subject, text: body.text(), html: body.html() }))
}

/// The alerts a digest from `since` may list: raised or resolved since then, or still
/// open; by id.
async fn alerts_touching(ctx: &Ctx, since: DateTime<Utc>) -> Result<Vec<alert::Model>> {
    Ok(alert::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(alert::Column::FirstSeenAt.gt(since))
                .add(alert::Column::ResolvedAt.gt(since))
                .add(alert::Column::OpenKey.is_not_null()),
        )
        .order_by_asc(alert::Column::Id)
        .all(&ctx.db)
        .await?)
}

/// The debt service lines of the projects in `scope` (all when empty) due within 90 days
/// of `today` and not paid in full, each with its days to go.
async fn due_within_90_days(
    ctx: &Ctx,
    today: chrono::NaiveDate,
    scope: &[String],
    projects: &BTreeMap<i64, project::Model>,
    departments: &BTreeMap<i64, department::Model>,
) -> Result<Vec<(i64, crate::debt::ServiceLine)>> {
    let mut due: Vec<(i64, crate::debt::ServiceLine)> = Vec::new();
    let lines = crate::debt::lines_due(ctx, today, today + chrono::Duration::days(90), None).await?;
    for l in lines {
        let Some(p) = l.project_id.and_then(|p| projects.get(&p)) else { continue };
        let code = departments.get(&p.department_id).map(|d| d.code.clone()).unwrap_or_default();
        if (scope.is_empty() || scope.contains(&code)) && l.paid < l.line.total() {
            due.push(((l.line.due - today).num_days(), l));
        }
    }
    Ok(due)
}

/// What is still owed on the lines `due`, project by project (name, code).
fn owed_by_project(
    due: &[(i64, crate::debt::ServiceLine)],
    projects: &BTreeMap<i64, project::Model>,
) -> BTreeMap<(String, String), Money> {
    let mut by_project: BTreeMap<(String, String), Money> = BTreeMap::new();
    for (_, l) in due {
        if let Some(p) = l.project_id.and_then(|p| projects.get(&p)) {
            let owed = by_project.entry((p.name.clone(), p.code.clone())).or_default();
            *owed = *owed + (l.line.total() - l.paid);
        }
    }
    by_project
}

/// The subject: the period's counts (new alerts by severity, resolved, red and orange
/// still open), or that there are no new alerts.
fn subject_of(raised: &[&alert::Model], resolved: &[&alert::Model], open_severe: &[&alert::Model]) -> String {
    let count = |list: &[&alert::Model], s: &str| list.iter().filter(|a| a.severity == s).count();
    if raised.is_empty() && resolved.is_empty() && open_severe.is_empty() {
        "【专项债监测】无新增预警".to_string()
    } else {
        format!(
            "【专项债监测】新增预警{}条(红{} 橙{} 黄{} 蓝{}),已解除{}条,未处理红橙预警{}条",
            raised.len(),
            count(raised, Severity::Red.as_str()),
            count(raised, Severity::Orange.as_str()),
            count(raised, Severity::Yellow.as_str()),
            count(raised, Severity::Blue.as_str()),
            resolved.len(),
            open_severe.len()
        )
    }
}

/// A Message-ID derived from the outbox key: the same digest always carries the same one.
pub fn message_id(subscription_id: i64, period: &str) -> String {
    let hash = hex::encode(Sha256::digest(format!("{subscription_id}|{period}").as_bytes()));
    format!("<digest.{subscription_id}.{}@bondwatch>", &hash[..24])
}

/// The start of the period a digest for `until` covers: the previous digest's period,
/// or the subscription's creation.
async fn since(ctx: &Ctx, sub: &subscription::Model, until: &str) -> Result<DateTime<Utc>> {
    let previous = outbox::Entity::find()
        .filter(outbox::Column::SubscriptionId.eq(sub.id))
        .filter(outbox::Column::Period.lt(until))
        .order_by_desc(outbox::Column::Period)
        .one(&ctx.db)
        .await?;
    Ok(previous
        .and_then(|o| DateTime::parse_from_rfc3339(&o.period).ok())
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(sub.created_at))
}

/// When the next digest of a subscription starts: its latest digest's period.
pub async fn last_period(ctx: &Ctx, sub: &subscription::Model) -> Result<DateTime<Utc>> {
    since(ctx, sub, "9999").await
}

/// Composes and queues the digest of one subscription for one period: once, however
/// often it is asked (the outbox key is unique). Returns whether a row was added.
pub async fn enqueue(ctx: &Ctx, sub: &subscription::Model, slot: DateTime<Utc>) -> Result<bool> {
    let period = slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let from = since(ctx, sub, &period).await?;
    let Some(digest) = compose(ctx, sub, from, slot).await? else { return Ok(false) };
    let now = ctx.clock.now();
    let row = outbox::ActiveModel {
        id: NotSet,
        subscription_id: Set(sub.id),
        message_id: Set(message_id(sub.id, &period)),
        period: Set(period),
        subject: Set(digest.subject),
        text_body: Set(digest.text),
        html_body: Set(digest.html),
        status: Set("PENDING".into()),
        attempts: Set(0),
        last_error: Set(None),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
    };
    let txn = begin_write(&ctx.db).await?;
    let added = outbox::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([outbox::Column::SubscriptionId, outbox::Column::Period]).do_nothing().to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(added == 1)
}

/// The digests of a digest job's slot: every active, unpaused subscription of the job
/// (or just `only`) is queued, then whatever is due is delivered.
pub async fn run_job(ctx: &Ctx, job: &str, slot: DateTime<Utc>, only: Option<i64>) -> Result<(usize, mail::Delivered)> {
    // A subscription runs only in its own job, also when one is asked for by id: a daily
    // subscriber gets no second message stamped with the weekly slot.
    let mut select = subscription::Entity::find()
        .filter(subscription::Column::Active.eq(true))
        .filter(subscription::Column::Paused.eq(false))
        .filter(subscription::Column::Job.eq(job));
    if let Some(id) = only {
        select = select.filter(subscription::Column::Id.eq(id));
    }
    let mut queued = 0;
    for sub in select.all(&ctx.db).await? {
        if enqueue(ctx, &sub, slot).await? {
            queued += 1;
        }
    }
    let delivered = mail::deliver_due(ctx).await?;
    Ok((queued, delivered))
}

pub async fn deliveries(ctx: &Ctx, caller: &Caller, first: u64) -> Result<Vec<(outbox::Model, subscription::Model)>> {
    let subs: BTreeMap<i64, subscription::Model> = if caller.role == Role::Admin {
        subscription::Entity::find().all(&ctx.db).await?.into_iter().map(|s| (s.id, s)).collect()
    } else {
        list(ctx, caller).await?.into_iter().map(|s| (s.id, s)).collect()
    };
    let ids: Vec<i64> = subs.keys().copied().collect();
    let rows = crate::ledger::queries::rows_in::<outbox::Entity>(&ctx.db, outbox::Column::SubscriptionId, &ids).await?;
    let mut rows: Vec<_> =
        rows.into_iter().filter_map(|o| subs.get(&o.subscription_id).cloned().map(|s| (o, s))).collect();
    rows.sort_by_key(|(o, _)| std::cmp::Reverse(o.id));
    rows.truncate(first as usize);
    Ok(rows)
}
