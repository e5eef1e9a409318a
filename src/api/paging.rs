//! Paging, the same for every list: the page size asked for, the cursors, and the one
//! connection shape (`nodes`, `pageInfo`, `totalCount`) each list is shown in.

use async_graphql::{OutputType, SimpleObject};
use base64::Engine;

use super::error::{GqlResult, IntoGql};
use super::types::{Alert, AuditEntry, Bond, Disbursement, Figures, Indicator, Project, Rectification};
use crate::error::{Error, Result};

/// The largest page a client may ask for.
pub const MAX_PAGE: i32 = 200;

/// The page size asked for; an explicit null means the default.
pub fn page_size(first: Option<i32>, default: i32) -> GqlResult<u64> {
    let first = first.unwrap_or(default);
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(Error::validation(
            "first",
            format!("first 须在 1 至 {MAX_PAGE} 之间(每页最多 {MAX_PAGE} 条),不能为 {first}"),
        ))
        .gql();
    }
    Ok(first as u64)
}

/// What every cursor starts with: a string that is not one of ours is refused, not
/// read as some first page.
const CURSOR_MARK: &str = "bondwatch:";

pub fn encode_cursor(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{CURSOR_MARK}{key}"))
}

pub fn decode_cursor(cursor: &str) -> Result<String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|k| k.strip_prefix(CURSOR_MARK).map(str::to_string))
        .ok_or_else(|| Error::validation("after", "此游标不是 bondwatch 给出的;请传入上一页的 pageInfo.endCursor"))
}

/// The key an `after` cursor carries, when one is given.
pub(crate) fn after_key(after: Option<String>) -> GqlResult<Option<String>> {
    after.map(|a| decode_cursor(&a)).transpose().gql()
}

/// The id an `after` cursor carries, for a list paged by id.
pub(crate) fn after_id(after: Option<String>) -> GqlResult<Option<i64>> {
    after_key(after)?.map(|a| crate::ledger::records::parse_id("after", &a)).transpose().gql()
}

#[derive(SimpleObject, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

// One page of a list. (No doc comment: it would become every connection's description.)
#[derive(SimpleObject)]
#[graphql(concrete(name = "AlertConnection", params(Alert)))]
#[graphql(concrete(name = "AuditConnection", params(AuditEntry)))]
#[graphql(concrete(name = "BondConnection", params(Bond)))]
#[graphql(concrete(name = "DisbursementConnection", params(Disbursement)))]
#[graphql(concrete(name = "IndicatorConnection", params(Indicator)))]
#[graphql(concrete(name = "ProjectConnection", params(Project)))]
#[graphql(concrete(name = "ProjectFiguresConnection", params(Figures)))]
#[graphql(concrete(name = "RectificationConnection", params(Rectification)))]
pub struct Connection<T: OutputType> {
    pub nodes: Vec<T>,
    pub page_info: PageInfo,
    pub total_count: i32,
}

impl<T: OutputType> Connection<T> {
    /// A page as the domain's lists return it (the rows, whether more follow, how many
    /// the list holds), each row shown as a node; the next page follows the `key` of
    /// the last row.
    pub fn page<R>(
        (rows, more, total): (Vec<R>, bool, u64),
        key: impl Fn(&R) -> String,
        node: impl FnMut(R) -> T,
    ) -> Self {
        let end = rows.last().map(key);
        Self::ending(rows.into_iter().map(node).collect(), more, total, end)
    }

    /// A page whose next page follows `end`, a key the list computed itself.
    pub fn ending(nodes: Vec<T>, more: bool, total: u64, end: Option<String>) -> Self {
        Connection {
            nodes,
            page_info: PageInfo { has_next_page: more, end_cursor: end.map(|e| encode_cursor(&e)) },
            total_count: total as i32,
        }
    }
}
