//! Digest subscriptions, a digest previewed, and the deliveries of the outbox.

use async_graphql::{Object, SimpleObject};

use super::{Severity, stored};
use crate::api::error::GqlResult;
use crate::api::scalars::DateTimeScalar;

pub struct DigestSubscription(pub crate::digest::subscription::Model);

#[Object]
impl DigestSubscription {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn recipient(&self) -> &str {
        &self.0.recipient
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Empty for the whole portfolio.
    async fn department_codes(&self) -> Vec<String> {
        crate::digest::departments_of(&self.0)
    }
    async fn min_severity(&self) -> GqlResult<Severity> {
        stored(&self.0.min_severity, "subscription severity")
    }
    /// A digest job of jobs/schedule.toml.
    async fn job(&self) -> &str {
        &self.0.job
    }
    async fn paused(&self) -> bool {
        self.0.paused
    }
    /// Whether a short "no new alerts" digest is sent when there is nothing to report.
    async fn send_empty(&self) -> bool {
        self.0.send_empty
    }
}

#[derive(SimpleObject)]
pub struct DigestPreview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct DigestDelivery(pub crate::digest::outbox::Model, pub crate::digest::subscription::Model);

#[Object]
impl DigestDelivery {
    async fn subscription(&self) -> DigestSubscription {
        DigestSubscription(self.1.clone())
    }
    /// The scheduled slot the digest covers up to.
    async fn period(&self) -> &str {
        &self.0.period
    }
    /// PENDING, SENDING, SENT or FAILED.
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn sent_at(&self) -> Option<DateTimeScalar> {
        self.0.sent_at.map(DateTimeScalar)
    }
    /// Stable for the digest: a resend after a crash carries the same one.
    async fn message_id(&self) -> &str {
        &self.0.message_id
    }
}
