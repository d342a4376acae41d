//! Proposing a revision for an engine as a change request (editors).

use crate::api::OpenRequest;
use crate::components::error::ErrorBanner;
use crate::error::AppError;
use leptos::prelude::*;

/// A title and a description, and the request opens (planned against the engine); its page
/// follows.
#[component]
pub fn Propose(design_id: i64, revision: i64, engine_id: i64) -> impl IntoView {
    let open = ServerAction::<OpenRequest>::new();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| match open.value().get() {
        Some(Ok(r)) => navigate(&format!("/requests/{}", r.row.id), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        open.dispatch(OpenRequest {
            design: design_id,
            revision: Some(revision),
            engine: engine_id,
            title: title.get_untracked(),
            description: Some(description.get_untracked()),
        });
    };
    view! {
        <form class="stack-form" on:submit=on_submit data-test="propose-form">
            <h3>{format!("Propose revision {revision} for review")}</h3>
            <ErrorBanner error=error />
            <label>"Title" <input name="title" required maxlength="200" bind:value=title /></label>
            <label>"Why, and what to look at" <textarea name="description" rows="3" bind:value=description></textarea></label>
            <button class="btn" type="submit" data-test="propose" disabled=move || open.pending().get()>
                "Open a change request"
            </button>
        </form>
    }
}
