//! Server functions for the Teams page.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{MemberPage, Team, TeamPage};
use leptos::prelude::*;

/// One page of teams whose name or slug starts with `q`.
#[server(prefix = "/fn", endpoint = "list_teams")]
pub async fn list_teams(q: Option<String>, cursor: Option<String>) -> Result<TeamPage, UiError> {
    let filter = foxgate_core::model::TeamFilter {
        q,
        cursor,
        limit: None,
    };
    door::serve!(foxgate_core::service::teams::list, &filter)
}

/// How many teams a picker suggests as one types.
pub const SUGGESTED: u32 = 20;

/// The first teams whose name or slug starts with `q`: a team picker's suggestions.
#[server(prefix = "/fn", endpoint = "find_teams")]
pub async fn find_teams(q: String) -> Result<Vec<Team>, UiError> {
    let filter = foxgate_core::model::TeamFilter {
        q: Some(q),
        cursor: None,
        limit: Some(SUGGESTED),
    };
    let (s, p) = door::enter().await?;
    let found = foxgate_core::service::teams::list(&s, &p, door::org(&p), &filter).await;
    Ok(door::leave(&p, found)?.teams)
}

#[server(prefix = "/fn", endpoint = "create_team")]
pub async fn create_team(slug: String, name: String) -> Result<Team, UiError> {
    let input = foxgate_core::model::NewTeam { slug, name };
    door::serve!(foxgate_core::service::teams::create, input)
}

#[server(prefix = "/fn", endpoint = "rename_team")]
pub async fn rename_team(team: String, name: String) -> Result<Team, UiError> {
    let changes = foxgate_core::model::TeamChanges {
        name: Some(name),
        slug: None,
    };
    door::serve!(foxgate_core::service::teams::update, &team, changes)
}

#[server(prefix = "/fn", endpoint = "delete_team")]
pub async fn delete_team(team: String) -> Result<(), UiError> {
    door::serve!(foxgate_core::service::teams::delete, &team)
}

/// A team with one page of its members and the roles they hold there.
#[server(prefix = "/fn", endpoint = "team_detail")]
pub async fn team_detail(
    team: String,
    q: Option<String>,
    cursor: Option<String>,
) -> Result<(Team, MemberPage), UiError> {
    let filter = foxgate_core::model::MemberFilter {
        q,
        cursor,
        ..Default::default()
    };
    let (s, p) = door::enter().await?;
    let org = door::org(&p);
    let found = door::leave(
        &p,
        foxgate_core::service::teams::get(&s, &p, org, &team).await,
    )?;
    let members = door::leave(
        &p,
        foxgate_core::service::teams::members(&s, &p, org, &team, &filter).await,
    )?;
    Ok((found, members))
}
