//! `/activity`: the activity log — a filter bar (a plain GET form, so links and the back
//! button keep the filters), the events newest first with their details, older pages by
//! cursor, the same selection as a CSV or JSON-lines download, and (with JavaScript) new
//! events live as they happen.

mod chart;
mod live;

use super::{query_param, urlencode};
use crate::api::events::{events_per_day, list_events};
use crate::components::{
    use_summary, ConsoleFrame, LoadError, PageHeading, Panel, TeamPicker, INPUT, QUIET,
};
use foxgate_core::model::{format_utc, Event, EventFilter};
use foxgate_core::model::{AuditAction, EntityType, Outcome};
use leptos::prelude::*;
use leptos_meta::Title;

/// The entity filter's choices: any, then each kind of entity (one list, in core).
fn entity_types() -> impl Iterator<Item = (&'static str, &'static str)> {
    std::iter::once(("", "Any entity"))
        .chain(EntityType::ALL.iter().map(|t| (t.as_str(), t.label())))
}

/// The outcome filter's choices: any, then each outcome.
fn outcomes() -> impl Iterator<Item = (&'static str, &'static str)> {
    std::iter::once(("", "Any outcome")).chain(Outcome::ALL.iter().map(|o| (o.as_str(), o.label())))
}

const PRESETS: [(&str, &str); 4] = [
    ("", "Any time"),
    ("24h", "Last 24 hours"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
];

#[component]
pub fn Activity() -> impl IntoView {
    view! {
        <Title text="Activity" />
        <ConsoleFrame active="/activity">
            <PageHeading title="Activity" subtitle="Who changed what, when, and from where." />
            <ActivityBody />
        </ConsoleFrame>
    }
}

#[component]
fn ActivityBody() -> impl IntoView {
    let entity_type = query_param("entity_type");
    let entity_id = query_param("entity_id");
    let action = query_param("action");
    let team = query_param("team");
    let actor = query_param("actor");
    let since = query_param("since");
    let until = query_param("until");
    let outcome = query_param("outcome");
    let cursor = query_param("cursor");
    // The filters the query names, blank ones left out: what the page lists and exports.
    let filters = move || {
        let some = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        EventFilter {
            entity_type: some(entity_type()),
            entity_id: some(entity_id()),
            action: some(action()),
            team: some(team()),
            actor: some(actor()),
            since: some(since()),
            until: some(until()),
            outcome: some(outcome()),
            cursor: some(cursor()),
            ..Default::default()
        }
    };
    let page = Resource::new(filters, list_events);
    // The chart follows the filters (a new page of the list is not a new chart).
    let daily = Resource::new(
        move || EventFilter {
            cursor: None,
            ..filters()
        },
        events_per_day,
    );
    let summary = use_summary();
    // The filters as a query string (without the cursor), for "Older" and the downloads.
    let query = move || {
        let f = filters();
        [
            ("entity_type", f.entity_type),
            ("entity_id", f.entity_id),
            ("action", f.action),
            ("team", f.team),
            ("actor", f.actor),
            ("since", f.since),
            ("until", f.until),
            ("outcome", f.outcome),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .map(|(k, v)| format!("{k}={}", urlencode(&v)))
        .collect::<Vec<_>>()
    };
    // A URL under the org's events API, e.g. `export.csv?…` or `stream?…`.
    let events_url = move |rest: &str| {
        let slug = summary
            .get()
            .and_then(Result::ok)
            .map(|s| s.org_slug)
            .unwrap_or_default();
        format!("/api/v1/orgs/{slug}/events/{rest}")
    };
    let export =
        move |ext: &'static str| events_url(&format!("export.{ext}?{}", query().join("&")));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                // A bar narrows the list to its day and keeps the other filters.
                let others: Vec<String> = query()
                    .into_iter()
                    .filter(|pair| !pair.starts_with("since=") && !pair.starts_with("until="))
                    .collect();
                let filtered = !others.is_empty();
                daily.get().and_then(Result::ok).map(|days| view! { <chart::EventsPerDay days others filtered /> })
            }}
        </Suspense>
        <Panel title="Filter">
            <form method="get" action="/activity" class="flex flex-wrap items-end gap-3">
                <label class="text-sm">
                    "Entity "
                    <select name="entity_type" class=INPUT>
                        {entity_types()
                            .map(|(v, label)| view! { <option value=v selected=move || entity_type().unwrap_or_default() == v>{label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="text-sm">
                    "Entity id " <input name="entity_id" placeholder="a user or token id" value=move || entity_id().unwrap_or_default() class=INPUT />
                </label>
                <label class="text-sm">
                    "Action " <input name="action" list="known-actions" placeholder="team, or team.created" value=move || action().unwrap_or_default() class=INPUT />
                    <datalist id="known-actions">
                        {AuditAction::ALL.iter().map(|a| view! { <option value=a.as_str()></option> }).collect_view()}
                    </datalist>
                </label>
                <label class="text-sm">
                    "Team " <TeamPicker name="team" id="activity-team" value=team().unwrap_or_default() placeholder="any team" />
                </label>
                <label class="text-sm">
                    "Actor " <input name="actor" placeholder="email, id, or me" value=move || actor().unwrap_or_default() class=INPUT />
                </label>
                <label class="text-sm">
                    "When "
                    <select name="since" class=INPUT>
                        {PRESETS
                            .into_iter()
                            .map(|(v, label)| view! { <option value=v selected=move || since().unwrap_or_default() == v>{label}</option> })
                            .collect_view()}
                        // A day picked on the chart (or typed in the URL) stays selectable.
                        {move || since().filter(|v| !PRESETS.iter().any(|(p, _)| p == v)).map(|v| {
                            view! { <option value=v.clone() selected=true>{format!("From {v}")}</option> }
                        })}
                    </select>
                </label>
                <label class="text-sm">
                    "Until (through) " <input type="date" name="until" value=move || until().unwrap_or_default() class=INPUT />
                </label>
                <label class="text-sm">
                    "Outcome "
                    <select name="outcome" class=INPUT>
                        {outcomes()
                            .map(|(v, label)| view! { <option value=v selected=move || outcome().unwrap_or_default() == v>{label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button type="submit" class=QUIET>"Apply"</button>
                <a class=QUIET href="/activity">"Clear"</a>
            </form>
            <p class="mt-3 text-sm">
                "Download this selection: "
                <a class="underline" href=move || export("csv") download>"CSV"</a>
                " · "
                <a class="underline" href=move || export("jsonl") download>"JSON lines"</a>
            </p>
        </Panel>
        <Suspense fallback=|| view! { <p class="text-sm">"Loading…"</p> }>
            {move || {
                page.get().map(|result| match result {
                    Ok(page) => {
                        // The first page follows the log from its newest event on.
                        let following = cursor().is_none_or(|c| c.is_empty()).then(|| {
                            let after = page.events.first().and_then(|e| e.seq);
                            let mut q = query();
                            q.extend(after.map(|seq| format!("after={seq}")));
                            view! { <live::LiveEvents url=events_url(&format!("stream?{}", q.join("&"))) /> }
                        });
                        let older = page.next_cursor.map(|c| {
                            let mut q = query();
                            q.push(format!("cursor={c}"));
                            view! { <a class=QUIET href=format!("/activity?{}", q.join("&"))>"Older events"</a> }
                        });
                        let nothing = page.events.is_empty().then(|| view! {
                            <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="no-events">"No events match these filters."</p>
                        });
                        let rows = page.events.into_iter().map(|e| view! { <EventRow event=e /> }).collect_view();
                        view! {
                            {following}
                            {nothing}
                            <table class="w-full text-left text-sm" data-testid="events">
                                <thead class="text-xs uppercase text-slate-600 dark:text-slate-400">
                                    <tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Entity"</th><th>"From"</th><th>"Outcome"</th></tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                            <div class="mt-4">{older}</div>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <LoadError error=e /> }.into_any(),
                })
            }}
        </Suspense>
    }
}

/// One event. Its actor and entity are links that filter the log by them; its details
/// (ids, where from, and what it recorded: the fields changed, who got what, the state of
/// what was deleted) are folded away as labelled fields.
#[component]
pub(crate) fn EventRow(event: Event) -> impl IntoView {
    let who = event
        .actor
        .label
        .clone()
        .unwrap_or_else(|| event.actor.kind.clone());
    let who = match &event.actor.id {
        Some(id) => view! {
            <a class="inline-block min-h-6 py-1 hover:underline" href=format!("/activity?actor={}", urlencode(id)) title="Only this actor's events">{who}</a>
        }
        .into_any(),
        None => view! { <span>{who}</span> }.into_any(),
    };
    let what = match (&event.entity.kind, &event.entity.label) {
        (Some(kind), Some(label)) => format!("{kind}: {label}"),
        (Some(kind), None) => kind.clone(),
        _ => String::new(),
    };
    let what = match (&event.entity.kind, &event.entity.id) {
        (Some(kind), Some(id)) => view! {
            <a class="inline-block min-h-6 py-1 hover:underline" title="Only events about this"
                href=format!("/activity?entity_type={}&entity_id={}", urlencode(kind), urlencode(id))>{what}</a>
        }
        .into_any(),
        _ => view! { <span>{what}</span> }.into_any(),
    };
    let outcome = match &event.reason {
        Some(reason) => format!("{} ({reason})", event.outcome),
        None => event.outcome.clone(),
    };
    let fields: Vec<(&'static str, String)> = [
        ("Event", Some(event.id.clone())),
        ("Time", Some(event.time.clone())),
        (
            "Actor",
            Some(format!(
                "{} {}",
                event.actor.kind,
                event.actor.id.clone().unwrap_or_default()
            )),
        ),
        (
            "Entity",
            event
                .entity
                .kind
                .clone()
                .map(|k| format!("{k} {}", event.entity.id.clone().unwrap_or_default())),
        ),
        ("Team", event.team_id.clone()),
        ("From", event.origin_host.clone()),
        ("Request", event.request_id.clone()),
        ("Chain position", event.seq.map(|s| s.to_string())),
    ]
    .into_iter()
    .filter_map(|(label, value)| Some((label, value?)))
    .collect();
    // Type-erased: the row's view type is otherwise too deep for the compiler.
    let details = view! {
        <details class="mt-1 text-xs">
            <summary class="cursor-pointer py-1 text-slate-600 dark:text-slate-400">"Details"</summary>
            <dl class="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5" data-testid="event-fields">
                {fields.into_iter().map(|(label, value)| view! {
                    <dt class="text-slate-600 dark:text-slate-400">{label}</dt>
                    <dd class="break-all font-mono">{value}</dd>
                }.into_any()).collect_view()}
            </dl>
            {event.snapshot.clone().map(|s| view! { <Recorded snapshot=s /> }.into_any())}
        </details>
    }
    .into_any();
    view! {
        <tr class="border-t border-slate-100 align-top dark:border-slate-800" data-testid="event-row">
            <td class="py-2 pr-3 whitespace-nowrap">{format_utc(event.created_at)}</td>
            <td class="py-2 pr-3">{who}</td>
            <td class="py-2 pr-3 font-mono text-xs">{event.action.clone()}</td>
            <td class="py-2 pr-3">
                {what}
                {details}
            </td>
            <td class="py-2 pr-3">{event.ip.clone().unwrap_or_default()}</td>
            <td class="py-2">{outcome}</td>
        </tr>
    }
}

/// What an event recorded, as a table: a changed field reads `old → new`, anything nested
/// as compact JSON.
#[component]
fn Recorded(snapshot: serde_json::Value) -> impl IntoView {
    let rows: Vec<(String, String)> = match snapshot {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(field, value)| (field, recorded_value(&value)))
            .collect(),
        other => vec![(String::new(), recorded_value(&other))],
    };
    view! {
        <table class="mt-2 w-full text-left" data-testid="event-recorded">
            <tbody>
                {rows.into_iter().map(|(field, value)| view! {
                    <tr class="border-t border-slate-100 dark:border-slate-800">
                        <th class="py-0.5 pr-3 font-normal text-slate-600 dark:text-slate-400">{field}</th>
                        <td class="py-0.5 break-all font-mono">{value}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn recorded_value(value: &serde_json::Value) -> String {
    let plain = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".to_string(),
        other => other.to_string(),
    };
    match value {
        serde_json::Value::Object(map)
            if map.len() >= 2 && map.contains_key("old") && map.contains_key("new") =>
        {
            format!("{} → {}", plain(&map["old"]), plain(&map["new"]))
        }
        other => plain(other),
    }
}
