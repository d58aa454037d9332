//! Things recently read from the database and kept per process (an org's compiled
//! application vocabulary, the subjects of decisions): trusted for a short time, and not at
//! all once this process has committed a change since they were read.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

struct Entry<V> {
    value: Arc<V>,
    read_at: Instant,
    generation: u64,
}

/// A bounded map of recent reads. An entry is used only while it is younger than `ttl`
/// (what another process sharing the database may have changed) and no write transaction
/// has committed here since it was read (what this process changed). A zero `ttl` keeps
/// nothing.
pub struct Recent<V> {
    ttl: Duration,
    entries: RwLock<HashMap<String, Entry<V>>>,
    /// One load at a time per shard of keys: when an entry expires under load, one caller
    /// reads it again and the others wait for that read instead of repeating it.
    loading: [tokio::sync::Mutex<()>; SHARDS],
}

const SHARDS: usize = 16;

/// Only the size: values may hold what a log has no business with.
impl<V> std::fmt::Debug for Recent<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries.read().map_or(0, |e| e.len());
        f.debug_struct("Recent")
            .field("ttl", &self.ttl)
            .field("entries", &entries)
            .finish()
    }
}

impl<V> Recent<V> {
    /// Beyond this many entries, a new one first sweeps out the stale ones, and if none
    /// are, the map starts over: callers can make Foxgate remember only so much.
    const MAX: usize = 50_000;

    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::default(),
            loading: Default::default(),
        }
    }

    /// The value for `key`: kept, or loaded by `load` (by one caller at a time per key
    /// shard) and kept. `generation` is taken before anything is read.
    pub async fn get_or_load<E, Fut>(
        &self,
        key: &str,
        generation: u64,
        load: impl FnOnce() -> Fut,
    ) -> Result<Arc<V>, E>
    where
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.get(key, generation) {
            return Ok(v);
        }
        if self.ttl.is_zero() {
            return Ok(Arc::new(load().await?));
        }
        // FNV-1a: the same key always lands in the same shard.
        let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let shard = (hash % SHARDS as u64) as usize;
        let _one_at_a_time = self.loading[shard].lock().await;
        if let Some(v) = self.get(key, generation) {
            return Ok(v);
        }
        let value = load().await?;
        Ok(self.keep(key, value, generation))
    }

    /// The value kept for `key`, if still fresh at `generation`.
    pub fn get(&self, key: &str, generation: u64) -> Option<Arc<V>> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.read_at.elapsed() < self.ttl)
            .map(|e| e.value.clone())
    }

    /// Keeps `value`, read at `generation` (taken before the read began).
    pub fn keep(&self, key: &str, value: V, generation: u64) -> Arc<V> {
        let value = Arc::new(value);
        if self.ttl.is_zero() {
            return value;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= Self::MAX {
            entries.retain(|_, e| e.generation == generation && e.read_at.elapsed() < self.ttl);
            if entries.len() >= Self::MAX {
                entries.clear();
            }
        }
        entries.insert(
            key.to_string(),
            Entry {
                value: value.clone(),
                read_at: Instant::now(),
                generation,
            },
        );
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_with_a_change_or_time_and_zero_keeps_nothing() {
        let recent = Recent::new(Duration::from_secs(60));
        recent.keep("a", 1, 7);
        assert_eq!(recent.get("a", 7).as_deref(), Some(&1));
        assert!(recent.get("a", 8).is_none(), "a later commit invalidates");
        assert!(recent.get("b", 7).is_none());
        let off = Recent::new(Duration::ZERO);
        off.keep("a", 1, 7);
        assert!(off.get("a", 7).is_none());
        let short = Recent::new(Duration::from_millis(1));
        short.keep("a", 1, 7);
        std::thread::sleep(Duration::from_millis(5));
        assert!(short.get("a", 7).is_none());
    }
}
