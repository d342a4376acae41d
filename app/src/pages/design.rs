use crate::api::{SaveDesign, get_design};
use crate::components::auth::{RequireRole, use_session};
use crate::components::error::{ErrorBanner, action_error};
use crate::model::{DesignDetail, MAX_DOCUMENT_BYTES, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One design: its document as YAML, checked as you type, saved as a new revision.
#[component]
pub fn DesignPage() -> impl IntoView {
    view! {
        <RequireRole min=Role::Viewer>
            <DesignLoader />
        </RequireRole>
    }
}

#[component]
fn DesignLoader() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let rev = move || query.read().get("rev").and_then(|s| s.parse::<i64>().ok());
    let reload = RwSignal::new(0u32);
    let design = Resource::new(
        move || (id(), rev(), reload.get()),
        |(id, rev, _)| async move {
            match id {
                Some(id) => get_design(id, rev).await,
                None => Err(crate::error::AppError::NotFound {
                    what: "This design".into(),
                }),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the design…"</p> }>
            {move || Suspend::new(async move {
                match design.await {
                    Ok(detail) => view! { <Editor detail reload /> }.into_any(),
                    Err(e) => {
                        view! {
                            <Title text="Design" />
                            <p class="banner banner-error" role="alert">{e.to_string()}</p>
                            <p><a href="/designs">"Back to the designs"</a></p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Editor(detail: DesignDetail, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let can_edit = move || {
        session.user().is_some_and(|m| m.role >= Role::Editor)
    };
    let saved_text = RwSignal::new(detail.document.clone());
    let text = RwSignal::new(detail.document.clone());
    let base = RwSignal::new(detail.head);
    let message = RwSignal::new(String::new());
    let dirty = Memo::new(move |_| text.with(|t| saved_text.with(|s| t != s)));
    let parse = Memo::new(move |_| {
        text.with(|t| {
            if t.len() > MAX_DOCUMENT_BYTES {
                return Err(format!(
                    "the document is {} bytes; the limit is {MAX_DOCUMENT_BYTES} (1 MiB)",
                    t.len()
                ));
            }
            design::parse_document(t).map(|_| ()).map_err(|e| e.to_string())
        })
    });

    let save = ServerAction::<SaveDesign>::new();
    Effect::new(move |_| {
        if let Some(Ok(info)) = save.value().get() {
            base.set(info.number);
            saved_text.set(text.get_untracked());
            message.set(String::new());
            reload.update(|n| *n += 1);
        }
    });
    let conflict = Memo::new(move |_| {
        matches!(
            save.value().get(),
            Some(Err(crate::error::AppError::Conflict { .. }))
        )
    });
    let id = detail.id;
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveDesign {
            id,
            base: base.get_untracked(),
            document: text.get_untracked(),
            message: message.get_untracked(),
        });
    };
    let load_latest = move |_| {
        let discard = !dirty.get_untracked()
            || window()
                .confirm_with_message("Load the latest revision? Your unsaved text will be lost.")
                .unwrap_or(false);
        if discard {
            reload.update(|n| *n += 1);
        }
    };

    let viewing_old = detail.revision.number != detail.head;
    let history = detail.history.clone();
    let shown = detail.revision.number;
    let title = detail.name.clone();
    view! {
        <Title text=title />
        <div class="page-head">
            <h1>
                <a class="crumb" href="/designs">"Designs"</a>
                " / "
                <span data-test="design-name">{detail.name.clone()}</span>
            </h1>
            <span class="rev-badge" data-test="revision">{format!("revision {}", detail.revision.number)}</span>
            <Show when=move || dirty.get()>
                <span class="unsaved" data-test="unsaved">"● unsaved changes"</span>
            </Show>
        </div>
        {viewing_old.then(|| view! {
            <p class="banner banner-info">
                {format!(
                    "You are looking at revision {} of {}. Saving makes this text the newest revision. ",
                    detail.revision.number,
                    detail.head,
                )}
                <a href=format!("/designs/{id}")>"Go to the newest"</a>
            </p>
        })}
        {detail.deleted.then(|| view! {
            <p class="banner banner-info">"This design is deleted; an admin can restore it from the designs list."</p>
        })}
        <div class="editor-grid">
            <section class="card">
                <ErrorBanner error=action_error(save.value()) />
                <Show when=move || conflict.get()>
                    <p class="banner banner-info">
                        "Your text is still here. "
                        <button class="btn btn-small" on:click=load_latest data-test="load-latest">
                            "Load the latest revision"
                        </button>
                        " and apply your change again."
                    </p>
                </Show>
                <label class="editor-label" for="document">"Design document (YAML, format version 1)"</label>
                <textarea
                    id="document"
                    class="code-editor"
                    spellcheck="false"
                    data-test="document"
                    readonly=move || !can_edit()
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <div class="parse-status" data-test="parse-status" aria-live="polite">
                    {move || match parse.get() {
                        Ok(()) => view! { <span class="ok">"✓ The document parses."</span> }.into_any(),
                        Err(e) => view! { <span class="field-error" data-test="parse-error">{e}</span> }.into_any(),
                    }}
                </div>
                <Show when=can_edit>
                    <form class="row-form" on:submit=on_save data-test="save-form">
                        <label class="grow">
                            "What changed"
                            <input name="message" placeholder="e.g. open the cache to the API" bind:value=message />
                        </label>
                        <button
                            type="submit"
                            class="btn btn-primary"
                            data-test="save"
                            disabled=move || save.pending().get() || parse.get().is_err()
                        >
                            "Save revision"
                        </button>
                    </form>
                </Show>
            </section>
            <aside class="card history" aria-label="History">
                <h2>"History"</h2>
                <ol class="revisions">
                    {history
                        .into_iter()
                        .map(|r| {
                            let current = r.number == shown;
                            view! {
                                <li class:current=current>
                                    <a href=format!("/designs/{id}?rev={}", r.number)>
                                        {format!("r{}", r.number)}
                                    </a>
                                    <span class="muted">{format!(" {} · {}", r.author, r.created_at)}</span>
                                    <div class="rev-message">{r.message}</div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </aside>
        </div>
    }
}
