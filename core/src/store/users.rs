//! Users, their local (break-glass) credentials and their org memberships.

use super::sql::{count_capped, Bind, Dialect, Prefix, Sql};
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// When the account was disabled; a disabled user cannot sign in and their sessions die.
    pub disabled_at: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, user: &UserRow, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO users (id, email, display_name, disabled_at, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.disabled_at)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as("SELECT id, email, display_name, disabled_at FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn insert_local_credential(
    conn: &mut AnyConnection,
    user_id: &str,
    email_normalized: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO local_credentials (user_id, email_normalized, password_hash, updated_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(email_normalized)
    .bind(password_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// `(user_id, password_hash)` of the local account with this normalized email.
pub async fn find_local_credential(
    conn: &mut AnyConnection,
    email_normalized: &str,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "SELECT user_id, password_hash FROM local_credentials WHERE email_normalized = $1",
    )
    .bind(email_normalized)
    .fetch_optional(conn)
    .await
}

pub async fn insert_membership(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO memberships (org_id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(org_id)
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The orgs a user belongs to, oldest membership first.
pub async fn org_ids(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT org_id FROM memberships WHERE user_id = $1 ORDER BY created_at, org_id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

pub async fn is_member(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// Which members a page lists: the filters the caller chose (already checked) and where the
/// previous page ended.
#[derive(Debug, Default)]
pub struct MemberQuery<'a> {
    pub org_id: &'a str,
    /// What the email or the name starts with, any case.
    pub prefix: Option<&'a Prefix>,
    pub role_id: Option<&'a str>,
    pub team_id: Option<&'a str>,
    pub via: Option<crate::model::SignInWay>,
    pub status: Option<crate::model::MemberStatus>,
    /// The last row of the previous page: its email key and user id.
    pub after: Option<(&'a str, &'a str)>,
}

/// Which half of a text search a query reads: a prefix of the email is a range of the
/// list's own index, a prefix of the name is another index, so each is its own query.
#[derive(Debug, Clone, Copy)]
enum Half {
    Email,
    Name,
}

/// The queries a member query is made of: the two halves of a search, else one.
fn halves(q: &MemberQuery<'_>) -> &'static [Option<Half>] {
    if q.prefix.is_some() {
        &[Some(Half::Email), Some(Half::Name)]
    } else {
        &[None]
    }
}

/// A member as a page lists them, with their last sign-in and ways in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberListRow {
    pub id: String,
    pub email: String,
    /// The email lowercased: the list's order and cursor.
    pub email_key: String,
    pub display_name: String,
    pub disabled_at: Option<i64>,
    pub last_signin_at: Option<i64>,
    /// 1 when the member has a local password, else 0.
    pub has_password: i64,
    /// 1 when the member has signed in through an identity provider, else 0.
    pub has_sso: i64,
}

/// The `FROM … WHERE …` of a member query (without the page's start), reading `half` of a
/// search. It reads the memberships alone: each carries a copy of its user's email, name,
/// disabled time and ways in (migration 0021), so a page or a count walks one index of the org.
fn member_conditions<'a>(
    q: &MemberQuery<'a>,
    sql: &mut Sql<'a>,
    dialect: Dialect,
    half: Option<Half>,
) {
    sql.text.push_str(" FROM memberships m WHERE m.org_id = $1");
    if let (Some(prefix), Some(half)) = (q.prefix, half) {
        let condition = match half {
            Half::Email => sql.starts_with(dialect, "m.email_key", prefix),
            Half::Name => sql.lower_starts_with(dialect, "m.display_name", prefix),
        };
        sql.text.push_str(&format!(" AND {condition}"));
    }
    if let Some(role) = q.role_id {
        let p = sql.param(Bind::Text(role));
        sql.text.push_str(&format!(
            " AND m.user_id IN (SELECT g.user_id FROM grants g WHERE g.org_id = $1 AND g.role_id = {p})"
        ));
    }
    if let Some(team) = q.team_id {
        let p = sql.param(Bind::Text(team));
        sql.text.push_str(&format!(
            " AND m.user_id IN (SELECT g.user_id FROM grants g WHERE g.org_id = $1 AND g.team_id = {p})"
        ));
    }
    match q.via {
        Some(crate::model::SignInWay::Sso) => sql.text.push_str(" AND m.has_sso = 1"),
        Some(crate::model::SignInWay::Local) => sql.text.push_str(" AND m.has_password = 1"),
        None => {}
    }
    match q.status {
        Some(crate::model::MemberStatus::Active) => sql.text.push_str(" AND m.disabled_at IS NULL"),
        Some(crate::model::MemberStatus::Disabled) => {
            sql.text.push_str(" AND m.disabled_at IS NOT NULL")
        }
        None => {}
    }
}

/// What a page shows of a member: the account, the last sign-in and the ways in.
const MEMBER_COLUMNS: &str = "SELECT m.user_id AS id, m.email, m.email_key, m.display_name, \
     m.disabled_at, m.last_signin_at, m.has_password, m.has_sso";

/// One page of members by email key after `q.after` (`limit` + 1 rows read): each half of a
/// search reads its own first rows in that order, and the page is the first of both.
pub async fn member_page(
    conn: &mut AnyConnection,
    q: &MemberQuery<'_>,
    limit: u32,
) -> sqlx::Result<Vec<MemberListRow>> {
    let dialect = Dialect::of(conn);
    let mut sql = Sql::of_org("", q.org_id);
    for (i, half) in halves(q).iter().enumerate() {
        if i > 0 {
            sql.text.push_str(" UNION ");
        }
        sql.text.push_str("SELECT * FROM (");
        sql.text.push_str(MEMBER_COLUMNS);
        member_conditions(q, &mut sql, dialect, *half);
        let after = q
            .after
            .map(|(key, id)| vec![Bind::Text(key), Bind::Text(id)]);
        sql.after("m.email_key, m.user_id", after, false);
        sql.order_limit("m.email_key, m.user_id", limit);
        sql.text.push_str(&format!(") half{i}"));
    }
    sql.order_limit("email_key, id", limit);
    sql.run().fetch_all(conn).await
}

/// How many members `q` picks (the page's start aside), up to `cap` + 1.
pub async fn member_count(
    conn: &mut AnyConnection,
    q: &MemberQuery<'_>,
    cap: i64,
) -> sqlx::Result<i64> {
    let mut sql = Sql::of_org("", q.org_id);
    match (q.role_id, q.team_id) {
        // A role or a team alone is counted from the grants' index: whoever holds a grant is a
        // member (a foreign key says so), so no membership needs probing.
        (Some(held), None) | (None, Some(held))
            if q.prefix.is_none() && q.via.is_none() && q.status.is_none() =>
        {
            let column = if q.role_id.is_some() {
                "role_id"
            } else {
                "team_id"
            };
            let p = sql.param(Bind::Text(held));
            sql.text = format!(
                " FROM (SELECT DISTINCT g.user_id FROM grants g \
                 WHERE g.org_id = $1 AND g.{column} = {p}) holders"
            );
        }
        _ => {
            let dialect = Dialect::of(conn);
            sql.text.push_str(" FROM (");
            for (i, half) in halves(q).iter().enumerate() {
                if i > 0 {
                    sql.text.push_str(" UNION ");
                }
                sql.text.push_str("SELECT user_id FROM (SELECT m.user_id");
                member_conditions(q, &mut sql, dialect, *half);
                let p = sql.param(Bind::Int(cap + 1));
                sql.text.push_str(&format!(" LIMIT {p}) half{i}"));
            }
            sql.text.push_str(") members");
        }
    }
    count_capped(conn, sql, cap).await
}

/// Notes a sign-in of the member into the org.
pub async fn record_signin(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE memberships SET last_signin_at = $1 WHERE org_id = $2 AND user_id = $3")
        .bind(now)
        .bind(org_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a member from an org with their grants there (the account itself stays).
pub async fn remove_membership(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM grants WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether any account already uses this email (compared case-insensitively). Used only to
/// refuse a new SSO identity that would collide with it, never to sign anyone in.
/// The id of the user with this email (any letter case), member of any org or none.
pub async fn id_by_email(conn: &mut AnyConnection, email: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT id FROM users WHERE LOWER(email) = LOWER($1)")
        .bind(email)
        .fetch_optional(conn)
        .await
}

pub async fn email_in_use(conn: &mut AnyConnection, email: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE LOWER(email) = LOWER($1)")
        .bind(email)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// The members of an org a decision's subject may name: by user id, by email (any case),
/// or by the subject one of the org's identity providers knows them by. Distinct ids; more
/// than one means the name is ambiguous.
pub async fn members_named(
    conn: &mut AnyConnection,
    org_id: &str,
    name: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id AND m.org_id = $1 \
         WHERE u.id = $2 OR LOWER(u.email) = LOWER($2) \
         UNION \
         SELECT i.user_id FROM user_identities i \
         JOIN identity_providers p ON p.id = i.idp_id AND p.org_id = $1 \
         JOIN memberships m ON m.user_id = i.user_id AND m.org_id = $1 \
         WHERE i.subject = $2",
    )
    .bind(org_id)
    .bind(name)
    .fetch_all(conn)
    .await
}
