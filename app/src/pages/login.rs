use crate::api::Login as LoginFn;
use crate::components::auth::use_session;
use crate::components::error::{ErrorBanner, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let action = ServerAction::<LoginFn>::new();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let query = use_query_map();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            session.refresh();
            let next = query
                .read_untracked()
                .get("next")
                .filter(|n| crate::next_path::safe_next(n).is_some())
                .unwrap_or_else(|| "/designs".to_string());
            navigate(&next, Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(LoginFn {
            name: name.get_untracked(),
            password: password.get_untracked(),
        });
        password.set(String::new());
    };

    view! {
        <Title text="Sign in" />
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ErrorBanner error=action_error(action.value()) />
            <form on:submit=submit class="stack" data-test="login-form">
                <label>
                    "User name"
                    <input name="name" required autocomplete="username" bind:value=name />
                </label>
                <label>
                    "Password"
                    <input name="password" type="password" required autocomplete="current-password"
                        bind:value=password />
                </label>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </form>
        </section>
    }
}
