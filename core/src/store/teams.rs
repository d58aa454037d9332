//! Teams of an org.

use super::sql::{count_capped, Bind, Sql};
use crate::authz::Reach;
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

/// The org's teams among `ids` (a provider's group rules, say): as many rows as ids at
/// most, never the whole org.
pub async fn with_ids(
    conn: &mut AnyConnection,
    org_id: &str,
    ids: &[String],
) -> sqlx::Result<Vec<TeamRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::of_org(
        "SELECT t.id, t.org_id, t.slug, t.name, t.created_at FROM teams t WHERE t.org_id = $1",
        org_id,
    );
    sql.within("t.id", ids);
    sql.run().fetch_all(conn).await
}

/// Which teams a page lists: those its reader may see, a name or slug prefix, and where the
/// previous page ended.
#[derive(Debug)]
pub struct TeamQuery<'a> {
    pub org_id: &'a str,
    pub reach: &'a Reach,
    /// A `LIKE` pattern over the lowercased name and the slug.
    pub pattern: Option<&'a str>,
    pub after_slug: Option<&'a str>,
}

fn team_conditions<'a>(q: &TeamQuery<'a>, sql: &mut Sql<'a>) {
    sql.text.push_str(" FROM teams t WHERE t.org_id = $1");
    sql.reach("t.id", q.reach, None);
    if let Some(pattern) = q.pattern {
        let p = sql.param(Bind::Text(pattern));
        sql.text.push_str(&format!(
            " AND (t.slug LIKE {p} ESCAPE '\\' OR LOWER(t.name) LIKE {p} ESCAPE '\\')"
        ));
    }
}

/// One page of teams by slug (`limit` + 1 rows read).
pub async fn page(
    conn: &mut AnyConnection,
    q: &TeamQuery<'_>,
    limit: u32,
) -> sqlx::Result<Vec<TeamRow>> {
    let mut sql = Sql::of_org(
        "SELECT t.id, t.org_id, t.slug, t.name, t.created_at",
        q.org_id,
    );
    team_conditions(q, &mut sql);
    sql.after("t.slug", q.after_slug.map(|s| vec![Bind::Text(s)]), false);
    sql.order_limit("t.slug", limit);
    sql.run().fetch_all(conn).await
}

/// How many teams `q` picks (the page's start aside), up to `cap` + 1.
pub async fn count(conn: &mut AnyConnection, q: &TeamQuery<'_>, cap: i64) -> sqlx::Result<i64> {
    let mut sql = Sql::of_org("", q.org_id);
    team_conditions(q, &mut sql);
    count_capped(conn, sql, cap).await
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
