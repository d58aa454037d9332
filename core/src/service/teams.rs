//! Teams: list, show, create, rename, delete — each authorized first, and each change
//! written with its audit event in one transaction.

use super::page;
use super::Services;
use crate::authz::Principal;
use crate::model::{AuditAction, EntityType};
use crate::model::{MemberFilter, MemberPage, NewTeam, Team, TeamChanges, TeamFilter, TeamPage};
use crate::store::{self, teams::TeamRow};
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

/// The longest a team's name may be.
const MAX_NAME_LEN: usize = 100;

fn validate_name(name: &str) -> Result<String, Error> {
    crate::text::name("name", name, MAX_NAME_LEN)
}

fn slug_taken(e: sqlx::Error) -> Error {
    if store::is_unique_violation(&e) {
        Error::Conflict("slug: another team of this organization already uses it".into())
    } else {
        e.into()
    }
}

/// One page of the org's teams the caller may read (all of them with an org-wide grant),
/// by slug, those whose name or slug starts with `q` when given.
pub async fn list(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    filter: &TeamFilter,
) -> Result<TeamPage, Error> {
    let size = page::size(filter.limit)?;
    let q = filter.q.as_deref().unwrap_or_default();
    if q.chars().count() > MAX_NAME_LEN {
        return Err(Error::invalid("q", "is longer than any team name"));
    }
    let after = page::after::<1>(filter.cursor.as_deref())?;
    let mut cx = TEAMS_READ
        .open_read(s, p, org_ref, None)
        .await?
        .item_by_item();
    let reach = p.grants.reach(TEAMS_READ.permission);
    let pattern = page::prefix(q);
    let query = store::teams::TeamQuery {
        org_id: &cx.org.id,
        reach: &reach,
        pattern: pattern.as_ref().map(|p| p.pattern.as_str()),
        after_slug: after.as_ref().map(|[slug]| slug.as_str()),
    };
    let rows = store::teams::page(&mut cx.db, &query, size).await?;
    let cap = page::count_cap(pattern.is_some());
    let counted = store::teams::count(&mut cx.db, &query, cap).await?;
    let (rows, next_cursor) = page::cut(rows, size, |t| page::cursor(&[&t.slug]));
    Ok(TeamPage {
        teams: rows.into_iter().map(view).collect(),
        next_cursor,
        total: page::total(counted, cap),
    })
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

/// One page of the team's members: everyone holding a role for this team, with those roles,
/// by email (the filter's `team` must be empty: the path names the team).
pub async fn members(
    s: &Services,
    p: &Principal,
    org_ref: &str,
    team_ref: &str,
    filter: &MemberFilter,
) -> Result<MemberPage, Error> {
    if filter.team.as_deref().is_some_and(|t| !t.is_empty()) {
        return Err(Error::invalid("team", "is named by the path"));
    }
    let asked = super::members::Asked::check(filter)?;
    let mut cx = TEAM_MEMBERS_READ
        .read(s, p, org_ref, Some(team_ref))
        .await?;
    let (org_id, team_id) = (
        cx.org.id.clone(),
        cx.team.as_ref().expect("a team was named").id.clone(),
    );
    super::members::page_of(&mut cx.db, &org_id, &asked, Some(&team_id), true).await
}
