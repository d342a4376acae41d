//! The canvas: zones as areas, services as cards, flows as arrows, drawn from the scene;
//! pointer gestures start here and are carried on by [`super::drag`].

use super::drag::{DragCtx, DragKind, begin, to_canvas};
use super::scene::{Arrow, CARD_H, CARD_W, Card, ZoneArea, px};
use super::state::{Ed, Selection};
use leptos::prelude::*;
use web_sys::wasm_bindgen::JsCast;

/// The canvas itself.
#[component]
pub fn Canvas(
    ed: Ed,
    ctx: DragCtx,
    /// What changed against a compared revision, when one is.
    marks: Memo<Option<super::changes::Marks>>,
    /// The firewall's counts of a deployment, when shown.
    hits: RwSignal<Option<super::hits::Shown>>,
) -> impl IntoView {
    let mark = move |key: String| {
        move || marks.with(|m| m.as_ref().and_then(|m| m.of(&key)).unwrap_or(""))
    };
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
        let zone_hits = name.clone();
        let zone_mark = mark(format!("zone:{name}"));
        let selected = move || ed.selection.with(|s| *s == Selection::Zone(n2.clone()));
        let flags = [
            z.internal.then_some("internal"),
            z.isolated.then_some("isolated"),
            z.observe.then_some("observe mode"),
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
                data-mark=zone_mark
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
                    {move || {
                        let hit = hits.with(|h| h.as_ref().and_then(|h| h.hits.zone(&zone_hits)))?;
                        let (text, class) = super::hits::badge(&hit);
                        Some(view! { <span class=class data-zone-hits=hit.packets.to_string()>{text}</span> })
                    }}
                </header>
            </div>
        }
    };

    let card_view = move |c: super::scene::Card| {
        let s = c.service.clone();
        let z = c.zone.clone();
        let (s2, z2, s3, z3) = (s.clone(), z.clone(), s.clone(), z.clone());
        let s_flow = s.clone();
        let card_mark = mark(format!("service:{s}"));
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
                data-mark=card_mark
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
        let (mx, my) = ar.label_at;
        let w = ar.label_w;
        let selected = move || ed.selection.with(|s| *s == Selection::Flow(i));
        let flow_mark = mark(format!("flow:{i}"));
        view! {
            <g
                class="flow"
                class:deny=ar.deny
                class:selected=selected
                data-mark=flow_mark
                data-flow=i.to_string()
                on:click=move |_| ed.selection.set(Selection::Flow(i))
            >
                <line x1=px(ar.from.0) y1=px(ar.from.1) x2=px(ar.to.0) y2=px(ar.to.1) marker-end=if ar.deny { "url(#arrow-deny)" } else { "url(#arrow)" } />
                <rect class="flow-label" x=px(mx - w / 2.0) y=px(my - super::labels::LABEL_H / 2.0) width=px(w) height=px(super::labels::LABEL_H) rx="3" />
                <text x=px(mx) y=px(my + 4.0) text-anchor="middle">{ar.label.clone()}</text>
                {move || {
                    let hit = hits.with(|h| h.as_ref().and_then(|h| h.hits.flows.get(&i).copied()))?;
                    let (text, class) = super::hits::badge(&hit);
                    let y = px(my + super::labels::LABEL_H + 6.0);
                    Some(view! { <text class=class x=px(mx) y=y text-anchor="middle" data-flow-hits=hit.packets.to_string()>{text}</text> })
                }}
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
