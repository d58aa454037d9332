//! Copying a value the console shows (a new secret, the redirect URI, a DNS record): the
//! clipboard when the browser offers one, else the text selected with "press Ctrl+C". The
//! button exists only once JavaScript runs; without it, the value selects whole on a click.

use super::QUIET;
use leptos::prelude::*;

/// A value in a one-click-to-select block, with a Copy button and a status line.
#[component]
pub fn Copyable(
    text: String,
    /// What is copied, for the button's accessible name ("Copy redirect URI").
    what: &'static str,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let code = NodeRef::<leptos::html::Code>::new();
    let said = RwSignal::new("");
    view! {
        <span class="inline-flex flex-wrap items-center gap-2">
            <code node_ref=code class="select-all break-all rounded bg-slate-100 px-1 dark:bg-slate-800" data-testid=testid>{text.clone()}</code>
            <CopyButton text code said name=format!("Copy {what}") />
            <span role="status" class="text-xs">{move || said.get()}</span>
        </span>
    }
}

/// "Copy" for the text in `code`: says the result in `said`. Rendered once hydrated only.
#[component]
pub fn CopyButton(
    text: String,
    code: NodeRef<leptos::html::Code>,
    said: RwSignal<&'static str>,
    #[prop(optional, into)] name: Option<String>,
) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        copy_or_select(text.clone(), code, said);
        #[cfg(not(feature = "hydrate"))]
        let _ = (&text, code, said);
    };
    view! {
        <Show when=move || hydrated.get()>
            <button type="button" class=QUIET aria-label=name.clone() on:click=copy.clone()>"Copy"</button>
        </Show>
    }
}

/// Writes the text to the clipboard; when the browser has none or refuses, selects it and
/// says how to copy it by hand.
#[cfg(feature = "hydrate")]
fn copy_or_select(text: String, code: NodeRef<leptos::html::Code>, said: RwSignal<&'static str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let select = move || {
        if let (Some(code), Ok(Some(selection))) = (code.get_untracked(), window.get_selection()) {
            let _ = selection.select_all_children(&code);
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
