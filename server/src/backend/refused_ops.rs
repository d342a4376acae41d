//! Operations on an engine the server refused after the role check (the engine's lock held,
//! a stale plan, the engine not answering, approvals missing, objects in the way …) are
//! actions too: each lands in the audit log as `engine-refused`, with what was tried and
//! why, and the caller still gets the refusal. A refusal that cannot be recorded is logged.

use app::backend::Request;
use app::error::AppError;
use app::model::Role;

use super::Service;
use crate::store::audit::{self, NewEntry};

/// What was tried, on what.
pub(super) enum Tried {
    /// Applying a stored plan.
    Apply { plan: i64 },
    /// Carrying out a change request.
    ApplyRequest { request: i64 },
    /// Verifying or destroying what is live of a design on an engine.
    Live {
        operation: &'static str,
        design: i64,
        engine: i64,
    },
    /// Quarantining or releasing a container.
    Container {
        operation: &'static str,
        engine: i64,
        container: String,
    },
}

/// Gives `result` back, recording it first when it is a refusal of an engine operation.
pub(super) async fn recorded<T>(
    service: &Service,
    req: &Request,
    tried: Tried,
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    let message = match &result {
        Err(AppError::Conflict { message } | AppError::NotPermitted { message }) => message.clone(),
        _ => return result,
    };
    if let Err(e) = record(service, req, tried, &message).await {
        tracing::error!("recording a refused engine operation failed: {e:#}");
    }
    result
}

async fn record(
    service: &Service,
    req: &Request,
    tried: Tried,
    message: &str,
) -> anyhow::Result<()> {
    let Ok((_, actor)) = service.require(req, Role::Viewer).await else {
        return Ok(());
    };
    let db = &service.db;
    let (operation, design, engine, what) = match tried {
        Tried::Apply { plan } => {
            let ids: Option<(i64, i64)> =
                sqlx::query_as("SELECT design_id, engine_id FROM plans WHERE id = ?")
                    .bind(plan)
                    .fetch_optional(&db.read)
                    .await?;
            (
                "apply",
                ids.map(|i| i.0),
                ids.map(|i| i.1),
                format!("plan {plan}"),
            )
        }
        Tried::ApplyRequest { request } => {
            let ids: Option<(i64, Option<i64>)> =
                sqlx::query_as("SELECT design_id, engine_id FROM change_requests WHERE id = ?")
                    .bind(request)
                    .fetch_optional(&db.read)
                    .await?;
            (
                "apply",
                ids.map(|i| i.0),
                ids.and_then(|i| i.1),
                format!("change request #{request}"),
            )
        }
        Tried::Live {
            operation,
            design,
            engine,
        } => (
            operation,
            Some(design),
            Some(engine),
            format!("design {design}"),
        ),
        Tried::Container {
            operation,
            engine,
            container,
        } => (operation, None, Some(engine), container),
    };
    let engine_name: Option<String> = match engine {
        Some(id) => {
            sqlx::query_scalar("SELECT name FROM engines WHERE id = ?")
                .bind(id)
                .fetch_optional(&db.read)
                .await?
        }
        None => None,
    };
    let mut entry = NewEntry::new(
        &actor,
        "engine-refused",
        format!(
            "{operation} of {what} on {} refused: {message}",
            engine_name.as_deref().unwrap_or("an engine")
        ),
    )
    .details(serde_json::json!({
        "operation": operation,
        "engine": engine_name,
        "reason": message,
    }));
    if let Some(d) = design {
        entry = entry.design(d);
    } else if let Some(e) = engine {
        entry = entry.object("engine", e);
    }
    entry.target = engine_name.as_deref();
    audit::append_alone(db, entry).await?;
    Ok(())
}
