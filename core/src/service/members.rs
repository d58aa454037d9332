//! Members of an org: local accounts created by admins, and the roles granted to them.

use super::{page, password, Services};
use crate::authz::{BuiltinRole, PermissionSet, Principal, Scope};
use crate::model::{AuditAction, EntityType};
use crate::model::{
    GrantPage, GrantView, Member, MemberFilter, MemberGrants, MemberPage, NewGrant, NewLocalMember,
    PageAsk,
};
use crate::store::audit::AuditEvent;
use crate::store::{self, grants, roles, users};
use crate::use_cases::{
    GRANTS_CREATE, GRANTS_REVOKE, MEMBERS_CREATE, MEMBERS_READ, MEMBERS_REMOVE,
};
use crate::{email, Error};

/// Creates a local account that belongs to the org, with no role yet.
pub async fn create_local(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewLocalMember,
) -> Result<Member, Error> {
    // Checked before hashing, so callers without access never cost an Argon2 run.
    MEMBERS_CREATE.read(s, p, org_ref, None).await?;
    let address = email::validate("email", &input.email)?;
    password::validate(&input.password)?;
    let display_name = match input.display_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => crate::text::name("display_name", name, 100)?,
        _ => address.split('@').next().unwrap_or_default().to_string(),
    };
    let hash = password::hash(&input.password).await?;

    let mut cx = MEMBERS_CREATE.begin(s, p, org_ref, None).await?;
    let (org, tx) = (&cx.org, &mut cx.db);
    let now = store::now_ms();
    let user = users::UserRow {
        id: store::new_id(),
        email: address,
        display_name,
        disabled_at: None,
    };
    users::insert(tx, &user, now).await?;
    users::insert_local_credential(tx, &user.id, &user.email, &hash, now)
        .await
        .map_err(|e| {
            if store::is_unique_violation(&e) {
                Error::Conflict("email: a local account with this email already exists".into())
            } else {
                e.into()
            }
        })?;
    users::insert_membership(tx, &org.id, &user.id, now).await?;
    cx.event(AuditAction::MemberCreated)
        .entity(EntityType::User, &user.id, &user.email)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(Member {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
    })
}

/// One page of the members the filter picks, by email, with their grants, last sign-in and
/// ways in, and how many the filter picks in all. Filtering and paging happen in SQL: a
/// page costs the same in an org of ten people or of a hundred thousand.
pub async fn list(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    filter: &MemberFilter,
) -> Result<MemberPage, Error> {
    let asked = Asked::check(filter)?;
    let mut cx = MEMBERS_READ.read(s, p, org_ref, None).await?;
    let org_id = cx.org.id.clone();
    let team_id = match filter.team.as_deref().filter(|t| !t.is_empty()) {
        Some(named) => match store::teams::find(&mut cx.db, &org_id, named).await? {
            Some(team) => Some(team.id),
            None => return Err(Error::invalid("team", "is not a team of this organization")),
        },
        None => None,
    };
    page_of(&mut cx.db, &org_id, &asked, team_id.as_deref(), false).await
}

/// A member list shows at most this many grants of each member (oldest first); the rest are
/// read a page at a time from the member's grants.
pub const GRANTS_SHOWN: i64 = 20;

/// One page of a member's grants in the org, oldest first.
pub async fn grants_of(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    user_id: &str,
    asked: &PageAsk,
) -> Result<GrantPage, Error> {
    let size = page::size(asked.limit)?;
    let after = page::after::<1>(asked.cursor.as_deref())?;
    let mut cx = MEMBERS_READ.read(s, p, org_ref, None).await?;
    let org_id = cx.org.id.clone();
    if !users::is_member(&mut cx.db, &org_id, user_id).await? {
        return Err(Error::NotFound);
    }
    let after_id = after.as_ref().map(|[id]| id.as_str());
    let rows = grants::member_page(&mut cx.db, &org_id, user_id, after_id, size).await?;
    let counted = grants::member_count(&mut cx.db, &org_id, user_id, page::COUNT_CAP).await?;
    let (rows, next_cursor) = page::cut(rows, size, |g| page::cursor(&[&g.id]));
    Ok(GrantPage {
        grants: rows.iter().map(grant_view).collect(),
        next_cursor,
        total: page::total(counted, page::COUNT_CAP),
    })
}

/// A member filter's parts, checked before anything is read.
pub(crate) struct Asked<'f> {
    filter: &'f MemberFilter,
    size: u32,
    prefix: Option<crate::store::sql::Prefix>,
    after: Option<[String; 2]>,
}

impl<'f> Asked<'f> {
    pub(crate) fn check(filter: &'f MemberFilter) -> Result<Self, Error> {
        let q = filter.q.as_deref().map(str::trim).unwrap_or_default();
        if q.chars().count() > email::MAX_LEN {
            return Err(Error::invalid("q", "is longer than any email"));
        }
        Ok(Asked {
            filter,
            size: page::size(filter.limit)?,
            prefix: page::prefix(q),
            after: page::after::<2>(filter.cursor.as_deref())?,
        })
    }
}

/// A page of members (of `team_id` when given, then showing only that team's grants when
/// `team_grants_only`).
pub(crate) async fn page_of(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    asked: &Asked<'_>,
    team_id: Option<&str>,
    team_grants_only: bool,
) -> Result<MemberPage, Error> {
    let query = users::MemberQuery {
        org_id,
        prefix: asked.prefix.as_ref(),
        role_id: asked.filter.role.as_deref().filter(|r| !r.is_empty()),
        team_id,
        via: asked.filter.via,
        status: asked.filter.status,
        after: asked
            .after
            .as_ref()
            .map(|[key, id]| (key.as_str(), id.as_str())),
    };
    let rows = users::member_page(conn, &query, asked.size).await?;
    // A team's own member list is not filtered by its team; the org's list by a team is.
    let filtered = query.prefix.is_some()
        || query.role_id.is_some()
        || query.via.is_some()
        || query.status.is_some()
        || (team_id.is_some() && !team_grants_only);
    let cap = page::count_cap(filtered);
    let counted = users::member_count(conn, &query, cap).await?;
    let (rows, next_cursor) = page::cut(rows, asked.size, |r| page::cursor(&[&r.email_key, &r.id]));
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let grants_of_team = team_id.filter(|_| team_grants_only);
    let grants = grants::of_users(conn, org_id, &ids, grants_of_team, GRANTS_SHOWN).await?;
    let members = rows
        .into_iter()
        .map(|r| MemberGrants {
            grants: grants
                .iter()
                .filter(|g| g.grant.user_id == r.id)
                .map(|g| grant_view(&g.grant))
                .collect(),
            grants_held: grants
                .iter()
                .find(|g| g.grant.user_id == r.id)
                .map_or(0, |g| g.held),
            last_signin_at: r.last_signin_at,
            password: r.has_password > 0,
            sso: r.has_sso > 0,
            disabled: r.disabled_at.is_some(),
            user_id: r.id,
            email: r.email,
            display_name: r.display_name,
        })
        .collect();
    Ok(MemberPage {
        members,
        next_cursor,
        total: page::total(counted, cap),
    })
}

fn grant_view(g: &grants::GrantRow) -> GrantView {
    GrantView {
        id: g.id.clone(),
        user_id: g.user_id.clone(),
        role: g.role_id.clone(),
        role_name: g.builtin().map_or_else(
            || g.custom_name.clone().unwrap_or_else(|| g.role_id.clone()),
            |r| r.name().to_string(),
        ),
        team_id: g.team_id.clone(),
        team_name: g.team_name.clone(),
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

/// The id of the role `reference` names in the org — an id, built-in or custom, or a role's
/// name in any case ("Org Admin", "deployer") — so programs need not look ids up. Ids win
/// over names; `reference` itself when it names no role (the caller then refuses it).
pub(crate) async fn role_id(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    reference: &str,
) -> Result<String, Error> {
    let mut ids = role_ids(conn, org_id, &[reference]).await?;
    Ok(ids.remove(0))
}

/// [`role_id`] for several references, reading the org's custom roles once.
pub(crate) async fn role_ids(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    references: &[&str],
) -> Result<Vec<String>, Error> {
    let custom = roles::list(conn, org_id).await?;
    let resolve = |reference: &str| {
        let reference = reference.trim();
        if BuiltinRole::from_id(reference).is_some() {
            return reference.to_string();
        }
        let builtin = BuiltinRole::ALL
            .iter()
            .find(|r| r.name().eq_ignore_ascii_case(reference))
            .map(|r| r.id().to_string());
        let by_id = || custom.iter().find(|r| r.id == reference);
        let by_name = || {
            custom
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(reference))
        };
        builtin
            .or_else(|| by_id().or_else(by_name).map(|r| r.id.clone()))
            .unwrap_or_else(|| reference.to_string())
    };
    Ok(references.iter().map(|r| resolve(r)).collect())
}

/// Gives a member a role (built-in or custom) at org scope or for one team. The actor needs
/// `members:update` there and every permission of the role there (the escalation guard).
pub async fn grant(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    mut input: NewGrant,
) -> Result<GrantView, Error> {
    let mut cx = GRANTS_CREATE
        .begin(s, p, org_ref, input.team.as_deref())
        .await?;
    input.role = role_id(&mut cx.db, &cx.org.id, &input.role).await?;
    let team_id = cx.team.as_ref().map(|t| t.id.clone());
    if input.role == BuiltinRole::TeamAdmin.id() && team_id.is_none() {
        return Err(Error::invalid("team", "Team Admin is granted for one team"));
    }
    let org_id = cx.org.id.clone();
    let (permissions, role_name) = role_permissions(&mut cx.db, &org_id, &input.role).await?;
    let mut cx = cx.escalation(permissions).await?;
    if !users::is_member(&mut cx.db, &org_id, &input.user_id).await? {
        return Err(Error::NotFound);
    }
    let recipient = users::get(&mut cx.db, &input.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let team = cx.team.clone();
    let id = grants::insert(
        &mut cx.db,
        &org_id,
        &input.user_id,
        &input.role,
        team_id.as_deref(),
        store::now_ms(),
    )
    .await?;
    let recipient = (recipient.id.as_str(), recipient.email.as_str());
    let role = (input.role.as_str(), role_name.as_str());
    grant_event(
        cx.event(AuditAction::GrantCreated),
        &id,
        recipient,
        role,
        team.as_ref(),
    )
    .insert(&mut cx.db)
    .await?;
    cx.commit().await?;
    Ok(GrantView {
        id,
        user_id: input.user_id,
        role: input.role,
        role_name,
        team_id,
        team_name: team.map(|t| t.name),
    })
}

/// Takes a grant back. Needs what giving it needed, and an org keeps at least one owner.
pub async fn revoke(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    grant_id: &str,
) -> Result<(), Error> {
    let mut pending = GRANTS_REVOKE.open(s, p, org_ref, None).await?;
    let org_id = pending.org().id.clone();
    let grant = grants::get(pending.db(), &org_id, grant_id)
        .await?
        .ok_or(Error::NotFound)?;
    let target = grant.team_id.clone().map_or(Scope::Org, Scope::Team);
    if !p.can(MEMBERS_READ.permission, &target) {
        return Err(Error::NotFound);
    }
    let mut cx = pending
        .authorize(grant.team_id.as_deref())
        .await?
        .escalation(grant.permissions())
        .await?;
    if grant.builtin() == Some(BuiltinRole::Owner) && grant.team_id.is_none() {
        keep_an_owner(&mut cx.db, &org_id, &grant.user_id).await?;
    }
    grants::delete(&mut cx.db, &grant.id).await?;
    let email = users::get(&mut cx.db, &grant.user_id)
        .await?
        .map(|u| u.email)
        .unwrap_or_default();
    // A grant's role exists while the grant does: deleting a role deletes its grants.
    let (_, role_name) = role_permissions(&mut cx.db, &org_id, &grant.role_id).await?;
    let team = match &grant.team_id {
        Some(team_id) => store::teams::find(&mut cx.db, &org_id, team_id).await?,
        None => None,
    };
    let recipient = (grant.user_id.as_str(), email.as_str());
    let role = (grant.role_id.as_str(), role_name.as_str());
    grant_event(
        cx.event(AuditAction::GrantRevoked),
        &grant.id,
        recipient,
        role,
        team.as_ref(),
    )
    .insert(&mut cx.db)
    .await?;
    cx.commit().await?;
    Ok(())
}

/// Removes a member (and their grants) from the org; their sessions end on their next request.
pub async fn remove(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    user_id: &str,
) -> Result<(), Error> {
    let mut pending = MEMBERS_REMOVE.open(s, p, org_ref, None).await?;
    let org_id = pending.org().id.clone();
    if !p.can(MEMBERS_READ.permission, &Scope::Org)
        || !users::is_member(pending.db(), &org_id, user_id).await?
    {
        return Err(Error::NotFound);
    }
    let mut cx = pending.authorize(None).await?;
    let held = grants::of_member(&mut cx.db, &org_id, user_id).await?;
    let everything: PermissionSet = held
        .iter()
        .fold(PermissionSet::EMPTY, |acc, g| acc.union(g.permissions()));
    let mut cx = cx.escalation(everything).await?;
    let (org, tx) = (&cx.org, &mut cx.db);
    if held
        .iter()
        .any(|g| g.builtin() == Some(BuiltinRole::Owner) && g.team_id.is_none())
    {
        keep_an_owner(tx, &org.id, user_id).await?;
    }
    let user = users::get(tx, user_id).await?.ok_or(Error::NotFound)?;
    users::remove_membership(tx, &org.id, user_id).await?;
    // Their personal tokens die with the membership, even if they are added back later.
    store::tokens::revoke_personal(tx, &org.id, user_id, store::now_ms()).await?;
    let snapshot = serde_json::json!({
        "user_id": user.id, "email": user.email,
        "grants": held.iter().map(|g| serde_json::json!({"role": g.role_id, "team_id": g.team_id})).collect::<Vec<_>>(),
    });
    cx.event(AuditAction::MemberRemoved)
        .entity(EntityType::User, &user.id, &user.email)
        .snapshot(snapshot)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(())
}

/// A grant's event names who gets (user id, email) which role (id, name) where (a team, or
/// the whole organization), so "who got what" is read off the log, and a team's grants are
/// among the team's events.
fn grant_event(
    event: AuditEvent,
    grant_id: &str,
    (user_id, email): (&str, &str),
    (role_id, role_name): (&str, &str),
    team: Option<&store::teams::TeamRow>,
) -> AuditEvent {
    let place = team.map_or_else(
        || "whole organization".to_string(),
        |t| format!("team {}", t.name),
    );
    let event = event
        .entity(
            EntityType::Grant,
            grant_id,
            &format!("{role_name} for {email} in {place}"),
        )
        .snapshot(serde_json::json!({
            "id": grant_id,
            "recipient": {"user_id": user_id, "email": email},
            "role": {"id": role_id, "name": role_name},
            "team": team.map(|t| serde_json::json!({"id": t.id, "slug": t.slug, "name": t.name})),
        }));
    match team {
        Some(t) => event.team(&t.id),
        None => event,
    }
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
