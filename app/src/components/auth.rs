//! The signed-in user, loaded once per page and shared through context.

use crate::api::current_user;
use crate::error::AppError;
use crate::model::{Me, Role};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The signed-in user as the pages see it.
#[derive(Clone, Copy)]
pub struct SessionCtx {
    pub me: crate::loaded::Loaded<Result<Option<Me>, AppError>>,
}

impl SessionCtx {
    /// The user, once loaded; `None` while loading or when signed out.
    pub fn user(&self) -> Option<Me> {
        self.me.get().and_then(|r| r.ok()).flatten()
    }

    /// Reload the user after signing in or out.
    pub fn refresh(&self) {
        self.me.refetch();
    }
}

pub fn provide_session() {
    let me = crate::loaded::load(|| (), |_| current_user());
    provide_context(SessionCtx { me });
}

pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}

/// Shows its children to a signed-in user with at least `min`; sends a signed-out visitor to
/// the sign-in page. The server checks the role again on every call: this only avoids showing
/// a page that would refuse everything.
#[component]
pub fn RequireRole(min: Role, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.me.await {
                    Ok(Some(me)) if me.role >= min => children.read_value()().into_any(),
                    Ok(Some(me)) => {
                        view! {
                            <p class="banner banner-error" role="alert" data-error="forbidden">
                                {format!(
                                    "This page needs the {min} role; you are signed in as {} ({}). Ask an admin if you should have it.",
                                    me.name,
                                    me.role,
                                )}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(None) | Err(AppError::NotSignedIn) => {
                        view! { <Redirect path="/login" /> }.into_any()
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
