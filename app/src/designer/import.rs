//! Importing a Compose file into the designer, by file picker or by dropping the file on the
//! page: converted by the server, by the same code as `bulkhead import compose`.

use super::state::{Ed, Selection};
use leptos::prelude::*;

/// Replaces the document with the design the server made from a Compose file (one undo
/// step), keeping the design's name; returns what the import could not carry over.
#[cfg_attr(
    not(feature = "hydrate"),
    expect(dead_code, reason = "files are read only in the browser")
)]
async fn apply(ed: Ed, text: String, name: String) -> Result<Vec<String>, String> {
    let imported = crate::api::import_compose(text, name.clone())
        .await
        .map_err(|e| match e {
            crate::error::AppError::Invalid { message, .. } => message,
            other => format!("That Compose file cannot be imported: {other}"),
        })?;
    let mut doc = imported.model;
    doc.name = name;
    ed.apply(move |d, layout| {
        *d = doc;
        layout.zones.clear();
        true
    });
    ed.selection.set(Selection::Design);
    Ok(imported.notes)
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
            Some(t) => match apply(ed, t, name).await {
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
