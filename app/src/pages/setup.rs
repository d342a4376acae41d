use crate::api::Setup as SetupFn;
use crate::components::auth::use_session;
use crate::components::error::{ErrorBanner, action_error};
use crate::model::MIN_PASSWORD_LEN;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The one-time page that creates the first admin on an empty database.
#[component]
pub fn Setup() -> impl IntoView {
    let session = use_session();
    let action = ServerAction::<SetupFn>::new();
    let query = use_query_map();
    let token = RwSignal::new(query.read_untracked().get("token").unwrap_or_default());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let mismatch = Memo::new(move |_| !confirm.get().is_empty() && password.get() != confirm.get());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            session.refresh();
            navigate("/designs", Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if mismatch.get_untracked() {
            return;
        }
        action.dispatch(SetupFn {
            token: token.get_untracked(),
            name: name.get_untracked(),
            password: password.get_untracked(),
        });
    };

    view! {
        <Title text="Set up" />
        <section class="card narrow">
            <h1>"Welcome to Bulkhead"</h1>
            <p class="muted">
                "This installation has no users yet. Create the first administrator: "
                "this page disappears once it exists. The setup token proves you run the server: "
                "it is printed in the server's log and standard output when it starts."
            </p>
            <ErrorBanner error=action_error(action.value()) />
            <form on:submit=submit class="stack" data-test="setup-form">
                <label>
                    "Setup token"
                    <input name="token" required autocomplete="off" spellcheck="false" bind:value=token />
                </label>
                <label>
                    "Admin user name"
                    <input name="name" required autocomplete="username" bind:value=name />
                </label>
                <label>
                    {format!("Password (at least {MIN_PASSWORD_LEN} characters)")}
                    <input name="password" type="password" required minlength=MIN_PASSWORD_LEN.to_string()
                        autocomplete="new-password" bind:value=password />
                </label>
                <label>
                    "Repeat the password"
                    <input name="confirm" type="password" required autocomplete="new-password"
                        bind:value=confirm />
                </label>
                <Show when=move || mismatch.get()>
                    <p class="field-error" role="alert">"The two passwords differ."</p>
                </Show>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    "Create admin and sign in"
                </button>
            </form>
        </section>
    }
}
