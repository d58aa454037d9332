//! Server functions for the Roles page. Permissions travel as words: `resource:action`
//! for Foxgate's, `app:resource:action` (maybe `[own]` or `[ids]`) for applications'.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::Role;
use leptos::prelude::*;

/// The grid's words without the blank "limit a permission" field.
#[cfg(feature = "ssr")]
fn filled(words: Vec<String>) -> Vec<String> {
    words
        .into_iter()
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every role, built-in and custom (an org has a bounded number), for the pickers and the grid.
#[server(prefix = "/fn", endpoint = "list_roles")]
pub async fn list_roles() -> Result<Vec<Role>, UiError> {
    use foxgate_core::service::{page, roles};
    let (s, p) = door::enter().await?;
    let (s, p, org) = (&s, &p, door::org(&p));
    let all = page::every(|asked| async move {
        let page = roles::list(s, p, org, &asked).await?;
        Ok((page.roles, page.next_cursor))
    })
    .await;
    door::leave(p, all)
}

/// What the member pickers and tables need of a role: much smaller than [`Role`] when an org
/// has hundreds, since the list travels to the browser with the page.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RoleLabel {
    pub id: String,
    pub name: String,
    /// The role's application permissions (Foxgate's own are implied by its name).
    pub app_words: Vec<String>,
}

/// Every role as a [`RoleLabel`].
#[server(prefix = "/fn", endpoint = "role_labels")]
pub async fn role_labels() -> Result<Vec<RoleLabel>, UiError> {
    use foxgate_core::authz::application::is_app_word;
    Ok(list_roles()
        .await?
        .into_iter()
        .map(|r| RoleLabel {
            app_words: r
                .permissions
                .into_iter()
                .filter(|w| is_app_word(w))
                .collect(),
            id: r.id,
            name: r.name,
        })
        .collect())
}

#[server(prefix = "/fn", endpoint = "role_detail")]
pub async fn role_detail(role: String) -> Result<Role, UiError> {
    door::serve!(foxgate_core::service::roles::get, &role)
}

#[server(prefix = "/fn", endpoint = "create_role")]
pub async fn create_role(
    name: String,
    description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<Role, UiError> {
    let input = foxgate_core::model::NewRole {
        name,
        description,
        permissions: filled(permissions),
    };
    door::serve!(foxgate_core::service::roles::create, input)
}

#[server(prefix = "/fn", endpoint = "update_role")]
pub async fn update_role(
    role: String,
    name: String,
    description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<Role, UiError> {
    let changes = foxgate_core::model::RoleChanges {
        name: Some(name),
        description: Some(description),
        permissions: Some(filled(permissions)),
    };
    door::serve!(foxgate_core::service::roles::update, &role, changes)
}

#[server(prefix = "/fn", endpoint = "delete_role")]
pub async fn delete_role(role: String) -> Result<(), UiError> {
    door::serve!(foxgate_core::service::roles::delete, &role)
}
