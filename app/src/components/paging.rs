//! A list's page controls: the count, "Previous"/"First"/"Next" links that keep the list's
//! filters, and the search form (a GET form that works without JavaScript; with it, the
//! list follows as one types, after a short pause).

use super::QUIET;
use crate::pages::{query_param, urlencode};
use foxgate_core::model::Total;
use leptos::prelude::*;
use leptos_router::components::Form;
use std::sync::{Arc, Mutex};

/// Earlier pages a "Previous" link can walk back through; older ones lead to the first page.
const TRAIL_MAX: usize = 20;
/// Stands for the first page (no cursor) in the trail.
const FIRST: &str = "~";
/// How long typing pauses before the list follows it.
pub const SEARCH_PAUSE_MS: u64 = 250;

/// Runs the last of calls made in quick succession once they pause: typing sends one
/// request, not one per key. A call still waiting when its component goes away never runs
/// (it would reach reactive values that are gone).
#[derive(Clone, Default)]
pub struct Pause(Arc<Mutex<Option<TimeoutHandle>>>);

impl Pause {
    pub fn new() -> Self {
        let pause = Pause::default();
        let waiting = pause.0.clone();
        on_cleanup(move || {
            if let Some(handle) = waiting.lock().ok().and_then(|mut h| h.take()) {
                handle.clear();
            }
        });
        pause
    }

    pub fn then(&self, delay_ms: u64, run: impl FnOnce() + 'static) {
        let Ok(mut waiting) = self.0.lock() else {
            return;
        };
        if let Some(handle) = waiting.take() {
            handle.clear();
        }
        *waiting = set_timeout_with_handle(run, std::time::Duration::from_millis(delay_ms)).ok();
    }
}

/// "1,204 members", "3 members match", "No members match.", "10,000+ tokens", "1,000+ tokens
/// match".
pub fn counted(total: &Total, one: &str, many: &str, filtered: bool) -> String {
    match (total.total, filtered) {
        (0, true) => format!("No {many} match."),
        (0, false) => format!("No {many} yet."),
        (1, _) if total.total_exact => format!("1 {one}"),
        (_, true) => format!("{} {many} match", total.words()),
        (_, false) => format!("{} {many}", total.words()),
    }
}

/// The href of a page of the list at `path`: its filters, the page's cursor and the trail
/// of the pages before it.
fn href(
    path: &str,
    kept: &[(&'static str, String)],
    cursor: Option<&str>,
    trail: &[&str],
) -> String {
    let trail = trail.join(".");
    let pairs: Vec<String> = kept
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .chain([
            ("cursor", cursor.unwrap_or_default()),
            ("trail", trail.as_str()),
        ])
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", urlencode(value)))
        .collect();
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

/// "Previous page", "First page" and "Next page" for a list whose filters are `kept`.
#[component]
pub fn Pager(
    #[prop(into)] path: String,
    /// The list's accessible name ("Pages of members").
    label: &'static str,
    /// Prefix of the links' test ids (`members` → `members-next`).
    testid: &'static str,
    kept: Vec<(&'static str, String)>,
    next_cursor: Option<String>,
) -> impl IntoView {
    let cursor = query_param("cursor")().filter(|c| !c.is_empty());
    let trail_text = query_param("trail")().unwrap_or_default();
    let trail: Vec<&str> = trail_text.split('.').filter(|c| !c.is_empty()).collect();
    let previous = cursor.as_ref().map(|_| {
        let (back, before) = trail.split_last().map_or((FIRST, &[][..]), |(b, rest)| (*b, rest));
        let to = href(&path, &kept, Some(back).filter(|b| *b != FIRST), before);
        view! { <a href=to class=QUIET rel="prev" data-testid=format!("{testid}-previous")>"Previous page"</a> }
    });
    let first = (cursor.is_some() && !trail.is_empty()).then(|| {
        view! { <a href=href(&path, &kept, None, &[]) class=QUIET data-testid=format!("{testid}-first")>"First page"</a> }
    });
    let next = next_cursor.map(|next| {
        let here = cursor.as_deref().unwrap_or(FIRST);
        let mut longer: Vec<&str> = trail.clone();
        longer.push(here);
        let keep_from = longer.len().saturating_sub(TRAIL_MAX);
        let to = href(&path, &kept, Some(&next), &longer[keep_from..]);
        view! { <a href=to class=QUIET rel="next" data-testid=format!("{testid}-next")>"Next page"</a> }
    });
    view! { <nav aria-label=label class="mt-3 flex gap-3">{previous}{first}{next}</nav> }
}

/// A list's search form: `children` are its fields (a `q` search input first). Submitting
/// loads the first page of what it picks; once hydrated, typing in a search field submits it
/// after a short pause, and a changed select at once.
#[component]
pub fn ListSearch(
    #[prop(into)] path: String,
    testid: &'static str,
    /// "Show every member".
    clear: &'static str,
    children: Children,
) -> impl IntoView {
    let form = NodeRef::<leptos::html::Div>::new();
    let pause = Pause::new();
    let follow = move |delay_ms: u64| {
        pause.then(delay_ms, move || {
            #[cfg(feature = "hydrate")]
            if let Some(form) = form
                .get_untracked()
                .and_then(|div| div.query_selector("form").ok().flatten())
            {
                use leptos::wasm_bindgen::JsCast;
                if let Ok(form) = form.dyn_into::<web_sys::HtmlFormElement>() {
                    let _ = form.request_submit();
                }
            }
        });
    };
    let typed = follow.clone();
    view! {
        <div node_ref=form on:input=move |_| typed(SEARCH_PAUSE_MS) on:change=move |_| follow(0)>
            <Form method="get" action=path.clone() replace=true noscroll=true attr:role="search" attr:class="mb-3 flex flex-wrap items-end gap-3" attr:data-testid=testid>
                {children()}
                <button type="submit" class=QUIET>"Search"</button>
                <a href=path class="text-sm text-orange-700 underline dark:text-orange-400">{clear}</a>
            </Form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_how_many_and_whether_filtered() {
        let t = |total, total_exact| Total { total, total_exact };
        assert_eq!(
            counted(&t(0, true), "member", "members", true),
            "No members match."
        );
        assert_eq!(counted(&t(1, true), "member", "members", false), "1 member");
        assert_eq!(
            counted(&t(1204, true), "member", "members", false),
            "1,204 members"
        );
        assert_eq!(
            counted(&t(1_000, false), "token", "tokens", true),
            "1,000+ tokens match"
        );
        assert_eq!(
            counted(&t(10_000, false), "token", "tokens", false),
            "10,000+ tokens"
        );
    }

    #[test]
    fn page_links_keep_the_filters_and_the_trail() {
        let kept = vec![("q", "ca rol".to_string()), ("role", String::new())];
        assert_eq!(
            href("/members", &kept, Some("abc"), &["~", "xyz"]),
            "/members?q=ca%20rol&cursor=abc&trail=~.xyz"
        );
        assert_eq!(href("/members", &[], None, &[]), "/members");
    }
}
