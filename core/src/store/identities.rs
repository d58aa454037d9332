//! How users are known to IdPs: `(issuer key, subject)` → user. Never looked up by email.

use sqlx::AnyConnection;

pub async fn find_user(
    conn: &mut AnyConnection,
    issuer_key: &str,
    subject: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT user_id FROM user_identities WHERE issuer_key = $1 AND subject = $2")
        .bind(issuer_key)
        .bind(subject)
        .fetch_optional(conn)
        .await
}

pub async fn insert(
    conn: &mut AnyConnection,
    issuer_key: &str,
    subject: &str,
    user_id: &str,
    idp_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_identities (issuer_key, subject, user_id, idp_id, created_at, last_signin_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(issuer_key)
    .bind(subject)
    .bind(user_id)
    .bind(idp_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn touch(
    conn: &mut AnyConnection,
    issuer_key: &str,
    subject: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_identities SET last_signin_at = $1 WHERE issuer_key = $2 AND subject = $3",
    )
    .bind(now)
    .bind(issuer_key)
    .bind(subject)
    .execute(conn)
    .await?;
    Ok(())
}
