//! Members of an org: local accounts created by admins, and the roles granted to them.

use super::{password, scope, Services};
use crate::authz::{Action, BuiltinRole, Permission, Principal, Resource, Scope};
use crate::model::{GrantView, Member, NewGrant, NewLocalMember};
use crate::store::{self, audit::AuditEvent, grants, users};
use crate::{email, Error};

const CREATE: Permission = Permission::new(Resource::Members, Action::Create);
const UPDATE: Permission = Permission::new(Resource::Members, Action::Update);

/// Creates a local account that belongs to the org, with no role yet.
pub async fn create_local(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewLocalMember,
) -> Result<Member, Error> {
    // Checked before hashing, so callers without access never cost an Argon2 run.
    {
        let mut conn = s.db.pool().acquire().await?;
        scope::org(&mut conn, p, org_ref).await?;
    }
    p.require(CREATE, &Scope::Org)?;
    let address = email::validate("email", &input.email)?;
    password::validate(&input.password)?;
    let display_name = match input.display_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.chars().take(100).collect(),
        _ => address.split('@').next().unwrap_or_default().to_string(),
    };
    let hash = password::hash(&input.password).await?;

    let mut tx = s.db.pool().begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    let now = store::now_ms();
    let user = users::UserRow {
        id: store::new_id(),
        email: address,
        display_name,
        disabled_at: None,
    };
    users::insert(&mut tx, &user, now).await?;
    users::insert_local_credential(&mut tx, &user.id, &user.email, &hash, now)
        .await
        .map_err(|e| {
            if store::is_unique_violation(&e) {
                Error::Conflict("email: a local account with this email already exists".into())
            } else {
                e.into()
            }
        })?;
    users::insert_membership(&mut tx, &org.id, &user.id, now).await?;
    AuditEvent::by(p, "member.created")
        .entity("user", &user.id, &user.email)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(Member {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
    })
}

/// Gives a member a built-in role at org scope or for one team. The actor needs
/// `members:update` there and every permission of the role there (the escalation guard).
pub async fn grant(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewGrant,
) -> Result<GrantView, Error> {
    let mut tx = s.db.pool().begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    let team_id = match &input.team {
        Some(team_ref) => Some(scope::team(&mut tx, p, org_ref, team_ref).await?.1.id),
        None => None,
    };
    let target = team_id.clone().map_or(Scope::Org, Scope::Team);
    p.require(UPDATE, &target)?;
    let role = BuiltinRole::from_id(&input.role)
        .ok_or_else(|| Error::invalid("role", "is not a known role"))?;
    if role == BuiltinRole::TeamAdmin && team_id.is_none() {
        return Err(Error::invalid("team", "Team Admin is granted for one team"));
    }
    p.require_all(role.permissions(), &target)?;
    if !users::org_ids(&mut tx, &input.user_id)
        .await?
        .contains(&org.id)
    {
        return Err(Error::NotFound);
    }
    let id = grants::insert(
        &mut tx,
        &org.id,
        &input.user_id,
        role.id(),
        team_id.as_deref(),
        store::now_ms(),
    )
    .await?;
    let mut event = AuditEvent::by(p, "grant.created").entity("grant", &id, role.name());
    if let Some(team) = &team_id {
        event = event.team(team);
    }
    event.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(GrantView {
        id,
        user_id: input.user_id,
        role: role.id().to_string(),
        team_id,
    })
}
