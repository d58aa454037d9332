//! The server function of the confirmation page: what a destructive action will do.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{Consequences, Doomed};
use leptos::prelude::*;

/// What deleting (revoking, removing, ending) `id` of kind `what` will do, checked as the
/// action itself is.
#[server(prefix = "/fn", endpoint = "consequences_of")]
pub async fn consequences_of(what: Doomed, id: String) -> Result<Consequences, UiError> {
    let (s, p) = door::enter().await?;
    let org = door::org(&p);
    door::leave(
        &p,
        foxgate_core::service::consequences::of(&s, &p, org, what, &id).await,
    )
}
