//! Server functions for the Members page.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{GrantView, Member, MemberGrants};
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "list_members")]
pub async fn list_members() -> Result<Vec<MemberGrants>, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::members::list(&s, &p, door::org(&p)).await,
    )
}

#[server(prefix = "/fn", endpoint = "create_member")]
pub async fn create_member(
    email: String,
    display_name: String,
    password: String,
) -> Result<Member, UiError> {
    let (s, p) = door::enter().await?;
    let input = foxgate_core::model::NewLocalMember {
        email,
        display_name: Some(display_name),
        password: foxgate_core::secret::Secret::new(password),
    };
    door::leave(
        &p,
        foxgate_core::service::members::create_local(&s, &p, door::org(&p), input).await,
    )
}

/// `team` empty means org-wide (what an HTML select sends for "whole organization").
#[server(prefix = "/fn", endpoint = "grant_role")]
pub async fn grant_role(user_id: String, role: String, team: String) -> Result<GrantView, UiError> {
    let (s, p) = door::enter().await?;
    let team = Some(team).filter(|t| !t.is_empty());
    let input = foxgate_core::model::NewGrant {
        user_id,
        role,
        team,
    };
    door::leave(
        &p,
        foxgate_core::service::members::grant(&s, &p, door::org(&p), input).await,
    )
}

#[server(prefix = "/fn", endpoint = "revoke_grant")]
pub async fn revoke_grant(grant: String) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::members::revoke(&s, &p, door::org(&p), &grant).await,
    )
}

#[server(prefix = "/fn", endpoint = "remove_member")]
pub async fn remove_member(user_id: String) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::members::remove(&s, &p, door::org(&p), &user_id).await,
    )
}
