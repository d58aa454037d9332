//! The Activity page's chart: events per day under the page's filters, over their time
//! range (the last 30 days without one), as an SVG drawn on the server — bars with a title
//! each, so a pointer or a screen reader gets the exact count; each bar a link narrowing the
//! log to its day with the other filters kept; a y axis from 0 to the busiest day's count.

use foxgate_core::model::DayCount;
use leptos::prelude::*;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 120.0;
/// Room under the bars for the first and last day's labels.
const LABELS: f64 = 16.0;
/// Room left of the bars for the scale.
const AXIS: f64 = 36.0;

/// `others`: the page's other filters as `key=value` pairs, kept by each bar's link;
/// `filtered`: whether they narrow the events (the caption says so).
#[component]
pub fn EventsPerDay(days: Vec<DayCount>, others: Vec<String>, filtered: bool) -> impl IntoView {
    let most = days.iter().map(|d| d.events).max().unwrap_or(0).max(1) as f64;
    let total: i64 = days.iter().map(|d| d.events).sum();
    let slot = (WIDTH - AXIS) / days.len().max(1) as f64;
    let first = days.first().map(|d| d.day.clone()).unwrap_or_default();
    let last = days.last().map(|d| d.day.clone()).unwrap_or_default();
    let bars = days
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let height = (d.events as f64 / most * (HEIGHT - LABELS - 4.0))
                .max(if d.events > 0 { 2.0 } else { 0.0 });
            let y = HEIGHT - LABELS - height;
            let label = format!("{}: {} events", d.day, d.events);
            let day = std::iter::once(format!("since={0}&until={0}", d.day))
                .chain(others.iter().cloned())
                .collect::<Vec<_>>()
                .join("&");
            let day = format!("/activity?{day}");
            let name = label.clone();
            // The whole column is the link, so short bars are easy to hit.
            view! {
                <a href=day aria-label=name>
                    <rect x=format!("{:.1}", AXIS + i as f64 * slot) y="0" width=format!("{slot:.1}")
                        height=format!("{:.1}", HEIGHT - LABELS) class="fill-transparent hover:fill-slate-100 dark:hover:fill-slate-800" />
                    <rect x=format!("{:.1}", AXIS + i as f64 * slot + 1.0) y=format!("{y:.1}") width=format!("{:.1}", slot - 2.0)
                        height=format!("{height:.1}") class="fill-indigo-500" data-day=d.day data-events=d.events>
                        <title>{label}</title>
                    </rect>
                </a>
            }
        })
        .collect_view();
    let summary = format!(
        "{total} events{} from {first} to {last}",
        if filtered {
            " matching the filters"
        } else {
            ""
        }
    );
    let scale = format!("{}", most as i64);
    // A middle tick on the y axis, at a whole count, once there is room for one.
    let middle = (most >= 4.0).then(|| {
        let count = (most / 2.0).floor();
        let y = HEIGHT - LABELS - count / most * (HEIGHT - LABELS - 4.0);
        view! {
            <line x1=format!("{}", AXIS - 2.0) x2=format!("{WIDTH}") y1=format!("{y:.1}") y2=format!("{y:.1}") stroke-dasharray="2 3" class="stroke-slate-200 dark:stroke-slate-800" />
            <text x=format!("{}", AXIS - 5.0) y=format!("{:.1}", y + 3.0) text-anchor="end" class="fill-slate-600 dark:fill-slate-400 text-[10px]" data-testid="chart-middle">{format!("{count}")}</text>
        }
    });
    view! {
        <figure class="mb-4" data-testid="events-per-day">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="h-32 w-full" role="group" aria-label=summary.clone()>
                <line x1=format!("{}", AXIS - 2.0) x2=format!("{}", AXIS - 2.0) y1="4" y2=format!("{}", HEIGHT - LABELS) class="stroke-slate-300 dark:stroke-slate-700" />
                <line x1=format!("{}", AXIS - 2.0) x2=format!("{WIDTH}") y1="4" y2="4" stroke-dasharray="2 3" class="stroke-slate-300 dark:stroke-slate-700" />
                <text x=format!("{}", AXIS - 5.0) y="10" text-anchor="end" class="fill-slate-600 dark:fill-slate-400 text-[10px]" data-testid="chart-max">{scale}</text>
                <text x=format!("{}", AXIS - 5.0) y=format!("{}", HEIGHT - LABELS) text-anchor="end" class="fill-slate-600 dark:fill-slate-400 text-[10px]">"0"</text>
                {middle}
                {bars}
                <text x=format!("{AXIS}") y=format!("{}", HEIGHT - 2.0) class="fill-slate-600 dark:fill-slate-400 text-[10px]">{first}</text>
                <text x=format!("{WIDTH}") y=format!("{}", HEIGHT - 2.0) text-anchor="end" class="fill-slate-600 dark:fill-slate-400 text-[10px]">{last}</text>
            </svg>
            <figcaption class="text-xs text-slate-600 dark:text-slate-400">{summary}</figcaption>
        </figure>
    }
}
