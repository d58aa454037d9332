//! Counting failures (sign-in, setup code, bearer tokens) and attempts (SSO starts) per
//! address and account in fixed windows, to slow down guessing; and writing a repeated event
//! (a token's use, a refusal, an anonymous callback) at most once a minute. Every map here is
//! keyed by fixed-size hashes and bounded.

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
pub struct OncePerMinute(RwLock<HashMap<[u8; 16], Instant>>);

/// Keys [`OncePerMinute`] remembers at most.
const MAX_REMEMBERED: usize = 100_000;

/// Failed bearer tokens an address may present in a minute unless configured otherwise.
pub const DEFAULT_TOKEN_FAILURES_PER_MINUTE: u32 = 50;

fn hashed(text: &str) -> [u8; 16] {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

impl OncePerMinute {
    /// True when the use should be written now (and notes that it is). The common answer,
    /// "not yet", takes only a read lock. Keys are kept as fixed-size hashes, at most
    /// [`MAX_REMEMBERED`] of them.
    pub(crate) fn due(&self, key: &str) -> bool {
        let key = hashed(key);
        let now = Instant::now();
        let recent = |at: &Instant| now.duration_since(*at) < ONCE_EVERY;
        if self
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .is_some_and(recent)
        {
            return false;
        }
        let mut seen = self.0.write().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_REMEMBERED {
            seen.retain(|_, at| recent(at));
            if seen.len() >= MAX_REMEMBERED {
                // A minute's worth of distinct keys beyond the bound: writing one more event
                // for some of them is the cheaper failure than unbounded memory.
                seen.clear();
            }
        }
        match seen.get(&key) {
            Some(at) if recent(at) => false,
            _ => {
                seen.insert(key, now);
                true
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// What a limit counts by.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// The client address (an IPv6 client's /64).
    Address,
    /// The account, from anywhere: a ceiling that one address alone cannot reach.
    Account,
    /// The account from one address: what keeps one guesser off one account.
    AccountAtAddress,
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    part: Part,
    max: u32,
    period: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

/// Counts attempts or failures per address, account, or both, in fixed windows. Keys are
/// stored as fixed-size hashes and the map has a hard bound, so no caller can make it grow
/// by sending long or many distinct emails; checking and counting are one step under one lock.
#[derive(Debug)]
pub struct FailureLimiter {
    rules: Vec<Rule>,
    max_windows: usize,
    windows: Mutex<HashMap<[u8; 16], Window>>,
    /// Set once anything is counted, so the common case (nothing counted at all) checks
    /// without a lock.
    any: AtomicBool,
}

/// Windows kept at most; past it expired ones are swept, then the oldest dropped.
const MAX_WINDOWS: usize = 100_000;

/// The bucket an address is limited in: itself for IPv4, its /64 for IPv6 (one subscriber
/// usually holds a whole /64, so per-address limits would not limit them).
pub fn address_bucket(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(String::new, |v4| v4.to_string()),
        Ok(v4) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

fn key(part: Part, address: &str, account: &str) -> [u8; 16] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let (tag, address, account): (&[u8], &str, &str) = match part {
        Part::Address => (b"a", address, ""),
        Part::Account => (b"c", "", account),
        Part::AccountAtAddress => (b"ca", address, account),
    };
    h.update(tag);
    h.update((address.len() as u64).to_le_bytes());
    h.update(address.as_bytes());
    h.update(account.as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

impl FailureLimiter {
    /// Password sign-in: 20 failures per address per 10 minutes; 5 per account from one
    /// address per 15 minutes; and 100 per account from everywhere per 15 minutes — a
    /// ceiling a single stranger cannot reach, so they cannot lock the owner out.
    pub fn signin() -> Self {
        Self::new(vec![
            Rule {
                part: Part::Address,
                max: 20,
                period: Duration::from_secs(600),
            },
            Rule {
                part: Part::AccountAtAddress,
                max: 5,
                period: Duration::from_secs(900),
            },
            Rule {
                part: Part::Account,
                max: 100,
                period: Duration::from_secs(900),
            },
        ])
    }

    /// 50 failed bearer tokens per address per minute (see [`Self::bearer_per_minute`]).
    pub fn bearer() -> Self {
        Self::bearer_per_minute(DEFAULT_TOKEN_FAILURES_PER_MINUTE)
    }

    /// `max` failed bearer tokens per address per minute. Not per token: token ids are
    /// public, so a per-token limit would let anyone lock out someone else's token.
    pub fn bearer_per_minute(max: u32) -> Self {
        Self::per_address(max, Duration::from_secs(60))
    }

    /// 60 single sign-on starts per address per minute: each start keeps a pending sign-in
    /// in a new session row, so an unlimited stream would be an unauthenticated write flood.
    /// Generous, because a whole office may share one address.
    pub fn sso_starts() -> Self {
        Self::per_address(60, Duration::from_secs(60))
    }

    /// 30 device requests (a script asking to act as someone) per address per minute:
    /// each one is a row until it expires.
    pub fn device_starts() -> Self {
        Self::per_address(30, Duration::from_secs(60))
    }

    /// 20 wrong user codes per address per 10 minutes: a code is 8 letters of 20, and
    /// guessing one would hand a stranger's script a grant.
    pub fn user_codes() -> Self {
        Self::per_address(20, Duration::from_secs(600))
    }

    fn per_address(max: u32, period: Duration) -> Self {
        Self::new(vec![Rule {
            part: Part::Address,
            max,
            period,
        }])
    }

    fn new(rules: Vec<Rule>) -> Self {
        Self {
            rules,
            max_windows: MAX_WINDOWS,
            windows: Mutex::new(HashMap::new()),
            any: AtomicBool::new(false),
        }
    }

    /// Counts one attempt unless a limit is reached: Err(seconds to wait), and nothing is
    /// counted. Check and count happen under one lock, so a burst of concurrent attempts
    /// cannot all pass a check made before any of them was counted.
    pub fn attempt(&self, ip: &str, account: &str) -> Result<(), u64> {
        let address = address_bucket(ip);
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let keys: Vec<([u8; 16], Rule)> = self
            .rules
            .iter()
            .map(|r| (key(r.part, &address, account), *r))
            .collect();
        let wait = keys
            .iter()
            .filter_map(|(k, rule)| {
                let w = windows.get(k)?;
                let ends = w.started + rule.period;
                (w.count >= rule.max && ends > now).then(|| (ends - now).as_secs().max(1))
            })
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        self.any.store(true, Ordering::Relaxed);
        if windows.len() + keys.len() > self.max_windows {
            let longest = self
                .rules
                .iter()
                .map(|r| r.period)
                .max()
                .unwrap_or_default();
            windows.retain(|_, w| w.started + longest > now);
            if windows.len() + keys.len() > self.max_windows {
                // Still full of live windows: a flood of distinct keys. Forgetting the oldest
                // half frees room; those keys start over, which only ever helps a legitimate user.
                let mut starts: Vec<Instant> = windows.values().map(|w| w.started).collect();
                starts.sort();
                let cutoff = starts[starts.len() / 2];
                windows.retain(|_, w| w.started > cutoff);
            }
        }
        for (k, rule) in keys {
            let w = windows.entry(k).or_insert(Window {
                started: now,
                count: 0,
            });
            if w.started + rule.period <= now {
                *w = Window {
                    started: now,
                    count: 0,
                };
            }
            w.count += 1;
        }
        Ok(())
    }

    /// Records a failure that already happened (a bad bearer token): Err(seconds to wait)
    /// when the address is now over its limit, which answers this failure with 429.
    pub fn fail(&self, ip: &str, account: &str) -> Result<(), u64> {
        self.attempt(ip, account)
    }

    /// An attempt counted by [`attempt`](Self::attempt) succeeded: it is no failure. The
    /// account's windows at this address are cleared, and the shared ones given it back.
    pub fn succeeded(&self, ip: &str, account: &str) {
        if !self.any.load(Ordering::Relaxed) {
            return;
        }
        let address = address_bucket(ip);
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        for rule in &self.rules {
            let k = key(rule.part, &address, account);
            match rule.part {
                Part::AccountAtAddress => {
                    windows.remove(&k);
                }
                Part::Address | Part::Account => {
                    if let Some(w) = windows.get_mut(&k) {
                        w.count = w.count.saturating_sub(1);
                    }
                }
            }
        }
    }

    /// How many windows are kept (for tests of the bound).
    pub fn len(&self) -> usize {
        self.windows.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every limit and throttle the services keep, in one place: failures counted per client
/// and account, and events written at most once a minute per key.
#[derive(Debug)]
pub struct Limits {
    /// Failed sign-ins per IP and per account.
    pub signin_failures: FailureLimiter,
    /// Failed bearer tokens per IP.
    pub token_failures: FailureLimiter,
    /// Single sign-on starts per IP (every start counts).
    pub sso_starts: FailureLimiter,
    /// Device requests per IP (every request counts).
    pub device_starts: FailureLimiter,
    /// Wrong user codes typed per IP.
    pub user_code_failures: FailureLimiter,
    /// When each token's last use was written, so it is written at most once a minute.
    pub token_usage: OncePerMinute,
    /// When a refused token was last audited, so a flood of failures is one event a minute.
    pub token_refusals: OncePerMinute,
    /// When each refused (actor, permission, team) was last audited.
    pub denials: OncePerMinute,
    /// When each address last had an anonymous refusal audited (a callback with no pending
    /// sign-in): strangers cannot fill the log.
    pub anonymous_refusals: OncePerMinute,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            signin_failures: FailureLimiter::signin(),
            token_failures: FailureLimiter::bearer(),
            sso_starts: FailureLimiter::sso_starts(),
            device_starts: FailureLimiter::device_starts(),
            user_code_failures: FailureLimiter::user_codes(),
            token_usage: OncePerMinute::default(),
            token_refusals: OncePerMinute::default(),
            denials: OncePerMinute::default(),
            anonymous_refusals: OncePerMinute::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(part: Part, max: u32, period: Duration) -> FailureLimiter {
        FailureLimiter::new(vec![Rule { part, max, period }])
    }

    #[test]
    fn a_stranger_cannot_lock_the_owner_out() {
        let l = FailureLimiter::signin();
        for _ in 0..5 {
            assert!(l.attempt("6.6.6.6", "owner@x").is_ok());
        }
        assert!(
            l.attempt("6.6.6.6", "owner@x").is_err(),
            "the guesser is stopped"
        );
        assert!(
            l.attempt("1.2.3.4", "owner@x").is_ok(),
            "the owner, from their own address, is not"
        );
        l.succeeded("1.2.3.4", "owner@x");
    }

    #[test]
    fn the_account_ceiling_needs_many_addresses() {
        let l = FailureLimiter::signin();
        for i in 0..100 {
            assert!(
                l.attempt(&format!("10.0.{}.{}", i / 5, i), "a@x").is_ok(),
                "{i}"
            );
        }
        assert!(
            l.attempt("10.9.9.9", "a@x").is_err(),
            "100 failures from 20 addresses"
        );
    }

    #[test]
    fn address_limit_spans_accounts_and_ipv6_counts_per_64() {
        let l = limiter(Part::Address, 2, Duration::from_secs(60));
        assert!(l.attempt("2001:db8:1:2::1", "a").is_ok());
        assert!(l.attempt("2001:db8:1:2:ffff::9", "b").is_ok());
        assert!(l.attempt("2001:db8:1:2::77", "c").is_err(), "same /64");
        assert!(l.attempt("2001:db8:1:3::1", "c").is_ok(), "another /64");
        assert!(l.attempt("8.8.8.8", "c").is_ok());
    }

    #[test]
    fn success_gives_the_attempt_back() {
        let l = limiter(Part::AccountAtAddress, 1, Duration::from_secs(60));
        assert!(l.attempt("1.1.1.1", "a").is_ok());
        l.succeeded("1.1.1.1", "a");
        assert!(l.attempt("1.1.1.1", "a").is_ok());
        assert!(l.attempt("1.1.1.1", "a").is_err());
    }

    #[test]
    fn windows_expire() {
        let l = limiter(Part::Address, 1, Duration::from_millis(1));
        assert!(l.attempt("1.1.1.1", "a").is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert!(l.attempt("1.1.1.1", "a").is_ok());
    }

    #[test]
    fn distinct_long_keys_stay_bounded() {
        let mut l = limiter(Part::AccountAtAddress, 5, Duration::from_secs(600));
        l.max_windows = 1_000;
        let long = "x".repeat(100_000);
        for i in 0..3_000 {
            let _ = l.attempt("1.1.1.1", &format!("{i}{long}"));
        }
        assert!(l.len() <= 1_000);
    }

    #[test]
    fn once_per_minute_is_bounded() {
        let o = OncePerMinute::default();
        for i in 0..(MAX_REMEMBERED + 10) {
            assert!(o.due(&i.to_string()));
        }
        assert!(o.len() <= MAX_REMEMBERED);
        assert!(!o.due(&(MAX_REMEMBERED + 9).to_string()));
    }
}
