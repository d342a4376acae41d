//! The designer's keyboard: every canvas edit has a key (press `?` for the list).

use super::actions::focus_later;
use super::edit;
use super::state::{Ed, Pending, Selection};
use leptos::prelude::*;

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
