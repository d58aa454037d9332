//! Server-side sessions for tower-sessions in Foxgate's own database. Rows are keyed by an
//! HMAC of the session id, so a copy of the database holds no usable session cookie, and
//! carry the user id so that all of a user's sessions can be found and ended. Sessions read
//! recently are kept in memory like verified tokens (see `Recent`), so a busy browser tab is
//! not a query per request.

use async_trait::async_trait;
use base64::Engine;
use foxgate_core::keys::Keys;
use foxgate_core::service::recent::Recent;
use foxgate_core::store::{is_unique_violation, Db};
use std::sync::Arc;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

pub use foxgate_core::service::sessions::keys::{ORG_ID, USER_ID};

#[derive(Clone)]
pub struct SqlSessionStore {
    db: Db,
    keys: Arc<Keys>,
    /// Live sessions as last loaded, by row id. Stale at once when this process commits any
    /// write (ending a session is one), and after the token cache's time for what another
    /// process changed. Unknown ids are not kept: random cookies cannot fill it.
    recent: Arc<Recent<Record>>,
}

impl std::fmt::Debug for SqlSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlSessionStore").finish_non_exhaustive()
    }
}

impl SqlSessionStore {
    /// A store whose loaded sessions are trusted for `cache` (zero: every request reads).
    pub fn new(db: Db, keys: Arc<Keys>, cache: std::time::Duration) -> Self {
        Self {
            db,
            keys,
            recent: Arc::new(Recent::new(cache)),
        }
    }

    /// The stored row id of a session: its public handle (the Sessions page names sessions
    /// by it), from which the cookie cannot be recovered.
    pub fn row_id(&self, id: &Id) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(self.keys.session_row_id(&id.to_string()))
    }

    /// Deletes expired sessions; run periodically by the server.
    pub async fn delete_expired(&self) -> sqlx::Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(foxgate_core::store::now_ms())
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

fn expiry_ms(record: &Record) -> i64 {
    (record.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64
}

fn user_of(record: &Record) -> Option<String> {
    record
        .data
        .get(USER_ID)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

#[async_trait]
impl SessionStore for SqlSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        // A fresh random id colliding is astronomically unlikely, but never overwrite another session.
        loop {
            let mut tx = self.db.begin().await.map_err(backend)?;
            let inserted = sqlx::query(
                "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(self.row_id(&record.id))
            .bind(user_of(record))
            .bind(&data)
            .bind(expiry_ms(record))
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => return tx.commit().await.map_err(backend),
                Err(e) if is_unique_violation(&e) => record.id = Id::default(),
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        // An update only: a session that sign-out or "end session" deleted while this request
        // was in flight stays deleted (new sessions and new ids go through `create`).
        // Every signed-in request saves (its idle expiry moves): through the write gate, so
        // concurrent page loads queue instead of sleeping in SQLite's busy handler.
        let mut tx = self.db.begin().await.map_err(backend)?;
        sqlx::query("UPDATE sessions SET user_id = $1, data = $2, expires_at = $3 WHERE id = $4")
            .bind(user_of(record))
            .bind(&data)
            .bind(expiry_ms(record))
            .bind(self.row_id(&record.id))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let row_id = self.row_id(id);
        let generation = self.db.generation();
        let now = time::OffsetDateTime::now_utc();
        if let Some(kept) = self.recent.get(&row_id, generation) {
            return Ok((kept.expiry_date > now).then(|| Record::clone(&kept)));
        }
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(&row_id)
        .bind(foxgate_core::store::now_ms())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp_nanos(expires_at as i128 * 1_000_000)
                .map_err(|e| Error::Decode(e.to_string()))?;
        let record = Record {
            id: *id,
            data,
            expiry_date,
        };
        Ok(Some(Record::clone(
            &self.recent.keep(&row_id, record, generation),
        )))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let mut tx = self.db.begin().await.map_err(backend)?;
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(self.row_id(id))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}
