//! Building a Principal from stored facts: a session's user and org, with their grants.

use super::Services;
use crate::authz::{AuthKind, Grants, Identity, Principal, RequestContext};
use crate::model::Me;
use crate::store::{grants, users};
use crate::Error;

/// The principal of a session (or of a personal token's user), or None when the user is
/// gone, disabled, or no longer a member of the org (the session is then treated as signed
/// out). Built through the member cache: a member of 200 teams is not 200 rows read per
/// request, and any change this process commits (a grant, a disabled account) drops it.
pub async fn for_session(
    s: &Services,
    user_id: &str,
    org_id: &str,
    context: RequestContext,
) -> Result<Option<Principal>, Error> {
    let key = format!("{org_id}\u{1f}{user_id}");
    let built = s
        .member_principals
        .get_or_load(&key, s.db.generation(), || async {
            let mut conn = s.db.pool().acquire().await?;
            of_member(s, &mut conn, user_id, org_id, RequestContext::default()).await
        })
        .await?;
    Ok(built.as_ref().clone().map(|mut principal| {
        principal.context = context;
        principal
    }))
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
