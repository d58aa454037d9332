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
