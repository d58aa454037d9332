//! API tokens: minting (shown once, under the escalation guard), listing, revoking, and
//! turning a presented bearer token into a Principal.

use super::{scope, Services};
use crate::authz::{
    AuthKind, BuiltinRole, Grants, Identity, PermissionSet, Principal, RequestContext, Scope,
};
use crate::model::{CreatedToken, NewToken, TokenInfo};
use crate::store::{self, audit::AuditEvent, roles, tokens::TokenRow};
use crate::token::{self, TokenKind};
use crate::use_cases;
use crate::Error;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// A token's last use is written at most this often.
const USAGE_EVERY: Duration = Duration::from_secs(60);

/// Remembers when each token's use was last written (per process), so verification does
/// not write to the database on every request.
#[derive(Debug, Default)]
pub struct UsageThrottle(Mutex<HashMap<String, Instant>>);

impl UsageThrottle {
    /// True when the use should be written now (and notes that it is).
    fn due(&self, token_id: &str) -> bool {
        let now = Instant::now();
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 100_000 {
            seen.retain(|_, at| now.duration_since(*at) < USAGE_EVERY);
        }
        match seen.get(token_id) {
            Some(at) if now.duration_since(*at) < USAGE_EVERY => false,
            _ => {
                seen.insert(token_id.to_string(), now);
                true
            }
        }
    }
}

fn secret_hash(s: &Services, secret: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(s.token_key.expose())
        .expect("HMAC takes any key length");
    mac.update(b"token:");
    mac.update(secret.as_bytes());
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(mac.finalize().into_bytes())
}

fn info(t: &TokenRow) -> TokenInfo {
    TokenInfo {
        id: t.id.clone(),
        kind: t.kind,
        name: t.name.clone(),
        team_id: t.team_id.clone(),
        roles: t.role_ids.clone(),
        created_at: t.created_at,
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
        last_used_at: t.last_used_at,
        last_used_ip: t.last_used_ip.clone(),
    }
}

fn scope_of(t: &TokenRow) -> Scope {
    t.team_id.clone().map_or(Scope::Org, Scope::Team)
}

/// What a set of role ids (built-in or custom roles of the org) allows together.
async fn permissions_of(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    role_ids: &[String],
) -> Result<PermissionSet, Error> {
    let mut set = PermissionSet::EMPTY;
    for id in role_ids {
        let granted = match BuiltinRole::from_id(id) {
            Some(role) => role.permissions(),
            None => roles::get(conn, org_id, id)
                .await?
                .map(|r| r.permissions)
                .ok_or_else(|| {
                    Error::invalid(
                        "roles",
                        format!("{id:?} is not a role of this organization"),
                    )
                })?,
        };
        set = set.union(granted);
    }
    Ok(set)
}

/// Mints a token and returns its secret — the only time anyone sees it.
pub async fn create(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewToken,
) -> Result<CreatedToken, Error> {
    let mut tx = s.db.pool().begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    let team_id = match &input.team {
        Some(team_ref) => Some(scope::team(&mut tx, p, org_ref, team_ref).await?.1.id),
        None => None,
    };
    let target = team_id.clone().map_or(Scope::Org, Scope::Team);
    p.require(use_cases::TOKENS_CREATE.permission, &target)?;
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "must be 1 to 100 characters"));
    }
    if input.roles.is_empty() {
        return Err(Error::invalid("roles", "a token needs at least one role"));
    }
    let wanted = permissions_of(&mut tx, &org.id, &input.roles).await?;
    p.require_all(wanted, &target)?;
    let kind = if team_id.is_some() {
        TokenKind::Team
    } else {
        TokenKind::OrgAdmin
    };
    let (mut id_bytes, mut secret_bytes) = ([0u8; 10], [0u8; 20]);
    rand::rngs::OsRng.fill_bytes(&mut id_bytes);
    rand::rngs::OsRng.fill_bytes(&mut secret_bytes);
    let presented = token::assemble(kind, &id_bytes, &secret_bytes);
    let parsed = token::parse(presented.expose())
        .map_err(|e| Error::internal(format!("fresh token unparsable: {e:?}")))?;
    let now = store::now_ms();
    let row = TokenRow {
        id: parsed.id,
        org_id: org.id,
        kind,
        team_id,
        name,
        secret_hash: secret_hash(s, parsed.secret.expose()),
        role_ids: input.roles,
        created_by: p.user_id().ok().map(str::to_string),
        created_at: now,
        expires_at: input.expires_in_days.map(|d| now + i64::from(d) * DAY_MS),
        revoked_at: None,
        last_used_at: None,
        last_used_ip: None,
    };
    store::tokens::insert(&mut tx, &row).await?;
    let mut event = AuditEvent::by(p, "token.created").entity("token", &row.id, &row.name);
    if let Some(team) = &row.team_id {
        event = event.team(team);
    }
    event.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(CreatedToken {
        token: presented.expose().clone(),
        info: info(&row),
    })
}

/// The org's tokens the caller may read (every one with an org-wide grant).
pub async fn list(s: &Services, p: &Principal, org_ref: &str) -> Result<Vec<TokenInfo>, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let org = scope::org(&mut conn, p, org_ref).await?;
    let all = store::tokens::list(&mut conn, &org.id).await?;
    Ok(all
        .iter()
        .filter(|t| p.can(use_cases::TOKENS_READ.permission, &scope_of(t)))
        .map(info)
        .collect())
}

/// Revokes a token: refused on its very next request.
pub async fn revoke(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    token_id: &str,
) -> Result<(), Error> {
    let mut tx = s.db.pool().begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    let row = store::tokens::get(&mut tx, token_id)
        .await?
        .filter(|t| t.org_id == org.id)
        .ok_or(Error::NotFound)?;
    let target = scope_of(&row);
    if !p.can(use_cases::TOKENS_READ.permission, &target) {
        return Err(Error::NotFound);
    }
    p.require(use_cases::TOKENS_REVOKE.permission, &target)?;
    store::tokens::revoke(&mut tx, &row.id, store::now_ms()).await?;
    let mut event = AuditEvent::by(p, "token.revoked").entity("token", &row.id, &row.name);
    if let Some(team) = &row.team_id {
        event = event.team(team);
    }
    event.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The Principal of a bearer token. A malformed token or bad checksum is refused before any
/// query; unknown id, wrong secret and revoked all answer the same `unauthorized`; only a
/// genuine token past its expiry says `token_expired`.
pub async fn authenticate(
    s: &Services,
    presented: &str,
    context: RequestContext,
) -> Result<Principal, Error> {
    let ip = context.ip.clone().unwrap_or_else(|| "unknown".into());
    s.token_failures
        .check(&ip, "")
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;
    let refuse = || {
        s.token_failures.record_failure(&ip, "");
        Error::Unauthorized
    };
    let parsed = token::parse(presented).map_err(|_| refuse())?;
    let mut conn = s.db.pool().acquire().await?;
    let row = store::tokens::get(&mut conn, &parsed.id).await?;
    let expected = row
        .as_ref()
        .map_or_else(String::new, |r| r.secret_hash.clone());
    let matches: bool = secret_hash(s, parsed.secret.expose())
        .as_bytes()
        .ct_eq(expected.as_bytes())
        .into();
    let row = match row {
        Some(row) if matches && row.revoked_at.is_none() => row,
        _ => return Err(refuse()),
    };
    if row.expires_at.is_some_and(|at| at <= store::now_ms()) {
        return Err(Error::TokenExpired);
    }
    if s.token_usage.due(&row.id) {
        store::tokens::record_use(&mut conn, &row.id, store::now_ms(), context.ip.as_deref())
            .await?;
    }
    let permissions = permissions_of(&mut conn, &row.org_id, &row.role_ids)
        .await
        .unwrap_or(PermissionSet::EMPTY);
    let mut grants = Grants::default();
    grants.add(permissions, row.team_id.as_deref());
    Ok(Principal {
        identity: Identity::Token {
            id: row.id,
            name: row.name,
        },
        auth_kind: if row.kind == TokenKind::Team {
            AuthKind::TeamToken
        } else {
            AuthKind::OrgToken
        },
        org_id: Some(row.org_id),
        team_id: row.team_id,
        grants,
        context,
    })
}
