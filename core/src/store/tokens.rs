//! API tokens: the stored part (public id, keyed hash of the secret, roles or permissions,
//! dates, the previous secret's hash during a rotation's grace period).

use super::sql::{count_capped, like_escaped, Bind, Dialect, Prefix, Sql};
use crate::authz::Reach;
use crate::http_signature::PublicKey;
use crate::model::TokenStatus;
use crate::token::TokenKind;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: String,
    pub org_id: String,
    pub kind: TokenKind,
    pub team_id: Option<String>,
    /// A personal token's user.
    pub user_id: Option<String>,
    pub name: String,
    pub secret_hash: String,
    pub role_ids: Vec<String>,
    /// A personal token's chosen `resource:action` words.
    pub permissions: Vec<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub rotated_at: Option<i64>,
    pub previous_secret_hash: Option<String>,
    pub previous_valid_until: Option<i64>,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    /// Secure mode: the key its requests are signed with (then `secret_hash` is empty).
    pub public_key: Option<PublicKey>,
}

fn words(text: Option<String>) -> Vec<String> {
    text.unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The columns as stored; [`TokenRow`] is the typed view.
#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    org_id: String,
    kind: String,
    team_id: Option<String>,
    user_id: Option<String>,
    name: String,
    secret_hash: String,
    role_ids: String,
    permissions: Option<String>,
    created_by: Option<String>,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    rotated_at: Option<i64>,
    previous_secret_hash: Option<String>,
    previous_valid_until: Option<i64>,
    last_used_at: Option<i64>,
    last_used_ip: Option<String>,
    public_key: Option<String>,
}

/// A corrupt kind is an error naming the token: read as an org admin token, it would be
/// one.
impl TryFrom<Stored> for TokenRow {
    type Error = sqlx::Error;

    fn try_from(r: Stored) -> sqlx::Result<Self> {
        let kind = TokenKind::parse(&r.kind).ok_or_else(|| {
            super::corrupt(
                "tokens",
                &r.id,
                "kind",
                format!("unknown kind {:?}", r.kind),
            )
        })?;
        let public_key = r
            .public_key
            .as_deref()
            .map(PublicKey::parse)
            .transpose()
            .map_err(|e| super::corrupt("tokens", &r.id, "public_key", e))?;
        Ok(TokenRow {
            id: r.id,
            org_id: r.org_id,
            kind,
            team_id: r.team_id,
            user_id: r.user_id,
            name: r.name,
            secret_hash: r.secret_hash,
            role_ids: words(Some(r.role_ids)),
            permissions: words(r.permissions),
            created_by: r.created_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            rotated_at: r.rotated_at,
            previous_secret_hash: r.previous_secret_hash,
            previous_valid_until: r.previous_valid_until,
            last_used_at: r.last_used_at,
            last_used_ip: r.last_used_ip,
            public_key,
        })
    }
}

const COLUMNS: &str = "t.id, t.org_id, t.kind, t.team_id, t.user_id, t.name, t.secret_hash, \
     t.role_ids, t.permissions, t.created_by, t.created_at, t.expires_at, t.revoked_at, \
     t.rotated_at, t.previous_secret_hash, t.previous_valid_until, t.last_used_at, t.last_used_ip, t.public_key";

pub async fn insert(conn: &mut AnyConnection, t: &TokenRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO tokens (id, org_id, kind, team_id, user_id, name, secret_hash, role_ids, \
         permissions, created_by, created_at, expires_at, public_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&t.id)
    .bind(&t.org_id)
    .bind(t.kind.as_str())
    .bind(&t.team_id)
    .bind(&t.user_id)
    .bind(&t.name)
    .bind(&t.secret_hash)
    .bind(t.role_ids.join(" "))
    .bind((!t.permissions.is_empty()).then(|| t.permissions.join(" ")))
    .bind(&t.created_by)
    .bind(t.created_at)
    .bind(t.expires_at)
    .bind(t.public_key.as_ref().map(PublicKey::to_jwk))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<TokenRow>> {
    let row: Option<Stored> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM tokens t WHERE t.id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    row.map(TokenRow::try_from).transpose()
}

/// How many live (unrevoked) tokens of the org carry the role: counted in SQL, never by
/// reading the org's tokens (an org may hold a million).
pub async fn live_carrying_role(
    conn: &mut AnyConnection,
    org_id: &str,
    role_id: &str,
) -> sqlx::Result<i64> {
    // `role_ids` is space-separated: the role is a whole word of it.
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM tokens WHERE org_id = $1 AND revoked_at IS NULL \
         AND (' ' || role_ids || ' ') LIKE $2 ESCAPE '\\'",
    )
    .bind(org_id)
    .bind(format!("% {} %", like_escaped(role_id)))
    .fetch_one(conn)
    .await
}

/// Which tokens a page lists: what its reader may see, the filters (already checked) and
/// where the previous page ended.
#[derive(Debug)]
pub struct TokenQuery<'a> {
    pub org_id: &'a str,
    /// Teams whose tokens the reader may read; their own personal tokens always.
    pub reach: &'a Reach,
    pub reader: Option<&'a str>,
    /// What the name starts with, any case.
    pub name: Option<&'a Prefix>,
    pub kind: Option<TokenKind>,
    pub team_id: Option<&'a str>,
    pub status: Option<TokenStatus>,
    pub creator: Option<&'a str>,
    pub now: i64,
    /// `(created_at, id)` of the previous page's last token.
    pub after: Option<(i64, &'a str)>,
}

/// The `FROM … WHERE …` of a token query (without the page's start).
fn token_conditions<'a>(q: &TokenQuery<'a>, sql: &mut Sql<'a>, dialect: Dialect) {
    sql.text.push_str(" FROM tokens t WHERE t.org_id = $1");
    // Their own personal tokens, whatever their reach.
    let own = q
        .reader
        .map(|me| format!("t.user_id = {}", sql.param(Bind::Text(me))));
    sql.reach("t.team_id", q.reach, own);
    if let Some(name) = q.name {
        let starts = sql.lower_starts_with(dialect, "t.name", name);
        sql.text.push_str(&format!(" AND {starts}"));
    }
    if let Some(kind) = q.kind {
        sql.equals("t.kind", Some(kind.as_str()));
    }
    sql.equals("t.team_id", q.team_id);
    sql.equals("t.created_by", q.creator);
    if let Some(status) = q.status {
        let now = sql.param(Bind::Int(q.now));
        sql.text.push_str(&match status {
            TokenStatus::Revoked => " AND t.revoked_at IS NOT NULL".to_string(),
            TokenStatus::Expired => {
                format!(" AND t.revoked_at IS NULL AND t.expires_at <= {now}")
            }
            TokenStatus::Active => format!(
                " AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > {now})"
            ),
        });
    }
}

/// A token as a page lists it: with its creator's email and its team's name.
#[derive(Debug)]
pub struct ListedToken {
    pub token: TokenRow,
    pub created_by_email: Option<String>,
    pub team_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    token: Stored,
    created_by_email: Option<String>,
    team_name: Option<String>,
}

/// One page of tokens, newest first (`limit` + 1 rows read).
pub async fn page(
    conn: &mut AnyConnection,
    q: &TokenQuery<'_>,
    limit: u32,
) -> sqlx::Result<Vec<ListedToken>> {
    let mut sql = Sql::of_org(format!(
            "SELECT {COLUMNS}, (SELECT u.email FROM users u WHERE u.id = t.created_by) AS created_by_email, \
             (SELECT tm.name FROM teams tm WHERE tm.id = t.team_id) AS team_name"
        ), q.org_id);
    token_conditions(q, &mut sql, Dialect::of(conn));
    sql.after(
        "t.created_at, t.id",
        q.after.map(|(at, id)| vec![Bind::Int(at), Bind::Text(id)]),
        true,
    );
    sql.order_limit("t.created_at DESC, t.id DESC", limit);
    let rows: Vec<PageRow> = sql.run().fetch_all(conn).await?;
    rows.into_iter()
        .map(|r| {
            Ok(ListedToken {
                token: TokenRow::try_from(r.token)?,
                created_by_email: r.created_by_email,
                team_name: r.team_name,
            })
        })
        .collect()
}

/// How many tokens `q` picks (the page's start aside), up to `cap` + 1.
pub async fn count(conn: &mut AnyConnection, q: &TokenQuery<'_>, cap: i64) -> sqlx::Result<i64> {
    let mut sql = Sql::of_org("", q.org_id);
    token_conditions(q, &mut sql, Dialect::of(conn));
    count_capped(conn, sql, cap).await
}

pub async fn revoke(conn: &mut AnyConnection, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every live personal token of a user in an org (they left it).
pub async fn revoke_personal(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE tokens SET revoked_at = $1 \
         WHERE org_id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(org_id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the secret; the old one stays valid until `previous_valid_until` (if later than now).
pub async fn rotate(
    conn: &mut AnyConnection,
    t: &TokenRow,
    new_hash: &str,
    now: i64,
    previous_valid_until: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE tokens SET secret_hash = $1, previous_secret_hash = $2, \
         previous_valid_until = $3, rotated_at = $4 WHERE id = $5",
    )
    .bind(new_hash)
    .bind(previous_valid_until.map(|_| t.secret_hash.clone()))
    .bind(previous_valid_until)
    .bind(now)
    .bind(&t.id)
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

/// Personal tokens of the org whose chosen words mention `needle` (an application's
/// `<slug>:`), as `(id, words)`.
pub async fn mentioning(
    conn: &mut AnyConnection,
    org_id: &str,
    needle: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT id, permissions FROM tokens WHERE org_id = $1 AND user_id IS NOT NULL \
         AND permissions LIKE $2",
    )
    .bind(org_id)
    .bind(format!("%{needle}%"))
    .fetch_all(conn)
    .await
}

/// Replaces a personal token's chosen words.
pub async fn set_permissions(conn: &mut AnyConnection, id: &str, words: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE tokens SET permissions = $1 WHERE id = $2")
        .bind(words)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_kind_is_an_error_naming_the_token_not_an_org_admin_token() {
        let stored = |kind: &str| Stored {
            id: "tok-1".into(),
            org_id: "o".into(),
            kind: kind.into(),
            team_id: None,
            user_id: None,
            name: "ci".into(),
            secret_hash: "h".into(),
            role_ids: "member".into(),
            permissions: None,
            created_by: None,
            created_at: 0,
            expires_at: None,
            revoked_at: None,
            rotated_at: None,
            previous_secret_hash: None,
            previous_valid_until: None,
            last_used_at: None,
            last_used_ip: None,
            public_key: None,
        };
        assert_eq!(
            TokenRow::try_from(stored("org_admin")).unwrap().kind,
            TokenKind::OrgAdmin
        );
        let e = TokenRow::try_from(stored("root")).unwrap_err().to_string();
        assert!(e.contains("tok-1") && e.contains("kind"), "{e}");
    }
}
