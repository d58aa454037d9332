//! Teams: list, show, create, rename, delete — each authorized first, and each change
//! written with its audit event in one transaction.

use super::Services;
use crate::authz::Principal;
use crate::model::{AuditAction, EntityType};
use crate::model::{MemberGrants, NewTeam, Team, TeamChanges};
use crate::store::{self, grants, teams::TeamRow};
use crate::use_cases::{TEAMS_CREATE, TEAMS_DELETE, TEAMS_READ, TEAMS_UPDATE, TEAM_MEMBERS_READ};
use crate::{slug, Error};

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
    let mut cx = TEAMS_READ
        .open_read(s, p, org_ref, None)
        .await?
        .item_by_item();
    let all = store::teams::list(&mut cx.db, &cx.org.id).await?;
    Ok(all
        .into_iter()
        .filter(|t| cx.allows(Some(&t.id)))
        .map(view)
        .collect())
}

pub async fn get(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
) -> Result<Team, Error> {
    let cx = TEAMS_READ.read(s, p, org_ref, Some(team_ref)).await?;
    Ok(view(cx.team.expect("a team was named")))
}

pub async fn create(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    input: NewTeam,
) -> Result<Team, Error> {
    let mut cx = TEAMS_CREATE.begin(s, p, org_ref, None).await?;
    let team = TeamRow {
        id: store::new_id(),
        org_id: cx.org.id.clone(),
        slug: slug::validate("slug", &input.slug)?,
        name: validate_name(&input.name)?,
        created_at: store::now_ms(),
    };
    store::teams::insert(&mut cx.db, &team)
        .await
        .map_err(slug_taken)?;
    cx.event(AuditAction::TeamCreated)
        .entity(EntityType::Team, &team.id, &team.name)
        .team(&team.id)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(view(team))
}

pub async fn update(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
    changes: TeamChanges,
) -> Result<Team, Error> {
    let mut cx = TEAMS_UPDATE.begin(s, p, org_ref, Some(team_ref)).await?;
    let mut team = cx.team.take().expect("a team was named");
    let before = view(team.clone());
    if let Some(slug) = &changes.slug {
        team.slug = slug::validate("slug", slug)?;
    }
    if let Some(name) = &changes.name {
        team.name = validate_name(name)?;
    }
    store::teams::update(&mut cx.db, &team)
        .await
        .map_err(slug_taken)?;
    let after = view(team);
    cx.event(AuditAction::TeamUpdated)
        .entity(EntityType::Team, &after.id, &after.name)
        .team(&after.id)
        .snapshot(store::audit::changes(&before, &after).into())
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(after)
}

/// Deletes the team and its grants; the audit event keeps a snapshot of the team.
pub async fn delete(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
) -> Result<(), Error> {
    let mut cx = TEAMS_DELETE.begin(s, p, org_ref, Some(team_ref)).await?;
    let team = cx.team.take().expect("a team was named");
    store::teams::delete(&mut cx.db, &team.id).await?;
    let snapshot = serde_json::json!({"id": team.id, "slug": team.slug, "name": team.name, "created_at": team.created_at});
    cx.event(AuditAction::TeamDeleted)
        .entity(EntityType::Team, &team.id, &team.name)
        .snapshot(snapshot)
        .insert(&mut cx.db)
        .await?;
    cx.commit().await?;
    Ok(())
}

/// The team's members: everyone holding a role for this team, with those roles.
pub async fn members(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
) -> Result<Vec<MemberGrants>, Error> {
    let mut cx = TEAM_MEMBERS_READ
        .read(s, p, org_ref, Some(team_ref))
        .await?;
    let (org, team) = (&cx.org, cx.team.as_ref().expect("a team was named"));
    let conn = &mut cx.db;
    let in_team: Vec<_> = grants::of_org(conn, &org.id)
        .await?
        .into_iter()
        .filter(|g| g.team_id.as_deref() == Some(team.id.as_str()))
        .collect();
    super::members::views(conn, &org.id, &in_team, true).await
}
