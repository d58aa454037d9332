//! Browser sessions as rows (written by the server's session store): read and ended here,
//! by user, for the Sessions page and for admins.

use super::sql::{Bind, Sql};
use sqlx::AnyConnection;

/// A live session as stored: its row id, its data (JSON) and when it expires.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub data: String,
    pub expires_at: i64,
}

/// One page of a user's live sessions, the latest to expire first (`limit` + 1 rows read),
/// after the `(expires_at, id)` key of the previous page's last.
pub async fn of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    now: i64,
    after: Option<(i64, &str)>,
    limit: u32,
) -> sqlx::Result<Vec<SessionRow>> {
    let mut sql = Sql {
        text: "SELECT id, data, expires_at FROM sessions WHERE user_id = $1".into(),
        binds: vec![Bind::Text(user_id)],
    };
    let live = sql.param(Bind::Int(now));
    sql.text.push_str(&format!(" AND expires_at > {live}"));
    sql.after(
        "expires_at, id",
        after.map(|(at, id)| vec![Bind::Int(at), Bind::Text(id)]),
        true,
    );
    sql.order_limit("expires_at DESC, id DESC", limit);
    sql.run().fetch_all(conn).await
}

/// One live session of a user, by id; None when it is not theirs, gone or expired.
pub async fn one_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
    now: i64,
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(
        "SELECT id, data, expires_at FROM sessions WHERE user_id = $1 AND id = $2 AND expires_at > $3",
    )
    .bind(user_id)
    .bind(id)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Ends one session of a user; false when it is not theirs (or gone).
pub async fn delete_one(conn: &mut AnyConnection, user_id: &str, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of a user but `keep` (the caller's own, when it is a session);
/// how many ended.
pub async fn delete_all_but(
    conn: &mut AnyConnection,
    user_id: &str,
    keep: Option<&str>,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or_default())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of a user; how many there were.
pub async fn delete_all(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
