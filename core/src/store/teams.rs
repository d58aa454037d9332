//! Teams of an org.

use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamRow {
    pub id: String,
    pub org_id: String,
    pub slug: String,
    pub name: String,
    pub created_at: i64,
}

pub async fn insert(conn: &mut AnyConnection, team: &TeamRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO teams (id, org_id, slug, name, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&team.id)
    .bind(&team.org_id)
    .bind(&team.slug)
    .bind(&team.name)
    .bind(team.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<Vec<TeamRow>> {
    sqlx::query_as(
        "SELECT id, org_id, slug, name, created_at FROM teams WHERE org_id = $1 ORDER BY slug",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await
}

/// A team of the org by slug or by id.
pub async fn find(
    conn: &mut AnyConnection,
    org_id: &str,
    slug_or_id: &str,
) -> sqlx::Result<Option<TeamRow>> {
    sqlx::query_as(
        "SELECT id, org_id, slug, name, created_at FROM teams WHERE org_id = $1 AND (slug = $2 OR id = $2)",
    )
    .bind(org_id)
    .bind(slug_or_id)
    .fetch_optional(conn)
    .await
}

pub async fn update(conn: &mut AnyConnection, team: &TeamRow) -> sqlx::Result<()> {
    sqlx::query("UPDATE teams SET slug = $1, name = $2 WHERE id = $3")
        .bind(&team.slug)
        .bind(&team.name)
        .bind(&team.id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the team and every grant made for it.
pub async fn delete(conn: &mut AnyConnection, team_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM grants WHERE team_id = $1")
        .bind(team_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM teams WHERE id = $1")
        .bind(team_id)
        .execute(conn)
        .await?;
    Ok(())
}
