//! The built front end as the server serves it (issue 13): file names with a content hash,
//! precompressed copies, and how long browsers may keep each kind of response.
//!
//! `cargo leptos build --release --precompress` (the README's commands) names the WASM, JS
//! and CSS `hotline.<hash>.*`, writes the hashes to `hash.txt` beside the server binary, and
//! writes a brotli and a gzip copy of every file of the site next to it. The static-file
//! fallback serves those copies as they are (no CPU spent compressing the same file twice);
//! the compression layer leaves an already encoded response alone.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;

/// A hashed file never changes under its name: kept for a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages are rendered for their reader and change with every step: always asked afresh.
pub const PAGE: &str = "private, no-cache";
/// The other files of the site (the icon): a day.
pub const OTHER_FILE: &str = "public, max-age=86400";

/// What the server knows of the built front end, read once at start.
#[derive(Debug, Clone)]
pub struct Assets {
    /// The files under `/pkg/` carry a content hash in their names.
    pub hashed: bool,
    /// The stylesheet's URL (for pages written outside Leptos, such as the 403 page).
    pub stylesheet: String,
}

impl Assets {
    pub fn new(options: &LeptosOptions) -> Assets {
        let hashes = options
            .hash_files
            .then(|| std::fs::read_to_string(hash_file(options)?).ok())
            .flatten();
        let css_hash = hashes.as_deref().and_then(|text| {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(kind, _)| kind.trim() == "css")
                .map(|(_, hash)| hash.trim().to_string())
        });
        let name = match &css_hash {
            Some(hash) => format!("{}.{hash}.css", options.output_name),
            None => format!("{}.css", options.output_name),
        };
        Assets {
            hashed: options.hash_files,
            stylesheet: format!("/{}/{name}", options.site_pkg_dir),
        }
    }
}

/// Where the build wrote the hashes: beside the server binary, where Leptos reads them
/// while rendering each page.
fn hash_file(options: &LeptosOptions) -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// Hashed names are used when the build wrote its hash file beside this binary, whatever
/// the environment says: a page must never link a file the build did not make.
pub fn detect_hashed_files(options: &mut LeptosOptions) {
    options.hash_files = hash_file(options).is_some_and(|path| path.is_file());
}

/// Sets `Cache-Control` on responses that do not set their own: a year for the hashed
/// front-end files and for the vendored libraries (`/vendor/<package>-<version>/`, whose
/// names carry their version), revalidation for the front-end files when unhashed (a
/// development build), none kept for pages.
pub async fn cache_control(
    State(assets): State<std::sync::Arc<Assets>>,
    request: Request,
    next: Next,
) -> Response {
    let pkg = request.uri().path().starts_with("/pkg/");
    let vendored = request.uri().path().starts_with("/vendor/");
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let ok = response.status().is_success() || response.status().as_u16() == 304;
    let value = if html {
        PAGE
    } else if vendored && ok {
        IMMUTABLE
    } else if pkg && ok {
        if assets.hashed {
            IMMUTABLE
        } else {
            "no-cache"
        }
    } else if ok && response.headers().contains_key(header::LAST_MODIFIED) {
        // A file of the site (`ServeDir` marks them with their modification time).
        OTHER_FILE
    } else {
        return response;
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}
