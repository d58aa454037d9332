//! `GET /api/v1/orgs/{org}/events`: the activity log, filtered, newest first, one page per
//! call (follow `next_cursor`); its export as JSON lines or CSV, streamed; and the live
//! tail as server-sent events.

use super::{Filter, InOrg};
use crate::api_error::ApiError;
use crate::export::{self, Format};
use crate::principal::Caller;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use foxgate_core::model::{DayCount, EventFilter, EventPage};
use foxgate_core::service::events::{self, Reader};
use foxgate_core::use_cases as uc;
use futures::{Stream, StreamExt};
use std::convert::Infallible;
use std::time::Duration;
use tokio::time::Instant;

#[utoipa::path(
    get,
    path = "/orgs/{org}/events",
    operation_id = "list_events",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::AUDIT_READ])))),
    tag = "events",
    summary = "One page of the activity log, newest first",
    params(
        InOrg,
        EventFilter
    ),
    responses((status = 200, body = EventPage))
)]
pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    Filter(filter): Filter<EventFilter>,
) -> Result<Json<EventPage>, ApiError> {
    Ok(Json(events::list(&st.services, &p, &org, filter).await?))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/events/daily",
    operation_id = "count_events_per_day",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::AUDIT_READ])))),
    tag = "events",
    summary = "Events per day, for the chart",
    params(
        InOrg,
        EventFilter
    ),
    responses((status = 200, body = Vec<DayCount>))
)]
/// `GET /api/v1/orgs/{org}/events/daily`: events per UTC day under the list's filters,
/// over their time range (the last 30 days without one).
pub async fn daily(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    Filter(filter): Filter<EventFilter>,
) -> Result<Json<Vec<DayCount>>, ApiError> {
    Ok(Json(events::per_day(&st.services, &p, &org, filter).await?))
}

#[utoipa::path(
    get,
    path = "/orgs/{org}/events/{file}",
    operation_id = "export_events",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::AUDIT_READ])))),
    tag = "events",
    summary = "Every matching event as export.jsonl or export.csv",
    params(
        InOrg,
        ("file" = String, Path, description = "the export's format, by its file name", example = "export.csv", pattern = "^export\\.(jsonl|csv)$"),
        EventFilter
    ),
    responses((status = 200, description = "the events, one JSON object per line or CSV rows", content((String = "application/x-ndjson"), (String = "text/csv"))))
)]
/// `GET /api/v1/orgs/{org}/events/export.jsonl|csv` with the same filters as the list: every
/// matching event, newest first, streamed a page at a time (memory stays flat).
pub async fn export(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, file)): Path<(String, String)>,
    Filter(filter): Filter<EventFilter>,
) -> Result<Response, ApiError> {
    let format = match file.as_str() {
        "export.jsonl" => Format::Jsonl,
        "export.csv" => Format::Csv,
        _ => return Err(foxgate_core::Error::NotFound.into()),
    };
    let reader = Reader::of(&st.services, &p, &org).await?;
    // Fused: the compression layer may poll the body once more after its end.
    let chunks = export::chunks(st.services.clone(), reader, filter, format)
        .await?
        .fuse()
        .map(|chunk| {
            chunk.map(|(_, bytes)| bytes).map_err(|e| {
                tracing::error!(error = ?e, "event export stopped");
                std::io::Error::other("export stopped")
            })
        });
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                download_name(&org, format.extension()),
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
}

/// `foxgate-<org>-events-<YYYY-MM-DD>.<ext>`: a download says whose log it is and when it
/// was taken. The org is named as the URL named it, reduced to slug characters.
fn download_name(org: &str, extension: &str) -> String {
    let org: String = org
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect();
    let now = foxgate_core::model::format_utc(foxgate_core::store::now_ms());
    let today = now.get(..10).unwrap_or_default();
    format!("attachment; filename=\"foxgate-{org}-events-{today}.{extension}\"")
}

/// How often a live stream looks for new events.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// A stream ends after this long and the browser reconnects (EventSource does so by itself,
/// sending `Last-Event-ID`): the caller's access is checked again at least this often.
const STREAM_FOR: Duration = Duration::from_secs(60);
/// Events sent per poll at most; the rest follow on the next poll.
const BURST: u32 = 100;

#[utoipa::path(
    get,
    path = "/orgs/{org}/events/stream",
    operation_id = "stream_events",
    extensions(("x-permission" = json!(super::spec::needs(&[uc::AUDIT_READ])))),
    tag = "events",
    summary = "The activity log live, as server-sent events",
    params(
        InOrg,
        EventFilter
    ),
    responses((status = 200, description = "`event: audit` messages, one event each (JSON)", content_type = "text/event-stream", body = String))
)]
/// `GET /api/v1/orgs/{org}/events/stream`: server-sent events, one `activity` event per new
/// audit event the caller may read (same filters as the list), in commit order, each with
/// its chain position as the event id. Starts after `Last-Event-ID`, else after `after`,
/// else now. Polling the database (rather than an in-process signal) means events written
/// by other Foxgate processes on the same database arrive too.
pub async fn stream(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(InOrg { org }): Path<InOrg>,
    headers: HeaderMap,
    Filter(mut filter): Filter<EventFilter>,
) -> Result<Sse<impl Stream<Item = Result<axum::response::sse::Event, Infallible>>>, ApiError> {
    if filter.cursor.is_some() {
        return Err(
            foxgate_core::Error::invalid("cursor", "a stream goes forward; use after").into(),
        );
    }
    let reader = Reader::of(&st.services, &p, &org).await?;
    let slot = st
        .streams
        .take(&p)
        .ok_or(foxgate_core::Error::RateLimited {
            retry_after_secs: 5,
        })?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let after = match resume.or(filter.after) {
        Some(after) => after,
        None => reader.head(&st.services).await?,
    };
    filter.after = Some(after);
    filter.limit = Some(BURST);
    // Checks the filters once, so a bad one is a 422 and not a stream that says nothing.
    events::newer(&st.services, &reader, filter.clone()).await?;
    let until = Instant::now() + STREAM_FOR;
    // The slot travels with the stream and is freed when the stream is dropped.
    let polls = futures::stream::unfold((filter, true, slot), move |(mut filter, first, slot)| {
        let (services, reader) = (st.services.clone(), reader.clone());
        async move {
            if !first {
                tokio::time::sleep(POLL_EVERY).await;
            }
            if Instant::now() >= until {
                return None;
            }
            let batch = match events::newer(&services, &reader, filter.clone()).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::warn!(error = ?e, "event stream stopped");
                    return None;
                }
            };
            let mut out = Vec::with_capacity(batch.len() + 1);
            if first {
                out.push(
                    axum::response::sse::Event::default()
                        .retry(Duration::from_secs(2))
                        .comment("live"),
                );
            }
            for event in batch {
                let Some(seq) = event.seq else { continue };
                filter.after = Some(seq);
                out.push(
                    axum::response::sse::Event::default()
                        .event("activity")
                        .id(seq.to_string())
                        .json_data(&event)
                        .unwrap_or_default(),
                );
            }
            Some((
                futures::stream::iter(out.into_iter().map(Ok)),
                (filter, false, slot),
            ))
        }
    })
    .flatten();
    Ok(Sse::new(polls).keep_alive(KeepAlive::default()))
}
