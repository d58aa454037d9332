//! The audit log table: append-only rows, written in the transaction of the change they record.

use super::db::WriteTx;
use crate::authz::{Identity, Principal, RequestContext};
use crate::model::{AuditAction, EntityType, Outcome};
use crate::secret::Secret;
use sqlx::AnyConnection;

/// The fields that differ between two states of an entity, as `{"field": {"old", "new"}}`:
/// what an update event records. Give it public views, never anything holding a secret.
pub fn changes(
    before: &impl serde::Serialize,
    after: &impl serde::Serialize,
) -> serde_json::Map<String, serde_json::Value> {
    let (before, after) = (
        serde_json::to_value(before).unwrap_or_default(),
        serde_json::to_value(after).unwrap_or_default(),
    );
    let empty = serde_json::Map::new();
    let old = before.as_object().unwrap_or(&empty);
    let new = after.as_object().unwrap_or(&empty);
    let mut out = serde_json::Map::new();
    for (field, value) in new {
        let was = old.get(field).unwrap_or(&serde_json::Value::Null);
        if was != value {
            out.insert(field.clone(), serde_json::json!({"old": was, "new": value}));
        }
    }
    out
}

/// One event to append. Built with [`AuditEvent::by`] or [`AuditEvent::anonymous`], then
/// narrowed with the `entity`/`org`/… setters. Never put a secret in any field.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub actor_kind: &'static str,
    pub actor_id: Option<String>,
    pub actor_label: Option<String>,
    pub org_id: Option<String>,
    pub team_id: Option<String>,
    pub entity_type: Option<EntityType>,
    pub entity_id: Option<String>,
    pub entity_label: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<std::borrow::Cow<'static, str>>,
    pub context: RequestContext,
    pub snapshot: Option<serde_json::Value>,
}

impl AuditEvent {
    /// An event whose actor is the principal.
    pub fn by(principal: &Principal, action: AuditAction) -> Self {
        let (kind, id, label) = match &principal.identity {
            Identity::User { id, email, .. } => match &principal.via_token {
                Some(token) => (
                    "personal_token",
                    Some(id.clone()),
                    Some(format!("{email} (token {token})")),
                ),
                None => ("user", Some(id.clone()), Some(email.clone())),
            },
            Identity::Token { id, name } => ("token", Some(id.clone()), Some(name.clone())),
            Identity::Anonymous => ("anonymous", None, None),
        };
        Self {
            actor_kind: kind,
            actor_id: id,
            actor_label: label,
            org_id: principal.org_id.clone(),
            team_id: principal.team_id.clone(),
            ..Self::anonymous(action, principal.context.clone())
        }
    }

    /// An event before anyone is known (failed sign-in, setup).
    pub fn anonymous(action: AuditAction, context: RequestContext) -> Self {
        Self {
            action,
            actor_kind: "anonymous",
            actor_id: None,
            actor_label: None,
            org_id: None,
            team_id: None,
            entity_type: None,
            entity_id: None,
            entity_label: None,
            outcome: Outcome::Success,
            reason: None,
            context,
            snapshot: None,
        }
    }

    pub fn actor_user(mut self, id: &str, email: &str) -> Self {
        self.actor_kind = "user";
        self.actor_id = Some(id.to_string());
        self.actor_label = Some(email.to_string());
        self
    }

    /// Changes made by an identity provider on the user's behalf (provisioning, group sync).
    pub fn actor_provider(mut self, id: &str, name: &str) -> Self {
        self.actor_kind = "sso_provider";
        self.actor_id = Some(id.to_string());
        self.actor_label = Some(name.to_string());
        self
    }

    pub fn entity(mut self, kind: EntityType, id: &str, label: &str) -> Self {
        self.entity_type = Some(kind);
        self.entity_id = Some(id.to_string());
        self.entity_label = Some(label.to_string());
        self
    }

    pub fn org(mut self, org_id: &str) -> Self {
        self.org_id = Some(org_id.to_string());
        self
    }

    pub fn team(mut self, team_id: &str) -> Self {
        self.team_id = Some(team_id.to_string());
        self
    }

    /// What the event is about beyond its entity: the last state on delete, the fields
    /// changed on update ([`changes`]), who got what on a grant. Never include a secret.
    pub fn snapshot(mut self, value: serde_json::Value) -> Self {
        self.snapshot = Some(value);
        self
    }

    /// A refused authorization; `reason` names the permission.
    pub fn denied(mut self, reason: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        self.outcome = Outcome::Denied;
        self.reason = Some(reason.into());
        self
    }

    pub fn failed(mut self, reason: &'static str) -> Self {
        self.outcome = Outcome::Failure;
        self.reason = Some(reason.into());
        self
    }

    /// Appends the event to its org's chain; see [`insert_all`].
    pub async fn insert(&self, tx: &mut WriteTx) -> sqlx::Result<()> {
        insert_all(tx, std::slice::from_ref(self)).await
    }

    fn row(&self) -> ChainedRow {
        ChainedRow {
            seq: 0,
            id: super::new_id(),
            created_at: super::now_ms(),
            org_id: self.org_id.clone(),
            team_id: self.team_id.clone(),
            actor_kind: self.actor_kind.to_string(),
            actor_id: self.actor_id.clone(),
            actor_label: self.actor_label.clone(),
            action: self.action.as_str().to_string(),
            entity_type: self.entity_type.map(|t| t.as_str().to_string()),
            entity_id: self.entity_id.clone(),
            entity_label: self.entity_label.clone(),
            outcome: self.outcome.as_str().to_string(),
            reason: self.reason.as_deref().map(str::to_string),
            ip: self.context.ip.clone(),
            origin: self.context.origin.clone(),
            request_id: self.context.request_id.clone(),
            snapshot: self.snapshot.as_ref().map(|s| s.to_string()),
        }
    }
}

/// A row linked into its chain: with its `prev_hash` and `hash`.
pub type Linked = (ChainedRow, String, String);

/// Which per-day count an event bumps: org, day, team (or ''), entity type (or '').
type DayKey<'a> = (&'a str, i64, &'a str, &'a str);

/// Rows per INSERT statement: sqlx's SQLite driver slows down sharply with many
/// parameters in one statement, and a handful of rows already saves most round trips.
const ROWS_PER_STATEMENT: usize = 8;

/// Appends events, in order, to their orgs' chains, in the caller's transaction. Each
/// chain's head is advanced once by compare-and-swap on the last head this process saw
/// (which also takes the head row's write lock until the transaction ends); a stale guess
/// re-reads the head and retries. Then the events go in a few rows per statement, and each
/// (org, day, team, entity type) count is bumped once: one event is three statements, and
/// fifty are about ten. The new head is signed with the transaction's head key, so a head
/// rewound over deleted events (or a deleted head) no longer verifies.
pub async fn insert_all(tx: &mut WriteTx, events: &[AuditEvent]) -> sqlx::Result<()> {
    let key = tx.head_key();
    let conn: &mut AnyConnection = tx;
    let mut rows: Vec<Linked> = Vec::with_capacity(events.len());
    let mut chains: Vec<String> = Vec::new();
    for e in events {
        let chain = e.org_id.clone().unwrap_or_default();
        if !chains.contains(&chain) {
            chains.push(chain);
        }
    }
    for chain in &chains {
        let mine: Vec<ChainedRow> = events
            .iter()
            .filter(|e| e.org_id.as_deref().unwrap_or_default() == chain)
            .map(AuditEvent::row)
            .collect();
        rows.extend(chain_up(conn, chain, mine, key.as_deref().map(Secret::expose)).await?);
    }
    write_chained(conn, &rows).await
}

/// The columns of an audit event as the log reads them, declared once for every reader.
pub const EVENT_COLUMNS: &str =
    "id, created_at, org_id, team_id, actor_kind, actor_id, actor_label, action, \
     entity_type, entity_id, entity_label, outcome, reason, ip, origin, request_id, snapshot, chain_seq";

/// Writes rows that already hold their chain position, `prev_hash` and hash, and bumps
/// their days' counts. Only for rows linked by [`insert_all`], or a bulk load that links
/// them the same way and sets the chain head itself.
pub async fn write_chained(conn: &mut AnyConnection, rows: &[Linked]) -> sqlx::Result<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let params: Vec<String> = (1..=20).map(|c| format!("${}", r * 20 + c)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_events ({EVENT_COLUMNS}, prev_hash, hash) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (row, prev_hash, hash) in chunk {
            query = query
                .bind(&row.id)
                .bind(row.created_at)
                .bind(&row.org_id)
                .bind(&row.team_id)
                .bind(&row.actor_kind)
                .bind(&row.actor_id)
                .bind(&row.actor_label)
                .bind(&row.action)
                .bind(&row.entity_type)
                .bind(&row.entity_id)
                .bind(&row.entity_label)
                .bind(&row.outcome)
                .bind(&row.reason)
                .bind(&row.ip)
                .bind(&row.origin)
                .bind(&row.request_id)
                .bind(&row.snapshot)
                .bind(row.seq)
                .bind(prev_hash)
                .bind(hash);
        }
        query.execute(&mut *conn).await?;
    }
    let mut daily: Vec<(DayKey, i64)> = Vec::new();
    for (row, _, _) in rows {
        let Some(org_id) = row.org_id.as_deref() else {
            continue;
        };
        let key = (
            org_id,
            row.created_at - row.created_at.rem_euclid(super::DAY_MS),
            row.team_id.as_deref().unwrap_or_default(),
            row.entity_type.as_deref().unwrap_or_default(),
        );
        match daily.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => daily.push((key, 1)),
        }
    }
    for ((org_id, day, team_id, entity_type), n) in daily {
        sqlx::query(
            "INSERT INTO audit_daily (org_id, day, team_id, entity_type, events) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (org_id, day, team_id, entity_type) DO UPDATE SET events = audit_daily.events + $5",
        )
        .bind(org_id)
        .bind(day)
        .bind(team_id)
        .bind(entity_type)
        .bind(n)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Gives `rows` the next positions of `chain` and their hashes, advancing its head past
/// them by compare-and-swap. Returns each row with its `prev_hash` and `hash`.
async fn chain_up(
    conn: &mut AnyConnection,
    chain: &str,
    mut rows: Vec<ChainedRow>,
    key: Option<&HeadMac>,
) -> sqlx::Result<Vec<Linked>> {
    let mut head = heads::remembered(chain);
    for _ in 0..100 {
        let (start_seq, start_hash) = match head.take() {
            Some(h) => h,
            None => heads::read(conn, chain, key).await?,
        };
        let mut linked = Vec::with_capacity(rows.len());
        let mut prev = start_hash.clone();
        for (i, row) in rows.iter_mut().enumerate() {
            row.seq = start_seq + 1 + i as i64;
            let hash = row.hash(&prev);
            linked.push((prev, hash.clone()));
            prev = hash;
        }
        let end_seq = start_seq + rows.len() as i64;
        // Both the position and the hash must match: a guess left by a rolled-back append
        // can name the right position with another event's hash.
        let swapped = sqlx::query(
            "UPDATE audit_chain SET seq = $1, hash = $2, sig = $6 WHERE chain = $3 AND seq = $4 AND hash = $5",
        )
        .bind(end_seq)
        .bind(&prev)
        .bind(chain)
        .bind(start_seq)
        .bind(&start_hash)
        .bind(key.map(|k| head_signature(k, chain, end_seq, &prev)))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if swapped == 1 {
            heads::remember(chain, end_seq, &prev);
            return Ok(rows
                .into_iter()
                .zip(linked)
                .map(|(row, (prev_hash, hash))| (row, prev_hash, hash))
                .collect());
        }
    }
    Err(sqlx::Error::Protocol(
        "the audit chain head kept moving".into(),
    ))
}

/// The last head each chain was seen at by this process: a guess, checked by the swap, so
/// a stale one (another process appended, or a transaction rolled back) costs one retry.
mod heads {
    use super::{head_signature, HeadMac, GENESIS};
    use sqlx::AnyConnection;
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    fn all() -> &'static Mutex<HashMap<String, (i64, String)>> {
        static HEADS: OnceLock<Mutex<HashMap<String, (i64, String)>>> = OnceLock::new();
        HEADS.get_or_init(Mutex::default)
    }

    pub fn remembered(chain: &str) -> Option<(i64, String)> {
        all()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(chain)
            .cloned()
    }

    pub fn remember(chain: &str, seq: i64, hash: &str) {
        let mut heads = all().lock().unwrap_or_else(|e| e.into_inner());
        if heads.len() > 100_000 {
            heads.clear();
        }
        heads.insert(chain.to_string(), (seq, hash.to_string()));
    }

    /// The head as stored, created at the genesis hash for a chain's first event.
    pub async fn read(
        conn: &mut AnyConnection,
        chain: &str,
        key: Option<&HeadMac>,
    ) -> sqlx::Result<(i64, String)> {
        sqlx::query(
            "INSERT INTO audit_chain (chain, seq, hash, sig) VALUES ($1, 0, $2, $3) ON CONFLICT (chain) DO NOTHING",
        )
        .bind(chain)
        .bind(GENESIS)
        .bind(key.map(|k| head_signature(k, chain, 0, GENESIS)))
        .execute(&mut *conn)
        .await?;
        sqlx::query_as("SELECT seq, hash FROM audit_chain WHERE chain = $1")
            .bind(chain)
            .fetch_one(conn)
            .await
    }
}

type HeadMac = hmac::Hmac<sha2::Sha256>;

/// Hex HMAC of a chain head, `chain \n seq \n hash`: what `audit verify` checks the stored
/// head against.
pub fn head_signature(key: &HeadMac, chain: &str, seq: i64, hash: &str) -> String {
    use hmac::Mac;
    let mut mac = key.clone();
    mac.update(format!("{chain}\n{seq}\n{hash}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `prev_hash` of a chain's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as the chain sees it: every stored field, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChainedRow {
    #[sqlx(rename = "chain_seq")]
    pub seq: i64,
    pub id: String,
    pub created_at: i64,
    pub org_id: Option<String>,
    pub team_id: Option<String>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_label: Option<String>,
    pub action: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub entity_label: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
    pub ip: Option<String>,
    pub origin: Option<String>,
    pub request_id: Option<String>,
    pub snapshot: Option<String>,
}

impl ChainedRow {
    /// SHA-256 (hex) of the previous hash, a newline, and the canonical form: a JSON array
    /// of every field in declaration order (so no field can move without changing it).
    pub fn hash(&self, prev_hash: &str) -> String {
        use sha2::Digest;
        let canonical = serde_json::json!([
            self.seq,
            self.id,
            self.created_at,
            self.org_id,
            self.team_id,
            self.actor_kind,
            self.actor_id,
            self.actor_label,
            self.action,
            self.entity_type,
            self.entity_id,
            self.entity_label,
            self.outcome,
            self.reason,
            self.ip,
            self.origin,
            self.request_id,
            self.snapshot,
        ]);
        let mut digest = sha2::Sha256::new();
        digest.update(prev_hash.as_bytes());
        digest.update(b"\n");
        digest.update(canonical.to_string().as_bytes());
        digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}
