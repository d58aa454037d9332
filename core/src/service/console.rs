//! What the console shows on its dashboard: the org and the signed-in user.

use super::Services;
use crate::authz::{Identity, Principal};
use crate::model::{ConsoleSummary, HeldRole};
use crate::store::{grants, orgs};
use crate::Error;

pub async fn summary(s: &Services, principal: &Principal) -> Result<ConsoleSummary, Error> {
    if !principal.is_authenticated() {
        return Err(Error::Unauthorized);
    }
    // Every member sees which org they are in and who they are, whatever their roles:
    // the Principal exists only for a current member.
    let org_id = principal.org_id.as_deref().ok_or(Error::NotFound)?;
    let mut conn = s.db.pool().acquire().await?;
    let org = orgs::get(&mut conn, org_id).await?.ok_or(Error::NotFound)?;
    let (user_email, user_name) = match &principal.identity {
        Identity::User {
            email,
            display_name,
            ..
        } => (email.clone(), display_name.clone()),
        Identity::Token { id, name } => (format!("token {id}"), name.clone()),
        Identity::Anonymous => return Err(Error::Unauthorized),
    };
    // Everything on the one connection: asking the pool for a second while holding this
    // one would deadlock a busy pool (every request holding one, waiting for another).
    let (held_roles, orgs) = match principal.user_id() {
        Ok(user_id) => (
            held_roles(&mut conn, org_id, user_id).await?,
            super::orgs::of_user(&mut conn, user_id).await?,
        ),
        Err(_) => (Vec::new(), Vec::new()),
    };
    Ok(ConsoleSummary {
        held_roles,
        org_name: org.name.clone(),
        org_slug: org.slug.clone(),
        user_email,
        user_name,
        role_name: principal
            .role()
            .map(|r| r.name().to_string())
            .unwrap_or_else(|| "Custom role".into()),
        grants: principal.grants.clone(),
        orgs,
        max_token_lifetime_days: org
            .max_token_lifetime_days
            .and_then(|d| u32::try_from(d).ok()),
        script_lifetimes: (
            org.script_idle_days.and_then(|d| u32::try_from(d).ok()),
            org.script_max_days.and_then(|d| u32::try_from(d).ok()),
        ),
        app_permissions: {
            let mut words = String::new();
            principal.apps.write_words(&mut words, ' ');
            words.split_whitespace().map(str::to_string).collect()
        },
    })
}

/// The roles the user holds in the org and where, org-wide first, by name (the grants
/// name their role and team: no list of the org's teams is read).
async fn held_roles(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    user_id: &str,
) -> Result<Vec<HeldRole>, Error> {
    let mut held: Vec<(bool, HeldRole)> = grants::of_member(conn, org_id, user_id)
        .await?
        .into_iter()
        .map(|g| {
            let role = g.builtin().map_or_else(
                || g.custom_name.clone().unwrap_or_else(|| g.role_id.clone()),
                |r| r.name().to_string(),
            );
            let place = match (&g.team_id, &g.team_name) {
                (None, _) => "the whole organization".to_string(),
                (Some(_), Some(name)) => format!("team {name}"),
                (Some(_), None) => "a team".to_string(),
            };
            (g.team_id.is_some(), HeldRole { role, place })
        })
        .collect();
    held.sort_by(|a, b| (a.0, &a.1.place, &a.1.role).cmp(&(b.0, &b.1.place, &b.1.role)));
    Ok(held.into_iter().map(|(_, h)| h).collect())
}
