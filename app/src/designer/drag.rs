//! Drag and drop on the canvas with the pointer (mouse, pen and touch alike): what is being
//! dragged, where it is, and what a drop does.

use super::actions::{add_service, focus_later};
use super::edit;
use super::scene::{ZoneBox, grid_slot};
use super::state::{Ed, Pending, Selection};
use design::raw::Trust;
use leptos::prelude::*;
use web_sys::wasm_bindgen::JsCast;

/// What is being dragged.
#[derive(Clone, Debug, PartialEq)]
pub enum DragKind {
    NewZone(Trust),
    NewService,
    Card {
        service: String,
        zone: Option<String>,
    },
    Zone {
        name: String,
        grab_x: f64,
        grab_y: f64,
    },
    Flow {
        from: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub kind: DragKind,
    pub start: (f64, f64),
    pub at: (f64, f64),
    pub moved: bool,
}

#[derive(Clone, Copy)]
pub struct DragCtx {
    pub drag: RwSignal<Option<Drag>>,
    pub canvas: NodeRef<leptos::html::Section>,
}

pub fn begin(ctx: DragCtx, kind: DragKind, ev: &web_sys::PointerEvent) {
    if ev.button() != 0 {
        return;
    }
    ev.prevent_default();
    let p = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    ctx.drag.set(Some(Drag {
        kind,
        start: p,
        at: p,
        moved: false,
    }));
}

/// A point of the page in canvas coordinates (the canvas scrolls).
pub fn to_canvas(ctx: DragCtx, (x, y): (f64, f64)) -> Option<(f64, f64)> {
    let el: web_sys::HtmlElement = ctx.canvas.get_untracked()?.unchecked_into();
    let r = el.get_bounding_client_rect();
    if x < r.left() || x > r.right() || y < r.top() || y > r.bottom() {
        return None;
    }
    Some((
        x - r.left() + f64::from(el.scroll_left()),
        y - r.top() + f64::from(el.scroll_top()),
    ))
}

/// The zone and the service card under a page point.
fn targets_at((x, y): (f64, f64)) -> (Option<String>, Option<String>) {
    let Some(el) = document().element_from_point(x as f32, y as f32) else {
        return (None, None);
    };
    let attr = |sel: &str, name: &str| {
        el.closest(sel)
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute(name))
    };
    // Cards are drawn above their zone, not inside its element: a drop on a card is a drop
    // in that card's zone.
    let zone = attr("[data-zone]", "data-zone")
        .or_else(|| attr("[data-service]", "data-card-zone").filter(|z| !z.is_empty()));
    (zone, attr("[data-service]", "data-service"))
}

pub fn on_move(ed: Ed, ctx: DragCtx, ev: &web_sys::PointerEvent) {
    let Some(mut d) = ctx.drag.get_untracked() else {
        return;
    };
    d.at = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    if !d.moved && ((d.at.0 - d.start.0).abs() > 4.0 || (d.at.1 - d.start.1).abs() > 4.0) {
        d.moved = true;
    }
    if let (
        DragKind::Zone {
            name,
            grab_x,
            grab_y,
        },
        true,
    ) = (&d.kind, d.moved)
        && let Some((x, y)) = to_canvas(ctx, d.at)
        && !ed.readonly.get_untracked()
    {
        let (nx, ny) = ((x - grab_x).max(0.0).round(), (y - grab_y).max(0.0).round());
        let name = name.clone();
        let index = ed
            .doc
            .with_untracked(|doc| doc.zones.0.get_index_of(&name))
            .unwrap_or(0);
        ed.layout.update(|l| {
            let w = l.zones.get(&name).map_or(grid_slot(index).w, |b| b.w);
            l.zones.insert(name, ZoneBox { x: nx, y: ny, w });
        });
    }
    ctx.drag.set(Some(d));
}

pub fn on_up(
    ed: Ed,
    ctx: DragCtx,
    ev: &web_sys::PointerEvent,
    zone_drag_start: Option<(design::RawDesign, super::scene::Layout)>,
) {
    let Some(d) = ctx.drag.get_untracked() else {
        return;
    };
    ctx.drag.set(None);
    let at = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    let (zone, service) = targets_at(at);
    let extra = ev.shift_key() || ev.alt_key() || ev.ctrl_key() || ev.meta_key();
    match d.kind {
        DragKind::NewZone(trust) => {
            if let Some((x, y)) = to_canvas(ctx, at) {
                let mut created = None;
                ed.apply(|doc, layout| {
                    let name = edit::add_zone(doc, trust);
                    layout.zones.insert(
                        name.clone(),
                        ZoneBox {
                            x: (x - 40.0).max(0.0).round(),
                            y: (y - 20.0).max(0.0).round(),
                            w: super::scene::ZONE_W,
                        },
                    );
                    created = Some(name);
                    true
                });
                if let Some(n) = created {
                    ed.selection.set(Selection::Zone(n));
                }
            }
        }
        DragKind::NewService => match zone {
            Some(z) => add_service(ed, z),
            None => ed
                .notice
                .set(Some("Drop a new service inside a zone.".into())),
        },
        DragKind::Card {
            service: s,
            zone: from,
        } => {
            if !d.moved {
                ed.selection.set(Selection::Service(s, from));
                focus_later("[data-sel='true']");
                return;
            }
            match zone {
                Some(z) if Some(&z) != from.as_ref() => {
                    let join = extra || from.is_none();
                    let changed = ed.apply(|doc, _| {
                        if join {
                            edit::join_zone(doc, &s, &z)
                        } else {
                            edit::move_service(doc, &s, from.as_deref(), &z)
                        }
                    });
                    if changed {
                        ed.notice.set(Some(if join {
                            format!("{s} also joined {z}: it is a gateway now.")
                        } else {
                            format!("Moved {s} to {z}.")
                        }));
                        ed.selection.set(Selection::Service(s, Some(z)));
                    }
                }
                _ => {}
            }
        }
        DragKind::Flow { from } => match service {
            Some(to) if to != from => {
                ed.selection.set(Selection::Service(from.clone(), None));
                ed.pending.set(Some(Pending::FlowTo { from, to: Some(to) }));
            }
            _ => {}
        },
        DragKind::Zone { name, .. } => {
            if let Some(before) = zone_drag_start {
                ed.record(before);
            }
            if !d.moved {
                ed.selection.set(Selection::Zone(name));
                focus_later("[data-sel='true']");
            }
        }
    }
}
