//! A list's page controls: the count, "Previous"/"First"/"Next" links that keep the list's
//! filters, and the search form (a GET form that works without JavaScript; with it, the
//! list follows as one types, after a short pause).

use super::QUIET;
use crate::pages::{query_param, urlencode};
use foxgate_core::model::Total;
use leptos::prelude::*;
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

/// Marks a part of a list page that its search redraws in place (`FollowsSearch`).
#[cfg(feature = "hydrate")]
const FOLLOWS: &str = "data-follows-search";

/// A part of a list page that the `ListSearch` whose test id is `search` redraws in place
/// as one types: the count, the rows, the pager, a picker of the rows shown. Without
/// JavaScript, a plain `<div>`.
#[component]
pub fn FollowsSearch(search: &'static str, children: Children) -> impl IntoView {
    view! { <div data-follows-search=search>{children()}</div> }
}

/// Where a search that loaded its page whole keeps its field, so the next page puts the
/// caret back in it: `<form test id>|<field name>`.
#[cfg(feature = "hydrate")]
const TYPED: &str = "foxgate-typed";

/// A list's search form: `children` are its fields (a `q` search input first). Submitting
/// loads the first page of what it picks. An island: in the browser, typing in a search
/// field shows that page after a short pause (its `FollowsSearch` parts redrawn in place,
/// the address replaced in the history), and a changed select does at once.
#[island]
pub fn ListSearch(
    #[prop(into)] path: String,
    #[prop(into)] testid: String,
    /// "Show every member".
    #[prop(into)]
    clear: String,
    children: Children,
) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let pause = Pause::new();
    #[cfg(feature = "hydrate")]
    {
        let testid = testid.clone();
        Effect::new(move |_| {
            if let Some(form) = form.get() {
                browser::give_back_caret(&form, &testid);
            }
        });
    }
    let follow = {
        let testid = testid.clone();
        move |ev: leptos::ev::Event, delay_ms: u64| {
            #[cfg(feature = "hydrate")]
            {
                let field = browser::field_name(&ev);
                let testid = testid.clone();
                pause.then(delay_ms, move || {
                    if let Some(form) = form.get_untracked() {
                        browser::load(&form, &testid, field.as_deref());
                    }
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, delay_ms, &testid, &pause);
        }
    };
    let typed = follow.clone();
    view! {
        <form
            node_ref=form
            method="get"
            action=path.clone()
            role="search"
            class="mb-3 flex flex-wrap items-end gap-3"
            data-testid=testid
            on:input=move |ev| typed(ev, SEARCH_PAUSE_MS)
            on:change=move |ev| follow(ev, 0)
        >
            {children()}
            <button type="submit" class=QUIET>"Search"</button>
            <a href=path.clone() class="text-sm text-orange-700 underline dark:text-orange-400">{clear}</a>
        </form>
    }
}

/// The browser's side of a search that follows the typing.
#[cfg(feature = "hydrate")]
mod browser {
    use super::{FOLLOWS, TYPED};
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use std::cell::Cell;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        DomParser, Element, FormData, HtmlFormElement, HtmlInputElement, Response, SupportedType,
        UrlSearchParams,
    };

    /// The name of the field an input or change event came from.
    pub fn field_name(ev: &leptos::ev::Event) -> Option<String> {
        ev.target()?
            .dyn_into::<web_sys::Element>()
            .ok()?
            .get_attribute("name")
    }

    thread_local! {
        /// The latest search sent: an older answer that arrives after it is dropped.
        static LATEST: Cell<u32> = const { Cell::new(0) };
    }

    /// How a redraw in place ended.
    enum Redrawn {
        Done,
        /// A newer search was sent meanwhile: this answer is dropped.
        Stale,
        /// The answer is not a page of this list (an error, a sign-in page): load it whole.
        NotAList,
    }

    /// Shows the list page the form picks, replacing this one in the history: its
    /// `FollowsSearch` parts are redrawn in place, so the field keeps the focus and every key
    /// typed meanwhile. When that cannot be done, the page is loaded whole.
    pub fn load(form: &HtmlFormElement, testid: &str, field: Option<&str>) {
        let Ok(query) = FormData::new_with_form(form)
            .and_then(|data| UrlSearchParams::new_with_str_sequence_sequence(&data))
        else {
            return;
        };
        let url = format!("{}?{}", form.action(), String::from(query.to_string()));
        let ticket = LATEST.with(|latest| {
            latest.set(latest.get().wrapping_add(1));
            latest.get()
        });
        let (testid, field) = (testid.to_string(), field.map(str::to_string));
        leptos::task::spawn_local(async move {
            let Some(window) = web_sys::window() else {
                return;
            };
            match redraw(&window, &url, &testid, ticket).await {
                Ok(Redrawn::Done) => {
                    if let Ok(history) = window.history() {
                        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
                    }
                }
                Ok(Redrawn::Stale) => {}
                Ok(Redrawn::NotAList) | Err(_) => {
                    if let (Some(field), Ok(Some(storage))) = (&field, window.session_storage()) {
                        let _ = storage.set_item(TYPED, &format!("{testid}|{field}"));
                    }
                    let _ = window.location().replace(&url);
                }
            }
        });
    }

    /// Fetches the page at `url` and puts its `FollowsSearch` parts for this search in place
    /// of this page's, one for one.
    async fn redraw(
        window: &web_sys::Window,
        url: &str,
        testid: &str,
        ticket: u32,
    ) -> Result<Redrawn, JsValue> {
        let response: Response = JsFuture::from(window.fetch_with_str(url))
            .await?
            .dyn_into()?;
        if !response.ok() || response.redirected() {
            return Ok(Redrawn::NotAList);
        }
        let html = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        if LATEST.with(Cell::get) != ticket {
            return Ok(Redrawn::Stale);
        }
        let fetched = DomParser::new()?.parse_from_string(&html, SupportedType::TextHtml)?;
        let selector = format!("[{FOLLOWS}=\"{testid}\"]");
        let (Some(here), Ok(there)) = (
            window.document().map(|d| d.query_selector_all(&selector)),
            fetched.query_selector_all(&selector),
        ) else {
            return Ok(Redrawn::NotAList);
        };
        let here = here?;
        if here.length() == 0 || here.length() != there.length() {
            return Ok(Redrawn::NotAList);
        }
        for i in 0..here.length() {
            let (Some(old), Some(new)) = (
                here.item(i).and_then(|n| n.dyn_into::<Element>().ok()),
                there.item(i).and_then(|n| n.dyn_into::<Element>().ok()),
            ) else {
                return Ok(Redrawn::NotAList);
            };
            old.set_inner_html(&new.inner_html());
        }
        Ok(Redrawn::Done)
    }

    /// After a load this form asked for, the caret goes back to the end of the field typed in.
    pub fn give_back_caret(form: &HtmlFormElement, testid: &str) {
        let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten())
        else {
            return;
        };
        let Ok(Some(typed)) = storage.get_item(TYPED) else {
            return;
        };
        let _ = storage.remove_item(TYPED);
        let Some(field) = typed.strip_prefix(testid).and_then(|t| t.strip_prefix('|')) else {
            return;
        };
        if !field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return;
        }
        let Ok(Some(el)) = form.query_selector(&format!("[name=\"{field}\"]")) else {
            return;
        };
        let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() else {
            return;
        };
        let _ = el.focus();
        if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
            let end = input.value().encode_utf16().count() as u32;
            let _ = input.set_selection_range(end, end);
        }
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
