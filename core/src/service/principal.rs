//! Building a Principal from stored facts: a session's user and org, with their grants.

use super::Services;
use crate::authz::{AuthKind, Grants, Identity, Principal, RequestContext};
use crate::model::Me;
use crate::store::{grants, users};
use crate::Error;

/// The principal of a session, or None when the user is gone, disabled, or no longer a
/// member of the org (the session is then treated as signed out).
pub async fn for_session(
    s: &Services,
    user_id: &str,
    org_id: &str,
    context: RequestContext,
) -> Result<Option<Principal>, Error> {
    let mut conn = s.db.pool().acquire().await?;
    of_member(s, &mut conn, user_id, org_id, context).await
}

/// A user's principal in an org on a connection already held, or None when they are gone,
/// disabled or not a member.
pub async fn of_member(
    s: &Services,
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    org_id: &str,
    context: RequestContext,
) -> Result<Option<Principal>, Error> {
    let Some(user) = users::get(&mut *conn, user_id)
        .await?
        .filter(|u| u.disabled_at.is_none())
    else {
        return Ok(None);
    };
    if !users::is_member(&mut *conn, org_id, user_id).await? {
        return Ok(None);
    }
    let rows = grants::of_member(&mut *conn, org_id, user_id).await?;
    let mut grants = Grants::default();
    let mut held_apps = Vec::new();
    for row in &rows {
        grants.add(row.permissions(), row.team_id.as_deref());
        if let Some(role) = row.builtin() {
            grants.note_role(role);
        }
        held_apps.extend(
            row.app_permissions()
                .into_iter()
                .map(|p| (p, row.team_id.clone())),
        );
    }
    let apps = s.app_grants(conn, org_id, &held_apps).await?;
    Ok(Some(Principal {
        identity: Identity::User {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
        },
        auth_kind: AuthKind::Session,
        org_id: Some(org_id.to_string()),
        team_id: None,
        via_token: None,
        grants,
        apps,
        context,
    }))
}

/// What `/auth/me` tells a caller about themselves; anonymous callers are `unauthorized`.
pub fn describe(p: &Principal) -> Result<Me, Error> {
    if !p.is_authenticated() {
        return Err(Error::Unauthorized);
    }
    Ok(Me::of(p))
}
