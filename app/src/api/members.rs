//! Server functions for the Members page.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{GrantView, Member, MemberPage};
use leptos::prelude::*;

/// The page (`cursor`) of members `q` (email or name prefix) and `role` pick; flat arguments,
/// so the browser's call encodes them like a form.
#[server(prefix = "/fn", endpoint = "list_members")]
pub async fn list_members(
    q: Option<String>,
    role: Option<String>,
    cursor: Option<String>,
) -> Result<MemberPage, UiError> {
    let filter = foxgate_core::model::MemberFilter {
        q,
        role,
        cursor,
        ..Default::default()
    };
    door::serve!(foxgate_core::service::members::list, &filter)
}

#[server(prefix = "/fn", endpoint = "create_member")]
pub async fn create_member(
    email: String,
    display_name: String,
    password: String,
) -> Result<Member, UiError> {
    let input = foxgate_core::model::NewLocalMember {
        email,
        display_name: Some(display_name),
        password: foxgate_core::secret::Secret::new(password),
    };
    door::serve!(foxgate_core::service::members::create_local, input)
}

/// `team` empty means org-wide (what an HTML select sends for "whole organization").
#[server(prefix = "/fn", endpoint = "grant_role")]
pub async fn grant_role(user_id: String, role: String, team: String) -> Result<GrantView, UiError> {
    let team = Some(team).filter(|t| !t.is_empty());
    let input = foxgate_core::model::NewGrant {
        user_id,
        role,
        team,
    };
    door::serve!(foxgate_core::service::members::grant, input)
}

#[server(prefix = "/fn", endpoint = "revoke_grant")]
pub async fn revoke_grant(grant: String) -> Result<(), UiError> {
    door::serve!(foxgate_core::service::members::revoke, &grant)
}

#[server(prefix = "/fn", endpoint = "remove_member")]
pub async fn remove_member(user_id: String) -> Result<(), UiError> {
    door::serve!(foxgate_core::service::members::remove, &user_id)
}
