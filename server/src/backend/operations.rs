//! The operating loop after apply, in the browser: what is live where, verify as a job and
//! its stored reports, destroy as a job, quarantine and release of a container, and a live engine imported as
//! a new design. Every call checks the role; every change to an engine is locked and audited
//! by the functions it hands over to (`crate::watch`, `crate::quarantine`).

use app::backend::Request;
use app::error::AppError;
use app::model::{
    DesignSummary, EngineContainer, JobView, LiveRow, QuarantineRow, Role, VerificationView,
};

use super::{Service, internal};
use crate::engine::labels;
use crate::store::engines::EngineRecord;
use crate::store::{live, quarantines, verifications};

fn refused(message: String) -> AppError {
    AppError::Conflict { message }
}

async fn connected(record: &EngineRecord) -> Result<crate::engine::DockerEngine, AppError> {
    super::engine_status::connect(record).await.map_err(|e| {
        refused(format!(
            "engine {} did not answer ({e}); check it on the engines page",
            record.name
        ))
    })
}

pub(super) async fn list_live(
    service: &Service,
    req: &Request,
    design: Option<i64>,
    engine: Option<i64>,
) -> Result<Vec<LiveRow>, AppError> {
    service.require(req, Role::Viewer).await?;
    live::list(&service.db.read, design, engine)
        .await
        .map_err(internal)
}

/// Starts a verify of the revision live on an engine (editor: the probes are short-lived
/// containers that change nothing of the design).
pub(super) async fn verify(
    service: &Service,
    req: &Request,
    design: i64,
    engine_id: i64,
) -> Result<JobView, AppError> {
    let (_, actor) = service.require(req, Role::Editor).await?;
    let at = crate::watch::verify::Verifying {
        db: service.db.clone(),
        clock: service.config.clock.clone(),
        engine: super::engines::record(service, engine_id).await?,
        actor,
    };
    crate::watch::verify::start(at, &service.jobs, design)
        .await
        .map_err(internal)?
        .map(|job| job.view())
        .map_err(refused)
}

/// Starts removing the revision live on an engine (approver or admin).
pub(super) async fn destroy(
    service: &Service,
    req: &Request,
    design: i64,
    engine_id: i64,
) -> Result<JobView, AppError> {
    let (_, actor) = service.require(req, Role::Approver).await?;
    let engine = super::engines::record(service, engine_id).await?;
    crate::teardown::start(
        &service.db,
        &service.config.clock,
        &service.jobs,
        actor,
        engine,
        design,
    )
    .await
    .map_err(internal)?
    .map(|job| job.view())
    .map_err(refused)
}

pub(super) async fn verification(
    service: &Service,
    req: &Request,
    id: i64,
) -> Result<VerificationView, AppError> {
    service.require(req, Role::Viewer).await?;
    verifications::get(&service.db.read, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Verify report {id}"),
        })
}

/// The containers Bulkhead created on an engine, with their quarantine if they have one.
pub(super) async fn containers(
    service: &Service,
    req: &Request,
    engine_id: i64,
) -> Result<Vec<EngineContainer>, AppError> {
    service.require(req, Role::Viewer).await?;
    let record = super::engines::record(service, engine_id).await?;
    let docker = connected(&record).await?;
    let read = |e: crate::engine::EngineError| {
        refused(format!("reading engine {} failed: {e}", record.name))
    };
    let names = docker
        .container_names_with_label(labels::DESIGN)
        .await
        .map_err(read)?;
    let held = quarantines::list(&service.db.read, engine_id)
        .await
        .map_err(internal)?;
    let mut out = Vec::new();
    for name in names {
        let Some(c) = docker.container(&name).await.map_err(read)? else {
            continue;
        };
        if c.labels.contains_key(labels::PROBE) {
            continue;
        }
        out.push(EngineContainer {
            design: c.labels.get(labels::DESIGN).cloned().unwrap_or_default(),
            service: c.labels.get(labels::SERVICE).cloned().unwrap_or_default(),
            state: c.state.clone(),
            networks: c.networks.iter().map(|n| n.network.clone()).collect(),
            quarantine: held
                .iter()
                .find(|q| q.container == c.name && q.released_at.is_none())
                .cloned(),
            name: c.name,
        });
    }
    out.sort_by(|a, b| (&a.design, &a.name).cmp(&(&b.design, &b.name)));
    Ok(out)
}

pub(super) async fn list_quarantines(
    service: &Service,
    req: &Request,
    engine_id: i64,
) -> Result<Vec<QuarantineRow>, AppError> {
    service.require(req, Role::Viewer).await?;
    quarantines::list(&service.db.read, engine_id)
        .await
        .map_err(internal)
}

/// Quarantines (or, with `release`, releases) a container on an engine: approver or admin.
pub(super) async fn quarantine(
    service: &Service,
    req: &Request,
    engine_id: i64,
    container: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let (_, actor) = service.require(req, Role::Approver).await?;
    let record = super::engines::record(service, engine_id).await?;
    let docker = connected(&record).await?;
    let on = crate::quarantine::On {
        db: &service.db,
        clock: &service.config.clock,
        engine: &record,
        docker: &docker,
        actor: &actor,
    };
    let done = match reason {
        Some(reason) => crate::quarantine::quarantine(&on, &container, &reason).await,
        None => crate::quarantine::release(&on, &container).await,
    };
    done.map_err(internal)?.map(|_| ()).map_err(refused)
}

/// Reads a live engine into a new design (editor), as `bulkhead import docker` does.
pub(super) async fn import(
    service: &Service,
    req: &Request,
    engine_id: i64,
    name: String,
) -> Result<DesignSummary, AppError> {
    let (user, actor) = service.require(req, Role::Editor).await?;
    let name = super::checks::design_name("name", name.trim())?.to_string();
    let record = super::engines::record(service, engine_id).await?;
    let docker = connected(&record).await?;
    let document = crate::engine::import_docker(&docker, &name)
        .await
        .map_err(|e| refused(format!("reading engine {} failed: {e}", record.name)))?;
    crate::documents::inspect(&document).map_err(|e| {
        refused(format!(
            "the engine reads as no design Bulkhead can keep: {e}"
        ))
    })?;
    let message = format!("imported from engine {}", record.name);
    super::designs::store_new(service, &user, &actor, name, &document, message).await
}
