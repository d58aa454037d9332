//! Checking the audit log's hash chains (`foxgate audit verify`): every event must follow
//! the one before it in its org's chain, carry that event's hash, and hash to what it
//! stores. The first link that does not hold is reported, in words. A chain shortened by
//! the retention purge must start where the purge's signed checkpoint says.

use super::Services;
use crate::store::audit::{ChainedRow, GENESIS};
use crate::store::orgs;
use crate::store::retention::{self, Checkpoint};
use crate::Error;
use hmac::Mac;

#[derive(Debug, sqlx::FromRow)]
struct StoredLink {
    #[sqlx(flatten)]
    row: ChainedRow,
    prev_hash: String,
    hash: String,
}

/// What verification found in one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// The org's slug, or `(no org)` for events that belong to none.
    pub chain: String,
    /// Events checked.
    pub events: u64,
    /// Events written before the chain existed (not checked).
    pub unchained: u64,
    /// The first broken link, if any.
    pub broken: Option<String>,
}

impl Services {
    /// Hex signature of a checkpoint's message.
    pub(crate) fn sign_checkpoint(&self, message: &str) -> String {
        let mut mac = self.keys.checkpoint_mac();
        mac.update(message.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Whether a chain head carries this server's signature (compared in constant time).
    fn head_signed(&self, chain: &str, seq: i64, hash: &str, sig: Option<&str>) -> bool {
        let Some(signature) = sig.and_then(unhex) else {
            return false;
        };
        let mut mac = self.keys.head_mac();
        mac.update(format!("{chain}\n{seq}\n{hash}").as_bytes());
        mac.verify_slice(&signature).is_ok()
    }

    /// Signs the heads written before heads were signed: once, by the start-up that applies
    /// the migration adding signatures, so that from then on an unsigned head is a tampered
    /// one.
    pub async fn sign_unsigned_heads(&self) -> Result<u64, Error> {
        let mut tx = self.db.begin().await?;
        let unsigned: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT chain, seq, hash FROM audit_chain WHERE sig IS NULL")
                .fetch_all(&mut *tx)
                .await?;
        for (chain, seq, hash) in &unsigned {
            sqlx::query("UPDATE audit_chain SET sig = $1 WHERE chain = $2 AND sig IS NULL")
                .bind(crate::store::audit::head_signature(
                    &self.keys.head_mac(),
                    chain,
                    *seq,
                    hash,
                ))
                .bind(chain)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(unsigned.len() as u64)
    }

    /// Whether the checkpoint was signed with this server's key (compared in constant time).
    fn checkpoint_signed(&self, point: &Checkpoint) -> bool {
        let Some(signature) = unhex(&point.signature) else {
            return false;
        };
        let mut mac = self.keys.checkpoint_mac();
        mac.update(point.message().as_bytes());
        mac.verify_slice(&signature).is_ok()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    text.len()
        .is_multiple_of(2)
        .then(|| {
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten()
}

/// Where the chain's oldest remaining event must link to: the genesis hash at position 0,
/// or a checkpoint the purge signed. An unsigned or forged checkpoint is a problem.
fn start_of(s: &Services, point: Option<&Checkpoint>) -> Result<(i64, String), String> {
    match point {
        None => Ok((0, GENESIS.to_string())),
        Some(p) if s.checkpoint_signed(p) => Ok((p.seq, p.hash.clone())),
        Some(p) => Err(format!(
            "the retention checkpoint at #{} is not signed by this server's key (forged or altered)",
            p.seq
        )),
    }
}

async fn check_chain(
    s: &Services,
    conn: &mut sqlx::AnyConnection,
    org_id: Option<&str>,
    label: String,
) -> Result<ChainReport, Error> {
    let filter = if org_id.is_some() {
        "org_id = $1"
    } else {
        "org_id IS NULL"
    };
    let links_sql = format!(
        "SELECT {EVENT_COLUMNS}, prev_hash, hash \
         FROM audit_events WHERE {filter} AND chain_seq IS NOT NULL ORDER BY chain_seq, id",
        EVENT_COLUMNS = crate::store::audit::EVENT_COLUMNS
    );
    let mut links = sqlx::query_as::<_, StoredLink>(&links_sql);
    if let Some(org_id) = org_id {
        links = links.bind(org_id);
    }
    let links = links.fetch_all(&mut *conn).await?;
    let unchained_sql =
        format!("SELECT COUNT(*) FROM audit_events WHERE {filter} AND chain_seq IS NULL");
    let mut unchained = sqlx::query_scalar::<_, i64>(&unchained_sql);
    if let Some(org_id) = org_id {
        unchained = unchained.bind(org_id);
    }
    let unchained = unchained.fetch_one(&mut *conn).await?;
    let chain = org_id.unwrap_or_default();
    let head: Option<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT seq, hash, sig FROM audit_chain WHERE chain = $1")
            .bind(chain)
            .fetch_optional(&mut *conn)
            .await?;

    let point = retention::checkpoint(&mut *conn, org_id.unwrap_or_default()).await?;
    let start = start_of(s, point.as_ref());
    let mut broken = start.as_ref().err().cloned();
    if let (Ok((start_seq, start_hash)), Some(first)) = (&start, links.first()) {
        if first.row.seq != start_seq + 1 || &first.prev_hash != start_hash {
            broken = Some(format!(
                "event #{} (id {}): the events before it are missing and no signed retention \
                 checkpoint accounts for them (deleted outside the purge)",
                first.row.seq, first.row.id
            ));
        }
    }
    let mut previous: Option<&StoredLink> = None;
    for link in links.iter().take_while(|_| broken.is_none()) {
        let seq = link.row.seq;
        let problem = match previous {
            Some(p) if seq != p.row.seq + 1 => Some(format!(
                "event #{} is missing after #{} (deleted), or rows were reordered",
                p.row.seq + 1,
                p.row.seq
            )),
            Some(p) if link.prev_hash != p.hash => Some(
                "its prev_hash is not the hash of the event before it (an event was deleted or the rows were reordered)"
                    .to_string(),
            ),
            _ if link.row.hash(&link.prev_hash) != link.hash => Some(
                "its contents no longer match its hash (the row was edited)".to_string(),
            ),
            _ => None,
        };
        if let Some(problem) = problem {
            broken = Some(format!("event #{seq} (id {}): {problem}", link.row.id));
            break;
        }
        previous = Some(link);
    }
    if broken.is_none() {
        // The start held, so the chain ends at its last event, or at the start if the
        // purge took every event.
        let last = match links.last() {
            Some(l) => (l.row.seq, l.hash.clone()),
            None => start.unwrap_or_default(),
        };
        broken = match head {
            Some((seq, _, _)) if seq > last.0 => Some(format!(
                "events #{} to #{seq} are missing (the newest events were deleted)",
                last.0 + 1
            )),
            Some((_, hash, _)) if hash != last.1 => {
                Some("the newest event's hash is not the chain's head (it was replaced)".into())
            }
            Some((seq, hash, sig)) if !s.head_signed(chain, seq, &hash, sig.as_deref()) => {
                Some(format!(
                    "the chain's head (#{seq}) is not signed by this server's key: it was rewound \
                     over deleted newest events, or written by someone else"
                ))
            }
            None if org_id.is_some() => Some(
                "the chain's head is missing (it was deleted, with the events it vouched for)"
                    .into(),
            ),
            _ => None,
        };
    }
    Ok(ChainReport {
        chain: label,
        events: links.len() as u64,
        unchained: u64::try_from(unchained).unwrap_or_default(),
        broken,
    })
}

/// Verifies one org's chain (by slug or id), or every chain when `org` is None.
pub async fn verify(s: &Services, org: Option<&str>) -> Result<Vec<ChainReport>, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let targets: Vec<(Option<String>, String)> = match org {
        Some(org_ref) => {
            let org = orgs::find(&mut conn, org_ref)
                .await?
                .ok_or_else(|| Error::invalid("org", format!("no organization {org_ref:?}")))?;
            vec![(Some(org.id), org.slug)]
        }
        None => {
            let all: Vec<(String, String)> =
                sqlx::query_as("SELECT id, slug FROM orgs ORDER BY slug")
                    .fetch_all(&mut *conn)
                    .await?;
            all.into_iter()
                .map(|(id, slug)| (Some(id), slug))
                .chain(std::iter::once((None, "(no org)".to_string())))
                .collect()
        }
    };
    let mut reports = Vec::new();
    for (org_id, label) in targets {
        reports.push(check_chain(s, &mut conn, org_id.as_deref(), label).await?);
    }
    Ok(reports)
}
