//! How many live activity streams are open, per principal and in all. Each open stream holds
//! a connection and polls the database every second, so both are capped; a caller over a
//! cap is answered `429` and told when to retry.

use foxgate_core::authz::{Identity, Principal};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Streams one user or token may hold open at once (a few tabs, a script).
pub const PER_PRINCIPAL: usize = 5;

#[derive(Debug)]
pub struct StreamSlots {
    total_max: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    /// Only principals with a stream open: at most `total_max` entries.
    by_principal: HashMap<String, usize>,
}

/// An open stream's place; dropping it (the stream ended or the client left) frees it.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<StreamSlots>,
    key: String,
}

impl StreamSlots {
    pub fn new(total_max: usize) -> Arc<Self> {
        Arc::new(Self {
            total_max,
            open: Mutex::new(Open::default()),
        })
    }

    /// A place for one more stream of `p`, or None when it or the server is at its cap.
    pub fn take(self: &Arc<Self>, p: &Principal) -> Option<Slot> {
        let key = match &p.identity {
            Identity::User { id, .. } => format!("user:{id}"),
            Identity::Token { id, .. } => format!("token:{id}"),
            Identity::Anonymous => return None,
        };
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let mine = open.by_principal.get(&key).copied().unwrap_or(0);
        if mine >= PER_PRINCIPAL || open.total >= self.total_max {
            return None;
        }
        open.total += 1;
        open.by_principal.insert(key.clone(), mine + 1);
        Some(Slot {
            slots: self.clone(),
            key,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total = open.total.saturating_sub(1);
        if let Some(n) = open.by_principal.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.by_principal.remove(&self.key);
            }
        }
    }
}
