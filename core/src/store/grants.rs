//! Grants: a role given to a member at org scope or for one team.

use sqlx::AnyConnection;

pub async fn insert(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    role_id: &str,
    team_id: Option<&str>,
    now: i64,
) -> sqlx::Result<String> {
    let id = super::new_id();
    sqlx::query("INSERT INTO grants (id, org_id, user_id, role_id, team_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(org_id)
        .bind(user_id)
        .bind(role_id)
        .bind(team_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(id)
}

/// `(role_id, team_id)` of every grant a member holds in an org.
pub async fn of_member(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<Vec<(String, Option<String>)>> {
    sqlx::query_as("SELECT role_id, team_id FROM grants WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_all(conn)
        .await
}
