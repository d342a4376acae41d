//! Verify of one applied design on one engine, as a job: under the engine's lock, probe
//! containers test every pair of the revision live there, and the report is stored beside the
//! deployment it checked, with its audit entry. A mismatch is an alert: the audit entry says
//! so, and the design's engine panel, the engine page and the designs list show it.

use std::sync::Arc;

use crate::clock::{self, Clock};
use crate::db::Db;
use crate::engine::{self, DockerEngine, VerifyOptions, VerifyReport};
use crate::engine_lock;
use crate::jobs::{Job, Jobs};
use crate::store::audit::{self, NewEntry};
use crate::store::engines::EngineRecord;
use crate::store::verifications::{self, NewVerification};
use crate::store::{Actor, live};

/// Where a verify runs.
pub struct Verifying {
    pub db: Db,
    pub clock: Clock,
    pub engine: EngineRecord,
    pub actor: Actor,
}

/// What the job needs once it runs on its own.
struct Work {
    at: Verifying,
    job: Arc<Job>,
    docker: DockerEngine,
    design: design::ValidDesign,
    design_id: i64,
    revision: i64,
    deployment: i64,
    token: String,
    started_at: String,
}

/// Starts verifying `design_id` as live on the engine: the job, or why it cannot start (not
/// live there, the engine is busy or does not answer). The outer error is ours.
pub async fn start(
    at: Verifying,
    jobs: &Jobs,
    design_id: i64,
) -> anyhow::Result<Result<Arc<Job>, String>> {
    let engine = &at.engine;
    let (row, design) = match super::live_revision(
        &at.db,
        design_id,
        engine,
        "verify proves what was applied there; plan and apply it first",
    )
    .await?
    {
        Ok(found) => found,
        Err(why) => return Ok(Err(why)),
    };
    let who = at.actor.name.clone().unwrap_or_else(|| "?".into());
    let title = format!("verify of {} r{} by {who}", row.design, row.revision);
    let (token, docker) =
        match engine_lock::take_connected(&at.db, &at.clock, engine, &title, "probed").await? {
            Ok(held) => held,
            Err(why) => return Ok(Err(why)),
        };
    let job = jobs.start("verify", title, design_id, engine.name.clone(), 1);
    job.step("probes", "queued");
    let work = Work {
        at,
        job: job.clone(),
        docker,
        design,
        design_id,
        revision: row.revision,
        deployment: row.deployment,
        token,
        started_at: clock::now_text(),
    };
    tokio::spawn(run(work));
    Ok(Ok(job))
}

/// The job: probe with the lock kept alive, record the report, give the lock back.
async fn run(w: Work) {
    w.job.step("probes", "running");
    let probing = engine::verify(&w.design, &w.docker, VerifyOptions::default());
    let outcome =
        engine_lock::keep_while(&w.at.db, &w.at.clock, &w.at.engine, &w.token, probing).await;
    let ended = match outcome {
        Ok(report) => {
            w.job.step("probes", "done");
            match record(&w, &report).await {
                Ok(id) => Ok((id, report)),
                Err(e) => Err(format!("recording the report failed: {e:#}")),
            }
        }
        Err(e) => {
            w.job.step("probes", &format!("failed: {e}"));
            Err(e.to_string())
        }
    };
    engine_lock::release(&w.at.db, w.at.engine.id, &w.token).await;
    match ended {
        Ok((id, report)) => {
            let (result, summary) = verdict(&report);
            w.job.finish_verify(result, summary, id);
        }
        Err(e) => {
            tracing::warn!("verify on {} failed: {e}", w.at.engine.name);
            if let Err(a) = audit_failure(&w, &e).await {
                tracing::error!("recording the failed verify failed: {a:#}");
            }
            w.job.finish("failed", format!("verify failed: {e}"), None);
        }
    }
}

/// The job's result and its sentence.
fn verdict(r: &VerifyReport) -> (&'static str, String) {
    let not_judged = r.unverifiable + r.inconclusive;
    let mut s = format!(
        "{} check(s): {} mismatch(es), {not_judged} not judged",
        r.checks.len(),
        r.mismatches
    );
    if !r.unprobed.is_empty() {
        s.push_str(&format!("; not probed: {}", r.unprobed.join(", ")));
    }
    if r.passed() {
        ("passed", format!("passed: {s}"))
    } else {
        (
            "mismatches",
            format!("the engine does not do what the design says: {s}"),
        )
    }
}

async fn record(w: &Work, report: &VerifyReport) -> anyhow::Result<i64> {
    let report_json = serde_json::to_string(report)?;
    let firewall = crate::backend::engine_status::firewall_words(&report.firewall);
    let mut tx = w.at.db.write.begin().await?;
    let name = w.design.name.as_str();
    let id = verifications::insert(
        &mut tx,
        &NewVerification {
            design_name: name,
            design_id: Some(w.design_id),
            revision: Some(w.revision),
            engine_id: w.at.engine.id,
            engine_name: &w.at.engine.name,
            deployment_id: Some(w.deployment),
            actor_id: w.at.actor.id,
            actor_name: w.at.actor.name.as_deref().unwrap_or("?"),
            started_at: &w.started_at,
            passed: report.passed(),
            checks: report.checks.len(),
            mismatches: report.mismatches,
            not_judged: report.unverifiable + report.inconclusive,
            firewall: &firewall,
            report_json: &report_json,
        },
    )
    .await?;
    let (result, summary) = verdict(report);
    let mut entry = NewEntry::new(
        &w.at.actor,
        "engine-verify",
        format!(
            "verified {name} r{} on {}: {summary}",
            w.revision, w.at.engine.name
        ),
    )
    .design(w.design_id)
    .details(serde_json::json!({
        "verification": id,
        "deployment": w.deployment,
        "engine": w.at.engine.name,
        "revision": w.revision,
        "result": if result == "passed" { "ok" } else { "failed" },
        "checks": report.checks.len(),
        "mismatches": report.mismatches,
    }));
    entry.target = Some(&w.at.engine.name);
    audit::append(&mut tx, &w.at.db.audit, entry).await?;
    tx.commit().await?;
    Ok(id)
}

async fn audit_failure(w: &Work, error: &str) -> anyhow::Result<()> {
    let mut tx = w.at.db.write.begin().await?;
    let mut entry = NewEntry::new(
        &w.at.actor,
        "engine-verify",
        format!(
            "verify of {} r{} on {} could not run: {error}",
            w.design.name.as_str(),
            w.revision,
            w.at.engine.name
        ),
    )
    .design(w.design_id)
    .details(serde_json::json!({
        "engine": w.at.engine.name,
        "revision": w.revision,
        "result": "failed",
        "error": error,
    }));
    entry.target = Some(&w.at.engine.name);
    audit::append(&mut tx, &w.at.db.audit, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Verifies, one after another, every live design whose last report is older than `every`
/// (the scheduled proof); a busy engine is left for the next round.
pub async fn verify_due(
    db: &Db,
    clock: &Clock,
    jobs: &Jobs,
    every: std::time::Duration,
) -> anyhow::Result<()> {
    let engines = crate::store::engines::list(&db.read).await?;
    for row in live::list(&db.read, None, None).await? {
        let Some(engine) = engines.iter().find(|e| e.id == row.engine_id) else {
            continue;
        };
        let last = verifications::last_at(&db.read, row.design_id, row.engine_id).await?;
        let due = last.is_none_or(|t| clock.unix() - t >= every.as_secs() as i64);
        if !due {
            continue;
        }
        let at = Verifying {
            db: db.clone(),
            clock: clock.clone(),
            engine: engine.clone(),
            actor: super::schedule(),
        };
        match start(at, jobs, row.design_id).await? {
            Ok(job) => {
                let mut follow = job.follow();
                while !job.ended() {
                    if follow.changed().await.is_err() {
                        break;
                    }
                }
            }
            Err(why) => tracing::info!(
                "scheduled verify of {} on {}: {why}",
                row.design,
                engine.name
            ),
        }
    }
    Ok(())
}
