//! Members of an org: local accounts created by admins, and the roles granted to them.

use super::{password, scope, Services};
use crate::authz::{BuiltinRole, Permission, PermissionSet, Principal, Scope};
use crate::model::{GrantView, Member, MemberGrants, NewGrant, NewLocalMember};
use crate::store::{self, audit::AuditEvent, grants, roles, users};
use crate::use_cases;
use crate::{email, Error};

const READ: Permission = use_cases::MEMBERS_READ.permission;
const CREATE: Permission = use_cases::MEMBERS_CREATE.permission;
const DELETE: Permission = use_cases::MEMBERS_REMOVE.permission;
const GRANT: Permission = use_cases::GRANTS_CREATE.permission;
const REVOKE: Permission = use_cases::GRANTS_REVOKE.permission;

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
        Some(name) if !name.is_empty() => crate::text::name("display_name", name, 100)?,
        _ => address.split('@').next().unwrap_or_default().to_string(),
    };
    let hash = password::hash(&input.password).await?;

    let mut tx = s.db.begin().await?;
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

/// Every member of the org with their grants.
pub async fn list(s: &Services, p: &Principal, org_ref: &str) -> Result<Vec<MemberGrants>, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let org = scope::org(&mut conn, p, org_ref).await?;
    p.require(READ, &Scope::Org)?;
    let grants = grants::of_org(&mut conn, &org.id).await?;
    let members = users::members_of(&mut conn, &org.id).await?;
    Ok(members
        .into_iter()
        .map(|u| MemberGrants {
            grants: grants
                .iter()
                .filter(|g| g.user_id == u.id)
                .map(grant_view)
                .collect(),
            user_id: u.id,
            email: u.email,
            display_name: u.display_name,
        })
        .collect())
}

fn grant_view(g: &grants::GrantRow) -> GrantView {
    GrantView {
        id: g.id.clone(),
        user_id: g.user_id.clone(),
        role: g.role_id.clone(),
        team_id: g.team_id.clone(),
    }
}

/// The permissions of a role of the org (built-in or custom) and its display name.
pub(crate) async fn role_permissions(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    role_id: &str,
) -> Result<(PermissionSet, String), Error> {
    if let Some(role) = BuiltinRole::from_id(role_id) {
        return Ok((role.permissions(), role.name().to_string()));
    }
    let role = roles::get(conn, org_id, role_id)
        .await?
        .ok_or_else(|| Error::invalid("role", "is not a role of this organization"))?;
    Ok((role.permissions, role.name))
}

/// Gives a member a role (built-in or custom) at org scope or for one team. The actor needs
/// `members:update` there and every permission of the role there (the escalation guard).
pub async fn grant(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewGrant,
) -> Result<GrantView, Error> {
    let mut tx = s.db.begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    let team_id = match &input.team {
        Some(team_ref) => Some(scope::team(&mut tx, p, org_ref, team_ref).await?.1.id),
        None => None,
    };
    let target = team_id.clone().map_or(Scope::Org, Scope::Team);
    p.require(GRANT, &target)?;
    if input.role == BuiltinRole::TeamAdmin.id() && team_id.is_none() {
        return Err(Error::invalid("team", "Team Admin is granted for one team"));
    }
    let (permissions, role_name) = role_permissions(&mut tx, &org.id, &input.role).await?;
    p.require_all(permissions, &target)?;
    if !users::is_member(&mut tx, &org.id, &input.user_id).await? {
        return Err(Error::NotFound);
    }
    let id = grants::insert(
        &mut tx,
        &org.id,
        &input.user_id,
        &input.role,
        team_id.as_deref(),
        store::now_ms(),
    )
    .await?;
    let mut event = AuditEvent::by(p, "grant.created").entity("grant", &id, &role_name);
    if let Some(team) = &team_id {
        event = event.team(team);
    }
    event.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(GrantView {
        id,
        user_id: input.user_id,
        role: input.role,
        team_id,
    })
}

/// Takes a grant back. Needs what giving it needed, and an org keeps at least one owner.
pub async fn revoke(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    grant_id: &str,
) -> Result<(), Error> {
    let mut tx = s.db.begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    let grant = grants::get(&mut tx, &org.id, grant_id)
        .await?
        .ok_or(Error::NotFound)?;
    let target = grant.team_id.clone().map_or(Scope::Org, Scope::Team);
    if !p.can(READ, &target) {
        return Err(Error::NotFound);
    }
    p.require(REVOKE, &target)?;
    p.require_all(grant.permissions(), &target)?;
    if grant.builtin() == Some(BuiltinRole::Owner) && grant.team_id.is_none() {
        keep_an_owner(&mut tx, &org.id, &grant.user_id).await?;
    }
    grants::delete(&mut tx, &grant.id).await?;
    let snapshot = serde_json::json!({"id": grant.id, "user_id": grant.user_id, "role": grant.role_id, "team_id": grant.team_id});
    let mut event = AuditEvent::by(p, "grant.revoked")
        .entity("grant", &grant.id, &grant.role_id)
        .snapshot(snapshot);
    if let Some(team) = &grant.team_id {
        event = event.team(team);
    }
    event.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a member (and their grants) from the org; their sessions end on their next request.
pub async fn remove(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    user_id: &str,
) -> Result<(), Error> {
    let mut tx = s.db.begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    if !p.can(READ, &Scope::Org) || !users::is_member(&mut tx, &org.id, user_id).await? {
        return Err(Error::NotFound);
    }
    p.require(DELETE, &Scope::Org)?;
    let held = grants::of_member(&mut tx, &org.id, user_id).await?;
    let everything: PermissionSet = held
        .iter()
        .fold(PermissionSet::EMPTY, |acc, g| acc.union(g.permissions()));
    p.require_all(everything, &Scope::Org)?;
    if held
        .iter()
        .any(|g| g.builtin() == Some(BuiltinRole::Owner) && g.team_id.is_none())
    {
        keep_an_owner(&mut tx, &org.id, user_id).await?;
    }
    let user = users::get(&mut tx, user_id).await?.ok_or(Error::NotFound)?;
    users::remove_membership(&mut tx, &org.id, user_id).await?;
    // Their personal tokens die with the membership, even if they are added back later.
    store::tokens::revoke_personal(&mut tx, &org.id, user_id, store::now_ms()).await?;
    let snapshot = serde_json::json!({
        "user_id": user.id, "email": user.email,
        "grants": held.iter().map(|g| serde_json::json!({"role": g.role_id, "team_id": g.team_id})).collect::<Vec<_>>(),
    });
    AuditEvent::by(p, "member.removed")
        .entity("user", &user.id, &user.email)
        .snapshot(snapshot)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The last-owner guard: refuses when `user_id` is the org's only org-wide owner.
async fn keep_an_owner(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    user_id: &str,
) -> Result<(), Error> {
    store::orgs::lock(conn, org_id).await?;
    let owners = grants::count_org_wide_holders(conn, org_id, BuiltinRole::Owner.id()).await?;
    let this_one_owns = grants::of_member(conn, org_id, user_id)
        .await?
        .iter()
        .filter(|g| g.builtin() == Some(BuiltinRole::Owner) && g.team_id.is_none())
        .count();
    if owners <= 1 && this_one_owns > 0 {
        return Err(Error::Conflict(
            "an organization keeps at least one owner".into(),
        ));
    }
    Ok(())
}
