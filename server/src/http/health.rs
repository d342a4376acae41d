//! `GET /healthz`: 200 when the database answers, 503 otherwise.

use crate::backend::Service;
use axum::Extension;
use axum::http::StatusCode;
use std::sync::Arc;

pub async fn healthz(Extension(service): Extension<Arc<Service>>) -> (StatusCode, &'static str) {
    match service.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
    }
}
