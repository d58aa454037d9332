//! Custom roles of an org (built-in roles live in code, see `authz::BuiltinRole`).

use super::sql::{Bind, Sql};
use crate::authz::application::{is_app_word, AppPermission};
use crate::authz::PermissionSet;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub permissions: PermissionSet,
    /// Applications' permissions (`<app>:<resource>:<action>`), in stored order.
    pub apps: Vec<AppPermission>,
}

/// The columns as stored; [`RoleRow`] is the typed view.
#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    org_id: String,
    name: String,
    description: String,
    permissions: String,
}

/// The application permissions among stored words; unreadable ones are ignored like
/// unknown Foxgate words.
pub fn parse_app_words(words: &str) -> Vec<AppPermission> {
    words
        .split_whitespace()
        .filter(|w| is_app_word(w))
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// Stored words this build does not know (a newer version's permission) are ignored rather
/// than failing every request of every holder.
pub fn parse_words(words: &str) -> PermissionSet {
    words
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect()
}

impl From<Stored> for RoleRow {
    fn from(r: Stored) -> Self {
        RoleRow {
            permissions: parse_words(&r.permissions),
            apps: parse_app_words(&r.permissions),
            id: r.id,
            org_id: r.org_id,
            name: r.name,
            description: r.description,
        }
    }
}

/// The stored form: Foxgate's words, then the applications'.
pub fn words(role: &RoleRow) -> String {
    role.permissions
        .to_words()
        .into_iter()
        .chain(role.apps.iter().map(|p| p.to_string()))
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn insert(conn: &mut AnyConnection, role: &RoleRow, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO roles (id, org_id, name, description, permissions, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&role.id)
    .bind(&role.org_id)
    .bind(&role.name)
    .bind(&role.description)
    .bind(words(role))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every custom role of the org (at most `MAX_CUSTOM_ROLES` of the service), by name.
pub async fn list(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<Vec<RoleRow>> {
    let rows: Vec<Stored> =
        sqlx::query_as("SELECT id, org_id, name, description, permissions FROM roles WHERE org_id = $1 ORDER BY name")
            .bind(org_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(RoleRow::from).collect())
}

/// One page of the org's custom roles by name (unique in the org; `limit` + 1 rows read).
pub async fn page(
    conn: &mut AnyConnection,
    org_id: &str,
    after_name: Option<&str>,
    limit: u32,
) -> sqlx::Result<Vec<RoleRow>> {
    let mut sql = Sql::of_org(
        "SELECT id, org_id, name, description, permissions FROM roles WHERE org_id = $1",
        org_id,
    );
    sql.after("name", after_name.map(|n| vec![Bind::Text(n)]), false);
    sql.order_limit("name", limit);
    let rows: Vec<Stored> = sql.run().fetch_all(conn).await?;
    Ok(rows.into_iter().map(RoleRow::from).collect())
}

/// How many custom roles the org has (bounded per org).
pub async fn count(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM roles WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(conn)
        .await
}

pub async fn get(
    conn: &mut AnyConnection,
    org_id: &str,
    id: &str,
) -> sqlx::Result<Option<RoleRow>> {
    let row: Option<Stored> =
        sqlx::query_as("SELECT id, org_id, name, description, permissions FROM roles WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(RoleRow::from))
}

pub async fn update(conn: &mut AnyConnection, role: &RoleRow, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE roles SET name = $1, description = $2, permissions = $3, updated_at = $4 WHERE id = $5")
        .bind(&role.name)
        .bind(&role.description)
        .bind(words(role))
        .bind(now)
        .bind(&role.id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the role and every grant of it.
pub async fn delete(conn: &mut AnyConnection, role_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM grants WHERE role_id = $1")
        .bind(role_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM roles WHERE id = $1")
        .bind(role_id)
        .execute(conn)
        .await?;
    Ok(())
}
