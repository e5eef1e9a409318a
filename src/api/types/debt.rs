//! A line of debt service: a bond's principal and interest due on a date, a project's share.

use async_graphql::{Context, Object};

use super::{Bond, Project, load_one, loaders};
use crate::api::error::GqlResult;
use crate::api::scalars::{DateScalar, MoneyScalar};

pub struct DebtServiceLine(pub crate::debt::ServiceLine);

#[Object]
impl DebtServiceLine {
    async fn due_date(&self) -> DateScalar {
        self.0.line.due.into()
    }
    async fn bond(&self, ctx: &Context<'_>) -> GqlResult<Bond> {
        load_one(&loaders(ctx).bond, self.0.bond_id).await.map(Bond)
    }
    /// None for the line of a bond's unallocated face.
    async fn project(&self, ctx: &Context<'_>) -> GqlResult<Option<Project>> {
        match self.0.project_id {
            Some(id) => load_one(&loaders(ctx).project, id).await.map(|p| Some(Project(p))),
            None => Ok(None),
        }
    }
    async fn principal(&self) -> MoneyScalar {
        self.0.line.principal.into()
    }
    async fn interest(&self) -> MoneyScalar {
        self.0.line.interest.into()
    }
    async fn paid(&self) -> MoneyScalar {
        self.0.paid.into()
    }
    /// The date of the latest payment against the line.
    async fn paid_on(&self) -> Option<DateScalar> {
        self.0.paid_on.map(Into::into)
    }
}
