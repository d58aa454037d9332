//! The retention purge: the only code that deletes audit events, and only past each org's
//! retention period. It raises the `audit_purge` flag inside its transaction, which is what
//! lets the tables' triggers allow the delete, and leaves a signed checkpoint where each
//! chain now starts.

use super::DAY_MS;
use sqlx::AnyConnection;

/// Where a chain continues after a purge: the last deleted event's position and hash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Checkpoint {
    pub chain: String,
    pub seq: i64,
    pub hash: String,
    pub created_at: i64,
    pub signature: String,
}

impl Checkpoint {
    /// The exact bytes the signature covers.
    pub fn message(&self) -> String {
        format!(
            "foxgate audit checkpoint v1\n{}\n{}\n{}\n{}",
            self.chain, self.seq, self.hash, self.created_at
        )
    }
}

/// The newest checkpoint of a chain, if it was ever purged.
pub async fn checkpoint(conn: &mut AnyConnection, chain: &str) -> sqlx::Result<Option<Checkpoint>> {
    sqlx::query_as(
        "SELECT chain, seq, hash, created_at, signature FROM audit_checkpoints \
         WHERE chain = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(chain)
    .fetch_optional(conn)
    .await
}

/// Deletes events older than each org's retention, and events belonging to no org older
/// than `default_days`, signing a checkpoint for each chain it shortens with `sign` (over
/// [`Checkpoint::message`]). Returns how many events were deleted. Run inside a transaction.
pub async fn purge(
    conn: &mut AnyConnection,
    now: i64,
    default_days: i64,
    min_days: i64,
    sign: impl Fn(&str) -> String,
) -> sqlx::Result<u64> {
    sqlx::query("UPDATE audit_purge SET active = 1 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    // A lowered retention counts only once its wait is over, and never below the floor.
    let orgs: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, CASE WHEN audit_retention_pending_at IS NOT NULL AND audit_retention_pending_at <= $1 \
         THEN audit_retention_pending_days ELSE audit_retention_days END AS days FROM orgs",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let chains = orgs
        .into_iter()
        .map(|(id, days)| (id, now - days.max(min_days) * DAY_MS))
        .chain(std::iter::once((
            String::new(),
            now - default_days * DAY_MS,
        )));
    let mut deleted = 0;
    for (chain, cutoff) in chains {
        deleted += purge_chain(conn, &chain, cutoff, now, &sign).await?;
    }
    sqlx::query("UPDATE audit_purge SET active = 0 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    Ok(deleted)
}

/// One chain (`''` is the events of no org): everything up to its newest event past the
/// cutoff goes, so what remains is an unbroken tail that the checkpoint leads into.
async fn purge_chain(
    conn: &mut AnyConnection,
    chain: &str,
    cutoff: i64,
    now: i64,
    sign: &impl Fn(&str) -> String,
) -> sqlx::Result<u64> {
    let of_chain = if chain.is_empty() {
        "org_id IS NULL"
    } else {
        "org_id = $1"
    };
    let bind_chain = |sql| {
        let q = sqlx::query(sql);
        if chain.is_empty() {
            q
        } else {
            q.bind(chain)
        }
    };
    let last_sql = format!(
        "SELECT chain_seq, hash FROM audit_events WHERE {of_chain} AND created_at < ${} \
         AND chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1",
        if chain.is_empty() { 1 } else { 2 }
    );
    let mut last = sqlx::query_as::<_, (i64, String)>(&last_sql);
    if !chain.is_empty() {
        last = last.bind(chain);
    }
    let last = last.bind(cutoff).fetch_optional(&mut *conn).await?;
    let n = if chain.is_empty() { 1 } else { 2 };
    let deleted = match last {
        Some((seq, hash)) => {
            let mut point = Checkpoint {
                chain: chain.to_string(),
                seq,
                hash,
                created_at: now,
                signature: String::new(),
            };
            point.signature = sign(&point.message());
            sqlx::query(
                "INSERT INTO audit_checkpoints (chain, seq, hash, created_at, signature) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&point.chain)
            .bind(point.seq)
            .bind(&point.hash)
            .bind(point.created_at)
            .bind(&point.signature)
            .execute(&mut *conn)
            .await?;
            let sql = format!(
                "DELETE FROM audit_events WHERE {of_chain} AND (chain_seq <= ${n} \
                 OR (chain_seq IS NULL AND created_at < ${}))",
                n + 1
            );
            bind_chain(&sql)
                .bind(seq)
                .bind(cutoff)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        }
        None => {
            let sql = format!(
                "DELETE FROM audit_events WHERE {of_chain} AND chain_seq IS NULL AND created_at < ${n}"
            );
            bind_chain(&sql)
                .bind(cutoff)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        }
    };
    if !chain.is_empty() {
        sqlx::query("DELETE FROM audit_daily WHERE org_id = $1 AND day < $2")
            .bind(chain)
            .bind(cutoff.div_euclid(DAY_MS) * DAY_MS)
            .execute(&mut *conn)
            .await?;
    }
    Ok(deleted)
}
