//! The retention purge: the only code that deletes audit events, and only past each org's
//! retention period. It raises the `audit_purge` flag inside its transaction, which is what
//! lets the tables' triggers allow the delete.

use sqlx::AnyConnection;

/// Deletes events older than each org's retention, and events belonging to no org older
/// than `default_days`. Returns how many were deleted. Run inside a transaction.
pub async fn purge(conn: &mut AnyConnection, now: i64, default_days: i64) -> sqlx::Result<u64> {
    const DAY_MS: i64 = 86_400_000;
    sqlx::query("UPDATE audit_purge SET active = 1 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    let orgs: Vec<(String, i64)> = sqlx::query_as("SELECT id, audit_retention_days FROM orgs")
        .fetch_all(&mut *conn)
        .await?;
    let mut deleted = 0;
    for (org_id, days) in orgs {
        deleted += sqlx::query("DELETE FROM audit_events WHERE org_id = $1 AND created_at < $2")
            .bind(&org_id)
            .bind(now - days * DAY_MS)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    deleted += sqlx::query("DELETE FROM audit_events WHERE org_id IS NULL AND created_at < $1")
        .bind(now - default_days * DAY_MS)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query("UPDATE audit_purge SET active = 0 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    Ok(deleted)
}
