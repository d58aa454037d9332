//! Scripts acting as a person: device requests (RFC 8628), the grants people approved, and
//! the one-use refresh tokens that carry each grant.

use sqlx::AnyConnection;

/// How a device request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    /// Its tokens were handed out; it answers nothing more.
    Redeemed,
}

impl DeviceStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Redeemed => "redeemed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Denied, Self::Redeemed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct DeviceRequestRow {
    pub id: String,
    pub device_code_hash: String,
    pub user_code: String,
    pub client_id: String,
    pub scope: String,
    pub requested_ip: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub interval_secs: i64,
    pub last_polled_at: Option<i64>,
    pub status: DeviceStatus,
    pub grant_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct StoredRequest {
    id: String,
    device_code_hash: String,
    user_code: String,
    client_id: String,
    scope: String,
    requested_ip: Option<String>,
    created_at: i64,
    expires_at: i64,
    interval_secs: i64,
    last_polled_at: Option<i64>,
    status: String,
    grant_id: Option<String>,
}

const REQUEST_COLUMNS: &str = "id, device_code_hash, user_code, client_id, scope, requested_ip, \
     created_at, expires_at, interval_secs, last_polled_at, status, grant_id";

fn request(r: StoredRequest) -> sqlx::Result<DeviceRequestRow> {
    let status = DeviceStatus::parse(&r.status)
        .ok_or_else(|| super::corrupt("device_requests", &r.id, "status", &r.status))?;
    Ok(DeviceRequestRow {
        id: r.id,
        device_code_hash: r.device_code_hash,
        user_code: r.user_code,
        client_id: r.client_id,
        scope: r.scope,
        requested_ip: r.requested_ip,
        created_at: r.created_at,
        expires_at: r.expires_at,
        interval_secs: r.interval_secs,
        last_polled_at: r.last_polled_at,
        status,
        grant_id: r.grant_id,
    })
}

pub async fn insert_request(conn: &mut AnyConnection, r: &DeviceRequestRow) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO device_requests ({REQUEST_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(&r.id)
    .bind(&r.device_code_hash)
    .bind(&r.user_code)
    .bind(&r.client_id)
    .bind(&r.scope)
    .bind(&r.requested_ip)
    .bind(r.created_at)
    .bind(r.expires_at)
    .bind(r.interval_secs)
    .bind(r.last_polled_at)
    .bind(r.status.as_str())
    .bind(&r.grant_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets requests that expired before `now`; how many.
pub async fn purge_expired_requests(conn: &mut AnyConnection, now: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM device_requests WHERE expires_at < $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn count_requests(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM device_requests")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

async fn request_where(
    conn: &mut AnyConnection,
    column: &str,
    value: &str,
) -> sqlx::Result<Option<DeviceRequestRow>> {
    let row: Option<StoredRequest> = sqlx::query_as(&format!(
        "SELECT {REQUEST_COLUMNS} FROM device_requests WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(conn)
    .await?;
    row.map(request).transpose()
}

pub async fn request_by_user_code(
    conn: &mut AnyConnection,
    user_code: &str,
) -> sqlx::Result<Option<DeviceRequestRow>> {
    request_where(conn, "user_code", user_code).await
}

pub async fn request_by_device_code(
    conn: &mut AnyConnection,
    device_code_hash: &str,
) -> sqlx::Result<Option<DeviceRequestRow>> {
    request_where(conn, "device_code_hash", device_code_hash).await
}

/// Records a poll, and the interval the next one must wait.
pub async fn polled(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
    interval_secs: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE device_requests SET last_polled_at = $1, interval_secs = $2 WHERE id = $3")
        .bind(now)
        .bind(interval_secs)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a request from `from` to `to` (with its grant, once approved); false when it was
/// no longer in `from` (answered or redeemed meanwhile).
pub async fn answer(
    conn: &mut AnyConnection,
    id: &str,
    from: DeviceStatus,
    to: DeviceStatus,
    grant_id: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE device_requests SET status = $1, grant_id = COALESCE($2, grant_id) \
         WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(grant_id)
    .bind(id)
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScriptGrantRow {
    pub id: String,
    pub org_id: String,
    pub user_id: String,
    pub client_id: String,
    /// Space-separated permission words.
    pub permissions: String,
    pub requested_ip: Option<String>,
    pub approved_ip: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_refreshed_at: Option<i64>,
    pub last_refreshed_ip: Option<String>,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
}

const GRANT_COLUMNS: &str = "id, org_id, user_id, client_id, permissions, requested_ip, \
     approved_ip, created_at, expires_at, last_refreshed_at, last_refreshed_ip, revoked_at, \
     revoked_reason";

pub async fn insert_grant(conn: &mut AnyConnection, g: &ScriptGrantRow) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO script_grants ({GRANT_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(&g.id)
    .bind(&g.org_id)
    .bind(&g.user_id)
    .bind(&g.client_id)
    .bind(&g.permissions)
    .bind(&g.requested_ip)
    .bind(&g.approved_ip)
    .bind(g.created_at)
    .bind(g.expires_at)
    .bind(g.last_refreshed_at)
    .bind(&g.last_refreshed_ip)
    .bind(g.revoked_at)
    .bind(&g.revoked_reason)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn grant(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<ScriptGrantRow>> {
    sqlx::query_as(&format!(
        "SELECT {GRANT_COLUMNS} FROM script_grants WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A user's live grants in an org, newest first: those whose script received its tokens (an
/// approval the script never collected gives it nothing, and is not shown).
pub async fn live_grants_of(
    conn: &mut AnyConnection,
    user_id: &str,
    org_id: &str,
    now: i64,
) -> sqlx::Result<Vec<ScriptGrantRow>> {
    sqlx::query_as(&format!(
        "SELECT {GRANT_COLUMNS} FROM script_grants WHERE user_id = $1 AND org_id = $2 \
         AND revoked_at IS NULL AND expires_at > $3 \
         AND EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.grant_id = script_grants.id) \
         ORDER BY created_at DESC LIMIT 200"
    ))
    .bind(user_id)
    .bind(org_id)
    .bind(now)
    .fetch_all(conn)
    .await
}

/// Ends a grant (its refresh tokens stop working); false when it had already ended.
pub async fn revoke_grant(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
    reason: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE script_grants SET revoked_at = $1, revoked_reason = $2 \
         WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every live grant of a user in an org; how many.
pub async fn revoke_all_of(
    conn: &mut AnyConnection,
    user_id: &str,
    org_id: &str,
    now: i64,
    reason: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE script_grants SET revoked_at = $1, revoked_reason = $2 \
         WHERE user_id = $3 AND org_id = $4 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(user_id)
    .bind(org_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn refreshed(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
    ip: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE script_grants SET last_refreshed_at = $1, last_refreshed_ip = $2 WHERE id = $3",
    )
    .bind(now)
    .bind(ip)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefreshRow {
    pub token_hash: String,
    pub grant_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn insert_refresh(conn: &mut AnyConnection, r: &RefreshRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&r.token_hash)
    .bind(&r.grant_id)
    .bind(r.created_at)
    .bind(r.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn refresh(conn: &mut AnyConnection, hash: &str) -> sqlx::Result<Option<RefreshRow>> {
    sqlx::query_as(
        "SELECT token_hash, grant_id, created_at, expires_at, used_at FROM refresh_tokens \
         WHERE token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(conn)
    .await
}

/// Marks a refresh token used; false when it already was (a concurrent refresh won).
pub async fn use_refresh(conn: &mut AnyConnection, hash: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets a grant's spent refresh tokens but the `keep` most recently spent: those are
/// what a replay would present, and a script refreshing in a loop cannot grow the table.
pub async fn forget_spent(conn: &mut AnyConnection, grant_id: &str, keep: i64) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM refresh_tokens WHERE grant_id = $1 AND used_at IS NOT NULL \
         AND token_hash NOT IN (SELECT token_hash FROM refresh_tokens \
         WHERE grant_id = $1 AND used_at IS NOT NULL ORDER BY used_at DESC LIMIT $2)",
    )
    .bind(grant_id)
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(())
}
