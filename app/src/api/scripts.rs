//! Server functions for scripts acting as a person: the `/device` page (what a script asks,
//! approve or deny) and the Sessions page's list of script grants (revoke one).

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{DeviceRequestInfo, ScriptGrantInfo};
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "describe_device")]
pub async fn describe_device(user_code: String) -> Result<DeviceRequestInfo, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::scripts::describe(&s, &p, &user_code).await,
    )
}

/// Lets the script act as the viewer, with the permissions ticked.
#[server(prefix = "/fn", endpoint = "approve_device")]
pub async fn approve_device(
    user_code: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::scripts::answer(&s, &p, &user_code, true, &permissions).await,
    )
}

#[server(prefix = "/fn", endpoint = "deny_device")]
pub async fn deny_device(user_code: String) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::scripts::answer(&s, &p, &user_code, false, &[]).await,
    )
}

#[server(prefix = "/fn", endpoint = "list_script_grants")]
pub async fn list_script_grants() -> Result<Vec<ScriptGrantInfo>, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(&p, foxgate_core::service::scripts::list_mine(&s, &p).await)
}

/// A member's scripts, for an admin who may end them.
#[server(prefix = "/fn", endpoint = "member_scripts")]
pub async fn member_scripts(user_id: String) -> Result<Vec<ScriptGrantInfo>, UiError> {
    door::serve!(foxgate_core::service::scripts::list_of_member, &user_id)
}

#[server(prefix = "/fn", endpoint = "revoke_script")]
pub async fn revoke_script(script: String) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::scripts::revoke_mine(&s, &p, &script).await,
    )
}
