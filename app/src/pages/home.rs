use crate::api::setup_needed;
use crate::components::auth::use_session;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// `/` sends you where you can start: the setup page on a new install, the designs when
/// signed in, the sign-in page otherwise.
#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    crate::components::hydrated::mark_when_hydrated();
    let setup = crate::loaded::load(|| (), |_| setup_needed());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let target = if setup.await.unwrap_or(false) {
                    "/setup"
                } else if matches!(session.me.await, Ok(Some(_))) {
                    "/designs"
                } else {
                    "/login"
                };
                view! { <Redirect path=target /> }
            })}
        </Suspense>
    }
}
