//! Applications of an org and their declared resource types (stored as JSON on the row).

use super::sql::{Bind, Sql};
use crate::authz::application::{Declaration, ResourceType};
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRow {
    pub id: String,
    pub org_id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub resource_types: Vec<ResourceType>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ApplicationRow {
    pub fn declaration(&self) -> Declaration {
        Declaration {
            app: self.slug.clone(),
            resource_types: self.resource_types.clone(),
        }
    }
}

/// The columns as stored; [`ApplicationRow`] is the typed view.
#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    org_id: String,
    slug: String,
    name: String,
    description: String,
    resource_types: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<Stored> for ApplicationRow {
    type Error = sqlx::Error;

    fn try_from(r: Stored) -> Result<Self, Self::Error> {
        let resource_types = serde_json::from_str(&r.resource_types)
            .map_err(|e| super::corrupt("applications", &r.id, "resource_types", e))?;
        Ok(ApplicationRow {
            id: r.id,
            org_id: r.org_id,
            slug: r.slug,
            name: r.name,
            description: r.description,
            resource_types,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const COLUMNS: &str = "id, org_id, slug, name, description, resource_types, created_at, updated_at";

fn rows(stored: Vec<Stored>) -> sqlx::Result<Vec<ApplicationRow>> {
    stored.into_iter().map(ApplicationRow::try_from).collect()
}

fn json(types: &[ResourceType]) -> String {
    serde_json::to_string(types).expect("resource types serialize")
}

pub async fn insert(conn: &mut AnyConnection, app: &ApplicationRow) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO applications ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(&app.id)
    .bind(&app.org_id)
    .bind(&app.slug)
    .bind(&app.name)
    .bind(&app.description)
    .bind(json(&app.resource_types))
    .bind(app.created_at)
    .bind(app.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every application of the org (at most `MAX_APPLICATIONS` of the service), by slug: the
/// vocabulary roles are checked against.
pub async fn list(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<Vec<ApplicationRow>> {
    rows(
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM applications WHERE org_id = $1 ORDER BY slug"
        ))
        .bind(org_id)
        .fetch_all(conn)
        .await?,
    )
}

/// One page of the org's applications by slug (`limit` + 1 rows read).
pub async fn page(
    conn: &mut AnyConnection,
    org_id: &str,
    after_slug: Option<&str>,
    limit: u32,
) -> sqlx::Result<Vec<ApplicationRow>> {
    let mut sql = Sql::of_org(
        format!("SELECT {COLUMNS} FROM applications WHERE org_id = $1"),
        org_id,
    );
    sql.after("slug", after_slug.map(|s| vec![Bind::Text(s)]), false);
    sql.order_limit("slug", limit);
    rows(sql.run().fetch_all(conn).await?)
}

/// An application of the org by slug or id.
pub async fn find(
    conn: &mut AnyConnection,
    org_id: &str,
    slug_or_id: &str,
) -> sqlx::Result<Option<ApplicationRow>> {
    let row: Option<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM applications WHERE org_id = $1 AND (slug = $2 OR id = $2)"
    ))
    .bind(org_id)
    .bind(slug_or_id)
    .fetch_optional(conn)
    .await?;
    row.map(ApplicationRow::try_from).transpose()
}

pub async fn update(conn: &mut AnyConnection, app: &ApplicationRow) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE applications SET name = $1, description = $2, resource_types = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(&app.name)
    .bind(&app.description)
    .bind(json(&app.resource_types))
    .bind(app.updated_at)
    .bind(&app.id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM applications WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many applications the org has (bounded per org).
pub async fn count(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(conn)
        .await
}
