//! Server functions for the Activity page: one filtered page of the log, and the events
//! per day for its chart.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{DayCount, EventPage};
use leptos::prelude::*;

/// The page's filters, as its GET form sends them. `since` is a span such as `7d`.
#[server(prefix = "/fn", endpoint = "list_events")]
pub async fn list_events(
    #[server(default)] entity_type: String,
    #[server(default)] entity_id: String,
    #[server(default)] action: String,
    #[server(default)] team: String,
    #[server(default)] actor: String,
    #[server(default)] since: String,
    #[server(default)] outcome: String,
    #[server(default)] cursor: String,
) -> Result<EventPage, UiError> {
    let some = |v: String| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let filter = foxgate_core::model::EventFilter {
        entity_type: some(entity_type),
        entity_id: some(entity_id),
        action: some(action),
        team: some(team),
        actor: some(actor),
        since: some(since),
        outcome: some(outcome),
        cursor: some(cursor),
        limit: Some(50),
        ..Default::default()
    };
    door::serve!(foxgate_core::service::events::list, filter)
}

/// Events per UTC day over the last 30 days, as far as the caller may read.
#[server(prefix = "/fn", endpoint = "events_per_day")]
pub async fn events_per_day() -> Result<Vec<DayCount>, UiError> {
    door::serve!(foxgate_core::service::events::per_day)
}
