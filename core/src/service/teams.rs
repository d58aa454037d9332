//! Teams: list, show, create, rename, delete — each authorized first, and each change
//! written with its audit event in one transaction.

use super::{scope, Services};
use crate::authz::{Permission, Principal, Scope};
use crate::model::{GrantView, MemberGrants, NewTeam, Team, TeamChanges};
use crate::store::{self, audit::AuditEvent, grants, teams::TeamRow, users};
use crate::use_cases;
use crate::{slug, Error};

const READ: Permission = use_cases::TEAMS_READ.permission;
const CREATE: Permission = use_cases::TEAMS_CREATE.permission;
const UPDATE: Permission = use_cases::TEAMS_UPDATE.permission;
const DELETE: Permission = use_cases::TEAMS_DELETE.permission;

fn view(t: TeamRow) -> Team {
    Team {
        id: t.id,
        slug: t.slug,
        name: t.name,
        created_at: t.created_at,
    }
}

fn validate_name(name: &str) -> Result<String, Error> {
    crate::text::name("name", name, 100)
}

fn slug_taken(e: sqlx::Error) -> Error {
    if store::is_unique_violation(&e) {
        Error::Conflict("slug: another team of this organization already uses it".into())
    } else {
        e.into()
    }
}

/// The teams of the org the caller may read (all of them with an org-wide grant).
pub async fn list(s: &Services, p: &Principal, org_ref: &str) -> Result<Vec<Team>, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let org = scope::org(&mut conn, p, org_ref).await?;
    let all = store::teams::list(&mut conn, &org.id).await?;
    Ok(all
        .into_iter()
        .filter(|t| p.can(READ, &Scope::Team(t.id.clone())))
        .map(view)
        .collect())
}

pub async fn get(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
) -> Result<Team, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let (_, team) = scope::team(&mut conn, p, org_ref, team_ref).await?;
    Ok(view(team))
}

pub async fn create(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewTeam,
) -> Result<Team, Error> {
    let mut tx = s.db.begin().await?;
    let org = scope::org(&mut tx, p, org_ref).await?;
    p.require(CREATE, &Scope::Org)?;
    let team = TeamRow {
        id: store::new_id(),
        org_id: org.id.clone(),
        slug: slug::validate("slug", &input.slug)?,
        name: validate_name(&input.name)?,
        created_at: store::now_ms(),
    };
    store::teams::insert(&mut tx, &team)
        .await
        .map_err(slug_taken)?;
    AuditEvent::by(p, "team.created")
        .entity("team", &team.id, &team.name)
        .team(&team.id)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(view(team))
}

pub async fn update(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
    changes: TeamChanges,
) -> Result<Team, Error> {
    let mut tx = s.db.begin().await?;
    let (_, mut team) = scope::team(&mut tx, p, org_ref, team_ref).await?;
    p.require(UPDATE, &Scope::Team(team.id.clone()))?;
    if let Some(slug) = &changes.slug {
        team.slug = slug::validate("slug", slug)?;
    }
    if let Some(name) = &changes.name {
        team.name = validate_name(name)?;
    }
    store::teams::update(&mut tx, &team)
        .await
        .map_err(slug_taken)?;
    AuditEvent::by(p, "team.updated")
        .entity("team", &team.id, &team.name)
        .team(&team.id)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(view(team))
}

/// Deletes the team and its grants; the audit event keeps a snapshot of the team.
pub async fn delete(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
) -> Result<(), Error> {
    let mut tx = s.db.begin().await?;
    let (_, team) = scope::team(&mut tx, p, org_ref, team_ref).await?;
    p.require(DELETE, &Scope::Team(team.id.clone()))?;
    store::teams::delete(&mut tx, &team.id).await?;
    let snapshot = serde_json::json!({"id": team.id, "slug": team.slug, "name": team.name, "created_at": team.created_at});
    AuditEvent::by(p, "team.deleted")
        .entity("team", &team.id, &team.name)
        .team(&team.id)
        .snapshot(snapshot)
        .insert(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The team's members: everyone holding a role for this team, with those roles.
pub async fn members(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
) -> Result<Vec<MemberGrants>, Error> {
    let mut conn = s.db.pool().acquire().await?;
    let (org, team) = scope::team(&mut conn, p, org_ref, team_ref).await?;
    p.require(
        use_cases::TEAM_MEMBERS_READ.permission,
        &Scope::Team(team.id.clone()),
    )?;
    let in_team: Vec<_> = grants::of_org(&mut conn, &org.id)
        .await?
        .into_iter()
        .filter(|g| g.team_id.as_deref() == Some(team.id.as_str()))
        .collect();
    Ok(users::members_of(&mut conn, &org.id)
        .await?
        .into_iter()
        .filter_map(|u| {
            let held: Vec<GrantView> = in_team
                .iter()
                .filter(|g| g.user_id == u.id)
                .map(|g| GrantView {
                    id: g.id.clone(),
                    user_id: g.user_id.clone(),
                    role: g.role_id.clone(),
                    team_id: g.team_id.clone(),
                })
                .collect();
            (!held.is_empty()).then_some(MemberGrants {
                user_id: u.id,
                email: u.email,
                display_name: u.display_name,
                grants: held,
            })
        })
        .collect())
}
