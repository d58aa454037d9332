//! Foxgate's access-token signing keys in use: loaded from the database (the first one made
//! on first need), the newest unretired key signs, every published key verifies. Kept in
//! memory and reloaded after a minute, or sooner (at most every 10 s) when a token names a
//! key not loaded — so a rotation by `foxgate keys rotate` or another process is seen.

use super::Services;
use crate::jwt::{PublicKey, Signer25519};
use crate::store::{self, signing_keys, signing_keys::SigningKeyRow};
use crate::Error;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long an access token lives (seconds): also how long a retired key stays published.
pub const ACCESS_TTL_SECS: i64 = 600;
/// Clock skew allowed between Foxgate's processes and the services verifying its tokens.
pub const LEEWAY_SECS: i64 = 30;
const RELOAD_AFTER: Duration = Duration::from_secs(60);
const UNKNOWN_KID_RELOAD: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Loaded {
    at: Instant,
    signer: Arc<Signer25519>,
    published: Vec<PublicKey>,
}

/// The keys as last loaded.
#[derive(Debug, Default)]
pub struct SigningKeys {
    loaded: RwLock<Option<Arc<Loaded>>>,
}

impl SigningKeys {
    fn current(&self) -> Option<Arc<Loaded>> {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    async fn fresh(&self, s: &Services, older_than: Duration) -> Result<Arc<Loaded>, Error> {
        if let Some(loaded) = self.current().filter(|l| l.at.elapsed() < older_than) {
            return Ok(loaded);
        }
        let loaded = Arc::new(load(s).await?);
        *self.loaded.write().unwrap_or_else(|e| e.into_inner()) = Some(loaded.clone());
        Ok(loaded)
    }

    /// The key new tokens are signed with.
    pub async fn signer(&self, s: &Services) -> Result<Arc<Signer25519>, Error> {
        Ok(self.fresh(s, RELOAD_AFTER).await?.signer.clone())
    }

    /// Every key a verifier should accept now (the JWKS).
    pub async fn published(&self, s: &Services) -> Result<Vec<PublicKey>, Error> {
        Ok(self.fresh(s, RELOAD_AFTER).await?.published.clone())
    }

    /// The published key with id `kid`, reloading once if it is not known yet.
    pub async fn key(&self, s: &Services, kid: &str) -> Result<Option<PublicKey>, Error> {
        let find = |l: &Loaded| l.published.iter().find(|k| k.kid == kid).cloned();
        let loaded = self.fresh(s, RELOAD_AFTER).await?;
        if let Some(key) = find(&loaded) {
            return Ok(Some(key));
        }
        Ok(find(&*self.fresh(s, UNKNOWN_KID_RELOAD).await?))
    }
}

/// A fresh key pair as a row: the private half sealed under the server key.
fn new_key(s: &Services, now: i64) -> SigningKeyRow {
    let mut private = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut private);
    let mut id = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut id);
    let kid = id.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let signer = Signer25519::new(kid.clone(), &private);
    SigningKeyRow {
        kid,
        private_key_sealed: s.keyring.seal(&URL_SAFE_NO_PAD.encode(private)),
        public_key: signer.public().x(),
        created_at: now,
        retired_at: None,
    }
}

/// A retired key may still sign in another process until that one reloads (a minute), and
/// its last token lives its lifetime after that: published that long past retirement.
fn published_since(now: i64) -> i64 {
    now - (ACCESS_TTL_SECS + LEEWAY_SECS + RELOAD_AFTER.as_secs() as i64) * 1000
}

async fn load(s: &Services) -> Result<Loaded, Error> {
    let now = store::now_ms();
    let mut rows = {
        let mut conn = s.db.pool().acquire().await?;
        signing_keys::published(&mut conn, published_since(now)).await?
    };
    if !rows.iter().any(|r| r.retired_at.is_none()) {
        // The first token ever: make the first key.
        let mut tx = s.db.begin().await?;
        let fresh = new_key(s, now);
        signing_keys::insert(&mut tx, &fresh).await?;
        tx.commit().await?;
        rows.insert(0, fresh);
    }
    let active = rows
        .iter()
        .find(|r| r.retired_at.is_none())
        .ok_or_else(|| Error::internal("no signing key"))?;
    let private = s
        .keyring
        .open(&active.private_key_sealed)
        .map_err(|e| Error::internal(format!("signing key {}: {e}", active.kid)))?;
    let private: [u8; 32] = URL_SAFE_NO_PAD
        .decode(private.expose())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::internal(format!("signing key {} is corrupt", active.kid)))?;
    let published = rows
        .iter()
        .filter_map(|r| PublicKey::from_x(r.kid.clone(), &r.public_key))
        .collect();
    Ok(Loaded {
        at: Instant::now(),
        signer: Arc::new(Signer25519::new(active.kid.clone(), &private)),
        published,
    })
}

/// `foxgate keys rotate`: a new key signs from now on; the previous ones stay published
/// until every token they signed has expired. Returns the new key's id.
pub async fn rotate(s: &Services) -> Result<String, Error> {
    let now = store::now_ms();
    let fresh = new_key(s, now);
    let mut tx = s.db.begin().await?;
    signing_keys::insert(&mut tx, &fresh).await?;
    signing_keys::retire_all_but(&mut tx, &fresh.kid, now).await?;
    tx.commit().await?;
    *s.signing.loaded.write().unwrap_or_else(|e| e.into_inner()) = None;
    Ok(fresh.kid)
}
