//! Bulkhead's web pages: Leptos components rendered on the server and hydrated in the browser,
//! and the server functions they call.

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
mod components;
pub mod designer;
pub mod error;
pub mod front_end;
mod loaded;
pub mod model;
pub mod next_path;
mod pages;

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::Lazy;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: the signed-in user as context, the layout and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::auth::provide_session();

    view! {
        <Stylesheet id="leptos" href="/pkg/bulkhead.css" />
        <Title formatter=|page: String| format!("{page} · Bulkhead") />
        <Router>
            <Layout>
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::Home />
                    <Route path=path!("/setup") view={Lazy::<pages::SetupRoute>::new()} />
                    <Route path=path!("/login") view={Lazy::<pages::LoginRoute>::new()} />
                    <Route path=path!("/designs") view={Lazy::<pages::DesignsRoute>::new()} />
                    <Route path=path!("/designs/:id") view=pages::design::DesignPage />
                    <Route path=path!("/designs/:id/operate") view={Lazy::<pages::OperateRoute>::new()} />
                    <Route path=path!("/designs/:id/history") view={Lazy::<pages::HistoryRoute>::new()} />
                    <Route path=path!("/admin/users") view={Lazy::<pages::UsersRoute>::new()} />
                    <Route path=path!("/admin/webhooks") view={Lazy::<pages::WebhooksRoute>::new()} />
                    <Route path=path!("/admin/forwarding") view={Lazy::<pages::ForwardingRoute>::new()} />
                    <Route path=path!("/audit") view={Lazy::<pages::AuditRoute>::new()} />
                    <Route path=path!("/audit/:id") view={Lazy::<pages::AuditEntryRoute>::new()} />
                    <Route path=path!("/engines") view={Lazy::<pages::EnginesRoute>::new()} />
                    <Route path=path!("/engines/:id") view={Lazy::<pages::EngineRoute>::new()} />
                    <Route path=path!("/jobs/:id") view={Lazy::<pages::JobRoute>::new()} />
                    <Route path=path!("/verifications/:id") view={Lazy::<pages::VerificationRoute>::new()} />
                    <Route path=path!("/requests") view={Lazy::<pages::RequestsRoute>::new()} />
                    <Route path=path!("/requests/:id") view={Lazy::<pages::RequestRoute>::new()} />
                </Routes>
            </Layout>
        </Router>
    }
}

/// The browser's entry point: hydrate the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    front_end::mark_page();
    // `hydrate_lazy`: some pages are loaded on demand (see `pages::page_on_demand`).
    leptos::mount::hydrate_lazy(App);
}
