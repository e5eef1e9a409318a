//! Digests: a caller's subscriptions, a digest previewed and the deliveries; subscribing
//! and changing a subscription.

use async_graphql::{Context, ID, InputObject, Object};

use crate::api::error::{GqlResult, IntoGql};
use crate::api::paging::page_size;
use crate::api::types::{DigestDelivery, DigestPreview, DigestSubscription, Severity, app, caller};
use crate::ledger::records;

/// job names a digest job of jobs/schedule.toml, e.g. digest_daily.
#[derive(InputObject)]
pub struct DigestSubscriptionInput {
    pub recipient: String,
    pub email: String,
    #[graphql(default_with = "Some(Vec::new())")]
    pub department_codes: Option<Vec<String>>,
    #[graphql(default_with = "Some(Severity::Yellow)")]
    pub min_severity: Option<Severity>,
    pub job: String,
    /// Send a short "no new alerts" digest when there is nothing to report.
    #[graphql(default_with = "Some(true)")]
    pub send_empty: Option<bool>,
}

impl DigestSubscriptionInput {
    fn parse(self) -> crate::digest::SubscriptionInput {
        crate::digest::SubscriptionInput {
            recipient: self.recipient,
            email: self.email,
            department_codes: self.department_codes.unwrap_or_default(),
            min_severity: self.min_severity.unwrap_or(Severity::Yellow).into(),
            job: self.job,
            send_empty: self.send_empty.unwrap_or(true),
        }
    }
}

#[derive(Default)]
pub struct DigestQuery;

#[Object(name = "DigestQuery")]
impl DigestQuery {
    async fn digest_subscriptions(&self, ctx: &Context<'_>) -> GqlResult<Vec<DigestSubscription>> {
        Ok(crate::digest::list(app(ctx), caller(ctx)?).await.gql()?.into_iter().map(DigestSubscription).collect())
    }

    /// The digest this subscription would receive now, without sending it.
    async fn digest_preview(&self, ctx: &Context<'_>, subscription_id: async_graphql::ID) -> GqlResult<DigestPreview> {
        let app = app(ctx);
        let caller = caller(ctx)?;
        let id = crate::ledger::records::parse_id("subscriptionId", &subscription_id).gql()?;
        let sub = crate::digest::owned(app, caller, id).await.gql()?;
        let now = app.clock.now();
        let since = crate::digest::last_period(app, &sub).await.gql()?;
        let digest = crate::digest::compose(app, &sub, since, now).await.gql()?;
        let d = digest.unwrap_or(crate::digest::Digest {
            subject: "(无内容:该订阅设置为无新增预警时不发送)".into(),
            text: String::new(),
            html: String::new(),
        });
        Ok(DigestPreview { subject: d.subject, text: d.text, html: d.html })
    }

    async fn digest_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: Option<i32>,
    ) -> GqlResult<Vec<DigestDelivery>> {
        let first = page_size(first, 50)?;
        let rows = crate::digest::deliveries(app(ctx), caller(ctx)?, first).await.gql()?;
        Ok(rows.into_iter().map(|(o, s)| DigestDelivery(o, s)).collect())
    }
}

#[derive(Default)]
pub struct DigestMutation;

#[Object(name = "DigestMutation")]
impl DigestMutation {
    async fn subscribe_digest(
        &self,
        ctx: &Context<'_>,
        input: DigestSubscriptionInput,
    ) -> GqlResult<DigestSubscription> {
        crate::digest::subscribe(app(ctx), caller(ctx)?, input.parse()).await.map(DigestSubscription).gql()
    }

    async fn update_digest_subscription(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: DigestSubscriptionInput,
    ) -> GqlResult<DigestSubscription> {
        let id = records::parse_id("id", &id).gql()?;
        crate::digest::update(app(ctx), caller(ctx)?, id, input.parse()).await.map(DigestSubscription).gql()
    }

    async fn pause_digest_subscription(
        &self,
        ctx: &Context<'_>,
        id: ID,
        paused: bool,
    ) -> GqlResult<DigestSubscription> {
        let id = records::parse_id("id", &id).gql()?;
        crate::digest::set_flags(app(ctx), caller(ctx)?, id, Some(paused), false).await.map(DigestSubscription).gql()
    }

    async fn unsubscribe_digest(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        let id = records::parse_id("id", &id).gql()?;
        crate::digest::set_flags(app(ctx), caller(ctx)?, id, None, true).await.map(|_| true).gql()
    }
}
