//! Server functions for the Roles page. Permissions travel as `resource:action` words.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::Role;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "list_roles")]
pub async fn list_roles() -> Result<Vec<Role>, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::roles::list(&s, &p, door::org(&p)).await,
    )
}

#[server(prefix = "/fn", endpoint = "create_role")]
pub async fn create_role(
    name: String,
    description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<Role, UiError> {
    let (s, p) = door::enter().await?;
    let input = foxgate_core::model::NewRole {
        name,
        description,
        permissions,
    };
    door::leave(
        &p,
        foxgate_core::service::roles::create(&s, &p, door::org(&p), input).await,
    )
}

#[server(prefix = "/fn", endpoint = "update_role")]
pub async fn update_role(
    role: String,
    name: String,
    description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<Role, UiError> {
    let (s, p) = door::enter().await?;
    let changes = foxgate_core::model::RoleChanges {
        name: Some(name),
        description: Some(description),
        permissions: Some(permissions),
    };
    door::leave(
        &p,
        foxgate_core::service::roles::update(&s, &p, door::org(&p), &role, changes).await,
    )
}

#[server(prefix = "/fn", endpoint = "delete_role")]
pub async fn delete_role(role: String) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::roles::delete(&s, &p, door::org(&p), &role).await,
    )
}
