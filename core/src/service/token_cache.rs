//! Token rows recently verified, kept per process so a busy token is not a database query
//! per request.

use super::tokens::Carried;
use crate::authz::{AppPermission, PermissionSet};
use crate::store::tokens::TokenRow;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// A token row as last read, with what its roles allowed then.
#[derive(Debug)]
pub struct Verified {
    pub row: TokenRow,
    pub permissions: PermissionSet,
    /// The applications' permissions its roles carried.
    pub apps: Vec<AppPermission>,
    read_at: Instant,
    /// The database generation it was read at (see `Db::generation`).
    generation: u64,
}

/// Token rows recently read (per process), so a busy token is not a
/// database query per request. Any change committed through this process (a revocation, a
/// role edit) makes the entries read before it stale at once; another process sharing the
/// database sees the change within `ttl`. A personal token's row is cached likewise, but
/// what it may do is its user's access now, from the member Principals (under the same
/// rules). A zero `ttl` disables the cache.
pub struct TokenCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, Arc<Verified>>>,
}

/// Only the size: the entries hold secret hashes, which have no business in a log.
impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries.read().map_or(0, |e| e.len());
        f.debug_struct("TokenCache")
            .field("ttl", &self.ttl)
            .field("entries", &entries)
            .finish()
    }
}

impl TokenCache {
    /// Entries beyond this many trigger a sweep of the stale ones.
    const SWEEP_ABOVE: usize = 100_000;

    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::default(),
        }
    }

    pub(crate) fn get(&self, id: &str, generation: u64) -> Option<Arc<Verified>> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(id)
            .filter(|v| v.generation == generation && v.read_at.elapsed() < self.ttl)
            .cloned()
    }

    /// Remembers a freshly read row (unless caching is off).
    /// `generation` is the one taken before the row was read.
    pub(crate) fn keep(&self, row: TokenRow, carried: Carried, generation: u64) -> Arc<Verified> {
        let verified = Arc::new(Verified {
            row,
            permissions: carried.set,
            apps: carried.apps,
            read_at: Instant::now(),
            generation,
        });
        if !self.ttl.is_zero() {
            let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
            if entries.len() > Self::SWEEP_ABOVE {
                entries.retain(|_, v| v.read_at.elapsed() < self.ttl);
            }
            entries.insert(verified.row.id.clone(), verified.clone());
        }
        verified
    }

    pub(crate) fn forget(&self, id: &str) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }
}
