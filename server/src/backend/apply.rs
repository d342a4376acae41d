//! Apply from the browser: an approver carries out a stored plan. The engine's lock is taken
//! first (one job per engine, whoever asks, from here or the command line); the plan is made
//! again against the live engine and must be the stored one (same fingerprint, same hash),
//! else the engine changed and the plan is refused as stale. The work then runs as a job on
//! the server, step by step for the page to follow, with the design's firewall wherever the
//! design needs it or an earlier revision's is in place; an apply whose firewall could not
//! be installed ends as failed. The end is recorded as a deployment and in the audit log,
//! and the lock is released.
//!
//! On an engine that asks for approvals, a plan is applied only through the change request
//! that was approved with it (see `reviews.rs`); an admin may go past missing approvals there
//! with a written reason, which the deployment and the audit log carry.

use std::sync::Arc;

use app::backend::Request;
use app::error::AppError;
use app::model::{JobView, Role};
use design::ValidDesign;

use super::{Service, internal};
use crate::clock;
use crate::deploy;
use crate::engine::{self, ApplyEvent, DockerEngine, EventStatus, Plan};
use crate::jobs::Job;
use crate::store::deployments;
use crate::store::engines::{self, EngineRecord};
use crate::store::{Actor, designs};

/// What the job needs once it runs on its own.
struct Work {
    db: crate::db::Db,
    clock: crate::clock::Clock,
    job: Arc<Job>,
    actor: Actor,
    engine: EngineRecord,
    docker: DockerEngine,
    design: ValidDesign,
    design_id: i64,
    revision: i64,
    plan_id: i64,
    plan: Plan,
    plan_json: String,
    plan_hash: String,
    token: String,
    started_at: String,
    request: Option<ForRequest>,
    webhooks: Arc<crate::webhooks::Webhooks>,
    /// Whether apply installs the design's firewall ([`engine::firewall_wanted`]).
    firewall: bool,
}

/// The change request an apply carries out, and the admin's reason when it goes past the
/// engine's approvals.
#[derive(Debug, Clone)]
pub(super) struct ForRequest {
    pub id: i64,
    pub override_reason: Option<String>,
}

fn refused(message: String) -> AppError {
    AppError::Conflict { message }
}

pub(super) async fn apply_plan(
    service: &Service,
    req: &Request,
    plan_id: i64,
) -> Result<JobView, AppError> {
    let (user, actor) = service.require(req, Role::Approver).await?;
    start(service, &user.name, actor, plan_id, None).await
}

/// Starts the apply of a stored plan as a job; without a request, only on an engine that
/// asks for no approval.
pub(super) async fn start(
    service: &Service,
    user_name: &str,
    actor: crate::store::Actor,
    plan_id: i64,
    request: Option<ForRequest>,
) -> Result<JobView, AppError> {
    let mut conn = service.db.read.acquire().await.map_err(internal)?;
    let stored = deployments::plan(&mut conn, plan_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Plan {plan_id}"),
        })?;
    let d = designs::get(&mut conn, stored.design_id)
        .await
        .map_err(internal)?
        .filter(|d| d.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound {
            what: format!("Design {}", stored.design_id),
        })?;
    let rev = designs::revision(&mut conn, d.id, stored.revision)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Revision {} of {}", stored.revision, d.name),
        })?;
    let engine = engines::get(&mut conn, stored.engine_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Engine {}", stored.engine_id),
        })?;
    drop(conn);
    if request.is_none() && engine.approvals_required > 0 {
        return Err(refused(format!(
            "engine {} asks for {} approval(s) before an apply: propose revision {} of {} in a change request, and apply it from the request once approved",
            engine.name, engine.approvals_required, stored.revision, d.name
        )));
    }
    let (valid, blocked) = crate::documents::checked(rev.document)
        .await
        .map_err(super::offloaded)?
        .map_err(|e| {
            refused(format!(
                "revision {} of {} has errors ({e}); fix them and plan again",
                stored.revision, d.name
            ))
        })?;

    if let Some(blocked) = blocked.into_iter().next() {
        return Err(refused(blocked));
    }
    let title = format!("apply of {} r{} by {user_name}", d.name, stored.revision);
    let token = crate::engine_lock::take(&service.db, &service.config.clock, &engine, &title)
        .await
        .map_err(internal)?
        .map_err(refused)?;
    // Until the job owns the lock, every refusal gives it back.
    let prepared = prepare(&engine, &valid, &stored).await;
    let (docker, plan, plan_json) = match prepared {
        Ok(p) => p,
        Err(e) => {
            crate::engine_lock::release(&service.db, engine.id, &token).await;
            return Err(e);
        }
    };
    let started_at = clock::now_text();
    let job = service.jobs.start(
        "apply",
        title,
        d.id,
        engine.name.clone(),
        plan.actions.len(),
    );
    // Every change is listed from the start, queued, then followed as it runs.
    for a in &plan.actions {
        job.step(&format!("{} {}", a.kind.verb(), a.target), "queued");
    }
    let view = job.view();
    let firewall = engine::firewall_wanted(&valid, &docker).await;
    let work = Work {
        db: service.db.clone(),
        clock: service.config.clock.clone(),
        job,
        actor,
        engine,
        docker,
        design: valid,
        design_id: d.id,
        revision: stored.revision,
        plan_id,
        plan,
        plan_json,
        plan_hash: stored.hash,
        token,
        started_at,
        request,
        webhooks: Arc::clone(&service.webhooks),
        firewall,
    };
    // Recorded before anything changes: an apply whose start cannot be recorded does not run
    // (and a change request carried out by it goes back to where it was).
    if let Err(e) = deploy::record_start(&work.db, &work.applied(), work.firewall).await {
        crate::engine_lock::release(&work.db, work.engine.id, &work.token).await;
        work.job.finish(
            "failed",
            "nothing applied: the start could not be recorded in the audit log".into(),
            None,
        );
        return Err(internal(e.context("recording the start of an apply")));
    }
    tokio::spawn(run(work));
    Ok(view)
}

/// Connects, makes the plan again and checks it is the stored one; refuses it with objects
/// in the way.
async fn prepare(
    engine: &EngineRecord,
    valid: &ValidDesign,
    stored: &deployments::PlanRecord,
) -> Result<(DockerEngine, Plan, String), AppError> {
    let docker = super::engine_status::connect(engine).await.map_err(|e| {
        refused(format!(
            "engine {} did not answer ({e}); nothing was changed",
            engine.name
        ))
    })?;
    let plan = engine::plan(valid, &docker)
        .await
        .map_err(|e| refused(format!("reading engine {} failed: {e}", engine.name)))?;
    let plan_json = serde_json::to_string(&plan).map_err(internal)?;
    let hash = deploy::plan_hash(&plan_json);
    if plan.fingerprint != stored.fingerprint || hash != stored.hash {
        return Err(refused(format!(
            "engine {} changed since plan {} was made; plan again, and apply the new plan",
            engine.name, stored.id
        )));
    }
    if !plan.conflicts.is_empty() {
        return Err(refused(format!(
            "objects with this design's names that Bulkhead does not own are in the way on {}: {}; rename or remove them, then plan again",
            engine.name,
            plan.conflicts
                .iter()
                .map(|c| format!("{} {}", c.object, c.name))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok((docker, plan, plan_json))
}

fn step_state(status: &EventStatus) -> String {
    match status {
        EventStatus::Started => "running".into(),
        EventStatus::Done => "done".into(),
        EventStatus::Failed { error } => format!("failed: {error}"),
    }
}

impl Work {
    /// What the audit log and the deployment record of this apply say.
    fn applied(&self) -> deploy::Applied<'_> {
        deploy::Applied {
            actor: &self.actor,
            design_name: self.design.name.as_str(),
            design_id: Some(self.design_id),
            revision: Some(self.revision),
            engine: &self.engine,
            plan_id: Some(self.plan_id),
            plan: &self.plan,
            plan_json: &self.plan_json,
            plan_hash: &self.plan_hash,
            started_at: &self.started_at,
            request_id: self.request.as_ref().map(|r| r.id),
            override_reason: self
                .request
                .as_ref()
                .and_then(|r| r.override_reason.as_deref()),
        }
    }
}

/// The job: apply with the lock kept alive, record the end, give the lock back.
async fn run(w: Work) {
    let job = w.job.clone();
    let on_event = move |e: &ApplyEvent| {
        job.step(&format!("{} {}", e.verb, e.target), &step_state(&e.status));
    };
    let firewall = w.firewall;
    if firewall {
        let backend = w.docker.info().firewall.backend;
        w.job.step("firewall", engine::firewall_step(backend));
    }
    let applied = w.applied();
    let outcome = deploy::apply_locked(
        &w.db, &w.clock, &w.engine, &w.token, &w.design, &w.docker, &w.plan, firewall, &on_event,
    )
    .await;
    let end = deploy::conclude(w.plan.actions.len(), firewall, &outcome);
    if firewall {
        w.job.step("firewall", &end.firewall);
    }
    let recorded = deploy::record(&w.db, &applied, &end).await;
    crate::engine_lock::release(&w.db, w.engine.id, &w.token).await;
    if let (Some(request), Ok(deployment)) = (&w.request, &recorded) {
        let (action, outcome) = if end.result == "applied" {
            ("request-applied", "applied")
        } else {
            ("request-apply-failed", "failed to apply")
        };
        let summary = format!(
            "change request #{}: {} r{} {outcome} to {} (deployment {deployment})",
            request.id, w.design.name, w.revision, w.engine.name
        );
        let actor = w.actor.name.clone().unwrap_or_default();
        w.webhooks
            .announce_request(&w.db, &w.clock, request.id, action, &actor, &summary)
            .await;
    }
    match recorded {
        Ok(id) => w.job.finish(&end.result, end.summary, Some(id)),
        Err(e) => {
            tracing::error!("recording the apply failed: {e:#}");
            w.job.finish(
                &end.result,
                format!("{} (recording it failed: see the server log)", end.summary),
                None,
            );
        }
    }
}
