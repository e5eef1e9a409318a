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

    /// Refuses when any key has reached the limit within the window.
    pub fn check(&self, keys: &[String], now: DateTime<Utc>) -> Result<()> {
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
            Ok(())
        })
    }

    pub fn fail(&self, keys: &[String], now: DateTime<Utc>) {
        self.with(|map| keys.iter().for_each(|k| map.entry(k.clone()).or_default().push(now)));
    }

    pub fn forget(&self, key: &str) {
        self.with(|map| map.remove(key));
    }
}
