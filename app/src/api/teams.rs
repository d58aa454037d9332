//! Server functions for the Teams page.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::Team;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "list_teams")]
pub async fn list_teams() -> Result<Vec<Team>, UiError> {
    door::serve!(foxgate_core::service::teams::list)
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

/// A team with its members and the roles they hold there.
#[server(prefix = "/fn", endpoint = "team_detail")]
pub async fn team_detail(
    team: String,
) -> Result<(Team, Vec<foxgate_core::model::MemberGrants>), UiError> {
    let (s, p) = door::enter().await?;
    let org = door::org(&p);
    let found = door::leave(
        &p,
        foxgate_core::service::teams::get(&s, &p, org, &team).await,
    )?;
    let members = door::leave(
        &p,
        foxgate_core::service::teams::members(&s, &p, org, &team).await,
    )?;
    Ok((found, members))
}
