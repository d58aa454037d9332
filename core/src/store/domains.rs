//! Domain claims: which org claims which email domain, the token its DNS record must hold,
//! and whether it was verified. At most one verified claim per domain (a unique index).

use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimRow {
    pub id: String,
    pub org_id: String,
    pub domain: String,
    pub token: String,
    pub created_at: i64,
    pub verified_at: Option<i64>,
}

const COLUMNS: &str = "id, org_id, domain, token, created_at, verified_at";

pub async fn insert(conn: &mut AnyConnection, row: &ClaimRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO domain_claims (id, org_id, domain, token, created_at, verified_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&row.id)
    .bind(&row.org_id)
    .bind(&row.domain)
    .bind(&row.token)
    .bind(row.created_at)
    .bind(row.verified_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<Vec<ClaimRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM domain_claims WHERE org_id = $1 ORDER BY domain"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await
}

pub async fn get(
    conn: &mut AnyConnection,
    org_id: &str,
    id: &str,
) -> sqlx::Result<Option<ClaimRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM domain_claims WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The org whose verified claim covers `domain`, if one does.
pub async fn verified_org(conn: &mut AnyConnection, domain: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT org_id FROM domain_claims WHERE domain = $1 AND verified_at IS NOT NULL",
    )
    .bind(domain)
    .fetch_optional(conn)
    .await
}

pub async fn mark_verified(conn: &mut AnyConnection, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE domain_claims SET verified_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM domain_claims WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
