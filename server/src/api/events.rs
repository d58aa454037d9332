//! `GET /api/v1/orgs/{org}/events`: the activity log, filtered, newest first, one page per
//! call (follow `next_cursor`); and its export as JSON lines or CSV, streamed.

use crate::api_error::ApiError;
use crate::principal::Caller;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use foxgate_core::model::{Event, EventFilter, EventPage};
use foxgate_core::service::events;
use futures::StreamExt;

pub async fn list(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path(org): Path<String>,
    query: Result<Query<EventFilter>, QueryRejection>,
) -> Result<Json<EventPage>, ApiError> {
    // An unknown parameter, or a limit that is not a number, is the caller's mistake.
    let Query(filter) = query.map_err(|e| foxgate_core::Error::invalid("query", e.body_text()))?;
    Ok(Json(events::list(&st.services, &p, &org, filter).await?))
}

/// The two export formats.
#[derive(Clone, Copy)]
enum Format {
    Jsonl,
    Csv,
}

const CSV_COLUMNS: &str = "time,actor_kind,actor_id,actor_label,action,entity_type,entity_id,entity_label,team_id,ip,origin_host,request_id,outcome,reason\n";

/// One CSV field: quoted when needed, and a leading `= + - @` defused so a spreadsheet does
/// not run it as a formula (CSV injection).
fn csv_field(value: Option<&str>) -> String {
    let value = value.unwrap_or_default();
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn render(format: Format, events: &[Event]) -> Vec<u8> {
    let mut out = String::new();
    for e in events {
        match format {
            Format::Jsonl => {
                out.push_str(&serde_json::to_string(e).unwrap_or_default());
                out.push('\n');
            }
            Format::Csv => {
                let fields = [
                    Some(e.time.as_str()),
                    Some(e.actor.kind.as_str()),
                    e.actor.id.as_deref(),
                    e.actor.label.as_deref(),
                    Some(e.action.as_str()),
                    e.entity.kind.as_deref(),
                    e.entity.id.as_deref(),
                    e.entity.label.as_deref(),
                    e.team_id.as_deref(),
                    e.ip.as_deref(),
                    e.origin_host.as_deref(),
                    e.request_id.as_deref(),
                    Some(e.outcome.as_str()),
                    e.reason.as_deref(),
                ];
                let line: Vec<String> = fields.into_iter().map(csv_field).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
    }
    out.into_bytes()
}

/// `GET /api/v1/orgs/{org}/events/export.jsonl|csv` with the same filters as the list: every
/// matching event, newest first, streamed a page at a time (memory stays flat).
pub async fn export(
    State(st): State<AppState>,
    Caller(p): Caller,
    Path((org, file)): Path<(String, String)>,
    query: Result<Query<EventFilter>, QueryRejection>,
) -> Result<Response, ApiError> {
    let format = match file.as_str() {
        "export.jsonl" => Format::Jsonl,
        "export.csv" => Format::Csv,
        _ => return Err(foxgate_core::Error::NotFound.into()),
    };
    let Query(mut filter) =
        query.map_err(|e| foxgate_core::Error::invalid("query", e.body_text()))?;
    filter.limit = Some(EXPORT_PAGE);
    // The first page is read before answering, so a refusal is a proper error response.
    let first = events::list(&st.services, &p, &org, filter.clone()).await?;
    let head = match format {
        Format::Csv => CSV_COLUMNS.as_bytes().to_vec(),
        Format::Jsonl => Vec::new(),
    };
    let first_chunk = [head, render(format, &first.events)].concat();
    let next = first.next_cursor.map(|cursor| EventFilter {
        cursor: Some(cursor),
        ..filter
    });
    let rest = futures::stream::unfold(next, move |next| {
        let (st, p, org) = (st.clone(), p.clone(), org.clone());
        async move {
            let filter = next?;
            match events::list(&st.services, &p, &org, filter.clone()).await {
                Ok(page) => {
                    let more = page.next_cursor.map(|cursor| EventFilter {
                        cursor: Some(cursor),
                        ..filter
                    });
                    Some((Ok(render(format, &page.events)), more))
                }
                Err(e) => {
                    tracing::error!(error = ?e, "event export stopped");
                    Some((Err(std::io::Error::other("export stopped")), None))
                }
            }
        }
    });
    let body =
        futures::stream::once(async move { Ok::<_, std::io::Error>(first_chunk) }).chain(rest);
    let (content_type, extension) = match format {
        Format::Jsonl => ("application/x-ndjson", "jsonl"),
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"events.{extension}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// Events per page of an export.
const EXPORT_PAGE: u32 = 200;

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field(Some("plain")), "plain");
        assert_eq!(csv_field(Some("a,b")), "\"a,b\"");
        assert_eq!(csv_field(Some("say \"hi\"")), "\"say \"\"hi\"\"\"");
        assert_eq!(
            csv_field(Some("=HYPERLINK(\"x\")")),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(csv_field(None), "");
    }
}
