//! Server functions for the Sessions page: the viewer's own sessions, and ending all of a
//! member's (admins).

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::SessionInfo;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(&p, foxgate_core::service::sessions::list_mine(&s, &p).await)
}

/// Ends one of the viewer's sessions; ending the one in use signs out like "Sign out" does:
/// to the sign-in page saying so.
#[server(prefix = "/fn", endpoint = "end_session")]
pub async fn end_session(session: String) -> Result<(), UiError> {
    use foxgate_core::service::sessions;
    let (s, p) = door::enter().await?;
    let current = sessions::list_mine(&s, &p)
        .await
        .is_ok_and(|mine| mine.iter().any(|x| x.current && x.id == session));
    door::leave(&p, sessions::end_mine(&s, &p, &session).await)?;
    if current {
        leptos_axum::redirect("/login?notice=signed_out");
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, UiError> {
    let (s, p) = door::enter().await?;
    door::leave(
        &p,
        foxgate_core::service::sessions::end_my_others(&s, &p).await,
    )
}

#[server(prefix = "/fn", endpoint = "end_member_sessions")]
pub async fn end_member_sessions(user_id: String) -> Result<u64, UiError> {
    door::serve!(foxgate_core::service::sessions::end_all_of_member, &user_id)
}
