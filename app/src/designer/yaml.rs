//! The YAML tab: the document as it will be saved, as text the server writes and reads back.

use super::state::Ed;
use crate::error::AppError;
use design::RawDesign;
use leptos::prelude::*;

/// Said when a YAML text that does not parse is left behind.
const DISCARDED: &str =
    "The YAML text that did not parse was discarded; the design keeps its last readable state.";

/// Where the YAML tab's text stands.
#[derive(Clone, Debug, PartialEq)]
pub enum YamlState {
    /// Not being edited (or the last edit was read).
    Fresh,
    /// The server is reading an edit or writing the document out.
    Checking,
    /// The text does not parse: why.
    Error(String),
}

/// The document as it will be saved, editable; parsed and validated as you type. The server
/// writes and reads the YAML (the browser build has no YAML code). Only the newest request
/// counts, and a text read back replaces the document only if nothing else changed it
/// meanwhile.
#[component]
pub fn YamlTab(ed: Ed, state: RwSignal<YamlState>, active: Signal<bool>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    // The shown text matches the document: `ready` (tests and scripts wait for it). Until
    // then the text area is read-only, so nobody edits a stale text.
    let loaded = RwSignal::new(false);
    let version = StoredValue::new(0u64);
    let next = move || {
        version.update_value(|v| *v += 1);
        version.get_value()
    };
    let write_out = move || {
        let mine = next();
        loaded.set(false);
        let model = ed
            .doc
            .with_untracked(|d| serde_json::to_string(d).unwrap_or_default());
        state.set(YamlState::Checking);
        leptos::task::spawn_local(async move {
            let result = crate::api::write_document(model).await;
            if version.get_value() != mine {
                return;
            }
            match result {
                Ok(t) => {
                    text.set(t);
                    loaded.set(true);
                    state.set(YamlState::Fresh);
                }
                Err(e) => state.set(YamlState::Error(e.to_string())),
            }
        });
    };
    // Opening the tab shows the current document; leaving it forgets the shown text.
    Effect::new(move |_| {
        if active.get() {
            write_out();
            return;
        }
        loaded.set(false);
        text.set(String::new());
        if matches!(state.get_untracked(), YamlState::Error(_)) {
            next();
            state.set(YamlState::Fresh);
            ed.notice.set(Some(DISCARDED.into()));
        }
    });
    let read_back = move |t: String, mine: u64| {
        let before = ed.doc.get_untracked();
        leptos::task::spawn_local(async move {
            let result = crate::api::read_document(t).await;
            if version.get_value() != mine {
                return;
            }
            let changed_meanwhile = ed.doc.with_untracked(|d| *d != before);
            match result {
                Ok(_) if changed_meanwhile => {
                    state.set(YamlState::Fresh);
                    ed.notice.set(Some(
                        "The design changed while the YAML text was being read; that text was not applied.".into(),
                    ));
                    if active.get_untracked() {
                        write_out();
                    }
                }
                Ok(d) => {
                    ed.apply_keyed(Some("yaml"), move |doc: &mut RawDesign, _| {
                        *doc = d;
                        true
                    });
                    state.set(YamlState::Fresh);
                }
                Err(_) if !active.get_untracked() => {
                    state.set(YamlState::Fresh);
                    ed.notice.set(Some(DISCARDED.into()));
                }
                Err(AppError::Invalid { message, .. }) => state.set(YamlState::Error(message)),
                Err(e) => state.set(YamlState::Error(e.to_string())),
            }
        });
    };
    let on_input = move |ev: leptos::ev::Event| {
        let t = event_target_value(&ev);
        text.set(t.clone());
        let mine = next();
        if t.len() > crate::model::MAX_DOCUMENT_BYTES {
            state.set(YamlState::Error(
                "the document is over 1 MiB; split the design".into(),
            ));
            return;
        }
        state.set(YamlState::Checking);
        // Typing sends the text once it pauses for a moment.
        set_timeout(
            move || {
                if version.get_value() == mine {
                    read_back(t, mine);
                }
            },
            std::time::Duration::from_millis(120),
        );
    };
    view! {
        <label class="editor-label" for="document">"Design document (YAML, format version 1) — this is what Save stores"</label>
        <textarea
            id="document"
            class="code-editor"
            spellcheck="false"
            data-test="document"
            data-state=move || if loaded.get() { "ready" } else { "loading" }
            readonly=move || ed.readonly.get() || !loaded.get()
            prop:value=move || text.get()
            on:input=on_input
        ></textarea>
        <div class="parse-status" data-test="parse-status" aria-live="polite">
            {move || match state.get() {
                YamlState::Fresh => view! { <span class="ok">"✓ The document parses."</span> }.into_any(),
                YamlState::Checking => view! { <span class="muted">"Checking…"</span> }.into_any(),
                YamlState::Error(e) => view! { <span class="field-error" data-test="parse-error">{e}</span> }.into_any(),
            }}
        </div>
    }
}
