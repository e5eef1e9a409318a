//! The login rate limit: failed attempts counted per username and per address in a
//! sliding window, on the injected clock. Kept in memory: a replica limits what it sees.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};

#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl LoginLimiter {
    pub fn new(max_failures: usize, window: Duration) -> Self {
        LoginLimiter { max_failures, window, failures: Mutex::new(HashMap::new()) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Vec<DateTime<Utc>>>) -> T) -> T {
        f(&mut self.failures.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Counts an attempt against every key, or refuses when any key has reached the
    /// limit within the window — in one step under the lock, so that parallel guesses
    /// cannot all pass before the first is counted. A right password then takes its
    /// attempt back ([`LoginLimiter::succeeded`]).
    pub fn attempt(&self, keys: &[String], now: DateTime<Utc>) -> Result<()> {
        let window = self.window;
        let max = self.max_failures;
        self.with(|map| {
            for key in keys {
                let recent = map.entry(key.clone()).or_default();
                recent.retain(|t| *t > now - window);
                if recent.len() >= max {
                    return Err(Error::Limited {
                        limit: "login_rate",
                        message: format!(
                            "{key} 登录失败次数过多:{} 分钟内最多允许失败 {max} 次;请稍后再试",
                            window.num_minutes()
                        ),
                    });
                }
            }
            keys.iter().for_each(|k| map.entry(k.clone()).or_default().push(now));
            Ok(())
        })
    }

    /// The attempt made at `at` was right: the username's failures are forgotten and
    /// the address keeps only its failures.
    pub fn succeeded(&self, keys: &[String], at: DateTime<Utc>) {
        self.with(|map| {
            if let Some((user, rest)) = keys.split_first() {
                map.remove(user);
                for key in rest {
                    if let Some(recent) = map.get_mut(key)
                        && let Some(i) = recent.iter().rposition(|t| *t == at)
                    {
                        recent.remove(i);
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::LoginLimiter;

    #[test]
    fn an_attempt_counts_before_its_password_is_checked() {
        let now = chrono::Utc::now();
        let limiter = LoginLimiter::new(2, chrono::Duration::minutes(15));
        let keys = ["user:a".to_string(), "address:x".to_string()];
        assert!(limiter.attempt(&keys, now).is_ok());
        assert!(limiter.attempt(&keys, now).is_ok());
        // A third guess in flight is refused though neither of the two has failed yet.
        assert!(limiter.attempt(&keys, now).is_err());
        // One of them was right: the user starts again, the address keeps the other.
        limiter.succeeded(&keys, now);
        assert!(limiter.attempt(&["user:a".to_string()], now).is_ok());
        assert!(limiter.attempt(&["address:x".to_string()], now).is_ok());
        assert!(limiter.attempt(&["address:x".to_string()], now).is_err());
    }
}
