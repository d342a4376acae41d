//! The zone designer: drag-and-drop editing of a design with live analysis in the browser,
//! computed by the same `design` crate the server uses.

pub mod analysis;
mod canvas;
pub mod edit;
mod fields;
mod import;
mod matrix;
mod panel;
pub mod scene;
mod state;

use crate::api::{SaveDesign, get_design};
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::DesignDetail;
use canvas::{Canvas, DragCtx, Palette};
use design::RawDesign;
use leptos::prelude::*;
use matrix::{Matrix, Problems};
use panel::Panel;
use scene::Layout;
use state::Ed;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Canvas,
    Yaml,
}

/// The designer for one revision of a design. `reload` asks the page to fetch the newest.
#[component]
pub fn Designer(
    detail: DesignDetail,
    reload: RwSignal<u32>,
    can_edit: Signal<bool>,
) -> impl IntoView {
    // The server reads the document (the browser build has no YAML reader).
    let doc = detail.model.clone();
    let load_error = detail.model_error.clone();
    let layout = Layout::parse(&detail.layout);
    let readonly = Signal::derive(move || !can_edit.get());
    let ed = Ed::new(doc.clone(), layout.clone(), readonly);
    // What the newest saved revision holds, compared by structure: serialising the document
    // on every edit would cost more than the whole analysis.
    let saved = RwSignal::new((doc, layout));
    let sent = StoredValue::new(None::<(RawDesign, Layout)>);
    let dirty = Memo::new(move |_| {
        saved.with(|(d, l)| ed.doc.with(|cur| cur != d) || ed.layout.with(|cur| cur != l))
    });
    let tab = RwSignal::new(if load_error.is_some() {
        Tab::Yaml
    } else {
        Tab::Canvas
    });
    let help = RwSignal::new(false);
    let yaml = RwSignal::new(YamlState::Fresh);
    let ctx = DragCtx {
        drag: RwSignal::new(None),
        canvas: NodeRef::new(),
    };
    let zone_before = StoredValue::new(None);

    let on_keydown = move |ev: &web_sys::KeyboardEvent| {
        let in_field = ev
            .target()
            .and_then(|t| web_sys::wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if in_field || tab.get_untracked() != Tab::Canvas {
            return;
        }
        if canvas::on_key(ed, ev, help) {
            ev.prevent_default();
        }
    };

    // Pointer moves and releases anywhere on the page continue a drag begun on the canvas.
    Effect::new(move |_| {
        let mv = window_event_listener(leptos::ev::pointermove, move |ev| {
            if let Some(d) = ctx.drag.get_untracked()
                && matches!(d.kind, canvas::DragKind::Zone { .. })
                && zone_before.with_value(Option::is_none)
            {
                zone_before.set_value(Some(ed.snapshot_now()));
            }
            canvas::on_move(ed, ctx, &ev);
        });
        let up = window_event_listener(leptos::ev::pointerup, move |ev| {
            let before = zone_before.try_update_value(Option::take).flatten();
            canvas::on_up(ed, ctx, &ev, before);
        });
        // Keys are heard page-wide: a card redrawn after an edit must not swallow the next key.
        let keys = window_event_listener(leptos::ev::keydown, move |ev| on_keydown(&ev));
        let leave = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if dirty.get_untracked() {
                ev.prevent_default();
                ev.set_return_value("You have unsaved changes.");
            }
        });
        on_cleanup(move || {
            mv.remove();
            up.remove();
            keys.remove();
            leave.remove();
        });
    });

    // Saving.
    let save = ServerAction::<SaveDesign>::new();
    let base = RwSignal::new(detail.head);
    let message = RwSignal::new(String::new());
    let id = detail.id;
    Effect::new(move |_| {
        if let Some(Ok(info)) = save.value().get() {
            base.set(info.number);
            if let Some(state) = sent.try_update_value(Option::take).flatten() {
                saved.set(state);
            }
            message.set(String::new());
            ed.notice
                .set(Some(format!("Saved as revision {}.", info.number)));
            reload.update(|n| *n += 1);
        }
    });
    let conflict =
        Memo::new(move |_| matches!(save.value().get(), Some(Err(AppError::Conflict { .. }))));
    let blocked = Memo::new(move |_| {
        if ed.readonly.get() {
            Some("Saving needs the editor role.".to_string())
        } else if let YamlState::Error(_) = yaml.get() {
            Some("The YAML does not parse: fix it (or undo) before saving.".to_string())
        } else if yaml.get() == YamlState::Checking {
            // Save stays possible: pressed now, it waits for the text to be read.
            None
        } else if ed.analysis.with(|a| a.errors()) > 0 {
            Some("Fix the errors listed under Checks before saving.".to_string())
        } else if !dirty.get() {
            Some("Nothing changed since the last save.".to_string())
        } else {
            None
        }
    });
    // The model travels as JSON; the server stores it as canonical YAML.
    let do_save = move || {
        if blocked.get_untracked().is_some() {
            return;
        }
        sent.set_value(Some((ed.doc.get_untracked(), ed.layout.get_untracked())));
        save.dispatch(SaveDesign {
            id,
            base: base.get_untracked(),
            document: ed
                .doc
                .with_untracked(|d| serde_json::to_string(d).unwrap_or_default()),
            message: message.get_untracked(),
            layout: Some(ed.layout.get_untracked().to_json()),
        });
    };
    // Save pressed while the YAML tab's text is being read: save once it has been.
    let save_after_check = RwSignal::new(false);
    Effect::new(move |_| {
        if save_after_check.get() && !matches!(yaml.get(), YamlState::Checking) {
            save_after_check.set(false);
            do_save();
        }
    });
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if matches!(yaml.get_untracked(), YamlState::Checking) {
            save_after_check.set(true);
        } else {
            do_save();
        }
    };
    let changes = RwSignal::new(None::<String>);
    let see_changes = move |_| {
        let mine = ed.doc.get_untracked();
        leptos::task::spawn_local(async move {
            let text = match get_design(id, None).await {
                Ok(latest) => match latest.model_error {
                    None => {
                        let d = design::diff::diff(&latest.model, &mine);
                        format!(
                            "Revision {} by {} is the newest. What your save would change on top of it:\n\n{}",
                            latest.head,
                            latest.revision.author,
                            d.to_text()
                        )
                    }
                    Some(e) => format!("The newest revision does not parse: {e}"),
                },
                Err(e) => e.to_string(),
            };
            changes.set(Some(text));
        });
    };
    let load_latest = move |_| {
        let ok = !dirty.get_untracked()
            || window()
                .confirm_with_message(
                    "Load the newest revision? Your unsaved changes will be lost.",
                )
                .unwrap_or(false);
        if ok {
            reload.update(|n| *n += 1);
        }
    };

    let import_notes = RwSignal::new(None::<Vec<String>>);
    let import_name = detail.name.clone();
    let on_pick = {
        let name = import_name.clone();
        move |ev: leptos::ev::Event| {
            let input: Option<web_sys::HtmlInputElement> = ev
                .target()
                .and_then(|t| web_sys::wasm_bindgen::JsCast::dyn_into(t).ok());
            if let Some(file) = input
                .as_ref()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            {
                import::from_file(ed, file, name.clone(), import_notes);
            }
            if let Some(i) = input {
                i.set_value("");
            }
        }
    };
    let on_drop = {
        let name = import_name.clone();
        move |ev: leptos::ev::DragEvent| {
            let file = ev
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                ev.prevent_default();
                if can_edit.get_untracked() {
                    import::from_file(ed, file, name.clone(), import_notes);
                } else {
                    ed.notice
                        .set(Some("Importing needs the editor role.".into()));
                }
            }
        }
    };

    let viewing_old = detail.revision.number != detail.head;
    let name = detail.name.clone();

    view! {
        <div class="designer" data-test="designer"
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=on_drop
            data-analysis-us=move || ed.analysis.with(|a| ((a.elapsed_ms * 1000.0).round() as i64).to_string())>
            <div class="designer-bar">
                <h1>
                    <a class="crumb" href="/designs">"Designs"</a>
                    " / "
                    <span data-test="design-name">{name.clone()}</span>
                </h1>
                <span class="rev-badge" data-test="revision">{format!("revision {}", detail.revision.number)}</span>
                <Show when=move || dirty.get()>
                    <span class="unsaved" data-test="unsaved">"● unsaved changes"</span>
                </Show>
                <div class="tabs" role="tablist">
                    <button role="tab" type="button" data-test="tab-canvas" class:active=move || tab.get() == Tab::Canvas
                        aria-selected=move || (tab.get() == Tab::Canvas).to_string()
                        on:click=move |_| tab.set(Tab::Canvas)>"Canvas"</button>
                    <button role="tab" type="button" data-test="tab-yaml" class:active=move || tab.get() == Tab::Yaml
                        aria-selected=move || (tab.get() == Tab::Yaml).to_string()
                        on:click=move |_| tab.set(Tab::Yaml)>"YAML"</button>
                </div>
                <div class="bar-actions">
                    <button type="button" class="btn btn-small" data-test="undo" title="Undo (Ctrl+Z)"
                        disabled=move || !ed.can_undo.get() on:click=move |_| ed.undo()>"↶ Undo"</button>
                    <button type="button" class="btn btn-small" data-test="redo" title="Redo (Ctrl+Shift+Z)"
                        disabled=move || !ed.can_redo.get() on:click=move |_| ed.redo()>"↷ Redo"</button>
                    <Show when=move || can_edit.get()>
                        <label class="btn btn-small file-pick" title="Or drop a Compose file on the page">
                            "Import Compose…"
                            <input type="file" accept=".yml,.yaml,.json" data-test="import-compose" on:change=on_pick.clone() />
                        </label>
                    </Show>
                    <ExportMenu id rev=detail.revision.number />
                    <button type="button" class="btn btn-small btn-quiet" on:click=move |_| help.update(|h| *h = !*h)
                        title="Keyboard shortcuts (?)">"?"</button>
                </div>
            </div>
            {viewing_old.then(|| view! {
                <p class="banner banner-info">
                    {format!("You are looking at revision {} of {}. Saving makes it the newest revision. ", detail.revision.number, detail.head)}
                    <a href=format!("/designs/{id}")>"Go to the newest"</a>
                </p>
            })}
            {load_error.clone().map(|e| view! {
                <p class="banner banner-error" role="alert">{format!("This revision does not parse ({e}); fix it in the YAML tab.")}</p>
            })}
            <ErrorBanner error=crate::components::error::action_error(save.value()) />
            <Show when=move || conflict.get()>
                <div class="banner banner-info" data-test="conflict-actions">
                    "Your changes are still here. "
                    <button class="btn btn-small" type="button" data-test="load-latest" on:click=load_latest>"Load the newest (discard mine)"</button>
                    " "
                    <button class="btn btn-small" type="button" data-test="see-changes" on:click=see_changes>"See what changed"</button>
                    {move || changes.get().map(|t| view! { <pre class="diff" data-test="changes">{t}</pre> })}
                </div>
            </Show>
            {move || ed.notice.get().map(|n| view! {
                <p class="notice" role="status" data-test="notice">{n}<button type="button" class="btn-x" aria-label="Dismiss" on:click=move |_| ed.notice.set(None)>"×"</button></p>
            })}
            {move || import_notes.get().filter(|n| !n.is_empty()).map(|notes| view! {
                <div class="banner banner-info" data-test="import-notes">
                    <strong>"What the import could not carry over:"</strong>
                    <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                    <button type="button" class="btn btn-small btn-quiet" on:click=move |_| import_notes.set(None)>"Dismiss"</button>
                </div>
            })}
            <Show when=move || help.get()>
                <Help on_close=move || help.set(false) />
            </Show>
            <div class="designer-main" class:hidden=move || tab.get() != Tab::Canvas>
                <Show when=move || !ed.readonly.get() fallback=|| view! { <aside class="palette readonly-note">"Read-only: your role can view this design."</aside> }>
                    <Palette ed ctx />
                </Show>
                <Canvas ed ctx />
                <Panel ed />
            </div>
            <div class="designer-yaml" class:hidden=move || tab.get() != Tab::Yaml>
                <YamlTab ed state=yaml active=Signal::derive(move || tab.get() == Tab::Yaml) />
            </div>
            <div class="designer-lower">
                <Problems ed />
                <Matrix ed />
            </div>
            <Show when=move || can_edit.get()>
                <form class="savebar" on:submit=on_save data-test="save-form">
                    <label class="grow">
                        "What changed"
                        <input name="message" placeholder="e.g. move the cache into the data tier" bind:value=message />
                    </label>
                    <button type="submit" class="btn btn-primary" data-test="save"
                        title=move || blocked.get().unwrap_or_default()
                        disabled=move || save.pending().get() || blocked.get().is_some()>
                        "Save revision"
                    </button>
                    <span class="muted small" data-test="save-blocked">{move || blocked.get()}</span>
                </form>
            </Show>
        </div>
    }
}

/// Said when a YAML text that does not parse is left behind.
const DISCARDED: &str =
    "The YAML text that did not parse was discarded; the design keeps its last readable state.";

/// Where the YAML tab's text stands.
#[derive(Clone, Debug, PartialEq)]
enum YamlState {
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
fn YamlTab(ed: Ed, state: RwSignal<YamlState>, active: Signal<bool>) -> impl IntoView {
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

#[component]
fn ExportMenu(id: i64, rev: i64) -> impl IntoView {
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

#[component]
fn Help(on_close: impl Fn() + Send + Sync + 'static) -> impl IntoView {
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
