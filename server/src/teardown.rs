//! Destroy as a job on an engine, from the browser and the command line alike: under the
//! engine's lock, everything Bulkhead created for the design is removed (containers,
//! networks, firewall), and the teardown is recorded with its audit entry: after it, nothing
//! of the design is live there until the next apply.

use std::sync::Arc;

use crate::clock::Clock;
use crate::db::Db;
use crate::engine::{self, DestroyReport, EngineError};
use crate::engine_lock;
use crate::jobs::{Job, Jobs};
use crate::store::audit::{self, NewEntry};
use crate::store::engines::EngineRecord;
use crate::store::{Actor, designs, live};

/// Records a destroy as a teardown with its audit entry; the stored design of that name, if
/// there is one, is the one that is no longer live.
pub async fn record(
    db: &Db,
    actor: &Actor,
    engine: &EngineRecord,
    name: &str,
    outcome: &Result<DestroyReport, EngineError>,
) -> anyhow::Result<i64> {
    let (result, report_json, summary) = match outcome {
        Ok(r) => ("removed", serde_json::to_string(r)?, summary(r)),
        Err(e) => (
            "failed",
            serde_json::json!({ "error": e.to_string() }).to_string(),
            format!("failed: {e}"),
        ),
    };
    // The firewall is recorded apart when the teardown removed one.
    let removed_firewall = outcome.as_ref().ok().and_then(|r| r.firewall.clone());
    let mut tx = db.write.begin().await?;
    let design_id = designs::live_by_name(&mut tx, name).await?;
    let id = live::record_teardown(
        &mut tx,
        &live::NewTeardown {
            design_name: name,
            design_id,
            engine_id: engine.id,
            engine_name: &engine.name,
            actor_id: actor.id,
            actor_name: actor.name.as_deref().unwrap_or("?"),
            result,
            report_json: &report_json,
        },
    )
    .await?;
    let mut entry = NewEntry::new(
        actor,
        "engine-destroy",
        format!("destroyed {name} on {}: {summary}", engine.name),
    )
    .details(serde_json::json!({ "teardown": id, "engine": engine.name, "result": result }));
    entry = match design_id {
        Some(id) => entry.design(id),
        None => entry.object("engine", engine.id),
    };
    entry.target = Some(&engine.name);
    audit::append(&mut tx, &db.audit, entry).await?;
    if let Some(firewall) = removed_firewall {
        let mut entry = NewEntry::new(
            actor,
            "engine-firewall",
            format!(
                "removed the firewall of {name} on {}: {firewall}",
                engine.name
            ),
        )
        .details(serde_json::json!({
            "teardown": id,
            "engine": engine.name,
            "result": "removed",
            "firewall": firewall,
        }));
        entry = match design_id {
            Some(id) => entry.design(id),
            None => entry.object("engine", engine.id),
        };
        entry.target = Some(&engine.name);
        audit::append(&mut tx, &db.audit, entry).await?;
    }
    tx.commit().await?;
    Ok(id)
}

fn summary(r: &DestroyReport) -> String {
    format!(
        "removed {} container(s), {} network(s), firewall {}",
        r.containers.len(),
        r.networks.len(),
        r.firewall.as_deref().unwrap_or("none")
    )
}

/// Starts removing the revision of `design_id` live on `engine` as a job: the job, or why
/// not (not live there, busy, unreachable). The outer error is ours.
pub async fn start(
    db: &Db,
    clock: &Clock,
    jobs: &Jobs,
    actor: Actor,
    engine: EngineRecord,
    design_id: i64,
) -> anyhow::Result<Result<Arc<Job>, String>> {
    let (row, design) = match crate::watch::live_revision(
        db,
        design_id,
        &engine,
        "there is nothing of it to remove",
    )
    .await?
    {
        Ok(found) => found,
        Err(why) => return Ok(Err(why)),
    };
    let who = actor.name.clone().unwrap_or_else(|| "?".into());
    let title = format!("destroy of {} r{} by {who}", row.design, row.revision);
    let (token, docker) =
        match engine_lock::take_connected(db, clock, &engine, &title, "removed").await? {
            Ok(held) => held,
            Err(why) => return Ok(Err(why)),
        };
    let job = jobs.start("destroy", title, design_id, engine.name.clone(), 1);
    job.step("remove containers, networks and firewall", "queued");
    let (db, clock, follower) = (db.clone(), clock.clone(), job.clone());
    tokio::spawn(async move {
        let step = "remove containers, networks and firewall";
        follower.step(step, "running");
        let removing = engine::destroy(&design, &docker);
        let outcome = engine_lock::keep_while(&db, &clock, &engine, &token, removing).await;
        let recorded = record(&db, &actor, &engine, design.name.as_str(), &outcome).await;
        engine_lock::release(&db, engine.id, &token).await;
        if let Err(e) = &recorded {
            tracing::error!("recording the destroy failed: {e:#}");
        }
        match outcome {
            Ok(r) => {
                follower.step(step, "done");
                follower.finish("removed", summary(&r), None);
            }
            Err(e) => {
                follower.step(step, &format!("failed: {e}"));
                follower.finish("failed", format!("destroy failed: {e}"), None);
            }
        }
    });
    Ok(Ok(job))
}
