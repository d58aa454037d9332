//! The activity log written out as JSON lines or CSV, a page at a time so memory stays flat:
//! shared by the export download and `foxgate audit export`.

use foxgate_core::model::{Event, EventFilter};
use foxgate_core::service::events::{self, Reader};
use foxgate_core::service::Services;
use foxgate_core::Error;
use futures::Stream;
use std::sync::Arc;

/// The two export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Jsonl,
    Csv,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jsonl => "application/x-ndjson",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jsonl => "jsonl",
            Self::Csv => "csv",
        }
    }
}

/// Events per page of an export.
const PAGE: u32 = 200;

const CSV_COLUMNS: &str = "time,actor_kind,actor_id,actor_label,action,entity_type,entity_id,entity_label,team_id,ip,origin_host,request_id,outcome,reason\n";

/// One CSV field: quoted when needed, and a leading `= + - @`, tab or carriage return
/// defused so a spreadsheet does not run it as a formula (CSV injection).
fn csv_field(value: Option<&str>) -> String {
    let value = value.unwrap_or_default();
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
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

/// Every event the reader may see that matches `filter`, newest first, as chunks of the
/// file, each with how many events it holds. The first page is read before this returns, so a bad filter is an error and not a
/// broken download.
pub async fn chunks(
    services: Arc<Services>,
    reader: Reader,
    mut filter: EventFilter,
    format: Format,
) -> Result<impl Stream<Item = Result<(usize, Vec<u8>), Error>>, Error> {
    use futures::StreamExt;
    filter.limit = Some(PAGE);
    let first = events::page(&services, &reader, filter.clone()).await?;
    let head = match format {
        Format::Csv => CSV_COLUMNS.as_bytes().to_vec(),
        Format::Jsonl => Vec::new(),
    };
    let first_chunk = (
        first.events.len(),
        [head, render(format, &first.events)].concat(),
    );
    let next = first.next_cursor.map(|cursor| EventFilter {
        cursor: Some(cursor),
        ..filter
    });
    let rest = futures::stream::unfold(next, move |next| {
        let (services, reader) = (services.clone(), reader.clone());
        async move {
            let filter = next?;
            match events::page(&services, &reader, filter.clone()).await {
                Ok(page) => {
                    let more = page.next_cursor.map(|cursor| EventFilter {
                        cursor: Some(cursor),
                        ..filter
                    });
                    Some((Ok((page.events.len(), render(format, &page.events))), more))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    });
    Ok(futures::stream::once(async move { Ok(first_chunk) }).chain(rest))
}

/// `foxgate audit export`: the whole of an org's matching log, written as it is read.
/// Returns how many events were written.
pub async fn to_writer(
    services: &Arc<Services>,
    org_ref: &str,
    filter: EventFilter,
    format: Format,
    mut out: impl std::io::Write,
) -> Result<u64, String> {
    use futures::StreamExt;
    let reader = Reader::operator(services, org_ref)
        .await
        .map_err(|e| e.to_string())?;
    let chunks = chunks(services.clone(), reader, filter, format)
        .await
        .map_err(|e| e.to_string())?;
    futures::pin_mut!(chunks);
    let mut written = 0u64;
    while let Some(chunk) = chunks.next().await {
        let (events, bytes) = chunk.map_err(|e| e.to_string())?;
        written += events as u64;
        out.write_all(&bytes)
            .map_err(|e| format!("writing the export: {e}"))?;
    }
    out.flush()
        .map_err(|e| format!("writing the export: {e}"))?;
    Ok(written)
}

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
        assert_eq!(csv_field(Some("\t=1+2")), "'\t=1+2");
        assert_eq!(csv_field(Some("\r=1")), "\"'\r=1\"");
    }
}
