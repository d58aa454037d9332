//! Foxgate's access-token signing keys: the private half sealed, the public half as the
//! JWK's `x`; the newest unretired key signs, and retired ones stay published for a while.

use sqlx::AnyConnection;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SigningKeyRow {
    pub kid: String,
    /// Sealed under the server key (`seal.rs`); opened only to sign.
    pub private_key_sealed: String,
    pub public_key: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// Keys that are still in use or still published: unretired, or retired after `since`.
pub async fn published(conn: &mut AnyConnection, since: i64) -> sqlx::Result<Vec<SigningKeyRow>> {
    sqlx::query_as(
        "SELECT kid, private_key_sealed, public_key, created_at, retired_at FROM signing_keys \
         WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC, kid",
    )
    .bind(since)
    .fetch_all(conn)
    .await
}

pub async fn insert(conn: &mut AnyConnection, k: &SigningKeyRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, private_key_sealed, public_key, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&k.kid)
    .bind(&k.private_key_sealed)
    .bind(&k.public_key)
    .bind(k.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Retires every key but `keep`; how many were retired.
pub async fn retire_all_but(conn: &mut AnyConnection, keep: &str, now: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL AND kid <> $2",
    )
    .bind(now)
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
