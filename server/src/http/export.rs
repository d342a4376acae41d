//! `GET /designs/{id}/export/{format}?rev=N`: a saved revision compiled to a download, byte
//! for byte what `bulkhead export --format FORMAT --revision N` prints for that revision.

use crate::backend::Service;
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

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.into(),
    )
        .into_response()
}

pub async fn export(
    Extension(service): Extension<Arc<Service>>,
    Path((id, format)): Path<(i64, String)>,
    Query(query): Query<ExportQuery>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let user = match service.current(&parts).await {
        Ok(Some(u)) => u,
        Ok(None) => return refuse(StatusCode::UNAUTHORIZED, "Sign in to export designs.\n"),
        Err(_) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong; try again.\n",
            );
        }
    };
    let format: Export = match format.parse() {
        Ok(f) => f,
        Err(e) => return refuse(StatusCode::NOT_FOUND, format!("{e}\n")),
    };
    let found = async {
        let mut conn = service.db.read.acquire().await?;
        let Some(d) = designs::get(&mut conn, id).await? else {
            return anyhow::Ok(None);
        };
        if d.deleted_at.is_some() && user.role() < Role::Admin {
            return Ok(None);
        }
        let number = query.rev.unwrap_or(d.head);
        Ok(designs::revision(&mut conn, id, number)
            .await?
            .map(|r| (d.name, r)))
    }
    .await;
    let (name, rev) = match found {
        Ok(Some(x)) => x,
        Ok(None) => {
            return refuse(
                StatusCode::NOT_FOUND,
                "That design or revision does not exist.\n",
            );
        }
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "export failed");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong; try again.\n",
            );
        }
    };
    let raw = match design::parse_document(&rev.document) {
        Ok(r) => r,
        Err(e) => {
            return refuse(
                StatusCode::CONFLICT,
                format!("Revision {} does not parse: {e}\n", rev.number),
            );
        }
    };
    let body = match format {
        Export::Design => design::to_canonical_yaml(&raw),
        Export::Artifact(f) => match design::check(&raw) {
            Ok(valid) => compile(&valid, f, u64::try_from(rev.number).ok()),
            Err(diagnostics) => {
                let errors: Vec<String> = diagnostics
                    .iter()
                    .filter(|d| d.severity == design::Severity::Error)
                    .map(|d| format!("  {}: {}", d.path, d.message))
                    .collect();
                return refuse(
                    StatusCode::CONFLICT,
                    format!(
                        "Revision {} has errors, so it cannot be exported; fix them in the designer:\n{}\n",
                        rev.number,
                        errors.join("\n")
                    ),
                );
            }
        },
    };
    // The design name passed the naming rule ([A-Za-z0-9][A-Za-z0-9_.-]*), so it is safe in
    // the header as it is.
    let disposition = format!("attachment; filename=\"{}\"", format.file_name(&name));
    (
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
        .into_response()
}
