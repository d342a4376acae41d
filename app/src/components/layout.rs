//! The frame of every page: the top bar with navigation and the signed-in user.

use crate::api::Logout;
use crate::components::auth::use_session;
use crate::model::Role;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_navigate;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    let logout = ServerAction::<Logout>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            session.refresh();
            navigate("/login", Default::default());
        }
    });

    view! {
        <header class="topbar">
            <a class="brand" href="/designs">
                <span class="brand-mark" aria-hidden="true">"▮▮"</span>
                "Bulkhead"
            </a>
            <Transition fallback=|| ()>
                {move || {
                    session
                        .user()
                        .map(|me| {
                            let is_admin = me.role >= Role::Admin;
                            view! {
                                <nav class="mainnav" aria-label="Main">
                                    <a href="/designs">"Designs"</a>
                                    <a href="/requests">"Requests"</a>
                                    <a href="/engines">"Engines"</a>
                                    <a href="/audit">"Audit"</a>
                                    {is_admin.then(|| view! { <a href="/admin/users">"Users"</a> <a href="/admin/webhooks">"Webhooks"</a> <a href="/admin/forwarding">"Forwarding"</a> })}
                                </nav>
                                <div class="whoami">
                                    <span class="user-name" data-test="whoami">{me.name.clone()}</span>
                                    <span class=format!("role-badge role-{}", me.role)>
                                        {me.role.to_string()}
                                    </span>
                                    // A plain form, so signing out works before the page is
                                    // hydrated; once it is, the action signs out in place
                                    // (`ActionForm` would bring a whole form decoder along).
                                    <form
                                        method="post"
                                        action=Logout::url()
                                        class="inline"
                                        on:submit=move |ev| {
                                            ev.prevent_default();
                                            logout.dispatch(Logout {});
                                        }
                                    >
                                        <button type="submit" class="btn btn-quiet" data-test="sign-out">
                                            "Sign out"
                                        </button>
                                    </form>
                                </div>
                            }
                        })
                }}
            </Transition>
        </header>
        <main class="content">{children()}</main>
    }
}
