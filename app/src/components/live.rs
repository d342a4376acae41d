//! What is live where: for a design, or on an engine, the revision applied there, by whom
//! and when, its drift (checked in the background and on demand) and its last verify report.
//! Everyone signed in checks drift and reads what the firewall did; editors start a verify;
//! approvers destroy.

use crate::api::{CheckDrift, DestroyLive, VerifyLive, list_live};
use crate::components::auth::use_session;
use crate::components::counters::Counters;
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::{DriftState, DriftView, LiveRow, Role};
use leptos::prelude::*;

#[component]
pub fn Live(design: Option<i64>, engine: Option<i64>) -> impl IntoView {
    let check = ServerAction::<CheckDrift>::new();
    let verify = ServerAction::<VerifyLive>::new();
    let destroy = ServerAction::<DestroyLive>::new();
    let rows = crate::loaded::load(
        move || (design, engine, check.version().get()),
        |(design, engine, _)| list_live(design, engine),
    );
    let error = RwSignal::new(None::<AppError>);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Err(e)) = check.value().get() {
            error.set(Some(e));
        }
    });
    Effect::new(move |_| {
        let started = [verify.value().get(), destroy.value().get()];
        match started.into_iter().flatten().next() {
            Some(Ok(job)) => navigate(&format!("/jobs/{}", job.id), Default::default()),
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        }
    });
    let session = use_session();
    let role = move || session.user().map(|m| m.role);
    let actions = Actions {
        check,
        verify,
        destroy,
    };
    view! {
        <ErrorBanner error=error />
        <Transition fallback=|| view! { <p class="muted small">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted small" data-test="live">"Nothing is live: no revision has been applied through Bulkhead."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <table class="table" data-test="live">
                            <thead><tr>
                                <th>"Design"</th><th>"Engine"</th><th>"Applied"</th>
                                <th>"Drift"</th><th>"Verified"</th><th></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|row| view! {
                                    <LiveLine row actions role=role() />
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    check: ServerAction<CheckDrift>,
    verify: ServerAction<VerifyLive>,
    destroy: ServerAction<DestroyLive>,
}

#[component]
fn LiveLine(row: LiveRow, actions: Actions, role: Option<Role>) -> impl IntoView {
    let Actions {
        check,
        verify,
        destroy,
    } = actions;
    let (design, engine) = (row.design_id, row.engine_id);
    let can = move |needed: Role| role.is_some_and(|r| r >= needed);
    let what = format!("{} r{} on {}", row.design, row.revision, row.engine);
    let counters = RwSignal::new(false);
    let verified = match &row.verified {
        None => {
            view! { <span class="muted" data-test="verified" data-state="never">"never"</span> }
                .into_any()
        }
        Some(v) => {
            let words = if v.passed {
                format!("passed, {} checks", v.checks)
            } else {
                format!("{} mismatch(es) of {} checks", v.mismatches, v.checks)
            };
            let stale = v.revision != Some(row.revision);
            view! {
                <a href=format!("/verifications/{}", v.id) data-test="verified"
                    data-state=if v.passed { "passed" } else { "failed" } class:warn=!v.passed>
                    {words}
                </a>
                <span class="muted small">
                    {format!(" ({}, {}{})", v.at, v.by, if stale { ", an older revision" } else { "" })}
                </span>
            }
            .into_any()
        }
    };
    view! {
        <tr data-live=format!("{}@{}", row.design, row.engine)>
            <td><a href=format!("/designs/{design}/operate")>{format!("{} r{}", row.design, row.revision)}</a></td>
            <td><a href=format!("/engines/{engine}")>{row.engine.clone()}</a></td>
            <td>{format!("{}, by {}", row.applied_at, row.applied_by)}</td>
            <td><Drift drift=row.drift.clone() /></td>
            <td>{verified}</td>
            <td class="actions">
                <button class="btn btn-small" data-test="show-counters" aria-pressed=move || counters.get().to_string()
                    on:click=move |_| counters.update(|open| *open = !*open)>
                    "Firewall"
                </button>
                <button class="btn btn-small" data-test="check-drift" disabled=move || check.pending().get()
                    on:click=move |_| { check.dispatch(CheckDrift { design, engine }); }>
                    "Check drift"
                </button>
                {can(Role::Editor).then(|| view! {
                    <button class="btn btn-small" data-test="verify" disabled=move || verify.pending().get()
                        on:click=move |_| { verify.dispatch(VerifyLive { design, engine }); }>
                        "Verify"
                    </button>
                })}
                {can(Role::Approver).then(|| view! {
                    <button class="btn btn-small btn-danger" data-test="destroy" disabled=move || destroy.pending().get()
                        on:click=move |_| {
                            let ok = web_sys::window()
                                .and_then(|w| w.confirm_with_message(&format!(
                                    "Remove {what}: its containers, networks and firewall? What Bulkhead did not create is left alone."
                                )).ok())
                                .unwrap_or(false);
                            if ok {
                                destroy.dispatch(DestroyLive { design, engine });
                            }
                        }>
                        "Destroy"
                    </button>
                })}
            </td>
        </tr>
        {move || counters.get().then(|| view! {
            <tr class="counters-row"><td colspan="6"><Counters design engine /></td></tr>
        })}
    }
}

/// A drift state in words, with the differences when there are some.
#[component]
fn Drift(drift: Option<DriftView>) -> impl IntoView {
    let Some(d) = drift else {
        return view! { <span class="muted" data-test="drift" data-state="unchecked">"not checked yet"</span> }
            .into_any();
    };
    let state = d.state.as_str();
    match d.state {
        DriftState::InSync => view! {
            <span data-test="drift" data-state=state>{format!("in sync (checked {})", d.checked_at)}</span>
        }
        .into_any(),
        DriftState::Drifting | DriftState::Unreachable => {
            let head = if d.state == DriftState::Drifting {
                format!("drifting ({} difference(s), checked {})", d.differences.len(), d.checked_at)
            } else {
                format!("engine unreachable (checked {})", d.checked_at)
            };
            view! {
                <details data-test="drift" data-state=state class="warn">
                    <summary class="warn">{head}</summary>
                    <ul class="small">{d.differences.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
                </details>
            }
            .into_any()
        }
    }
}
