//! The designer's menus and dialogs: the export menu and the keyboard help.

use leptos::prelude::*;

/// Downloads of the saved revision shown, one per export format.
#[component]
pub fn ExportMenu(id: i64, rev: i64) -> impl IntoView {
    view! {
        <details class="export-menu">
            <summary class="btn btn-small" data-test="export">"Export ▾"</summary>
            <div class="export-list">
                {design::compile::Export::ALL.into_iter().map(|format| view! {
                    <a class="export-item" data-export=format.as_str() download="" href=format!("/designs/{id}/export/{format}?rev={rev}")>{format.label()}</a>
                }).collect_view()}
                <p class="muted small">"Exports the saved revision shown."</p>
            </div>
        </details>
    }
}

/// The list of keys.
#[component]
pub fn Help(on_close: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-test="help">
            <button type="button" class="btn-x" aria-label="Close" on:click=move |_| on_close()>"×"</button>
            <h2>"Keyboard"</h2>
            <dl>
                <dt>"Tab / Shift+Tab"</dt><dd>"move between zones, cards and controls"</dd>
                <dt>"← → ↑ ↓"</dt><dd>"select the previous / next service card"</dd>
                <dt>"Enter on a palette item"</dt><dd>"add that zone, or a service to the selected zone"</dd>
                <dt>"m"</dt><dd>"move the selected service to another zone"</dd>
                <dt>"j"</dt><dd>"the selected service also joins a zone (gateway)"</dd>
                <dt>"f"</dt><dd>"add a flow from the selected service"</dd>
                <dt>"Delete"</dt><dd>"remove the selection (a gateway card leaves that zone)"</dd>
                <dt>"Ctrl+Z / Ctrl+Shift+Z"</dt><dd>"undo / redo"</dd>
                <dt>"Escape"</dt><dd>"cancel a command, close this help"</dd>
                <dt>"?"</dt><dd>"show or hide this help"</dd>
            </dl>
            <h2>"Pointer"</h2>
            <p>"Drag palette items onto the canvas; drag a card into another zone to move it (Shift: also join); drag a card's ➜ handle onto another card to add a flow; drag a zone's title bar to arrange."</p>
        </div>
    }
}
