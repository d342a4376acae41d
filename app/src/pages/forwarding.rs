//! Audit forwarding (admins): where every audit entry is sent as it is written, how far each
//! destination has got, the last error, and a test message on demand.

use crate::api::{AddForwarder, RemoveForwarder, TestForwarder, list_forwarders};
use crate::components::auth::RequireRole;
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::{FORWARD_KINDS, ForwarderRow, Role};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Forwarding() -> impl IntoView {
    view! {
        <Title text="Audit forwarding" />
        <RequireRole min=Role::Admin>
            <ForwardingAdmin />
        </RequireRole>
    }
}

#[derive(Clone, Copy)]
struct Acts {
    remove: ServerAction<RemoveForwarder>,
    test: ServerAction<TestForwarder>,
}

#[component]
fn ForwardingAdmin() -> impl IntoView {
    let add = ServerAction::<AddForwarder>::new();
    let acts = Acts {
        remove: ServerAction::new(),
        test: ServerAction::new(),
    };
    let refresh = RwSignal::new(0u32);
    let list = crate::loaded::load(
        move || {
            (
                add.version().get(),
                acts.remove.version().get(),
                acts.test.version().get(),
                refresh.get(),
            )
        },
        |_| list_forwarders(),
    );
    let kind = RwSignal::new(FORWARD_KINDS[0].0.to_owned());
    let target = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let latest = [
            add.value().get().and_then(|r| r.err()),
            acts.remove.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });
    let example = move || {
        let k = kind.get();
        FORWARD_KINDS
            .iter()
            .find(|(name, ..)| *name == k)
            .map_or("", |(.., ex)| ex)
    };
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch(AddForwarder {
            kind: kind.get_untracked(),
            target: target.get_untracked(),
        });
    };
    // The form is emptied once the destination is added, and kept when it was refused.
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            target.set(String::new());
        }
    });
    view! {
        <div class="page-head"><h1>"Audit forwarding"</h1></div>
        <p class="muted">
            "Every audit entry is sent on as it is written, in order, with its hash: as RFC 5424 syslog (facility log audit; notice, or warning for a failure or an override; the entry as JSON after the header), or as JSON Lines to a file or an HTTP endpoint. A destination that fails is retried from where it stopped, 1 s after, then doubling to every 5 minutes; it never holds up the action being audited. Entries written before a destination was added are in the audit export."
        </p>
        <ErrorBanner error=error />
        <form class="card row-form" on:submit=on_add data-test="add-forwarder">
            <label>
                "Send to"
                <select name="kind" bind:value=kind>
                    {FORWARD_KINDS.iter().map(|(k, label, _)| view! { <option value=*k>{*label}</option> }).collect_view()}
                </select>
            </label>
            <label>
                "Destination"
                <input name="target" required placeholder=example bind:value=target />
            </label>
            <button class="btn btn-primary" type="submit" disabled=move || add.pending().get()>"Add"</button>
        </form>
        <TestOutcome test=acts.test />
        <button class="btn btn-small" data-test="refresh" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh the status"</button>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) if l.is_empty() => view! { <p class="muted" data-test="no-forwarder">"The audit log is not forwarded anywhere."</p> }.into_any(),
                    Ok(l) => l.into_iter().map(|f| view! { <Destination f acts /> }).collect_view().into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the last test message did.
#[component]
fn TestOutcome(test: ServerAction<TestForwarder>) -> impl IntoView {
    move || {
        test.value().get().map(|r| match r {
            Ok(said) => view! { <p class="banner banner-info" role="status" data-test="test-outcome">{format!("Test: {said}.")}</p> }.into_any(),
            Err(e) => view! { <p class="banner banner-error" role="alert" data-test="test-outcome">{e.to_string()}</p> }.into_any(),
        })
    }
}

#[component]
fn Destination(f: ForwarderRow, acts: Acts) -> impl IntoView {
    let id = f.id;
    let state = if f.failures > 0 {
        "failing"
    } else if f.behind > 0 {
        "sending"
    } else {
        "up to date"
    };
    let status = match (&f.last_error, f.failures) {
        (Some(e), n) if n > 0 => format!(
            "{n} attempt(s) failed in a row, the last at {}: {e}. It is retried from where it stopped.",
            f.last_error_at.clone().unwrap_or_default()
        ),
        _ => match &f.last_ok_at {
            Some(at) => format!("Last delivered at {at}."),
            None => "Nothing to send yet.".to_owned(),
        },
    };
    view! {
        <section class="card" data-forwarder=id.to_string() data-state=state>
            <h2>{f.kind.clone()} " " <code>{f.target.clone()}</code></h2>
            <p class="muted small">{format!("Added by {} on {}.", f.created_by, f.created_at)}</p>
            <p class:ok=state == "up to date" class:danger-text=state == "failing" data-test="status">
                {format!("{}: {} entr{} delivered, {} waiting. {status}", state, f.delivered, if f.delivered == 1 { "y" } else { "ies" }, f.behind)}
            </p>
            <div class="row">
                <button class="btn btn-small" data-test="test" on:click=move |_| { acts.test.dispatch(TestForwarder { id }); }>"Send a test message"</button>
                <button class="btn btn-small btn-danger" data-test="remove" on:click=move |_| { acts.remove.dispatch(RemoveForwarder { id }); }>"Remove"</button>
            </div>
        </section>
    }
}
