//! Fields that depend on another field of their form, declared in the server's HTML:
//! `data-shown-when="kind=team org_admin"` shows an element only while the form's `kind`
//! is one of those values; `data-picks="expires=date"` on a field sets the form's `expires`
//! to `date` once something is typed in it; `data-placeholder-from="kind"` with
//! `data-placeholders="okta=… entra=…"` gives a field the hint of the form's current `kind`.
//! Without JavaScript every field shows and the server decides, so these only tidy the form.

use leptos::prelude::{document, window_event_listener};
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::{Element, Event};

pub fn follow() {
    if let Some(root) = document().document_element() {
        show_fitting(&root);
    }
    // Listeners stay for the page's life: their handles are never removed.
    let _ = window_event_listener(leptos::ev::change, |ev| changed(&ev));
    let _ = window_event_listener(leptos::ev::input, |ev| changed(&ev));
}

fn changed(ev: &Event) {
    let Some(field) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let Some(form) = field.closest("form").ok().flatten() else {
        return;
    };
    if let Some((name, value)) = field.get_attribute("data-picks").as_deref().and_then(pair) {
        if !value_of(&field).is_empty() {
            if let Some(control) = control(&form, name) {
                let _ = set_value(&control, value);
            }
        }
    }
    show_fitting(&form);
    hint_fitting(&form);
}

/// Shows or hides each `data-shown-when` element under `root` by its form's current values.
fn show_fitting(root: &Element) {
    for el in marked(root, "data-shown-when") {
        let Some((name, values)) = el
            .get_attribute("data-shown-when")
            .as_deref()
            .and_then(pair)
            .map(|(n, v)| (n.to_string(), v.to_string()))
        else {
            continue;
        };
        if let Some(current) = current_value(&el, &name) {
            show(&el, values.split(' ').any(|v| v == current));
        }
    }
}

/// Shows or hides an element through its style object: the page's Content Security Policy
/// refuses `style` attributes, not the CSS object model.
fn show(el: &Element, shown: bool) {
    use leptos::web_sys::js_sys::Reflect;
    if let Ok(style) = Reflect::get(el, &JsValue::from_str("style")) {
        let display = if shown { "" } else { "none" };
        let _ = Reflect::set(
            &style,
            &JsValue::from_str("display"),
            &JsValue::from_str(display),
        );
    }
}

/// Sets each `data-placeholder-from` field's hint to the one for its form's current value.
fn hint_fitting(root: &Element) {
    for el in marked(root, "data-placeholder-from") {
        let (Some(name), Some(hints)) = (
            el.get_attribute("data-placeholder-from"),
            el.get_attribute("data-placeholders"),
        ) else {
            continue;
        };
        let Some(current) = current_value(&el, &name) else {
            continue;
        };
        if let Some((_, hint)) = hints
            .split(' ')
            .filter_map(pair)
            .find(|(v, _)| *v == current)
        {
            let _ = el.set_attribute("placeholder", hint);
        }
    }
}

/// The elements under `root` that carry `attribute`.
fn marked(root: &Element, attribute: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(&format!("[{attribute}]")) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// The current value of the control `name` in the form holding `el`.
fn current_value(el: &Element, name: &str) -> Option<String> {
    let form = el.closest("form").ok().flatten()?;
    control(&form, name).map(|c| value_of(&c))
}

/// `name=value` split at its first `=`; names are form words.
fn pair(text: &str) -> Option<(&str, &str)> {
    let (name, value) = text.split_once('=')?;
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        .then_some((name, value))
}

fn control(form: &Element, name: &str) -> Option<Element> {
    form.query_selector(&format!("[name=\"{name}\"]"))
        .ok()
        .flatten()
}

/// The current value of an input or select.
fn value_of(field: &Element) -> String {
    leptos::web_sys::js_sys::Reflect::get(field, &JsValue::from_str("value"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn set_value(field: &Element, value: &str) -> Result<bool, JsValue> {
    leptos::web_sys::js_sys::Reflect::set(
        field,
        &JsValue::from_str("value"),
        &JsValue::from_str(value),
    )
}
