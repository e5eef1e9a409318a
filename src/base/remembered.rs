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
    seen: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    seen: HashMap<String, Seen>,
    /// Counts the revocations: a token read from the store before one is not
    /// remembered after it (it may be the token just revoked).
    generation: u64,
}

/// When a check of the store began, as the memory counts revocations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation(u64);

/// Enough for every clerk of a province; past it the expired ones go first, then all.
const MOST: usize = 10_000;

impl RememberedTokens {
    pub fn new(for_how_long: Duration) -> Self {
        RememberedTokens { for_how_long, seen: Mutex::new(Memory::default()) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Memory) -> T) -> T {
        f(&mut self.seen.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The caller a token (by its digest) was verified for, if that was recent enough;
    /// otherwise the generation to hand to [`RememberedTokens::put`] after the check.
    pub fn get(&self, digest: &str, now: DateTime<Utc>) -> Result<Caller, Generation> {
        self.with(|m| match m.seen.get(digest).filter(|s| now < s.until) {
            Some(s) => Ok(s.caller.clone()),
            None => Err(Generation(m.generation)),
        })
    }

    /// Remembers a token verified by a check that began at `since`, never past its own
    /// expiry, and not at all when a revocation came in between.
    pub fn put(
        &self,
        since: Generation,
        digest: String,
        caller: Caller,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) {
        if self.for_how_long <= Duration::zero() {
            return;
        }
        let until = expires_at.map_or(now + self.for_how_long, |e| e.min(now + self.for_how_long));
        self.with(|m| {
            if m.generation != since.0 {
                return;
            }
            let seen = &mut m.seen;
            if seen.len() >= MOST {
                seen.retain(|_, s| now < s.until);
                if seen.len() >= MOST {
                    seen.clear();
                }
            }
            seen.insert(digest, Seen { caller, until });
        });
    }

    /// Forgets every token: after a revocation on this replica. A check already under
    /// way when it came remembers nothing.
    pub fn forget_all(&self) {
        self.with(|m| {
            m.seen.clear();
            m.generation += 1;
        });
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
        let since = tokens.get("a", at(0)).unwrap_err();
        tokens.put(since, "a".into(), Caller::system("a"), None, at(0));
        tokens.put(since, "b".into(), Caller::system("b"), Some(at(2)), at(0));
        assert_eq!(tokens.get("a", at(4)).map(|c| c.username), Ok("a".into()));
        assert!(tokens.get("a", at(5)).is_err(), "5 s after it was verified");
        assert!(tokens.get("b", at(1)).is_ok());
        assert!(tokens.get("b", at(2)).is_err(), "its expiry comes first");
        tokens.put(since, "a".into(), Caller::system("a"), None, at(10));
        tokens.forget_all();
        assert!(tokens.get("a", at(10)).is_err());
        // A check that began before a revocation (a logout racing the request) is not
        // remembered after it.
        tokens.put(since, "a".into(), Caller::system("a"), None, at(10));
        assert!(tokens.get("a", at(10)).is_err(), "read before the revocation: not remembered");
        let off = RememberedTokens::new(Duration::zero());
        let since = off.get("a", at(0)).unwrap_err();
        off.put(since, "a".into(), Caller::system("a"), None, at(0));
        assert!(off.get("a", at(0)).is_err(), "0 seconds remembers nothing");
    }
}
