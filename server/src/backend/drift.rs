//! Drift in the browser: a design on an engine against the revision last applied there
//! through Bulkhead (not whatever is newest), read from the live engine on demand and
//! recorded like the background checks. A missing firewall the design needs is drift too.
//! Beside it, what that firewall has done: its rules' counters.

use app::backend::Request;
use app::error::AppError;
use app::model::counters::FirewallCounters;
use app::model::{DriftView, Role};

use super::{Service, internal};

pub(super) async fn check(
    service: &Service,
    req: &Request,
    design_id: i64,
    engine_id: i64,
) -> Result<DriftView, AppError> {
    let (_, actor) = service.require(req, Role::Viewer).await?;
    let engine = super::engines::record(service, engine_id).await?;
    crate::watch::drift::check_pair(&service.db, &actor, design_id, &engine)
        .await
        .map_err(internal)?
        .map_err(|message| AppError::Conflict { message })
}

/// What the firewall of a design live on an engine has done since the apply: each rule's
/// packets and bytes, read from the host now (viewer).
pub(super) async fn counters(
    service: &Service,
    req: &Request,
    design_id: i64,
    engine_id: i64,
) -> Result<FirewallCounters, AppError> {
    service.require(req, Role::Viewer).await?;
    let engine = super::engines::record(service, engine_id).await?;
    crate::counters::of_deployment(service, design_id, &engine)
        .await
        .map_err(internal)?
        .map_err(|message| AppError::Conflict { message })
}
