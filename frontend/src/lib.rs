#![recursion_limit = "256"]
//! Hydrates the server-rendered page: the same `App` the server rendered takes over in the browser.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The back office's routes are lazy (loaded as their own chunks), which the plain
    // `hydrate_body` does not support.
    leptos::mount::hydrate_lazy(hotline_app::App);
}
