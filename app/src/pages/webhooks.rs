use crate::api::{AddWebhook, RemoveWebhook, TestWebhook, list_engines, list_webhooks};
use crate::components::auth::RequireRole;
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use crate::model::{Role, WebhookRow};
use leptos::prelude::*;
use leptos_meta::Title;

/// Admins register where change-request events are announced, and see each delivery.
#[component]
pub fn Webhooks() -> impl IntoView {
    view! {
        <Title text="Webhooks" />
        <RequireRole min=Role::Admin>
            <WebhookAdmin />
        </RequireRole>
    }
}

#[derive(Clone, Copy)]
struct Acts {
    remove: ServerAction<RemoveWebhook>,
    test: ServerAction<TestWebhook>,
}

#[component]
fn WebhookAdmin() -> impl IntoView {
    let add = ServerAction::<AddWebhook>::new();
    let acts = Acts {
        remove: ServerAction::new(),
        test: ServerAction::new(),
    };
    let refresh = RwSignal::new(0u32);
    let hooks = crate::loaded::load(
        move || {
            (
                add.version().get(),
                acts.remove.version().get(),
                acts.test.version().get(),
                refresh.get(),
            )
        },
        |_| list_webhooks(),
    );
    let engines = crate::loaded::load(|| (), |_| list_engines());
    let url = RwSignal::new(String::new());
    let engine = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let latest = [
            add.value().get().and_then(|r| r.err()),
            acts.remove.value().get().and_then(|r| r.err()),
            acts.test.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch(AddWebhook {
            url: url.get_untracked(),
            engine: engine.get_untracked().parse().ok(),
        });
        url.set(String::new());
    };
    view! {
        <div class="page-head"><h1>"Webhooks"</h1></div>
        <p class="muted">
            "Each change of a change request's state (opened, revision pushed, approved, changes requested, rejected, withdrawn, approvals dismissed, override, applied) is posted as JSON with a Slack-compatible text field. A failed delivery is retried with backoff (1, 2, 4, 8 s, five attempts); it never holds up a review."
        </p>
        <ErrorBanner error=error />
        <form class="card row-form" on:submit=on_add data-test="add-webhook">
            <label>"URL" <input name="url" type="url" required placeholder="https://hooks.example.org/bulkhead" bind:value=url /></label>
            <label>
                "For the requests of"
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = engines.await.unwrap_or_default();
                        view! {
                            <select name="engine" bind:value=engine>
                                <option value="">"every engine"</option>
                                {list.into_iter().map(|e| view! { <option value=e.id.to_string()>{e.name}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Transition>
            </label>
            <button class="btn btn-primary" type="submit" disabled=move || add.pending().get()>"Add"</button>
        </form>
        <button class="btn btn-small" data-test="refresh" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh the deliveries"</button>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match hooks.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">"No webhook yet."</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|w| view! { <Hook w acts /> }).collect_view().into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Hook(w: WebhookRow, acts: Acts) -> impl IntoView {
    let id = w.id;
    view! {
        <section class="card" data-webhook=id.to_string()>
            <h2><code>{w.url.clone()}</code></h2>
            <p class="muted small">
                {format!(
                    "For the requests of {}; added by {} on {}.",
                    w.engine.clone().map_or("every engine".to_owned(), |e| format!("engine {e}")),
                    w.created_by,
                    w.created_at
                )}
            </p>
            <div class="row">
                <button class="btn btn-small" data-test="test" on:click=move |_| { acts.test.dispatch(TestWebhook { id }); }>"Send a test message"</button>
                <button class="btn btn-small btn-danger" data-test="remove" on:click=move |_| { acts.remove.dispatch(RemoveWebhook { id }); }>"Remove"</button>
            </div>
            <table class="table" data-test="deliveries">
                <thead><tr><th>"Event"</th><th>"Queued"</th><th>"State"</th><th>"Attempts"</th><th>"Last result"</th></tr></thead>
                <tbody>
                    {w.deliveries.into_iter().map(|d| {
                        let state = d.state.clone();
                        view! {
                            <tr data-delivery=d.id.to_string() data-state=state>
                                <td>{d.event}</td><td><time>{d.at}</time></td><td>{d.state}</td>
                                <td>{d.attempts}</td><td>{d.last_result.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
