//! Counting failures (sign-in, setup code) per key in fixed windows, to slow down guessing;
//! and writing a repeated event (a token's use, a refusal) at most once a minute.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

/// How often [`OncePerMinute`] lets the same thing be written.
const ONCE_EVERY: Duration = Duration::from_secs(60);

/// Remembers, per key and per process, when something was last written about it (a token's
/// last use or refusal, a refused permission), so a busy or attacked key costs at most one
/// write a minute.
#[derive(Debug, Default)]
pub struct OncePerMinute(RwLock<HashMap<String, Instant>>);

impl OncePerMinute {
    /// True when the use should be written now (and notes that it is). The common answer,
    /// "not yet", takes only a read lock.
    pub(crate) fn due(&self, key: &str) -> bool {
        let now = Instant::now();
        let recent = |at: &Instant| now.duration_since(*at) < ONCE_EVERY;
        if self
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .is_some_and(recent)
        {
            return false;
        }
        let mut seen = self.0.write().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 100_000 {
            seen.retain(|_, at| recent(at));
        }
        match seen.get(key) {
            Some(at) if recent(at) => false,
            _ => {
                seen.insert(key.to_string(), now);
                true
            }
        }
    }
}

#[derive(Debug)]
pub struct FailureLimiter {
    per_ip: Policy,
    per_account: Policy,
    windows: Mutex<HashMap<String, Window>>,
    /// Set once any failure is recorded, so the common case (no failures at all) checks
    /// without a lock or an allocation: bearer tokens are checked on every API request.
    any_failure: AtomicBool,
}

#[derive(Debug, Clone, Copy)]
struct Policy {
    max_failures: u32,
    period: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Beyond this many tracked keys, expired windows are swept on the next failure.
const SWEEP_ABOVE: usize = 10_000;

impl FailureLimiter {
    /// 20 failures per IP per 10 minutes, 5 per account per 15 minutes.
    pub fn signin() -> Self {
        Self::new(
            (20, Duration::from_secs(600)),
            (5, Duration::from_secs(900)),
        )
    }

    /// 50 failed bearer tokens per IP per minute. Not per token: token ids are public, so a
    /// per-token limit would let anyone lock out someone else's token.
    pub fn bearer() -> Self {
        Self::new(
            (50, Duration::from_secs(60)),
            (u32::MAX, Duration::from_secs(60)),
        )
    }

    /// 60 single sign-on starts per IP per minute: each start keeps a pending sign-in in a
    /// new session row, so an unlimited stream would be an unauthenticated write flood.
    /// Generous, because a whole office may share one address.
    pub fn sso_starts() -> Self {
        Self::new(
            (60, Duration::from_secs(60)),
            (u32::MAX, Duration::from_secs(60)),
        )
    }

    pub fn new(per_ip: (u32, Duration), per_account: (u32, Duration)) -> Self {
        Self {
            per_ip: Policy {
                max_failures: per_ip.0,
                period: per_ip.1,
            },
            per_account: Policy {
                max_failures: per_account.0,
                period: per_account.1,
            },
            windows: Mutex::new(HashMap::new()),
            any_failure: AtomicBool::new(false),
        }
    }

    fn keys<'a>(&self, ip: &'a str, account: &'a str) -> [(String, Policy); 2] {
        [
            (format!("ip:{ip}"), self.per_ip),
            (format!("account:{account}"), self.per_account),
        ]
    }

    /// Err(seconds to wait) when either the IP or the account is over its limit.
    pub fn check(&self, ip: &str, account: &str) -> Result<(), u64> {
        if !self.any_failure.load(Ordering::Relaxed) {
            return Ok(());
        }
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let wait = self
            .keys(ip, account)
            .iter()
            .filter_map(|(key, policy)| {
                let w = windows.get(key)?;
                let ends = w.started + policy.period;
                (w.failures >= policy.max_failures && ends > now)
                    .then(|| (ends - now).as_secs().max(1))
            })
            .max();
        wait.map_or(Ok(()), Err)
    }

    pub fn record_failure(&self, ip: &str, account: &str) {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        self.any_failure.store(true, Ordering::Relaxed);
        if windows.len() > SWEEP_ABOVE {
            let longest = self.per_ip.period.max(self.per_account.period);
            windows.retain(|_, w| w.started + longest > now);
        }
        for (key, policy) in self.keys(ip, account) {
            let w = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if w.started + policy.period <= now {
                *w = Window {
                    started: now,
                    failures: 0,
                };
            }
            w.failures += 1;
        }
    }

    /// A success clears the account's failures (not the IP's: one good password from an
    /// address must not reset its guessing budget on other accounts).
    pub fn record_success(&self, account: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&format!("account:{account}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_limit_then_success_resets_it() {
        let l = FailureLimiter::new((100, Duration::from_secs(60)), (3, Duration::from_secs(60)));
        for _ in 0..3 {
            assert!(l.check("1.1.1.1", "a@x").is_ok());
            l.record_failure("1.1.1.1", "a@x");
        }
        let wait = l.check("2.2.2.2", "a@x").unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(
            l.check("1.1.1.1", "b@x").is_ok(),
            "other accounts are not limited by the account rule"
        );
        l.record_success("a@x");
        assert!(l.check("1.1.1.1", "a@x").is_ok());
    }

    #[test]
    fn ip_limit_spans_accounts() {
        let l = FailureLimiter::new((2, Duration::from_secs(60)), (100, Duration::from_secs(60)));
        l.record_failure("9.9.9.9", "a@x");
        l.record_failure("9.9.9.9", "b@x");
        assert!(l.check("9.9.9.9", "c@x").is_err());
        assert!(l.check("8.8.8.8", "c@x").is_ok());
    }

    #[test]
    fn windows_expire() {
        let l = FailureLimiter::new((1, Duration::from_millis(1)), (1, Duration::from_millis(1)));
        l.record_failure("1.1.1.1", "a@x");
        std::thread::sleep(Duration::from_millis(5));
        assert!(l.check("1.1.1.1", "a@x").is_ok());
    }
}
