//! What decisions leave in the activity log: one count per caller per minute, and, for an
//! org that turns decision logging on, each denied decision with its subject. Both are
//! kept in memory and written in the background (see [`flush`]), so a decision never waits
//! for a write and a caller hammering denials cannot turn each one into a row.

use super::Services;
use crate::authz::Principal;
use crate::model::AuditAction;
use crate::store::audit::{self, AuditEvent};
use crate::Error;
use std::collections::HashMap;
use std::sync::Mutex;

/// At most this many denials of one caller are logged per minute; the rest are counted
/// (`denials_not_logged`) in that minute's count.
pub const MAX_LOGGED_DENIALS_PER_MINUTE: u64 = 600;
/// Denials waiting to be written; beyond this they are counted, not kept.
const MAX_PENDING_DENIALS: usize = 20_000;
/// Callers tallied per minute; beyond this, decisions are tallied under one overflow caller.
const MAX_CALLERS: usize = 10_000;
/// Events written per transaction, so one flush never holds the writer long.
const CHUNK: usize = 500;
const MINUTE_MS: i64 = 60_000;

/// One caller's decisions in one minute.
#[derive(Debug)]
struct Tally {
    /// The count event to write, without its figures: the caller as actor, its org.
    event: AuditEvent,
    permitted: u64,
    denied: u64,
    denials_logged: u64,
    denials_not_logged: u64,
}

/// Callers' tallies of one minute, by org then caller.
type Minute = HashMap<String, HashMap<String, Tally>>;

#[derive(Debug, Default)]
struct State {
    /// Start (ms) of the minute `current` counts.
    minute: i64,
    current: Minute,
    callers: usize,
    /// Minutes that ended and wait to be written.
    ended: Vec<(i64, Minute)>,
    denials: Vec<AuditEvent>,
}

impl State {
    /// Moves on to the minute of `now`, setting the previous one aside to be written.
    fn roll(&mut self, now: i64) {
        let minute = now - now.rem_euclid(MINUTE_MS);
        if minute != self.minute {
            let ended = std::mem::take(&mut self.current);
            if !ended.is_empty() {
                self.ended.push((self.minute, ended));
            }
            self.minute = minute;
            self.callers = 0;
        }
    }

    fn tally(&mut self, org_id: &str, caller: &Principal) -> &mut Tally {
        const OVERFLOW: &str = "(other callers)";
        let id = caller.caller_id();
        let known = self.current.get(org_id).is_some_and(|c| c.contains_key(id));
        let key = if known || self.callers < MAX_CALLERS {
            id
        } else {
            OVERFLOW
        };
        let callers = self.current.entry(org_id.to_string()).or_default();
        if !callers.contains_key(key) {
            self.callers += 1;
            let mut event = AuditEvent::by(caller, AuditAction::DecisionsCounted).org(org_id);
            if key == OVERFLOW {
                event.actor_id = None;
                event.actor_label = Some(OVERFLOW.into());
            }
            // A count spans many requests: none of them is "the" request it came from.
            event.context.request_id = None;
            event.context.session = None;
            callers.insert(
                key.to_string(),
                Tally {
                    event,
                    permitted: 0,
                    denied: 0,
                    denials_logged: 0,
                    denials_not_logged: 0,
                },
            );
        }
        callers
            .get_mut(key)
            .expect("the caller's tally was just made")
    }
}

/// The decisions of this process not yet written.
#[derive(Debug, Default)]
pub struct DecisionLog {
    state: Mutex<State>,
}

impl DecisionLog {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves only counts behind: keep counting.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts decisions `caller` asked for in `org_id`.
    pub fn count(&self, org_id: &str, caller: &Principal, permitted: u64, denied: u64) {
        let mut state = self.state();
        state.roll(crate::store::now_ms());
        let tally = state.tally(org_id, caller);
        tally.permitted += permitted;
        tally.denied += denied;
    }

    /// Keeps a denied decision to be written, unless the caller has had its share this
    /// minute or too many wait already (then it is only counted). `event` is built only
    /// when it will be kept.
    pub fn deny(&self, org_id: &str, caller: &Principal, event: impl FnOnce() -> AuditEvent) {
        let mut state = self.state();
        state.roll(crate::store::now_ms());
        let room = state.denials.len() < MAX_PENDING_DENIALS;
        let tally = state.tally(org_id, caller);
        if !room || tally.denials_logged >= MAX_LOGGED_DENIALS_PER_MINUTE {
            tally.denials_not_logged += 1;
            return;
        }
        tally.denials_logged += 1;
        state.denials.push(event());
    }

    /// What is ready to be written: denials, and the counts of minutes that ended before
    /// `now` (of every minute, the current one too, when `everything`).
    fn take(&self, now: i64, everything: bool) -> Vec<AuditEvent> {
        let mut state = self.state();
        state.roll(now);
        if everything {
            let minute = state.minute;
            let current = std::mem::take(&mut state.current);
            state.callers = 0;
            if !current.is_empty() {
                state.ended.push((minute, current));
            }
        }
        let mut out = std::mem::take(&mut state.denials);
        for (minute, callers) in std::mem::take(&mut state.ended) {
            for tally in callers.into_values().flat_map(HashMap::into_values) {
                out.push(tally.event.snapshot(serde_json::json!({
                    "minute": super::events::rfc3339(minute),
                    "permitted": tally.permitted,
                    "denied": tally.denied,
                    "denials_not_logged": tally.denials_not_logged,
                })));
            }
        }
        out
    }
}

/// Writes what waits: kept denials, and the counts of minutes that have ended (every count,
/// the running minute's too, when `everything` — at shutdown). Returns how many events.
pub async fn flush(s: &Services, everything: bool) -> Result<usize, Error> {
    let events = s.decision_log.take(crate::store::now_ms(), everything);
    for chunk in events.chunks(CHUNK) {
        let mut tx = s.db.begin().await?;
        audit::insert_all(&mut tx, chunk).await?;
        tx.commit().await?;
    }
    Ok(events.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::{Grants, Identity};

    fn caller(id: &str) -> Principal {
        Principal {
            identity: Identity::Token {
                id: id.into(),
                name: format!("{id} name"),
            },
            org_id: Some("org".into()),
            grants: Grants::default(),
            ..Principal::anonymous(Default::default())
        }
    }

    fn figures(e: &AuditEvent) -> (u64, u64, u64) {
        let s = e.snapshot.as_ref().unwrap();
        let n = |k: &str| s[k].as_u64().unwrap();
        (n("permitted"), n("denied"), n("denials_not_logged"))
    }

    #[test]
    fn a_minute_is_written_once_it_has_ended() {
        let log = DecisionLog::default();
        let a = caller("a");
        log.count("org", &a, 3, 1);
        log.count("org", &a, 2, 0);
        log.count("org", &caller("b"), 0, 4);
        let now = crate::store::now_ms();
        assert!(
            log.take(now, false).is_empty(),
            "the minute is still running"
        );
        let mut written = log.take(now + MINUTE_MS, false);
        written.sort_by(|x, y| x.actor_id.cmp(&y.actor_id));
        assert_eq!(written.len(), 2);
        assert_eq!(written[0].action, AuditAction::DecisionsCounted);
        assert_eq!(written[0].actor_id.as_deref(), Some("a"));
        assert_eq!(figures(&written[0]), (5, 1, 0));
        assert_eq!(figures(&written[1]), (0, 4, 0));
        assert!(log.take(now + 2 * MINUTE_MS, false).is_empty());
    }

    #[test]
    fn denials_past_the_share_are_counted_not_kept() {
        let log = DecisionLog::default();
        let a = caller("a");
        let over = 5;
        for _ in 0..MAX_LOGGED_DENIALS_PER_MINUTE + over {
            log.deny("org", &a, || {
                AuditEvent::by(&a, AuditAction::DecisionDenied).denied("no")
            });
        }
        let written = log.take(crate::store::now_ms(), true);
        let denials = written
            .iter()
            .filter(|e| e.action == AuditAction::DecisionDenied)
            .count();
        assert_eq!(denials as u64, MAX_LOGGED_DENIALS_PER_MINUTE);
        let count = written
            .iter()
            .find(|e| e.action == AuditAction::DecisionsCounted)
            .unwrap();
        assert_eq!(figures(count), (0, 0, over));
    }

    #[test]
    fn callers_beyond_the_bound_share_one_tally() {
        let log = DecisionLog::default();
        for i in 0..MAX_CALLERS + 10 {
            log.count("org", &caller(&i.to_string()), 1, 0);
        }
        let written = log.take(crate::store::now_ms(), true);
        assert_eq!(written.len(), MAX_CALLERS + 1);
        let total: u64 = written.iter().map(|e| figures(e).0).sum();
        assert_eq!(total, (MAX_CALLERS + 10) as u64);
    }
}
