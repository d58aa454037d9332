//! Server functions for tokens: the console door to the same services as the API. A token
//! minted by a plain form post (no JavaScript) is handed to the next page load through a
//! one-time entry in the session, so the secret can still be shown once.
// The mint form posts one field per argument (what a plain HTML form sends), and the
// server function macro repeats them in code it generates.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{CreatedToken, TokenPage};
use leptos::prelude::*;

/// One page of tokens; an empty filter value means any.
#[server(prefix = "/fn", endpoint = "list_tokens")]
pub async fn list_tokens(
    q: Option<String>,
    team: Option<String>,
    status: Option<String>,
    kind: Option<String>,
    cursor: Option<String>,
) -> Result<TokenPage, UiError> {
    let filter = foxgate_core::model::TokenFilter {
        q,
        team: team.filter(|t| !t.is_empty()),
        status: status
            .as_deref()
            .and_then(foxgate_core::model::TokenStatus::parse),
        kind: kind
            .as_deref()
            .and_then(foxgate_core::token::TokenKind::parse),
        cursor,
        ..Default::default()
    };
    door::serve!(foxgate_core::service::tokens::list, &filter)
}

/// `kind` is `team` (with `team`), `org_admin` or `personal`; without it, `team` decides. `expires` is a number of days, `date` (then `expires_on` applies) or `never`.
#[server(prefix = "/fn", endpoint = "create_token")]
pub async fn create_token(
    name: String,
    #[server(default)] kind: String,
    #[server(default)] team: String,
    #[server(default)] roles: Vec<String>,
    #[server(default)] permissions: Vec<String>,
    expires: String,
    #[server(default)] expires_on: String,
    #[server(default)] submission: String,
    #[server(default)] public_key: String,
) -> Result<CreatedToken, UiError> {
    let form = foxgate_core::model::TokenForm {
        name,
        kind,
        team,
        roles,
        permissions,
        expires,
        expires_on,
        submission,
        public_key,
    };
    let (s, p) = door::enter().await?;
    let created = async {
        let input = foxgate_core::model::NewToken::try_from(form)?;
        foxgate_core::service::tokens::create(&s, &p, door::org(&p), input).await
    }
    .await;
    Ok(door::flash_secret(door::leave(&p, created)?).await)
}

/// A fresh one-time key for the mint form: the form is acted on once, however often it is
/// sent.
#[server(prefix = "/fn", endpoint = "new_submission")]
pub async fn new_submission() -> Result<String, UiError> {
    Ok(foxgate_core::store::new_id())
}

/// Regenerates a token's secret; the old one works for `grace_hours` more (0 to 24).
#[server(prefix = "/fn", endpoint = "rotate_token")]
pub async fn rotate_token(token: String, grace_hours: String) -> Result<CreatedToken, UiError> {
    let (s, p) = door::enter().await?;
    let rotated = async {
        let grace_hours = foxgate_core::model::whole_number("grace_hours", &grace_hours, "hours")?;
        let rotation = foxgate_core::model::TokenRotation { grace_hours };
        foxgate_core::service::tokens::rotate(&s, &p, door::org(&p), &token, rotation).await
    }
    .await;
    Ok(door::flash_secret(door::leave(&p, rotated)?).await)
}

#[server(prefix = "/fn", endpoint = "revoke_token")]
pub async fn revoke_token(token: String) -> Result<(), UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::tokens::revoke(&s, &p, door::org(&p), &token).await,
    )
}

/// The secret minted by the last plain form post, once; None when there is none.
#[server(prefix = "/fn", endpoint = "take_new_token")]
pub async fn take_new_token() -> Result<Option<CreatedToken>, UiError> {
    Ok(door::take_flashed_secret().await)
}
