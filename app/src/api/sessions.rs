//! Server functions for the Sessions page: the viewer's own sessions, and ending all of a
//! member's (admins).

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::SessionPage;
use leptos::prelude::*;

/// The viewer's latest sessions: one page of the most a page holds (a person has a few).
#[server(prefix = "/fn", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<SessionPage, UiError> {
    use foxgate_core::model::PageAsk;
    use foxgate_core::service::page::MAX_SIZE;
    let (s, p) = door::enter().await?;
    let asked = PageAsk::first(MAX_SIZE);
    door::leave(
        &p,
        foxgate_core::service::sessions::list_mine(&s, &p, &asked).await,
    )
}

/// Ends one of the viewer's sessions; ending the one in use signs out like "Sign out" does:
/// to the sign-in page saying so.
#[server(prefix = "/fn", endpoint = "end_session")]
pub async fn end_session(session: String) -> Result<(), UiError> {
    use foxgate_core::service::sessions;
    let (s, p) = door::enter().await?;
    let current = sessions::one_of_mine(&s, &p, &session)
        .await
        .is_ok_and(|mine| mine.current);
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
