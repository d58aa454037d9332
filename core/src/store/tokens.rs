//! API tokens: the stored part (public id, keyed hash of the secret, roles, dates).

use crate::token::TokenKind;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: String,
    pub org_id: String,
    pub kind: TokenKind,
    pub team_id: Option<String>,
    pub name: String,
    pub secret_hash: String,
    pub role_ids: Vec<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
}

fn kind_text(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Team => "team",
        TokenKind::OrgAdmin => "org_admin",
        TokenKind::Personal => "personal",
    }
}

fn kind_of(text: &str) -> TokenKind {
    match text {
        "team" => TokenKind::Team,
        "personal" => TokenKind::Personal,
        _ => TokenKind::OrgAdmin,
    }
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn from_row(r: Row) -> TokenRow {
    let (
        id,
        org_id,
        kind,
        team_id,
        name,
        secret_hash,
        roles,
        created_by,
        created_at,
        expires_at,
        revoked_at,
        last_used_at,
        last_used_ip,
    ) = r;
    TokenRow {
        id,
        org_id,
        kind: kind_of(&kind),
        team_id,
        name,
        secret_hash,
        role_ids: roles.split_whitespace().map(str::to_string).collect(),
        created_by,
        created_at,
        expires_at,
        revoked_at,
        last_used_at,
        last_used_ip,
    }
}

const SELECT: &str =
    "SELECT id, org_id, kind, team_id, name, secret_hash, role_ids, created_by, created_at, \
     expires_at, revoked_at, last_used_at, last_used_ip FROM tokens";

pub async fn insert(conn: &mut AnyConnection, t: &TokenRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO tokens (id, org_id, kind, team_id, name, secret_hash, role_ids, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&t.id)
    .bind(&t.org_id)
    .bind(kind_text(t.kind))
    .bind(&t.team_id)
    .bind(&t.name)
    .bind(&t.secret_hash)
    .bind(t.role_ids.join(" "))
    .bind(&t.created_by)
    .bind(t.created_at)
    .bind(t.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<TokenRow>> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(from_row))
}

pub async fn list(conn: &mut AnyConnection, org_id: &str) -> sqlx::Result<Vec<TokenRow>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE org_id = $1 ORDER BY created_at, id"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub async fn revoke(conn: &mut AnyConnection, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn record_use(
    conn: &mut AnyConnection,
    id: &str,
    at: i64,
    ip: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE tokens SET last_used_at = $1, last_used_ip = $2 WHERE id = $3")
        .bind(at)
        .bind(ip)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
