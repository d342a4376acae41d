//! `GET /designs/{id}/export/{format}?rev=N`: a saved revision compiled to a download, byte
//! for byte what `bulkhead export --format FORMAT --revision N` prints for that revision.

use super::error::HttpError;
use crate::backend::Service;
use crate::offload;
use crate::store::designs;
use app::model::Role;
use axum::Extension;
use axum::extract::{Path, Query, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use design::compile::{Export, compile};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct ExportQuery {
    rev: Option<i64>,
}

pub async fn export(
    Extension(service): Extension<Arc<Service>>,
    Path((id, format)): Path<(i64, String)>,
    Query(query): Query<ExportQuery>,
    req: Request,
) -> Result<Response, HttpError> {
    let (parts, _) = req.into_parts();
    let user = service.current(&parts).await?.ok_or_else(|| {
        HttpError::refused(StatusCode::UNAUTHORIZED, "Sign in to export designs.")
    })?;
    let format: Export = format
        .parse()
        .map_err(|e| HttpError::refused(StatusCode::NOT_FOUND, format!("{e}")))?;
    let mut conn = service.db.read.acquire().await?;
    let missing = || {
        HttpError::refused(
            StatusCode::NOT_FOUND,
            "That design or revision does not exist.",
        )
    };
    let d = designs::get(&mut conn, id)
        .await?
        .filter(|d| d.deleted_at.is_none() || user.role >= Role::Admin)
        .ok_or_else(missing)?;
    let number = query.rev.unwrap_or(d.head);
    let rev = designs::revision(&mut conn, id, number)
        .await?
        .ok_or_else(missing)?;
    drop(conn);
    let number = rev.number;
    let body = offload::run("compiling the export", rev.document.len(), move || {
        compile_revision(&rev.document, number, format)
    })
    .await
    .map_err(|e| match e {
        timed_out @ offload::OffloadError::TimedOut { .. } => HttpError::Unavailable {
            message: format!("{timed_out}; try again, or split the design"),
            cause: anyhow::Error::new(timed_out),
        },
        failed => HttpError::Internal(anyhow::Error::new(failed)),
    })??;
    // The design name passed the naming rule ([A-Za-z0-9][A-Za-z0-9_.-]*), so it is safe in
    // the header as it is.
    let disposition = format!("attachment; filename=\"{}\"", format.file_name(&d.name));
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                format!("{}; charset=utf-8", format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// A stored revision as `format`: the design file, or an artifact when it checks clean.
fn compile_revision(document: &str, number: i64, format: Export) -> Result<String, HttpError> {
    let raw = design::parse_document(document).map_err(|e| {
        HttpError::refused(
            StatusCode::CONFLICT,
            format!("Revision {number} does not parse: {e}"),
        )
    })?;
    match format {
        Export::Design => Ok(design::to_canonical_yaml(&raw)),
        Export::Artifact(f) => match design::check(&raw) {
            Ok(valid) => match design::findings::release(&valid) {
                Ok(()) => Ok(compile(&valid, f, u64::try_from(number).ok())),
                Err(blocked) => Err(HttpError::refused(
                    StatusCode::CONFLICT,
                    format!("Revision {number} cannot be exported: {blocked}"),
                )),
            },
            Err(diagnostics) => {
                let errors: Vec<String> = diagnostics
                    .iter()
                    .filter(|d| d.severity == design::Severity::Error)
                    .map(|d| format!("  {}: {}", d.path, d.message))
                    .collect();
                Err(HttpError::refused(
                    StatusCode::CONFLICT,
                    format!(
                        "Revision {number} has errors, so it cannot be exported; fix them in the designer:\n{}",
                        errors.join("\n")
                    ),
                ))
            }
        },
    }
}
