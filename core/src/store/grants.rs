//! Grants: a role given to a member at org scope or for one team.

use super::sql::{count_capped, Bind, Sql};
use crate::authz::{BuiltinRole, PermissionSet};
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GrantRow {
    pub id: String,
    pub user_id: String,
    pub role_id: String,
    pub team_id: Option<String>,
    /// The custom role's permission words; None for built-in roles.
    pub custom_permissions: Option<String>,
    /// The custom role's name; None for built-in roles.
    pub custom_name: Option<String>,
    /// The team's name when the grant is for one.
    pub team_name: Option<String>,
}

impl GrantRow {
    /// The built-in role, if this grant is of one.
    pub fn builtin(&self) -> Option<BuiltinRole> {
        BuiltinRole::from_id(&self.role_id)
    }

    /// The applications' permissions a custom role's grant carries.
    pub fn app_permissions(&self) -> Vec<crate::authz::AppPermission> {
        match (self.builtin(), &self.custom_permissions) {
            (None, Some(words)) => super::roles::parse_app_words(words),
            _ => Vec::new(),
        }
    }

    /// What the grant allows.
    pub fn permissions(&self) -> PermissionSet {
        match (self.builtin(), &self.custom_permissions) {
            (Some(role), _) => role.permissions(),
            (None, Some(words)) => super::roles::parse_words(words),
            (None, None) => PermissionSet::EMPTY,
        }
    }
}

/// A grant's columns, its role's and its team's (macros, so `SELECT` is one literal).
macro_rules! columns {
    () => {
        "g.id, g.user_id, g.role_id, g.team_id, r.permissions AS custom_permissions, \
         r.name AS custom_name, t.name AS team_name"
    };
}
macro_rules! from {
    () => {
        "FROM grants g LEFT JOIN roles r ON r.id = g.role_id AND r.org_id = g.org_id \
         LEFT JOIN teams t ON t.id = g.team_id"
    };
}
const SELECT: &str = concat!("SELECT ", columns!(), " ", from!());

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

/// Every grant a member holds in an org, with custom roles' permissions joined in.
pub async fn of_member(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<Vec<GrantRow>> {
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE g.org_id = $1 AND g.user_id = $2 ORDER BY g.id"
    ))
    .bind(org_id)
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// A grant as a member list shows it, with how many the member holds in all.
#[derive(Debug, sqlx::FromRow)]
pub struct ShownGrant {
    #[sqlx(flatten)]
    pub grant: GrantRow,
    pub held: i64,
}

/// The first `shown` grants (oldest first) of each of the users named (one page of
/// members), in `team_id` only when given, with how many each holds there.
pub async fn of_users(
    conn: &mut AnyConnection,
    org_id: &str,
    user_ids: &[String],
    team_id: Option<&str>,
    shown: i64,
) -> sqlx::Result<Vec<ShownGrant>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::of_org(
        format!(
            "SELECT * FROM (SELECT {}, \
             ROW_NUMBER() OVER (PARTITION BY g.user_id ORDER BY g.id) AS place, \
             COUNT(*) OVER (PARTITION BY g.user_id) AS held {} WHERE g.org_id = $1",
            columns!(),
            from!()
        ),
        org_id,
    );
    sql.within("g.user_id", user_ids);
    sql.equals("g.team_id", team_id);
    let most = sql.param(Bind::Int(shown));
    sql.text
        .push_str(&format!(") shown WHERE place <= {most} ORDER BY id"));
    sql.run().fetch_all(conn).await
}

/// One page of a member's grants, oldest first (`limit` + 1 rows read).
pub async fn member_page(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    after_id: Option<&str>,
    limit: u32,
) -> sqlx::Result<Vec<GrantRow>> {
    let mut sql = Sql::of_org(format!("{SELECT} WHERE g.org_id = $1"), org_id);
    sql.equals("g.user_id", Some(user_id));
    sql.after("g.id", after_id.map(|id| vec![Bind::Text(id)]), false);
    sql.order_limit("g.id", limit);
    sql.run().fetch_all(conn).await
}

/// How many grants a member holds in the org, up to `cap` + 1.
pub async fn member_count(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    cap: i64,
) -> sqlx::Result<i64> {
    let mut sql = Sql::of_org("FROM grants g WHERE g.org_id = $1", org_id);
    sql.equals("g.user_id", Some(user_id));
    count_capped(conn, sql, cap).await
}

pub async fn get(
    conn: &mut AnyConnection,
    org_id: &str,
    id: &str,
) -> sqlx::Result<Option<GrantRow>> {
    let row: Option<GrantRow> =
        sqlx::query_as(&format!("{SELECT} WHERE g.org_id = $1 AND g.id = $2"))
            .bind(org_id)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row)
}

pub async fn delete(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM grants WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many members hold `role_id` org-wide (the last-owner guard counts owners).
pub async fn count_org_wide_holders(
    conn: &mut AnyConnection,
    org_id: &str,
    role_id: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(DISTINCT user_id) FROM grants WHERE org_id = $1 AND role_id = $2 AND team_id IS NULL",
    )
    .bind(org_id)
    .bind(role_id)
    .fetch_one(conn)
    .await
}

/// The grants group mapping gave a member through one provider: `(id, role_id, team_id)`.
pub async fn mapped(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    idp_id: &str,
) -> sqlx::Result<Vec<(String, String, Option<String>)>> {
    sqlx::query_as(
        "SELECT id, role_id, team_id FROM grants WHERE org_id = $1 AND user_id = $2 AND source_idp_id = $3 ORDER BY id",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(idp_id)
    .fetch_all(conn)
    .await
}

/// A grant made by group mapping, marked with its provider so the next sync may replace it.
pub async fn insert_mapped(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    role_id: &str,
    team_id: Option<&str>,
    idp_id: &str,
    now: i64,
) -> sqlx::Result<String> {
    let id = super::new_id();
    sqlx::query("INSERT INTO grants (id, org_id, user_id, role_id, team_id, created_at, source_idp_id) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(org_id)
        .bind(user_id)
        .bind(role_id)
        .bind(team_id)
        .bind(now)
        .bind(idp_id)
        .execute(conn)
        .await?;
    Ok(id)
}
