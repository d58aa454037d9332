//! The wasm entry point: wakes the islands of the server-rendered console (the components
//! marked `#[island]`: search as one types, team suggestions, the permission grid, copying,
//! the live log) and adds the few behaviours every plain form shares.

mod busy;
mod linked_fields;

// Linked for its islands: each `#[island]` exports the function that wakes it, which
// `hydrate_islands` calls for every island the page holds.
extern crate foxgate_app;

use leptos::prelude::{document, set_timeout};
use std::time::Duration;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    busy::guard_plain_forms();
    linked_fields::follow();
    // Tests and the page-weight benchmark wait for this mark: the page now answers clicks.
    // Leptos' loader wakes the islands right after this function returns, one promise after
    // another; a timer runs after all of them.
    set_timeout(
        || {
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("data-hydrated", "");
            }
        },
        Duration::ZERO,
    );
}
