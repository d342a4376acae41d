//! One module a page.

pub mod audit;
pub mod design;
pub mod designs;
pub mod engine;
pub mod engines;
pub mod forwarding;
pub mod history;
pub mod home;
pub mod job;
pub mod login;
pub mod not_found;
pub mod operate;
pub mod request;
pub mod requests;
pub mod setup;
pub mod users;
pub mod verification;
pub mod webhooks;

/// A route whose page the browser loads only when it is shown: the release build splits each
/// such page into its own WebAssembly file (`cargo leptos build --split`), so opening the
/// designer does not download the admin pages, and the reverse.
macro_rules! page_on_demand {
    ($(#[$doc:meta])* $route:ident => $page:path) => {
        $(#[$doc])*
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> leptos::prelude::AnyView {
                let page = leptos::prelude::IntoAny::into_any($page());
                crate::components::hydrated::mark_when_hydrated();
                page
            }
        }
    };
}

page_on_demand!(
    /// `/login`.
    LoginRoute => login::Login
);
page_on_demand!(
    /// `/setup`.
    SetupRoute => setup::Setup
);
page_on_demand!(
    /// `/designs`.
    DesignsRoute => designs::Designs
);
page_on_demand!(
    /// `/admin/users`.
    UsersRoute => users::Users
);
page_on_demand!(
    /// `/designs/:id/operate`.
    OperateRoute => operate::Operate
);
page_on_demand!(
    /// `/designs/:id/history`.
    HistoryRoute => history::History
);
page_on_demand!(
    /// `/jobs/:id`.
    JobRoute => job::Job
);
page_on_demand!(
    /// `/engines`.
    EnginesRoute => engines::Engines
);
page_on_demand!(
    /// `/engines/:id`.
    EngineRoute => engine::EnginePage
);
page_on_demand!(
    /// `/verifications/:id`.
    VerificationRoute => verification::Verification
);
page_on_demand!(
    /// `/requests`.
    RequestsRoute => requests::Requests
);
page_on_demand!(
    /// `/requests/:id`.
    RequestRoute => request::RequestPage
);
page_on_demand!(
    /// `/admin/webhooks`.
    WebhooksRoute => webhooks::Webhooks
);
page_on_demand!(
    /// `/audit`.
    AuditRoute => audit::Audit
);
page_on_demand!(
    /// `/admin/forwarding`.
    ForwardingRoute => forwarding::Forwarding
);
page_on_demand!(
    /// `/audit/:id`.
    AuditEntryRoute => audit::AuditEntryPage
);
