//! `GET /audit/export?format=csv|jsonl&…`: the audit view the page shows (the same query
//! fields), every matching entry oldest first with its hash, streamed as it is read so memory
//! stays flat whatever the log's size. Readers below admin get their part of the log, client
//! addresses withheld (the JSON Lines header says so).

use super::error::HttpError;
use crate::backend::Service;
use crate::clock;
use crate::store::audit::Scope;
use crate::store::audit::export::{self, Format};
use crate::store::audit::filter::{Criteria, Refused};
use app::model::AuditFilter;
use axum::Extension;
use axum::body::Body;
use axum::extract::{Query, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Lines held between the database and the client at most.
const IN_FLIGHT: usize = 64;

/// Exports running at once, server-wide: each reads the whole view, however slowly its
/// reader takes it.
static RUNNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

pub async fn export(
    Extension(service): Extension<Arc<Service>>,
    Query(pairs): Query<Vec<(String, String)>>,
    req: Request,
) -> Result<Response, HttpError> {
    let (parts, _) = req.into_parts();
    let user = service.current(&parts).await?.ok_or_else(|| {
        HttpError::refused(StatusCode::UNAUTHORIZED, "Sign in to export the audit log.")
    })?;
    let format = match pairs
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.as_str())
    {
        Some("csv") => Format::Csv,
        Some("jsonl") => Format::Jsonl,
        other => {
            return Err(HttpError::refused(
                StatusCode::BAD_REQUEST,
                format!("format must be csv or jsonl, not {:?}", other.unwrap_or("")),
            ));
        }
    };
    let filter = AuditFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|m| HttpError::refused(StatusCode::BAD_REQUEST, m))?;
    // The export is the whole view, not one page of it.
    let filter = AuditFilter {
        before: None,
        ..filter
    };
    let criteria = Criteria::resolve(&service.db.read, &filter, Scope::of(user.role))
        .await
        .map_err(|e| match e {
            Refused::Input(m) => HttpError::refused(StatusCode::BAD_REQUEST, m),
            Refused::Store(e) => HttpError::Internal(e),
        })?;
    let permit = RUNNING.try_acquire().map_err(|_| HttpError::Unavailable {
        message: "four exports of the audit log are running; try again when one has ended".into(),
        cause: anyhow::anyhow!("audit exports at their limit"),
    })?;
    let (tx, rx) = tokio::sync::mpsc::channel(IN_FLIGHT);
    let db = service.db.clone();
    tokio::spawn(async move {
        export::stream(db, format, criteria, tx).await;
        drop(permit);
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|line| (line, rx))
    }));
    let (extension, content_type) = match format {
        Format::Csv => ("csv", "text/csv"),
        Format::Jsonl => ("jsonl", "application/jsonl"),
    };
    let stamp: String = clock::now_text()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                format!("{content_type}; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bulkhead-audit-{stamp}.{extension}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
