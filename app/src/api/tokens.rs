//! Server functions for tokens: the console door to the same services as the API.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{CreatedToken, TokenInfo};
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Vec<TokenInfo>, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::tokens::list(&s, &p, door::org(&p)).await,
    )
}

/// `team` empty means an org admin token; `expires_in_days` empty means it never expires.
#[server(prefix = "/fn", endpoint = "create_token")]
pub async fn create_token(
    name: String,
    team: String,
    #[server(default)] roles: Vec<String>,
    expires_in_days: String,
) -> Result<CreatedToken, UiError> {
    let (s, p) = door::enter().await?;
    let expires_in_days = match expires_in_days.trim() {
        "" => None,
        days => Some(days.parse::<u32>().map_err(|_| {
            UiError::from(foxgate_core::Error::invalid(
                "expires_in_days",
                "must be a whole number of days",
            ))
        })?),
    };
    let team = Some(team).filter(|t| !t.is_empty());
    let input = foxgate_core::model::NewToken {
        name,
        team,
        roles,
        expires_in_days,
    };
    door::leave(
        &p,
        foxgate_core::service::tokens::create(&s, &p, door::org(&p), input).await,
    )
}

#[server(prefix = "/fn", endpoint = "revoke_token")]
pub async fn revoke_token(token: String) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::tokens::revoke(&s, &p, door::org(&p), &token).await,
    )
}
