//! Drift in the browser: a design on an engine against the revision last applied there
//! through Bulkhead (not whatever is newest), read from the live engine on demand. A missing
//! firewall the design needs is drift too.

use app::backend::Request;
use app::error::AppError;
use app::model::{DriftView, Role};

use super::{Service, internal};
use crate::store::{deployments, designs, engines};

pub(super) async fn check(
    service: &Service,
    req: &Request,
    design_id: i64,
    engine_id: i64,
) -> Result<DriftView, AppError> {
    service.require(req, Role::Viewer).await?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let d = designs::get(&mut conn, design_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Design {design_id}"),
        })?;
    let engine = engines::get(&mut conn, engine_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Engine {engine_id}"),
        })?;
    let (revision, applied_by, applied_at) =
        deployments::baseline(&service.db.read, design_id, engine_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::Conflict {
                message: format!(
                    "{} has not been applied to {} through Bulkhead: there is no baseline to compare with; plan and apply it first",
                    d.name, engine.name
                ),
            })?;
    let rev = designs::revision(&mut conn, design_id, revision)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Revision {revision} of {}", d.name),
        })?;
    drop(conn);
    let (valid, _) =
        super::plans::checked(rev.document)
            .await?
            .map_err(|e| AppError::Conflict {
                message: format!("revision {revision} of {} no longer checks: {e}", d.name),
            })?;
    let docker = super::engine_status::connect(&engine)
        .await
        .map_err(|e| AppError::Conflict {
            message: format!("engine {} did not answer ({e})", engine.name),
        })?;
    let report = crate::engine::drift(&valid, &docker)
        .await
        .map_err(|e| AppError::Conflict {
            message: format!("reading engine {} failed: {e}", engine.name),
        })?;
    let mut differences: Vec<String> = report
        .differences
        .iter()
        .map(|x| format!("{}: {}", x.object, x.what))
        .collect();
    differences.extend(
        report
            .conflicts
            .iter()
            .map(|c| format!("{} {}: {}", c.object, c.name, c.reason)),
    );
    Ok(DriftView {
        engine: engine.name,
        revision,
        applied_by,
        applied_at,
        checked_at: crate::clock::display(&crate::clock::now_text()),
        in_sync: report.in_sync(),
        differences,
    })
}
