//! The HTTP surface: pages and server functions from Leptos, `/healthz`, and the middleware
//! that guards them (origin check, sign-in redirects, sessions).

mod audit_export;
mod error;
mod export;
mod guard;
mod headers;
mod health;
mod jobs;
mod origin;

use crate::backend::Service;
use app::backend::SharedBackend;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

/// Requests larger than this are refused before they are read (documents are capped at 1 MiB;
/// form encoding may triple their size).
const BODY_LIMIT: usize = 4 * 1024 * 1024;

pub fn router(
    service: Arc<Service>,
    options: LeptosOptions,
    store: SqliteStore,
    origins: Vec<String>,
) -> Router {
    let backend: SharedBackend = service.clone();
    let context = move || {
        provide_context(backend.clone());
        headers::provide_response_nonce();
    };
    let routes = generate_route_list(app::App);
    let config = &service.config;
    let bound = options.site_addr;
    let sessions = SessionManagerLayer::new(store)
        .with_name(config.cookie_name(bound))
        .with_secure(config.cookies_secure(bound))
        .with_path("/")
        .with_same_site(SameSite::Strict)
        .with_http_only(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            config.idle_timeout.as_secs() as i64,
        )));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(crate::metrics::scrape))
        .route("/designs/{id}/export/{format}", get(export::export))
        .route("/audit/export", get(audit_export::export))
        .route("/jobs/{id}/events", get(jobs::events))
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context,
            app::shell,
        ))
        .with_state(options)
        .layer(axum::middleware::from_fn_with_state(
            service.clone(),
            guard::pages,
        ))
        .layer(axum::Extension(service.clone()))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(origins),
            origin::same_origin,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(headers::secure))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        // Outermost: every answer is counted, refusals by the layers above included.
        .layer(axum::middleware::from_fn_with_state(
            service,
            crate::metrics::track,
        ))
}
