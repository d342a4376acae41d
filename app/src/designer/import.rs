//! Importing a Compose file into the designer, by file picker or by dropping the file on the
//! page: converted in the browser by the same code as `bulkhead import compose`.

use super::state::{Ed, Selection};
use leptos::prelude::*;

/// Replaces the document with the design made from a Compose file (one undo step), keeping
/// the design's name; returns what the import could not carry over.
#[cfg_attr(
    not(feature = "hydrate"),
    expect(dead_code, reason = "files are read only in the browser")
)]
pub fn apply(ed: Ed, text: &str, name: &str) -> Result<Vec<String>, String> {
    let imported = design::import::compose(text, name)
        .map_err(|e| format!("That Compose file cannot be imported: {e}"))?;
    let mut doc = imported.design;
    doc.name = name.to_string();
    ed.apply(move |d, layout| {
        *d = doc;
        layout.zones.clear();
        true
    });
    ed.selection.set(Selection::Design);
    Ok(imported
        .notes
        .into_iter()
        .map(|n| format!("{}: {}", n.path, n.message))
        .collect())
}

/// Reads a file the user picked or dropped, then imports it.
pub fn from_file(ed: Ed, file: web_sys::File, name: String, report: RwSignal<Option<Vec<String>>>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string());
        match text {
            Some(t) => match apply(ed, &t, &name) {
                Ok(notes) => {
                    ed.notice.set(Some(format!(
                        "Imported {} — review the canvas, then save.",
                        file.name()
                    )));
                    report.set(Some(notes));
                }
                Err(e) => ed.notice.set(Some(e)),
            },
            None => ed
                .notice
                .set(Some("That file could not be read as text.".into())),
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (ed, file, name, report);
}
