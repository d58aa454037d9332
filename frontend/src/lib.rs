//! The wasm entry point: hydrates the server-rendered console so it becomes interactive.

use leptos::prelude::{
    document, set_timeout, window_event_listener, window_event_listener_untyped,
};
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::Element;
use std::time::Duration;

/// Marks a submit button whose plain form is on its way to the server.
const SENT: &str = "data-sent";

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(foxgate_app::App);
    guard_plain_forms();
    foxgate_app::components::field_marks::watch_submits();
    // Tests and the page-weight benchmark wait for this mark: the page now answers clicks.
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

/// A plain form (sign-in, sign-out, an org switch: the browser navigates) cannot be sent twice
/// either: once it is on its way, its button is disabled and busy. Forms an action runs in
/// place have prevented the navigation by then, and their `Submit` button says it itself.
fn guard_plain_forms() {
    // Listeners stay for the page's life: their handles are never removed.
    let _ = window_event_listener(leptos::ev::submit, |ev| {
        let Some(button) = ev.submitter().and_then(|b| b.dyn_into::<Element>().ok()) else {
            return;
        };
        // After every handler of this event has run, so an action form has had its say.
        set_timeout(
            move || {
                if !ev.default_prevented() {
                    for (name, value) in [("disabled", ""), ("aria-busy", "true"), (SENT, "")] {
                        let _ = button.set_attribute(name, value);
                    }
                }
            },
            Duration::ZERO,
        );
    });
    // Back to a page kept in the browser's cache: its buttons work again.
    let _ = window_event_listener_untyped("pageshow", |_| {
        let Ok(sent) = document().query_selector_all(&format!("[{SENT}]")) else {
            return;
        };
        for i in 0..sent.length() {
            if let Some(button) = sent.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                for name in ["disabled", "aria-busy", SENT] {
                    let _ = button.remove_attribute(name);
                }
            }
        }
    });
}
