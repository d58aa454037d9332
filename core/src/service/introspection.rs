//! RFC 7662 token introspection: a service holding `decisions:read` asks whether a token
//! presented to it is live and what it may do. Only the caller is checked and limited;
//! nothing about the asked token changes (no last use, no refusal counted against it).

use super::bearer;
use super::Services;
use crate::authz::Principal;
use crate::model::{scope, Introspection};
use crate::Error;

/// What `caller` may learn of `presented`: the whole answer for a live token of the
/// caller's org, `{"active":false}` for anything else — unknown, malformed, wrong secret,
/// expired, revoked, or another org's — so the answer says nothing more about those.
pub async fn introspect(
    s: &Services,
    caller: &Principal,
    presented: &str,
) -> Result<Introspection, Error> {
    let org_id = super::decisions::may_ask(s, caller).await?;
    if crate::jwt::looks_like_jwt(presented) {
        return access_token(s, caller, &org_id, presented).await;
    }
    let generation = s.db.generation();
    let Ok(verified) = bearer::genuine(s, presented).await? else {
        return Ok(Introspection::default());
    };
    let row = &verified.row;
    if row.org_id != org_id {
        return Ok(Introspection::default());
    }
    // A team or org token's answer changes only with its row or its roles (a write here,
    // or the cache time for another process): kept, not rebuilt per request. A personal
    // token follows its user, so it is built each time.
    let keep = row.user_id.is_none();
    if keep {
        if let Some(answer) = s.introspections.get(&row.id, generation) {
            return Ok(Introspection::clone(&answer));
        }
    }
    let Some(principal) = bearer::acting_as(s, &verified, &caller.context).await? else {
        return Ok(Introspection::default());
    };
    let (sub, username) = match &principal.identity {
        crate::authz::Identity::User { id, email, .. } => (id.clone(), Some(email.clone())),
        _ => (row.id.clone(), None),
    };
    let answer = Introspection {
        active: true,
        sub: Some(sub),
        username,
        client_id: Some(row.id.clone()),
        scope: Some(scope(&principal)),
        token_type: Some("Bearer"),
        exp: row.expires_at.map(|ms| ms / 1000),
        iat: Some(row.created_at / 1000),
        iss: Some(s.public_url.clone()),
        org_id: Some(row.org_id.clone()),
        team_id: row.team_id.clone(),
        auth_kind: Some(principal.auth_kind),
    };
    if keep {
        s.introspections.keep(&row.id, answer.clone(), generation);
    }
    Ok(answer)
}

/// The answer about a Foxgate access token (a script's JWT): live while its signature,
/// expiry, grant and person all are, and only to a caller of its org.
async fn access_token(
    s: &Services,
    caller: &Principal,
    org_id: &str,
    presented: &str,
) -> Result<Introspection, Error> {
    let Ok((claims, principal)) =
        super::scripts::principal_of(s, presented, &caller.context).await?
    else {
        return Ok(Introspection::default());
    };
    if claims.org_id != org_id {
        return Ok(Introspection::default());
    }
    let username = match &principal.identity {
        crate::authz::Identity::User { email, .. } => Some(email.clone()),
        _ => None,
    };
    Ok(Introspection {
        active: true,
        sub: Some(claims.sub),
        username,
        client_id: Some(claims.client_id),
        scope: Some(scope(&principal)),
        token_type: Some("Bearer"),
        exp: Some(claims.exp),
        iat: Some(claims.iat),
        iss: Some(claims.iss),
        org_id: Some(claims.org_id),
        team_id: None,
        auth_kind: Some(principal.auth_kind),
    })
}
