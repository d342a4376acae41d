//! Apply from the browser: an approver carries out a stored plan. The engine's lock is taken
//! first (one job per engine, whoever asks, from here or the command line); the plan is made
//! again against the live engine and must be the stored one (same fingerprint, same hash),
//! else the engine changed and the plan is refused as stale. The work then runs as a job on
//! the server, step by step for the page to follow, with the design's firewall wherever the
//! design needs it; an apply whose firewall could not be installed ends as failed. The end is
//! recorded as a deployment and in the audit log, and the lock is released.

use std::sync::Arc;
use std::time::Duration;

use app::backend::Request;
use app::error::AppError;
use app::model::{JobView, Role};
use design::ValidDesign;

use super::{Service, internal, offloaded};
use crate::clock;
use crate::engine::{
    self, ApplyEvent, ApplyOptions, ApplyReport, DockerEngine, EngineError, EventStatus,
    FirewallOutcome, Plan,
};
use crate::jobs::Job;
use crate::offload;
use crate::store::audit::{self, NewEntry};
use crate::store::deployments::{self, NewDeployment};
use crate::store::engines::{self, EngineRecord, Taken};
use crate::store::{Actor, designs};

/// How often a running job renews its engine lock (well within the lease).
const RENEW_EVERY: Duration = Duration::from_secs(30);

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
    let document = rev.document;
    let valid = offload::run("checking the design", document.len(), move || {
        design::parse_document(&document)
            .ok()
            .and_then(|raw| design::check(&raw).ok())
    })
    .await
    .map_err(offloaded)?
    .ok_or_else(|| {
        refused(format!(
            "revision {} of {} has errors; fix them and plan again",
            stored.revision, d.name
        ))
    })?;

    let title = format!("apply of {} r{} by {}", d.name, stored.revision, user.name);
    let token = {
        let mut conn = service.db.write.acquire().await.map_err(internal)?;
        match engines::lock(&mut conn, engine.id, &title, service.config.clock.unix())
            .await
            .map_err(internal)?
        {
            Taken::Ours(token) => token,
            Taken::HeldBy(held) => {
                return Err(refused(format!(
                    "engine {} is in use: {} (since {}); wait for it to end",
                    engine.name,
                    held.holder,
                    clock::display(&held.acquired_at)
                )));
            }
        }
    };
    // Until the job owns the lock, every refusal gives it back.
    let prepared = prepare(&engine, &valid, &stored).await;
    let (docker, plan, plan_json) = match prepared {
        Ok(p) => p,
        Err(e) => {
            release(&service.db, engine.id, &token).await;
            return Err(e);
        }
    };
    let job = service
        .jobs
        .start(title, d.id, engine.name.clone(), plan.actions.len());
    let view = job.view();
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
        started_at: clock::now_text(),
    };
    tokio::spawn(run(work));
    Ok(view)
}

/// Connects, makes the plan again and checks it is the stored one; refuses what apply must
/// not go on with (objects in the way, unaccepted error findings).
async fn prepare(
    engine: &EngineRecord,
    valid: &ValidDesign,
    stored: &deployments::PlanRecord,
) -> Result<(DockerEngine, Plan, String), AppError> {
    let docker = super::engines::connect(engine).await.map_err(|e| {
        refused(format!(
            "engine {} did not answer ({e}); nothing was changed",
            engine.name
        ))
    })?;
    let plan = engine::plan(valid, &docker)
        .await
        .map_err(|e| refused(format!("reading engine {} failed: {e}", engine.name)))?;
    let plan_json = serde_json::to_string(&plan).map_err(internal)?;
    let hash = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(plan_json.as_bytes()))
    };
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
    design::findings::release(valid).map_err(|blocked| refused(blocked.to_string()))?;
    Ok((docker, plan, plan_json))
}

async fn release(db: &crate::db::Db, engine_id: i64, token: &str) {
    let result = async {
        let mut conn = db.write.acquire().await?;
        engines::unlock(&mut conn, engine_id, token).await
    }
    .await;
    if let Err(e) = result {
        tracing::error!("releasing the lock on engine {engine_id} failed: {e:#}");
    }
}

fn step_state(status: &EventStatus) -> String {
    match status {
        EventStatus::Started => "running".into(),
        EventStatus::Done => "done".into(),
        EventStatus::Failed { error } => format!("failed: {error}"),
    }
}

/// The job: apply, keep the lock alive meanwhile, record the end, give the lock back.
async fn run(w: Work) {
    let job = w.job.clone();
    let on_event = move |e: &ApplyEvent| {
        job.step(&format!("{} {}", e.verb, e.target), &step_state(&e.status));
    };
    let firewall = crate::engine::design_needs_firewall(&w.design);
    let options = ApplyOptions {
        firewall,
        ..ApplyOptions::default()
    };
    if firewall {
        w.job.step("firewall", "waiting for the containers");
    }
    let applying = engine::apply(&w.design, &w.docker, &w.plan, options, &on_event);
    let renewing = async {
        loop {
            tokio::time::sleep(RENEW_EVERY).await;
            let renewed = async {
                let mut conn = w.db.write.acquire().await?;
                engines::renew(&mut conn, w.engine.id, &w.token, w.clock.unix()).await
            }
            .await;
            match renewed {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    "the lock on engine {} was broken while an apply ran",
                    w.engine.name
                ),
                Err(e) => tracing::warn!("renewing the lock on {} failed: {e:#}", w.engine.name),
            }
        }
    };
    let outcome = tokio::select! {
        outcome = applying => outcome,
        () = renewing => unreachable!("renewing never ends"),
    };
    let (result, failed_step, firewall_words, summary, report_json) =
        conclude(&w, firewall, outcome);
    if firewall {
        w.job.step("firewall", &firewall_words);
    }
    let recorded = record(
        &w,
        &result,
        failed_step.as_deref(),
        &firewall_words,
        &summary,
        &report_json,
    )
    .await;
    release(&w.db, w.engine.id, &w.token).await;
    match recorded {
        Ok(id) => w.job.finish(&result, summary, Some(id)),
        Err(e) => {
            tracing::error!("recording the apply failed: {e:#}");
            w.job.finish(
                &result,
                format!("{summary} (recording it failed: see the server log)"),
                None,
            );
        }
    }
}

/// The end of an apply in words: result, the step that failed, the firewall, a summary and
/// the report as JSON.
fn conclude(
    w: &Work,
    firewall_needed: bool,
    outcome: Result<ApplyReport, EngineError>,
) -> (String, Option<String>, String, String, String) {
    let report = match outcome {
        Ok(report) => report,
        Err(e) => {
            let message = e.to_string();
            return (
                "failed".into(),
                Some(format!("apply: {message}")),
                "not installed".into(),
                format!("failed: {message}"),
                serde_json::json!({ "error": message }).to_string(),
            );
        }
    };
    let report_json = serde_json::to_string(&report).unwrap_or_else(|_| "{}".into());
    let firewall = match &report.firewall {
        FirewallOutcome::Installed { chain } => format!("{chain} in place"),
        FirewallOutcome::NotInstalled { reason } => format!("not installed: {reason}"),
        FirewallOutcome::Failed { error } => format!("failed: {error}"),
    };
    let counts = format!(
        "{} of {} change(s) done",
        report.done.len(),
        w.plan.actions.len()
    );
    if let Some((step, error)) = &report.failed {
        return (
            "failed".into(),
            Some(format!("{step}: {error}")),
            firewall,
            format!(
                "{step} failed ({error}); {counts}, {} not attempted; applying again converges",
                report.not_done.len()
            ),
            report_json,
        );
    }
    let firewall_missing = !matches!(report.firewall, FirewallOutcome::Installed { .. });
    if firewall_needed && firewall_missing {
        return (
            "failed".into(),
            Some(format!("firewall: {firewall}")),
            firewall.clone(),
            format!(
                "{counts}, but the firewall the design needs is not in place ({firewall}): the isolation it promises does not hold"
            ),
            report_json,
        );
    }
    (
        "applied".into(),
        None,
        firewall.clone(),
        format!("applied: {counts}; firewall {firewall}"),
        report_json,
    )
}

/// Records the deployment and its audit entry together.
async fn record(
    w: &Work,
    result: &str,
    failed_step: Option<&str>,
    firewall: &str,
    summary: &str,
    report_json: &str,
) -> anyhow::Result<i64> {
    let mut tx = w.db.write.begin().await?;
    let id = deployments::insert(
        &mut tx,
        &NewDeployment {
            design_id: w.design_id,
            revision: w.revision,
            engine_id: w.engine.id,
            engine_name: &w.engine.name,
            plan_id: Some(w.plan_id),
            actor_id: w.actor.id,
            actor_name: w.actor.name.as_deref().unwrap_or("?"),
            started_at: &w.started_at,
            plan_json: &w.plan_json,
            plan_hash: &w.plan_hash,
            fingerprint: &w.plan.fingerprint,
            result,
            failed_step,
            firewall,
            report_json,
        },
    )
    .await?;
    let mut entry = NewEntry::new(
        &w.actor,
        "engine-apply",
        format!(
            "applied {} r{} to {}: {summary}",
            w.design.name, w.revision, w.engine.name
        ),
    )
    .design(w.design_id)
    .details(serde_json::json!({
        "deployment": id,
        "plan": w.plan_id,
        "engine": w.engine.name,
        "result": result,
    }));
    entry.target = Some(&w.engine.name);
    audit::append(&mut tx, &w.db.audit, entry).await?;
    tx.commit().await?;
    Ok(id)
}
