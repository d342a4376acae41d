//! Drift in the browser: a design on an engine against the revision last applied there
//! through Bulkhead (not whatever is newest), read from the live engine on demand and
//! recorded like the background checks. A missing firewall the design needs is drift too.

use app::backend::Request;
use app::error::AppError;
use app::model::{DriftView, Role};

use super::{Service, internal};
use crate::store::engines;

pub(super) async fn check(
    service: &Service,
    req: &Request,
    design_id: i64,
    engine_id: i64,
) -> Result<DriftView, AppError> {
    let (_, actor) = service.require(req, Role::Viewer).await?;
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let engine = engines::get(&mut conn, engine_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Engine {engine_id}"),
        })?;
    drop(conn);
    crate::watch::drift::check_pair(&service.db, &actor, design_id, &engine)
        .await
        .map_err(internal)?
        .map_err(|message| AppError::Conflict { message })
}
