use crate::api::{
    ImportEngine, QuarantineContainer, ReleaseContainer, engine_containers, list_engines,
    list_quarantines,
};
use crate::components::auth::{RequireRole, use_session};
use crate::components::deployments::Deployments;
use crate::components::error::ErrorBanner;
use crate::components::live::Live;
use crate::error::AppError;
use crate::model::{EngineContainer, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// One engine: what is live there (drift, verify), the containers Bulkhead created with
/// quarantine and release for approvers, the quarantine history, the applies, and an import
/// of the live engine as a new design for editors.
#[component]
pub fn EnginePage() -> impl IntoView {
    view! {
        <Title text="Engine" />
        <RequireRole min=Role::Viewer>
            <Engine />
        </RequireRole>
    }
}

#[component]
fn Engine() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let engines = crate::loaded::load(|| (), |_| list_engines());
    // The sections load their own data: they are made here, outside the heading's Suspend,
    // so that the browser hydrates them with their handlers.
    let sections = move || {
        id().map(|id| {
            view! {
                <section class="card">
                    <h2>"Live here"</h2>
                    <Live design=None engine=Some(id) />
                </section>
                <Containers engine=id />
                <section class="card">
                    <h2>"Applies"</h2>
                    <Deployments design=None engine=Some(id) />
                </section>
                <Import engine=id />
            }
        })
    };
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let list = match engines.await {
                    Ok(list) => list,
                    Err(e) => return view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                };
                let Some(e) = id().and_then(|id| list.into_iter().find(|e| e.id == id)) else {
                    return view! { <p class="banner banner-error" role="alert">"This engine is not registered."</p> }.into_any();
                };
                view! {
                    <div class="page-head">
                        <h1>{format!("Engine {}", e.name)}</h1>
                        <span class="muted small">{e.endpoint.clone()}</span>
                        <a href="/engines">"all engines"</a>
                    </div>
                    {e.lock.map(|l| view! {
                        <p class="banner banner-info" data-test="lock">{format!("In use: {} (since {}).", l.holder, l.since)}</p>
                    })}
                }.into_any()
            })}
        </Transition>
        {sections}
    }
}

/// The containers Bulkhead created here; approvers quarantine (with a reason) and release.
#[component]
fn Containers(engine: i64) -> impl IntoView {
    let cut = ServerAction::<QuarantineContainer>::new();
    let release = ServerAction::<ReleaseContainer>::new();
    let containers = crate::loaded::load(
        move || (cut.version().get(), release.version().get()),
        move |_| engine_containers(engine),
    );
    let history = crate::loaded::load(
        move || (cut.version().get(), release.version().get()),
        move |_| list_quarantines(engine),
    );
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let latest = [
            cut.value().get().and_then(|r| r.err()),
            release.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });
    let session = use_session();
    let approver = move || session.user().is_some_and(|m| m.role >= Role::Approver);
    view! {
        <section class="card">
            <h2>"Containers"</h2>
            <ErrorBanner error=error />
            <Transition fallback=|| view! { <p class="muted small">"Reading the engine…"</p> }>
                {move || Suspend::new(async move {
                    match containers.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted small" data-test="containers">"Bulkhead has created no container here."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-test="containers">
                                <thead><tr>
                                    <th>"Container"</th><th>"Design / service"</th><th>"State"</th>
                                    <th>"Networks"</th><th>"Quarantine"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| view! {
                                        <ContainerLine c engine cut release approver=approver() />
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <details>
                <summary>"Quarantine history"</summary>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let rows = history.await.unwrap_or_default();
                        view! {
                            <table class="table" data-test="quarantines">
                                <thead><tr><th>"Container"</th><th>"Cut off"</th><th>"Reason"</th><th>"Was on"</th><th>"Released"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|q| view! {
                                        <tr data-quarantine=q.container.clone() data-active=q.released_at.is_none().to_string()>
                                            <td>{q.container.clone()}</td>
                                            <td>{format!("{}, by {}", q.at, q.by)}</td>
                                            <td>{q.reason.clone()}</td>
                                            <td>{q.networks.join(", ")}</td>
                                            <td>{match (q.released_at.clone(), q.released_by.clone()) {
                                                (Some(at), Some(by)) => format!("{at}, by {by}"),
                                                _ => "in force".to_owned(),
                                            }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                    })}
                </Transition>
            </details>
        </section>
    }
}

#[component]
fn ContainerLine(
    c: EngineContainer,
    engine: i64,
    cut: ServerAction<QuarantineContainer>,
    release: ServerAction<ReleaseContainer>,
    approver: bool,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let name = c.name.clone();
    let quarantined = c.quarantine.is_some();
    let on_cut = {
        let container = name.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            cut.dispatch(QuarantineContainer {
                engine,
                container: container.clone(),
                reason: reason.get_untracked(),
            });
        }
    };
    let state = match &c.quarantine {
        Some(q) => format!("quarantined {} by {}: {}", q.at, q.by, q.reason),
        None => "—".to_owned(),
    };
    view! {
        <tr data-container=name.clone() data-quarantined=quarantined.to_string()>
            <td><code>{name.clone()}</code></td>
            <td>{format!("{} / {}", c.design, c.service)}</td>
            <td>{c.state.clone()}</td>
            <td>{if c.networks.is_empty() { "none".to_owned() } else { c.networks.join(", ") }}</td>
            <td>
                <span class:warn=quarantined>{state}</span>
                {(approver && quarantined).then(|| {
                    let container = name.clone();
                    view! {
                        <button class="btn btn-small" data-test="release" disabled=move || release.pending().get()
                            on:click=move |_| { release.dispatch(ReleaseContainer { engine, container: container.clone() }); }>
                            "Release"
                        </button>
                    }
                })}
                {(approver && !quarantined).then(|| view! {
                    <form class="inline-form" on:submit=on_cut data-test="quarantine-form">
                        <input name="reason" required placeholder="why (kept in the audit log)" bind:value=reason />
                        <button class="btn btn-small btn-danger" type="submit" data-test="quarantine"
                            disabled=move || cut.pending().get()>
                            "Quarantine"
                        </button>
                    </form>
                })}
            </td>
        </tr>
    }
}

/// Editors read the live engine into a new design and open it in the designer.
#[component]
fn Import(engine: i64) -> impl IntoView {
    let import = ServerAction::<ImportEngine>::new();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| match import.value().get() {
        Some(Ok(d)) => navigate(&format!("/designs/{}", d.id), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let session = use_session();
    let editor = move || session.user().is_some_and(|m| m.role >= Role::Editor);
    let on_import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        import.dispatch(ImportEngine {
            engine,
            name: name.get_untracked(),
        });
    };
    view! {
        <Show when=editor>
            <section class="card">
                <h2>"Import as a design"</h2>
                <p class="muted small">"Reads this engine's networks and containers into a new design, opened in the designer."</p>
                <ErrorBanner error=error />
                <form class="row-form" on:submit=on_import data-test="import-engine">
                    <label>"Design name" <input name="name" required bind:value=name /></label>
                    <button class="btn btn-primary" type="submit" disabled=move || import.pending().get()>"Import"</button>
                </form>
            </section>
        </Show>
    }
}
