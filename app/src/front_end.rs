//! Which build of the front end the browser runs. The text of [`THIS`] is compiled into the
//! WebAssembly, where the server finds it (`server::front_end`) to say at start-up whether it
//! serves a release or a debug front end; the page shows it as `<html data-front-end>`.

/// What every build's marker starts with.
pub const MARKER: &str = "bulkhead-front-end-build:";
/// The marker of an optimised build (`scripts/build-release.sh`).
pub const RELEASE: &str = "bulkhead-front-end-build:release";
/// The marker of a debug build (`cargo leptos build`, as the tests use).
pub const DEBUG: &str = "bulkhead-front-end-build:debug";
/// The marker of this build.
pub const THIS: &str = if cfg!(debug_assertions) {
    DEBUG
} else {
    RELEASE
};

/// Marks the page with the build that hydrated it.
#[cfg(feature = "hydrate")]
pub fn mark_page() {
    if let Some(html) = leptos::prelude::document().document_element() {
        // Informational: nothing to recover if it fails.
        // A slice of THIS, so the whole marker is in the WebAssembly and MARKER alone is not
        // (the server looks for the whole marker).
        let _ = html.set_attribute("data-front-end", &THIS[MARKER.len()..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both markers carry the common prefix the server looks for.
    #[test]
    fn markers_share_the_prefix() {
        assert_eq!(RELEASE.strip_prefix(MARKER), Some("release"));
        assert_eq!(DEBUG.strip_prefix(MARKER), Some("debug"));
        assert!(THIS == RELEASE || THIS == DEBUG);
    }
}
