//! One-time submission keys: a create request that names one is acted on once.

use sqlx::AnyConnection;

/// How long a key is remembered (ms): longer than anyone resends a form.
pub const KEPT_MS: i64 = 24 * 3600 * 1000;

/// Records `key` in the caller's transaction; a unique violation means it was used.
pub async fn claim(conn: &mut AnyConnection, key: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO form_submissions (key, created_at) VALUES ($1, $2)")
        .bind(key)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets keys older than [`KEPT_MS`]; returns how many.
pub async fn purge(conn: &mut AnyConnection, now: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM form_submissions WHERE created_at < $1")
        .bind(now - KEPT_MS)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
