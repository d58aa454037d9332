//! Checking the audit log's hash chains (`foxgate audit verify`): every event must follow
//! the one before it in its org's chain, carry that event's hash, and hash to what it
//! stores. The first link that does not hold is reported, in words.

use super::Services;
use crate::store::audit::ChainedRow;
use crate::store::orgs;
use crate::Error;

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

async fn check_chain(
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
        "SELECT chain_seq, id, created_at, org_id, team_id, actor_kind, actor_id, actor_label, action, \
         entity_type, entity_id, entity_label, outcome, reason, ip, origin, request_id, snapshot, prev_hash, hash \
         FROM audit_events WHERE {filter} AND chain_seq IS NOT NULL ORDER BY chain_seq, id"
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
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_chain WHERE chain = $1")
            .bind(org_id.unwrap_or_default())
            .fetch_optional(&mut *conn)
            .await?;

    let mut broken = None;
    let mut previous: Option<&StoredLink> = None;
    for link in &links {
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
        let last = links.last().map(|l| (l.row.seq, l.hash.as_str()));
        broken = match (head, last) {
            (Some((seq, _)), Some((last_seq, _))) if seq > last_seq => Some(format!(
                "events #{} to #{seq} are missing (the newest events were deleted)",
                last_seq + 1
            )),
            (Some((_, hash)), Some((_, last_hash))) if hash != last_hash => {
                Some("the newest event's hash is not the chain's head (it was replaced)".into())
            }
            (Some((seq, _)), None) if seq > 0 => {
                Some(format!("all {seq} chained events are missing"))
            }
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
        reports.push(check_chain(&mut conn, org_id.as_deref(), label).await?);
    }
    Ok(reports)
}
