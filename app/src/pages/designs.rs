use crate::api::{CreateDesign, DeleteDesign, RenameDesign, RestoreDesign, list_designs};
use crate::components::auth::{RequireRole, use_session};
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::{DesignSummary, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The list of designs, with create, rename, delete and (for admins) restore.
#[component]
pub fn Designs() -> impl IntoView {
    view! {
        <Title text="Designs" />
        <RequireRole min=Role::Viewer>
            <DesignList />
        </RequireRole>
    }
}

#[component]
fn DesignList() -> impl IntoView {
    let session = use_session();
    let role = move || session.user().map(|m| m.role).unwrap_or(Role::Viewer);
    let create = ServerAction::<CreateDesign>::new();
    let rename = ServerAction::<RenameDesign>::new();
    let delete = ServerAction::<DeleteDesign>::new();
    let restore = ServerAction::<RestoreDesign>::new();
    let show_deleted = RwSignal::new(false);
    let designs = crate::loaded::load(
        move || {
            (
                show_deleted.get(),
                create.version().get(),
                rename.version().get(),
                delete.version().get(),
                restore.version().get(),
            )
        },
        |(deleted, ..)| list_designs(deleted),
    );
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let latest = [
            create.value().get().and_then(|r| r.err()),
            rename.value().get().and_then(|r| r.err()),
            delete.value().get().and_then(|r| r.err()),
            restore.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });

    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            navigate(&format!("/designs/{}", created.id), Default::default());
        }
    });

    let new_name = RwSignal::new(String::new());
    let template = RwSignal::new("three-tier".to_string());
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = template.get_untracked();
        create.dispatch(CreateDesign {
            name: new_name.get_untracked(),
            template: (!t.is_empty()).then_some(t),
        });
    };

    view! {
        <div class="page-head">
            <h1>"Designs"</h1>
            <Show when=move || { role() >= Role::Admin }>
                <label class="toggle">
                    <input type="checkbox" data-test="show-deleted" bind:checked=show_deleted />
                    "Show deleted"
                </label>
            </Show>
        </div>
        <ErrorBanner error=error />
        <Show when=move || { role() >= Role::Editor }>
            <form class="card row-form" on:submit=on_create data-test="create-design">
                <label>
                    "Name"
                    <input name="name" required placeholder="e.g. prod-host" bind:value=new_name />
                </label>
                <label>
                    "Start from"
                    <select name="template" bind:value=template>
                        <option value="three-tier">"Template: three-tier"</option>
                        <option value="segmented-host">"Template: segmented-host"</option>
                        <option value="">"Blank design"</option>
                    </select>
                </label>
                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                    "Create design"
                </button>
            </form>
        </Show>
        <Transition fallback=|| view! { <p class="muted">"Loading designs…"</p> }>
            {move || Suspend::new(async move {
                match designs.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p class="empty">"No designs yet. Create one from a template to start."</p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <table class="table" data-test="design-list">
                                <thead>
                                    <tr>
                                        <th>"Name"</th>
                                        <th>"Revision"</th>
                                        <th>"Last saved"</th>
                                        <th>"By"</th>
                                        <th class="actions-col">"Actions"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|d| view! { <DesignRow d rename delete restore role=role() /> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any()
                    }
                    Err(e) => {
                        view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn DesignRow(
    d: DesignSummary,
    rename: ServerAction<RenameDesign>,
    delete: ServerAction<DeleteDesign>,
    restore: ServerAction<RestoreDesign>,
    role: Role,
) -> impl IntoView {
    let id = d.id;
    let editing = RwSignal::new(false);
    let name = RwSignal::new(d.name.clone());
    let on_rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        rename.dispatch(RenameDesign {
            id,
            name: name.get_untracked(),
        });
        editing.set(false);
    };
    let title = d.name.clone();
    view! {
        <tr class:deleted=d.deleted data-design=d.name.clone()>
            <td>
                <Show
                    when=move || editing.get()
                    fallback=move || {
                        if d.deleted {
                            view! { <span class="muted">{title.clone()}" (deleted)"</span> }.into_any()
                        } else {
                            view! { <a href=format!("/designs/{id}")>{title.clone()}</a> }.into_any()
                        }
                    }
                >
                    <form class="inline" on:submit=on_rename>
                        <input aria-label="New name" bind:value=name required />
                        <button class="btn btn-small" type="submit">"Save"</button>
                        <button class="btn btn-small btn-quiet" type="button"
                            on:click=move |_| editing.set(false)>"Cancel"</button>
                    </form>
                </Show>
                {d.alerts.iter().map(|a| view! {
                    <a class="alert-badge" data-test="alert" href=format!("/designs/{id}/operate")>{a.clone()}</a>
                }).collect_view()}
            </td>
            <td>{d.revision}</td>
            <td><time>{d.updated_at.clone()}</time></td>
            <td>{d.updated_by.clone()}</td>
            <td class="actions-col">
                {(role >= Role::Editor && !d.deleted).then(|| view! {
                    <button class="btn btn-small btn-quiet" on:click=move |_| editing.set(true)>
                        "Rename"
                    </button>
                    <button class="btn btn-small btn-danger" on:click=move |_| {
                        let ok = window()
                            .confirm_with_message("Delete this design? An admin can restore it.")
                            .unwrap_or(false);
                        if ok {
                            delete.dispatch(DeleteDesign { id });
                        }
                    }>"Delete"</button>
                })}
                {(role >= Role::Admin && d.deleted).then(|| view! {
                    <button class="btn btn-small" on:click=move |_| {
                        restore.dispatch(RestoreDesign { id });
                    }>"Restore"</button>
                })}
            </td>
        </tr>
    }
}
