#![recursion_limit = "256"]
//! Hydrates the server-rendered page: the same `App` the server rendered takes over in the browser.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The back office's routes are lazy (loaded as their own chunks), which the plain
    // `hydrate_body` does not support.
    leptos::mount::hydrate_lazy(hotline_app::App);
}

/// Room for `wasm-split` (cargo-leptos `--split`) to lay out the static data of the split
/// pages. It gives every split page and shared chunk its own part of the one data
/// segment, aligned, and some strings the linker merged get a copy in each module that
/// uses them; when that layout comes out longer than the linker's segment, it gives up and
/// leaves *every* page's data in the main file (seen at e4418c5: 121 bytes over, +82 KB
/// raw / +33 KB gzip on every portal page). Bytes that no code uses are in the linker's
/// segment but in no module's layout, so this array is the slack that layout may use.
/// It is never downloaded (no module carries it) and costs 16 KiB of address space.
/// `scripts/setup.sh` (`check_split_data`) fails the build if the main file holds the split
/// pages' data again.
#[used]
static SPLIT_DATA_SLACK: [u8; 16 * 1024] = [0x5a; 16 * 1024];
