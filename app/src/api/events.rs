//! Server functions for the Activity page: one filtered page of the log, and the events
//! per day for its chart.

#[cfg(feature = "ssr")]
use super::door;
use crate::error::UiError;
use foxgate_core::model::{DayCount, EventFilter, EventPage};
use leptos::prelude::*;

/// One page (50 events) of the log under the page's filters, as its GET form sends them
/// (blank ones already left out). `since` may be a span such as `7d`.
#[server(prefix = "/fn", endpoint = "list_events")]
pub async fn list_events(#[server(default)] filter: EventFilter) -> Result<EventPage, UiError> {
    let filter = EventFilter {
        limit: Some(50),
        ..filter
    };
    door::serve!(foxgate_core::service::events::list, filter)
}

/// Events per UTC day under the page's filters, over their time range (the last 30 days
/// without one), as far as the caller may read.
#[server(prefix = "/fn", endpoint = "events_per_day")]
pub async fn events_per_day(
    #[server(default)] filter: EventFilter,
) -> Result<Vec<DayCount>, UiError> {
    let filter = EventFilter {
        cursor: None,
        ..filter
    };
    door::serve!(foxgate_core::service::events::per_day, filter)
}
