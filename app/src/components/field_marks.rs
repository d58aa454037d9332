//! Marks the input a failed action names, in the form that was sent: outlined
//! (`aria-invalid`), described by the sentence under it, and focused. The console's forms
//! need no code of their own for it; the marks go when the form is sent again. Password
//! fields of a failed form are emptied.

use leptos::prelude::{document, window_event_listener};
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, HtmlFormElement, HtmlInputElement};
use std::cell::RefCell;

/// The sentence elements this module adds carry this attribute.
const ADDED: &str = "data-field-error";

thread_local! {
    /// The form most recently sent: the one whose action answers next.
    static LAST_FORM: RefCell<Option<HtmlFormElement>> = const { RefCell::new(None) };
}

/// Remembers each form as it is sent, clearing the marks of its previous attempt. Called
/// once, when the console hydrates.
pub fn watch_submits() {
    // Listeners stay for the page's life: their handles are never removed.
    let _ = window_event_listener(leptos::ev::submit, |ev| {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        clear(&form);
        LAST_FORM.with(|last| *last.borrow_mut() = Some(form));
    });
}

fn clear(form: &HtmlFormElement) {
    let each = |selector: &str, f: &dyn Fn(Element)| {
        if let Ok(list) = form.query_selector_all(selector) {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    f(el);
                }
            }
        }
    };
    each(&format!("[{ADDED}]"), &|el| el.remove());
    each("[aria-invalid]", &|el| {
        let _ = el.remove_attribute("aria-invalid");
        let _ = el.remove_attribute("aria-describedby");
    });
}

/// Empties the password fields of the last form sent: a failed form keeps what was typed,
/// but never a password.
pub fn forget_passwords() {
    let Some(form) = LAST_FORM.with(|last| last.borrow().clone()) else {
        return;
    };
    if let Ok(list) = form.query_selector_all("input[type=password]") {
        for i in 0..list.length() {
            if let Some(input) = list
                .item(i)
                .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
            {
                input.set_value("");
            }
        }
    }
}

/// Marks `field` (a `name`, or `name[]` for a list) in the last form sent, if it has one.
pub fn mark(field: &str, sentence: &str) {
    // Field names are identifiers; anything else is not looked up.
    if field.is_empty()
        || !field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return;
    }
    let Some(form) = LAST_FORM.with(|last| last.borrow().clone()) else {
        return;
    };
    let selector = format!("[name=\"{field}\"], [name=\"{field}[]\"]");
    let Some(input) = form
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let id = format!("field-error-{field}");
    let Ok(note) = document().create_element("p") else {
        return;
    };
    note.set_id(&id);
    note.set_class_name("mt-1 text-xs font-normal text-red-700 dark:text-red-300");
    note.set_text_content(Some(sentence));
    let _ = note.set_attribute(ADDED, "");
    let _ = input.set_attribute("aria-invalid", "true");
    let _ = input.set_attribute("aria-describedby", &id);
    // Under the field: at the end of its label when the field sits in one (the sentence
    // is a block, so it wraps below), else right after the field.
    let placed = match input.parent_element() {
        Some(label) if label.tag_name().eq_ignore_ascii_case("label") => {
            label.insert_adjacent_element("beforeend", &note)
        }
        _ => input.insert_adjacent_element("afterend", &note),
    };
    if placed.is_err() {
        return;
    }
    let _ = input.focus();
}
