//! A marker that tells tests (and curious users) that the page is interactive.

use leptos::prelude::*;

/// Sets `data-hydrated="true"` on `<body>` once the browser has taken over the page. Every
/// page calls it: a page loaded on demand (see `pages::page_on_demand`) is hydrated only once
/// its code has arrived, after the rest of the application. Effects run only in the browser,
/// so the server-rendered page never carries the marker.
pub fn mark_when_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            // Nothing to recover if these fail: the markers are informational.
            let _ = body.set_attribute("data-hydrated", "true");
            if let Some(perf) = window().performance() {
                let _ = body
                    .set_attribute("data-hydrated-ms", &(perf.now().round() as i64).to_string());
            }
        }
    });
}
