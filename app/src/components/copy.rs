//! Copying a value the console shows (a new secret, the redirect URI, a DNS record): the
//! clipboard when the browser offers one, else the text selected with "press Ctrl+C". The
//! button is an island and exists only once it runs; without JavaScript, the value selects
//! whole on a click.

use super::QUIET;
use leptos::prelude::*;
use std::hash::{DefaultHasher, Hash, Hasher};

/// A value in a one-click-to-select block, with a Copy button and a status line.
#[component]
pub fn Copyable(
    text: String,
    /// What is copied, for the button's accessible name ("Copy redirect URI").
    what: &'static str,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    // The same value shows under the same id; two values on one page do not share one.
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    let id = format!("copy-{:016x}", hasher.finish());
    view! {
        <span class="inline-flex flex-wrap items-center gap-2">
            <code id=id.clone() class="select-all break-all rounded bg-slate-100 px-1 dark:bg-slate-800" data-testid=testid>{text.clone()}</code>
            <CopyButton target=id name=format!("Copy {what}") />
        </span>
    }
}

/// "Copy" for the text of the element whose id is `target`, and a status line saying the
/// result. Rendered once running in the browser only. The text is read from the page, not
/// passed in: a secret is in the page once, not again in the island's props.
#[island]
pub fn CopyButton(
    /// The id of the element showing the text: selected when the clipboard cannot be used.
    target: String,
    #[prop(optional, into)] name: Option<String>,
    #[prop(optional, into)] status_testid: Option<String>,
) -> impl IntoView {
    let said = RwSignal::new("");
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        copy_or_select(&target, said);
        #[cfg(not(feature = "hydrate"))]
        let _ = &target;
    };
    view! {
        <Show when=move || hydrated.get()>
            <button type="button" class=QUIET aria-label=name.clone() on:click=copy.clone()>"Copy"</button>
        </Show>
        <span role="status" class="text-sm" data-testid=status_testid>{move || said.get()}</span>
    }
}

/// Writes the text to the clipboard; when the browser has none or refuses, selects it and
/// says how to copy it by hand.
#[cfg(feature = "hydrate")]
fn copy_or_select(target: &str, said: RwSignal<&'static str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(shown) = window.document().and_then(|d| d.get_element_by_id(target)) else {
        return;
    };
    let text = shown.text_content().unwrap_or_default().trim().to_string();
    let navigator = window.navigator();
    let select = move || {
        if let Ok(Some(selection)) = window.get_selection() {
            let _ = selection.select_all_children(&shown);
        }
        said.set("Press Ctrl+C (⌘C on a Mac) to copy: the text is selected.");
    };
    // Missing outside a secure context (plain http to another host than localhost).
    let has_clipboard = web_sys::js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !has_clipboard {
        select();
        return;
    }
    let written = navigator.clipboard().write_text(&text);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(written).await {
            Ok(_) => said.set("Copied ✓"),
            Err(_) => select(),
        }
    });
}
