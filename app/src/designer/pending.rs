//! The panel's form for a command waiting for its target.

use super::actions::{add_flow, focus_later};
use super::edit;
use super::state::{Ed, Pending, Selection};
use design::raw::Action;
use leptos::prelude::*;

/// A keyboard command (move, join) waiting for its zone, or a flow drawn and waiting for
/// its ports and action.
#[component]
pub fn PendingCommand(ed: Ed, p: Pending) -> impl IntoView {
    let zones = ed
        .doc
        .with_untracked(|d| d.zones.0.keys().cloned().collect::<Vec<_>>());
    let services = ed
        .doc
        .with_untracked(|d| d.services.0.keys().cloned().collect::<Vec<_>>());
    let target = RwSignal::new(String::new());
    let ports = RwSignal::new(String::new());
    let action = RwSignal::new("allow".to_string());
    let (title, choices, is_flow) = match &p {
        Pending::MoveTo { service, .. } => (format!("Move {service} to zone"), zones, false),
        Pending::AlsoJoin { service } => (format!("{service} also joins zone"), zones, false),
        Pending::FlowTo { from, to } => {
            if let Some(t) = to {
                target.set(t.clone());
            }
            (
                format!("New flow from {from}"),
                services.into_iter().filter(|s| s != from).collect(),
                true,
            )
        }
    };
    if target.get_untracked().is_empty()
        && let Some(first) = choices.first()
    {
        target.set(first.clone());
    }
    let p2 = p.clone();
    let confirm = move || {
        let t = target.get_untracked();
        if t.is_empty() {
            return;
        }
        match &p2 {
            Pending::MoveTo { service, from } => {
                let s = service.clone();
                let f = from.clone();
                ed.apply(|d, _| edit::move_service(d, &s, f.as_deref(), &t));
                ed.selection.set(Selection::Service(s, Some(t)));
            }
            Pending::AlsoJoin { service } => {
                let s = service.clone();
                ed.apply(|d, _| edit::join_zone(d, &s, &t));
                ed.selection.set(Selection::Service(s, Some(t)));
            }
            Pending::FlowTo { from, .. } => {
                let act = if action.get_untracked() == "deny" {
                    Action::Deny
                } else {
                    Action::Allow
                };
                add_flow(ed, from, &t, &ports.get_untracked(), act);
            }
        }
        ed.pending.set(None);
        focus_later("[data-sel='true']");
    };
    let confirm2 = confirm.clone();
    view! {
        <form
            class="pending"
            data-test="pending"
            on:submit=move |ev| {
                ev.prevent_default();
                confirm();
            }
        >
            <h3>{title}</h3>
            <label class="field">
                {if is_flow { "To service" } else { "Zone" }}
                <select data-test="pending-target" bind:value=target>
                    {choices.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            {is_flow.then(|| view! {
                <label class="field">
                    "Ports (e.g. tcp/5432, udp/53; empty = any)"
                    <input data-test="pending-ports" bind:value=ports placeholder="tcp/443"
                        on:keydown=move |ev: web_sys::KeyboardEvent| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                confirm2();
                            }
                        } />
                </label>
                <label class="field">
                    "Action"
                    <select data-test="pending-action" bind:value=action>
                        <option value="allow">"allow"</option>
                        <option value="deny">"deny"</option>
                    </select>
                </label>
            })}
            <div class="row">
                <button class="btn btn-primary btn-small" type="submit" data-test="pending-ok">
                    {if is_flow { "Add flow" } else { "Apply" }}
                </button>
                <button class="btn btn-quiet btn-small" type="button" on:click=move |_| ed.pending.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}
