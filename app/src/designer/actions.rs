//! Gestures the canvas, the palette, the keys and the panel share: select what was just
//! made, move the focus after the next render, add a flow.

use super::edit;
use super::state::{Ed, Selection};
use design::raw::Action;
use leptos::prelude::*;
use web_sys::wasm_bindgen::JsCast;

/// Adds a service to `zone`, selects it and asks for its image: the panel's image field
/// takes the focus.
pub fn add_service(ed: Ed, zone: String) {
    let mut created = None;
    ed.apply(|doc, _| {
        created = Some(edit::add_service(doc, Some(&zone)));
        true
    });
    if let Some(service) = created {
        ed.selection.set(Selection::Service(service, Some(zone)));
        focus_later("[data-test=panel] input[data-field$='.image']");
    }
}

/// Focuses the first element matching `selector` after the next render.
pub fn focus_later(selector: &'static str) {
    request_animation_frame(move || {
        if let Ok(Some(el)) = document().query_selector(selector)
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
}

/// An arrow-less helper for the panel: add a flow between two services.
pub fn add_flow(ed: Ed, from: &str, to: &str, ports: &str, action: Action) {
    let ports = edit::parse_ports(ports);
    let mut index = None;
    ed.apply(|d, _| {
        index = Some(edit::add_flow(d, from, to, ports, action));
        true
    });
    if let Some(i) = index {
        ed.selection.set(Selection::Flow(i));
    }
    ed.pending.set(None);
}
