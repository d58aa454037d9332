//! Turning a presented bearer token into a Principal: format and checksum first, then the
//! stored row (through the token cache), the secret in constant time, expiry, revocation,
//! and for personal tokens their user's access now. Refusals are audited once a minute.

use super::token_cache::Verified;
use super::tokens::{permissions_of, secret_hash, Carried};
use super::Services;
use crate::authz::{AuthKind, Grants, Identity, Principal, RequestContext};
use crate::model::{AuditAction, EntityType};
use crate::store::{self, audit::AuditEvent, tokens::TokenRow};
use crate::token::{self, TokenKind};
use crate::Error;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Why a genuine token (its id exists) was refused, for the audit log.
pub(crate) fn refusal_reason(row: &TokenRow, secret_ok: bool, now: i64) -> Option<&'static str> {
    if !secret_ok {
        Some("wrong_secret")
    } else if row.revoked_at.is_some() {
        Some("revoked")
    } else if row.expires_at.is_some_and(|at| at <= now) {
        Some("expired")
    } else {
        None
    }
}

/// Records a refused token in its org's log, at most once a minute per token, so a flood
/// of bad attempts is one event and not a write per request.
pub(crate) async fn audit_refusal(
    s: &Services,
    row: &TokenRow,
    reason: &'static str,
    context: &RequestContext,
) -> Result<(), Error> {
    if !s.limits.token_refusals.due(&row.id) {
        return Ok(());
    }
    let mut event = AuditEvent::anonymous(AuditAction::TokenAuthFailed, context.clone())
        .org(&row.org_id)
        .entity(EntityType::Token, &row.id, &row.name)
        .failed(reason);
    event.team_id = row.team_id.clone();
    // Its own transaction: the append is three statements that stand or fall together.
    let mut tx = s.db.begin().await?;
    event.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// What a presented token turned out to be, found without changing anything.
pub(crate) enum Checked {
    /// Not a Foxgate token, or no token has its id.
    Unknown { id: Option<String> },
    /// A genuine token, refused for `reason` (`expired`, `revoked`, `wrong_secret`, …).
    Refused {
        verified: Arc<Verified>,
        reason: &'static str,
    },
    /// A live token and the Principal it acts as now.
    Live {
        verified: Arc<Verified>,
        principal: Box<Principal>,
    },
}

/// Checks a presented token: format and checksum first (no query), then its row (through
/// the cache), the secret in constant time (the previous one during a rotation's grace),
/// kind, revocation and expiry, and for a personal token its user's access now.
pub(crate) async fn check(
    s: &Services,
    presented: &str,
    context: &RequestContext,
) -> Result<Checked, Error> {
    let verified = match genuine(s, presented).await? {
        Ok(verified) => verified,
        Err(refused) => return Ok(refused),
    };
    let Some(principal) = acting_as(s, &verified, context).await? else {
        return Ok(Checked::Refused {
            verified,
            reason: "user_gone",
        });
    };
    Ok(Checked::Live {
        verified,
        principal: Box::new(principal),
    })
}

/// The first part of [`check`]: a genuine, live token's row (what it acts as not yet
/// built), or why not.
pub(crate) async fn genuine(
    s: &Services,
    presented: &str,
) -> Result<Result<Arc<Verified>, Checked>, Error> {
    let Ok(parsed) = token::parse(presented) else {
        return Ok(Err(Checked::Unknown { id: None }));
    };
    let Some(verified) = find(s, &parsed.id).await? else {
        return Ok(Err(Checked::Unknown {
            id: Some(parsed.id),
        }));
    };
    let row = &verified.row;
    let now = store::now_ms();
    let presented_hash = secret_hash(s, parsed.secret.expose());
    let current: bool = presented_hash
        .as_bytes()
        .ct_eq(row.secret_hash.as_bytes())
        .into();
    // During a rotation's grace period the replaced secret still works.
    let previous = row
        .previous_secret_hash
        .as_deref()
        .filter(|_| row.previous_valid_until.is_some_and(|until| until > now))
        .unwrap_or_default();
    let in_grace: bool = presented_hash.as_bytes().ct_eq(previous.as_bytes()).into();
    let reason = if row.kind != parsed.kind {
        Some("wrong_kind")
    } else if row.public_key.is_some() {
        // Secure mode: only a signature made with its key speaks for it.
        Some("signature_required")
    } else {
        refusal_reason(row, current | in_grace, now)
    };
    if let Some(reason) = reason {
        return Ok(Err(Checked::Refused { verified, reason }));
    }
    Ok(Ok(verified))
}

/// A token's row and what its roles carry, through the cache; None when no token has `id`.
pub(crate) async fn find(s: &Services, id: &str) -> Result<Option<Arc<Verified>>, Error> {
    let generation = s.db.generation();
    if let Some(verified) = s.token_cache.get(id, generation) {
        return Ok(Some(verified));
    }
    let mut conn = s.db.pool().acquire().await?;
    let Some(row) = store::tokens::get(&mut conn, id).await? else {
        return Ok(None);
    };
    let carried = match row.user_id {
        Some(_) => Carried::default(),
        None => permissions_of(&mut conn, &row.org_id, &row.role_ids)
            .await
            .unwrap_or_default(),
    };
    Ok(Some(s.token_cache.keep(row, carried, generation)))
}

/// The Principal a genuine token acts as now: a personal token as its user within the
/// permissions it chose (None when the user is gone, disabled or no longer a member), the
/// others with what their roles carry, in their team.
pub(crate) async fn acting_as(
    s: &Services,
    verified: &Verified,
    context: &RequestContext,
) -> Result<Option<Principal>, Error> {
    let row = &verified.row;
    let principal = match &row.user_id {
        Some(user_id) => {
            let Some(mut user) =
                super::principal::for_session(s, user_id, &row.org_id, context.clone()).await?
            else {
                return Ok(None);
            };
            // Stored words this build or the org no longer knows choose nothing.
            let words = row.permissions.join(" ");
            let chosen = store::roles::parse_words(&words);
            user.grants.restrict(chosen);
            user.apps.restrict(&store::roles::parse_app_words(&words));
            user.auth_kind = AuthKind::PersonalToken;
            user.via_token = Some(row.id.clone());
            user
        }
        None => {
            // Built once per token while nothing changes: its application grants take a
            // lookup per permission, which a busy service token should not pay per request.
            let generation = s.db.generation();
            if let Some(built) = s.token_principals.get(&row.id, generation) {
                let mut principal = Principal::clone(&built);
                principal.context = context.clone();
                return Ok(Some(principal));
            }
            let mut grants = Grants::default();
            grants.add(verified.permissions, row.team_id.as_deref());
            let apps = s
                .app_grants_pooled(&row.org_id, &verified.apps, row.team_id.as_deref())
                .await?;
            let principal = Principal {
                identity: Identity::Token {
                    id: row.id.clone(),
                    name: row.name.clone(),
                },
                auth_kind: if row.kind == TokenKind::Team {
                    AuthKind::TeamToken
                } else {
                    AuthKind::OrgToken
                },
                org_id: Some(row.org_id.clone()),
                team_id: row.team_id.clone(),
                via_token: None,
                apps,
                grants,
                context: context.clone(),
            };
            s.token_principals
                .keep(&row.id, principal.clone(), generation);
            principal
        }
    };
    Ok(Some(principal))
}

/// Records a live token's use (at most once a minute per token).
pub(crate) async fn record_use(
    s: &Services,
    row: &TokenRow,
    context: &RequestContext,
) -> Result<(), Error> {
    if s.limits.token_usage.due(&row.id) {
        let mut conn = s.db.pool().acquire().await?;
        store::tokens::record_use(&mut conn, &row.id, store::now_ms(), context.ip.as_deref())
            .await?;
    }
    Ok(())
}

/// The answer to a refused credential from `ip`: `unauthorized`, or `rate_limited` once the
/// address failed too often. Only failures count, and only failures are slowed: a token
/// that verifies is accepted whatever else its address sent, so junk from a shared address
/// locks nobody out.
pub(crate) fn refusal(s: &Services, ip: &str) -> Error {
    match s.limits.token_failures.fail(ip, "") {
        Ok(()) => Error::Unauthorized,
        Err(retry_after_secs) => Error::RateLimited { retry_after_secs },
    }
}

/// The answer to a genuine token refused for `reason`, after auditing it on the token:
/// `token_expired` for an expired one, else as [`refusal`].
pub(crate) async fn refused(
    s: &Services,
    row: &TokenRow,
    reason: &'static str,
    context: &RequestContext,
    ip: &str,
) -> Error {
    if let Err(e) = audit_refusal(s, row, reason, context).await {
        return e;
    }
    if reason == "expired" {
        Error::TokenExpired
    } else {
        refusal(s, ip)
    }
}

/// The Principal of a bearer token. A malformed token or bad checksum is refused before any
/// query; unknown id, wrong secret, revoked and a personal token whose user is gone all
/// answer the same `unauthorized`; only a genuine token past its expiry says `token_expired`.
/// Refusals are counted per address and audited; a live token's use is recorded.
pub async fn authenticate(
    s: &Services,
    presented: &str,
    context: RequestContext,
) -> Result<Principal, Error> {
    let ip = context.ip.clone().unwrap_or_else(|| "unknown".into());
    let refuse = || refusal(s, &ip);
    if crate::jwt::looks_like_jwt(presented) {
        if let Some(principal) = super::scripts::recently_verified(s, presented, &context) {
            return Ok(principal);
        }
        let ours = crate::oidc::bearer::peek(presented).is_some_and(|c| c.iss == s.public_url);
        if !ours {
            return match super::idp_bearer::principal_of(s, presented, &context).await? {
                Some(principal) => Ok(principal),
                None => Err(refuse()),
            };
        }
        return match super::scripts::principal_of(s, presented, &context).await? {
            Ok((_, principal)) => Ok(principal),
            Err(crate::jwt::Refusal::Expired) => Err(Error::TokenExpired),
            Err(refusal) => {
                tracing::info!(?refusal, %ip, "access token refused");
                Err(refuse())
            }
        };
    }
    match check(s, presented, &context).await? {
        Checked::Unknown { id } => {
            if let Some(id) = id {
                tracing::info!(token_id = %id, %ip, "bearer token refused: unknown id");
            }
            Err(refuse())
        }
        Checked::Refused { verified, reason } => {
            Err(refused(s, &verified.row, reason, &context, &ip).await)
        }
        Checked::Live {
            verified,
            principal,
        } => {
            record_use(s, &verified.row, &context).await?;
            Ok(*principal)
        }
    }
}
