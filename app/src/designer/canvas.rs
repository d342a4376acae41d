//! The canvas: zones as areas, services as cards, flows as arrows; pointer drag and drop for
//! everything (mouse, pen and touch alike) and the keyboard for the same edits.

use super::edit;
use super::scene::{Arrow, CARD_H, CARD_W, Card, ZoneArea, ZoneBox, grid_slot, px};
use super::state::{Ed, Pending, Selection};
use design::raw::{Action, Trust};
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

pub const TRUSTS: [Trust; 4] = [
    Trust::Public,
    Trust::Internal,
    Trust::Restricted,
    Trust::Vault,
];

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
fn to_canvas(ctx: DragCtx, (x, y): (f64, f64)) -> Option<(f64, f64)> {
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
            Some(z) => {
                let mut created = None;
                ed.apply(|doc, _| {
                    created = Some(edit::add_service(doc, Some(&z)));
                    true
                });
                if let Some(n) = created {
                    select_new_service(ed, n, z);
                }
            }
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
        let mut created = None;
        ed.apply(|doc, _| {
            created = Some(edit::add_service(doc, Some(&zone)));
            true
        });
        if let Some(n) = created {
            select_new_service(ed, n, zone);
        }
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

/// The canvas itself.
#[component]
pub fn Canvas(ed: Ed, ctx: DragCtx) -> impl IntoView {
    let reach = Memo::new(move |_| {
        // What the selected service reaches, and what reaches it.
        let sel = ed.selection.get();
        let Selection::Service(s, _) = sel else {
            return (Vec::new(), Vec::new());
        };
        ed.analysis.with(|a| {
            let Some(i) = a.services.iter().position(|n| *n == s) else {
                return (Vec::new(), Vec::new());
            };
            let n = a.services.len();
            let out = (0..n)
                .filter(|&j| j != i && a.cell(i, j) != super::analysis::Cell::Denied)
                .map(|j| a.services[j].clone())
                .collect();
            let inn = (0..n)
                .filter(|&j| j != i && a.cell(j, i) != super::analysis::Cell::Denied)
                .map(|j| a.services[j].clone())
                .collect();
            (out, inn)
        })
    });

    let zone_view = move |z: super::scene::ZoneArea| {
        let name = z.name.clone();
        let zone_attr = name.clone();
        let n2 = name.clone();
        let n3 = name.clone();
        let selected = move || ed.selection.with(|s| *s == Selection::Zone(n2.clone()));
        let flags = [
            z.internal.then_some("internal"),
            z.isolated.then_some("isolated"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        let subnet = z.subnet.clone().unwrap_or_default();
        let label = format!("Zone {} ({}), {}", z.name, z.trust.as_str(), subnet);
        // Moving or resizing a zone updates its box in place.
        let (n_geo, first) = (name.clone(), z.geometry());
        let geometry = Memo::new(move |prev: Option<&[i64; 4]>| {
            ed.scene
                .with(|sc| {
                    sc.zones
                        .iter()
                        .find(|a| a.name == n_geo)
                        .map(ZoneArea::geometry)
                })
                .or(prev.copied())
                .unwrap_or(first)
        });
        view! {
            <div
                class=format!("zone trust-{}", z.trust.as_str())
                class:selected=selected.clone()
                data-zone=zone_attr
                data-sel=move || selected().to_string()
                style=move || {
                    let [x, y, w, h] = geometry.get();
                    format!("left:{x}px;top:{y}px;width:{w}px;height:{h}px")
                }
                role="group"
                aria-label=label
                tabindex="0"
                on:focus=move |_| {
                    if !matches!(ed.selection.get_untracked(), Selection::Zone(ref n) if *n == n3) {
                        ed.selection.set(Selection::Zone(n3.clone()));
                    }
                }
            >
                <header
                    class="zone-head"
                    on:pointerdown=move |ev: web_sys::PointerEvent| {
                        let target: Option<web_sys::Element> = ev.current_target().and_then(|t| t.dyn_into().ok());
                        let (gx, gy) = target
                            .map(|t| {
                                let r = t.get_bounding_client_rect();
                                (f64::from(ev.client_x()) - r.left(), f64::from(ev.client_y()) - r.top())
                            })
                            .unwrap_or((0.0, 0.0));
                        begin(ctx, DragKind::Zone { name: name.clone(), grab_x: gx, grab_y: gy }, &ev);
                    }
                >
                    <span class="zone-name">{z.name.clone()}</span>
                    <span class="zone-trust">{z.trust.as_str()}</span>
                    <span class="zone-meta">{subnet}</span>
                    <span class="zone-flags">{flags}</span>
                </header>
            </div>
        }
    };

    let card_view = move |c: super::scene::Card| {
        let s = c.service.clone();
        let z = c.zone.clone();
        let (s2, z2, s3, z3) = (s.clone(), z.clone(), s.clone(), z.clone());
        let s_flow = s.clone();
        let (s_out, s_in) = (s.clone(), s.clone());
        let selected = move || {
            ed.selection.with(|sel| matches!(sel, Selection::Service(n, zz) if *n == s2 && (zz.is_none() || *zz == z2)))
        };
        // Cards that shift within their zone after an edit move in place.
        let (s_pos, z_pos, first) = (s.clone(), z.clone(), c.position());
        let position = Memo::new(move |prev: Option<&[i64; 2]>| {
            ed.scene
                .with(|sc| {
                    sc.cards
                        .iter()
                        .find(|k| k.service == s_pos && k.zone == z_pos)
                        .map(Card::position)
                })
                .or(prev.copied())
                .unwrap_or(first)
        });
        let gateway = c.zones > 1;
        let mode = match c.network.as_deref() {
            Some("closed") => Some("closed"),
            Some("host") => Some("host network"),
            Some(n) if n.starts_with("container:") => Some("joined"),
            _ => None,
        };
        let label = format!(
            "Service {}{}, image {}",
            c.service,
            if gateway {
                format!(", gateway in {} zones", c.zones)
            } else {
                String::new()
            },
            c.image
        );
        view! {
            <div
                class="svc"
                class:gateway=gateway
                class:selected=selected.clone()
                class:reach-out=move || reach.with(|(o, _)| o.contains(&s_out))
                class:reach-in=move || reach.with(|(_, i)| i.contains(&s_in))
                data-service=s.clone()
                data-card-zone=z.clone().unwrap_or_default()
                data-sel=move || selected().to_string()
                style=move || {
                    let [x, y] = position.get();
                    format!("left:{x}px;top:{y}px;width:{}px;height:{}px", px(CARD_W), px(CARD_H))
                }
                role="button"
                tabindex="0"
                aria-label=label
                on:focus=move |_| {
                    let want = Selection::Service(s3.clone(), z3.clone());
                    if ed.selection.get_untracked() != want {
                        ed.selection.set(want);
                    }
                }
                on:pointerdown=move |ev: web_sys::PointerEvent| {
                    begin(ctx, DragKind::Card { service: s.clone(), zone: z.clone() }, &ev)
                }
            >
                <div class="svc-name">{c.service.clone()}</div>
                <div class="svc-image">{c.image.clone()}</div>
                {gateway.then(|| view! { <span class="svc-badge">{format!("gateway · {} zones", c.zones)}</span> })}
                {mode.map(|m| view! { <span class="svc-badge svc-mode">{m}</span> })}
                <span
                    class="flow-handle"
                    data-handle=s_flow.clone()
                    title="Drag to another service to add a flow"
                    aria-hidden="true"
                    on:pointerdown=move |ev: web_sys::PointerEvent| {
                        ev.stop_propagation();
                        begin(ctx, DragKind::Flow { from: s_flow.clone() }, &ev)
                    }
                >
                    "➜"
                </span>
            </div>
        }
    };

    let links = move || {
        ed.scene.with(|sc| {
            sc.links
                .iter()
                .map(|(a, b)| {
                    view! { <line class="gateway-link" x1=px(a.0) y1=px(a.1) x2=px(b.0) y2=px(b.1) /> }
                })
                .collect_view()
        })
    };
    let arrow_view = move |ar: Arrow| {
        let i = ar.index;
        let (mx, my) = ((ar.from.0 + ar.to.0) / 2.0, (ar.from.1 + ar.to.1) / 2.0);
        let selected = move || ed.selection.with(|s| *s == Selection::Flow(i));
        view! {
            <g
                class="flow"
                class:deny=ar.deny
                class:selected=selected
                data-flow=i.to_string()
                on:click=move |_| ed.selection.set(Selection::Flow(i))
            >
                <line x1=px(ar.from.0) y1=px(ar.from.1) x2=px(ar.to.0) y2=px(ar.to.1) marker-end=if ar.deny { "url(#arrow-deny)" } else { "url(#arrow)" } />
                <text x=px(mx) y=px(my - 6.0) text-anchor="middle">{format!("{}{}", if ar.deny { "deny " } else { "" }, ar.label)}</text>
            </g>
        }
    };

    let ghost = move || {
        ctx.drag.get().filter(|d| d.moved).and_then(|d| {
            let text = match &d.kind {
                DragKind::NewZone(t) => format!("new {} zone", t.as_str()),
                DragKind::NewService => "new service".to_string(),
                DragKind::Card { service, .. } => service.clone(),
                DragKind::Flow { from } => format!("flow from {from} → …"),
                DragKind::Zone { .. } => return None,
            };
            Some(view! {
                <div class="drag-ghost" style=format!("left:{}px;top:{}px", px(d.at.0 + 12.0), px(d.at.1 + 12.0))>{text}</div>
            })
        })
    };
    let flow_line = move || {
        let d = ctx.drag.get()?;
        let DragKind::Flow { from } = &d.kind else {
            return None;
        };
        let start = ed.scene.with(|sc| {
            sc.cards
                .iter()
                .find(|c| &c.service == from)
                .map(|c| (c.x + CARD_W, c.y + CARD_H / 2.0))
        })?;
        let end = to_canvas(ctx, d.at)?;
        Some(
            view! { <line class="flow-draft" x1=px(start.0) y1=px(start.1) x2=px(end.0) y2=px(end.1) /> },
        )
    };

    view! {
        <section class="canvas" node_ref=ctx.canvas aria-label="Design canvas" data-test="canvas">
            <div
                class="canvas-inner"
                style=move || ed.scene.with(|sc| format!("width:{}px;height:{}px", px(sc.width), px(sc.height)))
            >
                <For
                    each=move || ed.scene.with(|sc| sc.zones.clone())
                    key=ZoneArea::key
                    children=zone_view
                />
                <svg
                    class="flows-layer"
                    width=move || ed.scene.with(|sc| px(sc.width))
                    height=move || ed.scene.with(|sc| px(sc.height))
                >
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
                        </marker>
                        <marker id="arrow-deny" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head-deny" />
                        </marker>
                    </defs>
                    {links}
                    // Keyed, so an edit redraws only the arrows it changes.
                    <For
                        each=move || ed.scene.with(|sc| sc.arrows.clone())
                        key=Arrow::key
                        children=arrow_view
                    />
                    {flow_line}
                </svg>
                <For
                    each=move || ed.scene.with(|sc| sc.cards.clone())
                    key=Card::key
                    children=card_view
                />
                <Show when=move || ed.doc.with(|d| d.zones.is_empty())>
                    <div class="canvas-empty">
                        "Drag a zone from the palette onto the canvas to begin, or press Enter on a palette item."
                    </div>
                </Show>
            </div>
            {ghost}
        </section>
    }
}

/// Keyboard commands on the canvas; returns true when the key was used.
pub fn on_key(ed: Ed, ev: &web_sys::KeyboardEvent, help: RwSignal<bool>) -> bool {
    let key = ev.key();
    let ctrl = ev.ctrl_key() || ev.meta_key();
    if ctrl && (key == "z" || key == "Z") {
        if ev.shift_key() {
            ed.redo();
        } else {
            ed.undo();
        }
        return true;
    }
    if ctrl && (key == "y" || key == "Y") {
        ed.redo();
        return true;
    }
    if ctrl || ev.alt_key() {
        return false;
    }
    match key.as_str() {
        "?" => help.update(|h| *h = !*h),
        "Escape" => {
            ed.pending.set(None);
            help.set(false);
        }
        "Delete" | "Backspace" => delete_selection(ed),
        "m" | "j" | "f" => {
            let Selection::Service(s, z) = ed.selection.get_untracked() else {
                ed.notice
                    .set(Some("Select a service first (Tab to it).".into()));
                return true;
            };
            ed.pending.set(Some(match key.as_str() {
                "m" => Pending::MoveTo {
                    service: s,
                    from: z,
                },
                "j" => Pending::AlsoJoin { service: s },
                _ => Pending::FlowTo { from: s, to: None },
            }));
            focus_later("[data-test=pending] select, [data-test=pending] input");
        }
        "ArrowRight" | "ArrowDown" | "ArrowLeft" | "ArrowUp" => {
            let forward = key == "ArrowRight" || key == "ArrowDown";
            step_selection(ed, forward);
        }
        _ => return false,
    }
    true
}

fn delete_selection(ed: Ed) {
    match ed.selection.get_untracked() {
        Selection::Zone(z) => {
            ed.apply(|d, l| {
                edit::remove_zone(d, &z);
                l.zones.remove(&z);
                true
            });
            ed.notice.set(Some(format!("Removed zone {z}.")));
        }
        Selection::Service(s, zone) => {
            let gateway = ed
                .doc
                .with_untracked(|d| d.services.get(&s).is_some_and(|x| x.zones.0.len() > 1));
            match (gateway, zone) {
                (true, Some(z)) => {
                    ed.apply(|d, _| edit::leave_zone(d, &s, &z));
                    ed.notice.set(Some(format!("{s} left {z}.")));
                }
                _ => {
                    ed.apply(|d, _| {
                        edit::remove_service(d, &s);
                        true
                    });
                    ed.notice.set(Some(format!("Removed service {s}.")));
                }
            }
        }
        Selection::Flow(i) => {
            ed.apply(|d, _| {
                edit::remove_flow(d, i);
                true
            });
            ed.notice.set(Some("Removed the flow.".into()));
        }
        Selection::Design => return,
    }
    ed.selection.set(Selection::Design);
}

fn step_selection(ed: Ed, forward: bool) {
    let order: Vec<Selection> = ed.scene.with_untracked(|sc| {
        sc.cards
            .iter()
            .map(|c| Selection::Service(c.service.clone(), c.zone.clone()))
            .collect()
    });
    if order.is_empty() {
        return;
    }
    let cur = ed.selection.get_untracked();
    let pos = order.iter().position(|s| *s == cur);
    let next = match (pos, forward) {
        (Some(p), true) => (p + 1) % order.len(),
        (Some(p), false) => (p + order.len() - 1) % order.len(),
        (None, _) => 0,
    };
    ed.selection.set(order[next].clone());
    focus_later("[data-sel='true']");
}

/// Selects a service just added and asks for its image: the panel's image field takes the
/// focus.
fn select_new_service(ed: Ed, service: String, zone: String) {
    ed.selection.set(Selection::Service(service, Some(zone)));
    focus_later("[data-test=panel] input[data-field$='.image']");
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
