//! The palette: new zones of each trust level and new services, dragged onto the canvas or
//! added from the keyboard.

use super::actions::add_service;
use super::drag::{DragCtx, DragKind, begin};
use super::edit;
use super::state::{Ed, Selection};
use design::raw::Trust;
use leptos::prelude::*;

pub const TRUSTS: [Trust; 4] = [
    Trust::Public,
    Trust::Internal,
    Trust::Restricted,
    Trust::Vault,
];

fn trust_label(t: Trust) -> &'static str {
    match t {
        Trust::Public => "public · lobby",
        Trust::Internal => "internal · offices",
        Trust::Restricted => "restricted · labs",
        Trust::Vault => "vault",
    }
}

/// The palette: drag a new zone or service onto the canvas, or press it (keyboard).
#[component]
pub fn Palette(ed: Ed, ctx: DragCtx) -> impl IntoView {
    let add_zone_here = move |trust: Trust| {
        let mut created = None;
        ed.apply(|doc, _| {
            created = Some(edit::add_zone(doc, trust));
            true
        });
        if let Some(n) = created {
            ed.selection.set(Selection::Zone(n));
        }
    };
    let add_service_here = move || {
        let zone = match ed.selection.get_untracked() {
            Selection::Zone(z) => Some(z),
            Selection::Service(_, z) => z,
            _ => ed.doc.with_untracked(|d| d.zones.0.keys().next().cloned()),
        };
        let Some(zone) = zone else {
            ed.notice
                .set(Some("Add a zone first: services live in zones.".into()));
            return;
        };
        add_service(ed, zone);
    };
    view! {
        <aside class="palette" aria-label="Palette">
            <h3>"Zones"</h3>
            {TRUSTS
                .into_iter()
                .map(|t| {
                    view! {
                        <button
                            type="button"
                            class=format!("palette-item trust-{}", t.as_str())
                            data-palette=format!("zone-{}", t.as_str())
                            title="Drag onto the canvas, or press Enter to add"
                            on:pointerdown=move |ev| begin(ctx, DragKind::NewZone(t), &ev)
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    add_zone_here(t);
                                }
                            }
                        >
                            <span class="swatch"></span>
                            {trust_label(t)}
                        </button>
                    }
                })
                .collect_view()}
            <h3>"Services"</h3>
            <button
                type="button"
                class="palette-item palette-service"
                data-palette="service"
                title="Drag into a zone, or press Enter to add to the selected zone"
                on:pointerdown=move |ev| begin(ctx, DragKind::NewService, &ev)
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        add_service_here();
                    }
                }
            >
                <span class="swatch"></span>
                "Service (container)"
            </button>
            <p class="palette-hint">
                "Drag a card to another zone to move it; hold Shift to also join (a gateway). "
                "Drag from a card's ➜ handle to another card to add a flow. Press ? for keys."
            </p>
        </aside>
    }
}
