#![recursion_limit = "256"]
//! Hydrates the server-rendered page: the same `App` the server rendered takes over in the browser.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(hotline_app::App);
}
