//! The wasm entry point: hydrates the server-rendered console so it becomes interactive.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(foxgate_app::App);
    // Tests and the page-weight benchmark wait for this mark: the page now answers clicks.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
