//! The wasm entry point: hydrates the server-rendered console so it becomes interactive.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(foxgate_app::App);
}
