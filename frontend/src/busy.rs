//! A form on its way to the server cannot be sent twice: its pressed button is disabled,
//! says "Working…" and is marked busy until the next page arrives.

use leptos::prelude::{
    document, set_timeout, window_event_listener, window_event_listener_untyped,
};
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::Element;
use std::time::Duration;

/// Marks a submit button whose form is on its way; holds the label it had.
const SENT: &str = "data-sent";
/// Marks a form on its way to the server.
const SENDING: &str = "data-sending";
/// What a pressed button says while its form is on its way.
const WORKING: &str = "Working…";

pub fn guard_plain_forms() {
    // Listeners stay for the page's life: their handles are never removed.
    let _ = window_event_listener(leptos::ev::submit, |ev| {
        // A form an island runs in place (a connection test) says its own state.
        if ev.default_prevented() {
            return;
        }
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        // Sent already: a second click, or Enter, before the next page arrives.
        if form.has_attribute(SENDING) {
            ev.prevent_default();
            return;
        }
        let _ = form.set_attribute(SENDING, "");
        let Some(button) = ev.submitter().and_then(|b| b.dyn_into::<Element>().ok()) else {
            return;
        };
        // After the browser has read the form: a disabled button would leave its own
        // name and value out of what is sent.
        set_timeout(
            move || {
                let label = button.text_content().unwrap_or_default();
                for (name, value) in [("disabled", ""), ("aria-busy", "true"), (SENT, &label)] {
                    let _ = button.set_attribute(name, value);
                }
                if !label.trim().is_empty() {
                    button.set_text_content(Some(WORKING));
                }
            },
            Duration::ZERO,
        );
    });
    // Back to a page kept in the browser's cache: its forms and buttons work again.
    let _ = window_event_listener_untyped("pageshow", |_| {
        if let Ok(forms) = document().query_selector_all(&format!("[{SENDING}]")) {
            for i in 0..forms.length() {
                if let Some(form) = forms.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = form.remove_attribute(SENDING);
                }
            }
        }
        let Ok(sent) = document().query_selector_all(&format!("[{SENT}]")) else {
            return;
        };
        for i in 0..sent.length() {
            if let Some(button) = sent.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                if let Some(label) = button.get_attribute(SENT) {
                    if button.text_content().as_deref() == Some(WORKING) {
                        button.set_text_content(Some(&label));
                    }
                }
                for name in ["disabled", "aria-busy", SENT] {
                    let _ = button.remove_attribute(name);
                }
            }
        }
    });
}
