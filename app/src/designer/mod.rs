//! The zone designer: drag-and-drop editing of a design with live analysis in the browser,
//! computed by the same `design` crate the server uses.

mod accepts;
mod actions;
pub mod analysis;
mod canvas;
pub mod changes;
mod chrome;
mod drag;
pub mod edit;
mod fields;
mod hits;
mod import;
mod keys;
mod labels;
mod matrix;
mod palette;
mod panel;
mod pending;
pub mod scene;
mod state;
mod yaml;

use crate::api::{SaveDesign, changes_on_latest};
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::DesignDetail;
use canvas::Canvas;
use chrome::{ExportMenu, Help};
use design::RawDesign;
use drag::DragCtx;
use leptos::prelude::*;
use matrix::{Matrix, Problems};
use palette::Palette;
use panel::Panel;
use scene::Layout;
use state::Ed;
use yaml::{YamlState, YamlTab};

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
    /// Another revision to mark the canvas against (its number and document), when the page
    /// was opened with `?compare=N`.
    compare: Option<(i64, RawDesign)>,
) -> impl IntoView {
    // The server reads the document (the browser build has no YAML reader).
    let doc = detail.model.clone();
    let load_error = detail.model_error.clone();
    let layout = Layout::parse(&detail.layout);
    let readonly = Signal::derive(move || !can_edit.get());
    let ed = Ed::new(doc.clone(), layout.clone(), readonly);
    let marks = Memo::new(move |_| {
        compare
            .as_ref()
            .map(|(n, base)| ed.doc.with(|d| changes::marks(*n, base, d)))
    });
    // A link may name what to select (a change request's comment on a zone, service or flow).
    let linked = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("select")
        .and_then(|s| state::Selection::from_link(&s, &doc));
    if let Some(selected) = linked {
        ed.selection.set(selected);
    }
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
    // The firewall's counts on the canvas, when an engine is chosen.
    let shown = RwSignal::new(None::<hits::Shown>);

    let on_keydown = move |ev: &web_sys::KeyboardEvent| {
        let in_field = ev
            .target()
            .and_then(|t| web_sys::wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if in_field || tab.get_untracked() != Tab::Canvas {
            return;
        }
        if keys::on_key(ed, ev, help) {
            ev.prevent_default();
        }
    };

    // Pointer moves and releases anywhere on the page continue a drag begun on the canvas.
    Effect::new(move |_| {
        let mv = window_event_listener(leptos::ev::pointermove, move |ev| {
            if let Some(d) = ctx.drag.get_untracked()
                && matches!(d.kind, drag::DragKind::Zone { .. })
                && zone_before.with_value(Option::is_none)
            {
                zone_before.set_value(Some(ed.snapshot_now()));
            }
            drag::on_move(ed, ctx, &ev);
        });
        let up = window_event_listener(leptos::ev::pointerup, move |ev| {
            let before = zone_before.try_update_value(Option::take).flatten();
            drag::on_up(ed, ctx, &ev, before);
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
        let mine = ed
            .doc
            .with_untracked(|d| serde_json::to_string(d).unwrap_or_default());
        leptos::task::spawn_local(async move {
            let text = changes_on_latest(id, mine)
                .await
                .unwrap_or_else(|e| e.to_string());
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
                    <a class="btn btn-small" data-test="operate" href=format!("/designs/{id}/operate?rev={}", detail.revision.number)>"Plan on an engine"</a>
                    <a class="btn btn-small" data-test="history" href=format!("/designs/{id}/history?to={}", detail.revision.number)>"History"</a>
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
            {move || marks.with(|m| m.as_ref().map(|m| view! {
                <p class="banner banner-info compare-note" data-test="compare-note">
                    {format!("Compared with revision {}: added in green, changed in amber.", m.against)}
                    {(!m.removed.is_empty()).then(|| view! {
                        " Gone since then: "
                        {m.removed.iter().map(|r| view! { <span class="ghost" data-removed=r.clone()>{r.clone()}</span> }).collect_view()}
                    })}
                </p>
            }))}
            <hits::HitsPicker design=id revision=detail.revision.number shown />
            <div class="designer-main" class:hidden=move || tab.get() != Tab::Canvas>
                <Show when=move || !ed.readonly.get() fallback=|| view! { <aside class="palette readonly-note">"Read-only: your role can view this design."</aside> }>
                    <Palette ed ctx />
                </Show>
                <Canvas ed ctx marks hits=shown />
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
