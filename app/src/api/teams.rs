//! Server functions for the Teams page.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::Team;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "list_teams")]
pub async fn list_teams() -> Result<Vec<Team>, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::teams::list(&s, &p, door::org(&p)).await,
    )
}

#[server(prefix = "/fn", endpoint = "create_team")]
pub async fn create_team(slug: String, name: String) -> Result<Team, UiError> {
    let (s, p) = door::enter().await?;
    let input = foxgate_core::model::NewTeam { slug, name };
    door::leave(
        &p,
        foxgate_core::service::teams::create(&s, &p, door::org(&p), input).await,
    )
}

#[server(prefix = "/fn", endpoint = "rename_team")]
pub async fn rename_team(team: String, name: String) -> Result<Team, UiError> {
    let (s, p) = door::enter().await?;
    let changes = foxgate_core::model::TeamChanges {
        name: Some(name),
        slug: None,
    };
    door::leave(
        &p,
        foxgate_core::service::teams::update(&s, &p, door::org(&p), &team, changes).await,
    )
}

#[server(prefix = "/fn", endpoint = "delete_team")]
pub async fn delete_team(team: String) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::teams::delete(&s, &p, door::org(&p), &team).await,
    )
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
