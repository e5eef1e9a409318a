//! Verified tokens remembered for a few seconds (`--token-cache-seconds`, 5 by default),
//! so a request checks its bearer token without a statement. A token revoked on this
//! replica is forgotten at once; one revoked on another stops working here within
//! those seconds. An expiry is kept to the second, remembered or not.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use super::Caller;

/// A remembered token stands for a caller until `until`.
#[derive(Debug)]
struct Seen {
    caller: Caller,
    until: DateTime<Utc>,
}

#[derive(Debug)]
pub struct RememberedTokens {
    for_how_long: Duration,
    seen: Mutex<HashMap<String, Seen>>,
}

/// Enough for every clerk of a province; past it the expired ones go first, then all.
const MOST: usize = 10_000;

impl RememberedTokens {
    pub fn new(for_how_long: Duration) -> Self {
        RememberedTokens { for_how_long, seen: Mutex::new(HashMap::new()) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Seen>) -> T) -> T {
        f(&mut self.seen.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The caller a token (by its digest) was verified for, if that was recent enough.
    pub fn get(&self, digest: &str, now: DateTime<Utc>) -> Option<Caller> {
        self.with(|seen| seen.get(digest).filter(|s| now < s.until).map(|s| s.caller.clone()))
    }

    /// Remembers a verified token, never past its own expiry.
    pub fn put(&self, digest: String, caller: Caller, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) {
        if self.for_how_long <= Duration::zero() {
            return;
        }
        let until = expires_at.map_or(now + self.for_how_long, |e| e.min(now + self.for_how_long));
        self.with(|seen| {
            if seen.len() >= MOST {
                seen.retain(|_, s| now < s.until);
                if seen.len() >= MOST {
                    seen.clear();
                }
            }
            seen.insert(digest, Seen { caller, until });
        });
    }

    /// Forgets every token: after a revocation on this replica.
    pub fn forget_all(&self) {
        self.with(HashMap::clear);
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_token_is_remembered_for_its_seconds_and_never_past_its_expiry() {
        let at = |s: i64| Utc.with_ymd_and_hms(2026, 6, 15, 2, 0, 0).unwrap() + Duration::seconds(s);
        let tokens = RememberedTokens::new(Duration::seconds(5));
        tokens.put("a".into(), Caller::system("a"), None, at(0));
        tokens.put("b".into(), Caller::system("b"), Some(at(2)), at(0));
        assert_eq!(tokens.get("a", at(4)).map(|c| c.username), Some("a".into()));
        assert!(tokens.get("a", at(5)).is_none(), "5 s after it was verified");
        assert!(tokens.get("b", at(1)).is_some());
        assert!(tokens.get("b", at(2)).is_none(), "its expiry comes first");
        tokens.put("a".into(), Caller::system("a"), None, at(10));
        tokens.forget_all();
        assert!(tokens.get("a", at(10)).is_none());
        let off = RememberedTokens::new(Duration::zero());
        off.put("a".into(), Caller::system("a"), None, at(0));
        assert!(off.get("a", at(0)).is_none(), "0 seconds remembers nothing");
    }
}
