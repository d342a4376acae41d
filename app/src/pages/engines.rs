use crate::api::{
    AddEngine, BreakEngineLock, CheckEngine, RemoveEngine, UpdateEngine, list_engines,
};
use crate::components::auth::{RequireRole, use_session};
use crate::components::deployments::Deployments;
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::{EngineRow, EngineStatus, Role};
use leptos::prelude::*;
use leptos_meta::Title;

/// The Docker engines Bulkhead operates on: everyone signed in sees how each one is and
/// checks it on demand; admins register, change and forget them, and break a stale lock.
#[component]
pub fn Engines() -> impl IntoView {
    view! {
        <Title text="Engines" />
        <RequireRole min=Role::Viewer>
            <EngineList />
        </RequireRole>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddEngine>,
    update: ServerAction<UpdateEngine>,
    remove: ServerAction<RemoveEngine>,
    check: ServerAction<CheckEngine>,
    unlock: ServerAction<BreakEngineLock>,
}

/// The fields of the registration form, for a new engine or one being changed.
#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    endpoint: RwSignal<String>,
    ca: RwSignal<String>,
    cert: RwSignal<String>,
    key: RwSignal<String>,
    note: RwSignal<String>,
    approvals: RwSignal<String>,
}

impl Form {
    fn new(row: Option<&EngineRow>) -> Self {
        let tls = row.and_then(|r| r.tls.clone());
        Form {
            name: RwSignal::new(row.map(|r| r.name.clone()).unwrap_or_default()),
            endpoint: RwSignal::new(
                row.map(|r| r.endpoint.clone())
                    .unwrap_or_else(|| "unix:///var/run/docker.sock".into()),
            ),
            ca: RwSignal::new(tls.as_ref().map(|t| t.ca.clone()).unwrap_or_default()),
            cert: RwSignal::new(tls.as_ref().map(|t| t.cert.clone()).unwrap_or_default()),
            key: RwSignal::new(tls.map(|t| t.key).unwrap_or_default()),
            note: RwSignal::new(row.map(|r| r.note.clone()).unwrap_or_default()),
            approvals: RwSignal::new(row.map_or(1, |r| r.approvals_required).to_string()),
        }
    }

    fn add(self) -> AddEngine {
        AddEngine {
            name: self.name.get_untracked(),
            endpoint: self.endpoint.get_untracked(),
            tls_ca: Some(self.ca.get_untracked()),
            tls_cert: Some(self.cert.get_untracked()),
            tls_key: Some(self.key.get_untracked()),
            note: Some(self.note.get_untracked()),
            approvals_required: self.approvals.get_untracked().parse().ok(),
        }
    }

    fn update(self, id: i64) -> UpdateEngine {
        let a = self.add();
        UpdateEngine {
            id,
            name: a.name,
            endpoint: a.endpoint,
            tls_ca: a.tls_ca,
            tls_cert: a.tls_cert,
            tls_key: a.tls_key,
            note: a.note,
            approvals_required: a.approvals_required,
        }
    }
}

/// The registration fields.
#[component]
fn FormFields(form: Form) -> impl IntoView {
    view! {
        <label>"Name" <input name="name" required bind:value=form.name /></label>
        <label>
            "Endpoint"
            <input name="endpoint" required bind:value=form.endpoint
                placeholder="unix:///var/run/docker.sock, tcp://127.0.0.1:2375 or https://host:2376" />
        </label>
        <label>"TLS CA (path on the server)" <input name="tls_ca" bind:value=form.ca /></label>
        <label>"TLS certificate" <input name="tls_cert" bind:value=form.cert /></label>
        <label>"TLS key" <input name="tls_key" bind:value=form.key /></label>
        <label>"Note" <input name="note" bind:value=form.note /></label>
        <label>
            "Approvals an apply here needs"
            <select name="approvals_required" bind:value=form.approvals>
                <option value="0">"None: approvers apply plans directly"</option>
                <option value="1">"1: an approved change request"</option>
                <option value="2">"2: a change request approved by two"</option>
            </select>
        </label>
    }
}

#[component]
fn EngineList() -> impl IntoView {
    let actions = Actions {
        add: ServerAction::new(),
        update: ServerAction::new(),
        remove: ServerAction::new(),
        check: ServerAction::new(),
        unlock: ServerAction::new(),
    };
    let engines = crate::loaded::load(
        move || {
            (
                actions.add.version().get(),
                actions.update.version().get(),
                actions.remove.version().get(),
                actions.check.version().get(),
                actions.unlock.version().get(),
            )
        },
        |_| list_engines(),
    );
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let latest = [
            actions.add.value().get().and_then(|r| r.err()),
            actions.update.value().get().and_then(|r| r.err()),
            actions.remove.value().get().and_then(|r| r.err()),
            actions.check.value().get().and_then(|r| r.err()),
            actions.unlock.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });
    let session = use_session();
    let is_admin = move || session.user().is_some_and(|m| m.role >= Role::Admin);
    let form = Form::new(None);
    // A registered engine empties the form for the next one.
    Effect::new(move |_| {
        if let Some(Ok(_)) = actions.add.value().get() {
            for field in [form.name, form.ca, form.cert, form.key, form.note] {
                field.set(String::new());
            }
        }
    });
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        actions.add.dispatch(form.add());
    };
    view! {
        <div class="page-head"><h1>"Engines"</h1></div>
        <ErrorBanner error=error />
        <Show when=is_admin>
            <details class="card">
                <summary>"Register an engine"</summary>
                <form class="row-form" on:submit=on_add data-test="add-engine">
                    <FormFields form />
                    <button class="btn btn-primary" type="submit" disabled=move || actions.add.pending().get()>
                        "Register"
                    </button>
                </form>
            </details>
        </Show>
        <Transition fallback=|| view! { <p class="muted">"Loading engines…"</p> }>
            {move || Suspend::new(async move {
                match engines.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted">"No engine is registered yet."</p>
                    }.into_any(),
                    Ok(list) => list.into_iter().map(|e| view! { <EngineCard e actions /> }).collect_view().into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EngineCard(e: EngineRow, actions: Actions) -> impl IntoView {
    let session = use_session();
    let admin = session.user().is_some_and(|m| m.role >= Role::Admin);
    let id = e.id;
    let editing = RwSignal::new(false);
    let form = Form::new(Some(&e));
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        actions.update.dispatch(form.update(id));
        editing.set(false);
    };
    let name = e.name.clone();
    let lock = e.lock.clone();
    view! {
        <section class="card engine" data-engine=e.name.clone()>
            <div class="page-head">
                <h2><a href=format!("/engines/{id}") data-test="open">{e.name.clone()}</a></h2>
                <span class="muted small" data-test="endpoint">
                    {e.endpoint.clone()}{e.uses_tls.then_some(" (TLS)")}
                </span>
                <button class="btn btn-small" data-test="check" disabled=move || actions.check.pending().get()
                    on:click=move |_| { actions.check.dispatch(CheckEngine { id }); }>
                    "Check now"
                </button>
            </div>
            {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}
            <p class="muted small">
                {format!(
                    "Registered by {} on {}. {}.",
                    e.created_by,
                    e.created_at,
                    crate::model::approvals_words(e.approvals_required),
                )}
            </p>
            {lock.map(|l| view! {
                <p class="banner banner-info" data-test="lock">
                    {format!("In use: {} (since {}).", l.holder, l.since)}
                    {admin.then(|| view! {
                        <button class="btn btn-small btn-quiet" data-test="break-lock"
                            on:click=move |_| { actions.unlock.dispatch(BreakEngineLock { id }); }>
                            "Break the lock"
                        </button>
                    })}
                </p>
            })}
            <Status status=e.status.clone() />
            <details>
                <summary>"Applies on this engine"</summary>
                <Deployments design=None engine=Some(id) />
            </details>
            {admin.then(|| view! {
                <Show when=move || editing.get() fallback=move || view! {
                    <p>
                        <button class="btn btn-small btn-quiet" data-test="edit" on:click=move |_| editing.set(true)>"Change"</button>
                        <button class="btn btn-small btn-quiet" data-test="remove" on:click={
                            let name = name.clone();
                            move |_| {
                                let ok = web_sys::window()
                                    .and_then(|w| w.confirm_with_message(&format!(
                                        "Forget engine {name}? What runs there is left as it is."
                                    )).ok())
                                    .unwrap_or(false);
                                if ok {
                                    actions.remove.dispatch(RemoveEngine { id });
                                }
                            }
                        }>"Forget"</button>
                    </p>
                }>
                    <form class="row-form" on:submit=on_save data-test="edit-engine">
                        <FormFields form />
                        <button class="btn btn-primary" type="submit">"Save"</button>
                        <button class="btn btn-quiet" type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                    </form>
                </Show>
            })}
        </section>
    }
}

#[component]
fn Status(status: Option<EngineStatus>) -> impl IntoView {
    let Some(s) = status else {
        return view! { <p class="muted" data-test="state">"Not checked yet."</p> }.into_any();
    };
    if let Some(error) = s.error.clone() {
        return view! {
            <p class="banner banner-error" data-test="state" data-state="unreachable">
                {format!("Unreachable (checked {}): {error}", s.checked_at)}
            </p>
        }
        .into_any();
    }
    let firewall = if s.can_change_firewall {
        format!("{}; Bulkhead can change it", s.firewall_backend)
    } else {
        format!(
            "{}; Bulkhead cannot change it ({})",
            s.firewall_backend,
            s.firewall_note.clone().unwrap_or_default()
        )
    };
    view! {
        <dl class="facts" data-test="state" data-state="reachable">
            <dt>"Checked"</dt><dd>{s.checked_at.clone()}</dd>
            <dt>"Docker"</dt><dd data-test="version">{format!("{} (API {})", s.engine_version, s.api_version)}</dd>
            <dt>"Firewall"</dt><dd>{firewall}</dd>
            <dt>"Bulkhead owns"</dt><dd data-test="owned">{format!("{} networks, {} containers", s.networks, s.containers)}</dd>
        </dl>
        {(!s.designs.is_empty()).then(|| view! {
            <table class="table" data-test="deployed">
                <thead><tr><th>"Design"</th><th>"Containers"</th><th>"Networks"</th><th>"Firewall"</th></tr></thead>
                <tbody>
                    {s.designs.into_iter().map(|d| view! {
                        <tr data-design=d.name.clone()>
                            <td>{d.name.clone()}</td>
                            <td>{format!("{} of {} running", d.running, d.containers)}</td>
                            <td>{d.networks}</td>
                            <td class:warn=!d.firewall_in_place>{d.firewall.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
    .into_any()
}
